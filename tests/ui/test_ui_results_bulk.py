"""The Results table at a big job's scale (more rows than one slice of the main thread's
passes): the feature-id index and search texts made in slices after a fill, the map's
selection found right after a fill, selections carried through sorts and filters, results
batches re-placing rows in a sorted, filtered table exactly where a plain sort puts them."""

import random

import pytest
from planet_bulk_tasking.core.model.job import BulkJob, Target, TargetStatus
from planet_bulk_tasking.ui.results_model import BIG_JOB, ResultsModel
from planet_bulk_tasking.ui.results_proxy import MOVED_ONE_BY_ONE, ResultsProxy
from qgis.core import QgsProject, QgsVectorLayer
from qgis.PyQt.QtCore import QItemSelectionModel, Qt
from support import point_layer, process_until

N = BIG_JOB + 2_000
STATUSES = [TargetStatus.SUCCEEDED, TargetStatus.FAILED, TargetStatus.SKIPPED]


def job_of(fids, parts=1):
    targets = []
    for i, fid in enumerate(fids):
        for part in range(1, parts + 1):
            targets.append(
                Target(
                    key=f"{fid}.{part}" if parts > 1 else str(fid),
                    feature_id=fid,
                    part=part if parts > 1 else None,
                    name=f"site {(i * 7919) % 997}",
                    status=STATUSES[(i * 7) % 3],
                    order_id=f"order-{fid}" if i % 3 == 0 else None,
                )
            )
    return BulkJob(targets=targets, state="done")


@pytest.fixture
def big_layer(qgis_new_project):
    layer = point_layer(N)
    QgsProject.instance().addMapLayer(layer)
    yield layer
    QgsProject.instance().removeAllMapLayers()


def shown_keys(panel):
    proxy = panel.proxy
    return [proxy.data(proxy.index(r, 0), ResultsModel.KeyRole) for r in range(proxy.rowCount())]


def expected_keys(job, proxy):
    """A plain filter and stable sort of the targets, as the proxy's header says."""
    model = proxy.sourceModel()
    rows = [r for r in range(len(job.targets)) if proxy.filterAcceptsRow(r)]
    column = proxy.sortColumn()
    if column >= 0:
        rows.sort(
            key=lambda r: model.data(model.index(r, column), ResultsModel.SortRole),
            reverse=proxy.sortOrder() == Qt.SortOrder.DescendingOrder,
        )
    return [job.targets[r].key for r in rows]


def selected_fids(panel):
    return sorted(panel.view.selected_feature_ids())


@pytest.mark.parametrize("wait", [True, False], ids=["after-the-slices", "at-once"])
def test_the_first_map_selection_after_a_fill_finds_its_rows(big_layer, panel, wait):
    fids = sorted(big_layer.allFeatureIds())
    panel.set_job(job_of(fids), big_layer)
    if wait:  # the index is made a slice per turn after the fill
        assert panel.model.preparing()
        assert process_until(lambda: not panel.model.preparing(), 30)
    chosen = fids[::7]
    big_layer.selectByIds(chosen, QgsVectorLayer.SelectBehavior.SetSelection)
    assert selected_fids(panel) == chosen
    assert len(panel.view.selected_rows()) == len(chosen)


def test_every_part_of_a_selected_feature_is_selected(qgis_new_project, panel):
    layer = point_layer(300)
    QgsProject.instance().addMapLayer(layer)
    fids = sorted(layer.allFeatureIds())
    job = job_of(fids, parts=3)
    panel.set_job(job, layer)
    chosen = fids[5:40:4]
    layer.selectByIds(chosen, QgsVectorLayer.SelectBehavior.SetSelection)
    rows = panel.view.selected_rows()
    keys = sorted(panel.proxy.data(panel.proxy.index(r, 0), ResultsModel.KeyRole) for r in rows)
    assert keys == sorted(f"{fid}.{part}" for fid in chosen for part in (1, 2, 3))
    panel.sync.detach()


def test_a_big_selection_follows_its_rows_through_sorts_and_filters(big_layer, panel):
    fids = sorted(big_layer.allFeatureIds())
    job = job_of(fids)
    panel.set_job(job, big_layer)
    chosen = fids[3::9]
    big_layer.selectByIds(chosen, QgsVectorLayer.SelectBehavior.SetSelection)
    view = panel.view
    for column, order in (
        (ResultsModel.COL_NAME, Qt.SortOrder.AscendingOrder),
        (ResultsModel.COL_NAME, Qt.SortOrder.DescendingOrder),
        (ResultsModel.COL_FEATURE, Qt.SortOrder.DescendingOrder),
        (ResultsModel.COL_NAME, Qt.SortOrder.AscendingOrder),  # its order made before
    ):
        view.sortByColumn(column, order)
        assert shown_keys(panel) == expected_keys(job, panel.proxy)
        assert selected_fids(panel) == chosen  # the same rows, wherever they went
        assert sorted(big_layer.selectedFeatureIds()) == chosen  # the map untouched
    panel.set_filter(ResultsProxy.FILTER_FAILED)
    failed = {t.feature_id for t in job.targets if t.status == TargetStatus.FAILED}
    assert selected_fids(panel) == sorted(failed & set(chosen))
    assert sorted(big_layer.selectedFeatureIds()) == chosen
    view.sortByColumn(ResultsModel.COL_STATUS, Qt.SortOrder.AscendingOrder)
    assert selected_fids(panel) == sorted(failed & set(chosen))
    panel.set_filter(ResultsProxy.FILTER_ALL)
    assert selected_fids(panel) == chosen
    # rows picked in the table: their features on the map, and kept through a sort
    proxy = panel.proxy
    rows = list(range(0, proxy.rowCount(), 11))
    view.selectionModel().select(
        proxy.selection_of(rows), QItemSelectionModel.SelectionFlag.ClearAndSelect
    )
    picked = sorted(int(proxy.data(proxy.index(r, 0), ResultsModel.FeatureIdRole)) for r in rows)
    assert sorted(big_layer.selectedFeatureIds()) == picked
    view.sortByColumn(ResultsModel.COL_NAME, Qt.SortOrder.DescendingOrder)
    assert selected_fids(panel) == picked
    assert sorted(big_layer.selectedFeatureIds()) == picked
    panel.sync.detach()


@pytest.mark.parametrize("descending", [False, True], ids=["ascending", "descending"])
@pytest.mark.parametrize("batch", [300, MOVED_ONE_BY_ONE + 500], ids=["few", "many"])
def test_results_batches_in_a_sorted_filtered_big_table(qgis_app, panel, descending, batch):
    job = job_of(range(N))
    panel.set_job(job)
    order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
    rng = random.Random(batch)
    for filter_name, column in (
        (ResultsProxy.FILTER_ALL, ResultsModel.COL_STATUS),
        (ResultsProxy.FILTER_FAILED, ResultsModel.COL_NAME),
        (ResultsProxy.FILTER_ALL, ResultsModel.COL_NAME),
    ):
        panel.set_filter(filter_name)
        panel.view.sortByColumn(column, order)
        for _ in range(3):
            keys = rng.sample([t.key for t in job.targets], batch)
            for k in keys:
                t = job.target(k)
                t.status = rng.choice(STATUSES)
                t.name = f"site {rng.randint(0, 50)}" if rng.random() < 0.3 else t.name
            panel.refresh_keys(keys)
            assert shown_keys(panel) == expected_keys(job, panel.proxy)


def test_the_text_filter_reads_results_that_came_while_the_job_ran(qgis_app, panel):
    job = job_of(range(N))
    for t in job.targets:
        t.order_id, t.status = None, TargetStatus.SUBMITTED
    job.state = "running"
    panel.set_job(job, running=True)
    panel.set_running(True)
    assert process_until(lambda: not panel.model.preparing(), 30)
    keys = [str(i) for i in range(0, N, 3)]
    for k in keys:
        job.target(k).order_id, job.target(k).status = f"ord-{k}-x", TargetStatus.SUCCEEDED
    panel.refresh_keys(keys)
    panel.set_text_filter("-x")  # while it runs: the texts of the changed rows made now
    assert sorted(shown_keys(panel), key=int) == keys
    panel.set_text_filter("")
    job.target("1").reason = "No capacity at all"
    panel.refresh_keys(["1"])
    job.state = "done"
    panel.set_running(False)  # the rest of the stale texts made a slice per turn
    assert process_until(lambda: not panel.model.preparing(), 30)
    panel.set_text_filter("capacity at")
    assert shown_keys(panel) == ["1"]
    panel.set_text_filter("")
    assert shown_keys(panel) == expected_keys(job, panel.proxy)
