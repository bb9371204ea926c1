"""The submit engine: post a job's chunks, poll its bulks, read and match their results.

Plain Python (no QGIS, no Qt). ``SubmitEngine(job, client_factory, on_event=...).run()``
works on a *copy* of the job (see ``copy_job``) and reports through ``on_event(name,
*args)``; the owner applies each report to its own job (``BulkJob.apply_*``, or
``record_event`` with a store). Every HTTP request runs in a small thread pool inside the
run (one client per pool thread, so one ``requests.Session`` per thread).

Reports, in order: ``chunk_posting(index)`` (before its POST: persist here),
``chunk_accepted(index, bulk_id)``, ``chunk_rejected(index, reason)``,
``chunk_status(index, status)`` ("COMPLETE" after its results), ``results([PayloadOutcome])``
in batches, ``progress(counts)`` (``BulkJob.summary()`` and the engine's figures),
``retrying(attempt, max, words)`` (the client retries). ``run()`` returns "finished",
"cancelled" or "failed" (the error in ``engine.error``).

Semantics, in short:

* Chunks: NEW and POSTING chunks are (re-)posted with their existing bulk id (a
  409 for our own id is "accepted": the client handles that), ACCEPTED chunks are
  only polled, COMPLETE and REJECTED chunks are left alone. The bulk id was in the
  job from the start, so a POST whose answer never arrived (crash, cancel, network)
  is simply re-posted later with the same id and never creates a second bulk.
* Results: every result of a COMPLETE bulk is matched back to its target by
  content (``matching.py``), never by position. A target the service returned
  no result for **stays SUBMITTED** with the reason :data:`NO_RESULT_REASON`: the
  server accepted it, so it may well have an order; marking it FAILED would
  invite a resubmit and a duplicate order. The chunk is COMPLETE all the same.
* Cancel: ``cancel()`` (any thread) aborts the requests in flight and stops the run
  within a fraction of a second; their chunks stay POSTING/ACCEPTED so a resume finds
  them. ``follow_only=True`` (after a user's cancel) posts nothing: ACCEPTED bulks are
  followed, a POSTING bulk is asked for with GET (404: back to NEW), never re-posted.
* Errors: a whole request refused (400/413/422) rejects that chunk only
  (``chunk_rejected``, its targets FAILED with the reason); anything else is fatal
  and leaves targets as they are (READY / SUBMITTED) so a later resume continues.
"""

import logging
import threading
import time
from collections import Counter, deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Callable, Dict, List, Optional

from ..model.gil import collector_paused, yielding
from ..model.job import (
    NOT_RECEIVED,
    BulkJob,
    ChunkState,
    PayloadOutcome,
    Target,
    TargetStatus,
    parse_utc,
)
from ..tasking.api import SMALL_ORDER_SET, BulkSummary
from ..tasking.backoff import Backoff
from ..tasking.errors import (
    CancelledError,
    NotFoundError,
    PayloadTooLargeError,
    RequestRejectedError,
    TaskingError,
)
from ..tasking.facts import DEFAULT_JOB_WAIT, WaitBudget
from .base import Engine
from .matching import (
    MatchReport,
    match_report,
    place_failures,
    prepare_matcher,
    settle_contradictions,
)
from .pacing import Pace, Watch, outcome, schedule_alone, server_order
from .recovery import confirm_orders, recover_from_orders, successes_missing

logger = logging.getLogger(__name__)

NO_RESULT_REASON = (
    "the service returned no result for this target: it may have an order; "
    "check the account's orders before sending it again"
)
#: what each report does to the owner's job
CHUNK_REPORTS = {
    "chunk_posting": BulkJob.apply_chunk_posting,
    "chunk_accepted": BulkJob.apply_chunk_accepted,
    "chunk_rejected": BulkJob.apply_chunk_rejected,
    "chunk_status": BulkJob.apply_chunk_status,
}


def record_event(job: BulkJob, store, name: str, args: tuple) -> Optional[List[Target]]:
    """Apply one of a SubmitEngine's reports to the owner's ``job`` and write it to
    ``store`` (a JobStore, or None). Returns the targets a "results" report names, [] for
    a chunk report, None for a report that changes nothing in the job."""
    apply = CHUNK_REPORTS.get(name)
    if apply is not None:
        chunk = apply(job, *args)
        if chunk is not None and store is not None:
            store.save_chunks(job.job_id, [chunk])
        return []
    if name != "results":
        return None
    outcomes = args[0]
    job.apply_outcomes(outcomes)
    targets = job.targets
    named = [targets[i] for i in job.indexes([o[0] for o in outcomes])]
    if store is not None:
        store.save_targets(job, named)
    return named


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

    with collector_paused():  # 100,000 targets, no cycles: no full walk over them
        targets = [target(t) for t in yielding(job.targets, every=300)]
    return BulkJob(
        job_id=job.job_id,
        created_time=job.created_time,
        endpoint=job.endpoint,
        layer=replace(job.layer),
        parameters=dict(job.parameters),
        targets=targets,
        chunks=[replace(c, target_keys=list(c.target_keys)) for c in job.chunks],
        state=job.state,
        error=job.error,
        version=job.version,
    )


class SubmitEngine(Engine):
    """Posts a job's chunks, polls its bulks, reads and matches their results.

    ``cancel()`` and ``poll_now()`` are thread-safe; ``run()`` blocks until the end.
    """

    def __init__(
        self,
        job: BulkJob,
        client_factory: Callable,
        *,
        max_in_flight: int = 2,
        max_polls_in_flight: int = 2,
        min_poll_interval: float = 0.25,
        max_poll_interval: float = 15.0,
        progress_interval: float = 0.25,  # a human reads it; each report costs the main thread
        batch_size: int = 1000,
        max_poll_failures: int = 3,
        max_post_retries: int = 3,
        post_retry_delay: float = 1.0,
        follow_only: bool = False,
        copy: bool = True,
        max_total_wait: float = DEFAULT_JOB_WAIT,
        on_event: Optional[Callable] = None,
        cancelled: Optional[Callable[[], bool]] = None,
    ):
        super().__init__(client_factory, on_event=on_event, cancelled=cancelled)
        self.job = copy_job(job) if copy else job  # None once run() returned
        self.job_id = job.job_id
        self.job_created = job.created_time  # read by pool threads: an immutable string
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
        # re-posts double from post_retry_delay; polls of a failing or idle bulk back off
        self._post_backoff = Backoff(self.post_retry_delay, float("inf"))
        self._failing_poll = Backoff(self.min_poll_interval, self.max_poll_interval)
        self._idle_poll = Backoff(self.min_poll_interval, self.max_poll_interval, factor=1.6)
        self._to_post: deque = deque()
        self._delayed: List[tuple] = []  # (not before, chunk): transient failure, re-post later
        self._post_tries: Dict[int, int] = {}
        self._reposts: Dict[int, int] = {}  # chunk index -> re-posts after a 404
        # waits the server asks for (Retry-After, 5xx back-off) add up over a job's
        # requests: one budget for the whole run, shared by its clients
        self.wait_budget = WaitBudget(max_total_wait)
        self._results_read = 0  # payload results read so far (progress of long listings)

        self._poll_now = threading.Event()
        self._local = threading.local()
        self._watches: Dict[int, Watch] = {}
        # polls go when a bulk should be done, not on a timer
        self._pace = Pace()
        self._complete: deque = deque()  # watches whose results wait to be read
        self._accepted = 0  # bulks watched so far (their order of acceptance)
        self._pool: Optional[ThreadPoolExecutor] = None  # while run() works
        self._last_progress = 0.0
        self._t0 = 0.0
        # kept as outcomes are applied: counting over every target for each progress
        # report (10 a second) kept this thread in Python, and the main thread waited for
        # the GIL each time Qt called into Python (100,000 targets)
        self._tally: Optional[Dict[str, int]] = None
        self._linked: Optional[Counter] = None  # order id -> targets linked to it

    # -- any thread -------------------------------------------------------------------
    def poll_now(self) -> None:
        self._poll_now.set()
        self._wake.set()

    # -- clients (one per pool thread) ------------------------------------------------
    def _client(self):
        client = getattr(self._local, "client", None)
        if client is None:
            client = self.new_client()
            if getattr(client, "wait_budget", False) is None:
                client.wait_budget = self.wait_budget
            if hasattr(client, "on_page"):
                client.on_page = self._page_counter()
            if hasattr(client, "on_retry") and client.on_retry is None:
                # shown as it happens, not after 60 s
                client.on_retry = lambda n, limit, words: self.emit("retrying", n, limit, words)
            self._local.client = client
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

    # -- pool tasks: HTTP only, no Qt, no job mutation --------------------------------
    def _post_task(self, bulk_id: str, payloads: List[dict]) -> str:
        return self._client().create_bulk(payloads, bulk_id) or bulk_id

    def _status_task(self, due: List[str], watched: Dict[str, Watch]) -> tuple:
        """The status of the watched bulks (``{bulk id: watch}``, oldest first): one ``GET
        /bulk/`` listing for all of them (when more than one is watched), ``GET /bulk/<id>``
        for the due ones it did not hold. The first one COMPLETE has its results read right
        here (no hop through the loop: the last bulk's results end the job).
        Returns ``({bulk id: BulkSummary or the TaskingError of its GET}, first COMPLETE
        (bulk id, a callable giving its results or raising) or None, when it was sent)``:
        the server counted what was done when the request arrived, not when the answer was
        handled (after a results read, that can be a quarter of a second later)."""
        client = self._client()
        sent = time.monotonic()
        out: dict = {}
        if len(watched) > 1:
            out.update(client.list_bulk_summaries(list(watched)))
        for bulk_id in due:
            if bulk_id in out:
                continue
            try:
                out[bulk_id] = client.get_bulk(bulk_id)
            except CancelledError:
                raise
            except TaskingError as exc:
                out[bulk_id] = exc
        for bulk_id, w in watched.items():
            summary = out.get(bulk_id)
            if isinstance(summary, BulkSummary) and summary.is_complete:
                targets = [self.job.target(k) for k in w.keys]
                results = outcome(self._results_task, bulk_id, targets, summary, w.matcher)
                return out, (bulk_id, results), sent
        return out, None, sent

    def _results_task(self, bulk_id: str, targets: List[Target], summary, prepared=None):
        """A COMPLETE bulk: read every page and match as it streams in (only keys and
        strings are kept: no pile of result dicts for the GC to walk). ``prepared``: the
        future of its matcher, made beforehand."""
        client = self._client()
        matcher = None
        if prepared is not None:
            try:
                matcher = prepared.result()
            except Exception:  # noqa: BLE001 - made again below, where a failure is reported
                matcher = None
        report = match_report(targets, client.iter_bulk_payloads(bulk_id), matcher)
        return self._settle(client, summary, targets, report)

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

    # -- reports ---------------------------------------------------------------------------
    def _counts(self) -> dict:
        if self._tally is None:
            self._tally = self.job.counts()
        out = self.job.summary(dict(self._tally))
        out.update(
            processing=sum(w.processing for w in self._watches.values()),
            requests=self.requests_made(),
            elapsed=round(time.monotonic() - self._t0, 3) if self._t0 else 0.0,
            results_read=self._results_read,
            server_wait=round(self.wait_budget.used, 1),
            server_wait_limit=self.wait_budget.total,
        )
        return out

    def _emit_progress(self, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self._last_progress >= self.progress_interval:
            self._last_progress = now
            self.emit("progress", self._counts())

    def _emit_outcomes(self, outcomes: List[PayloadOutcome]) -> None:
        """Apply to our copy (no history: see copy_job), then emit in batches."""
        if not outcomes:
            return
        job = self.job
        tally, linked = self._tally, self._linked
        for o in yielding(outcomes):
            t = job.target(o.key)
            if tally is not None and t.status != o.status:
                tally[t.status] = tally.get(t.status, 0) - 1
                tally[o.status] = tally.get(o.status, 0) + 1
            if linked is not None and t.order_id != o.order_id:
                if t.order_id:
                    linked[t.order_id] -= 1
                    if linked[t.order_id] <= 0:
                        del linked[t.order_id]
                if o.order_id:
                    linked[o.order_id] += 1
            t.status, t.order_id, t.reason = o.status, o.order_id, o.reason
        for i in range(0, len(outcomes), self.batch_size):
            self.emit("results", list(outcomes[i : i + self.batch_size]))

    # -- run ------------------------------------------------------------------------------
    def work(self) -> None:
        self._t0 = time.monotonic()
        pool = ThreadPoolExecutor(
            max_workers=self.max_in_flight + self.max_polls_in_flight + 1,  # + status reads
            thread_name_prefix="pbt-http",
        )
        self._pool = pool
        try:
            self._loop(pool)
        finally:
            self._pool = None
            pool.shutdown(wait=False, cancel_futures=True)

    def finish(self, how: str) -> None:
        try:
            self._emit_progress(force=True)
        finally:
            # the copy is freed here, in the engine's thread, not where the owner drops us
            self.job = None
            self._watches = {}

    def _chunk_payloads(self, chunk):
        keys, payloads = [], []
        for t in self.job.targets_of(chunk):
            if t.payload is not None and t.status in (TargetStatus.READY, TargetStatus.SUBMITTED):
                keys.append(t.key)
                payloads.append(t.payload)
        return keys, payloads

    def _watch(self, chunk, keys, delay: float) -> None:
        w = Watch(chunk, keys, time.monotonic() + delay, self.min_poll_interval)
        self._accepted += 1
        w.seq = self._accepted
        self._watches[chunk.index] = w

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
        reads: Dict[object, Watch] = {}  # future -> watch whose results it reads
        status: Optional[tuple] = None  # (future, the watches it reads) of the status read

        def wake(_f):
            self._wake.set()

        while not self.stopped:
            # 0. chunks whose transient failure has cooled down go first
            if self._delayed:
                now = time.monotonic()
                for item in sorted(self._delayed, key=lambda d: d[0], reverse=True):
                    if item[0] <= now:
                        self._delayed.remove(item)
                        to_post.appendleft(item[1])
            # 1. start posts, in chunk order, at most max_in_flight at once
            while to_post and len(posts) < self.max_in_flight and not self.stopped:
                chunk = to_post.popleft()
                keys, payloads = self._chunk_payloads(chunk)
                if not payloads:
                    continue  # nothing left to send in it
                chunk.state = ChunkState.POSTING
                self.emit("chunk_posting", chunk.index)  # before the POST: persistence hooks here
                fut = pool.submit(self._post_task, chunk.bulk_id, payloads)
                posts[fut] = (chunk, keys)
                fut.add_done_callback(wake)

            # 2. once one is due, read every watched bulk's status (one request where the
            # server lists them); then the results of those COMPLETE
            now = time.monotonic()
            if self._poll_now.is_set():
                self._poll_now.clear()
                for w in self._watches.values():
                    w.due = now
                    w.interval = self.min_poll_interval
            idle = [w for w in self._watches.values() if not w.busy]
            due = [w.chunk.bulk_id for w in idle if w.due <= now]
            if status is None and due:
                for w in idle:
                    w.busy = True
                watched = {w.chunk.bulk_id: w for w in sorted(idle, key=server_order)}
                fut = pool.submit(self._status_task, due, watched)
                status = (fut, idle)
                fut.add_done_callback(wake)
            while self._complete and len(reads) < self.max_polls_in_flight:
                w = self._complete.popleft()
                targets = [job.target(k) for k in w.keys]
                fut = pool.submit(
                    self._results_task, w.chunk.bulk_id, targets, w.summary, w.matcher
                )
                reads[fut] = w
                fut.add_done_callback(wake)

            # 3. handle what came back
            for fut in [f for f in posts if f.done()]:
                chunk, keys = posts.pop(fut)
                self._on_posted(chunk, keys, fut)
            if status is not None and status[0].done():
                (fut, watches), status = status, None
                self._on_status(watches, fut)
            for fut in [f for f in reads if f.done()]:
                self._on_results(reads.pop(fut), fut.result)
            if self.stopped:
                break
            self._emit_progress()

            if not to_post and not posts and not self._watches and not self._delayed:
                break  # all done

            # 4. sleep until something comes back, a poll is due, or we are told
            idle = [w.due for w in self._watches.values() if not w.busy]
            timeout = 0.1 if self._cancel_check is not None else 0.5  # a check is polled
            if idle and status is None:
                timeout = min(timeout, max(0.0, min(idle) - time.monotonic()))
            if self._complete and len(reads) < self.max_polls_in_flight:
                timeout = 0.0
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
            self.emit("chunk_rejected", chunk.index, reason)
            self._emit_outcomes(
                [PayloadOutcome(k, TargetStatus.FAILED, None, reason, chunk.bulk_id) for k in keys]
            )
            self._emit_progress(force=True)
            return
        except TaskingError as exc:
            tries = self._post_tries.get(chunk.index, 0) + 1
            self._post_tries[chunk.index] = tries
            if exc.transient and tries <= self.max_post_retries and not self.stopped:
                # 5xx / network / 429 after the client's own retries: try this chunk
                # again later with the same id (safe: a 409 for our id is accepted)
                delay = self._post_backoff.delay(tries - 1)
                self._delayed.append((time.monotonic() + delay, chunk))
                return
            self.fail(exc)  # the chunk stays POSTING: a resume re-posts it
            return
        except BaseException as exc:  # a bug: fatal, the chunk stays POSTING
            self.fail(exc)
            return
        if bulk_id and bulk_id != chunk.bulk_id:
            # the server named the bulk differently in its Location (the client
            # checked it is a UUID on our origin): its results live under that id
            chunk.bulk_id = bulk_id
        chunk.state = ChunkState.ACCEPTED
        self.emit("chunk_accepted", chunk.index, chunk.bulk_id)
        self._emit_outcomes(
            [
                PayloadOutcome(k, TargetStatus.SUBMITTED, None, None, chunk.bulk_id)
                for k in keys
                if self.job.target(k).status != TargetStatus.SUBMITTED
            ]
        )
        self._watch(chunk, keys, self.min_poll_interval)
        self._plan_polls(time.monotonic())  # with the server's pace known: when it is due
        self._emit_progress(force=True)

    def _on_status(self, watches: List[Watch], fut) -> None:
        """A status read came back: each bulk it read is scheduled, or queued for its
        results once COMPLETE; the server's pace is measured when it read them all."""
        try:
            statuses, first, now = fut.result()
        except BaseException as exc:
            for w in watches:
                w.busy = False
            due = [w for w in watches if w.due <= time.monotonic()]
            for w in due[:1]:  # one failure of one request, not one per bulk
                self._on_poll_error(w, exc)
            return
        read = []
        for w in sorted(watches, key=server_order):
            w.busy = False
            got = statuses.get(w.chunk.bulk_id)
            if isinstance(got, BaseException):
                self._on_poll_error(w, got)
            elif got is not None:
                read.append((w, got))
                self._on_summary(w, got, now)
        if len(read) == len(watches):
            self._pace.measure(self._watches.values(), now)
        self._plan_polls(now)
        w = next((w for w in self._complete if first and w.chunk.bulk_id == first[0]), None)
        if w is not None:
            self._complete.remove(w)
            self._on_results(w, first[1])

    def _on_results(self, w: Watch, results_of: Callable) -> None:
        w.matcher = None  # used up (a read that failed makes a new one)
        try:
            results = results_of()
        except BaseException as exc:
            w.busy, w.summary = False, None
            self._on_poll_error(w, exc)
            return
        w.fails = 0
        self._finish_chunk(w, results)

    def _on_poll_error(self, w: Watch, exc: BaseException) -> None:
        """A bulk's status or results could not be read."""
        if isinstance(exc, NotFoundError):
            if not w.unconfirmed:
                # the server does not know a bulk we took as accepted (an unconfirmed 409 of
                # an earlier version, or a server that lost it): post it again with the same
                # id, which cannot create it twice; a server that keeps forgetting is an error
                tries = self._reposts.get(w.chunk.index, 0) + 1
                self._reposts[w.chunk.index] = tries
                if tries > self.max_post_retries:
                    self.fail(exc)
                    return
                logger.warning("bulk %s: not found (404) after it was accepted; posting it "
                               "again with the same id", w.chunk.bulk_id)  # fmt: skip
                self._delayed.append((time.monotonic() + self.post_retry_delay, w.chunk))
            # else the POST never arrived: the chunk is simply unsent
            self._watches.pop(w.chunk.index, None)
            w.chunk.state = ChunkState.NEW
            self.emit("chunk_status", w.chunk.index, NOT_RECEIVED)
            return
        if not isinstance(exc, TaskingError) or isinstance(exc, CancelledError):
            self.fail(exc)
            return
        w.fails += 1
        if not exc.transient or w.fails >= self.max_poll_failures:
            self.fail(exc)
            return
        w.due = time.monotonic() + self._failing_poll.next(w.interval)

    def _on_summary(self, w: Watch, summary, now: float) -> None:
        w.fails = 0
        chunk = w.chunk
        if w.unconfirmed:  # the server has it after all: accepted, as if answered 202
            w.unconfirmed = False
            chunk.state = ChunkState.ACCEPTED
            self.emit("chunk_accepted", chunk.index, chunk.bulk_id)
            self._emit_outcomes(
                [
                    PayloadOutcome(k, TargetStatus.SUBMITTED, None, None, chunk.bulk_id)
                    for k in w.keys
                    if self.job.target(k).status != TargetStatus.SUBMITTED
                ]
            )
        if w.created is None and summary.created_time:
            created = parse_utc(summary.created_time)
            w.created = created.timestamp() if created else None
        if chunk.status != summary.status:
            chunk.status = summary.status
            if not summary.is_complete:  # COMPLETE is reported once its results are in
                self.emit("chunk_status", chunk.index, summary.status)
        if not summary.is_complete:
            schedule_alone(w, summary, now, self.min_poll_interval, self._idle_poll)
            return
        w.busy, w.summary = True, summary
        w.done = summary.payload_count if summary.payload_count is not None else len(w.keys)
        w.processing = 0
        self._complete.append(w)

    def _plan_polls(self, now: float) -> None:
        """With the server's pace known, each bulk is due when it should be done; the next
        status read goes then, and no sooner."""
        if not self._pace.rate:
            return
        for i, (w, due) in enumerate(self._pace.due_times(self._watches.values(), now)):
            w.due = due
            if i == 0 and w.matcher is None and self._pool is not None:
                # the next bulk to finish: its results' index is ready when they come
                targets = [self.job.target(k) for k in w.keys]
                w.matcher = self._pool.submit(prepare_matcher, targets)

    def _finish_chunk(self, w: Watch, matched) -> None:
        """A COMPLETE bulk's matched results -> outcomes (what changed), chunk COMPLETE."""
        chunk = w.chunk
        job = self.job
        found, unmatched = matched
        outcomes: List[PayloadOutcome] = []
        if self._linked is None:
            self._linked = Counter(t.order_id for t in job.targets if t.order_id)
        linked = self._linked
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
        self.emit("chunk_status", chunk.index, "COMPLETE")
        if self._watches.pop(chunk.index, None) is not None:
            self._pace.done_finished += w.done
        w.summary = None
        # a bulk finished: the oldest one still waiting may start now (servers tend
        # to work through a key's bulks in order); the others keep backing off
        waiting = [
            o for o in self._watches.values() if o.rate == 0.0 and not (o.last and o.last[1])
        ]
        if waiting and not self._pace.rate:
            nxt = min(waiting, key=lambda o: o.chunk.index)
            nxt.interval = self.min_poll_interval
            nxt.due = min(nxt.due, time.monotonic() + self.min_poll_interval)
        self._emit_progress(force=True)
