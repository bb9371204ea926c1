"""Wiring only: the action, the Web menu entry, the Help entry, the dock, the translator and
logging."""

import configparser
import logging
import os
import tempfile

from qgis.PyQt.QtCore import QCoreApplication, Qt, QTimer, QTranslator, QUrl
from qgis.PyQt.QtGui import QDesktopServices, QIcon
from qgis.PyQt.QtWidgets import QAction

from .core import settings
from .core.identity import PLUGIN_ID, PLUGIN_NAME
from .core.log import setup_logging, teardown_logging

try:  # compiled from resources.qrc by `make build` on Qt5 (pyrcc5); Qt6 has no pyrcc, so
    from . import resources_rc  # noqa: F401  # the plugin never needs it: icons load by path
except ImportError:
    resources_rc = None

PLUGIN_DIR = os.path.dirname(os.path.abspath(__file__))
ICON_PATH = os.path.join(PLUGIN_DIR, "icons", "icon.svg")

log = logging.getLogger(__name__)


def plugin_icon() -> QIcon:
    return QIcon(ICON_PATH)


def help_url() -> str:
    """The plugin's documentation: metadata.txt's homepage (its README)."""
    meta = configparser.ConfigParser(interpolation=None)
    meta.read(os.path.join(PLUGIN_DIR, "metadata.txt"), encoding="utf-8")
    return meta.get("general", "homepage", fallback="")


def tr(text: str) -> str:
    return QCoreApplication.translate("PlanetBulkTaskingPlugin", text)


class PlanetBulkTaskingPlugin:
    """What QGIS loads through classFactory(iface)."""

    def __init__(self, iface):
        self.iface = iface
        self.action = None
        self.help_action = None
        self.dock = None
        self._services = None
        self._start_pending = False  # initGui done, services and provider not yet
        self.provider = None
        self.translator = self._install_translator()

    # -- QGIS plugin interface ---------------------------------------------------
    def initProcessing(self):  # noqa: N802 (QGIS's name; qgis_process calls only this)
        from qgis.core import QgsApplication

        from .processing.provider import PlanetBulkTaskingProvider

        if self.provider is None:
            self.provider = PlanetBulkTaskingProvider(lambda: self.services, plugin_icon())
            QgsApplication.processingRegistry().addProvider(self.provider)

    @property
    def services(self):
        if self._start_pending:  # asked for before the event loop came round: now
            self._finish_start()
        return self._services

    @services.setter
    def services(self, value):
        self._services = value

    def initGui(self):  # noqa: N802 (QGIS's name)
        setup_logging()
        self.menu_name = tr("Planet Bulk Tasking")
        self.action = QAction(plugin_icon(), tr("Planet Bulk Tasking"), self.iface.mainWindow())
        self.action.setObjectName("PlanetBulkTaskingAction")
        self.action.setCheckable(True)
        self.action.setToolTip(tr("Submit the selected features as Planet tasking orders"))
        self.action.toggled.connect(self.set_dock_visible)
        self.iface.addPluginToWebMenu(self.menu_name, self.action)
        self.iface.addWebToolBarIcon(self.action)
        # listed in Settings > Keyboard Shortcuts, so users can give it one
        self.iface.registerMainWindowAction(self.action, "")
        self._add_help_entry()
        # The provider and the job services import the HTTP stack (requests, the manager:
        # ~100 ms): done on the event loop's first turn, not inside QGIS's start
        self._start_pending = True
        QTimer.singleShot(0, self._finish_start)
        log.info("%s loaded", PLUGIN_NAME)

    def _finish_start(self):
        if not self._start_pending:
            return  # done already, or unloaded before the timer fired
        self._start_pending = False
        self.initProcessing()
        self._start_services()

    def unload(self):
        self._start_pending = False
        if self.provider is not None:
            from qgis.core import QgsApplication

            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
        if self.dock is not None:
            self.dock.shutdown()  # disconnects; the jobs are the services' (below)
            self.dock.visibilityChanged.disconnect(self._dock_visibility_changed)
            self.iface.removeDockWidget(self.dock)
            self.dock.setParent(None)
            self.dock.deleteLater()
            self.dock = None
        if self.services is not None:
            self.services.shutdown()  # joins the job, monitor and action threads
            self.services = None
        self._remove_help_entry()
        if self.action is not None:
            self.iface.unregisterMainWindowAction(self.action)
            self.action.toggled.disconnect(self.set_dock_visible)
            self.iface.removePluginWebMenu(self.menu_name, self.action)
            self.iface.removeWebToolBarIcon(self.action)
            self.action.deleteLater()
            self.action = None
        if self.translator is not None:
            QCoreApplication.removeTranslator(self.translator)
            self.translator = None
        teardown_logging()

    # -- help ----------------------------------------------------------------------
    def _add_help_entry(self):
        """Help > Plugins > Planet Bulk Tasking: the documentation in the browser."""
        self.help_action = QAction(
            plugin_icon(), tr("Planet Bulk Tasking"), self.iface.mainWindow()
        )
        self.help_action.setObjectName("PlanetBulkTaskingHelpAction")
        self.help_action.triggered.connect(self.show_help)
        self.iface.pluginHelpMenu().addAction(self.help_action)

    def _remove_help_entry(self):
        if self.help_action is None:
            return
        self.iface.pluginHelpMenu().removeAction(self.help_action)
        self.help_action.triggered.disconnect(self.show_help)
        self.help_action.deleteLater()
        self.help_action = None

    def show_help(self):
        QDesktopServices.openUrl(QUrl(help_url()))

    # -- dock --------------------------------------------------------------------
    def set_dock_visible(self, visible: bool):
        if visible and self.dock is None:
            self._create_dock()
        if self.dock is not None:
            self.dock.setVisible(visible)
            if visible:
                self.dock.raise_()

    def _create_dock(self):
        # Built on first use, so QGIS starts fast.
        from .ui.dock import PlanetBulkTaskingDock

        if self.services is None:  # no job store at all: _start_services logged why
            log.error("%s: no job store, the dock cannot open", PLUGIN_NAME)
            return
        self.dock = PlanetBulkTaskingDock(
            self.iface, self.iface.mainWindow(), services=self.services
        )
        self.dock.visibilityChanged.connect(self._dock_visibility_changed)
        self.iface.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)

    def _dock_visibility_changed(self, visible: bool):
        if self.action is not None and self.action.isChecked() != visible:
            self.action.setChecked(visible)

    # -- jobs ----------------------------------------------------------------------
    def _start_services(self):
        """Jobs outlive the dock: unfinished ones resume at start, dock open or not."""
        from .core.services import PluginServices

        try:
            self.services = PluginServices()
        except Exception:  # an unreadable profile folder must not break QGIS's start
            log.exception("Could not open the job store; jobs will not be saved")
            try:  # the dock still works, its jobs kept in a temporary folder this session
                self.services = PluginServices(data_dir=tempfile.mkdtemp(prefix=PLUGIN_ID + "-"))
            except Exception:
                log.exception("Could not open a temporary job store either")
                self.services = None
                return
        self.services.start()

    # -- translations ------------------------------------------------------------
    @staticmethod
    def _install_translator():
        locale = (settings.qgis_value("locale/userLocale", "") or "")[0:2]
        path = os.path.join(PLUGIN_DIR, "i18n", f"{PLUGIN_ID}_{locale}.qm")
        if not locale or not os.path.exists(path):
            return None
        translator = QTranslator()
        if not translator.load(path):
            return None
        QCoreApplication.installTranslator(translator)
        return translator
