"""The result layer's GeoPackage, written off the main thread.

A "Result layer" click at 100,000 targets used to block QGIS 4-7 s (features built and
written on the main thread), and every results batch then wrote its changes there at
~65 us a feature. Here the main thread only copies the targets' values
(core.outputs.result_layer.snapshot) and opens a QgsVectorLayerFeatureSource on the source
layer (QGIS's way to read a layer from another thread); one worker thread writes the file
with its own QgsVectorFileWriter, and writes later changes with its own SQLite connection,
all of a batch in one transaction. The main thread then does what is cheap: open the
finished file as a layer and add it to the project, or repaint it after a write.

Attribute updates go through SQLite directly: a GeoPackage is a SQLite database and the
attribute columns are plain columns. The table's R-tree triggers name OGR's SQL functions
(ST_IsEmpty, ST_MinX...), which SQLite wants to exist when it prepares any UPDATE, although
they only run when the fid or the geometry changes: they are declared here as functions
that refuse, and never run, since this changes neither.
"""

import logging
import os
import queue
import sqlite3
import threading
from typing import Callable, Optional

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransformContext,
    QgsProject,
    QgsProviderRegistry,
    QgsVectorFileWriter,
    QgsVectorLayer,
    QgsVectorLayerFeatureSource,
)
from qgis.PyQt.QtCore import QObject, QThread, pyqtSignal

from ..model.gil import background_priority, collector_paused, yielding
from ..model.job import BulkJob
from .result_layer import (
    JOB_PROPERTY,
    UPDATED_FIELDS,
    LayerState,
    build_result_layer,
    from_wgs84,
    layer_shape,
    layer_state,
    remember_state,
    restyle_if_needed,
    result_features,
    result_fields,
    result_folder,
    result_path,
    result_title,
    row_key,
    rows_legend,
    snapshot,
    source_geometries,
    source_shape,
    style_by_status,
    target_rows,
    usable,
    write_changes,
)

log = logging.getLogger(__name__)

LAYER_NAME = "orders"
#: the worker thread ends after this long without work (started again on demand)
IDLE_EXIT_S = 2.0


def write_geopackage(
    path: str,
    rows,
    source,
    feature_count: int,
    wkb,
    crs,
    to_layer,
    context=None,
    layer_name: str = LAYER_NAME,
) -> tuple:
    """Write the rows as a GeoPackage layer (any thread). ``source``: a feature source of the
    job's layer (None: the payloads' geometry). Returns (ok, error words)."""
    geometries = None
    if source is not None:
        geometries = source_geometries(source, {r.feature_id for r in rows}, feature_count)
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    options.layerName = layer_name
    options.fileEncoding = "UTF-8"
    fields = result_fields()
    writer = QgsVectorFileWriter.create(
        path,
        fields,
        wkb,
        QgsCoordinateReferenceSystem(crs),
        context or QgsCoordinateTransformContext(),
        options,
    )
    if writer.hasError() != QgsVectorFileWriter.WriterError.NoError:
        return False, writer.errorMessage()
    try:
        # a feature's Python costs ~50 us: the GIL left alone every 2-3 ms (a background
        # write: a second longer matters less than the main thread's waits)
        for feature in yielding(result_features(rows, fields, geometries, to_layer), 50):
            if not writer.addFeature(feature):
                return False, writer.errorMessage()
    finally:
        del writer  # flushes and closes the file
    return True, ""


def read_layout(path: str, rows, layer_name: str = LAYER_NAME) -> LayerState:
    """The state of a file just written from ``rows``: its fids read back (a fresh table
    numbers them in order, but the file is the truth), the values as written."""
    fids = {}
    with sqlite3.connect(path, timeout=10) as db:
        for fid, feature_id, part in db.execute(
            f'SELECT fid, feature_id, part FROM "{layer_name}"'
        ):
            fids[row_key(feature_id, part)] = fid
    written = {row_key(r.feature_id, r.part): r.values for r in rows}
    return LayerState(fids=fids, written=written)


_RTREE_FUNCTIONS = ("ST_IsEmpty", "ST_MinX", "ST_MaxX", "ST_MinY", "ST_MaxY")


def _geometry_untouched(*_args):
    raise sqlite3.OperationalError("the result writer never changes a geometry or fid")


def write_attributes(path: str, table: str, changes: dict):
    """{fid: values of UPDATED_FIELDS} into the file, in one transaction."""
    columns = ", ".join(f'"{name}" = ?' for name in UPDATED_FIELDS)
    with sqlite3.connect(path, timeout=10) as db:  # commits (or rolls back) at the end
        for name in _RTREE_FUNCTIONS:
            db.create_function(name, 1, _geometry_untouched, deterministic=True)
        db.executemany(
            f'UPDATE "{table}" SET {columns} WHERE fid = ?',
            [(*values, fid) for fid, values in changes.items()],
        )
    db.close()


def gpkg_table(layer: QgsVectorLayer) -> Optional[tuple]:
    """(path, table) when the layer is a GeoPackage table, else None."""
    if layer.providerType() != "ogr":
        return None
    parts = QgsProviderRegistry.instance().decodeUri("ogr", layer.source())
    path = parts.get("path") or ""
    if not path.lower().endswith(".gpkg"):
        return None
    return path, parts.get("layerName") or LAYER_NAME


class _WriterThread(QThread):
    """A QThread, not a Python thread: QGIS's OGR connection pool starts Qt timers on the
    thread that releases a connection, which Qt allows only in threads it started."""

    def __init__(self, loop: Callable):
        super().__init__()
        self._loop = loop

    def run(self):
        self._loop()


class _Done:
    """A worker's answer, carried to the main thread by ResultLayers._done."""

    def __init__(self, then: Callable, result):
        self.then, self.result = then, result


class ResultLayers(QObject):
    """The main thread's side: ``add(job, source_layer)`` returns at once, ``added(layer)``
    follows when the file is written and the layer is in the project; ``update(layer, job,
    targets)`` queues the changed features' writes. One worker thread does the writing, in
    the order asked (an update never overtakes the build)."""

    added = pyqtSignal(object)  # QgsVectorLayer, in the project
    written = pyqtSignal(str, int)  # layer id, features written
    _done = pyqtSignal(object)  # from the worker thread: queued to this (main) thread

    def __init__(self, parent=None):
        super().__init__(parent)
        self._done.connect(self._finish)
        self._queue: queue.Queue = queue.Queue()
        self._lock = threading.Lock()
        self._thread: Optional[QThread] = None
        self._retired: list = []  # threads that ended when idle: kept until they finished
        self._pending = 0  # tasks asked and not finished (main thread)
        self._closed = False
        self._tables: dict = {}  # layer id -> (GeoPackage path, table), None: not one

    def busy(self) -> bool:
        return self._pending > 0

    # -- main thread -------------------------------------------------------------------------
    def add(self, job: BulkJob, source_layer, project=None, folder=None) -> str:
        """Write the job's result GeoPackage off the main thread and add it to the project
        when done (a memory layer if the file cannot be written). Returns the path."""
        project = project or QgsProject.instance()
        folder = folder or result_folder(project)
        source_layer = usable(source_layer)
        plain = snapshot(job)  # the job goes on changing: the writer reads this copy
        shape = source_shape(source_layer)
        path = self._free_path(result_path(job, folder), project)
        source = to_layer = None
        count = 0
        if source_layer is not None:
            source = QgsVectorLayerFeatureSource(source_layer)
            to_layer, count = from_wgs84(source_layer), source_layer.featureCount()
        context = project.transformContext()

        def work():
            rows = target_rows(plain)
            wkb, crs = shape or layer_shape(rows, None)
            os.makedirs(folder, exist_ok=True)
            if os.path.exists(path):
                os.remove(path)  # a new job never has one; a file of a removed layer may
            ok, error = write_geopackage(path, rows, source, count, wkb, crs, to_layer, context)
            return (read_layout(path, rows) if ok else None), error, rows_legend(rows)

        def then(result):
            state, error, legend = result
            layer = None
            if state is not None:
                layer = QgsVectorLayer(f"{path}|layername={LAYER_NAME}", result_title(job), "ogr")
                if not layer.isValid():
                    layer = None
            if layer is None:  # read-only folder: the map still gets the orders, this session
                log.warning("result layer kept in memory: %s", error)
                layer = build_result_layer(job, source_layer, name=result_title(job))
            else:
                style_by_status(layer, legend)
                layer.setCustomProperty(JOB_PROPERTY, job.job_id)
                remember_state(layer, state)
            project.addMapLayer(layer)
            self.added.emit(layer)

        self._submit(work, then)
        return path

    def update(self, layer: QgsVectorLayer, targets, limit=None) -> int:
        """Queue the writes of the targets whose values changed since the last write (the
        comparison is here, proportional to ``targets``; the writing is not). Returns the
        targets looked at (``limit`` changes at most, the caller goes on from there)."""
        state = layer_state(layer)
        changes, looked = state.changes(targets, limit)
        if not changes:
            return looked
        layer_id = layer.id()
        if layer_id not in self._tables:  # (None: not a GeoPackage, asked once)
            self._tables[layer_id] = gpkg_table(layer)
        where = self._tables[layer_id]
        if where is None:  # memory layer (a folder that could not be written): cheap here
            write_changes(layer, changes, state)
            return looked

        def work():
            write_attributes(*where, changes)

        def then(_result):
            target = QgsProject.instance().mapLayer(layer_id)
            if target is not None:
                restyle_if_needed(target, state.legend_values())
                target.triggerRepaint()
            self.written.emit(layer_id, len(changes))

        def failed(_error):
            state.unwritten(changes)  # the next comparison sends them again

        self._submit(work, then, failed)
        return looked

    def shutdown(self):
        """Finish what was asked and join the thread (plugin unload, panel closed)."""
        self._closed = True
        with self._lock:
            thread = self._thread
            if thread is not None:
                self._queue.put(None)
            threads = self._retired + ([thread] if thread is not None else [])
            self._retired = []
        for t in threads:
            t.wait()

    # -- plumbing ----------------------------------------------------------------------------
    @staticmethod
    def _free_path(path: str, project) -> str:
        """``path``, or a numbered one when a layer in the project still reads that file."""
        in_use = {
            (gpkg_table(lyr) or ("",))[0]
            for lyr in project.mapLayers().values()
            if isinstance(lyr, QgsVectorLayer)
        }
        stem, n = path[: -len(".gpkg")], 1
        while path in in_use:
            n += 1
            path = f"{stem}_{n}.gpkg"
        return path

    def _submit(self, work: Callable, then: Callable, failed: Optional[Callable] = None):
        if self._closed:
            return
        self._pending += 1
        with self._lock:
            self._queue.put((work, then, failed))
            if self._thread is None:
                self._retired = [t for t in self._retired if not t.isFinished()]
                self._thread = _WriterThread(self._run)
                self._thread.start()

    def _run(self):
        background_priority()
        while True:
            try:
                task = self._queue.get(timeout=IDLE_EXIT_S)
            except queue.Empty:
                with self._lock:
                    if self._queue.empty():
                        self._retired.append(self._thread)
                        self._thread = None
                        return
                continue
            if task is None:
                return
            work, then, failed = task
            try:
                with collector_paused():  # a layer's rows and features: no cycles
                    answer = _Done(then, work())
            except Exception as exc:  # a locked or vanished file: said, and retried later
                log.warning("result layer write failed: %s", exc)
                answer = _Done(failed or (lambda _e: None), exc)
            try:
                self._done.emit(answer)
            except RuntimeError:  # the owner is gone (closed without shutdown)
                return

    def _finish(self, answer: _Done):
        self._pending -= 1
        if self._closed:  # shut down: nothing more reaches the project
            return
        try:
            answer.then(answer.result)
        except RuntimeError:  # the project or layer went away meanwhile
            log.debug("result layer gone before its write was shown", exc_info=True)
