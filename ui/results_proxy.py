"""Sort/filter proxy for the results table: status filter + text filter.

A QSortFilterProxyModel over a Python model calls back into Python for every comparison
(``lessThan`` or ``data``/``index``): 1-3 million calls to sort 100,000 rows. This proxy
keeps the row order itself, as a list of source rows: a sort is one ``sorted()`` over the
model's cached sort values, a filter one pass over the targets, both in C loops, and the
view learns of it through one layout change. While results arrive unsorted (source order,
as a running job shows them) a batch only touches its own rows: rows entering or leaving
the filter are inserted or removed in place, the rest get ``dataChanged``.
"""

from bisect import bisect_left, bisect_right
from typing import Callable, List, Optional

from qgis.PyQt.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    Qt,
    pyqtSignal,
)

from ..core.model.job import TargetStatus
from .results_model import ResultsModel

_SORT_HINT = QAbstractItemModel.LayoutChangeHint.VerticalSortHint


class ResultsProxy(QAbstractTableModel):
    """Proxy-like (sourceModel, mapToSource, mapFromSource, sort, filters) but a plain
    table model: ``parent``, ``flags`` and ``hasIndex`` stay in C++. Qt's selection code
    calls ``parent()`` once per range per row (10,000 selected rows: 100 million calls),
    which a Python ``QAbstractProxyModel`` would answer in Python."""

    FILTER_ALL = "all"
    FILTER_FAILED = "failed"
    FILTER_SUCCEEDED = "succeeded"
    FILTER_SKIPPED = "skipped"
    FILTER_PENDING = "pending"
    FILTER_REFUSED = "refused"  # the last edit or cancel of the order was refused

    _STATUSES = {
        FILTER_FAILED: (TargetStatus.FAILED,),
        FILTER_SUCCEEDED: (TargetStatus.SUCCEEDED,),
        FILTER_SKIPPED: (TargetStatus.SKIPPED,),
        FILTER_PENDING: (TargetStatus.READY, TargetStatus.SUBMITTED),
    }

    ORDER_PREFIX = "order:"  # "order:REJECTED": rows whose order Planet rejected

    #: results changed which rows the filter shows, while sorted (one layout change)
    rows_regrouped = pyqtSignal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._status_filter = self.FILTER_ALL
        self._text = ""
        self._sort_column = -1
        self._sort_order = Qt.SortOrder.AscendingOrder
        self._rows: List[int] = []  # proxy row -> source row
        self._shown = bytearray()  # source row -> 1 when shown
        self._pos: Optional[List[int]] = None  # source row -> proxy row (-1), made on demand
        self.relayout_active = False  # True while a sort or filter moves the rows
        self._source: Optional[ResultsModel] = None
        self._selection = None  # the view's QItemSelectionModel (attach_selection)
        self._changed_since_sort = True  # results arrived since the rows were arranged

    def sourceModel(self) -> Optional[ResultsModel]:  # noqa: N802
        return self._source

    # -- source ------------------------------------------------------------------
    def setSourceModel(self, model):  # noqa: N802
        old = self.sourceModel()
        if old is not None:
            old.modelAboutToBeReset.disconnect(self._source_about_to_reset)
            old.modelReset.disconnect(self._source_reset)
            old.dataChanged.disconnect(self._source_data_changed)
        self.beginResetModel()
        self._source = model
        if model is not None:
            model.modelAboutToBeReset.connect(self._source_about_to_reset)
            model.modelReset.connect(self._source_reset)
            model.dataChanged.connect(self._source_data_changed)
        self._rows = self._arranged()
        self._mark_shown()
        self.endResetModel()

    def _source_about_to_reset(self):
        self.beginResetModel()

    def _source_reset(self):
        self._changed_since_sort = False
        self._rows = self._arranged()
        self._mark_shown()
        self.endResetModel()

    def _targets(self) -> list:
        model = self.sourceModel()
        job = model.job() if model is not None else None
        return job.targets if job is not None else []

    # -- Qt proxy ------------------------------------------------------------------
    def index(self, row, column, parent=QModelIndex()):  # noqa: B008
        if parent.isValid() or not 0 <= row < len(self._rows) or not 0 <= column < 64:
            return QModelIndex()
        return self.createIndex(row, column)

    def rowCount(self, parent=QModelIndex()):  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()):  # noqa: B008, N802
        model = self.sourceModel()
        return 0 if parent.isValid() or model is None else model.columnCount()

    def hasChildren(self, parent=QModelIndex()):  # noqa: B008, N802
        return not parent.isValid() and bool(self._rows)

    def mapToSource(self, index):  # noqa: N802
        if not index.isValid() or index.row() >= len(self._rows):
            return QModelIndex()
        return self.sourceModel().index(self._rows[index.row()], index.column())

    def mapFromSource(self, index):  # noqa: N802
        if not index.isValid():
            return QModelIndex()
        row = self.proxy_row(index.row())
        return QModelIndex() if row < 0 else self.createIndex(row, index.column())

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        model = self.sourceModel()
        return model.data(model.index(self._rows[index.row()], index.column()), role)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal:
            return self.sourceModel().headerData(section, orientation, role)
        if role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return None

    # -- rows in bulk (no Python call per row from Qt) ---------------------------------
    def source_row(self, proxy_row: int) -> int:
        return self._rows[proxy_row]

    def source_rows(self, proxy_rows) -> List[int]:
        rows = self._rows
        return [rows[r] for r in proxy_rows]

    def proxy_row(self, source_row: int) -> int:
        """The row a source row shows at, -1 when a filter hides it."""
        if not 0 <= source_row < len(self._shown) or not self._shown[source_row]:
            return -1
        if self._sort_column < 0:  # source order: a bisection, no table needed
            return bisect_left(self._rows, source_row)
        return self._positions()[source_row]

    def proxy_rows(self, source_rows) -> List[int]:
        """Proxy rows of these source rows that are shown, in ascending order."""
        shown = self._shown
        rows = [r for r in source_rows if 0 <= r < len(shown) and shown[r]]
        if self._sort_column < 0:
            return sorted(bisect_left(self._rows, r) for r in rows)
        pos = self._positions()
        return sorted(pos[r] for r in rows)

    def _positions(self) -> List[int]:
        if self._pos is None:
            pos = [-1] * len(self._shown)
            for i, r in enumerate(self._rows):
                pos[r] = i
            self._pos = pos
        return self._pos

    def _mark_shown(self):
        shown = bytearray(len(self._targets()))
        for r in self._rows:
            shown[r] = 1
        self._shown = shown
        self._pos = None

    # -- filters -----------------------------------------------------------------
    def status_filter(self) -> str:
        return self._status_filter

    @classmethod
    def order_filter(cls, order_status: str) -> str:
        return cls.ORDER_PREFIX + order_status

    def set_status_filter(self, name: str):
        if (
            name not in self._STATUSES
            and name not in (self.FILTER_ALL, self.FILTER_REFUSED)
            and not name.startswith(self.ORDER_PREFIX)
        ):
            raise ValueError(name)
        if name != self._status_filter:
            self._status_filter = name
            self.invalidateFilter()

    def set_text_filter(self, text: str):
        text = (text or "").strip().lower()
        if text != self._text:
            self._text = text
            self.invalidateFilter()

    def invalidateFilter(self):  # noqa: N802
        self._relayout(self._arranged())

    def _acceptor(self) -> Optional[Callable[[int], bool]]:
        """source row -> shown?, or None when every row is shown."""
        checks = []
        targets = self._targets()
        name = self._status_filter
        if name == self.FILTER_REFUSED:
            refused = ResultsModel._refused
            checks.append(lambda r: refused(targets[r]))
        elif name.startswith(self.ORDER_PREFIX):
            wanted = name[len(self.ORDER_PREFIX) :]
            checks.append(lambda r: targets[r].order_status == wanted)
        elif name != self.FILTER_ALL:
            statuses = self._STATUSES[name]
            checks.append(lambda r: targets[r].status in statuses)
        if self._text:
            texts, text = self.sourceModel().search_texts(), self._text
            checks.append(lambda r: text in texts[r])
        if not checks:
            return None
        if len(checks) == 1:
            return checks[0]
        first, second = checks
        return lambda r: first(r) and second(r)

    def filterAcceptsRow(self, source_row, _source_parent=QModelIndex()):  # noqa: B008, N802
        accept = self._acceptor()
        return accept is None or bool(accept(source_row))

    # -- sorting -----------------------------------------------------------------
    def sortColumn(self) -> int:  # noqa: N802
        return self._sort_column

    def sortOrder(self):  # noqa: N802
        return self._sort_order

    def sort(self, column, order=Qt.SortOrder.AscendingOrder):
        """Sort by a column (-1: source order, as the results arrive)."""
        column = column if column is not None and column >= 0 else -1
        same = (column, order) == (self._sort_column, self._sort_order)
        if same and not self._changed_since_sort:
            return  # the view asks twice (header indicator, then sortByColumn)
        self._sort_column, self._sort_order = column, order
        rows = self._arranged()
        if same and rows == self._rows:
            self._changed_since_sort = False
            return
        self._relayout(rows)

    def sort_default(self):
        """Failed and skipped rows first, then by feature id."""
        self.sort(ResultsModel.COL_STATUS, Qt.SortOrder.AscendingOrder)

    def _arranged(self) -> List[int]:
        """The shown source rows in their sorted order."""
        n = len(self._targets())
        accept = self._acceptor()
        rows = list(range(n)) if accept is None else [r for r in range(n) if accept(r)]
        if self._sort_column >= 0 and rows:
            keys = self.sourceModel().sort_keys(self._sort_column)
            descending = self._sort_order == Qt.SortOrder.DescendingOrder
            rows.sort(key=keys.__getitem__, reverse=descending)  # stable: ties by source row
        return rows

    def _relayout(self, rows: List[int]):
        """Show ``rows`` (sorted, filtered) as one layout change; persistent indexes follow
        their source rows (the selection, the current row), or go when a filter hides them."""
        self.relayout_active = True
        try:
            selected = self._park_selection()
            self.layoutAboutToBeChanged.emit([], _SORT_HINT)
            old_rows = self._rows
            persistent = self.persistentIndexList()
            self._rows = rows
            self._mark_shown()
            self._changed_since_sort = False
            if persistent:
                pos = self._positions()
                moved = []
                for index in persistent:
                    row = pos[old_rows[index.row()]] if index.row() < len(old_rows) else -1
                    moved.append(
                        QModelIndex() if row < 0 else self.createIndex(row, index.column())
                    )
                self.changePersistentIndexList(persistent, moved)
            self.layoutChanged.emit([], _SORT_HINT)
            self._restore_selection(selected)
        finally:
            self.relayout_active = False

    def attach_selection(self, selection_model):
        """The view's selection model: a sort or filter carries its rows over itself."""
        self._selection = selection_model

    def _park_selection(self) -> Optional[List[int]]:
        """Source rows of the view's selection, which is cleared for the layout change: Qt
        would keep it through persistent indexes, which cost a Python object each here
        (10,000 selected rows: 0.2 s), and compare it range by range."""
        model = getattr(self, "_selection", None)
        if model is None or not model.hasSelection():
            return None
        rows = self._rows
        source = {rows[r] for rng in model.selection() for r in range(rng.top(), rng.bottom() + 1)}
        model.clearSelection()
        return sorted(source)

    def _restore_selection(self, source_rows: Optional[List[int]]):
        if not source_rows:
            return
        last = self.columnCount() - 1
        selection = QItemSelection()
        for start, end in _runs(self.proxy_rows(source_rows)):
            selection.select(self.createIndex(start, 0), self.createIndex(end, last))
        if not selection.isEmpty():
            self._selection.select(selection, QItemSelectionModel.SelectionFlag.Select)

    # -- results arriving ------------------------------------------------------------
    def _source_data_changed(self, top, bottom, _roles=()):
        first, last = top.row(), bottom.row()
        if first < 0 or last < first or last >= len(self._shown):
            return
        self._changed_since_sort = True
        accept = self._acceptor()
        shown = self._shown
        changed = range(first, last + 1)
        if accept is None:
            entering, leaving = [], []
        else:
            entering = [r for r in changed if not shown[r] and accept(r)]
            leaving = [r for r in changed if shown[r] and not accept(r)]
        if self._sort_column >= 0:
            if entering or leaving or self._out_of_order(changed):
                self._relayout(self._arranged())
                if entering:
                    self.rows_regrouped.emit()
            elif self._rows:
                self.dataChanged.emit(
                    self.index(0, 0), self.index(len(self._rows) - 1, self.columnCount() - 1)
                )
            return
        self._remove(leaving)
        self._insert(entering)
        lo, hi = bisect_left(self._rows, first), bisect_right(self._rows, last) - 1
        if lo <= hi:
            self.dataChanged.emit(self.index(lo, 0), self.index(hi, self.columnCount() - 1))

    def _out_of_order(self, changed) -> bool:
        """Whether a changed row no longer sits between its neighbours' sort values."""
        keys = self.sourceModel().sort_keys(self._sort_column)
        rows, shown, pos = self._rows, self._shown, self._positions()
        descending = self._sort_order == Qt.SortOrder.DescendingOrder
        last = len(rows) - 1
        for r in changed:
            if not shown[r]:
                continue
            p, k = pos[r], keys[r]
            before = keys[rows[p - 1]] if p > 0 else None
            after = keys[rows[p + 1]] if p < last else None
            if descending:
                before, after = after, before
            if (before is not None and before > k) or (after is not None and k > after):
                return True
        return False

    def _remove(self, leaving: List[int]):
        """Source order only: take these rows out, one signal per run of proxy rows."""
        if not leaving:
            return
        rows = self._rows
        at = [bisect_left(rows, r) for r in leaving]
        for start, end in reversed(_runs(at)):
            self.beginRemoveRows(QModelIndex(), start, end)
            del rows[start : end + 1]
            self.endRemoveRows()
        for r in leaving:
            self._shown[r] = 0
        self._pos = None

    def _insert(self, entering: List[int]):
        """Source order only: put these rows in at their place, one signal per run."""
        if not entering:
            return
        rows = self._rows
        groups: List[list] = []  # [insert position, [source rows]] in ascending order
        for r in entering:
            at = bisect_left(rows, r)
            if groups and groups[-1][0] == at:
                groups[-1][1].append(r)
            else:
                groups.append([at, [r]])
        for at, run in reversed(groups):
            self.beginInsertRows(QModelIndex(), at, at + len(run) - 1)
            rows[at:at] = run
            for r in run:
                self._shown[r] = 1
            self.endInsertRows()
        self._pos = None


def _runs(sorted_rows: List[int]) -> List[tuple]:
    """[3, 4, 5, 9] -> [(3, 5), (9, 9)]"""
    runs = []
    start = prev = None
    for r in sorted_rows:
        if prev is not None and r == prev + 1:
            prev = r
            continue
        if start is not None:
            runs.append((start, prev))
        start = prev = r
    if start is not None:
        runs.append((start, prev))
    return runs
