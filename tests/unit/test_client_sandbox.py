"""TaskingClient against the project's sandbox (real HTTP to 127.0.0.1)."""

import time
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from planet_bulk_tasking.core.tasking.client import TaskingClient
from planet_bulk_tasking.core.tasking.errors import (
    AuthenticationError,
    NetworkError,
    NotFoundError,
    PermissionDeniedError,
    RequestRejectedError,
)
from sandbox_support import wait_complete, wait_for

KEY = "sandbox-key"


def order(i, lon=10.0, lat=50.0):
    start = datetime.now(timezone.utc) + timedelta(days=1)
    return {
        "name": f"field {i}",
        "geometry": {"type": "Point", "coordinates": [lon + i * 1e-4, lat]},
        "start_time": start.replace(microsecond=0).isoformat(),
        "end_time": (start + timedelta(days=7)).replace(microsecond=0).isoformat(),
    }


@pytest.fixture
def client_of():
    clients = []

    def make(srv, key=KEY, **kw):
        kw.setdefault("backoff_base", 0.05)
        c = TaskingClient(srv.base_url, key, qgis_version="3.22", **kw)
        clients.append(c)
        return c

    yield make
    for c in clients:
        c.close()


def test_create_poll_and_read_every_payload(sandbox, client_of):
    c = client_of(sandbox)
    payloads = [order(i) for i in range(700)]
    payloads[3] = order(3, lon=181.0)  # one invalid payload does not sink the others
    bid = str(uuid.uuid4())
    assert c.create_bulk(payloads, bid) == bid
    summary = wait_complete(c, bid)
    assert summary.id == bid and summary.status == "COMPLETE"
    assert summary.payload_count == 700
    assert (summary.successful_payload_count, summary.failed_payload_count) == (699, 1)
    assert summary.processing_payload_count == 0
    before = c.requests_made
    results = list(c.iter_bulk_payloads(bid, page_size=500))  # 2 pages
    assert c.requests_made - before == 2
    assert len(results) == 700
    before = c.requests_made
    assert len(list(c.iter_bulk_payloads(bid))) == 700  # default: pages of 1000, one request
    assert c.requests_made - before == 1
    failed = [r for r in results if r.status == "failed"]
    assert len(failed) == 1 and "181" in failed[0].reason
    assert failed[0].payload["name"] == "field 3"
    ok = [r for r in results if r.status == "succeeded"]
    assert len(ok) == 699 and all(r.order_id for r in ok)
    names = {r.payload["name"] for r in ok}
    assert names == {f"field {i}" for i in range(700)} - {"field 3"}

    # orders by id, batched into short URLs
    ids = [r.order_id for r in ok]
    before = c.requests_made
    found = list(c.iter_orders(ids=ids))
    assert sorted(o["id"] for o in found) == sorted(ids)
    assert c.requests_made - before <= 10
    one = c.get_order(ids[0])
    assert one["id"] == ids[0] and one["name"].startswith("field")
    assert [b.id for b in c.iter_bulks(failed_payload_count__gt=0)] == [bid]
    assert sandbox.counters["bulks_created"] == 1


def test_bad_requests_and_unknown_ids(sandbox, client_of):
    c = client_of(sandbox)
    with pytest.raises(NotFoundError):
        c.get_bulk(str(uuid.uuid4()))
    with pytest.raises(NotFoundError):
        c.get_order(str(uuid.uuid4()))
    with pytest.raises(RequestRejectedError) as info:
        list(c.iter_bulks(status="bogus"))  # a filter the server does not know: 400
    assert info.value.status == 400 and "bogus" in info.value.user_message


def test_keys_401_403_and_check_connection(sandbox, client_of):
    assert client_of(sandbox).check_connection().state == "valid"
    bad = client_of(sandbox, key="wrong-key")
    assert bad.check_connection().state == "invalid"
    with pytest.raises(AuthenticationError):
        bad.create_bulk([order(0)], str(uuid.uuid4()))
    no_task = client_of(sandbox, key="no-tasking-key")
    assert no_task.check_connection().state == "forbidden"
    with pytest.raises(PermissionDeniedError):
        no_task.create_bulk([order(0)], str(uuid.uuid4()))
    assert sandbox.counters["bulks_created"] == 0


def test_commit_then_drop_is_accepted_once(make_sandbox, client_of):
    srv = make_sandbox(faults={"drop_after_commit_rate": 1.0})
    c = client_of(srv)
    bid = str(uuid.uuid4())
    assert c.create_bulk([order(i) for i in range(5)], bid) == bid
    counters = srv.counters
    assert counters["bulks_created"] == 1
    assert counters["faults_dropped"] == 1
    assert counters["responses"].get("409") == 1
    assert wait_complete(c, bid).successful_payload_count == 5


def test_server_errors_and_rate_limits_are_ridden_out(make_sandbox, client_of):
    srv = make_sandbox(faults={"error_rate": 0.5, "error_statuses": [502, 503, 504]}, seed=1)
    c = client_of(srv, max_retries=8)
    bids = [str(uuid.uuid4()) for _ in range(4)]
    for bid in bids:
        assert c.create_bulk([order(i) for i in range(3)], bid) == bid
    for bid in bids:
        wait_complete(c, bid)
    counters = srv.counters
    assert counters["faults_5xx"] > 0
    assert counters["bulks_created"] == 4
    assert c.retries_made == counters["faults_5xx"]

    limited = make_sandbox(rate_limit=5.0)  # bucket of 5, Retry-After: 1
    c2 = client_of(limited)
    bid = str(uuid.uuid4())
    c2.create_bulk([order(0)], bid)
    t0 = time.monotonic()
    for _ in range(15):
        c2.get_bulk(bid)
    rate_limited = limited.counters["rate_limited"]
    assert rate_limited > 0 and c2.status_counts[429] == rate_limited  # all absorbed
    assert 1.0 <= time.monotonic() - t0 < 10  # Retry-After honoured


def test_edit_and_cancel_through_bulk(sandbox, client_of):
    c = client_of(sandbox)
    bid = str(uuid.uuid4())
    c.create_bulk([order(i) for i in range(3)], bid)
    wait_complete(c, bid)
    ids = [r.order_id for r in c.iter_bulk_payloads(bid)]
    edit_id = str(uuid.uuid4())
    assert c.edit_orders([{"id": ids[0], "name": "renamed"}], edit_id) == edit_id
    assert wait_complete(c, edit_id).successful_payload_count == 1
    assert c.get_order(ids[0])["name"] == "renamed"
    cancel_id = str(uuid.uuid4())
    assert c.cancel_orders(ids[1:], cancel_id) == cancel_id
    assert wait_complete(c, cancel_id).done_count == 2
    outcomes = list(c.iter_bulk_payloads(cancel_id))
    assert len(outcomes) == 2
    statuses = {o["id"]: o["status"] for o in c.iter_orders(ids=ids[1:])}
    for r in outcomes:  # the sandbox may have rejected an order before the cancel came
        assert r.status in ("succeeded", "failed")
        assert r.reason if r.status == "failed" else True
    if all(r.status == "succeeded" for r in outcomes):
        assert set(statuses.values()) <= {"CANCELLED", "PENDING_CANCELLATION"}, statuses


def test_ten_thousand_orders_in_ten_bulks_is_cheap_in_requests(make_sandbox, client_of):
    srv = make_sandbox(processing_rate=50000.0)
    c = client_of(srv)
    bids = [str(uuid.uuid4()) for _ in range(10)]
    for k, bid in enumerate(bids):
        c.create_bulk([order(k * 1000 + i) for i in range(1000)], bid)
    posts = c.requests_made
    for bid in bids:
        wait_complete(c, bid, timeout=60)
    polls = c.requests_made - posts
    before = c.requests_made
    total = sum(1 for bid in bids for _ in c.iter_bulk_payloads(bid, page_size=1000))
    assert total == 10_000
    assert c.requests_made - before == 10  # one page per bulk
    assert posts == 10
    print(f"10k orders: {posts} POSTs, {polls} polls, 10 result pages")


def test_timeouts_never_create_a_bulk_twice(make_sandbox, client_of):
    srv = make_sandbox()
    srv.set_faults(latency=0.4)  # every answer comes after the client gave up
    c = client_of(srv, timeout=(1.0, 0.15), max_retries=2)
    bid = str(uuid.uuid4())
    with pytest.raises(NetworkError) as info:
        c.create_bulk([order(i) for i in range(3)], bid)
    assert info.value.kind == "timeout"
    # the server answers each of the three POSTs after its latency
    assert wait_for(lambda: sum(srv.counters["responses"].values()) >= 3, 10.0)
    srv.set_faults()
    assert srv.counters["bulks_created"] == 1  # three POSTs, one bulk
    # resuming later with the same id: 409 for our own id == accepted
    assert c.create_bulk([order(i) for i in range(3)], bid) == bid
    assert srv.counters["bulks_created"] == 1
    assert wait_complete(c, bid).payload_count == 3


def test_check_connection_does_not_wait_out_a_long_retry_after(make_sandbox, client_of):
    srv = make_sandbox(faults={"rate_limit_burst": 1.0})  # always 429, Retry-After: 1
    c = client_of(srv)
    t0 = time.monotonic()
    report = c.check_connection()
    assert report.state == "unreachable" and "429" in report.message
    assert time.monotonic() - t0 < 3
