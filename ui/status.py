"""How target statuses look and read in the dock: words, colours, sort ranks, icons."""

from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtGui import QColor, QIcon, QPainter, QPixmap

from ..core.job import TargetStatus

CONTEXT = "PlanetBulkTasking"

# green succeeded / amber waiting (ready, submitted) / red failed / grey skipped
STATUS_COLORS = {
    TargetStatus.SUCCEEDED: "#2e9e44",
    TargetStatus.SUBMITTED: "#e6a117",
    TargetStatus.READY: "#e6a117",
    TargetStatus.FAILED: "#d7301f",
    TargetStatus.SKIPPED: "#8c8c8c",
}

# Problems first: the default order of the results table.
STATUS_RANK = {
    TargetStatus.FAILED: 0,
    TargetStatus.SKIPPED: 1,
    TargetStatus.SUBMITTED: 2,
    TargetStatus.READY: 3,
    TargetStatus.SUCCEEDED: 4,
}

_ICONS = {}


def tr(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


def status_label(status: str) -> str:
    labels = {
        TargetStatus.READY: tr("Ready"),
        TargetStatus.SKIPPED: tr("Skipped"),
        TargetStatus.SUBMITTED: tr("Submitted"),
        TargetStatus.SUCCEEDED: tr("Succeeded"),
        TargetStatus.FAILED: tr("Failed"),
    }
    return labels.get(status, status)


def status_color(status: str) -> QColor:
    return QColor(STATUS_COLORS.get(status, "#8c8c8c"))


def status_icon(status: str) -> QIcon:
    """A small filled disc in the status colour (cached)."""
    icon = _ICONS.get(status)
    if icon is None:
        pix = QPixmap(12, 12)
        pix.fill(QColor(0, 0, 0, 0))
        painter = QPainter(pix)
        painter.setRenderHint(QPainter.Antialiasing)
        painter.setPen(status_color(status).darker(130))
        painter.setBrush(status_color(status))
        painter.drawEllipse(1, 1, 10, 10)
        painter.end()
        icon = QIcon(pix)
        _ICONS[status] = icon
    return icon
