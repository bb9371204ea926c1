"""The plugin's settings: the one module that reads and writes QgsSettings.

The plugin's own values live under ``planet_bulk_tasking/`` in the QGIS profile: the endpoint
choice, a custom URL, the id of the authentication configuration that holds the key (never the
key itself) and the last export folder. QGIS's own settings (locale, proxy) are only read.
"""

from typing import Any

from qgis.core import QgsSettings

from .identity import PLUGIN_ID

PREFIX = PLUGIN_ID + "/"

# the plugin's keys (under PREFIX)
ENDPOINT_MODE = "endpoint_mode"
CUSTOM_URL = "custom_url"
AUTHCFG = "authcfg"  # the id of a QGIS auth configuration, never the key
EXPORT_DIR = "export_dir"
WINDOW_DAYS = "window_days"  # default order window length, in days


def value(name: str, default: str = "", *, prefix: str = PREFIX) -> str:
    """A plugin setting as text ('' stored or missing -> default)."""
    stored = QgsSettings().value(prefix + name, default)
    return str(stored) if stored not in (None, "") else default


def set_value(name: str, text: str, *, prefix: str = PREFIX) -> None:
    QgsSettings().setValue(prefix + name, text)


def remove_all(prefix: str = PREFIX) -> None:
    """Forget every plugin setting (tests, a reset)."""
    QgsSettings().remove(prefix.rstrip("/"))


def qgis_settings() -> QgsSettings:
    """QGIS's own settings, to read (the proxy module reads a dozen keys at once)."""
    return QgsSettings()


def qgis_value(key: str, default: Any = None, value_type: type = str) -> Any:
    """One of QGIS's own settings, e.g. ``locale/userLocale``."""
    return QgsSettings().value(key, default, type=value_type)


def window_days(*, prefix: str = PREFIX) -> int:
    """The default window length in days (1..365; 14, the flexible minimum, when unset)."""
    from .targets.parameters import DEFAULT_WINDOW_DAYS, window_duration

    return window_duration(value(WINDOW_DAYS, str(DEFAULT_WINDOW_DAYS), prefix=prefix)).days
