# Run by `qgis --code` in the dev profile (scripts/run_qgis.sh). Scenarios, by PBT_SCENARIO:
#   (unset)   open the dock and select a few sample features (make run)
#   demo      submit every sample feature in practice mode; screenshot of the finished job
#   restart-1 submit in practice mode with a slow sandbox, reload the plugin mid-run (what
#             Plugin Reloader does), then quit QGIS while the resumed job is still running
#   restart-2 a new QGIS on the same profile: the job resumes from disk by itself; screenshot
#             once it has finished
#   drip-quit submit to a local server that answers the POST one byte a second, forever
#             (Connection: close), then quit QGIS mid-answer: it must exit at once
#   issue12-* scripts/desktop_scenarios.py (the dock's real-use defects, issue 12)
# It tells run_qgis.sh when to take the screenshot (file PBT_READY_FILE) and quits QGIS
# when PBT_READY_FILE.quit appears (closing its main window, as a person does), so a crash at
# exit shows in QGIS's exit code.
import os
import sys

import qgis.utils
from qgis.core import QgsProject
from qgis.gui import QgsGui
from qgis.PyQt.QtCore import Qt, QTimer
from qgis.PyQt.QtWidgets import QApplication
from qgis.utils import iface

PLUGIN = "planet_bulk_tasking"
SCENARIO = os.environ.get("PBT_SCENARIO") or ("demo" if os.environ.get("PBT_DEMO") else "")
READY = os.environ.get("PBT_READY_FILE")


def say(text):
    print(f"pbt-scenario: {text}", flush=True)
    sys.stderr.write(f"pbt-scenario: {text}\n")


def _ready(delay_ms=3000):
    if READY:
        QTimer.singleShot(delay_ms, lambda: open(READY, "w").close())


def _quit():
    """Quit the way a person does: the project is clean (no "save?" question) and the main
    window is closed, so QGIS runs its own shutdown. QgsApplication.quit() while Python still
    holds layers makes QGIS 3.40 die on signal 11 at exit, plugin or not."""
    QgsProject.instance().setDirty(False)
    say("quitting QGIS")
    iface.mainWindow().close()


def _quit_when_asked():
    if READY and os.path.exists(READY + ".quit"):
        _quit()
    else:
        QTimer.singleShot(300, _quit_when_asked)


def _layout(plugin):
    window = iface.mainWindow()
    window.showMaximized()  # no window manager under Xvfb: fill the screen by hand too
    window.setGeometry(QApplication.primaryScreen().availableGeometry())
    plugin.set_dock_visible(True)
    window.resizeDocks([plugin.dock], [640], Qt.Orientation.Horizontal)
    iface.zoomToActiveLayer()


def _report_conventions(plugin):
    """What QGIS itself lists for the plugin: Help > Plugins, Settings > Keyboard Shortcuts."""
    helps = [a.text() for a in iface.pluginHelpMenu().actions() if a is plugin.help_action]
    listed = plugin.action in QgsGui.shortcutsManager().listActions()
    say(f"help entry: {helps}; in Keyboard Shortcuts: {listed}")


def _submit_all(plugin, layer):
    dock = plugin.dock
    dock.settings.set_mode("practice")
    dock.compose.set_layer(layer)
    layer.selectAll()
    if not dock.submit():
        say(f"submit refused: {dock.submit_problems()}")
        return False
    return True


def _select_failed(plugin, layer):
    """What an analyst does next: look at the failed features on the map."""
    job = plugin.dock.shown_job()
    failed = [t.feature_id for t in job.targets if t.status == "failed"] if job else []
    layer.selectByIds(failed)


def demo(plugin, layer):
    plugin.services.practice.url()
    # a few more refusals than practice's usual 5 %, so the picture always has some
    plugin.services.practice.server.set_faults(payload_failure_rate=0.08)

    def ended(*_):
        _select_failed(plugin, layer)
        _ready(2500)

    plugin.dock.job_ended.connect(ended)
    if not _submit_all(plugin, layer):
        _ready()


def restart_1(plugin, layer):
    plugin.services.practice.url()
    plugin.services.practice.server.set_faults(latency=1.5)  # a run that lasts a while
    if not _submit_all(plugin, layer):
        return

    def reload_plugin():
        say("reloading the plugin mid-run")
        qgis.utils.reloadPlugin(PLUGIN)
        fresh = qgis.utils.plugins[PLUGIN]
        fresh.services.practice.url()
        fresh.services.practice.server.set_faults(latency=1.5)
        QTimer.singleShot(500, _quit)  # quit while the resumed job still runs

    QTimer.singleShot(1200, reload_plugin)


def restart_2(plugin, layer):
    manager = plugin.services.manager

    def check():
        running = [j for j in list(manager.jobs) if manager.is_running(j)]
        if manager.jobs and not running:
            job_id = next(iter(manager.jobs))
            job = manager.job(job_id)
            say(f"resumed job {job.state}: {job.counts()}")
            plugin.dock.open_job(job_id)
            _select_failed(plugin, layer)
            _ready(2000)
        else:
            QTimer.singleShot(300, check)

    QTimer.singleShot(500, check)


def _dripping_server():
    """127.0.0.1 server: reads a request, then sends '202, Connection: close' and one
    byte a second, forever. Returns its base URL."""
    import socket
    import threading
    import time

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)

    def drip(conn):
        try:
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 202 Accepted\r\nConnection: close\r\n\r\n")
            while True:
                conn.sendall(b"{")
                time.sleep(1.0)
        except OSError:
            pass

    def serve():
        while True:
            conn, _ = listener.accept()
            threading.Thread(target=drip, args=(conn,), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    return f"http://127.0.0.1:{listener.getsockname()[1]}/tasking/v2"


def drip_quit(plugin, layer):
    import time

    dock = plugin.dock
    dock.settings.set_mode("custom", _dripping_server())
    dock.compose.set_layer(layer)
    layer.selectAll()
    if not dock.submit(confirm=False):  # the question before spending is not this test's
        say(f"submit refused: {dock.submit_problems()}")
        return

    def quit_now():
        say(f"quitting QGIS mid-answer at {time.time():.3f}")
        _quit()

    QTimer.singleShot(2500, quit_now)


def _start():
    plugin = qgis.utils.plugins.get(PLUGIN)
    if plugin is None:
        QTimer.singleShot(500, _start)
        return
    _layout(plugin)
    _report_conventions(plugin)
    layer = iface.activeLayer()
    _quit_when_asked()
    if SCENARIO and layer is None:
        say("no sample layer")
        return
    if SCENARIO == "demo":
        demo(plugin, layer)
    elif SCENARIO == "restart-1":
        restart_1(plugin, layer)
    elif SCENARIO == "restart-2":
        restart_2(plugin, layer)
    elif SCENARIO == "drip-quit":
        drip_quit(plugin, layer)
    elif SCENARIO.startswith("issue"):  # scripts/desktop_scenarios.py (issue 12 and later)
        sys.path.insert(0, os.environ.get("PBT_SCRIPTS") or os.path.join(os.getcwd(), "scripts"))
        try:
            import desktop_scenarios

            desktop_scenarios.run(SCENARIO, plugin, layer, say=say, ready=_ready)
        except Exception:  # QGIS would only show it in a dialog: say it, and let run_qgis end
            import traceback

            say("scenario error: " + traceback.format_exc().replace("\n", " | "))
            _ready()
    else:
        layer.selectByIds([f.id() for f in layer.getFeatures()][:12])
        _ready()


QTimer.singleShot(1500, _start)
