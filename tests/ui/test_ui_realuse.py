"""Issue 12, the dock's real-use defects, on hand-made jobs and real layers (no network
unless a test says so)."""

from collections import Counter

import pytest
from planet_bulk_tasking.core.model.job import TargetStatus
from planet_bulk_tasking.ui.results_proxy import ResultsProxy
from qgis.core import QgsProject
from qgis.PyQt.QtCore import QCoreApplication, Qt
from qgis.PyQt.QtTest import QTest
from support import add_result_layer, update_result_layer
from test_ui_results import make_job, process, select_proxy_rows


@pytest.fixture
def mercator_sites(qgis_new_project):
    from qgis.core import QgsFeature, QgsGeometry, QgsPointXY, QgsVectorLayer

    layer = QgsVectorLayer("Point?crs=EPSG:3857&field=label:string", "sites 3857", "memory")
    feats = []
    for i in range(6):
        f = QgsFeature(layer.fields())
        f.setAttributes([f"site {i}"])
        f.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(1_000_000 + i * 50_000, 6_000_000)))
        feats.append(f)
    layer.dataProvider().addFeatures(feats)
    QgsProject.instance().addMapLayer(layer)
    return layer


# -- 1: a filter only filters the table ---------------------------------------------------------
def test_filter_buttons_leave_the_map_selection_alone(contributors, contributors_count, panel):
    job = make_job(contributors, "Name")
    panel.set_job(job, contributors)
    contributors.selectAll()
    process()
    everything = sorted(contributors.selectedFeatureIds())
    assert len(everything) == contributors_count
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


# -- 2: ask before spending ----------------------------------------------------------------------
@pytest.fixture
def real_dock(make_plugin_dock, monkeypatch):
    monkeypatch.setenv("PL_API_KEY", "sandbox-key")
    return make_plugin_dock(worker_options={"min_poll_interval": 0.05})


def send_and_wait(dock, timeout=60):
    from support import wait_until

    ended = []
    dock.job_ended.connect(lambda job_id, how: ended.append(how))
    if not dock.submit():
        return None
    assert wait_until(lambda: ended, timeout), "the job did not end"
    return ended[0]


def test_nothing_is_sent_without_an_answer_and_live_orders_can_be_left_out(
    real_dock, contributors, sandbox
):
    from planet_bulk_tasking.ui import settings_panel
    from support import server_orders

    dock = real_dock
    dock.settings.set_mode(settings_panel.MODE_CUSTOM, sandbox.base_url)
    dock.compose.set_layer(contributors)
    dock.compose.pl_number_edit.setText("PL-123456")
    contributors.selectByIds(list(range(1, 11)))
    asked = []

    def refuse(title, text, choices):
        asked.append((title, text, choices))
        return ""

    dock.ask_choice = refuse
    QTest.mouseClick(dock.submit_button, Qt.MouseButton.LeftButton)  # the real button asks
    assert len(asked) == 1
    assert not dock.submit()
    title, text, choices = asked[-1]
    assert "Send 10 orders to" in text and sandbox.base_url in text
    assert "PL number PL-123456" in text and "UTC" in text and "Flexible" in text
    assert [k for k, _ in choices] == ["send", ""]
    assert dock.notices.last_text == "Nothing was sent."
    assert sandbox.counters.get("created_orders", 0) == 0 and not server_orders(sandbox.base_url)

    dock.ask_choice = lambda title, text, choices: asked.append(text) or "send"
    assert send_and_wait(dock) == "finished"
    assert len(server_orders(sandbox.base_url)) == 10

    # the same features again plus 5 more: 10 have live orders; leave them out
    contributors.selectByIds(list(range(1, 16)))
    dock.ask_choice = lambda title, text, choices: asked.append((text, choices)) or "leave_out"
    assert send_and_wait(dock) == "finished"
    text, choices = asked[-1]
    assert "Send 15 orders" in text
    assert "10 of these features already have live orders from earlier jobs" in text
    assert ("leave_out", "Leave out the 10 already ordered") in choices
    job = dock.results.job()
    assert job.counts()["succeeded"] == 5 and job.counts()["skipped"] == 10
    left = [t for t in job.targets if t.status == TargetStatus.SKIPPED]
    assert all("already has a live order from the job of" in t.reason for t in left)
    assert len(server_orders(sandbox.base_url)) == 15  # nothing ordered twice

    # practice mode: no question
    dock.settings.set_mode(settings_panel.MODE_PRACTICE)
    dock.ask_choice = lambda *a: pytest.fail("practice mode asked before sending")
    assert send_and_wait(dock) == "finished"


# -- 3: cancel tells the truth -------------------------------------------------------------------
def test_cancel_says_what_planet_accepted_and_can_cancel_those_orders(
    real_dock, make_sandbox, qgis_new_project
):
    from planet_bulk_tasking.core.model.job import ChunkState
    from planet_bulk_tasking.ui import settings_panel
    from support import point_layer, server_orders, wait_until

    slow = make_sandbox(processing_rate=1500.0)
    slow.set_faults(latency=0.6)  # POSTs take a while: the third bulk is not sent yet
    layer = point_layer(4500, "many")
    QgsProject.instance().addMapLayer(layer)
    dock = real_dock
    dock.ask_choice = lambda *a: "send"
    dock.settings.set_mode(settings_panel.MODE_CUSTOM, slow.base_url)
    dock.compose.set_layer(layer)
    dock.compose.selected_only.setChecked(False)
    ended = []
    dock.job_ended.connect(lambda job_id, how: ended.append(how))
    assert dock.submit()
    job = dock.results.job()
    assert wait_until(lambda: any(c.state == ChunkState.ACCEPTED for c in job.chunks), 30)
    dock.results.progress.cancel_button.click()
    assert wait_until(lambda: ended, 30) and ended == ["cancelled"]
    accepted = [c for c in job.chunks if c.state in (ChunkState.ACCEPTED, ChunkState.COMPLETE)]
    unsent = [c for c in job.chunks if c.state == ChunkState.NEW]
    assert accepted and unsent
    doubt = [c for c in job.chunks if c.state == ChunkState.POSTING]
    n_reach = sum(len(c.target_keys) for c in accepted + doubt)
    text = dock.notices.last_text
    assert dock.notices.last_title == "Sending cancelled"
    assert f"Planet had already accepted {len(accepted)} bulk request" in text
    assert "0 orders created" not in text and "not confirmed" not in text
    assert f"{sum(len(c.target_keys) for c in unsent):,} orders were not sent" in text
    assert dock.notices.last_button.text() == "Cancel these orders"
    state = dock.results.progress.state_label.text()
    assert "Sending cancelled" in state and "bulk requests accepted; waiting" not in state
    # the tiles agree with the words: never posted = "Not sent"; the rest is processing
    progress = dock.results.progress
    n_unsent = sum(len(c.target_keys) for c in unsent)
    assert f">{n_unsent}<" in progress.tile("unsent").text()
    assert (
        progress.counts["processing"]
        == 4500 - n_unsent - progress.counts["succeeded"] - (progress.counts["failed"])
    )

    # the follow-only run reports progress too: what was never posted stays "Not sent"
    # (and not "Processing"). A bulk that was on its way and that Planet says it never got
    # becomes not sent too, once the follow run asked: wait for its report, not a moment.
    def never_posted():
        return sum(len(c.target_keys) for c in job.chunks if c.state == ChunkState.NEW)

    def tiles_agree():
        n = never_posted()
        return (
            progress.counts["succeeded"] > 0
            and f">{n}<" in progress.tile("unsent").text()
            and progress.counts["processing"]
            == 4500 - n - progress.counts["succeeded"] - progress.counts["failed"]
        )

    assert wait_until(tiles_agree, 30), (never_posted(), progress.last_counts)
    # what was never posted stays so; a bulk on its way joins it only if Planet never got it
    assert n_unsent <= never_posted() <= n_unsent + sum(len(c.target_keys) for c in doubt)

    # "Cancel these orders": those created now and those Planet creates afterwards
    dock.ask = lambda title, question: True
    dock.notices.last_button.click()
    assert "Cancel the" in dock.last_confirmation

    def all_cancelled():
        orders = server_orders(slow.base_url)
        live = ("RECEIVED", "REQUESTED", "PENDING", "IN_PROGRESS", "FINALIZING")
        return len(orders) <= n_reach and not any(o["status"] in live for o in orders)

    assert wait_until(
        lambda: not dock.manager.is_running(job.job_id) and job.state == "cancelled", 60
    )
    assert wait_until(all_cancelled, 30), (
        n_reach,
        Counter(o["status"] for o in server_orders(slow.base_url)),
        Counter((t.status, t.order_status) for t in job.targets),
        [(a.status, a.reason) for t in job.targets for a in t.attempts][-3:],
    )
    assert dock.manager.cancel_pending(job.job_id) == 0
    assert sum(o["status"] == "CANCELLED" for o in server_orders(slow.base_url)) > 1000


# -- 4: connection problems and retries as they happen --------------------------------------------
def _closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_client_tells_each_retry_before_waiting():
    from planet_bulk_tasking.core.tasking.client import TaskingClient
    from planet_bulk_tasking.core.tasking.errors import NetworkError

    port = _closed_port()
    told = []
    client = TaskingClient(
        f"http://127.0.0.1:{port}/tasking/v2",
        "sandbox-key",
        max_retries=3,
        backoff_base=0.01,
        on_retry=lambda n, limit, words: told.append((n, limit, words)),
    )
    with pytest.raises(NetworkError):
        client.get_bulk("00000000-0000-0000-0000-000000000000")
    client.close()
    assert told == [(n, 3, f"cannot connect to 127.0.0.1:{port}") for n in (1, 2, 3)]


def test_dock_shows_connection_retries_while_they_happen(real_dock, contributors):
    import time

    from planet_bulk_tasking.ui import settings_panel
    from support import wait_until

    port = _closed_port()
    dock = real_dock
    dock.ask_choice = lambda *a: "send"
    dock.settings.set_mode(settings_panel.MODE_CUSTOM, f"http://127.0.0.1:{port}/tasking/v2")
    dock.compose.set_layer(contributors)
    contributors.selectByIds([1, 2, 3])
    ended = []
    dock.job_ended.connect(lambda job_id, how: ended.append(how))
    t0 = time.monotonic()
    assert dock.submit()
    state = dock.results.progress.state_label

    def retrying():
        return f"Cannot connect to 127.0.0.1:{port}, retrying 1/" in state.text()

    assert wait_until(retrying, 5), state.text()
    assert time.monotonic() - t0 < 5
    # a progress report that moves nothing does not hide it
    dock.manager.progress.emit(dock.results.job().job_id, dock.results.progress.last_counts)
    assert retrying()
    dock.cancel()
    assert wait_until(lambda: ended, 30)


# -- 5: the preview says when it no longer matches the form ---------------------------------------
def test_preview_marked_out_of_date_after_selection_layer_change_and_submission(
    real_dock, contributors
):
    from planet_bulk_tasking.ui import settings_panel
    from support import point_layer

    dock = real_dock
    other = point_layer(5, "other")
    QgsProject.instance().addMapLayer(other)
    dock.settings.set_mode(settings_panel.MODE_PRACTICE)
    dock.compose.set_layer(contributors)
    contributors.selectByIds([1, 2, 3])
    panel = dock.preview_panel
    assert dock.preview() is not None and not panel.is_stale()
    contributors.selectByIds([1, 2, 3, 4])  # a selection change
    assert panel.is_stale() and "preview again" in panel.summary_label.text()
    dock.preview()
    assert not panel.is_stale()
    dock.compose.set_layer(other)  # a layer change
    assert panel.is_stale()
    dock.compose.set_layer(contributors)
    dock.preview()
    assert send_and_wait(dock) == "finished"
    assert panel.is_stale() and "This was sent (job of" in panel.summary_label.text()


# -- 6: Compose remembers the form per layer, never targets the plugin's own layers ---------------
def test_compose_remembers_the_name_per_layer_and_skips_result_layers(
    real_dock, contributors, qgis_iface
):
    from planet_bulk_tasking.ui.compose_panel import ComposePanel
    from support import point_layer

    dock = real_dock
    other = point_layer(5, "other")
    QgsProject.instance().addMapLayer(other)
    compose = dock.compose
    compose.set_layer(contributors)
    compose.name_widget.setExpression("\"Name\" || ' – survey'")
    compose.start_expr_widget.setExpression("now()")
    qgis_iface.setActiveLayer(other)
    qgis_iface.currentLayerChanged.emit(other)
    assert compose.layer() is other and compose.name_widget.expression() == '"name"'
    compose.set_layer(contributors)
    compose.set_layer(other)
    _value, found = QgsProject.instance().readEntry(
        "planet_bulk_tasking", f"compose/{other.id()}/name", ""
    )
    assert not found  # an untouched form writes nothing into the project
    qgis_iface.setActiveLayer(contributors)
    qgis_iface.currentLayerChanged.emit(contributors)
    assert compose.layer() is contributors
    assert compose.name_widget.expression() == "\"Name\" || ' – survey'"
    assert compose.start_expr_widget.expression() == "now()"

    # the result layer: added, made active, never taken as the target
    job = make_job(contributors, "Name")
    dock.results.set_job(job, contributors)
    result = add_result_layer(dock.results)
    qgis_iface.setActiveLayer(result)
    qgis_iface.currentLayerChanged.emit(result)
    assert compose.layer() is contributors
    assert result in compose.layer_combo.exceptedLayerList()

    # "a restart": a new form, the result layer active, the project's entries
    fresh = ComposePanel(qgis_iface)
    try:
        assert fresh.layer() is not result
        fresh.set_layer(contributors)
        assert fresh.name_widget.expression() == "\"Name\" || ' – survey'"
    finally:
        fresh.shutdown()
        fresh.deleteLater()


# -- 7: "Created" is what it counts; outcomes at Planet have their own counts and filters ---------
def test_created_tile_and_order_outcomes_as_counts_and_filters(
    contributors, contributors_count, panel
):
    from planet_bulk_tasking.ui.results_model import ResultsModel

    job = make_job(contributors, "Name")
    created = [t for t in job.targets if t.status == TargetStatus.SUCCEEDED]
    for i, t in enumerate(created):
        t.order_status = "REJECTED" if i % 3 == 0 else "FULFILLED"
    panel.set_job(job, contributors)
    assert panel.progress.tile("succeeded").property("label") == "Created"
    assert panel.filter_buttons[ResultsProxy.FILTER_SUCCEEDED].text() == "Created"
    assert not panel.outcome_buttons["IN_PROGRESS"].isVisibleTo(panel)
    rejected = sum(1 for t in created if t.order_status == "REJECTED")
    assert panel.outcome_buttons["REJECTED"].text() == f"Rejected {rejected}"
    assert panel.outcome_bar.isVisibleTo(panel)
    panel.outcome_buttons["REJECTED"].click()
    assert {t.order_status for t in panel.visible_targets()} == {"REJECTED"}
    assert panel.proxy.rowCount() == rejected
    index = panel.proxy.index(0, ResultsModel.COL_STATUS)
    assert panel.proxy.data(index) == "Created"  # not "Succeeded" for a rejected order
    panel.filter_buttons[ResultsProxy.FILTER_ALL].click()
    assert panel.proxy.rowCount() == contributors_count


# -- 8: a wrong key says nothing was created, and where the key came from -------------------------
def test_wrong_key_says_nothing_was_created_and_where_the_key_came_from(
    real_dock, contributors, sandbox, monkeypatch
):
    from planet_bulk_tasking.core.model.job import TargetStatus as S
    from planet_bulk_tasking.ui import settings_panel
    from planet_bulk_tasking.ui.results_model import ResultsModel
    from qgis.core import Qgis

    monkeypatch.setenv("PL_API_KEY", "not-a-key")
    dock = real_dock
    dock.ask_choice = lambda *a: "send"
    dock.settings.set_mode(settings_panel.MODE_CUSTOM, sandbox.base_url)
    dock.compose.set_layer(contributors)
    contributors.selectByIds(list(range(1, 54)))
    assert send_and_wait(dock) == "failed"
    text = dock.notices.last_text
    assert dock.notices.last_level == Qgis.Critical
    assert "PL_API_KEY environment variable" in text and "401" in text
    assert "plugin settings" not in text
    assert "nothing was created" in text and "53 not sent" in text
    assert "not confirmed" not in text
    progress = dock.results.progress
    assert progress.counts["processing"] == 0
    assert progress.tile("unsent").isVisibleTo(progress) and "53" in progress.tile("unsent").text()
    job = dock.results.job()
    assert {t.status for t in job.targets} == {S.READY}
    index = dock.results.proxy.index(0, ResultsModel.COL_STATUS)
    assert dock.results.proxy.data(index) == "Not sent"


# -- 13: first open -------------------------------------------------------------------------------
def test_every_tab_fits_at_the_narrowest_dock_and_practice_reads_as_in_the_readme(real_dock):
    dock = real_dock
    dock.resize(dock.widget().minimumWidth(), 700)
    dock.show()
    QCoreApplication.processEvents()
    bar = dock.tabs.tabBar()
    assert not bar.usesScrollButtons()
    right = max(bar.tabRect(i).right() for i in range(bar.count()))
    assert right <= dock.tabs.width(), (right, dock.tabs.width())
    assert [dock.tabs.tabText(i) for i in range(4)] == ["Compose", "Results", "Jobs", "Settings"]
    assert dock.settings.practice_radio.text() == "Practice (local sandbox)"
    dock.hide()


# -- 11: one order notice per job, replaced, only for changes that matter -------------------------
def test_order_updates_make_one_notice_per_job_replaced_not_stacked(
    real_dock, contributors, qgis_iface
):
    from support import wait_until

    dock = real_dock
    dock.ORDER_NOTICE_INTERVAL = 0.3
    job = make_job(contributors, "Name")
    dock.manager.jobs[job.job_id] = job
    bar = qgis_iface.messageBar()
    bar.clearWidgets()
    created = [t for t in job.targets if t.status == TargetStatus.SUCCEEDED]
    pushed = []
    real_push = dock.notices.push
    dock.notices.push = lambda *a, **k: pushed.append((a, k)) or real_push(*a, **k)
    # what the manager's order follow-up reports, through its signal
    dock.manager.orders_changed.emit(job.job_id, [(t.key, None, "IN_PROGRESS") for t in created])
    QCoreApplication.processEvents()
    assert not pushed  # "in progress" is not worth a notice
    for i, t in enumerate(created):  # many small batches, as the monitor reports them
        status = "REJECTED" if i % 4 == 0 else "FULFILLED"
        dock.manager.orders_changed.emit(job.job_id, [(t.key, "IN_PROGRESS", status)])
        QCoreApplication.processEvents()
    rejected = sum(1 for i in range(len(created)) if i % 4 == 0)
    fulfilled = len(created) - rejected
    every_change = f"{fulfilled} orders fulfilled, {rejected} rejected — job of"
    assert wait_until(lambda: pushed and pushed[-1][0][1].startswith(every_change), 5), pushed
    assert not any("progress" in args[1] for args, _ in pushed)
    assert len(pushed) <= 3, pushed
    args, kwargs = pushed[-1]
    assert kwargs["key"] == f"orders:{job.job_id}"
    assert args[1].startswith(f"{fulfilled} orders fulfilled, {rejected} rejected — job of")
    ours = [w for w in bar.items() if "orders fulfilled" in w.text()]
    assert len(ours) == 1  # replaced, not stacked


# -- 9: tables readable: sized to content, middle elision, status colours on selected rows --------
def test_results_columns_fit_names_and_selected_rows_keep_status_colours(contributors, panel):
    from planet_bulk_tasking.ui.results_model import ResultsModel
    from qgis.PyQt.QtGui import QPalette
    from qgis.PyQt.QtWidgets import QStyle, QStyleOptionViewItem

    job = make_job(contributors)
    for t in job.targets:
        t.name = f"states_provinces {t.feature_id}"
    panel.set_job(job, contributors)
    view = panel.view
    metrics = view.fontMetrics()
    widest = max(metrics.horizontalAdvance(t.name) for t in job.targets)
    assert view.columnWidth(ResultsModel.COL_NAME) >= widest
    assert view.textElideMode() == Qt.TextElideMode.ElideMiddle  # the id at the end stays
    failed = next(
        r for r in range(panel.proxy.rowCount()) if panel.visible_targets()[r].status == "failed"
    )
    index = panel.proxy.index(failed, ResultsModel.COL_STATUS)
    option = QStyleOptionViewItem()
    option.initFrom(view)
    option.state |= QStyle.StateFlag.State_Selected
    view.itemDelegate().initStyleOption(option, index)
    # drawn as an unselected cell (the status colour stays) on a pale tint, not solid blue
    assert not option.state & QStyle.StateFlag.State_Selected
    assert option.backgroundBrush.color().lightness() > 180
    assert option.backgroundBrush.color() != view.palette().color(QPalette.ColorRole.Base)


def test_jobs_columns_give_room_to_layer_and_destination(real_dock, contributors):
    from planet_bulk_tasking.ui import settings_panel
    from planet_bulk_tasking.ui.jobs_panel import JobsModel

    dock = real_dock
    dock.settings.set_mode(settings_panel.MODE_PRACTICE)
    dock.compose.set_layer(contributors)
    contributors.selectByIds([1, 2])
    assert send_and_wait(dock) == "finished"
    dock.refresh_jobs()
    view = dock.jobs.view
    header = view.horizontalHeader()
    assert not header.stretchLastSection()  # Skipped no longer takes the rest
    metrics = view.fontMetrics()
    row = dock.jobs.model.index(0, JobsModel.COL_LAYER)
    for col in (JobsModel.COL_LAYER, JobsModel.COL_ENDPOINT):
        text = dock.jobs.model.data(row.sibling(0, col))
        assert view.columnWidth(col) >= metrics.horizontalAdvance(text), (col, text)
    assert view.columnWidth(JobsModel.COL_SKIPPED) < view.columnWidth(JobsModel.COL_LAYER)


# -- 10: rows do not jump while a job runs --------------------------------------------------------
def test_running_job_keeps_the_readers_place(panel, qgis_new_project):
    from planet_bulk_tasking.core.model.job import BulkJob, Target

    targets = [
        Target(key=str(i), feature_id=i, name=f"site {i}", status=TargetStatus.SUBMITTED)
        for i in range(2000)
    ]
    job = BulkJob(targets=targets)
    panel.resize(600, 400)
    panel.show()
    panel.set_job(job)
    panel.set_running(True)
    process()
    panel.scroll_to_key("1200")
    process()
    top = panel.top_key()
    assert top == "1200"
    rows_before = [t.key for t in panel.visible_targets()[:5]]
    # failures arrive (they sort first): nothing moves under the reader
    for k in ("1500", "1700", "1900"):
        job.record_result(k, TargetStatus.FAILED, reason="nope")
    panel.refresh_keys(["1500", "1700", "1900"])
    process()
    assert panel.top_key() == top
    assert [t.key for t in panel.visible_targets()[:5]] == rows_before
    # the job ends: sorted again (failures first), the reader's row still at the top
    panel.set_running(False)
    process()
    assert [t.key for t in panel.visible_targets()[:3]] == ["1500", "1700", "1900"]
    assert panel.top_key() == top
    panel.hide()


# -- 12: the result layer survives save/reopen; its legend shows what occurs, distinct colours ----
def test_result_layer_is_a_geopackage_that_survives_reopening_the_project(
    contributors, contributors_count, panel, tmp_path
):
    from planet_bulk_tasking.core.outputs.result_layer import JOB_PROPERTY

    project = QgsProject.instance()
    assert project.write(str(tmp_path / "survey.qgz"))
    job = make_job(contributors, "Name")
    panel.set_job(job, contributors)
    layer = add_result_layer(panel)
    assert layer.providerType() == "ogr"
    path = layer.source().split("|")[0]
    assert path.startswith(str(tmp_path / "planet_orders"))  # next to the project
    legend = {c.value(): c.symbol().color().name() for c in layer.renderer().categories()}
    assert set(legend) == {t.status for t in job.targets}  # only what occurs
    assert len(set(legend.values())) == len(legend)  # each with its own colour
    # an order outcome appears: the legend follows, still distinct
    t = next(t for t in job.targets if t.status == TargetStatus.SUCCEEDED)
    t.order_status = "REJECTED"
    update_result_layer(panel)
    legend = {c.value(): c.symbol().color().name() for c in layer.renderer().categories()}
    assert "REJECTED" in legend and len(set(legend.values())) == len(legend)
    assert project.write()
    project.clear()
    assert project.read(str(tmp_path / "survey.qgz"))
    again = [lyr for lyr in project.mapLayers().values() if lyr.customProperty(JOB_PROPERTY)]
    assert len(again) == 1 and again[0].featureCount() == contributors_count
    statuses = {f["order_status"] for f in again[0].getFeatures()}
    assert "REJECTED" in statuses


def test_open_in_dashboard_from_the_menu_opens_the_orders(contributors, panel, monkeypatch):
    from planet_bulk_tasking.ui import results_view

    opened = []
    monkeypatch.setattr(
        results_view.QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url))
    )
    panel.set_job(make_job(contributors, "Name"), contributors)
    panel.set_filter(ResultsProxy.FILTER_SUCCEEDED)
    select_proxy_rows(panel, [0, 1])
    menu = panel.view.build_menu()
    action = next(a for a in menu.actions() if a.text() == "Open in Tasking Dashboard")
    action.trigger()  # triggered(bool) must not become limit=False
    assert len(opened) == 2


# -- 14: map: zoom with context, pan to a selection off screen ------------------------------------
def test_zoom_shows_context_and_a_click_pans_to_an_off_screen_feature(
    mercator_sites, panel, qgis_iface
):
    from qgis.core import QgsCoordinateReferenceSystem, QgsRectangle

    canvas = qgis_iface.mapCanvas()
    canvas.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:3857"))
    panel.set_job(make_job(mercator_sites, "label"), mercator_sites)
    assert panel.zoom_to([1])
    extent = canvas.extent()
    assert extent.width() > 15_000  # > 15 km around a lone point, not street level
    # far away from every feature: a click on a row brings the map to it, same scale
    canvas.setExtent(QgsRectangle(-5_000_000, -5_000_000, -4_990_000, -4_990_000))
    width = canvas.extent().width()
    select_proxy_rows(panel, [0])
    fid = panel.visible_targets()[0].feature_id
    point = mercator_sites.getFeature(fid).geometry().asPoint()
    assert canvas.extent().contains(point)
    assert abs(canvas.extent().width() - width) < 1


# -- 15: smaller ones -----------------------------------------------------------------------------
def test_resumed_jobs_are_announced_once_when_the_dock_opens(real_dock, contributors, qgis_iface):
    from planet_bulk_tasking.ui.dock import PlanetBulkTaskingDock

    job = make_job(contributors, "Name")
    manager = real_dock.manager
    manager.jobs[job.job_id] = job
    manager.resumed_at_start.append(job.job_id)  # what resume_unfinished records at start
    dock = PlanetBulkTaskingDock(qgis_iface, services=real_dock.services)
    try:
        QCoreApplication.processEvents()
        assert dock.notices.last_title == "Jobs resumed"
        assert "left unfinished when QGIS closed" in dock.notices.last_text
        assert "contributors" in dock.notices.last_text
        dock.notices.last_title = ""
        manager.jobs_resumed.emit([job.job_id])  # the signal again: no second notice
        assert dock.notices.last_title == ""
    finally:
        dock.shutdown()
        dock.deleteLater()


def test_an_old_connection_result_goes_when_the_mode_changes(real_dock):
    from planet_bulk_tasking.ui import settings_panel

    settings = real_dock.settings
    settings.set_mode(settings_panel.MODE_CUSTOM, "")
    assert not settings.test_connection()  # no address: said at once, no request
    assert "Invalid" in settings.check_label.text()
    settings.set_mode(settings_panel.MODE_PRACTICE)
    assert settings.check_label.text() == "" and settings.last_check == ("", "")


def test_warnings_have_their_own_column_and_the_csv_has_lon_lat(contributors, panel, tmp_path):
    import csv

    from planet_bulk_tasking.ui.results_model import ResultsModel

    job = make_job(contributors, "Name")
    ok = next(t for t in job.targets if t.status == TargetStatus.SUCCEEDED)
    ok.warnings = ["the name is used by 2 orders"]
    ok.payload = {"name": ok.name, "geometry": {"type": "Point", "coordinates": [12.5, 41.9]}}
    panel.set_job(job, contributors)
    row = panel.model.row_of_key(ok.key)
    model = panel.model
    assert model.data(model.index(row, ResultsModel.COL_ERROR)) == ""
    assert model.data(model.index(row, ResultsModel.COL_WARNING)) == ok.warnings[0]
    assert model.headerData(ResultsModel.COL_WARNING, Qt.Orientation.Horizontal) == "Warnings"
    path = panel.export_csv(str(tmp_path / "orders.csv"))
    rows = {r["feature_id"]: r for r in csv.DictReader(open(path, encoding="utf-8"))}
    mine = rows[str(ok.feature_id)]
    assert (mine["lon"], mine["lat"]) == ("12.5000000", "41.9000000")
    assert mine["warnings"] == ok.warnings[0]


def test_a_refused_key_from_an_auth_configuration_is_named(real_dock, monkeypatch):
    from planet_bulk_tasking.core.tasking.errors import AuthenticationError, PermissionDeniedError

    dock = real_dock
    monkeypatch.setattr(type(dock.settings), "authcfg_name", lambda self: "Planet work key")
    # a job not recorded this session: its key is where Settings takes it from
    monkeypatch.setattr(type(dock.settings), "key_source", lambda self: "authcfg")
    text = dock.key_words("job-1", AuthenticationError())
    assert "authentication configuration “Planet work key”" in text
    assert "(401, not valid): check it in Settings" in text
    text = dock.key_words("job-1", PermissionDeniedError())
    assert "may not task (403)" in text and "Planet work key" in text
