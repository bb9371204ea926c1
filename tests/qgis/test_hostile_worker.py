"""Whole jobs (SubmitEngine on a BackgroundJob: real QThread, real layers, real HTTP) against
hostile servers: every run ends in bounded time, every target accounted for, and the
worker thread stops within 2 s of a cancel whatever the server does."""

import threading
import time

import pytest
from engine_support import Run as EngineRun
from hostile_server import MiniTasking, wait_for
from planet_bulk_tasking.core.engine.submit import NO_RESULT_REASON
from planet_bulk_tasking.core.model.job import TargetStatus
from planet_bulk_tasking.core.targets.build import create_job
from planet_bulk_tasking.core.targets.parameters import OrderParameters
from planet_bulk_tasking.core.tasking.client import TaskingClient
from planet_bulk_tasking.core.tasking.errors import BadSummaryError, InvalidKeyError, WaitLimitError
from support import point_layer

KEY = "PLAK7f3c9e2b41d84a6f9c0e5d7b2a1c3e4f"
FAST = {"min_poll_interval": 0.05, "max_poll_interval": 0.2, "post_retry_delay": 0.05}


def make_job(base_url, n=5):
    return create_job(point_layer(n), OrderParameters(), selected_only=False, endpoint=base_url)


def factory(base_url, key=KEY, **kw):
    kw.setdefault("backoff_base", 0.01)
    kw.setdefault("max_retry_after", 0.2)

    def make(stop_event=None):
        return TaskingClient(base_url, key, stop_event=stop_event, **kw)

    return make


class Run(EngineRun):
    def __init__(self, job, client_factory, **options):
        super().__init__(job, client_factory, **dict(FAST, **options))


@pytest.fixture
def runs():
    made = []

    def make(*a, **kw):
        run = Run(*a, **kw)
        made.append(run)
        return run

    yield make
    for run in made:
        assert run.runner.stop(5000)


def http_threads():
    """The worker's pool threads (non-daemon: Python joins them at exit, so QGIS's exit
    waits for them) and the client's I/O threads."""
    return [t for t in threading.enumerate() if t.name.startswith("pbt-") and t.is_alive()]


# --- 1. QGIS exits within 2 s of the user quitting, whatever the server does ------------
DRIPS = {
    "headers": lambda req, conn: (
        conn.send(b"HTTP/1.1 202 Accepted\r\n"),
        conn.drip(b"X-Slow: a\r\n", 0.5, forever=True),
    ),
    "body, Connection: close": lambda req, conn: (
        conn.head(202, {"Connection": "close"}),
        conn.drip(b"{", 1.0, forever=True),
    ),
    "endless body": lambda req, conn: conn.endless_chunked(interval=0.05),
}


@pytest.mark.parametrize("how", list(DRIPS))
def test_worker_stops_within_2_s_while_the_server_drips(server, runs, how):
    srv = server(MiniTasking(post=DRIPS[how]))
    job = make_job(srv.base_url)
    run = runs(job, factory(srv.base_url, timeout=(5.0, 30.0)))
    assert wait_for(lambda: srv.count("POST") >= 1, 5.0)
    time.sleep(0.3)  # well into the drip
    t0 = time.monotonic()
    assert run.runner.stop(2000), "the worker thread did not stop within 2 s"
    assert wait_for(lambda: not http_threads(), 2.0 - (time.monotonic() - t0)), [
        t.name for t in http_threads()
    ]
    assert time.monotonic() - t0 < 2.0
    # nothing lost: the chunk is POSTING (a resume asks with the same id), targets READY
    assert {t.status for t in job.targets} == {TargetStatus.READY}


# --- 2. cut answers are retried: the job finishes ------------------------------------------
def test_cut_answers_are_retried_and_the_job_finishes(server, runs):
    mini = MiniTasking()
    cuts = {"POST": 2, "payloads": 2}

    def post(req, conn):
        mini.accept(req, _Null())  # the server has it...
        if cuts["POST"]:
            cuts["POST"] -= 1
            conn.head(202, {"Content-Length": "50"})
            conn.send(b'{"id": "')  # ...but the answer is cut
            return conn.close()
        conn.respond(409, {"detail": "exists"})

    def results(req, conn, bulk_id):
        if cuts["payloads"]:
            cuts["payloads"] -= 1
            conn.head(200, {"Content-Length": "100000", "Content-Type": "application/json"})
            conn.send(b'{"count": 5, "next": null, "results": []}')  # valid JSON prefix
            return conn.close()
        mini.results(req, conn, bulk_id)

    mini.post, mini.payloads = post, results
    srv = server(mini)
    job = make_job(srv.base_url)
    run = runs(job, factory(srv.base_url, max_retries=1))
    assert run.wait(30) == "finished", run.error
    assert {t.status for t in job.targets} == {TargetStatus.SUCCEEDED}
    assert len(mini.bulks) == 1


class _Null:
    def respond(self, *a, **kw):
        return True


# --- 7. paging forever is bounded: the job ends, targets stay accounted for ----------------
def test_endless_paging_ends_and_keeps_targets_submitted(server, runs):
    def endless(req, conn, bulk_id):
        n = int(req.query.get("page", "0"))
        conn.respond(200, {
            "count": 10**9,
            "next": f"/tasking/v2/bulk/{bulk_id}/payloads?page={n + 1}",
            "results": [{"status": "PROCESSING"}] * 50,
        })

    srv = server(MiniTasking(payloads=endless))
    job = make_job(srv.base_url)
    run = runs(job, factory(srv.base_url))
    assert run.wait(30) == "finished", run.error
    assert srv.count("GET", "/payloads") <= 41  # 2,000 results at most, 50 a page
    assert {(t.status, t.reason) for t in job.targets} == {
        (TargetStatus.SUBMITTED, NO_RESULT_REASON)
    }
    assert run.progress["results_read"] >= 2000


# --- 9. a summary that is not an object: a typed failure after a few tries -----------------
@pytest.mark.parametrize("body", ["[]", "null", '"ok"', "{}"])
def test_non_object_summary_fails_the_job_after_a_few_polls(server, runs, body):
    srv = server(MiniTasking(summary=lambda req, conn, b: conn.respond(
        200, body, {"Content-Type": "application/json"})))
    job = make_job(srv.base_url)
    run = runs(job, factory(srv.base_url))
    assert run.wait(20) == "failed"
    assert isinstance(run.error, BadSummaryError)
    assert 2 <= srv.count("GET") <= 5
    assert {t.status for t in job.targets} == {TargetStatus.SUBMITTED}  # resumable


# --- 5. an odd key: the job fails at once, typed, nothing sent -----------------------------
def test_odd_key_fails_the_job_up_front(server, runs):
    key = KEY[:10] + "\u200b" + KEY[10:]
    srv = server(MiniTasking())
    job = make_job(srv.base_url)
    run = runs(job, factory(srv.base_url, key=key))
    assert run.wait(10) == "failed"
    assert isinstance(run.error, InvalidKeyError)
    assert srv.requests == []
    assert {t.status for t in job.targets} == {TargetStatus.READY}  # not "refused"
    assert KEY[:10] not in (job.error or "") and KEY[10:] not in (job.error or "")


# --- 12. Retry-After of 10^9: the job's total wait is capped and shown ----------------------
def test_retry_after_stacking_is_capped_per_job(server, runs):
    srv = server(MiniTasking(summary=lambda req, conn, b: conn.respond(
        429, {"detail": "slow down"}, {"Retry-After": "1000000000"})))
    job = make_job(srv.base_url)
    run = runs(job, factory(srv.base_url, max_retries=10, max_retry_after=0.3),
               max_total_wait=1.5)
    t0 = time.monotonic()
    assert run.wait(20) == "failed"
    assert time.monotonic() - t0 < 6.0
    assert isinstance(run.error, WaitLimitError)
    assert "resume the job later" in run.error.user_message
    assert run.progress["server_wait"] == pytest.approx(1.5, abs=0.05)
    assert run.progress["server_wait_limit"] == 1.5


PROBE = r"""
import sys, threading, time
sys.path[:0] = [sys.argv[1], sys.argv[2]]
import plugin_path
plugin_path.ensure_importable()
from concurrent.futures import ThreadPoolExecutor
from hostile_server import HostileServer
from planet_bulk_tasking.core.tasking.client import TaskingClient
srv = HostileServer(lambda r, c: (c.head(200, {"Connection": "close"}),
                                  c.drip(b"{", 1.0, forever=True)))
stop = threading.Event()
client = TaskingClient(srv.base_url, "PLAK0123456789abcdef", stop_event=stop, timeout=(5, 30))
pool = ThreadPoolExecutor(2, thread_name_prefix="pbt-http")  # like the worker's pool
pool.submit(client.get_bulk, "b")
time.sleep(1.0)
stop.set()
pool.shutdown(wait=False, cancel_futures=True)
print(time.time(), flush=True)
"""


def test_a_python_process_exits_within_2_s_of_stop_while_the_server_drips(tmp_path):
    """Python joins pool threads at exit: before the fix this process never exited."""
    import os
    import subprocess
    import sys

    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    script = tmp_path / "probe.py"
    script.write_text(PROBE)
    proc = subprocess.run(
        [sys.executable, str(script), os.path.join(root, "scripts"), os.path.join(root, "tests")],
        capture_output=True, text=True, timeout=30,
    )
    exited = time.time()
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert exited - float(proc.stdout.split()[-1]) < 2.0
