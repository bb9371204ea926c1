"""The results table: sorting, double-click zoom, context menu (copy, dashboard, export)."""

from itertools import chain
from typing import List

from qgis.core import QgsApplication
from qgis.PyQt.QtCore import Qt, QUrl, pyqtSignal
from qgis.PyQt.QtGui import QDesktopServices, QGuiApplication, QKeySequence, QRegion
from qgis.PyQt.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QTableView

from .results_model import ResultsModel
from .table_look import fit_column, pale_selection

# [assumed] Planet's Tasking Dashboard shows one order at this address. Not confirmed
# in Planet's documentation; change it here if the dashboard's URLs differ.
DASHBOARD_ORDER_URL = "https://www.planet.com/tasking/orders/{order_id}"


def dashboard_url(order_id: str) -> str:
    return DASHBOARD_ORDER_URL.format(order_id=order_id)


class ResultsView(QTableView):
    zoom_requested = pyqtSignal(list)  # feature ids
    export_csv_requested = pyqtSignal()
    export_gpkg_requested = pyqtSignal()
    result_layer_requested = pyqtSignal()
    fix_requested = pyqtSignal()  # fix and resubmit the selected failed/skipped rows
    edit_requested = pyqtSignal()  # bulk edit the selected rows' orders
    cancel_orders_requested = pyqtSignal()  # bulk cancel the selected rows' orders
    history_requested = pyqtSignal()  # show the attempts of the selected rows

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSortingEnabled(True)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setShowGrid(False)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        # names end with the feature id ("layer 1234"): cut in the middle, keep the end
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        # selected rows keep their status colours; an error reads from its start
        pale_selection(self, elide_right=(ResultsModel.COL_ERROR, ResultsModel.COL_WARNING))
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(22)
        self.horizontalHeader().setStretchLastSection(True)
        self.horizontalHeader().setHighlightSections(False)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._show_menu)
        self.doubleClicked.connect(self._on_double_click)

    def visualRegionForSelection(self, selection):  # noqa: N802
        # Qt unites one rectangle per selection range (10,000 scattered rows: a second of
        # QRegion work); repainting the visible rows is a few milliseconds
        return QRegion(self.viewport().rect())

    def selected_rows(self) -> List[int]:
        """Selected (proxy) rows, ascending, read from the selection's ranges: Qt's
        selectedRows() checks every row against every range (quadratic)."""
        model = self.selectionModel()
        if model is None or not model.hasSelection():
            return []
        spans = [range(r.top(), r.bottom() + 1) for r in model.selection()]
        return sorted(set(chain.from_iterable(spans)))

    def dataChanged(self, top_left, bottom_right, roles=()):  # noqa: N802
        # Qt 5 repaints every visible cell (a Python call per cell and role) for any
        # change, even of rows far off screen: results arriving while one reads the top
        first = self.rowAt(0)
        last = self.rowAt(self.viewport().height() - 1)
        if first >= 0 and (bottom_right.row() < first or (last >= 0 and top_left.row() > last)):
            return
        super().dataChanged(top_left, bottom_right, list(roles))

    def setModel(self, model):  # noqa: N802
        super().setModel(model)
        if hasattr(model, "attach_selection"):  # ResultsProxy carries the selection itself
            model.attach_selection(self.selectionModel())
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        metrics = self.fontMetrics()
        for col, width in (
            (ResultsModel.COL_FEATURE, 0),
            (ResultsModel.COL_NAME, 130),
            (ResultsModel.COL_STATUS, 0),
            (ResultsModel.COL_ORDER_STATUS, 0),
            (ResultsModel.COL_ERROR, 180),
            (ResultsModel.COL_ORDER, 150),
            (ResultsModel.COL_CAPTURES, 0),
            (ResultsModel.COL_UPDATED, 0),
            (ResultsModel.COL_WARNING, 160),
        ):
            if not width:  # fit the header (plus the sort arrow) or the widest status word
                title = model.headerData(col, Qt.Orientation.Horizontal) or ""
                width = metrics.horizontalAdvance(title) + 34
                if col == ResultsModel.COL_STATUS:
                    width = max(width, metrics.horizontalAdvance("Succeeded") + 40)
                if col == ResultsModel.COL_ORDER_STATUS:
                    width = max(width, metrics.horizontalAdvance("In progress") + 40)
                if col == ResultsModel.COL_UPDATED:
                    width = max(width, metrics.horizontalAdvance("2024-05-01 12:00") + 16)
            self.setColumnWidth(col, width)

    def fit_columns(self):
        """Name, Error and Order id as wide as their text (within reason)."""
        if self.model() is None:
            return
        fit_column(self, ResultsModel.COL_NAME, 130, 360)
        fit_column(self, ResultsModel.COL_ERROR, 120, 480)
        fit_column(self, ResultsModel.COL_ORDER, 90, 300)

    # -- selection helpers ---------------------------------------------------------
    def selected_values(self, role) -> List:
        model = self.model()
        return [model.data(model.index(row, 0), role) for row in self.selected_rows()]

    def selected_feature_ids(self) -> List[int]:
        seen, out = set(), []
        for fid in self.selected_values(ResultsModel.FeatureIdRole):
            if fid is not None and fid not in seen:
                seen.add(fid)
                out.append(int(fid))
        return out

    def selected_keys(self) -> List[str]:
        return [k for k in self.selected_values(ResultsModel.KeyRole) if k is not None]

    def selected_statuses(self) -> List[str]:
        return [s for s in self.selected_values(ResultsModel.StatusRole) if s]

    def selected_order_ids(self) -> List[str]:
        model = self.model()
        out = []
        for row in self.selected_rows():
            order = model.data(model.index(row, ResultsModel.COL_ORDER))
            if order:
                out.append(order)
        return out

    # -- actions ---------------------------------------------------------------
    def copy_order_ids(self) -> str:
        text = "\n".join(self.selected_order_ids())
        if text:
            QGuiApplication.clipboard().setText(text)
        return text

    def open_in_dashboard(self, limit: int = 10) -> List[str]:
        urls = [dashboard_url(o) for o in self.selected_order_ids()[:limit]]
        for url in urls:
            QDesktopServices.openUrl(QUrl(url))
        return urls

    def keyPressEvent(self, event):  # noqa: N802
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_order_ids()
            event.accept()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            fids = self.selected_feature_ids()
            if fids:
                self.zoom_requested.emit(fids)
                event.accept()
                return
        super().keyPressEvent(event)

    def _on_double_click(self, index):
        fid = self.model().data(index, ResultsModel.FeatureIdRole)
        if fid is not None:
            self.zoom_requested.emit([int(fid)])

    def build_menu(self) -> QMenu:
        menu = QMenu(self)
        orders = self.selected_order_ids()
        fids = self.selected_feature_ids()
        icon = QgsApplication.getThemeIcon
        act = menu.addAction(icon("/mActionZoomToSelected.svg"), self.tr("Zoom to feature(s)"))
        act.setEnabled(bool(fids))
        act.triggered.connect(lambda: self.zoom_requested.emit(self.selected_feature_ids()))
        menu.addSeparator()
        label = self.tr("Copy order id") if len(orders) <= 1 else self.tr("Copy order ids")
        act = menu.addAction(icon("/mActionEditCopy.svg"), label)
        act.setEnabled(bool(orders))
        act.triggered.connect(self.copy_order_ids)
        act = menu.addAction(icon("/mActionOpenTable.svg"), self.tr("Open in Tasking Dashboard"))
        act.setEnabled(bool(orders))
        act.setToolTip(self.tr("Opens the order page in your web browser"))
        act.triggered.connect(lambda: self.open_in_dashboard())  # not (checked=False)
        menu.addSeparator()
        self.add_order_actions(menu)
        act = menu.addAction(icon("/mIconHistory.svg"), self.tr("History…"))
        act.setEnabled(bool(self.selected_keys()))
        act.triggered.connect(self.history_requested.emit)
        menu.addSeparator()
        act = menu.addAction(icon("/mActionAddLayer.svg"), self.tr("Add result layer to map"))
        act.triggered.connect(self.result_layer_requested.emit)
        act = menu.addAction(icon("/mActionFileSaveAs.svg"), self.tr("Export table as CSV…"))
        act.triggered.connect(self.export_csv_requested.emit)
        act = menu.addAction(icon("/mActionFileSave.svg"), self.tr("Export as GeoPackage…"))
        act.triggered.connect(self.export_gpkg_requested.emit)
        has_rows = self.model() is not None and self.model().rowCount() > 0
        for action in menu.actions()[-3:]:
            action.setEnabled(has_rows)
        return menu

    def add_order_actions(self, menu: QMenu) -> None:
        """Fix and resubmit / Edit / Cancel orders, enabled for what is selected."""
        icon = QgsApplication.getThemeIcon
        statuses = self.selected_statuses()
        fixable = sum(1 for s in statuses if s in ("failed", "skipped"))
        orders = len(self.selected_order_ids())
        act = menu.addAction(icon("/mActionRefresh.svg"), self.tr("Fix and resubmit…"))
        act.setEnabled(bool(fixable))
        act.setToolTip(self.tr("Change the failed or skipped orders and send them again"))
        act.triggered.connect(self.fix_requested.emit)
        act = menu.addAction(icon("/mActionToggleEditing.svg"), self.tr("Edit orders…"))
        act.setEnabled(bool(orders))
        act.triggered.connect(self.edit_requested.emit)
        act = menu.addAction(icon("/mTaskCancel.svg"), self.tr("Cancel orders…"))
        act.setEnabled(bool(orders))
        act.triggered.connect(self.cancel_orders_requested.emit)

    def _show_menu(self, pos):
        self.build_menu().exec(self.viewport().mapToGlobal(pos))
