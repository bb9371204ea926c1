"""The dock's sending side: Submit (build, ask before spending, hand the job to the
JobManager), Cancel and what is true after it, and what the running job reports (progress,
retries, the end). A mixin of PlanetBulkTaskingDock: it uses the dock's panels and manager."""

import html
from datetime import datetime, timezone
from typing import Optional

from qgis.core import Qgis
from qgis.PyQt.QtCore import QCoreApplication

from ..core.model.job import BulkJob, JobState
from ..core.outputs.job_facts import ended_counts, live_orders, sent_facts
from . import build_task, sending
from .preview_panel import summarize
from .results_model import BIG_JOB
from .results_proxy import ResultsProxy
from .status import utc_text
from .widgets import plural


def tr(text: str) -> str:
    # self.tr's context on the dock: the words keep their translations wherever they live
    return QCoreApplication.translate("PlanetBulkTaskingDock", text)


class DockSending:
    def submit(self, confirm: bool = True) -> bool:
        """Build (or reuse the fresh preview), ask before spending (not in practice mode)
        and hand the job to the JobManager, which writes it to disk before any request.
        False if nothing started."""
        problems = self.submit_problems()
        if problems:
            self.update_submit_state()
            return False
        layer = self.compose.layer()
        if (
            not self._preview_fresh
            and layer is not None
            and self.compose.feature_count() >= build_task.BUILD_IN_BACKGROUND_FROM
        ):
            return self._build_then_send(layer, confirm)
        job = self._preview_job if self._preview_fresh else self.preview()
        self._preview_fresh = False
        self._preview_job = None
        if job is None:
            return False
        return self._send(job, confirm)

    def _build_then_send(self, layer, confirm: bool) -> bool:
        """Many features: the click only captures what the build needs (prepare_build)
        and returns; the job is built on a thread, then asked about and sent
        (``_on_built``). Nothing is sent before the answer."""
        self._preview_fresh = False
        self._preview_job = None
        plan = self._prepare_build(layer)
        if plan is None:
            return False
        n = self.compose.feature_count()
        what = (layer.name(), n)

        def built(how, job, error):
            self._building = None
            engine = task.engine
            task.deleteLater()
            self._on_built(how, job, error, what, confirm, engine)

        self._building = n
        task = build_task.start_build(plan, self, built)
        self._build_task = task
        self.update_submit_state()
        return True

    def _on_built(self, how: str, job, error, what: tuple, confirm: bool, engine) -> None:
        layer_name, n = what
        self._build_task = None
        if self._is_shut_down:
            return
        self.update_submit_state()
        if how == "cancelled":
            self.notices.push(
                tr("Not sent"),
                tr(
                    "Preparing the orders of {n} features of layer {layer} was cancelled: "
                    "nothing was sent."
                ).format(n=f"{n:,}", layer=layer_name),
                Qgis.MessageLevel.Info,
            )
        elif how == "failed" or job is None:
            self.notices.push(
                tr("Planet Bulk Tasking"),
                tr(
                    "The orders of {n} features of layer {layer} could not be prepared, "
                    "nothing was sent: {error}"
                ).format(n=f"{n:,}", layer=layer_name, error=error),
                Qgis.MessageLevel.Critical,
            )
        else:
            self._send(job, confirm, (engine.summary, engine.hints))

    def _send(self, job: BulkJob, confirm: bool, known: Optional[tuple] = None) -> bool:
        """Ask before spending, then hand the built job to the JobManager. ``known``:
        (summary, hints) the build thread worked out already (O(job) each)."""
        summary, hints = known or (summarize(job), None)
        layer = self.compose.layer()
        if summary["orders"] == 0:
            self.notices.push(
                tr("Nothing to send"),
                plural(
                    len(job.targets),
                    tr("The only target was skipped: see the preview for why."),
                    tr("All {n} targets were skipped: see the preview for why."),
                ).format(n=len(job.targets)),
                Qgis.MessageLevel.Warning,
            )
            self.preview_panel.show_job(job)
            return False
        try:
            endpoint = self.settings.job_endpoint()  # practice: starts the sandbox now
        except OSError as exc:  # the practice sandbox could not start
            self.notices.push(
                tr("Practice sandbox"),
                tr("The practice sandbox could not start: {error}").format(error=exc),
                Qgis.MessageLevel.Critical,
            )
            return False
        if not self.settings.api_key():
            self.update_submit_state()
            return False
        job.endpoint = endpoint
        if confirm and not self.settings.is_practice():
            if not self.confirm_sending(job, summary):
                self.preview_panel.show_job(job)
                return False
            if self.last_answer == sending.LEAVE_OUT:  # targets were skipped: count again
                summary, hints = summarize(job), None
        self.preview_panel.show_job(job, summary=summary, hints=hints)
        self._job_id = job.job_id
        self.results.set_job(job, layer, running=True)
        self.results.set_filter(ResultsProxy.FILTER_ALL)
        self.results.set_running(True)
        self.results.progress.set_state(
            plural(
                summary["bulks"],
                tr("Sending {orders} orders to {where} in 1 bulk request…"),
                tr("Sending {orders} orders to {where} in {bulks} bulk requests…"),
            ).format(where=self.settings.endpoint_label(), **summary)
        )
        try:
            # a big job is written ahead by the store's thread; its run starts once on disk
            self.manager.submit(job, background_save=len(job.targets) >= BIG_JOB)
        except Exception as exc:  # the job store could not be written: nothing was sent
            self.results.set_running(False)
            self.notices.push(
                tr("Planet Bulk Tasking"),
                tr("The job could not be saved, nothing was sent: {error}").format(error=exc),
                Qgis.MessageLevel.Critical,
            )
            return False
        self._remember_in_project(job.job_id)
        self._key_sources[job.job_id] = self.settings.key_source()
        self.preview_panel.mark_stale(
            tr("This was sent (job of {when} UTC): preview again before sending more.").format(
                when=utc_text(job.created_time)
            )
        )
        self.tabs.setCurrentIndex(self.TAB_RESULTS)
        self.update_submit_state()
        if len(job.targets) < BIG_JOB:
            # a big job is still being written ahead: the Jobs list shows it once it is on
            # disk (job_added / job_changed refresh it), not from a count now
            self.refresh_jobs()
        self.jobs.select_job(job.job_id, emit=False)
        self.job_started.emit(job.job_id)
        return True

    def confirm_sending(self, job: BulkJob, summary: dict) -> bool:
        """Ask before orders go to Planet: how many, where, contract, window, scheduling,
        and features that already have live orders (which may be left out)."""
        live = live_orders(self.services.store, job)
        destination = self.settings.endpoint_label()
        if not self.settings.is_practice() and destination != self.settings.base_url():
            destination += f" ({self.settings.base_url()})"
        text = sending.question(job, summary, destination, live)
        self.last_confirmation = text
        answer = self.ask_choice(tr("Send orders to Planet?"), text, sending.choices(summary, live))
        self.last_answer = answer
        if answer == sending.LEAVE_OUT:
            n = sending.leave_out(job, live)
            if summarize(job)["orders"] == 0:
                self.notices.push(
                    tr("Nothing to send"),
                    plural(
                        n,
                        tr("The only feature already has a live order: nothing was sent."),
                        tr("All {n} features already have live orders: nothing was sent."),
                    ).format(n=n),
                    Qgis.MessageLevel.Info,
                )
                return False
            return True
        if answer != sending.SEND_ALL:
            self.notices.push(tr("Not sent"), tr("Nothing was sent."), Qgis.MessageLevel.Info)
            return False
        return True

    def cancel(self):
        """Stop sending. What Planet already accepted cannot be stopped by this: the
        state line says so, and offers to cancel those orders."""
        if self._build_task is not None:  # still preparing: nothing was sent
            self._build_task.cancel()
            return
        if self.is_running():
            self._cancelled.add(self._job_id)
            self.manager.cancel(self._job_id)
            self._show_cancel_state(self._job_id)

    def _show_cancel_state(self, job_id: str):
        job = self.manager.jobs.get(job_id)
        if job is None or job_id != self._job_id:
            return
        facts = sent_facts(job)
        text = tr("<b>Sending cancelled</b>: {text}").format(
            text=sending.cancelled_text(facts, following=self.is_running())
        )
        self.results.progress.set_state(text)

    def cancel_accepted_orders(self, job_id: Optional[str] = None, confirm: bool = True):
        """Cancel the orders of the bulks Planet accepted before a cancel: those created
        now, the others as Planet creates them."""
        job_id = job_id or self._job_id
        job = self.manager.jobs.get(job_id) if job_id else None
        if job is None:
            return None
        facts = sent_facts(job)
        keys = facts["reach_keys"]  # accepted bulks, and those Planet may have got
        if not keys:
            return None
        text = plural(
            facts["accepted_orders"],
            tr("Cancel the order of the bulk request Planet accepted?"),
            tr("Cancel the {n} orders of the bulk requests Planet accepted?"),
        ).format(n=f"{facts['accepted_orders']:,}")
        text += "\n\n" + tr(
            "{created} are created now and are cancelled at once; the others are cancelled "
            "as soon as Planet creates them. Cancelling an order that starts within 24 hours "
            "may be charged. This cannot be undone."
        ).format(created=f"{facts['created']:,}")
        self.last_confirmation = text
        if confirm and not self.ask(tr("Cancel orders"), text):
            return None
        task = self.manager.cancel_when_created(job_id, keys)
        self.results.progress.set_state(
            tr("Cancelling the orders Planet accepted ({n})…").format(
                n=f"{facts['accepted_orders']:,}"
            )
        )
        return task

    @staticmethod
    def _step(counts: dict) -> tuple:
        """What moves when a request gets through (retries alone do not move it)."""
        keys = ("chunks_accepted", "chunks_complete", "chunks_rejected", "succeeded", "failed")
        return tuple(counts.get(k, 0) for k in keys)

    def _on_retrying(self, job_id: str, attempt: int, limit: int, words: str):
        """The client retries: say so now ("Cannot connect to host:port, retrying 2/5…")."""
        job = self.manager.jobs.get(job_id)
        step = self._step(self.results.progress.last_counts) if job_id == self._job_id else ()
        text = tr("{what}, retrying {n}/{limit}…").format(
            what=words[:1].upper() + words[1:], n=attempt, limit=limit
        )
        self._trouble[job_id] = (text, step)
        if job_id == self._job_id and job is not None:
            self.results.progress.set_state(
                "<span style='color:#b35900'>" + html.escape(text) + "</span>"
            )

    def _on_progress(self, job_id: str, counts: dict):
        if job_id != self._job_id:
            return
        job = self.manager.jobs.get(job_id)
        if job is not None and not self.results.progress.running:
            # a cancelled job still followed: "Not sent" is what was never posted
            counts = dict(counts, unsent=self.results.job_counts(job).get("unsent", 0))
        self.results.progress.set_counts(counts)
        chunks = counts.get("chunks", 0)
        trouble = self._trouble.get(job_id)
        if trouble is not None and trouble[1] == self._step(counts):
            return  # nothing got through since the last retry: keep saying so
        self._trouble.pop(job_id, None)
        if job_id in self._cancelled:
            self._show_cancel_state(job_id)
        elif chunks and self.is_running():
            accepted = counts.get("chunks_accepted", 0) + counts.get("chunks_complete", 0)
            self.results.progress.set_state(
                plural(
                    chunks,
                    tr(
                        "{accepted} of 1 bulk request accepted; "
                        "waiting for Planet to create the orders…"
                    ),
                    tr(
                        "{accepted} of {chunks} bulk requests accepted; "
                        "waiting for Planet to create the orders…"
                    ),
                ).format(accepted=accepted, chunks=chunks)
                + self._server_note(counts)
            )

    def _server_note(self, counts: dict) -> str:
        """Results being read, and waits the server asked for (capped per job)."""
        note = ""
        if counts.get("results_read"):
            note += tr(" {n} results read.").format(n=counts["results_read"])
        if counts.get("server_wait", 0) >= 1:
            note += tr(
                " The server asked to wait: {used:.0f} s so far (at most {limit:.0f} s)."
            ).format(used=counts["server_wait"], limit=counts.get("server_wait_limit", 0))
        return note

    def _ended_text(self, job: BulkJob) -> tuple:
        c = ended_counts(job)
        if not c["created"] and not c["doubt"] and not (c["sent"] and c["failed"]):
            # nothing reached Planet's order book: say it plainly (money is real)
            parts = [tr("nothing was created")]
        else:
            parts = [tr("{n} orders created").format(n=c["created"])]
        if c["failed"]:
            parts.append(tr("{n} failed").format(n=c["failed"]))
        if c["skipped"]:
            parts.append(tr("{n} skipped").format(n=c["skipped"]))
        if c["unsent"]:
            parts.append(tr("{n} not sent").format(n=c["unsent"]))
        if c["doubt"]:
            parts.append(tr("{n} sent but not confirmed (still followed)").format(n=c["doubt"]))
        return ", ".join(parts), c["failed"]

    def key_words(self, job_id: str, error) -> str:
        """A refused key (401/403), said with where that key came from."""
        from ..core.credentials import ENV_KEY
        from ..core.tasking.errors import AuthenticationError, PermissionDeniedError

        source = self._key_sources.get(job_id) or self.settings.key_source()
        where = {
            "env": tr("the API key from the {env} environment variable").format(env=ENV_KEY),
            "authcfg": tr("the API key of the authentication configuration “{cfg}”").format(
                cfg=self.settings.authcfg_name()
            ),
            "practice": tr("the practice sandbox's key"),
        }.get(source, tr("the API key"))
        if isinstance(error, AuthenticationError):
            fix = (
                tr("change {env} and restart QGIS, or choose a configuration in Settings")
                if source == "env"
                else tr("check it in Settings")
            ).format(env=ENV_KEY)
            return tr("Planet refused {where} (401, not valid): {fix}").format(where=where, fix=fix)
        if isinstance(error, PermissionDeniedError):
            return tr(
                "Planet accepted {where} but it may not task (403): tasking needs a contract "
                "that includes it"
            ).format(where=where)
        return ""

    def _on_job_ended(self, job_id: str, how: str, error):
        self._jobs_timer.start()
        self._trouble.pop(job_id, None)
        job = self.manager.jobs.get(job_id)
        if job is None:
            return
        text, failed = self._ended_text(job)
        facts = None
        if how == "cancelled":
            title, level = tr("Sending cancelled"), Qgis.MessageLevel.Info
            facts = sent_facts(job)
            following = job.state == JobState.FOLLOWING
            if following:
                self._followed.add(job_id)  # _after_follow says what exists at the end
            else:
                self._cancelled.discard(job_id)
            text = sending.cancelled_text(facts, following).rstrip(".")
            if facts["accepted_bulks"]:
                level = Qgis.MessageLevel.Warning
        elif how == "failed":
            title, level = tr("Sending stopped"), Qgis.MessageLevel.Critical
            key_refused = self.key_words(job_id, error)
            if key_refused:
                self.results.refused_jobs.add(job_id)  # its bulks never got in
            message = key_refused or (getattr(error, "user_message", None) or str(error or ""))
            if message:
                text = message + " — " + text
        else:
            title = tr("Orders sent")
            level = Qgis.MessageLevel.Warning if failed else Qgis.MessageLevel.Success
        shown = job_id == self._job_id
        if shown:
            self.results.refresh_all(everything=False)  # every result came row by row
            self.results.update_result_layer()
            self.results.set_running(False)
            ended_at = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M")
            self.results.progress.set_state(
                tr("<b>{title}</b> ({time} UTC): {text}.").format(
                    title=title, time=ended_at, text=text
                )
            )
        else:  # a job resumed in the background (e.g. after QGIS restarted)
            text = tr("Job of {when} UTC (layer {layer}): {text}").format(
                when=utc_text(job.created_time), layer=job.layer.name, text=text
            )
        if facts is not None and facts["accepted_bulks"]:
            self.notices.push(
                title,
                text,
                level,
                button_text=tr("Cancel these orders"),
                callback=lambda: self.cancel_accepted_orders(job_id),
            )
        elif failed:
            self.notices.push(
                title,
                text,
                level,
                button_text=tr("Show failed"),
                callback=lambda: self.show_failed(job_id),
            )
        else:
            self.notices.push(title, text, level)
        self.update_submit_state()
        self.job_ended.emit(job_id, how)

    def show_failed(self, job_id: Optional[str] = None):
        """Show the failed rows: Results tab, failed filter, dock raised."""
        self.show_rows(job_id, ResultsProxy.FILTER_FAILED)
