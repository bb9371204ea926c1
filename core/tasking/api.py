"""Every shape of the Tasking API the client assumes, in one place.

What is documented is marked [doc]; what is guessed is marked [assumed] and is
parsed tolerantly: missing fields, extra fields, other plausible key names,
status words in any case. If Planet's real answers differ, this is the only
module to change.

This module imports neither QGIS nor Qt (stdlib only).
"""

import json
import logging
import re
import threading
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Dict, Iterable, List, Optional, Tuple

from .html_text import html_text

logger = logging.getLogger(__name__)

PLANET_TASKING_URL = "https://api.planet.com/tasking/v2"  # [doc]

# --- limits: every number the API (or our reading of it) imposes, defined here only --------
MAX_PAYLOADS_PER_BULK = 1000  # [doc]
#: watched orders beyond this are read through -updated_time pages, not id__in batches
LARGE_ORDER_SET = 1000
MAX_BODY_BYTES = 1_000_000  # [doc] "request bodies over 1 MB are refused"
MAX_CHUNK_BYTES = 900_000  # what a bulk body is filled to: a margin under MAX_BODY_BYTES
DEFAULT_PAGE_SIZE = 1000  # the largest page the listings give [assumed]: fewer requests
RECOVERY_PAGE_SIZE = 500  # orders created since a bulk (at most 1000): most reads end early
BULK_LIST_PAGE_SIZE = 100  # GET /bulk/ pages (a user has few bulks)
#: pages of GET /bulk/ read for the watched bulks' status before asking one by one
BULK_LIST_PAGES = 3
MAX_ID_QUERY_CHARS = 7000  # encoded id__in: 179 order UUIDs, URLs < 7.5 kB (usual limit 8 kB)
MAX_LIST_ITEMS = 1_000_000  # no list the plugin reads is longer (a lying count aside)
MAX_RESPONSE_BYTES = 32 * 1024 * 1024  # decoded; a /payloads page of 1000 is ~2 MB
#: order sets up to this size are watched with one GET per order when id__in is ignored
SMALL_ORDER_SET = 20
MAX_ERROR_TEXT = 600  # characters of server text kept in an error
MAX_ERROR_BODY_CHARS = 64 * 1024  # of an error body, only this much is parsed
MAX_NESTING = 50  # deeper error structures are cut (the message is in the first levels)

# --- endpoints (relative to the base URL) ---------------------------------------------
BULK_COLLECTION = "bulk/"  # [doc] POST /bulk/, GET /bulk/
ORDERS_COLLECTION = "orders/"  # [doc] GET /orders/


def bulk_path(bulk_id: str) -> str:
    return f"bulk/{bulk_id}"  # [doc] Location is /tasking/v2/bulk/<id>


def bulk_payloads_path(bulk_id: str) -> str:
    return f"bulk/{bulk_id}/payloads"  # [doc] "append /payloads to the location"


def order_path(order_id: str) -> str:
    return f"orders/{order_id}"  # [doc] GET /orders/<id>


# --- query parameter names --------------------------------------------------------------
PARAM_LIMIT = "limit"  # [doc] limit/offset paging
PARAM_OFFSET = "offset"
PARAM_IDS = "id__in"  # [assumed] django-filter style, comma separated
PARAM_STATUS = "status"  # [doc]
PARAM_STATUS_IN = "status__in"  # [assumed] several statuses at once
PARAM_NAME_CONTAINS = "name__icontains"  # [doc]
PARAM_ORDERING = "ordering"  # [doc]
#: endpoint fact: GET /bulk/ lists our bulks (their status read in one request)
BULK_LISTING = "bulk listing"
PARAM_CREATED_GTE = "created_time__gte"  # [code] listed by a client generated from the spec


# --- small helpers ----------------------------------------------------------------------
def _get_path(d: Any, path: str) -> Any:
    """``_get_path(d, "order.id")``: None when any step is missing."""
    cur = d
    for part in path.split("."):
        if isinstance(cur, dict) and part in cur:
            cur = cur[part]
        else:
            return None
    return cur


def _first(d: Any, paths: Iterable[str]) -> Any:
    for p in paths:
        v = _get_path(d, p)
        if v is not None and v != "" and v != [] and v != {}:
            return v
    return None


def _as_int(v: Any) -> Optional[int]:
    """A count from any plausible spelling; None for absent, odd, negative or infinite
    values (``1e999`` is inf, ``int(inf)`` raises OverflowError)."""
    if v is None or isinstance(v, bool):
        return None
    if isinstance(v, str):
        v = v.strip()
        if len(v) > 40:  # no count has 40 digits; int() of 10,000 digits is slow
            return None
    try:
        n = int(v)
    except (TypeError, ValueError, OverflowError):
        try:
            n = int(float(v))
        except (TypeError, ValueError, OverflowError):
            return None
    return n if n >= 0 else None


def _as_str(v: Any) -> Optional[str]:
    if v is None:
        return None
    if isinstance(v, (dict, list)):
        return None
    s = str(v).strip()
    return s or None


def truncate(text: str, limit: int = MAX_ERROR_TEXT) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _norm_word(v: Any) -> str:
    return re.sub(r"[\s\-]+", "_", str(v or "").strip()).upper()


# --- bulk summary ---------------------------------------------------------------------
class BulkStatus:
    PENDING = "PENDING"  # [doc] received, not started
    RUNNING = "RUNNING"  # [doc]
    COMPLETE = "COMPLETE"  # [doc]
    UNKNOWN = "UNKNOWN"


_BULK_STATUS_WORDS = {
    BulkStatus.PENDING: {"PENDING", "RECEIVED", "QUEUED", "CREATED", "NEW", "ACCEPTED", "WAITING"},
    BulkStatus.RUNNING: {"RUNNING", "PROCESSING", "IN_PROGRESS", "STARTED", "ACTIVE"},
    BulkStatus.COMPLETE: {
        "COMPLETE",
        "COMPLETED",
        "DONE",
        "FINISHED",
        "SUCCESS",
        "SUCCEEDED",
        "FAILED",
        "ERROR",
        "PARTIAL",
        "PARTIALLY_COMPLETE",
    },
}


def normalise_bulk_status(value: Any) -> str:
    word = _norm_word(value)
    for status, words in _BULK_STATUS_WORDS.items():
        if word in words:
            return status
    return BulkStatus.UNKNOWN if not word else word


@dataclass
class BulkSummary:
    """``GET /bulk/<id>`` [doc: status and the four counts; assumed: the rest]."""

    id: Optional[str] = None
    status: str = BulkStatus.UNKNOWN
    payload_count: Optional[int] = None
    processing_payload_count: Optional[int] = None
    successful_payload_count: Optional[int] = None
    failed_payload_count: Optional[int] = None
    created_time: Optional[str] = None
    start_time: Optional[str] = None
    end_time: Optional[str] = None
    raw: dict = field(default_factory=dict, repr=False)

    @classmethod
    def from_json(cls, data: Any, bulk_id: Optional[str] = None) -> "BulkSummary":
        if not isinstance(data, dict):
            return cls(id=bulk_id, raw={"value": data})
        d = data.get("bulk") if isinstance(data.get("bulk"), dict) else data
        counts = d.get("counts") if isinstance(d.get("counts"), dict) else {}

        def count(*names):
            for n in names:
                for src in (d, counts):
                    v = _as_int(src.get(n))
                    if v is not None:
                        return v
            return None

        return cls(
            id=_as_str(_first(d, ("id", "bulk_id", "uuid"))) or bulk_id,
            status=normalise_bulk_status(_first(d, ("status", "state"))),
            payload_count=count("payload_count", "total_payload_count", "total", "count"),
            processing_payload_count=count(
                "processing_payload_count", "pending_payload_count", "processing", "pending"
            ),
            successful_payload_count=count(
                "successful_payload_count",
                "succeeded_payload_count",
                "success_payload_count",
                "successful",
                "succeeded",
            ),
            failed_payload_count=count("failed_payload_count", "failed", "error_payload_count"),
            created_time=_as_str(_first(d, ("created_time", "created", "created_at"))),
            start_time=_as_str(_first(d, ("start_time", "started_time", "started_at"))),
            end_time=_as_str(_first(d, ("end_time", "completed_time", "finished_at", "ended_at"))),
            raw=dict(data),
        )

    @property
    def is_usable(self) -> bool:
        """False for answers with neither a status word nor a count ([], null, "ok", {})."""
        counts = (
            self.payload_count,
            self.processing_payload_count,
            self.successful_payload_count,
            self.failed_payload_count,
        )
        return self.status != BulkStatus.UNKNOWN or any(c is not None for c in counts)

    @property
    def done_count(self) -> Optional[int]:
        if self.successful_payload_count is None and self.failed_payload_count is None:
            return None
        return (self.successful_payload_count or 0) + (self.failed_payload_count or 0)

    @property
    def is_complete(self) -> bool:
        """COMPLETE, or every payload accounted for (a server that forgets to say so)."""
        if self.status == BulkStatus.COMPLETE:
            return True
        if self.status in (BulkStatus.PENDING, BulkStatus.RUNNING):
            return False
        done = self.done_count
        return (
            self.payload_count is not None
            and done is not None
            and done >= self.payload_count
            and not self.processing_payload_count
        )


# --- payload results ------------------------------------------------------------------
class PayloadStatus:
    PROCESSING = "processing"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


_PAYLOAD_SUCCESS = {
    "SUCCESS",
    "SUCCESSFUL",
    "SUCCEEDED",
    "SUCCESSFULLY_PROCESSED",
    "COMPLETE",
    "COMPLETED",
    "CREATED",
    "DONE",
    "OK",
    "ACCEPTED",
}
_PAYLOAD_FAILED = {
    "FAILED",
    "FAILURE",
    "FAIL",
    "ERROR",
    "ERRORED",
    "INVALID",
    "REJECTED",
    "CANCELLED",
    "CANCELED",
}


def normalise_payload_status(value: Any) -> Optional[str]:
    """ "processing" | "succeeded" | "failed"; None when no status word was given."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return PayloadStatus.SUCCEEDED if value else PayloadStatus.FAILED
    word = _norm_word(value)
    if word in _PAYLOAD_SUCCESS:
        return PayloadStatus.SUCCEEDED
    if word in _PAYLOAD_FAILED:
        return PayloadStatus.FAILED
    return PayloadStatus.PROCESSING  # PENDING, PROCESSING, RUNNING, QUEUED, unknown words


_ORDER_ID_PATHS = (
    "order_id",
    "orderId",
    "order.id",
    "created_order_id",
    "tasking_order_id",
    "result.order_id",
    "result.id",
    "response.id",
    "order_uuid",
)
_REASON_PATHS = (
    "error",
    "errors",
    "reason",
    "failure_reason",
    "error_message",
    "message",
    "detail",
    "details",
    "result.error",
    "result.errors",
    "response.errors",
)
_PAYLOAD_PATHS = (
    "payload",
    "order_payload",
    "submitted_payload",
    "request",
    "request_payload",
    "body",
    "data",
)


@dataclass
class PayloadResult:
    """One element of ``GET /bulk/<id>/payloads`` [assumed shape]."""

    status: str
    order_id: Optional[str] = None
    reason: Optional[str] = None
    payload: Optional[dict] = None
    raw: dict = field(default_factory=dict, repr=False)
    #: False when ``order_id`` is only the item's own ``id``: an order id once
    #: ``GET /orders/<id>`` (or the order listing) shows the submitted name and geometry
    order_id_confirmed: bool = True

    @classmethod
    def from_json(cls, data: Any) -> "PayloadResult":
        if not isinstance(data, dict):
            return cls(status=PayloadStatus.PROCESSING, raw={"value": data})
        status = normalise_payload_status(_first(data, ("status", "state", "result.status")))
        order_id = _first(data, _ORDER_ID_PATHS)
        order = data.get("order")
        if order_id is None and isinstance(order, str):
            order_id = order
        reason_raw = _first(data, _REASON_PATHS)
        reason = error_text(reason_raw) if reason_raw is not None else None
        payload = next(
            (data[k] for k in _PAYLOAD_PATHS if isinstance(data.get(k), dict)),
            None,
        )
        if payload is None and isinstance(order, dict) and "geometry" in order:
            payload = order  # the created order echoes name and geometry
        if payload is None and "geometry" in data and "name" in data:
            payload = {k: v for k, v in data.items() if k not in ("status", "id", "order_id")}
        if status is None:  # infer from what is there
            if order_id:
                status = PayloadStatus.SUCCEEDED
            elif reason:
                status = PayloadStatus.FAILED
            else:
                status = PayloadStatus.PROCESSING
        confirmed = True
        if order_id is None and status == PayloadStatus.SUCCEEDED:
            # last resort: a result whose own id may be the order's id (to be confirmed)
            order_id = data.get("id")
            confirmed = False
        if status == PayloadStatus.FAILED:
            reason = reason or "The server gave no reason."
        else:
            reason = None
        return cls(
            status=status,
            order_id=_as_str(order_id),
            reason=times_in_words(reason) if reason else reason,
            payload=payload,
            raw=dict(data),
            order_id_confirmed=confirmed,
        )


# --- orders ---------------------------------------------------------------------------
@dataclass
class Order:
    """``GET /orders/<id>`` and each element of ``GET /orders/`` [doc/code field names;
    other plausible names accepted]. ``geometry`` is the submitted one when the server
    keeps it apart (a Point order comes back as a Polygon [doc])."""

    id: Optional[str]
    name: Optional[str] = None
    status: str = ""
    geometry: Optional[dict] = None
    created_time: Optional[str] = None
    updated_time: Optional[str] = None
    start_time: Optional[str] = None
    end_time: Optional[str] = None
    capture_count: Optional[int] = None
    raw: dict = field(default_factory=dict, repr=False)

    @classmethod
    def from_json(cls, data: Any) -> "Order":
        if not isinstance(data, dict):
            return cls(id=None, raw={"value": data})
        d = data.get("order") if isinstance(data.get("order"), dict) else data
        geometry = next(
            (d[k] for k in ("original_geometry", "submitted_geometry", "geometry", "aoi")
             if isinstance(d.get(k), dict)),
            None,
        )  # fmt: skip
        captures = _first(d, ("capture_status_published_count", "capture_count"))
        return cls(
            id=order_id_of(d),
            name=_as_str(d.get("name")),
            status=_norm_word(_first(d, ("status", "state"))),
            geometry=geometry,
            created_time=_as_str(_first(d, ("created_time", "created", "created_at"))),
            updated_time=_as_str(_first(d, ("updated_time", "updated", "updated_at"))),
            start_time=_as_str(d.get("start_time")),
            end_time=_as_str(d.get("end_time")),
            capture_count=_as_int(captures),
            raw=dict(d),
        )

    def value(self, key: str) -> Any:
        """Any field as the server gave it (editable fields beyond those above: rank, angles...)."""
        return self.raw.get(key)

    def probe(self) -> dict:
        """What a ResultMatcher compares: the name and the submitted geometry."""
        return {"name": self.name, "geometry": self.geometry}


# --- the shapes we meet, logged once per endpoint ------------------------------------
_SHAPES_SEEN: set = set()
_SHAPES_LOCK = threading.Lock()


def key_names(data: Any) -> str:
    """Key names only, never values: ``id, name, order{id}, payload{geometry, name}``."""
    if not isinstance(data, dict):
        return f"<{type(data).__name__}>"
    parts = []
    for k in sorted(data, key=str):
        v = data[k]
        if isinstance(v, dict) and k not in ("geometry", "original_geometry"):
            parts.append(f"{k}{{{', '.join(sorted(map(str, v)))}}}")
        else:
            parts.append(str(k))
    return ", ".join(parts)


def log_shape_once(endpoint: str, kind: str, data: Any) -> None:
    """The first bulk summary, /payloads item, order... read from an endpoint: key names
    to the log once, so a real user's log shows the real shapes (no values, no key)."""
    with _SHAPES_LOCK:
        if (endpoint, kind) in _SHAPES_SEEN:
            return
        _SHAPES_SEEN.add((endpoint, kind))
    logger.info("first %s read from %s has the keys: %s", kind, endpoint, key_names(data))


# --- pages ----------------------------------------------------------------------------
_RESULT_KEYS = ("results", "items", "data", "payloads", "orders", "bulks", "objects")


@dataclass
class Page:
    """One page of a list endpoint: ``{"count", "next", "previous", "results"}`` [assumed]."""

    results: List[Any]
    count: Optional[int] = None
    next: Optional[str] = None
    previous: Optional[str] = None
    has_next_key: bool = False  # False: the server does not link pages (page by offset)

    @classmethod
    def from_json(cls, data: Any) -> "Page":
        if isinstance(data, list):
            return cls(results=list(data), count=len(data), has_next_key=True)
        if not isinstance(data, dict):
            return cls(results=[], has_next_key=True)
        results: List[Any] = []
        for k in _RESULT_KEYS:
            if isinstance(data.get(k), list):
                results = data[k]
                break
        links = data.get("links") or data.get("_links") or {}

        def link(name):
            for src in (data, links if isinstance(links, dict) else {}):
                if name in src:
                    v = src[name]
                    if isinstance(v, dict):
                        v = v.get("href")
                    return (_as_str(v), True)
            return (None, False)

        nxt, has_next = link("next")
        prev, _ = link("previous") if "previous" in data else link("prev")
        count = _as_int(_first(data, ("count", "total", "total_count", "meta.total_count")))
        return cls(results, count, nxt, prev, has_next)


# --- request bodies -------------------------------------------------------------------
def check_bulk_id(bulk_id: str) -> str:
    """The bulk id must be a UUID [doc]; anything else is refused before sending."""
    try:
        return str(uuid.UUID(str(bulk_id)))
    except (ValueError, TypeError, AttributeError):
        raise ValueError(f"bulk id must be a UUID, got {bulk_id!r}") from None


def _check_count(items: List[Any], what: str) -> None:
    if not items:
        raise ValueError(f"no {what} to send")
    if len(items) > MAX_PAYLOADS_PER_BULK:
        raise ValueError(f"{len(items)} {what} in one bulk; at most {MAX_PAYLOADS_PER_BULK}")


def build_create_body(order_payloads: List[dict], bulk_id: str) -> dict:
    """``POST /bulk/`` to create orders [doc]."""
    payloads = list(order_payloads)
    _check_count(payloads, "order payloads")
    return {"id": check_bulk_id(bulk_id), "order_payloads": payloads}


def build_edit_body(edits: List[dict], bulk_id: str) -> dict:
    """``POST /bulk/`` to edit orders [assumed key: edit_payloads]. Each edit needs ``id``."""
    payloads = [dict(e) for e in edits]
    _check_count(payloads, "edits")
    for e in payloads:
        if not e.get("id"):
            raise ValueError("every edit needs the order's id")
    return {"id": check_bulk_id(bulk_id), "edit_payloads": payloads}


def build_cancel_body(order_ids: List[str], bulk_id: str) -> dict:
    """``POST /bulk/`` to cancel orders [assumed key: cancel_payloads]."""
    ids = [str(i) for i in order_ids if i]
    _check_count(ids, "order ids")
    return {"id": check_bulk_id(bulk_id), "cancel_payloads": [{"id": i} for i in ids]}


def encode_body(body: dict) -> bytes:
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def bulk_id_from_location(location: Optional[str]) -> Optional[str]:
    """Last path segment of ``/tasking/v2/bulk/<id>`` (or ``.../<id>/``)."""
    if not location:
        return None
    path = location.split("?", 1)[0].split("#", 1)[0].rstrip("/")
    last = path.rsplit("/", 1)[-1]
    return last or None


def query_value(v: Any) -> str:
    """A filter value as the server expects it in a query string."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, datetime):
        return v.isoformat().replace("+00:00", "Z")
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, (list, tuple, set, frozenset)):
        return ",".join(query_value(x) for x in v)
    return str(v)


def order_id_of(order: Any) -> Optional[str]:
    if not isinstance(order, dict):
        return None
    return _as_str(_first(order, ("id", "order_id", "uuid")))


# --- error bodies ---------------------------------------------------------------------
_MESSAGE_KEYS = (
    "detail",
    "message",
    "error_description",
    "error",
    "errors",
    "non_field_errors",
    "__all__",
    "title",
    "msg",
)


def _flatten(value: Any, prefix: str, out: Dict[str, List[str]], depth: int = 0) -> None:
    if value is None:
        return
    if depth > MAX_NESTING:  # a hostile nesting: say so instead of recursing on
        out.setdefault(prefix or "detail", []).append("(nested too deeply)")
        return
    depth += 1
    if isinstance(value, dict):
        for k, v in value.items():
            _flatten(v, f"{prefix}.{k}" if prefix else str(k), out, depth)
    elif isinstance(value, list):
        if all(not isinstance(x, (dict, list)) for x in value):
            msgs = [str(x) for x in value if str(x).strip()]
            if msgs:
                out.setdefault(prefix or "detail", []).extend(msgs)
        else:
            for i, v in enumerate(value):
                if v in (None, {}, []):
                    continue
                _flatten(v, f"{prefix}[{i}]" if prefix else f"[{i}]", out, depth)
    else:
        s = str(value).strip()
        if s:
            out.setdefault(prefix or "detail", []).append(s)


def error_text(value: Any) -> str:
    """Any reason value (string, list, dict of field errors) as one readable line."""
    if isinstance(value, str):
        return truncate(value)
    out: Dict[str, List[str]] = {}
    _flatten(value, "", out)
    parts = []
    for k, msgs in out.items():
        text = " ".join(msgs)
        parts.append(text if k == "detail" else f"{k}: {text}")
    if parts:
        return truncate("; ".join(parts))
    try:
        return truncate(json.dumps(value, default=str))
    except (ValueError, RecursionError):
        return "(unreadable)"


_TIME_FIELDS = (("start_time", "Start time (UTC)"), ("end_time", "End time (UTC)"))


def times_in_words(text: str) -> str:
    """'start_time: must be at least 24 hours...' -> 'Start time (UTC): must be ...'."""
    for name, words in _TIME_FIELDS:
        text = re.sub(rf"(^|; |\.)\b{name}\b:", lambda m, w=words: m.group(1) + w + ":", text)
    return text


def parse_error_body(text: Optional[str]) -> Tuple[Optional[str], Dict[str, List[str]]]:
    """``(message, field_errors)`` from an error body [assumed shapes].

    ``{"detail": "..."}`` -> message; ``{"field": ["msg"]}`` -> field_errors (nested
    paths dotted: ``order_payloads[3].geometry``); a list -> message; anything that is
    not JSON -> the raw text (HTML tags stripped), truncated.
    """
    if text is None or not text.strip():
        return None, {}
    text = text[:MAX_ERROR_BODY_CHARS]  # bounded work whatever the server sends
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return truncate(html_text(text[:MAX_ERROR_BODY_CHARS])) or None, {}
    if isinstance(data, dict) and isinstance(data.get("error"), dict):
        # {"error": {"reason": "invalid_request", "details": "..." or {field: [...]}}}
        inner = data["error"]
        details = _first(inner, ("details", "detail", "message", "errors"))
        if isinstance(details, dict):
            fields: Dict[str, List[str]] = {}
            _flatten(details, "", fields)
            return truncate(error_text(details)) or None, fields
        if details is not None:
            return error_text(details) or None, {}
        reason = _as_str(inner.get("reason")) or _as_str(inner.get("code"))
        return (reason.replace("_", " ") if reason else None), {}
    if isinstance(data, dict):
        # JSON:API style {"errors": [{"detail": ..., "source": {"pointer": ...}}]}
        message_parts: List[str] = []
        fields: Dict[str, List[str]] = {}
        for k, v in data.items():
            if k in _MESSAGE_KEYS:
                if isinstance(v, dict) and k in ("errors", "error"):
                    _flatten(v, "", fields)
                    msg = _as_str(v.get("message")) or _as_str(v.get("detail"))
                    if msg:
                        message_parts.append(msg)
                else:
                    message_parts.append(error_text(v))
            elif k in ("status", "code", "status_code", "type", "instance", "request_id"):
                continue
            else:
                _flatten(v, str(k), fields)
        if not message_parts and fields:
            message_parts.append(error_text(fields))
        message = truncate("; ".join(p for p in message_parts if p)) or None
        return message, fields
    if isinstance(data, list):
        return (error_text(data) or None), {}
    return truncate(str(data)) or None, {}
