"""Whole jobs through the real worker thread against sandbox dialects and a sandbox that
lies on purpose: every target linked to its own order or carrying a reason, never stuck."""

import json

import pytest
from engine_support import Run
from planet_bulk_tasking.core.engine.monitor import OrderMonitor
from planet_bulk_tasking.core.engine.submit import NO_RESULT_REASON
from planet_bulk_tasking.core.jobs.background import BackgroundJob
from planet_bulk_tasking.core.model.job import TargetStatus
from planet_bulk_tasking.core.targets.build import create_job
from planet_bulk_tasking.core.targets.parameters import OrderParameters
from planet_bulk_tasking.core.tasking.client import TaskingClient
from planet_bulk_tasking.sandbox.api import Response
from support import SANDBOX_KEY, point_layer, server_orders, wait_until


def run_job(job, base_url, **options):
    factory = lambda stop_event=None: TaskingClient(  # noqa: E731
        base_url, SANDBOX_KEY, stop_event=stop_event, backoff_base=0.05
    )
    run = Run(job, factory, min_poll_interval=0.05, post_retry_delay=0.1, **options)
    try:
        assert wait_until(lambda: run.how, 90), "the job never ended"
    finally:
        assert run.runner.stop(5000)
    return run.how, run.runner


def linked_to_own_order(job, base_url):
    orders = {o["id"]: o for o in server_orders(base_url)}
    for t in job.targets:
        if t.order_id:
            assert orders[t.order_id]["name"] == t.name, t.label
    assert len({t.order_id for t in job.targets if t.order_id}) == len(orders)
    return orders


def new_job(srv, n, **kw):
    return create_job(
        point_layer(n), OrderParameters(), selected_only=False, endpoint=srv.base_url, **kw
    )


def test_many_bulks_with_hidden_successes_all_linked(make_sandbox):
    """The old fixed allowance (3 x targets + 1000 orders from the newest) left the first
    bulks of a job unlinked once later bulks had made more orders than that."""
    srv = make_sandbox(dialect="hide-succeeded")
    job = new_job(srv, 2000, max_payloads=100)
    assert len(job.chunks) == 20
    how, runner = run_job(job, srv.base_url, max_polls_in_flight=1)
    assert how == "finished"
    assert [t.status for t in job.targets].count(TargetStatus.SUCCEEDED) == 2000
    linked_to_own_order(job, srv.base_url)


@pytest.mark.parametrize("dialect", ["payload-own-ids", "payload-keys"])
def test_no_echo_and_no_order_ids_still_link_every_target(make_sandbox, dialect):
    srv = make_sandbox(dialect=dialect, faults={"payload_failure_rate": 0.1})
    job = new_job(srv, 600, max_payloads=200)
    for t in job.targets[:4]:
        t.payload["geometry"]["coordinates"] = [181, 40]
    assert run_job(job, srv.base_url)[0] == "finished"
    orders = linked_to_own_order(job, srv.base_url)
    failed = [t for t in job.targets if t.status == TargetStatus.FAILED]
    succeeded = [t for t in job.targets if t.status == TargetStatus.SUCCEEDED]
    assert len(succeeded) == len(orders) and len(succeeded) + len(failed) == 600
    assert all(t.reason for t in failed)
    if dialect == "payload-keys":  # no echo, but the counts prove which targets failed
        assert {t.key for t in job.targets[:4]} <= {t.key for t in failed}


def test_a_409_nothing_confirms_never_leaves_the_job_stuck(make_sandbox):
    """issue 14.8: POST answered 409 (not stored), GET /bulk/<id> 404: posted again later
    with the same UUID, the job finishes, one bulk, every target linked."""
    srv = make_sandbox()
    api = srv.api
    real, lied = api.handle, []

    def handle(req):
        if req.method == "POST" and req.path.endswith("/bulk/") and len(lied) < 2:
            lied.append(req.path)
            return Response(409, {"detail": "id: already exists."})
        return real(req)

    api.handle = handle
    job = new_job(srv, 50)
    assert run_job(job, srv.base_url)[0] == "finished"
    assert len(lied) == 2 and srv.counters["bulks_created"] == 1
    assert all(t.status == TargetStatus.SUCCEEDED for t in job.targets)
    linked_to_own_order(job, srv.base_url)


def test_a_bulk_the_server_forgot_is_posted_again(make_sandbox):
    """An accepted bulk whose GET says 404 (e.g. taken as accepted on a 409 by an earlier
    version) is posted again with the same id rather than failing every resume."""
    srv = make_sandbox()
    api = srv.api
    real, forgot = api.handle, []

    def handle(req):
        if req.method == "POST" and req.path.endswith("/bulk/") and not forgot:
            forgot.append(1)
            return Response(202, None, {"Location": "/tasking/v2/bulk/x"})  # stored nothing
        return real(req)

    api.handle = handle
    job = new_job(srv, 20)
    assert run_job(job, srv.base_url)[0] == "finished"
    assert srv.counters["bulks_created"] == 1
    assert all(t.status == TargetStatus.SUCCEEDED for t in job.targets)


def test_contradictory_results_the_existing_order_wins(make_sandbox):
    """issue 14.11: FAILED and SUCCESS for one payload; two successes with different order
    ids for another. The order that exists wins, the contradiction is kept as the target's
    reason, and nothing is offered for resubmission."""
    srv = make_sandbox()
    api = srv.api
    real = api.handle

    def handle(req):
        response = real(req)
        if req.method == "GET" and req.path.endswith("/payloads") and response.status == 200:
            items = response.body["results"]
            by_name = {i["payload"]["name"]: i for i in items}
            a, b = by_name["sites-00001"], by_name["sites-00002"]
            items.append(dict(a, id="x1", status="FAILED", order_id=None, error="no capacity"))
            items.append(dict(b, id="x2", order_id="5e0a7d1e-0000-4000-8000-000000000000"))
            response.body = json.loads(json.dumps(response.body))
            response.body["count"] = len(items)
        return response

    api.handle = handle
    job = new_job(srv, 5)
    assert run_job(job, srv.base_url)[0] == "finished"
    linked_to_own_order(job, srv.base_url)
    assert all(t.status == TargetStatus.SUCCEEDED for t in job.targets)
    one, two = job.targets[1], job.targets[2]
    assert "contradictory" in one.reason and "no capacity" in one.reason
    assert one.order_id in one.reason and "which exists" in one.reason
    assert "contradictory" in two.reason and two.order_id in two.reason
    assert not [t for t in job.targets if t.status == TargetStatus.FAILED]


def test_contradiction_without_any_existing_order_is_not_resubmittable(make_sandbox):
    srv = make_sandbox(faults={"payload_failure_rate": 1.0})  # every payload refused
    api = srv.api
    real = api.handle

    def handle(req):
        response = real(req)
        if req.method == "GET" and req.path.endswith("/payloads") and response.status == 200:
            first = response.body["results"][0]
            bogus = dict(first, id="x", status="SUCCESS", error=None,
                         order_id="5e0a7d1e-0000-4000-8000-000000000001")  # fmt: skip
            response.body = dict(response.body, results=response.body["results"] + [bogus])
        return response

    api.handle = handle
    job = new_job(srv, 3)
    assert run_job(job, srv.base_url)[0] == "finished"
    stuck = [t for t in job.targets if t.status == TargetStatus.SUBMITTED]
    assert len(stuck) == 1 and "no order could be confirmed" in stuck[0].reason
    assert stuck[0].reason != NO_RESULT_REASON
    assert [t.status for t in job.targets].count(TargetStatus.FAILED) == 2


def test_monitor_without_id_filter_reads_only_what_it_watches(make_sandbox):
    srv = make_sandbox(dialect="id-in-ignored", order_clock=200000.0)
    job = new_job(srv, 60)
    assert run_job(job, srv.base_url)[0] == "finished"
    watched = [t.order_id for t in job.targets[:40]]  # > SMALL_ORDER_SET: pages, not GETs
    monitor = OrderMonitor(
        lambda: TaskingClient(srv.base_url, SANDBOX_KEY, backoff_base=0.05),
        min_interval=0.05, max_interval=0.2,
    )  # fmt: skip
    seen = {}
    thread = BackgroundJob(monitor, "test-monitor")
    thread.reported.connect(
        lambda name, args: name == "orders_updated"
        and seen.update({u.order_id: u for u in args[0]})
    )
    monitor.watch(watched)
    thread.start()
    try:
        final = ("FULFILLED", "EXPIRED", "REJECTED")
        assert wait_until(
            lambda: len(seen) == 40 and all(seen[i].status in final for i in watched), 60
        ), {u.status for u in seen.values()}
    finally:
        assert thread.stop(5000)
    assert set(seen) == set(watched)  # the other 20 orders were never reported
    orders = {o["id"]: o["status"] for o in server_orders(srv.base_url)}
    assert all(seen[i].status == orders[i] for i in watched)
