"""Per-feature start/end times keep the UTC offset the data has (issue 13, case 2).

QGIS 3.22's OGR provider hands a DateTime over without its zone: "12:00+02:00" arrives as a
zone-less 12:00. The builder reads the zone OGR has (GeoJSON, GeoPackage) and, where no zone
can be known, takes UTC and says so on the target and in the preview's hints. Per-feature
times are built on the general QgsFeature path only (the point fast paths do not take them).
"""

import pytest
from osgeo import ogr, osr
from payload_layers import NOW, csv, file_layer, geojson, memory, paths  # noqa: F401
from planet_bulk_tasking.core.model.job import TargetStatus
from planet_bulk_tasking.core.targets.build import build_targets, create_job
from planet_bulk_tasking.core.targets.hints import job_hints
from planet_bulk_tasking.core.targets.parameters import OrderParameters
from planet_bulk_tasking.core.targets.times import NO_TIME_ZONE
from qgis.core import QgsVectorLayer
from qgis.PyQt.QtCore import QDate, QDateTime, Qt, QTime

READY = TargetStatus.READY
POINT = {"type": "Point", "coordinates": [10.0, 45.0]}
#: (name, raw time, expected UTC start, zone known)
TIMES = [
    ("plus2", "2030-06-01T12:00:00+02:00", "2030-06-01T10:00:00Z", True),
    ("minus7", "2030-06-01T12:00:00-07:00", "2030-06-01T19:00:00Z", True),
    ("utc", "2030-06-01T12:00:00Z", "2030-06-01T12:00:00Z", True),
    ("india", "2030-06-01T12:00:00+05:30", "2030-06-01T06:30:00Z", True),
    ("nozone", "2030-06-01T12:00:00", "2030-06-01T12:00:00Z", False),
]


def zone_warnings(t):
    return [w for w in t.warnings if w.startswith(NO_TIME_ZONE)]


def check(result, times=TIMES, key="start_time"):
    by = {t.name: t for t in result.targets}
    assert len(by) == len(times)
    for name, _, expected, known in times:
        t = by[name]
        assert t.status == READY, t.reason
        assert t.payload[key] == expected, name
        assert bool(zone_warnings(t)) == (not known), (name, t.warnings)
    return by


def build(vl, ids=None, **p):
    p.setdefault("start_expression", '"ts"')
    kw = {"feature_ids": ids} if ids is not None else {"selected_only": False}
    return build_targets(vl, OrderParameters(**p), now=NOW, **kw)


def test_geojson_offsets_are_kept(qgis_app, tmp_path, paths):  # noqa: F811
    vl = geojson(tmp_path / "t.geojson", [({"name": n, "ts": ts}, POINT) for n, ts, _, _ in TIMES])
    assert vl.fields().field("ts").typeName() == "DateTime"  # QGIS reads it as a zone-less time
    by = check(build(vl))
    assert paths.taken == ["generic"]
    assert "UTC" in zone_warnings(by["nozone"])[0] and "12:00" in zone_warnings(by["nozone"])[0]
    # the default end is the default window (14 days) after each feature's own (UTC) start
    assert by["plus2"].payload["end_time"] == "2030-06-15T10:00:00Z"
    # a few ids (OGR asked feature by feature) and all of them give the same
    few = build(vl, ids=[1, 0])
    assert [t.payload["start_time"] for t in few.targets] == [
        "2030-06-01T19:00:00Z",
        "2030-06-01T10:00:00Z",
    ]


def test_geojson_end_time_field_too(qgis_app, tmp_path):
    rows = [
        ({"name": "a", "s": "2030-06-01T12:00:00+02:00", "e": "2030-06-02T12:00:00-07:00"}, POINT),
    ]
    vl = geojson(tmp_path / "t.geojson", rows)
    t = build(vl, start_expression='"s"', end_expression='"e"').targets[0]
    assert t.payload["start_time"] == "2030-06-01T10:00:00Z"
    assert t.payload["end_time"] == "2030-06-02T19:00:00Z"
    assert t.warnings == []


def test_geopackage_datetime_offsets_are_kept(qgis_app, tmp_path):
    ogr.UseExceptions()
    path = tmp_path / "t.gpkg"
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(str(path))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4326)
    lyr = ds.CreateLayer("sites", srs, ogr.wkbPoint)
    lyr.CreateField(ogr.FieldDefn("name", ogr.OFTString))
    lyr.CreateField(ogr.FieldDefn("ts", ogr.OFTDateTime))
    for name, ts, _, _ in TIMES:
        f = ogr.Feature(lyr.GetLayerDefn())
        f["name"], f["ts"] = name, ts
        f.SetGeometry(ogr.CreateGeometryFromWkt("POINT(10 45)"))
        lyr.CreateFeature(f)
    ds = None
    vl = QgsVectorLayer(f"{path}|layername=sites", "sites", "ogr")
    assert vl.isValid()
    check(build(vl))
    # a subset filter: OGR is asked only for what the filtered layer has
    vl.setSubsetString("name <> 'utc'")
    check(build(vl), [t for t in TIMES if t[0] != "utc"])


def test_csv_offsets_are_kept(qgis_app, tmp_path):
    text = "name,x,y,ts\n" + "".join(f"{n},10,45,{ts}\n" for n, ts, _, _ in TIMES)
    vl = csv(tmp_path / "t.csv", text)
    assert vl.fields().field("ts").typeName().lower() == "datetime"
    check(build(vl))


def test_memory_layer_qdatetime_specs(qgis_app):
    day, noon = QDate(2030, 6, 1), QTime(12, 0)
    rows = [
        (["utc", QDateTime(day, noon, Qt.TimeSpec.UTC), ""], "Point(10 45)"),
        (["plus2", QDateTime(day, noon, Qt.TimeSpec.OffsetFromUTC, 7200), ""], "Point(10 45)"),
        (["nozone", QDateTime(day, noon), ""], "Point(10 45)"),
    ]
    vl = memory("Point", rows, fields=("name:string", "ts:datetime", "txt:string"))
    check(
        build(vl),
        [
            ("utc", None, "2030-06-01T12:00:00Z", True),
            ("plus2", None, "2030-06-01T10:00:00Z", True),
            ("nozone", None, "2030-06-01T12:00:00Z", False),
        ],
    )


@pytest.mark.parametrize(
    "expression,expected,known",
    [
        ("'2030-06-01T12:00:00+02:00'", "2030-06-01T10:00:00Z", True),
        ("'2030-06-01T12:00:00Z'", "2030-06-01T12:00:00Z", True),
        ("'2030-06-01T12:00:00'", "2030-06-01T12:00:00Z", False),
        ("'2030-06-01'", "2030-06-01T00:00:00Z", False),
        ("make_date(2030, 6, 1)", "2030-06-01T00:00:00Z", False),
        ("make_datetime(2030, 6, 1, 12, 0, 0)", "2030-06-01T12:00:00Z", False),
    ],
)
def test_text_and_expressions(qgis_app, expression, expected, known):
    vl = memory("Point", [(["a"], "Point(10 45)")])
    t = build(vl, start_expression=expression).targets[0]
    assert t.payload["start_time"] == expected
    assert bool(zone_warnings(t)) == (not known)


def test_shapefile_date_field_says_no_zone(qgis_app, tmp_path):
    from qgis.core import QgsWkbTypes
    from qgis.PyQt.QtCore import QVariant

    vl = file_layer(
        tmp_path / "d.shp",
        QgsWkbTypes.Type.Point,  # not 1: QGIS 3.40 wants the enum
        [(["a", QDate(2030, 6, 1)], "Point(10 45)")],
        fields=(("name", QVariant.String), ("day", QVariant.Date)),
        driver="ESRI Shapefile",
    )
    t = build(vl, start_expression='"day"').targets[0]
    assert t.payload["start_time"] == "2030-06-01T00:00:00Z"
    assert zone_warnings(t)


def test_unknown_zones_are_a_hint_in_the_preview(qgis_app, tmp_path):
    from planet_bulk_tasking.ui.preview_panel import PreviewPanel

    vl = geojson(tmp_path / "t.geojson", [({"name": n, "ts": ts}, POINT) for n, ts, _, _ in TIMES])
    job = create_job(vl, OrderParameters(start_expression='"ts"'), selected_only=False, now=NOW)
    hints = job_hints(job.targets)
    assert len(hints) == 1 and hints[0].startswith("1 order has a start or end time without")
    # "nozone" only: the others' offsets were read from the data
    assert hints[0].endswith("E.g. 'nozone' (feature 4).")
    panel = PreviewPanel()
    panel.show_job(job)
    assert not panel.hints_label.isHidden()
    assert "without a time zone" in panel.hints_label.text()
    known = geojson(tmp_path / "k.geojson", [({"name": "a", "ts": TIMES[0][1]}, POINT)])
    panel.show_job(
        create_job(known, OrderParameters(start_expression='"ts"'), selected_only=False, now=NOW)
    )
    assert panel.hints_label.isHidden()


def test_a_target_with_both_times_zone_less_counts_once(qgis_app):
    vl = memory("Point", [(["a"], "Point(10 45)")])
    params = OrderParameters(
        start_expression="'2030-06-01T12:00:00'", end_expression="'2030-06-03T12:00:00'"
    )
    job = create_job(vl, params, selected_only=False, now=NOW)
    t = job.targets[0]
    assert len(zone_warnings(t)) == 2
    assert "the start time" in zone_warnings(t)[0] and "the end time" in zone_warnings(t)[1]
    assert job_hints(job.targets)[0].startswith("1 order has")
