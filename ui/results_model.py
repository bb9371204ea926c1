"""Table model over a BulkJob's targets: one row per target (one future order).

Rows never move in the source model: row i is ``job.targets[i]``. Updates emit
``dataChanged`` for the rows that changed (grouped into contiguous runs), never a
model reset, so a proxy keeps its sorting and the view keeps its selection.
"""

import gc
from collections import Counter
from operator import attrgetter
from typing import Dict, Iterable, List, Optional

from qgis.PyQt.QtCore import QModelIndex, Qt, pyqtSignal

from ..core.model.job import BulkJob, Target, TargetStatus
from .slices import SLICE, SlicedPass
from .status import (
    ORDER_STATUS_RANK,
    STATUS_RANK,
    history_lines,
    order_status_color,
    order_status_icon,
    order_status_label,
    status_color,
    status_icon,
    status_label,
    utc_text,
)
from .table_model import ColumnsModel

REFUSED_ACTIONS = ("edit refused", "cancel refused")
BIG_JOB = 10_000  # targets
#: job states in which a READY target will not be sent unless the analyst acts
STOPPED_STATES = ("done", "cancelled", "failed", "error")

_feature_id = attrgetter("feature_id")
_DISPLAY = Qt.ItemDataRole.DisplayRole
#: roles a cell is asked for every time it is painted and never answers
_UNANSWERED = frozenset(
    (
        Qt.ItemDataRole.FontRole,
        Qt.ItemDataRole.BackgroundRole,
        Qt.ItemDataRole.CheckStateRole,
        Qt.ItemDataRole.SizeHintRole,
    )
)


class ResultsModel(ColumnsModel):
    (
        COL_FEATURE,
        COL_NAME,
        COL_STATUS,
        COL_ORDER_STATUS,
        COL_ERROR,
        COL_ORDER,
        COL_CAPTURES,
        COL_UPDATED,
        COL_WARNING,
    ) = range(9)
    COLUMN_COUNT = 9

    KeyRole = Qt.ItemDataRole.UserRole + 1  # target key ("12", "12.2")
    FeatureIdRole = Qt.ItemDataRole.UserRole + 2  # int feature id
    StatusRole = Qt.ItemDataRole.UserRole + 3  # TargetStatus value
    SortRole = Qt.ItemDataRole.UserRole + 4  # value the proxy sorts on
    SearchRole = Qt.ItemDataRole.UserRole + 5  # lower-case text the text filter looks in
    OrderStatusRole = Qt.ItemDataRole.UserRole + 6  # RECEIVED ... FULFILLED, or None
    RefusedRole = (
        Qt.ItemDataRole.UserRole + 7
    )  # True when the last edit/cancel of the order was refused

    #: source rows (ascending) a refresh changed, sent before their dataChanged: a
    #: ResultsProxy takes the whole batch at once and skips those dataChanged
    rows_changed = pyqtSignal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._job: Optional[BulkJob] = None
        self._row_of_fid: Optional[Dict[int, int]] = None  # feature id -> its (first) row
        self._rows_of_parts: Dict[int, List[int]] = {}  # feature id -> rows, several parts
        self._sort_cache: Dict[int, list] = {}  # column -> sort value per row
        self._orders: Dict[tuple, List[int]] = {}  # (column, descending) -> every row, sorted
        self._search_cache: Optional[List[str]] = None  # text filter's haystack per row
        self._keys_changed: Optional[set] = None  # rows changed while make_sort_keys runs
        # rows whose search text is stale (made again when the text filter asks, or after
        # a run: while a job runs nearly every text changes, made once at its end)
        self._texts_stale: set = set()
        self._making_texts = False
        self._refreshing = False
        self._values_changed: Optional[set] = None  # columns whose sort values a refresh changed
        # the feature-id index and the search texts, made a slice per turn after a fill:
        # the first map selection or text filter finds them ready
        self._prep = SlicedPass(self)

    # -- job ---------------------------------------------------------------
    def job(self) -> Optional[BulkJob]:
        return self._job

    _froze_heap = False  # whether a shown big job froze the collector's heap

    def set_job(self, job: Optional[BulkJob], running: bool = False):
        """``running``: results will change nearly every row: the search texts are made
        when it ends (``prepare``) or when the text filter asks, not now."""
        self.beginResetModel()
        self._job = job
        self._reindex(texts=not running)
        self.endResetModel()
        if job is not None and len(job.targets) >= BIG_JOB:
            # a big job's million objects (targets, payload dicts) live as long as it is
            # shown: out of the cyclic collector's full walks (0.2-0.7 s each at 100,000
            # targets, several per job); they are still freed by reference counting
            gc.freeze()
            ResultsModel._froze_heap = True
        elif ResultsModel._froze_heap:
            # freezing is process-wide: once no big job is shown, hand everything back to
            # the collector so no cycle made meanwhile (by QGIS or another plugin) stays
            gc.unfreeze()
            ResultsModel._froze_heap = False

    def _reindex(self, texts: bool = True):
        self._sort_cache = {}
        self._orders = {}
        self._search_cache = None
        self._keys_changed = None
        self._texts_stale, self._making_texts = set(), False
        self._row_of_fid, self._rows_of_parts = None, {}
        self.prepare(texts)

    def prepare(self, texts: bool = True):
        """Make, a slice per turn (at once for a small job), the search texts (``texts``:
        the missing or stale ones) and the feature-id index: the first text filter or map
        selection finds them ready."""
        job = self._job
        self._prep.start(self._prepare(job, texts), now=job is None or len(job.targets) < BIG_JOB)

    def preparing(self) -> bool:
        """Whether ``prepare`` is still making its slices."""
        return self._prep.busy()

    def _prepare(self, job: Optional[BulkJob], texts: bool):
        """A generator for ``SlicedPass``: the feature-id index (one pass in C, a few ms),
        then the search texts a slice per turn. What it makes may be asked for, and made at
        once, meanwhile (``_fid_index``, ``search_texts``)."""
        targets = job.targets if job is not None else []
        if len(targets) >= BIG_JOB:
            yield  # the fill's own turn ends first
        if self._job is not job:
            return
        self._fid_index()
        if texts and self._search_cache is None:
            made: List[str] = []
            self._texts_stale, self._making_texts = set(), True
            step = SLICE // 2  # a text per row costs more than most passes' rows
            for start in range(0, len(targets), step):
                yield
                if self._job is not job:
                    return
                made.extend(self._search_texts(targets[start : start + step]))
            self._search_cache, self._making_texts = made, False
        while texts and self._texts_stale:
            yield
            if self._job is not job or self._search_cache is None:
                return
            self._remake_texts(SLICE // 2)

    def _remake_texts(self, most: Optional[int] = None):
        """The stale search texts made again (at most ``most`` of them)."""
        stale = self._texts_stale
        rows = sorted(stale) if most is None or len(stale) <= most else sorted(stale)[:most]
        stale.difference_update(rows)
        targets, texts = self._job.targets, self._search_cache
        for row, text in zip(rows, self._search_texts(map(targets.__getitem__, rows))):
            texts[row] = text

    @staticmethod
    def _parts(targets: List[Target], index: Dict[int, int]) -> Dict[int, List[int]]:
        """feature id -> rows, for the features that have several (multipart)."""
        if len(index) == len(targets):
            return {}
        fids = list(map(int, map(_feature_id, targets)))
        several = {fid for fid, n in Counter(fids).items() if n > 1}
        parts: Dict[int, List[int]] = {}
        for row, fid in enumerate(fids):
            if fid in several:
                parts.setdefault(fid, []).append(row)
        return parts

    def _fid_index(self) -> Dict[int, int]:
        if self._row_of_fid is None:
            targets = self._job.targets if self._job else []
            # feature ids are ints (numpy's too: same hash, equal), no int() per row
            index = dict(zip(map(_feature_id, targets), range(len(targets))))
            self._row_of_fid, self._rows_of_parts = index, self._parts(targets, index)
        return self._row_of_fid

    def target(self, row: int) -> Optional[Target]:
        if self._job is None or not 0 <= row < len(self._job.targets):
            return None
        return self._job.targets[row]

    def row_of_key(self, key: str) -> Optional[int]:
        # the job's own key index (made once, kept by the job): rows never move
        return self._job.index_of(key) if self._job is not None else None

    def rows_of_feature_ids(self, fids: Iterable[int]) -> List[int]:
        """Rows of these features (every part of a multipart one), in no set order."""
        fids = list(map(int, fids))
        if not fids:
            return []
        index, parts = self._fid_index(), self._rows_of_parts
        rows = [row for row in map(index.get, fids) if row is not None]
        if parts:
            rows = [row for row in rows if int(self._job.targets[row].feature_id) not in parts]
            for fid in fids:
                rows.extend(parts.get(fid, ()))
        return rows

    def feature_ids_of_rows(self, rows: Iterable[int]) -> List[int]:
        targets = self._job.targets if self._job else []
        rows = list(rows)
        if rows and (min(rows) < 0 or max(rows) >= len(targets)):
            rows = [r for r in rows if 0 <= r < len(targets)]
        return sorted(set(map(int, map(_feature_id, map(targets.__getitem__, rows)))))

    def refresh_keys(self, keys: Iterable[str]):
        """Tell views that these targets changed (status, order id, reason)."""
        rows = sorted(set(self._job.indexes(keys))) if self._job is not None else []
        self._emit_rows(rows)
        self._refreeze()

    @staticmethod
    def _refreeze():
        """After each applied batch, while a big job is shown: what survived since the last
        freeze (the engine's copy of the job, results, caches) joins the frozen heap.
        After a freeze, CPython starts a full collection once the objects promoted since
        the last one exceed a quarter of the (now tiny) unfrozen old generation: 16-17
        full walks of 0.1-0.3 s per 100,000 job. Frozen, the old generation stays small
        and each full walk cheap. gc.freeze() only splices lists: O(1)."""
        if ResultsModel._froze_heap:
            gc.freeze()

    def refresh_all(self, recompute: bool = True):
        if not (self._job and self._job.targets):
            return
        if recompute:
            self._emit_rows([0, len(self._job.targets) - 1], contiguous=True)
        else:
            last = self.index(len(self._job.targets) - 1, self.COLUMN_COUNT - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    def sort_keys(self, column: int) -> list:
        """Sort value of every row for this column (cached; kept fresh by refresh_*)."""
        keys = self._sort_cache.get(column)
        if keys is None:
            targets = self._job.targets if self._job else []
            keys = self._column_keys(targets, column)
            self._sort_cache[column] = keys
        return keys

    def sorted_rows(self, column: int, descending: bool) -> List[int]:
        """Every row in this column's order, ties by row (cached until a sort value of the
        column changes: sorting by a column again is a copy, not a sort)."""
        order = self._orders.get((column, descending))
        if order is None:
            keys = self.sort_keys(column)
            order = sorted(range(len(keys)), key=keys.__getitem__, reverse=descending)
            self._orders[(column, descending)] = order
        return order

    def make_sort_keys(self, column: int, size: int):
        """``sort_keys(column)`` made ``size`` rows at a time: a generator yielding between
        slices (``SlicedPass``); rows changed meanwhile are made again at the end."""
        job = self._job
        if job is None or column < 0 or column in self._sort_cache:
            return
        targets, keys = job.targets, []
        self._keys_changed = set()
        for start in range(0, len(targets), size):
            if start:
                yield
                if self._job is not job:
                    return  # another job: its own keys when it is sorted
            keys.extend(self._column_keys(targets[start : start + size], column))
        for row in self._keys_changed:
            keys[row] = self._sort_value(targets[row], column)
        self._keys_changed = None
        self._sort_cache[column] = keys

    def search_texts(self) -> List[str]:
        """What the text filter looks in, per row (cached; stale rows made again now)."""
        if self._search_cache is None or self._texts_stale:
            if self._prep.busy():
                self._prep.finish()  # what the slices have made so far is kept
            if self._search_cache is None:
                targets = self._job.targets if self._job else []
                self._search_cache = self._search_texts(targets)
                self._texts_stale, self._making_texts = set(), False
            if self._texts_stale:
                self._remake_texts()
        return self._search_cache

    def in_refresh(self) -> bool:
        """True while ``refresh_keys``/``refresh_all`` emit their dataChanged."""
        return self._refreshing

    def _emit_rows(self, rows: List[int], contiguous: bool = False):
        if not rows:
            return
        changed = range(rows[0], rows[-1] + 1) if contiguous else rows
        if self._keys_changed is not None:
            self._keys_changed.update(changed)
        if self._search_cache is not None or self._making_texts:
            self._texts_stale.update(changed)  # made again when next needed
        self._values_changed = set()
        if self._sort_cache:
            self._remake_keys(changed)
        self._refreshing = True
        try:
            self.rows_changed.emit(changed)
            self._emit_runs(changed)
        finally:
            self._refreshing, self._values_changed = False, None

    def sort_values_changed(self, column: int) -> Optional[bool]:
        """During ``rows_changed``: whether a sort value of this column changed (the rows
        may have moved); None at other times (not known)."""
        if self._values_changed is None:
            return None
        return column in self._values_changed or column not in self._sort_cache

    def _remake_keys(self, rows):
        """Sort values of these rows (ascending) made again; a column's cached order goes
        when one of its values changed."""
        targets = self._job.targets
        if isinstance(rows, range):  # contiguous: one slice of the job, spliced in
            part, at = targets[rows.start : rows.stop], slice(rows.start, rows.stop)
        else:
            part, at = list(map(targets.__getitem__, rows)), None
        for column, keys in self._sort_cache.items():
            if self._splice(keys, at, rows, self._column_keys(part, column)):
                self._values_changed.add(column)
                for descending in (False, True):
                    self._orders.pop((column, descending), None)

    @staticmethod
    def _splice(values: list, at: Optional[slice], rows, new: list) -> bool:
        """Put ``new`` in at these rows; whether any value changed."""
        if at is not None:
            changed = values[at] != new
            values[at] = new
            return changed
        old = list(map(values.__getitem__, rows))
        for row, value in zip(rows, new):
            values[row] = value
        return old != new

    def _emit_runs(self, rows):
        """dataChanged per run of adjacent rows; one over them all for many rows (a signal
        is a Python call in each listener: the proxy has the exact rows from
        ``rows_changed``)."""
        last_col = self.COLUMN_COUNT - 1
        first, last = rows[0], rows[-1]
        if isinstance(rows, range) or len(rows) > 64:
            self.dataChanged.emit(self.index(first, 0), self.index(last, last_col))
            return
        start = prev = first
        for row in rows[1:]:
            if row != prev + 1:
                self.dataChanged.emit(self.index(start, 0), self.index(prev, last_col))
                start = row
            prev = row
        self.dataChanged.emit(self.index(start, 0), self.index(prev, last_col))

    # -- Qt model ------------------------------------------------------------
    def index(self, row, column, parent=QModelIndex()):  # noqa: B008
        # QAbstractTableModel.index would call rowCount and columnCount (two Python
        # calls) for every index the proxy makes while sorting: one call instead.
        if (
            parent.isValid()
            or self._job is None
            or not 0 <= row < len(self._job.targets)
            or not 0 <= column < self.COLUMN_COUNT
        ):
            return QModelIndex()
        return self.createIndex(row, column)

    def rowCount(self, parent=QModelIndex()):  # noqa: B008, N802
        if parent.isValid() or self._job is None:
            return 0
        return len(self._job.targets)

    def column_titles(self):
        return [
            self.tr("Feature id"),
            self.tr("Name"),
            self.tr("Status"),
            self.tr("Order status"),
            self.tr("Error"),
            self.tr("Order id"),
            self.tr("Captures"),
            self.tr("Updated (UTC)"),
            self.tr("Warnings"),
        ]

    def column_tips(self):
        return [
            self.tr("The feature's id in its layer (and the part, for multipart features)"),
            self.tr("The order's name"),
            self.tr("Whether the order was created"),
            self.tr("Where the order stands at Planet (checked regularly)"),
            self.tr("Why it was skipped or refused"),
            self.tr("The order id Planet gave it"),
            self.tr("How many captures were published for the order"),
            self.tr("When Planet last changed the order, in UTC"),
            self.tr("Sent anyway, but worth a look (e.g. a name used twice)"),
        ]

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == self.SortRole:  # what sorting asks for most
            return self._sort_value(self._job.targets[index.row()], index.column())
        return self.cell(index.row(), index.column(), role) if index.isValid() else None

    def cell(self, row: int, col: int, role):
        """``data`` of a cell without a QModelIndex (the proxy asks this way)."""
        if role in _UNANSWERED:  # asked for every painted cell
            return None
        t = self.target(row)
        if t is None:
            return None
        if role == _DISPLAY:
            if col == self.COL_FEATURE:
                if t.part:
                    return self.tr("{fid} (part {part})").format(fid=t.feature_id, part=t.part)
                return str(t.feature_id)
            if col == self.COL_NAME:
                return t.name
            if col == self.COL_STATUS:
                if t.status == TargetStatus.READY and self._job.state in STOPPED_STATES:
                    return self.tr("Not sent")  # the job stopped before sending it
                return status_label(t.status)
            if col == self.COL_ORDER:
                return t.order_id or ""
            if col == self.COL_ORDER_STATUS:
                return order_status_label(t.order_status)
            if col == self.COL_CAPTURES:
                return "" if t.capture_count is None else str(t.capture_count)
            if col == self.COL_UPDATED:
                return utc_text(t.order_updated)
            if col == self.COL_ERROR:
                return self._problem(t)
            if col == self.COL_WARNING:
                return "; ".join(t.warnings or [])
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(t, col)
        if role == Qt.ItemDataRole.DecorationRole:
            if col == self.COL_STATUS:
                return status_icon(t.status)
            if col == self.COL_ORDER_STATUS and t.order_status:
                return order_status_icon(t.order_status)
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if col in (self.COL_STATUS, self.COL_ERROR) and (
                t.status in (TargetStatus.FAILED, TargetStatus.SKIPPED) or self._refused(t)
            ):
                return status_color(TargetStatus.FAILED).darker(120)
            if col == self.COL_ORDER_STATUS and t.order_status:
                return order_status_color(t.order_status).darker(115)
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (
            self.COL_FEATURE,
            self.COL_CAPTURES,
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == self.KeyRole:
            return t.key
        if role == self.FeatureIdRole:
            return int(t.feature_id)
        if role == self.StatusRole:
            return t.status
        if role == self.OrderStatusRole:
            return t.order_status
        if role == self.RefusedRole:
            return self._refused(t)
        if role == self.SortRole:
            return self._sort_value(t, col)
        if role == self.SearchRole:
            return self._search_text(t)
        return None

    @staticmethod
    def _search_text(t: Target) -> str:
        return ResultsModel._search_texts([t])[0]

    @staticmethod
    def _search_texts(targets: Iterable[Target]) -> List[str]:
        """Per target, in lower case: feature id, name, order id, order status, problem and
        warnings, joined by spaces (one expression per row: no call but for refusals)."""
        problem = ResultsModel._problem
        return [
            f"{t.feature_id} {t.name or ''} {t.order_id or ''} {t.order_status or ''} "
            f"{t.reason or (problem(t) if t.attempts else '')} "
            f"{' '.join(t.warnings) if t.warnings else ''}".lower()
            for t in targets
        ]

    def tooltip(self, t: Target, col: int) -> str:
        """The row's label and its history: every attempt with its bulk id and time (UTC)."""
        lines = [t.label]
        if col == self.COL_ERROR and self._problem(t):
            lines = [self._problem(t)]
        history = history_lines(t)
        if history:
            lines.append(self.tr("History:"))
            lines.extend("  " + h for h in history)
        return "\n".join(lines)

    @staticmethod
    def _refused(t: Target) -> bool:
        return bool(t.attempts) and t.attempts[-1].status in REFUSED_ACTIONS

    @staticmethod
    def _problem(t: Target) -> str:
        text = t.reason or ""
        if not text and ResultsModel._refused(t):
            last = t.attempts[-1]
            what = "Cancel refused" if last.status == "cancel refused" else "Edit refused"
            text = f"{what}: {last.reason or ''}".rstrip(": ")
        return text  # warnings have their own column: an error is not a warning

    @classmethod
    def _column_keys(cls, targets: List[Target], col: int) -> list:
        """_sort_value of every target, the common columns without a call per row."""
        if col == cls.COL_STATUS:
            rank = STATUS_RANK.get
            # the same floats as _sort_value, without a float()/int() call per row (ranks,
            # feature ids and parts are ints already)
            return [
                rank(t.status, 9) * 1e15 + t.feature_id * 1000.0 + (t.part or 0) for t in targets
            ]
        if col == cls.COL_FEATURE:
            return [t.feature_id * 1000.0 + (t.part or 0) for t in targets]
        if col == cls.COL_NAME:
            return [(t.name or "").lower() for t in targets]
        if col == cls.COL_ORDER:
            return [t.order_id or "" for t in targets]
        value = cls._sort_value
        return [value(t, col) for t in targets]

    @staticmethod
    def _sort_value(t: Target, col: int):
        # One native value per cell so the proxy compares in C++ (fast on 100k rows).
        part = int(t.part or 0)
        if col == ResultsModel.COL_FEATURE:
            return float(t.feature_id) * 1000.0 + part
        if col == ResultsModel.COL_STATUS:
            # problems first, then by feature id
            return float(STATUS_RANK.get(t.status, 9)) * 1e15 + float(t.feature_id) * 1000 + part
        if col == ResultsModel.COL_NAME:
            return (t.name or "").lower()
        if col == ResultsModel.COL_ORDER:
            return t.order_id or ""
        if col == ResultsModel.COL_ORDER_STATUS:
            rank = ORDER_STATUS_RANK.get(t.order_status or "", 99)
            return float(rank) * 1e15 + float(t.feature_id) * 1000 + part
        if col == ResultsModel.COL_CAPTURES:
            return float(-1 if t.capture_count is None else t.capture_count)
        if col == ResultsModel.COL_UPDATED:
            return t.order_updated or ""
        if col == ResultsModel.COL_WARNING:
            return "; ".join(t.warnings or []).lower()
        return ResultsModel._problem(t).lower()
