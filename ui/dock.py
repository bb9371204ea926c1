"""The Planet Bulk Tasking dock: from selected features to submitted orders.

Thin wiring of the panels (Compose / Results / Jobs / Settings) to core: payloads
are built by core.targets.build.create_job and handed to the plugin's JobManager
(services.manager), which writes the job to disk, sends it on its own thread,
watches the orders, resubmits, edits and cancels. The dock shows what the
manager reports through its signals. What it does on each side lives in its mixins:
ui/dock_sending.py (submit, cancel, a running job's reports), ui/dock_orders.py (fix and
resubmit, edit and cancel at Planet, order notices), ui/dock_jobs.py (the Jobs list, a job
shown, resume, forget); the counting and rebuilding they need is in core.

plugin.py constructs it with ``PlanetBulkTaskingDock(iface, parent, services=...)``
(the plugin's PluginServices) and calls ``shutdown()`` before deleting it; jobs keep
running without the dock.
"""

import logging
from collections import Counter
from typing import Dict, List, Optional

from qgis.core import Qgis, QgsApplication, QgsProject
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

from ..core.model.job import BulkJob
from .compose_panel import ComposePanel
from .dock_jobs import PROJECT_JOBS_KEY, PROJECT_SCOPE, DockJobs
from .dock_orders import DockOrders
from .dock_sending import DockSending
from .jobs_panel import JobsPanel
from .map_links import zoom_to_features
from .notices import Notices
from .preview_panel import PreviewPanel
from .results_panel import ResultsPanel
from .settings_panel import SettingsPanel
from .widgets import WrapLabel, plural

__all__ = ["PROJECT_JOBS_KEY", "PROJECT_SCOPE", "PlanetBulkTaskingDock"]

BANNER_STYLE = (
    "QLabel { background: #fff3cd; color: #6b4e00; border: 1px solid #e6a117;"
    " border-radius: 3px; padding: 6px; }"
)
REASON_STYLE = "color: #b2182b;"


log = logging.getLogger(__name__)


class PlanetBulkTaskingDock(DockSending, DockOrders, DockJobs, QDockWidget):
    job_started = pyqtSignal(str)  # job id
    job_ended = pyqtSignal(str, str)  # job id, "finished" | "cancelled" | "failed"

    TAB_COMPOSE, TAB_RESULTS, TAB_JOBS, TAB_SETTINGS = range(4)

    def __init__(self, iface, parent=None, *, services):
        super().__init__(parent)
        self.iface = iface
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
        self._building: Optional[int] = None  # features of a Submit being prepared
        self._build_task = None  # its BackgroundJob
        self.last_answer = ""  # the answer to the last question before spending
        self._preview_fresh = False
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
        self.tabs.currentChanged.connect(self._on_tab_changed)
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
        # a job's chunks and results: the Jobs list's states and counts, when it is shown
        self._jobs_changed_timer = self._timer(300, self._refresh_jobs_if_shown)
        self._jobs_counts_timer = self._timer(2000, self._refresh_jobs_if_shown)
        self._jobs_stale = False
        self._chunk_states: Dict[str, list] = {}  # the shown job's chunk states, last look
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
        if self._building is not None:
            return [self.tr("Preparing {n} targets…").format(n=f"{self._building:,}")]
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
    def _prepare_build(self, layer):
        """What building the form's orders needs (a BuildPlan: main thread, no feature read),
        or None once the problem is said."""
        from ..core.targets.build import InvalidParameters, prepare_build

        try:
            return prepare_build(
                layer,
                self.compose.parameters(),
                selected_only=self.compose.selected_only.isChecked(),
                transform_context=QgsProject.instance().transformContext(),
            )
        except InvalidParameters as exc:
            self.notices.push(
                self.tr("Planet Bulk Tasking"), "; ".join(exc.problems), Qgis.MessageLevel.Warning
            )
        except ValueError as exc:
            self.notices.push(self.tr("Planet Bulk Tasking"), str(exc), Qgis.MessageLevel.Warning)
        return None

    def _build_job(self) -> Optional[BulkJob]:
        from ..core.targets.build import BuildCancelled

        layer = self.compose.layer()
        if layer is None:
            return None
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            plan = self._prepare_build(layer)
            return None if plan is None else plan.job()
        except BuildCancelled:
            return None
        except ValueError as exc:
            self.notices.push(self.tr("Planet Bulk Tasking"), str(exc), Qgis.MessageLevel.Warning)
            return None
        finally:
            QApplication.restoreOverrideCursor()

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

    # -- teardown ------------------------------------------------------------------------------
    def shutdown(self):
        """Disconnect from the manager and QGIS; jobs keep running in the plugin's services
        (plugin.unload shuts those down)."""
        if self._is_shut_down:
            return
        self._is_shut_down = True
        for timer in (
            self._jobs_timer,
            self._jobs_changed_timer,
            self._jobs_counts_timer,
            self._rows_timer,
            self._layer_timer,
            self._orders_timer,
        ):
            timer.stop()
        for signal, slot in self._manager_connections + self._project_connections:
            try:
                signal.disconnect(slot)
            except (TypeError, RuntimeError):
                pass
        self.settings.shutdown()
        if self._build_task is not None:  # a Submit still preparing: nothing was sent
            self._build_task.stop()
        self.compose.shutdown()
        self.results.shutdown()
        self.notices.clear()
