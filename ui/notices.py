"""Message-bar notices with an optional action button."""

from qgis.core import Qgis
from qgis.PyQt.QtCore import QObject
from qgis.PyQt.QtWidgets import QPushButton


class Notices(QObject):
    """Push notices to QGIS's message bar; remembers the last one (for tests and reuse)."""

    def __init__(self, iface, parent=None):
        super().__init__(parent)
        self._iface = iface
        self.last_title = ""
        self.last_text = ""
        self.last_level = None
        self.last_button = None
        self._items = []  # notices with a button calling back into the dock
        self._keyed = {}  # key -> the notice a newer one with the same key replaces

    def _bar(self):
        try:
            return self._iface.messageBar()
        except (AttributeError, RuntimeError):
            return None

    def push(
        self,
        title,
        text,
        level=Qgis.MessageLevel.Info,
        duration=8,
        button_text=None,
        callback=None,
        key=None,
    ):
        """``key``: a notice that replaces the previous one with the same key (one per
        job for order updates, instead of a stack of "5 more")."""
        self.last_title, self.last_text, self.last_level = title, text, level
        self.last_button = None
        bar = self._bar()
        if bar is None:
            return None
        if key is not None:
            self._pop(bar, self._keyed.pop(key, None))
        if (button_text and callback is not None or key is not None) and hasattr(
            bar, "createMessage"
        ):
            item = bar.createMessage(title, text)
            if button_text and callback is not None:
                button = QPushButton(button_text, item)
                button.clicked.connect(callback)
                item.layout().addWidget(button)
                self.last_button = button
            bar.pushWidget(item, level, duration)
            self._items.append(item)
            if key is not None:
                self._keyed[key] = item
            return item
        bar.pushMessage(title, text, level, duration)
        return None

    @staticmethod
    def _pop(bar, item):
        if item is None:
            return
        try:
            bar.popWidget(item)
        except (RuntimeError, TypeError):
            pass  # already closed by the user, or timed out and deleted

    def clear(self):
        """Remove our notices whose buttons call back into the dock (before it goes)."""
        bar = self._bar()
        for item in self._items:
            try:
                if bar is not None:
                    bar.popWidget(item)
            except (RuntimeError, TypeError):
                pass  # already closed by the user and deleted
        self._items = []
        self._keyed = {}
