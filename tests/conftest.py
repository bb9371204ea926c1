"""Shared fixtures. Loaded by pytest-qgis, which provides a QgsApplication and a fake iface."""

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

sys.path.insert(
    0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "scripts")
)
import plugin_path  # noqa: E402

plugin_path.ensure_importable()
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # tests/support.py

import pytest  # noqa: E402

QGIS_DATA = "/usr/share/qgis/resources/data"


@pytest.fixture(scope="session")
def qgis_data_dir():
    return QGIS_DATA


@pytest.fixture(scope="session")
def contributors_count(qgis_data_dir):
    """How many features QGIS's own contributors.json has: 63 with QGIS 3.22, 74 with 3.40.
    Tests read it from the data, so they mean the same on every QGIS version."""
    import json

    with open(os.path.join(qgis_data_dir, "contributors.json"), encoding="utf-8") as fh:
        return len(json.load(fh)["features"])


@pytest.fixture
def no_plugin_settings(monkeypatch):
    """No PL_API_KEY in the environment and no plugin settings, before and after the test."""
    from qgis.core import QgsSettings

    monkeypatch.delenv("PL_API_KEY", raising=False)
    QgsSettings().remove("planet_bulk_tasking")
    yield
    QgsSettings().remove("planet_bulk_tasking")


@pytest.fixture
def contributors(qgis_new_project, qgis_data_dir):
    """QGIS's contributors.json (points with names) loaded into the project."""
    from qgis.core import QgsProject, QgsVectorLayer

    layer = QgsVectorLayer(f"{qgis_data_dir}/contributors.json", "contributors", "ogr")
    assert layer.isValid()
    QgsProject.instance().addMapLayer(layer)
    return layer


@pytest.fixture(autouse=True)
def _fresh_endpoint_facts():
    """What a client learnt about an endpoint (id__in, bulk edit...) is kept per base URL for
    the session: a new sandbox may reuse an old one's port, so every test starts afresh."""
    from planet_bulk_tasking.core.tasking.facts import ENDPOINT_FACTS

    ENDPOINT_FACTS.forget()
    yield


@pytest.fixture
def make_sandbox():
    """Start sandboxes on free loopback ports; all are stopped at teardown."""
    from planet_bulk_tasking.sandbox import SandboxServer

    started = []

    def _make(**kw):
        kw.setdefault("rate_limit", 1000.0)
        kw.setdefault("processing_rate", 5000.0)
        srv = SandboxServer(**kw)
        srv.start()
        started.append(srv)
        return srv

    yield _make
    for srv in started:
        srv.stop()


@pytest.fixture
def sandbox(make_sandbox):
    return make_sandbox()


@pytest.fixture
def main_window(qgis_iface, monkeypatch):
    """A real QMainWindow behind pytest-qgis' iface, so docks are really placed and removed."""
    from qgis.PyQt.QtWidgets import QMainWindow

    window = QMainWindow()
    window.resize(1200, 800)
    monkeypatch.setattr(qgis_iface, "mainWindow", lambda: window)
    monkeypatch.setattr(qgis_iface, "addDockWidget", window.addDockWidget)
    monkeypatch.setattr(qgis_iface, "removeDockWidget", window.removeDockWidget)
    window.show()
    yield window
    window.close()
    window.deleteLater()


@pytest.fixture
def plugin_data_dir(tmp_path, monkeypatch):
    """The plugin's profile data folder (job store, practice sandbox) in a temporary place."""
    from planet_bulk_tasking.core import services

    path = tmp_path / "profile_data"
    monkeypatch.setattr(services, "default_data_dir", lambda: str(path))
    return path


@pytest.fixture
def loaded_plugin(qgis_iface, main_window, plugin_data_dir):
    """The plugin loaded as QGIS does: classFactory(iface), initGui(); unload() at teardown."""
    import planet_bulk_tasking
    from qgis.PyQt.QtCore import QCoreApplication

    plugin = planet_bulk_tasking.classFactory(qgis_iface)
    plugin.initGui()
    QCoreApplication.processEvents()  # QGIS's event loop: the provider and jobs start there
    yield plugin
    if plugin.action is not None:  # the test may have unloaded it already
        plugin.unload()


@pytest.fixture
def panel(qgis_iface):
    """A Results panel (the dock's Results tab on its own), shut down after the test."""
    from planet_bulk_tasking.ui.results_panel import ResultsPanel

    p = ResultsPanel(qgis_iface)
    yield p
    p.shutdown()
    p.deleteLater()


@pytest.fixture
def make_plugin_dock(qgis_iface, qgis_new_project, tmp_path):
    """A dock as plugin.initGui makes it: ``PlanetBulkTaskingDock(iface, services=...)`` on
    real PluginServices (job store, JobManager, practice sandbox) in a temporary data folder.
    ``make_plugin_dock(**services_kw)``; at teardown the dock and then the services shut
    down, as plugin.unload does, and every thread is joined."""
    from planet_bulk_tasking.core.services import PluginServices
    from planet_bulk_tasking.ui.dock import PlanetBulkTaskingDock
    from qgis.PyQt.QtCore import QCoreApplication

    made = []

    def _make(**services_kw):
        services = PluginServices(data_dir=str(tmp_path / f"plugin_data{len(made)}"), **services_kw)
        dock = PlanetBulkTaskingDock(qgis_iface, services=services)
        made.append((dock, services))
        return dock

    yield _make
    for dock, services in made:
        dock.shutdown()
        services.shutdown()
        assert not any(services.manager.is_running(j) for j in services.manager.jobs)
        assert not services.practice.running
        try:
            dock.deleteLater()
        except RuntimeError:  # the test deleted it already
            pass
    QCoreApplication.processEvents()
