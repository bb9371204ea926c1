"""The dock on the JobManager: jobs that outlive QGIS (restart through the plugin), the Jobs
list, order monitoring in the table and the result layer, fix and resubmit, bulk edit and
bulk cancel with refusals, a job whose layer went away and came back. Real sandbox over
HTTP, real threads (all joined at teardown)."""

import re

import pytest
from planet_bulk_tasking.core.engine.monitor import FINAL_ORDER_STATES
from planet_bulk_tasking.core.model.job import TargetStatus
from planet_bulk_tasking.core.outputs.result_layer import STYLE_EXPRESSION
from planet_bulk_tasking.ui import settings_panel
from planet_bulk_tasking.ui.dock import PROJECT_JOBS_KEY, PROJECT_SCOPE
from planet_bulk_tasking.ui.jobs_panel import JobsModel
from planet_bulk_tasking.ui.order_dialogs import OrderChangesDialog
from planet_bulk_tasking.ui.results_model import ResultsModel
from planet_bulk_tasking.ui.results_proxy import ResultsProxy
from qgis.core import (
    QgsFeature,
    QgsGeometry,
    QgsPointXY,
    QgsProject,
    QgsSettings,
    QgsVectorFileWriter,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QCoreApplication, QEvent
from support import BadFieldClient, add_result_layer, point_layer, server_orders, wait_until


@pytest.fixture(autouse=True)
def clean_settings(monkeypatch):
    monkeypatch.setenv("PL_API_KEY", "sandbox-key")
    QgsSettings().remove("planet_bulk_tasking")
    yield
    QgsSettings().remove("planet_bulk_tasking")


@pytest.fixture
def make_dock(make_plugin_dock):
    """A dock on its own PluginServices (fast polling), sending to ``base_url``; both shut
    down at teardown (conftest's make_plugin_dock)."""

    def _make(base_url, **services_kw):
        services_kw.setdefault("worker_options", {"min_poll_interval": 0.05})
        services_kw.setdefault("monitor_options", {"min_interval": 0.1, "max_interval": 0.4})
        dock = make_plugin_dock(**services_kw)
        dock.ask_choice = lambda title, text, choices: "send"  # the question before spending
        dock.settings.set_mode(settings_panel.MODE_CUSTOM, base_url)
        return dock

    return _make


def submit_and_wait(dock, layer, timeout=60):
    ended = []
    dock.job_ended.connect(lambda job_id, how: ended.append((job_id, how)))
    dock.compose.set_layer(layer)
    layer.selectAll()
    assert dock.submit(), dock.submit_problems()
    job = dock.results.job()
    assert wait_until(lambda: any(j == job.job_id for j, _ in ended), timeout), "no end"
    return job


def key_row(dock, key):
    return dock.results.model.row_of_key(key)


def cell(dock, key, col):
    model = dock.results.model
    return model.data(model.index(key_row(dock, key), col))


def jobs_row(dock, job_id):
    dock.refresh_jobs()
    model = dock.jobs.model
    row = model.row_of(job_id)
    assert row is not None
    return [model.data(model.index(row, c)) for c in range(model.COLUMN_COUNT)]


# -- restart ---------------------------------------------------------------------------------
def _flush_deletes():
    QCoreApplication.sendPostedEvents(None, QEvent.DeferredDelete)
    QCoreApplication.processEvents()


def test_job_outlives_the_plugin_and_resumes_in_a_new_instance(
    loaded_plugin, qgis_iface, plugin_data_dir, make_sandbox, qgis_new_project
):
    import planet_bulk_tasking

    srv = make_sandbox(processing_rate=40.0)  # slow enough to unload mid-run
    layer = point_layer(60, "restart")
    QgsProject.instance().addMapLayer(layer)
    loaded_plugin.action.trigger()
    dock = loaded_plugin.dock
    dock.ask_choice = lambda title, text, choices: "send"  # the question before spending
    dock.settings.set_mode(settings_panel.MODE_CUSTOM, srv.base_url)
    dock.compose.set_layer(layer)
    dock.compose.selected_only.setChecked(False)
    assert dock.submit(), dock.submit_problems()
    job_id = dock.results.job().job_id
    assert QgsProject.instance().readListEntry(PROJECT_SCOPE, PROJECT_JOBS_KEY)[0] == [job_id]
    manager = loaded_plugin.services.manager
    assert wait_until(lambda: manager.job(job_id).chunks[0].state != "new", 20)
    assert jobs_row(dock, job_id)[JobsModel.COL_STATE] == "running"

    loaded_plugin.unload()  # QGIS closes mid-run: every thread joined, dock deleted
    _flush_deletes()
    from planet_bulk_tasking.core.model.store import JobStore

    store = JobStore(str(plugin_data_dir / "jobs.sqlite"))
    assert store.load_job(job_id).state == "interrupted"
    assert store.load_job(job_id).counts()["succeeded"] < 60
    store.close()

    plugin = planet_bulk_tasking.classFactory(qgis_iface)
    plugin.initGui()  # resumes unfinished jobs, dock or not
    try:
        assert wait_until(
            lambda: (
                plugin.services.manager.jobs.get(job_id) is not None
                and plugin.services.manager.job(job_id).state == "done"
            ),
            60,
        )
        plugin.action.trigger()
        dock = plugin.dock
        dock.refresh_jobs()
        row = jobs_row(dock, job_id)
        assert row[JobsModel.COL_STATE] == "done"
        assert row[JobsModel.COL_ORDERS] == "60"
        assert row[JobsModel.COL_LAYER] == "restart"
        assert re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d", row[JobsModel.COL_WHEN])
        assert dock.jobs.model.headerData(0, 1) == "When (UTC)"
        dock.jobs.select_job(job_id)  # selecting loads it into the results table
        assert dock.results.job().job_id == job_id
        assert dock.results.model.rowCount() == 60
        assert dock.results.source_layer() is layer  # the layer is still in the project
        orders = server_orders(srv.base_url)
        names = [o["name"] for o in orders]
        assert len(orders) == 60 and len(set(names)) == 60  # one order per feature
    finally:
        plugin.unload()
        _flush_deletes()


# -- jobs list ---------------------------------------------------------------------------------
def test_jobs_list_live_resume_and_forget(make_dock, make_sandbox):
    srv = make_sandbox()
    dock = make_dock(srv.base_url)
    layer = point_layer(5, "listed")
    QgsProject.instance().addMapLayer(layer)
    job = submit_and_wait(dock, layer)
    assert wait_until(lambda: jobs_row(dock, job.job_id)[JobsModel.COL_STATE] == "done", 5)
    row = jobs_row(dock, job.job_id)
    assert row[JobsModel.COL_ENDPOINT] == srv.base_url.split("/")[2]
    assert row[JobsModel.COL_ORDERS : JobsModel.COL_SKIPPED + 1] == ["5", "0", "0"]
    model = dock.jobs.model
    index = model.index(model.row_of(job.job_id), 0)
    assert model.data(index, 0x0006) is not None  # bold: sent from this project (FontRole)
    assert not dock.jobs.resume_button.isEnabled()  # done: nothing to resume

    asked = []
    dock.ask = lambda title, text: asked.append(text) or False
    assert not dock.forget_job(job.job_id)
    assert "orders stay at Planet" in asked[0] and "5 order(s)" in asked[0]
    dock.ask = lambda title, text: True
    assert dock.forget_job(job.job_id)
    assert dock.jobs.model.row_of(job.job_id) is None
    assert dock.results.job() is None


# -- monitoring ------------------------------------------------------------------------------
def test_order_states_in_table_layer_and_one_notice(make_dock, make_sandbox):
    srv = make_sandbox(order_clock=500000.0)
    dock = make_dock(srv.base_url)
    layer = point_layer(6, "watched")
    QgsProject.instance().addMapLayer(layer)
    job = submit_and_wait(dock, layer)
    result_layer = add_result_layer(dock.results)
    assert result_layer.renderer().classAttribute() == STYLE_EXPRESSION
    pushed = []
    dock.notices.push = lambda title, text, *a, **k: pushed.append((title, text))
    assert wait_until(
        lambda: all((t.order_status or "") in FINAL_ORDER_STATES for t in job.targets), 30
    )
    assert wait_until(lambda: any(t == "Orders updated" for t, _ in pushed), 5)
    notices = [text for title, text in pushed if title == "Orders updated"]
    assert len(notices) == 1, notices  # debounced: one notice for the batch
    assert re.match(r"^\d+ orders? (fulfilled|expired|rejected)", notices[0]), notices
    for t in job.targets:
        shown = cell(dock, t.key, ResultsModel.COL_ORDER_STATUS)
        assert shown and shown.upper().replace(" ", "_") == t.order_status
        assert cell(dock, t.key, ResultsModel.COL_UPDATED)[:4].isdigit()
    fulfilled = [t for t in job.targets if t.order_status == "FULFILLED"]
    for t in fulfilled:
        assert cell(dock, t.key, ResultsModel.COL_CAPTURES) not in ("", "0")
    assert wait_until(
        lambda: (
            {f["order_status"] for f in result_layer.getFeatures()}
            == {t.order_status for t in job.targets}
        ),
        5,
    )
    assert "Updated (UTC)" in [
        dock.results.model.headerData(c, 1) for c in range(ResultsModel.COLUMN_COUNT)
    ]


# -- fix and resubmit ----------------------------------------------------------------------
def test_fix_and_resubmit_by_values_and_by_rebuilding(make_dock, make_sandbox):
    srv = make_sandbox()
    dock = make_dock(srv.base_url, client_class=BadFieldClient)
    layer = QgsVectorLayer("Point?crs=EPSG:4326&field=name:string", "fixme", "memory")
    feats = []
    for i in range(6):
        f = QgsFeature(layer.fields())
        f.setAttributes([f"BAD {i}" if i in (1, 2) else f"site {i}"])
        if i != 4:  # feature 5 has no geometry: skipped
            f.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(-120 + i * 0.01, 35)))
        feats.append(f)
    layer.dataProvider().addFeatures(feats)
    QgsProject.instance().addMapLayer(layer)
    job = submit_and_wait(dock, layer)
    failed = [t for t in job.targets if t.status == TargetStatus.FAILED]
    skipped = [t for t in job.targets if t.status == TargetStatus.SKIPPED]
    assert len(failed) == 2 and len(skipped) == 1

    # the dialog only collects values (no exec_ in tests)
    dialog = OrderChangesDialog("fix", failed[:1], dock)
    assert dialog.name_check.isEnabled()
    dialog.name_check.setChecked(True)
    dialog.name_edit.setText("site 1 fixed")
    dialog.extra_edit.setPlainText('{"exclusivity_days": 0}')
    assert dialog.problems() == []
    values = dialog.values()
    assert values == {"name": "site 1 fixed", "extra_fields": {"exclusivity_days": 0}}
    dialog.deleteLater()

    ended = []
    dock.job_ended.connect(lambda job_id, how: ended.append(how))
    chunks = dock.fix_and_resubmit([failed[0].key], values)
    assert chunks and wait_until(lambda: ended, 30)
    first = job.target(failed[0].key)
    assert first.status == TargetStatus.SUCCEEDED and first.name == "site 1 fixed"
    outcomes = [a for a in first.attempts if a.status != TargetStatus.SUBMITTED]
    assert [a.status for a in outcomes] == ["failed", "succeeded"]
    tip = dock.results.model.data(
        dock.results.model.index(key_row(dock, first.key), ResultsModel.COL_STATUS), 3
    )
    assert all(a.bulk_id[:8] in tip for a in outcomes) and "UTC" in tip
    assert "bulk" in dock.show_history([first.key])

    # the skipped feature has no payload: values alone cannot fix it
    assert dock.fix_and_resubmit([skipped[0].key], {"name": "x"}) is None
    # the user fixes the features themselves, then rebuilds them from the layer
    second = failed[1]
    layer.dataProvider().changeAttributeValues({second.feature_id: {0: "site 2 renamed"}})
    layer.dataProvider().changeGeometryValues(
        {skipped[0].feature_id: QgsGeometry.fromPointXY(QgsPointXY(-119.9, 35.1))}
    )
    ended.clear()
    dock.fix_and_resubmit([second.key, skipped[0].key], {"rebuild": True})
    assert wait_until(lambda: ended, 30)
    assert job.target(second.key).status == TargetStatus.SUCCEEDED
    assert job.target(second.key).name == "site 2 renamed"
    assert job.target(skipped[0].key).status == TargetStatus.SUCCEEDED
    assert job.counts()["succeeded"] == 6
    assert len(server_orders(srv.base_url)) == 6  # nothing was ordered twice
    # rows stay linked to their features
    assert dock.results.model.rows_of_feature_ids([skipped[0].feature_id]) == [
        key_row(dock, skipped[0].key)
    ]


# -- bulk edit and cancel ------------------------------------------------------------------------
def test_bulk_edit_and_cancel_with_confirmation_and_refusals(make_dock, make_sandbox):
    srv = make_sandbox(order_clock=1.0)  # orders stay cancellable during the test
    dock = make_dock(srv.base_url)
    layer = point_layer(5, "edited")
    QgsProject.instance().addMapLayer(layer)
    soon = dock.compose.start_edit.dateTime().addSecs(-5 * 3600)  # starts in ~20 h (chosen)
    dock.compose.start_edit.setDateTime(soon)
    job = submit_and_wait(dock, layer)
    keys = [t.key for t in job.targets]
    actions = []
    dock.manager.action_finished.connect(lambda j, kind, out: actions.append((kind, out)))
    asked = []
    dock.ask = lambda title, text: asked.append(text) or True

    # edit start and end of two orders
    dialog = OrderChangesDialog("edit", [job.target(k) for k in keys[:2]], dock)
    assert not dialog.name_check.isEnabled()  # one name for many orders: not offered
    assert dialog.problems() == ["Nothing to change yet."]
    dialog.start_check.setChecked(True)
    dialog.end_check.setChecked(True)
    dialog.end_edit.setDateTime(dialog.start_edit.dateTime().addSecs(-3600))
    assert "The end must be after the start." in dialog.problems()
    dialog.end_edit.setDateTime(dialog.start_edit.dateTime().addDays(10))
    changes = dialog.values()
    assert set(changes) == {"start_time", "end_time"} and changes["end_time"].endswith("Z")
    dialog.deleteLater()
    dock.edit_orders(keys[:2], changes)
    assert "Change 2 orders at Planet" in asked[-1]
    assert wait_until(lambda: len(actions) == 1, 20)
    assert all(o.ok for o in actions[0][1])
    by_id = {o["id"]: o for o in server_orders(srv.base_url)}
    for k in keys[:2]:
        assert by_id[job.target(k).order_id]["end_time"][:16] == changes["end_time"][:16]

    # declining the confirmation sends nothing
    dock.ask = lambda title, text: asked.append(text) or False
    assert dock.cancel_orders(keys[2:4]) is None
    assert "Cancel 2 orders" in asked[-1]
    assert "2 of them start within 24 hours: cancelling them may be charged." in asked[-1]
    dock.ask = lambda title, text: asked.append(text) or True
    dock.cancel_orders(keys[2:4])
    assert wait_until(lambda: len(actions) == 2, 20)
    assert {job.target(k).order_status for k in keys[2:4]} == {"CANCELLED"}
    assert cell(dock, keys[2], ResultsModel.COL_ORDER_STATUS) == "Cancelled"

    # cancelling again: Planet refuses the two cancelled ones, the third goes through
    dock.cancel_orders(keys[2:5])
    assert "2 of them are already finished" in asked[-1]
    assert wait_until(lambda: len(actions) == 3, 20)
    assert len(dock.last_refused) == 2 and all(reason for _l, reason in dock.last_refused)
    assert "2 refused" in dock.notices.last_text
    assert dock.notices.last_button is not None
    dock.notices.last_button.click()
    assert dock.results.proxy.status_filter() == ResultsProxy.FILTER_REFUSED
    assert dock.results.proxy.rowCount() == 2
    shown = {t.key for t in dock.results.visible_targets()}
    assert shown == set(keys[2:4])
    assert cell(dock, keys[2], ResultsModel.COL_ERROR).startswith("Cancel refused")


# -- layer gone and back ---------------------------------------------------------------------
def test_job_without_its_layer_still_shows_orders_and_links_return(
    make_dock, make_sandbox, tmp_path
):
    srv = make_sandbox()
    dock = make_dock(srv.base_url)
    memory = point_layer(8, "on_disk")
    path = str(tmp_path / "sites.gpkg")
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    error = QgsVectorFileWriter.writeAsVectorFormatV3(
        memory, path, QgsProject.instance().transformContext(), options
    )
    assert error[0] == QgsVectorFileWriter.NoError, error
    layer = QgsVectorLayer(path, "sites", "ogr")
    assert layer.isValid()
    QgsProject.instance().addMapLayer(layer)
    job = submit_and_wait(dock, layer)
    assert job.counts()["succeeded"] == 8

    QgsProject.instance().removeMapLayer(layer.id())
    QCoreApplication.processEvents()
    dock.show_job(job.job_id)  # e.g. picked in the Jobs list
    assert dock.results.model.rowCount() == 8
    assert dock.results.source_layer() is None
    assert dock.results.layer_note.isVisibleTo(dock.results)
    assert "not in the project" in dock.results.layer_note.text()
    assert not dock.results.zoom_to([1])  # says why instead of failing
    # a result layer still works without the source (geometry from the payloads)
    assert add_result_layer(dock.results).featureCount() == 8

    again = QgsVectorLayer(path, "sites (again)", "ogr")  # a new layer id, same source
    QgsProject.instance().addMapLayer(again)
    assert dock.results.source_layer() is again
    assert not dock.results.layer_note.isVisibleTo(dock.results)
    again.selectByIds([2, 3])
    QCoreApplication.processEvents()
    assert sorted(dock.results.view.selected_feature_ids()) == [2, 3]
