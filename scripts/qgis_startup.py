# Run by `qgis --code` in the dev profile (make run): open the plugin's dock, select a few
# sample features, and tell scripts/run_qgis.sh (through a file) when it can take the screenshot.
import os

from qgis.PyQt.QtCore import QTimer
from qgis.utils import iface, plugins


def _show():
    plugin = plugins.get("planet_bulk_tasking")
    if plugin is None:
        QTimer.singleShot(500, _show)
        return
    iface.mainWindow().showMaximized()
    layer = iface.activeLayer()
    if layer is not None and hasattr(layer, "selectByIds"):
        layer.selectByIds([f.id() for f in layer.getFeatures()][:12])
    plugin.set_dock_visible(True)
    iface.zoomToActiveLayer()
    ready = os.environ.get("PBT_READY_FILE")
    if ready:
        QTimer.singleShot(3000, lambda: open(ready, "w").close())


QTimer.singleShot(1500, _show)
