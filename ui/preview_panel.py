"""What a submission would send: summary, skipped features (clickable), first payloads."""

import html
import json
from typing import Optional

from qgis.core import QgsApplication
from qgis.PyQt.QtCore import Qt, pyqtSignal
from qgis.PyQt.QtGui import QFontDatabase
from qgis.PyQt.QtWidgets import (
    QGroupBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
)

from ..core.model.job import BulkJob, TargetStatus
from ..core.targets.hints import job_hints
from ..core.targets.rules import ready_duplicate_names
from .widgets import plural

PREVIEW_PAYLOADS = 3
MAX_SKIPPED_LISTED = 500


def summarize(job: BulkJob) -> dict:
    ready = sum(1 for t in job.targets if t.status == TargetStatus.READY)
    skipped = [t for t in job.targets if t.status == TargetStatus.SKIPPED]
    features = len({t.feature_id for t in job.targets})
    bulks = sum(1 for c in job.chunks if c.target_keys)
    duplicates = ready_duplicate_names(job.targets)
    return {
        "features": features,
        "orders": ready,
        "bulks": bulks,
        "skipped": len(skipped),
        "duplicates": duplicates,
    }


class PreviewPanel(QGroupBox):
    feature_clicked = pyqtSignal(int)  # feature id

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setTitle(self.tr("Preview"))
        layout = QVBoxLayout(self)
        layout.setSpacing(4)
        self.summary_label = QLabel(
            self.tr("Click Preview to see what would be sent, before anything is sent.")
        )
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.summary_label)
        # what many targets share and deserves a look before sending (swapped X/Y,
        # times without a zone, names that are no text...): core.targets.hints.job_hints
        self.hints_label = QLabel()
        self.hints_label.setWordWrap(True)
        self.hints_label.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.hints_label)
        self.skipped_title = QLabel(self.tr("Skipped features (click one to zoom to it):"))
        layout.addWidget(self.skipped_title)
        self.skipped_list = QListWidget()
        self.skipped_list.setMaximumHeight(110)
        self.skipped_list.setAlternatingRowColors(True)
        self.skipped_list.setWordWrap(True)
        self.skipped_list.itemClicked.connect(self._on_item)
        self.skipped_list.itemActivated.connect(self._on_item)
        layout.addWidget(self.skipped_list)
        self.json_title = QLabel()
        layout.addWidget(self.json_title)
        self.json_edit = QPlainTextEdit()
        self.json_edit.setReadOnly(True)
        self.json_edit.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.json_edit.setMinimumHeight(120)
        self.json_edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        layout.addWidget(self.json_edit)
        self.show_job(None)

    def show_job(
        self,
        job: Optional[BulkJob],
        stale: bool = False,
        summary: Optional[dict] = None,
        hints: Optional[list] = None,
    ):
        """``summary`` / ``hints``: summarize(job) / job_hints, when known already."""
        self.job = job
        self._stale = stale
        self.skipped_list.clear()
        self.json_edit.clear()
        if hints is None:
            hints = job_hints(job.targets) if job is not None else []
        self.hints = hints
        # core texts are English, like the skip reasons
        self.hints_label.setText("".join(f"<p>⚠ {html.escape(h)}</p>" for h in self.hints))
        self.hints_label.setVisible(bool(self.hints))
        if job is None:
            for w in (self.skipped_title, self.skipped_list, self.json_title, self.json_edit):
                w.hide()
            return
        s = summary if summary is not None else summarize(job)
        text = plural(
            s["bulks"],
            self.tr("{features} features → {orders} orders in 1 bulk request"),
            self.tr("{features} features → {orders} orders in {bulks} bulk requests"),
        ).format(**s)
        if s["skipped"]:
            text += self.tr("; <b>{skipped} skipped</b>").format(**s)
        if s["duplicates"]:
            text += "<br/>" + plural(
                len(s["duplicates"]),
                self.tr("{n} name is used by more than one order (sent anyway): “{name}”."),
                self.tr("{n} names are used by more than one order (sent anyway), e.g. “{name}”."),
            ).format(n=len(s["duplicates"]), name=next(iter(s["duplicates"])))
        if stale:
            text += "<br/><i>" + self.tr("The form changed since: preview again.") + "</i>"
        self.summary_label.setText(text)
        self.summary = s

        skipped = [t for t in job.targets if t.status == TargetStatus.SKIPPED]
        icon = QgsApplication.getThemeIcon("/mIconWarning.svg")
        for t in skipped[:MAX_SKIPPED_LISTED]:
            item = QListWidgetItem(icon, f"{t.label}: {t.reason or ''}")
            item.setData(Qt.ItemDataRole.UserRole, int(t.feature_id))
            item.setToolTip(t.reason or "")
            self.skipped_list.addItem(item)
        if len(skipped) > MAX_SKIPPED_LISTED:
            self.skipped_list.addItem(
                self.tr("… and {n} more (see the Results tab after sending)").format(
                    n=len(skipped) - MAX_SKIPPED_LISTED
                )
            )
        self.skipped_title.setVisible(bool(skipped))
        self.skipped_list.setVisible(bool(skipped))

        payloads = [t.payload for t in job.targets if t.payload is not None][:PREVIEW_PAYLOADS]
        self.json_title.setText(
            plural(
                len(payloads),
                self.tr("The first order payload, exactly as sent:"),
                self.tr("The first {n} order payloads, exactly as sent:"),
            ).format(n=len(payloads))
        )
        self.json_edit.setPlainText(json.dumps(payloads, indent=2, ensure_ascii=False))
        self.json_title.setVisible(bool(payloads))
        self.json_edit.setVisible(bool(payloads))

    def mark_stale(self, note: str = ""):
        if self.job is not None:
            text = self.summary_label.text()
            note = note or self.tr("The form changed since: preview again.")
            self._stale = True
            if note not in text:
                self.summary_label.setText(text + "<br/><i>" + note + "</i>")

    def is_stale(self) -> bool:
        return self.job is not None and self._stale

    def _on_item(self, item):
        fid = item.data(Qt.ItemDataRole.UserRole)
        if fid is not None:
            self.feature_clicked.emit(int(fid))
