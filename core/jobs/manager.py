"""JobManager: every job's life after "Submit", in one main-thread object.

It writes each job ahead to the JobStore, runs it on a JobRunner (QThread),
persists every report as it arrives, resumes unfinished jobs after a restart,
watches created orders, resubmits fixed failures, and edits or cancels orders
in bulk. No widgets: the dock and (later) the processing algorithms drive it.
"""

import logging
from typing import Callable, Dict, Iterable, List, Optional

from qgis.PyQt.QtCore import QObject, QTimer, pyqtSignal

from ..engine.bulk_actions import ActionOutcome, BulkAction
from ..engine.monitor import FINAL_ORDER_STATES, OrderMonitor, OrderUpdate
from ..engine.worker import JOB_CANCELLED, JOB_DONE, JobRunner
from ..model.chunking import make_chunks
from ..model.job import Attempt, BulkJob, ChunkState, Target, TargetStatus, utc_now_iso
from ..model.store import JobStore
from .threads import TaskThread

log = logging.getLogger(__name__)

JOB_INTERRUPTED = "interrupted"  # QGIS closed (or the plugin unloaded) mid-run: resume on start
#: the user cancelled: nothing more is sent, but bulks the server may already have are still
#: followed to the end (their orders exist and must not be lost track of); then "cancelled"
JOB_FOLLOWING = "following"


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
        which worker threads call."""
        super().__init__(parent)
        self.store = store
        self.client_factory_for = client_factory_for
        self.worker_options = worker_options or {}
        self.monitor_options = monitor_options or {}
        self.jobs: Dict[str, BulkJob] = {}
        self._runners: Dict[str, JobRunner] = {}
        self._monitors: Dict[str, TaskThread] = {}
        self._actions: List[TaskThread] = []
        self._orders: Dict[str, tuple] = {}  # order id -> (job_id, key)
        self._following: set = set()  # job ids whose current run is follow-only
        self.resumed_at_start: List[str] = []  # job ids resume_unfinished picked up
        self._cancel_later: Dict[str, set] = {}  # job id -> keys to cancel once created
        self._cancel_batch: Dict[str, list] = {}  # job id -> created keys to cancel next
        self._closing = False

    # -- jobs ----------------------------------------------------------------------
    def job(self, job_id: str) -> BulkJob:
        if job_id not in self.jobs:
            self._adopt(self.store.load_job(job_id))
        return self.jobs[job_id]

    def is_running(self, job_id: str) -> bool:
        runner = self._runners.get(job_id)
        return runner is not None and runner.is_running()

    def runner(self, job_id: str) -> Optional[JobRunner]:
        """The job's runner while this session has one (for the dock and tests)."""
        return self._runners.get(job_id)

    def submit(self, job: BulkJob) -> None:
        """Write the job to disk, then send it. Nothing leaves before the write."""
        job.state = "running"
        self.store.save_job(job)
        self._adopt(job)
        self.job_added.emit(job.job_id)
        self._run(job)

    def resume(self, job_id: str) -> None:
        """Carry on a job: re-posts unsent or unconfirmed chunks with their own ids (safe).
        A job the user cancelled while bulks were in flight is only followed, never resent."""
        job = self.job(job_id)
        if self.is_running(job_id):
            return
        if job.state == JOB_FOLLOWING:
            self._following.add(job_id)
            self._follow(job)
            return
        job.state = "running"
        self.store.set_state(job_id, job.state)
        self._run(job)

    def _follow(self, job: BulkJob) -> None:
        self._run(job, follow_only=True)
        job.state = JOB_FOLLOWING
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
        runner = self._runners.get(job_id)
        if runner is not None:
            runner.cancel()

    def poll_now(self, job_id: str) -> None:
        runner = self._runners.get(job_id)
        if runner is not None:
            runner.poll_now()

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
    def edit_orders(self, job_id: str, keys: Iterable[str], changes: dict) -> TaskThread:
        from ..engine.bulk_actions import edit_items

        job = self.job(job_id)
        items = edit_items(_order_ids(job, keys), changes)
        return self._start_action(job, "edit", items, changes)

    def cancel_orders(self, job_id: str, keys: Iterable[str]) -> TaskThread:
        job = self.job(job_id)
        return self._start_action(job, "cancel", _order_ids(job, keys), {})

    def cancel_when_created(self, job_id: str, keys: Iterable[str]) -> Optional[TaskThread]:
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
        if batch and (flush or len(batch) >= 1000):
            self._cancel_batch[job.job_id] = []
            self.cancel_orders(job.job_id, batch)
        if flush:
            self._cancel_later.pop(job.job_id, None)

    def _start_action(self, job: BulkJob, kind: str, items: list, changes: dict) -> TaskThread:
        task = BulkAction(self.client_factory_for(job.endpoint), kind, items, poll=0.2)
        thread = TaskThread(task, f"pbt-{kind}-{job.job_id[:8]}", self)
        collected: List[ActionOutcome] = []
        task.results.connect(collected.extend)
        task.failed.connect(lambda err: self.action_failed.emit(job.job_id, kind, err))

        def ended(how):
            self._apply_action(job, kind, changes, collected)
            self.action_finished.emit(job.job_id, kind, list(collected))
            if thread in self._actions:
                self._actions.remove(thread)

        task.ended.connect(ended)
        self._actions.append(thread)
        thread.start()
        return thread

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
                t.payload.update(changes)
                t.name = str(t.payload.get("name", t.name))
            if o.ok and kind == "cancel":
                t.order_status = "CANCELLED"
            changed.append(t)
        if changed:
            self.store.save_targets(job, changed)
            self.targets_changed.emit(job.job_id, [t.key for t in changed])
        self._monitor_for(job.endpoint).task.wake()

    # -- order monitoring --------------------------------------------------------------
    def _watch_orders(self, job: BulkJob, targets: Optional[List[Target]] = None) -> None:
        """Index the orders of ``targets`` (default: all) and watch those not yet final."""
        ids = []
        for t in job.targets if targets is None else targets:
            if t.order_id:
                self._orders[t.order_id] = (job.job_id, t.key)
                if (t.order_status or "") not in FINAL_ORDER_STATES:
                    ids.append(t.order_id)
        if ids:
            self._monitor_for(job.endpoint).task.watch(ids)

    def _monitor_for(self, endpoint: str) -> TaskThread:
        thread = self._monitors.get(endpoint)
        if thread is None:
            task = OrderMonitor(self.client_factory_for(endpoint), **self.monitor_options)
            task.orders_updated.connect(self._on_orders_updated)
            task.poll_failed.connect(lambda err: log.warning("order status check failed: %s", err))
            thread = TaskThread(task, "pbt-order-monitor", self)
            self._monitors[endpoint] = thread
            thread.start()
        return thread

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

    def _run(self, job: BulkJob, follow_only: bool = False) -> None:
        runner = self._runners.get(job.job_id)
        if runner is None:
            runner = JobRunner(self)
            self._connect(runner, job)
            self._runners[job.job_id] = runner
        options = dict(self.worker_options, follow_only=follow_only)
        runner.start(job, self.client_factory_for(job.endpoint), **options)
        self.job_changed.emit(job.job_id)

    def _connect(self, runner: JobRunner, job: BulkJob) -> None:
        job_id = job.job_id

        def chunks_changed(index, *_):
            chunk = next((c for c in job.chunks if c.index == index), None)
            if chunk is not None:
                self.store.save_chunks(job_id, [chunk])
            self.job_changed.emit(job_id)

        def results(outcomes):
            changed = [job.target(o[0]) for o in outcomes]
            self.store.save_targets(job, changed)
            self._watch_orders(job, changed)
            self.targets_changed.emit(job_id, [t.key for t in changed])
            self._cancel_created(job, changed)

        runner.chunk_posting.connect(chunks_changed)
        runner.chunk_accepted.connect(chunks_changed)
        runner.chunk_rejected.connect(chunks_changed)
        runner.chunk_status.connect(chunks_changed)
        runner.results.connect(results)
        runner.progress.connect(lambda counts: self.progress.emit(job_id, counts))
        runner.retrying.connect(lambda n, limit, words: self.retrying.emit(job_id, n, limit, words))
        runner.ended.connect(lambda _id, how: self._on_ended(job, how, runner.last_error))

    def _on_ended(self, job: BulkJob, how: str, error) -> None:
        following = job.job_id in self._following
        self._following.discard(job.job_id)
        in_flight = any(c.state in (ChunkState.ACCEPTED, ChunkState.POSTING) for c in job.chunks)
        follow_next = False
        if self._closing:
            # resumed at the next start, nothing resent twice (a follow stays a follow)
            job.state = JOB_FOLLOWING if following else JOB_INTERRUPTED
        elif following:
            job.state = JOB_CANCELLED if how == "finished" else job.state
        elif how == "cancelled" and in_flight:
            job.state, follow_next = JOB_FOLLOWING, True
        elif how == "finished" and any(
            c.state in (ChunkState.NEW, ChunkState.POSTING) for c in job.chunks
        ):
            job.state = JOB_INTERRUPTED
        self.store.save_chunks(job.job_id, job.chunks)
        self.store.set_state(job.job_id, job.state, job.error)
        if not follow_next and not self._closing:
            self._cancel_created(job, [], flush=True)  # what is left of "cancel these orders"
        self.job_changed.emit(job.job_id)
        if not self._closing and not following:
            self.job_ended.emit(job.job_id, how, error if how == "failed" else None)
        if follow_next:
            # after the cancel's signals are delivered: the runner must be idle to restart
            QTimer.singleShot(0, lambda: self._follow_if_idle(job))

    def _follow_if_idle(self, job: BulkJob) -> None:
        if self._closing or self.is_running(job.job_id) or job.state != JOB_FOLLOWING:
            return
        self._following.add(job.job_id)
        self._follow(job)

    def counts(self, job_id: str) -> dict:
        return self.job(job_id).counts()

    # -- shutdown --------------------------------------------------------------------
    def shutdown(self, timeout_ms: int = 5000) -> None:
        """Stop and join every thread; running jobs are left 'interrupted' on disk."""
        self._closing = True
        for runner in list(self._runners.values()):
            runner.stop(timeout_ms)
        for thread in list(self._monitors.values()) + list(self._actions):
            thread.stop(timeout_ms)
        self._runners.clear()
        self._monitors.clear()
        self._actions.clear()
        self.store.flush()  # what the store's writer thread still holds is on disk


__all__ = ["JobManager", "JOB_INTERRUPTED", "JOB_FOLLOWING", "JOB_DONE", "JOB_CANCELLED"]
