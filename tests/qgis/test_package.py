"""`make package` builds a ZIP that installs into a QGIS profile and loads from there."""

import configparser
import os
import subprocess
import sys
import textwrap
import zipfile

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture(scope="module")
def plugin_zip(tmp_path_factory):
    if not os.path.exists(os.path.join(ROOT, "resources_rc.py")):
        subprocess.run(["pyrcc5", "-o", "resources_rc.py", "resources.qrc"], cwd=ROOT, check=True)
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run(
        [sys.executable, os.path.join(ROOT, "scripts", "package.py"), "--out", str(out)],
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip()


def test_zip_holds_only_runtime_files_under_the_plugin_id(plugin_zip):
    names = zipfile.ZipFile(plugin_zip).namelist()
    assert all(n.startswith("planet_bulk_tasking/") for n in names)
    for required in (
        "__init__.py",
        "plugin.py",
        "metadata.txt",
        "LICENSE",
        "resources_rc.py",
        "icons/icon.svg",
        "core/model/job.py",
    ):
        assert f"planet_bulk_tasking/{required}" in names
    for forbidden in (
        "tests/",
        "bench/",
        ".ci/",
        "scripts/",
        "docs/",
        "__pycache__",
        ".venv",
        "Makefile",
        "pyproject.toml",
        ".git",
    ):
        assert not [n for n in names if forbidden in n], forbidden


def test_metadata_is_complete_for_the_plugin_repository(plugin_zip):
    meta = configparser.ConfigParser()
    meta.read_string(zipfile.ZipFile(plugin_zip).read("planet_bulk_tasking/metadata.txt").decode())
    general = meta["general"]
    for key in (
        "name",
        "qgisMinimumVersion",
        "description",
        "about",
        "version",
        "author",
        "email",
        "homepage",
        "repository",
        "tracker",
        "tags",
        "icon",
        "experimental",
        "changelog",
    ):
        assert general.get(key, "").strip(), key
    assert general["qgisMinimumVersion"] == "3.22"
    assert general["name"] == "Planet Bulk Tasking"
    assert f"planet_bulk_tasking/{general['icon']}" in zipfile.ZipFile(plugin_zip).namelist()


def test_zip_installs_into_a_profile_and_loads_like_qgis_does(plugin_zip, tmp_path):
    plugins_dir = tmp_path / "profiles" / "default" / "python" / "plugins"
    plugins_dir.mkdir(parents=True)
    zipfile.ZipFile(plugin_zip).extractall(plugins_dir)
    # A fresh interpreter, so nothing from this test session's import path can be picked up.
    script = textwrap.dedent(
        f"""
        import os, sys
        from qgis.core import QgsApplication
        from qgis.PyQt.QtCore import QFile
        app = QgsApplication([], True)
        app.initQgis()
        import qgis.utils
        from qgis.gui import QgsMapCanvas, QgsMessageBar
        from qgis.PyQt.QtCore import QObject, pyqtSignal
        from qgis.PyQt.QtWidgets import QMainWindow, QMenu, QToolBar

        class Iface(QObject):
            # the part of QgisInterface a plugin's load and unload use, on a real main window
            currentLayerChanged = pyqtSignal(object)
            def __init__(self):
                super().__init__()
                self.window = QMainWindow()
                self.web_menu = self.window.menuBar().addMenu("Web")
                self.toolbar = self.window.addToolBar("Web")
                self.canvas = QgsMapCanvas(self.window)
                self.window.setCentralWidget(self.canvas)
                self.bar = QgsMessageBar(self.window)
                self.submenus = {{}}
                self.help_menu = self.window.menuBar().addMenu("Help")
                self.shortcut_actions = []
            def mainWindow(self): return self.window
            def pluginHelpMenu(self): return self.help_menu
            def registerMainWindowAction(self, action, key):
                self.shortcut_actions.append(action)
                return True
            def unregisterMainWindowAction(self, action):
                self.shortcut_actions.remove(action)
                return True
            def mapCanvas(self): return self.canvas
            def messageBar(self): return self.bar
            def activeLayer(self): return None
            def addPluginToWebMenu(self, name, action):
                menu = self.submenus.setdefault(name, self.web_menu.addMenu(name))
                menu.addAction(action)
            def removePluginWebMenu(self, name, action):
                menu = self.submenus[name]
                menu.removeAction(action)
                if not menu.actions():
                    self.web_menu.removeAction(self.submenus.pop(name).menuAction())
            def addWebToolBarIcon(self, action): self.toolbar.addAction(action)
            def removeWebToolBarIcon(self, action): self.toolbar.removeAction(action)
            def addDockWidget(self, area, dock): self.window.addDockWidget(area, dock)
            def removeDockWidget(self, dock): self.window.removeDockWidget(dock)

        iface = qgis.utils.iface = Iface()
        parent = iface.window
        parent.show()
        qgis.utils.plugin_paths = [{str(plugins_dir)!r}]
        sys.path.insert(0, {str(plugins_dir)!r})
        qgis.utils.updateAvailablePlugins()
        assert "planet_bulk_tasking" in qgis.utils.available_plugins, qgis.utils.available_plugins
        assert qgis.utils.loadPlugin("planet_bulk_tasking")
        assert qgis.utils.startPlugin("planet_bulk_tasking")
        mod = sys.modules["planet_bulk_tasking"]
        assert mod.__file__.startswith({str(plugins_dir)!r}), mod.__file__
        assert QFile.exists(":/plugins/planet_bulk_tasking/icons/icon.svg")
        plugin = qgis.utils.plugins["planet_bulk_tasking"]
        assert [a.text() for a in iface.toolbar.actions()] == ["Planet Bulk Tasking"]
        assert list(iface.submenus) == ["Planet Bulk Tasking"]
        assert [a.text() for a in iface.help_menu.actions()] == ["Planet Bulk Tasking"]
        assert iface.shortcut_actions == [plugin.action]
        plugin.action.trigger()
        assert plugin.dock is not None and plugin.dock.isVisible()
        assert qgis.utils.unloadPlugin("planet_bulk_tasking")
        assert iface.toolbar.actions() == [] and iface.submenus == {{}}
        assert iface.help_menu.actions() == [] and iface.shortcut_actions == []
        print("LOADED FROM", os.path.dirname(mod.__file__))
        app.exitQgis()
        """
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("PYTHONPATH", None)
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=str(tmp_path),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"LOADED FROM {plugins_dir}/planet_bulk_tasking" in done.stdout
