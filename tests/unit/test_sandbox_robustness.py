"""Sandbox faults, persistence, scale, CLI, and the stdlib-only rule.

Real HTTP to 127.0.0.1 with requests; no mocks.
"""

import ast
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone

import pytest
import requests
from sandbox_support import wait_for

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
AUTH = {"Authorization": "api-key sandbox-key"}


def order(name, lon=10.0, lat=45.0):
    start = datetime.now(timezone.utc) + timedelta(days=1)
    return {
        "name": name,
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "start_time": start.isoformat(),
        "end_time": (start + timedelta(days=7)).isoformat(),
    }


def post_bulk(srv, payloads, bulk_id=None, session=requests):
    body = {"order_payloads": payloads}
    if bulk_id:
        body["id"] = bulk_id
    return session.post(srv.base_url + "/bulk/", json=body, headers=AUTH, timeout=10)


def get(srv, path, **params):
    return requests.get(srv.base_url + path, params=params, headers=AUTH, timeout=10)


def wait_complete(srv, bulk_id, timeout=15.0):
    deadline = time.monotonic() + timeout
    while True:
        summary = get(srv, f"/bulk/{bulk_id}").json()
        if summary["status"] == "COMPLETE":
            return summary
        assert time.monotonic() < deadline, summary
        time.sleep(0.01)


# --- faults -------------------------------------------------------------------------------------


def test_5xx_fault_answers_before_doing_anything(make_sandbox):
    srv = make_sandbox(faults={"error_rate": 1.0})
    codes = {post_bulk(srv, [order("a")]).status_code for _ in range(12)}
    assert codes <= {500, 502, 503} and len(codes) > 1
    counters = srv.counters
    assert counters["faults_5xx"] == 12 == counters["faults"]["5xx"]
    assert counters["bulks_created"] == 0 and counters["payloads_received"] == 0
    # even a missing key is not looked at: the fault comes first
    assert requests.get(srv.base_url + "/orders/", timeout=10).status_code >= 500


def test_faults_are_deterministic_from_the_seed(make_sandbox):
    def codes(seed):
        srv = make_sandbox(seed=seed, faults={"error_rate": 0.5})
        return [get(srv, "/orders/").status_code for _ in range(30)]

    first = codes(3)
    assert first == codes(3)
    assert 5 < sum(c >= 500 for c in first) < 25
    assert first != codes(4)


def test_commit_then_drop_stores_the_bulk_but_never_answers(make_sandbox):
    srv = make_sandbox(faults={"drop_after_commit_rate": 1.0})
    bulk_id = str(uuid.uuid4())
    with pytest.raises(requests.ConnectionError):
        post_bulk(srv, [order("a"), order("b")], bulk_id)
    assert get(srv, f"/bulk/{bulk_id}").status_code == 200  # GETs are not dropped
    assert wait_complete(srv, bulk_id)["successful_payload_count"] == 2
    again = post_bulk(srv, [order("a")], bulk_id)  # the retry: only acceptances are dropped
    assert again.status_code == 409
    srv.set_faults()  # all off
    assert post_bulk(srv, [order("z")]).status_code == 202
    counters = srv.counters
    assert counters["faults_dropped"] == 1 and counters["bulks_created"] == 2
    assert counters["responses"] == {"200": counters["responses"]["200"], "409": 1, "202": 1}


def test_latency_fault_and_stop_interrupts_it(make_sandbox):
    srv = make_sandbox(faults={"latency": 0.25})
    t0 = time.monotonic()
    assert get(srv, "/orders/").status_code == 200
    assert time.monotonic() - t0 >= 0.25
    assert srv.counters["faults_latency"] == 1
    srv.set_faults(latency=30.0)
    errors = []
    worker = threading.Thread(target=lambda: errors.append(_try_get(srv)))
    worker.start()
    assert wait_for(lambda: srv.counters["faults_latency"] == 2, 5.0)  # the handler sleeps
    t0 = time.monotonic()
    srv.stop()  # must not wait 30 s for the sleeping handler
    worker.join(10)
    assert time.monotonic() - t0 < 5 and not worker.is_alive()


def _try_get(srv):
    try:
        return get(srv, "/orders/").status_code
    except requests.RequestException as exc:
        return exc


def test_rate_limit_burst_fault(make_sandbox):
    srv = make_sandbox()
    srv.set_faults(rate_limit_burst=1.0)
    res = get(srv, "/orders/")
    assert res.status_code == 429 and res.headers["Retry-After"] == "1"
    srv.set_faults(rate_limit_burst=0.5)
    codes = [get(srv, "/orders/").status_code for _ in range(20)]
    assert set(codes) == {200, 429}
    counters = srv.counters
    assert counters["faults_rate_limit_burst"] == 1 + codes.count(429)
    assert counters["rate_limited"] == 0  # the token bucket was never the reason
    with pytest.raises(ValueError):
        srv.set_faults(error_rate=1.5)


# --- persistence --------------------------------------------------------------------------------


def test_state_survives_a_restart_with_db_path(make_sandbox, tmp_path):
    db = str(tmp_path / "sandbox.sqlite")
    first = make_sandbox(db_path=db, processing_rate=500.0)
    bulk_id = str(uuid.uuid4())
    assert (
        post_bulk(first, [order("a"), order("b"), order("c", lon=181)], bulk_id).status_code == 202
    )
    summary = wait_complete(first, bulk_id)
    results = get(first, f"/bulk/{bulk_id}/payloads").json()
    orders = get(first, "/orders/").json()["results"]
    victim = orders[0]["id"]
    assert requests.delete(first.base_url + f"/orders/{victim}", headers=AUTH, timeout=10).ok
    slow = str(uuid.uuid4())  # still processing when the server stops
    assert post_bulk(first, [order(f"s{i}") for i in range(200)], slow).status_code == 202
    assert get(first, f"/bulk/{slow}").json()["status"] != "COMPLETE"
    first.stop()

    second = make_sandbox(db_path=db)
    assert get(second, f"/bulk/{bulk_id}").json() == summary
    assert get(second, f"/bulk/{bulk_id}/payloads").json()["results"] == results["results"]
    assert get(second, f"/orders/{victim}").json()["status"] == "CANCELLED"
    assert post_bulk(second, [order("a")], bulk_id).status_code == 409
    assert wait_complete(second, slow)["successful_payload_count"] == 200
    assert get(second, "/orders/").json()["count"] == 202


def test_without_db_path_state_is_in_memory(make_sandbox):
    srv = make_sandbox()
    assert post_bulk(srv, [order("a")]).status_code == 202
    srv.stop()
    srv.start()
    assert get(srv, "/bulk/").json()["count"] == 0


# --- scale --------------------------------------------------------------------------------------


def test_10000_payloads_in_10_bulks_each_accounted_for_once(make_sandbox):
    srv = make_sandbox(processing_rate=50000.0)
    session = requests.Session()
    bulk_ids = [str(uuid.uuid4()) for _ in range(10)]
    t0 = time.monotonic()
    for b, bulk_id in enumerate(bulk_ids):
        payloads = [order(f"b{b}-p{i}", lon=(i % 360) - 180 + 0.5) for i in range(1000)]
        payloads[b] = order(f"b{b}-p{b}", lon=500)  # one refused payload per bulk
        assert post_bulk(srv, payloads, bulk_id, session).status_code == 202
    names, order_ids = [], []
    for bulk_id in bulk_ids:
        summary = wait_complete(srv, bulk_id)
        assert (summary["successful_payload_count"], summary["failed_payload_count"]) == (999, 1)
        page = session.get(srv.base_url + f"/bulk/{bulk_id}/payloads", params={"limit": 1000},
                           headers=AUTH, timeout=10).json()  # fmt: skip
        assert page["count"] == 1000 and page["next"] is None
        names += [r["payload"]["name"] for r in page["results"]]
        order_ids += [r["order_id"] for r in page["results"] if r["status"] == "SUCCESS"]
    elapsed = time.monotonic() - t0
    assert sorted(names) == sorted(f"b{b}-p{i}" for b in range(10) for i in range(1000))
    assert len(order_ids) == len(set(order_ids)) == 9990
    listed, url = [], srv.base_url + "/orders/?limit=1000"
    while url:
        page = session.get(url, headers=AUTH, timeout=10).json()
        listed += [o["id"] for o in page["results"]]
        url = page["next"]
    assert sorted(listed) == sorted(order_ids)
    counters = srv.counters
    assert counters["payloads_processed"] == 10000 and counters["orders_created"] == 9990
    assert elapsed < 20, elapsed
    session.close()


# --- packaging ----------------------------------------------------------------------------------


def test_sandbox_imports_only_the_standard_library():
    folder = os.path.join(REPO, "sandbox")
    for name in os.listdir(folder):
        if not name.endswith(".py"):
            continue
        with open(os.path.join(folder, name), encoding="utf-8") as f:
            tree = ast.parse(f.read())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                roots = [a.name.split(".")[0] for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                roots = [node.module.split(".")[0]]
            else:
                continue
            for root in roots:
                assert root in sys.stdlib_module_names, f"{name} imports {root}"


def test_cli_serves_and_stops_on_sigint():
    python = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
    help_text = subprocess.run(
        [python, "-m", "sandbox", "--port", "0", "--help"],
        cwd=REPO, capture_output=True, text=True, timeout=30, check=True,
    ).stdout  # fmt: skip
    assert "--db" in help_text and "--seed" in help_text
    proc = subprocess.Popen(
        [python, "-m", "sandbox", "--port", "0", "--key", "cli-key", "--no-tasking-key", "ro"],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        first = proc.stdout.readline()
        base_url = first.strip().rsplit(" ", 1)[1]
        assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/tasking/v2")
        ok = requests.get(base_url + "/orders/", auth=("cli-key", ""), timeout=10)
        assert ok.status_code == 200
        assert requests.get(base_url + "/orders/", auth=("ro", ""), timeout=10).status_code == 403
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=10)
        assert proc.returncode == 0, err
        assert "sandbox stopped" in out
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_payload_failure_rate_refuses_valid_orders_deterministically(make_sandbox):
    """Practice mode's simulated refusals: a seeded fraction of valid payloads fail with a
    reason, the same ones on every run, and the rest become orders."""
    import uuid

    import requests

    bulk_id = str(uuid.uuid4())

    def run():
        srv = make_sandbox(seed=7, faults={"payload_failure_rate": 0.2})
        payloads = [
            {"name": f"t{i}", "geometry": {"type": "Point", "coordinates": [10 + i / 100, 45]}}
            for i in range(200)
        ]
        headers = {"Authorization": "api-key sandbox-key"}
        res = requests.post(
            f"{srv.base_url}/bulk/",
            json={"id": bulk_id, "order_payloads": payloads},
            headers=headers,
            timeout=10,
        )
        assert res.status_code == 202
        page = requests.get(
            f"{srv.base_url}/bulk/{bulk_id}/payloads?limit=1000", headers=headers, timeout=10
        )
        deadline = __import__("time").monotonic() + 10
        while any(r["status"] == "PROCESSING" for r in page.json()["results"]):
            assert __import__("time").monotonic() < deadline
            page = requests.get(page.url, headers=headers, timeout=10)
        results = page.json()["results"]
        refused = sorted(r["payload"]["name"] for r in results if r["status"] == "FAILED")
        assert all("no imaging capacity" in r["error"] for r in results if r["status"] == "FAILED")
        assert srv.counters["faults"]["payload_refused"] == len(refused)
        assert srv.counters["orders_created"] == 200 - len(refused)
        return refused

    first = run()
    assert 20 <= len(first) <= 60  # about 20 %
    assert run() == first  # same seed, same bulk: the same orders are refused
