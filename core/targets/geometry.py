"""QGIS geometry → GeoJSON geometry for a tasking order (WGS 84, longitude first).

One :class:`GeometryConverter` per layer and job: it holds the transform to
EPSG:4326 and the geometry types the scheduling type accepts. ``convert``
returns one ``(part, geojson, reason)`` tuple per future target: ``part`` is
``None`` for a single geometry (or a one-part multi geometry) and 1, 2… for the
parts of a split multipart one (or the pieces of a shape cut at the antimeridian,
which carry a fourth item: a note for the target's warnings); exactly one of
``geojson`` and ``reason`` is set.

Rules:

* Points are read straight from their x/y (fast path), transformed with
  ``QgsCoordinateTransform``, rounded to 7 decimals.
* Lines and polygons are transformed in C++ and serialised with
  ``QgsGeometry.asJson(7)`` (C++), then ``json.loads``: much faster than walking
  vertices in Python. Polygon holes are kept as GeoJSON interior rings.
* Z and M are dropped.
* Curved geometries with real arcs are refused (never segmentized silently).
  A curve-typed geometry made only of straight segments (e.g. a CompoundCurve of
  one LineString, or a MultiSurface layer's plain polygons) converts losslessly
  and is accepted.
* Lines and polygons crossing the antimeridian are cut into one order per side
  (core/antimeridian.py), never sent wrapped the long way round the globe.
* Null, empty, NaN/infinite, out-of-range (after transformation), untransformable,
  and invalid polygons give a reason, never an exception. Lines and polygons are
  checked again as sent (7 decimals): a line whose vertices merge, or a polygon that
  collapses or self-intersects once rounded, is skipped with a reason.
"""

import json
import math
import struct
import sys
from array import array
from itertools import chain
from typing import List, Optional, Tuple

from qgis.core import (
    Qgis,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsCoordinateTransformContext,
    QgsCsException,
    QgsGeometry,
    QgsLineString,
    QgsWkbTypes,
)

from . import antimeridian
from .parameters import ALLOWED_GEOMETRIES, MULTIPART_REFUSE, MULTIPART_SPLIT

WGS84 = "EPSG:4326"
PRECISION = 7
SCALE = 1e7  # 10 ** PRECISION
BATCH = 50_000  # points per PROJ batch

#: (part, geojson, reason) or (part, geojson, reason, note): a note (an antimeridian cut)
#: becomes a warning on the part's target
Part = tuple

_W = QgsWkbTypes
_POINT_TYPES = frozenset(
    t
    for t in (
        _W.Point,
        _W.PointZ,
        _W.PointM,
        _W.PointZM,
        _W.Point25D,
    )
)
_LINE = _W.LineString
_POLYGON = _W.Polygon
_MULTI = {
    _W.MultiPoint: "Point",
    _W.MultiLineString: "LineString",
    _W.MultiPolygon: "Polygon",
    _W.GeometryCollection: None,
}
_isfinite = math.isfinite


def round7(v: float) -> float:
    """``v`` rounded to 7 decimals: the double nearest to a 7-decimal number, so its
    JSON is short. Twice as fast as Python's two-argument round (which formats
    decimal strings); the two differ only on exact ties. ``QgsGeometry.asJson(7)``
    rounds the same way. NaN and infinities are returned unchanged."""
    try:
        return round(v * SCALE) / SCALE
    except (OverflowError, ValueError):
        return v


_NONFINITE = "coordinates are not finite numbers (NaN or infinity)"
#: words of the reason for a point whose x/y may be swapped (job_hints counts them)
LATITUDE_BEYOND_90 = "outside latitude -90..90"
SWAPPED_QUESTION = "are X and Y swapped?"


class GeometryConverter:
    """Converts a layer's geometries to WGS 84 GeoJSON dicts for one scheduling type."""

    def __init__(
        self,
        source_crs: QgsCoordinateReferenceSystem,
        transform_context: Optional[QgsCoordinateTransformContext] = None,
        scheduling_type: str = "FLEXIBLE",
        multipart: str = MULTIPART_SPLIT,
    ):
        from qgis.core import QgsProject

        self.scheduling_type = scheduling_type
        self.allowed = ALLOWED_GEOMETRIES.get(scheduling_type, ("Point",))
        self.multipart = multipart
        self.problem: Optional[str] = None  # set when no feature can be converted at all
        self.ct: Optional[QgsCoordinateTransform] = None
        dest = QgsCoordinateReferenceSystem(WGS84)
        if source_crs is None or not source_crs.isValid():
            self.problem = (
                "the layer has no valid coordinate reference system: set its CRS "
                "(Layer Properties ▸ Source) so positions can be converted to WGS 84"
            )
            return
        self.source_authid = source_crs.authid() or source_crs.description()
        if source_crs != dest:
            ctx = (
                transform_context
                if transform_context is not None
                else QgsProject.instance().transformContext()
            )
            ct = QgsCoordinateTransform(source_crs, dest, ctx)
            if not ct.isValid():
                self.problem = f"no transformation from {self.source_authid} to WGS 84 is available"
                return
            if not ct.isShortCircuited():
                self.ct = ct

    # -- public -----------------------------------------------------------------------------
    def convert(self, g: QgsGeometry) -> List[Part]:
        """``[(part, geojson, reason), ...]`` for one feature geometry; never raises."""
        if self.problem:
            return [(None, None, self.problem)]
        if g is None or g.isNull():
            return [(None, None, "the feature has no geometry")]
        a = g.constGet()  # g stays referenced while a is used
        wt = a.wkbType()
        if wt in _POINT_TYPES:
            return [self._point(a.x(), a.y(), None, self.ct)]
        try:
            return self._general(g, a, wt)
        except Exception as e:  # noqa: BLE001 - a geometry must never crash a whole job
            return [(None, None, f"the geometry could not be read: {e}")]

    @property
    def point_fast_path(self) -> bool:
        """True when feature points may be read with ``QgsGeometry.asPoint()`` and
        transformed in batches (see :meth:`transform_points`)."""
        return self.problem is None

    def transform_points(self, xs: List[float], ys: List[float]) -> Tuple[List[float], List[float]]:
        """Transform finite source coordinates to WGS 84 in batches, in C++.

        The batch goes through one ``QgsLineString.transform`` call (a single PROJ
        call for all points) and is read back from its WKB. A point PROJ cannot
        transform comes back as inf/NaN (checked by :meth:`point_part`). Not rounded.
        """
        if self.ct is None or not xs:
            return xs, ys
        out_x: List[float] = []
        out_y: List[float] = []
        for start in range(0, len(xs), BATCH):
            bx, by = xs[start : start + BATCH], ys[start : start + BATCH]
            bad = None
            if not (_isfinite(sum(bx)) and _isfinite(sum(by))):
                # keep NaN/inf out of PROJ (one bad point may fail the whole batch)
                bad = [
                    i for i, (x, y) in enumerate(zip(bx, by)) if not (_isfinite(x) and _isfinite(y))
                ]
                bx, by = list(bx), list(by)
                for i in bad:
                    bx[i] = by[i] = 0.0
            try:
                line = QgsLineString(bx, by)
                line.transform(self.ct)
                coords = _wkb_xy(bytes(line.asWkb()), len(bx))
            except (QgsCsException, ValueError):
                coords = None
            if coords is None:  # fall back to one point at a time
                coords = array("d")
                for x, y in zip(bx, by):
                    try:
                        p = self.ct.transform(x, y)
                        coords.append(p.x())
                        coords.append(p.y())
                    except QgsCsException:
                        coords.append(math.inf)
                        coords.append(math.inf)
            if bad:
                for i in bad:
                    coords[2 * i] = coords[2 * i + 1] = math.nan
            out_x.extend(coords[0::2])
            out_y.extend(coords[1::2])
        return out_x, out_y

    def point_reason(self, x: float, y: float, transformed: bool) -> str:
        """Why a point (source or transformed coordinates) cannot be ordered."""
        if not transformed or self.ct is None:
            if not (_isfinite(x) and _isfinite(y)):
                if math.isnan(x) and math.isnan(y):
                    return "empty geometry (a point without coordinates)"
                return _NONFINITE
            return self._range_reason(round7(x), round7(y))
        if not (_isfinite(x) and _isfinite(y)):
            return (
                f"could not transform from {self.source_authid} to WGS 84 "
                "(the position is outside the area where the layer's CRS is defined?)"
            )
        return self._range_reason(round7(x), round7(y))

    # -- internals ------------------------------------------------------------------------
    def _type_reason(self, type_name: str) -> str:
        return (
            f"{type_name} geometries cannot be ordered with {self.scheduling_type} scheduling "
            f"(allowed: {', '.join(self.allowed)})"
        )

    def _point(self, x: float, y: float, part, ct) -> Part:
        if not (_isfinite(x) and _isfinite(y)):
            if math.isnan(x) and math.isnan(y):
                return (part, None, "empty geometry (a point without coordinates)")
            return (part, None, _NONFINITE)
        if ct is not None:
            try:
                p = ct.transform(x, y)
            except QgsCsException as e:
                return (part, None, self._transform_reason(e))
            x, y = p.x(), p.y()
        x = round7(x)
        y = round7(y)
        if -180.0 <= x <= 180.0 and -90.0 <= y <= 90.0:
            return (part, {"type": "Point", "coordinates": [x, y]}, None)
        return (part, None, self._range_reason(x, y))

    def _range_reason(self, x, y) -> str:
        if not (_isfinite(x) and _isfinite(y)):
            return _NONFINITE + f" after transformation from {self.source_authid} to WGS 84"
        if abs(x) <= 90.0 and 90.0 < abs(y) <= 180.0:
            # the other way round it would be a position: the classic X/Y mix-up
            return (
                f"position {x:.7g}, {y:.7g} is {LATITUDE_BEYOND_90}: {SWAPPED_QUESTION} "
                f"({y:.7g}, {x:.7g} would be a valid longitude, latitude)"
            )
        return (
            f"position {x:.7g}, {y:.7g} is outside longitude -180..180 / latitude -90..90 "
            f"after transformation to WGS 84 (is the layer's CRS, {self.source_authid}, right?)"
        )

    def _transform_reason(self, e: Exception) -> str:
        msg = " ".join(str(e).split()) or "transformation failed"
        return f"could not transform from {self.source_authid} to WGS 84: {msg}"

    def _general(self, g: QgsGeometry, a, wt) -> List[Part]:
        if g.isEmpty():
            return [(None, None, "empty geometry")]
        if _W.isCurvedType(wt):
            if a.hasCurvedSegments():
                return [
                    (
                        None,
                        None,
                        f"curved geometry ({_W.displayString(wt)}) is not sent as is: "
                        "segmentize it first (Processing ▸ Segmentize by maximum angle)",
                    )
                ]
            g = QgsGeometry(a.segmentize())  # straight segments only: lossless
            a = g.constGet()
            wt = a.wkbType()
        if _W.hasZ(wt) or _W.hasM(wt):
            g = QgsGeometry(g)
            g.get().dropZValue()
            g.get().dropMValue()
            a = g.constGet()
            wt = a.wkbType()
        flat = _W.flatType(wt)

        # type check before any work
        if flat in _MULTI:
            base = _MULTI[flat]
            n = a.numGeometries()
            if n == 0:
                return [(None, None, "empty geometry")]
            if base is not None and base not in self.allowed:
                return [(None, None, self._type_reason(f"Multi{base}"))]
            if n > 1 and self.multipart == MULTIPART_REFUSE:
                return [
                    (
                        None,
                        None,
                        f"multipart geometry with {n} parts ({_W.displayString(flat)}): multipart "
                        "handling is set to refuse (choose 'split' or explode the layer first)",
                    )
                ]
        elif flat == _LINE:
            if "LineString" not in self.allowed:
                return [(None, None, self._type_reason("LineString"))]
        elif flat == _POLYGON:
            if "Polygon" not in self.allowed:
                return [(None, None, self._type_reason("Polygon"))]
        else:
            return [(None, None, f"unsupported geometry type {_W.displayString(wt)}")]

        # transform the whole geometry once, in C++
        if self.ct is not None:
            src = g
            g = QgsGeometry(g)
            try:
                g.transform(self.ct)
            except QgsCsException as e:
                if "null" in src.asJson(PRECISION):
                    return [(None, None, _NONFINITE)]
                return [(None, None, self._transform_reason(e))]
            a = g.constGet()

        if flat in _MULTI:
            pieces = []
            for i in range(a.numGeometries()):
                pieces.extend(self._single(a.geometryN(i)))
            return self._number(pieces, a.numGeometries() > 1)
        return self._number(self._single(a), False)

    def _number(self, pieces: List[tuple], multipart: bool) -> List[Part]:
        """Parts from ``(geojson, reason, note)`` pieces: numbered 1, 2... when there is
        more than one (or the feature is multipart), else part None. A note (an
        antimeridian cut) goes along as a fourth item: the target's warning."""
        numbered = multipart or len(pieces) > 1
        out: List[Part] = []
        for i, (geojson, reason, note) in enumerate(pieces):
            part = i + 1 if numbered else None
            if reason is None and geojson is None:
                reason = "empty geometry" if part is None else "empty part"
            out.append((part, geojson, reason, note) if note else (part, geojson, reason))
        return out

    def _single(self, a) -> List[tuple]:
        """``[(geojson, reason, note)]`` for one transformed, Z/M-free, linear part: one
        item, or one per side of the antimeridian when it crosses it."""
        flat = _W.flatType(a.wkbType())
        if flat == _W.Point:
            _, geojson, reason = self._point(a.x(), a.y(), None, None)
            return [(geojson, reason, None)]
        if flat == _LINE:
            kind = "LineString"
        elif flat == _POLYGON:
            kind = "Polygon"
        else:
            return [(None, f"unsupported geometry type {_W.displayString(a.wkbType())}", None)]
        if kind not in self.allowed:
            return [(None, self._type_reason(kind), None)]
        if a.isEmpty():
            return [(None, None, None)]
        qg = QgsGeometry(a.clone())
        # only a shape wider than 180° can have an edge across 180° (inf/NaN: _finish)
        if 180.0 < qg.boundingBox().width() < math.inf:
            cut = antimeridian.cut(qg, kind)
            if cut is not None:
                return self._cut_pieces(cut, kind)
        geojson, reason = self._finish(qg, kind)
        return [(geojson, reason, None)]

    def _cut_pieces(self, cut, kind: str) -> List[tuple]:
        """The pieces of a geometry cut at the antimeridian (antimeridian.cut's answer)."""
        if isinstance(cut, str):  # cannot be cut: the reason
            return [(None, cut, None)]
        pieces = [self._finish(g, kind) for g in cut]
        if not pieces:
            return [
                (None, f"{antimeridian.CROSSES} and nothing of it is left once cut there", None)
            ]
        if len(pieces) == 1:
            # it only touched 180° from one side: same place, written the RFC 7946 way
            return [(pieces[0][0], pieces[0][1], None)]
        if self.multipart == MULTIPART_REFUSE:
            return [
                (
                    None,
                    f"{antimeridian.CROSSES} and would have to be cut into {len(pieces)} "
                    "orders, one for each side; multipart handling is set to refuse "
                    "(choose 'split', or cut the feature at 180° first)",
                    None,
                )
            ]
        note = (
            f"{antimeridian.CROSSES}: cut into {len(pieces)} orders, one for each side "
            "(a shape sent across 180° would be read as spanning the rest of the globe)"
        )
        return [(geojson, reason, note) for geojson, reason in pieces]

    def _finish(self, qg: QgsGeometry, kind: str) -> Tuple[Optional[dict], Optional[str]]:
        """(geojson, None) or (None, reason) for one WGS 84 line or polygon: range,
        distinct vertices, validity, all checked on what is sent (7 decimals)."""
        text = qg.asJson(PRECISION)
        if "null" in text or "nan" in text or "inf" in text:
            return None, _NONFINITE
        bb = qg.boundingBox()
        xmin, xmax, ymin, ymax = bb.xMinimum(), bb.xMaximum(), bb.yMinimum(), bb.yMaximum()
        eps = 5e-8
        if not (
            -180 - eps <= xmin and xmax <= 180 + eps and -90 - eps <= ymin and ymax <= 90 + eps
        ):
            x = xmin if xmin < -180 - eps else xmax
            y = ymin if ymin < -90 - eps else ymax
            return None, self._range_reason(x, y)
        if kind == "LineString":
            if qg.constGet().numPoints() < 2 or qg.length() == 0:
                return None, "the line needs at least two distinct vertices"
            coords = json.loads(text)["coordinates"]
            if len({(x, y) for x, y in coords}) < 2:
                return None, (
                    "the line needs at least two distinct vertices: its vertices become "
                    f"one position once rounded to {PRECISION} decimals (about 1 cm)"
                )
            return {"type": kind, "coordinates": coords}, None
        # validity of what is sent (one GEOS check in the common case); the shape as
        # drawn is looked at only to say why not
        coords = json.loads(text)["coordinates"]
        rounded = _polygon_from_rings(coords)
        if rounded is not None and rounded.isGeosValid() and rounded.area() > 0.0:
            return {"type": kind, "coordinates": coords}, None
        if not qg.isGeosValid():
            return None, _invalid_polygon_reason(qg, "")
        # valid as drawn, but not as sent: sub-centimetre shapes and slivers
        return None, _invalid_polygon_reason(
            rounded,
            f"the polygon collapses once its coordinates are rounded to {PRECISION} "
            "decimals (about 1 cm), as they are sent",
        )


def _invalid_polygon_reason(qg: Optional[QgsGeometry], lead: str) -> str:
    errors = qg.validateGeometry(Qgis.GeometryValidationEngine.Geos) if qg is not None else []
    what = "; ".join(e.what() for e in errors[:3]) if errors else "GEOS says it is not valid"
    where = ""
    if errors and errors[0].hasWhere():
        w = errors[0].where()
        where = f" near {w.x():.6f}, {w.y():.6f}"
    if lead:
        return f"{lead}: {what}{where}"
    return f"invalid polygon: {what}{where} (fix it with Processing ▸ Fix geometries)"


def _polygon_from_rings(rings) -> Optional[QgsGeometry]:
    """A QgsGeometry of GeoJSON polygon rings, exactly those numbers (via WKB)."""
    chunks = [struct.pack("<BII", 1, 3, len(rings))]
    for ring in rings:
        if not ring:
            return None
        chunks.append(struct.pack("<I", len(ring)))
        values = array("d", chain.from_iterable(ring))  # [x, y] positions: Z/M dropped
        if sys.byteorder != "little":
            values.byteswap()
        chunks.append(values.tobytes())
    g = QgsGeometry()
    g.fromWkb(b"".join(chunks))
    return None if g.isNull() else g


def _wkb_xy(wkb: bytes, n: int) -> Optional[array]:
    """x0, y0, x1, y1... of a 2D LineString WKB (None if the layout is not the expected one)."""
    if len(wkb) != 9 + 16 * n:
        return None
    coords = array("d")
    coords.frombytes(wkb[9:])
    little = wkb[0] == 1
    if little != (sys.byteorder == "little"):
        coords.byteswap()
    return coords
