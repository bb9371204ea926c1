"""The shared part of the plugin's flat table models: columns with a title and a tooltip."""

from typing import List

from qgis.PyQt.QtCore import QAbstractTableModel, QModelIndex, Qt


class ColumnsModel(QAbstractTableModel):
    """A flat table of ``COLUMN_COUNT`` columns; the horizontal header shows
    ``column_titles()`` and, as tooltips, ``column_tips()`` (translated by the subclass
    with ``self.tr``, so each message keeps its model's translation context)."""

    COLUMN_COUNT = 0

    def column_titles(self) -> List[str]:
        raise NotImplementedError

    def column_tips(self) -> List[str]:
        raise NotImplementedError

    def columnCount(self, parent=QModelIndex()):  # noqa: B008, N802
        return 0 if parent.isValid() else self.COLUMN_COUNT

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.column_titles()[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.column_tips()[section]
        return None
