"""A job's targets as a layer styled by status: its fields, features, legend, and the
bookkeeping that lets an update write only what changed.

The GeoPackage the map shows is written off the main thread (core/outputs/result_writer.py)
from plain snapshots of the targets (``TargetRow``); a memory layer (export, or a folder that
cannot be written) is built here from the same rows. No widgets: QColor (QtGui) is the
symbols' colour value."""

import os
import re
from collections import Counter
from operator import attrgetter
from typing import List, NamedTuple, Optional

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

from ..identity import PLUGIN_ID
from ..model.gil import yielding
from ..model.job import BulkJob, TargetStatus
from ..qgis_compat import make_field
from ..targets.target_geometry import payload_geometry, sent_part, was_cut
from .status import ORDER_STATUS_COLORS, order_status_label, status_label

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


class TargetRow(NamedTuple):
    """What the result layer needs of one target, copied on the main thread so a worker
    thread can write it while the job goes on changing (``payload``, ``part`` and
    ``warnings`` are what core.targets.target_geometry reads)."""

    feature_id: int
    part: Optional[int]
    payload: Optional[dict]
    warnings: tuple
    name: str
    values: tuple  # _updated_values(target): the attributes an update may change


#: the target attributes a result layer is written from, in TargetRow's order
SNAPSHOT_FIELDS = (
    "feature_id",
    "part",
    "payload",
    "warnings",
    "name",
    "status",
    "order_id",
    "order_status",
    "capture_count",
    "order_updated",
    "reason",
)


def snapshot(job: BulkJob) -> tuple:
    """The job's targets' attributes, one list per attribute in SNAPSHOT_FIELDS (in the
    job's order): the main thread's only cost of a result layer. Columns, not a tuple per
    target: a list holding existing values allocates no objects the garbage collector
    tracks, so copying 100,000 targets (~30 ms) cannot set off a full collection (0.1-0.5 s
    with a big job in memory). target_rows() makes the rows on the writer's thread."""
    targets = job.targets
    return tuple(list(map(attrgetter(name), targets)) for name in SNAPSHOT_FIELDS)


def target_rows(columns: tuple) -> List[TargetRow]:
    return [
        TargetRow(int(fid), part, payload, tuple(warnings or ()), name, (*values, reason or ""))
        for fid, part, payload, warnings, name, *values, reason in yielding(zip(*columns))
    ]


def source_shape(source_layer) -> Optional[tuple]:
    """(wkb type, crs) of a result layer made from this source layer: its (multi) type and
    CRS; None without one."""
    if source_layer is None:
        return None
    wkb = QgsWkbTypes.multiType(QgsWkbTypes.flatType(source_layer.wkbType()))
    return wkb, source_layer.crs().authid() or source_layer.crs().toWkt()


def layer_shape(rows: List[TargetRow], source_layer) -> tuple:
    """(wkb type, crs) of a result layer: the source layer's; without it the payloads'
    (WGS 84; their type decides, points stay points)."""
    shape = source_shape(source_layer)
    if shape is not None:
        return shape
    for row in rows:
        geom = payload_geometry(row)
        if geom is not None and not geom.isNull():
            return QgsWkbTypes.multiType(QgsWkbTypes.flatType(geom.wkbType())), "EPSG:4326"
    return QgsWkbTypes.Type.MultiPolygon, "EPSG:4326"


def rows_legend(rows: List[TargetRow]) -> list:
    """The legend values of a layer written from these rows."""
    return legend_order({r.values[2] or r.values[0] for r in rows} - {None, ""})


def result_features(rows, fields: QgsFields, geometries: Optional[dict], to_layer):
    """One QgsFeature per row, in order. ``geometries``: feature id -> source geometry
    (None: no source layer, the payloads' geometry in WGS 84). A part is the piece sent
    (an antimeridian cut numbers its pieces across the feature); else the source feature,
    or its part N when that part was not cut."""
    for row in rows:
        feature = QgsFeature(fields)
        if geometries is not None:
            source = geometries.get(row.feature_id)
            geom = sent_part(row, to_layer) or (
                source if was_cut(row) else _part_geometry(source, row.part)
            )
        else:
            geom = payload_geometry(row)
        if geom is not None:
            geom = QgsGeometry(geom)
            geom.convertToMultiType()
            feature.setGeometry(geom)
        status, order_id, order_status, capture_count, order_updated, error = row.values
        feature.setAttributes(
            [
                row.feature_id,
                row.part,
                row.name,
                status,
                order_id,
                order_status,
                capture_count,
                order_updated,
                error,
            ]
        )
        yield feature


def usable(source_layer) -> Optional[QgsVectorLayer]:
    return source_layer if source_layer is not None and source_layer.isValid() else None


def build_result_layer(
    job: BulkJob, source_layer: Optional[QgsVectorLayer], name: Optional[str] = None
) -> QgsVectorLayer:
    """A memory layer with one feature per target, in the source layer's CRS (without the
    source layer, the payloads' geometry in WGS 84)."""
    source_layer = usable(source_layer)
    rows = target_rows(snapshot(job))
    wkb, crs = layer_shape(rows, source_layer)
    title = name or result_title(job)
    layer = QgsVectorLayer(f"{QgsWkbTypes.displayString(wkb)}?crs={crs}", title, "memory")
    provider = layer.dataProvider()
    provider.addAttributes(result_fields())
    layer.updateFields()
    geometries = to_layer = None
    if source_layer is not None:
        wanted = {row.feature_id for row in rows}
        geometries = source_geometries(source_layer, wanted, source_layer.featureCount())
        to_layer = from_wgs84(source_layer)
    provider.addFeatures(list(result_features(rows, layer.fields(), geometries, to_layer)))
    layer.updateExtents()
    style_by_status(layer, job_legend_values(job))
    layer.setCustomProperty(JOB_PROPERTY, job.job_id)
    return layer


def result_title(job: BulkJob) -> str:
    return tr("Planet orders – {layer}").format(layer=job.layer.name or "?")


def job_legend_values(job: BulkJob) -> list:
    """The legend values a result layer of this job shows, from the job (reading the
    layer back cost 0.6 s per 100,000 features)."""
    return legend_order({t.order_status or t.status for t in job.targets} - {None, ""})


def source_geometries(source, wanted: set, feature_count: int) -> dict:
    """feature id -> geometry of the wanted features, read in one pass (not one getFeature
    per target: 100,000 of them took 11-17 s). ``source``: a layer, or a
    QgsVectorLayerFeatureSource made from one on the main thread (any thread reads it)."""
    request = QgsFeatureRequest().setNoAttributes()
    if len(wanted) * 2 < feature_count:  # a small part of a big layer
        request.setFilterFids(sorted(wanted))
    out = {}
    # on the writer's thread: a pass over 100,000 features leaves the GIL alone now and then
    for feature in yielding(source.getFeatures(request)):
        fid = feature.id()
        if fid in wanted and feature.hasGeometry():
            out[fid] = feature.geometry()
    return out


def from_wgs84(layer: QgsVectorLayer) -> QgsCoordinateTransform:
    wgs84 = QgsCoordinateReferenceSystem("EPSG:4326")
    return QgsCoordinateTransform(wgs84, layer.crs(), QgsProject.instance())


def _part_geometry(geom: Optional[QgsGeometry], part: Optional[int]) -> Optional[QgsGeometry]:
    """The whole geometry, or its 1-based part."""
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
    return legend_order(seen)


def legend_order(values) -> list:
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
    present = present_values(layer) if values is None else legend_order(values)
    if shown != present:
        style_by_status(layer, present)
        return True
    return False


#: the attributes a results update writes (the rest never change after the build)
UPDATED_FIELDS = ("status", "order_id", "order_status", "capture_count", "order_updated", "error")


def _updated_values(t) -> tuple:
    return (t.status, t.order_id, t.order_status, t.capture_count, t.order_updated, t.reason or "")


def row_key(feature_id, part) -> tuple:
    """(feature id, part) as the layer's features and the targets both give it."""
    return int(feature_id), int(part) if part not in (None, "") else 0


class LayerState:
    """What a result layer holds: (feature id, part) -> layer fid, the values last written
    there, and how many features show each legend value. Updates then write only what
    changed, without reading the layer again. Made by the writer from the file it wrote
    (``fids``/``written``), or, for a layer of an earlier session, by reading the layer."""

    def __init__(self, layer=None, fids: Optional[dict] = None, written: Optional[dict] = None):
        self.fids, self.written = fids or {}, written or {}
        if layer is not None:
            self._read(layer)
        self.count = len(self.fids)
        self.legend: Counter = Counter(v[2] or v[0] for v in self.written.values())

    def _read(self, layer: QgsVectorLayer):
        request = QgsFeatureRequest().setFlags(QgsFeatureRequest.Flag.NoGeometry)
        request.setSubsetOfAttributes(("feature_id", "part") + UPDATED_FIELDS, layer.fields())
        for f in layer.getFeatures(request):
            key = row_key(f["feature_id"], f["part"])
            self.fids[key] = f.id()
            self.written[key] = tuple(_plain(f[name]) for name in UPDATED_FIELDS)

    def legend_values(self) -> list:
        return [v for v, n in self.legend.items() if n > 0 and v]

    def changes(self, targets, limit=None) -> tuple:
        """({layer fid: new values}, targets looked at) for the targets whose values differ
        from what was written; taken as written from now on. ``limit``: stop at that many
        changes (the caller goes on from there)."""
        changes = {}
        looked = 0
        for t in targets:
            if limit is not None and len(changes) >= limit:
                break
            looked += 1
            key = (int(t.feature_id), int(t.part or 0))
            fid = self.fids.get(key)
            values = _updated_values(t)
            old = self.written.get(key)
            if fid is None or old == values:
                continue
            changes[fid] = values
            self.written[key] = values
            if old is not None:
                self.legend[old[2] or old[0]] -= 1
            self.legend[values[2] or values[0]] += 1
        return changes, looked

    def unwritten(self, fids):
        """These writes failed: the next comparison sends them again."""
        by_fid = {fid: key for key, fid in self.fids.items()}
        for fid in fids:
            key = by_fid.get(fid)
            if key is not None and self.written.get(key) is not None:
                old = self.written[key]
                self.legend[old[2] or old[0]] -= 1
                self.written[key] = None


def _plain(value):
    """A NULL QVariant as None, so written values compare with the targets'."""
    if value is None or (hasattr(value, "isNull") and value.isNull()):
        return None
    return value


_STATES: dict = {}  # layer id -> LayerState (main thread)


def layer_state(layer: QgsVectorLayer) -> LayerState:
    state = _STATES.get(layer.id())
    if state is None or state.count != layer.featureCount():
        state = _STATES[layer.id()] = LayerState(layer)  # a layer of an earlier session
    return state


def remember_state(layer: QgsVectorLayer, state: LayerState):
    _STATES[layer.id()] = state


def write_changes(layer: QgsVectorLayer, changes: dict, state: LayerState):
    """Write {fid: values} through the layer's own provider (a memory layer: microseconds
    a feature; the GeoPackage goes through the writer thread instead)."""
    idx = [layer.fields().indexOf(n) for n in UPDATED_FIELDS]
    layer.dataProvider().changeAttributeValues(
        {fid: {i: v for i, v in zip(idx, values) if i >= 0} for fid, values in changes.items()}
    )
    restyle_if_needed(layer, state.legend_values())
    layer.triggerRepaint()


def update_result_layer(layer: QgsVectorLayer, job: BulkJob, keys=None) -> int:
    """Write the job's current statuses into a result layer through its provider, on this
    thread: only the features whose values changed (``keys``: only these targets may have
    changed; None: any). Returns the features written."""
    state = layer_state(layer)
    targets = job.targets if keys is None else [job.target(k) for k in keys]
    changes, _looked = state.changes(targets)
    if changes:
        write_changes(layer, changes, state)
    return len(changes)


def result_folder(project=None) -> str:
    """Next to the project when it is saved (it travels with it), else in the profile."""
    project = project or QgsProject.instance()
    if project.fileName():
        return os.path.join(project.absolutePath(), "planet_orders")
    return os.path.join(QgsApplication.qgisSettingsDirPath(), PLUGIN_ID, "results")


def result_path(job: BulkJob, folder: str) -> str:
    name = re.sub(r"[^\w.-]+", "_", job.layer.name or "orders").strip("_")[:40] or "orders"
    return os.path.join(folder, f"{name}_{job.job_id[:8]}.gpkg")
