"""Issue 17: the JobStore writes a whole job ahead on its writer thread (``save_job(job,
then=...)``: the caller's thread never waits), results queued after it land after it, and
a result batch is only snapshotted by the caller (the writer makes the JSON)."""

import threading

from planet_bulk_tasking.core.model.job import Attempt, TargetStatus
from planet_bulk_tasking.core.model.store import JobStore
from test_store_writer import _job


def test_a_job_written_ahead_by_the_writer_then_its_results(tmp_path):
    store = JobStore(str(tmp_path / "jobs.sqlite"))
    job = _job(2000)
    done = []
    saved = threading.Event()

    def then(error):
        done.append((error, threading.current_thread() is store.writer_thread))
        saved.set()

    store.save_job(job, then=then)
    first = job.targets[:500]
    assert saved.wait(30)
    assert done == [(None, True)]  # on the writer thread, no error
    for t in first:
        t.status, t.order_id = TargetStatus.SUCCEEDED, f"order-{t.key}"
    store.save_targets(job, first)
    other = JobStore(str(tmp_path / "jobs.sqlite"))
    assert len(other.load_job(job.job_id).targets) == 2000  # durable for another reader
    loaded = store.load_job(job.job_id)
    assert loaded.counts()["succeeded"] == 500
    assert loaded.target("3").payload == job.target("3").payload  # results keep payloads
    assert [t.key for t in loaded.targets] == [t.key for t in job.targets]
    other.close()
    store.close()


def test_a_snapshot_is_what_the_target_was_when_saved(tmp_path):
    store = JobStore(str(tmp_path / "jobs.sqlite"))
    job = _job(10)
    store.save_job(job)
    t = job.target("4")
    t.status, t.order_id = TargetStatus.SUBMITTED, None
    t.attempts.append(Attempt("bulk-1", TargetStatus.SUBMITTED))
    store.save_targets(job, [t])
    # later changes in place (the next result of the same bulk) are not in that snapshot
    t.attempts[-1].status = TargetStatus.SUCCEEDED
    store.flush()
    assert store.load_job(job.job_id).target("4").attempts[-1].status == TargetStatus.SUBMITTED
    # an edit replaces the payload dict: written in full
    t.payload = {**t.payload, "name": "renamed"}
    t.name = "renamed"
    store.save_targets(job, [t])
    again = store.load_job(job.job_id).target("4")
    assert again.payload["name"] == "renamed" and again.name == "renamed"
    assert again.attempts[-1].status == TargetStatus.SUCCEEDED  # as it is now
    store.close()
