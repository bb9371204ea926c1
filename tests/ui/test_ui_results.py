"""Results model, proxy and map links on hand-made BulkJobs (no network)."""

import csv

import pytest
from planet_bulk_tasking.core.model.job import BulkJob, LayerRef, Target, TargetStatus
from planet_bulk_tasking.ui.results_model import ResultsModel
from planet_bulk_tasking.ui.results_proxy import ResultsProxy
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsGeometry,
    QgsPointXY,
    QgsProject,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QCoreApplication, Qt
from qgis.PyQt.QtGui import QGuiApplication, QKeySequence
from qgis.PyQt.QtTest import QTest
from support import add_result_layer, process_until, update_result_layer

CYCLE = [
    TargetStatus.SUCCEEDED,
    TargetStatus.FAILED,
    TargetStatus.SUCCEEDED,
    TargetStatus.SKIPPED,
    TargetStatus.SUBMITTED,
]


def make_job(layer, name_field=None, statuses=CYCLE):
    targets = []
    for i, f in enumerate(layer.getFeatures()):
        status = statuses[i % len(statuses)]
        name = str(f[name_field]) if name_field else f"feature {f.id()}"
        t = Target(key=str(f.id()), feature_id=f.id(), name=name, status=status)
        if status == TargetStatus.SUCCEEDED:
            t.order_id = f"order-{f.id()}"
        elif status == TargetStatus.FAILED:
            t.reason = "longitude out of range"
        elif status == TargetStatus.SKIPPED:
            t.reason = "no geometry"
        targets.append(t)
    return BulkJob(layer=LayerRef(layer_id=layer.id(), name=layer.name()), targets=targets)


@pytest.fixture
def mercator_layer(qgis_new_project):
    layer = QgsVectorLayer("Point?crs=EPSG:3857&field=label:string", "sites 3857", "memory")
    feats = []
    for i in range(6):
        f = QgsFeature(layer.fields())
        f.setAttributes([f"site {i}"])
        f.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(1_000_000 + i * 5000, 6_000_000)))
        feats.append(f)
    layer.dataProvider().addFeatures(feats)
    QgsProject.instance().addMapLayer(layer)
    return layer


def process():
    QCoreApplication.processEvents()


def visible_fids(panel):
    return [t.feature_id for t in panel.visible_targets()]


def select_proxy_rows(panel, rows):
    from qgis.PyQt.QtCore import QItemSelection, QItemSelectionModel

    sel = QItemSelection()
    for r in rows:
        sel.select(panel.proxy.index(r, 0), panel.proxy.index(r, 4))
    panel.view.selectionModel().select(
        sel, QItemSelectionModel.ClearAndSelect | QItemSelectionModel.Rows
    )


def selected_row_fids(panel):
    return sorted(panel.view.selected_feature_ids())


def test_model_rows_and_default_order(contributors, contributors_count, panel):
    job = make_job(contributors, "Name")
    panel.set_job(job, contributors)
    assert panel.model.rowCount() == contributors_count
    assert panel.proxy.rowCount() == contributors_count
    statuses = [t.status for t in panel.visible_targets()]
    # failed first, then skipped, then the rest
    n_failed = statuses.count(TargetStatus.FAILED)
    n_skipped = statuses.count(TargetStatus.SKIPPED)
    assert set(statuses[:n_failed]) == {TargetStatus.FAILED}
    assert set(statuses[n_failed : n_failed + n_skipped]) == {TargetStatus.SKIPPED}
    assert statuses[-1] == TargetStatus.SUCCEEDED
    first = panel.proxy.index(0, ResultsModel.COL_ERROR)
    assert panel.proxy.data(first) == "longitude out of range"
    assert panel.model.headerData(0, Qt.Horizontal) == "Feature id"
    assert panel.progress.counts == {
        "total": contributors_count,
        "processing": statuses.count(TargetStatus.SUBMITTED),
        "succeeded": statuses.count(TargetStatus.SUCCEEDED),
        "failed": n_failed,
        "skipped": n_skipped,
    }


def test_data_changed_not_reset(contributors, panel):
    job = make_job(contributors, "Name")
    panel.set_job(job, contributors)
    resets, changes = [], []
    panel.model.modelReset.connect(lambda: resets.append(1))
    panel.model.dataChanged.connect(lambda a, b, *_: changes.append((a.row(), b.row())))
    keys = [t.key for t in job.targets if t.status == TargetStatus.SUBMITTED]
    for k in keys:
        job.record_result(k, TargetStatus.SUCCEEDED, order_id="o" + k)
    panel.refresh_keys(keys)
    assert not resets
    assert len(changes) == len(keys)  # rows are not adjacent: one range each
    assert panel.progress.counts["processing"] == 0


def test_filters(contributors, contributors_count, panel):
    panel.set_job(make_job(contributors, "Name"), contributors)
    panel.set_filter(ResultsProxy.FILTER_FAILED)
    assert {t.status for t in panel.visible_targets()} == {TargetStatus.FAILED}
    panel.set_filter(ResultsProxy.FILTER_SKIPPED)
    assert {t.status for t in panel.visible_targets()} == {TargetStatus.SKIPPED}
    panel.set_filter(ResultsProxy.FILTER_SUCCEEDED)
    assert {t.status for t in panel.visible_targets()} == {TargetStatus.SUCCEEDED}
    panel.set_filter(ResultsProxy.FILTER_ALL)
    panel.set_text_filter("order-1")
    assert all("order-1" in (t.order_id or "") for t in panel.visible_targets())
    assert panel.visible_targets()
    panel.set_text_filter("")
    assert panel.proxy.rowCount() == contributors_count


def test_rows_to_map_and_back_after_sort_and_filter(contributors, panel):
    panel.set_job(make_job(contributors, "Name"), contributors)
    # rows -> features
    select_proxy_rows(panel, [0, 1, 2])
    expected = sorted(visible_fids(panel)[:3])
    assert sorted(contributors.selectedFeatureIds()) == expected
    # features -> rows
    contributors.selectByIds([5, 10, 20])
    process()
    assert selected_row_fids(panel) == [5, 10, 20]
    # sort by name descending: selection follows the features
    panel.view.sortByColumn(ResultsModel.COL_NAME, Qt.DescendingOrder)
    assert selected_row_fids(panel) == [5, 10, 20]
    names = [t.name.lower() for t in panel.visible_targets()]
    assert names == sorted(names, reverse=True)
    # rows -> features after sorting
    select_proxy_rows(panel, [0])
    assert contributors.selectedFeatureIds() == [panel.visible_targets()[0].feature_id]
    # filter to failed, then select a feature on the map
    panel.set_filter(ResultsProxy.FILTER_FAILED)
    failed = [t.feature_id for t in panel.visible_targets()]
    contributors.selectByIds(failed[:2] + [0])  # 0 succeeded: hidden row
    process()
    assert selected_row_fids(panel) == sorted(failed[:2])
    select_proxy_rows(panel, [len(failed) - 1])
    assert contributors.selectedFeatureIds() == [panel.visible_targets()[-1].feature_id]


def test_zoom_and_links_on_3857_layer(mercator_layer, panel, qgis_iface):
    canvas = qgis_iface.mapCanvas()
    canvas.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:4326"))
    job = make_job(mercator_layer, "label")
    panel.set_job(job, mercator_layer)
    mercator_layer.selectByIds([2, 3])
    process()
    assert selected_row_fids(panel) == [2, 3]
    select_proxy_rows(panel, [0])
    assert mercator_layer.selectedFeatureIds() == [panel.visible_targets()[0].feature_id]
    fids = [1, 6]
    assert panel.zoom_to(fids)
    extent = canvas.extent()
    # 1_000_000 m east is ~8.98 degrees; the canvas is in degrees now
    assert 8.0 < extent.center().x() < 10.5
    assert 45 < extent.center().y() < 50
    assert extent.width() < 5


def test_result_layer_and_exports(contributors, contributors_count, panel, tmp_path):
    job = make_job(contributors, "Name")
    panel.set_job(job, contributors)
    layer = add_result_layer(panel)
    assert layer is not None and layer.featureCount() == contributors_count
    assert "feature_id" in [f.name() for f in layer.fields()]  # after the GeoPackage's fid
    assert layer.renderer().type() == "categorizedSymbol"
    assert QgsProject.instance().mapLayer(layer.id()) is layer
    # status update flows into the layer
    k = next(t.key for t in job.targets if t.status == TargetStatus.SUBMITTED)
    job.record_result(k, TargetStatus.FAILED, reason="late")
    update_result_layer(panel)
    feat = next(f for f in layer.getFeatures() if f["feature_id"] == int(k))
    assert feat["status"] == "failed" and feat["error"] == "late"
    panel.set_filter(ResultsProxy.FILTER_FAILED)
    path = panel.export_csv(str(tmp_path / "r.csv"))
    rows = list(csv.DictReader(open(path, encoding="utf-8")))
    assert rows and {r["status"] for r in rows} == {"failed"}
    gpkg = panel.export_geopackage(str(tmp_path / "r.gpkg"))
    out = QgsVectorLayer(gpkg + "|layername=orders", "o", "ogr")
    assert out.isValid() and out.featureCount() == contributors_count
    assert next(out.getFeatures()).hasGeometry()


def test_context_menu_and_copy(contributors, panel):
    panel.set_job(make_job(contributors, "Name"), contributors)
    panel.set_filter(ResultsProxy.FILTER_SUCCEEDED)
    select_proxy_rows(panel, [0, 1])
    text = panel.view.copy_order_ids()
    assert text.count("order-") == 2
    QGuiApplication.clipboard().clear()
    QTest.keySequence(panel.view, QKeySequence.Copy)
    assert QGuiApplication.clipboard().text() == text
    zooms = []
    panel.view.zoom_requested.connect(zooms.append)
    QTest.keyClick(panel.view, Qt.Key_Return)
    assert zooms and sorted(zooms[0]) == selected_row_fids(panel)
    menu = panel.view.build_menu()
    labels = [a.text() for a in menu.actions() if a.text()]
    assert "Copy order ids" in labels and "Open in Tasking Dashboard" in labels


def test_thousands_of_rows_update_in_place(panel, qgis_new_project):
    import time

    n = 20000
    targets = [
        Target(key=str(i), feature_id=i, name=f"site {i}", status=TargetStatus.SUBMITTED)
        for i in range(n)
    ]
    job = BulkJob(targets=targets)
    t0 = time.perf_counter()
    panel.set_job(job)
    assert panel.proxy.rowCount() == n
    resets = []
    panel.model.modelReset.connect(lambda: resets.append(1))
    # results arrive per bulk (1000 contiguous targets), like the worker sends them
    for start in range(0, n, 1000):
        keys = [str(i) for i in range(start, start + 1000)]
        for k in keys:
            if k == "3":
                job.record_result(k, TargetStatus.FAILED, reason="nope")
            else:
                job.record_result(k, TargetStatus.SUCCEEDED, order_id="o" + k)
        panel.refresh_keys(keys)
    elapsed = time.perf_counter() - t0
    assert not resets
    assert panel.visible_targets()[0].key == "3"  # failed first, still sorted
    # a big job's counts follow at most 4 times a second (each counts every row)
    assert process_until(lambda: panel.progress.counts["succeeded"] == n - 1, 5)
    assert elapsed < 10, elapsed
    panel.set_filter(ResultsProxy.FILTER_FAILED)
    assert panel.proxy.rowCount() == 1


def test_open_in_dashboard_and_status_colours(contributors, panel, monkeypatch):
    from planet_bulk_tasking.ui import results_view

    opened = []

    class FakeDesktop:
        @staticmethod
        def openUrl(url):  # noqa: N802
            opened.append(url.toString())
            return True

    monkeypatch.setattr(results_view, "QDesktopServices", FakeDesktop)
    panel.set_job(make_job(contributors, "Name"), contributors)
    panel.set_filter(ResultsProxy.FILTER_SUCCEEDED)
    select_proxy_rows(panel, [0])
    order = panel.view.selected_order_ids()[0]
    assert panel.view.open_in_dashboard() == [f"https://www.planet.com/tasking/orders/{order}"]
    assert opened == [f"https://www.planet.com/tasking/orders/{order}"]

    layer = add_result_layer(panel)
    colours = {c.value(): c.symbol().color().name() for c in layer.renderer().categories()}
    assert colours["succeeded"] == "#2e9e44"
    assert colours["failed"] == "#d7301f"
    assert colours["skipped"] == "#8c8c8c"
    assert colours["submitted"] == "#e6a117"
    assert "ready" not in colours  # the legend lists only the statuses that occur
