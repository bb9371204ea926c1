"""Features of any QgsVectorLayer → validated tasking order payloads, in bulk-sized chunks.

The contract (docs/ARCHITECTURE.md)::

    build_targets(layer, params, ...) -> BuildResult      # main thread, all in one
    create_job(layer, params, ...) -> BulkJob             # main thread, all in one

    plan = prepare_build(layer, params, ...)              # main thread, cheap
    result = plan.run(feedback)  -> BuildResult           # any thread
    job = plan.job(feedback, endpoint=...) -> BulkJob     # any thread

``prepare_build`` checks the parameters (InvalidParameters) and captures what building
needs of the layer without reading a feature: a QgsVectorLayerFeatureSource, the
fields, the selected ids, the prepared expressions, the CRS transform (source.py). It
takes a few milliseconds at 100,000 selected features. ``plan.run``/``plan.job`` never
touch the layer or a widget, so a Submit click can run them on a worker thread (a
QThread or a Python thread) and only hand the result back. A plan runs once.

Every feature asked for ends up as exactly one Target per order-to-be: READY with a
payload, or SKIPPED with a reason in the user's words. Nothing is dropped silently:
features asked for by id that the layer does not have become SKIPPED targets too.

Payload shape (Planet's tutorial, plus optional keys only when set)::

    {"name": ..., "geometry": {"type": "Point", "coordinates": [lon, lat]},
     "start_time": "...Z", "end_time": "...Z",
     ["scheduling_type", "rrule", "pl_number", "product",
      "sat_elevation_angle_min", "sat_elevation_angle_max", <extra_fields>]}

Where things are: ``parameters.py`` (times, scheduling type, monitoring), ``geometry.py``
(geometry rules), ``naming.py`` (names and expressions), ``times.py`` (per-feature
times and zones), ``rules.py`` (the rules every path shares: names, rounding, sizes,
targets, duplicates), ``points_fast.py`` and ``general.py`` (the readers),
``hints.py`` (job_hints), ``layer_ref.py``, core/model/chunking.py.

Decisions:

* ``scheduling_type`` is omitted for FLEXIBLE (the API's default; the payload is then
  exactly the tutorial's shape) and sent for MONITORING / ASSURED.
* MONITORING payloads carry ``rrule`` and ``start_time`` but no ``end_time`` (ignored by
  the API); a MONITORING job without a cadence uses ``MonitoringCadence()``.
* An empty/NULL name becomes ``"<layer name> <feature id>"`` with a warning on the
  target (it is still sent); an expression error skips the target with the error text.
* Multipart parts are named ``"<name> (part N)"``, keyed ``"<fid>.<N>"``, ``part=N``.
* A line or polygon crossing the antimeridian becomes one target per side, numbered
  like multipart parts, each with a warning (antimeridian.py).
* Per-feature times keep the zone the data has; a time without one is taken as UTC
  with a warning on the target (``NO_TIME_ZONE``), never silently.
* Ids asked for (selection, ``feature_ids``) that the layer's subset filter hides are
  "not found", on every path (some providers would return them by id).
* Targets follow the selection (sorted ids) or the ``feature_ids`` order; with
  ``selected_only=False`` the provider's order. ``feature_ids`` wins over ``selected_only``.
* Invalid shared parameters raise ``InvalidParameters`` (nothing could be built);
  per-feature problems never raise.

Speed: point layers named by a field (or the default) with the shared times are read
by points_fast: OGR layers (GeoPackage, shapefile) in bulk with fast_read (no QgsFeature
per feature) when the result is provably the general path's (``FAST_READ = False``
forces the QgsFeature readers; tests/qgis/test_payloads_fastpath.py checks both agree),
others one QgsFeature at a time into flat lists. The cyclic GC is paused while hundreds
of thousands of small containers are made. See bench/bench_payloads.py.
"""

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Dict, Iterable, List, Optional

from qgis.core import (
    QgsCoordinateTransformContext,
    QgsFeatureRequest,
    QgsFeedback,
    QgsVectorLayer,
    QgsWkbTypes,
)

from ..model.chunking import MAX_BYTES, MAX_PAYLOADS, make_chunks
from ..model.gil import collector_paused
from ..model.job import BulkJob, Target, TargetStatus
from . import general, points_fast
from .geometry import GeometryConverter
from .layer_ref import layer_ref
from .naming import (
    FeatureExpression,
    default_name_expression,
    fallback_name,
    make_context,
    referenced_columns,
)
from .parameters import MONITORING, OrderParameters, utc, validate_parameters
from .rules import ready_duplicate_names
from .source import LayerSource
from .times import ogr_zones

#: Read OGR point layers in bulk (fast_read.py) when the result is provably the same.
#: False forces the QgsFeature readers (tests and bench/bench_payloads.py compare both).
FAST_READ = True


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
def prepare_build(
    layer: QgsVectorLayer,
    params: OrderParameters,
    *,
    selected_only: bool = True,
    feature_ids: Optional[Iterable[int]] = None,
    transform_context: Optional[QgsCoordinateTransformContext] = None,
    now: Optional[datetime] = None,
) -> "BuildPlan":
    """Main thread: what a build of the selected features (or all, or ``feature_ids``,
    which take precedence over ``selected_only``) needs, without reading a feature.

    Raises ``InvalidParameters`` when ``validate_parameters`` finds problems (no
    feature could make a valid order), ValueError for an invalid layer.
    """
    if layer is None or not isinstance(layer, QgsVectorLayer) or not layer.isValid():
        raise ValueError("the layer is not a valid vector layer")
    now = utc(now) if now else datetime.now(timezone.utc)
    problems = validate_parameters(params, now)
    if problems:
        raise InvalidParameters(problems)
    if transform_context is None:
        from qgis.core import QgsProject

        transform_context = QgsProject.instance().transformContext()
    plan = BuildPlan()
    plan.params = params
    plan.now = now
    plan.src = LayerSource.capture(layer)
    plan.layer_ref = layer_ref(layer)
    if feature_ids is not None:
        plan.wanted = list(dict.fromkeys(int(i) for i in feature_ids))
    elif selected_only:
        plan.wanted = sorted(layer.selectedFeatureIds())
    else:
        plan.wanted = None

    # expressions, prepared once (they read the layer's fields and scopes)
    sched = params.scheduling
    context = make_context(layer)
    name_text = (params.name_expression or "").strip() or default_name_expression(layer)
    plan.name_text = name_text
    start_expr = end_expr = None
    if params.start_expression and params.start_expression.strip():
        start_expr = FeatureExpression(
            params.start_expression, layer, context, "Start time expression"
        )
    if params.end_expression and params.end_expression.strip() and sched != MONITORING:
        end_expr = FeatureExpression(params.end_expression, layer, context, "End time expression")
    plan.exprs = (
        FeatureExpression(name_text, layer, context, "Name expression"),
        start_expr,
        end_expr,
    )
    plan.converter = GeometryConverter(plan.src.crs, transform_context, sched, params.multipart)
    if plan.src.geometry_type == QgsWkbTypes.GeometryType.NullGeometry:
        plan.converter.problem = "the layer has no geometry"
    return plan


class BuildPlan:
    """A build captured by ``prepare_build``: ``run`` / ``job`` in any thread, once.
    Holds no QgsVectorLayer: the layer's LayerSource, prepared expressions (name,
    start, end), the geometry converter (CRS transform), the ids asked for."""

    __slots__ = ("params", "now", "src", "layer_ref", "wanted", "name_text", "exprs", "converter")

    def run(self, feedback: Optional[QgsFeedback] = None) -> BuildResult:
        """The targets (see the module doc); ``result.cancelled`` when ``feedback`` was."""
        # Hundreds of thousands of small dicts/lists and no reference cycles: the cyclic
        # garbage collector would only rescan them over and over (~30 % of the time).
        with collector_paused():
            return self._run(feedback)

    def job(
        self,
        feedback: Optional[QgsFeedback] = None,
        *,
        endpoint: str = "",
        max_payloads: int = MAX_PAYLOADS,
        max_bytes: int = MAX_BYTES,
    ) -> BulkJob:
        """A draft BulkJob: targets (READY/SKIPPED) and chunks with fresh UUID bulk ids.

        ``job.parameters`` records the parameters actually used: default times filled in
        and the name expression resolved. Raises BuildCancelled if ``feedback`` is
        cancelled.
        """
        used = self.params.resolved(self.now)  # the same times the build computes
        if not (used.name_expression or "").strip():
            used.name_expression = self.name_text
        with collector_paused():
            result = self._run(feedback)
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
                layer=self.layer_ref,
                parameters=used.to_dict(),
                targets=result.targets,
                chunks=chunks,
            )

    def _run(self, feedback) -> BuildResult:
        src, params, now, wanted = self.src, self.params, self.now, self.wanted
        result = BuildResult()
        name_expr, start_expr, end_expr = self.exprs
        converter = self.converter

        # which features
        request = QgsFeatureRequest()
        if wanted is not None:
            if not wanted:
                return result
            request.setFilterFids(_within_subset(src, wanted))
            total = len(wanted)
        else:
            total = max(src.feature_count, 0)
        result.feature_count = total
        cols = referenced_columns([e for e in self.exprs if e is not None])
        if cols is not None:
            request.setSubsetOfAttributes(cols, src.fields)
        if src.geometry_type == QgsWkbTypes.GeometryType.NullGeometry:
            request.setFlags(QgsFeatureRequest.Flag.NoGeometry)
        point_layer = (
            converter.point_fast_path
            and src.geometry_type == QgsWkbTypes.GeometryType.PointGeometry
        )

        shared = params.shared_fields(now)
        per_feature_times = start_expr is not None or end_expr is not None
        simple_names = name_expr.mode in (FeatureExpression.FIELD, FeatureExpression.FALLBACK)
        seen: Optional[set] = None
        read = None
        if point_layer and simple_names and not per_feature_times:
            if FAST_READ:
                read = points_fast.read_ogr(
                    src, result, converter, name_expr, shared, feedback, wanted
                )
            if read is None:
                read = points_fast.read_points(
                    src, request, result, converter, name_expr, shared, total, feedback, wanted
                )
            if wanted is not None:
                seen = set(read)
        else:
            zones = None
            if per_feature_times:
                fids = request.filterFids() if wanted is not None else None
                zones = (ogr_zones(src, start_expr, fids), ogr_zones(src, end_expr, fids))
            shared_start, shared_end = params.resolved_times(now)
            time_args = (
                shared_start,
                shared_end,
                params.end_time is not None,
                now,
                params.scheduling == MONITORING,
                zones,
                params.default_duration(),
            )
            seen = general.read_general(
                src,
                request,
                result,
                converter,
                self.exprs,
                shared,
                time_args,
                total,
                feedback,
                wanted,
                point_layer,
            )
        targets = result.targets
        if seen is not None and not result.cancelled:
            for fid in wanted:
                if fid not in seen:
                    targets.append(
                        Target(
                            str(fid),
                            fid,
                            fallback_name(src.name, fid),
                            None,
                            TargetStatus.SKIPPED,
                            "the feature was not found in the layer (deleted, or filtered "
                            "out by the layer's subset filter?)",
                        )
                    )
        _mark_duplicates(result)
        if feedback is not None and not result.cancelled:
            feedback.setProgress(100.0)
        return result


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
    """``prepare_build(...).run(feedback)`` in one call (main thread)."""
    plan = prepare_build(
        layer,
        params,
        selected_only=selected_only,
        feature_ids=feature_ids,
        transform_context=transform_context,
        now=now,
    )
    return plan.run(feedback)


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
    """``prepare_build(...).job(...)`` in one call (main thread): see ``BuildPlan.job``.
    Raises BuildCancelled if ``feedback`` is cancelled, InvalidParameters if the
    parameters are not valid."""
    plan = prepare_build(
        layer,
        params,
        selected_only=selected_only,
        feature_ids=feature_ids,
        transform_context=transform_context,
        now=now,
    )
    return plan.job(feedback, endpoint=endpoint, max_payloads=max_payloads, max_bytes=max_bytes)


def _mark_duplicates(result: BuildResult) -> None:
    """Warn on every order whose name another order of the job has (sent anyway)."""
    dups = ready_duplicate_names(result.targets)
    if not dups:
        return
    for t in result.targets:
        c = dups.get(t.name) if t.status == TargetStatus.READY else None
        if c:
            t.warnings.append(f"duplicate name: {c} orders are named '{t.name}' (sent anyway)")
    result.duplicate_names = dups
    result.warnings.append(
        f"{sum(dups.values())} orders share {len(dups)} names; they are sent anyway."
    )


def _within_subset(src: LayerSource, wanted: List[int]) -> List[int]:
    """``wanted`` less the ids the layer's subset filter hides.

    Some providers (OGR in QGIS 3.22) return a feature asked for by id even when the
    subset filter excludes it; the bulk reader and a full read never do. Asking only
    for the ids the filtered layer has gives every build path the same answer: the
    others end up "not found ... filtered out by the layer's subset filter?"."""
    if not src.subset:
        return wanted
    present = src.all_ids()
    return [fid for fid in wanted if fid in present]
