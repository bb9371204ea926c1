"""Geometry → GeoJSON on real QGIS layers: every geometry type, CRS and refusal."""

import json
import math
import os

import pytest
from planet_bulk_tasking.core.model.job import Target, TargetStatus
from planet_bulk_tasking.core.qgis_compat import make_field
from planet_bulk_tasking.core.targets.build import InvalidParameters, build_targets, create_job
from planet_bulk_tasking.core.targets.geometry import round7
from planet_bulk_tasking.core.targets.parameters import OrderParameters
from planet_bulk_tasking.core.tasking.api import encode_body
from qgis.core import (
    QgsCircularString,
    QgsCompoundCurve,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsCoordinateTransformContext,
    QgsCurvePolygon,
    QgsFeature,
    QgsFields,
    QgsGeometry,
    QgsLineString,
    QgsPoint,
    QgsPointXY,
    QgsProject,
    QgsVectorFileWriter,
    QgsVectorLayer,
    QgsWkbTypes,
)

READY, SKIPPED = TargetStatus.READY, TargetStatus.SKIPPED


def mem_layer(geom_type, features, crs="EPSG:4326", fields="name:string", name="sites"):
    """A memory layer; features: list of (name, geometry or WKT)."""
    uri = f"{geom_type}?crs={crs}" if crs else f"{geom_type}"
    for fdef in fields.split(",") if fields else []:
        uri += ("&" if "?" in uri else "?") + f"field={fdef}"
    vl = QgsVectorLayer(uri, name, "memory")
    assert vl.isValid()
    if crs and not vl.crs().isValid():  # e.g. GeometryCollection memory layers ignore crs=
        vl.setCrs(QgsCoordinateReferenceSystem(crs))
    feats = []
    for attr, geom in features:
        f = QgsFeature(vl.fields())
        f.setAttributes([attr] if fields else [])
        if isinstance(geom, str):
            g = QgsGeometry.fromWkt(geom)
            assert not g.isNull(), geom
            f.setGeometry(g)
        elif geom is not None:
            f.setGeometry(geom)
        feats.append(f)
    ok, _ = vl.dataProvider().addFeatures(feats)
    assert ok
    return vl


def build(layer, **kw):
    params = kw.pop("params", None) or OrderParameters(**kw.pop("p", {}))
    kw.setdefault("selected_only", False)
    return build_targets(layer, params, **kw)


def only(result):
    assert len(result.targets) == 1, [(t.key, t.reason) for t in result.targets]
    return result.targets[0]


# -- points ----------------------------------------------------------------------------------
def test_point_lon_lat_rounded_to_7_decimals(qgis_app):
    vl = mem_layer("Point", [("a", "Point(12.123456789 -45.987654321)")])
    t = only(build(vl))
    assert t.status == READY and t.key == "1" and t.part is None
    assert t.payload["geometry"] == {"type": "Point", "coordinates": [12.1234568, -45.9876543]}
    assert t.name == "a" and t.payload["name"] == "a"


def test_point_z_m_dropped(qgis_app):
    vl = mem_layer("PointZM", [("a", "PointZM(1 2 3 4)")])
    t = only(build(vl))
    assert t.payload["geometry"] == {"type": "Point", "coordinates": [1.0, 2.0]}


@pytest.mark.parametrize(
    "wkt,fragment",
    [
        ("Point EMPTY", "empty"),
    ],
)
def test_empty_point_skipped(qgis_app, wkt, fragment):
    vl = mem_layer("Point", [("a", wkt)])
    t = only(build(vl))
    assert t.status == SKIPPED and fragment in t.reason and t.payload is None


def test_null_geometry_skipped(qgis_app):
    vl = mem_layer("Point", [("a", None), ("b", "Point(1 1)")])
    r = build(vl)
    by = {t.name: t for t in r.targets}
    assert by["a"].status == SKIPPED and "no geometry" in by["a"].reason
    assert by["b"].status == READY


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
def test_non_finite_point_skipped(qgis_app, bad):
    vl = mem_layer("Point", [("a", QgsGeometry(QgsPoint(bad, 10.0)))])
    t = only(build(vl))
    assert t.status == SKIPPED and "not finite" in t.reason


def test_non_finite_line_skipped(qgis_app):
    line = QgsLineString([QgsPoint(0, 0), QgsPoint(float("nan"), 1), QgsPoint(2, 2)])
    vl = mem_layer("LineString", [("a", QgsGeometry(line))])
    t = only(build(vl))
    assert t.status == SKIPPED and "not finite" in t.reason


def test_non_finite_line_skipped_in_projected_crs(qgis_app):
    line = QgsLineString([QgsPoint(0, 0), QgsPoint(float("inf"), 1), QgsPoint(2, 2)])
    vl = mem_layer("LineString", [("a", QgsGeometry(line))], crs="EPSG:3857")
    t = only(build(vl))
    assert t.status == SKIPPED and ("not finite" in t.reason or "transform" in t.reason)


def test_out_of_range_lon_lat_skipped(qgis_app):
    vl = mem_layer(
        "Point", [("lon", "Point(181 40)"), ("lat", "Point(10 -90.5)"), ("ok", "Point(180 90)")]
    )
    by = {t.name: t for t in build(vl).targets}
    assert by["lon"].status == SKIPPED and "outside" in by["lon"].reason
    assert by["lat"].status == SKIPPED and "outside" in by["lat"].reason
    assert by["ok"].status == READY


def test_out_of_range_polygon_skipped(qgis_app):
    vl = mem_layer("Polygon", [("p", "Polygon((170 0, 190 0, 190 10, 170 10, 170 0))")])
    t = only(build(vl))
    assert t.status == SKIPPED and "outside" in t.reason


def test_untransformable_point_skipped_with_reason(qgis_app):
    # far outside anything a UTM zone can express: PROJ refuses or gives nonsense
    vl = mem_layer(
        "Point", [("far", "Point(1e15 1e15)"), ("ok", "Point(500000 4649776)")], crs="EPSG:32631"
    )
    by = {t.name: t for t in build(vl).targets}
    assert by["far"].status == SKIPPED
    assert "transform" in by["far"].reason or "outside" in by["far"].reason
    assert by["ok"].status == READY
    lon, lat = by["ok"].payload["geometry"]["coordinates"]
    assert lon == pytest.approx(3.0, abs=1e-6) and lat == pytest.approx(42.0, abs=1e-3)


def test_layer_without_crs_skips_everything(qgis_app):
    vl = mem_layer("Point", [("a", "Point(1 2)"), ("b", "Point(3 4)")], crs=None)
    vl.setCrs(QgsCoordinateReferenceSystem())
    assert not vl.crs().isValid()
    r = build(vl)
    assert [t.status for t in r.targets] == [SKIPPED, SKIPPED]
    assert "coordinate reference system" in r.targets[0].reason


def test_layer_without_geometry_skips_everything(qgis_app):
    vl = mem_layer("None", [("a", None)], crs=None)
    t = only(build(vl))
    assert t.status == SKIPPED and "no geometry" in t.reason


# -- multipart -------------------------------------------------------------------------------
def test_multipoint_split_per_part(qgis_app):
    vl = mem_layer("MultiPoint", [("m", "MultiPoint((1 1),(2 2),(3 3))")])
    r = build(vl)
    assert [t.key for t in r.targets] == ["1.1", "1.2", "1.3"]
    assert [t.part for t in r.targets] == [1, 2, 3]
    assert [t.name for t in r.targets] == ["m (part 1)", "m (part 2)", "m (part 3)"]
    assert all(t.status == READY for t in r.targets)
    assert r.targets[1].payload["geometry"] == {"type": "Point", "coordinates": [2.0, 2.0]}
    assert r.targets[1].payload["name"] == "m (part 2)"
    assert r.targets[1].label == "m (part 2) (feature 1)"  # the part said once
    renamed = Target("1.2", 1, "harbour", part=2)  # a name without it keeps the part
    assert renamed.label == "harbour (feature 1 part 2)"
    assert r.duplicate_names == {}


def test_single_part_multipoint_is_a_point(qgis_app):
    vl = mem_layer("MultiPoint", [("m", "MultiPoint((5 6))")])
    t = only(build(vl))
    assert t.key == "1" and t.part is None and t.name == "m"
    assert t.payload["geometry"] == {"type": "Point", "coordinates": [5.0, 6.0]}


def test_multipoint_refused(qgis_app):
    vl = mem_layer("MultiPoint", [("m", "MultiPoint((1 1),(2 2))"), ("s", "MultiPoint((1 1))")])
    r = build(vl, p={"multipart": "refuse"})
    by = {t.name: t for t in r.targets}
    assert (
        by["m"].status == SKIPPED and "multipart" in by["m"].reason and "2 parts" in by["m"].reason
    )
    assert by["s"].status == READY


def test_multipolygon_split_and_refused(qgis_app):
    wkt = "MultiPolygon(((0 0, 1 0, 1 1, 0 1, 0 0)),((10 10, 11 10, 11 11, 10 10)))"
    vl = mem_layer("MultiPolygon", [("mp", wkt)])
    r = build(vl)
    assert [(t.key, t.status, t.payload["geometry"]["type"]) for t in r.targets] == [
        ("1.1", READY, "Polygon"),
        ("1.2", READY, "Polygon"),
    ]
    t = only(build(vl, p={"multipart": "refuse"}))
    assert t.status == SKIPPED and "multipart" in t.reason


def test_multilinestring_split(qgis_app):
    vl = mem_layer("MultiLineString", [("ml", "MultiLineString((0 0, 1 1),(2 2, 3 3, 4 2))")])
    r = build(vl, p={"scheduling_type": "MONITORING"})
    assert [(t.key, t.status) for t in r.targets] == [("1.1", READY), ("1.2", READY)]
    assert r.targets[1].payload["geometry"] == {
        "type": "LineString",
        "coordinates": [[2.0, 2.0], [3.0, 3.0], [4.0, 2.0]],
    }


def test_geometry_collection_split_by_part_type(qgis_app):
    vl = mem_layer(
        "GeometryCollection",
        [
            (
                "gc",
                "GeometryCollection(Point(1 2), LineString(0 0, 1 1), "
                "Polygon((0 0, 1 0, 1 1, 0 0)))",
            )
        ],
    )
    r = build(vl, p={"scheduling_type": "MONITORING"})
    assert [(t.key, t.status) for t in r.targets] == [
        ("1.1", READY),
        ("1.2", READY),
        ("1.3", SKIPPED),
    ]
    assert "Polygon" in r.targets[2].reason and "MONITORING" in r.targets[2].reason


# -- lines and polygons by scheduling type ---------------------------------------------------------
LINE = "LineString(0 0, 1 1, 2 0)"
POLY = "Polygon((0 0, 10 0, 10 10, 0 10, 0 0),(2 2, 2 4, 4 4, 4 2, 2 2))"


@pytest.mark.parametrize(
    "sched,line_ok,poly_ok",
    [("FLEXIBLE", True, True), ("MONITORING", True, False)],
)
def test_geometry_types_allowed_per_scheduling_type(qgis_app, sched, line_ok, poly_ok):
    for gtype, wkt, ok in (("LineString", LINE, line_ok), ("Polygon", POLY, poly_ok)):
        t = only(build(mem_layer(gtype, [("x", wkt)]), p={"scheduling_type": sched}))
        if ok:
            assert t.status == READY, t.reason
            assert t.payload["geometry"]["type"] == gtype
        else:
            assert t.status == SKIPPED
            assert gtype in t.reason and sched in t.reason and "allowed" in t.reason
    pt = only(build(mem_layer("Point", [("x", "Point(1 1)")]), p={"scheduling_type": sched}))
    assert pt.status == READY


def test_multipolygon_refused_for_monitoring_once(qgis_app):
    wkt = "MultiPolygon(((0 0, 1 0, 1 1, 0 1, 0 0)),((10 10, 11 10, 11 11, 10 10)))"
    t = only(build(mem_layer("MultiPolygon", [("mp", wkt)]), p={"scheduling_type": "MONITORING"}))
    assert t.status == SKIPPED and "MultiPolygon" in t.reason


def test_polygon_keeps_holes_and_closed_rings(qgis_app):
    t = only(build(mem_layer("Polygon", [("p", POLY)])))
    rings = t.payload["geometry"]["coordinates"]
    assert len(rings) == 2
    for ring in rings:
        assert ring[0] == ring[-1] and len(ring) == 5
    assert rings[0][1] == [10.0, 0.0]


def test_line_payload(qgis_app):
    t = only(build(mem_layer("LineString", [("l", LINE)])))
    assert t.payload["geometry"] == {
        "type": "LineString",
        "coordinates": [[0.0, 0.0], [1.0, 1.0], [2.0, 0.0]],
    }


def test_degenerate_line_skipped(qgis_app):
    t = only(build(mem_layer("LineString", [("l", "LineString(1 1, 1 1)")])))
    assert t.status == SKIPPED and "two distinct vertices" in t.reason


def test_invalid_polygon_skipped(qgis_app):
    bowtie = "Polygon((0 0, 10 10, 10 0, 0 10, 0 0))"
    t = only(build(mem_layer("Polygon", [("bow", bowtie)])))
    assert t.status == SKIPPED
    assert "invalid polygon" in t.reason and "elf-intersection" in t.reason


def test_polygon_z_dropped(qgis_app):
    t = only(build(mem_layer("PolygonZ", [("p", "PolygonZ((0 0 5, 1 0 5, 1 1 5, 0 0 5))")])))
    assert t.payload["geometry"]["coordinates"] == [
        [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]]
    ]


# -- curves -----------------------------------------------------------------------------------
def _circ():
    return QgsCircularString(QgsPoint(0, 0), QgsPoint(1, 1), QgsPoint(2, 0))


def test_circular_string_refused(qgis_app):
    t = only(build(mem_layer("CircularString", [("c", QgsGeometry(_circ()))])))
    assert t.status == SKIPPED and "curved" in t.reason and "CircularString" in t.reason


def test_compound_curve_with_arc_refused(qgis_app):
    cc = QgsCompoundCurve()
    cc.addCurve(_circ())
    cc.addCurve(QgsLineString([QgsPoint(2, 0), QgsPoint(3, 0)]))
    t = only(build(mem_layer("CompoundCurve", [("cc", QgsGeometry(cc))])))
    assert t.status == SKIPPED and "curved" in t.reason and "CompoundCurve" in t.reason


def test_curve_polygon_refused(qgis_app):
    ring = QgsCircularString(QgsPoint(0, 0), QgsPoint(1, 1), QgsPoint(0, 0))
    cp = QgsCurvePolygon()
    cp.setExteriorRing(ring)
    t = only(build(mem_layer("CurvePolygon", [("cp", QgsGeometry(cp))])))
    assert t.status == SKIPPED and "curved" in t.reason and "CurvePolygon" in t.reason


def test_curve_typed_geometry_with_straight_segments_only_is_accepted(qgis_app):
    cc = QgsCompoundCurve()
    cc.addCurve(QgsLineString([QgsPoint(0, 0), QgsPoint(1, 1), QgsPoint(2, 0)]))
    t = only(build(mem_layer("CompoundCurve", [("cc", QgsGeometry(cc))])))
    assert t.status == READY
    assert t.payload["geometry"] == {
        "type": "LineString",
        "coordinates": [[0.0, 0.0], [1.0, 1.0], [2.0, 0.0]],
    }


# -- CRS ---------------------------------------------------------------------------------------
SITES = [
    ("paris", 2.3522219, 48.856614),
    ("london", -0.1275862, 51.5072178),
    ("edinburgh", -3.188267, 55.953252),
]


def _layer_in(crs_id):
    ctx = QgsProject.instance().transformContext()
    wgs = QgsCoordinateReferenceSystem("EPSG:4326")
    dst = QgsCoordinateReferenceSystem(crs_id)
    ct = QgsCoordinateTransform(wgs, dst, ctx)
    feats = []
    for name, lon, lat in SITES:
        p = ct.transform(QgsPointXY(lon, lat))
        feats.append((name, QgsGeometry.fromPointXY(p)))
    return mem_layer("Point", feats, crs=crs_id, name=f"sites {crs_id}")


@pytest.mark.parametrize(
    "crs_id", ["EPSG:4326", "OGC:CRS84", "EPSG:3857", "EPSG:27700", "EPSG:32631"]
)
def test_same_lon_lat_from_any_crs(qgis_app, crs_id):
    r = build(_layer_in(crs_id))
    assert [t.status for t in r.targets] == [READY] * 3
    for t, (name, lon, lat) in zip(r.targets, SITES):
        assert t.name == name
        got_lon, got_lat = t.payload["geometry"]["coordinates"]
        assert got_lon == pytest.approx(lon, abs=2e-7), crs_id
        assert got_lat == pytest.approx(lat, abs=2e-7), crs_id


def test_crs84_and_epsg4326_axis_order_identical(qgis_app):
    a = build(mem_layer("Point", [("x", "Point(10.5 45.25)")], crs="EPSG:4326")).targets[0]
    b = build(mem_layer("Point", [("x", "Point(10.5 45.25)")], crs="OGC:CRS84")).targets[0]
    assert (
        a.payload["geometry"]
        == b.payload["geometry"]
        == {
            "type": "Point",
            "coordinates": [10.5, 45.25],
        }
    )


def test_polygon_from_3857_matches_4326(qgis_app):
    wgs = mem_layer("Polygon", [("p", "Polygon((0 0, 10 0, 10 10, 0 10, 0 0))")])
    ct = QgsCoordinateTransform(
        QgsCoordinateReferenceSystem("EPSG:4326"),
        QgsCoordinateReferenceSystem("EPSG:3857"),
        QgsProject.instance().transformContext(),
    )
    g = QgsGeometry.fromWkt("Polygon((0 0, 10 0, 10 10, 0 10, 0 0))")
    g.transform(ct)
    merc = mem_layer("Polygon", [("p", g)], crs="EPSG:3857")
    a = only(build(wgs)).payload["geometry"]["coordinates"][0]
    b = only(build(merc)).payload["geometry"]["coordinates"][0]
    for (x1, y1), (x2, y2) in zip(a, b):
        assert x1 == pytest.approx(x2, abs=2e-7) and y1 == pytest.approx(y2, abs=2e-7)


def test_explicit_transform_context_is_used(qgis_app):
    vl = _layer_in("EPSG:27700")
    r = build(vl, transform_context=QgsCoordinateTransformContext())
    assert all(t.status == READY for t in r.targets)
    assert r.targets[0].payload["geometry"]["coordinates"][0] == pytest.approx(2.3522219, abs=1e-4)


def test_many_points_batch_transform_matches_single(qgis_app):
    # more points than one PROJ batch in the fast path would need to be split
    ctx = QgsProject.instance().transformContext()
    ct = QgsCoordinateTransform(
        QgsCoordinateReferenceSystem("EPSG:3857"), QgsCoordinateReferenceSystem("EPSG:4326"), ctx
    )
    feats = [(f"p{i}", f"Point({-2e7 + i * 4000.5} {-1.5e7 + i * 3000.25})") for i in range(10_000)]
    r = build(mem_layer("Point", feats, crs="EPSG:3857"))
    assert len(r.targets) == 10_000
    for t in r.targets[::997]:
        g = QgsGeometry.fromWkt(dict(feats)[t.name])
        p = ct.transform(g.asPoint())
        assert t.payload["geometry"]["coordinates"] == [round7(p.x()), round7(p.y())]
        assert t.payload["geometry"]["coordinates"] == pytest.approx([p.x(), p.y()], abs=5.1e-8)


def test_batch_with_untransformable_points_keeps_the_others(qgis_app):
    feats = [(f"p{i}", f"Point({400000 + i} {4649776 + i})") for i in range(300)]
    feats[100] = ("far1", "Point(1e15 1e15)")
    feats[200] = ("far2", "Point(-1e15 1e15)")
    r = build(mem_layer("Point", feats, crs="EPSG:32631"))
    assert len(r.targets) == 300
    bad = [t for t in r.targets if t.status == SKIPPED]
    assert sorted(t.name for t in bad) == ["far1", "far2"]
    assert all("transform" in t.reason or "outside" in t.reason for t in bad)


# -- file formats --------------------------------------------------------------------------------
def _write_gpkg(path, geom_type, crs, rows, layer_name="sites"):
    fields = QgsFields()
    fields.append(make_field("Name", "string"))
    fields.append(make_field("code", "int"))
    opts = QgsVectorFileWriter.SaveVectorOptions()
    opts.driverName = "GPKG"
    opts.layerName = layer_name
    w = QgsVectorFileWriter.create(
        str(path),
        fields,
        geom_type,
        QgsCoordinateReferenceSystem(crs),
        QgsCoordinateTransformContext(),
        opts,
    )
    assert w.hasError() == QgsVectorFileWriter.NoError, w.errorMessage()
    for i, (name, wkt) in enumerate(rows):
        f = QgsFeature(fields)
        f.setAttributes([name, i])
        f.setGeometry(QgsGeometry.fromWkt(wkt))
        assert w.addFeature(f)
    del w
    vl = QgsVectorLayer(f"{path}|layername={layer_name}", layer_name, "ogr")
    assert vl.isValid()
    return vl


def test_geopackage_points_in_3857(qgis_app, tmp_path):
    ct = QgsCoordinateTransform(
        QgsCoordinateReferenceSystem("EPSG:4326"),
        QgsCoordinateReferenceSystem("EPSG:3857"),
        QgsProject.instance().transformContext(),
    )
    rows = []
    for name, lon, lat in SITES:
        p = ct.transform(QgsPointXY(lon, lat))
        rows.append((name, f"Point({p.x()!r} {p.y()!r})"))
    vl = _write_gpkg(tmp_path / "sites.gpkg", QgsWkbTypes.Point, "EPSG:3857", rows)
    r = build(vl)
    assert [t.name for t in r.targets] == ["paris", "london", "edinburgh"]
    for t, (_, lon, lat) in zip(r.targets, SITES):
        assert t.payload["geometry"]["coordinates"] == pytest.approx([lon, lat], abs=2e-7)
    # selection on a GeoPackage: only the selected feature
    vl.selectByIds([r.targets[1].feature_id])
    sel = build(vl, selected_only=True)
    assert [t.name for t in sel.targets] == ["london"]


def test_geopackage_multipolygons(qgis_app, tmp_path):
    rows = [
        ("two", "MultiPolygon(((0 0, 1 0, 1 1, 0 0)),((5 5, 6 5, 6 6, 5 5)))"),
        ("one", "MultiPolygon(((0 0, 1 0, 1 1, 0 0)))"),
    ]
    vl = _write_gpkg(tmp_path / "polys.gpkg", QgsWkbTypes.MultiPolygon, "EPSG:4326", rows)
    r = build(vl)
    assert [(t.name, t.status) for t in r.targets] == [
        ("two (part 1)", READY),
        ("two (part 2)", READY),
        ("one", READY),
    ]


def test_csv_delimited_text_xy(qgis_app, tmp_path):
    csv = tmp_path / "sites.csv"
    csv.write_text(
        "id;name;lon;lat\n1;paris;2.3522219;48.856614\n2;nowhere;;\n3;london;-0.1275862;51.5072178\n",
        encoding="utf-8",
    )
    uri = f"file://{csv}?type=csv&delimiter=;&xField=lon&yField=lat&crs=EPSG:4326&detectTypes=yes"
    vl = QgsVectorLayer(uri, "csv sites", "delimitedtext")
    assert vl.isValid() and vl.featureCount() == 3
    r = build(vl)
    by = {t.name: t for t in r.targets}
    assert set(by) == {"paris", "nowhere", "london"}
    assert by["paris"].payload["geometry"]["coordinates"] == [2.3522219, 48.856614]
    assert by["london"].status == READY
    assert by["nowhere"].status == SKIPPED and "no geometry" in by["nowhere"].reason


def test_csv_projected_xy(qgis_app, tmp_path):
    ct = QgsCoordinateTransform(
        QgsCoordinateReferenceSystem("EPSG:4326"),
        QgsCoordinateReferenceSystem("EPSG:27700"),
        QgsProject.instance().transformContext(),
    )
    lines = ["name,e,n"]
    for name, lon, lat in SITES[1:]:
        p = ct.transform(QgsPointXY(lon, lat))
        lines.append(f"{name},{p.x()!r},{p.y()!r}")
    csv = tmp_path / "bng.csv"
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    uri = f"file://{csv}?type=csv&xField=e&yField=n&crs=EPSG:27700"
    vl = QgsVectorLayer(uri, "bng", "delimitedtext")
    assert vl.isValid()
    r = build(vl)
    for t, (_, lon, lat) in zip(r.targets, SITES[1:]):
        assert t.payload["geometry"]["coordinates"] == pytest.approx([lon, lat], abs=2e-7)


def test_qgis_contributors_geojson(qgis_app, qgis_data_dir):
    path = os.path.join(qgis_data_dir, "contributors.json")
    vl = QgsVectorLayer(path, "contributors", "ogr")
    with open(path, encoding="utf-8") as fh:
        source = json.load(fh)["features"]
    assert len(source) >= 60  # 63 with QGIS 3.22, 74 with 3.40
    assert vl.isValid() and vl.featureCount() == len(source)
    r = build(vl)
    assert len(r.targets) == len(source) and all(t.status == READY for t in r.targets)
    expected = sorted(
        (
            f["properties"]["Name"],
            round7(f["geometry"]["coordinates"][0]),
            round7(f["geometry"]["coordinates"][1]),
        )
        for f in source
    )
    got = sorted((t.name, *t.payload["geometry"]["coordinates"]) for t in r.targets)
    assert got == expected
    assert r.duplicate_names == {
        n: c for n, c in _counts([e[0] for e in expected]).items() if c > 1
    }


def _counts(names):
    out = {}
    for n in names:
        out[n] = out.get(n, 0) + 1
    return out


def test_qgis_world_map_countries_every_part_accounted(qgis_app, qgis_data_dir):
    vl = QgsVectorLayer(
        os.path.join(qgis_data_dir, "world_map.gpkg|layername=countries"), "countries", "ogr"
    )
    assert vl.isValid()
    expected = 0
    for f in vl.getFeatures():
        g = f.geometry()
        expected += 1 if g.isNull() else max(1, g.constGet().numGeometries())
    r = build(vl)
    assert len(r.targets) == expected
    assert {t.feature_id for t in r.targets} == set(vl.allFeatureIds())
    for t in r.targets:
        assert t.status == READY or t.reason
        if t.status == READY:
            geom = t.payload["geometry"]
            assert geom["type"] == "Polygon"
            for ring in geom["coordinates"]:
                assert ring[0] == ring[-1]
                assert all(-180 <= x <= 180 and -90 <= y <= 90 for x, y in ring)
    assert len({t.key for t in r.targets}) == len(r.targets)
    # refuse: one target per feature, multipart ones skipped
    refused = build(vl, p={"multipart": "refuse"})
    assert len(refused.targets) == vl.featureCount()
    # monitoring: polygons not allowed, every feature skipped with one reason
    mon = build(vl, p={"scheduling_type": "MONITORING"})
    assert len(mon.targets) == vl.featureCount()
    assert all(t.status == SKIPPED and "MONITORING" in t.reason for t in mon.targets)


def test_qgis_world_map_disputed_borders_lines(qgis_app, qgis_data_dir):
    vl = QgsVectorLayer(
        os.path.join(qgis_data_dir, "world_map.gpkg|layername=disputed_borders"), "borders", "ogr"
    )
    assert vl.isValid()
    r = build(vl, p={"scheduling_type": "MONITORING"})
    ready = [t for t in r.targets if t.status == READY]
    assert ready and all(t.payload["geometry"]["type"] == "LineString" for t in ready)
    assert {t.feature_id for t in r.targets} == set(vl.allFeatureIds())
    assert all(t.reason for t in r.targets if t.status == SKIPPED)
    with pytest.raises(InvalidParameters, match="imaging window"):
        build(vl, feature_ids=[ready[0].feature_id], p={"scheduling_type": "ASSURED"})


# -- which features --------------------------------------------------------------------------------
def test_selection_all_and_feature_ids(qgis_app):
    vl = mem_layer("Point", [(f"s{i}", f"Point({i} {i})") for i in range(1, 6)])
    assert build(vl, selected_only=True).targets == []  # nothing selected, nothing built
    vl.selectByIds([2, 4])
    assert [t.name for t in build(vl, selected_only=True).targets] == ["s2", "s4"]
    assert len(build(vl, selected_only=False).targets) == 5
    r = build(vl, feature_ids=[5, 1, 99])
    assert sorted(t.key for t in r.targets) == ["1", "5", "99"]
    missing = next(t for t in r.targets if t.key == "99")
    assert missing.status == SKIPPED and "not found" in missing.reason
    assert r.feature_count == 3


def test_create_job_selected_only_default(qgis_app):
    vl = mem_layer("Point", [(f"s{i}", f"Point({i} {i})") for i in range(1, 4)])
    vl.selectByIds([3])
    job = create_job(vl, OrderParameters())
    assert [t.name for t in job.targets] == ["s3"]
    assert math.isclose(job.targets[0].payload["geometry"]["coordinates"][0], 3.0)


def test_multipoint_layer_in_projected_crs_mixes_fast_and_general_paths(qgis_app, tmp_path):
    ct = QgsCoordinateTransform(
        QgsCoordinateReferenceSystem("EPSG:4326"),
        QgsCoordinateReferenceSystem("EPSG:3857"),
        QgsProject.instance().transformContext(),
    )
    (_, lon1, lat1), (_, lon2, lat2), (_, lon3, lat3) = SITES
    p1, p2, p3 = (
        ct.transform(QgsPointXY(lon, lat))
        for lon, lat in ((lon1, lat1), (lon2, lat2), (lon3, lat3))
    )
    rows = [
        ("one", f"MultiPoint(({p1.x()!r} {p1.y()!r}))"),
        ("two", f"MultiPoint(({p2.x()!r} {p2.y()!r}),({p3.x()!r} {p3.y()!r}))"),
        ("empty", "MultiPoint EMPTY"),
    ]
    vl = _write_gpkg(tmp_path / "mp.gpkg", QgsWkbTypes.MultiPoint, "EPSG:3857", rows)
    r = build(vl)
    got = [(t.key, t.name, t.status) for t in r.targets]
    assert got == [
        ("1", "one", READY),
        ("2.1", "two (part 1)", READY),
        ("2.2", "two (part 2)", READY),
        ("3", "empty", SKIPPED),
    ]
    assert r.targets[0].payload["geometry"]["coordinates"] == pytest.approx([lon1, lat1], abs=2e-7)
    assert r.targets[2].payload["geometry"]["coordinates"] == pytest.approx([lon3, lat3], abs=2e-7)
    assert "empty" in r.targets[3].reason


@pytest.mark.parametrize("crs_id", ["EPSG:4326", "EPSG:3857"])
def test_non_finite_points_among_good_ones(qgis_app, crs_id):
    feats = [(f"p{i}", f"Point({i * 3} {i})") for i in range(50)]
    feats[10] = ("nan", QgsGeometry(QgsPoint(float("nan"), 1.0)))
    feats[20] = ("inf", QgsGeometry(QgsPoint(1.0, float("inf"))))
    r = build(mem_layer("Point", feats, crs=crs_id))
    bad = {t.name: t.reason for t in r.targets if t.status == SKIPPED}
    assert set(bad) == {"nan", "inf"} and all("not finite" in why for why in bad.values())
    assert sum(t.status == READY for t in r.targets) == 48


def _mixed_point_layer(crs_id, multi=False):
    gtype = "MultiPoint" if multi else "Point"
    wkts = ["Point(1 2)", None, "Point EMPTY", "Point(3 4)", "Point(200 0)", "Point(5 6)"]
    if multi:
        wkts = [
            "MultiPoint((1 2))",
            None,
            "MultiPoint EMPTY",
            "MultiPoint((3 4),(7 8))",
            "MultiPoint((200 0))",
            "MultiPoint((5 6))",
        ]
    names = ["a", "b", "", None, "e", "f"]
    return mem_layer(gtype, list(zip(names, wkts)), crs=crs_id, name="mixed")


@pytest.mark.parametrize("multi", [False, True])
@pytest.mark.parametrize("crs_id", ["EPSG:4326", "EPSG:3857"])
def test_fast_and_generic_paths_agree(qgis_app, crs_id, multi):
    vl = _mixed_point_layer(crs_id, multi)
    fast = build(vl, p={"name_expression": '"name"'})
    slow = build(vl, p={"name_expression": 'coalesce("name")'})  # expression engine path
    assert [
        (t.key, t.name, t.status, t.reason, t.payload, t.part, t.warnings) for t in fast.targets
    ] == [(t.key, t.name, t.status, t.reason, t.payload, t.part, t.warnings) for t in slow.targets]
    assert any(t.status == SKIPPED for t in fast.targets)
    assert fast.payload_sizes and all(
        fast.payload_sizes[t.key] == len(encode_body(t.payload))
        for t in fast.targets
        if t.key in fast.payload_sizes
    )


@pytest.mark.parametrize("expr", ['"name"', 'coalesce("name")'])
def test_selection_and_ids_order_on_both_paths(qgis_app, expr):
    vl = mem_layer("Point", [(f"s{i}", f"Point({i} {i})") for i in range(1, 40)])
    vl.selectByIds([33, 5, 17, 2])
    r = build(vl, selected_only=True, p={"name_expression": expr})
    assert [t.name for t in r.targets] == ["s2", "s5", "s17", "s33"]
    r = build(vl, feature_ids=[17, 2, 33, 1000, 5], p={"name_expression": expr})
    assert [t.key for t in r.targets] == ["17", "2", "33", "5", "1000"]


def test_round7_gives_short_seven_decimal_numbers():
    import random

    rnd = random.Random(1)
    for _ in range(20_000):
        v = rnd.uniform(-180, 180)
        r = round7(v)
        assert abs(r - v) <= 5.000001e-8
        assert r == float(f"{r:.7f}")  # nearest double to a 7-decimal number
        assert len(repr(r)) <= 12
    assert math.isnan(round7(float("nan"))) and round7(float("inf")) == float("inf")
    assert round7(12.123456789) == 12.1234568 and round7(-45.987654321) == -45.9876543


def test_converter_refuses_unsupported_types_and_untransformable_polygons(qgis_app):
    from planet_bulk_tasking.core.targets.geometry import GeometryConverter

    conv = GeometryConverter(QgsCoordinateReferenceSystem("EPSG:4326"))
    [(part, geom, why)] = conv.convert(QgsGeometry.fromWkt("Triangle((0 0, 1 0, 0 1, 0 0))"))
    assert geom is None and "unsupported geometry type" in why and "Triangle" in why
    [(_, geom, why)] = conv.convert(QgsGeometry())
    assert geom is None and "no geometry" in why
    [(_, geom, why)] = conv.convert(None)
    assert geom is None and "no geometry" in why

    utm = GeometryConverter(QgsCoordinateReferenceSystem("EPSG:32631"))
    huge = QgsGeometry.fromWkt("Polygon((1e15 1e15, 2e15 1e15, 2e15 2e15, 1e15 1e15))")
    [(_, geom, why)] = utm.convert(huge)
    assert geom is None and any(w in why for w in ("transform", "outside", "not finite"))
    ok = QgsGeometry.fromWkt(
        "Polygon((500000 4649776, 501000 4649776, 501000 4650776, 500000 4649776))"
    )
    [(_, geom, why)] = utm.convert(ok)
    assert why is None and geom["type"] == "Polygon"
    assert geom["coordinates"][0][0] == pytest.approx([3.0, 42.0], abs=1e-3)


def test_every_feature_accounted_for_in_a_messy_layer(qgis_app):
    wkts = [
        "MultiPolygon(((0 0, 1 0, 1 1, 0 0)),((5 5, 6 5, 6 6, 5 5)))",
        None,
        "MultiPolygon(((0 0, 10 10, 10 0, 0 10, 0 0)))",
        "MultiPolygon(((170 0, 190 0, 190 10, 170 0)))",
        "MultiPolygon EMPTY",
        "MultiPolygon(((0 0, 1 0, 1 1, 0 0)))",
    ]
    vl = mem_layer("MultiPolygon", [(f"f{i}", w) for i, w in enumerate(wkts)])
    r = build(vl)
    assert {t.feature_id for t in r.targets} == set(vl.allFeatureIds())
    by = {t.key: t for t in r.targets}
    assert by["1.1"].status == by["1.2"].status == by["6"].status == READY
    for key, fragment in (
        ("2", "no geometry"),
        ("3", "invalid polygon"),
        ("4", "outside"),
        ("5", "empty"),
    ):
        assert by[key].status == SKIPPED and fragment in by[key].reason, (key, by[key].reason)
        assert by[key].label.startswith(f"f{int(key) - 1} (feature {key}")
