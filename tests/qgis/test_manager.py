"""JobManager: jobs written ahead, persisted as they run, resumed after a restart or a
SIGKILL without a duplicate order, orders watched, failures resubmitted, orders edited and
cancelled in bulk. Real sandbox over HTTP, real QThreads, real SQLite files."""

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from collections import Counter

import pytest
from planet_bulk_tasking.core.engine.monitor import FINAL_ORDER_STATES
from planet_bulk_tasking.core.jobs.manager import JobManager
from planet_bulk_tasking.core.model.job import ChunkState, JobState, TargetStatus
from planet_bulk_tasking.core.model.store import JobStore
from planet_bulk_tasking.core.targets.build import create_job
from planet_bulk_tasking.core.targets.parameters import OrderParameters
from support import client_factory, point_layer, server_orders, wait_until

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class Recorder:
    def __init__(self, manager):
        self.ended, self.orders, self.actions, self.action_errors = {}, [], [], []
        manager.job_ended.connect(lambda j, how, err: self.ended.__setitem__(j, (how, err)))
        manager.orders_changed.connect(lambda j, moved: self.orders.extend(moved))
        manager.action_finished.connect(lambda j, kind, out: self.actions.append((kind, out)))
        manager.action_failed.connect(lambda j, kind, err: self.action_errors.append(err))

    def wait_end(self, job_id, timeout=60):
        assert wait_until(lambda: job_id in self.ended, timeout), "job did not end"
        return self.ended[job_id]


@pytest.fixture
def managers(tmp_path):
    made = []

    def _make(base_url, path=None):
        store = JobStore(str(path or tmp_path / "jobs.sqlite"))
        manager = JobManager(
            store,
            client_factory(base_url),
            worker_options={"min_poll_interval": 0.05},
            monitor_options={"min_interval": 0.1, "max_interval": 0.4},
        )
        made.append(manager)
        return manager, Recorder(manager)

    yield _make
    for manager in made:
        manager.shutdown()
        manager.store.close()


def _job(base_url, n, name="sites"):
    return create_job(
        point_layer(n, name), OrderParameters(), selected_only=False, endpoint=base_url
    )


def test_submit_writes_ahead_and_persists_every_result(sandbox, managers, tmp_path):
    manager, rec = managers(sandbox.base_url)
    job = _job(sandbox.base_url, 30)
    manager.submit(job)
    on_disk = JobStore(str(tmp_path / "jobs.sqlite")).load_job(job.job_id)
    assert [c.bulk_id for c in on_disk.chunks] == [
        c.bulk_id for c in job.chunks
    ]  # before any answer
    assert rec.wait_end(job.job_id) == ("finished", None)
    # results and the end state reach the disk on the writer thread (results 1 s behind):
    # another connection reads them once the store has flushed
    manager.store.flush()
    again = JobStore(str(tmp_path / "jobs.sqlite")).load_job(job.job_id)
    assert again.state == "done"
    assert again.counts()["succeeded"] == 30
    assert all(c.state == ChunkState.COMPLETE for c in again.chunks)
    assert {t.order_id for t in again.targets} == {o["id"] for o in server_orders(sandbox.base_url)}


def test_restart_mid_run_resumes_from_disk_without_resending(make_sandbox, managers, tmp_path):
    srv = make_sandbox(processing_rate=1500.0)
    manager, _ = managers(srv.base_url)
    job = _job(srv.base_url, 2500)
    assert len(job.chunks) == 3
    manager.submit(job)
    assert wait_until(lambda: any(c.state == ChunkState.ACCEPTED for c in job.chunks), 20)
    manager.shutdown()  # QGIS closes mid-run
    saved = JobStore(str(tmp_path / "jobs.sqlite")).load_job(job.job_id)
    assert saved.state == JobState.INTERRUPTED

    fresh, rec = managers(srv.base_url)  # a new QGIS session, same profile
    assert fresh.resume_unfinished() == [job.job_id]
    assert rec.wait_end(job.job_id)[0] == "finished"
    resumed = fresh.job(job.job_id)
    assert resumed.counts()["succeeded"] == 2500
    names = Counter(o["name"] for o in server_orders(srv.base_url))
    assert len(names) == 2500 and max(names.values()) == 1
    assert srv.counters["bulks_created"] == 3


def test_created_orders_are_watched_to_their_final_state(make_sandbox, managers):
    srv = make_sandbox(order_clock=500000.0)
    manager, rec = managers(srv.base_url)
    job = _job(srv.base_url, 6)
    manager.submit(job)
    rec.wait_end(job.job_id)
    assert wait_until(
        lambda: all((t.order_status or "") in FINAL_ORDER_STATES for t in job.targets), 30
    ), [t.order_status for t in job.targets]
    assert rec.orders, "no state change was announced"
    moved_to = {new for _key, _old, new in rec.orders}
    assert moved_to & FINAL_ORDER_STATES
    stored = manager.store.load_job(job.job_id)
    assert [t.order_status for t in stored.targets] == [t.order_status for t in job.targets]


def test_fixed_failures_are_resubmitted_and_keep_their_history(sandbox, managers):
    manager, rec = managers(sandbox.base_url)
    job = _job(sandbox.base_url, 5)
    for t in job.targets[:2]:  # the docs' own out-of-range longitude, refused by the service
        t.payload["geometry"]["coordinates"] = [181, 40]
    manager.submit(job)
    rec.wait_end(job.job_id)
    failed = [t for t in job.targets if t.status == TargetStatus.FAILED]
    assert len(failed) == 2 and all("181" in t.reason for t in failed)

    revised = {}
    for i, t in enumerate(failed):
        payload = dict(t.payload, name=f"{t.name} (fixed)")
        payload["geometry"] = {"type": "Point", "coordinates": [-119.5, 36.0 + i / 100]}
        revised[t.key] = payload
    del rec.ended[job.job_id]
    [new_chunk] = manager.resubmit(job.job_id, revised)
    assert rec.wait_end(job.job_id)[0] == "finished"
    assert job.counts()["succeeded"] == 5
    for t in failed:
        outcomes = [a.status for a in t.attempts if a.status != TargetStatus.SUBMITTED]
        assert outcomes == ["failed", "succeeded"]
        assert len({a.bulk_id for a in t.attempts}) == 2  # two bulks: both attempts on record
        assert t.chunk_index == new_chunk and t.name.endswith("(fixed)")
    assert job.chunks[-1].kind == "resubmit"
    assert len(server_orders(sandbox.base_url)) == 5


def test_bulk_edit_and_bulk_cancel_report_refusals(make_sandbox, managers):
    srv = make_sandbox(order_clock=1.0)  # orders stay cancellable during the test
    manager, rec = managers(srv.base_url)
    job = _job(srv.base_url, 4)
    manager.submit(job)
    rec.wait_end(job.job_id)
    keys = [t.key for t in job.targets]

    manager.edit_orders(job.job_id, keys[:2], {"name": "renamed"})
    assert wait_until(lambda: len(rec.actions) == 1, 20)
    kind, outcomes = rec.actions[0]
    assert kind == "edit" and all(o.ok for o in outcomes) and len(outcomes) == 2
    names = Counter(o["name"] for o in server_orders(srv.base_url))
    assert names["renamed"] == 2
    assert job.targets[0].name == "renamed"

    manager.cancel_orders(job.job_id, keys[2:])
    assert wait_until(lambda: len(rec.actions) == 2, 20)
    assert all(o.ok for o in rec.actions[1][1])
    assert {job.target(k).order_status for k in keys[2:]} == {"CANCELLED"}

    manager.cancel_orders(job.job_id, keys[2:3])  # cancelling twice: the service says no
    assert wait_until(lambda: len(rec.actions) == 3, 20)
    [refused] = rec.actions[2][1]
    assert not refused.ok and refused.reason
    history = [a.status for a in job.target(keys[2]).attempts if a.status != "submitted"]
    assert history == ["succeeded", "cancelled", "cancel refused"]


KILL_SCRIPT = """
import sys
sys.path.insert(0, {scripts!r}); sys.path.insert(0, {tests!r})
import plugin_path; plugin_path.ensure_importable()
from qgis.core import QgsApplication
app = QgsApplication([], False); app.initQgis()
from planet_bulk_tasking.core.jobs.manager import JobManager
from planet_bulk_tasking.core.targets.build import create_job
from planet_bulk_tasking.core.targets.parameters import OrderParameters
from planet_bulk_tasking.core.model.store import JobStore
from support import client_factory, point_layer
manager = JobManager(JobStore({db!r}), client_factory({url!r}))
job = create_job(point_layer({n}), OrderParameters(), selected_only=False, endpoint={url!r})
manager.job_changed.connect(lambda _id: print("CHUNKS", [c.state for c in job.chunks], flush=True))
manager.submit(job)
print("SUBMITTED", job.job_id, flush=True)
app.exec_()
"""


@pytest.mark.parametrize("seed", [1, 2])
def test_sigkill_mid_submit_then_resume_gives_one_order_per_feature(
    make_sandbox, managers, tmp_path, seed
):
    """QGIS killed at a random moment while bulks are in flight: nothing lost, nothing twice."""
    srv = make_sandbox(processing_rate=3000.0, faults={"latency": 0.25})
    db = tmp_path / "killed.sqlite"
    n = 2500
    script = KILL_SCRIPT.format(
        scripts=os.path.join(ROOT, "scripts"),
        tests=os.path.join(ROOT, "tests"),
        db=str(db),
        url=srv.base_url,
        n=n,
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(script)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        job_id = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if line.startswith("SUBMITTED"):
                job_id = line.split()[1]
            if "posting" in line:  # a POST is on the wire: kill somewhere around it
                time.sleep(random.Random(seed).uniform(0.0, 0.4))
                break
        assert job_id, proc.stderr.read() if proc.poll() is not None else "no output"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    assert proc.returncode == -signal.SIGKILL

    at_kill = JobStore(str(db)).load_job(job_id)
    unsent = [c for c in at_kill.chunks if c.state in (ChunkState.NEW, ChunkState.POSTING)]
    assert unsent, "the kill came too late to test anything"
    print(
        f"killed with chunks {[c.state for c in at_kill.chunks]}, "
        f"{srv.counters['bulks_created']} bulk(s) on the server"
    )
    srv.set_faults(latency=0.0)
    manager, rec = managers(srv.base_url, path=db)
    assert job_id in manager.resume_unfinished()
    assert rec.wait_end(job_id, timeout=90)[0] == "finished"
    job = manager.job(job_id)
    assert job.counts()["succeeded"] == n
    names = Counter(o["name"] for o in server_orders(srv.base_url))
    assert len(names) == n and max(names.values()) == 1, "an order was created twice"
    assert srv.counters["bulks_created"] == len(job.chunks)


def test_user_cancel_stops_sending_but_follows_what_was_sent(make_sandbox, managers):
    """Cancel mid-submit: unsent bulks are never sent; bulks the server already has are
    followed to the end, so every order created is linked to its feature."""
    srv = make_sandbox(processing_rate=2000.0, faults={"latency": 0.3})
    manager, rec = managers(srv.base_url)
    job = create_job(
        point_layer(600),
        OrderParameters(),
        selected_only=False,
        endpoint=srv.base_url,
        max_payloads=100,
    )
    assert len(job.chunks) == 6
    asked = []

    def cancel_once_a_bulk_is_accepted(_id):
        if not asked and any(c.state == ChunkState.ACCEPTED for c in job.chunks):
            asked.append(True)
            manager.cancel(job.job_id)

    manager.job_changed.connect(cancel_once_a_bulk_is_accepted)
    manager.submit(job)
    assert rec.wait_end(job.job_id)[0] == "cancelled"
    assert wait_until(lambda: job.state == "cancelled" and not manager.is_running(job.job_id), 30)
    orders = {o["id"]: o["name"] for o in server_orders(srv.base_url)}
    succeeded = [t for t in job.targets if t.status == TargetStatus.SUCCEEDED]
    assert orders and len(succeeded) == len(orders)  # every order made is linked
    assert all(orders[t.order_id] == t.name for t in succeeded)
    unsent = [c for c in job.chunks if c.state == ChunkState.NEW]
    assert unsent, "the cancel came too late to test anything"
    assert all(t.status == TargetStatus.READY for c in unsent for t in job.targets_of(c))
    assert srv.counters["bulks_created"] == len(job.chunks) - len(unsent)
    assert manager.store.load_job(job.job_id).state == "cancelled"
    assert manager.store.unfinished_job_ids() == []
