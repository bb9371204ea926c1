"""Per-feature start/end times (the start/end expressions) and their time zones.

A per-feature time keeps the zone the data has. QGIS 3.22's OGR provider drops the zone
of a DateTime field; ``ogr_zones`` reads it back with OGR (fast_read.read_datetime_zones)
and ``feature_times`` uses it when OGR read the same wall-clock time. A time whose zone
is still unknown is taken as UTC with a warning on the target (``NO_TIME_ZONE``).
"""

from datetime import datetime, timedelta, timezone
from typing import Optional

from qgis.PyQt.QtCore import QDateTime, Qt

from .naming import FeatureExpression, is_null
from .parameters import iso_utc, to_utc_datetime_zone, utc

#: start of the warning on a target whose per-feature time had no zone (taken as UTC)
NO_TIME_ZONE = "no time zone"


def feature_times(
    f, start_expr, end_expr, shared_start, shared_end, end_fixed, now, monitoring, zones, window
):
    """({"start_time":..., "end_time":...} overrides, reason or None, warnings) for one
    feature; a warning for each time whose zone is not known (taken as UTC)."""
    start, end = shared_start, shared_end
    reasons = []
    notes = []
    if start_expr is not None:
        v, err = start_expr.evaluate(f)
        if err:
            reasons.append(err)
        else:
            try:
                start = _feature_time(v, f.id(), zones[0], "start", notes)
            except ValueError as e:
                reasons.append(f"start time expression gave {_what(v, e)}")
    if end_expr is not None:
        v, err = end_expr.evaluate(f)
        if err:
            reasons.append(err)
        else:
            try:
                end = _feature_time(v, f.id(), zones[1], "end", notes)
            except ValueError as e:
                reasons.append(f"end time expression gave {_what(v, e)}")
    elif start_expr is not None and not end_fixed:
        end = start + window  # no end time given: the default window after this start
    if reasons:
        return None, "; ".join(reasons), None
    out = {"start_time": iso_utc(start)}
    if not monitoring:
        if end <= start:
            return None, f"end time {iso_utc(end)} is not after start time {iso_utc(start)}", None
        if end <= now:
            return None, f"end time {iso_utc(end)} is in the past", None
        out["end_time"] = iso_utc(end)
    return out, None, notes


def _feature_time(v, fid, zones, which, notes) -> datetime:
    """One per-feature time in UTC. A zone-less QDateTime from an OGR layer takes the
    zone OGR read (``zones``, see fast_read.read_datetime_zones); a time whose zone is
    still unknown is taken as UTC and a note says so (never a silent guess)."""
    if zones is not None and isinstance(v, QDateTime) and v.timeSpec() == Qt.TimeSpec.LocalTime:
        aware = _with_ogr_zone(v, zones.get(fid))
        if aware is not None:
            return utc(aware)
    dt, known = to_utc_datetime_zone(v)
    if not known:
        notes.append(
            f"{NO_TIME_ZONE}: the {which} time {dt.strftime('%Y-%m-%d %H:%M')} has no time "
            "zone in the data (as QGIS reads it), so it was taken as UTC"
        )
    return dt


def _with_ogr_zone(v, raw) -> Optional[datetime]:
    """QGIS's zone-less value ``v`` with the offset OGR read, if OGR read the same
    wall-clock time with a known zone (tzflag 100 ± quarter-hours, e.g. 72 for
    -07:00); else None."""
    if raw is None:
        return None
    year, month, day, hour, minute, second, tz = raw
    d, t = v.date(), v.time()
    if (d.year(), d.month(), d.day(), t.hour(), t.minute(), t.second()) != (
        year,
        month,
        day,
        hour,
        minute,
        second,
    ):
        return None  # not the same value (an edit, another feature): do not guess
    if tz in (0, 1):  # 0 unknown, 1 local time: OGR does not know the zone either
        return None
    zone = timezone(timedelta(minutes=15 * (tz - 100)))
    return datetime(year, month, day, hour, minute, second, tzinfo=zone)


def ogr_zones(src, expr, fids) -> Optional[dict]:
    """What OGR reads of a DateTime field used as a per-feature time (with its zone),
    when ``expr`` is that plain field of an OGR layer (``src``: a LayerSource); else None."""
    if expr is None or expr.mode != FeatureExpression.FIELD or src.provider != "ogr":
        return None
    from qgis.core import QgsFields

    fields = src.fields
    if fields.fieldOrigin(expr.field_index) != QgsFields.FieldOrigin.OriginProvider:
        return None
    if fields.at(expr.field_index).typeName().lower() != "datetime":
        return None
    from . import fast_read

    return fast_read.read_datetime_zones(src, fields.at(expr.field_index).name(), fids)


def _what(v, e: Exception) -> str:
    if is_null(v):
        return "no value (NULL)"
    return f"{v!r}, which is not a date/time ({e})"
