"""The plugin shell: loads, shows its action and dock, unloads without leftovers, reloads."""

import logging

from qgis.core import QgsApplication
from qgis.PyQt import sip
from qgis.PyQt.QtCore import QCoreApplication, QEvent, Qt
from qgis.PyQt.QtWidgets import QDockWidget


def _flush_deletes():
    QCoreApplication.sendPostedEvents(None, QEvent.DeferredDelete)
    QCoreApplication.processEvents()


def _our_log_handlers():
    from planet_bulk_tasking.core.log import LOGGER_NAME, QgsMessageLogHandler

    return [
        h for h in logging.getLogger(LOGGER_NAME).handlers if isinstance(h, QgsMessageLogHandler)
    ]


def test_init_gui_adds_one_action_to_web_menu_and_toolbar(loaded_plugin, qgis_iface):
    action = loaded_plugin.action
    assert action.objectName() == "PlanetBulkTaskingAction"
    assert action.text() == "Planet Bulk Tasking"
    assert action.isCheckable() and not action.icon().isNull()
    qgis_iface.addPluginToWebMenu.assert_called_with("Planet Bulk Tasking", action)
    qgis_iface.addWebToolBarIcon.assert_called_with(action)
    assert loaded_plugin.dock is None  # built on first use, so QGIS starts fast


def test_action_toggles_the_dock_on_the_right(loaded_plugin, main_window):
    loaded_plugin.action.trigger()
    dock = loaded_plugin.dock
    assert isinstance(dock, QDockWidget)
    assert dock.objectName() == "PlanetBulkTaskingDock"
    assert dock.windowTitle() == "Planet Bulk Tasking"
    assert main_window.dockWidgetArea(dock) == Qt.RightDockWidgetArea
    assert dock.isVisible()
    loaded_plugin.action.trigger()
    assert not dock.isVisible()
    dock.show()  # closing/opening the dock itself keeps the action in step
    assert loaded_plugin.action.isChecked()


def test_unload_removes_everything(loaded_plugin, qgis_iface, main_window):
    loaded_plugin.action.trigger()
    action, dock = loaded_plugin.action, loaded_plugin.dock
    loaded_plugin.unload()
    _flush_deletes()
    qgis_iface.removePluginWebMenu.assert_called_with("Planet Bulk Tasking", action)
    qgis_iface.removeWebToolBarIcon.assert_called_with(action)
    assert sip.isdeleted(action) and sip.isdeleted(dock)
    assert main_window.findChildren(QDockWidget) == []
    assert loaded_plugin.action is None and loaded_plugin.dock is None
    assert _our_log_handlers() == []


def test_load_unload_load_again_like_plugin_reloader(qgis_iface, main_window, plugin_data_dir):
    import planet_bulk_tasking

    for _ in range(3):
        plugin = planet_bulk_tasking.classFactory(qgis_iface)
        plugin.initGui()
        plugin.action.trigger()
        assert plugin.dock.isVisible() and plugin.dock.services is plugin.services
        assert (plugin_data_dir / "jobs.sqlite").exists()
        assert len(_our_log_handlers()) == 1
        assert len(main_window.findChildren(QDockWidget)) == 1
        plugin.unload()
        _flush_deletes()
        assert _our_log_handlers() == []
        assert main_window.findChildren(QDockWidget) == []


def test_python_logging_reaches_the_qgis_message_log_without_secrets(loaded_plugin):
    received = []

    def on_message(message, tag, level):
        received.append((tag, message))

    QgsApplication.messageLog().messageReceived.connect(on_message)
    try:
        logging.getLogger("planet_bulk_tasking.core.test").warning(
            "sent with header Authorization: api-key %s", "PLAK0123456789abcdef"
        )
    finally:
        QgsApplication.messageLog().messageReceived.disconnect(on_message)
    ours = [m for tag, m in received if tag == "Planet Bulk Tasking"]
    assert ours, received
    assert "PLAK0123456789abcdef" not in ours[-1]
    assert "api-key ***" in ours[-1]


def test_help_entry_and_shortcut_registration(loaded_plugin, qgis_iface):
    """Help > Plugins lists the plugin and opens its documentation; the action is registered
    for Settings > Keyboard Shortcuts; unload takes both back."""
    from planet_bulk_tasking.plugin import help_url
    from qgis.PyQt.QtCore import QObject, QUrl, pyqtSlot
    from qgis.PyQt.QtGui import QDesktopServices

    action, help_action = loaded_plugin.action, loaded_plugin.help_action
    qgis_iface.registerMainWindowAction.assert_called_with(action, "")
    help_menu = qgis_iface.pluginHelpMenu()
    help_menu.addAction.assert_called_with(help_action)
    assert help_action.text() == "Planet Bulk Tasking" and not help_action.icon().isNull()

    class Browser(QObject):  # Qt's own hook for URLs a program opens: no browser starts
        opened = []

        @pyqtSlot(QUrl)
        def open(self, url):
            self.opened.append(url.toString())

    browser = Browser()
    QDesktopServices.setUrlHandler("https", browser, "open")
    try:
        help_action.trigger()
    finally:
        QDesktopServices.unsetUrlHandler("https")
    assert browser.opened == [help_url()]
    assert help_url().startswith("https://")

    loaded_plugin.unload()
    qgis_iface.unregisterMainWindowAction.assert_called_with(action)
    help_menu.removeAction.assert_called_with(help_action)
    assert loaded_plugin.help_action is None
