"""Run a BulkJob against the Tasking API on a QThread.

``BulkWorker`` lives on its own QThread and coordinates; every HTTP request runs
in a small thread pool inside it (one ``TaskingClient`` per pool thread, so one
``requests.Session`` per thread). The worker owns a *copy* of the job and talks
to the rest of the plugin through signals only: it never touches a widget, a
layer or the job the UI shows.

``JobRunner`` (main thread) owns the QThread and the worker, keeps the main
thread's ``BulkJob`` in step with what the worker reports (through the
``apply_*`` helpers below, which are idempotent) and re-emits every signal.

Semantics, in short:

* Chunks: NEW and POSTING chunks are (re-)posted with their existing bulk id (a
  409 for our own id is "accepted": the client handles that), ACCEPTED chunks are
  only polled, COMPLETE and REJECTED chunks are left alone. ``chunk_posting`` is
  emitted before the POST; the bulk id was in the job from the start, so a POST
  whose answer never arrived (crash, cancel, network) is simply re-posted later
  with the same id and never creates a second bulk.
* Results: every result of a COMPLETE bulk is matched back to its target by
  content (``ResultMatcher``), never by position. A target the service returned
  no result for **stays SUBMITTED** with the reason :data:`NO_RESULT_REASON`: the
  server accepted it, so it may well have an order; marking it FAILED would
  invite a resubmit and a duplicate order. The chunk is COMPLETE all the same.
* Cancel: ``cancel()`` (thread-safe) stops the worker within a fraction of a
  second; in-flight requests are abandoned (their chunks stay POSTING/ACCEPTED so
  a resume finds them). After a cancel the worker emits ``cancelled(job_id)``,
  **not** ``finished``. ``finished`` means the run reached its end;
  ``failed(error)`` means a fatal error (401, 403, unreachable after the client's
  retries...) stopped it. Exactly one of finished / cancelled / failed is
  emitted, then ``ended(job_id, how)`` with how in "finished" | "cancelled" |
  "failed" (convenient for clean-up).
* Errors: a whole request refused (400/413/422) rejects that chunk only
  (``chunk_rejected``, its targets FAILED with the reason); anything else is fatal
  and leaves targets as they are (READY / SUBMITTED) so a later resume continues.

This module imports only ``qgis.PyQt.QtCore`` and the standard library.
"""

import inspect
import logging
import threading
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Callable, Dict, List, NamedTuple, Optional

from qgis.PyQt.QtCore import (
    QCoreApplication,
    QEvent,
    QObject,
    Qt,
    QThread,
    pyqtSignal,
    pyqtSlot,
)

from ..model.job import BulkJob, ChunkState, ResultMatcher, Target, TargetStatus, utc_now_iso
from ..tasking.api import SMALL_ORDER_SET, PayloadStatus
from ..tasking.errors import (
    CancelledError,
    NotFoundError,
    PayloadTooLargeError,
    RequestRejectedError,
    TaskingError,
)
from ..tasking.facts import DEFAULT_JOB_WAIT, WaitBudget
from .recovery import confirm_orders, recover_from_orders, successes_missing

logger = logging.getLogger(__name__)

NO_RESULT_REASON = (
    "the service returned no result for this target: it may have an order; "
    "check the account's orders before sending it again"
)

#: job.state values the runner writes
JOB_RUNNING = "running"
JOB_DONE = "done"
JOB_CANCELLED = "cancelled"
JOB_ERROR = "error"


class PayloadOutcome(NamedTuple):
    """What became of one target; applied to the main thread's job by apply_outcomes."""

    key: str
    status: str  # a TargetStatus value
    order_id: Optional[str] = None
    reason: Optional[str] = None
    bulk_id: str = ""


def copy_job(job: BulkJob) -> BulkJob:
    """A copy of ``job`` for the worker, cheap enough for the main thread.

    Independent of ``job`` for everything the worker changes (targets' status,
    reason and order id; chunks' state, status and bulk id), like
    ``BulkJob.from_dict(job.to_dict())``, but the payload dicts and the
    ``warnings`` lists are *shared* (nobody mutates them once built) and the
    history is left out (``attempts`` is an empty tuple: the worker keeps no
    history, the main thread's job does). The deep copy costs ~0.75 s of
    main-thread time for 10,000 targets and ~10 objects per target for the
    garbage collector to walk; this takes ~40 ms and 2 objects per target.
    """

    def target(t: Target) -> Target:
        n = object.__new__(Target)
        d = dict(t.__dict__)
        d["attempts"] = ()
        n.__dict__ = d
        return n

    return BulkJob(
        job_id=job.job_id,
        created_time=job.created_time,
        endpoint=job.endpoint,
        layer=replace(job.layer),
        parameters=dict(job.parameters),
        targets=[target(t) for t in job.targets],
        chunks=[replace(c, target_keys=list(c.target_keys)) for c in job.chunks],
        state=job.state,
        error=job.error,
        version=job.version,
    )


# --- applying reports to the main thread's job (idempotent) ---------------------------
def _chunk(job: BulkJob, index: int):
    return next((c for c in job.chunks if c.index == index), None)


def apply_outcomes(job: BulkJob, outcomes) -> List[Target]:
    """Write outcomes into ``job`` (main thread). Returns the targets that changed.

    One ``Attempt`` per bulk a target was sent in: news about the same bulk
    (SUBMITTED, then SUCCEEDED or FAILED) updates that attempt instead of adding
    one. Idempotent: an outcome already recorded (same status, order id, reason and
    bulk) is not recorded twice, so calling this again for the same batch (the
    runner already does it when it keeps the job in step) is harmless. Chunk
    states follow: SUBMITTED targets make a NEW/POSTING chunk ACCEPTED; a chunk
    whose targets are all final becomes COMPLETE (a REJECTED chunk stays so).
    """
    changed: List[Target] = []
    touched = set()
    for o in outcomes:
        o = PayloadOutcome(*o)
        try:
            t = job.target(o.key)
        except (KeyError, IndexError):
            continue
        last = t.attempts[-1] if t.attempts else None
        if (
            t.status == o.status
            and t.order_id == o.order_id
            and t.reason == o.reason
            and last is not None
            and last.bulk_id == o.bulk_id
        ):
            continue
        if last is not None and last.bulk_id == o.bulk_id and o.bulk_id:
            # same bulk, news about the same try (SUBMITTED -> SUCCEEDED/FAILED):
            # one Attempt per bulk, brought up to date
            t.status, t.order_id, t.reason = o.status, o.order_id, o.reason
            last.status, last.order_id, last.reason = o.status, o.order_id, o.reason
            last.time = utc_now_iso()
        else:
            job.record_result(o.key, o.status, o.order_id, o.reason, o.bulk_id)
        changed.append(t)
        if t.chunk_index is not None:
            touched.add(t.chunk_index)
        elif o.bulk_id:
            c = job.chunk_by_bulk_id(o.bulk_id)
            if c is not None:
                touched.add(c.index)
    for index in touched:
        c = _chunk(job, index)
        if c is None or c.state in (ChunkState.REJECTED, ChunkState.COMPLETE):
            continue
        targets = job.targets_of(c)
        if targets and all(t.status in TargetStatus.FINAL for t in targets):
            c.state = ChunkState.COMPLETE
        elif c.state in (ChunkState.NEW, ChunkState.POSTING) and any(
            t.status == TargetStatus.SUBMITTED for t in targets
        ):
            c.state = ChunkState.ACCEPTED
    return changed


def apply_chunk_posting(job: BulkJob, index: int) -> None:
    c = _chunk(job, index)
    if c is not None and c.state == ChunkState.NEW:
        c.state = ChunkState.POSTING


def apply_chunk_accepted(job: BulkJob, index: int, bulk_id: str) -> None:
    c = _chunk(job, index)
    if c is not None and c.state in (ChunkState.NEW, ChunkState.POSTING):
        c.state = ChunkState.ACCEPTED
        c.reason = None
        if bulk_id:
            c.bulk_id = bulk_id  # the server's name for it, if it chose another


def apply_chunk_rejected(job: BulkJob, index: int, reason: str) -> None:
    c = _chunk(job, index)
    if c is not None:
        c.state = ChunkState.REJECTED
        c.reason = reason


#: chunk_status of a POSTING chunk that a follow-only run found the server never received
NOT_RECEIVED = "NOT_RECEIVED"


def apply_chunk_status(job: BulkJob, index: int, status: str) -> None:
    """The server's status of a bulk; "COMPLETE" (sent after its results) closes the chunk."""
    c = _chunk(job, index)
    if c is None:
        return
    if status == NOT_RECEIVED:  # never arrived: unsent, like a NEW chunk
        c.state, c.status = ChunkState.NEW, None
        return
    c.status = status
    if status == "COMPLETE" and c.state != ChunkState.REJECTED:
        c.state = ChunkState.COMPLETE


# --- the worker -----------------------------------------------------------------------
class _Watch:
    """Polling state of one accepted bulk."""

    __slots__ = (
        "chunk",
        "keys",
        "due",
        "interval",
        "busy",
        "last",
        "rate",
        "processing",
        "fails",
        "unconfirmed",
    )

    def __init__(self, chunk, keys, due, interval):
        self.chunk = chunk
        self.keys = keys
        self.due = due
        self.interval = interval
        self.busy = False
        self.last = None  # (monotonic time, done count)
        self.rate = 0.0  # payloads per second seen on the server
        self.processing = len(keys)
        self.fails = 0  # transient poll failures in a row
        self.unconfirmed = False  # POSTING when followed: the server may not have it


def _breathe(items, every: int = 100, pause: float = 0.001):
    """Yield ``items``, pausing briefly every ``every``: long pure-Python loops in the
    worker then leave the GIL (and, on a busy machine, the CPU) to the main thread
    often enough for the UI to stay smooth. Costs ~10 ms per 1000 items."""
    for i, item in enumerate(items, 1):
        yield item
        if i % every == 0:
            time.sleep(pause)


class MatchReport(NamedTuple):
    """What a COMPLETE bulk's ``/payloads`` results say, before any look at ``/orders/``."""

    found: List[tuple]  # (key, status, order_id, reason)
    unmatched: List[str]  # keys no usable result was found for
    unconfirmed: List[tuple]  # (key, id): a success whose only order id is the item's own id
    contradictions: Dict[str, list]  # key -> its PayloadResults that disagree
    unplaced_failures: List[str]  # reasons of failed results that echo no payload


def _differs(a, b) -> bool:
    """Two results for one target that cannot both be true."""
    if PayloadStatus.SUCCEEDED not in (a.status, b.status):
        return False  # two failures: the first reason stands
    return a.status != b.status or (a.order_id or "") != (b.order_id or "")


def match_report(targets, results) -> MatchReport:
    """Match payload results to ``targets`` by content (ResultMatcher), never by position.
    Results still processing are ignored; a result whose content matches no free target is
    a duplicate (ignored) or a contradiction (kept for the caller to settle)."""
    matcher = ResultMatcher(_breathe(targets))
    by_key: Dict[str, object] = {}
    extra: Dict[str, list] = {}
    unplaced: List[str] = []
    for r in _breathe(results):
        if r.status not in (PayloadStatus.SUCCEEDED, PayloadStatus.FAILED):
            continue
        if not r.payload:  # no echo: successes are found through /orders/
            if r.status == PayloadStatus.FAILED:
                unplaced.append(r.reason or "the server gave no reason")
            continue
        key = matcher.match(r.payload)
        if key is not None:
            by_key[key] = r
            continue
        for k in matcher.keys_for(r.payload):
            if k in by_key and _differs(by_key[k], r):
                extra.setdefault(k, []).append(r)
                break
    found, unconfirmed = [], []
    unmatched = list(matcher.unmatched())
    for key, r in by_key.items():
        if key in extra:
            continue
        if r.status == PayloadStatus.FAILED:
            found.append((key, TargetStatus.FAILED, None, r.reason))
        elif r.order_id and r.order_id_confirmed:
            found.append((key, TargetStatus.SUCCEEDED, r.order_id, None))
        elif r.order_id:
            unconfirmed.append((key, r.order_id))
        else:
            unmatched.append(key)
    contradictions = {k: [by_key[k]] + rs for k, rs in extra.items()}
    return MatchReport(found, unmatched, unconfirmed, contradictions, unplaced)


def match_results(targets, results) -> tuple:
    """``([(key, status, order_id, reason)], [unmatched keys])`` from payload results
    alone (see match_report): what a bulk whose results need no settling gives."""
    report = match_report(targets, results)
    unmatched = report.unmatched + [k for k, _ in report.unconfirmed] + list(report.contradictions)
    return report.found, unmatched


def _describe(r) -> str:
    text = "succeeded" if r.status == PayloadStatus.SUCCEEDED else "failed"
    if r.order_id:
        text += f" with order {r.order_id}"
    if r.status == PayloadStatus.FAILED and r.reason:
        text += f" ({r.reason})"
    return text


def settle_contradictions(client, targets_by_key, contradictions, taken) -> List[tuple]:
    """The order that exists wins; the contradiction is logged and kept as the target's
    reason. Never FAILED: a target that may have an order is not offered for resubmission."""
    found = []
    for key, results in contradictions.items():
        target = targets_by_key[key]
        ids = list(dict.fromkeys(r.order_id for r in results if r.order_id))
        existing = [f[2] for f in confirm_orders(client, [(target, i) for i in ids], set(taken))]
        said = "; ".join(_describe(r) for r in results)
        if existing:
            taken.add(existing[0])
            note = (f"the service gave contradictory results for this target ({said}); "
                    f"linked to order {existing[0]}, which exists")  # fmt: skip
            if len(existing) > 1:
                note += f"; order {', '.join(existing[1:])} exists too: check for a duplicate"
            found.append((key, TargetStatus.SUCCEEDED, existing[0], note))
        else:
            note = (f"the service gave contradictory results for this target ({said}) and no "
                    "order could be confirmed: check the account's orders before sending it "
                    "again")  # fmt: skip
            found.append((key, TargetStatus.SUBMITTED, None, note))
        logger.warning("bulk result contradiction for target %s: %s", target.label, note)
    return found


def place_failures(summary, found, unmatched, reasons) -> List[tuple]:
    """Failed results that echo no payload: when the bulk's counts show that every success
    was linked and exactly the unlinked targets failed, they failed (with the reasons the
    server gave); otherwise nothing is concluded."""
    succeeded = sum(1 for f in found if f[1] == TargetStatus.SUCCEEDED)
    if not unmatched or not reasons or summary.failed_payload_count != len(unmatched):
        return []
    if summary.successful_payload_count is None or summary.successful_payload_count != succeeded:
        return []
    distinct = list(dict.fromkeys(reasons))
    if len(distinct) == 1:
        reason = distinct[0]
    else:
        reason = ("failed; the service did not say which reason is this target's: "
                  + " | ".join(distinct[:5]) + (" | ..." if len(distinct) > 5 else ""))  # fmt: skip
    return [(key, TargetStatus.FAILED, None, reason) for key in unmatched]


def _accepts_stop_event(factory) -> bool:
    try:
        params = inspect.signature(factory).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(p.name == "stop_event" or p.kind == p.VAR_KEYWORD for p in params)


class BulkWorker(QObject):
    """Posts a job's chunks, polls its bulks, reads and matches their results.

    Create it in the main thread, ``moveToThread(thread)``, connect
    ``thread.started`` to ``run``. ``cancel()`` and ``poll_now()`` are plain
    thread-safe methods (Events): call them directly, not through a signal.
    """

    started = pyqtSignal(str)  # job_id
    chunk_posting = pyqtSignal(int)  # chunk index, emitted BEFORE its POST
    chunk_accepted = pyqtSignal(int, str)  # chunk index, bulk_id
    chunk_rejected = pyqtSignal(int, str)  # chunk index, reason (its targets FAILED)
    chunk_status = pyqtSignal(int, str)  # chunk index, server status (COMPLETE after results)
    progress = pyqtSignal(dict)  # counts (see _counts)
    results = pyqtSignal(list)  # [PayloadOutcome] batches
    finished = pyqtSignal(str)  # job_id: ran to the end
    cancelled = pyqtSignal(str)  # job_id: stopped by cancel()
    failed = pyqtSignal(object)  # TaskingError
    ended = pyqtSignal(str, str)  # job_id, "finished" | "cancelled" | "failed": always last
    retrying = pyqtSignal(int, int, str)  # attempt, max attempts, words (the client retries)

    def __init__(
        self,
        job: BulkJob,
        client_factory: Callable,
        *,
        max_in_flight: int = 2,
        max_polls_in_flight: int = 2,
        min_poll_interval: float = 0.25,
        max_poll_interval: float = 15.0,
        progress_interval: float = 0.1,
        batch_size: int = 1000,
        max_poll_failures: int = 3,
        max_post_retries: int = 3,
        post_retry_delay: float = 1.0,
        follow_only: bool = False,
        copy: bool = True,
        max_total_wait: float = DEFAULT_JOB_WAIT,
        parent=None,
    ):
        super().__init__(parent)
        self.job = copy_job(job) if copy else job  # None once run() returned
        self.job_id = job.job_id
        self.job_created = job.created_time  # read by pool threads: an immutable string
        self._factory = client_factory
        self._factory_takes_stop = _accepts_stop_event(client_factory)
        self.max_in_flight = max(1, int(max_in_flight))
        self.max_polls_in_flight = max(1, int(max_polls_in_flight))
        self.min_poll_interval = float(min_poll_interval)
        self.max_poll_interval = float(max_poll_interval)
        self.progress_interval = float(progress_interval)
        self.batch_size = max(1, int(batch_size))
        self.max_poll_failures = max(1, int(max_poll_failures))
        # follow_only: post nothing; follow what the server may have (after a user's cancel)
        self.follow_only = follow_only
        self.max_post_retries = max(0, int(max_post_retries))
        self.post_retry_delay = max(0.0, float(post_retry_delay))
        self._to_post: deque = deque()
        self._delayed: List[tuple] = []  # (not before, chunk): transient failure, re-post later
        self._post_tries: Dict[int, int] = {}
        self._reposts: Dict[int, int] = {}  # chunk index -> re-posts after a 404
        # waits the server asks for (Retry-After, 5xx back-off) add up over a job's
        # requests: one budget for the whole run, shared by its clients
        self.wait_budget = WaitBudget(max_total_wait)
        self._results_read = 0  # payload results read so far (progress of long listings)

        self._stop = threading.Event()  # cancel or fatal error: given to every client
        self._cancel_requested = threading.Event()
        self._poll_now = threading.Event()
        self._wake = threading.Event()
        self._local = threading.local()
        self._clients: list = []
        self._clients_lock = threading.Lock()
        self._watches: Dict[int, _Watch] = {}
        self._last_progress = 0.0
        self._t0 = 0.0
        self.outcome = ""  # "finished" | "cancelled" | "failed" once run() returned
        self.error: Optional[TaskingError] = None

    # -- thread-safe controls ---------------------------------------------------------
    def cancel(self) -> None:
        self._cancel_requested.set()
        self._stop.set()
        self._wake.set()

    def poll_now(self) -> None:
        self._poll_now.set()
        self._wake.set()

    def is_cancelled(self) -> bool:
        return self._cancel_requested.is_set()

    def requests_made(self) -> int:
        with self._clients_lock:
            return sum(int(getattr(c, "requests_made", 0) or 0) for c in self._clients)

    # -- clients (one per pool thread) ------------------------------------------------
    def _client(self):
        client = getattr(self._local, "client", None)
        if client is None:
            if self._factory_takes_stop:
                client = self._factory(stop_event=self._stop)
            else:
                client = self._factory()
                if hasattr(client, "stop_event") and client.stop_event is None:
                    client.stop_event = self._stop
            if getattr(client, "wait_budget", False) is None:
                client.wait_budget = self.wait_budget
            if hasattr(client, "on_page"):
                client.on_page = self._page_counter()
            if hasattr(client, "on_retry") and client.on_retry is None:
                client.on_retry = self.retrying.emit  # shown as it happens, not after 60 s
            self._local.client = client
            with self._clients_lock:
                self._clients.append(client)
        return client

    def _page_counter(self):
        """A client's on_page hook: adds what each listing read to _results_read."""
        last = [0]

        def on_page(fetched: int, expected) -> None:
            delta = fetched - last[0] if fetched >= last[0] else fetched  # a new listing
            last[0] = fetched
            with self._clients_lock:
                self._results_read += max(0, delta)

        return on_page

    def _close_clients(self) -> None:
        with self._clients_lock:
            clients, self._clients = list(self._clients), []
        self._closed_requests = getattr(self, "_closed_requests", 0) + sum(
            int(getattr(c, "requests_made", 0) or 0) for c in clients
        )
        for c in clients:
            try:
                c.close()
            except Exception:  # noqa: S110 - best effort at the end of a run
                pass

    # -- pool tasks: HTTP only, no Qt, no job mutation --------------------------------
    def _post_task(self, bulk_id: str, payloads: List[dict]) -> str:
        return self._client().create_bulk(payloads, bulk_id) or bulk_id

    def _poll_task(self, bulk_id: str, targets: List[Target]):
        """GET the summary; once COMPLETE, read every page and match as it streams in
        (only keys and strings are kept: no pile of result dicts for the GC to walk)."""
        client = self._client()
        summary = client.get_bulk(bulk_id)
        if not summary.is_complete:
            return summary, None
        report = match_report(targets, client.iter_bulk_payloads(bulk_id))
        return summary, self._settle(client, summary, targets, report)

    def _settle(self, client, summary, targets: List[Target], report: MatchReport) -> tuple:
        """Results that need the orders themselves: own ids to confirm, contradictions,
        successes the page did not link. Returns ``(found, unmatched)``."""
        by_key = {t.key: t for t in targets}
        found, unmatched = list(report.found), list(report.unmatched)
        taken = {f[2] for f in found if f[2]}
        unconfirmed = report.unconfirmed
        if 0 < len(unconfirmed) <= SMALL_ORDER_SET:
            confirmed = confirm_orders(client, [(by_key[k], i) for k, i in unconfirmed], taken)
            found += confirmed
            done = {f[0] for f in confirmed}
            unmatched += [k for k, _ in unconfirmed if k not in done]
        else:  # many: the order listing below confirms them by content in one pass
            unmatched += [k for k, _ in unconfirmed]
        if report.contradictions:
            found += settle_contradictions(client, by_key, report.contradictions, taken)
        if unmatched and successes_missing(summary, found):
            # the payloads page did not link every success: the orders are the record
            waiting = [by_key[k] for k in unmatched]
            # bounded by the bulk's creation, or the job's when the server does not say
            since = summary.created_time or self.job_created
            more, unmatched = recover_from_orders(client, waiting, since, taken)
            found += more
        placed = place_failures(summary, found, unmatched, report.unplaced_failures)
        if placed:
            found += placed
            unmatched = []
        return found, unmatched

    # -- signals helpers -----------------------------------------------------------------
    def _counts(self) -> dict:
        counts = self.job.counts()
        chunks = self.job.chunks
        out = {
            "total": counts["total"],
            "ready": counts[TargetStatus.READY],
            "submitted": counts[TargetStatus.SUBMITTED],
            "succeeded": counts[TargetStatus.SUCCEEDED],
            "failed": counts[TargetStatus.FAILED],
            "skipped": counts[TargetStatus.SKIPPED],
            "processing": sum(w.processing for w in self._watches.values()),
            "chunks": len(chunks),
            "chunks_accepted": sum(c.state == ChunkState.ACCEPTED for c in chunks),
            "chunks_complete": sum(c.state == ChunkState.COMPLETE for c in chunks),
            "chunks_rejected": sum(c.state == ChunkState.REJECTED for c in chunks),
            "requests": self.requests_made() + getattr(self, "_closed_requests", 0),
            "elapsed": round(time.monotonic() - self._t0, 3) if self._t0 else 0.0,
            "results_read": self._results_read,
            "server_wait": round(self.wait_budget.used, 1),
            "server_wait_limit": self.wait_budget.total,
        }
        return out

    def _emit_progress(self, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self._last_progress >= self.progress_interval:
            self._last_progress = now
            self.progress.emit(self._counts())

    def _emit_outcomes(self, outcomes: List[PayloadOutcome]) -> None:
        """Apply to our copy (no history: see copy_job), then emit in batches."""
        if not outcomes:
            return
        job = self.job
        for o in outcomes:
            t = job.target(o.key)
            t.status, t.order_id, t.reason = o.status, o.order_id, o.reason
        for i in range(0, len(outcomes), self.batch_size):
            self.results.emit(list(outcomes[i : i + self.batch_size]))

    # -- run ------------------------------------------------------------------------------
    @pyqtSlot()
    def run(self) -> None:
        job_id = self.job.job_id
        self._t0 = time.monotonic()
        pool = None
        how = "failed"
        try:
            self.started.emit(job_id)
            pool = ThreadPoolExecutor(
                max_workers=self.max_in_flight + self.max_polls_in_flight,
                thread_name_prefix="pbt-http",
            )
            self._loop(pool)
            if self.error is not None:
                how = "failed"
            elif self._cancel_requested.is_set():
                how = "cancelled"
            else:
                how = "finished"
        except Exception as exc:  # a bug must not kill the thread silently
            self.error = (
                exc
                if isinstance(exc, TaskingError)
                else TaskingError(f"Unexpected error in the submission worker: {exc!r}")
            )
            how = "failed"
        finally:
            self._stop.set()  # abandon whatever is still in flight
            if pool is not None:
                pool.shutdown(wait=False, cancel_futures=True)
            self._close_clients()
            self.outcome = how
            try:
                self._emit_progress(force=True)
                if how == "finished":
                    self.finished.emit(job_id)
                elif how == "cancelled":
                    self.cancelled.emit(job_id)
                else:
                    self.failed.emit(self.error)
                self.ended.emit(job_id, how)
            finally:
                # free the job copy here, not in the main thread when the runner drops us
                self.job = None
                self._watches = {}
                thread = self.thread()
                app = QCoreApplication.instance()
                if app is not None and thread is not app.thread():
                    # back to the main thread, so the runner can delete us safely
                    self.moveToThread(app.thread())
                    thread.quit()

    def _fatal(self, exc: BaseException) -> None:
        if isinstance(exc, CancelledError) and self._cancel_requested.is_set():
            return
        if self.error is None:
            self.error = (
                exc
                if isinstance(exc, TaskingError)
                else TaskingError(f"Unexpected error in the submission worker: {exc!r}")
            )
        self._stop.set()
        self._wake.set()

    def _chunk_payloads(self, chunk):
        keys, payloads = [], []
        for t in self.job.targets_of(chunk):
            if t.payload is not None and t.status in (TargetStatus.READY, TargetStatus.SUBMITTED):
                keys.append(t.key)
                payloads.append(t.payload)
        return keys, payloads

    def _watch(self, chunk, keys, delay: float) -> None:
        self._watches[chunk.index] = _Watch(
            chunk, keys, time.monotonic() + delay, self.min_poll_interval
        )

    def _loop(self, pool: ThreadPoolExecutor) -> None:
        job = self.job
        to_post = self._to_post
        for c in sorted(job.chunks, key=lambda c: c.index):
            if self.follow_only and c.state == ChunkState.NEW:
                continue  # never sent: the user asked to stop sending
            if self.follow_only and c.state == ChunkState.POSTING:
                # sent when the user cancelled, answer unknown: ask the server, never re-post
                self._watch(c, [t.key for t in job.targets_of(c) if t.payload is not None], 0.0)
                self._watches[c.index].unconfirmed = True
            elif c.state in (ChunkState.NEW, ChunkState.POSTING):
                to_post.append(c)
            elif c.state == ChunkState.ACCEPTED:
                keys = [t.key for t in job.targets_of(c) if t.payload is not None]
                self._watch(c, keys, 0.0)
        self._emit_progress(force=True)

        posts: Dict[object, tuple] = {}  # future -> (chunk, keys)
        polls: Dict[object, _Watch] = {}  # future -> watch

        def wake(_f):
            self._wake.set()

        while not self._stop.is_set():
            # 0. chunks whose transient failure has cooled down go first
            if self._delayed:
                now = time.monotonic()
                for item in sorted(self._delayed, key=lambda d: d[0], reverse=True):
                    if item[0] <= now:
                        self._delayed.remove(item)
                        to_post.appendleft(item[1])
            # 1. start posts, in chunk order, at most max_in_flight at once
            while to_post and len(posts) < self.max_in_flight and not self._stop.is_set():
                chunk = to_post.popleft()
                keys, payloads = self._chunk_payloads(chunk)
                if not payloads:
                    continue  # nothing left to send in it
                chunk.state = ChunkState.POSTING
                self.chunk_posting.emit(chunk.index)  # before the POST: persistence hooks here
                fut = pool.submit(self._post_task, chunk.bulk_id, payloads)
                posts[fut] = (chunk, keys)
                fut.add_done_callback(wake)

            # 2. start polls that are due
            now = time.monotonic()
            if self._poll_now.is_set():
                self._poll_now.clear()
                for w in self._watches.values():
                    w.due = now
                    w.interval = self.min_poll_interval
            for w in sorted(self._watches.values(), key=lambda w: w.due):
                if len(polls) >= self.max_polls_in_flight or w.due > now:
                    break
                if w.busy:
                    continue
                w.busy = True
                targets = [job.target(k) for k in w.keys]
                fut = pool.submit(self._poll_task, w.chunk.bulk_id, targets)
                polls[fut] = w
                fut.add_done_callback(wake)

            # 3. handle what came back
            for fut in [f for f in posts if f.done()]:
                chunk, keys = posts.pop(fut)
                self._on_posted(chunk, keys, fut)
            for fut in [f for f in polls if f.done()]:
                w = polls.pop(fut)
                w.busy = False
                self._on_polled(w, fut)
            if self._stop.is_set():
                break
            self._emit_progress()

            if not to_post and not posts and not self._watches and not self._delayed:
                break  # all done

            # 4. sleep until something comes back, a poll is due, or we are told
            idle = [w.due for w in self._watches.values() if not w.busy]
            timeout = 0.5
            if idle and len(polls) < self.max_polls_in_flight:
                timeout = min(timeout, max(0.0, min(idle) - time.monotonic()))
            if self._delayed:
                soonest = min(d[0] for d in self._delayed)
                timeout = min(timeout, max(0.0, soonest - time.monotonic()))
            if to_post and len(posts) < self.max_in_flight:
                timeout = 0.0
            self._wake.wait(timeout)
            self._wake.clear()

    def _on_posted(self, chunk, keys: List[str], fut) -> None:
        try:
            bulk_id = fut.result()
        except (RequestRejectedError, PayloadTooLargeError, ValueError) as exc:
            # the whole request refused (400/413/422), or one the client would not
            # even send (ValueError: e.g. over 1000 payloads): this chunk only
            reason = str(exc)
            chunk.state, chunk.reason = ChunkState.REJECTED, reason
            self.chunk_rejected.emit(chunk.index, reason)
            self._emit_outcomes(
                [PayloadOutcome(k, TargetStatus.FAILED, None, reason, chunk.bulk_id) for k in keys]
            )
            self._emit_progress(force=True)
            return
        except TaskingError as exc:
            tries = self._post_tries.get(chunk.index, 0) + 1
            self._post_tries[chunk.index] = tries
            if exc.transient and tries <= self.max_post_retries and not self._stop.is_set():
                # 5xx / network / 429 after the client's own retries: try this chunk
                # again later with the same id (safe: a 409 for our id is accepted)
                delay = self.post_retry_delay * (2 ** (tries - 1))
                self._delayed.append((time.monotonic() + delay, chunk))
                return
            self._fatal(exc)  # the chunk stays POSTING: a resume re-posts it
            return
        except BaseException as exc:  # a bug: fatal, the chunk stays POSTING
            self._fatal(exc)
            return
        if bulk_id and bulk_id != chunk.bulk_id:
            # the server named the bulk differently in its Location (the client
            # checked it is a UUID on our origin): its results live under that id
            chunk.bulk_id = bulk_id
        chunk.state = ChunkState.ACCEPTED
        self.chunk_accepted.emit(chunk.index, chunk.bulk_id)
        self._emit_outcomes(
            [
                PayloadOutcome(k, TargetStatus.SUBMITTED, None, None, chunk.bulk_id)
                for k in keys
                if self.job.target(k).status != TargetStatus.SUBMITTED
            ]
        )
        self._watch(chunk, keys, self.min_poll_interval)
        self._emit_progress(force=True)

    def _on_polled(self, w: _Watch, fut) -> None:
        try:
            summary, results = fut.result()
        except NotFoundError as exc:
            if w.unconfirmed:  # the POST never arrived: the chunk is simply unsent
                self._watches.pop(w.chunk.index, None)
                w.chunk.state = ChunkState.NEW
                self.chunk_status.emit(w.chunk.index, NOT_RECEIVED)
                return
            # the server does not know a bulk we took as accepted (an unconfirmed 409 of an
            # earlier version, or a server that lost it): post it again with the same id,
            # which cannot create it twice; a server that keeps forgetting is an error
            tries = self._reposts.get(w.chunk.index, 0) + 1
            self._reposts[w.chunk.index] = tries
            if tries > self.max_post_retries:
                self._fatal(exc)
                return
            logger.warning("bulk %s: not found (404) after it was accepted; posting it again "
                           "with the same id", w.chunk.bulk_id)  # fmt: skip
            self._watches.pop(w.chunk.index, None)
            w.chunk.state = ChunkState.NEW
            self.chunk_status.emit(w.chunk.index, NOT_RECEIVED)
            self._delayed.append((time.monotonic() + self.post_retry_delay, w.chunk))
            return
        except TaskingError as exc:
            if isinstance(exc, CancelledError) or not exc.transient:
                self._fatal(exc)
                return
            w.fails += 1
            if w.fails >= self.max_poll_failures:
                self._fatal(exc)
                return
            w.due = time.monotonic() + min(self.max_poll_interval, w.interval * 2)
            return
        except BaseException as exc:
            self._fatal(exc)
            return
        w.fails = 0
        now = time.monotonic()
        chunk = w.chunk
        if w.unconfirmed:  # the server has it after all: accepted, as if answered 202
            w.unconfirmed = False
            chunk.state = ChunkState.ACCEPTED
            self.chunk_accepted.emit(chunk.index, chunk.bulk_id)
            self._emit_outcomes(
                [
                    PayloadOutcome(k, TargetStatus.SUBMITTED, None, None, chunk.bulk_id)
                    for k in w.keys
                    if self.job.target(k).status != TargetStatus.SUBMITTED
                ]
            )
        if chunk.status != summary.status:
            chunk.status = summary.status
            if results is None:
                self.chunk_status.emit(chunk.index, summary.status)
        if results is None:
            self._schedule(w, summary, now)
            return
        self._finish_chunk(w, results)

    def _schedule(self, w: _Watch, summary, now: float) -> None:
        """Next poll of a bulk that is not COMPLETE yet.

        * running with a measured rate (two samples while it ran): poll when the
          server should be done (ETA), at least every 3 s for progress;
        * just started (first sample with progress): poll again soon, to measure;
        * pending / not moving: back off (x1.6) up to ``max_poll_interval``.
        """
        total = summary.payload_count if summary.payload_count is not None else len(w.keys)
        done = summary.done_count
        if done is None and summary.processing_payload_count is not None:
            done = max(0, total - summary.processing_payload_count)
        if summary.processing_payload_count is not None:
            w.processing = summary.processing_payload_count
        elif done is not None:
            w.processing = max(0, total - done)
        previous, w.last = w.last, ((now, done) if done is not None else w.last)
        if done is None:
            w.rate = 0.0
        elif previous is not None and previous[1] > 0 and now > previous[0]:
            # both samples while running: a fair rate (0 if it stalled)
            w.rate = max(0.0, (done - previous[1]) / (now - previous[0]))
        else:
            w.rate = 0.0
        if w.rate > 0:
            eta = max(0, total - done) / w.rate
            delay = min(max(eta, self.min_poll_interval), 3.0)
            w.interval = self.min_poll_interval
        elif done and (previous is None or previous[1] == 0):
            delay = w.interval = self.min_poll_interval  # it just started: measure it
        else:
            delay = w.interval
            w.interval = min(self.max_poll_interval, w.interval * 1.6)
        w.due = now + delay

    def _finish_chunk(self, w: _Watch, matched) -> None:
        """A COMPLETE bulk's matched results -> outcomes (what changed), chunk COMPLETE."""
        chunk = w.chunk
        job = self.job
        found, unmatched = matched
        outcomes: List[PayloadOutcome] = []
        linked = {t.order_id for t in job.targets if t.order_id}
        for key, status, order_id, reason in found:
            t = job.target(key)
            if order_id and order_id in linked and t.order_id != order_id:
                # an order already linked to another target (identical payloads recovered
                # from /orders/ by two chunks): leave this one unconfirmed, never double-link
                unmatched.append(key)
                continue
            if (t.status, t.order_id, t.reason) != (status, order_id, reason):
                outcomes.append(PayloadOutcome(key, status, order_id, reason, chunk.bulk_id))
        for key in unmatched:
            t = job.target(key)
            if t.status in (TargetStatus.READY, TargetStatus.SUBMITTED) and (
                t.reason != NO_RESULT_REASON or t.status != TargetStatus.SUBMITTED
            ):
                outcomes.append(
                    PayloadOutcome(
                        key, TargetStatus.SUBMITTED, None, NO_RESULT_REASON, chunk.bulk_id
                    )
                )
        self._emit_outcomes(outcomes)
        chunk.state = ChunkState.COMPLETE
        chunk.status = "COMPLETE"
        self.chunk_status.emit(chunk.index, "COMPLETE")
        self._watches.pop(chunk.index, None)
        # a bulk finished: the oldest one still waiting may start now (servers tend
        # to work through a key's bulks in order); the others keep backing off
        waiting = [
            o for o in self._watches.values() if o.rate == 0.0 and not (o.last and o.last[1])
        ]
        if waiting:
            nxt = min(waiting, key=lambda o: o.chunk.index)
            nxt.interval = self.min_poll_interval
            nxt.due = min(nxt.due, time.monotonic() + self.min_poll_interval)
        self._emit_progress(force=True)


# --- the runner (main thread) -----------------------------------------------------------
_LIVE: Dict[int, tuple] = {}  # id(thread) -> (thread, worker): never destroyed while running
_QUIT_HOOKED = False


def _stop_all_live() -> None:
    """QCoreApplication.aboutToQuit: stop and join every worker thread still running."""
    for thread, worker in list(_LIVE.values()):
        try:
            worker.cancel()
            thread.quit()
            thread.wait(5000)
        except RuntimeError:
            pass


class JobRunner(QObject):
    """Owns one QThread + BulkWorker at a time; keeps ``job`` in step; re-emits signals.

    ``start(job, client_factory)``: ``job`` is the main thread's job; the worker gets
    a deep copy. With ``sync_job=True`` (default) the runner applies every report to
    ``job`` *before* re-emitting it, so receivers see an up-to-date job (calling
    ``apply_outcomes`` again in a receiver is harmless: it is idempotent).
    """

    started = pyqtSignal(str)
    chunk_posting = pyqtSignal(int)
    chunk_accepted = pyqtSignal(int, str)
    chunk_rejected = pyqtSignal(int, str)
    chunk_status = pyqtSignal(int, str)
    progress = pyqtSignal(dict)
    results = pyqtSignal(list)
    finished = pyqtSignal(str)
    cancelled = pyqtSignal(str)
    failed = pyqtSignal(object)
    ended = pyqtSignal(str, str)
    retrying = pyqtSignal(int, int, str)

    def __init__(self, parent=None, *, sync_job: bool = True):
        super().__init__(parent)
        self.sync_job = sync_job
        self.job: Optional[BulkJob] = None
        self._thread: Optional[QThread] = None
        self._worker: Optional[BulkWorker] = None
        self._active = False
        self.last_progress: dict = {}
        self.last_error: Optional[TaskingError] = None

    # -- control ---------------------------------------------------------------------------
    def start(self, job: BulkJob, client_factory: Callable, **worker_options) -> BulkWorker:
        global _QUIT_HOOKED
        if self.is_running():
            raise RuntimeError("this runner is already running a job")
        self._join()  # a previous run's thread that is winding down
        self.job = job
        self.last_error = None
        self.last_progress = {}
        if self.sync_job:
            job.state = JOB_RUNNING
            job.error = None
        worker = BulkWorker(job, client_factory, **worker_options)
        thread = QThread()
        thread.setObjectName(f"pbt-job-{job.job_id[:8]}")
        worker.moveToThread(thread)
        worker.started.connect(self._on_started)
        worker.chunk_posting.connect(self._on_chunk_posting)
        worker.chunk_accepted.connect(self._on_chunk_accepted)
        worker.chunk_rejected.connect(self._on_chunk_rejected)
        worker.chunk_status.connect(self._on_chunk_status)
        worker.progress.connect(self._on_progress)
        worker.results.connect(self._on_results)
        worker.finished.connect(self._on_finished)
        worker.cancelled.connect(self._on_cancelled)
        worker.failed.connect(self._on_failed)
        worker.ended.connect(self._on_ended)
        worker.retrying.connect(self.retrying.emit)
        thread.started.connect(worker.run)
        thread.finished.connect(self._on_thread_finished)
        self._thread, self._worker = thread, worker
        _LIVE[id(thread)] = (thread, worker)
        app = QCoreApplication.instance()
        if app is not None and not _QUIT_HOOKED:
            # direct: runs in the main thread at quit even when the first runner was started
            # on another thread (a Processing algorithm on a task-manager thread)
            app.aboutToQuit.connect(_stop_all_live, Qt.ConnectionType.DirectConnection)
            _QUIT_HOOKED = True
        self._active = True
        thread.start()
        return worker

    def cancel(self) -> None:
        if self._worker is not None:
            self._worker.cancel()

    def poll_now(self) -> None:
        if self._worker is not None:
            self._worker.poll_now()

    def is_running(self) -> bool:
        """True from start() until the worker's final signal reached this runner."""
        return self._active

    @property
    def worker(self) -> Optional[BulkWorker]:
        return self._worker

    def stop(self, timeout_ms: int = 5000) -> bool:
        """Cancel, quit and join the thread (plugin unload, QGIS quitting).

        Reports already emitted by the worker are delivered (and applied to the job)
        before this returns. Returns False only if the thread did not stop in time;
        it is then kept referenced until it does, so it is never destroyed running.
        """
        thread = self._thread
        if thread is None:
            return True
        if self._worker is not None:
            self._worker.cancel()
        thread.quit()
        ok = thread.wait(int(timeout_ms))
        if ok:
            # deliver the worker's last queued signals now, while receivers still exist
            QCoreApplication.sendPostedEvents(self, QEvent.Type.MetaCall)
            self._join()
        return ok

    # -- internals ---------------------------------------------------------------------
    def _join(self) -> None:
        thread, worker = self._thread, self._worker
        if thread is None:
            return
        if not thread.wait(5000):
            return  # stays in _LIVE and referenced here
        _LIVE.pop(id(thread), None)
        self._thread = self._worker = None
        if worker is not None:
            try:
                for sig in (
                    worker.started,
                    worker.chunk_posting,
                    worker.chunk_accepted,
                    worker.chunk_rejected,
                    worker.chunk_status,
                    worker.progress,
                    worker.results,
                    worker.finished,
                    worker.cancelled,
                    worker.failed,
                    worker.ended,
                ):
                    sig.disconnect()
            except (TypeError, RuntimeError):
                pass
            if worker.thread() is QThread.currentThread():
                worker.deleteLater()
        thread.deleteLater()
        self._active = False

    @pyqtSlot()
    def _on_thread_finished(self) -> None:
        if self._thread is not None and self._thread.isFinished():
            QCoreApplication.sendPostedEvents(self, QEvent.Type.MetaCall)
            self._join()

    @pyqtSlot(str)
    def _on_started(self, job_id):
        self.started.emit(job_id)

    @pyqtSlot(int)
    def _on_chunk_posting(self, index):
        if self.sync_job and self.job is not None:
            apply_chunk_posting(self.job, index)
        self.chunk_posting.emit(index)

    @pyqtSlot(int, str)
    def _on_chunk_accepted(self, index, bulk_id):
        if self.sync_job and self.job is not None:
            apply_chunk_accepted(self.job, index, bulk_id)
        self.chunk_accepted.emit(index, bulk_id)

    @pyqtSlot(int, str)
    def _on_chunk_rejected(self, index, reason):
        if self.sync_job and self.job is not None:
            apply_chunk_rejected(self.job, index, reason)
        self.chunk_rejected.emit(index, reason)

    @pyqtSlot(int, str)
    def _on_chunk_status(self, index, status):
        if self.sync_job and self.job is not None:
            apply_chunk_status(self.job, index, status)
        self.chunk_status.emit(index, status)

    @pyqtSlot(dict)
    def _on_progress(self, counts):
        self.last_progress = counts
        self.progress.emit(counts)

    @pyqtSlot(list)
    def _on_results(self, outcomes):
        if self.sync_job and self.job is not None:
            apply_outcomes(self.job, outcomes)
        self.results.emit(outcomes)

    @pyqtSlot(str)
    def _on_finished(self, job_id):
        self._active = False
        if self.sync_job and self.job is not None:
            self.job.state = JOB_DONE
        self.finished.emit(job_id)

    @pyqtSlot(str)
    def _on_cancelled(self, job_id):
        self._active = False
        if self.sync_job and self.job is not None:
            self.job.state = JOB_CANCELLED
        self.cancelled.emit(job_id)

    @pyqtSlot(object)
    def _on_failed(self, error):
        self._active = False
        self.last_error = error
        if self.sync_job and self.job is not None:
            self.job.state = JOB_ERROR
            self.job.error = getattr(error, "user_message", None) or str(error)
        self.failed.emit(error)

    @pyqtSlot(str, str)
    def _on_ended(self, job_id, how):
        self._active = False
        self.ended.emit(job_id, how)
