"""The algorithms' output rows: one feature per target, in WGS 84 (what was sent)."""

from typing import Optional

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsField,
    QgsFields,
    QgsGeometry,
    QgsVectorLayer,
    QgsWkbTypes,
)

from ..core.model.job import BulkJob, ChunkState, Target
from ..core.qgis_compat import field_type
from ..core.targets.target_geometry import payload_geometry, target_geometry

WGS84 = "EPSG:4326"

#: (name, type) of submit_orders' output; refresh_orders adds ORDER_FIELDS to its input's
TARGET_FIELDS = (
    ("feature_id", field_type("int64")),  # the source feature's id
    ("part", field_type("int")),  # 1-based part of a split multipart feature, else NULL
    ("name", field_type("string")),
    ("bulk_id", field_type("string")),
    ("order_id", field_type("string")),
    ("status", field_type("string")),  # ready | skipped | submitted | succeeded | failed
    ("error", field_type("string")),
    ("job_id", field_type("string")),
)
ORDER_FIELDS = (
    ("order_status", field_type("string")),
    ("capture_count", field_type("int")),
    ("order_updated", field_type("string")),  # ISO 8601, UTC
    ("order_error", field_type("string")),
)


def make_fields(spec) -> QgsFields:
    fields = QgsFields()
    for name, kind in spec:
        fields.append(QgsField(name, kind))
    return fields


def output_wkb_type(layer: QgsVectorLayer):
    """Multi type of the layer's geometry (parts of split features fit in it too)."""
    return QgsWkbTypes.multiType(QgsWkbTypes.flatType(layer.wkbType()))


class SourceGeometry:
    """A skipped target's geometry (no payload): its source feature (or part), in WGS 84."""

    def __init__(self, layer: QgsVectorLayer):
        self.layer = layer
        self.crs = QgsCoordinateReferenceSystem(WGS84)

    def __call__(self, target: Target) -> Optional[QgsGeometry]:
        return target_geometry(target, self.layer, self.crs)


def bulk_id_of(job: BulkJob, target: Target) -> str:
    if target.attempts and target.attempts[-1].bulk_id:
        return target.attempts[-1].bulk_id
    if target.chunk_index is not None:
        chunk = next((c for c in job.chunks if c.index == target.chunk_index), None)
        if chunk is not None and chunk.state in ChunkState.SENT:
            return chunk.bulk_id  # a bulk never sent has no bulk id worth showing
    return ""


def target_feature(job: BulkJob, target: Target, fields: QgsFields, source_geometry) -> QgsFeature:
    feature = QgsFeature(fields)
    geom = payload_geometry(target) or source_geometry(target)
    if geom is not None and not geom.isNull():
        geom.convertToMultiType()
        feature.setGeometry(geom)
    feature.setAttributes(
        [
            int(target.feature_id),
            target.part,
            target.name,
            bulk_id_of(job, target),
            target.order_id,
            target.status,
            target.reason or "",
            job.job_id,
        ]
    )
    return feature
