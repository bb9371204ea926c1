"""Where the API key comes from: QGIS's encrypted auth database, else PL_API_KEY.

Settings hold only the id of the authentication configuration, never the key;
the key is read when a client is made and kept nowhere else.
"""

import os
from typing import Optional

from qgis.core import QgsApplication, QgsAuthMethodConfig

from . import settings

SETTINGS_PREFIX = settings.PREFIX
ENV_KEY = "PL_API_KEY"


def configured_authcfg() -> str:
    return settings.value(settings.AUTHCFG)


def key_from_authcfg(authcfg: str) -> Optional[str]:
    """The key stored as the Basic method's user name (Planet accepts it that way)."""
    if not authcfg:
        return None
    cfg = QgsAuthMethodConfig()
    ok = QgsApplication.authManager().loadAuthenticationConfig(authcfg, cfg, True)
    if isinstance(ok, tuple):  # some PyQGIS builds return (ok, cfg)
        ok, cfg = ok[0], ok[1]
    key = (cfg.config("username") or "").strip() if ok else ""
    return key or None


def configured_api_key(authcfg: Optional[str] = None) -> Optional[str]:
    authcfg = configured_authcfg() if authcfg is None else authcfg
    return key_from_authcfg(authcfg) or (os.environ.get(ENV_KEY, "").strip() or None)
