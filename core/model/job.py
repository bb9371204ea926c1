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
from typing import Dict, Iterable, Iterator, List, Optional

JOB_FORMAT_VERSION = 1


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
    state: str = "draft"  # draft, running, done, cancelled, error
    error: Optional[str] = None
    version: int = JOB_FORMAT_VERSION

    def __post_init__(self):
        self._index: Dict[str, int] = {}

    # -- lookup -----------------------------------------------------------
    def target(self, key: str) -> Target:
        if len(self._index) != len(self.targets):
            self._index = {t.key: i for i, t in enumerate(self.targets)}
        return self.targets[self._index[key]]

    def position(self, key: str) -> int:
        """The target's index in ``targets`` (kept, not rebuilt per call: O(1))."""
        if len(self._index) != len(self.targets):
            self._index = {t.key: i for i, t in enumerate(self.targets)}
        return self._index.get(key, 0)

    def targets_of(self, chunk: Chunk) -> List[Target]:
        return [self.target(k) for k in chunk.target_keys]

    def targets_for_feature(self, feature_id: int) -> List[Target]:
        return [t for t in self.targets if t.feature_id == feature_id]

    def chunk_by_bulk_id(self, bulk_id: str) -> Optional[Chunk]:
        return next((c for c in self.chunks if c.bulk_id == bulk_id), None)

    def counts(self) -> Dict[str, int]:
        counts = {s: 0 for s in TargetStatus.ALL}
        for t in self.targets:
            counts[t.status] += 1
        counts["total"] = len(self.targets)
        return counts

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
