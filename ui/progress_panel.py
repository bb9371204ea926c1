"""Progress of a running job: bar, counts by status, state in words, Cancel."""

from qgis.core import QgsApplication
from qgis.PyQt.QtCore import Qt, pyqtSignal
from qgis.PyQt.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..core.model.job import TargetStatus
from .status import STATUS_COLORS
from .widgets import WrapLabel


class ProgressPanel(QWidget):
    cancel_requested = pyqtSignal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.counts = {"total": 0, "processing": 0, "succeeded": 0, "failed": 0, "skipped": 0}
        self.running = False
        self.last_counts: dict = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)

        top = QHBoxLayout()
        self.state_label = WrapLabel(self.tr("No submission yet."))
        top.addWidget(self.state_label, 1)
        self.cancel_button = QPushButton(
            QgsApplication.getThemeIcon("/mTaskCancel.svg"), self.tr("Cancel")
        )
        self.cancel_button.setToolTip(
            self.tr(
                "Stop sending and following up. Orders Planet has already accepted "
                "are not cancelled."
            )
        )
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel_requested.emit)
        top.addWidget(self.cancel_button)
        layout.addLayout(top)

        self.bar = QProgressBar()
        self.bar.setRange(0, 1)
        self.bar.setValue(0)
        self.bar.setFormat(self.tr("%v of %m done"))
        layout.addWidget(self.bar)

        chips = QHBoxLayout()
        chips.setSpacing(4)
        self._chips = {}
        for key, label, color in (
            ("total", self.tr("Total"), "#4d4d4d"),
            ("processing", self.tr("Processing"), STATUS_COLORS[TargetStatus.SUBMITTED]),
            ("succeeded", self.tr("Created"), STATUS_COLORS[TargetStatus.SUCCEEDED]),
            ("failed", self.tr("Failed"), STATUS_COLORS[TargetStatus.FAILED]),
            ("skipped", self.tr("Skipped"), STATUS_COLORS[TargetStatus.SKIPPED]),
            ("unsent", self.tr("Not sent"), "#4d4d4d"),
        ):
            chip = QLabel()
            chip.setFrameShape(QFrame.Shape.NoFrame)
            chip.setAlignment(Qt.AlignmentFlag.AlignCenter)
            chip.setMinimumWidth(56)
            chip.setStyleSheet(
                "QLabel { border-top: 3px solid " + color + "; padding: 2px 2px;"
                " background: palette(base); }"
            )
            chip.setProperty("label", label)
            chip.setProperty("color", color)
            chip.setToolTip(
                self.tr(
                    "Orders Planet created. What became of them (rejected, fulfilled…) is "
                    "counted under “At Planet”."
                )
                if key == "succeeded"
                else label
            )
            self._chips[key] = chip
            chips.addWidget(chip, 1)
        layout.addLayout(chips)
        self.set_counts({})

    def set_counts(self, counts: dict):
        """counts: job.counts() or the worker's progress dict.

        "Processing" is every target not final yet (ready or submitted) while the job runs;
        once it stopped, ready targets were never sent: "Not sent" (shown only then).
        """
        self.last_counts = dict(counts)
        total = int(counts.get("total", 0))
        ready = int(counts.get("ready", 0))
        # stopped: ready targets were not sent, unless their bulk was on its way (the
        # caller may say how many were really never posted: "unsent")
        unsent = 0 if self.running else min(ready, int(counts.get("unsent", ready)))
        processing = int(counts.get("submitted", 0)) + ready - unsent
        done = {k: int(counts.get(k, 0)) for k in ("succeeded", "failed", "skipped")}
        self.counts = {"total": total, "processing": processing, **done}
        shown = dict(self.counts, unsent=unsent)
        self._chips["unsent"].setVisible(bool(shown["unsent"]))
        for key, chip in self._chips.items():
            chip.setText(
                f"<span style='font-size:13pt; font-weight:600'>{shown[key]}</span>"
                f"<br/><span style='color:#555; font-size:8pt'>{chip.property('label')}</span>"
            )
        # QProgressBar.setValue repaints at once (a synchronous paint of the dock behind the
        # bar, its table included, at every report): with updates off it only schedules one
        self.bar.setUpdatesEnabled(False)
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(min(sum(done.values()), max(total, 1)) if total else 0)
        self.bar.setUpdatesEnabled(True)

    def tile(self, key: str) -> QLabel:
        """The count tile ``key`` ("total", "processing", "succeeded", "failed", "skipped",
        "unsent"): what the user reads, for checks that the figures say the truth."""
        return self._chips[key]

    def set_running(self, running: bool):
        self.cancel_button.setEnabled(running)
        if bool(running) != self.running:
            self.running = bool(running)
            self.set_counts(self.last_counts)  # ready targets: processing, or not sent

    def set_state(self, text: str):
        self.state_label.setText(text)
