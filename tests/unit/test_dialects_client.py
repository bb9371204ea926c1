"""The client against each sandbox dialect (one plausible variant of one thing Planet does not
document): it adapts, detects and remembers. Real HTTP to the sandbox on 127.0.0.1."""

import logging
import os
import subprocess
import sys
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from planet_bulk_tasking.core.engine.bulk_actions import BulkAction
from planet_bulk_tasking.core.tasking import api
from planet_bulk_tasking.core.tasking.api import PayloadStatus
from planet_bulk_tasking.core.tasking.client import TaskingClient
from planet_bulk_tasking.core.tasking.errors import (
    ConflictError,
    NotFoundError,
    PayloadTooLargeError,
    RequestRejectedError,
)
from planet_bulk_tasking.sandbox import SandboxServer
from planet_bulk_tasking.sandbox.dialects import DIALECTS
from sandbox_support import wait_complete

KEY = "sandbox-key"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def order(i, start_in=timedelta(days=2), days=15):
    start = datetime.now(timezone.utc) + start_in
    return {
        "name": f"field {i}",
        "geometry": {"type": "Point", "coordinates": [10 + i * 1e-3, 50.0]},
        "start_time": start.replace(microsecond=0).isoformat(),
        "end_time": (start + timedelta(days=days)).replace(microsecond=0).isoformat(),
    }


@pytest.fixture
def client_of():
    clients = []

    def make(srv):
        c = TaskingClient(srv.base_url, KEY, backoff_base=0.05, max_retry_after=2.0)
        clients.append(c)
        return c

    yield make
    for c in clients:
        c.close()


def created(client, n, bulk_id=None):
    bulk_id = bulk_id or str(uuid.uuid4())
    client.create_bulk([order(i) for i in range(n)], bulk_id)
    wait_complete(client, bulk_id)
    return bulk_id


def test_cli_lists_every_dialect_and_refuses_unknown_ones():
    out = subprocess.run(
        [sys.executable, "-m", "sandbox", "--list-dialects"], cwd=ROOT, capture_output=True,
        text=True, timeout=30,
    )  # fmt: skip
    assert out.returncode == 0
    lines = out.stdout.splitlines()
    assert lines[0].startswith("documented")
    assert [line.split()[0] for line in lines[1:]] == list(DIALECTS)
    bad = subprocess.run(
        [sys.executable, "-m", "sandbox", "--dialect", "dup-400,nope"], cwd=ROOT,
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert bad.returncode == 2 and "unknown dialect(s): nope" in bad.stderr
    with pytest.raises(ValueError, match="nope"):
        SandboxServer(dialect="nope")
    assert SandboxServer(dialect=["dup-400", "rate-5"]).dialects == {"dup-400", "rate-5"}


@pytest.mark.parametrize("dialect", ["documented", "dup-400"])
def test_a_repeated_post_of_our_uuid_is_accepted_once(make_sandbox, client_of, dialect):
    srv = make_sandbox(dialect=None if dialect == "documented" else dialect)
    c = client_of(srv)
    bid = str(uuid.uuid4())
    assert c.create_bulk([order(1)], bid) == bid
    assert c.create_bulk([order(1)], bid) == bid  # 409 or 400 "already exists": GET confirms
    assert srv.counters["bulks_created"] == 1
    assert srv.counters["responses"].get("409" if dialect == "documented" else "400") == 1


def test_a_real_refusal_stays_a_refusal(make_sandbox, client_of):
    srv = make_sandbox(dialect="bulk-actions-refused")
    c = client_of(srv)
    with pytest.raises(RequestRejectedError, match="order_payloads"):
        c.cancel_orders(["x"], str(uuid.uuid4()))  # 400, and GET /bulk/<id> says 404


def test_unconfirmed_409_is_posted_again_later_not_taken_on_faith(make_sandbox, client_of):
    """issue 14.8: a 409 that GET /bulk/<id> cannot confirm (404) is a transient error."""
    srv = make_sandbox()
    api = srv.api
    real = api.handle
    lies = []

    def handle(req):  # the first POST is answered 409 and not stored
        if req.method == "POST" and req.path.endswith("/bulk/") and not lies:
            lies.append(req)
            from planet_bulk_tasking.sandbox.api import Response

            return Response(409, {"detail": "id: already exists."})
        return real(req)

    api.handle = handle
    c = client_of(srv)
    bid = str(uuid.uuid4())
    with pytest.raises(ConflictError) as err:
        c.create_bulk([order(1)], bid)
    assert err.value.transient and bid in err.value.user_message
    assert srv.counters.get("bulks_created", 0) == 0
    assert c.create_bulk([order(1)], bid) == bid  # later, same UUID: created once
    assert srv.counters["bulks_created"] == 1


def test_201_with_a_summary_and_an_absolute_location(make_sandbox, client_of, caplog):
    srv = make_sandbox(dialect="create-201")
    c = client_of(srv)
    caplog.set_level(logging.INFO, logger="planet_bulk_tasking")
    bid = str(uuid.uuid4())
    assert c.create_bulk([order(i) for i in range(3)], bid) == bid
    assert srv.counters["responses"]["201"] == 1
    assert any("bulk creation answer" in r.getMessage() for r in caplog.records)


def test_payload_items_with_other_key_names_and_no_echo(make_sandbox, client_of):
    srv = make_sandbox(dialect="payload-keys")
    c = client_of(srv)
    payloads = [order(i) for i in range(5)]
    payloads[0]["geometry"]["coordinates"] = [181, 40]
    bid = str(uuid.uuid4())
    c.create_bulk(payloads, bid)
    wait_complete(c, bid)
    results = list(c.iter_bulk_payloads(bid))
    ids = {o["id"] for o in c.iter_orders()}
    ok = [r for r in results if r.status == PayloadStatus.SUCCEEDED]
    assert len(ok) == 4 and {r.order_id for r in ok} == ids
    assert all(r.order_id_confirmed for r in ok)
    [bad] = [r for r in results if r.status == PayloadStatus.FAILED]
    assert "longitude 181" in bad.reason and bad.payload is None


def test_a_result_own_id_is_not_taken_for_an_order_id(make_sandbox, client_of):
    srv = make_sandbox(dialect="payload-own-ids")
    c = client_of(srv)
    bid = created(c, 3)
    results = list(c.iter_bulk_payloads(bid))
    assert all(not r.order_id_confirmed for r in results)  # only the item's own id
    assert not {r.order_id for r in results} & {o["id"] for o in c.iter_orders()}


def test_ignored_id_filter_is_detected_remembered_and_strays_dropped(make_sandbox, client_of):
    srv = make_sandbox(dialect="id-in-ignored")
    c = client_of(srv)
    created(c, 30)
    ids = [o["id"] for o in c.iter_orders()][:3]
    assert [o["id"] for o in c.iter_orders(ids=ids)] == ids  # only those asked for
    assert c.fact("id__in") is False
    before = srv.counters["requests"]
    assert sorted(o["id"] for o in c.iter_orders(ids=ids)) == sorted(ids)
    assert srv.counters["requests"] - before == 3  # straight to GET /orders/<id>, one each
    other = client_of(srv)  # remembered per endpoint, for every client of this session
    assert other.id_filter_works(ids[0]) is False


def test_id_filter_that_works_is_used(sandbox, client_of):
    c = client_of(sandbox)
    created(c, 10)
    ids = [o["id"] for o in c.iter_orders()][:4]
    assert sorted(o["id"] for o in c.iter_orders(ids=ids)) == sorted(ids)
    assert c.fact("id__in") is True and c.id_filter_works(ids[0]) is True


def results_into(got: list):
    """An engine's on_event that keeps the ActionOutcomes of its "results" reports."""

    def on_event(name, *args):
        if name == "results":
            got.extend(args[0])

    return on_event


@pytest.mark.parametrize("dialect", ["bulk-actions-refused", "bulk-actions-noop"])
def test_edit_and_cancel_fall_back_to_documented_per_order_calls(make_sandbox, client_of, dialect):
    srv = make_sandbox(dialect=dialect, order_clock=1.0)
    c = client_of(srv)
    created(c, 4)
    ids = [o["id"] for o in c.iter_orders()]

    def run(kind, items):
        factory = lambda: TaskingClient(srv.base_url, KEY, backoff_base=0.05)  # noqa: E731
        got = []
        action = BulkAction(factory, kind, items, poll=0.05, on_event=results_into(got))
        assert action.run() == "finished"  # on this thread: plain Python, no Qt
        return action, got

    action, got = run("edit", [{"id": i, "name": "renamed", "rank": 3} for i in ids[:2]])
    assert [o.ok for o in got] == [True, True] and len(action.bulk_ids) == 1
    assert c.fact("bulk edit") is False
    orders = {o["id"]: o for o in c.iter_orders()}
    assert all(orders[i]["name"] == "renamed" and orders[i]["rank"] == 3 for i in ids[:2])
    bulks = srv.counters.get("bulks_created", 0)

    action, got = run("cancel", ids[2:])
    assert [o.ok for o in got] == [True, True] and c.fact("bulk cancel") is False
    assert {o["status"] for o in c.iter_orders(ids=ids[2:])} == {"CANCELLED"}
    action, got = run("cancel", ids[2:3])  # remembered: no bulk tried; the refusal in words
    assert action.bulk_ids == [] and not got[0].ok and "cannot be cancelled" in got[0].reason
    created_now = srv.counters.get("bulks_created", 0)
    assert created_now == bulks + (1 if dialect == "bulk-actions-noop" else 0)


def test_bulk_edit_that_works_is_remembered(make_sandbox, client_of):
    srv = make_sandbox(order_clock=1.0)
    c = client_of(srv)
    created(c, 2)
    ids = [o["id"] for o in c.iter_orders()]
    got = []
    action = BulkAction(lambda: TaskingClient(srv.base_url, KEY), "edit",
                        [{"id": i, "name": "n2"} for i in ids], poll=0.05,
                        on_event=results_into(got))  # fmt: skip
    assert action.run() == "finished"
    assert all(o.ok and o.bulk_id for o in got) and c.fact("bulk edit") is True


def test_delete_answering_200_with_the_order(make_sandbox, client_of):
    srv = make_sandbox(dialect="delete-200", order_clock=1.0)
    c = client_of(srv)
    created(c, 1)
    [oid] = [o["id"] for o in c.iter_orders()]
    assert c.delete_order(oid)["status"] == "CANCELLED"
    with pytest.raises(RequestRejectedError, match="cannot be cancelled"):
        c.delete_order(oid)


def test_error_envelope_is_read_in_words(make_sandbox, client_of):
    srv = make_sandbox(dialect="error-envelope", order_clock=1.0)
    c = client_of(srv)
    created(c, 1)
    [oid] = [o["id"] for o in c.iter_orders()]
    with pytest.raises(RequestRejectedError) as err:
        c.put_order(oid, {"colour": "red"})
    assert "colour: cannot be edited" in err.value.user_message
    assert "colour" in err.value.field_errors
    with pytest.raises(NotFoundError) as missing:
        c.get_order(str(uuid.uuid4()))
    assert missing.value.details == "Not found."


def test_oversized_body_answered_400_is_too_large(make_sandbox, client_of):
    srv = make_sandbox(dialect="oversize-400")
    c = client_of(srv)
    payloads = [dict(order(i), name=f"{i}-" + "x" * 1100) for i in range(1000)]
    with pytest.raises(PayloadTooLargeError):
        c.create_bulk(payloads, str(uuid.uuid4()))


def test_window_rules_enforced_come_back_in_words(make_sandbox, client_of):
    srv = make_sandbox(dialect="enforce-window")
    c = client_of(srv)
    payloads = [order(0, start_in=timedelta(hours=2)), order(1, days=7), order(2)]
    bid = str(uuid.uuid4())
    c.create_bulk(payloads, bid)
    wait_complete(c, bid)
    reasons = {r.payload["name"]: r.reason for r in c.iter_bulk_payloads(bid)}
    assert reasons["field 0"].startswith("Start time (UTC): must be at least 24 hours")
    assert reasons["field 1"].startswith("End time (UTC): the imaging window must last at least")
    assert reasons["field 2"] is None


def test_rate_5_and_new_order_fields(make_sandbox, client_of):
    srv = make_sandbox(dialect="rate-5")
    assert srv.rate_limit == 5.0
    c = client_of(srv)
    extra = {"delivery": {"type": "none"}, "satellite_types": ["SKYSAT"], "cloud_threshold": 0.2,
             "rank": 1, "exclusivity_days": 0}  # fmt: skip
    line = {"type": "LineString", "coordinates": [[10, 45], [10.2, 45.1]]}
    bid = str(uuid.uuid4())
    c.create_bulk([dict(order(0), **extra), dict(order(1), geometry=line)], bid)
    wait_complete(c, bid)
    assert [r.status for r in c.iter_bulk_payloads(bid)] == [PayloadStatus.SUCCEEDED] * 2
    [o] = [o for o in c.iter_orders() if o["name"] == "field 0"]
    assert o["cloud_threshold"] == 0.2 and o["rank"] == 1


def test_shapes_are_logged_once_per_endpoint_key_names_only(
    sandbox, client_of, caplog, monkeypatch
):
    # shapes are remembered per endpoint for the whole process: an earlier test's sandbox
    # on the same (reused) port would already have logged some of them
    monkeypatch.setattr(api, "_SHAPES_SEEN", set())
    caplog.set_level(logging.INFO, logger="planet_bulk_tasking")
    c = client_of(sandbox)
    bid = created(c, 2)
    list(c.iter_bulk_payloads(bid))
    list(c.iter_bulk_payloads(bid))
    orders = list(c.iter_orders())
    lines = [r.getMessage() for r in caplog.records if "has the keys" in r.getMessage()]
    kinds = sorted(line.split(" read from")[0] for line in lines)
    assert kinds == ["first /payloads item", "first bulk summary", "first order"]
    text = "\n".join(lines)
    assert "order_id" in text and "status" in text
    assert bid not in text and orders[0]["id"] not in text and "field 0" not in text
