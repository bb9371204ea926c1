"""The sandbox's HTTP surface: bulks, validation, auth, paging and filters, limits.

Real HTTP to 127.0.0.1 with requests; no mocks.
"""

import base64
import json
import time
import uuid
from datetime import datetime, timedelta, timezone

import pytest
import requests

KEY = "sandbox-key"


def iso(dt):
    return dt.isoformat().replace("+00:00", "Z")


def future(days=1.0):
    return datetime.now(timezone.utc) + timedelta(days=days)


def order(name, lon=10.0, lat=45.0, **extra):
    start = future(1)
    body = {
        "name": name,
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "start_time": iso(start),
        "end_time": iso(start + timedelta(days=7)),
    }
    body.update(extra)
    return body


class Api:
    def __init__(self, srv, key=KEY):
        self.base = srv.base_url
        self.origin = srv.base_url.rsplit("/tasking/v2", 1)[0]
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"api-key {key}"

    def get(self, path, **kw):
        return self.session.get(self._url(path), timeout=10, **kw)

    def post(self, path, **kw):
        return self.session.post(self._url(path), timeout=10, **kw)

    def put(self, path, **kw):
        return self.session.put(self._url(path), timeout=10, **kw)

    def delete(self, path, **kw):
        return self.session.delete(self._url(path), timeout=10, **kw)

    def _url(self, path):
        if path.startswith("http"):
            return path
        return (self.origin if path.startswith("/tasking/") else self.base) + path

    def create(self, payloads, bulk_id=None, kind="order_payloads"):
        body = {kind: payloads}
        if bulk_id:
            body["id"] = bulk_id
        res = self.post("/bulk/", json=body)
        assert res.status_code == 202, res.text
        assert res.content == b""
        return res.headers["Location"].rsplit("/", 1)[1]

    def wait(self, bulk_id, timeout=10.0):
        deadline = time.monotonic() + timeout
        while True:
            summary = self.get(f"/bulk/{bulk_id}").json()
            if summary["status"] == "COMPLETE" or time.monotonic() > deadline:
                return summary
            time.sleep(0.01)

    def all_pages(self, path, **params):
        results, url = [], path
        while url:
            page = self.get(url, params=params).json()
            params = None  # `next` already carries them
            results += page["results"]
            url = page["next"]
        return results

    def results_by_name(self, bulk_id):
        return {r["payload"]["name"]: r for r in self.all_pages(f"/bulk/{bulk_id}/payloads")}


@pytest.fixture
def api(sandbox):
    client = Api(sandbox)
    yield client
    client.session.close()


# --- bulk create --------------------------------------------------------------------------------


def test_bulk_create_answers_202_with_relative_location_and_summary(api):
    bulk_id = str(uuid.uuid4())
    res = api.post("/bulk/", json={"id": bulk_id, "order_payloads": [order("a"), order("b")]})
    assert res.status_code == 202
    assert res.headers["Location"] == f"/tasking/v2/bulk/{bulk_id}"
    summary = api.wait(bulk_id)
    assert set(summary) == {
        "id", "status", "payload_count", "processing_payload_count", "successful_payload_count",
        "failed_payload_count", "created_time", "start_time", "end_time",
    }  # fmt: skip
    assert summary["id"] == bulk_id and summary["status"] == "COMPLETE"
    assert (summary["payload_count"], summary["successful_payload_count"]) == (2, 2)
    for field in ("created_time", "start_time", "end_time"):
        assert summary[field].endswith("Z")
    assert summary["created_time"] <= summary["start_time"] <= summary["end_time"]


def test_server_chooses_an_id_when_none_is_given(api):
    bulk_id = api.create([order("a")])
    assert str(uuid.UUID(bulk_id)) == bulk_id
    assert api.get(f"/bulk/{bulk_id}").status_code == 200


def test_bulks_of_one_key_run_fifo_pending_running_complete(make_sandbox):
    srv = make_sandbox(processing_rate=2000.0)
    api = Api(srv)
    first = api.create([order(f"a{i}") for i in range(800)])
    second = api.create([order("b")])
    assert api.get(f"/bulk/{second}").json()["status"] == "PENDING"  # waits for the first
    seen = []
    while not seen or seen[-1] != "COMPLETE":
        summary = api.get(f"/bulk/{first}").json()
        if not seen or seen[-1] != summary["status"]:
            seen.append(summary["status"])
        assert (
            summary["processing_payload_count"]
            + summary["successful_payload_count"]
            + summary["failed_payload_count"]
            == 800
        )
        time.sleep(0.02)
    assert seen[-2:] == ["RUNNING", "COMPLETE"] and set(seen) <= {"PENDING", "RUNNING", "COMPLETE"}
    a, b = api.get(f"/bulk/{first}").json(), api.wait(second)
    assert b["start_time"] >= a["end_time"]
    mid = [r for r in api.all_pages(f"/bulk/{first}/payloads", limit=1000)]
    assert len(mid) == 800 and all(r["status"] == "SUCCESS" for r in mid)


def test_payload_results_shape_and_not_in_submission_order(api):
    names = [f"n{i}" for i in range(12)]
    bulk_id = api.create([order(n) for n in names])
    api.wait(bulk_id)
    results = api.all_pages(f"/bulk/{bulk_id}/payloads")
    assert set(results[0]) == {"id", "status", "order_id", "error", "payload"}
    got = [r["payload"]["name"] for r in results]
    assert sorted(got) == sorted(names) and got != names
    assert len({r["id"] for r in results}) == 12
    failed = api.get(f"/bulk/{bulk_id}/payloads", params={"status": "FAILED"}).json()
    assert failed["count"] == 0


@pytest.mark.parametrize(
    "body, message",
    [
        ([order("a")], "must be a JSON object"),
        ({"order_payloads": {"name": "a"}}, "order_payloads: must be a list"),
        ({"order_payloads": []}, "at least one"),
        ({"order_payloads": [order("a")] * 1001}, "at most 1000 payloads per request (got 1001)"),
        ({"id": "not-a-uuid", "order_payloads": [order("a")]}, "is not a valid UUID"),
        ({"id": 12, "order_payloads": [order("a")]}, "is not a valid UUID"),
        ({"orders": [order("a")]}, "orders: unknown field"),
        ({"order_payloads": [order("a")], "cancel_payloads": [{"id": "x"}]}, "exactly one"),
        ({}, "exactly one"),
    ],
)
def test_whole_request_problems_are_400_with_detail(api, body, message):
    res = api.post("/bulk/", json=body)
    assert res.status_code == 400
    assert message in res.json()["detail"]


@pytest.mark.parametrize("raw", [b"{not json", b'{"order_payloads": [NaN]}', b"\xff\xfe"])
def test_invalid_json_is_400(api, raw):
    res = api.post("/bulk/", data=raw, headers={"Content-Type": "application/json"})
    assert res.status_code == 400 and "JSON parse error" in res.json()["detail"]


def test_exactly_1000_payloads_are_accepted(api):
    bulk_id = api.create([order(f"o{i}") for i in range(1000)])
    assert api.wait(bulk_id)["successful_payload_count"] == 1000


def test_body_over_1mb_is_413(api, sandbox):
    padding = "x" * 1_100_000
    res = api.post("/bulk/", json={"order_payloads": [order(padding)]})
    assert res.status_code == 413 and "1000000 bytes" in res.json()["detail"]
    assert sandbox.counters["bulks_created"] == 0
    assert api.get("/bulk/").status_code == 200  # connection still usable


def test_duplicate_client_id_is_409_and_not_stored_twice(api, sandbox):
    bulk_id = str(uuid.uuid4())
    api.create([order("a")], bulk_id=bulk_id)
    res = api.post("/bulk/", json={"id": bulk_id.upper(), "order_payloads": [order("a")]})
    assert res.status_code == 409 and bulk_id in res.json()["detail"]
    assert sandbox.counters["bulks_created"] == 1


def test_unknown_bulk_is_404_and_other_keys_bulks_are_invisible(make_sandbox):
    srv = make_sandbox(keys={"k1": True, "k2": True})
    one, two = Api(srv, "k1"), Api(srv, "k2")
    bulk_id = one.create([order("a")])
    assert two.get(f"/bulk/{bulk_id}").status_code == 404
    assert two.get(f"/bulk/{bulk_id}/payloads").status_code == 404
    assert one.get(f"/bulk/{uuid.uuid4()}").json() == {"detail": "Not found."}
    assert two.get("/orders/").json()["count"] == 0


def test_unknown_path_and_method(api):
    assert api.get("/nothing/").status_code == 404
    res = api.delete("/bulk/")
    assert res.status_code == 405 and res.headers["Allow"] == "GET, POST"


# --- validation ---------------------------------------------------------------------------------

LINE = {"type": "LineString", "coordinates": [[10, 45], [10.1, 45.1]]}
SQUARE = {"type": "Polygon", "coordinates": [[[10, 45], [10.1, 45], [10.1, 45.1], [10, 45]]]}
WEEKLY = "FREQ=WEEKLY;COUNT=4;INTERVAL=1;BYDAY=MO"


def _cases():
    past = future(-2)
    bad = {
        "no-name": None,  # name removed below
        "empty-name": {"name": "  "},
        "no-geometry": None,
        "multipoint": {"geometry": {"type": "MultiPoint", "coordinates": [[1, 2]]}},
        "lon-181": {"geometry": {"type": "Point", "coordinates": [181, 40]}},
        "lat-91": {"geometry": {"type": "Point", "coordinates": [10, 91]}},
        "lon-in-line": {"geometry": {"type": "LineString", "coordinates": [[0, 0], [-200, 1]]}},
        "not-a-position": {"geometry": {"type": "Point", "coordinates": ["a", 1]}},
        "open-ring": {
            "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]}
        },
        "short-ring": {"geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 0]]]}},
        "short-line": {"geometry": {"type": "LineString", "coordinates": [[0, 0]]}},
        "geom-member": {"geometry": {"type": "Point", "coordinates": [0, 0], "crs": "x"}},
        "monitoring-polygon": {
            "scheduling_type": "MONITORING",
            "rrule": WEEKLY,
            "geometry": SQUARE,
        },
        "assured-line": {
            "scheduling_type": "ASSURED",
            "imaging_window": "w1",
            "geometry": {"type": "LineString", "coordinates": [[10, 45], [10.1, 45], [10.2, 45]]},
        },
        "long-line": {"geometry": {"type": "LineString", "coordinates": [[10, 45], [12, 45]]}},
        "assured-no-window": {"scheduling_type": "ASSURED"},
        "window-on-flexible": {"imaging_window": "w1"},
        "bad-scheduling": {"scheduling_type": "WHENEVER"},
        "start-after-end": {"start_time": iso(future(5)), "end_time": iso(future(2))},
        "end-in-past": {"start_time": iso(past - timedelta(days=1)), "end_time": iso(past)},
        "bad-time": {"start_time": "tomorrow"},
        "bad-date": {"end_time": "2030-02-30T00:00:00Z"},
        "no-rrule": {"scheduling_type": "MONITORING"},
        "rrule-no-count": {"scheduling_type": "MONITORING", "rrule": "FREQ=WEEKLY;INTERVAL=1"},
        "rrule-366": {"scheduling_type": "MONITORING", "rrule": "FREQ=DAILY;COUNT=366"},
        "rrule-yearly": {"scheduling_type": "MONITORING", "rrule": "FREQ=YEARLY;COUNT=2"},
        "rrule-yearday": {
            "scheduling_type": "MONITORING",
            "rrule": "FREQ=DAILY;COUNT=2;BYYEARDAY=1",
        },
        "rrule-hourly": {"scheduling_type": "MONITORING", "rrule": "FREQ=HOURLY;COUNT=2"},
        "rrule-on-flexible": {"rrule": WEEKLY},
        "elevation-95": {"sat_elevation_angle_min": 95},
        "elevation-order": {"sat_elevation_angle_min": 70, "sat_elevation_angle_max": 60},
        "pl-number": {"pl_number": "12345"},
        "unknown-field": {"colour": "red"},
        "exclusivity": {"exclusivity_days": -1},
    }
    expected = {
        "no-name": "name: required",
        "empty-name": "name: must be a non-empty string",
        "no-geometry": "geometry: required",
        "multipoint": "geometry.type: 'MultiPoint' is not supported",
        "lon-181": "geometry.coordinates: longitude 181 is outside [-180, 180]",
        "lat-91": "geometry.coordinates: latitude 91 is outside [-90, 90]",
        "lon-in-line": "geometry.coordinates: longitude -200 is outside [-180, 180]",
        "not-a-position": "geometry.coordinates: a position must be [longitude, latitude]",
        "open-ring": "geometry.coordinates: linear ring is not closed",
        "short-ring": "geometry.coordinates: a linear ring needs at least 4 positions",
        "short-line": "geometry.coordinates: a LineString needs at least 2 positions",
        "geom-member": "geometry.crs: unknown member",
        "monitoring-polygon": "geometry.type: Polygon is not allowed for MONITORING orders",
        "assured-line": "geometry.coordinates: an ASSURED line has exactly two points (got 3)",
        "long-line": "geometry.coordinates: the line is 157 km long; at most 100 km",
        "assured-no-window": "imaging_window: required for ASSURED orders",
        "window-on-flexible": "imaging_window: only allowed for ASSURED orders",
        "bad-scheduling": "scheduling_type: 'WHENEVER' is not one of",
        "start-after-end": "end_time: must be after start_time",
        "end-in-past": "end_time: must be in the future",
        "bad-time": "start_time: 'tomorrow' is not an ISO 8601 date-time",
        "bad-date": "end_time: '2030-02-30T00:00:00Z' is not a valid date-time",
        "no-rrule": "rrule: required for MONITORING orders",
        "rrule-no-count": "rrule: COUNT is required",
        "rrule-366": "rrule: COUNT must be between 1 and 365 (got 366)",
        "rrule-yearly": "rrule: FREQ=YEARLY is not supported",
        "rrule-yearday": "rrule: BYYEARDAY is not supported",
        "rrule-hourly": "rrule: FREQ=HOURLY is too frequent; the cadence must be at least a day",
        "rrule-on-flexible": "rrule: only allowed for MONITORING orders",
        "elevation-95": "sat_elevation_angle_min: 95 must be a number between 0 and 90",
        "elevation-order": "sat_elevation_angle_min: 70 is greater than sat_elevation_angle_max 60",
        "pl-number": "pl_number: '12345' is not a contract number",
        "unknown-field": "colour: unknown field",
        "exclusivity": "exclusivity_days: must be a non-negative integer",
    }
    good = {
        "ok-flexible-point": {},
        "ok-flexible-line": {"geometry": LINE},
        "ok-flexible-polygon": {"geometry": SQUARE, "pl_number": "PL-123456", "product": "SKYSAT"},
        "ok-monitoring-point": {"scheduling_type": "MONITORING", "rrule": WEEKLY},
        "ok-monitoring-line": {
            "scheduling_type": "MONITORING",
            "rrule": "FREQ=DAILY;COUNT=365",
            "geometry": LINE,
        },  # fmt: skip
        "ok-assured": {"scheduling_type": "ASSURED", "imaging_window": "window-1"},
        "ok-elevation": {"sat_elevation_angle_min": 60, "sat_elevation_angle_max": 90},
        "ok-offset-times": {"start_time": future(1).isoformat(), "end_time": "2099-01-01T00:00"},
        "ok-no-times": {"start_time": None, "end_time": None},
        "ok-lon-180": {"geometry": {"type": "Point", "coordinates": [180, 40]}},
        "ok-lon-minus-180": {"geometry": {"type": "Point", "coordinates": [-180, -90]}},
    }
    cases = []
    for name, changes in list(bad.items()) + list(good.items()):
        body = order(name)
        body.update(changes or {})
        if name == "no-name":
            del body["name"]
        if name == "no-geometry":
            del body["geometry"]
        for key in ("start_time", "end_time"):
            if body.get(key, "") is None:
                del body[key]
        cases.append((name, body))
    cases.append(("not-an-object", "not an object"))
    expected["not-an-object"] = "payload: must be a JSON object"
    return cases, expected, list(good)


def test_each_validation_rule_fails_only_its_payload_with_a_reason_naming_the_field(api):
    cases, expected, good = _cases()
    bulk_id = api.create([body for _, body in cases])
    summary = api.wait(bulk_id)
    assert summary["failed_payload_count"] == len(expected)
    assert summary["successful_payload_count"] == len(good)
    case_of = {json.dumps(body, sort_keys=True): name for name, body in cases}
    results = api.all_pages(f"/bulk/{bulk_id}/payloads", limit=7)
    by_name = {case_of[json.dumps(r["payload"], sort_keys=True)]: r for r in results}
    assert len(by_name) == len(cases)  # every payload echoed exactly
    for name, reason in expected.items():
        assert by_name[name]["status"] == "FAILED", name
        assert reason in by_name[name]["error"], (name, by_name[name]["error"])
        assert by_name[name]["order_id"] is None
    for name in good:
        assert by_name[name]["status"] == "SUCCESS", (name, by_name[name]["error"])
        order_body = api.get(f"/orders/{by_name[name]['order_id']}").json()
        assert order_body["name"] == name
    mon = api.get(f"/orders/{by_name['ok-monitoring-point']['order_id']}").json()
    assert mon["scheduling_type"] == "MONITORING" and mon["rrule"] == WEEKLY
    flex = api.get(f"/orders/{by_name['ok-flexible-polygon']['order_id']}").json()
    assert flex["geometry"] == flex["original_geometry"] == SQUARE
    assert flex["pl_number"] == "PL-123456"


def test_several_problems_of_one_payload_are_all_reported(api):
    bad = {"name": "", "geometry": {"type": "Point", "coordinates": [200, -100]}, "x": 1}
    bulk_id = api.create([bad])
    api.wait(bulk_id)
    error = api.all_pages(f"/bulk/{bulk_id}/payloads")[0]["error"]
    for part in ("x: unknown field", "name:", "longitude 200", "latitude -100"):
        assert part in error


# --- auth ---------------------------------------------------------------------------------------


def test_auth_api_key_header_basic_401_403(sandbox):
    url = sandbox.base_url + "/orders/"
    ok = requests.get(url, headers={"Authorization": f"api-key {KEY}"}, timeout=10)
    assert ok.status_code == 200
    assert requests.get(url, auth=(KEY, ""), timeout=10).status_code == 200
    missing = requests.get(url, timeout=10)
    assert missing.status_code == 401 and "not provided" in missing.json()["detail"]
    wrong = requests.get(url, headers={"Authorization": "api-key nope"}, timeout=10)
    assert wrong.status_code == 401 and wrong.json() == {"detail": "Invalid API key."}
    assert requests.get(url, auth=("nope", ""), timeout=10).status_code == 401
    garbled = requests.get(url, headers={"Authorization": "Basic %%%"}, timeout=10)
    assert garbled.status_code == 401
    forbidden = requests.get(url, auth=("no-tasking-key", ""), timeout=10)
    assert forbidden.status_code == 403 and "permission" in forbidden.json()["detail"]
    post = requests.post(sandbox.base_url + "/bulk/", json={"order_payloads": [order("a")]},
                         auth=("no-tasking-key", ""), timeout=10)  # fmt: skip
    assert post.status_code == 403
    assert sandbox.counters["responses"] == {"200": 2, "401": 4, "403": 2}


def test_keys_may_be_a_list(make_sandbox):
    srv = make_sandbox(keys=["alpha", "beta"])
    token = base64.b64encode(b"beta:").decode()
    res = requests.get(srv.base_url + "/", headers={"Authorization": f"Basic {token}"}, timeout=10)
    assert res.status_code == 200 and res.json()["orders"] == srv.base_url + "/orders/"
    assert requests.get(srv.base_url + "/", auth=(KEY, ""), timeout=10).status_code == 401


# --- listing, paging, filters -------------------------------------------------------------------


@pytest.fixture
def seven_orders(api):
    names = ["Alpha-1", "bravo", "alpha-2", "Charlie", "delta", "ÆRØ-east", "echo"]
    bulk_id = api.create([order(n) for n in names])
    api.wait(bulk_id)
    return names, {n: r["order_id"] for n, r in api.results_by_name(bulk_id).items()}


def test_orders_paging_next_previous_limit_offset(api, seven_orders):
    names, ids = seven_orders
    first = api.get("/orders/", params={"limit": 3}).json()
    assert first["count"] == 7 and len(first["results"]) == 3 and first["previous"] is None
    assert first["next"] == api.base + "/orders/?limit=3&offset=3"
    second = api.get(first["next"]).json()
    assert second["previous"] == api.base + "/orders/?limit=3&offset=0"
    third = api.get(second["next"]).json()
    assert len(third["results"]) == 1 and third["next"] is None
    seen = [o["id"] for page in (first, second, third) for o in page["results"]]
    assert sorted(seen) == sorted(ids.values())
    assert api.get("/orders/", params={"offset": 100}).json()["results"] == []
    for bad in ({"limit": "x"}, {"limit": 0}, {"offset": -1}):
        res = api.get("/orders/", params=bad)
        assert res.status_code == 400 and res.json()["detail"]


def test_payload_pages_cover_every_payload_once(api):
    bulk_id = api.create([order(f"p{i}") for i in range(25)])
    api.wait(bulk_id)
    page = api.get(f"/bulk/{bulk_id}/payloads", params={"limit": 10, "offset": 10}).json()
    assert page["previous"].endswith(f"/bulk/{bulk_id}/payloads?limit=10&offset=0")
    assert page["next"].endswith(f"/bulk/{bulk_id}/payloads?limit=10&offset=20")
    results = api.all_pages(f"/bulk/{bulk_id}/payloads", limit=10)
    assert sorted(r["payload"]["name"] for r in results) == sorted(f"p{i}" for i in range(25))


def test_orders_ordering(api, seven_orders):
    names, _ = seven_orders
    by_name = [o["name"] for o in api.all_pages("/orders/", ordering="name")]
    assert by_name == sorted(names)
    assert [o["name"] for o in api.all_pages("/orders/", ordering="-name")] == sorted(names)[::-1]
    newest = api.all_pages("/orders/", ordering="-created_time")
    created = [o["created_time"] for o in newest]
    assert created == sorted(created, reverse=True)
    assert api.all_pages("/orders/") == newest  # the default
    oldest = api.all_pages("/orders/", ordering="created_time")
    assert [o["id"] for o in oldest] == [o["id"] for o in newest][::-1]
    res = api.get("/orders/", params={"ordering": "colour"})
    assert res.status_code == 400 and "ordering" in res.json()["detail"]


def test_orders_filters_id_in_name_icontains_status(api, seven_orders):
    names, ids = seven_orders
    wanted = [ids["bravo"], ids["echo"], "missing-id"]
    res = api.get("/orders/", params={"id__in": ",".join(wanted)}).json()
    assert res["count"] == 2 and {o["name"] for o in res["results"]} == {"bravo", "echo"}
    alphas = api.get("/orders/", params={"name__icontains": "ALPHA"}).json()
    assert {o["name"] for o in alphas["results"]} == {"Alpha-1", "alpha-2"}
    aero = api.get("/orders/", params={"name__icontains": "ærø"}).json()
    assert [o["name"] for o in aero["results"]] == ["ÆRØ-east"]
    statuses = {o["status"] for o in api.all_pages("/orders/")}
    some = sorted(statuses)[0]
    only = api.all_pages("/orders/", status=some)
    assert only and {o["status"] for o in only} == {some}
    assert api.get("/orders/", params={"status": "NOPE"}).json()["count"] == 0
    many = ",".join(list(ids.values()) + [str(uuid.uuid4()) for _ in range(1200)])
    assert api.get("/orders/", params={"id__in": many}).json()["count"] == 7


def test_bulk_list_filters(api):
    clean = api.create([order("a"), order("b")])
    dirty = api.create([order("c"), order("d", lon=999)])
    api.wait(dirty)
    listed = api.get("/bulk/").json()
    assert listed["count"] == 2 and [b["id"] for b in listed["results"]] == [dirty, clean]
    failing = api.get("/bulk/", params={"failed_payload_count__gt": 0}).json()
    assert [b["id"] for b in failing["results"]] == [dirty]
    assert api.get("/bulk/", params={"failed_payload_count": 0}).json()["results"][0]["id"] == clean
    assert api.get("/bulk/", params={"status": "COMPLETE"}).json()["count"] == 2
    assert api.get("/bulk/", params={"status": "RUNNING"}).json()["count"] == 0
    assert api.get("/bulk/", params={"status": "WEIRD"}).status_code == 400
    assert api.get("/bulk/", params={"failed_payload_count__gt": "x"}).status_code == 400
    page = api.get("/bulk/", params={"limit": 1}).json()
    assert page["next"] and len(page["results"]) == 1


# --- rate limit ---------------------------------------------------------------------------------


def test_rate_limit_429_with_retry_after(make_sandbox):
    srv = make_sandbox(rate_limit=2.0)
    api = Api(srv)
    codes = [api.get("/orders/").status_code for _ in range(3)]
    assert codes[:2] == [200, 200] and codes[2] == 429
    res = api.get("/orders/")
    assert res.status_code == 429 and res.headers["Retry-After"] == "1"
    assert "throttled" in res.json()["detail"]
    admin = requests.get(api.origin + "/_sandbox/counters", timeout=10)  # exempt
    assert admin.status_code == 200 and admin.json()["rate_limited"] == 2
    time.sleep(1.0)  # the scenario: after the Retry-After, the bucket has refilled
    assert api.get("/orders/").status_code == 200
    other = requests.get(srv.base_url + "/orders/", auth=("no-tasking-key", ""), timeout=10)
    assert other.status_code == 403  # buckets are per key


# --- admin --------------------------------------------------------------------------------------


def test_admin_endpoint_faults_counters_reset(api, sandbox):
    admin = api.origin + "/_sandbox"
    api.create([order("a")])
    res = requests.post(admin + "/faults", json={"error_rate": 1.0, "error_statuses": [502]},
                        timeout=10)  # fmt: skip
    assert res.status_code == 200 and res.json()["error_rate"] == 1.0
    assert requests.get(admin + "/faults", timeout=10).json()["error_statuses"] == [502]
    assert api.get("/orders/").status_code == 502
    bad = requests.post(admin + "/faults", json={"error_rate": 2}, timeout=10)
    assert bad.status_code == 400 and "error_rate" in bad.json()["detail"]
    assert requests.post(admin + "/faults", json={"bogus": 1}, timeout=10).status_code == 400
    counters = requests.get(admin + "/counters", timeout=10).json()
    assert counters["faults_5xx"] == 1 and counters["bulks_created"] == 1
    assert counters["orders_created"] == 1  # processing is brought up to date first
    assert requests.post(admin + "/reset", timeout=10).status_code == 200
    assert sandbox.counters["requests"] == 0 and sandbox.faults["error_rate"] == 0.0
    assert api.get("/bulk/").json()["count"] == 0
    assert requests.get(admin + "/nothing", timeout=10).status_code == 404
