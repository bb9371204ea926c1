"""A memory layer of a job's targets, styled by status, for the map and for export."""

import json
from typing import Optional

from qgis.core import (
    QgsCategorizedSymbolRenderer,
    QgsFeature,
    QgsFields,
    QgsGeometry,
    QgsJsonUtils,
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
from .map_links import feature_geometry
from .status import ORDER_STATUS_COLORS, STATUS_COLORS, order_status_label, status_label

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
    """Fallback when the source feature is gone: the payload's WGS 84 GeoJSON."""
    geom = (target.payload or {}).get("geometry")
    if not geom:
        return None
    fields = QgsFields()
    text = json.dumps({"type": "Feature", "properties": {}, "geometry": geom})
    features = QgsJsonUtils.stringToFeatureList(text, fields)
    return features[0].geometry() if features else None


def build_result_layer(
    job: BulkJob, source_layer: Optional[QgsVectorLayer], name: Optional[str] = None
) -> QgsVectorLayer:
    """A memory layer with one feature per target, in the source layer's CRS.

    Geometry comes from the source features (the target's part for split multipart
    features). Without the source layer, it comes from the payloads (WGS 84).
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
        geom = feature_geometry(source_layer, t.feature_id, t.part) if source_layer else None
        if geom is None and source_layer is None:
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
    layer.setCustomProperty("planet_bulk_tasking/job_id", job.job_id)
    return layer


def style_by_status(layer: QgsVectorLayer):
    """Order status at Planet where known (fulfilled, expired…), else the submit status."""
    categories = []

    def symbol_for(color):
        symbol = QgsSymbol.defaultSymbol(layer.geometryType())
        symbol.setColor(QColor(color))
        if layer.geometryType() == QgsWkbTypes.GeometryType.PolygonGeometry:
            symbol.setOpacity(0.75)
        return symbol

    for status, color in ORDER_STATUS_COLORS.items():
        categories.append(
            QgsRendererCategory(
                status, symbol_for(color), tr("Order: {s}").format(s=order_status_label(status))
            )
        )
    for status in (
        TargetStatus.SUCCEEDED,
        TargetStatus.SUBMITTED,
        TargetStatus.READY,
        TargetStatus.FAILED,
        TargetStatus.SKIPPED,
    ):
        categories.append(
            QgsRendererCategory(status, symbol_for(STATUS_COLORS[status]), status_label(status))
        )
    layer.setRenderer(QgsCategorizedSymbolRenderer(STYLE_EXPRESSION, categories))
    layer.triggerRepaint()


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
        layer.triggerRepaint()
    return len(changes)


def add_result_layer(job: BulkJob, source_layer, project=None) -> QgsVectorLayer:
    layer = build_result_layer(job, source_layer)
    (project or QgsProject.instance()).addMapLayer(layer)
    return layer
