"""Per-payload validation, like the real service: every problem becomes a readable reason that
names the field, e.g. ``geometry.coordinates: longitude 181 is outside [-180, 180]``.

Pure functions: no store, no clock of their own (callers pass ``now``).
"""

import math
import re
from typing import Any, Dict, List, Optional, Tuple

from . import shapes
from .timeutil import parse_iso

DAY = 86400.0
MAX_RRULE_COUNT = 365  # [doc]
_PL_NUMBER = re.compile(r"^PL-[A-Za-z0-9][A-Za-z0-9_-]*$")
_BYDAY = re.compile(r"^[+-]?\d{0,2}(MO|TU|WE|TH|FR|SA|SU)$")
_FREQ_DAYS = {"DAILY": 1, "WEEKLY": 7, "MONTHLY": 30}  # cadence of at least a day [doc]
_RRULE_PARTS = ("FREQ", "COUNT", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYMONTH", "BYSETPOS", "WKST")


def _num(x: Any) -> str:
    """181.0 -> '181' so reasons read like the docs."""
    return format(x, "g") if isinstance(x, float) else str(x)


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


# --- geometry -------------------------------------------------------------------------------------


def _check_position(pos: Any, where: str) -> List[str]:
    if not isinstance(pos, list) or len(pos) not in (2, 3) or not all(_is_number(c) for c in pos):
        return [f"{where}: a position must be [longitude, latitude] numbers"]
    lon, lat = pos[0], pos[1]
    errors = []
    if not -180 <= lon <= 180:
        errors.append(f"{where}: longitude {_num(lon)} is outside [-180, 180]")
    if not -90 <= lat <= 90:
        errors.append(f"{where}: latitude {_num(lat)} is outside [-90, 90]")
    return errors


def _check_positions(positions: Any, where: str, minimum: int, what: str) -> List[str]:
    if not isinstance(positions, list) or len(positions) < minimum:
        return [f"{where}: a {what} needs at least {minimum} positions"]
    errors: List[str] = []
    for pos in positions:
        errors.extend(_check_position(pos, where))
    return errors


def check_geometry(geometry: Any, scheduling_type: str) -> List[str]:
    """GeoJSON Point / LineString / Polygon, well formed, in range, allowed for the type."""
    where = "geometry.coordinates"
    if not isinstance(geometry, dict):
        return ["geometry: must be a GeoJSON geometry object"]
    gtype = geometry.get("type")
    unknown = sorted(set(geometry) - {"type", "coordinates", "bbox"})
    if unknown:
        return [f"geometry.{unknown[0]}: unknown member"]
    if gtype not in ("Point", "LineString", "Polygon"):
        return [f"geometry.type: {gtype!r} is not supported; use Point, LineString or Polygon"]
    allowed = shapes.GEOMETRY_TYPES_BY_SCHEDULING.get(scheduling_type, ())
    if allowed and gtype not in allowed:
        return [
            f"geometry.type: {gtype} is not allowed for {scheduling_type} orders "
            f"(allowed: {', '.join(allowed)})"
        ]
    coords = geometry.get("coordinates")
    if coords is None:
        return [f"{where}: required"]
    if gtype == "Point":
        return _check_position(coords, where)
    if gtype == "LineString":
        return _check_positions(coords, where, 2, "LineString") or _check_line(
            coords, scheduling_type
        )
    if not isinstance(coords, list) or not coords:
        return [f"{where}: a Polygon needs at least one linear ring"]
    errors: List[str] = []
    for ring in coords:
        ring_errors = _check_positions(ring, where, 4, "linear ring")
        if not ring_errors and ring[0][:2] != ring[-1][:2]:
            ring_errors = [f"{where}: linear ring is not closed (first and last positions differ)"]
        errors.extend(ring_errors)
    return errors


def _line_km(coords: List[list]) -> float:
    """Great-circle length of a line (haversine, mean Earth radius)."""
    total = 0.0
    for (lon1, lat1, *_), (lon2, lat2, *_) in zip(coords, coords[1:]):
        p1, p2 = math.radians(lat1), math.radians(lat2)
        dp, dl = p2 - p1, math.radians(lon2 - lon1)
        a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
        total += 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))
    return total


def _check_line(coords: List[list], scheduling_type: str) -> List[str]:
    """[doc] assured lines have exactly two points; any line is at most 100 km long."""
    where = "geometry.coordinates"
    if scheduling_type == "ASSURED" and len(coords) != 2:
        return [f"{where}: an ASSURED line has exactly two points (got {len(coords)})"]
    km = _line_km(coords)
    if km > shapes.MAX_LINE_KM:
        return [f"{where}: the line is {km:.0f} km long; at most {shapes.MAX_LINE_KM:g} km"]
    return []


# --- times and cadence ---------------------------------------------------------------------------


def parse_time_field(payload: dict, field: str, errors: List[str]) -> Optional[float]:
    value = payload.get(field)
    if value is None:
        return None
    try:
        return parse_iso(value)
    except (ValueError, TypeError, OverflowError) as exc:
        reason = str(exc) if isinstance(exc, ValueError) and "ISO" in str(exc) else None
        errors.append(f"{field}: {value!r} {reason or 'is not a valid date-time'}")
        return None


def parse_rrule(rrule: Any) -> Tuple[Optional[Dict[str, str]], List[str]]:
    """RFC 5545 RRULE text -> parts, within the monitoring limits [doc]."""
    if not isinstance(rrule, str) or not rrule.strip():
        return None, ["rrule: required for MONITORING orders, e.g. FREQ=WEEKLY;COUNT=4;INTERVAL=1"]
    text = rrule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    parts: Dict[str, str] = {}
    for item in filter(None, text.split(";")):
        key, sep, value = item.partition("=")
        key = key.strip().upper()
        if not sep or not value.strip():
            return None, [f"rrule: {item!r} is not KEY=VALUE"]
        parts[key] = value.strip().upper()
    freq = parts.get("FREQ")
    errors: List[str] = []
    if freq == "YEARLY":
        errors.append("rrule: FREQ=YEARLY is not supported")
    elif freq in ("HOURLY", "MINUTELY", "SECONDLY"):
        errors.append(f"rrule: FREQ={freq} is too frequent; the cadence must be at least a day")
    elif freq not in _FREQ_DAYS:
        errors.append("rrule: FREQ must be DAILY, WEEKLY or MONTHLY")
    if "BYYEARDAY" in parts:
        errors.append("rrule: BYYEARDAY is not supported")
    if "UNTIL" in parts:
        errors.append("rrule: UNTIL is not supported; give COUNT")
    for key in sorted(set(parts) - set(_RRULE_PARTS) - {"BYYEARDAY", "UNTIL"}):
        errors.append(f"rrule: {key} is not supported")
    count = parts.get("COUNT")
    if count is None:
        errors.append("rrule: COUNT is required")
    elif not count.isdigit() or not 1 <= int(count) <= MAX_RRULE_COUNT:
        errors.append(f"rrule: COUNT must be between 1 and {MAX_RRULE_COUNT} (got {count})")
    interval = parts.get("INTERVAL", "1")
    if not interval.isdigit() or int(interval) < 1:
        errors.append(f"rrule: INTERVAL must be a positive integer (got {interval})")
    for day in filter(None, parts.get("BYDAY", "").split(",")):
        if not _BYDAY.match(day):
            errors.append(f"rrule: BYDAY value {day!r} is not a weekday (MO..SU)")
    return (None if errors else parts), errors


def rrule_span_seconds(parts: Dict[str, str]) -> float:
    """How long a monitoring series lasts, roughly: COUNT x INTERVAL x period."""
    return _FREQ_DAYS[parts["FREQ"]] * int(parts.get("INTERVAL", "1")) * int(parts["COUNT"]) * DAY


def check_window(start: Optional[float], end: Optional[float], now: float) -> List[str]:
    errors = []
    if start is not None and end is not None and start >= end:
        errors.append("end_time: must be after start_time")
    if end is not None and end <= now:
        errors.append("end_time: must be in the future")
    return errors


# --- the other fields -----------------------------------------------------------------------------


def check_name(name: Any) -> List[str]:
    if name is None:
        return ["name: required"]
    if not isinstance(name, str) or not name.strip():
        return ["name: must be a non-empty string"]
    return []


def _check_optional_fields(payload: dict, scheduling_type: str) -> List[str]:
    errors: List[str] = []
    low, high = payload.get("sat_elevation_angle_min"), payload.get("sat_elevation_angle_max")
    for field, value in (("sat_elevation_angle_min", low), ("sat_elevation_angle_max", high)):
        if value is not None and (not _is_number(value) or not 0 <= value <= 90):
            errors.append(f"{field}: {value!r} must be a number between 0 and 90")
    if _is_number(low) and _is_number(high) and low > high:
        errors.append(
            f"sat_elevation_angle_min: {_num(low)} is greater than "
            f"sat_elevation_angle_max {_num(high)}"
        )
    pl_number = payload.get("pl_number")
    if pl_number is not None and (
        not isinstance(pl_number, str) or not _PL_NUMBER.match(pl_number)
    ):
        errors.append(f"pl_number: {pl_number!r} is not a contract number like 'PL-123456'")
    product = payload.get("product")
    if product is not None and (not isinstance(product, str) or not product.strip()):
        errors.append("product: must be a non-empty string")
    days = payload.get("exclusivity_days")
    if days is not None and (not isinstance(days, int) or isinstance(days, bool) or days < 0):
        errors.append("exclusivity_days: must be a non-negative integer")
    window = payload.get("imaging_window")
    if scheduling_type == "ASSURED":
        if not isinstance(window, str) or not window.strip():
            errors.append("imaging_window: required for ASSURED orders (an imaging window id)")
    elif window is not None:
        errors.append("imaging_window: only allowed for ASSURED orders")
    errors += _check_more_fields(payload)
    if scheduling_type != "MONITORING" and payload.get("rrule") is not None:
        errors.append("rrule: only allowed for MONITORING orders")
    return errors


def _check_more_fields(payload: dict) -> List[str]:
    """delivery, satellite_types, cloud_threshold, rank [doc]: kept as given when well formed."""
    errors: List[str] = []
    delivery = payload.get("delivery")
    if delivery is not None and not isinstance(delivery, dict):
        errors.append("delivery: must be an object")
    types = payload.get("satellite_types")
    if types is not None and (
        not isinstance(types, list) or not all(isinstance(t, str) and t for t in types)
    ):
        errors.append("satellite_types: must be a list of satellite type names")
    cloud = payload.get("cloud_threshold")
    if cloud is not None and (not _is_number(cloud) or not 0 <= cloud <= 1):
        errors.append(f"cloud_threshold: {cloud!r} must be a number between 0 and 1")
    rank = payload.get("rank")
    if rank is not None and (not isinstance(rank, int) or isinstance(rank, bool)):
        errors.append(f"rank: {rank!r} must be an integer")
    return errors


def check_lead_and_length(start: float, end: float, now: float) -> List[str]:
    """dialect enforce-window: [doc, Dashboard] 24 h lead time and a 14-day window."""
    errors = []
    if start < now + shapes.MIN_LEAD_HOURS * 3600 - 1:
        hours = (start - now) / 3600
        errors.append(
            f"start_time: must be at least {shapes.MIN_LEAD_HOURS} hours after the order is "
            f"placed (it is {hours:.1f} hours)"
        )
    if end - start < shapes.MIN_WINDOW_DAYS * DAY - 1:
        errors.append(
            f"end_time: the imaging window must last at least {shapes.MIN_WINDOW_DAYS} days "
            f"(it lasts {(end - start) / DAY:.1f} days)"
        )
    return errors


def validate_order(
    payload: Any, now: float, strict_window: bool = False
) -> Tuple[List[str], Optional[dict]]:
    """(reasons, normalised order) for one order payload processed at ``now``.
    The normalised order holds epochs and defaults; it is None when there are reasons.
    ``strict_window``: flexible orders need the 24 h lead time and 14-day window."""
    if not isinstance(payload, dict):
        return ["payload: must be a JSON object"], None
    errors = [f"{k}: unknown field" for k in payload if k not in shapes.ORDER_FIELDS]
    errors += check_name(payload.get("name"))
    stype = payload.get("scheduling_type", shapes.DEFAULT_SCHEDULING_TYPE)
    if stype not in shapes.SCHEDULING_TYPES:
        errors.append(
            f"scheduling_type: {stype!r} is not one of {', '.join(shapes.SCHEDULING_TYPES)}"
        )
        stype = None
    if "geometry" not in payload:
        errors.append("geometry: required")
    else:
        errors += check_geometry(payload["geometry"], stype or "")
    start = parse_time_field(payload, "start_time", errors)
    end = parse_time_field(payload, "end_time", errors)
    parts = None
    if stype == "MONITORING":
        parts, rrule_errors = parse_rrule(payload.get("rrule"))
        errors += rrule_errors
        end = None  # end_time is ignored for monitoring [doc]; the rrule decides
    errors += _check_optional_fields(payload, stype or "")
    if errors:
        return errors, None
    start = now if start is None else start
    if parts is not None:
        end = max(start, now) + rrule_span_seconds(parts)
    elif end is None:
        end = start + shapes.DEFAULT_WINDOW_DAYS * DAY
    errors = check_window(start, end, now)
    if not errors and strict_window and stype == "FLEXIBLE":
        errors = check_lead_and_length(start, end, now)
    if errors:
        return errors, None
    extra = {
        k: payload[k]
        for k in ("sat_elevation_angle_min", "sat_elevation_angle_max", "imaging_window")
        + ("exclusivity_days", "delivery", "satellite_types", "cloud_threshold", "rank")
        if k in payload
    }
    return [], {
        "name": payload["name"],
        "geometry": payload["geometry"],
        "scheduling_type": stype,
        "start_at": start,
        "end_at": end,
        "rrule": payload.get("rrule") if parts is not None else None,
        "rrule_count": int(parts["COUNT"]) if parts is not None else 0,
        "pl_number": payload.get("pl_number") or shapes.DEFAULT_PL_NUMBER,
        "product": payload.get("product") or shapes.DEFAULT_PRODUCT,
        "extra": extra,
    }


def validate_edit(
    fields: Dict[str, Any], order: dict, status: str, now: float
) -> Tuple[List[Tuple[str, str]], Dict[str, Any]]:
    """Edit rules of PUT /orders/<id> and bulk edit [doc]: name, start_time, end_time; start only
    while PENDING/REQUESTED/RECEIVED; nothing once final. Returns ((field, message)...), changes."""
    problems: List[Tuple[str, str]] = []
    for key in fields:
        if key not in shapes.EDITABLE_FIELDS:
            problems.append(
                (key, "cannot be edited; editable fields are name, rank, start_time, end_time")
            )
    if not any(k in fields for k in shapes.EDITABLE_FIELDS) and not problems:
        problems.append(("non_field_errors", "nothing to edit; give name, start_time or end_time"))
    if status in shapes.FINAL_STATUSES or status == "PENDING_CANCELLATION":
        problems.append(("status", f"order is {status} and can no longer be edited"))
    if problems:
        return problems, {}
    changes: Dict[str, Any] = {}
    if "name" in fields:
        problems += [tuple(e.split(": ", 1)) for e in check_name(fields["name"])]
        changes["name"] = fields["name"]
    if "rank" in fields:
        rank = fields["rank"]
        if not isinstance(rank, int) or isinstance(rank, bool):
            problems.append(("rank", f"{rank!r} must be an integer"))
        changes["rank"] = rank
    errors: List[str] = [
        f"{k}: must be a date-time, not null"
        for k in ("start_time", "end_time")
        if k in fields and fields[k] is None
    ]
    if "start_time" in fields and fields["start_time"] is not None:
        if status not in shapes.START_EDITABLE_STATUSES:
            allowed = ", ".join(shapes.START_EDITABLE_STATUSES)
            problems.append(
                ("start_time", f"can only change while the order is {allowed} (it is {status})")
            )
        else:
            changes["start_at"] = parse_time_field(fields, "start_time", errors)
    if "end_time" in fields and fields["end_time"] is not None:
        changes["end_at"] = parse_time_field(fields, "end_time", errors)
    if not errors and not problems:
        start = changes.get("start_at", order["start_at"])
        end = changes.get("end_at", order["end_at"])
        errors += check_window(start, end, now)
    problems += [tuple(e.split(": ", 1)) for e in errors]
    return problems, ({} if problems else changes)
