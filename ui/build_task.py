"""A Submit click's build, off the main thread: ``prepare_build`` ran on the main thread
(cheap: no feature read); ``BuildPlan.job()`` runs here, on a BackgroundJob's QThread
(100,000 features: seconds). The dock asks before spending once the job is back."""

from qgis.core import QgsFeedback

from ..core.engine.base import CANCELLED, FAILED, FINISHED
from ..core.jobs.background import BackgroundJob
from ..core.targets.build import BuildCancelled
from ..core.targets.hints import job_hints
from .preview_panel import summarize

#: a Submit of at least this many features builds off the main thread (fewer build in
#: well under 100 ms: the click then asks at once, as it always did)
BUILD_IN_BACKGROUND_FROM = 10_000


class BuildEngine:
    """The engine shape BackgroundJob runs (run / cancel / on_event / error)."""

    def __init__(self, plan):
        self.plan = plan
        self.feedback = QgsFeedback()
        self.on_event = None
        self.error = None
        self.job = None
        self.summary = self.hints = None  # what the dock shows of it, worked out here too

    def run(self) -> str:
        try:
            self.job = self.plan.job(self.feedback)
            self.summary = summarize(self.job)
            self.hints = job_hints(self.job.targets)
        except BuildCancelled:
            return CANCELLED
        except Exception as exc:  # reported in words on the main thread, nothing sent
            self.error = exc
            return FAILED
        finally:
            self.plan = None  # the layer's captured source goes with the thread's work
        return CANCELLED if self.feedback.isCanceled() else FINISHED

    def cancel(self) -> None:
        self.feedback.cancel()


def start_build(plan, parent, on_end) -> BackgroundJob:
    """Build ``plan``'s job on its own thread; ``on_end(how, job, error)`` on the caller's
    thread ("finished" | "cancelled" | "failed")."""
    engine = BuildEngine(plan)
    task = BackgroundJob(engine, "pbt-build", parent)
    # a cancel on the caller's thread wins even if the build had just finished: the
    # answer it gets is the one the user asked for
    task.ended.connect(
        lambda how: on_end(
            CANCELLED if engine.feedback.isCanceled() else how, engine.job, engine.error
        )
    )
    return task.start()
