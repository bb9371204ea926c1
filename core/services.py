"""What outlives the dock: the job store, the JobManager and the practice sandbox.

The plugin makes one ``PluginServices`` in ``initGui`` so that jobs left running
when QGIS closed are resumed at start, whether or not the dock is ever opened.
"""

import logging
import os
from typing import Callable, Optional

from qgis.core import Qgis, QgsApplication
from qgis.PyQt.QtCore import QTimer

from .credentials import configured_api_key
from .identity import PLUGIN_ID
from .jobs.manager import JobManager
from .model.store import JobStore
from .qgis_proxy import proxies_from_qgis_settings
from .tasking.client import TaskingClient

log = logging.getLogger(__name__)

#: jobs sent in practice mode say this instead of a URL: the sandbox's port changes
#: from one QGIS session to the next, its orders (kept in a file) do not.
PRACTICE_ENDPOINT = "practice://sandbox"
PRACTICE_KEY = "sandbox-key"  # the key the sandbox lets task; not a secret
#: practice refuses a few valid orders ("no capacity"), as the real service may, so that
#: analysts see failed rows and can rehearse fixing and resubmitting them.
PRACTICE_FAULTS = {"payload_failure_rate": 0.05}


def default_data_dir() -> str:
    return os.path.join(QgsApplication.qgisSettingsDirPath(), PLUGIN_ID)


class PracticeSandbox:
    """The local Tasking API simulator, started on a free loopback port on first use."""

    def __init__(self, db_path: Optional[str] = None, **options):
        options.setdefault("faults", dict(PRACTICE_FAULTS))
        self._options = dict(options, db_path=db_path)
        self.server = None

    @property
    def running(self) -> bool:
        return self.server is not None

    def url(self) -> str:
        if self.server is None:
            from ..sandbox import SandboxServer  # loaded only when practice mode is used

            server = SandboxServer(**dict(self._options, host="127.0.0.1", port=0))
            server.start()
            self.server = server
        return self.server.base_url

    def stop(self) -> None:
        server, self.server = self.server, None
        if server is not None:
            server.stop()


class PluginServices:
    def __init__(
        self,
        data_dir: Optional[str] = None,
        *,
        api_key: Optional[Callable] = None,
        worker_options: Optional[dict] = None,
        monitor_options: Optional[dict] = None,
        client_class: Optional[Callable[..., TaskingClient]] = None,
    ):
        self.data_dir = data_dir or default_data_dir()
        os.makedirs(self.data_dir, exist_ok=True)
        self._api_key = api_key or configured_api_key
        self.client_class = client_class or TaskingClient  # tests may put a subclass here
        self._closed = False
        self.store = JobStore(os.path.join(self.data_dir, "jobs.sqlite"))
        self.practice = PracticeSandbox(db_path=os.path.join(self.data_dir, "practice.sqlite"))
        self.manager = JobManager(
            self.store,
            self.client_factory_for,
            worker_options=worker_options,
            monitor_options=monitor_options,
        )

    def resolve(self, endpoint: str) -> str:
        """The URL to call for a job's endpoint (the practice sandbox's current port)."""
        return self.practice.url() if endpoint == PRACTICE_ENDPOINT else endpoint

    def client_factory_for(self, endpoint: str) -> Callable[..., TaskingClient]:
        """Main thread: read URL, key and proxy now; worker threads call the factory."""
        practice = endpoint == PRACTICE_ENDPOINT
        url = self.resolve(endpoint)
        key = PRACTICE_KEY if practice else self._api_key()
        proxies = None if practice else proxies_from_qgis_settings()
        qgis_version = Qgis.QGIS_VERSION.split("-")[0]
        client_class = self.client_class

        def factory(stop_event=None) -> TaskingClient:
            return client_class(
                url, key, proxies=proxies, stop_event=stop_event, qgis_version=qgis_version
            )

        return factory

    def start(self) -> None:
        """Resume what QGIS was doing when it closed, once the GUI is up."""
        QTimer.singleShot(0, self._resume)

    def _resume(self) -> None:
        if self._closed:  # unloaded before the event loop came round
            return
        try:
            # Only jobs with requests in flight are resumed at start; watching older jobs'
            # orders waits for the dock (it may need the key, hence QGIS's master password,
            # which nobody should be asked for at start just to refresh statuses).
            resumed = self.manager.resume_unfinished(watch_orders=False)
        except Exception:  # a damaged store must not stop QGIS from starting
            log.exception("could not resume the saved jobs")
            return
        if resumed:
            log.info("resumed %d unfinished job(s)", len(resumed))

    def shutdown(self) -> None:
        self._closed = True
        self.manager.shutdown()
        self.practice.stop()
        self.store.close()
