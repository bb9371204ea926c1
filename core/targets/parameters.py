"""Order parameters shared by every target of a job, and their validation.

Pure Python except for the conversion of Qt date/time values that per-feature
expressions may return (``qgis.PyQt.QtCore`` only, no widgets, no layers).

Decisions (documented for the form and the README):

* Times are sent as UTC ISO 8601 with a ``Z`` and whole seconds
  (``2024-05-01T12:00:00Z``). A naive ``datetime`` (no tzinfo) is taken as UTC.
* ``scheduling_type`` is **omitted** from the payload for FLEXIBLE orders: the
  Tasking API defaults to flexible, and the payload then has exactly the shape
  of Planet's tutorial. MONITORING and ASSURED are sent explicitly.
* MONITORING payloads carry ``rrule`` and ``start_time`` but **no** ``end_time``:
  the API ignores it for monitoring orders, so sending it would only mislead.
  A MONITORING job without a cadence uses ``MonitoringCadence()`` (weekly, 4 times).
* ``extra_fields`` are merged last; keys the plugin builds itself are refused by
  :func:`validate_parameters` (never silently overridden).
"""

import json
import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any, Dict, List, Optional, Tuple

from qgis.PyQt.QtCore import QDate, QDateTime, Qt, QVariant

FLEXIBLE = "FLEXIBLE"
MONITORING = "MONITORING"
ASSURED = "ASSURED"
SCHEDULING_TYPES = (FLEXIBLE, MONITORING, ASSURED)

#: GeoJSON geometry types each scheduling type accepts (Tasking API docs).
ALLOWED_GEOMETRIES: Dict[str, Tuple[str, ...]] = {
    FLEXIBLE: ("Point", "LineString", "Polygon"),
    MONITORING: ("Point", "LineString"),
    ASSURED: ("Point",),
}

#: Planet requires an ``imaging_window`` (from /imaging-windows/search/, per location) on
#: every ASSURED order; the plugin cannot pick windows yet, so it refuses ASSURED outright
#: rather than send orders the API rejects.
ASSURED_REFUSED = (
    "Assured scheduling is not supported yet: Planet requires an imaging window for each "
    "assured order (chosen per location with /imaging-windows/search/), which this plugin "
    "cannot choose. Use flexible or monitoring scheduling."
)

MULTIPART_SPLIT = "split"
MULTIPART_REFUSE = "refuse"
MULTIPART_MODES = (MULTIPART_SPLIT, MULTIPART_REFUSE)

#: Payload keys the plugin always builds itself: extra_fields may never set them.
RESERVED_KEYS = ("name", "geometry", "start_time", "end_time", "scheduling_type", "rrule")
#: Keys the form sets when filled in: extra_fields may set them only when the form does not.
OPTIONAL_KEYS = ("pl_number", "product", "sat_elevation_angle_min", "sat_elevation_angle_max")

#: flexible orders start at least 24 h after they are placed and last at least 14 days
#: (stated for the Dashboard; a server may enforce it): the defaults keep to both, with a
#: margin for the time between sending and the server processing the payload
MIN_LEAD_TIME = timedelta(hours=24)
MIN_WINDOW = timedelta(days=14)
DEFAULT_START_DELAY = MIN_LEAD_TIME + timedelta(hours=1)
#: the default window length in days (a user setting; 14 = the flexible minimum)
DEFAULT_WINDOW_DAYS = 14
MAX_WINDOW_DAYS = 365

RRULE_FREQS = ("DAILY", "WEEKLY", "MONTHLY")  # YEARLY refused by the API; sub-daily < 1 day
RRULE_REFUSED_FREQS = ("YEARLY", "HOURLY", "MINUTELY", "SECONDLY")
MAX_MONITORING_COUNT = 365
_BYDAY_RE = re.compile(r"^([+-]?\d+)?(MO|TU|WE|TH|FR|SA|SU)$")
#: RFC 5545 ``ordwk``: a BYDAY position is 1..53 (or -53..-1); 0 is not a position.
MAX_BYDAY_ORDINAL = 53
#: Within a month a weekday occurs at most 5 times: 6MO..53MO would never match.
MAX_MONTHLY_ORDINAL = 5


# -- time helpers -------------------------------------------------------------------------
def utc(dt: datetime) -> datetime:
    """An aware UTC datetime; a naive one is taken as UTC."""
    if dt.tzinfo is None:
        return dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc)


def iso_utc(dt: datetime) -> str:
    """``2024-05-01T12:00:00Z``: UTC, whole seconds, Z suffix."""
    return utc(dt).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(text: str) -> datetime:
    """Parse an ISO 8601 date or date-time (``Z`` accepted); naive → UTC. ValueError if not."""
    s = text.strip()
    if not s:
        raise ValueError("empty text")
    if s.endswith(("Z", "z")):
        s = s[:-1] + "+00:00"
    try:
        return utc(datetime.fromisoformat(s))
    except ValueError:
        pass
    try:
        d = date.fromisoformat(s)
    except ValueError:
        raise ValueError(f"'{text}' is not an ISO 8601 date or time") from None
    return datetime(d.year, d.month, d.day, tzinfo=timezone.utc)


def to_utc_datetime(value: Any) -> datetime:
    """Convert what a QGIS expression may return into an aware UTC datetime.

    QDateTime (a local/unspecified time is taken as UTC, like a naive datetime),
    QDate (midnight UTC), datetime, date, or ISO 8601 text. Raises ValueError with
    user words when the value is NULL or not a time.
    """
    return to_utc_datetime_zone(value)[0]


def to_utc_datetime_zone(value: Any) -> Tuple[datetime, bool]:
    """``to_utc_datetime`` and whether the value said its time zone (False: it had
    none, a date alone or a local time, and was taken as UTC: the caller says so)."""
    if value is None or (isinstance(value, QVariant) and value.isNull()):
        raise ValueError("no value (NULL)")
    if isinstance(value, QDateTime):
        if not value.isValid():
            raise ValueError("invalid date-time")
        v = QDateTime(value)
        known = v.timeSpec() != Qt.TimeSpec.LocalTime
        if not known:
            v.setTimeSpec(Qt.TimeSpec.UTC)  # no zone given: UTC, never the machine's zone
        v = v.toUTC()
        d, t = v.date(), v.time()
        dt = datetime(
            d.year(), d.month(), d.day(), t.hour(), t.minute(), t.second(), tzinfo=timezone.utc
        )
        return dt, known
    if isinstance(value, QDate):
        if not value.isValid():
            raise ValueError("invalid date")
        return datetime(value.year(), value.month(), value.day(), tzinfo=timezone.utc), False
    if isinstance(value, datetime):
        return utc(value), value.tzinfo is not None
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=timezone.utc), False
    if isinstance(value, str):
        return parse_iso(value), _has_zone(value)
    raise ValueError(f"{value!r} is not a date or time")


def _has_zone(text: str) -> bool:
    """True when ISO 8601 text ends with ``Z`` or a ``±HH:MM`` offset after a time."""
    s = text.strip()
    if s.endswith(("Z", "z")):
        return True
    try:
        return datetime.fromisoformat(s).tzinfo is not None
    except ValueError:
        return False


def _dt_to_text(dt: Optional[datetime]) -> Optional[str]:
    return None if dt is None else iso_utc(dt)


def _dt_from_text(v: Any) -> Optional[datetime]:
    if v is None or v == "":
        return None
    if isinstance(v, datetime):
        return utc(v)
    return parse_iso(str(v))


# -- monitoring ----------------------------------------------------------------------------
@dataclass
class MonitoringCadence:
    """How often a MONITORING order images: becomes the order's ``rrule``."""

    freq: str = "WEEKLY"  # DAILY | WEEKLY | MONTHLY
    interval: int = 1
    count: int = 4  # required by the API, 1..365
    byday: str = ""  # e.g. "MO" or "MO,TH"; "" = none

    def rrule(self) -> str:
        """``FREQ=WEEKLY;COUNT=4;INTERVAL=1;BYDAY=MO`` (the docs' own order of parts)."""
        parts = [f"FREQ={str(self.freq).strip().upper()}", f"COUNT={int(self.count)}"]
        parts.append(f"INTERVAL={int(self.interval)}")
        byday = _norm_byday(self.byday)
        if byday:
            parts.append(f"BYDAY={byday}")
        return ";".join(parts)

    def problems(self) -> List[str]:
        out = []
        freq = str(self.freq or "").strip().upper()
        if freq in RRULE_REFUSED_FREQS:
            if freq == "YEARLY":
                out.append(
                    "Monitoring cadence cannot be yearly (the Tasking API refuses FREQ=YEARLY)."
                )
            else:
                out.append(
                    "Monitoring cadence must be at least one day (daily, weekly or monthly)."
                )
        elif freq not in RRULE_FREQS:
            out.append(f"Unknown monitoring frequency '{self.freq}': use DAILY, WEEKLY or MONTHLY.")
        if not _is_int(self.count) or not 1 <= int(self.count) <= MAX_MONITORING_COUNT:
            out.append(
                f"Monitoring count (number of captures) must be a whole number from 1 to "
                f"{MAX_MONITORING_COUNT}, not {self.count!r}."
            )
        if not _is_int(self.interval) or int(self.interval) < 1:
            out.append(
                f"Monitoring interval must be a whole number of at least 1, not {self.interval!r}."
            )
        for token in _split_byday(self.byday):
            m = _BYDAY_RE.match(token)
            if not m:
                out.append(
                    f"'{token}' is not a weekday for BYDAY: use MO, TU, WE, TH, FR, SA or SU."
                )
            elif m.group(1) and freq != "MONTHLY":
                out.append(
                    f"BYDAY '{token}' with a position only makes sense for a monthly cadence."
                )
            elif m.group(1):
                out.extend(_ordinal_problems(token, int(m.group(1))))
        if "BYYEARDAY" in str(self.byday).upper():
            out.append("BYYEARDAY is refused by the Tasking API.")
        return out

    def to_dict(self) -> dict:
        return {
            "freq": self.freq,
            "interval": self.interval,
            "count": self.count,
            "byday": self.byday,
        }

    @classmethod
    def from_dict(cls, d: Optional[dict]) -> Optional["MonitoringCadence"]:
        if not d:
            return None
        names = cls.__dataclass_fields__
        return cls(**{k: v for k, v in d.items() if k in names})


def _ordinal_problems(token: str, n: int) -> List[str]:
    """A monthly BYDAY position must be ±1..±5 (RFC 5545 allows ±1..±53, 0 never;
    dateutil refuses the same)."""
    if n == 0 or abs(n) > MAX_BYDAY_ORDINAL:
        return [
            f"BYDAY '{token}': the position must be 1 to {MAX_BYDAY_ORDINAL} or "
            f"-1 to -{MAX_BYDAY_ORDINAL} (e.g. 1MO for the first Monday, -1FR for the last Friday)."
        ]
    if abs(n) > MAX_MONTHLY_ORDINAL:
        return [
            f"BYDAY '{token}': a weekday occurs at most {MAX_MONTHLY_ORDINAL} times in a "
            f"month, so this position would never match (use 1 to {MAX_MONTHLY_ORDINAL}, "
            "or -1 for the last)."
        ]
    return []


def _split_byday(byday: Any) -> List[str]:
    return [t.strip().upper() for t in str(byday or "").replace(" ", ",").split(",") if t.strip()]


def _norm_byday(byday: Any) -> str:
    return ",".join(_split_byday(byday))


def _is_int(v: Any) -> bool:
    if isinstance(v, bool):
        return False
    if isinstance(v, int):
        return True
    return isinstance(v, float) and v.is_integer()


# -- parameters ----------------------------------------------------------------------------
def window_duration(days) -> timedelta:
    """``days`` as a window length; anything unreadable or out of 1..365 is the default."""
    try:
        n = int(days)
    except (TypeError, ValueError, OverflowError):
        n = DEFAULT_WINDOW_DAYS
    if not 1 <= n <= MAX_WINDOW_DAYS:
        n = DEFAULT_WINDOW_DAYS
    return timedelta(days=n)


@dataclass
class OrderParameters:
    """What every order of a job shares, plus the expressions evaluated per feature."""

    start_time: Optional[datetime] = None  # UTC-aware; None -> now + 25 h (when sent)
    end_time: Optional[datetime] = None  # None -> start + window_days
    scheduling_type: str = FLEXIBLE  # FLEXIBLE | MONITORING | ASSURED
    monitoring: Optional[MonitoringCadence] = None
    pl_number: Optional[str] = None
    product: Optional[str] = None
    sat_elevation_angle_min: Optional[float] = None
    sat_elevation_angle_max: Optional[float] = None
    extra_fields: dict = field(default_factory=dict)
    name_expression: str = ""  # "" -> default_name_expression(layer)
    start_expression: str = ""  # optional per-feature start time
    end_expression: str = ""
    multipart: str = MULTIPART_SPLIT  # split | refuse
    window_days: int = DEFAULT_WINDOW_DAYS  # default window length when no end is given

    # -- derived -----------------------------------------------------------------------
    @property
    def scheduling(self) -> str:
        return str(self.scheduling_type or FLEXIBLE).strip().upper()

    def cadence(self) -> MonitoringCadence:
        return self.monitoring if self.monitoring is not None else MonitoringCadence()

    def resolved_times(self, now: Optional[datetime] = None) -> Tuple[datetime, datetime]:
        """(start, end) with the defaults applied: start = now + 25 h, end = start +
        ``window_days`` (14 unless the user set another default)."""
        now = utc(now) if now else datetime.now(timezone.utc)
        start = (
            utc(self.start_time)
            if self.start_time
            else (now + DEFAULT_START_DELAY).replace(microsecond=0)
        )
        end = utc(self.end_time) if self.end_time else start + self.default_duration()
        return start, end

    def default_duration(self) -> timedelta:
        """The window after a start when no end is given (the user's setting, in days)."""
        return window_duration(self.window_days)

    def resolved(self, now: Optional[datetime] = None) -> "OrderParameters":
        """A copy with the default times filled in: what the job records and sends."""
        start, end = self.resolved_times(now)
        d = self.to_dict()
        d["start_time"], d["end_time"] = iso_utc(start), iso_utc(end)
        if self.scheduling == MONITORING and self.monitoring is None:
            d["monitoring"] = MonitoringCadence().to_dict()
        return OrderParameters.from_dict(d)

    def shared_fields(self, now: Optional[datetime] = None) -> dict:
        """The payload keys every order shares, in payload order (after name and geometry)."""
        start, end = self.resolved_times(now)
        out = {"start_time": iso_utc(start)}
        sched = self.scheduling
        if sched != MONITORING:
            out["end_time"] = iso_utc(end)
        if sched != FLEXIBLE:
            out["scheduling_type"] = sched
        if sched == MONITORING:
            out["rrule"] = self.cadence().rrule()
        if self.pl_number and str(self.pl_number).strip():
            out["pl_number"] = str(self.pl_number).strip()
        if self.product and str(self.product).strip():
            out["product"] = str(self.product).strip()
        if self.sat_elevation_angle_min is not None:
            out["sat_elevation_angle_min"] = _num(self.sat_elevation_angle_min)
        if self.sat_elevation_angle_max is not None:
            out["sat_elevation_angle_max"] = _num(self.sat_elevation_angle_max)
        for k, v in (self.extra_fields or {}).items():
            out[str(k)] = v
        return out

    # -- serialisation -------------------------------------------------------------------
    def to_dict(self) -> dict:
        """JSON-serialisable (times as ISO text)."""
        return {
            "start_time": _dt_to_text(self.start_time),
            "end_time": _dt_to_text(self.end_time),
            "scheduling_type": self.scheduling_type,
            "monitoring": self.monitoring.to_dict() if self.monitoring else None,
            "pl_number": self.pl_number,
            "product": self.product,
            "sat_elevation_angle_min": self.sat_elevation_angle_min,
            "sat_elevation_angle_max": self.sat_elevation_angle_max,
            "extra_fields": dict(self.extra_fields or {}),
            "name_expression": self.name_expression,
            "start_expression": self.start_expression,
            "end_expression": self.end_expression,
            "multipart": self.multipart,
            "window_days": self.window_days,
        }

    @classmethod
    def from_dict(cls, d: Optional[dict]) -> "OrderParameters":
        """Inverse of :meth:`to_dict`; unknown keys (a newer version's) are ignored."""
        d = dict(d or {})
        names = cls.__dataclass_fields__
        kw = {k: v for k, v in d.items() if k in names}
        kw["start_time"] = _dt_from_text(kw.get("start_time"))
        kw["end_time"] = _dt_from_text(kw.get("end_time"))
        mon = kw.get("monitoring")
        kw["monitoring"] = (
            mon if isinstance(mon, MonitoringCadence) else MonitoringCadence.from_dict(mon)
        )
        kw["extra_fields"] = dict(kw.get("extra_fields") or {})
        for k in ("name_expression", "start_expression", "end_expression"):
            kw[k] = kw.get(k) or ""
        return cls(**kw)


def _num(v: Any) -> Any:
    f = float(v)
    return int(f) if f.is_integer() else f


# -- validation ----------------------------------------------------------------------------
def validate_parameters(params: OrderParameters, now: Optional[datetime] = None) -> List[str]:
    """Form-level problems in the user's words; an empty list means the parameters are fine.

    Layer-dependent checks (unknown fields in expressions) are done by
    ``build.validate_for_layer``; per-feature values by ``build_targets``.
    """
    from qgis.core import QgsExpression  # local: keeps this module importable without a layer

    problems: List[str] = []
    now = utc(now) if now else datetime.now(timezone.utc)
    sched = params.scheduling
    if sched not in SCHEDULING_TYPES:
        problems.append(
            f"Unknown scheduling type '{params.scheduling_type}': "
            f"use {', '.join(SCHEDULING_TYPES)}."
        )
    elif sched == ASSURED:
        problems.append(ASSURED_REFUSED)

    # times
    for label, value in (("Start time", params.start_time), ("End time", params.end_time)):
        if value is not None and not isinstance(value, datetime):
            problems.append(f"{label} must be a date and time, not {value!r}.")
    if all(v is None or isinstance(v, datetime) for v in (params.start_time, params.end_time)):
        start, end = params.resolved_times(now)
        if sched != MONITORING:
            if end <= start:
                problems.append(
                    f"End time ({iso_utc(end)}) must be after start time ({iso_utc(start)})."
                )
            if end <= now:
                problems.append(f"End time ({iso_utc(end)}) is in the past.")

    # monitoring
    if sched == MONITORING:
        problems.extend(params.cadence().problems())

    # optional fields
    if params.pl_number is not None and str(params.pl_number).strip():
        if not str(params.pl_number).strip().upper().startswith("PL-"):
            problems.append(f"PL number '{params.pl_number}' should look like 'PL-123456'.")
    if params.product is not None and not isinstance(params.product, str):
        problems.append("Product must be text.")
    angles = {}
    for key in ("sat_elevation_angle_min", "sat_elevation_angle_max"):
        v = getattr(params, key)
        if v is None:
            continue
        label = "Minimum" if key.endswith("min") else "Maximum"
        try:
            f = float(v)
        except (TypeError, ValueError):
            problems.append(f"{label} satellite elevation angle must be a number, not {v!r}.")
            continue
        if isinstance(v, bool) or not math.isfinite(f) or not 0 <= f <= 90:
            problems.append(
                f"{label} satellite elevation angle must be between 0 and 90 degrees, not {v}."
            )
            continue
        angles[key] = f
    if len(angles) == 2 and angles["sat_elevation_angle_min"] > angles["sat_elevation_angle_max"]:
        problems.append(
            "Minimum satellite elevation angle must not be greater than the maximum "
            f"({angles['sat_elevation_angle_min']:g} > {angles['sat_elevation_angle_max']:g})."
        )

    # extra fields
    extra = params.extra_fields
    if extra is None:
        extra = {}
    if not isinstance(extra, dict):
        problems.append("Extra fields must be a set of key/value pairs (a JSON object).")
    else:
        for k in extra:
            if not isinstance(k, str) or not k.strip():
                problems.append(f"Extra field names must be non-empty text, not {k!r}.")
            elif k in RESERVED_KEYS:
                problems.append(
                    f"Extra field '{k}' is set by the plugin itself and cannot be overridden; "
                    "use the form (or the name/time expressions) instead."
                )
            elif k == "imaging_window":
                problems.append(
                    "Extra field 'imaging_window' is only for assured orders, which are not "
                    "supported yet (an imaging window is chosen per location, not one for all)."
                )
            elif k in OPTIONAL_KEYS and getattr(params, k) not in (None, ""):
                problems.append(
                    f"Extra field '{k}' clashes with the value set in the form; keep only one."
                )
        try:
            json.dumps(extra, allow_nan=False)
        except (TypeError, ValueError) as e:
            problems.append(f"Extra fields must be plain JSON values: {e}.")

    # multipart
    if params.multipart not in MULTIPART_MODES:
        problems.append(
            f"Multipart handling must be 'split' or 'refuse', not '{params.multipart}'."
        )

    # expressions (syntax only: fields are checked against the layer)
    for label, text in (
        ("Name expression", params.name_expression),
        ("Start time expression", params.start_expression),
        ("End time expression", params.end_expression),
    ):
        if text and text.strip():
            e = QgsExpression(text)
            if e.hasParserError():
                problems.append(f"{label} is not valid: {e.parserErrorString()}")
    return problems
