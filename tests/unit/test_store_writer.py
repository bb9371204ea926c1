"""JobStore's writer thread: results batches are queued by the caller (the main thread) and
written in the background, in order, merged; every reader and job rewrite sees them."""

import sqlite3
import threading
from contextlib import closing

from planet_bulk_tasking.core.model.job import BulkJob, Target, TargetStatus
from planet_bulk_tasking.core.model.store import JobStore


def _job(n):
    targets = [
        Target(
            key=str(i),
            feature_id=i,
            name=f"site {i}",
            payload={"name": f"site {i}", "geometry": {"type": "Point", "coordinates": [i, 1]}},
        )
        for i in range(n)
    ]
    return BulkJob(endpoint="http://127.0.0.1:1/tasking/v2", targets=targets)


def test_batches_are_written_in_order_by_another_thread_and_read_back(tmp_path):
    store = JobStore(str(tmp_path / "jobs.sqlite"))
    job = _job(3000)
    store.save_job(job)
    for b in range(30):
        batch = job.targets[b * 100 : (b + 1) * 100]
        for t in batch:
            t.status, t.order_id = TargetStatus.SUCCEEDED, f"order-{t.key}-{b}"
        store.save_targets(job, batch)
    # the same target saved twice: the later state wins
    first = job.targets[0]
    first.status, first.reason = TargetStatus.FAILED, "no capacity"
    store.save_targets(job, [first])
    writer = store.writer_thread
    assert writer is not None and writer is not threading.current_thread()
    loaded = store.load_job(job.job_id)  # a reader waits for what is queued
    assert [t.key for t in loaded.targets] == [t.key for t in job.targets]  # order kept
    assert loaded.target("0").status == TargetStatus.FAILED
    assert loaded.target("0").reason == "no capacity"
    assert loaded.counts()[TargetStatus.SUCCEEDED] == 2999
    assert store.find_order("order-2999-29") == (job.job_id, "2999")
    store.close()


def test_rows_are_a_snapshot_and_a_rewrite_or_delete_is_not_undone_by_queued_rows(tmp_path):
    path = str(tmp_path / "jobs.sqlite")
    store = JobStore(path)
    job = _job(50)
    store.save_job(job)
    t = job.targets[7]
    t.status = TargetStatus.SUBMITTED
    store.save_targets(job, [t])
    t.status = TargetStatus.SUCCEEDED  # changed after queuing: not what was queued
    assert store.load_job(job.job_id).target("7").status == TargetStatus.SUBMITTED
    store.save_targets(job, [t])
    job.targets[8].status = TargetStatus.FAILED
    store.save_job(job)  # waits for the queue first: its state is the last word
    assert store.load_job(job.job_id).target("8").status == TargetStatus.FAILED
    store.save_targets(job, job.targets[:10])
    store.delete_job(job.job_id)
    assert store.list_jobs() == []
    store.save_targets(job, [job.targets[1]])
    store.close()  # close writes what is queued
    with closing(sqlite3.connect(path)) as db:  # what is on disk
        rows = db.execute("SELECT key FROM targets WHERE job_id=?", (job.job_id,))
        assert [r[0] for r in rows] == ["1"]


def test_job_list_counts_follow_every_batch_and_only_recount_changed_jobs(tmp_path):
    store = JobStore(str(tmp_path / "jobs.sqlite"))
    old, running = _job(20), _job(30)
    store.save_job(old)
    store.save_job(running)
    counts = {s.job_id: s.counts for s in store.list_jobs()}
    assert counts[running.job_id]["total"] == 30 and counts[old.job_id]["ready"] == 20
    for b in range(3):  # several batches within the same second
        batch = running.targets[b * 10 : (b + 1) * 10]
        for t in batch:
            t.status = TargetStatus.SUCCEEDED
        store.save_targets(running, batch)
        counts = {s.job_id: s.counts for s in store.list_jobs()}
        assert counts[running.job_id][TargetStatus.SUCCEEDED] == 10 * (b + 1)
    # counted once, never again: a change behind the store's back is not seen for the job
    # it did not write to (its counts are not recounted), and is for the one it wrote to
    with closing(sqlite3.connect(store.path)) as db, db:
        failed = TargetStatus.FAILED
        db.execute("UPDATE targets SET status=? WHERE job_id=?", (failed, old.job_id))
        db.execute(
            "UPDATE targets SET status=? WHERE job_id=? AND key='29'", (failed, running.job_id)
        )
    store.save_targets(running, running.targets[:1])
    counts = {s.job_id: s.counts for s in store.list_jobs()}
    assert counts[old.job_id]["ready"] == 20 and counts[old.job_id][failed] == 0
    assert counts[running.job_id][failed] == 1  # recounted: it was written to
    store.close()
