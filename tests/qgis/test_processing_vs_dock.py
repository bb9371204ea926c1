"""submit_orders and the dock build the same orders from the same selection (QA item 3):
world_map countries with many parts (Fiji and Kiribati on both sides of 180°, Russia, Chile),
through processing.run in practice mode; the OUTPUT layer and the dock's Jobs tab agree."""

from datetime import timedelta

from planet_bulk_tasking.core.model.job import TargetStatus, parse_utc
from planet_bulk_tasking.core.services import PluginServices
from planet_bulk_tasking.core.targets.target_geometry import payload_geometry
from planet_bulk_tasking.ui.dock import PlanetBulkTaskingDock
from processing_support import Feedback, qgis_processing_ready, rows, stored  # noqa: F401
from qgis.core import QgsProcessingFeatureSourceDefinition, QgsProject, QgsVectorLayer
from qgis.PyQt.QtCore import QCoreApplication, Qt
from test_processing_submit import SUBMIT, run  # noqa: F401 - run: fixture

COUNTRIES = ("Fiji", "Kiribati", "Russia", "Chile", "France")


def countries_layer(data_dir):
    layer = QgsVectorLayer(f"{data_dir}/world_map.gpkg|layername=countries", "countries", "ogr")
    assert layer.isValid()
    QgsProject.instance().addMapLayer(layer)
    layer.selectByIds([f.id() for f in layer.getFeatures() if f["NAME"] in COUNTRIES])
    assert layer.selectedFeatureCount() == len(COUNTRIES)
    return layer


def window(payload):
    return parse_utc(payload["end_time"]) - parse_utc(payload["start_time"])


def test_processing_sends_what_the_dock_would_and_the_jobs_tab_agrees(
    run, qgis_iface, qgis_new_project, qgis_data_dir, plugin_data_dir  # noqa: F811
):
    layer = countries_layer(qgis_data_dir)
    feedback = Feedback()
    source = QgsProcessingFeatureSourceDefinition(layer.id(), True)
    result = run(SUBMIT, {"INPUT": source, "ENDPOINT": "practice", "OUTPUT": "memory:"}, feedback)
    store = stored(plugin_data_dir)
    sent = store.load_job(result["JOB_ID"])
    store.close()

    services = PluginServices(data_dir=str(plugin_data_dir))
    dock = PlanetBulkTaskingDock(qgis_iface, services=services)
    try:
        dock.compose.set_layer(layer)
        preview = dock.preview()  # what the dock would send for the same selection
        assert preview is not None
        mine = {t.key: t for t in preview.targets}
        assert set(mine) == {t.key for t in sent.targets}
        for t in sent.targets:
            d = mine[t.key]
            assert (t.name, t.part, t.warnings) == (d.name, d.part, d.warnings)
            if t.status == TargetStatus.SKIPPED or d.status == TargetStatus.SKIPPED:
                assert (t.status, t.reason) == (d.status, d.reason)  # the same skip reasons
            assert (t.payload or {}).get("geometry") == (d.payload or {}).get("geometry")
            if t.payload:  # the same default window (25 h ahead, 14 days), not another one
                assert window(t.payload) == window(d.payload) == timedelta(days=14)
        assert {t.feature_id for t in sent.targets} == set(layer.selectedFeatureIds())

        # the OUTPUT: one row per target, the geometry sent, the counts the algorithm returned
        out = result["OUTPUT"]
        by_key = {}
        for f in out.getFeatures():
            key = f"{f['feature_id']}.{f['part']}" if f["part"] else str(f["feature_id"])
            by_key[key] = f
        assert set(by_key) == set(mine)
        statuses = [r["status"] for r in rows(out)]
        assert statuses.count(TargetStatus.SUCCEEDED) == result["CREATED"]
        assert statuses.count(TargetStatus.FAILED) == result["FAILED"]
        assert statuses.count(TargetStatus.SKIPPED) == result["SKIPPED"]
        for t in sent.targets:
            if t.payload:
                want = payload_geometry(t)
                got = by_key[t.key].geometry()
                assert abs(got.area() - want.area()) < 1e-9, t.label
                assert got.boundingBox().toString(6) == want.boundingBox().toString(6), t.label

        # the Jobs tab lists the run with the same counts
        dock.refresh_jobs()
        model = dock.jobs.model
        row = model.row_of(result["JOB_ID"])
        assert row is not None
        cells = [model.data(model.index(row, c)) for c in range(model.COLUMN_COUNT)]
        assert cells[model.COL_LAYER] == "countries"
        assert cells[model.COL_ORDERS] == str(result["CREATED"])
        assert cells[model.COL_FAILED] == str(result["FAILED"])
        assert cells[model.COL_SKIPPED] == str(result["SKIPPED"])
        tip = model.data(model.index(row, model.COL_LAYER), Qt.ItemDataRole.ToolTipRole)
        assert f"{len(COUNTRIES)} features from layer countries" in tip  # not its targets
        assert len(sent.targets) > len(COUNTRIES)
    finally:
        dock.shutdown()
        services.shutdown()
        dock.deleteLater()
        QCoreApplication.processEvents()


def test_toolbox_uses_the_same_key_as_the_dock(
    run, qgis_iface, qgis_new_project, sandbox, no_plugin_settings, monkeypatch  # noqa: F811
):
    """A dock configuration AND PL_API_KEY: the dock uses its configuration; so must
    submit_orders without AUTHCFG (another key may be another account and contract)."""
    from auth_support import remove_config, store_config
    from planet_bulk_tasking.core.credentials import SETTINGS_PREFIX
    from planet_bulk_tasking.core.services import PracticeSandbox
    from planet_bulk_tasking.processing.engine import Endpoint, read_credential
    from planet_bulk_tasking.ui.settings_panel import SettingsPanel
    from qgis.core import QgsSettings
    from support import SANDBOX_KEY, point_layer

    cfg = store_config("Basic", "dock key", username=SANDBOX_KEY, password="")
    try:
        QgsSettings().setValue(SETTINGS_PREFIX + "authcfg", cfg)
        monkeypatch.setenv("PL_API_KEY", "no-tasking-key")  # valid, but may not task
        panel = SettingsPanel(practice=PracticeSandbox())
        panel.auth_select.setConfigId(cfg)
        assert panel.key_source() == "authcfg" and panel.api_key() == SANDBOX_KEY
        panel.deleteLater()
        assert read_credential(Endpoint(sandbox.base_url), "") == SANDBOX_KEY
        layer = point_layer(3, "same-key")
        result = run(SUBMIT, {"INPUT": layer, "ENDPOINT": sandbox.base_url, "OUTPUT": "memory:"})
        assert result["CREATED"] + result["FAILED"] == 3  # not refused with 403
    finally:
        remove_config(cfg)
