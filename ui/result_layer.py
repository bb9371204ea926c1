"""A job's targets as a layer styled by status: a GeoPackage for the map (it survives
saving and reopening the project), a memory layer for export."""

import os
import re
from collections import Counter
from typing import Optional

from qgis.core import (
    QgsApplication,
    QgsCategorizedSymbolRenderer,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeature,
    QgsFeatureRequest,
    QgsFields,
    QgsGeometry,
    QgsProject,
    QgsRendererCategory,
    QgsSymbol,
    QgsVectorLayer,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtGui import QColor

from ..core.identity import PLUGIN_ID
from ..core.model.job import BulkJob, TargetStatus
from ..core.qgis_compat import make_field
from ..core.targets.target_geometry import payload_geometry, sent_part, was_cut
from .status import ORDER_STATUS_COLORS, order_status_label, status_label

FIELD_NAMES = (
    "feature_id",
    "name",
    "status",
    "order_id",
    "order_status",
    "capture_count",
    "order_updated",
    "error",
)
JOB_PROPERTY = PLUGIN_ID + "/job_id"  # on the plugin's own layers (never a target)
#: the layer is coloured by the order's status at Planet once known, else by the submit status
STYLE_EXPRESSION = 'coalesce("order_status", "status")'


def tr(text):
    return QCoreApplication.translate("PlanetBulkTasking", text)


def result_fields() -> QgsFields:
    fields = QgsFields()
    fields.append(make_field("feature_id", "int64"))
    fields.append(make_field("part", "int"))
    fields.append(make_field("name", "string"))
    fields.append(make_field("status", "string"))
    fields.append(make_field("order_id", "string"))
    fields.append(make_field("order_status", "string"))
    fields.append(make_field("capture_count", "int"))
    fields.append(make_field("order_updated", "string"))  # ISO 8601, UTC
    fields.append(make_field("error", "string"))
    return fields


def _geometry_from_payload(target) -> Optional[QgsGeometry]:
    """The payload's WGS 84 geometry (what was sent), None without one."""
    return payload_geometry(target)


def build_result_layer(
    job: BulkJob, source_layer: Optional[QgsVectorLayer], name: Optional[str] = None
) -> QgsVectorLayer:
    """A memory layer with one feature per target, in the source layer's CRS.

    Geometry comes from the source features; a part comes from its payload (the piece
    sent: an antimeridian cut numbers its pieces across the feature). Without the source
    layer, it comes from the payloads (WGS 84).
    """
    if source_layer is not None and source_layer.isValid():
        wkb = QgsWkbTypes.multiType(QgsWkbTypes.flatType(source_layer.wkbType()))
        crs = source_layer.crs().authid() or source_layer.crs().toWkt()
    else:  # geometry from the payloads: their type decides the layer's (points stay points)
        wkb, crs = QgsWkbTypes.Type.MultiPolygon, "EPSG:4326"
        source_layer = None
        for t in job.targets:
            geom = _geometry_from_payload(t)
            if geom is not None and not geom.isNull():
                wkb = QgsWkbTypes.multiType(QgsWkbTypes.flatType(geom.wkbType()))
                break
    geom_name = QgsWkbTypes.displayString(wkb)
    title = name or tr("Planet orders – {layer}").format(layer=job.layer.name or "?")
    layer = QgsVectorLayer(f"{geom_name}?crs={crs}", title, "memory")
    provider = layer.dataProvider()
    provider.addAttributes(result_fields())
    layer.updateFields()
    features = []
    geometries = _source_geometries(source_layer, job) if source_layer else {}
    to_layer = _from_wgs84(source_layer) if source_layer else None
    fields = layer.fields()
    for t in job.targets:
        feature = QgsFeature(fields)
        if source_layer is not None:
            # a part: the piece sent (an antimeridian cut numbers its pieces across the
            # feature); else the source feature, or its part N when that part was not cut
            source = geometries.get(int(t.feature_id))
            geom = sent_part(t, to_layer) or (
                source if was_cut(t) else _part_geometry(source, t.part)
            )
        else:
            geom = _geometry_from_payload(t)
        if geom is not None:
            geom = QgsGeometry(geom)
            geom.convertToMultiType()
            feature.setGeometry(geom)
        feature.setAttributes(
            [
                int(t.feature_id),
                t.part,
                t.name,
                t.status,
                t.order_id,
                t.order_status,
                t.capture_count,
                t.order_updated,
                t.reason or "",
            ]
        )
        features.append(feature)
    provider.addFeatures(features)
    layer.updateExtents()
    style_by_status(layer, job_legend_values(job))
    layer.setCustomProperty(JOB_PROPERTY, job.job_id)
    return layer


def job_legend_values(job: BulkJob) -> list:
    """The legend values a result layer of this job shows, from the job (reading the
    layer back cost 0.6 s per 100,000 features)."""
    return _legend_order({t.order_status or t.status for t in job.targets} - {None, ""})


def _source_geometries(source_layer: QgsVectorLayer, job: BulkJob) -> dict:
    """feature id -> geometry of the job's features, read in one pass (not one getFeature
    per target: 100,000 of them took 11-17 s)."""
    wanted = {int(t.feature_id) for t in job.targets}
    request = QgsFeatureRequest().setNoAttributes()
    if len(wanted) * 2 < source_layer.featureCount():  # a small part of a big layer
        request.setFilterFids(sorted(wanted))
    out = {}
    for feature in source_layer.getFeatures(request):
        fid = feature.id()
        if fid in wanted and feature.hasGeometry():
            out[fid] = feature.geometry()
    return out


def _from_wgs84(layer: QgsVectorLayer) -> QgsCoordinateTransform:
    wgs84 = QgsCoordinateReferenceSystem("EPSG:4326")
    return QgsCoordinateTransform(wgs84, layer.crs(), QgsProject.instance())


def _part_geometry(geom: Optional[QgsGeometry], part: Optional[int]) -> Optional[QgsGeometry]:
    """The whole geometry, or its 1-based part (as feature_geometry does)."""
    if geom is None or not part or not geom.isMultipart():
        return geom
    parts = geom.asGeometryCollection()
    return QgsGeometry(parts[part - 1]) if 0 < part <= len(parts) else None


#: one colour per legend entry, all distinct (the table's colours group some statuses; a
#: map legend must not): the submit statuses first, then the order's state at Planet
LEGEND_COLORS = {
    TargetStatus.READY: "#fdd49e",
    TargetStatus.SUBMITTED: "#e6a117",
    TargetStatus.SUCCEEDED: "#2e9e44",
    TargetStatus.FAILED: "#d7301f",
    TargetStatus.SKIPPED: "#8c8c8c",
    "RECEIVED": "#c6dbef",
    "REQUESTED": "#9ecae1",
    "PENDING": "#6baed6",
    "IN_PROGRESS": "#2171b5",
    "FINALIZING": "#08306b",
    "FULFILLED": "#00441b",
    "PENDING_CANCELLATION": "#d9d9d9",
    "CANCELLED": "#525252",
    "EXPIRED": "#b8860b",
    "REJECTED": "#e7298a",
    "FAILED": "#7b3294",
}


def legend_label(value: str) -> str:
    if value in ORDER_STATUS_COLORS:
        return tr("Order: {s}").format(s=order_status_label(value))
    return status_label(value)


def present_values(layer: QgsVectorLayer) -> list:
    """The legend values that occur: the order status where known, else the submit status."""
    seen = set()
    request = QgsFeatureRequest().setFlags(QgsFeatureRequest.Flag.NoGeometry)
    request.setSubsetOfAttributes(["status", "order_status"], layer.fields())
    for feature in layer.getFeatures(request):
        value = feature["order_status"] or feature["status"]
        if value:
            seen.add(str(value))
    return _legend_order(seen)


def _legend_order(values) -> list:
    order = list(LEGEND_COLORS)
    return sorted({str(v) for v in values}, key=lambda v: (order.index(v) if v in order else 99, v))


def style_by_status(layer: QgsVectorLayer, values=None):
    """Order status at Planet where known (fulfilled, expired…), else the submit status;
    only the statuses that occur, each with its own colour."""
    categories = []

    def symbol_for(color):
        symbol = QgsSymbol.defaultSymbol(layer.geometryType())
        symbol.setColor(QColor(color))
        if layer.geometryType() == QgsWkbTypes.GeometryType.PolygonGeometry:
            symbol.setOpacity(0.75)
        return symbol

    for value in present_values(layer) if values is None else values:
        color = LEGEND_COLORS.get(value, "#8c8c8c")
        categories.append(QgsRendererCategory(value, symbol_for(color), legend_label(value)))
    layer.setRenderer(QgsCategorizedSymbolRenderer(STYLE_EXPRESSION, categories))
    layer.triggerRepaint()


def restyle_if_needed(layer: QgsVectorLayer, values=None):
    """A status appeared or went away: the legend follows (``values``: the legend values
    present, when the caller knows them without reading the layer)."""
    renderer = layer.renderer()
    shown = (
        [c.value() for c in renderer.categories()]
        if isinstance(renderer, QgsCategorizedSymbolRenderer)
        else None
    )
    present = present_values(layer) if values is None else _legend_order(values)
    if shown != present:
        style_by_status(layer, present)


#: the attributes a results update writes (the rest never change after the build)
UPDATED_FIELDS = ("status", "order_id", "order_status", "capture_count", "order_updated", "error")


def _updated_values(t) -> tuple:
    return (t.status, t.order_id, t.order_status, t.capture_count, t.order_updated, t.reason or "")


class _LayerState:
    """What a result layer holds, read once: (feature id, part) -> layer fid, the values
    last written there, and how many features show each legend value. Updates then write
    only what changed, without reading the layer again."""

    def __init__(self, layer: QgsVectorLayer, job: Optional[BulkJob] = None):
        self.count = layer.featureCount()
        self.fids, self.written = {}, {}
        self.legend: Counter = Counter()
        if job is not None and self._from_job(layer, job):
            return
        request = QgsFeatureRequest().setFlags(QgsFeatureRequest.Flag.NoGeometry)
        request.setSubsetOfAttributes(("feature_id", "part") + UPDATED_FIELDS, layer.fields())
        for f in layer.getFeatures(request):
            part = f["part"]
            key = (int(f["feature_id"]), int(part) if part not in (None, "") else 0)
            values = tuple(_plain(f[name]) for name in UPDATED_FIELDS)
            self.fids[key] = f.id()
            self.written[key] = values
            self.legend[values[2] or values[0]] += 1

    def _from_job(self, layer: QgsVectorLayer, job: BulkJob) -> bool:
        """The layer was just written from the job, one feature per target in order (fids
        1..N): take that from the job, after checking a few features, instead of reading
        100,000 features back (seconds)."""
        targets = job.targets
        if self.count != len(targets):
            return False
        n = len(targets)
        for row in {0, n // 3, n // 2, n - 1} if n else ():
            f = layer.getFeature(row + 1)
            t = targets[row]
            part = f["part"] if f.isValid() else None
            if not f.isValid() or (f["feature_id"], _plain(part) or 0) != (
                int(t.feature_id),
                int(t.part or 0),
            ):
                return False
        for row, t in enumerate(targets):
            key = (int(t.feature_id), int(t.part or 0))
            values = _updated_values(t)
            self.fids[key] = row + 1
            self.written[key] = values
            self.legend[values[2] or values[0]] += 1
        return True


def _plain(value):
    """A NULL QVariant as None, so written values compare with the targets'."""
    if value is None or (hasattr(value, "isNull") and value.isNull()):
        return None
    return value


_STATES: dict = {}  # layer id -> _LayerState


def forget_result_layer(layer_id: str):
    _STATES.pop(layer_id, None)


#: features written per update call: a GeoPackage takes 50-200 us a feature, so a call
#: stays under ~50 ms of the main thread; the caller comes back for the rest
MAX_WRITES_PER_UPDATE = 250


def update_result_layer(layer: QgsVectorLayer, job: BulkJob, keys=None, limit=None) -> int:
    """Write the job's current statuses into an existing result layer: only the features
    whose values changed (``keys``: only these targets may have changed; None: any).
    ``limit``: write at most this many features, the others at a later call."""
    return update_result_layer_part(layer, job, keys, limit)[0]


def update_result_layer_part(layer: QgsVectorLayer, job: BulkJob, keys=None, limit=None):
    """update_result_layer, returning (features written, targets looked at): with a
    ``limit`` it stops at the first change over it, the caller goes on from there."""
    state = _STATES.get(layer.id())
    if state is None or state.count != layer.featureCount():
        state = _STATES[layer.id()] = _LayerState(layer)
    idx = [layer.fields().indexOf(n) for n in UPDATED_FIELDS]
    targets = job.targets if keys is None else [job.target(k) for k in keys]
    changes = {}
    looked = 0
    for t in targets:
        if limit is not None and len(changes) >= limit:
            break
        looked += 1
        key = (int(t.feature_id), int(t.part or 0))
        fid = state.fids.get(key)
        values = _updated_values(t)
        old = state.written.get(key)
        if fid is None or old == values:
            continue
        changes[fid] = {i: v for i, v, was in zip(idx, values, old) if i >= 0 and v != was}
        state.written[key] = values
        state.legend[old[2] or old[0]] -= 1
        state.legend[values[2] or values[0]] += 1
    if changes:
        layer.dataProvider().changeAttributeValues(changes)
        restyle_if_needed(layer, [v for v, n in state.legend.items() if n > 0 and v])
        layer.triggerRepaint()
    return len(changes), looked


def result_folder(project=None) -> str:
    """Next to the project when it is saved (it travels with it), else in the profile."""
    project = project or QgsProject.instance()
    if project.fileName():
        return os.path.join(project.absolutePath(), "planet_orders")
    return os.path.join(QgsApplication.qgisSettingsDirPath(), PLUGIN_ID, "results")


def result_path(job: BulkJob, folder: str) -> str:
    name = re.sub(r"[^\w.-]+", "_", job.layer.name or "orders").strip("_")[:40] or "orders"
    return os.path.join(folder, f"{name}_{job.job_id[:8]}.gpkg")


def add_result_layer(job: BulkJob, source_layer, project=None, folder=None) -> QgsVectorLayer:
    """The job's orders as a GeoPackage layer (it survives saving and reopening the project),
    styled by status. Falls back to a memory layer if the file cannot be written."""
    from .export import export_geopackage

    project = project or QgsProject.instance()
    folder = folder or result_folder(project)
    path = result_path(job, folder)
    title = tr("Planet orders – {layer}").format(layer=job.layer.name or "?")
    layer = None
    try:
        os.makedirs(folder, exist_ok=True)
        ok, _error = export_geopackage(path, job, source_layer, layer_name="orders")
    except OSError:
        ok = False
    if ok:
        layer = QgsVectorLayer(f"{path}|layername=orders", title, "ogr")
        if not layer.isValid():
            layer = None
    if layer is None:  # read-only folder: the map still gets the orders, for this session
        layer = build_result_layer(job, source_layer, name=title)
    else:
        style_by_status(layer, job_legend_values(job))
        layer.setCustomProperty(JOB_PROPERTY, job.job_id)
        _STATES[layer.id()] = _LayerState(layer, job)  # as written, without reading it back
    project.addMapLayer(layer)
    return layer
