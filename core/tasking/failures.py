"""What went wrong, in the user's words: every failure of a request becomes a TaskingError.

No QGIS, no Qt. Network failures (requests/urllib3 exceptions, nested) are sorted into
refused / DNS / timeout / dropped / proxy / TLS; an HTTP error answer becomes the error
of its status with the server's message (``api.parse_error_body``); ``network_retries``
says how often each may be tried again. ``redact`` (the client's) masks the key in every
text these errors keep.
"""

import email.utils
import re
import socket
import time
from datetime import timezone
from typing import Any, List, Optional, Union
from urllib.parse import urlsplit

import requests

from . import api, transport
from .errors import (
    AuthenticationError,
    ConflictError,
    NetworkError,
    NotFoundError,
    PayloadTooLargeError,
    PermissionDeniedError,
    RateLimitedError,
    RequestRejectedError,
    ResponseTooLargeError,
    ServerError,
    TaskingError,
    TLSError,
    UnexpectedResponseError,
)
from .http_safety import describe_url


class Deadline(Exception):
    """One request took longer than the client's total deadline."""


def parse_retry_after(value: Optional[str], now: Optional[float] = None) -> Optional[float]:
    """Seconds from a ``Retry-After`` header (delta seconds or an HTTP date); None if absent/odd."""
    if value is None:
        return None
    value = str(value).strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


def exception_chain(exc: BaseException) -> List[BaseException]:
    """exc, its causes, contexts, and exceptions kept in args/reason (urllib3 nests them)."""
    seen: List[BaseException] = []
    todo: List[Any] = [exc]
    while todo and len(seen) < 20:
        e = todo.pop(0)
        if not isinstance(e, BaseException) or any(e is s for s in seen):
            continue
        seen.append(e)
        todo.extend([getattr(e, "reason", None), e.__cause__, e.__context__])
        todo.extend(a for a in getattr(e, "args", ()) if isinstance(a, BaseException))
    return seen


_DNS_WORDS = (
    "name or service not known",
    "nodename nor servname",
    "getaddrinfo failed",
    "temporary failure in name resolution",
    "no address associated",
    "name does not resolve",
    "failed to resolve",
    "nameresolutionerror",
)
_DROP_WORDS = (
    "remotedisconnected",
    "remote end closed",
    "connection reset",
    "connection aborted",
    "broken pipe",
    "incompleteread",
    "connection broken",
    "protocolerror",
)


def retry_words(problem: Union[TaskingError, int], url: str) -> str:
    """'cannot connect to 127.0.0.1:18093' / 'api.planet.com answered 503' (no secrets)."""
    parts = urlsplit(url)
    host = parts.hostname or "the server"
    where = f"{host}:{parts.port}" if parts.port else host
    if isinstance(problem, int):
        return f"{where} answered {problem}"
    kind = getattr(problem, "kind", "")
    if kind in (NetworkError.REFUSED, NetworkError.TIMEOUT, NetworkError.DNS):
        return f"cannot connect to {where}"
    return f"connection to {where} lost"


def network_error(exc: Exception, method: str, url: str, timeout, redact) -> TaskingError:
    """A requests/urllib3 failure in the user's words (``timeout``: (connect, read) s)."""
    parts = urlsplit(url)
    host = parts.hostname or "the server"
    where = describe_url(url)
    chain = exception_chain(exc)
    text = " | ".join(f"{type(e).__name__}: {e}" for e in chain).lower()
    details = re.sub(r"<[\w.]+ object at 0x[0-9a-fA-F]+>:?\s*", "", f"{type(exc).__name__}: {exc}")
    details = redact(details)[:300]
    kw = {"details": details, "url": where, "method": method}
    if isinstance(exc, requests.exceptions.SSLError):
        return TLSError(
            f"The secure connection to {host} could not be verified (certificate "
            "problem, or a network filter in the way). The plugin never turns "
            "verification off.",
            **kw,
        )
    if isinstance(exc, requests.exceptions.ProxyError):
        return NetworkError(
            "The proxy server could not be reached or refused the connection: "
            "check the proxy in QGIS Settings > Options > Network.",
            kind=NetworkError.PROXY,
            **kw,
        )
    if isinstance(exc, requests.exceptions.InvalidSchema) and "socks" in text:
        return NetworkError(
            "A SOCKS proxy is configured but Python's SOCKS support (PySocks) is missing.",
            kind=NetworkError.PROXY,
            **kw,
        )
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return NetworkError(
            f"Timed out: no connection to {host} within {timeout[0]:g} s.",
            kind=NetworkError.TIMEOUT,
            **kw,
        )
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return NetworkError(
            f"Timed out: {host} did not answer within {timeout[1]:g} s.",
            kind=NetworkError.TIMEOUT,
            **kw,
        )
    if any(isinstance(e, socket.gaierror) for e in chain) or any(w in text for w in _DNS_WORDS):
        return NetworkError(
            f"The server name {host} could not be found (DNS): check the address "
            "and the network connection.",
            kind=NetworkError.DNS,
            **kw,
        )
    if any(isinstance(e, ConnectionRefusedError) for e in chain) or "refused" in text:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        return NetworkError(
            f"Connection refused by {host} (port {port}): nothing is listening there. "
            "Check the address; is the server running?",
            kind=NetworkError.REFUSED,
            **kw,
        )
    if isinstance(exc, requests.exceptions.ChunkedEncodingError) or any(
        w in text for w in _DROP_WORDS
    ):
        return NetworkError(
            f"The connection to {host} was dropped before a complete answer arrived.",
            kind=NetworkError.DROPPED,
            **kw,
        )
    return NetworkError(
        f"The Planet API at {host} could not be reached: check the network connection.",
        kind=NetworkError.OTHER,
        **kw,
    )


def error_for_response(resp: requests.Response, body: str, redact, what: str = "") -> TaskingError:
    """A non-2xx answer as a TaskingError; ``body``: its text, already masked."""
    status = resp.status_code
    message, fields = api.parse_error_body(body)
    message = redact(message)  # again after decoding: escapes are gone now
    fields = {k: [redact(m) for m in v] for k, v in fields.items()}
    kw = {
        "status": status,
        "details": message,
        "url": describe_url(resp.url or ""),
        "method": resp.request.method if resp.request is not None else None,
    }
    said = f": {message}" if message else "."
    if status == 401:
        return AuthenticationError(**kw)
    if status == 403:
        return PermissionDeniedError(**kw)
    if status == 404:
        return NotFoundError(
            f"Not found (404): {what or 'the address'} does not exist on the server.", **kw
        )
    if status in (400, 422):
        return RequestRejectedError(
            f"The server refused the request ({status}){said}", field_errors=fields, **kw
        )
    if status == 409:
        return ConflictError(f"The server reported a conflict (409){said}", **kw)
    if status == 413:
        return PayloadTooLargeError(**kw)
    if status == 429:
        return RateLimitedError(
            retry_after=parse_retry_after(resp.headers.get("Retry-After")), **kw
        )
    if status >= 500:
        return ServerError(
            f"The Planet server had a problem ({status}); try again later{said}", **kw
        )
    if 300 <= status < 400:
        return UnexpectedResponseError(
            f"The server answered with a redirect ({status}) the plugin did not follow.",
            **kw,
        )
    return UnexpectedResponseError(f"Unexpected answer from the server ({status}){said}", **kw)


def not_json(resp: requests.Response, text: str, redact) -> UnexpectedResponseError:
    snippet = api.truncate(redact(text[:400]) or "", 200)
    ctype = resp.headers.get("Content-Type", "?")
    return UnexpectedResponseError(
        "The server's answer was not understood (expected JSON): is the API address "
        "right, or is a network login page in the way?",
        status=resp.status_code,
        details=f"{ctype}: {snippet}" if snippet else ctype,
        url=describe_url(resp.url or ""),
    )


def unexpected(exc: Exception, redact) -> TaskingError:
    """Any exception that is not already typed: an answer the client could not read."""
    return UnexpectedResponseError(
        "The server's answer could not be read.",
        details=redact(f"{type(exc).__name__}: {exc}")[:300],
    )


def attempt_error(exc: BaseException, method: str, url: str, deadline: float, timeout, redact):
    """A failure of one attempt as a TaskingError (retried or not by _send)."""
    host = urlsplit(url).hostname or "the server"
    kw = {"url": describe_url(url), "method": method}
    if isinstance(exc, Deadline):
        return NetworkError(
            f"Timed out: {host} did not send a complete answer within {deadline:g} s.",
            kind=NetworkError.TIMEOUT,
            details="total deadline",
            **kw,
        )
    if isinstance(exc, transport.ResponseTooLarge):
        return ResponseTooLargeError(
            f"The answer from {host} was larger than {exc.limit // (1024 * 1024)} MB "
            "once decoded: no Tasking API answer is that big, so it was not read.",
            details=str(exc),
            **kw,
        )
    if isinstance(exc, transport.UnknownEncoding):
        return UnexpectedResponseError(
            f"The answer from {host} could not be decoded.", details=str(exc)[:200], **kw
        )
    if isinstance(exc, requests.exceptions.RequestException):
        return network_error(exc, method, url, timeout, redact)
    if isinstance(exc, TaskingError):
        return exc
    return UnexpectedResponseError(
        f"The request to {host} failed in an unexpected way.",
        details=redact(f"{type(exc).__name__}: {exc}")[:300],
        **kw,
    )


def network_retries(error: TaskingError, exc: Exception, retries: int, retry_safe: bool):
    """How many tries a failed attempt allows (0: none). Only network errors are
    retried; a request that may have reached the server only when ``retry_safe``."""
    if not isinstance(error, NetworkError):
        return 0
    nothing_sent = isinstance(exc, requests.exceptions.ConnectTimeout) or error.kind in (
        NetworkError.REFUSED,
        NetworkError.DNS,
        NetworkError.PROXY,
    )
    if not (retry_safe or nothing_sent):
        return 0
    if error.kind in (NetworkError.DNS, NetworkError.PROXY) or isinstance(exc, Deadline):
        return min(retries, 1)  # a wrong name stays wrong; a drip stays slow
    return retries
