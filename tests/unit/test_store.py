"""JobStore: jobs written ahead, reloaded whole, updated piecewise, never holding the key."""

import os
import subprocess
import sys
import textwrap

import pytest
from planet_bulk_tasking.core.model.job import (
    BulkJob,
    Chunk,
    ChunkState,
    LayerRef,
    Target,
    TargetStatus,
    new_uuid,
)
from planet_bulk_tasking.core.model.store import JobStore


def _job(n=5, endpoint="http://127.0.0.1:1/tasking/v2"):
    targets = [
        Target(
            key=str(i),
            feature_id=i,
            name=f"site {i}",
            payload={"name": f"site {i}", "geometry": {"type": "Point", "coordinates": [i, 1]}},
            chunk_index=0,
        )
        for i in range(n)
    ]
    targets.append(
        Target(
            key="99",
            feature_id=99,
            name="bad",
            status=TargetStatus.SKIPPED,
            reason="geometry is empty",
        )
    )
    chunk = Chunk(index=0, bulk_id=new_uuid(), target_keys=[t.key for t in targets[:n]])
    return BulkJob(
        endpoint=endpoint,
        layer=LayerRef("lid", "sites", "/data/sites.gpkg", "ogr", "EPSG:4326"),
        parameters={"scheduling_type": "FLEXIBLE"},
        targets=targets,
        chunks=[chunk],
        state="running",
    )


@pytest.fixture
def store(tmp_path):
    """A store on a temporary file, closed after the test: its writer thread ends with it."""
    opened = JobStore(str(tmp_path / "jobs.sqlite"))
    yield opened
    opened.close()


def test_round_trip_keeps_everything(store):
    job = _job()
    job.record_result("1", TargetStatus.SUCCEEDED, order_id="ord-1", bulk_id=job.chunks[0].bulk_id)
    job.targets[1].warnings.append("name used twice")
    store.save_job(job)
    again = store.load_job(job.job_id)
    assert again.to_dict() == job.to_dict()
    assert again.target("1").attempts[0].order_id == "ord-1"


def test_piecewise_updates_and_summaries(store):
    job = _job(n=4)
    store.save_job(job)
    job.chunks[0].state = ChunkState.ACCEPTED
    store.save_chunks(job.job_id, job.chunks)
    changed = [
        job.record_result("0", TargetStatus.FAILED, reason="latitude 95 is outside"),
        job.record_result("2", TargetStatus.SUCCEEDED, order_id="o2"),
    ]
    store.save_targets(job, changed)
    store.set_state(job.job_id, "done")
    again = store.load_job(job.job_id)
    assert again.chunks[0].state == ChunkState.ACCEPTED
    assert again.target("0").reason == "latitude 95 is outside"
    assert [t.key for t in again.targets] == [t.key for t in job.targets]  # order kept
    [summary] = store.list_jobs()
    assert summary.layer_name == "sites" and summary.state == "done"
    assert summary.counts["failed"] == 1 and summary.counts["succeeded"] == 1
    assert summary.counts["skipped"] == 1 and summary.counts["total"] == 5
    assert store.find_order("o2") == (job.job_id, "2")
    assert store.unfinished_job_ids() == []


def test_unfinished_jobs_are_listed_and_deleted_jobs_vanish(store):
    a, b = _job(), _job()
    b.state = "done"
    store.save_job(a)
    store.save_job(b)
    assert store.unfinished_job_ids() == [a.job_id]
    store.delete_job(a.job_id)
    assert [s.job_id for s in store.list_jobs()] == [b.job_id]


def test_file_never_holds_the_key(tmp_path, monkeypatch):
    key = "PLAKsecret0123456789"
    monkeypatch.setenv("PL_API_KEY", key)
    path = tmp_path / "jobs.sqlite"
    store = JobStore(str(path))
    store.save_job(_job())
    store.close()
    for name in os.listdir(tmp_path):
        assert key.encode() not in (tmp_path / name).read_bytes()


def test_a_committed_job_survives_sigkill(tmp_path):
    """The write-ahead promise: once save_job returns, a killed process loses nothing."""
    path = tmp_path / "jobs.sqlite"
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    script = textwrap.dedent(f"""
        import os, signal, sys
        sys.path.insert(0, {os.path.join(root, "scripts")!r})
        import plugin_path; plugin_path.ensure_importable()
        from planet_bulk_tasking.core.model.job import BulkJob, Target
        from planet_bulk_tasking.core.model.store import JobStore
        store = JobStore({str(path)!r})
        job = BulkJob(job_id="job-1", targets=[Target(key=str(i), feature_id=i, name=str(i))
                                               for i in range(1000)], state="running")
        store.save_job(job)
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=60)
    assert done.returncode == -9, done.stderr
    job = JobStore(str(path)).load_job("job-1")
    assert len(job.targets) == 1000
