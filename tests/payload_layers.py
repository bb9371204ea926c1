"""Real QGIS layers for the payload tests (memory, GeoPackage, GeoJSON, CSV, shapefile) and a
spy telling which build path ran (the OGR bulk reader, ``_fast_points``, ``_generic``)."""

import json
from datetime import datetime, timezone

import pytest
from planet_bulk_tasking.core.qgis_compat import make_field
from planet_bulk_tasking.core.targets import build, general, points_fast
from planet_bulk_tasking.core.targets.build import build_targets
from planet_bulk_tasking.core.targets.parameters import OrderParameters
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransformContext,
    QgsFeature,
    QgsField,
    QgsFields,
    QgsGeometry,
    QgsVectorFileWriter,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QVariant

NOW = datetime(2030, 1, 1, tzinfo=timezone.utc)
#: the same names, through the expression engine: forces the general QgsFeature path
GENERAL_NAME = "\"name\" || ''"
PATHS = ("ogr", "fast_points", "generic")


def _geometry(g):
    if g is None or isinstance(g, QgsGeometry):
        return g
    geom = QgsGeometry.fromWkt(g)
    assert not geom.isNull(), g
    return geom


def memory(gtype, rows, crs="EPSG:4326", fields=("name:string",), name="sites"):
    """rows: (attribute list, WKT / QgsGeometry / None)."""
    uri = f"{gtype}?crs={crs}" + "".join(f"&field={f}" for f in fields)
    vl = QgsVectorLayer(uri, name, "memory")
    assert vl.isValid()
    feats = []
    for attrs, g in rows:
        f = QgsFeature(vl.fields())
        f.setAttributes(list(attrs))
        if g is not None:
            f.setGeometry(_geometry(g))
        feats.append(f)
    ok, _ = vl.dataProvider().addFeatures(feats)
    assert ok
    return vl


_KINDS = {
    QVariant.String: "string",
    QVariant.Int: "int",
    QVariant.LongLong: "int64",
    QVariant.Double: "double",
    QVariant.Bool: "bool",
    QVariant.DateTime: "datetime",
    QVariant.Date: "date",
}


def _field(name, variant_type):
    # QgsField(name, QVariant.Type) is deprecated from QGIS 3.38: the plugin's own helper
    # picks the constructor this QGIS wants (types QGIS 3.38 would not map stay as given)
    kind = _KINDS.get(variant_type)
    return make_field(name, kind) if kind else QgsField(name, variant_type)


def file_layer(
    path, gtype, rows, crs="EPSG:4326", fields=(("name", QVariant.String),), driver="GPKG"
):
    """A GeoPackage or shapefile written by QGIS; rows as for ``memory``."""
    qfields = QgsFields()
    for fname, ftype in fields:
        qfields.append(_field(fname, ftype))
    opts = QgsVectorFileWriter.SaveVectorOptions()
    opts.driverName = driver
    opts.fileEncoding = "UTF-8"
    if driver == "GPKG":
        opts.layerName = "sites"
    else:
        opts.layerOptions = ["ENCODING=UTF-8"]
    w = QgsVectorFileWriter.create(
        str(path),
        qfields,
        gtype,
        QgsCoordinateReferenceSystem(crs),
        QgsCoordinateTransformContext(),
        opts,
    )
    assert w.hasError() == QgsVectorFileWriter.NoError, w.errorMessage()
    for attrs, g in rows:
        f = QgsFeature(qfields)
        f.setAttributes(list(attrs))
        if g is not None:
            f.setGeometry(_geometry(g))
        assert w.addFeature(f)
    del w
    uri = f"{path}|layername=sites" if driver == "GPKG" else str(path)
    vl = QgsVectorLayer(uri, "sites", "ogr")
    assert vl.isValid()
    return vl


def geojson(path, features, name="sites"):
    """features: (properties dict, GeoJSON geometry dict or None); WGS 84 as RFC 7946 says."""
    data = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": props, "geometry": geom} for props, geom in features
        ],
    }
    path.write_text(json.dumps(data), encoding="utf-8")
    vl = QgsVectorLayer(str(path), name, "ogr")
    assert vl.isValid()
    return vl


def csv(path, text, x="x", y="y", crs="EPSG:4326", name="sites"):
    path.write_text(text, encoding="utf-8")
    uri = f"file://{path}?type=csv&xField={x}&yField={y}&crs={crs}&detectTypes=yes"
    vl = QgsVectorLayer(uri, name, "delimitedtext")
    assert vl.isValid()
    return vl


@pytest.fixture
def paths(monkeypatch):
    """Records which build path each build_targets call took: "ogr" (core/fast_read.py),
    "fast_points" (points_fast.read_points) or "generic" (general.read_general).
    ``paths.taken`` is reset per build."""

    class Spy:
        taken = []

    real_ogr, real_fast, real_generic = (
        points_fast.read_ogr,
        points_fast.read_points,
        general.read_general,
    )

    def ogr(*a, **kw):
        out = real_ogr(*a, **kw)
        if out is not None:
            Spy.taken.append("ogr")
        return out

    def fast(*a, **kw):
        Spy.taken.append("fast_points")
        return real_fast(*a, **kw)

    def generic(*a, **kw):
        Spy.taken.append("generic")
        return real_generic(*a, **kw)

    monkeypatch.setattr(points_fast, "read_ogr", ogr)
    monkeypatch.setattr(points_fast, "read_points", fast)
    monkeypatch.setattr(general, "read_general", generic)
    return Spy


def build_on(paths, path, layer, params=None, **kw):
    """Build through one given path ("ogr", "fast_points", "generic") and check it was taken."""
    params = params or OrderParameters()
    kw.setdefault("selected_only", False)
    fast_read = build.FAST_READ
    try:
        build.FAST_READ = path == "ogr"
        if path == "generic":
            params = OrderParameters.from_dict(
                {**params.to_dict(), "name_expression": GENERAL_NAME}
            )
        paths.taken = []
        result = build_targets(layer, params, now=NOW, **kw)
    finally:
        build.FAST_READ = fast_read
    assert paths.taken == [path], paths.taken
    return result


def by_name(result):
    return {t.name: t for t in result.targets}
