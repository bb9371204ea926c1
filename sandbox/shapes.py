"""Every wire shape the sandbox speaks, in one place.

Each constant or builder says where it comes from:
  [doc]      stated in Planet's public Tasking API documentation or tutorials;
  [assumed]  not confirmed anywhere we could read; the sandbox's best guess.
When Planet's real answers turn out different, this is the only module to change.
"""

from typing import Any, Dict, Iterable, List, Optional, Tuple

# --- URLs and limits ---------------------------------------------------------------------------

API_PREFIX = "/tasking/v2"  # [doc] https://api.planet.com/tasking/v2
ADMIN_PREFIX = "/_sandbox"  # sandbox only, not part of Planet's API
MAX_PAYLOADS_PER_BULK = 1000  # [doc] "up to 1000 tasking orders"
MAX_BODY_BYTES = 1_000_000  # [doc] bodies over 1 MB are refused; exact byte count [assumed]
DEFAULT_PAGE_LIMIT = 50  # [assumed] limit/offset paging default
MAX_PAGE_LIMIT = 1000  # [assumed]

# --- bulk request body ---------------------------------------------------------------------------

BULK_ID_KEY = "id"  # [doc] optional client UUID
BULK_CREATE_KEY = "order_payloads"  # [doc]
BULK_EDIT_KEY = "edit_payloads"  # [assumed] [{"id": order_id, <fields to change>}]
BULK_CANCEL_KEY = "cancel_payloads"  # [assumed] [{"id": order_id}]
BULK_KINDS = {BULK_CREATE_KEY: "create", BULK_EDIT_KEY: "edit", BULK_CANCEL_KEY: "cancel"}
EDIT_ORDER_ID_KEY = "id"  # [assumed] key naming the order inside edit/cancel payloads

# --- statuses ------------------------------------------------------------------------------------

BULK_PENDING, BULK_RUNNING, BULK_COMPLETE = "PENDING", "RUNNING", "COMPLETE"  # [doc]
BULK_STATUSES = (BULK_PENDING, BULK_RUNNING, BULK_COMPLETE)

PAYLOAD_PROCESSING, PAYLOAD_SUCCESS, PAYLOAD_FAILED = "PROCESSING", "SUCCESS", "FAILED"  # [assumed]
PAYLOAD_STATUSES = (PAYLOAD_PROCESSING, PAYLOAD_SUCCESS, PAYLOAD_FAILED)

# Order statuses [doc/code]. The sandbox walks RECEIVED -> PENDING -> IN_PROGRESS -> a final one.
ORDER_STATUSES = (
    "RECEIVED",
    "REQUESTED",
    "PENDING",
    "IN_PROGRESS",
    "FINALIZING",
    "FULFILLED",
    "PENDING_CANCELLATION",
    "CANCELLED",
    "EXPIRED",
    "REJECTED",
    "FAILED",
)
CANCELLABLE_STATUSES = ("PENDING", "IN_PROGRESS", "RECEIVED", "REQUESTED")  # [doc]
START_EDITABLE_STATUSES = (
    "PENDING",
    "REQUESTED",
    "RECEIVED",
)  # [doc] PENDING/REQUESTED; RECEIVED [assumed]
FINAL_STATUSES = ("FULFILLED", "CANCELLED", "EXPIRED", "REJECTED", "FAILED")  # [doc/code]

# --- order payload fields ---------------------------------------------------------------------

SCHEDULING_TYPES = ("FLEXIBLE", "MONITORING", "ASSURED")  # [doc]; LOCK_IN etc. not simulated
DEFAULT_SCHEDULING_TYPE = "FLEXIBLE"  # [assumed]
GEOMETRY_TYPES_BY_SCHEDULING = {  # [doc]
    "FLEXIBLE": ("Point", "LineString", "Polygon"),
    "MONITORING": ("Point", "LineString"),
    "ASSURED": ("Point", "LineString"),  # [doc] assured lines: exactly two points
}
MAX_LINE_KM = 100.0  # [doc] a line order is at most 100 km long
# Fields an order payload may carry [doc]; anything else is refused by name.
ORDER_FIELDS = (
    "name",  # [doc] required
    "geometry",  # [doc] required, GeoJSON, longitude first
    "start_time",  # [doc] ISO 8601 UTC
    "end_time",  # [doc] ISO 8601 UTC; ignored for MONITORING
    "scheduling_type",  # [doc]
    "rrule",  # [doc] MONITORING only
    "pl_number",  # [doc] "PL-..."
    "product",  # [doc]
    "sat_elevation_angle_min",  # [doc] 0-90
    "sat_elevation_angle_max",  # [doc] 0-90
    "imaging_window",  # [doc] ASSURED only: id from /imaging-windows/search/
    "exclusivity_days",  # [doc] non-negative integer
    "delivery",  # [doc] delivery options (object), kept as given
    "satellite_types",  # [doc] list of satellite type names
    "cloud_threshold",  # [doc] 0-1 (fraction of clouds accepted)
    "rank",  # [doc] priority among the key's orders (integer)
)
EDITABLE_FIELDS = ("name", "rank", "start_time", "end_time")  # [doc] PUT /orders/<id>
MIN_LEAD_HOURS = 24  # [doc, Dashboard] flexible orders start 24 h after they are placed
MIN_WINDOW_DAYS = 14  # [doc, Dashboard] flexible windows last at least 14 days
DEFAULT_PL_NUMBER = "PL-SANDBOX"  # [assumed] "default from the key's contract"
DEFAULT_PRODUCT = "SKYSAT"  # [assumed]
DEFAULT_WINDOW_DAYS = 7  # [assumed] end_time default = start_time + 7 days


# --- response bodies -----------------------------------------------------------------------------


def bulk_summary(
    *,
    bulk_id: str,
    status: str,
    payload_count: int,
    processing: int,
    successful: int,
    failed: int,
    created_time: str,
    start_time: Optional[str],
    end_time: Optional[str],
) -> Dict[str, Any]:
    """GET /bulk/<id> and each element of GET /bulk/.
    [doc]: status, payload_count, processing_/successful_/failed_payload_count.
    [assumed]: id, created_time, start_time (null while PENDING), end_time (null until COMPLETE)."""
    return {
        "id": bulk_id,
        "status": status,
        "payload_count": payload_count,
        "processing_payload_count": processing,
        "successful_payload_count": successful,
        "failed_payload_count": failed,
        "created_time": created_time,
        "start_time": start_time,
        "end_time": end_time,
    }


def payload_result(
    *, result_id: str, status: str, order_id: Optional[str], error: Optional[str], payload: Any
) -> Dict[str, Any]:
    """One element of GET /bulk/<id>/payloads. [assumed] all key names: the docs only say the
    endpoint shows processing and failed payloads and why they failed. `payload` echoes the
    submitted payload exactly; `order_id` is set on SUCCESS, `error` on FAILED."""
    return {
        "id": result_id,
        "status": status,
        "order_id": order_id,
        "error": error,
        "payload": payload,
    }


def payload_result_variant(
    dialects,
    *,
    result_id: str,
    status: str,
    order_id: Optional[str],
    error: Optional[str],
    payload: Any,
) -> Dict[str, Any]:
    """/payloads items of the dialects that change them (see dialects.py); else the default."""
    if "payload-keys" in dialects:  # other names, no echo; the order nested
        item = {"uuid": result_id, "state": status.lower()}
        if order_id:
            item["order"] = {"id": order_id}
        if error:
            item["failure_reason"] = error
        return item
    if "payload-own-ids" in dialects:  # no echo, no order id: only the item's own id
        item = {"id": result_id, "status": status}
        if error:
            item["message"] = error
        return item
    return payload_result(
        result_id=result_id, status=status, order_id=order_id, error=error, payload=payload
    )


def duplicate_id_400(bulk_id: str) -> Dict[str, Any]:
    """dialect dup-400: Django REST framework's answer to a unique-key clash."""
    return {"id": [f"bulk with this id ({bulk_id}) already exists."]}


def order_payloads_required() -> Dict[str, Any]:
    """dialect bulk-actions-refused: the only bulk body key is order_payloads."""
    return {"order_payloads": ["This field is required."]}


def error_envelope(status: int, body: Any) -> Dict[str, Any]:
    """dialect error-envelope: {"error": {"reason", "details"}} around any error body."""
    reasons = {400: "invalid_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 409: "conflict", 413: "too_large",
               429: "rate_limited"}  # fmt: skip
    reason = reasons.get(status, "server_error" if status >= 500 else "error")
    if isinstance(body, dict) and set(body) == {"detail"}:
        return {"error": {"reason": reason, "details": body["detail"]}}
    return {"error": {"reason": reason, "details": body}}


def page(
    count: int, next_url: Optional[str], previous_url: Optional[str], results: List[Any]
) -> Dict[str, Any]:
    """Every list endpoint. [doc] for /orders/ (follow `next` until null); [assumed] for /bulk/
    and /bulk/<id>/payloads. `next`/`previous` are absolute URLs or null."""
    return {"count": count, "next": next_url, "previous": previous_url, "results": results}


def error_detail(message: str) -> Dict[str, Any]:
    """Whole-request errors (400, 401, 403, 404, 405, 409, 413, 429, 5xx). [assumed]"""
    return {"detail": message}


def field_errors(pairs: Iterable[Tuple[str, str]]) -> Dict[str, List[str]]:
    """Field-level errors of PUT /orders/<id>: {"field": ["message", ...]}. [assumed]"""
    out: Dict[str, List[str]] = {}
    for field, message in pairs:
        out.setdefault(field, []).append(message)
    return out


def order_body(
    *,
    order_id: str,
    name: str,
    status: str,
    geometry: dict,
    original_geometry: dict,
    start_time: str,
    end_time: str,
    scheduling_type: str,
    rrule: Optional[str],
    pl_number: str,
    product: str,
    created_time: str,
    updated_time: str,
    capture_status_published_count: int,
    is_cancellable: bool,
    cancellable_until: Optional[str],
    extra: Dict[str, Any],
) -> Dict[str, Any]:
    """GET /orders/<id> and each element of GET /orders/. [doc/code] field names; a Point order
    comes back with a Polygon `geometry` and the submitted one in `original_geometry` [doc].
    `extra` carries optional submitted fields (elevation angles, imaging_window...) unchanged."""
    body = {
        "id": order_id,
        "name": name,
        "status": status,
        "geometry": geometry,
        "original_geometry": original_geometry,
        "start_time": start_time,
        "end_time": end_time,
        "scheduling_type": scheduling_type,
        "pl_number": pl_number,
        "product": product,
        "created_time": created_time,
        "updated_time": updated_time,
        "capture_status_published_count": capture_status_published_count,
        "is_cancellable": is_cancellable,
        "cancellable_until": cancellable_until,
    }
    if rrule is not None:
        body["rrule"] = rrule
    body.update(extra)
    return body


def api_root(base_url: str) -> Dict[str, str]:
    """GET /tasking/v2/ [assumed]: links to the collections the sandbox serves."""
    return {"bulk": base_url + "/bulk/", "orders": base_url + "/orders/"}
