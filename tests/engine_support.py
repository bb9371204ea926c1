"""A SubmitEngine on its BackgroundJob (QThread), the test's job kept in step with what it
reports, everything recorded: what JobManager does, without the store."""

import time

from planet_bulk_tasking.core.engine.submit import SubmitEngine, record_event
from planet_bulk_tasking.core.jobs.background import BackgroundJob
from planet_bulk_tasking.core.model.job import BulkJob, PayloadOutcome
from support import wait_until


class Run:
    """``Run(job, client_factory, **engine_options)``: started at once."""

    def __init__(self, job: BulkJob, client_factory, **engine_options):
        self.job = job
        self.engine = SubmitEngine(job, client_factory, **engine_options)
        self.runner = BackgroundJob(self.engine, f"pbt-test-{job.job_id[:8]}")
        self.how = None
        self.error = None
        self.ended_at = None
        self.posting, self.accepted, self.rejected = [], [], {}
        self.batches, self.outcomes, self.progress = 0, 0, {}
        self.runner.reported.connect(self._on_event)
        self.runner.ended.connect(self._on_ended)
        self.started_at = time.monotonic()
        job.state, job.error = "running", None
        self.runner.start()

    def _on_event(self, name, args):
        record_event(self.job, None, name, args)
        if name == "chunk_posting":
            self.posting.append(args[0])
        elif name == "chunk_accepted":
            self.accepted.append(args)
        elif name == "chunk_rejected":
            self.rejected[args[0]] = args[1]
        elif name == "progress":
            self.progress = args[0]
        elif name == "results":
            self.batches += 1
            self.outcomes += len(args[0])
            assert all(isinstance(o, PayloadOutcome) for o in args[0])

    def _on_ended(self, how):
        self.error = self.runner.error if how == "failed" else None
        self.job.apply_run_end(how, self.error)
        self.how, self.ended_at = how, time.monotonic()

    def wait(self, timeout: float = 30.0) -> str:
        assert wait_until(lambda: self.how is not None, timeout), (
            f"no end after {timeout} s: {self.progress}"
        )
        assert self.runner.stop(5000)
        return self.how
