"""How the plugin's tables stay readable: selected rows keep their status colours (a pale
selection instead of the theme's solid blue, which after a submit painted every row), and
columns sized to what they hold."""

from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtGui import QBrush, QColor, QPalette
from qgis.PyQt.QtWidgets import QStyle, QStyledItemDelegate

SAMPLE_ROWS = 300  # rows measured to size a column (enough to see typical names)


class ReadableSelectionDelegate(QStyledItemDelegate):
    """Selected cells keep the model's text colour (status colours stay visible)."""

    def initStyleOption(self, option, index):  # noqa: N802
        super().initStyleOption(option, index)
        if option.state & QStyle.StateFlag.State_Selected:
            foreground = index.data(Qt.ItemDataRole.ForegroundRole)
            brush = (
                QBrush(foreground)
                if foreground is not None
                else option.palette.brush(QPalette.ColorRole.Text)
            )
            option.palette.setBrush(QPalette.ColorRole.HighlightedText, brush)


def pale_selection(view):
    """A light tint of the theme's highlight, with normal text on it."""
    palette = view.palette()
    base = palette.color(QPalette.ColorRole.Base)
    highlight = palette.color(QPalette.ColorRole.Highlight)
    tint = QColor(
        (base.red() * 3 + highlight.red()) // 4,
        (base.green() * 3 + highlight.green()) // 4,
        (base.blue() * 3 + highlight.blue()) // 4,
    )
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        palette.setColor(group, QPalette.ColorRole.Highlight, tint)
        palette.setColor(
            group, QPalette.ColorRole.HighlightedText, palette.color(QPalette.ColorRole.Text)
        )
    view.setPalette(palette)
    view.setItemDelegate(ReadableSelectionDelegate(view))


def fit_column(view, column: int, minimum: int, maximum: int) -> int:
    """Width for the widest text among the first rows (and the header), within bounds."""
    model = view.model()
    metrics = view.fontMetrics()
    title = model.headerData(column, Qt.Orientation.Horizontal) or ""
    widest = metrics.horizontalAdvance(str(title)) + 28
    for row in range(min(model.rowCount(), SAMPLE_ROWS)):
        text = model.data(model.index(row, column))
        if text:
            widest = max(widest, metrics.horizontalAdvance(str(text)) + 16)
    width = max(minimum, min(maximum, widest))
    view.setColumnWidth(column, width)
    return width
