"""JobStore: every BulkJob on disk, written ahead of the requests that act on it.

A SQLite file (stdlib ``sqlite3``, no QGIS import) in the QGIS profile folder,
so jobs survive QGIS restarts and project changes. WAL mode: a committed
transaction survives the process being killed at any moment. The API key is
never written here: jobs hold the endpoint URL only.
"""

import json
import logging
import sqlite3
import threading
import time
from dataclasses import asdict, dataclass, fields
from operator import attrgetter
from typing import Dict, Iterable, List, Optional

from .gil import background_priority, collector_paused, yielding
from .job import Attempt, BulkJob, Chunk, JobState, LayerRef, Target, TargetStatus, utc_now_iso

SCHEMA_VERSION = 1

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS jobs (
    job_id TEXT PRIMARY KEY, created_time TEXT, updated_time TEXT, endpoint TEXT,
    layer TEXT, parameters TEXT, state TEXT, error TEXT, version INTEGER);
CREATE TABLE IF NOT EXISTS chunks (
    job_id TEXT, idx INTEGER, bulk_id TEXT UNIQUE, state TEXT, reason TEXT, status TEXT,
    kind TEXT, target_keys TEXT, PRIMARY KEY (job_id, idx));
CREATE TABLE IF NOT EXISTS targets (
    job_id TEXT, key TEXT, feature_id INTEGER, name TEXT, payload TEXT, status TEXT,
    reason TEXT, order_id TEXT, order_status TEXT, order_updated TEXT, capture_count INTEGER,
    chunk_index INTEGER, part INTEGER, warnings TEXT, attempts TEXT, seq INTEGER,
    PRIMARY KEY (job_id, key));
CREATE INDEX IF NOT EXISTS targets_order ON targets (order_id);
"""

_TARGET_COLUMNS = (
    "job_id, key, feature_id, name, payload, status, reason, order_id, order_status, "
    "order_updated, capture_count, chunk_index, part, warnings, attempts, seq"
)
_UPSERT_TARGET = (
    f"INSERT OR REPLACE INTO targets ({_TARGET_COLUMNS}) VALUES ({', '.join('?' * 16)})"
)
_UPSERT_CHUNK = "INSERT OR REPLACE INTO chunks VALUES (?,?,?,?,?,?,?,?)"
_WHOLE_JOB = "whole job"  # queued save_job(then=...): (job, then)
_UPDATE_RESULT = (
    "UPDATE targets SET name=?, status=?, reason=?, order_id=?, order_status=?, "
    "order_updated=?, capture_count=?, chunk_index=?, attempts=?, seq=? WHERE job_id=? AND key=?"
)
_NOTHING = object()
_SNAPSHOT = "targets snapshot"  # queued target snapshots: serialised by the writer thread
_SET_STATE = "UPDATE jobs SET state=?, error=? WHERE job_id=?"
# rows whose order among themselves does not matter (other tables, or the same target
# written again: the last snapshot wins); a whole job or a state change keeps its place
_MERGEABLE = (_SNAPSHOT, _UPSERT_CHUNK)
# results wait this long before the writer takes them: a target's SUBMITTED and its
# SUCCEEDED (half a second apart at 2,000 payloads/s) then make one row write, not two,
# and the writer holds the GIL half as long. A crash loses at most this much of what was
# read back from Planet, which resuming the job reads again. flush() does not wait for it.
WRITE_BEHIND = 1.0


@dataclass
class JobSummary:
    """One line of the Jobs list: no payloads loaded."""

    job_id: str
    created_time: str
    updated_time: str
    layer_name: str
    endpoint: str
    state: str
    counts: Dict[str, int]


class JobStore:
    """Thread-safe: one connection behind a lock, so a worker may write too."""

    def __init__(self, path: str):
        self.path = path
        self._lock = threading.RLock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: durable across a process kill
        self._db.executescript(_SCHEMA)
        self._db.execute(
            "INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
        )
        # results batches are written by a writer thread (the main thread only queues them)
        self._queue = threading.Condition()
        self._pending: List[tuple] = []  # (statement, rows) waiting, in the order they came
        self._pending_jobs: set = set()
        self._writing = False
        self._hurry = 0  # callers of flush() waiting: the writer writes at once
        self._writer: Optional[threading.Thread] = None
        self._generation: Dict[str, int] = {}  # job_id -> writes so far (list_jobs' cache)
        self._counts_cache: Dict[str, tuple] = {}
        self._read_db: Optional[sqlite3.Connection] = None  # list_jobs(wait=False)
        # job_id -> {key: the payload dict on disk}: written by save_job / the writer only
        self._payloads: Dict[str, Dict[str, object]] = {}
        self._reader_lock = threading.Lock()

    def close(self) -> None:
        self.flush()
        with self._queue:
            writer, self._writer = self._writer, None
            self._queue.notify_all()
        if writer is not None:
            writer.join(5.0)
        with self._lock:
            self._db.close()
        with self._reader_lock:
            if self._read_db is not None:
                self._read_db.close()

    # -- the writer thread ------------------------------------------------------------
    @property
    def writer_thread(self) -> Optional[threading.Thread]:
        """The thread that writes queued rows and jobs written ahead (None until the first
        one): a ``save_job(then=...)`` callback runs there, never on the caller's thread."""
        return self._writer

    def flush(self) -> None:
        """Wait until every queued target row is on disk (readers and job rewrites do)."""
        with self._queue:
            self._hurry += 1
            self._queue.notify_all()
            try:
                while self._pending or self._writing:
                    self._queue.wait(1.0)
            finally:
                self._hurry -= 1

    def _reading(self):
        self.flush()
        return self._lock

    def _enqueue(self, job_id: str, rows: List[tuple], statement: str = _UPSERT_TARGET) -> None:
        with self._queue:
            group = self._open_group(statement)
            if group is not None:
                group.extend(rows)  # batches queued meanwhile: one executemany
            else:
                self._pending.append((statement, list(rows)))
            self._pending_jobs.add(job_id)
            if self._writer is None:
                self._writer = threading.Thread(
                    target=self._write_loop, name="pbt-job-store", daemon=True
                )
                self._writer.start()
            self._queue.notify_all()

    def _open_group(self, statement: str) -> Optional[list]:
        """(queue held) The pending rows new ``statement`` rows join: the last group's, or
        for mergeable rows an earlier group's of the same statement, up to a barrier."""
        for queued, rows in reversed(self._pending):
            if queued == statement:
                return rows
            if statement not in _MERGEABLE or queued not in _MERGEABLE:
                return None
        return None

    def _write_behind(self, me) -> None:
        """(queue held) Let results gather for WRITE_BEHIND seconds, unless a job or a state
        is queued, somebody flushes, or the store closes."""
        deadline = time.monotonic() + WRITE_BEHIND
        while self._writer is me and not self._hurry:
            if not all(queued in _MERGEABLE for queued, _ in self._pending):
                return
            left = deadline - time.monotonic()
            if left <= 0:
                return
            self._queue.wait(left)

    def _write_loop(self) -> None:
        background_priority()
        me = threading.current_thread()
        while True:
            with self._queue:
                while not self._pending and self._writer is me:
                    self._queue.wait()
                self._write_behind(me)
                if not self._pending:
                    return  # closed, nothing left
                groups, jobs = self._pending, self._pending_jobs
                self._pending, self._pending_jobs = [], set()
                self._writing = True
            rows = sum(len(g[1]) for g in groups)
            while groups and groups[0][0] is _WHOLE_JOB:
                self._write_whole_jobs(groups.pop(0)[1])
            after = next((i for i, g in enumerate(groups) if g[0] is _WHOLE_JOB), len(groups))
            if after < len(groups):  # rows queued after a whole job: written after it
                with self._queue:
                    self._pending[:0] = groups[after:]
                    self._pending_jobs |= jobs
                groups = groups[:after]
            try:  # everything queued meanwhile goes in one transaction, in order
                with self._transaction() as db:
                    for statement, values in groups:
                        if statement is _SNAPSHOT:
                            self._write_snapshots(db, values)
                            continue
                        db.executemany(statement, values)
                    for job_id in jobs:
                        self._touch(db, job_id)
                for job_id in jobs:
                    self._changed(job_id)
            except sqlite3.Error:
                log.exception("could not save %d rows to the job store", rows)
            finally:
                with self._queue:
                    self._writing = False
                    self._queue.notify_all()

    def _write_whole_jobs(self, jobs: List[tuple]) -> None:
        for job, then in jobs:
            try:
                self._write_job(job)
            except sqlite3.Error as exc:
                log.exception("could not save the job")
                then(exc)
            else:
                then(None)

    # -- writing ------------------------------------------------------------------
    def save_job(self, job: BulkJob, then=None) -> None:
        """Write the whole job in one transaction (before its first request is sent).

        ``then(error)``: written by the writer thread instead, after what is queued;
        ``then`` is called there with None once the job is on disk, else the error. The
        caller must not change the job until then (its rows are made by that thread)."""
        if then is not None:
            self._enqueue(job.job_id, [(job, then)], _WHOLE_JOB)
            return
        self.flush()  # queued results of an earlier state must not land after this
        self._write_job(job)

    def _write_job(self, job: BulkJob) -> None:
        with collector_paused(), self._transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO jobs VALUES (?,?,?,?,?,?,?,?,?)",
                (
                    job.job_id,
                    job.created_time,
                    utc_now_iso(),
                    job.endpoint,
                    json.dumps(asdict(job.layer)),
                    json.dumps(job.parameters),
                    job.state,
                    job.error,
                    job.version,
                ),
            )
            db.execute("DELETE FROM chunks WHERE job_id=?", (job.job_id,))
            db.executemany(
                "INSERT INTO chunks VALUES (?,?,?,?,?,?,?,?)",
                [_chunk_row(job.job_id, c) for c in job.chunks],
            )
            db.execute("DELETE FROM targets WHERE job_id=?", (job.job_id,))
            db.executemany(
                _UPSERT_TARGET,
                [
                    _target_row(job.job_id, t, i)
                    for i, t in yielding(enumerate(job.targets), every=300)
                ],
            )
            self._payloads[job.job_id] = {t.key: t.payload for t in job.targets}
        self._changed(job.job_id)

    def save_chunks(self, job_id: str, chunks: Iterable[Chunk]) -> None:
        # queued like results (a chunk's state changes between result batches; waiting on
        # the writer's transaction here was the main thread's longest stall)
        rows = [_chunk_row(job_id, c) for c in chunks]
        if rows:
            self._enqueue(job_id, rows, _UPSERT_CHUNK)

    def save_targets(self, job: BulkJob, targets: Iterable[Target]) -> None:
        """Persist changed targets (results as they arrive) without rewriting the job."""
        # the caller's thread (the main thread, for the dock) only takes a snapshot of the
        # fields; the JSON (payloads: most of a row's cost, ~0.9 s per 100,000 targets) is
        # written by the writer thread. Payload dicts and warning lists are never mutated
        # once a target has them (an edit replaces the dict), so holding them is safe.
        targets = list(targets)
        seqs = job.indexes([t.key for t in targets])
        if len(seqs) != len(targets):  # a target not (or no longer) in the job: seq 0
            seqs = [job.position(t.key) for t in targets]
        rows = [_target_snapshot(job.job_id, t, seq) for t, seq in zip(targets, seqs)]
        if rows:
            self._enqueue(job.job_id, rows, _SNAPSHOT)

    def set_state(
        self, job_id: str, state: str, error: Optional[str] = None, wait: bool = True
    ) -> None:
        """A handful per job (started, interrupted, done), after what is queued. ``wait``:
        on disk when this returns, so another reader of the file sees it at once; else
        queued for the writer thread (the main thread at a job's end: waiting for the
        writer's last 100,000 results was one of its longest stalls)."""
        if not wait:
            self._enqueue(job_id, [(state, error, job_id)], _SET_STATE)
            return
        self.flush()
        with self._transaction() as db:
            db.execute(_SET_STATE, (state, error, job_id))
            self._touch(db, job_id)

    def _write_snapshots(self, db, snapshots: List[tuple]) -> None:
        """Writer thread. A target whose payload is the very dict last written (results,
        order statuses: most rows) gets an UPDATE of what changes, without the payload's
        JSON (the writer's GIL time is the main thread's wait)."""
        full, short = [], []
        latest = {(snap[0], snap[1].key): snap for snap in snapshots}  # the last one wins
        for snap in yielding(latest.values()):
            written = self._payloads.get(snap[0])
            if written is not None and snap[4] is written.get(snap[1].key, _NOTHING):
                short.append(_result_row(snap))
            else:
                full.append(_snapshot_row(snap))
                if written is not None:
                    written[snap[1].key] = snap[4]
        if full:
            db.executemany(_UPSERT_TARGET, full)
        if short:
            db.executemany(_UPDATE_RESULT, short)

    def delete_job(self, job_id: str) -> None:
        self._payloads.pop(job_id, None)
        self.flush()
        with self._transaction() as db:
            for table in ("targets", "chunks", "jobs"):
                db.execute(f"DELETE FROM {table} WHERE job_id=?", (job_id,))  # noqa: S608
        self._changed(job_id)

    # -- reading ------------------------------------------------------------------
    def load_job(self, job_id: str) -> BulkJob:
        with self._reading():
            row = self._db.execute(
                "SELECT job_id, created_time, endpoint, layer, parameters, state, error, version "
                "FROM jobs WHERE job_id=?",
                (job_id,),
            ).fetchone()
            if row is None:
                raise KeyError(job_id)
            chunks = self._db.execute(
                "SELECT idx, bulk_id, target_keys, state, reason, status, kind FROM chunks "
                "WHERE job_id=? ORDER BY idx",
                (job_id,),
            ).fetchall()
            targets = self._db.execute(
                f"SELECT {_TARGET_COLUMNS} FROM targets WHERE job_id=? ORDER BY seq", (job_id,)
            ).fetchall()
        layer = json.loads(row[3] or "{}")
        return BulkJob(
            job_id=row[0],
            created_time=row[1],
            endpoint=row[2],
            layer=LayerRef(
                **{k: v for k, v in layer.items() if k in LayerRef.__dataclass_fields__}
            ),
            parameters=json.loads(row[4] or "{}"),
            state=row[5],
            error=row[6],
            version=row[7],
            chunks=[
                Chunk(
                    index=c[0],
                    bulk_id=c[1],
                    target_keys=json.loads(c[2]),
                    state=c[3],
                    reason=c[4],
                    status=c[5],
                    kind=c[6] or "create",
                )
                for c in chunks
            ],
            targets=[_target_from_row(r) for r in targets],
        )

    def list_jobs(
        self, wait: bool = True, counted: Optional[Dict[str, Dict[str, int]]] = None
    ) -> List[JobSummary]:
        """``wait=False``: what is on disk now, read through a second connection (WAL:
        never waiting for the writer thread, which may be writing a 100,000-target job).
        ``counted``: the caller's own counts of some jobs (its running jobs, in memory:
        counting them in SQL after every batch cost 0.1-0.4 s of the main thread)."""
        reading = self._reading() if wait else self._reader_lock
        db = self._db if wait else self._reader()
        with reading:
            jobs = db.execute(
                "SELECT job_id, created_time, updated_time, layer, endpoint, state FROM jobs "
                "ORDER BY created_time DESC"
            ).fetchall()
            known = counted or {}
            by_job = self._job_counts([j for j in jobs if j[0] not in known], db)
        by_job.update({k: dict(v) for k, v in known.items()})
        result = []
        for job_id, created, updated, layer, endpoint, state in jobs:
            c = by_job.get(job_id, {s: 0 for s in TargetStatus.ALL})
            features = c.pop("features", 0)
            c["total"] = sum(c.values())
            c["features"] = features  # a split or cut feature is several targets
            name = json.loads(layer or "{}").get("name", "")
            result.append(JobSummary(job_id, created, updated, name, endpoint, state, c))
        return result

    def _reader(self) -> sqlite3.Connection:
        if self._read_db is None:
            self._read_db = sqlite3.connect(self.path, check_same_thread=False)
        return self._read_db

    def _job_counts(self, jobs, db) -> Dict[str, Dict[str, int]]:
        """Counts per job, recounted only for jobs written since the last call (the Jobs
        list refreshes while results arrive: not a GROUP BY over every job each time)."""
        cache = self._counts_cache  # job_id -> (generation, counts)
        out = {}
        for job_id, *_ in jobs:
            hit = cache.get(job_id)
            generation = self._generation.get(job_id, 0)
            if hit is None or hit[0] != generation:
                counts = {s: 0 for s in TargetStatus.ALL}
                for status, n in db.execute(
                    "SELECT status, COUNT(*) FROM targets WHERE job_id=? GROUP BY status",
                    (job_id,),
                ):
                    counts[status] = n
                counts["features"] = db.execute(
                    "SELECT COUNT(DISTINCT feature_id) FROM targets WHERE job_id=?", (job_id,)
                ).fetchone()[0]
                hit = cache[job_id] = (generation, counts)
            out[job_id] = dict(hit[1])
        return out

    def unfinished_job_ids(self) -> List[str]:
        """Jobs with a request that may have reached the server and no final answer yet."""
        with self._reading():
            rows = self._db.execute(
                f"SELECT job_id FROM jobs WHERE state IN ({_marks(JobState.UNFINISHED)}) "
                "ORDER BY created_time",
                JobState.UNFINISHED,
            ).fetchall()
        return [r[0] for r in rows]

    def live_orders(
        self, layer: LayerRef, endpoint: str, feature_ids: Iterable[int], exclude_job: str = ""
    ) -> Dict[int, tuple]:
        """Features of this layer that already have, or may still get, an order at this
        endpoint from an earlier job: ``{feature id: (job_id, created_time, order_id)}``.

        Live: created and not final at Planet (fulfilled, expired, cancelled, rejected,
        failed), or sent/about to be sent by a job still in flight. A memory layer is
        matched by its id (its source string is shared by unrelated layers), any other
        by provider and source.
        """
        wanted = {int(f) for f in feature_ids}
        with self._reading():
            jobs = self._db.execute(
                "SELECT job_id, created_time, layer, state FROM jobs "
                "WHERE endpoint=? AND job_id<>?",
                (endpoint, exclude_job),
            ).fetchall()
        same = {}
        for job_id, created, text, state in jobs:
            ref = json.loads(text or "{}")
            if ref.get("provider") != layer.provider:
                continue
            if layer.provider == "memory":
                if not layer.layer_id or ref.get("layer_id") != layer.layer_id:
                    continue
            elif not layer.source or ref.get("source") != layer.source:
                continue
            same[job_id] = (created, state in JobState.UNFINISHED)
        found: Dict[int, tuple] = {}
        final = ("FULFILLED", "EXPIRED", "CANCELLED", "REJECTED", "FAILED")
        for job_id, (created, in_flight) in sorted(same.items(), key=lambda kv: kv[1][0]):
            with self._reading():
                rows = self._db.execute(
                    "SELECT feature_id, status, order_id, order_status FROM targets WHERE job_id=?",
                    (job_id,),
                ).fetchall()
            for fid, status, order_id, order_status in rows:
                if fid is None or int(fid) not in wanted:
                    continue
                created_live = status == TargetStatus.SUCCEEDED and order_status not in final
                pending = in_flight and status in (TargetStatus.READY, TargetStatus.SUBMITTED)
                if created_live or pending:
                    found[int(fid)] = (job_id, created, order_id or "")
        return found

    def find_order(self, order_id: str) -> Optional[tuple]:
        """(job_id, target key) of the target that created this order, if any."""
        with self._reading():
            return self._db.execute(
                "SELECT job_id, key FROM targets WHERE order_id=?", (order_id,)
            ).fetchone()

    # -- helpers ------------------------------------------------------------------
    def _transaction(self):
        return _Transaction(self._db, self._lock)

    def _changed(self, job_id: str) -> None:
        with self._queue:
            self._generation[job_id] = self._generation.get(job_id, 0) + 1

    @staticmethod
    def _touch(db, job_id: str) -> None:
        db.execute("UPDATE jobs SET updated_time=? WHERE job_id=?", (utc_now_iso(), job_id))


class _Transaction:
    def __init__(self, db, lock):
        self._db, self._lock = db, lock

    def __enter__(self):
        self._lock.acquire()
        self._db.execute("BEGIN IMMEDIATE")
        return self._db

    def __exit__(self, exc_type, _exc, _tb):
        try:
            self._db.execute("ROLLBACK" if exc_type else "COMMIT")
        finally:
            self._lock.release()
        return False


def _marks(values) -> str:
    """``?, ?, ?``: one bound parameter per value (states are bound, never spliced in)."""
    return ", ".join("?" * len(values))


def _chunk_row(job_id: str, c: Chunk) -> tuple:
    return (
        job_id,
        c.index,
        c.bulk_id,
        c.state,
        c.reason,
        c.status,
        c.kind,
        json.dumps(c.target_keys),
    )


_ATTEMPT_FIELDS = tuple(f.name for f in fields(Attempt))


# one encoder for every payload: json.dumps with separators makes a new one per call
# (a third of the write-ahead's JSON time)
_compact = json.JSONEncoder(separators=(",", ":")).encode

# the caller's thread copies an attempt's values (C-speed); the writer makes the dicts
_attempt_values = attrgetter(*_ATTEMPT_FIELDS)


def _attempt_dicts(values: list) -> list:
    return [dict(zip(_ATTEMPT_FIELDS, v)) for v in values]


def _target_row(job_id: str, t: Target, seq: int) -> tuple:
    return _snapshot_row(_target_snapshot(job_id, t, seq))


def _target_snapshot(job_id: str, t: Target, seq: int) -> tuple:
    """``_target_row`` without its JSON: what must be copied now (attempts change in place
    as later results arrive; payloads and warnings are replaced, never changed)."""
    attempts = list(map(_attempt_values, t.attempts)) if t.attempts else None
    return (
        job_id,
        t,
        seq,
        t.name,
        t.payload,
        t.status,
        t.reason,
        t.order_id,
        t.order_status,
        t.order_updated,
        t.capture_count,
        t.chunk_index,
        t.warnings,
        attempts,
    )


# a snapshot: (job_id, target, seq, name, payload, status, reason, order_id, order_status,
# order_updated, capture_count, chunk_index, warnings, attempts); [5:12] are the columns
# between payload and part, in the table's order
def _result_row(s: tuple) -> tuple:
    """``_UPDATE_RESULT``'s values from a snapshot (payload and warnings unchanged)."""
    history = json.dumps(_attempt_dicts(s[13])) if s[13] else "[]"
    return (s[3], *s[5:12], history, s[2], s[0], s[1].key)


def _snapshot_row(s: tuple) -> tuple:
    t, payload, warnings, attempts = s[1], s[4], s[12], s[13]
    return (
        s[0],
        t.key,
        t.feature_id,
        s[3],
        None if payload is None else _compact(payload),
        *s[5:12],
        t.part,
        json.dumps(warnings) if warnings else "[]",
        json.dumps(_attempt_dicts(attempts)) if attempts else "[]",
        s[2],
    )


def _target_from_row(r) -> Target:
    return Target(
        key=r[1],
        feature_id=r[2],
        name=r[3],
        payload=None if r[4] is None else json.loads(r[4]),
        status=r[5],
        reason=r[6],
        order_id=r[7],
        order_status=r[8],
        order_updated=r[9],
        capture_count=r[10],
        chunk_index=r[11],
        part=r[12],
        warnings=json.loads(r[13] or "[]"),
        attempts=[Attempt(**a) for a in json.loads(r[14] or "[]")],
    )
