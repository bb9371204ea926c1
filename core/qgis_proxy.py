"""QGIS's proxy settings (Settings > Options > Network) as a requests ``proxies`` dict.

The HTTP client cannot import QGIS, so the plugin calls this on the main thread
and hands the result to ``TaskingClient(proxies=...)``.

Keys read (the ones QgsNetworkAccessManager::setupDefaultProxyAndCache reads in
QGIS 3.22): ``proxy/proxyEnabled``, ``proxy/proxyType``, ``proxy/proxyHost``,
``proxy/proxyPort``, ``proxy/proxyUser``, ``proxy/proxyPassword``,
``proxy/proxyExcludedUrls`` (plus ``proxy/noProxyUrls`` of later versions and
``proxy/authcfg`` for credentials kept in the QGIS authentication database).
"""

from typing import Dict, List, Optional
from urllib.parse import quote, urlsplit

NO_PROXY = {"http": None, "https": None, "all": None}


def _as_list(value) -> List[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        items = [str(v) for v in value]
    else:
        items = str(value).replace("\n", "|").split("|")
    return [i.strip() for i in items if i and i.strip()]


def _no_proxy_hosts(entries: List[str]) -> List[str]:
    """QGIS stores URL prefixes ("https://intranet.example.com/"); requests wants hosts."""
    hosts = []
    for e in entries:
        host = urlsplit(e).hostname if "://" in e else e.split("/", 1)[0].split(":", 1)[0]
        if host and host not in hosts:
            hosts.append(host)
    return hosts


def _auth_config_credentials(authcfg: str):
    try:
        from qgis.core import QgsApplication, QgsAuthMethodConfig

        cfg = QgsAuthMethodConfig()
        manager = QgsApplication.authManager()
        if manager is None or not manager.loadAuthenticationConfig(authcfg, cfg, True):
            return "", ""
        return cfg.config("username", ""), cfg.config("password", "")
    except Exception:  # the auth database may be locked or absent: no credentials
        return "", ""


def proxies_from_qgis_settings(settings=None) -> Optional[Dict[str, Optional[str]]]:
    """``{"http": url, "https": url[, "no_proxy": "h1,h2"]}``, or None.

    None: the proxy is off or set to "Default proxy" -- the environment
    (HTTP(S)_PROXY, NO_PROXY) and the system settings then apply through requests.
    "No proxy" gives ``{"http": None, "https": None, "all": None}``: no proxy even if
    the environment names one.
    """
    from .settings import qgis_settings

    s = settings if settings is not None else qgis_settings()
    if not s.value("proxy/proxyEnabled", False, type=bool):
        return None
    kind = str(s.value("proxy/proxyType", "", type=str) or "").strip()
    if kind == "NoProxy":
        return dict(NO_PROXY)
    if kind in ("", "DefaultProxy", "FtpCachingProxy"):
        return None
    host = str(s.value("proxy/proxyHost", "", type=str) or "").strip()
    if not host:
        return None
    port = str(s.value("proxy/proxyPort", "", type=str) or "").strip()
    user = str(s.value("proxy/proxyUser", "", type=str) or "")
    password = str(s.value("proxy/proxyPassword", "", type=str) or "")
    authcfg = str(s.value("proxy/authcfg", "", type=str) or "").strip()
    if authcfg and not user:
        user, password = _auth_config_credentials(authcfg)

    scheme = "socks5h" if kind == "Socks5Proxy" else "http"  # HttpProxy, HttpCachingProxy
    auth = ""
    if user:
        auth = quote(user, safe="")
        if password:
            auth += ":" + quote(password, safe="")
        auth += "@"
    netloc = f"[{host}]" if ":" in host and not host.startswith("[") else host
    url = f"{scheme}://{auth}{netloc}" + (f":{port}" if port and port != "0" else "")
    proxies: Dict[str, Optional[str]] = {"http": url, "https": url}
    excluded = _as_list(s.value("proxy/proxyExcludedUrls", [])) + _as_list(
        s.value("proxy/noProxyUrls", [])
    )
    hosts = _no_proxy_hosts(excluded)
    if hosts:
        proxies["no_proxy"] = ",".join(hosts)
    return proxies
