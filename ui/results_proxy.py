"""Sort/filter proxy for the results table: status filter + text filter."""

from qgis.PyQt.QtCore import QSortFilterProxyModel, Qt

from ..core.job import TargetStatus
from .results_model import ResultsModel


class ResultsProxy(QSortFilterProxyModel):
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

    def __init__(self, parent=None):
        super().__init__(parent)
        self._status_filter = self.FILTER_ALL
        self._text = ""
        self.setSortRole(ResultsModel.SortRole)
        self.setDynamicSortFilter(True)

    def status_filter(self) -> str:
        return self._status_filter

    ORDER_PREFIX = "order:"  # "order:REJECTED": rows whose order Planet rejected

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

    def text_filter(self) -> str:
        return self._text

    def set_text_filter(self, text: str):
        text = (text or "").strip().lower()
        if text != self._text:
            self._text = text
            self.invalidateFilter()

    def filterAcceptsRow(self, source_row, source_parent):  # noqa: N802
        model = self.sourceModel()
        if self._status_filter == self.FILTER_REFUSED:
            index = model.index(source_row, 0, source_parent)
            if not model.data(index, ResultsModel.RefusedRole):
                return False
        elif self._status_filter.startswith(self.ORDER_PREFIX):
            index = model.index(source_row, 0, source_parent)
            wanted = self._status_filter[len(self.ORDER_PREFIX) :]
            if model.data(index, ResultsModel.OrderStatusRole) != wanted:
                return False
        elif self._status_filter != self.FILTER_ALL:
            index = model.index(source_row, ResultsModel.COL_STATUS, source_parent)
            if (
                model.data(index, ResultsModel.StatusRole)
                not in self._STATUSES[self._status_filter]
            ):
                return False
        if self._text:
            index = model.index(source_row, 0, source_parent)
            return self._text in (model.data(index, ResultsModel.SearchRole) or "")
        return True

    def lessThan(self, left, right):  # noqa: N802
        # one Python call per comparison, on cached values (fast for 100k rows)
        keys = self.sourceModel().sort_keys(left.column())
        return keys[left.row()] < keys[right.row()]

    def sort_default(self):
        """Failed and skipped rows first, then by feature id."""
        self.sort(ResultsModel.COL_STATUS, Qt.SortOrder.AscendingOrder)
