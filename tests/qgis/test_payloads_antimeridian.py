"""Lines and polygons across 180° are cut into one order per side, never sent wrapped
(issue 13, case 1; decision in core/antimeridian.py). Lines and polygons are built on the
general QgsFeature path only: the point paths never see them."""

import pytest
from payload_layers import NOW, file_layer, geojson, memory, paths  # noqa: F401
from planet_bulk_tasking.core.model.job import TargetStatus
from planet_bulk_tasking.core.targets.build import build_targets, create_job
from planet_bulk_tasking.core.targets.hints import job_hints
from planet_bulk_tasking.core.targets.parameters import OrderParameters
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsGeometry,
    QgsPointXY,
    QgsProject,
    QgsWkbTypes,
)

READY, SKIPPED = TargetStatus.READY, TargetStatus.SKIPPED


def projected(rings, crs, line=False):
    """A geometry drawn in ``crs`` whose vertices are the given lon/lat (longitudes may run
    past 180: PROJ wraps them, so the shape is continuous in the projected CRS)."""
    ct = QgsCoordinateTransform(
        QgsCoordinateReferenceSystem("EPSG:4326"),
        QgsCoordinateReferenceSystem(crs),
        QgsProject.instance().transformContext(),
    )
    pts = [[ct.transform(QgsPointXY(lon, lat)) for lon, lat in ring] for ring in rings]
    return QgsGeometry.fromPolylineXY(pts[0]) if line else QgsGeometry.fromPolygonXY(pts)


SQUARE = [[(178, -18), (182, -18), (182, -16), (178, -16), (178, -18)]]  # 4° wide across 180


def build(vl, **p):
    return build_targets(vl, OrderParameters(**p), selected_only=False, now=NOW)


def xs(geometry):
    coords = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        return [x for ring in coords for x, _ in ring]
    return [x for x, _ in coords]


def assert_no_wrap(geometry):
    """Every vertex within ±180 and no edge longer than 180° of longitude."""
    xs_ = xs(geometry)
    assert all(-180.0 <= x <= 180.0 for x in xs_)
    rings = geometry["coordinates"] if geometry["type"] == "Polygon" else [geometry["coordinates"]]
    for ring in rings:
        assert all(abs(b[0] - a[0]) <= 180.0 for a, b in zip(ring, ring[1:])), ring


def area(geometry):
    return QgsGeometry.fromPolygonXY(
        [[QgsPointXY(x, y) for x, y in r] for r in geometry["coordinates"]]
    ).area()


def signed_area(ring):
    return sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:])) / 2.0


def check_square_cut(result):
    """The 4°x2° square from 178°E to 178°W: two 2°x2° orders, one each side of 180°."""
    assert [(t.key, t.part, t.status) for t in result.targets] == [
        ("1.1", 1, READY),
        ("1.2", 2, READY),
    ]
    east, west = (t.payload["geometry"] for t in result.targets)
    for g in (east, west):
        assert g["type"] == "Polygon"
        assert_no_wrap(g)
        assert area(g) == pytest.approx(4.0, abs=1e-6)
    assert min(xs(east)) == pytest.approx(178.0, abs=1e-6) and max(xs(east)) == 180.0
    assert min(xs(west)) == -180.0 and max(xs(west)) == pytest.approx(-178.0, abs=1e-6)
    for g in (east, west):  # drawn counter-clockwise (RFC 7946's way): still so
        assert signed_area(g["coordinates"][0]) > 0
    for t in result.targets:
        assert t.name == f"square (part {t.part})"
        assert any("antimeridian" in w and "2 orders" in w for w in t.warnings), t.warnings


def test_square_drawn_in_3832_memory_layer(qgis_app, paths):  # noqa: F811
    vl = memory("Polygon", [(["square"], projected(SQUARE, "EPSG:3832"))], crs="EPSG:3832")
    result = build(vl)
    assert paths.taken == ["generic"]
    check_square_cut(result)


def test_square_drawn_in_3832_geopackage(qgis_app, tmp_path):
    g = projected(SQUARE, "EPSG:3832")
    vl = file_layer(tmp_path / "sq.gpkg", QgsWkbTypes.Polygon, [(["square"], g)], crs="EPSG:3832")
    check_square_cut(build(vl))


def test_square_in_4326_geojson_with_the_wrapped_ring(qgis_app, tmp_path):
    """The audit's ring as a GeoJSON file: an edge from 178 to -178 is the short way."""
    ring = [[178, -18], [-178, -18], [-178, -16], [178, -16], [178, -18]]
    vl = geojson(
        tmp_path / "sq.geojson", [({"name": "square"}, {"type": "Polygon", "coordinates": [ring]})]
    )
    result = build(vl)
    for t in result.targets:  # GeoJSON ids start at 0
        t.key = f"1.{t.part}"
    check_square_cut(result)


@pytest.mark.parametrize("sched", ["FLEXIBLE", "MONITORING"])
def test_line_across_180_in_4326_memory_and_geojson(qgis_app, tmp_path, sched):
    wkt = "LineString(179.5 -17, -179.5 -17)"
    mem = memory("LineString", [(["line"], wkt)])
    gj = geojson(
        tmp_path / "l.geojson",
        [({"name": "line"}, {"type": "LineString", "coordinates": [[179.5, -17], [-179.5, -17]]})],
    )
    for vl in (mem, gj):
        r = build(vl, scheduling_type=sched)
        assert [(t.part, t.status) for t in r.targets] == [(1, READY), (2, READY)]
        east, west = (t.payload["geometry"] for t in r.targets)
        assert east == {"type": "LineString", "coordinates": [[179.5, -17.0], [180.0, -17.0]]}
        assert west == {"type": "LineString", "coordinates": [[-180.0, -17.0], [-179.5, -17.0]]}


def test_line_drawn_in_a_fiji_utm_zone(qgis_app):
    line = projected([[(179.0, -17.0), (180.5, -17.2), (181.5, -17.5)]], "EPSG:32760", line=True)
    vl = memory("LineString", [(["fiji"], line)], crs="EPSG:32760")
    r = build(vl)
    assert [t.status for t in r.targets] == [READY, READY]
    for t in r.targets:
        assert_no_wrap(t.payload["geometry"])


def test_polygon_with_a_hole_across_180(qgis_app):
    rings = [
        [(176, -20), (184, -20), (184, -14), (176, -14), (176, -20)],
        [(179, -18), (181, -18), (181, -16), (179, -16), (179, -18)],
    ]
    vl = memory("Polygon", [(["holed"], projected(rings, "EPSG:3832"))], crs="EPSG:3832")
    r = build(vl)
    assert [t.status for t in r.targets] == [READY, READY]
    total = sum(area(t.payload["geometry"]) for t in r.targets)
    assert total == pytest.approx(8 * 6 - 2 * 2, abs=1e-4)
    for t in r.targets:
        assert_no_wrap(t.payload["geometry"])


def test_multipolygon_part_across_180_numbered_with_the_others(qgis_app):
    g = projected(SQUARE, "EPSG:3832")
    other = projected([[(170, 0), (171, 0), (171, 1), (170, 1), (170, 0)]], "EPSG:3832")
    multi = QgsGeometry.collectGeometry([g, other])
    vl = memory("MultiPolygon", [(["islands"], multi)], crs="EPSG:3832")
    r = build(vl)
    assert [(t.key, t.status) for t in r.targets] == [
        ("1.1", READY),
        ("1.2", READY),
        ("1.3", READY),
    ]
    assert [bool(t.warnings) for t in r.targets] == [True, True, False]


def test_refuse_multipart_refuses_the_cut_with_a_reason(qgis_app):
    vl = memory("Polygon", [(["square"], projected(SQUARE, "EPSG:3832"))], crs="EPSG:3832")
    r = build(vl, multipart="refuse")
    assert len(r.targets) == 1
    t = r.targets[0]
    assert t.status == SKIPPED and t.payload is None
    assert "antimeridian" in t.reason and "refuse" in t.reason and "2 orders" in t.reason


def test_polar_cap_refused(qgis_app):
    """A square around the North Pole in polar stereographic goes round every longitude."""
    d = 1_000_000
    cap = QgsGeometry.fromWkt(f"Polygon((-{d} -{d}, {d} -{d}, {d} {d}, -{d} {d}, -{d} -{d}))")
    vl = memory("Polygon", [(["cap"], cap)], crs="EPSG:3995")
    t = build(vl).targets[0]
    assert t.status == SKIPPED and "pole" in t.reason


def test_wide_shape_without_a_jump_is_sent_as_drawn(qgis_app):
    """No edge spans more than 180°: nothing crosses, nothing is cut."""
    vl = memory("LineString", [(["wide"], "LineString(-170 0, -90 1, 0 2, 90 1, 170 0)")])
    t = build(vl).targets[0]
    assert t.status == READY and t.part is None and t.warnings == []
    assert xs(t.payload["geometry"]) == [-170, -90, 0, 90, 170]


def test_touching_180_from_one_side_is_one_order(qgis_app):
    """Drawn in 3832, a square from 176°E to 180° may come back with -180 at its east side:
    one order, written with +180, no cut."""
    rings = [[(176, 0), (180, 0), (180, 2), (176, 2), (176, 0)]]
    vl = memory("Polygon", [(["edge"], projected(rings, "EPSG:3832"))], crs="EPSG:3832")
    t = build(vl).targets[0]
    assert t.status == READY and t.part is None
    assert_no_wrap(t.payload["geometry"])
    assert max(xs(t.payload["geometry"])) == 180.0


def test_every_feature_accounted_and_hinted(qgis_app):
    rows = [
        (["square"], projected(SQUARE, "EPSG:3832")),
        (["plain"], projected([[(10, 0), (11, 0), (11, 1), (10, 0)]], "EPSG:3832")),
        (["none"], None),
    ]
    vl = memory("Polygon", rows, crs="EPSG:3832")
    job = create_job(vl, OrderParameters(), selected_only=False, now=NOW)
    assert {t.feature_id for t in job.targets} == set(vl.allFeatureIds())
    assert [(t.key, t.status) for t in job.targets] == [
        ("1.1", READY),
        ("1.2", READY),
        ("2", READY),
        ("3", SKIPPED),
    ]
    hints = job_hints(job.targets)
    assert any("1 feature crosses the antimeridian" in h for h in hints), hints
    for t in job.targets:
        if t.payload:
            assert_no_wrap(t.payload["geometry"])
