"""The Planet Bulk Tasking dock: from selected features to submitted orders.

Thin wiring of the panels (Compose / Results / Settings) to core: payloads are
built by core.payloads.create_job, sent by core.worker.JobRunner on its own
thread, and the results flow back into the ResultsModel through signals. No
business logic lives here.

plugin.py constructs it with ``PlanetBulkTaskingDock(iface, parent)`` and calls
``shutdown()`` before deleting it.
"""

from datetime import datetime, timezone
from typing import List, Optional

from qgis.core import Qgis, QgsApplication, QgsProject
from qgis.PyQt.QtCore import Qt, pyqtSignal
from qgis.PyQt.QtWidgets import (
    QApplication,
    QDockWidget,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..core.job import BulkJob, TargetStatus
from .compose_panel import ComposePanel
from .map_links import zoom_to_features
from .notices import Notices
from .preview_panel import PreviewPanel, summarize
from .results_panel import ResultsPanel
from .results_proxy import ResultsProxy
from .settings_panel import SettingsPanel
from .widgets import WrapLabel

BANNER_STYLE = (
    "QLabel { background: #fff3cd; color: #6b4e00; border: 1px solid #e6a117;"
    " border-radius: 3px; padding: 6px; }"
)
REASON_STYLE = "color: #b2182b;"


class PlanetBulkTaskingDock(QDockWidget):
    job_started = pyqtSignal(str)  # job id
    job_ended = pyqtSignal(str, str)  # job id, "finished" | "cancelled" | "failed"

    TAB_COMPOSE, TAB_RESULTS, TAB_SETTINGS = range(3)

    def __init__(self, iface, parent=None, services=None):
        super().__init__(parent)
        self.iface = iface
        self.services = services  # core.services.PluginServices: store, JobManager (may be None)
        self.setObjectName("PlanetBulkTaskingDock")
        self.setWindowTitle(self.tr("Planet Bulk Tasking"))
        self.runner = None
        self._preview_job: Optional[BulkJob] = None
        self._preview_fresh = False
        self._last_error = None
        self._is_shut_down = False

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
        scroll.setFrameShape(QFrame.NoFrame)
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
        footer.setFrameShape(QFrame.StyledPanel)
        footer.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Maximum)
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
        self.settings = SettingsPanel()
        self.tabs.addTab(self.settings, icon("/mActionOptions.svg"), self.tr("Settings"))
        self.setWidget(root)

        self.notices = Notices(iface, self)

        # -- wiring ---------------------------------------------------------------------------
        self.compose.changed.connect(self._on_form_changed)
        self.settings.changed.connect(self.update_submit_state)
        self.settings.practice_changed.connect(self._update_banner)
        self.preview_panel.feature_clicked.connect(self.zoom_to_feature)
        self.preview_button.clicked.connect(self.preview)
        self.submit_button.clicked.connect(self.submit)
        self.results.cancel_requested.connect(self.cancel)
        self.results.message.connect(self._on_panel_message)
        self._update_banner(self.settings.is_practice())
        self.update_submit_state()

    # -- state ------------------------------------------------------------------------------
    def is_running(self) -> bool:
        return self.runner is not None and self.runner.is_running()

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
                self.tr("Ready to send {n} feature(s) to {where}.").format(
                    n=n, where=self.settings.endpoint_label()
                )
            )
            self.reason_label.setStyleSheet("")
        self.submit_button.setToolTip("\n".join(problems))

    def _on_form_changed(self):
        if self._preview_fresh:
            self._preview_fresh = False
            self.preview_panel.mark_stale()
        self.update_submit_state()

    def _update_banner(self, practice: bool):
        self.banner.setVisible(bool(practice))

    def _on_panel_message(self, title, text, level):
        self.notices.push(title, text, level)

    # -- building ---------------------------------------------------------------------------
    def _build_job(self) -> Optional[BulkJob]:
        from ..core.payloads import BuildCancelled, InvalidParameters, create_job

        layer = self.compose.layer()
        if layer is None:
            return None
        QApplication.setOverrideCursor(Qt.WaitCursor)
        try:
            job = create_job(
                layer,
                self.compose.parameters(),
                selected_only=self.compose.selected_only.isChecked(),
                transform_context=QgsProject.instance().transformContext(),
            )
        except InvalidParameters as exc:
            self.notices.push(self.tr("Planet Bulk Tasking"), "; ".join(exc.problems), Qgis.Warning)
            return None
        except BuildCancelled:
            return None
        except ValueError as exc:
            self.notices.push(self.tr("Planet Bulk Tasking"), str(exc), Qgis.Warning)
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
    def submit(self) -> bool:
        """Build (or reuse the fresh preview) and start sending. False if nothing started."""
        from ..core.worker import JobRunner

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
                self.tr("All {n} target(s) were skipped: see the preview for why.").format(
                    n=len(job.targets)
                ),
                Qgis.Warning,
            )
            self.preview_panel.show_job(job)
            return False
        try:
            base_url = self.settings.base_url()
        except OSError as exc:  # the practice sandbox could not start
            self.notices.push(
                self.tr("Practice sandbox"),
                self.tr("The practice sandbox could not start: {error}").format(error=exc),
                Qgis.Critical,
            )
            return False
        api_key = self.settings.api_key()
        if not api_key:
            self.update_submit_state()
            return False
        job.endpoint = base_url
        self.preview_panel.show_job(job)
        self.results.set_job(job, layer)
        self.results.set_filter(ResultsProxy.FILTER_ALL)

        make_client = self.make_client

        def client_factory(stop_event=None):
            return make_client(base_url, api_key, stop_event=stop_event)

        self._stop_runner()
        runner = JobRunner(self)
        runner.progress.connect(self._on_progress)
        runner.results.connect(self._on_results)
        runner.chunk_rejected.connect(self._on_chunk_rejected)
        runner.chunk_accepted.connect(self._on_chunk_accepted)
        runner.failed.connect(self._on_failed)
        runner.ended.connect(self._on_ended)
        self.runner = runner
        self._last_error = None
        self.results.progress.set_running(True)
        self.results.progress.set_state(
            self.tr("Sending {orders} orders to {where} in {bulks} bulk request(s)…").format(
                where=self.settings.endpoint_label(), **summary
            )
        )
        runner.start(job, client_factory)
        self.tabs.setCurrentIndex(self.TAB_RESULTS)
        self.update_submit_state()
        self.job_started.emit(job.job_id)
        return True

    @staticmethod
    def make_client(base_url, api_key, stop_event=None):
        """A TaskingClient for the worker's threads (tests may replace this)."""
        from ..core.client import TaskingClient

        return TaskingClient(base_url, api_key, stop_event=stop_event)

    def cancel(self):
        if self.runner is not None and self.runner.is_running():
            self.runner.cancel()
            self.results.progress.set_state(self.tr("Cancelling…"))

    def _on_progress(self, counts: dict):
        self.results.progress.set_counts(counts)
        chunks = counts.get("chunks", 0)
        if chunks and self.is_running():
            accepted = counts.get("chunks_accepted", 0) + counts.get("chunks_complete", 0)
            self.results.progress.set_state(
                self.tr(
                    "{accepted} of {chunks} bulk request(s) accepted; "
                    "waiting for Planet to create the orders…"
                ).format(accepted=accepted, chunks=chunks)
            )

    def _on_results(self, outcomes):
        self.results.refresh_keys([o[0] for o in outcomes])

    def _on_chunk_accepted(self, index: int, bulk_id: str):
        self._refresh_chunk(index)

    def _on_chunk_rejected(self, index: int, reason: str):
        self._refresh_chunk(index)

    def _refresh_chunk(self, index: int):
        """Only this bulk's rows changed (READY -> SUBMITTED, or FAILED when refused)."""
        job = self.results.job()
        if job is not None:
            chunk = next((c for c in job.chunks if c.index == index), None)
            if chunk is not None:
                self.results.refresh_keys(chunk.target_keys)

    def _on_failed(self, error):
        self._last_error = error

    def _on_ended(self, job_id: str, how: str):
        self.results.refresh_all()
        self.results.update_result_layer()
        self.results.progress.set_running(False)
        job = self.results.job()
        counts = job.counts() if job is not None else {}
        created = counts.get(TargetStatus.SUCCEEDED, 0)
        failed = counts.get(TargetStatus.FAILED, 0)
        skipped = counts.get(TargetStatus.SKIPPED, 0)
        pending = counts.get(TargetStatus.READY, 0) + counts.get(TargetStatus.SUBMITTED, 0)
        parts = [self.tr("{n} orders created").format(n=created)]
        if failed:
            parts.append(self.tr("{n} failed").format(n=failed))
        if skipped:
            parts.append(self.tr("{n} skipped").format(n=skipped))
        if pending:
            parts.append(self.tr("{n} not confirmed").format(n=pending))
        text = ", ".join(parts)
        if how == "cancelled":
            title, level = self.tr("Sending cancelled"), Qgis.Info
        elif how == "failed":
            title, level = self.tr("Sending stopped"), Qgis.Critical
            message = getattr(self._last_error, "user_message", None) or str(self._last_error or "")
            if message:
                text = message + " — " + text
        else:
            title = self.tr("Orders sent")
            level = Qgis.Warning if failed else Qgis.Success
        ended_at = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M")
        self.results.progress.set_state(
            self.tr("<b>{title}</b> ({time} UTC): {text}.").format(
                title=title, time=ended_at, text=text
            )
        )
        if failed:
            self.notices.push(
                title, text, level, button_text=self.tr("Show failed"), callback=self.show_failed
            )
        else:
            self.notices.push(title, text, level)
        self.update_submit_state()
        self.job_ended.emit(job_id, how)

    def show_failed(self):
        """Show the failed rows: Results tab, failed filter, dock raised."""
        self.results.set_filter(ResultsProxy.FILTER_FAILED)
        self.tabs.setCurrentIndex(self.TAB_RESULTS)
        self.show()
        self.raise_()

    # -- teardown ------------------------------------------------------------------------------
    def _stop_runner(self, timeout_ms: int = 5000) -> bool:
        runner, ok = self.runner, True
        if runner is None:
            return True
        ok = runner.stop(timeout_ms)
        for signal, slot in (
            (runner.progress, self._on_progress),
            (runner.results, self._on_results),
            (runner.chunk_rejected, self._on_chunk_rejected),
            (runner.chunk_accepted, self._on_chunk_accepted),
            (runner.failed, self._on_failed),
            (runner.ended, self._on_ended),
        ):
            try:
                signal.disconnect(slot)
            except (TypeError, RuntimeError):
                pass
        if ok:
            self.runner = None
        else:
            self._stuck_runner = runner  # never destroyed while its thread runs
        return ok

    def shutdown(self):
        """Stop every thread and the practice sandbox; disconnect from QGIS objects."""
        if self._is_shut_down:
            return
        self._is_shut_down = True
        self._stop_runner()
        self.settings.shutdown()
        self.compose.shutdown()
        self.results.shutdown()
        self.notices.clear()
