# Real-QGIS scenarios for issue 12 (the dock's real-use defects), run inside QGIS by
# scripts/qgis_startup.py when PBT_SCENARIO starts with "issue12". The plugin is the one
# installed from the ZIP; the widgets are driven with QTest mouse clicks, and the real
# confirmation dialog is answered by clicking its buttons. Each check prints
#   pbt-check: <name>: ok            or            pbt-check: <name>: FAILED <why>
# (tests/desktop/test_qgis_desktop_issue12.py reads them). Screenshots go to PBT_ARTIFACTS.
#   issue12-a  ask before spending (dialog, live orders left out), filters vs the map
#              selection, preview out of date, Compose per layer / never the result layer
#   issue12-b  cancel 5 s into a multi-bulk job against a slow standalone sandbox: what
#              the dock says, then "Cancel these orders"
import os
import random
import time
import traceback

from qgis.core import QgsFeature, QgsGeometry, QgsPointXY, QgsProject, QgsVectorLayer
from qgis.PyQt.QtCore import Qt, QTimer
from qgis.PyQt.QtTest import QTest
from qgis.PyQt.QtWidgets import QApplication, QMessageBox
from qgis.utils import iface

ARTIFACTS = os.environ.get("PBT_ARTIFACTS") or os.path.join(os.getcwd(), "artifacts")
_say = print
FAILED = []
_DRIVERS = []


def check(name, ok, detail=""):
    if ok:
        _say(f"pbt-check: {name}: ok")
    else:
        FAILED.append(name)
        _say(f"pbt-check: {name}: FAILED {detail}")


def shot(widget, name):
    os.makedirs(ARTIFACTS, exist_ok=True)
    path = os.path.join(ARTIFACTS, name)
    widget.grab().save(path)
    _say(f"pbt-shot: {path}")


def click(widget):
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton)


def later(fn, ms=0):
    """Do it from the event loop: a click that opens a modal dialog must not run inside
    the scenario's generator (the dialog's own loop resumes the scenario)."""
    QTimer.singleShot(ms, fn)


class Driver:
    """Runs a generator of steps: it yields a number (wait that many ms) or a condition
    (wait until it holds, 90 s at most)."""

    def __init__(self, steps, done):
        self.steps, self.done = steps, done

    def start(self):
        later(self._next)

    def _next(self):
        try:
            what = next(self.steps)
        except StopIteration:
            self.done()
            return
        except Exception:
            check("scenario", False, traceback.format_exc().replace("\n", " | "))
            self.done()
            return
        if callable(what):
            self._wait(what, time.monotonic() + 90)
        else:
            later(self._next, int(what))

    def _wait(self, cond, deadline):
        try:
            ok = cond()
        except Exception:
            ok = False
        if ok:
            later(self._next)
        elif time.monotonic() > deadline:
            shown = [
                f"{type(w).__name__}:{w.windowTitle()!r}"
                for w in QApplication.topLevelWidgets()
                if w.isVisible()
            ]
            modal = QApplication.activeModalWidget()
            check(
                "wait",
                False,
                f"timed out at line {self.steps.gi_frame.f_lineno if self.steps.gi_frame else '?'}"
                f"; modal={type(modal).__name__ if modal else None}; windows={shown}",
            )
            self.done()
        else:
            later(lambda: self._wait(cond, deadline), 100)


def modal_box():
    box = QApplication.activeModalWidget()
    return box if isinstance(box, QMessageBox) else None


def box_button(box, starts):
    return next(b for b in box.buttons() if b.text().startswith(starts))


def sandbox(**kw):
    from planet_bulk_tasking.sandbox import SandboxServer

    srv = SandboxServer(rate_limit=1000.0, **kw)
    srv.start()
    return srv


def server_orders(srv):
    from planet_bulk_tasking.core.tasking.client import TaskingClient

    with TaskingClient(srv.base_url, "sandbox-key") as client:
        return list(client.iter_orders())


def random_points(n, name):
    layer = QgsVectorLayer("Point?crs=EPSG:3857&field=name:string", name, "memory")
    rnd = random.Random(12)
    feats = []
    for i in range(n):
        f = QgsFeature(layer.fields())
        f.setAttributes([f"pt {i}"])
        x, y = rnd.uniform(-8e6, 8e6), rnd.uniform(-5e6, 6e6)
        f.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(x, y)))
        feats.append(f)
    layer.dataProvider().addFeatures(feats)
    QgsProject.instance().addMapLayer(layer)
    return layer


# -- issue12-a ---------------------------------------------------------------------------------
def scenario_a(plugin, layer, state):
    from planet_bulk_tasking.ui import settings_panel
    from planet_bulk_tasking.ui.results_proxy import ResultsProxy

    dock = plugin.dock
    # orders move at real speed: they stay live (not fulfilled) while the scenario runs
    srv = state["srv"] = sandbox(processing_rate=2000.0, order_clock=1.0)
    os.environ["PL_API_KEY"] = "sandbox-key"
    window = iface.mainWindow()
    # the dock at its narrowest: every tab readable
    window.resizeDocks([dock], [dock.widget().minimumWidth()], Qt.Orientation.Horizontal)
    yield 800
    bar = dock.tabs.tabBar()
    right = max(bar.tabRect(i).right() for i in range(bar.count()))
    check("13 tabs fit at the narrowest dock", right <= dock.tabs.width(), f"{right}")
    shot(window, "issue12_dock_default_width.png")
    window.resizeDocks([dock], [640], Qt.Orientation.Horizontal)
    dock.tabs.setCurrentIndex(dock.TAB_SETTINGS)
    dock.settings.set_mode(settings_panel.MODE_CUSTOM, srv.base_url)
    dock.tabs.setCurrentIndex(dock.TAB_COMPOSE)
    dock.compose.set_layer(layer)
    dock.compose.name_widget.setExpression("\"Name\" || ' (issue 12)'")
    layer.selectByIds(list(range(1, 21)))
    yield 300

    # 2: the question before spending; "Don't send" sends nothing
    later(lambda: click(dock.submit_button))
    yield lambda: modal_box() is not None
    box = modal_box()
    text = box.text()
    check(
        "2 the question says what is sent",
        "Send 20 orders to" in text and srv.base_url in text and "UTC" in text,
        text,
    )
    shot(box, "issue12_confirm_dialog.png")
    click(box_button(box, "Don't send"))
    yield lambda: modal_box() is None
    yield 500
    check("2 nothing sent without a yes", not server_orders(srv), "orders exist")
    # Preview, then send for real
    click(dock.preview_button)
    yield 200
    check("5 preview fresh", not dock.preview_panel.is_stale())
    later(lambda: click(dock.submit_button))
    yield lambda: modal_box() is not None
    click(box_button(modal_box(), "Send 20"))
    ended = state["ended"] = []
    dock.job_ended.connect(lambda job_id, how: ended.append(how))
    yield lambda: ended
    check("2 twenty orders created", len(server_orders(srv)) == 20, f"{len(server_orders(srv))}")
    summary = dock.preview_panel.summary_label.text()
    check(
        "5 preview out of date after sending",
        dock.preview_panel.is_stale() and "This was sent" in summary,
        summary,
    )

    # 1: filters only filter the table
    layer.selectAll()
    yield 300
    n = layer.selectedFeatureCount()
    counts = []
    for name in (
        ResultsProxy.FILTER_SUCCEEDED,
        ResultsProxy.FILTER_FAILED,
        ResultsProxy.FILTER_SKIPPED,
        ResultsProxy.FILTER_ALL,
    ):
        click(dock.results.filter_buttons[name])
        yield 300
        counts.append(layer.selectedFeatureCount())
    check("1 filters leave the map selection alone", counts == [n] * 4, f"{n} -> {counts}")
    shot(window, "issue12_results_after_job.png")

    # 5: a selection change marks the preview out of date
    dock.tabs.setCurrentIndex(dock.TAB_COMPOSE)
    click(dock.preview_button)
    yield 200
    layer.selectByIds(list(range(1, 31)))
    yield 200
    check("5 preview out of date after a selection change", dock.preview_panel.is_stale())

    # 2: 30 features, 20 of them ordered: leave those out
    ended.clear()
    later(lambda: click(dock.submit_button))
    yield lambda: modal_box() is not None
    text = modal_box().text()
    final = ("FULFILLED", "EXPIRED", "CANCELLED", "REJECTED", "FAILED")
    live = sum(1 for o in server_orders(srv) if o["status"] not in final)
    check(
        "2 live orders counted",
        live > 0 and f"{live} of these features already have live orders" in text,
        f"{live} live: {text}",
    )
    shot(modal_box(), "issue12_confirm_live_orders.png")
    click(box_button(modal_box(), "Leave out the"))
    yield lambda: ended
    orders = server_orders(srv)
    check(
        "2 left out: nothing ordered twice",
        len(orders) == 20 + 30 - live,
        f"{len(orders)} orders, {live} left out",
    )

    # 6: the form per layer; never the result layer
    other = random_points(50, "other points")
    dock.tabs.setCurrentIndex(dock.TAB_COMPOSE)
    iface.setActiveLayer(other)
    yield 300
    expression_other = dock.compose.name_widget.expression()
    iface.setActiveLayer(layer)
    yield 300
    check(
        "6 name expression kept per layer",
        dock.compose.layer() is layer
        and dock.compose.name_widget.expression() == "\"Name\" || ' (issue 12)'"
        and expression_other == '"name"',
        f"{dock.compose.name_widget.expression()!r} / {expression_other!r}",
    )
    dock.tabs.setCurrentIndex(dock.TAB_RESULTS)
    added = []  # the result layer is written on its own thread: wait for it, not a delay
    dock.results.result_layer_added.connect(added.append)
    click(dock.results.layer_button)
    yield lambda: added
    result = next(
        (
            lyr
            for lyr in QgsProject.instance().mapLayers().values()
            if lyr.customProperty("planet_bulk_tasking/job_id")
        ),
        None,
    )
    iface.setActiveLayer(result)
    yield 300
    check(
        "6 compose never targets the result layer",
        result is not None and dock.compose.layer() is layer,
        f"{dock.compose.layer().name() if dock.compose.layer() else None}",
    )


# -- issue12-b ---------------------------------------------------------------------------------
def scenario_b(plugin, layer, state):
    from planet_bulk_tasking.core.model.job import ChunkState
    from planet_bulk_tasking.ui import settings_panel

    dock = plugin.dock
    srv = state["srv"] = sandbox(processing_rate=1500.0)
    srv.set_faults(latency=0.6)
    os.environ["PL_API_KEY"] = "sandbox-key"
    many = random_points(4500, "random points")
    dock.settings.set_mode(settings_panel.MODE_CUSTOM, srv.base_url)
    dock.compose.set_layer(many)
    many.selectAll()
    dock.tabs.setCurrentIndex(dock.TAB_COMPOSE)
    yield 300
    ended = []
    dock.job_ended.connect(lambda job_id, how: ended.append(how))
    later(lambda: click(dock.submit_button))
    yield lambda: modal_box() is not None
    click(box_button(modal_box(), "Send 4,500"))
    yield (
        lambda: (
            dock.results.job() is not None
            and any(c.state == ChunkState.ACCEPTED for c in dock.results.job().chunks)
        )
    )
    job = dock.results.job()
    click(dock.results.progress.cancel_button)
    yield lambda: ended
    text = dock.notices.last_text
    accepted = sum(c.state in (ChunkState.ACCEPTED, ChunkState.COMPLETE) for c in job.chunks)
    check(
        "3 cancel says what Planet accepted",
        f"Planet had already accepted {accepted} bulk request" in text
        and "not sent" in text
        and "0 orders created" not in text,
        text,
    )
    never_posted = sum(len(c.target_keys) for c in job.chunks if c.state == ChunkState.NEW)
    chip = dock.results.progress._chips["unsent"].text()
    check(
        "3 the Not sent tile agrees with the words",
        f">{never_posted}<" in chip and f"{never_posted:,} orders were not sent" in text,
        f"{never_posted} / {chip} / {text}",
    )
    state_text = dock.results.progress.state_label.text()
    check(
        "3 header no longer claims everything was accepted",
        "Sending cancelled" in state_text and "accepted; waiting" not in state_text,
        state_text,
    )
    check(
        "3 offers to cancel these orders",
        dock.notices.last_button is not None
        and dock.notices.last_button.text() == "Cancel these orders",
    )
    shot(iface.mainWindow(), "issue12_cancel_truth.png")
    later(lambda: click(dock.notices.last_button))
    yield lambda: modal_box() is not None
    shot(modal_box(), "issue12_cancel_these_orders.png")
    click(modal_box().button(QMessageBox.StandardButton.Yes))
    yield lambda: not dock.manager.is_running(job.job_id) and job.state == "cancelled"
    live = ("RECEIVED", "REQUESTED", "PENDING", "IN_PROGRESS", "FINALIZING")

    def none_live():
        return not any(o["status"] in live for o in server_orders(srv))

    yield none_live
    orders = server_orders(srv)
    check(
        "3 the accepted orders were cancelled",
        orders and sum(o["status"] == "CANCELLED" for o in orders) > 0 and none_live(),
        f"{len(orders)} orders",
    )


SCENARIOS = {"issue12-a": scenario_a, "issue12-b": scenario_b}


def run(name, plugin, layer, say, ready):
    """Start scenario ``name``; calls ready() at the end (the runner's screenshot)."""
    global _say
    _say = say
    state = {}

    def done():
        # QGIS 3.22 may crash at exit when the active layer changes while QgisApp is being
        # destroyed (QgisApp::setMapStyleDockLayer); leave the project with its one layer
        own = [lyr.id() for lyr in QgsProject.instance().mapLayers().values() if lyr is not layer]
        iface.setActiveLayer(layer)
        QgsProject.instance().removeMapLayers(own)
        srv = state.get("srv")
        _say(f"pbt-scenario-end: {name} failed={FAILED}")
        if srv is not None:
            later(srv.stop, 1500)
        ready(2000)

    driver = Driver(SCENARIOS[name](plugin, layer, state), done)
    _DRIVERS.append(driver)  # PyQt keeps only weak references to bound-method slots
    driver.start()
    return True
