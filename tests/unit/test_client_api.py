"""Pure unit tests of the client's assumed shapes (core/api.py), URL rules and helpers."""

import json
import time
import uuid
from email.utils import formatdate

import pytest
from planet_bulk_tasking.core.tasking import api
from planet_bulk_tasking.core.tasking.api import BulkSummary, Page, PayloadResult
from planet_bulk_tasking.core.tasking.client import TaskingClient
from planet_bulk_tasking.core.tasking.errors import UnsafeUrlError
from planet_bulk_tasking.core.tasking.failures import parse_retry_after
from planet_bulk_tasking.core.tasking.http_core import default_user_agent
from planet_bulk_tasking.core.tasking.http_safety import (
    check_base_url,
    is_loopback_host,
    resolve_link,
)

BASE = "https://api.planet.com/tasking/v2"


# --- BulkSummary ----------------------------------------------------------------------
def test_bulk_summary_documented_shape():
    s = BulkSummary.from_json(
        {
            "id": "b1",
            "status": "RUNNING",
            "payload_count": 10,
            "processing_payload_count": 4,
            "successful_payload_count": 5,
            "failed_payload_count": 1,
            "created_time": "2024-01-01T00:00:00Z",
            "start_time": "2024-01-01T00:00:01Z",
            "end_time": None,
            "extra": "ignored",
        }
    )
    assert (s.id, s.status, s.payload_count) == ("b1", "RUNNING", 10)
    assert (s.processing_payload_count, s.successful_payload_count) == (4, 5)
    assert s.failed_payload_count == 1 and s.done_count == 6
    assert s.created_time.startswith("2024") and s.end_time is None
    assert not s.is_complete and s.raw["extra"] == "ignored"


@pytest.mark.parametrize(
    "word,expected",
    [
        ("complete", "COMPLETE"),
        ("Completed", "COMPLETE"),
        ("DONE", "COMPLETE"),
        ("pending", "PENDING"),
        ("queued", "PENDING"),
        ("processing", "RUNNING"),
        ("in progress", "RUNNING"),
        (None, "UNKNOWN"),
        ("WEIRD", "WEIRD"),
    ],
)
def test_bulk_status_words(word, expected):
    assert BulkSummary.from_json({"status": word}).status == expected


def test_bulk_summary_tolerates_missing_and_string_counts():
    s = BulkSummary.from_json({"status": "COMPLETE", "payload_count": "3"}, bulk_id="given")
    assert s.id == "given" and s.payload_count == 3
    assert s.successful_payload_count is None and s.done_count is None
    assert s.is_complete
    nested = BulkSummary.from_json(
        {"bulk": {"uuid": "x", "state": "finished", "counts": {"succeeded": 2, "failed": 1}}}
    )
    assert nested.id == "x" and nested.status == "COMPLETE" and nested.done_count == 3
    # no status word, but every payload accounted for
    derived = BulkSummary.from_json(
        {"payload_count": 2, "successful_payload_count": 1, "failed_payload_count": 1}
    )
    assert derived.is_complete
    assert BulkSummary.from_json(["not", "a", "dict"], "b").id == "b"


# --- PayloadResult --------------------------------------------------------------------
PAYLOAD = {"name": "a", "geometry": {"type": "Point", "coordinates": [1, 2]}}


def test_payload_result_sandbox_shapes():
    ok = PayloadResult.from_json(
        {"id": "r1", "status": "SUCCESS", "order_id": "o1", "error": None, "payload": PAYLOAD}
    )
    assert (ok.status, ok.order_id, ok.reason, ok.payload) == ("succeeded", "o1", None, PAYLOAD)
    bad = PayloadResult.from_json(
        {"id": "r2", "status": "FAILED", "order_id": None, "error": "lon out", "payload": PAYLOAD}
    )
    assert (bad.status, bad.order_id, bad.reason) == ("failed", None, "lon out")
    wait = PayloadResult.from_json(
        {"id": "r3", "status": "PROCESSING", "order_id": None, "error": None, "payload": PAYLOAD}
    )
    assert (wait.status, wait.order_id, wait.reason) == ("processing", None, None)


@pytest.mark.parametrize(
    "raw,status,order_id,reason_part",
    [
        ({"status": "succeeded", "order": {"id": "o2"}}, "succeeded", "o2", None),
        ({"status": "Complete", "orderId": "o3"}, "succeeded", "o3", None),
        ({"state": "success", "order": "o4"}, "succeeded", "o4", None),
        ({"status": "SUCCESSFUL", "id": "o5"}, "succeeded", "o5", None),
        ({"order_id": "o6"}, "succeeded", "o6", None),  # no status word
        ({"status": "ERROR", "errors": ["bad geometry", "bad name"]}, "failed", None, "bad name"),
        ({"status": "failed", "reason": "quota"}, "failed", None, "quota"),
        ({"status": "FAILED", "message": "nope"}, "failed", None, "nope"),
        ({"status": "FAILED", "detail": {"geometry": ["Invalid"]}}, "failed", None, "geometry"),
        ({"status": "FAILED"}, "failed", None, "no reason"),
        ({"error": "boom"}, "failed", None, "boom"),
        ({"status": "pending"}, "processing", None, None),
        ({"status": "QUEUED", "error": "stale"}, "processing", None, None),
        ({}, "processing", None, None),
    ],
)
def test_payload_result_variants(raw, status, order_id, reason_part):
    r = PayloadResult.from_json(raw)
    assert r.status == status
    assert r.order_id == order_id
    if reason_part is None:
        assert r.reason is None
    else:
        assert reason_part in r.reason


def test_payload_result_finds_the_payload_under_other_keys():
    assert PayloadResult.from_json({"order_payload": PAYLOAD}).payload == PAYLOAD
    assert PayloadResult.from_json({"request": PAYLOAD}).payload == PAYLOAD
    created = {"id": "o9", "name": "a", "geometry": {"type": "Polygon", "coordinates": []}}
    r = PayloadResult.from_json({"status": "SUCCESS", "order": created})
    assert r.order_id == "o9" and r.payload == created
    flat = PayloadResult.from_json(dict(PAYLOAD, status="FAILED", error="x"))
    assert flat.payload["name"] == "a"
    assert PayloadResult.from_json("junk").status == "processing"


# --- pages ----------------------------------------------------------------------------
def test_page_shapes():
    p = Page.from_json({"count": 3, "next": "u2", "previous": None, "results": [1, 2]})
    assert (p.results, p.count, p.next, p.previous, p.has_next_key) == ([1, 2], 3, "u2", None, True)
    last = Page.from_json({"count": 3, "next": None, "results": [3]})
    assert last.next is None and last.has_next_key
    bare = Page.from_json([1, 2, 3])
    assert bare.results == [1, 2, 3] and bare.next is None and bare.has_next_key
    hal = Page.from_json({"items": [1], "_links": {"next": {"href": "/x?page=2"}}, "total": 9})
    assert hal.results == [1] and hal.next == "/x?page=2" and hal.count == 9
    no_links = Page.from_json({"count": 10, "results": [1]})
    assert not no_links.has_next_key
    assert Page.from_json(None).results == []


# --- bodies ---------------------------------------------------------------------------
def test_body_builders():
    bid = str(uuid.uuid4())
    body = api.build_create_body([PAYLOAD], bid)
    assert body == {"id": bid, "order_payloads": [PAYLOAD]}
    assert api.build_create_body([PAYLOAD], bid.upper())["id"] == bid  # normalised
    edit = api.build_edit_body([{"id": "o1", "name": "n", "start_time": "t"}], bid)
    assert edit == {"id": bid, "edit_payloads": [{"id": "o1", "name": "n", "start_time": "t"}]}
    cancel = api.build_cancel_body(["o1", "o2"], bid)
    assert cancel == {"id": bid, "cancel_payloads": [{"id": "o1"}, {"id": "o2"}]}
    with pytest.raises(ValueError):
        api.build_create_body([PAYLOAD], "not-a-uuid")
    with pytest.raises(ValueError):
        api.build_create_body([], bid)
    with pytest.raises(ValueError):
        api.build_create_body([PAYLOAD] * 1001, bid)
    with pytest.raises(ValueError):
        api.build_edit_body([{"name": "no id"}], bid)
    assert json.loads(api.encode_body(body)) == body


def test_bulk_id_from_location():
    assert api.bulk_id_from_location("/tasking/v2/bulk/abc") == "abc"
    assert api.bulk_id_from_location("/tasking/v2/bulk/abc/?x=1") == "abc"
    assert api.bulk_id_from_location(None) is None


def test_query_values():
    from datetime import datetime, timezone

    assert api.query_value(True) == "true"
    assert api.query_value(["A", "B"]) == "A,B"
    assert api.query_value(datetime(2024, 1, 2, tzinfo=timezone.utc)) == "2024-01-02T00:00:00Z"


# --- error bodies ---------------------------------------------------------------------
def test_error_body_detail_and_fields():
    assert api.parse_error_body('{"detail": "Authentication failed"}') == (
        "Authentication failed",
        {},
    )
    msg, fields = api.parse_error_body('{"name": ["required"], "geometry": ["bad", "worse"]}')
    assert fields == {"name": ["required"], "geometry": ["bad", "worse"]}
    assert "name: required" in msg and "geometry: bad worse" in msg


def test_error_body_nested_and_lists():
    body = {"order_payloads": [{}, {"geometry": {"coordinates": ["out of range"]}}]}
    msg, fields = api.parse_error_body(json.dumps(body))
    assert fields == {"order_payloads[1].geometry.coordinates": ["out of range"]}
    assert "out of range" in msg
    msg, fields = api.parse_error_body('["one", "two"]')
    assert msg == "one two" and fields == {}
    msg, _ = api.parse_error_body('{"non_field_errors": ["id already used"]}')
    assert msg == "id already used"
    msg, _ = api.parse_error_body('{"error": {"message": "rate", "code": 429}}')
    assert "rate" in msg
    msg, fields = api.parse_error_body('{"detail": "x", "status": 400}')
    assert msg == "x" and fields == {}


def test_error_body_raw_text_html_and_truncation():
    assert api.parse_error_body("Bad Gateway") == ("Bad Gateway", {})
    html = "<html><head><title>502 Bad Gateway</title></head><body><h1>502</h1></body></html>"
    msg, _ = api.parse_error_body(html)
    assert "502 Bad Gateway" in msg and "<" not in msg
    msg, _ = api.parse_error_body("x" * 5000)
    assert len(msg) <= api.MAX_ERROR_TEXT
    assert api.parse_error_body("") == (None, {})
    assert api.parse_error_body(None) == (None, {})


# --- Retry-After ----------------------------------------------------------------------
def test_parse_retry_after():
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after("1.5") == 1.5
    assert parse_retry_after("-4") == 0.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    now = time.time()
    date = formatdate(now + 20, usegmt=True)
    assert 18 <= parse_retry_after(date, now=now) <= 21
    assert parse_retry_after(formatdate(now - 100, usegmt=True), now=now) == 0.0


# --- URL rules ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "host,loop",
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("LOCALHOST", True),
        ("10.0.0.1", False),
        ("api.planet.com", False),
        ("localhost.evil.com", False),
    ],
)
def test_loopback(host, loop):
    assert is_loopback_host(host) is loop


def test_base_url_rules():
    assert check_base_url(BASE + "/") == BASE
    assert check_base_url("http://127.0.0.1:8080/tasking/v2") == "http://127.0.0.1:8080/tasking/v2"
    assert check_base_url("http://localhost:9/tasking/v2")
    assert check_base_url("http://[::1]:9/tasking/v2")
    for bad in (
        "http://api.planet.com/tasking/v2",
        "http://10.0.0.1/tasking/v2",
        "ftp://api.planet.com/",
        "api.planet.com/tasking/v2",
        "https://user:pw@api.planet.com/tasking/v2",
        "https://api.planet.com/tasking/v2?x=1",
        "",
    ):
        with pytest.raises(UnsafeUrlError):
            check_base_url(bad)


def test_plain_http_to_a_remote_host_is_refused_before_any_traffic():
    with pytest.raises(UnsafeUrlError) as info:
        TaskingClient("http://api.planet.com/tasking/v2", "k")
    assert "https" in info.value.user_message


def test_resolve_link():
    assert resolve_link(BASE, "/tasking/v2/bulk/x") == "https://api.planet.com/tasking/v2/bulk/x"
    assert resolve_link(BASE, "https://api.planet.com:443/tasking/v2/orders/?offset=5")
    assert resolve_link(BASE, "HTTPS://API.PLANET.COM/tasking/v2/orders/")
    for bad in (
        "https://evil.example.com/tasking/v2/bulk/x",
        "http://api.planet.com/tasking/v2/bulk/x",  # scheme downgrade
        "https://api.planet.com:8443/tasking/v2/bulk/x",  # other port
        "//evil.example.com/x",  # scheme-relative
        "https://u:p@api.planet.com/x",
        "",
    ):
        with pytest.raises(UnsafeUrlError):
            resolve_link(BASE, bad)


def test_user_agent_names_plugin_and_qgis_versions():
    ua = default_user_agent("1.2.3", "3.22.16")
    assert ua.startswith("PlanetBulkTaskingQGIS/1.2.3 QGIS/3.22.16 ")
    client = TaskingClient(BASE, "k", plugin_version="9.9", qgis_version="3.34.0")
    try:
        assert "PlanetBulkTaskingQGIS/9.9 QGIS/3.34.0" in client.session.headers["User-Agent"]
    finally:
        client.close()
    custom = TaskingClient(BASE, "k", user_agent="X/1")
    assert custom.user_agent == "X/1"
    custom.close()


def test_every_tasking_engine_and_model_module_imports_no_qgis_and_no_qt():
    import subprocess
    import sys
    from pathlib import Path

    scripts = Path(__file__).resolve().parents[2] / "scripts"
    code = (
        f"import sys; sys.path.insert(0, {str(scripts)!r}); import plugin_path; "
        "plugin_path.ensure_importable(); "
        "import importlib, pkgutil; "
        "pkgs = [importlib.import_module(f'planet_bulk_tasking.core.{p}') "
        "for p in ('tasking', 'engine', 'model')]; "
        "names = [f'{p.__name__}.{m.name}' for p in pkgs "
        "for m in pkgutil.iter_modules(p.__path__)]; "
        "assert {'planet_bulk_tasking.core.tasking.client', "
        "'planet_bulk_tasking.core.engine.submit', 'planet_bulk_tasking.core.model.store'} "
        "<= set(names), names; "
        "[importlib.import_module(n) for n in names]; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('qgis', 'PyQt5', 'PyQt6', 'sip')]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    # QGIS's version is named when QGIS is loaded (make test), "unknown" when it is not
    # (make test-unit runs this tier without QGIS)
    core = sys.modules.get("qgis.core")
    version = core.Qgis.QGIS_VERSION.split("-")[0] if core else "unknown"
    assert f"QGIS/{version}" in default_user_agent()
