"""Requests per job (issue 17): every watched bulk's status read from one ``GET /bulk/``
listing, a listing the server refuses remembered (and each bulk read alone again), created
orders watched without a read at once. Real HTTP to the sandbox on 127.0.0.1, real threads."""

import threading
import uuid

from planet_bulk_tasking.core.engine.monitor import OrderMonitor
from planet_bulk_tasking.core.engine.submit import SubmitEngine, record_event
from planet_bulk_tasking.core.model.job import TargetStatus
from planet_bulk_tasking.core.tasking import api
from planet_bulk_tasking.core.tasking.client import TaskingClient
from planet_bulk_tasking.core.tasking.facts import ENDPOINT_FACTS
from sandbox_support import SANDBOX_KEY, wait_for
from test_engine_plain import factory, plain_job


def _payload(i: int) -> dict:
    return {"name": f"listed {i}", "geometry": {"type": "Point", "coordinates": [5 + i, 40.0]}}


def test_one_listing_reads_the_status_of_many_bulks(make_sandbox):
    srv = make_sandbox(rate_limit=0)
    client = TaskingClient(srv.base_url, SANDBOX_KEY)
    try:
        older = client.create_bulk([_payload(99)], str(uuid.uuid4()))  # not asked for
        ids = [client.create_bulk([_payload(i)], str(uuid.uuid4())) for i in range(5)]
        before = srv.counters["routes"]
        found = client.list_bulk_summaries(ids + [str(uuid.uuid4())])  # one it never had
        after = srv.counters["routes"]
    finally:
        client.close()
    assert set(found) == set(ids)  # only what was asked for, and what the server has
    assert older not in found
    assert all(found[i].payload_count == 1 and found[i].is_usable for i in ids)
    assert after.get("GET /bulk", 0) - before.get("GET /bulk", 0) == 1
    assert after.get("GET /bulk/*", 0) == before.get("GET /bulk/*", 0)


def test_a_refused_listing_is_remembered_and_not_asked_again(make_sandbox):
    srv = make_sandbox(rate_limit=0)
    base = srv.base_url + "/no-such-api"  # every path under it answers 404
    client = TaskingClient(base, SANDBOX_KEY)
    try:
        assert client.list_bulk_summaries([str(uuid.uuid4()), str(uuid.uuid4())]) == {}
        assert client.fact(api.BULK_LISTING) is False
        asked = srv.counters["requests"]
        assert client.list_bulk_summaries([str(uuid.uuid4()), str(uuid.uuid4())]) == {}
        assert srv.counters["requests"] == asked  # not asked again
    finally:
        client.close()
        ENDPOINT_FACTS.forget(base)


def test_a_job_of_many_bulks_reads_their_status_through_the_listing(make_sandbox):
    srv = make_sandbox(rate_limit=0, processing_rate=200.0)
    job = plain_job(srv.base_url, 240, per_bulk=40)  # six bulks, ~0.2 s each
    seen = []

    def on_event(name, *args):
        seen.append(name)
        record_event(job, None, name, args)

    engine = SubmitEngine(job, factory(srv.base_url), min_poll_interval=0.05, on_event=on_event)
    assert engine.run() == "finished", engine.error
    assert all(t.status == TargetStatus.SUCCEEDED for t in job.targets)
    routes = srv.counters["routes"]
    assert routes["POST /bulk"] == 6 and routes["GET /bulk/*/payloads"] == 6
    assert routes.get("GET /bulk", 0) >= 1  # the listing served the status reads
    # one GET per bulk per poll would be a dozen or more here; one read serves them all
    assert routes.get("GET /bulk", 0) + routes.get("GET /bulk/*", 0) <= 12
    assert "chunk_accepted" in seen


def test_created_orders_are_not_read_at_once(make_sandbox):
    srv = make_sandbox(rate_limit=0)
    job = plain_job(srv.base_url, 5)
    engine = SubmitEngine(job, factory(srv.base_url), min_poll_interval=0.05, copy=False)
    assert engine.run() == "finished", engine.error
    ids = [t.order_id for t in job.targets]
    assert all(ids)
    updates = []
    monitor = OrderMonitor(
        factory(srv.base_url),
        min_interval=600.0,
        on_event=lambda name, *a: updates.extend(a[0]) if name == "orders_updated" else None,
    )
    thread = threading.Thread(target=monitor.run)
    before = srv.counters["routes"].get("GET /orders", 0)
    thread.start()
    try:
        monitor.watch(ids, created=True)  # just made: their first read waits for the next poll
        monitor.wake()  # the next poll, now...
        assert wait_for(lambda: monitor.polls >= 1, 20)
        # ...reads every watched order, once
        assert {u.order_id for u in updates} == set(ids)
    finally:
        monitor.cancel()
        thread.join(10)
    assert not thread.is_alive()
    assert monitor.polls == 1  # the created orders asked for no poll of their own
    assert srv.counters["routes"].get("GET /orders", 0) - before == 1  # one id__in read
