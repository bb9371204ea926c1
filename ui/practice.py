"""The practice sandbox: the project's local Tasking API simulator, run inside QGIS."""

from typing import Optional

PRACTICE_KEY = "sandbox-key"  # the key the sandbox lets task; not a secret


class PracticeSandbox:
    """Starts a SandboxServer on a free loopback port on first use; stop() at unload."""

    def __init__(self, **options):
        self._options = dict(options)
        self._server = None
        self._url: Optional[str] = None

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def server(self):
        return self._server

    def url(self) -> str:
        if self._server is None:
            from ..sandbox import SandboxServer  # only loaded when practice mode is used

            options = {"host": "127.0.0.1", "port": 0}
            options.update(self._options)
            server = SandboxServer(**options)
            self._url = server.start()
            self._server = server
        return self._url

    def stop(self):
        server, self._server, self._url = self._server, None, None
        if server is not None:
            server.stop()
