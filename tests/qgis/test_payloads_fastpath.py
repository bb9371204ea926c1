"""The OGR bulk reader (core/fast_read.py) gives exactly what the general QgsFeature path gives."""

import json
import math
import random
from datetime import datetime, timezone

import pytest
from planet_bulk_tasking.core.model.chunking import body_size
from planet_bulk_tasking.core.model.job import TargetStatus
from planet_bulk_tasking.core.targets import build, fast_read
from planet_bulk_tasking.core.targets.build import build_targets, create_job
from planet_bulk_tasking.core.targets.parameters import OrderParameters
from planet_bulk_tasking.core.tasking.api import encode_body
from qgis.core import QgsVectorLayer

np = pytest.importorskip("numpy")
ogr = pytest.importorskip("osgeo.ogr")
osr = pytest.importorskip("osgeo.osr")

READY, SKIPPED = TargetStatus.READY, TargetStatus.SKIPPED
NOW = datetime(2030, 1, 1, tzinfo=timezone.utc)
NAN = float("nan")


def write_layer(
    path, rows, epsg=3857, gtype=None, name_type=None, driver="GPKG", layer="pts", encoding="UTF-8"
):
    """rows: (name or None, WKT / None / (x, y) for a point that WKT cannot write);
    ``encoding``: a shapefile's DBF encoding (written to its .cpg)."""
    ogr.UseExceptions()
    from osgeo import gdal

    # QGIS reads shapefiles with SHAPE_ENCODING="" (no recoding by OGR): write real
    # CP1252 bytes with OGR's recoding on, then give QGIS its setting back
    was = gdal.GetConfigOption("SHAPE_ENCODING")
    gdal.SetConfigOption("SHAPE_ENCODING", None)
    try:
        _write_ogr(path, rows, epsg, gtype, name_type, driver, layer, encoding)
    finally:
        gdal.SetConfigOption("SHAPE_ENCODING", was)
    uri = f"{path}|layername={layer}" if driver == "GPKG" else str(path)
    vl = QgsVectorLayer(uri, "sites", "ogr")
    assert vl.isValid()
    return vl


def _write_ogr(path, rows, epsg, gtype, name_type, driver, layer, encoding):
    drv = ogr.GetDriverByName(driver)
    ds = drv.CreateDataSource(str(path))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(epsg)
    opts = [f"ENCODING={encoding}"] if driver == "ESRI Shapefile" else []
    lyr = ds.CreateLayer(layer, srs, gtype or ogr.wkbPoint, options=opts)
    if name_type is not False:
        lyr.CreateField(ogr.FieldDefn("name", ogr.OFTString if name_type is None else name_type))
    lyr.CreateField(ogr.FieldDefn("other", ogr.OFTInteger))
    for i, (name, geom) in enumerate(rows):
        f = ogr.Feature(lyr.GetLayerDefn())
        if name is not None and name_type is not False:
            f["name"] = name
        f["other"] = i % 7
        if isinstance(geom, tuple):
            g = ogr.Geometry(ogr.wkbPoint)
            g.AddPoint_2D(*geom)
            f.SetGeometry(g)
        elif geom is not None:
            f.SetGeometry(ogr.CreateGeometryFromWkt(geom))
        lyr.CreateFeature(f)
    ds = None


@pytest.fixture
def spy(monkeypatch):
    """Counts bulk reads that succeeded (the fast path was really taken)."""
    calls = {"fast": 0}
    real = fast_read.read_points

    def wrapped(*a, **kw):
        batch = real(*a, **kw)
        if batch is not None:
            calls["fast"] += 1
        return batch

    monkeypatch.setattr(fast_read, "read_points", wrapped)
    return calls


def both(monkeypatch, vl, *, params=None, **kw):
    params = params or OrderParameters()
    monkeypatch.setattr(build, "FAST_READ", True)
    fast = build_targets(vl, params, now=NOW, **kw)
    monkeypatch.setattr(build, "FAST_READ", False)
    slow = build_targets(vl, params, now=NOW, **kw)
    monkeypatch.setattr(build, "FAST_READ", True)
    return fast, slow


def sig(result):
    return [
        (t.key, t.feature_id, t.name, t.status, t.reason, t.payload, t.part, t.warnings)
        + (json.dumps(t.payload),)  # JSON too: 0.0 == -0.0 but they print differently
        for t in result.targets
    ]


def assert_same(fast, slow):
    assert sig(fast) == sig(slow)
    assert fast.payload_sizes == slow.payload_sizes
    assert fast.duplicate_names == slow.duplicate_names
    assert fast.feature_count == slow.feature_count
    for t in fast.targets:  # every known size is the real JSON size
        if t.key in fast.payload_sizes:
            assert fast.payload_sizes[t.key] == len(encode_body(t.payload)), t.key


MESSY = [
    ("plain", (1113194.9079327357, 1118889.9748579594)),
    ("  padded  ", (-8238310.235, 4970071.58)),
    (None, (0.0, 0.0)),  # NULL name: fallback + warning
    ("", (100.0, -100.0)),  # empty name: fallback + warning
    ("   ", (5.5, 6.5)),
    ("Zürich – café", (949469.3, 6002729.5)),
    ("東京タワー", (15556486.2, 4257207.8)),
    ('say "hi" \\ back', (-13627361.0, 4544761.0)),
    ("null geometry", None),
    ("empty point", "POINT EMPTY"),
    ("nan x", (NAN, 1000.0)),
    ("nan both", (NAN, NAN)),
    ("beyond 180", (3.0e7, 0.0)),
    ("dup", (1.0, 1.0)),
    ("dup", (2.0, 2.0)),
    ("tiny", (0.001, -0.001)),  # 1e-8 degrees: rounds to 0.0 / -0.0
    ("small", (5.0, 5.0)),  # ~4.5e-05 degrees: exponent notation in JSON
]


def test_messy_3857_layer_same_on_both_paths(qgis_app, tmp_path, monkeypatch, spy):
    vl = write_layer(tmp_path / "m.gpkg", MESSY)
    fast, slow = both(monkeypatch, vl, selected_only=False)
    assert spy["fast"] == 1
    assert_same(fast, slow)
    by = {t.name: t for t in fast.targets}
    assert by["plain"].payload["geometry"]["coordinates"] == [10.0, 10.0]
    assert by["padded"].status == READY
    assert by["Zürich – café"].status == by["東京タワー"].status == READY
    assert by['say "hi" \\ back'].status == READY
    assert "no geometry" in by["null geometry"].reason
    assert "empty" in by["empty point"].reason
    assert "not finite" in by["nan x"].reason or "empty" in by["nan x"].reason  # GPKG: empty
    assert "empty" in by["nan both"].reason
    assert -180 <= by["beyond 180"].payload["geometry"]["coordinates"][0] <= 180  # PROJ wraps
    assert by["dup"].warnings and fast.duplicate_names == {"dup": 2}
    assert sum(t.status == READY for t in fast.targets) == 13
    assert sum("empty name" in w for t in fast.targets for w in t.warnings) == 3
    assert {t.feature_id for t in fast.targets} == set(vl.allFeatureIds())


def test_27700_points_same_on_both_paths(qgis_app, tmp_path, monkeypatch, spy):
    rnd = random.Random(7)
    rows = [(f"os {i}", (rnd.uniform(0, 700_000), rnd.uniform(0, 1_250_000))) for i in range(500)]
    rows[10] = ("off grid", (1e12, 1e12))
    vl = write_layer(tmp_path / "bng.gpkg", rows, epsg=27700)
    fast, slow = both(monkeypatch, vl, selected_only=False)
    assert spy["fast"] == 1
    assert_same(fast, slow)
    assert fast.targets[10].status == SKIPPED
    assert sum(t.status == READY for t in fast.targets) == 499
    lon, lat = fast.targets[0].payload["geometry"]["coordinates"]
    assert -9 < lon < 3 and 49 < lat < 61


def test_4326_layer_without_transformation(qgis_app, tmp_path, monkeypatch, spy):
    rows = [(f"p{i}", (i * 1.2345678901 - 170, i * 0.5 - 80)) for i in range(300)]
    rows += [("lat 95", (0.0, 95.0)), ("nan", (NAN, 0.0))]
    vl = write_layer(tmp_path / "wgs.gpkg", rows, epsg=4326)
    fast, slow = both(monkeypatch, vl, selected_only=False)
    assert spy["fast"] == 1
    assert_same(fast, slow)


def test_subset_string_same_on_both_paths(qgis_app, tmp_path, monkeypatch, spy):
    vl = write_layer(tmp_path / "s.gpkg", MESSY)
    assert vl.setSubsetString('"other" IN (1, 2, 3) OR "name" LIKE \'dup\'')
    fast, slow = both(monkeypatch, vl, selected_only=False)
    assert spy["fast"] == 1
    assert_same(fast, slow)
    assert 0 < len(fast.targets) < len(MESSY)


def test_selection_and_feature_ids(qgis_app, tmp_path, monkeypatch, spy):
    rows = [(f"s{i}", (i * 1000.0, i * 500.0)) for i in range(1, 41)]
    rows[5] = ("gone", None)
    vl = write_layer(tmp_path / "sel.gpkg", rows)
    vl.selectByIds([33, 5, 17, 2, 6, 40, 39, 1])
    fast, slow = both(monkeypatch, vl, selected_only=True)
    assert spy["fast"] == 1
    assert_same(fast, slow)
    assert [t.feature_id for t in fast.targets] == [1, 2, 5, 6, 17, 33, 39, 40]
    ids = [17, 2, 33, 1000, 5, 6, 40, -3]
    fast, slow = both(monkeypatch, vl, feature_ids=ids)
    assert spy["fast"] == 2
    assert_same(fast, slow)
    assert [t.key for t in fast.targets] == ["17", "2", "33", "5", "6", "40", "1000", "-3"]
    assert "not found" in fast.targets[-1].reason


def test_small_selection_takes_the_general_path(qgis_app, tmp_path, monkeypatch, spy):
    vl = write_layer(tmp_path / "few.gpkg", [(f"s{i}", (i, i)) for i in range(100)])
    vl.selectByIds([3, 4])
    fast, slow = both(monkeypatch, vl, selected_only=True)
    assert spy["fast"] == 0
    assert_same(fast, slow)


def test_multipoint_layer(qgis_app, tmp_path, monkeypatch, spy):
    rows = [
        ("one", "MULTIPOINT (1000 2000)"),
        ("two", "MULTIPOINT (1000 2000, 3000 4000)"),
        ("empty", "MULTIPOINT EMPTY"),
        ("null", None),
        ("z", "MULTIPOINT Z (5000 6000 7)"),
        ("far", "MULTIPOINT (3e7 0)"),
    ] + [(f"m{i}", f"MULTIPOINT ({i * 10} {i * 20})") for i in range(50)]
    gtype = ogr.wkbMultiPoint
    vl = write_layer(tmp_path / "mp.gpkg", rows, gtype=gtype)
    fast, slow = both(monkeypatch, vl, selected_only=False)
    assert spy["fast"] == 1
    assert_same(fast, slow)
    keys = [t.key for t in fast.targets[:5]]
    assert keys == ["1", "2.1", "2.2", "3", "4"]


def test_z_points(qgis_app, tmp_path, monkeypatch, spy):
    rows = [(f"z{i}", f"POINT Z ({i * 100} {i * 50} {i})") for i in range(30)]
    vl = write_layer(tmp_path / "z.gpkg", rows, gtype=ogr.wkbPoint25D)
    fast, slow = both(monkeypatch, vl, selected_only=False)
    assert spy["fast"] == 1
    assert_same(fast, slow)


def test_fallback_names_without_name_field(qgis_app, tmp_path, monkeypatch, spy):
    rows = [(None, (i * 10.0, i * 10.0)) for i in range(20)]
    vl = write_layer(tmp_path / "nf.gpkg", rows, name_type=False)
    fast, slow = both(monkeypatch, vl, selected_only=False)
    assert spy["fast"] == 1
    assert_same(fast, slow)
    assert fast.targets[0].name == "sites 1"


def test_monitoring_and_extra_fields(qgis_app, tmp_path, monkeypatch, spy):
    vl = write_layer(tmp_path / "mon.gpkg", MESSY)
    params = OrderParameters(
        scheduling_type="MONITORING", pl_number="PL-1", extra_fields={"note": 'ü "q"'}
    )
    fast, slow = both(monkeypatch, vl, params=params, selected_only=False)
    assert spy["fast"] == 1
    assert_same(fast, slow)


@pytest.mark.parametrize(
    "case", ["edits", "sql_subset", "integer_name", "expression_name", "start_expression"]
)
def test_general_path_when_the_fast_path_cannot_be_exact(
    qgis_app, tmp_path, monkeypatch, spy, case
):
    rows = [(f"{i}", (i * 1000.0, i * 10.0)) for i in range(1, 30)]
    params = OrderParameters()
    vl = write_layer(
        tmp_path / "g.gpkg", rows, name_type=ogr.OFTInteger if case == "integer_name" else None
    )
    if case == "edits":
        assert vl.startEditing()
        vl.changeAttributeValue(3, vl.fields().lookupField("name"), "edited")
        vl.deleteFeature(5)
    elif case == "sql_subset":
        vl = QgsVectorLayer(f"{tmp_path / 'g.gpkg'}|layername=pts", "sites", "ogr")
        if not vl.setSubsetString('SELECT * FROM pts WHERE "other" > 2'):
            pytest.skip("this GDAL/QGIS refuses SQL subsets")
    elif case == "expression_name":
        params = OrderParameters(name_expression='upper("name")')
    elif case == "start_expression":
        params = OrderParameters(start_expression="'2030-02-01T00:00:00Z'")
    fast, slow = both(monkeypatch, vl, params=params, selected_only=False)
    assert spy["fast"] == 0
    assert_same(fast, slow)
    if case == "edits":
        assert "edited" in [t.name for t in fast.targets]
        assert 5 not in {t.feature_id for t in fast.targets}
        vl.rollBack()


def test_missing_numpy_or_gdal_falls_back(qgis_app, tmp_path, monkeypatch, spy):
    vl = write_layer(tmp_path / "nn.gpkg", MESSY)
    monkeypatch.setattr(fast_read, "available", lambda: False)
    fast, slow = both(monkeypatch, vl, selected_only=False)
    assert spy["fast"] == 0
    assert_same(fast, slow)


@pytest.mark.parametrize("encoding", ["UTF-8", "CP1252", "ISO-8859-1"])
def test_shapefile_same_on_both_paths(qgis_app, tmp_path, monkeypatch, spy, encoding):
    rows = [r for r in MESSY if r[1] is None or isinstance(r[1], tuple)]
    rows += [("Ærø øst – ½", (10.0, 10.0)), ("naïve façade", (20.0, 20.0))]
    rows = [(n, g) for n, g in rows if n is None or _encodes(n, encoding)]
    vl = write_layer(tmp_path / "shp.shp", rows, driver="ESRI Shapefile", encoding=encoding)
    cpg = (tmp_path / "shp.cpg").read_text()
    assert (cpg == "UTF-8") == (encoding == "UTF-8"), cpg
    fast, slow = both(monkeypatch, vl, selected_only=False)
    assert spy["fast"] == 1  # the bulk reader read it (QGIS does not decode UTF-8 here)
    assert_same(fast, slow)
    names = {t.name for t in fast.targets}
    assert "naïve façade" in names
    assert ("Ærø øst – ½" in names) == _encodes("Ærø øst – ½", encoding)


def _encodes(text, encoding):
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


@pytest.mark.parametrize("max_bytes", [900_000, 20_000, 3_000])
def test_chunks_identical_and_under_the_byte_bound(qgis_app, tmp_path, monkeypatch, max_bytes):
    rnd = random.Random(3)
    rows = []
    for _ in range(3000):
        name = "".join(rnd.choice('abcé"\\ 東x') for _ in range(rnd.randint(0, 40)))
        rows.append((name, (rnd.uniform(-2e7, 2e7), rnd.uniform(-1.5e7, 1.5e7))))
    rows[100] = ("null", None)
    vl = write_layer(tmp_path / "c.gpkg", rows)
    jobs = {}
    for fast in (True, False):
        monkeypatch.setattr(build, "FAST_READ", fast)
        jobs[fast] = create_job(
            vl, OrderParameters(), selected_only=False, max_bytes=max_bytes, now=NOW
        )
    monkeypatch.setattr(build, "FAST_READ", True)
    a, b = jobs[True], jobs[False]
    assert [c.target_keys for c in a.chunks] == [c.target_keys for c in b.chunks]
    assert [(t.key, t.payload, t.chunk_index, t.status) for t in a.targets] == [
        (t.key, t.payload, t.chunk_index, t.status) for t in b.targets
    ]
    for c in a.chunks:
        body = [a.target(k).payload for k in c.target_keys]
        assert body_size(body, c.bulk_id) <= max_bytes
        assert len(encode_body({"id": c.bulk_id, "order_payloads": body})) <= max_bytes
        assert len(c.target_keys) <= 1000
    assert sum(len(c.target_keys) for c in a.chunks) == a.counts()["ready"] == 2999
    if max_bytes == 900_000:
        assert len(a.chunks) == 3


def test_repr_len7_matches_python():
    assert fast_read.available()
    rnd = random.Random(11)
    vals = [round(rnd.uniform(-180, 180) * 1e7) / 1e7 for _ in range(50_000)]
    vals += [round(rnd.uniform(-0.002, 0.002) * 1e7) / 1e7 for _ in range(5_000)]
    vals += [0.0, -0.0, 1e-7, -1e-7, 1e-4, 9.99e-5, 180.0, -180.0, 90.0, 100.0, 0.1, 10.5]
    got = fast_read.repr_len7(np.array(vals))
    assert got.tolist() == [len(repr(v)) for v in vals]


def test_decode_points_refuses_what_it_does_not_know():
    assert fast_read.available()
    pt = ogr.CreateGeometryFromWkt("POINT (1.5 -2.5)").ExportToIsoWkb()
    mp2 = ogr.CreateGeometryFromWkt("MULTIPOINT (1 2, 3 4)").ExportToIsoWkb()
    big = ogr.CreateGeometryFromWkt("POINT (1 2)").ExportToIsoWkb(ogr.wkbXDR)
    line = ogr.CreateGeometryFromWkt("LINESTRING (1 2, 3 4)").ExportToIsoWkb()
    geoms = np.array([bytes(pt), bytes(mp2), None, bytes(big), bytes(line)], dtype=object)
    x, y, bad = fast_read.decode_points(np, geoms, 5)
    assert bad.tolist() == [False, True, True, True, True]
    assert (x[0], y[0]) == (1.5, -2.5) and math.isnan(x[1])


def test_without_numpy_same_targets(qgis_app, tmp_path, monkeypatch, spy):
    """Without NumPy (or GDAL's Arrow reader) the point rules run one value at a time
    (rules.place_points): the very same targets and sizes."""
    vl = write_layer(tmp_path / "m.gpkg", MESSY)
    with_numpy = build_targets(vl, OrderParameters(), selected_only=False, now=NOW)
    assert spy["fast"] == 1
    monkeypatch.setattr(fast_read, "available", lambda: False)
    without = build_targets(vl, OrderParameters(), selected_only=False, now=NOW)
    assert spy["fast"] == 1  # the bulk reader was not used the second time
    assert_same(with_numpy, without)
