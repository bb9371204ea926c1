"""Split READY targets into bulk requests: ≤ max_payloads payloads and ≤ max_bytes each.

Sizes are the bytes the client really sends: ``core.api.encode_body`` writes compact
JSON (separators ``","`` and ``":"``) in UTF-8 without ASCII escapes, so a CJK
character counts 3 bytes and an emoji 4 (not the 6 and 12 of ``\\uXXXX`` escapes).
The body ``{"id":"<uuid>","order_payloads":[p1,p2,...]}`` is measured incrementally:
each payload is serialised once.
"""

import json
from typing import Dict, Iterable, List, Optional

from ..tasking.api import MAX_CHUNK_BYTES as MAX_BYTES
from ..tasking.api import MAX_PAYLOADS_PER_BULK as MAX_PAYLOADS
from .job import Chunk, Target, TargetStatus, new_uuid

#: what core.api.encode_body uses (compact, UTF-8); len() of the text is not its size in bytes
_dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def encoded_size(value) -> int:
    """Bytes of ``value`` as the client sends it: compact JSON in UTF-8."""
    text = _dumps(value)
    return len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))


#: ``{"id":"<36-char uuid>","order_payloads":[]}``
BODY_OVERHEAD = encoded_size({"id": "0" * 36, "order_payloads": []})
SEPARATOR = len(",")


def payload_size(payload: dict) -> int:
    """Bytes one payload takes inside a bulk body."""
    return encoded_size(payload)


def body_size(payloads: List[dict], bulk_id: str = "0" * 36) -> int:
    """Bytes of a whole bulk body (for tests and checks; not used while chunking)."""
    return encoded_size({"id": bulk_id, "order_payloads": payloads})


def make_chunks(
    targets: Iterable[Target],
    *,
    max_payloads: int = MAX_PAYLOADS,
    max_bytes: int = MAX_BYTES,
    start_index: int = 0,
    sizes: Optional[Dict[str, int]] = None,
) -> List[Chunk]:
    """Chunks of the READY targets (in order), each with a fresh client UUID bulk id.

    Sets ``Target.chunk_index``. A target whose payload alone would exceed
    ``max_bytes`` becomes SKIPPED ("geometry too large: N KB") and loses its payload.
    ``sizes`` (optional, from ``build_targets``) holds payload sizes already known by
    target key, so those payloads are not serialised again.
    """
    known = sizes or {}
    if max_payloads < 1:
        raise ValueError("max_payloads must be at least 1")
    if not isinstance(targets, list):
        targets = list(targets)
    if known and len(known) >= len(targets) // 2:
        chunks = _count_only_chunks(targets, known, max_payloads, max_bytes, start_index)
        if chunks is not None:
            return chunks
    chunks: List[Chunk] = []
    keys: List[str] = []
    size = BODY_OVERHEAD
    index = start_index
    ready = TargetStatus.READY
    for t in targets:
        if t.status != ready or t.payload is None:
            continue
        s = known.get(t.key)
        if s is None:
            s = encoded_size(t.payload)
        if BODY_OVERHEAD + s > max_bytes:
            t.status = TargetStatus.SKIPPED
            t.reason = (
                f"geometry too large: {_kb(s)} KB of JSON, a bulk request holds at most "
                f"{_kb(max_bytes - BODY_OVERHEAD)} KB (simplify the geometry or split it)"
            )
            t.payload = None
            t.chunk_index = None
            continue
        if keys and (len(keys) >= max_payloads or size + SEPARATOR + s > max_bytes):
            chunks.append(Chunk(index=index, bulk_id=new_uuid(), target_keys=keys))
            index += 1
            keys = []
            size = BODY_OVERHEAD
        if keys:
            size += SEPARATOR
        size += s
        keys.append(t.key)
        t.chunk_index = index
    if keys:
        chunks.append(Chunk(index=index, bulk_id=new_uuid(), target_keys=keys))
    return chunks


def _count_only_chunks(targets, known, max_payloads, max_bytes, start_index):
    """The chunks ``make_chunks`` makes when no byte bound can bind: every READY payload
    has a known size and even ``max_payloads`` of the largest fit in ``max_bytes``. The
    greedy loop then only splits on the count, so slices of the READY targets give the
    very same chunks without adding sizes one by one. None when that does not hold."""
    ready_status = TargetStatus.READY
    ready = [t for t in targets if t.status == ready_status and t.payload is not None]
    if not ready:
        return []
    found = list(map(known.get, [t.key for t in ready]))
    if None in found:  # some size unknown: measure on the general path
        return None
    largest = max(found)
    if BODY_OVERHEAD + max_payloads * (largest + SEPARATOR) > max_bytes:
        return None
    chunks: List[Chunk] = []
    index = start_index
    for begin in range(0, len(ready), max_payloads):
        part = ready[begin : begin + max_payloads]
        for t in part:
            t.chunk_index = index
        chunks.append(Chunk(index=index, bulk_id=new_uuid(), target_keys=[t.key for t in part]))
        index += 1
    return chunks


def _kb(n: int) -> str:
    return f"{n / 1000:.0f}" if n >= 10_000 else f"{n / 1000:.1f}"
