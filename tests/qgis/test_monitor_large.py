"""The order monitor with thousands of watched orders: read through -updated_time pages of
1,000 (not id__in batches of ~180), every watched order reported until final, orders added
later (and other orders of the account) handled, a handful of requests per poll."""

from planet_bulk_tasking.core.engine.monitor import LARGE_ORDER_SET, OrderMonitor
from planet_bulk_tasking.core.jobs.background import BackgroundJob
from planet_bulk_tasking.core.tasking.client import TaskingClient
from support import SANDBOX_KEY, server_orders, wait_until
from test_dialects_worker import new_job, run_job


def test_thousands_of_orders_followed_in_pages_until_final(make_sandbox):
    srv = make_sandbox(processing_rate=5000.0, order_clock=200000.0, rate_limit=0)
    first = new_job(srv, 1500)
    assert run_job(first, srv.base_url)[0] == "finished"
    later = new_job(srv, 700)
    assert run_job(later, srv.base_url)[0] == "finished"
    other = new_job(srv, 300)  # orders of the account nobody watches
    assert run_job(other, srv.base_url)[0] == "finished"
    watched = [t.order_id for t in first.targets]
    assert len(watched) > LARGE_ORDER_SET
    clients = []

    def factory():
        clients.append(TaskingClient(srv.base_url, SANDBOX_KEY, backoff_base=0.05))
        return clients[-1]

    monitor = OrderMonitor(factory, min_interval=0.2, max_interval=0.5)
    seen = {}
    thread = BackgroundJob(monitor, "test-monitor")
    thread.reported.connect(
        lambda name, args: name == "orders_updated"
        and seen.update({u.order_id: u for u in args[0]})
    )
    monitor.watch(watched)
    thread.start()
    final = ("FULFILLED", "EXPIRED", "REJECTED", "CANCELLED", "FAILED")
    try:
        assert wait_until(lambda: len(seen) == len(watched), 60)
        polls_before = monitor.polls
        # orders watched after a few polls went by (created before them): still all read
        monitor.watch([t.order_id for t in later.targets])
        everything = watched + [t.order_id for t in later.targets]
        assert wait_until(
            lambda: all(i in seen and seen[i].status in final for i in everything), 90
        ), sum(1 for i in everything if i in seen and seen[i].status in final)
    finally:
        assert thread.stop(5000)
    assert set(seen) == set(everything)  # the 300 others were never reported
    orders = {o["id"]: o["status"] for o in server_orders(srv.base_url)}
    assert all(seen[i].status == orders[i] for i in everything)
    polls = monitor.polls - polls_before
    requests = sum(c.requests_made for c in clients)
    # id__in batches of ~180 ids would take 13 requests a poll for 2,200 orders
    assert requests <= 4 * (monitor.polls + 1), (requests, monitor.polls, polls)
