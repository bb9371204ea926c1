"""Lines and polygons that cross the antimeridian (180°): cut into one piece per side.

After transformation to WGS 84, a shape drawn across 180° (in EPSG:3832, a Fiji UTM
zone, or in lon/lat with an edge from 179.5 to -179.5) has consecutive vertices more
than 180° of longitude apart. Sent as is, every GeoJSON reader takes such an edge the
long way round: a 4°-wide square from 178°E to 178°W becomes 356° wide. RFC 7946
§3.1.9 says to cut such geometries at the antimeridian.

Decisions:

* An edge spanning more than 180° of longitude is read as crossing the antimeridian
  (the short way round), whatever the layer's CRS: no tasking order spans half the globe.
* The shape is unwrapped (longitudes made continuous, beyond ±180), clipped with GEOS
  at 180° (and at -180°, 540°... as far as it reaches) and each piece is shifted back
  into -180..180, its rings turning the way they were drawn. Each piece becomes its
  own order, like the parts of a multipart feature: the Tasking API takes Polygon and
  LineString, not multi geometries.
  ``GeometryConverter`` puts a warning on each piece's target.
* A polygon ring that goes all the way round the globe (it encloses a pole) cannot be
  cut into orders: refused with a reason. So is a polygon that is not valid once
  unwrapped.
* Latitudes are not clipped: an out-of-range latitude is still reported as such.
"""

import json
import math
from typing import List, Union

from qgis.core import QgsGeometry, QgsPointXY, QgsPolygon, QgsRectangle, QgsWkbTypes

CROSSES = "crosses the antimeridian (180°)"
_FULL = 17  # digits: asJson() at full double precision


def cut(qg: QgsGeometry, kind: str) -> Union[None, str, List[QgsGeometry]]:
    """None when no edge of ``qg`` (a WGS 84 ``kind``: LineString or Polygon) crosses
    the antimeridian; a reason when it crosses but cannot be cut; else the pieces, each
    within -180..180 of longitude (not rounded, not validated)."""
    coords = json.loads(qg.asJson(_FULL))["coordinates"]
    if kind == "LineString":
        if not _jumps(coords):
            return None
        unwrapped = QgsGeometry.fromPolylineXY([QgsPointXY(x, y) for x, y in _unwrap(coords)])
    else:
        if not any(_jumps(ring) for ring in coords):
            return None
        rings = _unwrap_rings(coords)
        if isinstance(rings, str):
            return rings
        unwrapped = QgsGeometry.fromPolygonXY([[QgsPointXY(x, y) for x, y in r] for r in rings])
        if not unwrapped.isGeosValid():
            return (
                f"{CROSSES}, and the polygon is not valid once its longitudes run on across "
                "180°, so it cannot be cut there (check it with Processing ▸ Check validity)"
            )
    pieces = _clip(unwrapped, kind)
    if kind == "Polygon":  # GEOS may turn the rings round: keep the way they were drawn
        turn = unwrapped.constGet().exteriorRing().orientation()
        pieces = [_oriented(g, turn) for g in pieces]
    return pieces


def _oriented(piece: QgsGeometry, turn) -> QgsGeometry:
    """``piece`` (a polygon) with its exterior ring turning ``turn`` and holes the other way."""
    poly = piece.constGet()
    if poly.exteriorRing().orientation() == turn:
        return piece
    out = QgsPolygon()
    out.setExteriorRing(poly.exteriorRing().reversed())
    for i in range(poly.numInteriorRings()):
        out.addInteriorRing(poly.interiorRing(i).reversed())
    return QgsGeometry(out)


def _jumps(coords) -> bool:
    return any(abs(b[0] - a[0]) > 180.0 for a, b in zip(coords, coords[1:]))


def _unwrap(coords) -> List[tuple]:
    """Longitudes made continuous: each step of more than 180° is taken the short way."""
    out = []
    offset = 0.0
    prev = None
    for xy in coords:
        x, y = xy[0], xy[1]
        if prev is not None:
            step = x - prev
            if step > 180.0:
                offset -= 360.0
            elif step < -180.0:
                offset += 360.0
        prev = x
        out.append((x + offset, y))
    return out


def _unwrap_rings(rings) -> Union[str, List[List[tuple]]]:
    """Unwrapped rings, holes moved next to the shell; a reason if a ring encircles a pole."""
    out = []
    for i, ring in enumerate(rings):
        u = _unwrap(ring)
        if abs(u[-1][0] - u[0][0]) > 1e-9:  # does not close: it went round the globe
            return (
                f"{CROSSES} and goes all the way round the globe (it encloses a pole): "
                "it cannot be cut into orders; draw it as areas that do not enclose the pole"
            )
        if i > 0:  # a hole lies inside the shell: the same turn of the globe
            shell = out[0]
            centre = (min(x for x, _ in shell) + max(x for x, _ in shell)) / 2.0
            turns = round((centre - u[0][0]) / 360.0)
            if turns:
                u = [(x + 360.0 * turns, y) for x, y in u]
        out.append(u)
    return out


def _clip(unwrapped: QgsGeometry, kind: str) -> List[QgsGeometry]:
    """The pieces of ``unwrapped`` in each 360°-wide copy of the world, shifted back."""
    bb = unwrapped.boundingBox()
    first = math.floor((bb.xMinimum() + 180.0) / 360.0)
    last = math.floor((bb.xMaximum() + 180.0) / 360.0)
    want = QgsWkbTypes.Type.Polygon if kind == "Polygon" else QgsWkbTypes.Type.LineString
    y0, y1 = bb.yMinimum() - 1.0, bb.yMaximum() + 1.0  # latitudes are not clipped
    pieces: List[QgsGeometry] = []
    for turn in range(first, last + 1):
        west = -180.0 + 360.0 * turn
        window = QgsGeometry.fromRect(QgsRectangle(west, y0, west + 360.0, y1))
        clipped = unwrapped.intersection(window)
        if clipped is None or clipped.isEmpty():
            continue
        for g in clipped.asGeometryCollection():
            if QgsWkbTypes.flatType(g.wkbType()) != want or _degenerate(g, kind):
                continue  # a touch along 180° (a point or a line of a polygon)
            if turn:
                g.translate(-360.0 * turn, 0.0)
            pieces.append(g)
    return pieces


def _degenerate(g: QgsGeometry, kind: str) -> bool:
    return g.area() <= 0.0 if kind == "Polygon" else g.length() <= 0.0
