"""How target and order statuses read and which colour they have: words, colours, sort ranks,
history lines. No widgets: QColor is QtGui's plain value type (the result layer's symbols and
the table's brushes use it); the icons, which paint pixmaps, stay in ui/status.py."""

from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtGui import QColor

from ..model.job import TargetStatus

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


def tr(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


def status_label(status: str) -> str:
    labels = {
        TargetStatus.READY: tr("Ready"),
        TargetStatus.SKIPPED: tr("Skipped"),
        TargetStatus.SUBMITTED: tr("Submitted"),
        TargetStatus.SUCCEEDED: tr("Created"),  # the order exists; its outcome is separate
        TargetStatus.FAILED: tr("Failed"),
    }
    return labels.get(status, status)


def status_color(status: str) -> QColor:
    return QColor(STATUS_COLORS.get(status, "#8c8c8c"))


# -- order statuses (after creation, watched through GET /orders/) -------------------------
ORDER_STATUS_COLORS = {
    "RECEIVED": "#7f8fa6",
    "REQUESTED": "#7f8fa6",
    "PENDING": "#7f8fa6",
    "IN_PROGRESS": "#2b83ba",
    "FINALIZING": "#2b83ba",
    "FULFILLED": "#1a9641",
    "PENDING_CANCELLATION": "#8c8c8c",
    "CANCELLED": "#5e5e5e",
    "EXPIRED": "#b8860b",
    "REJECTED": "#d7301f",
    "FAILED": "#d7301f",
}

#: the lifecycle order, for sorting the column
ORDER_STATUS_RANK = {s: i for i, s in enumerate(ORDER_STATUS_COLORS)}


def order_status_label(status) -> str:
    if not status:
        return ""
    labels = {
        "RECEIVED": tr("Received"),
        "REQUESTED": tr("Requested"),
        "PENDING": tr("Pending"),
        "IN_PROGRESS": tr("In progress"),
        "FINALIZING": tr("Finalizing"),
        "FULFILLED": tr("Fulfilled"),
        "PENDING_CANCELLATION": tr("Cancelling"),
        "CANCELLED": tr("Cancelled"),
        "EXPIRED": tr("Expired"),
        "REJECTED": tr("Rejected"),
        "FAILED": tr("Failed"),
    }
    return labels.get(status, status.replace("_", " ").capitalize())


def order_status_color(status) -> QColor:
    return QColor(ORDER_STATUS_COLORS.get(status or "", "#8c8c8c"))


def utc_text(iso) -> str:
    """'2024-05-01T12:03:04Z' -> '2024-05-01 12:03' (the caller says UTC in the header)."""
    if not iso:
        return ""
    text = str(iso).replace("T", " ")
    for suffix in ("Z", "+00:00"):
        if text.endswith(suffix):
            text = text[: -len(suffix)]
    return text[:16]


def attempt_label(status: str) -> str:
    return {
        "submitted": tr("sent"),
        "succeeded": tr("order created"),
        "failed": tr("refused"),
        "edited": tr("edited"),
        "edit refused": tr("edit refused"),
        "cancelled": tr("cancelled"),
        "cancel refused": tr("cancel refused"),
    }.get(status, status)


def history_lines(target) -> list:
    """One line per attempt: time UTC, what happened, bulk id, order id, reason."""
    lines = []
    for a in target.attempts:
        parts = [f"{utc_text(a.time)} UTC", attempt_label(a.status)]
        if a.bulk_id:
            parts.append(tr("bulk {id}").format(id=a.bulk_id[:8]))
        if a.order_id:
            parts.append(tr("order {id}").format(id=a.order_id))
        line = " · ".join(parts)
        if a.reason:
            line += " — " + a.reason
        lines.append(line)
    return lines
