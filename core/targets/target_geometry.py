"""The geometry one target stands for, for the result layer, zoom and Processing output.

A target's ``part`` is NOT always the source feature's part: a line or polygon cut at the
antimeridian becomes one target per side, numbered across the whole feature
(core/geometry.py), so "part 3" of Fiji may be the east half of the source's part 2. The
geometry that was sent (the payload's WGS 84 GeoJSON) is the truth for a part; the source
feature's part N is used only for a part that was never cut and has no payload.
"""

import json
from typing import Optional

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsCsException,
    QgsFields,
    QgsGeometry,
    QgsJsonUtils,
    QgsPointXY,
    QgsProject,
)

from .antimeridian import CROSSES

WGS84 = "EPSG:4326"


def payload_geometry(target) -> Optional[QgsGeometry]:
    """The GeoJSON geometry the order was sent with (WGS 84), None without one. Points,
    lines and polygons are made directly (60x faster than QgsJsonUtils for 10,000
    points); anything else through it."""
    geom = (target.payload or {}).get("geometry")
    if not geom:
        return None
    kind, coords = geom.get("type"), geom.get("coordinates")
    try:
        if kind == "Point":
            return QgsGeometry.fromPointXY(QgsPointXY(coords[0], coords[1]))
        if kind == "LineString":
            return QgsGeometry.fromPolylineXY([QgsPointXY(c[0], c[1]) for c in coords])
        if kind == "Polygon":
            return QgsGeometry.fromPolygonXY([[QgsPointXY(c[0], c[1]) for c in r] for r in coords])
    except (TypeError, IndexError):
        return None
    text = json.dumps({"type": "Feature", "properties": {}, "geometry": geom})
    features = QgsJsonUtils.stringToFeatureList(text, QgsFields())
    return QgsGeometry(features[0].geometry()) if features else None


def was_cut(target) -> bool:
    """True when the target is a piece of a shape cut at the antimeridian (its warning)."""
    return any(CROSSES in (w or "") for w in (target.warnings or ()))


def source_part(geom: QgsGeometry, part: Optional[int]) -> QgsGeometry:
    """The 1-based part of a multipart source geometry (the whole one otherwise)."""
    if part and geom.isMultipart():
        parts = geom.asGeometryCollection()
        if 0 < part <= len(parts):
            return QgsGeometry(parts[part - 1])
    return geom


def target_geometry(target, layer, crs=None) -> Optional[QgsGeometry]:
    """The target's geometry in ``crs`` (default: the layer's), None if there is none.

    A part with a payload: the geometry sent. A cut part without one (skipped): the whole
    source feature (its numbering is not the source's). Otherwise the source feature, or
    its part N; without the source feature, the payload."""
    dest = crs if crs is not None else (layer.crs() if layer is not None else None)
    sent = payload_geometry(target)
    if target.part and sent is not None:
        return _to_crs(sent, dest)
    feature = layer.getFeature(int(target.feature_id)) if layer is not None else None
    if feature is None or not feature.isValid() or not feature.hasGeometry():
        return _to_crs(sent, dest) if sent is not None else None
    geom = QgsGeometry(feature.geometry())
    if not was_cut(target):
        geom = source_part(geom, target.part)
    if dest is not None and dest != layer.crs():
        return _transform(geom, layer.crs(), dest)
    return geom


def _to_crs(wgs84: QgsGeometry, dest) -> Optional[QgsGeometry]:
    if dest is None or not dest.isValid():
        return wgs84
    return _transform(wgs84, QgsCoordinateReferenceSystem(WGS84), dest)


def _transform(geom: QgsGeometry, src, dest) -> Optional[QgsGeometry]:
    if src == dest:
        return geom
    try:
        geom.transform(QgsCoordinateTransform(src, dest, QgsProject.instance()))
    except QgsCsException:  # outside the CRS's area: no geometry rather than a wrong one
        return None
    return geom


def sent_part(target, transform: Optional[QgsCoordinateTransform]) -> Optional[QgsGeometry]:
    """A part's sent geometry through ``transform`` (WGS 84 -> the layer's CRS, None: as
    is); None for a whole feature or a part without a payload. For callers that read the
    source geometries in one pass (ui/result_layer.py)."""
    if not target.part:
        return None
    sent = payload_geometry(target)
    if sent is None or transform is None:
        return sent
    try:
        sent.transform(transform)
    except QgsCsException:
        return None
    return sent
