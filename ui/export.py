"""Export the results table: CSV (what the table shows) and GeoPackage (with geometry)."""

import csv
from typing import List, Optional

from qgis.core import QgsCoordinateTransformContext, QgsProject, QgsVectorFileWriter

from ..core.model.job import BulkJob, Target
from .result_layer import build_result_layer

CSV_COLUMNS = (
    "feature_id",
    "part",
    "name",
    "status",
    "order_id",
    "order_status",
    "capture_count",
    "order_updated_utc",
    "error",
    "warnings",
    "lon",
    "lat",
)


def lon_lat(target) -> tuple:
    """WGS 84 longitude and latitude of what was sent (a point, or the centroid of a line or
    polygon), 7 decimals; empty when nothing was built (e.g. no geometry)."""
    from .result_layer import _geometry_from_payload

    geom = _geometry_from_payload(target)
    if geom is None or geom.isNull() or geom.isEmpty():
        return "", ""
    point = geom.centroid().asPoint()
    return f"{point.x():.7f}", f"{point.y():.7f}"


def export_csv(path: str, targets: List[Target]) -> int:
    """Write these targets (in this order) to a UTF-8 CSV. Returns the row count."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        for t in targets:
            writer.writerow(
                [
                    t.feature_id,
                    t.part or "",
                    t.name,
                    t.status,
                    t.order_id or "",
                    t.order_status or "",
                    "" if t.capture_count is None else t.capture_count,
                    t.order_updated or "",
                    t.reason or "",
                    "; ".join(t.warnings or []),
                    *lon_lat(t),
                ]
            )
    return len(targets)


def export_geopackage(path: str, job: BulkJob, source_layer, layer_name: str = "orders"):
    """Write the job's targets with their geometry to a GeoPackage.

    Returns (ok, error message).
    """
    layer = build_result_layer(job, source_layer, name=layer_name)
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    options.layerName = layer_name
    options.fileEncoding = "UTF-8"
    context: Optional[QgsCoordinateTransformContext] = QgsProject.instance().transformContext()
    if hasattr(QgsVectorFileWriter, "writeAsVectorFormatV3"):  # QGIS >= 3.20
        result = QgsVectorFileWriter.writeAsVectorFormatV3(layer, path, context, options)
    else:
        result = QgsVectorFileWriter.writeAsVectorFormatV2(layer, path, context, options)
    error, message = result[0], result[1] if len(result) > 1 else ""
    return error == QgsVectorFileWriter.WriterError.NoError, message
