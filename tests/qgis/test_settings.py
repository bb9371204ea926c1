"""The plugin's settings go through one module, core/settings.py (QgsSettings under
planet_bulk_tasking/), and never hold the key."""

import ast
import os

from planet_bulk_tasking.core import settings
from qgis.core import QgsSettings

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RUNTIME = ["plugin.py", "__init__.py", "core", "ui", "processing"]


def test_values_round_trip_under_the_plugin_prefix(no_plugin_settings):
    assert settings.value(settings.CUSTOM_URL) == ""
    assert settings.value(settings.ENDPOINT_MODE, "planet") == "planet"
    settings.set_value(settings.CUSTOM_URL, "http://127.0.0.1:8080/tasking/v2")
    settings.set_value(settings.EXPORT_DIR, "/tmp/exports")
    raw = QgsSettings()
    assert raw.value("planet_bulk_tasking/custom_url") == "http://127.0.0.1:8080/tasking/v2"
    assert settings.value(settings.EXPORT_DIR, "~") == "/tmp/exports"
    settings.set_value(settings.EXPORT_DIR, "")
    assert settings.value(settings.EXPORT_DIR, "~") == "~"  # empty means "not set"
    settings.remove_all()
    assert raw.value("planet_bulk_tasking/custom_url") is None


def test_other_prefix_and_qgis_own_settings(no_plugin_settings):
    settings.set_value(settings.AUTHCFG, "abc1234", prefix="pbt_test_prefix/")
    try:
        assert settings.value(settings.AUTHCFG, prefix="pbt_test_prefix/") == "abc1234"
        assert settings.value(settings.AUTHCFG) == ""
    finally:
        settings.remove_all("pbt_test_prefix/")
    assert settings.qgis_value("pbt/not/a/qgis/key", "fallback") == "fallback"


def _runtime_sources():
    for entry in RUNTIME:
        path = os.path.join(ROOT, entry)
        if os.path.isfile(path):
            yield path
        for dirpath, _dirs, files in os.walk(path) if os.path.isdir(path) else ():
            yield from (os.path.join(dirpath, f) for f in files if f.endswith(".py"))


def test_only_core_settings_touches_qgssettings():
    offenders = []
    for path in _runtime_sources():
        if path.endswith(os.path.join("core", "settings.py")):
            continue
        with open(path, encoding="utf-8") as fh:
            tree = ast.parse(fh.read(), path)
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id == "QgsSettings":
                offenders.append(f"{os.path.relpath(path, ROOT)}:{node.lineno}")
            elif isinstance(node, ast.alias) and node.name == "QgsSettings":
                offenders.append(f"{os.path.relpath(path, ROOT)}: imports QgsSettings")
    assert offenders == [], "use core/settings.py instead: " + ", ".join(offenders)
