"""Shapes checked as they are sent, at 7 decimals (issue 13, case 4): a polygon that collapses
or self-intersects once rounded, and a line whose vertices merge, are skipped with a reason.
Lines and polygons take the general QgsFeature path only."""

import pytest
from payload_layers import NOW, file_layer, geojson, memory, paths  # noqa: F401
from planet_bulk_tasking.core.model.job import TargetStatus
from planet_bulk_tasking.core.targets.build import build_targets
from planet_bulk_tasking.core.targets.parameters import OrderParameters
from qgis.core import QgsWkbTypes

READY, SKIPPED = TargetStatus.READY, TargetStatus.SKIPPED

TINY = "Polygon((10 10, 10.00000001 10, 10.00000001 10.00000001, 10 10.00000001, 10 10))"
# valid as drawn (a thin diamond), four collinear positions once rounded
SLIVER = "Polygon((0 0, 1 -0.00000004, 2 0, 1 0.00000004, 0 0))"
FINE = "Polygon((0 0, 0.001 0, 0.001 0.001, 0 0.001, 0 0))"  # ~110 m: fine
SHORT_LINE = "LineString(5 5, 5.00000001 5.00000001, 5.00000002 5)"


def build(vl, **p):
    return build_targets(vl, OrderParameters(**p), selected_only=False, now=NOW)


def check(result):
    by = {t.name: t for t in result.targets}
    for name in ("tiny", "sliver"):
        t = by[name]
        assert t.status == SKIPPED and t.payload is None, (name, t.payload)
        assert "collapses once its coordinates are rounded to 7 decimals" in t.reason, t.reason
    assert by["fine"].status == READY
    return by


def test_memory_layer(qgis_app, paths):  # noqa: F811
    rows = [(["tiny"], TINY), (["sliver"], SLIVER), (["fine"], FINE)]
    check(build(memory("Polygon", rows)))
    assert paths.taken == ["generic"]


def test_geopackage_in_3857(qgis_app, tmp_path):
    """A 1 mm square in Web Mercator is ~1e-8°: five identical positions at 7 decimals."""
    rows = [
        (
            ["tiny"],
            "Polygon((1000000 1000000, 1000000.001 1000000, 1000000.001 1000000.001, "
            "1000000 1000000.001, 1000000 1000000))",
        ),
        (["sliver"], "Polygon((0 0, 100000 -0.004, 200000 0, 100000 0.004, 0 0))"),
        (["fine"], "Polygon((0 0, 100 0, 100 100, 0 100, 0 0))"),
    ]
    vl = file_layer(tmp_path / "d.gpkg", QgsWkbTypes.Polygon, rows, crs="EPSG:3857")
    check(build(vl))


def test_geojson(qgis_app, tmp_path):
    def poly(wkt):
        pts = wkt[wkt.index("((") + 2 : -2].split(", ")
        return {"type": "Polygon", "coordinates": [[[float(v) for v in p.split()] for p in pts]]}

    feats = [
        ({"name": n}, poly(w)) for n, w in (("tiny", TINY), ("sliver", SLIVER), ("fine", FINE))
    ]
    check(build(geojson(tmp_path / "d.geojson", feats)))


def test_multipolygon_part_that_collapses(qgis_app):
    multi = f"MultiPolygon((({TINY[9:-2]})),(({FINE[9:-2]})))"
    r = build(memory("MultiPolygon", [(["islands"], multi)]))
    assert [(t.key, t.status) for t in r.targets] == [("1.1", SKIPPED), ("1.2", READY)]
    assert "collapses" in r.targets[0].reason


@pytest.mark.parametrize("sched", ["FLEXIBLE", "MONITORING"])
def test_line_whose_vertices_merge(qgis_app, sched):
    rows = [(["short"], SHORT_LINE), (["ok"], "LineString(5 5, 5.0000002 5)")]
    r = build(memory("LineString", rows), scheduling_type=sched)
    short, ok = r.targets
    assert short.status == SKIPPED and "one position once rounded" in short.reason
    assert ok.status == READY
    assert ok.payload["geometry"]["coordinates"] == [[5.0, 5.0], [5.0000002, 5.0]]


def test_invalid_as_drawn_keeps_its_own_reason(qgis_app):
    bowtie = "Polygon((0 0, 1 1, 1 0, 0 1, 0 0))"
    t = build(memory("Polygon", [(["bowtie"], bowtie)])).targets[0]
    assert t.status == SKIPPED and t.reason.startswith("invalid polygon")
