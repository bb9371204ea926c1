"""Export the results table: CSV (what the table shows) and GeoPackage (with geometry)."""

import csv
import os
from typing import List

from qgis.core import QgsProject

from ..model.job import BulkJob, Target
from ..targets.target_geometry import payload_geometry
from .result_layer import from_wgs84, layer_shape, snapshot, target_rows, usable

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
    geom = payload_geometry(target)
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
    """Write the job's targets with their geometry to a GeoPackage (the file is replaced).

    Returns (ok, error message).
    """
    from .result_writer import write_geopackage

    source_layer = usable(source_layer)
    rows = target_rows(snapshot(job))
    wkb, crs = layer_shape(rows, source_layer)
    to_layer = from_wgs84(source_layer) if source_layer is not None else None
    count = source_layer.featureCount() if source_layer is not None else 0
    context = QgsProject.instance().transformContext()
    if os.path.exists(path):
        os.remove(path)
    return write_geopackage(
        path, rows, source_layer, count, wkb, crs, to_layer, context, layer_name=layer_name
    )
