"""The rules every build path follows, each written once: how a feature's name is
cleaned, how a point is rounded (7 decimals) and range-checked, how big its JSON is,
how its Target is made, how parts and skips become targets, which names are
duplicates, how progress and cancelling are reported.

The three build paths (points_fast.read_ogr: the OGR bulk reader; points_fast.read_points:
QgsFeatures of a point layer; general.read_general: any layer, any expression) only
differ in how they *read*; what they read goes through ``point_targets`` (points) or
``part_targets`` (everything else). ``point_targets`` works on whole columns with NumPy
when it is there (the speed of a 100,000-point build), one value at a time otherwise,
with the same results (tests/qgis/test_payloads_fastpath.py).
"""

import math
from collections import Counter
from itertools import repeat
from json.encoder import encode_basestring
from typing import Dict, Iterable, List, Optional

from ..model.chunking import payload_size
from ..model.job import Target, TargetStatus
from . import fast_read
from .geometry import SCALE, round7
from .naming import MAX_NAME_LENGTH, name_and_warnings

PROGRESS_EVERY = 1000
READY, SKIPPED = TargetStatus.READY, TargetStatus.SKIPPED


# -- names --------------------------------------------------------------------------------
def clean_name(v, layer_name: str, fid: int):
    """(name, warnings or None) for a name expression's value: stripped text, or
    naming.name_and_warnings' fallback and notes (empty, no text, too long)."""
    name = v.strip() if v.__class__ is str else ""
    if not name or len(name) > MAX_NAME_LENGTH:
        return name_and_warnings(v, layer_name, fid)
    return name, None


def clean_names(values: list, layer_name: str, fids: List[int]):
    """``clean_name`` of each value: (names, warnings list or None when no name has one)."""
    try:
        names = list(map(str.strip, values))  # the common case: every value text
    except TypeError:
        names = None
    if names is not None and all(names) and max(map(len, names), default=0) <= MAX_NAME_LENGTH:
        return names, None
    out = list(map(clean_name, values, repeat(layer_name), fids))
    names = [n for n, _ in out]
    warnings = [w for _, w in out]
    return names, (warnings if any(warnings) else None)


def duplicate_names(names: Iterable[str]) -> Dict[str, int]:
    """{name: count} of the names used more than once."""
    names = names if isinstance(names, list) else list(names)
    counts = Counter(names)
    if len(counts) == len(names):
        return {}
    return {n: c for n, c in counts.items() if c > 1}


def ready_duplicate_names(targets: List[Target]) -> Dict[str, int]:
    """``duplicate_names`` of the orders that will be sent (READY targets)."""
    return duplicate_names([t.name for t in targets if t.status == READY])


# -- sizes ----------------------------------------------------------------------------------
def str_size(text: str) -> int:
    """Bytes of ``text`` as a JSON string in what the client sends (UTF-8, no escapes
    but the JSON ones)."""
    s = encode_basestring(text)
    return len(s) if s.isascii() else len(s.encode("utf-8", "surrogatepass"))


def str_sizes(texts: List[str]):
    """``str_size`` of each text (an iterator), fast when all of them are ASCII."""
    if "".join(texts).isascii():
        return map(len, map(encode_basestring, texts))
    return map(str_size, texts)


def point_base(shared) -> int:
    """Exact size of a point payload (as sent) without per-feature times, less its name
    and two numbers: add ``str_size(name)`` and both numbers' reprs."""
    empty = {"name": "", "geometry": {"type": "Point", "coordinates": [0.0, 0.0]}, **shared}
    return payload_size(empty) - len('""') - 2 * len("0.0")


# -- points ------------------------------------------------------------------------------
def plain_point(g, multi):
    """The point of ``g`` when it is a plain point (with ``multi``: a one-part MultiPoint,
    as shapefiles and many GeoPackages store points), else None (null, empty, several
    parts, another type)."""
    try:
        if multi:
            mp = g.asMultiPoint()  # TypeError: another type; ValueError: null
            return mp[0] if len(mp) == 1 else None
        return g.asPoint()
    except (TypeError, ValueError):
        return None


def place_points(converter, xs, ys):
    """Source coordinates (lists or NumPy arrays) → (lon, lat, x, y, ok): WGS 84,
    rounded to 7 decimals (``geometry.round7``), ``ok`` where the rounded point is within
    -180..180 / -90..90. Lists, or NumPy arrays when NumPy is there."""
    if fast_read.available():
        np = fast_read._np
        xs = np.asarray(xs, dtype=np.float64)
        ys = np.asarray(ys, dtype=np.float64)
        lonlat = fast_read.transform_xy(converter.ct, xs, ys)
        if lonlat is None:
            lons, lats = converter.transform_points(xs.tolist(), ys.tolist())
            lonlat = np.asarray(lons, dtype=np.float64), np.asarray(lats, dtype=np.float64)
        lon, lat = lonlat
        with np.errstate(invalid="ignore", over="ignore"):
            loose = (lon > -181.0) & (lon < 181.0) & (lat > -91.0) & (lat < 91.0)
            # round7 on whole columns; + 0.0: -0.0 becomes 0.0, as round() gives
            xr = np.where(loose, np.rint(lon * SCALE) / SCALE + 0.0, 0.0)
            yr = np.where(loose, np.rint(lat * SCALE) / SCALE + 0.0, 0.0)
            ok = loose & (xr >= -180.0) & (xr <= 180.0) & (yr >= -90.0) & (yr <= 90.0)
        return lon, lat, xr, yr, ok
    lon, lat = converter.transform_points(list(xs), list(ys))
    xr, yr, ok = [], [], []
    for a, b in zip(lon, lat):
        # loose test first (also false for NaN), so rounding never sees inf
        good = -181.0 < a < 181.0 and -91.0 < b < 91.0
        x, y = (round7(a), round7(b)) if good else (0.0, 0.0)
        xr.append(x)
        yr.append(y)
        ok.append(good and -180.0 <= x <= 180.0 and -90.0 <= y <= 90.0)
    return lon, lat, xr, yr, ok


def _number_sizes(xr, yr):
    if fast_read.available() and not isinstance(xr, list):
        return fast_read.repr_len7(xr) + fast_read.repr_len7(yr)
    r = float.__repr__
    return [len(r(x)) + len(r(y)) for x, y in zip(xr, yr)]


def point_targets(
    result,
    converter,
    shared: dict,
    fids: List[int],
    names: List[str],
    xs,
    ys,
    *,
    warnings: Optional[list] = None,
    specials: Optional[Dict[int, list]] = None,
    reasons: Optional[list] = None,
    times: Optional[list] = None,
):
    """Targets for points read by any path, in the given order: READY with a payload
    and its size (``result.payload_sizes``) when the point is in range and the feature
    has no ``reasons`` entry, else SKIPPED with why.

    ``xs``/``ys``: source coordinates, NaN where the feature is not a plain point: its
    converter parts are in ``specials`` (fid -> parts). ``warnings``, ``reasons`` and
    ``times`` (per-feature start/end overrides) are aligned with ``fids`` or None.
    """
    lon, lat, xr, yr, ok = place_points(converter, xs, ys)
    sizes = result.payload_sizes
    base = point_base(shared)
    targets = result.targets
    keys = list(map(str, fids))
    x_list = xr if isinstance(xr, list) else xr.tolist()
    y_list = yr if isinstance(yr, list) else yr.tolist()
    ok_list = ok if isinstance(ok, list) else ok.tolist()
    if warnings is None and reasons is None and times is None and all(ok_list):
        # the common case: every feature a good point with a clean name
        payloads = [
            {"name": n, "geometry": {"type": "Point", "coordinates": [x, y]}, **shared}
            for n, x, y in zip(names, x_list, y_list)
        ]
        targets.extend(map(Target, keys, fids, names, payloads, repeat(READY)))
        name_sizes = list(str_sizes(names))
        num = _number_sizes(xr, yr)
        num = num if isinstance(num, list) else num.tolist()
        sizes.update(zip(keys, map(base.__add__, map(int.__add__, name_sizes, num))))
        return
    transformed = converter.ct is not None
    specials = specials or {}
    append = targets.append
    float_repr = float.__repr__
    for i, (key, fid, name, x, y, good) in enumerate(
        zip(keys, fids, names, x_list, y_list, ok_list)
    ):
        w = warnings[i] if warnings is not None else None
        reason = reasons[i] if reasons is not None else None
        t = times[i] if times is not None else None
        if good and reason is None:
            payload = {"name": name, "geometry": {"type": "Point", "coordinates": [x, y]}}
            payload.update(shared)
            if t is None:
                sizes[key] = base + str_size(name) + len(float_repr(x)) + len(float_repr(y))
            else:
                payload.update(t)
            append(Target(key, fid, name, payload, READY, warnings=list(w) if w else []))
            continue
        parts = specials.get(fid)
        if parts is None:
            if good:
                parts = [(None, {"type": "Point", "coordinates": [x, y]}, None)]
            else:  # a point that did not make it: say why
                sx, sy = float(xs[i]), float(ys[i])
                if not (math.isfinite(sx) and math.isfinite(sy)):
                    why = converter.point_reason(sx, sy, False)
                else:
                    why = converter.point_reason(float(lon[i]), float(lat[i]), transformed)
                parts = [(None, None, why)]
        part_targets(append, fid, name, w, parts, shared, reason, t)


def part_targets(append, fid, name, warnings, parts, shared, reason=None, times=None):
    """Append one target per ``(part, geometry, reason)`` of ``parts`` (part None: the
    whole feature). A part is SKIPPED when it or the feature (``reason``) has a
    problem; else READY with the shared fields and the feature's ``times``."""
    for p in parts:
        part, geom, geom_reason = p[0], p[1], p[2]
        if part is None:
            key, tname = str(fid), name
        else:
            key, tname = f"{fid}.{part}", f"{name} (part {part})"
        why = reason
        if geom_reason is not None:
            why = f"{why}; {geom_reason}" if why else geom_reason
        w = list(warnings) if warnings else []
        if len(p) > 3:  # a note from the converter (an antimeridian cut)
            w.append(p[3])
        if why is not None:
            append(Target(key, fid, tname, None, SKIPPED, why, part=part, warnings=w))
            continue
        payload = {"name": tname, "geometry": geom}
        payload.update(shared)
        if times is not None:
            payload.update(times)
        append(Target(key, fid, tname, payload, READY, part=part, warnings=w))


# -- progress -------------------------------------------------------------------------------
def read_cancelled(feedback, result, count, total) -> bool:
    """Every PROGRESS_EVERY features read: report progress (reading is the first 90 %);
    True, with ``result.cancelled`` set, when the feedback was cancelled."""
    if feedback is None:
        return False
    if feedback.isCanceled():
        result.cancelled = True
        return True
    if total:
        feedback.setProgress(min(99.0, 90.0 * count / total))
    return False
