"""Where the credentials come from: QGIS's encrypted auth database, else PL_API_KEY.

Settings hold only the id of the authentication configuration, never a secret;
credentials are read when a client is made and kept nowhere else.

Any QGIS authentication method works: QGIS's auth manager fills a
``QNetworkRequest`` for the configuration and its ``Authorization`` header is
sent as it is (``core.client.AuthHeaders``): Basic with a password, OAuth2
(``Bearer <token>``), or a header-based method. The one exception keeps what
the plugin always did: a **Basic** configuration with an **empty password**
holds a Planet API key as its user name, and that key is sent as
``Authorization: api-key <KEY>``.
"""

import logging
import os
from typing import Optional, Union

from qgis.core import QgsApplication, QgsAuthMethodConfig
from qgis.PyQt.QtCore import QUrl
from qgis.PyQt.QtNetwork import QNetworkRequest

from . import settings
from .tasking.api import PLANET_TASKING_URL
from .tasking.auth import AuthHeaders

log = logging.getLogger(__name__)

SETTINGS_PREFIX = settings.PREFIX
ENV_KEY = "PL_API_KEY"
AUTH_HEADER = "Authorization"

#: what a client is given: a Planet API key, or the headers an auth method made
Credential = Union[str, AuthHeaders]


class CredentialError(ValueError):
    """The configuration cannot give credentials; the message says why, in user words."""


def configured_authcfg() -> str:
    return settings.value(settings.AUTHCFG)


def _load_config(authcfg: str) -> QgsAuthMethodConfig:
    cfg = QgsAuthMethodConfig()
    ok = QgsApplication.authManager().loadAuthenticationConfig(authcfg, cfg, True)
    if isinstance(ok, tuple):  # some PyQGIS builds return (ok, cfg)
        ok, cfg = ok[0], ok[1]
    if not ok:
        raise CredentialError(
            f"The authentication configuration '{authcfg}' could not be read (unknown id, "
            "or the master password was not given)."
        )
    return cfg


def _is_key_config(cfg: QgsAuthMethodConfig) -> bool:
    """Basic, key as user name, empty password: the plugin's documented way to store a key."""
    return (cfg.method() or "Basic") == "Basic" and not (cfg.config("password") or "")


def headers_from_auth_manager(authcfg: str, url: str = PLANET_TASKING_URL) -> AuthHeaders:
    """Let QGIS's auth manager fill a request for ``url`` and copy its Authorization header."""
    request = QNetworkRequest(QUrl(url))
    result = QgsApplication.authManager().updateNetworkRequest(request, authcfg)
    ok, request = result if isinstance(result, tuple) else (result, request)
    value = bytes(request.rawHeader(AUTH_HEADER.encode())).decode("latin-1").strip()
    if not ok or not value:
        raise CredentialError(
            f"The authentication configuration '{authcfg}' did not give an Authorization "
            "header (its method may not support web requests, or signing in failed): use "
            "Basic, OAuth2 or a header-based configuration."
        )
    return AuthHeaders({AUTH_HEADER: value})


def credential_from_authcfg(authcfg: str, url: str = PLANET_TASKING_URL) -> Credential:
    """The key of a Basic key configuration, else the Authorization header QGIS makes for
    ``url`` with this configuration. Raises CredentialError (user words) when neither."""
    cfg = _load_config(authcfg)
    if _is_key_config(cfg):
        key = (cfg.config("username") or "").strip()
        if not key:
            raise CredentialError(
                f"The authentication configuration '{cfg.name() or authcfg}' has no user name: "
                "enter your Planet API key as the user name."
            )
        return key
    return headers_from_auth_manager(authcfg, url)


def key_from_authcfg(authcfg: str, url: str = PLANET_TASKING_URL) -> Optional[Credential]:
    """Like credential_from_authcfg, but None (logged) when the configuration gives nothing."""
    if not authcfg:
        return None
    try:
        return credential_from_authcfg(authcfg, url)
    except CredentialError as exc:
        log.warning("%s", exc)
        return None


def configured_api_key(
    authcfg: Optional[str] = None, url: str = PLANET_TASKING_URL
) -> Optional[Credential]:
    authcfg = configured_authcfg() if authcfg is None else authcfg
    return key_from_authcfg(authcfg, url) or (os.environ.get(ENV_KEY, "").strip() or None)
