"""Results are written WRITE_BEHIND seconds late: a target saved twice in that time makes
one row write (the last snapshot wins), chunk rows join their group past snapshots, a job or
a state change keeps its place, and flush() never waits for the delay."""

import sqlite3
import time

from planet_bulk_tasking.core.model import store as store_module
from planet_bulk_tasking.core.model.job import Attempt, Chunk, TargetStatus
from planet_bulk_tasking.core.model.store import JobStore
from test_store_writer import _job


def _status_on_disk(path, job_id, key):
    with sqlite3.connect(path) as db:
        return db.execute(
            "SELECT status, order_id FROM targets WHERE job_id=? AND key=?", (job_id, key)
        ).fetchone()


def test_two_snapshots_of_a_target_in_the_delay_make_one_write_of_the_last(tmp_path, monkeypatch):
    monkeypatch.setattr(store_module, "WRITE_BEHIND", 60.0)  # a slow machine keeps them queued
    path = str(tmp_path / "jobs.sqlite")
    store = JobStore(path)
    job = _job(50)
    job.chunks = [Chunk(index=0, target_keys=[t.key for t in job.targets], bulk_id="bulk-1")]
    store.save_job(job)
    t = job.target("3")
    t.status = TargetStatus.SUBMITTED
    t.attempts.append(Attempt("bulk-1", TargetStatus.SUBMITTED))
    store.save_targets(job, [t])
    store.save_chunks(job.job_id, [job.chunks[0]])
    t.status, t.order_id = TargetStatus.SUCCEEDED, "order-3"
    t.attempts[-1].status, t.attempts[-1].order_id = TargetStatus.SUCCEEDED, "order-3"
    store.save_targets(job, [t])
    with store._queue:
        # not written yet (the writer waits), and merged: one group per statement
        statements = [statement for statement, _rows in store._pending]
        snapshots = [rows for st, rows in store._pending if st is store_module._SNAPSHOT]
    assert sorted(statements) == sorted([store_module._SNAPSHOT, store_module._UPSERT_CHUNK])
    assert len(snapshots[0]) == 2
    store.flush()  # does not wait out the delay: writes now
    assert _status_on_disk(path, job.job_id, "3") == (TargetStatus.SUCCEEDED, "order-3")
    loaded = store.load_job(job.job_id)
    assert loaded.target("3").attempts[-1].order_id == "order-3"
    store.close()


def test_a_state_change_keeps_its_place_after_the_results_before_it(tmp_path):
    path = str(tmp_path / "jobs.sqlite")
    store = JobStore(path)
    snapshots, chunk_rows = ["first snapshots"], ["chunk rows"]
    with store._queue:  # no writer yet: the queue as it would stand
        store._pending = [(store_module._SNAPSHOT, snapshots), (store_module._UPSERT_CHUNK, [1])]
        assert store._open_group(store_module._SNAPSHOT) is snapshots  # past the chunk rows
        store._pending.append((store_module._SET_STATE, [("done", None, "j")]))
        assert store._open_group(store_module._SNAPSHOT) is None  # not past a state change
        assert store._open_group(store_module._SET_STATE) is not None  # the same statement
        store._pending = [(store_module._UPSERT_CHUNK, chunk_rows)]
        assert store._open_group(store_module._UPSERT_CHUNK) is chunk_rows
        store._pending = []
    job = _job(20)
    store.save_job(job)
    t = job.target("1")
    t.status = TargetStatus.FAILED
    store.save_targets(job, [t])
    store.set_state(job.job_id, "done", wait=False)
    t.status = TargetStatus.SUCCEEDED
    store.save_targets(job, [t])
    store.flush()
    loaded = store.load_job(job.job_id)
    assert loaded.state == "done" and loaded.target("1").status == TargetStatus.SUCCEEDED
    store.close()


def test_results_reach_the_disk_on_their_own_after_the_delay(tmp_path, monkeypatch):
    monkeypatch.setattr(store_module, "WRITE_BEHIND", 0.05)
    path = str(tmp_path / "jobs.sqlite")
    store = JobStore(path)
    job = _job(10)
    store.save_job(job)
    t = job.target("2")
    t.status, t.order_id = TargetStatus.SUCCEEDED, "order-2"
    store.save_targets(job, [t])
    deadline = time.monotonic() + 10
    while _status_on_disk(path, job.job_id, "2") != (TargetStatus.SUCCEEDED, "order-2"):
        assert time.monotonic() < deadline, "the writer never wrote the delayed results"
        time.sleep(0.02)
    store.close()
