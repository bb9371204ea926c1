"""proxies_from_qgis_settings: QGIS's Settings > Options > Network proxy as a requests dict."""

import pytest
from planet_bulk_tasking.core.qgis_proxy import proxies_from_qgis_settings
from planet_bulk_tasking.core.tasking.client import TaskingClient
from qgis.core import QgsSettings

KEYS = (
    "proxy/proxyEnabled",
    "proxy/proxyType",
    "proxy/proxyHost",
    "proxy/proxyPort",
    "proxy/proxyUser",
    "proxy/proxyPassword",
    "proxy/proxyExcludedUrls",
    "proxy/noProxyUrls",
    "proxy/authcfg",
)


@pytest.fixture
def settings():
    """The real QgsSettings, restored afterwards."""
    s = QgsSettings()
    saved = {k: s.value(k) for k in KEYS if s.contains(k)}
    for k in KEYS:
        s.remove(k)
    yield s
    for k in KEYS:
        s.remove(k)
    for k, v in saved.items():
        s.setValue(k, v)


def test_disabled_or_default_proxy_gives_none(settings):
    assert proxies_from_qgis_settings() is None
    settings.setValue("proxy/proxyEnabled", False)
    settings.setValue("proxy/proxyType", "HttpProxy")
    settings.setValue("proxy/proxyHost", "proxy.example.com")
    assert proxies_from_qgis_settings() is None
    settings.setValue("proxy/proxyEnabled", True)
    settings.setValue("proxy/proxyType", "DefaultProxy")  # system / environment proxy
    assert proxies_from_qgis_settings() is None


def test_http_proxy_with_credentials_and_exclusions(settings):
    settings.setValue("proxy/proxyEnabled", True)
    settings.setValue("proxy/proxyType", "HttpProxy")
    settings.setValue("proxy/proxyHost", "proxy.example.com")
    settings.setValue("proxy/proxyPort", "3128")
    settings.setValue("proxy/proxyUser", "me@corp")
    settings.setValue("proxy/proxyPassword", "p:ss/w")
    settings.setValue(
        "proxy/proxyExcludedUrls", ["https://intranet.example.com/", "http://10.1.2.3:8080"]
    )
    proxies = proxies_from_qgis_settings()
    url = "http://me%40corp:p%3Ass%2Fw@proxy.example.com:3128"
    assert proxies == {
        "http": url,
        "https": url,
        "no_proxy": "intranet.example.com,10.1.2.3",
    }


def test_string_exclusions_socks_and_no_proxy(settings):
    settings.setValue("proxy/proxyEnabled", True)
    settings.setValue("proxy/proxyType", "Socks5Proxy")
    settings.setValue("proxy/proxyHost", "socks.example.com")
    settings.setValue("proxy/proxyPort", "1080")
    settings.setValue("proxy/proxyExcludedUrls", "http://www.myhost.com|http://www.other.com")
    proxies = proxies_from_qgis_settings()
    assert proxies["https"] == "socks5h://socks.example.com:1080"
    assert proxies["no_proxy"] == "www.myhost.com,www.other.com"
    settings.setValue("proxy/proxyType", "HttpCachingProxy")
    settings.remove("proxy/proxyPort")
    assert proxies_from_qgis_settings()["https"] == "http://socks.example.com"
    settings.setValue("proxy/proxyType", "NoProxy")
    assert proxies_from_qgis_settings() == {"http": None, "https": None, "all": None}


def test_client_uses_the_qgis_proxy_unless_excluded(settings):
    settings.setValue("proxy/proxyEnabled", True)
    settings.setValue("proxy/proxyType", "HttpProxy")
    settings.setValue("proxy/proxyHost", "proxy.example.com")
    settings.setValue("proxy/proxyPort", "3128")
    c = TaskingClient(api_key="k", proxies=proxies_from_qgis_settings())
    assert c.proxies["https"] == "http://proxy.example.com:3128"
    assert "proxy.example.com" not in repr(c)
    c.close()
    settings.setValue("proxy/proxyExcludedUrls", ["https://api.planet.com"])
    c = TaskingClient(api_key="k", proxies=proxies_from_qgis_settings())
    assert c.proxies == {"http": None, "https": None, "all": None}
    c.close()
