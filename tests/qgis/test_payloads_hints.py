"""Hints the preview gives (issue 13, case 7): long names, a name expression that gives no
text, and points beyond ±90 of latitude in bulk ("are X and Y swapped?"), on every build
path they can reach; shown by the preview panel."""

import random

import pytest
from payload_layers import (  # noqa: F401
    NOW,
    PATHS,
    build_on,
    by_name,
    csv,
    file_layer,
    memory,
    paths,
)
from planet_bulk_tasking.core.model.job import BulkJob, TargetStatus
from planet_bulk_tasking.core.targets.build import create_job
from planet_bulk_tasking.core.targets.hints import job_hints
from planet_bulk_tasking.core.targets.parameters import OrderParameters
from qgis.core import QgsWkbTypes

READY, SKIPPED = TargetStatus.READY, TargetStatus.SKIPPED
LONG = "L" * 300
EDGE = "E" * 256  # the limit itself: no warning


def long_layers(tmp_path):
    rows = [([LONG], "Point(1 1)"), ([EDGE], "Point(2 2)"), (["short"], "Point(3 3)")]
    return {
        "ogr": file_layer(tmp_path / "n.gpkg", QgsWkbTypes.Point, rows),
        "fast_points": memory("Point", rows, fields=("name:string(400)",)),
        "generic": memory("Point", rows, fields=("name:string(400)",)),
    }


@pytest.mark.parametrize("path", PATHS)
def test_long_names_warned_on_every_path(qgis_app, tmp_path, paths, path):  # noqa: F811
    r = build_on(paths, path, long_layers(tmp_path)[path])
    by = by_name(r)
    assert by[LONG].status == READY and by[LONG].payload["name"] == LONG  # sent anyway
    assert len(by[LONG].warnings) == 1 and "300 characters" in by[LONG].warnings[0]
    assert by[EDGE].warnings == [] and by["short"].warnings == []
    hints = job_hints(r.targets)
    assert len(hints) == 1 and "1 order name is longer than 256" in hints[0]


@pytest.mark.parametrize(
    "expression,kind",
    [
        ("$geometry", "a geometry"),
        ("make_point(1, 2)", "a geometry"),
        ("array('a', 'b')", "an array"),
        ("map('a', 1)", "a map"),
    ],
)
def test_name_expression_without_text(qgis_app, expression, kind):
    vl = memory("Point", [(["a"], "Point(1 1)"), (["b"], "Point(2 2)")])
    job = create_job(vl, OrderParameters(name_expression=expression), selected_only=False, now=NOW)
    for t in job.targets:
        assert t.status == READY
        assert t.name == f"sites {t.feature_id}"  # the fallback, not "<QgsGeometry: ...>"
        assert t.warnings == [
            f"the name expression gave no text but {kind}: used 'sites {t.feature_id}' instead"
        ]
    hints = job_hints(job.targets)
    assert len(hints) == 1 and "gave no text" in hints[0] and "2 features" in hints[0]


def test_empty_names_are_no_not_text_hint(qgis_app):
    vl = memory("Point", [([None], "Point(1 1)"), ([""], "Point(2 2)")])
    job = create_job(vl, OrderParameters(), selected_only=False, now=NOW)
    assert all("empty name" in t.warnings[0] for t in job.targets)
    assert job_hints(job.targets) == []


@pytest.mark.parametrize(
    "expression,name", [("42", "42"), ("1.5", "1.5"), ("true", "true"), ("'x' || $id", "x1")]
)
def test_name_expression_numbers_and_text_are_fine(qgis_app, expression, name):
    vl = memory("Point", [(["a"], "Point(1 1)")])
    t = create_job(
        vl, OrderParameters(name_expression=expression), selected_only=False, now=NOW
    ).targets[0]
    assert t.name == name and t.warnings == []


# -- swapped X/Y -----------------------------------------------------------------------------------
def places(n=400, seed=13):
    rnd = random.Random(seed)
    return [(round(rnd.uniform(-170, 170), 5), round(rnd.uniform(-60, 70), 5)) for _ in range(n)]


def swapped_layers(tmp_path):
    pts = places()
    # X and Y the wrong way round: x holds the latitude, y the longitude
    text = "name,x,y\n" + "".join(f"p{i},{lat},{lon}\n" for i, (lon, lat) in enumerate(pts))
    rows = [([f"p{i}"], f"Point({lat} {lon})") for i, (lon, lat) in enumerate(pts)]
    return pts, {
        "ogr": file_layer(tmp_path / "sw.gpkg", QgsWkbTypes.Point, rows),
        "fast_points": csv(tmp_path / "sw.csv", text),
        "generic": csv(tmp_path / "sw2.csv", text),
    }


@pytest.mark.parametrize("path", PATHS)
def test_swapped_xy_columns_hinted(qgis_app, tmp_path, paths, path):  # noqa: F811
    pts, layers = swapped_layers(tmp_path)
    r = build_on(paths, path, layers[path])
    beyond = sum(1 for lon, _ in pts if abs(lon) > 90)
    assert beyond > 50
    skipped = [t for t in r.targets if t.status == SKIPPED]
    assert len(skipped) == beyond
    for t in skipped:
        assert "are X and Y swapped?" in t.reason, t.reason
    hints = job_hints(r.targets)
    assert len(hints) == 1
    assert hints[0].startswith(f"{beyond} points have a latitude beyond ±90")
    assert f"the {len(pts) - beyond} ready points are at swapped places too" in hints[0]
    assert hints[0].endswith(f"E.g. '{skipped[0].name}' (feature {skipped[0].feature_id}).")


def test_one_stray_latitude_is_no_job_hint(qgis_app):
    vl = memory("Point", [(["stray"], "Point(10 95)"), (["ok"], "Point(10 45)")])
    job = create_job(vl, OrderParameters(), selected_only=False, now=NOW)
    assert "are X and Y swapped?" in job.targets[0].reason
    assert job_hints(job.targets) == []
    far = memory("Point", [(["far"], "Point(120 95)"), (["far2"], "Point(120 -95)")])
    job = create_job(far, OrderParameters(), selected_only=False, now=NOW)
    assert all("swapped" not in t.reason for t in job.targets)  # swapped it is no place either


def test_preview_panel_shows_the_hints(qgis_app, tmp_path):
    from planet_bulk_tasking.ui.preview_panel import PreviewPanel

    _, layers = swapped_layers(tmp_path)
    job = create_job(layers["fast_points"], OrderParameters(), selected_only=False, now=NOW)
    panel = PreviewPanel()
    panel.show_job(job)
    assert not panel.hints_label.isHidden()
    assert "are the X and Y fields" in panel.hints_label.text()
    # only orders to be sent count: the skipped features' zone-less times are no news
    timed = OrderParameters(start_expression="'2030-06-01T12:00:00'")
    job = create_job(layers["fast_points"], timed, selected_only=False, now=NOW)
    ready = sum(1 for t in job.targets if t.status == READY)
    assert (
        f"{ready} orders have a start or end time without a time zone" in job_hints(job.targets)[1]
    )
    panel.show_job(BulkJob())
    assert panel.hints_label.isHidden()
    panel.show_job(None)
    assert panel.hints_label.isHidden()


def test_binary_name_field_on_the_point_paths(qgis_app, tmp_path, paths):  # noqa: F811
    """A field name that holds no text (a BLOB) takes the point fast path (the bulk reader
    only reads text fields): same fallback name and warning as the general path."""
    from qgis.PyQt.QtCore import QByteArray, QVariant

    rows = [([QByteArray(b"\x00\x01"), "a"], "Point(1 1)")]
    vl = file_layer(
        tmp_path / "b.gpkg",
        QgsWkbTypes.Point,
        rows,
        fields=(("data", QVariant.ByteArray), ("name", QVariant.String)),
    )
    params = OrderParameters(name_expression='"data"')
    for fast in (True, False):
        import planet_bulk_tasking.core.targets.build as build

        build.FAST_READ = fast
        try:
            paths.taken = []
            t = create_job(vl, params, selected_only=False, now=NOW).targets[0]
        finally:
            build.FAST_READ = True
        assert paths.taken == ["fast_points"]
        assert t.status == READY and t.name == "sites 1"
        assert t.warnings == [
            "the name expression gave no text but binary data: used 'sites 1' instead"
        ]
