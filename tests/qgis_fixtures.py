"""Fixtures that need QGIS (layers, settings, the iface, widgets): tests/qgis, tests/ui and
tests/desktop load them through their conftest.py; tests/unit never does."""

import pytest


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
