"""Drive the whole dock: compose, preview, submit to the sandbox, follow, results <-> map."""

import json

import pytest
from planet_bulk_tasking.core.model.job import TargetStatus
from planet_bulk_tasking.ui import settings_panel
from planet_bulk_tasking.ui.results_model import ResultsModel
from planet_bulk_tasking.ui.results_proxy import ResultsProxy
from qgis.core import (
    Qgis,
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsGeometry,
    QgsPointXY,
    QgsProject,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QCoreApplication, QItemSelection, QItemSelectionModel
from support import BadFieldClient, add_result_layer, process_until

pytestmark = pytest.mark.usefixtures("no_plugin_settings")


@pytest.fixture
def sites_3857(qgis_new_project):
    """Points in EPSG:3857: 8 good ones, one without geometry, one with an empty geometry, and two
    named BAD... that the 'bad client' below makes the server refuse."""
    layer = QgsVectorLayer("Point?crs=EPSG:3857&field=name:string", "sites 3857", "memory")
    feats = []
    for i in range(12):
        f = QgsFeature(layer.fields())
        name = f"BAD site {i}" if i in (3, 7) else f"site {i}"
        f.setAttributes([name])
        if i == 5:
            pass  # no geometry: skipped before sending
        elif i == 9:
            f.setGeometry(QgsGeometry.fromWkt("POINT EMPTY"))  # empty: skipped too
        else:
            f.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(1_000_000 + i * 5000, 6_000_000)))
        feats.append(f)
    assert layer.dataProvider().addFeatures(feats)[0]
    QgsProject.instance().addMapLayer(layer)
    return layer


@pytest.fixture
def dock(make_plugin_dock):
    d = make_plugin_dock()
    d.ask_choice = lambda title, text, choices: "send"  # the question before spending
    return d  # make_plugin_dock shuts it and its services down, threads joined


def use_layer(dock, layer):
    dock.compose.set_layer(layer)
    assert dock.compose.layer() is layer


def submit_and_wait(dock, timeout=60):
    ended = []
    dock.job_ended.connect(lambda job_id, how: ended.append(how))
    assert dock.submit(), dock.submit_problems()
    assert process_until(lambda: ended, timeout), "the job did not end"
    return ended[0]


def select_rows(dock, rows):
    proxy = dock.results.proxy
    sel = QItemSelection()
    for r in rows:
        sel.select(proxy.index(r, 0), proxy.index(r, proxy.columnCount() - 1))
    dock.results.view.selectionModel().select(
        sel, QItemSelectionModel.ClearAndSelect | QItemSelectionModel.Rows
    )


def row_fids(dock):
    return sorted(dock.results.view.selected_feature_ids())


# -- static ----------------------------------------------------------------------------------
def test_dock_identity_and_tabs(dock):
    assert dock.objectName() == "PlanetBulkTaskingDock"
    assert dock.windowTitle() == "Planet Bulk Tasking"
    assert [dock.tabs.tabText(i) for i in range(4)] == ["Compose", "Results", "Jobs", "Settings"]
    assert not dock.banner.isVisibleTo(dock)


def test_submit_disabled_reasons(dock, contributors, contributors_count):
    dock.compose.set_layer(None)
    dock.update_submit_state()
    assert not dock.submit_button.isEnabled()
    assert "Choose a vector layer" in dock.reason_label.text()

    use_layer(dock, contributors)
    contributors.removeSelection()
    assert not dock.submit_button.isEnabled()
    assert "Nothing is selected" in dock.reason_label.text()
    assert "Nothing is selected" in dock.compose.selection_label.text()

    contributors.selectByIds([1, 2, 3])
    assert f"3 of {contributors_count} features selected" in dock.compose.selection_label.text()
    assert not dock.submit_button.isEnabled()
    assert "No API key" in dock.reason_label.text()

    dock.settings.set_mode(settings_panel.MODE_PRACTICE)
    assert dock.banner.isVisibleTo(dock)
    assert dock.submit_button.isEnabled(), dock.submit_problems()
    assert "Ready to send 3 features" in dock.reason_label.text()

    dock.compose.selected_only.setChecked(False)
    assert f"All {contributors_count} features" in dock.compose.selection_label.text()
    assert dock.submit_button.isEnabled()

    dock.settings.set_mode(settings_panel.MODE_CUSTOM, "")
    assert "custom API address" in dock.reason_label.text()
    dock.settings.set_mode(settings_panel.MODE_CUSTOM, "http://example.com/tasking/v2")
    assert not dock.submit_button.isEnabled()  # plain HTTP to a remote host: refused

    # end before start: the core's own words
    dock.settings.set_mode(settings_panel.MODE_PRACTICE)
    dock.compose.end_edit.setDateTime(dock.compose.start_edit.dateTime().addDays(-1))
    assert not dock.submit_button.isEnabled()
    assert "must be after start time" in dock.reason_label.text()


def test_extra_fields_validation(dock, contributors):
    use_layer(dock, contributors)
    contributors.selectAll()
    dock.settings.set_mode(settings_panel.MODE_PRACTICE)
    assert dock.submit_button.isEnabled()
    dock.compose.extra_edit.setPlainText('{"exclusivity_days": ')
    assert dock.compose.extra_fields_error().startswith("Not valid JSON")
    assert "border" in dock.compose.extra_edit.styleSheet()
    assert dock.compose.extra_message.isVisibleTo(dock.compose)
    assert not dock.submit_button.isEnabled()
    assert "Extra fields" in dock.reason_label.text()
    dock.compose.extra_edit.setPlainText("[1, 2]")
    assert "JSON object" in dock.compose.extra_fields_error()
    dock.compose.extra_edit.setPlainText('{"name": "x"}')
    assert dock.compose.extra_fields_error() == ""
    assert not dock.submit_button.isEnabled()  # reserved key: core says why
    assert "'name'" in dock.reason_label.text()
    dock.compose.extra_edit.setPlainText('{"exclusivity_days": 0}')
    assert dock.compose.extra_edit.styleSheet() == ""
    assert not dock.compose.extra_message.isVisibleTo(dock.compose)
    assert dock.submit_button.isEnabled()
    assert dock.compose.parameters().extra_fields == {"exclusivity_days": 0}


def test_scheduling_fields_and_parameters(dock, contributors):
    use_layer(dock, contributors)
    c = dock.compose
    assert c.name_widget.expression() == '"Name"'
    assert not c.monitoring_box.isVisibleTo(c)
    c.scheduling_combo.setCurrentIndex(1)
    assert c.monitoring_box.isVisibleTo(c) and not c.end_edit.isVisibleTo(c)
    c.count_spin.setValue(6)
    c.weekday_combo.setCurrentIndex(1)
    c.elev_min_spin.setValue(60)
    p = c.parameters()
    assert p.scheduling_type == "MONITORING"
    assert p.monitoring.rrule() == "FREQ=WEEKLY;COUNT=6;INTERVAL=1;BYDAY=MO"
    assert p.sat_elevation_angle_min == 60 and p.sat_elevation_angle_max is None
    assert c.elev_max_spin.text() == "unset"
    delta = p.start_time - __import__("datetime").datetime.now(p.start_time.tzinfo)
    assert 0.9 < delta.total_seconds() / 86400 < 1.1
    assert p.start_time.utcoffset().total_seconds() == 0


def test_layer_follows_active_layer(dock, contributors, sites_3857, qgis_iface):
    use_layer(dock, contributors)
    qgis_iface.setActiveLayer(sites_3857)
    qgis_iface.currentLayerChanged.emit(qgis_iface.mapCanvas())
    assert dock.compose.layer() is sites_3857
    assert dock.compose.name_widget.expression() == '"name"'


def test_preview_summary_skipped_and_json(dock, sites_3857, qgis_iface):
    use_layer(dock, sites_3857)
    sites_3857.selectAll()
    dock.settings.set_mode(settings_panel.MODE_PRACTICE)
    job = dock.preview()
    assert job is not None
    text = dock.preview_panel.summary_label.text()
    assert "12 features → 10 orders in 1 bulk" in text and "2 skipped" in text
    items = [dock.preview_panel.skipped_list.item(i) for i in range(2)]
    texts = " | ".join(i.text() for i in items)
    assert "site 5 (feature 6)" in texts and "site 9 (feature 10): empty geometry" in texts
    payloads = json.loads(dock.preview_panel.json_edit.toPlainText())
    assert len(payloads) == 3 and "site " in payloads[0]["name"]
    assert "sandbox-key" not in dock.preview_panel.json_edit.toPlainText()
    lon = payloads[0]["geometry"]["coordinates"][0]
    assert 8.9 < lon < 9.6  # metres in EPSG:3857 became degrees
    # clicking a skipped feature asks to zoom to it (nothing to show here, no crash)
    dock.preview_panel.skipped_list.itemClicked.emit(items[1])
    # the form changes: the preview says it is stale, and submit rebuilds
    dock.compose.pl_number_edit.setText("PL-123456")
    assert "preview again" in dock.preview_panel.summary_label.text()


# -- end to end ----------------------------------------------------------------------------------
def test_practice_mode_end_to_end_contributors(dock, contributors, qgis_iface):
    dock.settings.set_mode(settings_panel.MODE_PRACTICE)
    use_layer(dock, contributors)
    contributors.selectAll()
    how = submit_and_wait(dock)
    assert how == "finished"
    job = dock.results.job()
    counts = job.counts()
    assert counts["total"] == len(job.targets)
    done = (TargetStatus.SUCCEEDED, TargetStatus.FAILED, TargetStatus.SKIPPED)
    assert sum(counts[s] for s in done) == counts["total"]
    assert counts[TargetStatus.SUCCEEDED] > 50
    # practice mode refuses a few valid orders on purpose, with the service's kind of reason
    assert all(
        "no imaging capacity" in t.reason for t in job.targets if t.status == TargetStatus.FAILED
    )
    assert dock.results.progress.counts["succeeded"] == counts[TargetStatus.SUCCEEDED]
    assert dock.results.progress.counts["processing"] == 0
    assert dock.results.model.rowCount() == counts["total"]
    assert all(t.order_id for t in job.targets if t.status == TargetStatus.SUCCEEDED)
    assert dock.notices.last_text.startswith(f"{counts[TargetStatus.SUCCEEDED]} orders created")
    assert dock.notices.last_level in (Qgis.Success, Qgis.Warning)
    assert dock.tabs.currentIndex() == dock.TAB_RESULTS
    assert dock.settings.sandbox.running

    # rows -> features, and back, after sorting by name
    dock.results.view.sortByColumn(ResultsModel.COL_NAME, 0)
    select_rows(dock, [0, 1])
    first_two = [t.feature_id for t in dock.results.visible_targets()[:2]]
    assert sorted(contributors.selectedFeatureIds()) == sorted(first_two)
    contributors.selectByIds([7, 8])
    QCoreApplication.processEvents()
    assert row_fids(dock) == [7, 8]
    # order id in the table
    ok = next(t for t in job.targets if t.status == TargetStatus.SUCCEEDED)
    row = dock.results.proxy.mapFromSource(
        dock.results.model.index(dock.results.model.row_of_key(ok.key), ResultsModel.COL_ORDER)
    )
    assert dock.results.proxy.data(row) == ok.order_id


def test_custom_url_3857_failures_links_and_notice(
    make_plugin_dock, sites_3857, sandbox, monkeypatch, qgis_iface
):
    monkeypatch.setenv("PL_API_KEY", "sandbox-key")
    dock = make_plugin_dock(client_class=BadFieldClient)
    dock.ask_choice = lambda title, text, choices: "send"  # the question before spending
    dock.settings.set_mode(settings_panel.MODE_CUSTOM, sandbox.base_url)
    assert "environment variable" in dock.settings.key_status.text()
    use_layer(dock, sites_3857)
    sites_3857.selectAll()
    assert dock.submit_button.isEnabled(), dock.submit_problems()
    assert submit_and_wait(dock) == "finished"
    job = dock.results.job()
    counts = dock.results.progress.counts
    assert counts == {"total": 12, "processing": 0, "succeeded": 8, "failed": 2, "skipped": 2}
    # failed and skipped first
    statuses = [t.status for t in dock.results.visible_targets()]
    assert statuses[:4] == ["failed", "failed", "skipped", "skipped"]
    failed = [t for t in dock.results.visible_targets()[:2]]
    assert {t.name for t in failed} == {"BAD site 3", "BAD site 7"}
    assert all("not_a_field" in (t.reason or "") for t in failed)
    # the notice, its button shows the failed rows
    assert dock.notices.last_text == "8 orders created, 2 failed, 2 skipped"
    assert dock.notices.last_button is not None
    dock.tabs.setCurrentIndex(dock.TAB_COMPOSE)
    dock.notices.last_button.click()
    assert dock.results.proxy.status_filter() == ResultsProxy.FILTER_FAILED
    assert dock.tabs.currentIndex() == dock.TAB_RESULTS
    assert dock.results.proxy.rowCount() == 2
    # links on a layer in EPSG:3857, filtered
    select_rows(dock, [1])
    fid = dock.results.visible_targets()[1].feature_id
    assert sites_3857.selectedFeatureIds() == [fid]
    sites_3857.selectByIds([4, 8, 3])  # feature ids 4 (BAD site 3) and 8 (BAD site 7)
    QCoreApplication.processEvents()
    assert row_fids(dock) == [4, 8]
    # zoom to a row, canvas in WGS 84
    canvas = qgis_iface.mapCanvas()
    canvas.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:4326"))
    index = dock.results.proxy.index(0, 0)
    dock.results.view.doubleClicked.emit(index)
    assert 8.5 < canvas.extent().center().x() < 9.5
    # result layer on demand
    layer = add_result_layer(dock.results)
    assert layer.featureCount() == 12
    statuses = sorted(f["status"] for f in layer.getFeatures())
    assert statuses.count("failed") == 2 and statuses.count("succeeded") == 8
    assert job.endpoint == sandbox.base_url


def test_key_not_allowed_to_task_fails_in_words(dock, contributors, sandbox, monkeypatch):
    monkeypatch.setenv("PL_API_KEY", "no-tasking-key")
    dock.settings.set_mode(settings_panel.MODE_CUSTOM, sandbox.base_url)
    use_layer(dock, contributors)
    contributors.selectByIds([1, 2])
    assert submit_and_wait(dock) == "failed"
    assert dock.notices.last_level == Qgis.Critical
    assert "403" in dock.notices.last_text or "not allowed" in dock.notices.last_text.lower()
    assert dock.submit_button.isEnabled()


def test_cancel_keeps_dock_usable(dock, contributors, make_sandbox, monkeypatch):
    slow = make_sandbox(processing_rate=5.0)
    monkeypatch.setenv("PL_API_KEY", "sandbox-key")
    dock.settings.set_mode(settings_panel.MODE_CUSTOM, slow.base_url)
    use_layer(dock, contributors)
    contributors.selectAll()
    ended = []
    dock.job_ended.connect(lambda job_id, how: ended.append(how))
    assert dock.submit()
    assert dock.results.progress.cancel_button.isEnabled()
    assert not dock.submit_button.isEnabled()
    assert "being sent" in dock.reason_label.text()
    QCoreApplication.processEvents()
    dock.results.progress.cancel_button.click()
    assert process_until(lambda: ended, 20)
    assert ended == ["cancelled"]
    assert dock.notices.last_title == "Sending cancelled"
    assert not dock.results.progress.cancel_button.isEnabled()
    assert dock.submit_button.isEnabled()


def test_shutdown_mid_job_stops_threads(
    make_plugin_dock, qgis_iface, qgis_data_dir, contributors_count
):
    layer = QgsVectorLayer(f"{qgis_data_dir}/contributors.json", "contributors", "ogr")
    QgsProject.instance().addMapLayer(layer)
    d = make_plugin_dock()
    d.settings.set_mode(settings_panel.MODE_PRACTICE)
    d.compose.set_layer(layer)
    layer.selectAll()
    assert d.submit()
    runner = d.runner
    d.shutdown()  # the dock goes; the job goes on in the services
    d.services.shutdown()  # what plugin.unload does next: every thread stops
    assert not runner.is_running()
    assert not d.settings.sandbox.running
    # disconnected from the layer: selection changes no longer reach the dock
    layer.removeSelection()
    assert f"{contributors_count} of {contributors_count}" in d.compose.selection_label.text()
    assert d.results.sync.layer() is None
    # nor from the iface
    other = QgsVectorLayer("Point?crs=EPSG:4326", "other", "memory")
    QgsProject.instance().addMapLayer(other)
    qgis_iface.setActiveLayer(other)
    qgis_iface.currentLayerChanged.emit(qgis_iface.mapCanvas())
    assert d.compose.layer_combo.currentLayer() is layer
    d.shutdown()  # twice is harmless


def test_several_bulks_end_to_end(dock, sandbox, monkeypatch, qgis_new_project):
    layer = QgsVectorLayer("Point?crs=EPSG:4326&field=name:string", "many", "memory")
    feats = []
    for i in range(2100):
        f = QgsFeature(layer.fields())
        f.setAttributes([f"p{i}"])
        f.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(-10 + (i % 100) * 0.1, 40 + i // 100)))
        feats.append(f)
    layer.dataProvider().addFeatures(feats)
    QgsProject.instance().addMapLayer(layer)
    monkeypatch.setenv("PL_API_KEY", "sandbox-key")
    dock.settings.set_mode(settings_panel.MODE_CUSTOM, sandbox.base_url)
    use_layer(dock, layer)
    dock.compose.selected_only.setChecked(False)
    dock.preview()
    assert "2100 features → 2100 orders in 3 bulk requests" in (
        dock.preview_panel.summary_label.text()
    )
    assert submit_and_wait(dock, timeout=120) == "finished"
    assert dock.results.progress.counts == {
        "total": 2100,
        "processing": 0,
        "succeeded": 2100,
        "failed": 0,
        "skipped": 0,
    }
    assert dock.results.progress.bar.value() == 2100
    assert dock.notices.last_text == "2100 orders created"
    assert dock.notices.last_level == Qgis.Success
    assert len({t.order_id for t in dock.results.job().targets}) == 2100
