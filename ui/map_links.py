"""Links between the results table and the features on the map.

* rows selected in the table -> those features selected on the layer;
* features selected on the map -> their rows selected in the table;
* zoom to / flash features, whatever the layer's CRS (extents are transformed
  into the canvas CRS).

A guard flag stops the two directions from feeding each other. Rows a filter hides are
deselected by Qt as they leave the view; that is not the analyst's choice, so it never
reaches the map (``RowRemovalFlag``): a filter only filters the table.
"""

from typing import Iterable, List, Optional

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsCsException,
    QgsFeatureRequest,
    QgsProject,
    QgsRectangle,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QItemSelectionModel, QObject, pyqtSignal

from .results_model import ResultsModel


def features_extent(layer: QgsVectorLayer, fids: Iterable[int]) -> QgsRectangle:
    """Bounding box of these features in the layer's CRS (null if none has geometry)."""
    request = QgsFeatureRequest().setFilterFids(list(fids)).setNoAttributes()
    extent = QgsRectangle()  # replaced by the first box found
    found = False
    for feature in layer.getFeatures(request):
        geom = feature.geometry()
        if geom is None or geom.isNull() or geom.isEmpty():
            continue
        box = geom.boundingBox()
        if found:
            extent.combineExtentWith(box)
        else:
            extent = QgsRectangle(box)
            found = True
    return extent if found else QgsRectangle()


def extent_in_canvas_crs(canvas, layer: QgsVectorLayer, extent: QgsRectangle) -> QgsRectangle:
    dest = canvas.mapSettings().destinationCrs()
    if not dest.isValid() or not layer.crs().isValid() or dest == layer.crs():
        return QgsRectangle(extent)
    transform = QgsCoordinateTransform(layer.crs(), dest, QgsProject.instance())
    if extent.width() == 0 and extent.height() == 0:
        point = transform.transform(extent.center())
        return QgsRectangle(point, point)
    return transform.transformBoundingBox(extent)


#: a lone point is shown with some 20 km of context around it (about 1:150,000 on a
#: laptop screen), not at street level where nothing around it says where it is
POINT_CONTEXT_DEGREES = 0.1


def _point_box(canvas, layer: QgsVectorLayer, point, half_degrees: float = POINT_CONTEXT_DEGREES):
    """A box of about 2 × 11 km around a point, in the canvas CRS (whatever its units)."""
    wgs84 = QgsCoordinateReferenceSystem("EPSG:4326")
    dest = canvas.mapSettings().destinationCrs()
    project = QgsProject.instance()
    if not dest.isValid():
        dest = layer.crs()
    p = QgsCoordinateTransform(layer.crs(), wgs84, project).transform(point)
    box = QgsRectangle(
        p.x() - half_degrees, p.y() - half_degrees, p.x() + half_degrees, p.y() + half_degrees
    )
    return QgsCoordinateTransform(wgs84, dest, project).transformBoundingBox(box)


def zoom_to_features(canvas, layer: QgsVectorLayer, fids: List[int], flash: bool = True) -> bool:
    """Zoom the canvas to these features and flash them. False when nothing to show."""
    if canvas is None or layer is None or not fids:
        return False
    extent = features_extent(layer, fids)
    if extent.isNull():
        return False
    if (extent.width() == 0) != (extent.height() == 0):
        # features on one horizontal or vertical line: give the box some depth
        pad = max(extent.width(), extent.height()) * 0.25
        extent = QgsRectangle(
            extent.xMinimum() - pad,
            extent.yMinimum() - pad,
            extent.xMaximum() + pad,
            extent.yMaximum() + pad,
        )
    try:
        context = _point_box(canvas, layer, extent.center())
        if extent.width() == 0 and extent.height() == 0:
            target = context
        else:
            target = extent_in_canvas_crs(canvas, layer, extent)
            target.scale(1.25)
            if target.width() < context.width() and target.height() < context.height():
                target = context  # a tiny feature: show it with its surroundings
    except QgsCsException:
        return False
    current = canvas.extent()
    if (
        not current.isEmpty()
        and current.width() < target.width()
        and current.height() < target.height()
        and extent.width() == 0
        and extent.height() == 0
    ):
        # the analyst already zoomed in closer than that: keep their scale, just centre
        canvas.setCenter(target.center())
    else:
        canvas.setExtent(target)
    canvas.refresh()
    if flash and hasattr(canvas, "flashFeatureIds"):
        canvas.flashFeatureIds(layer, fids)
    return True


def pan_to_if_hidden(canvas, layer: QgsVectorLayer, fids: List[int], limit: int = 500) -> bool:
    """Centre the map on these features when none of them is on screen (scale kept).
    True when the map moved."""
    if canvas is None or layer is None or not fids or len(fids) > limit:
        return False
    extent = features_extent(layer, fids)
    if extent.isNull():
        return False
    try:
        target = extent_in_canvas_crs(canvas, layer, extent)
    except QgsCsException:
        return False
    view = canvas.extent()
    if view.isEmpty() or view.intersects(target) or view.contains(target.center()):
        return False
    canvas.setCenter(target.center())
    canvas.refresh()
    return True


class RowRemovalFlag(QObject):
    """True while the proxy removes rows (a filter hides them).

    Create it BEFORE the view gets the proxy: Qt calls slots in connection order, so this
    flag is up before the view's selection model drops the leaving rows and reports it.
    """

    def __init__(self, proxy, parent=None):
        super().__init__(parent)
        self._proxy = proxy
        self._active = False
        proxy.rowsAboutToBeRemoved.connect(self._on)
        proxy.rowsRemoved.connect(self._off)
        proxy.modelAboutToBeReset.connect(self._on)
        proxy.modelReset.connect(self._off)

    @property
    def active(self) -> bool:
        # a filter applied as one layout change (ResultsProxy) hides rows too
        return self._active or bool(getattr(self._proxy, "relayout_active", False))

    def _on(self, *_):
        self._active = True

    def _off(self, *_):
        self._active = False


class SelectionSync(QObject):
    """Keep the table's selected rows and the layer's selected features in step."""

    rows_selected_from_map = pyqtSignal(int)  # how many rows the map selection matched

    def __init__(self, view, model: ResultsModel, proxy, parent=None, removal=None):
        super().__init__(parent)
        self._removal = removal  # RowRemovalFlag made before the view got the proxy
        self.canvas = None  # the map canvas, to pan to selected features off screen
        self._view = view
        self._model = model
        self._proxy = proxy
        self._layer: Optional[QgsVectorLayer] = None
        self._busy = False
        view.selectionModel().selectionChanged.connect(self._on_rows_changed)
        if hasattr(proxy, "rows_regrouped"):
            # ResultsProxy: a sort keeps the selection (persistent indexes); only rows a
            # results batch brought into the filter may need the map's selection
            proxy.rows_regrouped.connect(self._after_proxy_change)
        else:
            proxy.layoutChanged.connect(self._after_proxy_change)
        proxy.modelReset.connect(self._after_proxy_change)

    def layer(self) -> Optional[QgsVectorLayer]:
        return self._layer

    def set_layer(self, layer: Optional[QgsVectorLayer]):
        if layer is self._layer:
            return
        self.detach()
        self._layer = layer
        if layer is not None:
            layer.selectionChanged.connect(self._on_layer_selection)
            layer.willBeDeleted.connect(self.detach)

    def detach(self):
        """Disconnect from the layer (called when it goes away and at shutdown)."""
        layer, self._layer = self._layer, None
        if layer is None:
            return
        try:
            connections = (
                (layer.selectionChanged, self._on_layer_selection),
                (layer.willBeDeleted, self.detach),
            )
        except RuntimeError:  # the layer is already deleted: its connections went with it
            return
        for signal, slot in connections:
            try:
                signal.disconnect(slot)
            except (TypeError, RuntimeError):
                pass

    def selected_feature_ids(self) -> List[int]:
        # no Python call per row, no quadratic selectedRows()
        return self._model.feature_ids_of_rows(self._proxy.selected_source_rows())

    # -- rows -> map -------------------------------------------------------------
    def _on_rows_changed(self, *_):
        if self._busy or self._layer is None:
            return
        if self._removal is not None and self._removal.active:
            return  # rows hidden by a filter: the map keeps its selection
        fids = self.selected_feature_ids()
        self._busy = True
        try:
            self._layer.selectByIds(fids, QgsVectorLayer.SelectBehavior.SetSelection)
        finally:
            self._busy = False
        pan_to_if_hidden(self.canvas, self._layer, fids)  # a selection one cannot see

    # -- map -> rows -------------------------------------------------------------
    def _on_layer_selection(self, *_):
        if self._busy or self._layer is None:
            return
        self.apply_layer_selection()

    def _after_proxy_change(self):
        # after a re-sort or a reset, show the map's selection again (without scrolling:
        # the reader keeps their place)
        if not self._busy and self._layer is not None:
            self.apply_layer_selection(scroll=False)

    def apply_layer_selection(self, scroll: bool = True):
        """Select the (visible) rows of the layer's selected features."""
        if self._layer is None:
            return
        source_rows = self._model.rows_of_feature_ids(self._layer.selectedFeatureIds())
        proxy_rows = self._proxy.proxy_rows(source_rows)  # no Python call per row
        selection = self._proxy.selection_of(proxy_rows)
        self._busy = True
        try:
            model = self._view.selectionModel()
            # Clear, then Select full-width ranges without the Rows flag: Qt compares the old
            # and new selections range by range, and Rows de-duplicates them the same way
            # (quadratic: 10,000 scattered rows took a second or more)
            if model.hasSelection():
                model.clearSelection()
            if not selection.isEmpty():
                model.select(selection, QItemSelectionModel.SelectionFlag.Select)
                self._proxy.note_selection(proxy_rows)
            if proxy_rows and scroll:
                self._view.scrollTo(self._proxy.index(proxy_rows[0], 0))
        finally:
            self._busy = False
        self.rows_selected_from_map.emit(len(proxy_rows))
