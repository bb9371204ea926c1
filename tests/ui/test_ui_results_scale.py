"""The Results table's own row order (ResultsProxy): what it shows must be exactly what a
plain sort and filter of the job would show, through results arriving in batches, sorted
or not, with filters on, and the selection must follow its rows through a sort."""

import random

import pytest
from planet_bulk_tasking.core.model.job import Attempt, BulkJob, Target, TargetStatus
from planet_bulk_tasking.ui.results_model import ResultsModel
from planet_bulk_tasking.ui.results_panel import ResultsPanel
from planet_bulk_tasking.ui.results_proxy import ResultsProxy
from qgis.core import QgsFeature, QgsGeometry, QgsPointXY, QgsProject, QgsVectorLayer
from qgis.PyQt.QtCore import QItemSelection, QItemSelectionModel, Qt
from support import process_until

N = 600
STATUSES = [
    TargetStatus.SUCCEEDED,
    TargetStatus.FAILED,
    TargetStatus.SKIPPED,
    TargetStatus.SUBMITTED,
]


def make_job(n=N):
    targets = [
        Target(
            key=str(i),
            feature_id=i // 2,
            part=i % 2 + 1,
            name=f"site {(i * 37) % 101}",
            status=TargetStatus.READY,
        )
        for i in range(n)
    ]
    return BulkJob(targets=targets, state="running")


def shown_keys(panel):
    proxy = panel.proxy
    return [proxy.data(proxy.index(r, 0), ResultsModel.KeyRole) for r in range(proxy.rowCount())]


def expected_keys(job, proxy, column, descending=False):
    """What a plain filter + stable sort of the targets gives."""
    model = proxy.sourceModel()
    rows = [r for r in range(len(job.targets)) if proxy.filterAcceptsRow(r)]
    if column >= 0:
        # what the model says it sorts on (row r is job.targets[r])
        sort_role = ResultsModel.SortRole
        rows.sort(key=lambda r: model.data(model.index(r, column), sort_role), reverse=descending)
    assert model.rowCount() == len(job.targets)
    return [job.targets[r].key for r in rows]


def apply_batch(panel, job, rng, size=40):
    keys = rng.sample([t.key for t in job.targets], size)
    for k in keys:
        t = job.target(k)
        t.status = rng.choice(STATUSES)
        t.order_id = f"order-{k}" if t.status == TargetStatus.SUCCEEDED else None
        t.reason = "no capacity" if t.status == TargetStatus.FAILED else ""
        t.name = f"renamed {rng.randint(0, 50)}" if rng.random() < 0.2 else t.name
        if rng.random() < 0.05:
            t.attempts.append(
                Attempt("bulk", "edit refused", t.order_id, "locked", "2026-01-01T00:00:00Z")
            )
    panel.refresh_keys(keys)


@pytest.mark.parametrize("running", [True, False])
@pytest.mark.parametrize(
    "filter_name",
    [ResultsProxy.FILTER_ALL, ResultsProxy.FILTER_FAILED, ResultsProxy.FILTER_REFUSED],
)
def test_rows_match_a_plain_sort_and_filter_through_batches(qgis_new_project, running, filter_name):
    job = make_job()
    panel = ResultsPanel(None)
    panel.set_job(job)
    panel.set_running(running)
    panel.set_filter(filter_name)
    rng = random.Random(17)
    column, descending = (-1, False) if running else (ResultsModel.COL_NAME, True)
    if not running:
        panel.view.sortByColumn(column, Qt.SortOrder.DescendingOrder)
    for batch in range(25):
        apply_batch(panel, job, rng)
        assert shown_keys(panel) == expected_keys(job, panel.proxy, column, descending), batch
        if batch == 12:
            panel.set_text_filter("site 1")
    panel.set_text_filter("")
    panel.set_filter(ResultsProxy.FILTER_ALL)
    assert shown_keys(panel) == expected_keys(job, panel.proxy, column, descending)
    # mapFromSource / mapToSource agree with what is shown
    proxy = panel.proxy
    for row in range(0, proxy.rowCount(), 7):
        source = proxy.mapToSource(proxy.index(row, 0))
        assert proxy.mapFromSource(source).row() == row
    panel.close()


def test_end_of_run_sort_matches_a_plain_sort(qgis_new_project):
    job = make_job()
    panel = ResultsPanel(None)
    panel.set_job(job)
    panel.set_running(True)
    rng = random.Random(3)
    for _ in range(10):
        apply_batch(panel, job, rng)
    assert shown_keys(panel) == [t.key for t in job.targets]  # arrival order while running
    job.state = "done"
    panel.set_running(False)
    assert shown_keys(panel) == expected_keys(job, panel.proxy, ResultsModel.COL_STATUS)
    panel.close()


@pytest.fixture
def layer_of_300(qgis_new_project):
    layer = QgsVectorLayer("Point?crs=EPSG:4326", "sites", "memory")
    feats = []
    for i in range(300):
        f = QgsFeature()
        f.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(i * 0.01, 45)))
        feats.append(f)
    layer.dataProvider().addFeatures(feats)
    QgsProject.instance().addMapLayer(layer)
    return layer


def test_selection_follows_its_rows_through_sorts_and_both_ways_to_the_map(layer_of_300):
    layer = layer_of_300
    fids = sorted(layer.allFeatureIds())
    job = BulkJob(
        targets=[
            Target(
                key=str(fid),
                feature_id=fid,
                name=f"site {(fid * 37) % 101}",
                status=STATUSES[fid % 4],
            )
            for fid in fids
        ],
        state="done",
    )
    panel = ResultsPanel(None)
    panel.set_job(job)
    panel.set_source_layer(layer)
    chosen = fids[::3]
    layer.selectByIds(chosen, QgsVectorLayer.SelectBehavior.SetSelection)
    assert sorted(panel.view.selected_feature_ids()) == chosen  # map -> table
    panel.view.sortByColumn(ResultsModel.COL_NAME, Qt.SortOrder.AscendingOrder)
    assert sorted(panel.view.selected_feature_ids()) == chosen  # kept through the sort
    assert sorted(layer.selectedFeatureIds()) == chosen  # and the map was not touched
    # a filter hides rows from the table, never from the map
    panel.set_filter(ResultsProxy.FILTER_FAILED)
    shown = {int(job.target(k).feature_id) for k in shown_keys(panel)}
    assert sorted(panel.view.selected_feature_ids()) == sorted(shown & set(chosen))
    assert sorted(layer.selectedFeatureIds()) == chosen
    panel.set_filter(ResultsProxy.FILTER_ALL)
    assert sorted(panel.view.selected_feature_ids()) == chosen  # back with the map's selection
    # table -> map: rows picked in the table select their features
    proxy = panel.proxy
    selection = QItemSelection()
    for row in range(0, 40, 2):
        selection.select(proxy.index(row, 0), proxy.index(row, proxy.columnCount() - 1))
    panel.view.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
    picked = sorted(
        int(proxy.data(proxy.index(r, 0), ResultsModel.FeatureIdRole)) for r in range(0, 40, 2)
    )
    assert sorted(layer.selectedFeatureIds()) == picked
    panel.sync.detach()
    panel.close()


def test_result_layer_built_in_one_pass_and_updated_with_only_what_changed(
    qgis_new_project, tmp_path
):
    from planet_bulk_tasking.core.model.job import LayerRef
    from planet_bulk_tasking.core.outputs.result_writer import ResultLayers

    source = QgsVectorLayer("MultiPoint?crs=EPSG:4326", "multi", "memory")
    feats = []
    for i in range(50):
        f = QgsFeature()
        f.setGeometry(QgsGeometry.fromWkt(f"MultiPoint(({i} 1), ({i} 2))"))
        feats.append(f)
    source.dataProvider().addFeatures(feats)
    QgsProject.instance().addMapLayer(source)
    targets = [
        Target(
            key=f"{fid}.{part}",
            feature_id=fid,
            part=part,
            name=f"site {fid}.{part}",
            status=TargetStatus.SUBMITTED,
        )
        for fid in sorted(source.allFeatureIds())
        for part in (1, 2)
    ]
    job = BulkJob(layer=LayerRef(layer_id=source.id(), name="multi"), targets=targets)
    writer = ResultLayers()
    added = []
    writer.added.connect(added.append)
    path = writer.add(job, source, folder=str(tmp_path))
    assert path.startswith(str(tmp_path))
    assert process_until(lambda: added)  # written on the writer's thread
    layer = added[0]
    assert layer.isValid() and layer.featureCount() == 100
    for f in layer.getFeatures():
        part = f["part"]
        expected = source.getFeature(f["feature_id"]).geometry().asGeometryCollection()[part - 1]
        assert f.geometry().asGeometryCollection()[0].asPoint() == expected.asPoint()
    written = []
    writer.written.connect(lambda layer_id, n: written.append(n))
    writer.update(layer, job.targets)
    assert not writer.busy()  # nothing changed: nothing to write
    changed = targets[::7]
    for t in changed:
        t.status, t.order_id, t.order_status = TargetStatus.SUCCEEDED, f"o-{t.key}", "FULFILLED"
    writer.update(layer, changed)
    assert process_until(lambda: written)
    assert written == [len(changed)]  # only what changed
    writer.update(layer, job.targets)
    assert not writer.busy()  # and the layer already says so
    by_key = {(f["feature_id"], f["part"]): f for f in layer.getFeatures()}
    for t in targets:
        f = by_key[(t.feature_id, t.part)]
        assert (f["status"], f["order_status"] or None) == (t.status, t.order_status)
    categories = [c.value() for c in layer.renderer().categories()]
    assert categories == [TargetStatus.SUBMITTED, "FULFILLED"]  # the legend followed
    QgsProject.instance().removeMapLayer(layer.id())
    writer.shutdown()


def test_a_big_job_freezes_the_collector_only_while_it_is_shown():
    import gc

    from planet_bulk_tasking.ui.results_model import BIG_JOB

    model = ResultsModel()
    before = gc.get_freeze_count()
    model.set_job(make_job(BIG_JOB))
    assert gc.get_freeze_count() > before  # out of the collector's full walks while shown
    model.set_job(make_job(10))
    assert gc.get_freeze_count() == 0  # handed back: cycles made meanwhile can be collected
    model.deleteLater()
