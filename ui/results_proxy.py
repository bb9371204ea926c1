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
from itertools import chain, compress, repeat
from operator import and_, attrgetter, contains, eq
from typing import Callable, List, Optional, Tuple

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
#: rows a batch moves in a sorted table one at a time; more: one sort of every row
MOVED_ONE_BY_ONE = 2_000
_status = attrgetter("status")
_order_status = attrgetter("order_status")


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
        self._selected: Optional[Tuple[int, List[int]]] = None  # (ranges, source rows) read
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
            old.rows_changed.disconnect(self._source_rows_changed)
        self.beginResetModel()
        self._selected = None
        self._source = model
        if model is not None:
            model.modelAboutToBeReset.connect(self._source_about_to_reset)
            model.modelReset.connect(self._source_reset)
            model.dataChanged.connect(self._source_data_changed)
            model.rows_changed.connect(self._source_rows_changed)
        self._set_rows(*self._arranged())
        self.endResetModel()

    def _source_about_to_reset(self):
        self._selected = None
        self.beginResetModel()

    def _source_reset(self):
        self._changed_since_sort = False
        self._set_rows(*self._arranged())
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
        model = self._source
        return 0 if parent.isValid() or model is None else model.COLUMN_COUNT

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
        # asked for every painted cell and role: no source QModelIndex made
        row = index.row()
        if not 0 <= row < len(self._rows):
            return None
        return self._source.cell(self._rows[row], index.column(), role)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal:
            return self.sourceModel().headerData(section, orientation, role)
        if role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return None

    # -- rows in bulk (no Python call per row from Qt) ---------------------------------
    def source_row(self, proxy_row: int) -> int:
        return self._rows[proxy_row]

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
        n = len(shown)
        source_rows = list(source_rows)
        if source_rows and (min(source_rows) < 0 or max(source_rows) >= n):
            source_rows = [r for r in source_rows if 0 <= r < n]
        rows = list(filter(shown.__getitem__, source_rows))
        if self._sort_column < 0:
            return sorted(map(bisect_left, repeat(self._rows), rows))
        if self._pos is None and len(rows) > len(self._rows) // 64:
            # many rows and no table of positions yet: one C pass over the shown rows
            wanted = bytearray(n)
            for r in rows:
                wanted[r] = 1
            return list(compress(range(len(self._rows)), map(wanted.__getitem__, self._rows)))
        return sorted(map(self._positions().__getitem__, rows))

    def selection_of(self, proxy_rows: List[int]) -> QItemSelection:
        """Whole rows, one range per run of adjacent rows (``proxy_rows`` ascending)."""
        selection = QItemSelection()
        if not proxy_rows:
            return selection
        last, make, add = self.columnCount() - 1, self.createIndex, selection.select
        start = prev = proxy_rows[0]
        for row in proxy_rows:
            if row > prev + 1:
                add(make(start, 0), make(prev, last))
                start = row
            prev = row
        add(make(start, 0), make(prev, last))
        return selection

    def selected_source_rows(self) -> List[int]:
        """Source rows of the view's selection, ascending: read range by range (Qt's
        selectedRows() checks every row against every range), and kept until the selection
        changes (a sort or filter carries the same rows over)."""
        model = self._selection
        if model is None or not model.hasSelection():
            return []
        selection = model.selection()
        known = self._selected
        if known is not None and known[0] == len(selection):
            return known[1]
        spans = [range(r.top(), r.bottom() + 1) for r in selection]
        rows = sorted(set(map(self._rows.__getitem__, chain.from_iterable(spans))))
        self._selected = (len(selection), rows)
        return rows

    def note_selection(self, proxy_rows: List[int]):
        """These rows were just selected (whole rows): no need to read them back."""
        model = self._selection
        if model is not None:
            rows = sorted(map(self._rows.__getitem__, proxy_rows))
            self._selected = (len(model.selection()), rows)

    def _forget_selection(self, *_):
        self._selected = None

    def _positions(self) -> dict:
        """source row -> proxy row, for the shown rows."""
        if self._pos is None:
            self._pos = dict(zip(self._rows, range(len(self._rows))))
        return self._pos

    def _set_rows(self, rows: List[int], shown: Optional[bytearray] = None):
        """``shown``: the filter's flags when they changed (None: the same rows, moved)."""
        self._rows = rows
        if shown is not None:
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
        self._relayout(*self._arranged())

    def _flags(self) -> Optional[bytearray]:
        """1 per source row the filters show, None when every row is shown: the same test
        as ``_acceptor``, over every row in C loops (map, no Python call per row)."""
        targets = self._targets()
        masks = []
        name = self._status_filter
        if name == self.FILTER_REFUSED:
            masks.append(map(ResultsModel._refused, targets))
        elif name.startswith(self.ORDER_PREFIX):
            wanted = name[len(self.ORDER_PREFIX) :]
            masks.append(map(eq, map(_order_status, targets), repeat(wanted)))
        elif name != self.FILTER_ALL:
            masks.append(map(self._STATUSES[name].__contains__, map(_status, targets)))
        if self._text:
            texts = self.sourceModel().search_texts()
            masks.append(map(contains, texts, repeat(self._text)))
        if not masks:
            return None
        return bytearray(masks[0] if len(masks) == 1 else map(and_, *masks))

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
        rows, shown = self._arranged()
        if same and rows == self._rows:
            self._changed_since_sort = False
            return
        self._relayout(rows, shown)

    def sort_default(self):
        """Failed and skipped rows first, then by feature id."""
        self.sort(ResultsModel.COL_STATUS, Qt.SortOrder.AscendingOrder)

    def _arranged(self) -> Tuple[List[int], bytearray]:
        """The shown source rows in their sorted order, and the filter's flags."""
        flags = self._flags()
        rows = self._in_order(flags)
        return rows, bytearray(b"\x01") * len(rows) if flags is None else flags

    def _in_order(self, flags: Optional[bytearray]) -> List[int]:
        """The source rows these flags show (None: every row), in the sort's order: the
        model's order of every row, filtered (stable: ties by source row)."""
        if self._sort_column < 0:
            n = len(self._targets())
            return list(range(n)) if flags is None else list(compress(range(n), flags))
        descending = self._sort_order == Qt.SortOrder.DescendingOrder
        order = self.sourceModel().sorted_rows(self._sort_column, descending)
        if flags is None:
            return list(order)
        return list(compress(order, map(flags.__getitem__, order)))

    def _relayout(self, rows: List[int], shown: Optional[bytearray] = None):
        """Show ``rows`` (sorted, filtered; ``shown``: the filter's flags when they changed)
        as one layout change; persistent indexes follow their source rows (the selection,
        the current row), or go when a filter hides them."""
        self.relayout_active = True
        try:
            selected = self._park_selection()
            self.layoutAboutToBeChanged.emit([], _SORT_HINT)
            old_rows = self._rows
            persistent = self.persistentIndexList()
            self._set_rows(rows, shown)
            self._changed_since_sort = False
            if persistent:
                pos = self._positions()
                moved = []
                for index in persistent:
                    row = pos.get(old_rows[index.row()], -1) if index.row() < len(old_rows) else -1
                    moved.append(
                        QModelIndex() if row < 0 else self.createIndex(row, index.column())
                    )
                self.changePersistentIndexList(persistent, moved)
            self.layoutChanged.emit([], _SORT_HINT)
            self._restore_selection(selected)
        finally:
            self.relayout_active = False

    def attach_selection(self, selection_model):
        """The view's selection model: a sort or filter carries its rows over itself.
        Attached before anyone else listens to it: a change forgets the rows read first."""
        self._selection = selection_model
        self._selected = None
        selection_model.selectionChanged.connect(self._forget_selection)
        selection_model.modelChanged.connect(self._forget_selection)

    def _park_selection(self) -> Optional[List[int]]:
        """Source rows of the view's selection, which is cleared for the layout change: Qt
        would keep it through persistent indexes, which cost a Python object each here
        (10,000 selected rows: 0.2 s), and compare it range by range."""
        model = self._selection
        if model is None or not model.hasSelection():
            return None
        source = self.selected_source_rows()
        model.clearSelection()
        return source

    def _restore_selection(self, source_rows: Optional[List[int]]):
        if not source_rows:
            return
        rows = self.proxy_rows(source_rows)
        if rows:
            self._selection.select(
                self.selection_of(rows), QItemSelectionModel.SelectionFlag.Select
            )
            self.note_selection(rows)

    # -- results arriving ------------------------------------------------------------
    def _source_data_changed(self, top, bottom, _roles=()):
        if self._source.in_refresh():
            return  # the batch came whole through rows_changed
        self._source_rows_changed(range(top.row(), bottom.row() + 1))

    def _source_rows_changed(self, changed):
        """Rows a results batch changed (ascending source rows): work per changed row, not
        per job; rows entering or leaving the filter or moving in the sort are put in place
        one by one, the others repainted."""
        if not changed or changed[0] < 0 or changed[-1] >= len(self._shown):
            return
        self._changed_since_sort = True
        accept = self._acceptor()
        shown = self._shown
        if accept is None:
            entering, leaving = [], []
        else:
            entering = [r for r in changed if not shown[r] and accept(r)]
            leaving = [r for r in changed if shown[r] and not accept(r)]
        if self._sort_column >= 0:
            self._resorted(changed, entering, leaving)
            return
        self._remove(leaving)
        self._insert(entering)
        self._repaint(
            bisect_left(self._rows, changed[0]), bisect_right(self._rows, changed[-1]) - 1
        )

    def _resorted(self, changed, entering: List[int], leaving: List[int]):
        moved = self._source.sort_values_changed(self._sort_column)
        if moved is None:  # not a refresh of the model's own: look where they sit
            moved = self._out_of_order(changed)
        rows = self._replaced(changed, entering, leaving) if moved or entering or leaving else None
        if rows is not None and rows != self._rows:
            self._relayout(rows)
            if entering:
                self.rows_regrouped.emit()
        elif self._pos is None:  # no table of positions to say where they are
            self._repaint(0, len(self._rows) - 1)
        else:
            at = [self._pos[r] for r in changed if self._shown[r]]
            if at:  # the view repaints only when one of them is on screen
                self._repaint(min(at), max(at))

    def _repaint(self, first: int, last: int):
        if first <= last:
            self.dataChanged.emit(self.index(first, 0), self.index(last, self.columnCount() - 1))

    def _out_of_order(self, changed) -> bool:
        """Whether a changed row no longer sits between its neighbours (sort value, then
        source row)."""
        keys = self.sourceModel().sort_keys(self._sort_column)
        if self._sort_order == Qt.SortOrder.DescendingOrder:
            key = lambda r: (_Reversed(keys[r]), r)  # noqa: E731
        else:
            key = lambda r: (keys[r], r)  # noqa: E731
        rows, shown, pos = self._rows, self._shown, self._positions()
        last = len(rows) - 1
        for r in changed:
            if not shown[r]:
                continue
            p, k = pos[r], key(r)
            if (p > 0 and not key(rows[p - 1]) < k) or (p < last and not k < key(rows[p + 1])):
                return True
        return False

    def _replaced(self, changed, entering: List[int], leaving: List[int]) -> List[int]:
        """The sorted rows, the changed ones taken out and put back at their place (the
        others keep their order: their sort values are the same). Updates ``_shown``."""
        shown = self._shown
        for r in leaving:
            shown[r] = 0
        for r in entering:
            shown[r] = 1
        moving = [r for r in changed if shown[r]]
        if len(moving) > MOVED_ONE_BY_ONE:  # a sort of every row is quicker
            return self._in_order(shown)
        keep = bytearray(b"\x01") * len(shown)
        for r in chain(moving, leaving):
            keep[r] = 0
        kept = list(compress(self._rows, map(keep.__getitem__, self._rows)))
        keys = self.sourceModel().sort_keys(self._sort_column)
        value = keys.__getitem__
        descending = self._sort_order == Qt.SortOrder.DescendingOrder
        moving.sort(key=value, reverse=descending)  # stable: ties by source row
        # where each goes among the kept rows: bisections over their sort values (in C),
        # then among equal values by source row; descending: over the values reversed
        if descending:
            n, ascending = len(kept), list(map(value, reversed(kept)))
        rows: List[int] = []
        start = 0
        for r in moving:
            k = keys[r]
            if descending:
                lo, hi = n - bisect_right(ascending, k), n - bisect_left(ascending, k)
            else:
                lo = bisect_left(kept, k, start, key=value)
                hi = bisect_right(kept, k, lo, key=value)
            at = bisect_left(kept, r, max(lo, start), max(hi, start))
            rows += kept[start:at]
            rows.append(r)
            start = at
        rows += kept[start:]
        return rows

    def _remove(self, leaving: List[int]):
        """Source order only: take these rows out, one signal per run of proxy rows."""
        if not leaving:
            return
        self._selected = None
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
        self._selected = None
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


class _Reversed:
    """A sort value compared the other way round (descending order, ties by source row)."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    def __lt__(self, other):
        return other.value < self.value

    def __eq__(self, other):
        return self.value == other.value
