"""Sandbox orders: lifecycle on the accelerated clock, PUT/DELETE rules, bulk edit and cancel.

Real HTTP to 127.0.0.1 with requests; no mocks.
"""

import time
from datetime import datetime, timedelta, timezone

import requests
from sandbox_support import wait_for

PATH = ["RECEIVED", "PENDING", "IN_PROGRESS"]
FINAL = {"FULFILLED", "EXPIRED", "REJECTED"}


def iso(dt):
    return dt.isoformat().replace("+00:00", "Z")


def now():
    return datetime.now(timezone.utc)


def order(name, start=None, end=None, lon=10.0, lat=45.0):
    start = start or now() + timedelta(days=1)
    end = end or start + timedelta(days=7)
    return {
        "name": name,
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "start_time": iso(start),
        "end_time": iso(end),
    }


class Api:
    def __init__(self, srv, key="sandbox-key"):
        self.base = srv.base_url
        self.s = requests.Session()
        self.s.headers["Authorization"] = f"api-key {key}"

    def call(self, method, path, **kw):
        url = path if path.startswith("http") else self.base + path
        return self.s.request(method, url, timeout=10, **kw)

    def bulk(self, kind, payloads, **body):
        res = self.call("POST", "/bulk/", json=dict(body, **{kind: payloads}))
        assert res.status_code == 202, res.text
        bulk_id = res.headers["Location"].rsplit("/", 1)[1]
        deadline = time.monotonic() + 10
        while self.call("GET", f"/bulk/{bulk_id}").json()["status"] != "COMPLETE":
            assert time.monotonic() < deadline
            time.sleep(0.005)
        results = self.call("GET", f"/bulk/{bulk_id}/payloads", params={"limit": 1000}).json()
        return bulk_id, results["results"]

    def create(self, payloads):
        """Create orders; returns {name: order id} of the successful ones."""
        _, results = self.bulk("order_payloads", payloads)
        return {r["payload"]["name"]: r["order_id"] for r in results if r["status"] == "SUCCESS"}

    def order(self, order_id):
        return self.call("GET", f"/orders/{order_id}").json()

    def orders(self, **params):
        return self.call("GET", "/orders/", params=dict(params, limit=1000)).json()["results"]


def test_orders_walk_received_pending_in_progress_to_a_final_status(make_sandbox):
    srv = make_sandbox(order_clock=1e5, seed=0)
    api = Api(srv)
    start = now() + timedelta(hours=1)  # 36 ms away at 1e5
    ids = api.create([order(f"o{i}", start, start + timedelta(days=1)) for i in range(30)])
    assert len(ids) == 30
    seen = {i: [] for i in ids.values()}
    snapshots = {}
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        for o in api.orders():
            if not seen[o["id"]] or seen[o["id"]][-1] != o["status"]:
                seen[o["id"]].append(o["status"])
                snapshots[(o["id"], o["status"])] = o
        if all(s[-1] in FINAL for s in seen.values()):
            break
        time.sleep(0.01)
    fates = {s[-1] for s in seen.values()}
    assert fates == FINAL, seen  # seed 0 gives each fate among 30 orders
    for order_id, statuses in seen.items():
        *walk, final = statuses
        assert final in FINAL
        assert walk == sorted(walk, key=PATH.index), statuses  # never backwards
        if final == "REJECTED":
            assert "IN_PROGRESS" not in walk  # refused before it started
        else:
            assert "IN_PROGRESS" in walk, statuses  # lasts > 80 ms, polled every 10 ms
            running = snapshots[(order_id, "IN_PROGRESS")]
            assert running["is_cancellable"] is True and running["cancellable_until"]
        done = snapshots[(order_id, final)]
        assert done["is_cancellable"] is False and done["cancellable_until"] is None
        assert done["capture_status_published_count"] == (1 if final == "FULFILLED" else 0)
        assert done["updated_time"] > done["created_time"]


def test_new_order_is_received_and_carries_the_documented_fields(sandbox):
    api = Api(sandbox)  # default clock: an hour a second, so RECEIVED lasts ~170 ms
    ids = api.create([order("Rome", lon=12.5, lat=41.9)])
    body = api.order(ids["Rome"])
    assert body["status"] == "RECEIVED"
    assert set(body) >= {
        "id", "name", "status", "geometry", "original_geometry", "start_time", "end_time",
        "pl_number", "product", "scheduling_type", "created_time", "updated_time",
        "capture_status_published_count", "is_cancellable", "cancellable_until",
    }  # fmt: skip
    assert body["original_geometry"] == {"type": "Point", "coordinates": [12.5, 41.9]}
    assert body["geometry"]["type"] == "Polygon"
    ring = body["geometry"]["coordinates"][0]
    assert ring[0] == ring[-1]
    lons, lats = [p[0] for p in ring], [p[1] for p in ring]
    assert min(lons) < 12.5 < max(lons) and min(lats) < 41.9 < max(lats)
    assert body["scheduling_type"] == "FLEXIBLE" and body["pl_number"].startswith("PL-")
    assert body["start_time"].endswith("Z") and body["is_cancellable"] is True
    assert api.call("GET", "/orders/not-an-order").status_code == 404


def test_same_seed_same_ids_and_fates(make_sandbox):
    def run(seed):
        srv = make_sandbox(order_clock=1e7, seed=seed)
        api = Api(srv)
        soon = now() + timedelta(minutes=1)
        bulk_id = "0b8f6c53-4f35-4b6a-9d38-2d6cf4e4b5f1"
        _, results = api.bulk(
            "order_payloads", [order(f"o{i}", soon, soon + timedelta(days=1)) for i in range(20)],
            id=bulk_id,
        )  # fmt: skip
        assert wait_for(lambda: all(o["status"] in FINAL for o in api.orders()), 5.0)
        fates = {o["id"]: o["status"] for o in api.orders()}
        return [(r["id"], r["payload"]["name"], r["order_id"]) for r in results], fates

    assert run(7) == run(7)
    assert run(7)[0] != run(8)[0]


# --- PUT / DELETE ------------------------------------------------------------------------------


def _wait_status(api, order_id, wanted, timeout=5.0):
    deadline = time.monotonic() + timeout
    while api.order(order_id)["status"] not in wanted:
        assert time.monotonic() < deadline, api.order(order_id)
        time.sleep(0.01)
    return api.order(order_id)


def test_put_edits_name_and_times_with_the_documented_rules(sandbox):
    api = Api(sandbox)
    ids = api.create([order(f"p{i}") for i in range(4)])
    target = next(i for i in ids.values() if api.order(i)["status"] != "REJECTED")
    before = api.order(target)
    new_start = now() + timedelta(days=2)
    res = api.call(
        "PUT", f"/orders/{target}",
        json={"name": "renamed", "start_time": iso(new_start),
              "end_time": iso(new_start + timedelta(days=3))},
    )  # fmt: skip
    assert res.status_code == 200, res.text
    body = res.json()
    assert body["name"] == "renamed" and body["start_time"].startswith(iso(new_start)[:19])
    assert body["updated_time"] > before["updated_time"]
    assert api.order(target)["name"] == "renamed"
    problems = {
        "geometry": {"geometry": {"type": "Point", "coordinates": [1, 1]}},
        "name": {"name": ""},
        "end_time": {"end_time": iso(now() - timedelta(days=1))},
    }
    for field, edit in problems.items():
        res = api.call("PUT", f"/orders/{target}", json=edit)
        assert res.status_code == 400 and field in res.json(), (field, res.text)
        assert isinstance(res.json()[field], list)
    res = api.call("PUT", f"/orders/{target}", json={"start_time": iso(now() + timedelta(days=30))})
    assert res.status_code == 400 and res.json()["end_time"] == ["must be after start_time"]
    res = api.call("PUT", f"/orders/{target}", json={})
    assert res.status_code == 400 and "nothing to edit" in res.text
    assert api.call("PUT", "/orders/nope", json={"name": "x"}).status_code == 404


def test_start_time_only_before_in_progress_and_delete_rules(sandbox):
    api = Api(sandbox)
    started = now() - timedelta(hours=1)  # already begun: IN_PROGRESS after RECEIVED/PENDING
    ids = api.create([order(f"r{i}", started, now() + timedelta(days=30)) for i in range(5)])
    running = next(
        i for i in ids.values() if _wait_status(api, i, {"IN_PROGRESS", "REJECTED"})["status"]
        == "IN_PROGRESS"
    )  # fmt: skip
    res = api.call("PUT", f"/orders/{running}", json={"start_time": iso(now())})
    assert res.status_code == 400
    assert res.json() == {
        "start_time": ["can only change while the order is PENDING, REQUESTED, RECEIVED "
                       "(it is IN_PROGRESS)"]
    }  # fmt: skip
    assert api.call("PUT", f"/orders/{running}", json={"name": "still ok"}).status_code == 200

    res = api.call("DELETE", f"/orders/{running}")
    assert res.status_code == 204 and res.content == b""
    cancelled = api.order(running)
    assert cancelled["status"] == "CANCELLED" and cancelled["is_cancellable"] is False
    again = api.call("DELETE", f"/orders/{running}")
    assert again.status_code == 400
    assert again.json()["detail"].startswith("order is CANCELLED and cannot be cancelled")
    res = api.call("PUT", f"/orders/{running}", json={"name": "too late"})
    assert res.json() == {"status": ["order is CANCELLED and can no longer be edited"]}
    assert api.call("DELETE", "/orders/nope").status_code == 404
    assert sandbox.counters["orders_cancelled"] == 1


def test_final_orders_cannot_be_cancelled(sandbox):
    api = Api(sandbox)
    ids = api.create([order(f"f{i}", now() - timedelta(hours=1), now() + timedelta(minutes=3))
                      for i in range(3)])  # fmt: skip
    for order_id in ids.values():
        final = _wait_status(api, order_id, FINAL)["status"]
        res = api.call("DELETE", f"/orders/{order_id}")
        assert res.status_code == 400
        assert res.json()["detail"].startswith(f"order is {final} and cannot be cancelled")
    assert sandbox.counters["orders_cancelled"] == 0


# --- bulk edit / cancel ------------------------------------------------------------------------


def test_bulk_edit_and_cancel_apply_the_same_rules_per_order(sandbox):
    api = Api(sandbox)
    fresh = api.create([order(f"e{i}") for i in range(8)])
    live = [i for i in fresh.values() if _wait_status(api, i, {"PENDING", "REJECTED"})["status"]
            == "PENDING"]  # fmt: skip
    a, b, c, d = live[:4]
    gone = api.create([order("gone", now() - timedelta(hours=1), now() + timedelta(minutes=2))])
    done = gone["gone"]
    _wait_status(api, done, FINAL)
    new_start = now() + timedelta(days=3)
    edit_payloads = [
        {"id": a, "name": "edited-a"},
        {"id": b, "start_time": iso(new_start), "end_time": iso(new_start + timedelta(days=1))},
        {"id": "no-such-order", "name": "x"},
        {"id": c, "geometry": {"type": "Point", "coordinates": [0, 0]}},
        {"id": done, "name": "late"},
        {"name": "who?"},
        {"id": d, "end_time": iso(now() - timedelta(days=1))},
    ]
    _, results = api.bulk("edit_payloads", edit_payloads)
    by_index = {edit_payloads.index(r["payload"]): r for r in results}
    assert by_index[0]["status"] == by_index[1]["status"] == "SUCCESS"
    assert (by_index[0]["order_id"], by_index[1]["order_id"]) == (a, b)
    reasons = {i: by_index[i]["error"] for i in range(2, 7)}
    assert reasons[2] == "id: order no-such-order not found"
    assert reasons[3].startswith("geometry: cannot be edited")
    assert reasons[4].startswith("status: order is ") and "can no longer be edited" in reasons[4]
    assert reasons[5].startswith("id: required")
    assert "end_time: must be in the future" in reasons[6]
    assert all(by_index[i]["status"] == "FAILED" for i in range(2, 7))
    assert api.order(a)["name"] == "edited-a"
    assert api.order(b)["start_time"].startswith(iso(new_start)[:19])

    cancel_payloads = [{"id": a}, {"id": a}, {"id": done}, {"id": "no-such-order"},
                       {"id": c, "why": "x"}]  # fmt: skip
    _, results = api.bulk("cancel_payloads", cancel_payloads)
    by_order = {}
    for r in results:
        by_order.setdefault(r["payload"]["id"], []).append(r)
    statuses = sorted(r["status"] for r in by_order[a])
    assert statuses == ["FAILED", "SUCCESS"]  # the second cancel finds it CANCELLED
    second = next(r for r in by_order[a] if r["status"] == "FAILED")
    assert second["error"].startswith("status: order is CANCELLED and cannot be cancelled")
    assert by_order[done][0]["error"].startswith("status: order is ")
    assert by_order["no-such-order"][0]["error"] == "id: order no-such-order not found"
    assert by_order[c][0]["error"].startswith("why: unknown field")
    assert api.order(a)["status"] == "CANCELLED"
    assert api.order(c)["status"] == "PENDING"
    counters = sandbox.counters
    assert (counters["orders_edited"], counters["orders_cancelled"]) == (2, 1)


def test_bulk_edit_refuses_start_time_of_an_order_in_progress(sandbox):
    api = Api(sandbox)
    ids = api.create([order(f"s{i}", now() - timedelta(hours=1), now() + timedelta(days=20))
                      for i in range(4)])  # fmt: skip
    running = [
        i
        for i in ids.values()
        if _wait_status(api, i, {"IN_PROGRESS", "REJECTED"})["status"] == "IN_PROGRESS"
    ]
    _, results = api.bulk("edit_payloads", [{"id": running[0], "start_time": iso(now())}])
    assert results[0]["status"] == "FAILED"
    assert results[0]["error"].startswith("start_time: can only change while the order is")


def test_post_single_order_and_patch(sandbox):
    api = Api(sandbox)
    res = api.call("POST", "/orders/", json=order("single"))
    assert res.status_code == 201 and res.json()["name"] == "single"
    order_id = res.json()["id"]
    assert api.order(order_id)["status"] == "RECEIVED"
    bad = api.call("POST", "/orders/", json=order("x", lon=181))
    assert bad.status_code == 400
    assert bad.json() == {"geometry.coordinates": ["longitude 181 is outside [-180, 180]"]}
    patched = api.call("PATCH", f"/orders/{order_id}", json={"name": "patched"})
    assert patched.status_code == 200 and patched.json()["name"] == "patched"
    assert sandbox.counters["orders_created"] == 1
