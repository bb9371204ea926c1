"""The default window length is the user's setting (Settings > New orders, 14 days unless
changed): Compose's default end, the per-feature default end, Processing and saved jobs
all use it."""

from datetime import datetime, timedelta, timezone

import pytest
from planet_bulk_tasking.core import settings
from planet_bulk_tasking.core.services import PracticeSandbox
from planet_bulk_tasking.core.targets.build import create_job
from planet_bulk_tasking.core.targets.parameters import OrderParameters, window_duration
from planet_bulk_tasking.ui.compose_panel import ComposePanel
from planet_bulk_tasking.ui.settings_panel import SettingsPanel
from qgis.core import QgsFeature, QgsGeometry, QgsPointXY, QgsVectorLayer

pytestmark = pytest.mark.usefixtures("no_plugin_settings")
NOW = datetime(2030, 1, 1, tzinfo=timezone.utc)


def test_parameters_use_the_window_days_and_keep_them():
    p = OrderParameters(window_days=30)
    start, end = p.resolved_times(NOW)
    assert end - start == timedelta(days=30)
    again = OrderParameters.from_dict(p.to_dict())
    assert again.window_days == 30
    assert OrderParameters().resolved_times(NOW)[1] - OrderParameters().resolved_times(NOW)[0] == (
        timedelta(days=14)
    )


@pytest.mark.parametrize("days", [0, -3, 366, "x", None, 1e999])
def test_unreadable_window_days_fall_back_to_14(days):
    assert window_duration(days) == timedelta(days=14)


def test_a_per_feature_start_without_end_gets_the_default_window():
    vl = QgsVectorLayer("Point?crs=EPSG:4326&field=s:string", "times", "memory")
    f = QgsFeature(vl.fields())
    f.setAttributes(["2030-06-01T12:00:00Z"])
    f.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(10, 50)))
    vl.dataProvider().addFeatures([f])
    params = OrderParameters(start_expression='"s"', window_days=21)
    payload = create_job(vl, params, selected_only=False, now=NOW).targets[0].payload
    assert payload["start_time"] == "2030-06-01T12:00:00Z"
    assert payload["end_time"] == "2030-06-22T12:00:00Z"


def test_settings_panel_stores_the_window_and_compose_follows(qgis_iface):
    panel, compose = SettingsPanel(practice=PracticeSandbox()), ComposePanel(qgis_iface)
    try:
        assert panel.window_days() == 14 and settings.window_days() == 14
        panel.window_spin.setValue(30)
        assert settings.window_days() == 30  # saved at once, read back by Processing too
        compose.set_default_window_days(panel.window_days())
        p = compose.parameters()
        assert p.end_time - p.start_time == timedelta(days=30)
        assert p.window_days == 30
        second = SettingsPanel(practice=PracticeSandbox())  # a new QGIS session reads it back
        try:
            assert second.window_days() == 30
        finally:
            second.shutdown()
            second.deleteLater()
    finally:
        panel.shutdown()
        compose.shutdown()
        panel.deleteLater()
        compose.deleteLater()


def test_a_second_panel_saving_its_own_change_does_not_undo_the_window(qgis_iface):
    stale = SettingsPanel(practice=PracticeSandbox())  # e.g. a panel opened before the change
    panel = SettingsPanel(practice=PracticeSandbox())
    try:
        panel.window_spin.setValue(30)
        stale.custom_edit.setText("https://tasking.example.com/v2")
        stale.custom_edit.editingFinished.emit()  # focus left its address field
        assert settings.window_days() == 30
        assert SettingsPanel(practice=PracticeSandbox()).window_days() == 30
    finally:
        for p in (stale, panel):
            p.shutdown()
            p.deleteLater()
