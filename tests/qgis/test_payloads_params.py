"""Order parameters: defaults, payload shape, monitoring rrule, validation."""

import json
from datetime import datetime, timedelta, timezone

import pytest
from planet_bulk_tasking.core.model.job import TargetStatus
from planet_bulk_tasking.core.targets.build import InvalidParameters, build_targets, create_job
from planet_bulk_tasking.core.targets.parameters import (
    MonitoringCadence,
    OrderParameters,
    validate_parameters,
)
from qgis.core import QgsFeature, QgsGeometry, QgsVectorLayer

NOW = datetime(2030, 1, 10, 12, 30, 45, 123456, tzinfo=timezone.utc)


def point_layer(points=(("site", 10.5, 45.25),)):
    vl = QgsVectorLayer("Point?crs=EPSG:4326&field=name:string", "pts", "memory")
    feats = []
    for name, lon, lat in points:
        f = QgsFeature(vl.fields())
        f.setAttributes([name])
        f.setGeometry(QgsGeometry.fromWkt(f"Point({lon} {lat})"))
        feats.append(f)
    vl.dataProvider().addFeatures(feats)
    return vl


def one_payload(params, now=NOW, layer=None):
    r = build_targets(layer or point_layer(), params, selected_only=False, now=now)
    assert len(r.targets) == 1
    t = r.targets[0]
    assert t.status == TargetStatus.READY, t.reason
    return t.payload


# -- payload shape -------------------------------------------------------------------------------
def test_point_payload_matches_the_tutorial_shape(qgis_app):
    """Planet's tutorial builds {'name', 'geometry': Point [lon, lat], 'start_time', 'end_time'}."""
    name, latitude, longitude = "site", 45.25, 10.5
    tomorrow = NOW + timedelta(days=1, hours=1)  # the 24 h lead time, plus a margin
    one_week_later = tomorrow + timedelta(days=14)  # the 14-day minimum window
    tutorial = {
        "name": name,
        "geometry": {"type": "Point", "coordinates": [longitude, latitude]},
    }
    tutorial.update({"start_time": tomorrow.isoformat(), "end_time": one_week_later.isoformat()})

    ours = one_payload(OrderParameters())  # defaults: start = now + 25 h, end = start + 14 days
    assert list(ours) == list(tutorial)
    assert ours["name"] == tutorial["name"]
    assert ours["geometry"] == tutorial["geometry"]
    assert json.dumps(ours["geometry"]) == json.dumps(tutorial["geometry"])
    for key in ("start_time", "end_time"):
        assert ours[key].endswith("Z")
        ours_t = datetime.fromisoformat(ours[key].replace("Z", "+00:00"))
        tut_t = datetime.fromisoformat(tutorial[key])
        assert abs((ours_t - tut_t).total_seconds()) < 1  # ours drops the microseconds


def test_default_times(qgis_app):
    p = one_payload(OrderParameters())
    assert p["start_time"] == "2030-01-11T13:30:45Z"  # now + 24 h lead time + 1 h margin
    assert p["end_time"] == "2030-01-25T13:30:45Z"  # 14-day minimum window


def test_explicit_times_in_utc_with_z(qgis_app):
    cet = timezone(timedelta(hours=1))
    params = OrderParameters(
        start_time=datetime(2030, 2, 1, 9, 0, tzinfo=cet), end_time=datetime(2030, 2, 3, 0, 0)
    )
    p = one_payload(params)
    assert p["start_time"] == "2030-02-01T08:00:00Z"
    assert p["end_time"] == "2030-02-03T00:00:00Z"  # naive = UTC


def test_flexible_omits_scheduling_type(qgis_app):
    assert "scheduling_type" not in one_payload(OrderParameters(scheduling_type="FLEXIBLE"))


def test_monitoring_payload(qgis_app):
    params = OrderParameters(
        scheduling_type="MONITORING",
        monitoring=MonitoringCadence(freq="WEEKLY", interval=1, count=4, byday="MO"),
    )
    p = one_payload(params)
    assert p["scheduling_type"] == "MONITORING"
    assert p["rrule"] == "FREQ=WEEKLY;COUNT=4;INTERVAL=1;BYDAY=MO"
    assert "end_time" not in p and "start_time" in p


def test_monitoring_without_cadence_uses_default(qgis_app):
    p = one_payload(OrderParameters(scheduling_type="monitoring"))
    assert p["rrule"] == "FREQ=WEEKLY;COUNT=4;INTERVAL=1"


def test_assured_refused_until_imaging_windows_are_supported(qgis_app):
    """Planet requires an imaging_window on every ASSURED order (the sandbox refuses them
    all without one): the builder refuses ASSURED with a reason instead of building."""
    params = OrderParameters(scheduling_type="assured")
    problems = validate_parameters(params, NOW)
    assert len(problems) == 1 and "imaging window" in problems[0]
    with pytest.raises(InvalidParameters) as exc:
        build_targets(point_layer(), params, selected_only=False, now=NOW)
    assert "imaging window" in str(exc.value)
    with pytest.raises(InvalidParameters):
        create_job(point_layer(), params, selected_only=False, now=NOW)
    # nor can one shared window be slipped in through the extra fields
    flexible = OrderParameters(extra_fields={"imaging_window": "w-1"})
    assert any("imaging_window" in p for p in validate_parameters(flexible, NOW))


@pytest.mark.parametrize(
    "byday,fragment",
    [
        ("0MO", "1 to 53"),
        ("+0MO", "1 to 53"),
        ("99MO", "1 to 53"),
        ("-54FR", "1 to 53"),
        ("100MO", "1 to 53"),
        ("6MO", "at most 5 times"),
        ("-7SU", "at most 5 times"),
    ],
)
def test_byday_ordinal_outside_the_allowed_range_refused(qgis_app, byday, fragment):
    """RFC 5545's ordwk is 1..53 (dateutil refuses 0 too); within a month only 1..5 can
    ever match."""
    cadence = MonitoringCadence("MONTHLY", 1, 6, byday)
    problems = cadence.problems()
    assert len(problems) == 1 and fragment in problems[0] and byday in problems[0]
    params = OrderParameters(scheduling_type="MONITORING", monitoring=cadence)
    with pytest.raises(InvalidParameters):
        build_targets(point_layer(), params, selected_only=False, now=NOW)


@pytest.mark.parametrize("byday", ["1MO", "+1MO", "-1FR", "5SU", "-5SA", "2TU,-1TH"])
def test_byday_ordinals_within_the_month_accepted(qgis_app, byday):
    cadence = MonitoringCadence("MONTHLY", 1, 6, byday)
    assert cadence.problems() == []
    p = one_payload(OrderParameters(scheduling_type="MONITORING", monitoring=cadence))
    assert p["rrule"].endswith("BYDAY=" + byday)


def test_optional_fields_and_extra_fields_merged_last(qgis_app):
    params = OrderParameters(
        pl_number=" PL-123456 ",
        product="SKYSAT",
        sat_elevation_angle_min=60,
        sat_elevation_angle_max=89.5,
        extra_fields={"exclusivity_days": 0, "note": {"a": [1, 2]}},
    )
    p = one_payload(params)
    assert list(p) == [
        "name",
        "geometry",
        "start_time",
        "end_time",
        "pl_number",
        "product",
        "sat_elevation_angle_min",
        "sat_elevation_angle_max",
        "exclusivity_days",
        "note",
    ]
    assert p["pl_number"] == "PL-123456"
    assert p["sat_elevation_angle_min"] == 60 and p["sat_elevation_angle_max"] == 89.5
    assert p["note"] == {"a": [1, 2]}


def test_extra_fields_may_set_optional_keys_the_form_leaves_empty(qgis_app):
    p = one_payload(OrderParameters(extra_fields={"pl_number": "PL-9"}))
    assert p["pl_number"] == "PL-9"


# -- rrule ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "cadence,rrule",
    [
        (MonitoringCadence(), "FREQ=WEEKLY;COUNT=4;INTERVAL=1"),
        (MonitoringCadence("daily", 2, 10), "FREQ=DAILY;COUNT=10;INTERVAL=2"),
        (MonitoringCadence("WEEKLY", 1, 4, "mo, th"), "FREQ=WEEKLY;COUNT=4;INTERVAL=1;BYDAY=MO,TH"),
        (MonitoringCadence("MONTHLY", 1, 12, "1MO"), "FREQ=MONTHLY;COUNT=12;INTERVAL=1;BYDAY=1MO"),
    ],
)
def test_rrule(cadence, rrule):
    assert cadence.rrule() == rrule
    assert cadence.problems() == []


@pytest.mark.parametrize(
    "cadence,fragment",
    [
        (MonitoringCadence(count=0), "1 to 365"),
        (MonitoringCadence(count=366), "1 to 365"),
        (MonitoringCadence(count=2.5), "1 to 365"),
        (MonitoringCadence(count=None), "1 to 365"),
        (MonitoringCadence(freq="YEARLY"), "yearly"),
        (MonitoringCadence(freq="HOURLY"), "at least one day"),
        (MonitoringCadence(freq="MINUTELY"), "at least one day"),
        (MonitoringCadence(freq="FORTNIGHTLY"), "Unknown monitoring frequency"),
        (MonitoringCadence(interval=0), "interval"),
        (MonitoringCadence(byday="XX"), "not a weekday"),
        (MonitoringCadence(byday="2MO"), "monthly"),
        (MonitoringCadence(byday="BYYEARDAY=1"), "BYYEARDAY"),
    ],
)
def test_rrule_refusals(qgis_app, cadence, fragment):
    problems = validate_parameters(
        OrderParameters(scheduling_type="MONITORING", monitoring=cadence)
    )
    assert any(fragment in p for p in problems), problems


def test_cadence_ignored_unless_monitoring(qgis_app):
    params = OrderParameters(monitoring=MonitoringCadence(count=0))
    assert validate_parameters(params) == []
    assert "rrule" not in one_payload(params)


# -- validation -----------------------------------------------------------------------------------
def test_defaults_are_valid(qgis_app):
    assert validate_parameters(OrderParameters()) == []


@pytest.mark.parametrize(
    "kw,fragment",
    [
        ({"scheduling_type": "LOCK_IN"}, "Unknown scheduling type"),
        (
            {
                "start_time": datetime(2030, 2, 2, tzinfo=timezone.utc),
                "end_time": datetime(2030, 2, 1, tzinfo=timezone.utc),
            },
            "must be after start time",
        ),
        (
            {
                "start_time": datetime(2020, 1, 1, tzinfo=timezone.utc),
                "end_time": datetime(2020, 1, 2, tzinfo=timezone.utc),
            },
            "in the past",
        ),
        ({"start_time": "tomorrow"}, "must be a date and time"),
        ({"pl_number": "123"}, "PL-"),
        ({"product": 5}, "Product must be text"),
        ({"sat_elevation_angle_min": -1}, "between 0 and 90"),
        ({"sat_elevation_angle_max": 91}, "between 0 and 90"),
        ({"sat_elevation_angle_max": float("nan")}, "between 0 and 90"),
        ({"sat_elevation_angle_min": "high"}, "must be a number"),
        ({"sat_elevation_angle_min": 80, "sat_elevation_angle_max": 60}, "not be greater"),
        ({"extra_fields": {"name": "x"}}, "cannot be overridden"),
        ({"extra_fields": {"geometry": {}}}, "cannot be overridden"),
        ({"extra_fields": {"start_time": "x"}}, "cannot be overridden"),
        ({"extra_fields": {"rrule": "x"}}, "cannot be overridden"),
        ({"pl_number": "PL-1", "extra_fields": {"pl_number": "PL-2"}}, "clashes"),
        ({"extra_fields": {"x": {1, 2}}}, "plain JSON"),
        ({"extra_fields": {"x": float("inf")}}, "plain JSON"),
        ({"extra_fields": {"": 1}}, "non-empty"),
        ({"extra_fields": ["a"]}, "key/value"),
        ({"multipart": "explode"}, "split"),
        ({"name_expression": '"name" ||'}, "Name expression is not valid"),
        ({"start_expression": "to_datetime("}, "Start time expression is not valid"),
        ({"end_expression": ")"}, "End time expression is not valid"),
    ],
)
def test_validation_problems(qgis_app, kw, fragment):
    problems = validate_parameters(OrderParameters(**kw), now=NOW)
    assert any(fragment in p for p in problems), problems


def test_monitoring_ignores_end_time_when_validating(qgis_app):
    params = OrderParameters(
        scheduling_type="MONITORING",
        start_time=datetime(2030, 2, 2, tzinfo=timezone.utc),
        end_time=datetime(2030, 2, 1, tzinfo=timezone.utc),
    )
    assert validate_parameters(params, now=NOW) == []


def test_build_refuses_invalid_parameters(qgis_app):
    with pytest.raises(InvalidParameters) as e:
        build_targets(point_layer(), OrderParameters(pl_number="nope"), selected_only=False)
    assert e.value.problems and "PL-" in str(e.value)


def test_build_refuses_invalid_layer(qgis_app):
    with pytest.raises(ValueError):
        build_targets(QgsVectorLayer("/nonexistent.gpkg", "x", "ogr"), OrderParameters())


# -- serialisation --------------------------------------------------------------------------------
def test_to_dict_from_dict_round_trip(qgis_app):
    params = OrderParameters(
        start_time=datetime(2030, 2, 1, 9, 0, tzinfo=timezone.utc),
        scheduling_type="MONITORING",
        monitoring=MonitoringCadence("DAILY", 3, 9, ""),
        pl_number="PL-1",
        product="SKYSAT",
        sat_elevation_angle_min=60.0,
        extra_fields={"k": [1, "v"]},
        name_expression='"name"',
        start_expression='"start"',
        multipart="refuse",
    )
    d = params.to_dict()
    text = json.dumps(d)
    back = OrderParameters.from_dict(json.loads(text))
    assert back == params
    assert d["start_time"] == "2030-02-01T09:00:00Z" and d["end_time"] is None
    assert OrderParameters.from_dict({"unknown_future_key": 1}) == OrderParameters()


def test_job_records_the_parameters_used(qgis_app):
    job = create_job(point_layer(), OrderParameters(), selected_only=False, now=NOW)
    assert job.parameters["start_time"] == "2030-01-11T13:30:45Z"
    assert job.parameters["end_time"] == "2030-01-25T13:30:45Z"
    assert job.parameters["name_expression"] == '"name"'
    json.dumps(job.parameters)
    again = OrderParameters.from_dict(job.parameters)
    assert again.resolved_times() == (
        datetime(2030, 1, 11, 13, 30, 45, tzinfo=timezone.utc),
        datetime(2030, 1, 25, 13, 30, 45, tzinfo=timezone.utc),
    )
    assert job.targets[0].payload["start_time"] == job.parameters["start_time"]
