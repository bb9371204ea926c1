"""Small widgets shared by the panels."""

from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtWidgets import QLabel, QSizePolicy


def plural(n: int, one: str, many: str) -> str:
    """The singular or the plural text for ``n``; both are translated at the call site
    (two literal tr() calls, so pylupdate5 extracts both)."""
    return one if n == 1 else many


class WrapLabel(QLabel):
    """A word-wrapped label as tall as its text needs at its current width (no more).

    A plain word-wrapped QLabel asks for the height of a narrow guess, which leaves
    blank space above short texts in fixed-height footers.
    """

    def __init__(self, text="", parent=None):
        super().__init__(text, parent)
        self.setWordWrap(True)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)

    def _fit(self, hint: QSize) -> QSize:
        width = self.width() if self.width() > 20 else 340
        return QSize(hint.width(), max(self.heightForWidth(width), 0))

    def sizeHint(self):  # noqa: N802
        return self._fit(super().sizeHint())

    def minimumSizeHint(self):  # noqa: N802
        return self._fit(super().minimumSizeHint())

    def resizeEvent(self, event):  # noqa: N802
        super().resizeEvent(event)
        if self.heightForWidth(self.width()) != self.height():
            self.updateGeometry()

    def setText(self, text):  # noqa: N802
        super().setText(text)
        self.updateGeometry()
