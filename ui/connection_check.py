"""'Test connection' off the main thread: one request on a QThread, answer by signal."""

from qgis.PyQt.QtCore import pyqtSignal

from ..core.jobs.threads import BackgroundTask, TaskThread


class ConnectionCheckTask(BackgroundTask):
    report = pyqtSignal(str, str)  # state (valid|invalid|forbidden|unreachable), message

    def __init__(self, base_url: str, api_key: str, proxies=None):
        super().__init__()
        self._base_url = base_url
        self._key = api_key
        self._proxies = proxies

    def work(self):
        from ..core.tasking.client import TaskingClient

        client = TaskingClient(
            self._base_url,
            self._key,
            timeout=(5.0, 15.0),
            max_retries=1,
            stop_event=self.stop_event,
            proxies=self._proxies,
        )
        try:
            result = client.check_connection()
        finally:
            client.close()
            self._key = None
        if not self.cancelled:
            self.report.emit(result.state, result.message)


class ConnectionCheck:
    """One check at a time; stop() cancels and joins it."""

    def __init__(self, parent=None):
        self._parent = parent
        self._runner = None
        self._stuck = []  # threads that did not stop in time: never destroyed running

    def running(self) -> bool:
        return self._runner is not None and self._runner.is_running()

    def start(self, base_url, api_key, on_report, on_failed, proxies=None) -> ConnectionCheckTask:
        self.stop()
        task = ConnectionCheckTask(base_url, api_key, proxies)
        task.report.connect(on_report)
        task.failed.connect(on_failed)
        self._runner = TaskThread(task, "pbt-connection-check", self._parent)
        self._runner.start()
        return task

    def stop(self, timeout_ms: int = 5000) -> bool:
        runner, self._runner = self._runner, None
        if runner is None:
            return True
        ok = runner.stop(timeout_ms)
        if not ok:
            self._stuck.append(runner)
        return ok
