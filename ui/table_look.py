"""How the plugin's tables stay readable: selected rows keep their status colours (a pale
selection instead of the theme's solid blue, which after a submit painted every row), and
columns sized to what they hold."""

from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtGui import QBrush, QColor, QFontMetrics, QPalette
from qgis.PyQt.QtWidgets import QStyle, QStyledItemDelegate

SAMPLE_ROWS = 300  # rows measured to size a column (enough to see typical names)


class ReadableSelectionDelegate(QStyledItemDelegate):
    """Selected cells are drawn as unselected cells on a pale tint: the text keeps the
    model's colour (status colours stay visible) whatever the QGIS theme or stylesheet
    does with selections (a palette alone is overridden by QGIS's stylesheet)."""

    def __init__(self, tint: QColor, parent=None, elide_right=()):
        super().__init__(parent)
        self.tint = QColor(tint)
        self.elide_right = set(elide_right)  # columns whose start matters (errors)

    def initStyleOption(self, option, index):  # noqa: N802
        super().initStyleOption(option, index)
        if index.column() in self.elide_right:
            option.textElideMode = Qt.TextElideMode.ElideRight
        if option.state & QStyle.StateFlag.State_Selected:
            option.state = option.state & ~QStyle.StateFlag.State_Selected
            option.backgroundBrush = QBrush(self.tint)


def selection_tint(view) -> QColor:
    """A light tint of the theme's highlight colour."""
    palette = view.palette()
    base = palette.color(QPalette.ColorRole.Base)
    highlight = palette.color(QPalette.ColorRole.Highlight)
    return QColor(
        (base.red() * 3 + highlight.red()) // 4,
        (base.green() * 3 + highlight.green()) // 4,
        (base.blue() * 3 + highlight.blue()) // 4,
    )


def pale_selection(view, elide_right=()):
    view.setItemDelegate(ReadableSelectionDelegate(selection_tint(view), view, elide_right))


def fit_column(view, column: int, minimum: int, maximum: int) -> int:
    """Width for the widest text among the first rows (and the header), within bounds."""
    model = view.model()
    metrics = view.fontMetrics()
    font = (
        model.data(model.index(0, column), Qt.ItemDataRole.FontRole) if model.rowCount() else None
    )
    if font is not None:  # e.g. bold rows (jobs sent from this project) are wider
        metrics = QFontMetrics(font)
    title = model.headerData(column, Qt.Orientation.Horizontal) or ""
    widest = view.fontMetrics().horizontalAdvance(str(title)) + 28
    for row in range(min(model.rowCount(), SAMPLE_ROWS)):
        text = model.data(model.index(row, column))
        if text:
            widest = max(widest, metrics.horizontalAdvance(str(text)) + 16)
    width = max(minimum, min(maximum, widest))
    view.setColumnWidth(column, width)
    return width
