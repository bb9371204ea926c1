"""Issue 12, the dock's real-use defects, on hand-made jobs and real layers (no network
unless a test says so)."""

import pytest
from planet_bulk_tasking.core.job import TargetStatus
from planet_bulk_tasking.ui.results_panel import ResultsPanel
from planet_bulk_tasking.ui.results_proxy import ResultsProxy
from qgis.core import QgsProject
from qgis.PyQt.QtCore import QCoreApplication
from test_ui_results import make_job, select_proxy_rows


@pytest.fixture
def panel(qgis_iface):
    p = ResultsPanel(qgis_iface)
    yield p
    p.shutdown()
    p.deleteLater()


def process():
    QCoreApplication.processEvents()


# -- 1: a filter only filters the table ---------------------------------------------------------
def test_filter_buttons_leave_the_map_selection_alone(contributors, panel):
    job = make_job(contributors, "Name")
    panel.set_job(job, contributors)
    contributors.selectAll()
    process()
    everything = sorted(contributors.selectedFeatureIds())
    assert len(everything) == 63
    for name in (
        ResultsProxy.FILTER_SUCCEEDED,
        ResultsProxy.FILTER_FAILED,
        ResultsProxy.FILTER_SKIPPED,
        ResultsProxy.FILTER_ALL,
    ):
        panel.filter_buttons[name].click()
        process()
        assert sorted(contributors.selectedFeatureIds()) == everything, name
        shown = {t.feature_id for t in panel.visible_targets()}
        assert set(panel.view.selected_feature_ids()) == shown  # visible rows stay selected
    panel.set_text_filter("order-1")
    panel.set_text_filter("")
    assert sorted(contributors.selectedFeatureIds()) == everything
    # a click on a row is the analyst's choice: it still selects that feature only
    panel.set_filter(ResultsProxy.FILTER_FAILED)
    select_proxy_rows(panel, [0])
    assert contributors.selectedFeatureIds() == [panel.visible_targets()[0].feature_id]


def test_rows_leaving_a_filter_while_a_job_runs_keep_their_features(contributors, panel):
    job = make_job(contributors, "Name")
    panel.set_job(job, contributors)
    panel.proxy.set_status_filter(ResultsProxy.FILTER_PENDING)
    pending = [t for t in job.targets if t.status == TargetStatus.SUBMITTED]
    contributors.selectByIds([t.feature_id for t in pending])
    process()
    # results arrive: the rows leave the "pending" filter; the map selection stays
    job.record_result(pending[0].key, TargetStatus.SUCCEEDED, order_id="o")
    panel.refresh_keys([pending[0].key])
    process()
    assert sorted(contributors.selectedFeatureIds()) == sorted(t.feature_id for t in pending)
    assert QgsProject.instance().mapLayer(contributors.id()) is contributors
