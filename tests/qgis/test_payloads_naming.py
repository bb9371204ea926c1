"""Names and per-feature times from QGIS expressions; duplicates; cancellation."""

from datetime import datetime, timezone

import pytest
from planet_bulk_tasking.core.model.job import TargetStatus
from planet_bulk_tasking.core.targets.build import (
    BuildCancelled,
    build_targets,
    create_job,
    validate_for_layer,
)
from planet_bulk_tasking.core.targets.naming import (
    FALLBACK_NAME_EXPRESSION,
    FeatureExpression,
    default_name_expression,
    make_context,
)
from planet_bulk_tasking.core.targets.parameters import OrderParameters
from qgis.core import (
    QgsExpressionContextUtils,
    QgsFeature,
    QgsFeedback,
    QgsGeometry,
    QgsProject,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QDate, QDateTime, Qt, QTime

READY, SKIPPED = TargetStatus.READY, TargetStatus.SKIPPED
NOW = datetime(2030, 1, 10, 12, 0, 0, tzinfo=timezone.utc)


def layer(fields, rows, name="sites"):
    """fields: 'name:string&field=code:integer' style list; rows: attribute lists."""
    uri = "Point?crs=EPSG:4326" + "".join(f"&field={f}" for f in fields)
    vl = QgsVectorLayer(uri, name, "memory")
    assert vl.isValid()
    feats = []
    for i, attrs in enumerate(rows):
        f = QgsFeature(vl.fields())
        f.setAttributes(list(attrs))
        f.setGeometry(QgsGeometry.fromWkt(f"Point({i} {i})"))
        feats.append(f)
    assert vl.dataProvider().addFeatures(feats)[0]
    return vl


def build(vl, **p):
    return build_targets(vl, OrderParameters(**p), selected_only=False, now=NOW)


# -- default name ---------------------------------------------------------------------------------
@pytest.mark.parametrize("field", ["name", "Name", "NAME", "nAmE"])
def test_default_name_expression_uses_name_field(qgis_app, field):
    vl = layer([f"{field}:string", "code:integer"], [["Alpha", 1]])
    assert default_name_expression(vl) == f'"{field}"'
    assert build(vl).targets[0].name == "Alpha"


def test_default_name_without_name_field_is_layer_name_and_fid(qgis_app):
    vl = layer(["code:integer"], [[7], [8]], name="My sites")
    assert default_name_expression(vl) == FALLBACK_NAME_EXPRESSION
    assert [t.name for t in build(vl).targets] == ["My sites 1", "My sites 2"]


def test_fast_paths_agree_with_the_expression_engine(qgis_app):
    vl = layer(["name:string", "n:double"], [["  padded  ", 1.0], ["x", 2.5]], name="L")
    ctx = make_context(vl)
    for text in (FALLBACK_NAME_EXPRESSION, '"name"', '"n"'):
        fast = FeatureExpression(text, vl, ctx, "Name expression")
        assert fast.mode != FeatureExpression.GENERAL
        slow = FeatureExpression(f"coalesce({text})", vl, ctx, "Name expression")
        assert slow.mode == FeatureExpression.GENERAL
        for f in vl.getFeatures():
            assert fast.evaluate(f) == slow.evaluate(f)


def test_names_are_trimmed_and_numbers_read_naturally(qgis_app):
    vl = layer(["name:string", "n:double", "i:integer"], [["  A  ", 3.0, 4], ["B", 2.5, 5]])
    assert [t.name for t in build(vl).targets] == ["A", "B"]
    assert [t.name for t in build(vl, name_expression='"n"').targets] == ["3", "2.5"]
    assert [t.name for t in build(vl, name_expression='"i"').targets] == ["4", "5"]


def test_empty_or_null_name_falls_back_with_warning(qgis_app):
    vl = layer(["name:string"], [[""], [None], ["   "], ["ok"]], name="Sites")
    r = build(vl)
    assert [t.name for t in r.targets] == ["Sites 1", "Sites 2", "Sites 3", "ok"]
    assert [t.status for t in r.targets] == [READY] * 4
    for t in r.targets[:3]:
        assert any("empty name" in w for w in t.warnings)
        assert t.payload["name"] == t.name
    assert r.targets[3].warnings == []


# -- custom expressions ---------------------------------------------------------------------------
def test_custom_expression_with_fields_and_layer_scope(qgis_app):
    vl = layer(["name:string", "code:integer"], [["A", 1], ["B", 2]], name="Farm")
    r = build(vl, name_expression="@layer_name || '-' || \"name\" || '-' || \"code\"")
    assert [t.name for t in r.targets] == ["Farm-A-1", "Farm-B-2"]


def test_project_and_global_scopes_available(qgis_app):
    QgsExpressionContextUtils.setProjectVariable(QgsProject.instance(), "campaign", "C7")
    try:
        vl = layer(["name:string"], [["A"]])
        r = build(vl, name_expression="@campaign || ' ' || \"name\" || ' ' || @qgis_version_no")
        assert r.targets[0].name.startswith("C7 A 3")
    finally:
        QgsExpressionContextUtils.removeProjectVariable(QgsProject.instance(), "campaign")


def test_expression_with_geometry(qgis_app):
    vl = layer(["name:string"], [["A"], ["B"]])
    r = build(vl, name_expression="\"name\" || ' @ ' || round($x, 1)")
    assert [t.name for t in r.targets] == ["A @ 0", "B @ 1"]


def test_expression_eval_error_skips_with_reason(qgis_app):
    vl = layer(["name:string"], [["A"], ["B"]], name="L")
    r = build(vl, name_expression='to_int("name")')
    for t in r.targets:
        assert t.status == SKIPPED
        assert "Name expression failed" in t.reason and "to_int" not in t.name
        assert t.name.startswith("L ")


def test_expression_unknown_field(qgis_app):
    vl = layer(["name:string"], [["A"]])
    problems = validate_for_layer(vl, OrderParameters(name_expression='"nope" || "name"'))
    assert any("'nope'" in p for p in problems)
    r = build(vl, name_expression='"nope"')
    assert r.targets[0].status == SKIPPED and "nope" in r.targets[0].reason


def test_validate_for_layer_ok_and_layer_problems(qgis_app):
    vl = layer(["name:string"], [["A"]])
    assert validate_for_layer(vl, OrderParameters()) == []
    nogeom = QgsVectorLayer("None?field=name:string", "table", "memory")
    assert any("no geometry" in p for p in validate_for_layer(nogeom, OrderParameters()))


def test_duplicate_names_flagged_not_refused(qgis_app):
    vl = layer(["name:string"], [["A"], ["B"], ["A"], ["A"], ["C"], ["B"]])
    r = build(vl)
    assert all(t.status == READY for t in r.targets)
    assert r.duplicate_names == {"A": 3, "B": 2}
    for t in r.targets:
        dup = [w for w in t.warnings if "duplicate name" in w]
        assert bool(dup) == (t.name in ("A", "B"))
    assert r.warnings


# -- per-feature times ----------------------------------------------------------------------------
def test_start_and_end_from_fields(qgis_app):
    vl = layer(
        ["name:string", "s:datetime", "e:date", "txt:string"],
        [
            [
                "dt",
                QDateTime(QDate(2030, 3, 1), QTime(8, 0), Qt.UTC),
                QDate(2030, 3, 5),
                "",
            ],
            ["iso", None, None, "2030-04-01T10:00:00+02:00"],
        ],
    )
    r = build(vl, start_expression='"s"', end_expression='"e"', name_expression='"name"')
    dt = r.targets[0]
    assert dt.status == READY
    assert dt.payload["start_time"] == "2030-03-01T08:00:00Z"
    assert dt.payload["end_time"] == "2030-03-05T00:00:00Z"
    assert r.targets[1].status == SKIPPED and "NULL" in r.targets[1].reason

    r = build(vl, start_expression='"txt"')
    iso = r.targets[1]
    assert iso.payload["start_time"] == "2030-04-01T08:00:00Z"
    assert iso.payload["end_time"] == "2030-04-15T08:00:00Z"  # default 14 days after its start
    assert r.targets[0].status == SKIPPED and "start time expression" in r.targets[0].reason


def test_local_qdatetime_taken_as_utc(qgis_app):
    vl = layer(["name:string"], [["A"]])
    r = build(vl, start_expression="make_datetime(2030, 5, 1, 6, 0, 0)")
    assert r.targets[0].payload["start_time"] == "2030-05-01T06:00:00Z"


@pytest.mark.parametrize(
    "start,end,fragment",
    [
        ("'2030-03-05'", "'2030-03-01'", "not after start"),
        ("'2020-03-01'", "'2020-03-05'", "in the past"),
        ("'soon'", "'2030-03-05'", "not a date"),
        ("'2030-03-01'", "'13/13/2030'", "not a date"),
        ("NULL", "'2030-03-05'", "NULL"),
        ("1/0", "'2030-03-05'", None),  # NULL in QGIS: division by zero gives NULL
        ("to_date('x')", "'2030-03-05'", "Start time expression failed"),
    ],
)
def test_invalid_per_feature_times_skipped(qgis_app, start, end, fragment):
    vl = layer(["name:string"], [["A"]])
    t = build(vl, start_expression=start, end_expression=end).targets[0]
    assert t.status == SKIPPED
    if fragment:
        assert fragment in t.reason, t.reason


def test_end_expression_ignored_for_monitoring(qgis_app):
    vl = layer(["name:string"], [["A"]])
    t = build(
        vl, scheduling_type="MONITORING", start_expression="'2030-06-01'", end_expression="'x'"
    ).targets[0]
    assert t.status == READY
    assert t.payload["start_time"] == "2030-06-01T00:00:00Z" and "end_time" not in t.payload


def test_fixed_end_time_with_per_feature_start(qgis_app):
    vl = layer(["name:string"], [["A"]])
    t = build(
        vl,
        start_expression="'2030-06-01'",
        end_time=datetime(2030, 6, 3, tzinfo=timezone.utc),
    ).targets[0]
    assert t.payload["end_time"] == "2030-06-03T00:00:00Z"


def test_only_needed_attributes_are_fetched(qgis_app):
    vl = layer(["name:string", "a:integer", "b:integer"], [["A", 1, 2]])
    r = build(vl, name_expression='"name" || "b"')
    assert r.targets[0].name == "A2"


# -- cancellation ---------------------------------------------------------------------------------
def test_feedback_progress_and_cancel(qgis_app):
    vl = layer(["name:string"], [[f"s{i}"] for i in range(2500)])
    fb = QgsFeedback()
    seen = []
    fb.progressChanged.connect(seen.append)
    r = build_targets(vl, OrderParameters(), selected_only=False, feedback=fb)
    assert len(r.targets) == 2500 and seen and seen[-1] == 100.0

    fb = QgsFeedback()
    fb.cancel()
    r = build_targets(vl, OrderParameters(), selected_only=False, feedback=fb)
    assert r.cancelled
    with pytest.raises(BuildCancelled):
        create_job(vl, OrderParameters(), selected_only=False, feedback=fb)
