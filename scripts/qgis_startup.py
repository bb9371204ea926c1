# Run by `qgis --code` in the dev profile (make run): open the plugin's dock and select a few
# sample features. With PBT_DEMO=1 it also submits every sample feature in practice mode and
# waits for the end, so the screenshot shows a finished job. It tells scripts/run_qgis.sh
# (through the file PBT_READY_FILE) when the screenshot can be taken.
import os

from qgis.PyQt.QtCore import Qt, QTimer
from qgis.PyQt.QtWidgets import QApplication
from qgis.utils import iface, plugins


def _ready(delay_ms=3000):
    path = os.environ.get("PBT_READY_FILE")
    if path:
        QTimer.singleShot(delay_ms, lambda: open(path, "w").close())


def _demo(plugin, layer):
    dock = plugin.dock
    dock.settings.set_mode("practice")
    # a few more refusals than practice's usual 5 %, so the picture always has some
    plugin.services.practice.url()
    plugin.services.practice.server.set_faults(payload_failure_rate=0.08)
    dock.compose.set_layer(layer)
    layer.selectAll()
    def ended(*_):
        # what an analyst does next: look at the failed features on the map
        job = dock.shown_job()
        failed = [t.feature_id for t in job.targets if t.status == "failed"] if job else []
        layer.selectByIds(failed)
        _ready(2500)

    dock.job_ended.connect(ended)
    if not dock.submit():
        print("demo: submit refused:", dock.submit_problems())
        _ready()


def _show():
    plugin = plugins.get("planet_bulk_tasking")
    if plugin is None:
        QTimer.singleShot(500, _show)
        return
    window = iface.mainWindow()
    window.showMaximized()  # no window manager under Xvfb: fill the screen by hand too
    window.setGeometry(QApplication.primaryScreen().availableGeometry())
    layer = iface.activeLayer()
    plugin.set_dock_visible(True)
    window.resizeDocks([plugin.dock], [640], Qt.Horizontal)
    iface.zoomToActiveLayer()
    if os.environ.get("PBT_DEMO") and layer is not None:
        _demo(plugin, layer)
        return
    if layer is not None and hasattr(layer, "selectByIds"):
        layer.selectByIds([f.id() for f in layer.getFeatures()][:12])
    _ready()


QTimer.singleShot(1500, _show)
