"""Links between the results table and the features on the map.

* rows selected in the table -> those features selected on the layer;
* features selected on the map -> their rows selected in the table;
* zoom to / flash features, whatever the layer's CRS (extents are transformed
  into the canvas CRS).

A guard flag stops the two directions from feeding each other.
"""

from typing import Iterable, List, Optional

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsCsException,
    QgsFeatureRequest,
    QgsGeometry,
    QgsProject,
    QgsRectangle,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QItemSelection, QItemSelectionModel, QObject, pyqtSignal

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


def _point_box(canvas, layer: QgsVectorLayer, point, half_degrees: float = 0.01):
    """A box of about 2 km around a point, in the canvas CRS (whatever its units)."""
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
        if extent.width() == 0 and extent.height() == 0:
            target = _point_box(canvas, layer, extent.center())
        else:
            target = extent_in_canvas_crs(canvas, layer, extent)
            target.scale(1.25)
    except QgsCsException:
        return False
    canvas.setExtent(target)
    canvas.refresh()
    if flash and hasattr(canvas, "flashFeatureIds"):
        canvas.flashFeatureIds(layer, fids)
    return True


def feature_geometry(layer: QgsVectorLayer, fid: int, part: Optional[int] = None):
    """The feature's geometry (or its 1-based part), None if it is gone."""
    feature = layer.getFeature(int(fid)) if layer is not None else None
    if feature is None or not feature.isValid() or not feature.hasGeometry():
        return None
    geom = feature.geometry()
    if part and geom.isMultipart():
        parts = geom.asGeometryCollection()
        if 0 < part <= len(parts):
            return QgsGeometry(parts[part - 1])
    return geom


class SelectionSync(QObject):
    """Keep the table's selected rows and the layer's selected features in step."""

    rows_selected_from_map = pyqtSignal(int)  # how many rows the map selection matched

    def __init__(self, view, model: ResultsModel, proxy, parent=None):
        super().__init__(parent)
        self._view = view
        self._model = model
        self._proxy = proxy
        self._layer: Optional[QgsVectorLayer] = None
        self._busy = False
        self._enabled = True
        view.selectionModel().selectionChanged.connect(self._on_rows_changed)
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
        rows = self._view.selectionModel().selectedRows()
        fids = []
        for index in rows:
            fid = self._proxy.data(index, ResultsModel.FeatureIdRole)
            if fid is not None:
                fids.append(int(fid))
        return sorted(set(fids))

    # -- rows -> map -------------------------------------------------------------
    def _on_rows_changed(self, *_):
        if self._busy or self._layer is None:
            return
        fids = self.selected_feature_ids()
        self._busy = True
        try:
            self._layer.selectByIds(fids, QgsVectorLayer.SelectBehavior.SetSelection)
        finally:
            self._busy = False

    # -- map -> rows -------------------------------------------------------------
    def _on_layer_selection(self, *_):
        if self._busy or self._layer is None:
            return
        self.apply_layer_selection()

    def _after_proxy_change(self):
        # after a re-sort or a reset, show the map's selection again
        if not self._busy and self._layer is not None:
            self.apply_layer_selection()

    def apply_layer_selection(self):
        """Select the (visible) rows of the layer's selected features."""
        if self._layer is None:
            return
        source_rows = self._model.rows_of_feature_ids(self._layer.selectedFeatureIds())
        proxy_rows = []
        for row in source_rows:
            index = self._proxy.mapFromSource(self._model.index(row, 0))
            if index.isValid():
                proxy_rows.append(index.row())
        proxy_rows.sort()
        selection = QItemSelection()
        last_col = self._proxy.columnCount() - 1
        start = prev = None
        for row in proxy_rows + [None]:
            if row is not None and prev is not None and row == prev + 1:
                prev = row
                continue
            if start is not None:
                selection.select(self._proxy.index(start, 0), self._proxy.index(prev, last_col))
            start = prev = row
        self._busy = True
        try:
            self._view.selectionModel().select(
                selection,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
            if proxy_rows:
                self._view.scrollTo(self._proxy.index(proxy_rows[0], 0))
        finally:
            self._busy = False
        self.rows_selected_from_map.emit(len(proxy_rows))
