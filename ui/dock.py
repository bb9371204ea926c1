"""The Planet Bulk Tasking dock: from selected features to submitted orders.

Thin wiring of the panels (Compose / Results / Jobs / Settings) to core: payloads
are built by core.payloads.create_job and handed to the plugin's JobManager
(services.manager), which writes the job to disk, sends it on its own thread,
watches the orders, resubmits, edits and cancels. The dock shows what the
manager reports through its signals. No business logic lives here.

plugin.py constructs it with ``PlanetBulkTaskingDock(iface, parent, services=...)``
and calls ``shutdown()`` before deleting it; jobs keep running without the dock.
Without services (old tests) the dock makes private ones in a temporary folder.
"""

import copy
import html
import logging
import tempfile
import time
from collections import Counter
from datetime import datetime, timezone
from typing import Dict, List, Optional

from qgis.core import Qgis, QgsApplication, QgsProject, QgsVectorLayer
from qgis.PyQt.QtCore import Qt, QTimer, pyqtSignal
from qgis.PyQt.QtWidgets import (
    QApplication,
    QDockWidget,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..core.engine.bulk_actions import starts_within_24h
from ..core.engine.monitor import FINAL_ORDER_STATES
from ..core.identity import PLUGIN_ID
from ..core.model.job import BulkJob, JobState, LayerRef, TargetStatus
from ..core.services import PluginServices
from .compose_panel import ComposePanel
from .jobs_panel import JobsPanel, confirm_forget_text, endpoint_label
from .map_links import zoom_to_features
from .notices import Notices
from .preview_panel import PreviewPanel, summarize
from .results_panel import ResultsPanel
from .results_proxy import ResultsProxy
from .settings_panel import SettingsPanel
from .status import history_lines, order_status_label, utc_text
from .widgets import WrapLabel, plural

PROJECT_SCOPE = PLUGIN_ID
PROJECT_JOBS_KEY = "jobs"


def find_layer(ref: LayerRef) -> Optional[QgsVectorLayer]:
    """The job's layer in the current project: by id, else by source and provider."""
    project = QgsProject.instance()
    layer = project.mapLayer(ref.layer_id) if ref.layer_id else None
    if isinstance(layer, QgsVectorLayer) and layer.isValid():
        return layer
    if not ref.source:
        return None
    from ..core.targets.payloads import strip_credentials

    for candidate in project.mapLayers().values():
        if (
            isinstance(candidate, QgsVectorLayer)
            and candidate.providerType() == ref.provider
            and ref.source in (candidate.source(), strip_credentials(candidate.source()))
        ):
            return candidate
    return None


BANNER_STYLE = (
    "QLabel { background: #fff3cd; color: #6b4e00; border: 1px solid #e6a117;"
    " border-radius: 3px; padding: 6px; }"
)
REASON_STYLE = "color: #b2182b;"


log = logging.getLogger(__name__)


class PlanetBulkTaskingDock(QDockWidget):
    job_started = pyqtSignal(str)  # job id
    job_ended = pyqtSignal(str, str)  # job id, "finished" | "cancelled" | "failed"

    TAB_COMPOSE, TAB_RESULTS, TAB_JOBS, TAB_SETTINGS = range(4)

    def __init__(self, iface, parent=None, services=None):
        super().__init__(parent)
        self.iface = iface
        self._own_services = services is None
        if services is None:  # old callers and tests: private services in a temporary folder
            services = PluginServices(
                data_dir=tempfile.mkdtemp(prefix="planet_bulk_tasking-"),
                client_class=lambda *a, **kw: self.make_client(*a, **kw),
            )
        self.services = services  # core.services.PluginServices: store, JobManager, practice
        self.manager = services.manager
        self.setObjectName("PlanetBulkTaskingDock")
        self.setWindowTitle(self.tr("Planet Bulk Tasking"))
        self._job_id: Optional[str] = None  # the job shown in Results
        self._moved: Dict[str, Counter] = {}  # job id -> final order states reached (session)
        self._moved_new: set = set()  # job ids with changes not announced yet
        self._announced: Dict[str, float] = {}  # job id -> time.monotonic() of its last notice
        self.last_confirmation = ""
        self.last_refused: List[tuple] = []  # (target label, reason) of the last action
        self._preview_job: Optional[BulkJob] = None
        self._preview_fresh = False
        self._last_error = None
        self._is_shut_down = False
        self._cancelled: set = set()  # job ids the analyst cancelled (state line tells the truth)
        self._followed: set = set()  # cancelled job ids whose accepted bulks are followed
        self._trouble: Dict[str, tuple] = {}  # job id -> (words, progress when it began)
        self._key_sources: Dict[str, str] = {}  # job id -> where its key came from

        root = QWidget()
        root.setMinimumWidth(360)
        layout = QVBoxLayout(root)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)

        self.banner = QLabel(
            self.tr(
                "<b>Practice mode</b>: orders go to a simulator on this computer. "
                "Nothing is sent to Planet and no real orders are created."
            )
        )
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(BANNER_STYLE)
        layout.addWidget(self.banner)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        icon = QgsApplication.getThemeIcon
        layout.addWidget(self.tabs, 1)

        # -- Compose -------------------------------------------------------------------
        compose_tab = QWidget()
        v = QVBoxLayout(compose_tab)
        v.setContentsMargins(0, 0, 0, 0)
        v.setSpacing(4)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        inner = QWidget()
        iv = QVBoxLayout(inner)
        iv.setContentsMargins(0, 0, 0, 0)
        self.compose = ComposePanel(iface, inner)
        iv.addWidget(self.compose)
        self.preview_panel = PreviewPanel(inner)
        iv.addWidget(self.preview_panel)
        iv.addStretch(1)
        scroll.setWidget(inner)
        v.addWidget(scroll, 1)
        footer = QFrame()
        footer.setFrameShape(QFrame.Shape.StyledPanel)
        footer.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        fv = QVBoxLayout(footer)
        fv.setContentsMargins(6, 6, 6, 6)
        self.reason_label = WrapLabel()
        self.reason_label.setStyleSheet(REASON_STYLE)
        fv.addWidget(self.reason_label)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.preview_button = QPushButton(icon("/mActionShowAllLayers.svg"), self.tr("Preview"))
        self.preview_button.setToolTip(self.tr("Build the orders and show them; sends nothing"))
        self.submit_button = QPushButton(icon("/mActionStart.svg"), self.tr("Submit orders"))
        self.submit_button.setDefault(True)
        buttons.addWidget(self.preview_button)
        buttons.addWidget(self.submit_button)
        fv.addLayout(buttons)
        v.addWidget(footer)
        self.tabs.addTab(compose_tab, icon("/mActionNewVectorLayer.svg"), self.tr("Compose"))

        # -- Results / Settings ------------------------------------------------------------
        self.results = ResultsPanel(iface)
        self.tabs.addTab(self.results, icon("/mActionOpenTable.svg"), self.tr("Results"))
        self.jobs = JobsPanel()
        self.tabs.addTab(self.jobs, icon("/mIconHistory.svg"), self.tr("Jobs"))
        self.settings = SettingsPanel(practice=services.practice)
        self.tabs.addTab(self.settings, icon("/mActionOptions.svg"), self.tr("Settings"))
        self.setWidget(root)
        self._fit_tabs(root)

        self.notices = Notices(iface, self)

        # -- wiring ---------------------------------------------------------------------------
        self.compose.changed.connect(self._on_form_changed)
        self.settings.changed.connect(self.update_submit_state)
        self.settings.changed.connect(self._apply_window_setting)
        self._apply_window_setting()
        self.settings.practice_changed.connect(self._update_banner)
        self.preview_panel.feature_clicked.connect(self.zoom_to_feature)
        self.preview_button.clicked.connect(self.preview)
        # a lambda: clicked(bool) would otherwise arrive as submit(confirm=False)
        self.submit_button.clicked.connect(lambda: self.submit())
        self.results.cancel_requested.connect(self.cancel)
        self.results.message.connect(self._on_panel_message)
        self.results.fix_requested.connect(lambda: self.fix_and_resubmit())
        self.results.edit_requested.connect(lambda: self.edit_orders())
        self.results.cancel_orders_requested.connect(lambda: self.cancel_orders())
        self.results.history_requested.connect(self.show_history)
        self.jobs.job_selected.connect(self.show_job)
        self.jobs.job_opened.connect(self.open_job)
        self.jobs.resume_requested.connect(self.resume_job)
        self.jobs.forget_requested.connect(lambda job_id: self.forget_job(job_id))

        # debounced refreshes: many reports per second become one repaint
        self._jobs_timer = self._timer(300, self.refresh_jobs)
        # results batches: the Jobs list's counts every 2 s (each refresh counts in SQL)
        self._jobs_counts_timer = self._timer(2000, self.refresh_jobs)
        self._rows_timer = self._timer(150, self._refresh_shown_job)
        self._layer_timer = self._timer(1000, self.results.update_result_layer)
        self._orders_timer = self._timer(1500, self._announce_order_changes)
        m = self.manager
        self._manager_connections = [
            (m.job_added, self._on_job_added),
            (m.job_changed, self._on_job_changed),
            (m.targets_changed, self._on_targets_changed),
            (m.progress, self._on_progress),
            (m.job_ended, self._on_job_ended),
            (m.orders_changed, self._on_orders_changed),
            (m.action_finished, self._on_action_finished),
            (m.action_failed, self._on_action_failed),
            (m.retrying, self._on_retrying),
            (m.jobs_resumed, self._on_jobs_resumed),
        ]
        project = QgsProject.instance()
        self._project_connections = [
            (project.layersAdded, self._on_layers_added),
            (project.readProject, lambda *_: self._jobs_timer.start()),
            (project.cleared, self._jobs_timer.start),
        ]
        for signal, slot in self._manager_connections + self._project_connections:
            signal.connect(slot)
        self._update_banner(self.settings.is_practice())
        self.update_submit_state()
        self.refresh_jobs()
        # the analyst opened the dock: now keep the saved jobs' order statuses fresh
        QTimer.singleShot(0, self._watch_saved_orders)
        # jobs QGIS picked up at start (before this dock existed) are announced once
        self._resumes_announced: set = set()
        QTimer.singleShot(0, lambda: self._on_jobs_resumed(list(m.resumed_at_start)))

    def _fit_tabs(self, root: QWidget):
        """Every tab readable at the dock's narrowest: no scroll arrows hiding Settings.
        The dock may not get narrower than the four tabs (icons and words) need."""
        bar = self.tabs.tabBar()
        bar.setUsesScrollButtons(False)
        bar.setExpanding(False)
        needed = bar.sizeHint().width()  # all tabs side by side, without scroll arrows
        margins = root.layout().contentsMargins()
        root.setMinimumWidth(max(360, needed + margins.left() + margins.right() + 8))

    def _timer(self, ms: int, slot) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(ms)
        timer.timeout.connect(slot)
        return timer

    # -- state ------------------------------------------------------------------------------
    @property
    def runner(self):
        """The shown job's run (a BackgroundJob) while it has one in this session."""
        return self.manager.runner(self._job_id) if self._job_id else None

    def is_running(self) -> bool:
        return bool(self._job_id) and self.manager.is_running(self._job_id)

    def shown_job(self) -> Optional[BulkJob]:
        return self.results.job()

    def submit_problems(self) -> List[str]:
        """Why Submit is disabled, in words (empty: it is enabled)."""
        if self.is_running():
            return [self.tr("Orders are being sent: wait for the end, or cancel.")]
        problems = list(self.compose.problems())
        endpoint = self.settings.endpoint_problem()
        if endpoint:
            problems.append(endpoint)
        key = self.settings.key_problem()
        if key:
            problems.append(key)
        return problems

    def _apply_window_setting(self, *_):
        self.compose.set_default_window_days(self.settings.window_days())

    def update_submit_state(self):
        problems = self.submit_problems()
        self.submit_button.setEnabled(not problems)
        running = self.is_running()
        self.preview_button.setEnabled(
            not running and self.compose.layer() is not None and self.compose.feature_count() > 0
        )
        if problems:
            shown = problems[:3]
            more = len(problems) - len(shown)
            text = "<br/>".join(f"• {p}" for p in shown)
            if more:
                text += "<br/>" + self.tr("… and {n} more").format(n=more)
            self.reason_label.setText(text)
            self.reason_label.setStyleSheet(REASON_STYLE)
        else:
            n = self.compose.feature_count()
            self.reason_label.setText(
                plural(
                    n,
                    self.tr("Ready to send {n} feature to {where}."),
                    self.tr("Ready to send {n} features to {where}."),
                ).format(n=n, where=self.settings.endpoint_label())
            )
            self.reason_label.setStyleSheet("")
        self.submit_button.setToolTip("\n".join(problems))

    def _on_form_changed(self):
        # whatever the preview shows (a fresh preview, or what was just sent) no longer
        # matches the form, the layer or the selection: say so
        self._preview_fresh = False
        self.preview_panel.mark_stale()
        self.update_submit_state()

    def _update_banner(self, practice: bool):
        self.banner.setVisible(bool(practice))

    def _on_panel_message(self, title, text, level):
        self.notices.push(title, text, level)

    # -- building ---------------------------------------------------------------------------
    def _build_job(self) -> Optional[BulkJob]:
        from ..core.targets.payloads import BuildCancelled, InvalidParameters, create_job

        layer = self.compose.layer()
        if layer is None:
            return None
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            job = create_job(
                layer,
                self.compose.parameters(),
                selected_only=self.compose.selected_only.isChecked(),
                transform_context=QgsProject.instance().transformContext(),
            )
        except InvalidParameters as exc:
            self.notices.push(
                self.tr("Planet Bulk Tasking"), "; ".join(exc.problems), Qgis.MessageLevel.Warning
            )
            return None
        except BuildCancelled:
            return None
        except ValueError as exc:
            self.notices.push(self.tr("Planet Bulk Tasking"), str(exc), Qgis.MessageLevel.Warning)
            return None
        finally:
            QApplication.restoreOverrideCursor()
        return job

    def preview(self) -> Optional[BulkJob]:
        """Build the orders (nothing is sent) and show the summary and first payloads."""
        job = self._build_job()
        self._preview_job = job
        self._preview_fresh = job is not None
        self.preview_panel.show_job(job)
        return job

    def zoom_to_feature(self, fid: int):
        layer = self.compose.layer()
        canvas = self.iface.mapCanvas() if self.iface is not None else None
        if layer is not None:
            zoom_to_features(canvas, layer, [int(fid)])

    # -- sending ------------------------------------------------------------------------------
    def submit(self, confirm: bool = True) -> bool:
        """Build (or reuse the fresh preview), ask before spending (not in practice mode)
        and hand the job to the JobManager, which writes it to disk before any request.
        False if nothing started."""
        problems = self.submit_problems()
        if problems:
            self.update_submit_state()
            return False
        job = self._preview_job if self._preview_fresh else self.preview()
        self._preview_fresh = False
        self._preview_job = None
        if job is None:
            return False
        summary = summarize(job)
        layer = self.compose.layer()
        if summary["orders"] == 0:
            self.notices.push(
                self.tr("Nothing to send"),
                plural(
                    len(job.targets),
                    self.tr("The only target was skipped: see the preview for why."),
                    self.tr("All {n} targets were skipped: see the preview for why."),
                ).format(n=len(job.targets)),
                Qgis.MessageLevel.Warning,
            )
            self.preview_panel.show_job(job)
            return False
        try:
            endpoint = self.settings.job_endpoint()  # practice: starts the sandbox now
        except OSError as exc:  # the practice sandbox could not start
            self.notices.push(
                self.tr("Practice sandbox"),
                self.tr("The practice sandbox could not start: {error}").format(error=exc),
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
            summary = summarize(job)
        self.preview_panel.show_job(job)
        self._job_id = job.job_id
        self.results.set_job(job, layer)
        self.results.set_filter(ResultsProxy.FILTER_ALL)
        self.results.set_running(True)
        self.results.progress.set_state(
            plural(
                summary["bulks"],
                self.tr("Sending {orders} orders to {where} in 1 bulk request…"),
                self.tr("Sending {orders} orders to {where} in {bulks} bulk requests…"),
            ).format(where=self.settings.endpoint_label(), **summary)
        )
        try:
            self.manager.submit(job)
        except Exception as exc:  # the job store could not be written: nothing was sent
            self.results.set_running(False)
            self.notices.push(
                self.tr("Planet Bulk Tasking"),
                self.tr("The job could not be saved, nothing was sent: {error}").format(error=exc),
                Qgis.MessageLevel.Critical,
            )
            return False
        self._remember_in_project(job.job_id)
        self._key_sources[job.job_id] = self.settings.key_source()
        self.preview_panel.mark_stale(
            self.tr("This was sent (job of {when} UTC): preview again before sending more.").format(
                when=utc_text(job.created_time)
            )
        )
        self.tabs.setCurrentIndex(self.TAB_RESULTS)
        self.update_submit_state()
        self.refresh_jobs()
        self.jobs.select_job(job.job_id, emit=False)
        self.job_started.emit(job.job_id)
        return True

    def live_orders(self, job: BulkJob) -> dict:
        """Features of this job that already have live orders from earlier jobs."""
        try:
            return self.services.store.live_orders(
                job.layer, job.endpoint, {t.feature_id for t in job.targets}, job.job_id
            )
        except Exception:  # a damaged store must not block sending; the question says less
            log.exception("could not look for live orders")
            return {}

    def confirm_sending(self, job: BulkJob, summary: dict) -> bool:
        """Ask before orders go to Planet: how many, where, contract, window, scheduling,
        and features that already have live orders (which may be left out)."""
        from . import sending

        live = self.live_orders(job)
        destination = self.settings.endpoint_label()
        if not self.settings.is_practice() and destination != self.settings.base_url():
            destination += f" ({self.settings.base_url()})"
        text = sending.question(job, summary, destination, live)
        self.last_confirmation = text
        answer = self.ask_choice(
            self.tr("Send orders to Planet?"), text, sending.choices(summary, live)
        )
        if answer == sending.LEAVE_OUT:
            n = sending.leave_out(job, live)
            if summarize(job)["orders"] == 0:
                self.notices.push(
                    self.tr("Nothing to send"),
                    plural(
                        n,
                        self.tr("The only feature already has a live order: nothing was sent."),
                        self.tr("All {n} features already have live orders: nothing was sent."),
                    ).format(n=n),
                    Qgis.MessageLevel.Info,
                )
                return False
            return True
        if answer != sending.SEND_ALL:
            self.notices.push(
                self.tr("Not sent"), self.tr("Nothing was sent."), Qgis.MessageLevel.Info
            )
            return False
        return True

    def ask_choice(self, title: str, text: str, choices: list) -> str:
        """A question with several answers [(key, button text)]; the last is the safe one
        (Escape, closing the box). Returns the key (tests replace this)."""
        box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=self)
        buttons = {}
        for key, label in choices:
            role = (
                QMessageBox.ButtonRole.RejectRole if not key else QMessageBox.ButtonRole.AcceptRole
            )
            buttons[box.addButton(label, role)] = key
        safe = next(b for b, k in buttons.items() if not k) if "" in buttons.values() else None
        if safe is not None:
            box.setEscapeButton(safe)
            box.setDefaultButton(safe)
        box.exec()
        return buttons.get(box.clickedButton(), "")

    @staticmethod
    def make_client(base_url, api_key, **kwargs):
        """A TaskingClient for the private services' threads (tests may replace this)."""
        from ..core.tasking.client import TaskingClient

        return TaskingClient(base_url, api_key, **kwargs)

    def cancel(self):
        """Stop sending. What Planet already accepted cannot be stopped by this: the
        state line says so, and offers to cancel those orders."""
        if self.is_running():
            self._cancelled.add(self._job_id)
            self.manager.cancel(self._job_id)
            self._show_cancel_state(self._job_id)

    def _show_cancel_state(self, job_id: str):
        from . import sending

        job = self.manager.jobs.get(job_id)
        if job is None or job_id != self._job_id:
            return
        facts = sending.sent_facts(job)
        text = self.tr("<b>Sending cancelled</b>: {text}").format(
            text=sending.cancelled_text(facts, following=self.is_running())
        )
        self.results.progress.set_state(text)

    def cancel_accepted_orders(self, job_id: Optional[str] = None, confirm: bool = True):
        """Cancel the orders of the bulks Planet accepted before a cancel: those created
        now, the others as Planet creates them."""
        from . import sending

        job_id = job_id or self._job_id
        job = self.manager.jobs.get(job_id) if job_id else None
        if job is None:
            return None
        facts = sending.sent_facts(job)
        keys = facts["reach_keys"]  # accepted bulks, and those Planet may have got
        if not keys:
            return None
        text = plural(
            facts["accepted_orders"],
            self.tr("Cancel the order of the bulk request Planet accepted?"),
            self.tr("Cancel the {n} orders of the bulk requests Planet accepted?"),
        ).format(n=f"{facts['accepted_orders']:,}")
        text += "\n\n" + self.tr(
            "{created} are created now and are cancelled at once; the others are cancelled "
            "as soon as Planet creates them. Cancelling an order that starts within 24 hours "
            "may be charged. This cannot be undone."
        ).format(created=f"{facts['created']:,}")
        self.last_confirmation = text
        if confirm and not self.ask(self.tr("Cancel orders"), text):
            return None
        task = self.manager.cancel_when_created(job_id, keys)
        self.results.progress.set_state(
            self.tr("Cancelling the orders Planet accepted ({n})…").format(
                n=f"{facts['accepted_orders']:,}"
            )
        )
        return task

    # -- project ------------------------------------------------------------------------------
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

    # -- manager reports ------------------------------------------------------------------------
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
            self.tr(
                "The job of {when} UTC (layer {layer}) was left unfinished when QGIS closed: "
                "it carries on now; nothing is sent twice."
            ),
            self.tr(
                "{n} jobs were left unfinished when QGIS closed (e.g. the job of {when} UTC, "
                "layer {layer}): they carry on now; nothing is sent twice."
            ),
        ).format(n=len(jobs), when=utc_text(first.created_time), layer=first.layer.name or "?")
        self.notices.push(
            self.tr("Jobs resumed"),
            text,
            Qgis.MessageLevel.Info,
            button_text=self.tr("Show"),
            callback=lambda: self.open_job(first.job_id),
        )

    def _on_job_added(self, job_id: str):
        self._jobs_timer.start()

    def _on_job_changed(self, job_id: str):
        self._jobs_timer.start()
        if job_id == self._job_id:
            self._rows_timer.start()  # chunk states: READY -> SUBMITTED rows
        if job_id in self._followed and not self.manager.is_running(job_id):
            job = self.manager.jobs.get(job_id)
            if job is not None and job.state not in (JobState.FOLLOWING, JobState.RUNNING):
                self._followed.discard(job_id)
                self._cancelled.discard(job_id)
                self._after_follow(job)

    def _after_follow(self, job: BulkJob):
        """A cancelled job's accepted bulks were followed to the end: say what exists."""
        from . import sending

        facts = sending.sent_facts(job)
        if not facts["accepted_bulks"]:
            return
        if job.job_id == self._job_id:
            self._show_cancel_state(job.job_id)
            self.results.refresh_all()
        text = sending.cancelled_text(facts, following=False)
        if facts["created"] and not self.manager.cancel_pending(job.job_id):
            self.notices.push(
                self.tr("Cancelled job"),
                text,
                Qgis.MessageLevel.Warning,
                button_text=self.tr("Cancel these orders"),
                callback=lambda: self.cancel_accepted_orders(job.job_id),
            )
        else:
            self.notices.push(self.tr("Cancelled job"), text, Qgis.MessageLevel.Info)

    def _on_targets_changed(self, job_id: str, keys: list):
        if not self._jobs_counts_timer.isActive():
            self._jobs_counts_timer.start()
        if job_id == self._job_id:
            self.results.refresh_keys(keys)
            if not self._layer_timer.isActive():
                self._layer_timer.start()

    def _refresh_shown_job(self):
        if self._job_id and self.results.job() is not None:
            self.results.refresh_all()

    @staticmethod
    def _step(counts: dict) -> tuple:
        """What moves when a request gets through (retries alone do not move it)."""
        keys = ("chunks_accepted", "chunks_complete", "chunks_rejected", "succeeded", "failed")
        return tuple(counts.get(k, 0) for k in keys)

    def _on_retrying(self, job_id: str, attempt: int, limit: int, words: str):
        """The client retries: say so now ("Cannot connect to host:port, retrying 2/5…")."""
        job = self.manager.jobs.get(job_id)
        step = self._step(self.results.progress.last_counts) if job_id == self._job_id else ()
        text = self.tr("{what}, retrying {n}/{limit}…").format(
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
                    self.tr(
                        "{accepted} of 1 bulk request accepted; "
                        "waiting for Planet to create the orders…"
                    ),
                    self.tr(
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
            note += self.tr(" {n} results read.").format(n=counts["results_read"])
        if counts.get("server_wait", 0) >= 1:
            note += self.tr(
                " The server asked to wait: {used:.0f} s so far (at most {limit:.0f} s)."
            ).format(used=counts["server_wait"], limit=counts.get("server_wait_limit", 0))
        return note

    def _ended_text(self, job: BulkJob) -> tuple:
        from ..core.model.job import ChunkState

        counts = job.counts()
        created = counts.get(TargetStatus.SUCCEEDED, 0)
        failed = counts.get(TargetStatus.FAILED, 0)
        skipped = counts.get(TargetStatus.SKIPPED, 0)
        unsent = counts.get(TargetStatus.READY, 0)
        doubt = counts.get(TargetStatus.SUBMITTED, 0)
        sent = any(c.state in ChunkState.SENT for c in job.chunks)
        if not created and not doubt and not (sent and failed):
            # nothing reached Planet's order book: say it plainly (money is real)
            parts = [self.tr("nothing was created")]
        else:
            parts = [self.tr("{n} orders created").format(n=created)]
        if failed:
            parts.append(self.tr("{n} failed").format(n=failed))
        if skipped:
            parts.append(self.tr("{n} skipped").format(n=skipped))
        if unsent:
            parts.append(self.tr("{n} not sent").format(n=unsent))
        if doubt:
            parts.append(self.tr("{n} sent but not confirmed (still followed)").format(n=doubt))
        return ", ".join(parts), failed

    def key_words(self, job_id: str, error) -> str:
        """A refused key (401/403), said with where that key came from."""
        from ..core.credentials import ENV_KEY
        from ..core.tasking.errors import AuthenticationError, PermissionDeniedError

        source = self._key_sources.get(job_id) or self.settings.key_source()
        where = {
            "env": self.tr("the API key from the {env} environment variable").format(env=ENV_KEY),
            "authcfg": self.tr("the API key of the authentication configuration “{cfg}”").format(
                cfg=self.settings.authcfg_name()
            ),
            "practice": self.tr("the practice sandbox's key"),
        }.get(source, self.tr("the API key"))
        if isinstance(error, AuthenticationError):
            fix = (
                self.tr("change {env} and restart QGIS, or choose a configuration in Settings")
                if source == "env"
                else self.tr("check it in Settings")
            ).format(env=ENV_KEY)
            return self.tr("Planet refused {where} (401, not valid): {fix}").format(
                where=where, fix=fix
            )
        if isinstance(error, PermissionDeniedError):
            return self.tr(
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
            from . import sending

            title, level = self.tr("Sending cancelled"), Qgis.MessageLevel.Info
            facts = sending.sent_facts(job)
            following = job.state == JobState.FOLLOWING
            if following:
                self._followed.add(job_id)  # _after_follow says what exists at the end
            else:
                self._cancelled.discard(job_id)
            text = sending.cancelled_text(facts, following).rstrip(".")
            if facts["accepted_bulks"]:
                level = Qgis.MessageLevel.Warning
        elif how == "failed":
            title, level = self.tr("Sending stopped"), Qgis.MessageLevel.Critical
            key_refused = self.key_words(job_id, error)
            if key_refused:
                self.results.refused_jobs.add(job_id)  # its bulks never got in
            message = key_refused or (getattr(error, "user_message", None) or str(error or ""))
            if message:
                text = message + " — " + text
        else:
            title = self.tr("Orders sent")
            level = Qgis.MessageLevel.Warning if failed else Qgis.MessageLevel.Success
        shown = job_id == self._job_id
        if shown:
            self.results.refresh_all()
            self.results.update_result_layer()
            self.results.set_running(False)
            ended_at = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M")
            self.results.progress.set_state(
                self.tr("<b>{title}</b> ({time} UTC): {text}.").format(
                    title=title, time=ended_at, text=text
                )
            )
        else:  # a job resumed in the background (e.g. after QGIS restarted)
            text = self.tr("Job of {when} UTC (layer {layer}): {text}").format(
                when=utc_text(job.created_time), layer=job.layer.name, text=text
            )
        if facts is not None and facts["accepted_bulks"]:
            self.notices.push(
                title,
                text,
                level,
                button_text=self.tr("Cancel these orders"),
                callback=lambda: self.cancel_accepted_orders(job_id),
            )
        elif failed:
            self.notices.push(
                title,
                text,
                level,
                button_text=self.tr("Show failed"),
                callback=lambda: self.show_failed(job_id),
            )
        else:
            self.notices.push(title, text, level)
        self.update_submit_state()
        self.job_ended.emit(job_id, how)

    def show_failed(self, job_id: Optional[str] = None):
        """Show the failed rows: Results tab, failed filter, dock raised."""
        if job_id and job_id != self._job_id:
            self.show_job(job_id)
        self.results.set_filter(ResultsProxy.FILTER_FAILED)
        self.tabs.setCurrentIndex(self.TAB_RESULTS)
        self.show()
        self.raise_()

    # -- order monitoring -------------------------------------------------------------------------
    def _on_orders_changed(self, job_id: str, moved: list):
        for _key, _old, new in moved:
            if new in FINAL_ORDER_STATES:  # the changes that matter; "in progress" does not
                self._moved.setdefault(job_id, Counter())[new] += 1
                self._moved_new.add(job_id)
        if job_id == self._job_id and not self._layer_timer.isActive():
            self._layer_timer.start()
        if self._moved_new and not self._orders_timer.isActive():
            self._orders_timer.start()  # one notice per batch, not per order

    def order_changes_text(self, moved: Dict[str, int]) -> str:
        """{"FULFILLED": 3, "EXPIRED": 1} -> '3 orders fulfilled, 1 expired'."""
        order = ["FULFILLED", "EXPIRED", "CANCELLED", "REJECTED", "FAILED"]
        statuses = sorted(moved, key=lambda s: (order.index(s) if s in order else 99, s))
        parts = []
        for status in statuses:
            word = order_status_label(status).lower()
            n = moved[status]
            if not parts:
                parts.append(
                    self.tr("{n} order {word}").format(n=n, word=word)
                    if n == 1
                    else self.tr("{n} orders {word}").format(n=n, word=word)
                )
            else:
                parts.append(self.tr("{n} {word}").format(n=n, word=word))
        return ", ".join(parts)

    #: at most one order notice per job this often; each replaces the job's previous one
    ORDER_NOTICE_INTERVAL = 30.0

    def _announce_order_changes(self):
        """One notice per job, replaced (not stacked), counting this session's final
        states so far: '311 orders fulfilled, 27 rejected — job of … UTC (layer)'."""
        now = time.monotonic()
        wait = None
        for job_id in sorted(self._moved_new):
            since = now - self._announced.get(job_id, -1e9)
            if since < self.ORDER_NOTICE_INTERVAL:
                left = self.ORDER_NOTICE_INTERVAL - since
                wait = left if wait is None else min(wait, left)
                continue
            self._moved_new.discard(job_id)
            self._announced[job_id] = now
            moved = self._moved.get(job_id, Counter())
            text = self.order_changes_text(moved)
            job = self.manager.jobs.get(job_id)
            if job is not None:
                text += " — " + self.tr("job of {when} UTC ({layer})").format(
                    when=utc_text(job.created_time), layer=job.layer.name or "?"
                )
            bad = set(moved) & {"EXPIRED", "REJECTED", "FAILED"}
            self.notices.push(
                self.tr("Orders updated"),
                text,
                Qgis.MessageLevel.Warning if bad else Qgis.MessageLevel.Info,
                button_text=self.tr("Show") if bad else None,
                callback=(lambda j=job_id, s=min(bad): self.show_order_outcome(j, s))
                if bad
                else None,
                key=f"orders:{job_id}",
            )
        if wait is not None:
            self._orders_timer.start(int(wait * 1000) + 50)

    def show_order_outcome(self, job_id: str, status: str):
        """Show the rows whose order reached this state (Rejected, Expired…)."""
        if job_id != self._job_id:
            self.show_job(job_id)
        self.results.set_filter(ResultsProxy.order_filter(status))
        self.tabs.setCurrentIndex(self.TAB_RESULTS)
        self.show()
        self.raise_()

    # -- jobs list ---------------------------------------------------------------------------------
    def refresh_jobs(self):
        try:
            summaries = self.services.store.list_jobs()
        except Exception:  # store closed (unloading) or damaged: keep the last list
            return
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
        self.results.set_job(job, layer)
        self._link_note(job, layer)
        running = self.manager.is_running(job_id)
        self.results.set_running(running)
        state = self.jobs.model.state_label(
            JobState.RUNNING
            if running
            else (JobState.INTERRUPTED if job.state == JobState.RUNNING else job.state)
        )
        self.results.progress.set_state(
            self.tr("Job of {when} UTC · layer {layer} · sent to {where} · {state}").format(
                when=utc_text(job.created_time),
                layer=job.layer.name or "?",
                where=endpoint_label(job.endpoint),
                state=state,
            )
        )
        self.jobs.select_job(job_id, emit=False)
        self.update_submit_state()
        return job

    def open_job(self, job_id: str):
        if self.show_job(job_id) is not None:
            self.tabs.setCurrentIndex(self.TAB_RESULTS)

    def _link_note(self, job: BulkJob, layer):
        note = ""
        if layer is None:
            note = self.tr(
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
            self.notices.push(self.tr("Could not resume"), str(exc), Qgis.MessageLevel.Critical)
            return False
        self.show_job(job_id)
        self.results.set_running(True)
        self.refresh_jobs()
        return True

    def forget_job(self, job_id: str, confirm: bool = True) -> bool:
        summary = next((s for s in self.services.store.list_jobs() if s.job_id == job_id), None)
        if summary is None:
            return False
        text = confirm_forget_text(self.tr, summary)
        self.last_confirmation = text
        if confirm and not self.ask(self.tr("Forget job"), text):
            return False
        try:
            self.manager.forget(job_id)
        except RuntimeError:
            self.notices.push(
                self.tr("Planet Bulk Tasking"),
                self.tr("The job is still running: cancel it first."),
                Qgis.MessageLevel.Warning,
            )
            return False
        if job_id == self._job_id:
            self._job_id = None
            self.results.set_job(None)
            self.results.progress.set_state(self.tr("No job selected."))
        self.refresh_jobs()
        return True

    def ask(self, title: str, text: str) -> bool:
        """Yes/No question (tests replace this)."""
        answer = QMessageBox.question(
            self,
            title,
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    # -- fix and resubmit ----------------------------------------------------------------------
    def _selected(self, keys, wanted) -> List:
        job = self.results.job()
        if job is None:
            return []
        keys = self.results.selected_keys() if keys is None else list(keys)
        return [job.target(k) for k in keys if wanted(job.target(k))]

    def fixable_targets(self, keys=None) -> List:
        return self._selected(
            keys, lambda t: t.status in (TargetStatus.FAILED, TargetStatus.SKIPPED)
        )

    def fix_and_resubmit(self, keys=None, values: Optional[dict] = None) -> Optional[List[int]]:
        """Send failed/skipped rows again with ``values`` (name, start_time, end_time,
        extra_fields, rebuild); without values, a dialog asks for them."""
        job = self.results.job()
        targets = self.fixable_targets(keys)
        if job is None or not targets:
            self.notices.push(
                self.tr("Fix and resubmit"),
                self.tr("Select failed or skipped rows first."),
                Qgis.MessageLevel.Info,
            )
            return None
        if self.manager.is_running(job.job_id):
            self.notices.push(
                self.tr("Fix and resubmit"),
                self.tr("The job is still sending: wait for it or cancel it first."),
                Qgis.MessageLevel.Warning,
            )
            return None
        if values is None:
            from .order_dialogs import OrderChangesDialog

            dialog = OrderChangesDialog("fix", targets, self)
            if not dialog.exec():
                return None
            values = dialog.values()
        revised, problems = self.revised_payloads(job, targets, values)
        if problems:
            self.notices.push(
                self.tr("Some rows were not resent"),
                "; ".join(problems[:5]),
                Qgis.MessageLevel.Warning,
            )
        if not revised:
            return None
        try:
            chunks = self.manager.resubmit(job.job_id, revised)
        except (RuntimeError, ValueError) as exc:
            self.notices.push(self.tr("Fix and resubmit"), str(exc), Qgis.MessageLevel.Warning)
            return None
        self.results.refresh_keys(list(revised))
        self.results.set_running(True)
        self.results.progress.set_state(
            plural(
                len(revised), self.tr("Resending {n} order…"), self.tr("Resending {n} orders…")
            ).format(n=len(revised))
        )
        self.update_submit_state()
        self.refresh_jobs()
        return chunks

    def revised_payloads(self, job: BulkJob, targets, values: dict) -> tuple:
        """({key: new payload}, [problems in words]). Keys stay the same: rebuilt targets
        are matched to the existing ones by feature id and part."""
        values = dict(values or {})
        problems: List[str] = []
        rebuilt = {}
        if values.get("rebuild"):
            layer = find_layer(job.layer)
            if layer is None:
                return {}, [
                    self.tr("Layer “{layer}” is not in the project: cannot rebuild.").format(
                        layer=job.layer.name
                    )
                ]
            from ..core.targets.payloads import OrderParameters, build_targets

            result = build_targets(
                layer,
                OrderParameters.from_dict(job.parameters),
                selected_only=False,
                feature_ids=sorted({int(t.feature_id) for t in targets}),
                transform_context=QgsProject.instance().transformContext(),
            )
            rebuilt = {(int(t.feature_id), int(t.part or 0)): t for t in result.targets}
        revised = {}
        for t in targets:
            if values.get("rebuild"):
                new = rebuilt.get((int(t.feature_id), int(t.part or 0)))
                if new is None:
                    problems.append(self.tr("{label}: the feature is gone").format(label=t.label))
                    continue
                if new.payload is None:
                    problems.append(f"{t.label}: {new.reason}")
                    continue
                payload = copy.deepcopy(new.payload)
            elif t.payload is None:
                problems.append(
                    self.tr(
                        "{label}: nothing to resend ({why}); fix the feature and use "
                        "“Rebuild from the features”"
                    ).format(label=t.label, why=t.reason or "")
                )
                continue
            else:
                payload = copy.deepcopy(t.payload)
            payload.update(values.get("extra_fields") or {})
            for field in ("name", "start_time", "end_time"):
                if values.get(field):
                    payload[field] = values[field]
            revised[t.key] = payload
        return revised, problems

    def show_history(self, keys=None) -> str:
        """Every attempt of the selected rows, with bulk ids and times (UTC)."""
        targets = self._selected(keys, lambda t: True)
        blocks = []
        for t in targets[:20]:
            lines = history_lines(t) or [self.tr("Not sent yet.")]
            blocks.append(t.label + "\n" + "\n".join("  " + line for line in lines))
        text = "\n\n".join(blocks)
        if text and keys is None:
            box = QMessageBox(QMessageBox.Icon.Information, self.tr("History"), text, parent=self)
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.show()
        return text

    # -- bulk edit / cancel ------------------------------------------------------------------------
    def order_targets(self, keys=None) -> List:
        return self._selected(keys, lambda t: bool(t.order_id))

    def edit_orders(self, keys=None, changes: Optional[dict] = None, confirm: bool = True):
        """Change name / start / end of the selected rows' orders (one /bulk per 1000)."""
        job = self.results.job()
        targets = self.order_targets(keys)
        if job is None or not targets:
            self.notices.push(
                self.tr("Edit orders"),
                self.tr("Select rows with orders first."),
                Qgis.MessageLevel.Info,
            )
            return None
        if changes is None:
            from .order_dialogs import OrderChangesDialog

            dialog = OrderChangesDialog("edit", targets, self)
            if not dialog.exec():
                return None
            changes = dialog.values()
        changes = {k: v for k, v in changes.items() if k in ("name", "start_time", "end_time")}
        if not changes:
            return None
        words = {
            "name": self.tr("name"),
            "start_time": self.tr("start (UTC)"),
            "end_time": self.tr("end (UTC)"),
        }
        what = ", ".join(
            f"{words[k]} → {utc_text(v) if k != 'name' else v}" for k, v in changes.items()
        )
        text = plural(
            len(targets),
            self.tr("Change {n} order at Planet: {what}?"),
            self.tr("Change {n} orders at Planet: {what}?"),
        ).format(n=len(targets), what=what)
        self.last_confirmation = text
        if confirm and not self.ask(self.tr("Edit orders"), text):
            return None
        self.results.progress.set_state(
            plural(
                len(targets), self.tr("Editing {n} order…"), self.tr("Editing {n} orders…")
            ).format(n=len(targets))
        )
        return self.manager.edit_orders(job.job_id, [t.key for t in targets], changes)

    def cancel_confirmation(self, targets) -> str:
        n = len(targets)
        soon = sum(1 for t in targets if starts_within_24h((t.payload or {}).get("start_time")))
        final = sum(1 for t in targets if (t.order_status or "") in FINAL_ORDER_STATES)
        text = plural(
            n,
            self.tr("Cancel {n} order at Planet? This cannot be undone."),
            self.tr("Cancel {n} orders at Planet? This cannot be undone."),
        ).format(n=n)
        if soon:
            text += "\n\n" + self.tr(
                "{m} of them start within 24 hours: cancelling them may be charged."
            ).format(m=soon)
        if final:
            text += "\n\n" + self.tr(
                "{m} of them are already finished (fulfilled, expired or cancelled): "
                "Planet will refuse to cancel those."
            ).format(m=final)
        return text

    def cancel_orders(self, keys=None, confirm: bool = True):
        job = self.results.job()
        targets = self.order_targets(keys)
        if job is None or not targets:
            self.notices.push(
                self.tr("Cancel orders"),
                self.tr("Select rows with orders first."),
                Qgis.MessageLevel.Info,
            )
            return None
        text = self.cancel_confirmation(targets)
        self.last_confirmation = text
        if confirm and not self.ask(self.tr("Cancel orders"), text):
            return None
        self.results.progress.set_state(
            plural(
                len(targets), self.tr("Cancelling {n} order…"), self.tr("Cancelling {n} orders…")
            ).format(n=len(targets))
        )
        return self.manager.cancel_orders(job.job_id, [t.key for t in targets])

    def _on_action_finished(self, job_id: str, kind: str, outcomes: list):
        job = self.manager.jobs.get(job_id)
        ok = sum(1 for o in outcomes if o.ok)
        refused = [o for o in outcomes if not o.ok]
        labels = {}
        if job is not None:
            for t in job.targets:
                if t.order_id:
                    labels[t.order_id] = t.label
        self.last_refused = [(labels.get(o.order_id, o.order_id), o.reason) for o in refused]
        if kind == "edit":
            text = plural(ok, self.tr("{n} order changed"), self.tr("{n} orders changed")).format(
                n=ok
            )
            title = self.tr("Orders edited")
        else:
            text = plural(
                ok, self.tr("{n} order cancelled"), self.tr("{n} orders cancelled")
            ).format(n=ok)
            title = self.tr("Orders cancelled")
        if refused:
            first = self.last_refused[0]
            text += ", " + self.tr("{n} refused (e.g. {label}: {reason})").format(
                n=len(refused), label=first[0], reason=first[1] or "?"
            )
        if job_id == self._job_id:
            self.results.refresh_all()
            self.results.update_result_layer()
            self.results.progress.set_state(text + ".")
        if refused:
            self.notices.push(
                title,
                text,
                Qgis.MessageLevel.Warning,
                button_text=self.tr("Show refused"),
                callback=lambda: self.show_refused(job_id),
            )
        else:
            self.notices.push(title, text, Qgis.MessageLevel.Success)

    def show_refused(self, job_id: Optional[str] = None):
        if job_id and job_id != self._job_id:
            self.show_job(job_id)
        self.results.set_filter(ResultsProxy.FILTER_REFUSED)
        self.tabs.setCurrentIndex(self.TAB_RESULTS)
        self.show()
        self.raise_()

    def _on_action_failed(self, job_id: str, kind: str, error):
        message = getattr(error, "user_message", None) or str(error)
        title = self.tr("Edit failed") if kind == "edit" else self.tr("Cancel failed")
        self.notices.push(title, message, Qgis.MessageLevel.Critical)

    # -- teardown ------------------------------------------------------------------------------
    def shutdown(self):
        """Disconnect from the manager and QGIS; jobs keep running in the plugin's services
        (private services, made without the plugin, are stopped and joined here)."""
        if self._is_shut_down:
            return
        self._is_shut_down = True
        for timer in (self._jobs_timer, self._rows_timer, self._layer_timer, self._orders_timer):
            timer.stop()
        for signal, slot in self._manager_connections + self._project_connections:
            try:
                signal.disconnect(slot)
            except (TypeError, RuntimeError):
                pass
        if self._own_services:
            self.services.shutdown()  # joins every thread, stops the practice sandbox
        self.settings.shutdown()
        self.compose.shutdown()
        self.results.shutdown()
        self.notices.clear()
