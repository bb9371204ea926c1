"""Where the API key may be sent: checks on URLs, no QGIS, no Qt, no network.

Rules:
- the base URL is ``https://...``, or ``http://`` only to a loopback host
  (127.0.0.0/8, ::1, localhost) such as the local sandbox;
- no user name or password inside a URL;
- every link the server hands back (``Location``, ``next``, ``previous``,
  redirects) must lead to the *same origin* (scheme, host, port) as the base
  URL, or it is refused: the key never goes anywhere else.
"""

import ipaddress
from typing import Tuple
from urllib.parse import urljoin, urlsplit

from .errors import UnsafeUrlError

_DEFAULT_PORTS = {"http": 80, "https": 443}


def is_loopback_host(host: str) -> bool:
    host = (host or "").strip("[]").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def origin(url: str) -> Tuple[str, str, int]:
    """``(scheme, host, port)`` with the default port filled in."""
    parts = urlsplit(url)
    scheme = (parts.scheme or "").lower()
    host = (parts.hostname or "").lower().rstrip(".")
    try:
        port = parts.port
    except ValueError:
        raise UnsafeUrlError(
            "The address has an invalid port number.", details=_describe(url)
        ) from None
    return scheme, host, port or _DEFAULT_PORTS.get(scheme, 0)


def _describe(url: str) -> str:
    """A URL without any user info, for messages."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = f"[{host}]" if ":" in host else host
    if port:
        netloc += f":{port}"
    return f"{parts.scheme}://{netloc}{parts.path}"


def check_base_url(url: str) -> str:
    """Validate and normalise a base URL (no trailing slash). Raises UnsafeUrlError."""
    url = (url or "").strip()
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeUrlError(
            "The API address must start with https:// and name a server, "
            "e.g. https://api.planet.com/tasking/v2.",
            details=_describe(url) if parts.hostname else None,
        )
    if parts.username or parts.password or "@" in parts.netloc:
        raise UnsafeUrlError(
            "The API address must not contain a user name or password: "
            "put the API key in the key field."
        )
    origin(url)  # port check
    if scheme == "http" and not is_loopback_host(parts.hostname):
        raise UnsafeUrlError(
            f"Refusing plain http:// to {parts.hostname}: the API key would travel "
            "unencrypted. Use https:// (plain http is only allowed to this computer, "
            "e.g. the practice sandbox).",
            details=_describe(url),
        )
    if parts.query or parts.fragment:
        raise UnsafeUrlError("The API address must not contain '?' or '#'.", details=_describe(url))
    return url.rstrip("/")


def resolve_link(base_url: str, link: str, current_url: str = "", what: str = "link") -> str:
    """Join ``link`` (absolute, host-relative or relative) and refuse other origins."""
    if not link or not str(link).strip():
        raise UnsafeUrlError(f"The server sent an empty {what}.")
    link = str(link).strip()
    joined = urljoin(current_url or (base_url.rstrip("/") + "/"), link)
    parts = urlsplit(joined)
    if parts.username or parts.password or "@" in parts.netloc:
        raise UnsafeUrlError(
            f"The server sent a {what} with credentials in it; the plugin will not follow it.",
            details=_describe(joined),
        )
    if origin(joined) != origin(base_url):
        raise UnsafeUrlError(
            f"The server sent a {what} to another address ({_describe(joined)}); "
            "the plugin will not send your API key there.",
            details=f"expected {_describe(base_url)}",
        )
    return joined


def describe_url(url: str) -> str:
    return _describe(url)
