"""Render the dock after a finished job with failures into artifacts/ (for humans to look at)."""

import os
import time

import pytest
from planet_bulk_tasking.ui import settings_panel
from planet_bulk_tasking.ui.dock import PlanetBulkTaskingDock
from planet_bulk_tasking.ui.results_model import ResultsModel
from qgis.core import QgsFeature, QgsGeometry, QgsPointXY, QgsProject, QgsSettings, QgsVectorLayer
from qgis.PyQt.QtCore import QCoreApplication
from support import BadFieldClient, process_until

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ARTIFACTS = os.path.join(ROOT, "artifacts")


def settle(seconds=0.2):
    """Let layouts settle as they would in QGIS's event loop."""
    # nothing to wait on: a screenshot wants layouts and painting done, which have no signal
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QCoreApplication.processEvents()
        time.sleep(0.01)


@pytest.mark.gui
def test_screenshot_dock_after_job_with_failures(
    qgis_iface, qgis_new_project, qgis_data_dir, tmp_path
):
    from planet_bulk_tasking.core.services import PluginServices

    QgsSettings().remove("planet_bulk_tasking")
    services = PluginServices(
        data_dir=str(tmp_path / "profile"),
        client_class=BadFieldClient,
        monitor_options={"min_interval": 0.2, "max_interval": 0.5},
    )
    src = QgsVectorLayer(f"{qgis_data_dir}/contributors.json", "contributors", "ogr")
    layer = QgsVectorLayer("Point?crs=EPSG:4326&field=name:string", "contributors", "memory")
    feats = []
    for i, f in enumerate(src.getFeatures()):
        g = QgsFeature(layer.fields())
        name = str(f["Name"])
        g.setAttributes([("BAD " + name) if i in (4, 17, 30) else name])
        if i not in (9, 41):
            g.setGeometry(QgsGeometry(f.geometry()))
        feats.append(g)
    feats[12].setGeometry(QgsGeometry.fromPointXY(QgsPointXY(0, 0)))
    layer.dataProvider().addFeatures(feats)
    QgsProject.instance().addMapLayer(layer)

    dock = PlanetBulkTaskingDock(qgis_iface, services=services)
    try:
        dock.resize(480, 820)
        dock.show()
        dock.settings.set_mode(settings_panel.MODE_PRACTICE)
        dock.compose.set_layer(layer)
        layer.selectAll()
        os.makedirs(ARTIFACTS, exist_ok=True)
        settle()
        dock.preview()
        settle()
        assert dock.grab().save(os.path.join(ARTIFACTS, "dock_compose.png"))
        ended = []
        dock.job_ended.connect(lambda *a: ended.append(a))
        assert dock.submit()
        assert process_until(lambda: ended, 60)
        job = dock.results.job()
        # the practice sandbox's clock: orders move on within seconds
        assert process_until(lambda: sum(1 for t in job.targets if t.order_status) > 20, 30), (
            "no order state arrived"
        )
        settle(1.0)
        layer.selectByIds([5, 6])
        settle()
        path = os.path.join(ARTIFACTS, "dock_results.png")
        assert dock.grab().save(path)
        assert os.path.getsize(path) > 10_000
        # the order columns: status at Planet next to the submit status
        dock.results.view.horizontalScrollBar().setValue(
            dock.results.view.horizontalHeader().sectionPosition(ResultsModel.COL_STATUS)
        )
        settle()
        assert dock.grab().save(os.path.join(ARTIFACTS, "dock_results_orders.png"))
        dock.tabs.setCurrentIndex(dock.TAB_JOBS)
        dock.refresh_jobs()
        settle()
        assert dock.grab().save(os.path.join(ARTIFACTS, "dock_jobs.png"))
        dock.tabs.setCurrentIndex(dock.TAB_SETTINGS)
        settle()
        assert dock.grab().save(os.path.join(ARTIFACTS, "dock_settings.png"))
    finally:
        dock.shutdown()
        services.shutdown()
        dock.hide()
        dock.deleteLater()
