"""When /bulk/<id>/payloads lists only processing and failed payloads (the docs' literal
words), the worker finds the created orders through /orders/ and links each to its feature
by content. Real sandbox over HTTP, real QThread."""

import pytest
from engine_support import Run
from planet_bulk_tasking.core.engine.submit import NO_RESULT_REASON
from planet_bulk_tasking.core.model.job import TargetStatus
from planet_bulk_tasking.core.targets.build import create_job
from planet_bulk_tasking.core.targets.parameters import OrderParameters
from planet_bulk_tasking.core.tasking.client import TaskingClient
from support import SANDBOX_KEY, point_layer, server_orders, wait_until


def run_job(job, base_url):
    run = Run(
        job, lambda stop_event=None: TaskingClient(base_url, SANDBOX_KEY, stop_event=stop_event)
    )
    try:
        assert wait_until(lambda: run.how, 60), "no end"
    finally:
        assert run.runner.stop(5000)
    return run.how


@pytest.fixture
def quiet_sandbox(make_sandbox):
    return make_sandbox(list_succeeded_payloads=False, faults={"payload_failure_rate": 0.1})


def test_successes_missing_from_payloads_are_found_through_orders(quiet_sandbox):
    srv = quiet_sandbox
    layer = point_layer(1200)
    job = create_job(layer, OrderParameters(), selected_only=False, endpoint=srv.base_url)
    for t in job.targets[:3]:
        t.payload["geometry"]["coordinates"] = [181, 40]
    assert run_job(job, srv.base_url) == "finished"

    by_name = {o["name"]: o["id"] for o in server_orders(srv.base_url)}
    succeeded = [t for t in job.targets if t.status == TargetStatus.SUCCEEDED]
    failed = [t for t in job.targets if t.status == TargetStatus.FAILED]
    assert len(succeeded) == len(by_name) == srv.counters["orders_created"]
    assert len(succeeded) + len(failed) == 1200
    assert all(by_name[t.name] == t.order_id for t in succeeded)  # each to its own feature
    assert all(t.reason for t in failed)
    assert {t.key for t in job.targets[:3]} <= {t.key for t in failed}


def test_identical_targets_get_distinct_orders(quiet_sandbox):
    srv = quiet_sandbox
    srv.set_faults()  # no refusals: every twin must get an order
    layer = point_layer(4)
    job = create_job(layer, OrderParameters(), selected_only=False, endpoint=srv.base_url)
    twin = dict(job.targets[0].payload)
    job.targets[1].payload = dict(twin)
    job.targets[1].name = twin["name"]
    assert run_job(job, srv.base_url) == "finished"
    ids = [t.order_id for t in job.targets]
    assert all(ids) and len(set(ids)) == 4
    assert not any(t.reason == NO_RESULT_REASON for t in job.targets)
