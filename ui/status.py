"""Status icons for the dock's tables (small painted discs); the words and colours are
core.outputs.status's."""

from qgis.PyQt.QtGui import QColor, QIcon, QPainter, QPixmap

from ..core.outputs.status import (  # noqa: F401  (the ui modules' one import place)
    ORDER_STATUS_COLORS,
    ORDER_STATUS_RANK,
    STATUS_COLORS,
    STATUS_RANK,
    attempt_label,
    history_lines,
    order_status_color,
    order_status_label,
    status_color,
    status_label,
    utc_text,
)

_ICONS = {}


def status_icon(status: str) -> QIcon:
    """A small filled disc in the status colour (cached)."""
    icon = _ICONS.get(status)
    if icon is None:
        pix = QPixmap(12, 12)
        pix.fill(QColor(0, 0, 0, 0))
        painter = QPainter(pix)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(status_color(status).darker(130))
        painter.setBrush(status_color(status))
        painter.drawEllipse(1, 1, 10, 10)
        painter.end()
        icon = QIcon(pix)
        _ICONS[status] = icon
    return icon


def order_status_icon(status) -> QIcon:
    return _disc("order:" + (status or ""), order_status_color(status))


def _disc(cache_key: str, color: QColor) -> QIcon:
    icon = _ICONS.get(cache_key)
    if icon is None:
        pix = QPixmap(12, 12)
        pix.fill(QColor(0, 0, 0, 0))
        painter = QPainter(pix)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(color.darker(130))
        painter.setBrush(color)
        painter.drawRoundedRect(1, 1, 10, 10, 2, 2)
        painter.end()
        icon = QIcon(pix)
        _ICONS[cache_key] = icon
    return icon
