"""JobManager: every job's life after "Submit", in one main-thread object.

It writes each job ahead to the JobStore, runs it as a SubmitEngine on a
BackgroundJob (QThread), persists every report as it arrives, resumes unfinished
jobs after a restart, watches created orders, resubmits fixed failures, and edits or cancels orders
in bulk. No widgets: the dock and (later) the processing algorithms drive it.
"""

import logging
from typing import Callable, Dict, Iterable, List, Optional

from qgis.PyQt.QtCore import QObject, QTimer, pyqtSignal

from ..engine.bulk_actions import ActionOutcome, BulkAction, edit_items
from ..engine.monitor import FINAL_ORDER_STATES, OrderMonitor, OrderUpdate
from ..engine.submit import SubmitEngine, copy_job, record_event
from ..model.chunking import make_chunks
from ..model.job import Attempt, BulkJob, ChunkState, JobState, Target, TargetStatus, utc_now_iso
from ..model.store import JobStore
from ..tasking.api import MAX_PAYLOADS_PER_BULK
from .background import BackgroundJob

log = logging.getLogger(__name__)


_ACTION_DONE = {"edit": "edited", "cancel": "cancelled"}  # history words of a bulk action


def _order_ids(job: BulkJob, keys: Iterable[str]) -> List[str]:
    """The created orders of these targets (targets without an order are left out)."""
    return [oid for oid in (job.target(k).order_id for k in keys) if oid]


class JobManager(QObject):
    job_added = pyqtSignal(str)  # job_id
    job_changed = pyqtSignal(str)  # state, chunks or counts changed
    targets_changed = pyqtSignal(str, list)  # job_id, [target keys]
    progress = pyqtSignal(str, dict)  # job_id, counts from the worker
    job_ended = pyqtSignal(str, str, object)  # job_id, finished|cancelled|failed, error or None
    orders_changed = pyqtSignal(str, list)  # job_id, [(key, old status, new status)]
    action_finished = pyqtSignal(str, str, list)  # job_id, edit|cancel, [ActionOutcome]
    action_failed = pyqtSignal(str, str, object)  # job_id, edit|cancel, TaskingError
    retrying = pyqtSignal(str, int, int, str)  # job_id, attempt, max, words ("cannot connect…")
    jobs_resumed = pyqtSignal(list)  # job ids picked up after a restart (resume_unfinished)
    # from the store's writer thread: job_id, error or None, the engine's copy of the job
    _saved = pyqtSignal(str, object, object)

    def __init__(
        self,
        store: JobStore,
        client_factory_for: Callable[[str], Callable],
        *,
        worker_options: Optional[dict] = None,
        monitor_options: Optional[dict] = None,
        parent=None,
    ):
        """``client_factory_for(endpoint)`` is called on the main thread (it may read settings
        and the auth database) and returns ``factory(stop_event=None) -> TaskingClient``,
        which engine threads call."""
        super().__init__(parent)
        self.store = store
        self.client_factory_for = client_factory_for
        self.worker_options = worker_options or {}
        self.monitor_options = monitor_options or {}
        self.jobs: Dict[str, BulkJob] = {}
        self._runs: Dict[str, BackgroundJob] = {}  # job id -> its current SubmitEngine run
        self._monitors: Dict[str, BackgroundJob] = {}  # endpoint -> its OrderMonitor
        self._actions: List[BackgroundJob] = []
        self._orders: Dict[str, tuple] = {}  # order id -> (job_id, key)
        self._following: set = set()  # job ids whose current run is follow-only
        self.resumed_at_start: List[str] = []  # job ids resume_unfinished picked up
        self._cancel_later: Dict[str, set] = {}  # job id -> keys to cancel once created
        self._cancel_batch: Dict[str, list] = {}  # job id -> created keys to cancel next
        self._closing = False
        self._saving: Dict[str, bool] = {}  # job id -> cancelled, while written ahead
        self._saved.connect(self._on_saved)

    # -- jobs ----------------------------------------------------------------------
    def job(self, job_id: str) -> BulkJob:
        if job_id not in self.jobs:
            self._adopt(self.store.load_job(job_id))
        return self.jobs[job_id]

    def is_running(self, job_id: str) -> bool:
        if job_id in self._saving:
            return True
        run = self._runs.get(job_id)
        return run is not None and run.is_running()

    def runner(self, job_id: str) -> Optional[BackgroundJob]:
        """The job's current (or last) run in this session (for the dock and tests)."""
        return self._runs.get(job_id)

    def submit(self, job: BulkJob, background_save: bool = False) -> None:
        """Write the job to disk, then send it. Nothing leaves before the write.

        ``background_save``: the store's writer thread writes the job (100,000 targets:
        seconds) and the run starts once that write is durable; this returns at once and
        the job counts as running meanwhile. A failed write ends the job "failed"."""
        job.state = JobState.RUNNING
        if not background_save:
            self.store.save_job(job)
        self._adopt(job)
        self.job_added.emit(job.job_id)
        if not background_save:
            self._run(job)
            return
        self._saving[job.job_id] = False  # True once cancelled while being written
        job_id = job.job_id
        # the engine's copy (0.15 s at 100,000) is made there too, from the job just written
        self.store.save_job(
            job,
            then=lambda error: self._saved.emit(job_id, error, None if error else copy_job(job)),
        )

    def _on_saved(self, job_id: str, error, copy) -> None:
        cancelled = self._saving.pop(job_id, False)
        job = self.jobs.get(job_id)
        if job is None or self._closing:
            return  # on disk as running: resumed at the next start, nothing sent twice
        if error is not None:
            job.state, job.error = JobState.ERROR, f"The job could not be saved: {error}"
            self.job_changed.emit(job_id)
            self.job_ended.emit(job_id, "failed", error)
            return
        self._run(job, copy=copy)
        if cancelled:
            self.cancel(job_id)  # the engine ends at once, before its first request

    def resume(self, job_id: str) -> None:
        """Carry on a job: re-posts unsent or unconfirmed chunks with their own ids (safe).
        A job the user cancelled while bulks were in flight is only followed, never resent."""
        job = self.job(job_id)
        if self.is_running(job_id):
            return
        if job.state == JobState.FOLLOWING:
            self._following.add(job_id)
            self._follow(job)
            return
        job.state = JobState.RUNNING
        self.store.set_state(job_id, job.state)
        self._run(job)

    def _follow(self, job: BulkJob) -> None:
        self._run(job, follow_only=True)
        job.state = JobState.FOLLOWING
        self.store.set_state(job.job_id, job.state)

    def resume_unfinished(self, watch_orders: bool = True) -> List[str]:
        """After a restart: pick up every job that was running when QGIS went away.
        ``watch_orders`` also starts watching every saved job's orders."""
        resumed = []
        for job_id in self.store.unfinished_job_ids():
            self.resume(job_id)
            resumed.append(job_id)
        if watch_orders:
            self.watch_saved_orders()
        self.resumed_at_start.extend(resumed)  # a dock opened later still says so
        if resumed:
            self.jobs_resumed.emit(list(resumed))
        return resumed

    def watch_saved_orders(self) -> None:
        """Watch the orders of every saved job until they are final (idempotent)."""
        for summary in self.store.list_jobs():
            self._watch_orders(self.job(summary.job_id))

    def cancel(self, job_id: str) -> None:
        """Stop sending. Bulks the server may already have are still followed (read only)."""
        if job_id in self._following:
            return
        if job_id in self._saving:
            self._saving[job_id] = True
            return
        run = self._runs.get(job_id)
        if run is not None:
            run.cancel()

    def poll_now(self, job_id: str) -> None:
        run = self._runs.get(job_id)
        if run is not None:
            run.engine.poll_now()

    def forget(self, job_id: str) -> None:
        """Remove a finished job from disk (its orders stay on Planet's side)."""
        if self.is_running(job_id):
            raise RuntimeError("the job is still running")
        self.store.delete_job(job_id)
        self.jobs.pop(job_id, None)
        self._orders = {o: v for o, v in self._orders.items() if v[0] != job_id}

    # -- resubmit ------------------------------------------------------------------
    def resubmit(self, job_id: str, revised: Dict[str, dict]) -> List[int]:
        """Send failed (or skipped) targets again, with revised payloads, as new bulks.

        ``revised`` maps target key -> the new payload. The targets keep their
        feature links and their history (``attempts``); the new chunks get new
        bulk ids. Returns the new chunk indexes.
        """
        job = self.job(job_id)
        if self.is_running(job_id):
            raise RuntimeError("the job is still running: wait for it or cancel it first")
        targets: List[Target] = []
        for key, payload in revised.items():
            t = job.target(key)
            if t.status not in (TargetStatus.FAILED, TargetStatus.SKIPPED):
                raise ValueError(f"{t.label} is {t.status}, only failed or skipped ones are resent")
            t.payload, t.status, t.reason = payload, TargetStatus.READY, None
            t.name = str(payload.get("name", t.name))
            targets.append(t)
        start = max((c.index for c in job.chunks), default=-1) + 1
        chunks = make_chunks(targets, start_index=start)
        for c in chunks:
            c.kind = "resubmit"
        job.chunks.extend(chunks)
        self.store.save_job(job)  # written ahead, like a first submission
        self.resume(job_id)
        return [c.index for c in chunks]

    # -- bulk edit / cancel ---------------------------------------------------------
    def edit_orders(self, job_id: str, keys: Iterable[str], changes: dict) -> BackgroundJob:
        job = self.job(job_id)
        items = edit_items(_order_ids(job, keys), changes)
        return self._start_action(job, "edit", items, changes)

    def cancel_orders(self, job_id: str, keys: Iterable[str]) -> BackgroundJob:
        job = self.job(job_id)
        return self._start_action(job, "cancel", _order_ids(job, keys), {})

    def cancel_when_created(self, job_id: str, keys: Iterable[str]) -> Optional[BackgroundJob]:
        """Cancel these targets' orders: those created now, the others as soon as the
        running (or following) job reports them created. Returns the first cancel task."""
        job = self.job(job_id)
        keys = list(keys)
        now = [
            k
            for k in keys
            if job.target(k).order_id
            and (job.target(k).order_status or "") not in FINAL_ORDER_STATES
        ]
        waiting = {
            k for k in keys if job.target(k).status in (TargetStatus.READY, TargetStatus.SUBMITTED)
        }
        if waiting and self.is_running(job_id):
            self._cancel_later.setdefault(job_id, set()).update(waiting)
        return self.cancel_orders(job_id, now) if now else None

    def cancel_pending(self, job_id: str) -> int:
        """How many targets still wait to be cancelled once created."""
        return len(self._cancel_later.get(job_id, ()))

    def _cancel_created(self, job: BulkJob, changed: List[Target], flush: bool = False) -> None:
        later = self._cancel_later.get(job.job_id)
        if not later:
            return
        batch = self._cancel_batch.setdefault(job.job_id, [])
        for t in changed:
            if t.key in later and t.status in TargetStatus.FINAL:
                later.discard(t.key)
                if t.order_id:
                    batch.append(t.key)
        if batch and (flush or len(batch) >= MAX_PAYLOADS_PER_BULK):
            self._cancel_batch[job.job_id] = []
            self.cancel_orders(job.job_id, batch)
        if flush:
            self._cancel_later.pop(job.job_id, None)

    def _start_action(self, job: BulkJob, kind: str, items: list, changes: dict) -> BackgroundJob:
        engine = BulkAction(self.client_factory_for(job.endpoint), kind, items, poll=0.2)
        action = BackgroundJob(engine, f"pbt-{kind}-{job.job_id[:8]}", self)
        collected: List[ActionOutcome] = []

        def event(name, args):
            if name == "results":
                collected.extend(args[0])

        def ended(how):
            if how == "failed":
                self.action_failed.emit(job.job_id, kind, action.error)
            self._apply_action(job, kind, changes, collected)
            self.action_finished.emit(job.job_id, kind, list(collected))
            if action in self._actions:
                self._actions.remove(action)

        action.reported.connect(event)
        action.ended.connect(ended)
        self._actions.append(action)
        return action.start()

    def _apply_action(self, job: BulkJob, kind: str, changes: dict, outcomes) -> None:
        changed = []
        for o in outcomes:
            where = self._orders.get(o.order_id)
            if where is None or where[0] != job.job_id:
                continue
            t = job.target(where[1])
            label = _ACTION_DONE[kind] if o.ok else f"{kind} refused"
            t.attempts.append(Attempt(o.bulk_id, label, o.order_id, o.reason, utc_now_iso()))
            if o.ok and kind == "edit" and t.payload is not None:
                t.payload = {**t.payload, **changes}  # replaced: the store may hold the old
                t.name = str(t.payload.get("name", t.name))
            if o.ok and kind == "cancel":
                t.order_status = "CANCELLED"
            changed.append(t)
        if changed:
            self.store.save_targets(job, changed)
            self.targets_changed.emit(job.job_id, [t.key for t in changed])
        self._monitor_for(job.endpoint).engine.wake()

    # -- order monitoring --------------------------------------------------------------
    def _watch_orders(
        self, job: BulkJob, targets: Optional[List[Target]] = None, created: bool = False
    ) -> None:
        """Index the orders of ``targets`` (default: all) and watch those not yet final
        (``created``: just made, their first read waits for the monitor's next poll)."""
        ids = []
        for t in job.targets if targets is None else targets:
            if t.order_id:
                self._orders[t.order_id] = (job.job_id, t.key)
                if (t.order_status or "") not in FINAL_ORDER_STATES:
                    ids.append(t.order_id)
        if ids:
            self._monitor_for(job.endpoint).engine.watch(ids, created=created)

    def _monitor_for(self, endpoint: str) -> BackgroundJob:
        monitor = self._monitors.get(endpoint)
        if monitor is None:
            engine = OrderMonitor(self.client_factory_for(endpoint), **self.monitor_options)
            monitor = BackgroundJob(engine, "pbt-order-monitor", self)
            monitor.reported.connect(self._on_monitor_event)
            self._monitors[endpoint] = monitor.start()
        return monitor

    def _on_monitor_event(self, name: str, args: tuple) -> None:
        if name == "orders_updated":
            self._on_orders_updated(args[0])
        elif name == "poll_failed":
            log.warning("order status check failed: %s", args[0])

    def _on_orders_updated(self, updates: List[OrderUpdate]) -> None:
        by_job: Dict[str, list] = {}
        for u in updates:
            where = self._orders.get(u.order_id)
            if where is None:
                continue
            job = self.jobs.get(where[0])
            if job is None:
                continue
            t = job.target(where[1])
            old = t.order_status
            t.order_status, t.order_updated = u.status, u.updated_time
            if u.capture_count is not None:
                t.capture_count = u.capture_count
            by_job.setdefault(job.job_id, []).append((t, old))
        for job_id, items in by_job.items():
            job = self.jobs[job_id]
            self.store.save_targets(job, [t for t, _ in items])
            self.targets_changed.emit(job_id, [t.key for t, _ in items])
            moved = [(t.key, old, t.order_status) for t, old in items if old != t.order_status]
            if moved:
                self.orders_changed.emit(job_id, moved)

    # -- running -------------------------------------------------------------------
    def _adopt(self, job: BulkJob) -> None:
        self.jobs[job.job_id] = job
        for t in job.targets:
            if t.order_id:
                self._orders[t.order_id] = (job.job_id, t.key)

    def _run(self, job: BulkJob, follow_only: bool = False, copy=None) -> None:
        """``copy``: the engine's copy of ``job``, made already (else made here)."""
        previous = self._runs.get(job.job_id)
        if previous is not None:
            if previous.is_running():
                raise RuntimeError("this job is already running")
            previous.deleteLater()
        job.state, job.error = JobState.RUNNING, None
        options = dict(self.worker_options, follow_only=follow_only)
        engine = SubmitEngine(
            job if copy is None else copy,
            self.client_factory_for(job.endpoint),
            copy=copy is None,
            **options,
        )
        run = BackgroundJob(engine, f"pbt-job-{job.job_id[:8]}", self)
        job_id = job.job_id

        def event(name, args):
            changed = record_event(job, self.store, name, args)
            if name == "results":
                self._watch_orders(job, changed, created=True)
                self.targets_changed.emit(job_id, [t.key for t in changed])
                self._cancel_created(job, changed)
            elif changed is not None:  # a chunk's state
                self.job_changed.emit(job_id)
            elif name == "progress":
                self.progress.emit(job_id, args[0])
            elif name == "retrying":
                self.retrying.emit(job_id, *args)

        def ended(how):
            job.apply_run_end(how, run.error)
            self._on_ended(job, how, run.error)

        run.reported.connect(event)
        run.ended.connect(ended)
        self._runs[job_id] = run
        run.start()
        self.job_changed.emit(job_id)

    def _on_ended(self, job: BulkJob, how: str, error) -> None:
        following = job.job_id in self._following
        self._following.discard(job.job_id)
        in_flight = any(c.state in (ChunkState.ACCEPTED, ChunkState.POSTING) for c in job.chunks)
        follow_next = False
        if self._closing:
            # resumed at the next start, nothing resent twice (a follow stays a follow)
            job.state = JobState.FOLLOWING if following else JobState.INTERRUPTED
        elif following:
            job.state = JobState.CANCELLED if how == "finished" else job.state
        elif how == "cancelled" and in_flight:
            job.state, follow_next = JobState.FOLLOWING, True
        elif how == "finished" and any(
            c.state in (ChunkState.NEW, ChunkState.POSTING) for c in job.chunks
        ):
            job.state = JobState.INTERRUPTED
        self.store.save_chunks(job.job_id, job.chunks)
        # queued: the Jobs list takes a shown or running job's state from memory
        self.store.set_state(job.job_id, job.state, job.error, wait=False)
        if not follow_next and not self._closing:
            self._cancel_created(job, [], flush=True)  # what is left of "cancel these orders"
        self.job_changed.emit(job.job_id)
        if not self._closing and not following:
            self.job_ended.emit(job.job_id, how, error if how == "failed" else None)
        if follow_next:
            # after the cancel's reports are delivered: the run must be over to start again
            QTimer.singleShot(0, lambda: self._follow_if_idle(job))

    def _follow_if_idle(self, job: BulkJob) -> None:
        if self._closing or self.is_running(job.job_id) or job.state != JobState.FOLLOWING:
            return
        self._following.add(job.job_id)
        self._follow(job)

    def counts(self, job_id: str) -> dict:
        return self.job(job_id).counts()

    # -- shutdown --------------------------------------------------------------------
    def shutdown(self, timeout_ms: int = 5000) -> None:
        """Stop and join every thread; running jobs are left 'interrupted' on disk."""
        self._closing = True
        for run in list(self._runs.values()) + list(self._monitors.values()) + self._actions:
            run.stop(timeout_ms)
        self._runs.clear()
        self._monitors.clear()
        self._actions.clear()
        self.store.flush()  # what the store's writer thread still holds is on disk
