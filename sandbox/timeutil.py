"""ISO 8601 <-> epoch seconds, tolerant on input and always UTC with Z on output.

Written by hand because datetime.fromisoformat only learnt "Z" and arbitrary fraction digits
in Python 3.11, and QGIS ships older Pythons too.
"""

import re
from datetime import datetime, timedelta, timezone
from typing import Optional

_ISO = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?"
    r"(Z|z|[+-]\d{2}:?\d{2})?$"
)
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def parse_iso(text: str) -> float:
    """Epoch seconds of an ISO 8601 date-time; naive times count as UTC. ValueError if bad."""
    m = _ISO.match(text.strip()) if isinstance(text, str) else None
    if not m:
        raise ValueError("is not an ISO 8601 date-time (e.g. 2030-01-31T12:00:00Z)")
    year, month, day, hour, minute = (int(g) for g in m.groups()[:5])
    second = int(m.group(6) or 0)
    fraction = float("0." + m.group(7)) if m.group(7) else 0.0
    dt = datetime(year, month, day, hour, minute, second, tzinfo=timezone.utc)  # may raise
    zone = m.group(8)
    if zone and zone.upper() != "Z":
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        dt -= sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return (dt - _EPOCH).total_seconds() + fraction


def fmt_iso(epoch: Optional[float]) -> Optional[str]:
    """UTC ISO 8601 with Z; microseconds only when there are some."""
    if epoch is None:
        return None
    dt = _EPOCH + timedelta(microseconds=round(epoch * 1_000_000))
    if dt.microsecond:
        return dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")
