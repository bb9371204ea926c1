"""Features of any QgsVectorLayer → validated tasking order payloads, in bulk-sized chunks.

The contract (docs/ARCHITECTURE.md)::

    OrderParameters, MonitoringCadence, default_name_expression, validate_parameters,
    build_targets(...) -> BuildResult, make_chunks(...), create_job(...) -> BulkJob

Every feature asked for ends up as exactly one Target per order-to-be: READY with a
payload, or SKIPPED with a reason in the user's words. Nothing is dropped silently:
features asked for by id that the layer does not have become SKIPPED targets too.

Payload shape (Planet's tutorial, plus optional keys only when set)::

    {"name": ..., "geometry": {"type": "Point", "coordinates": [lon, lat]},
     "start_time": "...Z", "end_time": "...Z",
     ["scheduling_type", "rrule", "pl_number", "product",
      "sat_elevation_angle_min", "sat_elevation_angle_max", <extra_fields>]}

See ``parameters.py`` (times, scheduling type, monitoring), ``geometry.py``
(geometry rules), ``naming.py`` (names and expressions) and ``chunking.py``.

Decisions:

* ``scheduling_type`` is omitted for FLEXIBLE (the API's default; the payload is then
  exactly the tutorial's shape) and sent for MONITORING / ASSURED.
* MONITORING payloads carry ``rrule`` and ``start_time`` but no ``end_time`` (ignored by
  the API); a MONITORING job without a cadence uses ``MonitoringCadence()``.
* An empty/NULL name becomes ``"<layer name> <feature id>"`` with a warning on the
  target (it is still sent); an expression error skips the target with the error text.
* Multipart parts are named ``"<name> (part N)"``, keyed ``"<fid>.<N>"``, ``part=N``.
* A line or polygon crossing the antimeridian becomes one target per side, numbered
  like multipart parts, each with a warning (core/antimeridian.py).
* Per-feature times keep the zone the data has; a time without one is taken as UTC
  with a warning on the target (``NO_TIME_ZONE``), never silently.
* Ids asked for (selection, ``feature_ids``) that the layer's subset filter hides are
  "not found", on every path (some providers would return them by id).
* ``job_hints(targets)``: job-level notes for the preview (swapped X/Y in bulk, times
  without a zone, names that are no text or over 256 characters, antimeridian cuts).
* Targets follow the selection (sorted ids) or the ``feature_ids`` order; with
  ``selected_only=False`` the provider's order. ``feature_ids`` wins over ``selected_only``.
* Invalid shared parameters raise ``InvalidParameters`` (nothing could be built);
  per-feature problems never raise.
* Build on the main thread (it reads the layer); the result is plain Python.

Speed: point layers named by a field (or the default) take ``_fast_points``: one read
pass into flat lists, PROJ transforms in batches, then targets; the cyclic GC is paused
while hundreds of thousands of small containers are made. OGR point layers (GeoPackage,
shapefile) first try ``_ogr_points``: core/fast_read.py reads fid, name and WKB in Arrow
batches (no QgsFeature per feature), decodes, transforms (same QgsCoordinateTransform),
rounds and sizes vectorised with NumPy. It is taken only when the result is provably the
general path's (see fast_read's module doc; ``FAST_READ = False`` forces the general path)
and tests/qgis/test_payloads_fastpath.py checks both agree. See bench/bench_payloads.py.
"""

import gc
import math
import re
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from itertools import repeat
from json.encoder import encode_basestring
from typing import Dict, Iterable, List, Optional

from qgis.core import (
    QgsCoordinateTransformContext,
    QgsFeature,
    QgsFeatureRequest,
    QgsFeedback,
    QgsVectorLayer,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QDateTime, Qt

from ..model.chunking import MAX_BYTES, MAX_PAYLOADS, make_chunks, payload_size
from ..model.job import BulkJob, LayerRef, Target, TargetStatus
from .antimeridian import CROSSES
from .geometry import SCALE, SWAPPED_QUESTION, GeometryConverter, round7
from .naming import (
    MAX_NAME_LENGTH,
    NOT_TEXT_NAME,
    FeatureExpression,
    default_name_expression,
    fallback_name,
    is_null,
    make_context,
    name_and_warnings,
    referenced_columns,
)
from .parameters import (
    ALLOWED_GEOMETRIES,
    MONITORING,
    SCHEDULING_TYPES,
    MonitoringCadence,
    OrderParameters,
    iso_utc,
    to_utc_datetime_zone,
    utc,
    validate_parameters,
)

__all__ = [
    "ALLOWED_GEOMETRIES",
    "BuildCancelled",
    "BuildResult",
    "InvalidParameters",
    "MAX_BYTES",
    "MAX_PAYLOADS",
    "MonitoringCadence",
    "OrderParameters",
    "SCHEDULING_TYPES",
    "build_targets",
    "create_job",
    "default_name_expression",
    "job_hints",
    "layer_ref",
    "make_chunks",
    "payload_size",
    "strip_credentials",
    "validate_for_layer",
    "validate_parameters",
]

PROGRESS_EVERY = 1000
#: start of the warning on a target whose per-feature time had no zone (taken as UTC)
NO_TIME_ZONE = "no time zone"
#: Read OGR point layers in bulk (core/fast_read.py) when the result is provably the same.
#: False forces the general path (tests and bench/bench_payloads.py compare both).
FAST_READ = True
#: With a selection or feature ids, read in bulk only when they are at least this share of
#: the layer (a few ids are faster through QgsFeatureRequest.setFilterFids).
FAST_READ_MIN_SHARE = 0.1


class InvalidParameters(ValueError):
    """The shared parameters cannot make any valid order; ``problems`` lists why."""

    def __init__(self, problems: List[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


class BuildCancelled(Exception):
    """The feedback was cancelled while building targets."""


@dataclass
class BuildResult:
    targets: List[Target] = field(default_factory=list)  # READY or SKIPPED with reason
    duplicate_names: Dict[str, int] = field(default_factory=dict)  # name -> count (> 1)
    feature_count: int = 0  # features asked for (including ones not found)
    cancelled: bool = False
    warnings: List[str] = field(default_factory=list)  # job-level notes for the user
    #: JSON size of READY payloads already known while building (make_chunks(sizes=...))
    payload_sizes: Dict[str, int] = field(default_factory=dict, repr=False)

    @property
    def ready(self) -> List[Target]:
        return [t for t in self.targets if t.status == TargetStatus.READY]

    @property
    def skipped(self) -> List[Target]:
        return [t for t in self.targets if t.status == TargetStatus.SKIPPED]

    def reasons(self) -> Dict[str, int]:
        """Skip reasons and how many targets each (for a summary line)."""
        out: Dict[str, int] = {}
        for t in self.targets:
            if t.status == TargetStatus.SKIPPED:
                out[t.reason or "?"] = out.get(t.reason or "?", 0) + 1
        return out


# -- layer checks -------------------------------------------------------------------------
def validate_for_layer(layer: QgsVectorLayer, params: OrderParameters) -> List[str]:
    """validate_parameters plus what needs the layer: fields the expressions name, geometry."""
    problems = validate_parameters(params)
    if layer is None or not layer.isValid():
        return problems + ["The layer is not valid (its data source could not be opened)."]
    if layer.geometryType() == QgsWkbTypes.GeometryType.NullGeometry:
        problems.append(f"Layer '{layer.name()}' has no geometry: nothing can be located.")
    if not layer.crs().isValid():
        problems.append(
            f"Layer '{layer.name()}' has no coordinate reference system: set one first."
        )
    names = set(layer.fields().names())
    lower = {n.lower() for n in names}
    for label, text in (
        ("Name expression", params.name_expression),
        ("Start time expression", params.start_expression),
        ("End time expression", params.end_expression),
    ):
        if not text or not text.strip():
            continue
        from qgis.core import QgsExpression

        e = QgsExpression(text)
        if e.hasParserError():
            continue  # already reported by validate_parameters
        for col in e.referencedColumns():
            if (
                col != QgsFeatureRequest.ALL_ATTRIBUTES
                and col not in names
                and col.lower() not in lower
            ):
                problems.append(
                    f"{label} uses field '{col}', which layer '{layer.name()}' does not have."
                )
    return problems


# -- building --------------------------------------------------------------------------------
def build_targets(
    layer: QgsVectorLayer,
    params: OrderParameters,
    *,
    selected_only: bool = True,
    feature_ids: Optional[Iterable[int]] = None,
    transform_context: Optional[QgsCoordinateTransformContext] = None,
    feedback: Optional[QgsFeedback] = None,
    now: Optional[datetime] = None,
) -> BuildResult:
    """One Target per order-to-be for the selected features (or all, or ``feature_ids``,
    which takes precedence over ``selected_only``).

    Raises ``InvalidParameters`` when ``validate_parameters`` finds problems (no
    feature could make a valid order), ValueError for an invalid layer. Per-feature
    problems never raise: they make SKIPPED targets with a reason.
    """
    if layer is None or not isinstance(layer, QgsVectorLayer) or not layer.isValid():
        raise ValueError("the layer is not a valid vector layer")
    now = utc(now) if now else datetime.now(timezone.utc)
    problems = validate_parameters(params, now)
    if problems:
        raise InvalidParameters(problems)
    # Hundreds of thousands of small dicts/lists and no reference cycles: the cyclic
    # garbage collector would only rescan them over and over (~30 % of the time).
    with _gc_paused():
        return _build(layer, params, selected_only, feature_ids, transform_context, feedback, now)


@contextmanager
def _gc_paused():
    """Pause the cyclic garbage collector (nesting-safe): building makes hundreds of
    thousands of small containers and no cycles, and each automatic collection would
    rescan all of them."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _build(layer, params, selected_only, feature_ids, transform_context, feedback, now):
    result = BuildResult()
    sched = params.scheduling
    layer_name = layer.name()

    # which features
    request = QgsFeatureRequest()
    wanted: Optional[List[int]] = None
    if feature_ids is not None:
        wanted = list(dict.fromkeys(int(i) for i in feature_ids))
    elif selected_only:
        wanted = sorted(layer.selectedFeatureIds())
    if wanted is not None:
        if not wanted:
            return result
        request.setFilterFids(_within_subset(layer, wanted))
        total = len(wanted)
    else:
        total = max(layer.featureCount(), 0)
    result.feature_count = total

    # expressions, prepared once
    context = make_context(layer)
    name_text = (params.name_expression or "").strip() or default_name_expression(layer)
    name_expr = FeatureExpression(name_text, layer, context, "Name expression")
    start_expr = end_expr = None
    if params.start_expression and params.start_expression.strip():
        start_expr = FeatureExpression(
            params.start_expression, layer, context, "Start time expression"
        )
    if params.end_expression and params.end_expression.strip() and sched != MONITORING:
        end_expr = FeatureExpression(params.end_expression, layer, context, "End time expression")
    exprs = [e for e in (name_expr, start_expr, end_expr) if e is not None]
    cols = referenced_columns(exprs)
    if cols is not None:
        request.setSubsetOfAttributes(cols, layer.fields())

    # geometry
    converter = GeometryConverter(layer.crs(), transform_context, sched, params.multipart)
    if layer.geometryType() == QgsWkbTypes.GeometryType.NullGeometry:
        converter.problem = "the layer has no geometry"
        request.setFlags(QgsFeatureRequest.Flag.NoGeometry)
    point_fast = (
        converter.point_fast_path and layer.geometryType() == QgsWkbTypes.GeometryType.PointGeometry
    )
    point_multi = QgsWkbTypes.isMultiType(layer.wkbType())

    # shared payload part (key order: name, geometry, then these)
    shared = params.shared_fields(now)
    shared_start, shared_end = params.resolved_times(now)
    per_feature_times = start_expr is not None or end_expr is not None
    zones = None
    if per_feature_times:
        fids = request.filterFids() if wanted is not None else None
        zones = (_ogr_zones(layer, start_expr, fids), _ogr_zones(layer, end_expr, fids))
    end_fixed = params.end_time is not None
    window = params.default_duration()
    monitoring = sched == MONITORING

    seen: Optional[set] = None
    simple_names = name_expr.mode in (FeatureExpression.FIELD, FeatureExpression.FALLBACK)
    fast_ids = None
    if point_fast and simple_names and not per_feature_times and FAST_READ:
        fast_ids = _ogr_points(layer, result, converter, name_expr, shared, feedback, wanted)
        if fast_ids is not None and wanted is not None:
            seen = set(fast_ids)
    if fast_ids is not None:
        pass
    elif point_fast and simple_names and not per_feature_times:
        seen_ids = _fast_points(
            layer,
            request,
            result,
            converter,
            name_expr,
            shared,
            total,
            feedback,
            point_multi,
            wanted,
        )
        if wanted is not None:
            seen = set(seen_ids)
    else:
        seen = _generic(
            layer,
            request,
            result,
            converter,
            name_expr,
            start_expr,
            end_expr,
            shared,
            (shared_start, shared_end, end_fixed, now, monitoring, zones, window),
            total,
            feedback,
            wanted,
            point_fast,
            point_multi,
        )
    targets = result.targets
    append = targets.append
    READY, SKIPPED = TargetStatus.READY, TargetStatus.SKIPPED

    if seen is not None and not result.cancelled:
        for fid in wanted:
            if fid not in seen:
                append(
                    Target(
                        str(fid),
                        fid,
                        fallback_name(layer_name, fid),
                        None,
                        SKIPPED,
                        "the feature was not found in the layer (deleted, or filtered out "
                        "by the layer's subset filter?)",
                    )
                )

    # duplicate names among the orders that will be sent
    counts = Counter([t.name for t in targets if t.status == READY])
    dups = {n: c for n, c in counts.items() if c > 1} if len(counts) < len(targets) else {}
    if dups:
        for t in targets:
            c = dups.get(t.name) if t.status == READY else None
            if c:
                t.warnings.append(f"duplicate name: {c} orders are named '{t.name}' (sent anyway)")
        result.duplicate_names = dups
        result.warnings.append(
            f"{sum(dups.values())} orders share {len(dups)} names; they are sent anyway."
        )
    if feedback is not None and not result.cancelled:
        feedback.setProgress(100.0)
    return result


def _within_subset(layer, wanted: List[int]) -> List[int]:
    """``wanted`` less the ids the layer's subset filter hides.

    Some providers (OGR in QGIS 3.22) return a feature asked for by id even when the
    subset filter excludes it; the bulk reader and a full read never do. Asking only
    for the ids the filtered layer has gives every build path the same answer: the
    others end up "not found ... filtered out by the layer's subset filter?"."""
    if not (layer.subsetString() or "").strip():
        return wanted
    present = set(layer.allFeatureIds())  # one pass without geometry or attributes
    return [fid for fid in wanted if fid in present]


def _read_cancelled(feedback, result, count, total) -> bool:
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


def _plain_point(g, multi):
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


def _str_size(text: str) -> int:
    """Bytes of ``text`` as a JSON string in what the client sends (UTF-8, no escapes
    but the JSON ones)."""
    s = encode_basestring(text)
    return len(s) if s.isascii() else len(s.encode("utf-8", "surrogatepass"))


def _str_sizes(texts: List[str]):
    """``_str_size`` of each text (an iterator), fast when all of them are ASCII."""
    if "".join(texts).isascii():
        return map(len, map(encode_basestring, texts))
    return map(_str_size, texts)


def _point_base(shared) -> int:
    """Exact size of a point payload (as sent) without per-feature times, less its name
    and two numbers: add ``_str_size(name)`` and both numbers' reprs."""
    empty = {"name": "", "geometry": {"type": "Point", "coordinates": [0.0, 0.0]}, **shared}
    return payload_size(empty) - len('""') - 2 * len("0.0")


def _fast_points(
    layer, request, result, converter, name_expr, shared, total, feedback, multi, wanted
):
    """The common case, tuned: a point layer, names from one field (or the fallback),
    shared times. Pass 1 only reads (id, name value, x, y) into flat lists; pass 2
    transforms all points in PROJ batches and makes the targets. Features that are
    not plain points (null, several parts...) go through ``converter.convert``.

    Returns the list of feature ids read.
    """
    layer_name = layer.name()
    name_idx = name_expr.field_index if name_expr.mode == FeatureExpression.FIELD else -1
    convert = converter.convert
    nan = math.nan
    ids: List[int] = []
    raw: list = []
    xs: List[float] = []
    ys: List[float] = []
    add_id, add_raw, add_x, add_y = ids.append, raw.append, xs.append, ys.append
    specials: Dict[int, list] = {}  # fid -> converter parts, for anything not a plain point
    f = QgsFeature()
    iterator = layer.getFeatures(request)
    next_feature = iterator.nextFeature
    count = 0
    while next_feature(f):
        count += 1
        if count % PROGRESS_EVERY == 0 and _read_cancelled(feedback, result, count, total):
            break
        fid = f.id()
        g = f.geometry()
        p = _plain_point(g, multi)
        if p is None:
            specials[fid] = convert(g)
            add_x(nan)
            add_y(nan)
        else:
            add_x(p.x())
            add_y(p.y())
        add_id(fid)
        add_raw(f.attribute(name_idx) if name_idx >= 0 else None)
    del iterator
    if wanted is not None and len(ids) > 1:
        # providers return filtered ids in any order: follow the selection/ids order
        order = {fid: i for i, fid in enumerate(wanted)}
        perm = sorted(range(len(ids)), key=lambda i: order.get(ids[i], 0))
        ids = [ids[i] for i in perm]
        raw = [raw[i] for i in perm]
        xs = [xs[i] for i in perm]
        ys = [ys[i] for i in perm]

    lons, lats = converter.transform_points(xs, ys)
    transformed = converter.ct is not None
    targets = result.targets
    append = targets.append
    READY = TargetStatus.READY
    sizes = result.payload_sizes
    point_base = _point_base(shared)
    enc_str = encode_basestring
    float_repr = float.__repr__
    template = {"name": None, "geometry": None, **shared}  # copy() keeps the key order
    position = None
    for fid, v, lon, lat in zip(ids, raw, lons, lats):
        warnings = None
        if name_idx < 0:
            name = f"{layer_name} {fid}"
        else:
            # the common case inline: short, non-empty text
            name = v.strip() if v.__class__ is str else ""
            if not name or len(name) > MAX_NAME_LENGTH:
                name, warnings = name_and_warnings(v, layer_name, fid)
        # loose test first (also false for NaN), so the fast rounding never sees inf
        if -181.0 < lon < 181.0 and -91.0 < lat < 91.0:
            x = round(lon * SCALE) / SCALE
            y = round(lat * SCALE) / SCALE
            in_range = -180.0 <= x <= 180.0 and -90.0 <= y <= 90.0
        else:
            in_range = False
        if in_range:
            key = str(fid)
            payload = template.copy()
            payload["name"] = name
            payload["geometry"] = {"type": "Point", "coordinates": [x, y]}
            js = enc_str(name)  # inline _str_size: this loop runs once per feature
            js_len = len(js) if js.isascii() else len(js.encode("utf-8", "surrogatepass"))
            sizes[key] = point_base + js_len + len(float_repr(x)) + len(float_repr(y))
            if warnings:
                append(Target(key, fid, name, payload, READY, warnings=warnings))
            else:
                append(Target(key, fid, name, payload, READY))
            continue
        if position is None:
            position = {fid: i for i, fid in enumerate(ids)}
        i = position[fid]
        _point_not_ready(
            targets,
            converter,
            shared,
            specials,
            transformed,
            fid,
            name,
            warnings,
            xs[i],
            ys[i],
            lon,
            lat,
        )
    return ids


def _ogr_points(layer, result, converter, name_expr, shared, feedback, wanted):
    """``_fast_points`` for OGR layers read in bulk (core/fast_read.py): same targets,
    same order, same sizes. Returns the feature ids read, or None when the layer is
    not one the bulk reader can read exactly (nothing is added to ``result`` then)."""
    from . import fast_read

    if wanted is not None:
        count = layer.featureCount()
        if count <= 0 or len(wanted) < FAST_READ_MIN_SHARE * count:
            return None
    name_field = None
    if name_expr.mode == FeatureExpression.FIELD:
        name_field = layer.fields().at(name_expr.field_index).name()
    batch = fast_read.read_points(layer, name_field, feedback)
    if batch is None:
        return None
    np = fast_read._np
    fids, xs, ys, names_raw = batch.fids, batch.xs, batch.ys, batch.names
    if wanted is not None:
        want = np.asarray(wanted, dtype=np.int64)
        keep = np.isin(fids, want)
        fids, xs, ys = fids[keep], xs[keep], ys[keep]
        if names_raw is not None:
            names_raw = names_raw[keep]
        # follow the selection / ids order
        sorter = np.argsort(want, kind="stable")
        pos = sorter[np.searchsorted(want, fids, sorter=sorter)]
        perm = np.argsort(pos, kind="stable")
        fids, xs, ys = fids[perm], xs[perm], ys[perm]
        if names_raw is not None:
            names_raw = names_raw[perm]
    fid_list = fids.tolist()

    # geometries that are not plain points: read through QGIS, handled as _fast_points does
    specials: Dict[int, list] = {}
    special_ids = set(batch.special)
    if wanted is not None and special_ids:
        special_ids &= set(fid_list)
    if special_ids:
        multi = QgsWkbTypes.isMultiType(layer.wkbType())
        req = QgsFeatureRequest().setFilterFids(sorted(special_ids))
        req.setNoAttributes()
        points = {}
        for f in layer.getFeatures(req):
            fid = f.id()
            special_ids.discard(fid)
            g = f.geometry()
            p = _plain_point(g, multi)
            if p is None:
                specials[fid] = converter.convert(g)
            else:
                points[fid] = (p.x(), p.y())
        if special_ids:  # QGIS does not see what OGR read: let the general path do it
            return None
        if points:
            xs, ys = xs.copy(), ys.copy()
            for i, fid in enumerate(fid_list):
                xy = points.get(fid)
                if xy is not None:
                    xs[i], ys[i] = xy

    # names (strict UTF-8: anything else is read by QGIS on the general path)
    layer_name = layer.name()
    if names_raw is None:
        names = [f"{layer_name} {fid}" for fid in fid_list]
    else:
        try:
            names = list(map(str.strip, map(_utf8, names_raw.tolist())))
        except UnicodeDecodeError:
            return None

    # transform (one PROJ call), round to 7 decimals, range check: vectorised
    lonlat = fast_read.transform_xy(converter.ct, xs, ys)
    if lonlat is None:
        lons, lats = converter.transform_points(xs.tolist(), ys.tolist())
        lonlat = np.asarray(lons, dtype=np.float64), np.asarray(lats, dtype=np.float64)
    lon, lat = lonlat
    transformed = converter.ct is not None
    with np.errstate(invalid="ignore", over="ignore"):
        loose = (lon > -181.0) & (lon < 181.0) & (lat > -91.0) & (lat < 91.0)
        # + 0.0: -0.0 becomes 0.0, as Python's int-returning round() gives
        xr = np.where(loose, np.rint(lon * SCALE) / SCALE + 0.0, 0.0)
        yr = np.where(loose, np.rint(lat * SCALE) / SCALE + 0.0, 0.0)
        ok = loose & (xr >= -180.0) & (xr <= 180.0) & (yr >= -90.0) & (yr <= 90.0)

    targets = result.targets
    READY = TargetStatus.READY
    sizes = result.payload_sizes
    # exact json.dumps size of each point payload: fixed part + name + two numbers
    point_base = _point_base(shared)
    enc_str = _str_size
    keys = list(map(str, fid_list))
    name_len = np.fromiter(_str_sizes(names), dtype=np.int64, count=len(names))
    size_arr = point_base + name_len + fast_read.repr_len7(xr) + fast_read.repr_len7(yr)
    x_list, y_list = xr.tolist(), yr.tolist()
    regular = bool(ok.all()) and all(names) and max(map(len, names), default=0) <= MAX_NAME_LENGTH
    if regular:  # the common case: every feature a good point with a name
        payloads = [
            {"name": n, "geometry": {"type": "Point", "coordinates": [x, y]}, **shared}
            for n, x, y in zip(names, x_list, y_list)
        ]
        targets.extend(map(Target, keys, fid_list, names, payloads, repeat(READY)))
        sizes.update(zip(keys, size_arr.tolist()))
    else:
        template = {"name": None, "geometry": None, **shared}
        copy = template.copy
        append = targets.append
        float_repr = float.__repr__
        for i, (key, fid, name, x, y, good) in enumerate(
            zip(keys, fid_list, names, x_list, y_list, ok.tolist())
        ):
            warnings = None
            if not name or len(name) > MAX_NAME_LENGTH:
                name, warnings = name_and_warnings(name, layer_name, fid)
            if good:
                payload = copy()
                payload["name"] = name
                payload["geometry"] = {"type": "Point", "coordinates": [x, y]}
                sizes[key] = point_base + enc_str(name) + len(float_repr(x)) + len(float_repr(y))
                if warnings:
                    append(Target(key, fid, name, payload, READY, warnings=warnings))
                else:
                    append(Target(key, fid, name, payload, READY))
                continue
            _point_not_ready(
                targets,
                converter,
                shared,
                specials,
                transformed,
                fid,
                name,
                warnings,
                float(xs[i]),
                float(ys[i]),
                float(lon[i]),
                float(lat[i]),
            )
    if feedback is not None:
        feedback.setProgress(90.0)
    return fid_list


def _utf8(b: bytes) -> str:
    return b.decode("utf-8")


def _point_not_ready(
    targets, converter, shared, specials, transformed, fid, name, warnings, sx, sy, lon, lat
):
    """Targets for a feature of a point layer that is not a plain, in-range point
    (as _fast_points makes them)."""
    parts = specials.get(fid)
    if parts is None:  # a point that did not make it: say why
        if not (math.isfinite(sx) and math.isfinite(sy)):
            why = converter.point_reason(sx, sy, False)
        else:
            why = converter.point_reason(lon, lat, transformed)
        parts = [(None, None, why)]
    _part_targets(targets.append, fid, name, warnings, parts, shared)


def _part_targets(append, fid, name, warnings, parts, shared, reason=None, times=None):
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
            append(Target(key, fid, tname, None, TargetStatus.SKIPPED, why, part=part, warnings=w))
            continue
        payload = {"name": tname, "geometry": geom}
        payload.update(shared)
        if times is not None:
            payload.update(times)
        append(Target(key, fid, tname, payload, TargetStatus.READY, part=part, warnings=w))


def _generic(
    layer,
    request,
    result,
    converter,
    name_expr,
    start_expr,
    end_expr,
    shared,
    time_args,
    total,
    feedback,
    wanted,
    point_fast,
    point_multi,
):
    """Any layer, any expressions: two passes (read + convert, then make targets).

    Returns the set of feature ids read when ``wanted`` is given, else None.
    """
    shared_start, shared_end, end_fixed, now, monitoring, zones, window = time_args
    per_feature_times = start_expr is not None or end_expr is not None
    layer_name = layer.name()
    convert = converter.convert
    name_mode_field = name_expr.mode == FeatureExpression.FIELD
    name_mode_fallback = name_expr.mode == FeatureExpression.FALLBACK
    name_idx = name_expr.field_index
    name_eval = name_expr.evaluate
    seen = set() if wanted is not None else None
    count = 0

    # Pass 1: read every feature once. Points keep their source x/y in xs/ys (transformed
    # in batches afterwards); other geometries are converted right away.
    # row = (fid, name, warnings, reason, times, point index | list of parts)
    rows = []
    add_row = rows.append
    xs: List[float] = []
    ys: List[float] = []
    add_x, add_y = xs.append, ys.append
    iterator = layer.getFeatures(request)
    f = QgsFeature()
    next_feature = iterator.nextFeature
    while next_feature(f):
        fid = f.id()
        count += 1
        if count % PROGRESS_EVERY == 0 and _read_cancelled(feedback, result, count, total):
            break
        if seen is not None:
            seen.add(fid)

        # name
        warnings = None
        reason = None
        if name_mode_fallback:
            name = f"{layer_name} {fid}"
        else:
            if name_mode_field:
                v = f.attribute(name_idx)
                err = None
            else:
                v, err = name_eval(f)
            if err is not None:
                name = fallback_name(layer_name, fid)
                reason = err
            else:
                name = v.strip() if v.__class__ is str else ""
                if not name or len(name) > MAX_NAME_LENGTH:
                    name, warnings = name_and_warnings(v, layer_name, fid)

        # per-feature times
        times = None
        if per_feature_times:
            times, time_reason, time_notes = _feature_times(
                f, start_expr, end_expr, shared_start, shared_end, end_fixed, now, monitoring,
                zones, window,
            )
            if time_reason:
                reason = f"{reason}; {time_reason}" if reason else time_reason
            elif time_notes:
                warnings = (warnings or []) + time_notes

        # geometry
        g = f.geometry()
        if point_fast:
            # anything but a plain point (several parts, empty, null) takes the general
            # path below
            p = _plain_point(g, point_multi)
            if p is not None:
                x = p.x()
                y = p.y()
                if x - x == 0.0 and y - y == 0.0:  # finite
                    add_row((fid, name, warnings, reason, times, len(xs)))
                    add_x(x)
                    add_y(y)
                else:
                    add_row(
                        (
                            fid,
                            name,
                            warnings,
                            reason,
                            times,
                            [(None, None, converter.point_reason(x, y, False))],
                        )
                    )
                continue
        add_row((fid, name, warnings, reason, times, convert(g)))
    del iterator
    if wanted is not None and len(rows) > 1:
        # providers return filtered ids in any order: follow the selection/ids order
        order = {fid: i for i, fid in enumerate(wanted)}
        rows.sort(key=lambda row: order.get(row[0], 0))

    # Pass 2: transform all points at once (PROJ batch), then make the targets.
    lons, lats = converter.transform_points(xs, ys)
    transformed = converter.ct is not None
    targets = result.targets
    append = targets.append
    READY = TargetStatus.READY
    sizes = result.payload_sizes
    # size of a point payload without per-feature times = fixed part + name + 2 numbers
    point_base = _point_base(shared)
    enc_str = _str_size
    float_repr = float.__repr__
    for fid, name, warnings, reason, times, parts in rows:
        if parts.__class__ is int:
            i = parts
            x = round7(lons[i])
            y = round7(lats[i])
            in_range = -180.0 <= x <= 180.0 and -90.0 <= y <= 90.0
            if reason is None and in_range:
                payload = {"name": name, "geometry": {"type": "Point", "coordinates": [x, y]}}
                payload.update(shared)
                key = str(fid)
                if times is None:
                    sizes[key] = (
                        point_base + enc_str(name) + len(float_repr(x)) + len(float_repr(y))
                    )
                else:
                    payload.update(times)
                if warnings:
                    append(Target(key, fid, name, payload, READY, warnings=list(warnings)))
                else:
                    append(Target(key, fid, name, payload, READY))
                continue
            if in_range:
                parts = [(None, {"type": "Point", "coordinates": [x, y]}, None)]
            else:
                parts = [(None, None, converter.point_reason(lons[i], lats[i], transformed))]
        _part_targets(append, fid, name, warnings, parts, shared, reason, times)
    del rows
    return seen


def _feature_times(
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


def _ogr_zones(layer, expr, fids) -> Optional[dict]:
    """What OGR reads of a DateTime field used as a per-feature time (with its zone),
    when ``expr`` is that plain field of an OGR layer; else None."""
    if expr is None or expr.mode != FeatureExpression.FIELD or layer.providerType() != "ogr":
        return None
    from qgis.core import QgsFields

    fields = layer.fields()
    if fields.fieldOrigin(expr.field_index) != QgsFields.FieldOrigin.OriginProvider:
        return None
    if fields.at(expr.field_index).typeName().lower() != "datetime":
        return None
    from . import fast_read

    return fast_read.read_datetime_zones(layer, fields.at(expr.field_index).name(), fids)


def _what(v, e: Exception) -> str:
    if is_null(v):
        return "no value (NULL)"
    return f"{v!r}, which is not a date/time ({e})"


# -- hints for the preview ----------------------------------------------------------------------
#: "in bulk": this many points with a latitude beyond ±90 that would be valid swapped
SWAPPED_HINT_MIN = 2


def job_hints(targets: List[Target]) -> List[str]:
    """Job-level notes for the preview, in the user's words (English, like the reasons):
    what many targets share and a user should look at before sending, each with a first
    example feature. Empty when nothing stands out. Reads the targets' reasons and
    warnings (made in this package)."""
    swapped, zones, not_text, long_names, cut = [], [], [], [], {}
    ready_points = 0
    for t in targets:
        if t.status == TargetStatus.SKIPPED:
            if t.reason and SWAPPED_QUESTION in t.reason:
                swapped.append(t)
        elif t.payload is not None:
            if t.payload.get("geometry", {}).get("type") == "Point":
                ready_points += 1
            if len(t.name) > MAX_NAME_LENGTH:
                long_names.append(t)
        if not t.warnings or t.payload is None:  # warnings about what is sent
            continue
        if any(w.startswith(NO_TIME_ZONE) for w in t.warnings):
            zones.append(t)
        if any(w.startswith(NOT_TEXT_NAME) for w in t.warnings):
            not_text.append(t)
        if any(w.startswith(CROSSES) for w in t.warnings):
            cut.setdefault(t.feature_id, t)
    hints = []
    if len(swapped) >= SWAPPED_HINT_MIN:
        hints.append(
            f"{len(swapped)} points have a latitude beyond ±90 that would be a valid position "
            "with X and Y the other way round: are the X and Y fields (or the layer's CRS) "
            f"swapped? If so, the {ready_points} ready points are at swapped places too. "
            f"{_example(swapped)}"
        )
    if zones:
        hints.append(
            f"{len(zones)} {_orders(len(zones))} a start or end time without a time zone in "
            f"the data: taken as UTC. Check that these times are meant in UTC. {_example(zones)}"
        )
    if not_text:
        n = len(not_text)
        hints.append(
            f"The name expression gave no text (e.g. a geometry) for {n} "
            f"{'feature' if n == 1 else 'features'}: named '<layer> <feature id>' instead. "
            f"{_example(not_text)}"
        )
    if long_names:
        n = len(long_names)
        longest = max(len(t.name) for t in long_names)
        hints.append(
            f"{n} order {'name is' if n == 1 else 'names are'} longer than {MAX_NAME_LENGTH} "
            f"characters (longest {longest}): Planet publishes no limit, but such names may be "
            f"refused or cut. E.g. feature {long_names[0].feature_id}."
        )
    if cut:
        n = len(cut)
        hints.append(
            f"{n} {'feature crosses' if n == 1 else 'features cross'} the antimeridian (180°): "
            f"each was cut into one order per side. {_example(list(cut.values()))}"
        )
    return hints


def _example(targets: List[Target]) -> str:
    """``E.g. "name" (feature 12).`` for the first target (a long name shortened)."""
    t = targets[0]
    name = t.name if len(t.name) <= 60 else t.name[:57] + "..."
    return f"E.g. '{name}' (feature {t.feature_id})."


def _orders(n: int) -> str:
    return "order has" if n == 1 else "orders have"


# -- job ----------------------------------------------------------------------------------------
_SECRET_KV = re.compile(
    r"""\s*\b(password|passwd|pwd)\s*=\s*('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[^\s&;|]*)""",
    re.IGNORECASE,
)
_SECRET_QUERY = re.compile(
    r"""(?<=[?&;|])(password|passwd|pwd|token|access_token|api_key|apikey|api-key|secret|"""
    r"""client_secret|signature|x-amz-signature|sig)=[^&;|'"\s]*&?""",
    re.IGNORECASE,
)
_URL_USERINFO = re.compile(
    r"(?P<scheme>\b[a-z][a-z0-9+.-]*://)(?P<user>[^/@:\s'\"]*):[^/@\s'\"]*@", re.I
)


def strip_credentials(source: str) -> str:
    """A data source string without passwords or tokens (authcfg ids are kept: not secrets)."""
    if not source:
        return ""
    s = _SECRET_KV.sub("", source)
    s = _SECRET_QUERY.sub("", s)
    s = _URL_USERINFO.sub(lambda m: f"{m.group('scheme')}{m.group('user')}@", s)
    return s.rstrip("&?;| ").strip() if s != source else s


def layer_ref(layer: QgsVectorLayer) -> LayerRef:
    crs = layer.crs()
    return LayerRef(
        layer_id=layer.id(),
        name=layer.name(),
        source=strip_credentials(layer.source()),
        provider=layer.providerType(),
        crs=(crs.authid() or crs.toWkt()) if crs.isValid() else "",
    )


def create_job(
    layer: QgsVectorLayer,
    params: OrderParameters,
    *,
    selected_only: bool = True,
    endpoint: str = "",
    transform_context: Optional[QgsCoordinateTransformContext] = None,
    feedback: Optional[QgsFeedback] = None,
    feature_ids: Optional[Iterable[int]] = None,
    max_payloads: int = MAX_PAYLOADS,
    max_bytes: int = MAX_BYTES,
    now: Optional[datetime] = None,
) -> BulkJob:
    """A draft BulkJob: targets (READY/SKIPPED) and chunks with fresh UUID bulk ids.

    ``job.parameters`` records the parameters actually used: default times filled in
    and the name expression resolved. Raises BuildCancelled if ``feedback`` is cancelled,
    InvalidParameters if the parameters are not valid.
    """
    now = utc(now) if now else datetime.now(timezone.utc)
    used = params.resolved(now)  # what the job records: same times build_targets computes
    if not (used.name_expression or "").strip():
        used.name_expression = default_name_expression(layer)
    with _gc_paused():
        result = build_targets(
            layer,
            params,
            selected_only=selected_only,
            feature_ids=feature_ids,
            transform_context=transform_context,
            feedback=feedback,
            now=now,
        )
        if result.cancelled:
            raise BuildCancelled("building the orders was cancelled")
        chunks = make_chunks(
            result.targets,
            max_payloads=max_payloads,
            max_bytes=max_bytes,
            sizes=result.payload_sizes,
        )
        return BulkJob(
            endpoint=endpoint,
            layer=layer_ref(layer),
            parameters=used.to_dict(),
            targets=result.targets,
            chunks=chunks,
        )
