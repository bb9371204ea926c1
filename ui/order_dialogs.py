"""Small dialogs that only collect values: "Fix and resubmit…" and "Edit orders…".

The dock does the work with ``values()`` (tests call the dock's methods with the
values directly, or fill the dialog's widgets and read ``values()``).
"""

import json
from datetime import datetime, timedelta, timezone
from typing import List

from qgis.PyQt.QtCore import QDateTime, Qt, QTimeZone
from qgis.PyQt.QtWidgets import (
    QCheckBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
)

from ..core.model.job import parse_utc
from ..core.targets.parameters import iso_utc
from .widgets import WrapLabel, plural

DATE_FORMAT = "yyyy-MM-dd HH:mm 'UTC'"


def _to_qdatetime(dt: datetime) -> QDateTime:
    q = QDateTime.fromSecsSinceEpoch(int(dt.timestamp()), QTimeZone.utc())
    return q


def _from_qdatetime(q: QDateTime) -> datetime:
    return datetime.fromtimestamp(q.toSecsSinceEpoch(), timezone.utc)


class OrderChangesDialog(QDialog):
    """Name, start and end (UTC), each applied only when ticked; "fix" adds extra fields
    JSON and "rebuild from the features"."""

    def __init__(self, mode: str, targets: List, parent=None):
        super().__init__(parent)
        self.mode = mode
        self.targets = list(targets)
        n = len(self.targets)
        first = (self.targets[0].payload or {}) if self.targets else {}
        if mode == "fix":
            self.setWindowTitle(self.tr("Fix and resubmit"))
            intro = plural(
                n,
                self.tr(
                    "Resend {n} failed or skipped order with these changes. It stays linked "
                    "to its feature; the earlier attempt stays in the row's history."
                ),
                self.tr(
                    "Resend {n} failed or skipped orders with these changes. They stay linked "
                    "to their features; the earlier attempts stay in the rows' history."
                ),
            ).format(n=n)
        else:
            self.setWindowTitle(self.tr("Edit orders"))
            intro = plural(
                n,
                self.tr("Change {n} order at Planet. Only ticked values change."),
                self.tr("Change {n} orders at Planet. Only ticked values change."),
            ).format(n=n)
        layout = QVBoxLayout(self)
        layout.addWidget(WrapLabel(intro))
        if self.targets:
            shown = ", ".join(t.label for t in self.targets[:3])
            more = n - 3
            if more > 0:
                shown += self.tr(" and {n} more").format(n=more)
            who = QLabel(shown)
            who.setWordWrap(True)
            who.setStyleSheet("color: palette(dark);")
            layout.addWidget(who)
            reasons = sorted({t.reason for t in self.targets if t.reason})
            if reasons:
                why = WrapLabel(self.tr("Why: {reasons}").format(reasons="; ".join(reasons[:3])))
                why.setStyleSheet("color: #b2182b;")
                layout.addWidget(why)

        grid = QGridLayout()
        self.name_check = QCheckBox(self.tr("Name"))
        self.name_edit = QLineEdit(self.targets[0].name if n == 1 else "")
        self.name_check.setEnabled(n == 1)
        if n != 1:
            self.name_check.setToolTip(self.tr("Select one order to change its name"))
        start = parse_utc(first.get("start_time")) or datetime.now(timezone.utc) + timedelta(1)
        end = parse_utc(first.get("end_time")) or start + timedelta(7)
        self.start_check = QCheckBox(self.tr("Start (UTC)"))
        self.start_edit = self._date_edit(start)
        self.end_check = QCheckBox(self.tr("End (UTC)"))
        self.end_edit = self._date_edit(end)
        for row, (check, edit) in enumerate(
            (
                (self.name_check, self.name_edit),
                (self.start_check, self.start_edit),
                (self.end_check, self.end_edit),
            )
        ):
            grid.addWidget(check, row, 0)
            grid.addWidget(edit, row, 1)
            edit.setEnabled(False)
            check.toggled.connect(edit.setEnabled)
            check.toggled.connect(self._validate)
        self.name_edit.textChanged.connect(self._validate)
        self.start_edit.dateTimeChanged.connect(self._validate)
        self.end_edit.dateTimeChanged.connect(self._validate)
        layout.addLayout(grid)

        self.extra_edit = None
        self.rebuild_check = None
        if mode == "fix":
            layout.addWidget(QLabel(self.tr("Extra fields (JSON object, added to each order)")))
            self.extra_edit = QPlainTextEdit()
            self.extra_edit.setPlaceholderText('{"exclusivity_days": 0}')
            self.extra_edit.setMaximumHeight(70)
            self.extra_edit.textChanged.connect(self._validate)
            layout.addWidget(self.extra_edit)
            self.rebuild_check = QCheckBox(self.tr("Rebuild from the features"))
            self.rebuild_check.setToolTip(
                self.tr(
                    "You fixed the features themselves (geometry, attributes): build these "
                    "orders again from the layer with the job's settings"
                )
            )
            self.rebuild_check.toggled.connect(self._validate)
            layout.addWidget(self.rebuild_check)

        self.problem_label = WrapLabel()
        self.problem_label.setStyleSheet("color: #b2182b;")
        layout.addWidget(self.problem_label)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            self.tr("Resubmit") if mode == "fix" else self.tr("Apply")
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._validate()

    @staticmethod
    def _date_edit(dt: datetime) -> QDateTimeEdit:
        edit = QDateTimeEdit()
        edit.setTimeSpec(Qt.TimeSpec.UTC)
        edit.setDisplayFormat(DATE_FORMAT)
        edit.setCalendarPopup(True)
        edit.setDateTime(_to_qdatetime(dt))
        return edit

    def values(self) -> dict:
        """Only what the user ticked or typed: name, start_time, end_time (ISO, UTC),
        extra_fields (dict), rebuild (bool)."""
        out = {}
        if self.name_check.isChecked() and self.name_edit.text().strip():
            out["name"] = self.name_edit.text().strip()
        if self.start_check.isChecked():
            out["start_time"] = iso_utc(_from_qdatetime(self.start_edit.dateTime()))
        if self.end_check.isChecked():
            out["end_time"] = iso_utc(_from_qdatetime(self.end_edit.dateTime()))
        if self.extra_edit is not None and self.extra_edit.toPlainText().strip():
            try:
                extra = json.loads(self.extra_edit.toPlainText())
            except ValueError:
                extra = None
            if isinstance(extra, dict) and extra:
                out["extra_fields"] = extra
        if self.rebuild_check is not None and self.rebuild_check.isChecked():
            out["rebuild"] = True
        return out

    def problems(self) -> List[str]:
        problems = []
        if self.name_check.isChecked() and not self.name_edit.text().strip():
            problems.append(self.tr("The name is empty."))
        if self.start_check.isChecked() and self.end_check.isChecked():
            if self.end_edit.dateTime() <= self.start_edit.dateTime():
                problems.append(self.tr("The end must be after the start."))
        if self.extra_edit is not None and self.extra_edit.toPlainText().strip():
            try:
                extra = json.loads(self.extra_edit.toPlainText())
            except ValueError as exc:
                problems.append(self.tr("Extra fields: not valid JSON ({e}).").format(e=exc))
            else:
                if not isinstance(extra, dict):
                    problems.append(self.tr("Extra fields must be a JSON object."))
        if not problems and self.mode != "fix" and not self.values():
            problems.append(self.tr("Nothing to change yet."))
        return problems

    def _validate(self, *_):
        problems = self.problems()
        self.problem_label.setText("<br/>".join(problems))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not problems)
