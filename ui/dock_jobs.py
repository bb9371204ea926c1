"""The dock's jobs side: the Jobs list, a job shown in Results (linked to its layer when
the project has it), resume, forget, the project's own job list, and what the manager
reports about jobs (added, changed, resumed at start, followed after a cancel). A mixin of
PlanetBulkTaskingDock."""

import logging
from dataclasses import replace
from typing import List, Optional

from qgis.core import Qgis, QgsProject
from qgis.PyQt.QtCore import QCoreApplication

from ..core.identity import PLUGIN_ID
from ..core.layers import find_layer
from ..core.model.job import BulkJob, ChunkState, JobState
from ..core.outputs.job_facts import sent_facts
from . import sending
from .jobs_panel import confirm_forget_text, endpoint_label
from .status import utc_text
from .widgets import plural

PROJECT_SCOPE = PLUGIN_ID
PROJECT_JOBS_KEY = "jobs"

log = logging.getLogger(__name__)


def tr(text: str) -> str:
    # self.tr's context on the dock: the words keep their translations wherever they live
    return QCoreApplication.translate("PlanetBulkTaskingDock", text)


_REPORTED_MOVES = (ChunkState.POSTING, ChunkState.ACCEPTED, ChunkState.COMPLETE)


class DockJobs:
    @staticmethod
    def project_job_ids() -> List[str]:
        ids, _ok = QgsProject.instance().readListEntry(PROJECT_SCOPE, PROJECT_JOBS_KEY)
        return list(ids or [])

    def _remember_in_project(self, job_id: str):
        """The project lists the jobs sent from it (saved with the project)."""
        ids = self.project_job_ids()
        if job_id not in ids:
            QgsProject.instance().writeEntry(PROJECT_SCOPE, PROJECT_JOBS_KEY, ids + [job_id])

    def _watch_saved_orders(self):
        if self._is_shut_down:
            return
        try:
            self.manager.watch_saved_orders()
        except Exception:  # a damaged store must not break the dock
            log.exception("could not start watching the saved orders")

    def _on_jobs_resumed(self, job_ids: list):
        """QGIS closed mid-run and a new QGIS carried the jobs on: say so, once."""
        if self._is_shut_down:
            return
        fresh = [j for j in job_ids if j not in self._resumes_announced]
        self._resumes_announced.update(fresh)
        jobs = [self.manager.jobs.get(j) for j in fresh]
        jobs = [j for j in jobs if j is not None]
        if not jobs:
            return
        first = jobs[0]
        text = plural(
            len(jobs),
            tr(
                "The job of {when} UTC (layer {layer}) was left unfinished when QGIS closed: "
                "it carries on now; nothing is sent twice."
            ),
            tr(
                "{n} jobs were left unfinished when QGIS closed (e.g. the job of {when} UTC, "
                "layer {layer}): they carry on now; nothing is sent twice."
            ),
        ).format(n=len(jobs), when=utc_text(first.created_time), layer=first.layer.name or "?")
        self.notices.push(
            tr("Jobs resumed"),
            text,
            Qgis.MessageLevel.Info,
            button_text=tr("Show"),
            callback=lambda: self.open_job(first.job_id),
        )

    def _on_job_added(self, job_id: str):
        self._jobs_timer.start()

    def _on_job_changed(self, job_id: str):
        if not self._jobs_changed_timer.isActive():
            self._jobs_changed_timer.start()
        if job_id == self._job_id and not self._rows_timer.isActive():
            self._rows_timer.start()  # chunk states: READY -> SUBMITTED rows
        if job_id in self._followed and not self.manager.is_running(job_id):
            job = self.manager.jobs.get(job_id)
            if job is not None and job.state not in (JobState.FOLLOWING, JobState.RUNNING):
                self._followed.discard(job_id)
                self._cancelled.discard(job_id)
                self._after_follow(job)

    def _after_follow(self, job: BulkJob):
        """A cancelled job's accepted bulks were followed to the end: say what exists."""
        facts = sent_facts(job)
        if not facts["accepted_bulks"]:
            return
        if job.job_id == self._job_id:
            self._show_cancel_state(job.job_id)
            self.results.refresh_all()
        text = sending.cancelled_text(facts, following=False)
        if facts["created"] and not self.manager.cancel_pending(job.job_id):
            self.notices.push(
                tr("Cancelled job"),
                text,
                Qgis.MessageLevel.Warning,
                button_text=tr("Cancel these orders"),
                callback=lambda: self.cancel_accepted_orders(job.job_id),
            )
        else:
            self.notices.push(tr("Cancelled job"), text, Qgis.MessageLevel.Info)

    def _on_targets_changed(self, job_id: str, keys: list):
        if not self._jobs_counts_timer.isActive():
            self._jobs_counts_timer.start()
        if job_id == self._job_id:
            self.results.refresh_keys(keys)
            if not self._layer_timer.isActive():
                self._layer_timer.start()

    def _refresh_shown_job(self):
        """The rows of the chunks whose state moved since the last look (a chunk posted:
        its rows READY -> SUBMITTED): work per chunk moved, not per job (100,000 rows
        re-read after every chunk froze QGIS for seconds)."""
        job = self.results.job()
        if not self._job_id or job is None:
            return
        states = [c.state for c in job.chunks]
        seen = self._chunk_states.get(job.job_id)
        self._chunk_states = {job.job_id: states}
        if seen is None:  # the first look at this job (set_job made its caches)
            self.results.refresh_all(everything=False)
            return
        # a chunk posted, accepted or complete: its rows change with the engine's result
        # reports, which refresh them (a second refresh of 1,000 rows per chunk move was
        # one of the longest main-thread turns at 100,000 targets)
        keys = [
            k
            for i, c in enumerate(job.chunks)
            if (i >= len(seen) or seen[i] != c.state) and c.state not in _REPORTED_MOVES
            for k in c.target_keys
        ]
        if keys:
            self.results.refresh_keys(keys)
            if not self._layer_timer.isActive():
                self._layer_timer.start()

    def _refresh_jobs_if_shown(self):
        """The Jobs list while jobs run: refreshed when it is the tab shown, else when it
        is next shown (each refresh counts a running job's targets in SQL: 0.1 s at
        100,000, every few hundred ms while chunks move)."""
        if self.tabs.currentIndex() == self.TAB_JOBS:
            self.refresh_jobs()
        else:
            self._jobs_stale = True

    def _on_tab_changed(self, index: int):
        if index == self.TAB_JOBS and self._jobs_stale:
            self.refresh_jobs()

    def refresh_jobs(self):
        self._jobs_stale = False
        counted = {}
        for job_id, job in self.manager.jobs.items():
            # running or shown: in memory, the truth, and changing (in SQL: 0.3 s at 100,000)
            if job_id == self._job_id or self.manager.is_running(job_id):
                counts = job.counts()
                del counts["total"]
                counts["features"] = len({t.feature_id for t in job.targets})
                counted[job_id] = counts
        try:
            summaries = self.services.store.list_jobs(wait=False, counted=counted)
        except Exception:  # store closed (unloading) or damaged: keep the last list
            return
        # in memory, the truth: its state may still be on its way to disk
        summaries = [
            replace(s, state=self.manager.jobs[s.job_id].state) if s.job_id in counted else s
            for s in summaries
        ]
        running = {s.job_id for s in summaries if self.manager.is_running(s.job_id)}
        self.jobs.refresh(summaries, running, set(self.project_job_ids()))

    def show_job(self, job_id: str) -> Optional[BulkJob]:
        """Load a job (from memory or disk) into the results table, linked to its layer if
        the layer is in the project."""
        try:
            job = self.manager.job(job_id)
        except KeyError:
            return None
        self._job_id = job_id
        layer = find_layer(job.layer)
        running = self.manager.is_running(job_id)
        self.results.set_job(job, layer, running=running)
        self._link_note(job, layer)
        self.results.set_running(running)
        state = self.jobs.model.state_label(
            JobState.RUNNING
            if running
            else (JobState.INTERRUPTED if job.state == JobState.RUNNING else job.state)
        )
        self.results.progress.set_state(
            tr("Job of {when} UTC · layer {layer} · sent to {where} · {state}").format(
                when=utc_text(job.created_time),
                layer=job.layer.name or "?",
                where=endpoint_label(job.endpoint),
                state=state,
            )
        )
        self.jobs.select_job(job_id, emit=False)
        self.update_submit_state()
        return job

    def show_rows(self, job_id: Optional[str], filter_name: str):
        """The job's rows under this filter: Results tab, dock raised (a notice's button)."""
        if job_id and job_id != self._job_id:
            self.show_job(job_id)
        self.results.set_filter(filter_name)
        self.tabs.setCurrentIndex(self.TAB_RESULTS)
        self.show()
        self.raise_()

    def open_job(self, job_id: str):
        if self.show_job(job_id) is not None:
            self.tabs.setCurrentIndex(self.TAB_RESULTS)

    def _link_note(self, job: BulkJob, layer):
        note = ""
        if layer is None:
            note = tr(
                "Layer “{layer}” is not in the project: the orders are shown without links "
                "to its features. Add the layer again to restore them."
            ).format(layer=job.layer.name or "?")
        self.results.set_source_layer(layer, note)

    def _on_layers_added(self, layers):
        """A layer came (back): link the shown job's rows to its features again."""
        job = self.results.job()
        if job is None or self.results.source_layer() is not None:
            return
        layer = find_layer(job.layer)
        if layer is not None:
            self._link_note(job, layer)

    def resume_job(self, job_id: str) -> bool:
        try:
            self.manager.resume(job_id)
        except Exception as exc:
            self.notices.push(tr("Could not resume"), str(exc), Qgis.MessageLevel.Critical)
            return False
        self.show_job(job_id)
        self.results.set_running(True)
        self.refresh_jobs()
        return True

    def forget_job(self, job_id: str, confirm: bool = True) -> bool:
        summary = next((s for s in self.services.store.list_jobs() if s.job_id == job_id), None)
        if summary is None:
            return False
        text = confirm_forget_text(tr, summary)
        self.last_confirmation = text
        if confirm and not self.ask(tr("Forget job"), text):
            return False
        try:
            self.manager.forget(job_id)
        except RuntimeError:
            self.notices.push(
                tr("Planet Bulk Tasking"),
                tr("The job is still running: cancel it first."),
                Qgis.MessageLevel.Warning,
            )
            return False
        if job_id == self._job_id:
            self._job_id = None
            self.results.set_job(None)
            self.results.progress.set_state(tr("No job selected."))
        self.refresh_jobs()
        return True
