"""A job's targets as a layer styled by status: a GeoPackage for the map (it survives
saving and reopening the project), a memory layer for export."""

import os
import re
from typing import Optional

from qgis.core import (
    QgsApplication,
    QgsCategorizedSymbolRenderer,
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

from ..core.job import BulkJob, TargetStatus
from ..core.qgis_compat import make_field
from ..core.target_geometry import payload_geometry, target_geometry
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
JOB_PROPERTY = "planet_bulk_tasking/job_id"  # on the plugin's own layers (never a target)
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
    for t in job.targets:
        feature = QgsFeature(layer.fields())
        if source_layer is not None:  # a cut part: its sent piece, not the source's part N
            geom = target_geometry(t, source_layer)
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
    style_by_status(layer)
    layer.setCustomProperty(JOB_PROPERTY, job.job_id)
    return layer


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
    order = list(LEGEND_COLORS)
    return sorted(seen, key=lambda v: (order.index(v) if v in order else 99, v))


def style_by_status(layer: QgsVectorLayer):
    """Order status at Planet where known (fulfilled, expired…), else the submit status;
    only the statuses that occur, each with its own colour."""
    categories = []

    def symbol_for(color):
        symbol = QgsSymbol.defaultSymbol(layer.geometryType())
        symbol.setColor(QColor(color))
        if layer.geometryType() == QgsWkbTypes.GeometryType.PolygonGeometry:
            symbol.setOpacity(0.75)
        return symbol

    for value in present_values(layer):
        color = LEGEND_COLORS.get(value, "#8c8c8c")
        categories.append(QgsRendererCategory(value, symbol_for(color), legend_label(value)))
    layer.setRenderer(QgsCategorizedSymbolRenderer(STYLE_EXPRESSION, categories))
    layer.triggerRepaint()


def restyle_if_needed(layer: QgsVectorLayer):
    """A status appeared or went away: the legend follows."""
    renderer = layer.renderer()
    shown = (
        [c.value() for c in renderer.categories()]
        if isinstance(renderer, QgsCategorizedSymbolRenderer)
        else None
    )
    if shown != present_values(layer):
        style_by_status(layer)


def update_result_layer(layer: QgsVectorLayer, job: BulkJob) -> int:
    """Write the job's current statuses into an existing result layer."""
    idx = {n: layer.fields().indexOf(n) for n in FIELD_NAMES}
    by_key = {}
    for t in job.targets:
        by_key[(int(t.feature_id), int(t.part or 0))] = t
    changes = {}
    for feature in layer.getFeatures():
        part = feature["part"]
        key = (int(feature["feature_id"]), int(part) if part not in (None, "") else 0)
        t = by_key.get(key)
        if t is None:
            continue
        values = {
            "status": t.status,
            "order_id": t.order_id,
            "order_status": t.order_status,
            "capture_count": t.capture_count,
            "order_updated": t.order_updated,
            "error": t.reason or "",
        }
        changes[feature.id()] = {idx[k]: v for k, v in values.items() if idx.get(k, -1) >= 0}
    if changes:
        layer.dataProvider().changeAttributeValues(changes)
        restyle_if_needed(layer)
        layer.triggerRepaint()
    return len(changes)


def result_folder(project=None) -> str:
    """Next to the project when it is saved (it travels with it), else in the profile."""
    project = project or QgsProject.instance()
    if project.fileName():
        return os.path.join(project.absolutePath(), "planet_orders")
    return os.path.join(QgsApplication.qgisSettingsDirPath(), "planet_bulk_tasking", "results")


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
        style_by_status(layer)
        layer.setCustomProperty(JOB_PROPERTY, job.job_id)
    project.addMapLayer(layer)
    return layer
