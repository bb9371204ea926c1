"""'Test connection' off the main thread: one request run as an engine, answer by signal."""

from ..core.engine.base import Engine
from ..core.jobs.background import BackgroundJob


class ConnectionCheckEngine(Engine):
    """Reports ``report(state, message)``: valid | invalid | forbidden | unreachable."""

    def __init__(self, base_url: str, api_key: str, proxies=None):
        def make_client(stop_event=None):
            from ..core.tasking.client import TaskingClient

            client = TaskingClient(
                base_url,
                self._key,
                timeout=(5.0, 15.0),
                max_retries=1,
                stop_event=stop_event,
                proxies=proxies,
            )
            self._key = None  # the client holds it for this one request; nobody else
            return client

        super().__init__(make_client)
        self._key = api_key

    def work(self):
        result = self.new_client().check_connection()
        if not self.cancelled:
            self.emit("report", result.state, result.message)


class ConnectionCheck:
    """One check at a time; stop() cancels and joins it."""

    def __init__(self, parent=None):
        self._parent = parent
        self._runner = None
        self._stuck = []  # threads that did not stop in time: never destroyed running

    def running(self) -> bool:
        return self._runner is not None and self._runner.is_running()

    def start(self, base_url, api_key, on_report, on_failed, proxies=None) -> BackgroundJob:
        self.stop()
        runner = BackgroundJob(
            ConnectionCheckEngine(base_url, api_key, proxies), "pbt-connection-check", self._parent
        )
        runner.reported.connect(lambda name, args: on_report(*args) if name == "report" else None)
        runner.ended.connect(lambda how: on_failed(runner.error) if how == "failed" else None)
        self._runner = runner.start()
        return runner

    def stop(self, timeout_ms: int = 5000) -> bool:
        runner, self._runner = self._runner, None
        if runner is None:
            return True
        ok = runner.stop(timeout_ms)
        if not ok:
            self._stuck.append(runner)
        return ok
