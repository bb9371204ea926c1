"""A layer's subset filter gives the same answer for any feature_ids list, on every build path
(issue 13, case 3): QGIS 3.22's OGR provider returns a feature asked for by id even when the
subset filter hides it; the bulk reader never does. Fix and resubmit ▸ rebuild asks by id."""

import pytest
from payload_layers import (  # noqa: F401
    NOW,
    PATHS,
    build_on,
    csv,
    file_layer,
    geojson,
    memory,
    paths,
)
from planet_bulk_tasking.core.model.job import TargetStatus
from planet_bulk_tasking.core.targets.build import build_targets
from planet_bulk_tasking.core.targets.parameters import OrderParameters
from qgis.core import QgsWkbTypes

READY, SKIPPED = TargetStatus.READY, TargetStatus.SKIPPED
N = 100
ROWS = [([f"n{i}"], f"Point({i * 0.1} {i * 0.05})") for i in range(1, N + 1)]
FILTER = "\"name\" <> 'n50'"


def fid_of(vl, name):
    vl.setSubsetString("")
    fid = next(f.id() for f in vl.getFeatures() if f["name"] == name)
    vl.setSubsetString(FILTER)
    return fid


def check(result, first, hidden):
    """``first`` READY, ``hidden`` (filtered out) SKIPPED with the subset reason."""
    by = {t.feature_id: t for t in result.targets}
    assert by[first].status == READY
    t = by[hidden]
    assert t.status == SKIPPED and t.payload is None
    assert "subset filter" in t.reason
    return t.reason


def all_paths(paths, vl, available):  # noqa: F811
    """(path, ids) builds: a short list and all the layer's ids, on each available path."""
    first, hidden = fid_of(vl, "n1"), fid_of(vl, "n50")
    every = sorted(set(vl.dataProvider().allFeatureIds()) | {hidden})
    reasons = set()
    for path in available:
        for ids in ([first, hidden], every):
            if path == "ogr" and len(ids) < 10:
                continue  # a short list never takes the bulk reader (by design)
            r = build_on(paths, path, vl, feature_ids=ids)
            reasons.add(check(r, first, hidden))
            assert len(r.targets) == len(ids)  # every feature asked for is accounted for
    assert len(reasons) == 1, reasons  # the same words on every path
    return reasons.pop()


def test_geopackage_every_path(qgis_app, tmp_path, paths):  # noqa: F811
    vl = file_layer(tmp_path / "p.gpkg", QgsWkbTypes.Point, ROWS, crs="EPSG:4326")
    vl.setSubsetString(FILTER)
    assert vl.featureCount() == N - 1
    all_paths(paths, vl, PATHS)


def test_shapefile_every_path(qgis_app, tmp_path, paths):  # noqa: F811
    vl = file_layer(
        tmp_path / "p.shp", QgsWkbTypes.Point, ROWS, crs="EPSG:4326", driver="ESRI Shapefile"
    )
    vl.setSubsetString(FILTER)
    # QGIS sets SHAPE_ENCODING="" for its own decoding, so OGR never reports UTF-8 strings
    # there and fast_read declines shapefiles: the two QgsFeature paths remain
    all_paths(paths, vl, ("fast_points", "generic"))


def test_geojson(qgis_app, tmp_path, paths):  # noqa: F811
    feats = [
        ({"name": f"n{i}"}, {"type": "Point", "coordinates": [i * 0.1, i * 0.05]})
        for i in range(1, N + 1)
    ]
    vl = geojson(tmp_path / "p.geojson", feats)
    vl.setSubsetString(FILTER)
    all_paths(paths, vl, ("fast_points", "generic"))  # no bulk reader for GeoJSON


def test_memory_and_csv(qgis_app, tmp_path, paths):  # noqa: F811
    mem = memory("Point", ROWS)
    mem.setSubsetString(FILTER)
    all_paths(paths, mem, ("fast_points", "generic"))
    text = "name,x,y\n" + "".join(f"n{i},{i * 0.1},{i * 0.05}\n" for i in range(1, N + 1))
    vl = csv(tmp_path / "p.csv", text)
    vl.setSubsetString(FILTER)
    all_paths(paths, vl, ("fast_points", "generic"))


def test_polygons_and_per_feature_times(qgis_app, tmp_path):
    """Lines/polygons and per-feature times take the general path: same answer."""
    rows = [
        ([f"n{i}"], f"Polygon(({i} 0, {i + 0.5} 0, {i + 0.5} 0.5, {i} 0))") for i in range(1, 60)
    ]
    vl = file_layer(tmp_path / "poly.gpkg", QgsWkbTypes.Polygon, rows)
    vl.setSubsetString(FILTER)
    first, hidden = fid_of(vl, "n1"), fid_of(vl, "n50")
    params = OrderParameters(start_expression="'2030-06-01T00:00:00Z'")
    r = build_targets(vl, params, feature_ids=[first, hidden], now=NOW)
    check(r, first, hidden)


@pytest.mark.parametrize("ids", [[1, 50], list(range(1, N + 1))])
def test_selection_of_a_hidden_feature(qgis_app, tmp_path, ids):
    vl = file_layer(tmp_path / "s.gpkg", QgsWkbTypes.Point, ROWS)
    vl.setSubsetString(FILTER)
    vl.selectByIds(ids)
    r = build_targets(vl, OrderParameters(), now=NOW)
    if 50 in vl.selectedFeatureIds():  # QGIS kept the hidden id selected
        check(r, 1, 50)
    assert all(t.feature_id != 50 or t.status == SKIPPED for t in r.targets)
