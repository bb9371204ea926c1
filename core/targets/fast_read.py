"""Bulk reading of OGR point layers (GeoPackage, shapefile) without one QgsFeature per feature.

``read_points(src, name_field)`` opens the layer's source (``src``: a
core/targets/source.py LayerSource, captured on the main thread; this module never
touches the QgsVectorLayer, so it runs in any thread) with GDAL/OGR, reads
(fid, name, geometry WKB) in Arrow batches as NumPy arrays and decodes the point
WKB vectorised. It returns ``None`` whenever it cannot guarantee what QGIS itself
would read (the caller then takes the general path):

* the layer is not an ``ogr`` layer of a known driver (GPKG, ESRI Shapefile), its URI
  carries more than a path and a layer name/id (open options, geometry type filter...),
  or its subset string is a full ``SELECT`` statement;
* the layer has uncommitted edits (the edit buffer changes what QGIS returns);
* the name field is not a plain provider string field that OGR has under the same name
  (shapefiles: the DBF's bytes are read undecoded and decoded here with the encoding
  QGIS uses for the layer, strictly: anything that does not decode takes the general path);
* numpy or the GDAL Python bindings are missing, or anything fails while reading;
* the number of features read differs from the layer's feature count.

Geometries that are not a plain 2D/Z/M point (or a one-part MultiPoint of one) come
back as ``special`` feature ids: the caller reads those few through QGIS, so their
skip reasons (null, empty, several parts...) are exactly the general path's.

``transform_xy(ct, xs, ys)`` transforms NumPy coordinates with a QgsCoordinateTransform
in one PROJ call (a LineString built from WKB), exactly like
``GeometryConverter.transform_points`` does from lists.

NumPy and ``osgeo`` are imported lazily: this module imports without them.
"""

import math
from typing import List, Optional

#: drivers whose feature ids, attribute filter and geometries QGIS reads as OGR does
DRIVERS = ("GPKG", "ESRI Shapefile")
BATCH = 65536

_np = None
_ogr = None


def available() -> bool:
    """True when numpy and the GDAL Python bindings (with Arrow streams) can be imported."""
    global _np, _ogr
    if _np is not None and _ogr is not None:
        return True
    try:
        import numpy
        from osgeo import ogr
    except Exception:  # noqa: BLE001 - any import problem: no fast path
        return False
    if not hasattr(ogr.Layer, "GetArrowStreamAsNumPy"):  # GDAL < 3.6
        return False
    _np, _ogr = numpy, ogr
    return True


class PointBatch:
    """What was read: parallel arrays in the provider's order."""

    __slots__ = ("fids", "names", "xs", "ys", "special")

    def __init__(self, fids, names, xs, ys, special):
        self.fids = fids  # int64 array
        self.names = names  # list of str (NULL -> "") or None (fallback names)
        self.xs = xs  # float64 arrays: source coordinates, NaN for specials
        self.ys = ys
        self.special: List[int] = special  # fids to read through QGIS


def _source_parts(src):
    from qgis.core import QgsProviderRegistry

    parts = QgsProviderRegistry.instance().decodeUri("ogr", src.source)
    path = parts.get("path")
    if not path:
        return None
    layer_name = parts.get("layerName")
    layer_id = parts.get("layerId")
    for key, value in parts.items():
        if key in ("path", "layerName", "layerId", "subset"):
            continue
        if value not in (None, "", [], {}) and not _is_null(value):
            return None  # geometryType, openOptions, vsi prefixes...: not ours to mimic
    return (
        path,
        (None if _is_null(layer_name) else layer_name),
        (None if _is_null(layer_id) else layer_id),
    )


def _is_null(v) -> bool:
    if v is None:
        return True
    is_null = getattr(v, "isNull", None)
    return bool(is_null()) if callable(is_null) else False


def unsupported_reason(src, name_field: Optional[str]) -> Optional[str]:
    """Why the fast reader cannot take this layer (None: it may)."""
    if not available():
        return "numpy or GDAL Python bindings missing"
    if src.provider != "ogr":
        return "not an OGR layer"
    if src.modified:
        return "uncommitted edits"
    if src.subset.lower().startswith("select"):
        return "SQL subset"
    if name_field is not None:
        from qgis.core import QgsFields

        fields = src.fields
        idx = fields.lookupField(name_field)
        if idx < 0 or fields.fieldOrigin(idx) != QgsFields.FieldOrigin.OriginProvider:
            return "name field is not a provider field"
    return None


def read_points(src, name_field: Optional[str], feedback=None) -> Optional[PointBatch]:
    """All features of the layer (honouring its subset string), or None (see module doc).
    ``names`` come back decoded (str, NULL -> "")."""
    if unsupported_reason(src, name_field) is not None:
        return None
    try:
        return _read(src, name_field, feedback)
    except Exception:  # noqa: BLE001 - the general path will read it (and report problems)
        return None


def _read(src, name_field, feedback):
    np, ogr = _np, _ogr
    from osgeo import gdal

    parts = _source_parts(src)
    if parts is None:
        return None
    codec = "utf-8"
    # Shapefiles: QGIS sets SHAPE_ENCODING="" and decodes the DBF's bytes itself with the
    # layer's encoding (the .cpg, or the user's choice); read the same bytes and decode
    # them the same way. Without that setting OGR recodes: only UTF-8 both sides is safe.
    raw_dbf = gdal.GetConfigOption("SHAPE_ENCODING") == ""
    with _ogr_exceptions(ogr):
        options = ["ENCODING="] if raw_dbf else None
        ds, lyr = _open_layer(gdal, parts, DRIVERS, options)  # lyr lives as long as ds
        if lyr is None:
            return None
        defn = lyr.GetLayerDefn()
        if defn.GetGeomFieldCount() != 1:
            return None
        keep = []
        if name_field is not None:
            fi = defn.GetFieldIndex(name_field)
            if fi < 0:
                return None
            fd = defn.GetFieldDefn(fi)
            if fd.GetName() != name_field or fd.GetType() != ogr.OFTString:
                return None
            if ds.GetDriver().ShortName != "GPKG":
                codec = _python_codec(src.encoding)
                if codec is None:
                    return None
                if not raw_dbf and (
                    codec != "utf-8" or not lyr.TestCapability(ogr.OLCStringsAsUTF8)
                ):
                    return None
            keep.append(name_field)
        lyr.SetIgnoredFields(
            [
                defn.GetFieldDefn(i).GetName()
                for i in range(defn.GetFieldCount())
                if defn.GetFieldDefn(i).GetName() not in keep
            ]
            + ["OGR_STYLE"]
        )
        lyr.SetAttributeFilter(src.subset or None)
        lyr.SetSpatialFilter(None)
        lyr.ResetReading()
        fid_col = lyr.GetFIDColumn() or "OGC_FID"
        geom_col = lyr.GetGeometryColumn() or "wkb_geometry"

        fids, names, xs, ys, special = [], [], [], [], []
        stream = lyr.GetArrowStreamAsNumPy(
            options=["USE_MASKED_ARRAYS=NO", f"MAX_FEATURES_IN_BATCH={BATCH}", "INCLUDE_FID=YES"]
        )
        for batch in stream:
            if feedback is not None and feedback.isCanceled():
                return None
            fid = np.asarray(batch[fid_col], dtype=np.int64)
            x, y, bad = decode_points(np, batch[geom_col], len(fid))
            fids.append(fid)
            xs.append(x)
            ys.append(y)
            if bad.any():
                special.extend(fid[bad].tolist())
            if name_field is not None:
                names.append(batch[name_field])
        del stream
    if not fids:
        fids_a = np.empty(0, np.int64)
        xs_a = ys_a = np.empty(0, np.float64)
        names_a = np.empty(0, "S1") if name_field is not None else None
    else:
        fids_a = np.concatenate(fids)
        xs_a = np.concatenate(xs)
        ys_a = np.concatenate(ys)
        names_a = _concat_bytes(np, names) if name_field is not None else None
    if src.feature_count >= 0 and src.feature_count != len(fids_a):
        return None
    if names_a is not None:
        try:
            names_a = [b.decode(codec) for b in names_a.tolist()]
        except UnicodeDecodeError:  # QGIS would show something: let it
            return None
    return PointBatch(fids_a, names_a, xs_a, ys_a, special)


def _python_codec(qgis_encoding: str) -> Optional[str]:
    """Python's codec for the encoding QGIS decodes a shapefile's DBF with (Qt names:
    "UTF-8", "windows-1252", "ISO-8859-1"...), None when there is no exact match
    ("System": the machine's locale)."""
    import codecs

    name = (qgis_encoding or "").strip()
    if not name or name.lower() == "system":
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


class _ogr_exceptions:
    """ogr.UseExceptions() for the duration, restoring the caller's choice."""

    def __init__(self, ogr):
        self.ogr = ogr

    def __enter__(self):
        self.was = self.ogr.GetUseExceptions()
        self.ogr.UseExceptions()

    def __exit__(self, *exc):
        if not self.was:
            self.ogr.DontUseExceptions()
        return False


def _concat_bytes(np, arrays):
    arrays = [a if a.dtype.kind == "S" else np.array(list(a), dtype="S") for a in arrays]
    if len(arrays) == 1:
        return arrays[0]
    width = max(a.dtype.itemsize for a in arrays)
    return np.concatenate([a.astype(f"S{max(width, 1)}") for a in arrays])


# ISO WKB point types (2D, Z, M, ZM; also the old 0x80000000 Z flag) -> number of ordinates
_POINT_DIMS = {1: 2, 1001: 3, 2001: 3, 3001: 4, 0x80000001: 3, 0x40000001: 3, 0xC0000001: 4}
_MULTI_POINT = {4: 1, 1004: 1001, 2004: 2001, 3004: 3001, 0x80000004: 0x80000001}


def decode_points(np, geoms, n):
    """x, y (float64, NaN where not decoded) and the mask of geometries left undecoded:
    little-endian WKB points (Z/M too) and one-point multipoints decode; anything else
    (big-endian, lines, several points, null) is left to the general path."""
    x = np.full(n, np.nan)
    y = np.full(n, np.nan)
    if n == 0:
        return x, y, np.zeros(0, bool)
    if geoms.dtype.kind == "V":  # every WKB the same size
        width = geoms.dtype.itemsize
        raw = np.frombuffer(geoms.tobytes(), dtype=np.uint8).reshape(n, width)
        lens = np.full(n, width)
    else:  # object array of bytes / None (null geometry)
        lens = np.fromiter((0 if g is None else len(g) for g in geoms), dtype=np.int64, count=n)
        width = int(lens.max()) if n else 0
        if width < 21:
            return x, y, np.ones(n, bool)
        filled = [b"" if g is None else bytes(g) for g in geoms]
        raw = np.frombuffer(np.array(filled, dtype=f"S{width}").tobytes(), dtype=np.uint8)
        raw = raw.reshape(n, width)
    ok = np.zeros(n, bool)
    if width < 21:
        return x, y, ~ok
    order = raw[:, 0]
    wtype = raw[:, 1:5].copy().view("<u4").ravel()
    for t, dims in _POINT_DIMS.items():
        m = (order == 1) & (wtype == t) & (lens == 5 + 8 * dims)
        if m.any():
            x[m] = raw[m, 5:13].copy().view("<f8").ravel()
            y[m] = raw[m, 13:21].copy().view("<f8").ravel()
            ok |= m
    if width >= 30:
        count = raw[:, 5:9].copy().view("<u4").ravel()
        inner_type = raw[:, 10:14].copy().view("<u4").ravel()
        for t, inner in _MULTI_POINT.items():
            dims = _POINT_DIMS[inner]
            m = (
                (order == 1)
                & (wtype == t)
                & (count == 1)
                & (raw[:, 9] == 1)
                & (inner_type == inner)
                & (lens == 14 + 8 * dims)
            )
            if m.any():
                x[m] = raw[m, 14:22].copy().view("<f8").ravel()
                y[m] = raw[m, 22:30].copy().view("<f8").ravel()
                ok |= m
    return x, y, ~ok


def transform_xy(ct, xs, ys):
    """(lon, lat) float64 arrays: ``xs``/``ys`` through ``ct`` in one PROJ call.

    Non-finite input stays out of PROJ and comes back NaN; an untransformable point
    comes back inf (as ``GeometryConverter.transform_points``). None if the batch
    could not be transformed (the caller then uses transform_points).
    """
    np = _np
    n = len(xs)
    if ct is None or n == 0:
        return xs, ys
    from qgis.core import QgsCsException, QgsGeometry

    finite = np.isfinite(xs) & np.isfinite(ys)
    all_finite = bool(finite.all())
    buf = np.empty(2 * n)
    buf[0::2] = xs if all_finite else np.where(finite, xs, 0.0)
    buf[1::2] = ys if all_finite else np.where(finite, ys, 0.0)
    wkb = (
        b"\x01\x02\x00\x00\x00" + np.uint32(n).astype("<u4").tobytes() + buf.astype("<f8").tobytes()
    )
    g = QgsGeometry()
    g.fromWkb(wkb)
    try:
        g.transform(ct)
    except QgsCsException:
        return None
    out = bytes(g.asWkb())
    if len(out) != 9 + 16 * n or out[0] != 1:
        return None
    coords = np.frombuffer(out, dtype="<f8", offset=9)
    lon = coords[0::2].copy()
    lat = coords[1::2].copy()
    if not all_finite:
        lon[~finite] = math.nan
        lat[~finite] = math.nan
    return lon, lat


def repr_len7(v):
    """``len(float.__repr__(x))`` for each ``x`` of ``v``: finite numbers already rounded to
    7 decimals (``round7``) with ``abs(x) < 1e9``. Such a number prints as its 7-decimal
    text without trailing zeros (at least one decimal); below 1e-4 Python switches to
    exponent notation, measured with repr itself (rare)."""
    np = _np
    k = np.abs(np.rint(v * 1e7)).astype(np.int64)
    ip = k // 10_000_000
    frac = k % 10_000_000
    digits = 1 + (ip >= 10) + (ip >= 100) + (ip >= 1000) + (ip >= 10_000) + (ip >= 100_000)
    digits = digits + (ip >= 1_000_000) + (ip >= 10_000_000) + (ip >= 100_000_000)
    decimals = np.full(len(k), 7, dtype=np.int64)
    rest = frac.copy()
    for _ in range(6):  # strip trailing zeros, keep at least one decimal
        z = (rest % 10 == 0) & (decimals > 1)
        decimals -= z
        rest = np.where(z, rest // 10, rest)
    out = np.signbit(v).astype(np.int64) + digits + 1 + decimals
    small = (k > 0) & (k < 1000)
    if small.any():
        r = float.__repr__
        for i in np.flatnonzero(small).tolist():
            out[i] = len(r(float(v[i])))
    return out


#: asking OGR for a few features by id is cheaper than reading the whole layer
_BY_ID_MAX = 2000


def read_datetime_zones(src, field_name: str, fids=None) -> Optional[dict]:
    """``{fid: (year, month, day, hour, minute, second, tzflag)}`` of an OGR DateTime field,
    as OGR reads it: with its time zone flag, which QGIS 3.22's OGR provider drops
    (``"12:00:00+02:00"`` becomes a zone-less 12:00). ``tzflag`` is OGR's: 0 unknown,
    1 local time, 100 UTC, 100 ± n for an offset of n quarter-hours.

    Only ``fids`` when given. None when the layer is not one OGR can read like QGIS
    (see ``_source_parts``) or the field is not an OGR DateTime; features whose value
    is NULL are left out. Callers check the wall-clock time against QGIS's value.
    """
    try:
        from osgeo import gdal, ogr
    except Exception:  # noqa: BLE001 - no GDAL bindings: the zone stays unknown
        return None
    if src.provider != "ogr" or src.subset.lower().startswith("select"):
        return None
    try:
        parts = _source_parts(src)
        if parts is None:
            return None
        with _ogr_exceptions(ogr):
            return _read_zones(gdal, ogr, parts, field_name, src.subset, fids)
    except Exception:  # noqa: BLE001 - unknown zones are reported as such, never guessed
        return None


def _open_layer(gdal, parts, drivers=None, shapefile_options=None):
    """(dataset, OGR layer) of a ``_source_parts`` answer, (None, None) when it cannot be
    opened read-only (or is not of one of ``drivers``). Keep the dataset while the layer
    is used: the layer dies with it."""
    path, layer_name, layer_id = parts
    flags = gdal.OF_VECTOR | gdal.OF_READONLY
    ds = None
    if shapefile_options and path.lower().endswith((".shp", ".dbf")):
        ds = gdal.OpenEx(
            path, flags, allowed_drivers=["ESRI Shapefile"], open_options=shapefile_options
        )
    if ds is None:
        ds = gdal.OpenEx(path, flags)
    if ds is None or (drivers is not None and ds.GetDriver().ShortName not in drivers):
        return None, None
    if layer_name:
        return ds, ds.GetLayerByName(layer_name)
    if layer_id is not None:
        return ds, ds.GetLayer(int(layer_id))
    if ds.GetLayerCount() == 1:
        return ds, ds.GetLayer(0)
    return None, None


def _read_zones(gdal, ogr, src, field_name, subset, fids):
    ds, lyr = _open_layer(gdal, src)  # ds keeps the layer alive
    if lyr is None:
        return None
    defn = lyr.GetLayerDefn()
    fi = defn.GetFieldIndex(field_name)
    if fi < 0 or defn.GetFieldDefn(fi).GetType() != ogr.OFTDateTime:
        return None
    others = [defn.GetFieldDefn(i).GetName() for i in range(defn.GetFieldCount()) if i != fi]
    lyr.SetIgnoredFields(others + ["OGR_GEOMETRY", "OGR_STYLE"])
    out = {}

    def take(f):
        if f is not None and f.IsFieldSetAndNotNull(fi):
            y, mo, d, h, mi, sec, tz = f.GetFieldAsDateTime(fi)
            out[f.GetFID()] = (y, mo, d, h, mi, int(sec), tz)

    if fids is not None and len(fids) <= _BY_ID_MAX:
        for fid in fids:  # the caller already kept only the ids its filtered layer has
            try:
                take(lyr.GetFeature(int(fid)))
            except RuntimeError:  # no such feature for OGR: its zone stays unknown
                continue
        return out
    lyr.SetAttributeFilter(subset or None)
    lyr.ResetReading()
    for f in lyr:
        take(f)
    return out
