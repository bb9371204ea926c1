"""The Results tab: progress, filters, the table linked to the map, exports."""

import os
from collections import Counter
from itertools import islice
from operator import attrgetter
from typing import List, Optional

from qgis.core import Qgis, QgsApplication, QgsProject, QgsVectorLayer
from qgis.gui import QgsFilterLineEdit
from qgis.PyQt.QtCore import Qt, QTimer, pyqtSignal
from qgis.PyQt.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..core import settings
from ..core.model.job import BulkJob, Target, TargetStatus
from ..core.outputs import export
from ..core.outputs.result_layer import JOB_PROPERTY
from ..core.outputs.result_writer import ResultLayers
from .map_links import RowRemovalFlag, SelectionSync, zoom_to_features
from .progress_panel import ProgressPanel
from .results_model import BIG_JOB, REFUSED_ACTIONS, ResultsModel
from .results_proxy import ResultsProxy
from .results_view import ResultsView
from .slices import SLICE, SlicedPass
from .status import ORDER_STATUS_COLORS, order_status_icon, order_status_label
from .widgets import WrapLabel

# targets a result layer update compares in one call (10,000 took 70-100 ms of the main
# thread on a loaded machine, 2,500 still showed in the longest stalls of a 100,000 run
# when other threads held the GIL; the rest follows 20 ms later)
LAYER_SCAN_PER_UPDATE = 1_000

_STATUS = attrgetter("status")  # C-speed reads for the walks over every row
_ORDER_STATUS = attrgetter("order_status")


def _refused(t: Target) -> bool:
    """The target's last edit or cancel was refused by Planet."""
    return bool(t.attempts) and t.attempts[-1].status in REFUSED_ACTIONS


def job_counts(job: BulkJob, refused: bool = False) -> dict:
    """job.counts() plus "unsent": ready targets whose bulk was never posted (a bulk on its
    way when the job stopped may have reached Planet: those are not "not sent"), or every
    ready target when Planet refused the key (``refused``: nothing got in)."""
    counts = job.counts()
    counts["unsent"] = job.unsent(refused)
    return counts


class ResultsPanel(QWidget):
    cancel_requested = pyqtSignal()
    message = pyqtSignal(str, str, int)  # title, text, Qgis level
    fix_requested = pyqtSignal()
    edit_requested = pyqtSignal()
    cancel_orders_requested = pyqtSignal()
    history_requested = pyqtSignal()
    result_layer_added = pyqtSignal(object)  # QgsVectorLayer: written and in the project

    def __init__(self, iface, parent=None):
        super().__init__(parent)
        self._iface = iface
        # the GeoPackage is written on its own thread; the project gets the finished layer
        self.result_writer = ResultLayers(self)
        self.result_writer.added.connect(self._on_result_layer_added)
        self._layer_id: Optional[str] = None
        # targets changed since the result layers were written (an ordered dict used as a
        # queue: taking a slice costs the slice), None: every target, from _layer_cursor
        self._layer_keys: Optional[dict] = None
        self._layer_cursor = 0
        self._counts_timer = QTimer(self)
        self._counts_timer.setSingleShot(True)
        self._counts_timer.setInterval(250)
        self._counts_timer.timeout.connect(self._update_counts)
        self.refused_jobs: set = set()  # job ids whose key Planet refused: nothing got in
        self._paused_sort = None  # (column, order) the header sorts by, paused while running
        self._outcomes_timer = QTimer(self)
        self._outcomes_timer.setSingleShot(True)
        self._outcomes_timer.setInterval(500)
        self._outcomes_timer.timeout.connect(self._update_outcomes)
        self._tally = SlicedPass(self)  # counts, Refused filter, order outcomes
        self._tally_counts = False
        self._outcomes: Counter = Counter()  # created orders per state at Planet, last counted
        self._sorting = SlicedPass(self)  # the paused sort, back at a run's end

        self.model = ResultsModel(self)
        self.proxy = ResultsProxy(self)
        self.proxy.setSourceModel(self.model)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)

        self.progress = ProgressPanel(self)
        self.progress.cancel_requested.connect(self.cancel_requested.emit)
        layout.addWidget(self.progress)

        bar = QHBoxLayout()
        bar.setSpacing(0)
        self.filter_group = QButtonGroup(self)
        self.filter_group.setExclusive(True)
        self.filter_buttons = {}
        for name, label in (
            (ResultsProxy.FILTER_ALL, self.tr("All")),
            (ResultsProxy.FILTER_FAILED, self.tr("Failed")),
            (ResultsProxy.FILTER_SUCCEEDED, self.tr("Created")),
            (ResultsProxy.FILTER_SKIPPED, self.tr("Skipped")),
            (ResultsProxy.FILTER_REFUSED, self.tr("Refused")),
        ):
            button = QToolButton()
            button.setText(label)
            button.setCheckable(True)
            button.setAutoRaise(False)
            button.setProperty("filter", name)
            button.clicked.connect(lambda _=False, n=name: self.set_filter(n))
            self.filter_group.addButton(button)
            self.filter_buttons[name] = button
            bar.addWidget(button)
        self.filter_buttons[ResultsProxy.FILTER_ALL].setChecked(True)
        self.filter_buttons[ResultsProxy.FILTER_REFUSED].setToolTip(
            self.tr("Orders whose last edit or cancel Planet refused")
        )
        self.filter_buttons[ResultsProxy.FILTER_REFUSED].setVisible(False)
        self.filter_buttons[ResultsProxy.FILTER_SUCCEEDED].setToolTip(
            self.tr("Rows whose order Planet created, whatever became of it since")
        )
        bar.addSpacing(8)
        self.search = QgsFilterLineEdit()
        self.search.setShowSearchIcon(True)
        self.search.setPlaceholderText(self.tr("Filter by name, feature id, order id or error"))
        self.search.textChanged.connect(self.set_text_filter)
        bar.addWidget(self.search, 1)
        layout.addLayout(bar)

        # order outcomes at Planet (rejected, fulfilled…): their own counts and filters
        self.outcome_bar = QWidget()
        outcomes = QHBoxLayout(self.outcome_bar)
        outcomes.setContentsMargins(0, 0, 0, 0)
        outcomes.setSpacing(0)
        self.outcome_title = QLabel(self.tr("At Planet:"))
        self.outcome_title.setToolTip(
            self.tr("Where the created orders stand at Planet (checked regularly)")
        )
        outcomes.addWidget(self.outcome_title)
        outcomes.addSpacing(4)
        self.outcome_buttons = {}  # order status -> QToolButton
        for status in ORDER_STATUS_COLORS:
            button = QToolButton()
            button.setCheckable(True)
            name = ResultsProxy.order_filter(status)
            button.setProperty("filter", name)
            button.setIcon(order_status_icon(status))
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            button.clicked.connect(lambda _=False, n=name: self.set_filter(n))
            button.setVisible(False)
            self.filter_group.addButton(button)
            self.filter_buttons[name] = button
            self.outcome_buttons[status] = button
            outcomes.addWidget(button)
        outcomes.addStretch(1)
        self.outcome_bar.setVisible(False)
        layout.addWidget(self.outcome_bar)

        self.view = ResultsView(self)
        self.removal = RowRemovalFlag(self.proxy, self)  # before setModel: see its docstring
        self.view.setModel(self.proxy)
        self.sort_default()
        self.view.zoom_requested.connect(self.zoom_to)
        self.view.export_csv_requested.connect(lambda: self.export_csv())
        self.view.export_gpkg_requested.connect(lambda: self.export_geopackage())
        self.view.result_layer_requested.connect(self.add_result_layer)
        self.view.fix_requested.connect(self.fix_requested.emit)
        self.view.edit_requested.connect(self.edit_requested.emit)
        self.view.cancel_orders_requested.connect(self.cancel_orders_requested.emit)
        self.view.history_requested.connect(self.history_requested.emit)
        self.layer_note = WrapLabel()
        self.layer_note.setStyleSheet("color: #6b4e00;")
        self.layer_note.setVisible(False)
        layout.addWidget(self.layer_note)
        layout.addWidget(self.view, 1)
        self.sync = SelectionSync(self.view, self.model, self.proxy, self, removal=self.removal)
        try:
            self.sync.canvas = iface.mapCanvas() if iface is not None else None
        except (AttributeError, RuntimeError):
            self.sync.canvas = None

        self.hint = QLabel(
            self.tr(
                "Select rows to select their features; double-click to zoom to one. "
                "Right-click for fix and resubmit, edit, cancel and history."
            )
        )
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: palette(dark);")
        layout.addWidget(self.hint)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        icon = QgsApplication.getThemeIcon
        self.orders_button = QToolButton()
        self.orders_button.setIcon(icon("/mActionToggleEditing.svg"))
        self.orders_button.setText(self.tr("Orders"))
        self.orders_button.setToolTip(
            self.tr("Fix and resubmit, edit or cancel the selected rows' orders")
        )
        self.orders_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.orders_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.orders_menu = QMenu(self.orders_button)
        self.orders_menu.aboutToShow.connect(self._fill_orders_menu)
        self.orders_button.setMenu(self.orders_menu)
        bottom.addWidget(self.orders_button)
        self.layer_button = QToolButton()
        self.layer_button.setIcon(icon("/mActionAddLayer.svg"))
        self.layer_button.setText(self.tr("Result layer"))
        self.layer_button.setToolTip(self.tr("Add the orders to the map, coloured by status"))
        self.layer_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.layer_button.clicked.connect(self.add_result_layer)
        bottom.addWidget(self.layer_button)
        self.export_button = QToolButton()
        self.export_button.setIcon(icon("/mActionFileSaveAs.svg"))
        self.export_button.setText(self.tr("Export"))
        self.export_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.export_button)
        menu.addAction(self.tr("Table as CSV…"), lambda: self.export_csv())
        menu.addAction(self.tr("Orders as GeoPackage (with geometry)…"), self.export_geopackage)
        self.export_button.setMenu(menu)
        bottom.addWidget(self.export_button)
        layout.addLayout(bottom)
        self._update_buttons()

    # -- job -------------------------------------------------------------------
    def job(self) -> Optional[BulkJob]:
        return self.model.job()

    def set_job(
        self,
        job: Optional[BulkJob],
        layer: Optional[QgsVectorLayer] = None,
        running: bool = False,
    ):
        """``running``: the job runs, its rows come in source order (``set_running``) from
        the start: no sort of every row that the run would undo at once."""
        self._layer_keys, self._layer_cursor = None, 0  # result layers: compare every target
        if running:
            self._pause_sort_as_default()
        self.model.set_job(job, running=running)
        self._layer_id = layer.id() if layer is not None else (job.layer.layer_id if job else None)
        self.layer_note.setVisible(False)
        self.sync.set_layer(self.source_layer())
        if not running:
            self.sort_default()
        self.view.fit_columns()
        if job is None:
            self.progress.set_counts({})
        self._update_buttons()

    # -- keep the reader's place while a job runs --------------------------------------------
    def set_running(self, running: bool):
        """While a job runs the rows stay in the order they came (a new failure does not jump
        to the top and push everything down; filters still follow, row by row, in C++); at
        the end they are sorted again as the header says, the reader's top row kept in view."""
        self.progress.set_running(running)
        if not running:
            self._recount()  # with "Not sent", now it shows
            self.model.prepare()  # the search texts the run changed, a slice per turn
        header = self.view.horizontalHeader()
        if running:
            self._sorting.stop()  # a sort on its way from the last run's end
            if not self._paused_sort:
                anchor = self.top_key()
                self._paused_sort = (header.sortIndicatorSection(), header.sortIndicatorOrder())
                header.setSortIndicatorShown(False)
                self.proxy.sort(-1)  # source order: rows never move while results arrive
                self.scroll_to_key(anchor)
        elif self._paused_sort:
            job = self.job()
            big = job is not None and len(job.targets) >= BIG_JOB
            self._sorting.start(self._resume_sort(), now=not big)

    def _resume_sort(self):
        """The paused sort back: a big job's sort values made a slice per turn first."""
        if not self._paused_sort:
            return
        column, order = self._paused_sort
        yield from self.model.make_sort_keys(column, SLICE)
        anchor = self.top_key()
        self._paused_sort = None
        self.view.horizontalHeader().setSortIndicatorShown(True)
        self.view.sortByColumn(column, order)
        self.scroll_to_key(anchor)

    def top_key(self) -> Optional[str]:
        index = self.view.indexAt(self.view.viewport().rect().topLeft())
        return self.proxy.data(index, ResultsModel.KeyRole) if index.isValid() else None

    def scroll_to_key(self, key: Optional[str]):
        row = self.model.row_of_key(key) if key else None
        if row is None:
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if index.isValid():
            self.view.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtTop)

    def job_counts(self, job: BulkJob) -> dict:
        if self.progress.running:  # "Not sent" only shows once the job stopped
            return job.counts()
        return job_counts(job, refused=job.job_id in self.refused_jobs)

    def set_source_layer(self, layer: Optional[QgsVectorLayer], note: str = ""):
        """Link the rows to this layer's features (None: no links, the table still works)."""
        self._layer_id = layer.id() if layer is not None else None
        self.sync.set_layer(layer)
        self.layer_note.setText(note)
        self.layer_note.setVisible(bool(note))
        if layer is not None:
            self.sync.apply_layer_selection()

    def selected_keys(self) -> List[str]:
        return self.view.selected_keys()

    def _fill_orders_menu(self):
        self.orders_menu.clear()
        self.view.add_order_actions(self.orders_menu)

    def source_layer(self) -> Optional[QgsVectorLayer]:
        if not self._layer_id:
            return None
        layer = QgsProject.instance().mapLayer(self._layer_id)
        return layer if isinstance(layer, QgsVectorLayer) else None

    def refresh_keys(self, keys):
        keys = list(keys)
        if self._layer_keys is not None:
            self._layer_keys.update(dict.fromkeys(keys))
        self.model.refresh_keys(keys)
        job = self.job()
        big = job is not None and len(job.targets) >= BIG_JOB
        if not big:
            self.progress.set_counts(self.job_counts(job))
        elif not self.progress.running and not self._counts_timer.isActive():
            # while it runs, the engine's progress reports bring the counts: no count
            # over 100,000 rows on the main thread 4 times a second
            self._counts_timer.start()  # counted over every row: at most 4 times a second
        if not self._outcomes_timer.isActive():
            # counted over every row: at most twice a second, every 2 s for a big job
            self._outcomes_timer.setInterval(2000 if big else 500)
            self._outcomes_timer.start()

    def _recount(self, counts: bool = True):
        """One walk over every row for the progress counts (``counts``), the Refused filter
        and the order outcomes: a big job's in slices, one per turn of the event loop."""
        job = self.job()
        if job is None:
            self._tally.stop()
            self._outcomes = Counter()
            self._show_outcomes()
            return
        counts = counts or self._tally_counts  # a walk under way that would have counted
        self._tally_counts = counts
        self._tally.start(self._walk(job, counts), now=len(job.targets) < BIG_JOB)

    def _walk(self, job: BulkJob, counts: bool):
        targets = job.targets
        big = len(targets) >= BIG_JOB
        step = SLICE if big else max(len(targets), 1)
        statuses, outcomes, refused = Counter(), Counter(), False
        # while a big job runs, refusals (of edits and cancels) are looked for when it
        # stops: looking at every row's attempts made each walk ~10x longer
        look_for_refused = not (big and self.progress.running)
        for start in range(0, len(targets), step):
            if start:
                yield
            part = targets[start : start + step]
            if counts:
                statuses.update(map(_STATUS, part))
            outcomes.update(filter(None, map(_ORDER_STATUS, part)))
            refused = refused or (look_for_refused and any(map(_refused, part)))
        if not look_for_refused:
            refused = self.filter_buttons[ResultsProxy.FILTER_REFUSED].isVisible()
        self._tally_counts = False
        if counts:
            self.progress.set_counts(self._counts_of(job, statuses))
        button = self.filter_buttons[ResultsProxy.FILTER_REFUSED]
        button.setVisible(refused or self.proxy.status_filter() == ResultsProxy.FILTER_REFUSED)
        self._outcomes = outcomes
        self._show_outcomes()

    def _counts_of(self, job: BulkJob, statuses: Counter) -> dict:
        """``job_counts`` from the targets per status a walk counted."""
        counts = {s: statuses.get(s, 0) for s in TargetStatus.ALL}
        counts["total"] = len(job.targets)
        if not self.progress.running:
            # only ready targets can be unsent: none (most ends), no walk over the chunks
            ready = counts[TargetStatus.READY]
            counts["unsent"] = job.unsent(job.job_id in self.refused_jobs) if ready else 0
        return counts

    def _update_outcomes(self):
        self._recount(counts=False)

    def _show_outcomes(self):
        counts = self._outcomes
        current = self.proxy.status_filter()
        for status, button in self.outcome_buttons.items():
            n = counts.get(status, 0)
            button.setText(f"{order_status_label(status)} {n:,}")
            button.setVisible(bool(n) or current == ResultsProxy.order_filter(status))
        self.outcome_bar.setVisible(bool(counts) or current.startswith(ResultsProxy.ORDER_PREFIX))

    def _update_counts(self):
        self._recount()

    def refresh_all(self, everything: bool = True):
        """Every row shown again. ``everything=False``: every change already came through
        ``refresh_keys`` (a job's end, its first look): the views repaint, but the sort
        and search caches and the result layer's queue are kept (recomputing them cost
        0.2 s of the main thread at 100,000 rows)."""
        if everything:
            self._layer_keys, self._layer_cursor = None, 0
        self.model.refresh_all(recompute=everything)
        self._update_buttons()

    def result_layers(self) -> List[QgsVectorLayer]:
        """Result layers of the shown job in the project (made here or earlier)."""
        job = self.job()
        if job is None:
            return []
        return [
            layer
            for layer in QgsProject.instance().mapLayers().values()
            if isinstance(layer, QgsVectorLayer)
            and layer.customProperty(JOB_PROPERTY) == job.job_id
        ]

    def update_result_layer(self):
        """Write what changed since the last call into the job's result layers (the dock
        calls it every second while results arrive): compared here, work per batch not per
        job, written on the result writer's thread."""
        job, keys = self.job(), self._layer_keys
        if job is None or keys is not None and not keys:
            return
        layers = self.result_layers()
        if not layers:
            self._layer_keys = {}
            return
        # a bounded slice now, the rest 20 ms later: no long comparison
        # on the main thread, even when every target may have changed
        if keys is None:  # every target, from the cursor on
            start = self._layer_cursor
            part = job.targets[start : start + LAYER_SCAN_PER_UPDATE]
        else:
            part = [job.target(k) for k in islice(keys, LAYER_SCAN_PER_UPDATE)]
        for layer in layers:
            self.result_writer.update(layer, part)
        if keys is None:
            self._layer_cursor += len(part)
            if self._layer_cursor >= len(job.targets):
                self._layer_keys, self._layer_cursor = {}, 0
        else:
            for t in part:
                del keys[t.key]
        if self._layer_keys is None or self._layer_keys:
            QTimer.singleShot(20, self.update_result_layer)

    def result_layer_busy(self) -> bool:
        """A result layer is being written (tests and scenarios wait on this)."""
        return self.result_writer.busy()

    def _update_buttons(self):
        has_rows = self.model.rowCount() > 0
        self.layer_button.setEnabled(has_rows)
        self.export_button.setEnabled(has_rows)
        self.orders_button.setEnabled(has_rows)
        self._recount()

    def _pause_sort_as_default(self):
        """The default sort, paused as ``set_running(True)`` pauses it, without sorting."""
        self._sorting.stop()
        self.proxy.sort(-1)  # the rows shown now: source order is O(1) per row
        header = self.view.horizontalHeader()
        header.blockSignals(True)  # the header would sort the view by it
        header.setSortIndicator(ResultsModel.COL_STATUS, Qt.SortOrder.AscendingOrder)
        header.blockSignals(False)
        header.setSortIndicatorShown(False)
        self._paused_sort = (ResultsModel.COL_STATUS, Qt.SortOrder.AscendingOrder)

    def sort_default(self):
        """Failed and skipped rows first (then by feature id), shown on the header too."""
        self._sorting.stop()
        self._paused_sort = None
        self.view.horizontalHeader().setSortIndicatorShown(True)
        self.view.sortByColumn(ResultsModel.COL_STATUS, Qt.SortOrder.AscendingOrder)

    # -- filters -----------------------------------------------------------------
    def set_filter(self, name: str):
        self.proxy.set_status_filter(name)
        self.filter_buttons[name].setVisible(True)
        self.filter_buttons[name].setChecked(True)
        self._update_outcomes()  # a big job's: counted in slices, the buttons shown now
        self._show_outcomes()
        self.sync.apply_layer_selection()

    def set_text_filter(self, text: str):
        self.proxy.set_text_filter(text)
        self.sync.apply_layer_selection()

    def visible_targets(self) -> List[Target]:
        """The targets in the table's current order and filter."""
        out = []
        for row in range(self.proxy.rowCount()):
            source = self.proxy.mapToSource(self.proxy.index(row, 0))
            out.append(self.model.target(source.row()))
        return out

    # -- map -----------------------------------------------------------------------
    def zoom_to(self, fids: List[int]) -> bool:
        layer = self.source_layer()
        canvas = self._iface.mapCanvas() if self._iface is not None else None
        if layer is None:
            self.message.emit(
                self.tr("Planet Bulk Tasking"),
                self.tr("The layer these orders came from is no longer in the project."),
                Qgis.MessageLevel.Warning,
            )
            return False
        ok = zoom_to_features(canvas, layer, fids)
        if not ok and fids:
            self.message.emit(
                self.tr("Planet Bulk Tasking"),
                self.tr("Nothing to zoom to: feature {fid} has no geometry.").format(
                    fid=", ".join(str(f) for f in fids[:5])
                ),
                Qgis.MessageLevel.Info,
            )
        return ok

    def add_result_layer(self) -> Optional[str]:
        """Start writing the shown job's result layer (its GeoPackage path, None without a
        job); ``result_layer_added`` follows with the layer, in the project."""
        job = self.job()
        if job is None:
            return None
        return self.result_writer.add(job, self.source_layer())

    def _on_result_layer_added(self, layer: QgsVectorLayer):
        job = self.job()
        if job is not None and layer.customProperty(JOB_PROPERTY) == job.job_id:
            # results that came while it was written: the next update compares every
            # target; one comes within a second even if the job has ended meanwhile
            self._layer_keys, self._layer_cursor = None, 0
            QTimer.singleShot(1000, self.update_result_layer)
        self.result_layer_added.emit(layer)

    # -- export ----------------------------------------------------------------------
    def _ask_path(self, title, filter_text, suffix):
        folder = settings.value(settings.EXPORT_DIR, os.path.expanduser("~"))
        job = self.job()
        base = (job.layer.name if job and job.layer.name else "planet_orders") + "_orders"
        path, _ = QFileDialog.getSaveFileName(
            self, title, os.path.join(folder, base + suffix), filter_text
        )
        if path:
            if not path.lower().endswith(suffix):
                path += suffix
            settings.set_value(settings.EXPORT_DIR, os.path.dirname(path))
        return path

    def export_csv(self, path: Optional[str] = None) -> Optional[str]:
        if self.job() is None:
            return None
        path = path or self._ask_path(
            self.tr("Export results as CSV"), self.tr("CSV files (*.csv)"), ".csv"
        )
        if not path:
            return None
        try:
            count = export.export_csv(path, self.visible_targets())
        except OSError as exc:
            self.message.emit(self.tr("Export failed"), str(exc), Qgis.MessageLevel.Critical)
            return None
        self.message.emit(
            self.tr("Exported"),
            self.tr("{n} rows written to {path}").format(n=count, path=path),
            Qgis.MessageLevel.Success,
        )
        return path

    def export_geopackage(self, path: Optional[str] = None) -> Optional[str]:
        job = self.job()
        if job is None:
            return None
        path = path or self._ask_path(
            self.tr("Export orders as GeoPackage"), self.tr("GeoPackage (*.gpkg)"), ".gpkg"
        )
        if not path:
            return None
        ok, error = export.export_geopackage(path, job, self.source_layer())
        if not ok:
            self.message.emit(self.tr("Export failed"), error, Qgis.MessageLevel.Critical)
            return None
        self.message.emit(
            self.tr("Exported"),
            self.tr("{n} orders written to {path}").format(n=len(job.targets), path=path),
            Qgis.MessageLevel.Success,
        )
        return path

    def shutdown(self):
        self._outcomes_timer.stop()
        self._tally.stop()
        self._sorting.stop()
        self.sync.detach()
        self.result_writer.shutdown()
