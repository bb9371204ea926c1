"""Simulated tasking orders: ids, fate, lifecycle timeline and the body sent to clients.

An order's status is never stored: it is a function of the wall clock and three precomputed
transition instants (t_pending, t_progress, t_final), so the store can compute and filter it in
SQL and no background thread is needed. Each order runs on its own accelerated clock anchored at
its creation: ``order_clock`` simulated seconds pass per real second, so the start_time and
end_time the client chose (real dates, days ahead) are reached in seconds.
"""

import hashlib
import json
import uuid
from typing import Any, Dict, Tuple

from . import shapes
from .timeutil import fmt_iso

RECEIVED_SIM_SECONDS = 600.0  # an order stays RECEIVED for 10 simulated minutes
FATE_WEIGHTS = (("FULFILLED", 80), ("EXPIRED", 10), ("REJECTED", 10))  # percent
POINT_HALF_SIZE_DEG = 0.005  # a Point order becomes a ~1 km square polygon


def derive_uuid(seed: Any, *parts: Any) -> str:
    """A UUID that depends only on seed and parts: deterministic, unique per parts, and
    unrelated to submission order (so sorting by it shuffles results)."""
    digest = hashlib.sha1("|".join(str(p) for p in (seed,) + parts).encode()).digest()
    return str(uuid.UUID(bytes=digest[:16], version=4))


def derive_fraction(seed: Any, *parts: Any) -> float:
    digest = hashlib.sha1("|".join(str(p) for p in ("f", seed) + parts).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2.0**64


def choose_fate(roll: float) -> str:
    threshold = 0.0
    for fate, weight in FATE_WEIGHTS:
        threshold += weight / 100.0
        if roll < threshold:
            return fate
    return FATE_WEIGHTS[0][0]


def transitions(
    created_at: float, start_at: float, end_at: float, fate: str, frac: float, clock: float
) -> Tuple[float, float, float]:
    """Real (wall-clock) instants of RECEIVED->PENDING, ->IN_PROGRESS and ->final."""

    def real(sim_time: float) -> float:
        return created_at + (sim_time - created_at) / clock

    t_pending = created_at + RECEIVED_SIM_SECONDS / clock
    if fate == "REJECTED":  # refused during review, never started
        return t_pending, t_pending, t_pending
    t_progress = max(t_pending, real(start_at))
    if fate == "EXPIRED":
        return t_pending, t_progress, max(t_progress, real(end_at))
    # FULFILLED somewhere in the first 10-70% of the window
    capture_at = start_at + (0.1 + 0.6 * frac) * (end_at - start_at)
    return t_pending, t_progress, max(t_progress, real(capture_at))


def point_to_polygon(geometry: dict) -> dict:
    """The service answers a Point order with a small Polygon around it [doc]."""
    if geometry.get("type") != "Point":
        return geometry
    lon, lat = geometry["coordinates"][:2]
    h = POINT_HALF_SIZE_DEG
    w, e = max(-180.0, lon - h), min(180.0, lon + h)
    s, n = max(-90.0, lat - h), min(90.0, lat + h)
    ring = [[w, s], [e, s], [e, n], [w, n], [w, s]]
    return {"type": "Polygon", "coordinates": [ring]}


def new_order_row(
    *,
    order_id: str,
    key: str,
    bulk_id: str,
    order: dict,
    created_at: float,
    seed: Any,
    clock: float,
) -> Dict[str, Any]:
    """A store row for a freshly created order (``order`` = validation's normalised order)."""
    fate = choose_fate(derive_fraction(seed, "fate", order_id))
    frac = derive_fraction(seed, "capture", order_id)
    t_pending, t_progress, t_final = transitions(
        created_at, order["start_at"], order["end_at"], fate, frac, clock
    )
    return {
        "id": order_id,
        "key": key,
        "bulk_id": bulk_id,
        "name": order["name"],
        "scheduling_type": order["scheduling_type"],
        "geometry": json.dumps(point_to_polygon(order["geometry"])),
        "original_geometry": json.dumps(order["geometry"]),
        "start_at": order["start_at"],
        "end_at": order["end_at"],
        "rrule": order["rrule"],
        "rrule_count": order["rrule_count"],
        "pl_number": order["pl_number"],
        "product": order["product"],
        "extra": json.dumps(order["extra"]),
        "created_at": created_at,
        "edited_at": None,
        "cancelled_at": None,
        "fate": fate,
        "frac": frac,
        "clock": clock,
        "t_pending": t_pending,
        "t_progress": t_progress,
        "t_final": t_final,
    }


def retime(row: Dict[str, Any], start_at: float, end_at: float) -> Dict[str, float]:
    """New transition instants after an edit of start_time/end_time."""
    t_pending, t_progress, t_final = transitions(
        row["created_at"], start_at, end_at, row["fate"], row["frac"], row["clock"]
    )
    return {"t_pending": t_pending, "t_progress": t_progress, "t_final": t_final}


def order_to_body(row: Dict[str, Any]) -> Dict[str, Any]:
    """Client-facing order from a store row that carries computed ``status``/``updated_at``."""
    status = row["status"]
    published = max(1, row["rrule_count"]) if status == "FULFILLED" else 0
    return shapes.order_body(
        order_id=row["id"],
        name=row["name"],
        status=status,
        geometry=json.loads(row["geometry"]),
        original_geometry=json.loads(row["original_geometry"]),
        start_time=fmt_iso(row["start_at"]),
        end_time=fmt_iso(row["end_at"]),
        scheduling_type=row["scheduling_type"],
        rrule=row["rrule"],
        pl_number=row["pl_number"],
        product=row["product"],
        created_time=fmt_iso(row["created_at"]),
        updated_time=fmt_iso(row["updated_at"]),
        capture_status_published_count=published,
        is_cancellable=status in shapes.CANCELLABLE_STATUSES,
        cancellable_until=fmt_iso(row["end_at"]) if status in shapes.CANCELLABLE_STATUSES else None,
        extra=json.loads(row["extra"]),
    )
