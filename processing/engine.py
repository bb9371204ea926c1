"""What the algorithms share with the dock: endpoint, credentials, job store, the engine.

``JobDriver`` runs one job's SubmitEngine (``core/engine``) right in the algorithm's
thread (Processing may run algorithms on a background thread; qgis_process runs them on
the main thread), written through the dock's JobStore as the dock writes it. The
feedback shows progress and honours cancel with the dock's honesty: nothing more is
sent, and what the service already accepted is said and followed.
"""

import os
import sqlite3
import time
from datetime import datetime, timezone
from typing import Callable, Optional

from qgis.core import (
    Qgis,
    QgsProcessingException,
    QgsProcessingParameterAuthConfig,
    QgsProcessingParameterString,
)
from qgis.PyQt.QtCore import QCoreApplication, QObject, Qt, pyqtSignal

from ..core import services as core_services
from ..core.credentials import (
    ENV_KEY,
    CredentialError,
    configured_authcfg,
    credential_from_authcfg,
)
from ..core.engine.submit import SubmitEngine, record_event
from ..core.model.job import BulkJob, ChunkState, JobState
from ..core.model.store import JobStore
from ..core.qgis_proxy import proxies_from_qgis_settings
from ..core.services import PRACTICE_ENDPOINT, PRACTICE_KEY, PracticeSandbox
from ..core.tasking.api import PLANET_TASKING_URL
from ..core.tasking.client import TaskingClient
from ..core.tasking.errors import TaskingError
from ..core.tasking.http_safety import check_base_url

PLANET = "planet"
PRACTICE = "practice"
#: after a cancel, bulks the service already accepted are followed this long at most; the
#: job then stays saved as "following" and the dock finishes following it
FOLLOW_AFTER_CANCEL_S = 120.0
BUILD_SHARE = 10.0  # percent of the progress bar taken by building the orders


def utc_clock() -> str:
    return datetime.now(timezone.utc).strftime("%H:%M:%S UTC")


def plural(n: int, one: str, many: str) -> str:
    return (one if n == 1 else many).format(n=n)


class Endpoint:
    """Where the orders go: Planet, the practice sandbox or a URL; and with what credentials."""

    def __init__(self, text: str, services=None):
        self.text = (text or "").strip()
        self.services = services
        self._own_practice: Optional[PracticeSandbox] = None
        lowered = self.text.lower()
        self.practice = lowered == PRACTICE
        if self.practice:
            self.job_endpoint = PRACTICE_ENDPOINT  # the dock resolves it to its sandbox too
        elif lowered in ("", PLANET):
            self.job_endpoint = PLANET_TASKING_URL
        else:
            try:
                self.job_endpoint = check_base_url(self.text)
            except TaskingError as exc:
                raise QgsProcessingException(f"ENDPOINT: {exc.user_message}") from None

    def url(self) -> str:
        """The URL to call now (starts the practice sandbox when it is not running)."""
        if not self.practice:
            return self.job_endpoint
        if self.services is not None:
            return self.services.practice.url()  # the dock's own sandbox: same orders
        if self._own_practice is None:
            data_dir = core_services.default_data_dir()  # read at call time (tests move it)
            os.makedirs(data_dir, exist_ok=True)
            self._own_practice = PracticeSandbox(os.path.join(data_dir, "practice.sqlite"))
        return self._own_practice.url()

    def label(self) -> str:
        return "the practice sandbox (no real orders)" if self.practice else self.job_endpoint

    def close(self) -> None:
        if self._own_practice is not None:
            self._own_practice.stop()
            self._own_practice = None


def read_credential(endpoint: Endpoint, authcfg: str):
    """The key or auth headers for ``endpoint``: AUTHCFG, else what the dock would use
    (its configuration, else PL_API_KEY: the same account from the toolbox as from the
    dock). Raises QgsProcessingException in user words."""
    if endpoint.practice:
        return PRACTICE_KEY
    url = endpoint.job_endpoint
    if authcfg:
        try:
            return credential_from_authcfg(authcfg, url)
        except CredentialError as exc:
            raise QgsProcessingException(f"AUTHCFG: {exc}") from None
    saved = configured_authcfg()
    if saved:
        try:
            return credential_from_authcfg(saved, url)
        except CredentialError as exc:
            if not os.environ.get(ENV_KEY, "").strip():  # the dock would fall back to it
                raise QgsProcessingException(str(exc)) from None
    key = os.environ.get(ENV_KEY, "").strip()
    if key:
        return key
    raise QgsProcessingException(
        f"No credentials: choose an authentication configuration (AUTHCFG) or set {ENV_KEY}; "
        "or use ENDPOINT=practice to rehearse with the built-in sandbox."
    )


ENDPOINT, AUTHCFG = "ENDPOINT", "AUTHCFG"


def tr(text: str) -> str:
    return QCoreApplication.translate("PlanetBulkTaskingProcessing", text)


def add_connection_parameters(alg) -> None:
    """ENDPOINT and AUTHCFG, the same in every algorithm of the provider."""
    alg.addParameter(
        QgsProcessingParameterString(
            ENDPOINT,
            tr("Endpoint: planet, practice (built-in sandbox) or a URL"),
            defaultValue=PLANET,
        )
    )
    alg.addParameter(
        QgsProcessingParameterAuthConfig(
            AUTHCFG, tr("Authentication (default: PL_API_KEY)"), optional=True
        )
    )


def read_connection(alg, parameters, context, services):
    """(Endpoint, credential) from ENDPOINT and AUTHCFG; QgsProcessingException in user
    words when they do not make a connection."""
    endpoint = Endpoint(alg.parameterAsString(parameters, ENDPOINT, context), services)
    authcfg = alg.parameterAsString(parameters, AUTHCFG, context)
    return endpoint, read_credential(endpoint, authcfg)


def client_factory_for(endpoint: Endpoint, credential) -> Callable[[str], Callable]:
    """``client_factory_for(job_endpoint)`` as PluginServices makes it, for one endpoint."""
    proxies = None if endpoint.practice else proxies_from_qgis_settings()
    qgis_version = Qgis.QGIS_VERSION.split("-")[0]

    def factory_for(_job_endpoint: str) -> Callable[..., TaskingClient]:
        url = endpoint.url()

        def factory(stop_event=None) -> TaskingClient:
            return TaskingClient(
                url, credential, proxies=proxies, stop_event=stop_event, qgis_version=qgis_version
            )

        return factory

    return factory_for


def open_store(services=None) -> JobStore:
    """The dock's job store: the plugin's when it is loaded, else the same file."""
    if services is not None:
        return services.store
    data_dir = core_services.default_data_dir()  # read at call time (tests move it)
    os.makedirs(data_dir, exist_ok=True)
    return JobStore(os.path.join(data_dir, "jobs.sqlite"))


class JobHandover(QObject):
    """Lives in the main thread: tells the plugin's JobManager (when the plugin is loaded)
    about a job an algorithm recorded, so the dock's Jobs tab lists it, and hands over a job
    the algorithm did not follow to the end. A signal, so any thread may emit it."""

    recorded = pyqtSignal(str, bool)  # job_id, carry it on (resume)

    def __init__(self, services_getter: Callable, parent=None):
        super().__init__(parent)
        self._services = services_getter
        self.recorded.connect(self._on_recorded)

    def _on_recorded(self, job_id: str, carry_on: bool) -> None:
        services = self._services()
        if services is None:
            return
        manager = services.manager
        if manager.is_running(job_id):
            return  # the dock already carries it on (it was resumed from the Jobs tab)
        manager.jobs.pop(job_id, None)  # a copy loaded earlier is out of date: read it again
        if carry_on:
            manager.resume(job_id)
        else:
            manager.job(job_id)
        manager.job_added.emit(job_id)


class JobDriver:
    """Submit ``job`` (written to ``store`` first) and run its SubmitEngine in this thread
    until it is done: every bulk complete (``wait``), or every bulk accepted (not
    ``wait``), or cancelled and what was already accepted followed."""

    def __init__(self, store: JobStore, job: BulkJob, client_factory_for: Callable, feedback,
                 *, wait: bool = True):  # fmt: skip
        """``client_factory_for(job.endpoint)`` -> ``factory(stop_event=None)``, as the
        dock's JobManager takes it (called once the job is saved)."""
        self.store, self.job, self.feedback, self.wait = store, job, feedback, wait
        self.client_factory_for = client_factory_for
        self._factory: Optional[Callable] = None
        self.follow_timeout = FOLLOW_AFTER_CANCEL_S
        self.cancel_requested = False
        self.accepted_at_cancel = 0  # targets in bulks the service had accepted
        self.outcome = ""  # finished | sent | cancelled | failed
        self.error = None

    # -- running -----------------------------------------------------------------------------
    def run(self) -> str:
        job = self.job
        job.state, job.error = JobState.RUNNING, None
        try:
            self.store.save_job(job)  # written before the first request
        except (sqlite3.Error, OSError) as exc:
            raise QgsProcessingException(
                f"The job could not be saved, so nothing was sent: {exc}"
            ) from None
        try:
            self._factory = self.client_factory_for(job.endpoint)
            how = self._run_engine(follow_only=False, stop=self._stop_sending)
            self.outcome = self._settle(how)
        finally:
            self.store.save_chunks(job.job_id, job.chunks)
            self.store.set_state(job.job_id, job.state, job.error)
            self.store.flush()
        return self.outcome

    def _run_engine(self, follow_only: bool, stop: Callable[[], bool]) -> str:
        engine = SubmitEngine(
            self.job, self._factory, follow_only=follow_only, on_event=self._on_event,
            cancelled=stop,
        )  # fmt: skip
        canceled = getattr(self.feedback, "canceled", None)
        if canceled is not None and not follow_only:
            # direct: the click's thread cuts the requests at once (this one is busy running)
            canceled.connect(engine.cancel, Qt.ConnectionType.DirectConnection)
        try:
            return engine.run()
        finally:
            if canceled is not None and not follow_only:
                canceled.disconnect(engine.cancel)
            self.error = engine.error

    def _stop_sending(self) -> bool:
        """The first run's cancel check: the user's cancel, or (not ``wait``) all sent."""
        if self.feedback is not None and self.feedback.isCanceled():
            return True
        return not self.wait and all(self._sent(c) for c in self.job.chunks)

    def _settle(self, how: str) -> str:
        """The first run ended: the job's state, a follow after a cancel, the outcome."""
        job = self.job
        if how == "failed":
            job.apply_run_end(how, self.error)
            return "failed"
        unsent = any(c.state in (ChunkState.NEW, ChunkState.POSTING) for c in job.chunks)
        if how == "finished":
            job.state = JobState.INTERRUPTED if unsent else JobState.DONE
            return "finished"
        if not (self.feedback is not None and self.feedback.isCanceled()):
            job.state = JobState.INTERRUPTED  # every bulk accepted: the dock follows it
            return "sent"
        self.cancel_requested = True
        self._say_cancelled()
        in_flight = any(c.state in (ChunkState.ACCEPTED, ChunkState.POSTING) for c in job.chunks)
        if not in_flight:
            job.state = JobState.CANCELLED
            return "cancelled"
        job.state = JobState.FOLLOWING
        self.store.set_state(job.job_id, job.state)
        deadline = time.monotonic() + self.follow_timeout
        how = self._run_engine(follow_only=True, stop=lambda: time.monotonic() > deadline)
        if how == "finished":
            job.state = JobState.CANCELLED
        elif how == "failed":
            job.apply_run_end(how, self.error)
        return "cancelled"  # else left "following" on disk: the dock finishes it

    def _sent(self, chunk) -> bool:
        return chunk.state not in (ChunkState.NEW, ChunkState.POSTING)

    def _say_cancelled(self) -> None:
        """Say what the service certainly has. What was never sent is counted at the end,
        once requests that were on their way have been checked."""
        job = self.job
        accepted = [c for c in job.chunks if c.state in (ChunkState.ACCEPTED, ChunkState.COMPLETE)]
        self.accepted_at_cancel = sum(len(c.target_keys) for c in accepted)
        self.feedback.pushInfo(f"Cancelled at {utc_clock()}: no more bulk requests are sent.")
        if accepted:
            self.feedback.pushInfo(
                plural(len(accepted), "1 bulk request", "{n} bulk requests")
                + f" ({plural(self.accepted_at_cancel, '1 order', '{n} orders')}) had already "
                "been accepted by the service: cancelling here cannot stop those orders. They "
                "are followed until the service says which orders it created (cancel the "
                "orders themselves from the dock's Results tab if you do not want them)."
            )
        self.feedback.pushInfo(
            "A bulk request that was on its way is checked with the service, never sent again."
        )

    # -- reports (this thread; "retrying" comes from the engine's pool threads) ---------------
    def _on_event(self, name: str, *args) -> None:
        if name == "retrying":
            return
        record_event(self.job, self.store, name, args)
        if self.feedback is None:
            return
        if name == "progress":
            self._on_progress(args[0])
        elif name == "chunk_accepted":
            self._on_chunk_accepted(*args)

    def _on_progress(self, counts: dict) -> None:
        total = max(1, counts.get("total", 0))
        if self.wait:
            done = counts.get("succeeded", 0) + counts.get("failed", 0) + counts.get("skipped", 0)
            share = done / total
        else:
            chunks = max(1, counts.get("chunks", 0))
            share = (counts.get("chunks_accepted", 0) + counts.get("chunks_complete", 0)) / chunks
        self.feedback.setProgress(BUILD_SHARE + (100.0 - BUILD_SHARE) * min(1.0, share))

    def _on_chunk_accepted(self, index: int, bulk_id: str) -> None:
        chunk = self.job.chunk(index)
        size = len(chunk.target_keys) if chunk else 0
        self.feedback.pushInfo(
            f"{utc_clock()}: bulk request {index + 1} of {len(self.job.chunks)} "
            f"({plural(size, '1 order', '{n} orders')}, bulk id {bulk_id}) accepted."
        )
