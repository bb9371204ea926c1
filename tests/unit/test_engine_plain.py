"""The submit engine from plain Python, as a script or Processing drives it: no Qt, no QGIS
layer, no event loop. A job made of plain targets, real HTTP to the sandbox (or a server
that stalls) on 127.0.0.1, the engine's reports written through a real JobStore."""

import threading

from hostile_server import HostileServer, MiniTasking
from planet_bulk_tasking.core.engine.submit import SubmitEngine, record_event
from planet_bulk_tasking.core.model.chunking import make_chunks
from planet_bulk_tasking.core.model.job import BulkJob, ChunkState, JobState, Target, TargetStatus
from planet_bulk_tasking.core.model.store import JobStore
from planet_bulk_tasking.core.tasking.client import TaskingClient
from sandbox_support import SANDBOX_KEY, server_orders, wait_for


def plain_job(base_url: str, n: int, per_bulk: int = 1000) -> BulkJob:
    targets = [
        Target(
            key=str(i),
            feature_id=i,
            name=f"plain {i}",
            payload={
                "name": f"plain {i}",
                "geometry": {"type": "Point", "coordinates": [10 + i / 1000, 45.0]},
            },
        )
        for i in range(n)
    ]
    return BulkJob(
        endpoint=base_url, targets=targets, chunks=make_chunks(targets, max_payloads=per_bulk)
    )


def factory(base_url: str):
    return lambda stop_event=None: TaskingClient(
        base_url, SANDBOX_KEY, stop_event=stop_event, backoff_base=0.05
    )


class Recorder:
    """on_event: every report applied to the owner's job and written to the store."""

    def __init__(self, job: BulkJob, store: JobStore):
        self.job, self.store, self.names = job, store, []

    def __call__(self, name, *args):
        self.names.append((name, args[0] if args else None))
        record_event(self.job, self.store, name, args)


def test_a_whole_job_on_the_calling_thread_written_ahead(sandbox, tmp_path):
    job = plain_job(sandbox.base_url, 1500)  # two bulks
    store = JobStore(str(tmp_path / "jobs.sqlite"))
    try:
        job.state = JobState.RUNNING
        store.save_job(job)  # before any request
        recorder = Recorder(job, store)
        engine = SubmitEngine(
            job, factory(sandbox.base_url), min_poll_interval=0.05, on_event=recorder
        )
        how = engine.run()
        assert how == "finished", engine.error
        job.apply_run_end(how)
        store.set_state(job.job_id, job.state)
        store.flush()
        assert job.state == JobState.DONE and engine.job is None  # the copy is freed
        assert job.counts()[TargetStatus.SUCCEEDED] == 1500
        # each chunk announced before its POST, accepted after it
        events = [(n, a) for n, a in recorder.names if n.startswith("chunk_")]
        for c in job.chunks:
            posting = events.index(("chunk_posting", c.index))
            assert posting < events.index(("chunk_accepted", c.index))
        last = [a for n, a in recorder.names if n == "progress"][-1]
        assert (last["succeeded"], last["chunks_complete"], last["processing"]) == (1500, 2, 0)
        saved = store.load_job(job.job_id)
        assert saved.state == JobState.DONE and store.unfinished_job_ids() == []
        assert all(c.state == ChunkState.COMPLETE for c in saved.chunks)
        assert {t.order_id for t in saved.targets} == {
            o["id"] for o in server_orders(sandbox.base_url)
        }
    finally:
        store.close()


def test_cancel_returns_promptly_while_the_server_stalls():
    """The POST's answer never comes (the server drips headers): cancel() aborts the request
    the engine holds; run() returns "cancelled" at once, the chunk left POSTING for a resume
    that asks with the same bulk id."""
    stall = lambda req, conn: (  # noqa: E731
        conn.send(b"HTTP/1.1 202 Accepted\r\n"),
        conn.drip(b"X-Slow: a\r\n", 0.5, forever=True),
    )
    srv = HostileServer(MiniTasking(post=stall))
    try:
        job = plain_job(srv.base_url, 5)
        posting = threading.Event()
        engine = SubmitEngine(
            job,
            lambda stop_event=None: TaskingClient(srv.base_url, SANDBOX_KEY, stop_event=stop_event),
            on_event=lambda name, *args: name == "chunk_posting" and posting.set(),
        )
        got = []
        runner = threading.Thread(target=lambda: got.append(engine.run()))
        runner.start()
        assert posting.wait(5) and wait_for(lambda: srv.count("POST") >= 1, 5)
        engine.cancel()
        runner.join(2.0)
        assert not runner.is_alive(), "run() did not return within 2 s of cancel()"
        assert got == ["cancelled"] and engine.error is None
        assert {t.status for t in job.targets} == {TargetStatus.READY}  # the owner's job
    finally:
        srv.close()


def test_a_cancel_check_stops_it_like_cancel(sandbox):
    """Processing hands its feedback's isCanceled: the engine asks it while it waits."""
    job = plain_job(sandbox.base_url, 300, per_bulk=100)
    accepted = []

    def on_event(name, *args):
        if name == "chunk_accepted":
            accepted.append(args[0])

    engine = SubmitEngine(
        job, factory(sandbox.base_url), max_in_flight=1, on_event=on_event,
        cancelled=lambda: bool(accepted),
    )  # fmt: skip
    assert engine.run() == "cancelled"
    assert accepted == [0]  # nothing posted after the check said stop
    assert sandbox.counters["bulks_created"] == 1
