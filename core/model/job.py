"""BulkJob: the single, plain-Python record of one submission.

Everything reads this: the results table, the result layer, persistence, the
processing algorithm. It imports neither QGIS nor Qt and round-trips through
JSON, so a job can be written to disk before any request leaves the machine.
"""

import json
import time
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Dict, Iterable, Iterator, List, NamedTuple, Optional

JOB_FORMAT_VERSION = 1


class JobState:
    """Where a whole job stands (``BulkJob.state``; the store's ``jobs.state`` column)."""

    DRAFT = "draft"  # built, never submitted
    RUNNING = "running"  # an engine run is (or was, if QGIS died) under way
    DONE = "done"  # ran to the end
    CANCELLED = "cancelled"  # the user stopped it; what was sent was followed to the end
    ERROR = "error"  # a fatal error stopped it (job.error says which)
    INTERRUPTED = "interrupted"  # QGIS closed or the plugin unloaded mid-run: resumed on start
    #: the user cancelled: nothing more is sent, but bulks the server may already have are
    #: still followed to the end (their orders exist); then CANCELLED
    FOLLOWING = "following"

    ALL = (DRAFT, RUNNING, DONE, CANCELLED, ERROR, INTERRUPTED, FOLLOWING)
    #: a request may have reached the server and no final answer was read: resumed at start
    UNFINISHED = (RUNNING, INTERRUPTED, FOLLOWING)
    #: what the user may carry on from the Jobs list
    RESUMABLE = (INTERRUPTED, CANCELLED, ERROR, FOLLOWING)
    #: the state an engine run's end leaves ("finished" | "cancelled" | "failed")
    AFTER_RUN = {"finished": DONE, "cancelled": CANCELLED, "failed": ERROR}


class TargetStatus:
    """Where one target (one future order) stands."""

    READY = "ready"  # payload built, not yet sent
    SKIPPED = "skipped"  # refused before sending: reason says why
    SUBMITTED = "submitted"  # in a bulk the server accepted, result not known yet
    SUCCEEDED = "succeeded"  # the server created an order: order_id
    FAILED = "failed"  # the server refused the payload: reason says why

    ALL = (READY, SKIPPED, SUBMITTED, SUCCEEDED, FAILED)
    FINAL = (SKIPPED, SUCCEEDED, FAILED)


class ChunkState:
    """Where one bulk request stands. A chunk's bulk_id exists before it is posted."""

    NEW = "new"  # id chosen, nothing sent
    POSTING = "posting"  # POST sent (or about to be): the server may have it
    ACCEPTED = "accepted"  # server answered 202 (or 409 for our own id)
    COMPLETE = "complete"  # server finished it and every result was read
    REJECTED = "rejected"  # the whole request was refused (e.g. 400/413): reason

    ALL = (NEW, POSTING, ACCEPTED, COMPLETE, REJECTED)
    SENT = (POSTING, ACCEPTED, COMPLETE)


#: chunk status of a POSTING chunk that a follow-only run found the server never received
NOT_RECEIVED = "NOT_RECEIVED"


class PayloadOutcome(NamedTuple):
    """What became of one target, as an engine reports it (``BulkJob.apply_outcomes``)."""

    key: str
    status: str  # a TargetStatus value
    order_id: Optional[str] = None
    reason: Optional[str] = None
    bulk_id: str = ""


_NOW = (0, "")  # (whole second, its text): a results batch stamps 1,000 attempts


def utc_now_iso() -> str:
    global _NOW
    second = int(time.time())
    if second != _NOW[0]:
        text = datetime.fromtimestamp(second, timezone.utc).isoformat().replace("+00:00", "Z")
        _NOW = (second, text)
    return _NOW[1]


def parse_utc(text: Optional[str]) -> Optional[datetime]:
    """An ISO 8601 time from the service (``Z`` or an offset) as an aware datetime;
    a time without a zone is taken as UTC; None when missing or unreadable."""
    if not text:
        return None
    try:
        value = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def new_uuid() -> str:
    return str(uuid.uuid4())


@dataclass
class LayerRef:
    """Enough to find the layer again, or to say which one it was if it is gone."""

    layer_id: str = ""
    name: str = ""
    source: str = ""  # never holds credentials: callers strip them (see payloads)
    provider: str = ""
    crs: str = ""


@dataclass
class Attempt:
    """One try at creating an order for a target (first submit or a resubmit)."""

    bulk_id: str
    status: str
    order_id: Optional[str] = None
    reason: Optional[str] = None
    time: str = ""


@dataclass
class Target:
    """One feature (or one part of a multipart feature) and the order made for it."""

    key: str  # unique in the job: "12" or "12.2" for part 2 of feature 12
    feature_id: int
    name: str
    payload: Optional[dict] = None  # None when skipped before building
    status: str = TargetStatus.READY
    reason: Optional[str] = None
    order_id: Optional[str] = None
    order_status: Optional[str] = None  # RECEIVED, IN_PROGRESS, FULFILLED... once watched
    order_updated: Optional[str] = None
    capture_count: Optional[int] = None
    chunk_index: Optional[int] = None
    part: Optional[int] = None
    warnings: List[str] = field(default_factory=list)  # e.g. duplicate name: sent anyway
    attempts: List[Attempt] = field(default_factory=list)

    @property
    def label(self) -> str:
        """How the user knows this target: name and feature id (and the part, unless the
        name already says it: "Chile (part 4) (feature 22)")."""
        part = f" part {self.part}" if self.part else ""
        if part and (self.name or "").endswith(f"(part {self.part})"):
            part = ""
        return f"{self.name} (feature {self.feature_id}{part})"


@dataclass
class Chunk:
    """One bulk request: at most 1000 payloads, its own client-made UUID."""

    index: int
    bulk_id: str
    target_keys: List[str]
    state: str = ChunkState.NEW
    reason: Optional[str] = None
    status: Optional[str] = None  # server's PENDING / RUNNING / COMPLETE
    kind: str = "create"  # create, or a resubmit: "resubmit"


@dataclass
class BulkJob:
    """One submission of a layer's features as tasking orders."""

    job_id: str = field(default_factory=new_uuid)
    created_time: str = field(default_factory=utc_now_iso)
    endpoint: str = ""  # base URL; never the key
    layer: LayerRef = field(default_factory=LayerRef)
    parameters: dict = field(default_factory=dict)
    targets: List[Target] = field(default_factory=list)
    chunks: List[Chunk] = field(default_factory=list)
    state: str = JobState.DRAFT
    error: Optional[str] = None
    version: int = JOB_FORMAT_VERSION

    def __post_init__(self):
        self._index: Dict[str, int] = {}

    # -- lookup -----------------------------------------------------------
    def _lookup(self) -> Dict[str, int]:
        """key -> index in ``targets``, made again when targets were added or removed."""
        if len(self._index) != len(self.targets):
            self._index = {t.key: i for i, t in enumerate(self.targets)}
        return self._index

    def target(self, key: str) -> Target:
        return self.targets[self._lookup()[key]]

    def position(self, key: str) -> int:
        """The target's index in ``targets`` (kept, not rebuilt per call: O(1))."""
        found = self.index_of(key)
        return 0 if found is None else found

    def index_of(self, key: str) -> Optional[int]:
        """The target's index in ``targets``, None for an unknown key (O(1))."""
        return self._lookup().get(key)

    def indexes(self, keys: Iterable[str]) -> List[int]:
        """The indexes in ``targets`` of the known ``keys`` (C-speed: no call per key)."""
        return [i for i in map(self._lookup().get, keys) if i is not None]

    def targets_of(self, chunk: Chunk) -> List[Target]:
        index, targets = self._lookup(), self.targets
        return [targets[index[k]] for k in chunk.target_keys]

    def chunk_by_bulk_id(self, bulk_id: str) -> Optional[Chunk]:
        return next((c for c in self.chunks if c.bulk_id == bulk_id), None)

    def chunk(self, index: int) -> Optional[Chunk]:
        return next((c for c in self.chunks if c.index == index), None)

    def counts(self) -> Dict[str, int]:
        """Targets per TargetStatus value, and "total"."""
        counts = {s: 0 for s in TargetStatus.ALL}
        for t in self.targets:
            counts[t.status] += 1
        counts["total"] = len(self.targets)
        return counts

    def unsent(self, every_ready: bool = False) -> int:
        """Ready targets whose bulk was never posted (a bulk on its way when the job stopped
        may have reached Planet: those are not "not sent"); every ready one when
        ``every_ready`` (Planet refused the key: nothing got in)."""
        posted = set()
        if not every_ready:
            posted = {k for c in self.chunks if c.state != ChunkState.NEW for k in c.target_keys}
        ready = (t for t in self.targets if t.status == TargetStatus.READY)
        return sum(1 for t in ready if t.key not in posted)

    def summary(self, counts: Optional[Dict[str, int]] = None) -> Dict[str, int]:
        """``counts()`` (or ``counts`` as kept up to date by the caller) and the chunks':
        what progress reports carry (an engine adds its own figures: processing,
        requests, elapsed...)."""
        out = self.counts() if counts is None else counts
        chunks = self.chunks
        out["chunks"] = len(chunks)
        out["chunks_accepted"] = sum(c.state == ChunkState.ACCEPTED for c in chunks)
        out["chunks_complete"] = sum(c.state == ChunkState.COMPLETE for c in chunks)
        out["chunks_rejected"] = sum(c.state == ChunkState.REJECTED for c in chunks)
        return out

    @property
    def finished(self) -> bool:
        return all(t.status in TargetStatus.FINAL for t in self.targets)

    # -- updates (main thread only) ----------------------------------------
    def record_result(
        self,
        key: str,
        status: str,
        order_id: Optional[str] = None,
        reason: Optional[str] = None,
        bulk_id: str = "",
    ) -> Target:
        t = self.target(key)
        t.status, t.order_id, t.reason = status, order_id, reason
        t.attempts.append(Attempt(bulk_id, status, order_id, reason, utc_now_iso()))
        return t

    # -- an engine's reports, applied to the owner's job (idempotent) ------------
    def apply_outcomes(self, outcomes: Iterable) -> List[Target]:
        """Write outcomes into the job. Returns the targets that changed.

        One ``Attempt`` per bulk a target was sent in: news about the same bulk
        (SUBMITTED, then SUCCEEDED or FAILED) updates that attempt instead of adding
        one. Idempotent: an outcome already recorded (same status, order id, reason and
        bulk) is not recorded twice. Chunk states follow: SUBMITTED targets make a
        NEW/POSTING chunk ACCEPTED; a chunk whose targets are all final becomes
        COMPLETE (a REJECTED chunk stays so).
        """
        changed: List[Target] = []
        touched = set()
        lookup, targets = self._lookup(), self.targets
        for o in outcomes:
            o = PayloadOutcome(*o)
            i = lookup.get(o.key)
            if i is None:
                continue
            t = targets[i]
            last = t.attempts[-1] if t.attempts else None
            same_bulk = last is not None and last.bulk_id == o.bulk_id
            if same_bulk and (t.status, t.order_id, t.reason) == (o.status, o.order_id, o.reason):
                continue
            if same_bulk and o.bulk_id:
                # news about the same try (SUBMITTED -> SUCCEEDED/FAILED): brought up to date
                t.status, t.order_id, t.reason = o.status, o.order_id, o.reason
                last.status, last.order_id, last.reason = o.status, o.order_id, o.reason
                last.time = utc_now_iso()
            else:
                self.record_result(o.key, o.status, o.order_id, o.reason, o.bulk_id)
            changed.append(t)
            if t.chunk_index is not None:
                touched.add(t.chunk_index)
            elif o.bulk_id:
                c = self.chunk_by_bulk_id(o.bulk_id)
                if c is not None:
                    touched.add(c.index)
        for index in touched:
            c = self.chunk(index)
            if c is None or c.state in (ChunkState.REJECTED, ChunkState.COMPLETE):
                continue
            targets = self.targets_of(c)
            if targets and all(t.status in TargetStatus.FINAL for t in targets):
                c.state = ChunkState.COMPLETE
            elif c.state in (ChunkState.NEW, ChunkState.POSTING) and any(
                t.status == TargetStatus.SUBMITTED for t in targets
            ):
                c.state = ChunkState.ACCEPTED
        return changed

    def apply_chunk_posting(self, index: int) -> Optional[Chunk]:
        c = self.chunk(index)
        if c is not None and c.state == ChunkState.NEW:
            c.state = ChunkState.POSTING
        return c

    def apply_chunk_accepted(self, index: int, bulk_id: str) -> Optional[Chunk]:
        c = self.chunk(index)
        if c is not None and c.state in (ChunkState.NEW, ChunkState.POSTING):
            c.state = ChunkState.ACCEPTED
            c.reason = None
            if bulk_id:
                c.bulk_id = bulk_id  # the server's name for it, if it chose another
        return c

    def apply_chunk_rejected(self, index: int, reason: str) -> Optional[Chunk]:
        c = self.chunk(index)
        if c is not None:
            c.state = ChunkState.REJECTED
            c.reason = reason
        return c

    def apply_chunk_status(self, index: int, status: str) -> Optional[Chunk]:
        """The server's status of a bulk; "COMPLETE" (sent after its results) closes the chunk."""
        c = self.chunk(index)
        if c is None:
            return None
        if status == NOT_RECEIVED:  # never arrived: unsent, like a NEW chunk
            c.state, c.status = ChunkState.NEW, None
            return c
        c.status = status
        if status == "COMPLETE" and c.state != ChunkState.REJECTED:
            c.state = ChunkState.COMPLETE
        return c

    def apply_run_end(self, how: str, error=None) -> None:
        """An engine run ended ("finished" | "cancelled" | "failed")."""
        self.state = JobState.AFTER_RUN.get(how, self.state)
        if how == "failed":
            self.error = getattr(error, "user_message", None) or str(error)

    # -- serialisation ------------------------------------------------------
    def to_dict(self) -> dict:
        d = asdict(self)
        d.pop("_index", None)
        return d

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), separators=(",", ":"))

    @classmethod
    def from_dict(cls, d: dict) -> "BulkJob":
        d = dict(d)
        targets = [_target_from_dict(t) for t in d.pop("targets", [])]
        chunks = [Chunk(**_known(Chunk, c)) for c in d.pop("chunks", [])]
        layer = LayerRef(**_known(LayerRef, d.pop("layer", {}) or {}))
        job = cls(**_known(cls, d), layer=layer, targets=targets, chunks=chunks)
        return job

    @classmethod
    def from_json(cls, text: str) -> "BulkJob":
        return cls.from_dict(json.loads(text))


def _known(klass, d: dict) -> dict:
    """Drop keys a newer version may have written, so old code still loads the job."""
    names = set(klass.__dataclass_fields__)
    return {k: v for k, v in d.items() if k in names and k not in ("layer", "targets", "chunks")}


def _target_from_dict(d: dict) -> Target:
    attempts = [Attempt(**_known(Attempt, a)) for a in d.get("attempts", [])]
    kw = _known(Target, d)
    kw["attempts"] = attempts
    return Target(**kw)


# -- matching server results back to targets -----------------------------------
def payload_fingerprint(payload: dict) -> str:
    """Canonical JSON of a payload: equal payloads give equal fingerprints."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def loose_fingerprint(payload: dict) -> str:
    """Name and geometry only, coordinates at 6 decimals: survives a server that
    reformats times or adds defaults to the payload it echoes back."""

    def rnd(c):
        if isinstance(c, (list, tuple)):
            return [rnd(x) for x in c]
        return round(float(c), 6) if isinstance(c, (int, float)) else c

    geom = payload.get("geometry") or {}
    return json.dumps(
        [str(payload.get("name", "")).strip(), geom.get("type"), rnd(geom.get("coordinates"))],
        separators=(",", ":"),
    )


class ResultMatcher:
    """Match results to a chunk's targets by content, never by position.

    Identical payloads (same name, same place, same times) are interchangeable:
    each result takes the next unmatched target with that content.
    """

    def __init__(self, targets: Iterable[Target]):
        self._exact: Dict[str, List[str]] = {}
        self._loose: Dict[str, List[str]] = {}
        self._taken: set = set()
        for t in targets:
            if t.payload is None:
                continue
            self._exact.setdefault(payload_fingerprint(t.payload), []).append(t.key)
            self._loose.setdefault(loose_fingerprint(t.payload), []).append(t.key)

    def match(self, submitted_payload: Optional[dict]) -> Optional[str]:
        if not submitted_payload:
            return None
        for table, fp in (
            (self._exact, payload_fingerprint(submitted_payload)),
            (self._loose, loose_fingerprint(submitted_payload)),
        ):
            for key in table.get(fp, ()):
                if key not in self._taken:
                    self._taken.add(key)
                    return key
        return None

    def keys_for(self, submitted_payload: Optional[dict]) -> List[str]:
        """Every target with this content, matched or not (to spot contradictory results)."""
        if not submitted_payload:
            return []
        keys = self._exact.get(payload_fingerprint(submitted_payload))
        return list(keys or self._loose.get(loose_fingerprint(submitted_payload), ()))

    def unmatched(self) -> Iterator[str]:
        seen = set()
        for keys in self._exact.values():
            for k in keys:
                if k not in self._taken and k not in seen:
                    seen.add(k)
                    yield k
