"""The Jobs tab: every submission kept in the profile folder, live while jobs run.

A table model over ``JobStore.list_jobs()`` (no payloads loaded). Selecting a job
shows it in the Results tab; Resume carries on an interrupted, cancelled or failed
job; Forget removes it from this computer (its orders stay at Planet).
"""

from typing import Callable, List, Optional, Set
from urllib.parse import urlparse

from qgis.core import QgsApplication
from qgis.PyQt.QtCore import (
    QCoreApplication,
    QItemSelectionModel,
    QModelIndex,
    Qt,
    pyqtSignal,
)
from qgis.PyQt.QtGui import QColor, QFont
from qgis.PyQt.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QMenu,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..core.model.job import JobState, TargetStatus
from ..core.model.store import JobSummary
from ..core.services import PRACTICE_ENDPOINT
from ..core.tasking.api import PLANET_TASKING_URL
from .status import utc_text
from .table_look import fit_column, pale_selection
from .table_model import ColumnsModel
from .widgets import WrapLabel, plural

RESUMABLE = JobState.RESUMABLE

STATE_COLORS = {
    "running": "#e6a117",
    "done": "#2e9e44",
    "interrupted": "#d7301f",
    "cancelled": "#8c8c8c",
    "following": "#b07d2b",
    "error": "#d7301f",
}


def endpoint_label(endpoint: str) -> str:
    if endpoint == PRACTICE_ENDPOINT:
        return QCoreApplication.translate("JobsModel", "Practice")
    if (endpoint or "").rstrip("/") == PLANET_TASKING_URL.rstrip("/"):
        return "Planet"
    return urlparse(endpoint or "").netloc or endpoint or "?"


class JobsModel(ColumnsModel):
    COL_WHEN, COL_STATE, COL_LAYER, COL_ENDPOINT, COL_ORDERS, COL_FAILED, COL_SKIPPED = range(7)
    COLUMN_COUNT = 7
    JobIdRole = Qt.ItemDataRole.UserRole + 1
    StateRole = Qt.ItemDataRole.UserRole + 2

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: List[JobSummary] = []
        self._running: Set[str] = set()
        self._project_jobs: Set[str] = set()

    # -- data --------------------------------------------------------------------
    def set_jobs(self, summaries: List[JobSummary], running: Set[str], project_jobs: Set[str]):
        """New data; a plain dataChanged when the same jobs are listed (keeps selection)."""
        same = [s.job_id for s in summaries] == [s.job_id for s in self._rows]
        self._running, self._project_jobs = set(running), set(project_jobs)
        if same:
            self._rows = list(summaries)
            if self._rows:
                self.dataChanged.emit(
                    self.index(0, 0), self.index(len(self._rows) - 1, self.COLUMN_COUNT - 1)
                )
            return
        self.beginResetModel()
        self._rows = list(summaries)
        self.endResetModel()

    def summary(self, row: int) -> Optional[JobSummary]:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, job_id: str) -> Optional[int]:
        return next((i for i, s in enumerate(self._rows) if s.job_id == job_id), None)

    def job_ids(self) -> List[str]:
        return [s.job_id for s in self._rows]

    def state(self, s: JobSummary) -> str:
        """What the user should know: a job 'running' on disk but not here was interrupted."""
        if s.state == JobState.FOLLOWING:  # cancelled; what was already sent is still followed
            return JobState.FOLLOWING
        if s.job_id in self._running:
            return JobState.RUNNING
        if s.state in (JobState.RUNNING, JobState.DRAFT):
            return JobState.INTERRUPTED
        return s.state or "?"

    def state_label(self, state: str) -> str:
        return {
            "running": self.tr("running"),
            "done": self.tr("done"),
            "interrupted": self.tr("interrupted"),
            "cancelled": self.tr("cancelled"),
            "following": self.tr("cancelled, following what was sent"),
            "error": self.tr("error"),
        }.get(state, state)

    # -- Qt ----------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()):  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def column_titles(self):
        return [
            self.tr("When (UTC)"),
            self.tr("State"),
            self.tr("Layer"),
            self.tr("Sent to"),
            self.tr("Orders"),
            self.tr("Failed"),
            self.tr("Skipped"),
        ]

    def column_tips(self):
        return [
            self.tr("When the job was submitted, in UTC"),
            self.tr("running, done, interrupted (QGIS closed), cancelled or error"),
            self.tr("The layer its features came from"),
            self.tr("Planet, the practice sandbox or a custom address"),
            self.tr("Orders created"),
            self.tr("Features the service refused"),
            self.tr("Features not sent (no geometry, invalid…)"),
        ]

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        s = self.summary(index.row()) if index.isValid() else None
        if s is None:
            return None
        col = index.column()
        counts = s.counts or {}
        if role == Qt.ItemDataRole.DisplayRole:
            if col == self.COL_WHEN:
                return utc_text(s.created_time)
            if col == self.COL_LAYER:
                return s.layer_name or self.tr("(unnamed layer)")
            if col == self.COL_ENDPOINT:
                return endpoint_label(s.endpoint)
            if col == self.COL_ORDERS:
                return str(counts.get(TargetStatus.SUCCEEDED, 0))
            if col == self.COL_FAILED:
                return str(counts.get(TargetStatus.FAILED, 0))
            if col == self.COL_SKIPPED:
                return str(counts.get(TargetStatus.SKIPPED, 0))
            if col == self.COL_STATE:
                return self.state_label(self.state(s))
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [
                self.tr("Submitted {when} UTC, last change {updated} UTC").format(
                    when=utc_text(s.created_time), updated=utc_text(s.updated_time)
                ),
                plural(
                    counts.get("features", counts.get("total", 0)),
                    self.tr("{total} feature from layer {layer}"),
                    self.tr("{total} features from layer {layer}"),
                ).format(total=counts.get("features", counts.get("total", 0)), layer=s.layer_name),
                self.tr("Sent to {where}").format(where=s.endpoint),
            ]
            if s.job_id in self._project_jobs:
                lines.append(self.tr("Submitted from the current project"))
            return "\n".join(lines)
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == self.COL_STATE:
                return QColor(STATE_COLORS.get(self.state(s), "#4d4d4d")).darker(115)
            if col == self.COL_FAILED and counts.get(TargetStatus.FAILED, 0):
                return QColor("#b2182b")
            return None
        if role == Qt.ItemDataRole.FontRole and s.job_id in self._project_jobs:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (
            self.COL_ORDERS,
            self.COL_FAILED,
            self.COL_SKIPPED,
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == self.JobIdRole:
            return s.job_id
        if role == self.StateRole:
            return self.state(s)
        return None


class JobsPanel(QWidget):
    job_selected = pyqtSignal(str)  # job id: show it in Results
    job_opened = pyqtSignal(str)  # double-click: show it and switch to Results
    resume_requested = pyqtSignal(str)
    forget_requested = pyqtSignal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.model = JobsModel(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)
        self.hint = WrapLabel(
            self.tr(
                "Every submission is kept on this computer, so jobs outlive QGIS: unfinished "
                "ones carry on when QGIS starts again. Jobs in <b>bold</b> were sent from "
                "this project. Select one to see its orders."
            )
        )
        self.hint.setStyleSheet("color: palette(dark);")
        layout.addWidget(self.hint)

        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setShowGrid(False)
        self.view.setWordWrap(False)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(22)
        header = self.view.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # Layer and Sent to are sized to their text (see refresh); counts stay narrow
        self.view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        pale_selection(self.view)
        metrics = self.view.fontMetrics()
        when_width = metrics.horizontalAdvance("2024-05-01 12:00") + 30  # bold rows too
        self.view.setColumnWidth(JobsModel.COL_WHEN, when_width)
        self.view.setColumnWidth(JobsModel.COL_STATE, metrics.horizontalAdvance("interrupted") + 24)
        self.view.setColumnWidth(JobsModel.COL_LAYER, 100)
        self.view.setColumnWidth(JobsModel.COL_ENDPOINT, 80)
        for col in (JobsModel.COL_ORDERS, JobsModel.COL_FAILED, JobsModel.COL_SKIPPED):
            title = self.model.headerData(col, Qt.Orientation.Horizontal)
            self.view.setColumnWidth(col, metrics.horizontalAdvance(title) + 16)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._show_menu)
        self.view.selectionModel().selectionChanged.connect(self._on_selection)
        self.view.doubleClicked.connect(lambda *_: self._emit_current(self.job_opened))
        layout.addWidget(self.view, 1)

        row = QHBoxLayout()
        icon = QgsApplication.getThemeIcon
        self.open_button = self._button(icon("/mActionOpenTable.svg"), self.tr("Show orders"))
        self.open_button.setToolTip(self.tr("Show this job's orders in the Results tab"))
        self.open_button.clicked.connect(lambda: self._emit_current(self.job_opened))
        self.resume_button = self._button(icon("/mActionStart.svg"), self.tr("Resume"))
        self.resume_button.setToolTip(
            self.tr(
                "Carry on sending: bulks already sent are asked about with their own ids, "
                "so no feature is ordered twice"
            )
        )
        self.resume_button.clicked.connect(lambda: self._emit_current(self.resume_requested))
        self.forget_button = self._button(icon("/mActionDeleteSelected.svg"), self.tr("Forget…"))
        self.forget_button.setToolTip(
            self.tr("Remove the job from this computer; its orders stay at Planet")
        )
        self.forget_button.clicked.connect(lambda: self._emit_current(self.forget_requested))
        row.addWidget(self.open_button)
        row.addWidget(self.resume_button)
        row.addStretch(1)
        row.addWidget(self.forget_button)
        layout.addLayout(row)
        self._update_buttons()

    @staticmethod
    def _button(icon, text) -> QToolButton:
        b = QToolButton()
        b.setIcon(icon)
        b.setText(text)
        b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        return b

    # -- data ----------------------------------------------------------------------
    def refresh(self, summaries, running, project_jobs):
        current = self.current_job_id()
        self.model.set_jobs(summaries, running, project_jobs)
        fit_column(self.view, JobsModel.COL_LAYER, 80, 260)  # readable, not squeezed
        fit_column(self.view, JobsModel.COL_ENDPOINT, 80, 320)
        if current and self.current_job_id() != current:
            self.select_job(current, emit=False)
        self._update_buttons()

    def current_job_id(self) -> Optional[str]:
        rows = self.view.selectionModel().selectedRows()
        return self.model.data(rows[0], JobsModel.JobIdRole) if rows else None

    def current_state(self) -> Optional[str]:
        rows = self.view.selectionModel().selectedRows()
        return self.model.data(rows[0], JobsModel.StateRole) if rows else None

    def select_job(self, job_id: str, emit: bool = True) -> bool:
        row = self.model.row_of(job_id)
        if row is None:
            return False
        selection = self.view.selectionModel()
        if not emit:
            selection.blockSignals(True)
        try:
            selection.select(
                self.model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
            self.view.setCurrentIndex(self.model.index(row, 0))
        finally:
            selection.blockSignals(False)
        self.view.viewport().update()
        self._update_buttons()
        return True

    # -- actions ----------------------------------------------------------------------
    def _emit_current(self, signal):
        job_id = self.current_job_id()
        if job_id:
            signal.emit(job_id)

    def _on_selection(self, *_):
        self._update_buttons()
        self._emit_current(self.job_selected)

    def _update_buttons(self):
        state = self.current_state()
        self.open_button.setEnabled(state is not None)
        self.resume_button.setEnabled(state in RESUMABLE)
        self.forget_button.setEnabled(state is not None and state != JobState.RUNNING)

    def build_menu(self) -> QMenu:
        menu = QMenu(self)
        for button in (self.open_button, self.resume_button, self.forget_button):
            act = menu.addAction(button.icon(), button.text())
            act.setEnabled(button.isEnabled())
            act.triggered.connect(button.click)
        return menu

    def _show_menu(self, pos):
        self.build_menu().exec(self.view.viewport().mapToGlobal(pos))


def confirm_forget_text(tr: Callable, summary: JobSummary) -> str:
    return tr(
        "Forget the job of {when} UTC (layer {layer}, {n} order(s))? It is removed from "
        "this computer only: its orders stay at Planet."
    ).format(
        when=utc_text(summary.created_time),
        layer=summary.layer_name,
        n=(summary.counts or {}).get(TargetStatus.SUCCEEDED, 0),
    )
