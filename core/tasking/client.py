"""HTTP client of the Planet Tasking API (v2): requests + stdlib, no QGIS, no Qt.

One ``TaskingClient`` per thread (it holds one ``requests.Session``). What it
guarantees:

- a timeout on every socket operation and a total deadline on every request
  (connect, headers, body); ``stop_event`` cuts a request at any stage (the I/O
  runs on a daemon thread whose sockets are shut down: ``transport.py``);
- bodies are read in chunks with a cap on the *decoded* size, and a body shorter
  than announced (or JSON cut mid-way) is a dropped connection, retried;
- retries with exponential backoff and jitter on connection problems, 429
  (``Retry-After`` honoured, capped per wait and, through a shared ``WaitBudget``,
  per job), 502/503/504, and 500 for reads; every wait is interruptible;
- every failure of a public method is a ``TaskingError``;
- an odd key (line break, invisible or non-Latin-1 character) is never sent
  (``InvalidKeyError``); the key is masked in every form a server may echo it
  (``keys.py``) before and after JSON decoding;
- ``POST /bulk/`` carries a client-chosen UUID, so retrying it is safe: a 409 for
  our own id means an earlier try got through, and is confirmed with
  ``GET /bulk/<id>``;
- the API key only goes to the base URL's origin (scheme, host, port): links
  and ``Location`` headers to anywhere else are refused, redirects are never
  followed blindly, plain HTTP is refused except to this computer, TLS is
  always verified;
- the key never appears in a log line, an exception, ``repr(client)`` or the
  session's headers (it is added per request by an auth hook);
- list endpoints are paged within what the first page's count allows.

Shapes of bodies and answers live in ``api.py``.
"""

import base64
import binascii
import email.utils
import functools
import json
import logging
import platform
import random
import re
import socket
import sys
import threading
import time
import uuid
from datetime import timezone
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Tuple, Union
from urllib.parse import quote, urlsplit

import requests
from requests.auth import AuthBase, _basic_auth_str
from requests.utils import should_bypass_proxies

from . import api, keys, transport
from .api import BulkSummary, ConnectionReport, Page, PayloadResult
from .backoff import Backoff
from .errors import (
    AuthenticationError,
    BadSummaryError,
    CancelledError,
    ConflictError,
    InvalidKeyError,
    InvalidRequestError,
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
    WaitLimitError,
)
from .http_safety import check_base_url, describe_url, is_loopback_host, resolve_link

logger = logging.getLogger(__name__)

PLANET_TASKING_URL = "https://api.planet.com/tasking/v2"
USER_AGENT_PRODUCT = "PlanetBulkTaskingQGIS"

DEFAULT_TIMEOUT = (5.0, 30.0)  # (connect, read) seconds
DEFAULT_MAX_RETRIES = 5
DEFAULT_BACKOFF_BASE = 0.5  # first wait ~0.5 s, then 1, 2, 4, 8... (with jitter)
DEFAULT_BACKOFF_MAX = 30.0  # no single computed backoff is longer
DEFAULT_MAX_RETRY_AFTER = 60.0  # a server's Retry-After is honoured up to this
DEFAULT_PAGE_SIZE = 1000  # the largest page the listings give [assumed]: fewer requests
MAX_ID_QUERY_CHARS = 7000  # encoded id__in: 179 order UUIDs, URLs < 7.5 kB (usual limit 8 kB)
MAX_REDIRECTS = 5
DEFAULT_DEADLINE = 120.0  # seconds for one whole request: connect, headers and body
DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024  # decoded; a /payloads page of 1000 is ~2 MB
DEFAULT_JOB_WAIT = 600.0  # seconds a job may spend in total in waits the server asked for
MAX_LIST_ITEMS = 1_000_000  # no list the plugin reads is longer (a lying count aside)

RETRY_STATUSES = frozenset({429, 502, 503, 504})
RETRY_STATUSES_READ = RETRY_STATUSES | {500}


def _plugin_version_from_metadata() -> Optional[str]:
    import configparser
    import os

    path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "metadata.txt")
    try:
        parser = configparser.ConfigParser(interpolation=None)
        parser.read(path, encoding="utf-8")
        return parser.get("general", "version", fallback=None)
    except (configparser.Error, OSError, UnicodeDecodeError):
        return None


def _loaded_qgis_version() -> Optional[str]:
    """QGIS's version if qgis.core is already loaded (inside QGIS it always is).
    Never imports it: this module stays importable without QGIS."""
    core = sys.modules.get("qgis.core")
    qgis = getattr(core, "Qgis", None)
    version = getattr(qgis, "QGIS_VERSION", None)
    return str(version).split("-", 1)[0] if version else None


def default_user_agent(
    plugin_version: Optional[str] = None, qgis_version: Optional[str] = None
) -> str:
    """``PlanetBulkTaskingQGIS/0.1.0 QGIS/3.22.16 python-requests/2.28.1 Python/3.9.2 (Linux)``."""
    plugin_version = plugin_version or _plugin_version_from_metadata() or "dev"
    qgis_version = qgis_version or _loaded_qgis_version() or "unknown"
    return (
        f"{USER_AGENT_PRODUCT}/{plugin_version} QGIS/{qgis_version} "
        f"python-requests/{requests.__version__} Python/{platform.python_version()} "
        f"({platform.system() or 'unknown'})"
    ).replace("\n", " ")


class AuthHeaders:
    """Headers a QGIS authentication method made (e.g. ``Authorization: Bearer <token>``,
    or Basic with a user name and password): sent as they are, instead of the API key.

    Built by ``core/credentials.py`` (which asks QGIS's auth manager); plain Python here,
    so this module still imports no QGIS. Like the key, the values only go to the base
    URL's origin, never into the session's headers, a repr, a log line or an error.
    """

    __slots__ = ("_headers",)

    def __init__(self, headers: Dict[str, str]):
        self._headers = {str(k): str(v) for k, v in (headers or {}).items() if str(v).strip()}

    def items(self):
        return self._headers.items()

    def secrets(self) -> List[str]:
        """What to mask in texts: each header's credential (a token, the base64 of Basic)
        and, for Basic, the user name and password it encodes."""
        out = []
        for value in self._headers.values():
            scheme, _, credential = value.strip().partition(" ")
            credential = credential.strip() or scheme
            out.append(credential)
            if scheme.lower() == "basic":
                try:
                    decoded = base64.b64decode(credential, validate=True).decode("utf-8")
                except (binascii.Error, UnicodeDecodeError):
                    continue
                # shorter parts would mask ordinary words ("me") all over error texts
                out.extend(part for part in decoded.split(":", 1) if len(part) >= 4)
        return out

    def problem(self) -> Optional[str]:
        """Why these headers cannot be sent (a line break...), never quoting them."""
        for name, value in self._headers.items():
            scheme, _, credential = value.strip().partition(" ")
            problem = keys.key_problem(credential.strip() or scheme)
            if problem:
                return problem.replace("The API key", f"The {name} header").replace(
                    "Copy the key again from your Planet account page and paste it alone.",
                    "Check the authentication configuration.",
                )
        return None

    def __bool__(self) -> bool:
        return bool(self._headers)

    def __eq__(self, other):
        return isinstance(other, AuthHeaders) and other._headers == self._headers

    def __hash__(self):
        return hash(tuple(sorted(self._headers)))

    def __repr__(self) -> str:
        return f"<auth headers: {', '.join(sorted(self._headers)) or 'none'}>"

    __str__ = __repr__


class _Secret:
    """Holds the key (or the AuthHeaders of an auth configuration); its repr never shows it."""

    __slots__ = ("value",)

    def __init__(self, value: Union[None, str, AuthHeaders]):
        if isinstance(value, AuthHeaders):
            self.value = value or None
        else:
            self.value = (value or "").strip() or None

    def secrets(self) -> List[str]:
        if isinstance(self.value, AuthHeaders):
            return self.value.secrets()
        return [self.value] if self.value else []

    def __repr__(self) -> str:
        return "<secret>" if self.value else "<none>"

    __str__ = __repr__


class _Redactors:
    """One keys.Redactor per secret (a key, or a token and what it encodes), each known to
    the log filter while the client lives."""

    __slots__ = ("_all",)

    def __init__(self, secrets: List[str]):
        self._all = [keys.register(keys.Redactor(secret)) for secret in secrets]

    def __call__(self, text):
        for redactor in self._all:
            text = redactor(text)
        return text

    def __repr__(self) -> str:
        return "<Redactors>"


class _ApiKeyAuth(AuthBase):
    """Adds the Authorization header to each request, so the session's headers never hold it."""

    def __init__(self, secret: _Secret, scheme: str = "api-key"):
        self._secret = secret
        self._scheme = scheme

    def __call__(self, r):
        value = self._secret.value
        if isinstance(value, AuthHeaders):  # any QGIS auth method: its headers as made
            for name, header in value.items():
                r.headers[name] = header
        elif value:
            if self._scheme == "basic":  # [doc] key as user name, empty password
                r.headers["Authorization"] = _basic_auth_str(value, "")
            else:  # [doc] Authorization: api-key <KEY>
                r.headers["Authorization"] = f"api-key {value}"
        return r

    def __repr__(self) -> str:
        return f"<{self._scheme} auth>"

    def __eq__(self, other):
        return isinstance(other, _ApiKeyAuth) and other._secret is self._secret

    def __hash__(self):
        return id(self._secret)


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


def _exception_chain(exc: BaseException) -> List[BaseException]:
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


class EndpointFacts:
    """What the plugin learnt about each endpoint (base URL), shared by every client of
    this QGIS session: which undocumented things work there (``id__in``, bulk edit...).
    Values: True (works), False (does not), absent (not known yet)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._facts: Dict[str, Dict[str, Any]] = {}

    def get(self, endpoint: str, name: str) -> Any:
        with self._lock:
            return self._facts.get(endpoint, {}).get(name)

    def learn(self, endpoint: str, name: str, value: Any) -> bool:
        """Record a fact; True when it is news (worth a log line)."""
        with self._lock:
            facts = self._facts.setdefault(endpoint, {})
            news = facts.get(name) != value
            facts[name] = value
            return news

    def forget(self, endpoint: Optional[str] = None) -> None:
        with self._lock:
            if endpoint is None:
                self._facts.clear()
            else:
                self._facts.pop(endpoint, None)


ENDPOINT_FACTS = EndpointFacts()
#: order sets up to this size are watched with one GET per order when id__in is ignored
SMALL_ORDER_SET = 20
#: 4xx answers to a POST /bulk/ that may mean "this id already exists"
_NOT_A_DUPLICATE = (401, 403, 429)
_SIZE_WORDS = ("too large", "too big", "size", "bytes", "megabyte", "1 mb")


class WaitBudget:
    """Seconds a whole job may spend waiting because servers asked it to (Retry-After,
    back-off after 5xx): each wait is capped per request, but they add up. One budget is
    shared by every client of a job (thread-safe)."""

    def __init__(self, total: float = DEFAULT_JOB_WAIT):
        self.total = max(0.0, float(total))
        self.used = 0.0
        self._lock = threading.Lock()

    def take(self, seconds: float) -> float:
        """Up to ``seconds`` of what is left; 0.0 when the budget is spent."""
        with self._lock:
            granted = max(0.0, min(float(seconds), self.total - self.used))
            self.used += granted
            return granted

    @property
    def left(self) -> float:
        with self._lock:
            return max(0.0, self.total - self.used)

    def __repr__(self) -> str:
        return f"<WaitBudget {self.used:.1f}/{self.total:.0f} s>"


def _checked(build, *args):
    """A body builder's refusal (not a UUID, over 1000 payloads...) as a TaskingError
    that is still a ValueError."""
    try:
        return build(*args)
    except (ValueError, TypeError) as exc:
        raise InvalidRequestError(f"The plugin refused to send this request: {exc}") from None


def _unexpected(client, exc: Exception) -> TaskingError:
    """Any exception that is not already typed: an answer the client could not read."""
    return UnexpectedResponseError(
        "The server's answer could not be read.",
        details=client._redact(f"{type(exc).__name__}: {exc}")[:300],
    )


def _typed(method):
    """Every failure of a public method is a TaskingError, with the key masked."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except TaskingError as exc:
            raise self._redact_error(exc) from None
        except Exception as exc:  # noqa: BLE001 - OverflowError, RecursionError, ValueError...
            raise self._redact_error(_unexpected(self, exc)) from None

    return wrapper


def _typed_iter(method):
    """``_typed`` for generators: failures while iterating are typed too."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        items = method(self, *args, **kwargs)
        while True:
            try:
                item = next(items)
            except StopIteration:
                return
            except TaskingError as exc:
                raise self._redact_error(exc) from None
            except Exception as exc:  # noqa: BLE001
                raise self._redact_error(_unexpected(self, exc)) from None
            yield item

    return wrapper


class _Deadline(Exception):
    """One request took longer than the client's total deadline."""


def _retry_words(problem: Union[TaskingError, int], url: str) -> str:
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


class TaskingClient:
    """Planet Tasking API v2 client. See the module docstring for its guarantees.

    ``stop_event`` (a ``threading.Event``) cancels: every wait between retries is
    a wait on it, and a request in flight is cut, so setting it raises
    ``CancelledError`` within a fraction of a second whatever the server does.
    """

    def __init__(
        self,
        base_url: str = PLANET_TASKING_URL,
        api_key: Union[None, str, AuthHeaders] = None,
        *,
        timeout: Union[float, Tuple[float, float]] = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        user_agent: Optional[str] = None,
        proxies: Optional[Dict[str, Optional[str]]] = None,
        stop_event: Optional[threading.Event] = None,
        plugin_version: Optional[str] = None,
        qgis_version: Optional[str] = None,
        backoff_base: float = DEFAULT_BACKOFF_BASE,
        backoff_max: float = DEFAULT_BACKOFF_MAX,
        max_retry_after: float = DEFAULT_MAX_RETRY_AFTER,
        auth_scheme: str = "api-key",
        max_id_query_chars: int = MAX_ID_QUERY_CHARS,
        deadline: float = DEFAULT_DEADLINE,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        wait_budget: Optional["WaitBudget"] = None,
        on_retry: Optional[Callable[[int, int, str], None]] = None,
    ):
        self.base_url = check_base_url(base_url)  # raises UnsafeUrlError before any traffic
        self._secret = _Secret(api_key)
        # an odd key (line break, zero-width space...) is never sent: every request
        # raises InvalidKeyError instead, whose message never quotes it
        self._key_problem = (
            api_key.problem() if isinstance(api_key, AuthHeaders) else keys.key_problem(api_key)
        )
        self._redactor = _Redactors(self._secret.secrets())
        self.deadline = max(0.1, float(deadline))
        self.max_body_bytes = max(1024, int(max_body_bytes))
        self.wait_budget = wait_budget
        #: called with (results read, results expected or None) after each page
        self.on_page: Optional[Callable[[int, Optional[int]], None]] = None
        if isinstance(timeout, (int, float)):
            timeout = (float(timeout), float(timeout))
        self.timeout: Tuple[float, float] = (float(timeout[0]), float(timeout[1]))
        self.max_retries = max(0, int(max_retries))
        self.backoff_base = max(0.0, float(backoff_base))
        self.backoff_max = max(0.0, float(backoff_max))
        self.max_retry_after = max(0.0, float(max_retry_after))
        self.max_id_query_chars = max(100, int(max_id_query_chars))
        self.stop_event = stop_event
        # on_retry(attempt, max attempts, words): told before each wait, so a user sees
        # "cannot connect to host:port, retrying 2/5" as it happens (called on this thread)
        self.on_retry = on_retry
        if auth_scheme not in ("api-key", "basic"):
            raise ValueError("auth_scheme must be 'api-key' or 'basic'")
        self.user_agent = user_agent or default_user_agent(plugin_version, qgis_version)

        # counters (benchmarks, diagnostics)
        self.requests_made = 0
        self.retries_made = 0
        self.status_counts: Dict[Union[int, str], int] = {}
        self._lock = threading.Lock()

        self._proxies = self._effective_proxies(proxies)
        self._session = requests.Session()
        self._session.trust_env = True  # HTTP(S)_PROXY / NO_PROXY / REQUESTS_CA_BUNDLE
        self._session.verify = True
        self._session.max_redirects = MAX_REDIRECTS
        self._session.auth = _ApiKeyAuth(self._secret, auth_scheme)
        self._session.headers.update(
            {
                "User-Agent": self.user_agent,
                "Accept": "application/json",
                "Accept-Encoding": transport.ACCEPT_ENCODING,  # what read_body decodes
            }
        )
        self._adapter = transport.TrackingAdapter(pool_connections=2, pool_maxsize=4, max_retries=0)
        self._session.mount("https://", self._adapter)
        self._session.mount("http://", self._adapter)

    # -- plumbing ------------------------------------------------------------------------
    def __repr__(self) -> str:
        key = "set" if self._secret.value else "none"
        return f"<TaskingClient {self.base_url} key={key} requests={self.requests_made}>"

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        self._session.close()

    @property
    def has_key(self) -> bool:
        return bool(self._secret.value)

    @property
    def session(self) -> requests.Session:
        return self._session

    def _effective_proxies(self, proxies: Optional[Dict[str, Optional[str]]]):
        """Per-request proxies. Request-level proxies beat the environment in requests;
        session.proxies would not (requests issue #2018)."""
        host = urlsplit(self.base_url).hostname or ""
        if is_loopback_host(host):
            return {"http": None, "https": None, "all": None}  # the sandbox never via a proxy
        if not proxies:
            return None  # environment variables apply (trust_env)
        proxies = dict(proxies)
        no_proxy = proxies.pop("no_proxy", None) or proxies.pop("NO_PROXY", None)
        if no_proxy and should_bypass_proxies(self.base_url, no_proxy=no_proxy):
            return {"http": None, "https": None, "all": None}
        return {k: v for k, v in proxies.items() if k in ("http", "https", "all") or "://" in k}

    def _redact(self, text: Optional[str]) -> Optional[str]:
        """Every secret masked in every form (raw, any case, JSON- or %-escaped, base64)."""
        if not text:
            return text
        text = self._redactor(text)
        for secret in self._secret.secrets():  # too short for the Redactor's patterns
            if secret in text:
                text = text.replace(secret, keys.MASK)
        return text

    def _redact_error(self, error: TaskingError) -> TaskingError:
        """Last line of defence: no text of an error leaving the client holds the key."""
        for name in ("user_message", "details", "url"):
            value = getattr(error, name, None)
            if isinstance(value, str):
                setattr(error, name, self._redact(value))
        fields = getattr(error, "field_errors", None)
        if isinstance(fields, dict):
            error.field_errors = {
                self._redact(str(k)): [self._redact(str(m)) for m in v] for k, v in fields.items()
            }
        error.args = (error.user_message,)
        return error

    def _url(self, path: str) -> str:
        return f"{self.base_url}/{path.lstrip('/')}"

    def _check_stop(self) -> None:
        if self.stop_event is not None and self.stop_event.is_set():
            raise CancelledError()

    def _wait(self, seconds: float) -> None:
        if seconds <= 0:
            self._check_stop()
            return
        if self.stop_event is not None:
            if self.stop_event.wait(seconds):
                raise CancelledError()
        else:
            time.sleep(seconds)

    def _spend_wait(self, delay: float, why: str) -> float:
        """Take ``delay`` from the job's wait budget (shared by its clients); the part
        left, or WaitLimitError when nothing is left."""
        budget = self.wait_budget
        if budget is None or delay <= 0:
            return delay
        granted = budget.take(delay)
        if granted <= 0:
            raise WaitLimitError(
                f"The server kept asking to wait ({why}): this job has waited "
                f"{budget.used:.0f} s in total, the most a job waits. Nothing is lost: "
                "resume the job later.",
            )
        return granted

    def _retry_after_wait(
        self, attempt: int, limit: int, words: str, delay: float, spend_as: Optional[str] = None
    ) -> None:
        """Count the retry, tell the listener (the dock shows it at once), then wait;
        ``spend_as``: the delay is still to be taken from the job's wait budget."""
        with self._lock:
            self.retries_made += 1
        self._tell_retry(attempt, limit, words)
        self._wait(self._spend_wait(delay, spend_as) if spend_as is not None else delay)

    def _tell_retry(self, attempt: int, limit: int, words: str) -> None:
        if self.on_retry is not None:
            try:
                self.on_retry(attempt, limit, words)
            except Exception:  # a listener's problem never stops the request
                logger.debug("on_retry callback failed", exc_info=True)

    def _backoff(self, attempt: int) -> float:
        return Backoff(self.backoff_base, self.backoff_max, jitter=True).delay(attempt)

    def _count(self, status: Union[int, str]) -> None:
        with self._lock:
            self.requests_made += 1
            self.status_counts[status] = self.status_counts.get(status, 0) + 1

    # -- errors --------------------------------------------------------------------------
    def _network_error(self, exc: Exception, method: str, url: str) -> TaskingError:
        parts = urlsplit(url)
        host = parts.hostname or "the server"
        where = describe_url(url)
        chain = _exception_chain(exc)
        text = " | ".join(f"{type(e).__name__}: {e}" for e in chain).lower()
        details = re.sub(
            r"<[\w.]+ object at 0x[0-9a-fA-F]+>:?\s*", "", f"{type(exc).__name__}: {exc}"
        )
        details = self._redact(details)[:300]
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
                f"Timed out: no connection to {host} within {self.timeout[0]:g} s.",
                kind=NetworkError.TIMEOUT,
                **kw,
            )
        if isinstance(exc, requests.exceptions.ReadTimeout):
            return NetworkError(
                f"Timed out: {host} did not answer within {self.timeout[1]:g} s.",
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

    def _error_for_response(self, resp: requests.Response, what: str = "") -> TaskingError:
        status = resp.status_code
        body = self._body_text(resp, api.MAX_ERROR_BODY_CHARS)
        message, fields = api.parse_error_body(body)
        message = self._redact(message)  # again after decoding: escapes are gone now
        fields = {k: [self._redact(m) for m in v] for k, v in fields.items()}
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

    def _body_text(self, resp: requests.Response, limit: Optional[int] = None) -> str:
        """The body as text with the key masked in every form, *before* anyone decodes
        the JSON (a masked JSON string stays valid JSON). No charset guessing: it is
        slow on big bodies and JSON is UTF-8."""
        data = resp.content or b""
        if limit is not None:
            data = data[:limit]
        charset = (resp.encoding or "utf-8").lower()
        if charset in ("utf-8", "utf8"):
            charset = "utf-8-sig"  # a BOM is not JSON
        try:
            text = data.decode(charset, errors="replace")
        except LookupError:  # a charset Python does not know
            text = data.decode("utf-8", errors="replace")
        return self._redact(text) or ""

    def _json(self, resp: requests.Response) -> Any:
        text = self._body_text(resp)
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            stripped = text.rstrip()
            cut = exc.pos >= len(stripped) or exc.msg.startswith("Unterminated string")
            if stripped[:1] in ("{", "[") and cut:
                # the JSON stops mid-way, at the very end of what came: a cut body
                raise NetworkError(
                    f"The connection to {urlsplit(resp.url or self.base_url).hostname} was "
                    "dropped before a complete answer arrived.",
                    kind=NetworkError.DROPPED,
                    status=resp.status_code,
                    details=f"JSON cut after {len(text)} characters",
                    url=describe_url(resp.url or ""),
                ) from None
            raise self._not_json(resp, text) from None
        except (ValueError, RecursionError):  # RecursionError: absurdly nested JSON
            raise self._not_json(resp, text) from None
        if "\\\\" in text and self._secret.value:
            # an escaped backslash: a string may hold a key escaped twice ("\\u0050..."),
            # which only shows once decoded: mask the decoded strings too (rare, cheap)
            data = self._redact_tree(data)
        return data

    def _redact_tree(self, data: Any) -> Any:
        """``data`` with every string (keys too) masked; iterative, any depth."""
        root = [data]
        todo = [(root, 0)]
        while todo:
            parent, key = todo.pop()
            value = parent[key]
            if isinstance(value, str):
                parent[key] = self._redact(value)
            elif isinstance(value, list):
                todo.extend((value, i) for i in range(len(value)))
            elif isinstance(value, dict):
                items = {self._redact(k) if isinstance(k, str) else k: v for k, v in value.items()}
                value.clear()
                value.update(items)
                todo.extend((value, k) for k in value)
        return root[0]

    def _not_json(self, resp: requests.Response, text: str) -> UnexpectedResponseError:
        snippet = api.truncate(self._redact(text[:400]) or "", 200)
        ctype = resp.headers.get("Content-Type", "?")
        return UnexpectedResponseError(
            "The server's answer was not understood (expected JSON): is the API address "
            "right, or is a network login page in the way?",
            status=resp.status_code,
            details=f"{ctype}: {snippet}" if snippet else ctype,
            url=describe_url(resp.url or ""),
        )

    # -- the one place requests are sent -------------------------------------------------
    def _attempt(self, method: str, url: str, params, body, headers) -> requests.Response:
        """One request and its whole body, with a deadline and an abort that work at
        any stage. The I/O runs on a daemon thread that this (calling) thread watches:
        on stop or deadline the sockets are shut down and this thread returns at
        once, whatever the server does; a lingering I/O thread never keeps QGIS from
        exiting (daemon) and ends as soon as its socket is cut."""
        box: Dict[str, Any] = {}
        done = threading.Event()
        abandoned = threading.Event()

        def io():
            try:
                resp = self._session.request(
                    method,
                    url,
                    params=params,
                    data=body,
                    headers=headers,
                    timeout=self.timeout,
                    allow_redirects=False,
                    proxies=self._proxies,
                    verify=True,
                    stream=True,
                )
                try:
                    content = transport.read_body(
                        resp, max_bytes=self.max_body_bytes, abandoned=abandoned, method=method
                    )
                except BaseException:
                    resp.raw.close()  # never back to the pool half-read
                    raise
                resp._content, resp._content_consumed = content, True
                resp.close()  # the connection goes back to the pool
                box["resp"] = resp
            except BaseException as exc:  # noqa: BLE001 - handed to the caller
                box["error"] = exc
            finally:
                done.set()

        threading.Thread(target=io, name="pbt-http-io", daemon=True).start()
        ends = time.monotonic() + self.deadline
        stop = self.stop_event
        while True:
            remaining = ends - time.monotonic()
            if done.wait(min(0.05, max(0.0, remaining)) if stop is not None else remaining):
                break
            if (stop is not None and stop.is_set()) or time.monotonic() >= ends:
                abandoned.set()
                self._adapter.abort()
                self._check_stop()
                raise _Deadline()
        if "error" in box:
            raise box["error"]
        return box["resp"]

    def _attempt_error(self, exc: BaseException, method: str, url: str) -> TaskingError:
        """A failure of one attempt as a TaskingError (retried or not by _send)."""
        host = urlsplit(url).hostname or "the server"
        kw = {"url": describe_url(url), "method": method}
        if isinstance(exc, _Deadline):
            return NetworkError(
                f"Timed out: {host} did not send a complete answer within {self.deadline:g} s.",
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
            return self._network_error(exc, method, url)
        if isinstance(exc, TaskingError):
            return exc
        return UnexpectedResponseError(
            f"The request to {host} failed in an unexpected way.",
            details=self._redact(f"{type(exc).__name__}: {exc}")[:300],
            **kw,
        )

    @staticmethod
    def _network_retries(error: TaskingError, exc: Exception, retries: int, retry_safe: bool):
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
        if error.kind in (NetworkError.DNS, NetworkError.PROXY) or isinstance(exc, _Deadline):
            return min(retries, 1)  # a wrong name stays wrong; a drip stays slow
        return retries

    def _send(
        self,
        method: str,
        url: str,
        *,
        params: Optional[Dict[str, Any]] = None,
        body: Optional[bytes] = None,
        retry_safe: bool = True,
        retry_500: Optional[bool] = None,
        max_retries: Optional[int] = None,
        max_delay: Optional[float] = None,
    ) -> requests.Response:
        """Send with retries; return the final response (body read) whatever its status.

        ``retry_safe``: the request may be repeated even if it may have reached the
        server (GETs; POST /bulk/ with its client id). Failures before anything was
        sent (refused, connect timeout, DNS) are always retried.
        """
        if self._key_problem:
            raise InvalidKeyError(self._key_problem)
        retries = self.max_retries if max_retries is None else max(0, max_retries)
        if retry_500 is None:
            retry_500 = method == "GET"
        retry_statuses = RETRY_STATUSES_READ if retry_500 else RETRY_STATUSES
        url = resolve_link(self.base_url, url, what="URL")  # never leaves our origin
        headers = {"Content-Type": "application/json"} if body is not None else None
        attempt = 0
        redirects = 0
        while True:
            self._check_stop()
            started = time.monotonic()
            try:
                resp = self._attempt(method, url, params, body, headers)
            except CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - every failure becomes typed
                self._count(type(exc).__name__)
                self._check_stop()  # cut by stop: cancelled, not a network error
                error = self._attempt_error(exc, method, url)
                limit = self._network_retries(error, exc, retries, retry_safe)
                if attempt >= limit:
                    logger.warning(
                        "%s %s failed: %s", method, describe_url(url), error.user_message
                    )
                    raise error from None
                delay = self._backoff(attempt)
                if max_delay is not None:
                    delay = min(delay, max_delay)
                logger.info(
                    "%s %s: %s; retry %d/%d in %.1f s",
                    method,
                    describe_url(url),
                    error.kind,
                    attempt + 1,
                    limit,
                    delay,
                )
                attempt += 1
                self._retry_after_wait(
                    attempt, limit, _retry_words(error, url), delay, spend_as=error.kind
                )
                continue
            self._count(resp.status_code)
            logger.debug(
                "%s %s -> %d (%.0f ms)",
                method,
                describe_url(resp.url or url),
                resp.status_code,
                (time.monotonic() - started) * 1000,
            )
            status = resp.status_code
            if status in retry_statuses and attempt < retries:
                retry_after = parse_retry_after(resp.headers.get("Retry-After"))
                if retry_after is not None:
                    delay = min(retry_after, self.max_retry_after) + random.uniform(0, 0.05)
                else:
                    delay = self._backoff(attempt)
                if max_delay is not None:
                    delay = min(delay, max_delay)
                delay = self._spend_wait(delay, f"answer {status}")
                logger.info(
                    "%s %s -> %d; retry %d/%d in %.1f s",
                    method,
                    describe_url(url),
                    status,
                    attempt + 1,
                    retries,
                    delay,
                )
                attempt += 1
                self._retry_after_wait(attempt, retries, _retry_words(status, url), delay)
                continue
            if status in (301, 302, 303, 307, 308) and method in ("GET", "HEAD"):
                location = resp.headers.get("Location")
                if location and redirects < MAX_REDIRECTS:
                    # same origin only: resolve_link raises UnsafeUrlError otherwise
                    url = resolve_link(self.base_url, location, resp.url or url, "redirect")
                    params = None  # the Location carries its own query
                    redirects += 1
                    continue
            return resp

    def _get_json(self, url: str, params=None, what: str = "", max_retries=None) -> Any:
        return self._fetch_json(url, params, what, max_retries)[1]

    def _fetch_json(self, url: str, params=None, what: str = "", max_retries=None):
        """GET a 200 JSON answer: ``(response, data)``. A body that ends inside the JSON
        with nothing saying how long it was (``Connection: close``, no length) was cut:
        asked again like any dropped connection."""
        retries = self.max_retries if max_retries is None else max(0, max_retries)
        attempt = 0
        while True:
            resp = self._send("GET", url, params=params, max_retries=max_retries)
            if resp.status_code != 200:
                raise self._error_for_response(resp, what)
            try:
                return resp, self._json(resp)
            except NetworkError as error:
                if attempt >= retries:
                    raise
                attempt += 1
                logger.info("%s: %s; retry %d/%d", describe_url(url), error.kind, attempt, retries)
                self._wait(self._spend_wait(self._backoff(attempt - 1), error.kind))

    def _iter_pages(
        self,
        path: str,
        params: Dict[str, Any],
        page_size: int,
        max_items: int = MAX_LIST_ITEMS,
    ) -> Iterator[Any]:
        """Every result of a list endpoint: follow ``next`` (same origin only) until null;
        if the server sends no ``next`` at all, page by offset while ``count`` says more.

        Bounded whatever the server says: the first page's ``count`` (capped by
        ``max_items``, what the listing can hold at most: 1000 payloads in a bulk, the
        ids asked for) and that page's size give the number of pages allowed, plus
        slack; a ``next`` that changes every page or a ``count`` of 10^9 stops there
        (logged) instead of paging forever. ``on_page`` hears the progress."""
        page_size = max(1, int(page_size))
        params = {k: api.query_value(v) for k, v in params.items() if v is not None}
        params.setdefault(api.PARAM_LIMIT, str(page_size))
        url: str = self._url(path)
        query: Optional[Dict[str, Any]] = params
        seen = set()
        fetched = pages = 0
        bound: Optional[int] = None
        max_pages = 0
        offset = api._as_int(params.get(api.PARAM_OFFSET)) or 0
        while True:
            resp, data = self._fetch_json(url, query, describe_url(url))
            page = Page.from_json(data)
            pages += 1
            if bound is None:
                bound = max(0, max_items if page.count is None else min(page.count, max_items))
                max_pages = -(-bound // max(1, len(page.results))) + 1
            yield from page.results
            fetched += len(page.results)
            self._page_read(fetched, bound if page.count is not None else None, pages)
            if not page.results:
                return
            more = bool(page.next) or (
                not page.has_next_key and page.count is not None and fetched < page.count
            )
            if more and (pages >= max_pages or fetched >= max_items):
                logger.warning(
                    "%s: stopped after %d pages (%d results): the server announced %s, "
                    "which %d pages cannot exceed",
                    describe_url(url),
                    pages,
                    fetched,
                    page.count if page.count is not None else "no count",
                    max_pages,
                )
                return
            if page.next:
                nxt = resolve_link(self.base_url, page.next, resp.url or url, "next-page link")
                if nxt in seen:
                    logger.warning("next-page link repeats; stopping: %s", describe_url(nxt))
                    return
                seen.add(nxt)
                url, query = nxt, None
                continue
            if more:
                offset += len(page.results)
                url = self._url(path)
                query = dict(params, **{api.PARAM_OFFSET: str(offset)})
                continue
            return

    def _page_read(self, fetched: int, expected: Optional[int], pages: int) -> None:
        if pages % 20 == 0:
            logger.info("read %d of %s results (%d pages)", fetched, expected or "?", pages)
        if self.on_page is not None:
            try:
                self.on_page(fetched, expected)
            except Exception:  # noqa: BLE001 - a progress hook never breaks a read
                logger.debug("on_page hook failed", exc_info=True)

    # -- bulk ----------------------------------------------------------------------------
    def _bulk_exists(self, bulk_id: str) -> Optional[bool]:
        """True/False when the server says; None when it cannot be asked right now."""
        try:
            resp = self._send("GET", self._url(api.bulk_path(bulk_id)), max_retries=2)
        except CancelledError:
            raise
        except TaskingError:
            return None
        if resp.status_code == 200:
            return True
        if resp.status_code == 404:
            return False
        return None

    def _post_bulk(self, body: dict, bulk_id: str, what: str) -> str:
        url = self._url(api.BULK_COLLECTION)
        data = api.encode_body(body)
        logger.info("POST bulk %s (%s, %d bytes)", bulk_id, what, len(data))
        try:
            resp = self._send("POST", url, body=data, retry_safe=True, retry_500=False)
        except NetworkError:
            # An earlier try may have reached the server: ask before giving up.
            if self._bulk_exists(bulk_id):
                logger.warning("bulk %s: answer lost, but the server has it", bulk_id)
                return bulk_id
            raise
        status = resp.status_code
        if status in (200, 201, 202):
            self._log_body_shape(resp, "bulk creation answer")
            return self._accepted_id(resp, bulk_id)
        if 400 <= status < 500 and status not in _NOT_A_DUPLICATE:
            return self._post_refused(resp, bulk_id, what)
        if status >= 500 and self._bulk_exists(bulk_id):
            logger.warning("bulk %s: %d, but the server has it", bulk_id, status)
            return bulk_id
        raise self._error_for_response(resp, what)

    def _post_refused(self, resp: requests.Response, bulk_id: str, what: str) -> str:
        """A 4xx to our POST. Our own UUID may already exist (an earlier try got through):
        409 is our guess, Django REST answers 400 "already exists". GET /bulk/<id> decides;
        a 409 nothing confirms is re-posted later with the same UUID (it cannot create the
        bulk twice), never taken as accepted on faith."""
        status = resp.status_code
        error = self._error_for_response(resp, what)
        found = self._bulk_exists(bulk_id)
        if found:
            logger.info("bulk %s: %d for our own id, and the server has it -> accepted",
                        bulk_id, status)  # fmt: skip
            return bulk_id
        if status == 409 or found is None:
            logger.warning("bulk %s: %d that GET /bulk/<id> cannot confirm (%s); it will be "
                           "posted again with the same id", bulk_id, status,
                           "not found" if found is False else "no answer")  # fmt: skip
            error = ConflictError(
                f"The server refused bulk {bulk_id} ({status}) but cannot show it: it will be "
                "sent again later with the same id, which cannot create its orders twice.",
                status=status, details=error.details, url=error.url, method="POST",
            )  # fmt: skip
            error.transient = True
            raise error
        text = (error.details or "").lower()
        if status == 400 and any(w in text for w in _SIZE_WORDS):
            raise PayloadTooLargeError(status=status, details=error.details, url=error.url)
        raise error

    def _log_body_shape(self, resp: requests.Response, kind: str) -> None:
        if resp.content:
            try:
                api.log_shape_once(self.base_url, kind, self._json(resp))
            except TaskingError:
                pass  # a 2xx whose body is not JSON: nothing to show

    # -- what this endpoint supports (learnt, remembered per endpoint) ----------------
    def fact(self, name: str) -> Any:
        return ENDPOINT_FACTS.get(self.base_url, name)

    def learn(self, name: str, value: Any, why: str = "") -> None:
        if ENDPOINT_FACTS.learn(self.base_url, name, value):
            logger.info("%s: %s %s%s", describe_url(self.base_url), name,
                        "works" if value is True else "does not work" if value is False
                        else f"= {value}", f" ({why})" if why else "")  # fmt: skip

    def _accepted_id(self, resp: requests.Response, bulk_id: str) -> str:
        location = resp.headers.get("Location")
        if not location:
            return bulk_id
        # Refuse a Location to another origin (it is not followed, but it is a sign
        # of something wrong between us and the server).
        resolved = resolve_link(self.base_url, location, resp.url or self.base_url, "Location")
        server_id = api.bulk_id_from_location(urlsplit(resolved).path)
        try:
            server_id = str(uuid.UUID(server_id or ""))
        except ValueError:
            return bulk_id
        if server_id != bulk_id:
            logger.warning("server named the bulk %s, not %s", server_id, bulk_id)
        return server_id

    @_typed
    def create_bulk(self, order_payloads: Sequence[dict], bulk_id: str) -> str:
        """``POST /bulk/`` with our UUID. Returns the bulk id (202/201, or 409 for our own id)."""
        body = _checked(api.build_create_body, list(order_payloads), bulk_id)
        return self._post_bulk(body, body["id"], f"bulk {body['id']}")

    @_typed
    def edit_orders(self, edits: List[dict], bulk_id: str) -> str:
        """Bulk edit: ``edits`` like ``[{"id": order_id, "name": ..., "start_time": ...}]``."""
        body = _checked(api.build_edit_body, edits, bulk_id)
        return self._post_bulk(body, body["id"], f"edit bulk {body['id']}")

    @_typed
    def cancel_orders(self, order_ids: Sequence[str], bulk_id: str) -> str:
        body = _checked(api.build_cancel_body, list(order_ids), bulk_id)
        return self._post_bulk(body, body["id"], f"cancel bulk {body['id']}")

    @_typed
    def get_bulk(self, bulk_id: str) -> BulkSummary:
        """The bulk's summary; BadSummaryError (transient: the worker asks again a few
        times) when the answer is not an object with a status or counts."""
        data = self._get_json(self._url(api.bulk_path(bulk_id)), what=f"bulk {bulk_id}")
        api.log_shape_once(self.base_url, "bulk summary", data)
        summary = BulkSummary.from_json(data, bulk_id)
        if not summary.is_usable:
            raise BadSummaryError(
                f"The server's answer about bulk {bulk_id} had no status and no counts.",
                details=api.truncate(self._redact(json.dumps(data, default=str)[:300]), 200),
                url=describe_url(self._url(api.bulk_path(bulk_id))),
            )
        return summary

    @_typed_iter
    def iter_bulk_payloads(
        self, bulk_id: str, page_size: int = DEFAULT_PAGE_SIZE
    ) -> Iterator[PayloadResult]:
        """Every payload result of a bulk, all pages. Never in submission order."""
        path = api.bulk_payloads_path(bulk_id)
        # twice what a bulk may hold: a listing longer than that is not believed
        for item in self._iter_pages(path, {}, page_size, 2 * api.MAX_PAYLOADS_PER_BULK):
            api.log_shape_once(self.base_url, "/payloads item", item)
            result = PayloadResult.from_json(item)
            if result.reason:  # kept in the job, the journal, the CSV: masked after decoding
                result.reason = self._redact(result.reason)
            yield result

    @_typed_iter
    def iter_bulks(self, *, page_size: int = 100, **filters) -> Iterator[BulkSummary]:
        """``GET /bulk/`` with filters such as ``failed_payload_count__gt=0``."""
        for item in self._iter_pages(api.BULK_COLLECTION, filters, page_size):
            yield BulkSummary.from_json(item)

    # -- orders --------------------------------------------------------------------------
    def _id_batches(self, ids: Sequence[str]) -> Iterator[List[str]]:
        """Chunks of ids whose encoded ``id__in`` value stays under max_id_query_chars."""
        batch: List[str] = []
        size = 0
        for i in ids:
            cost = len(quote(str(i), safe="")) + 3  # + encoded comma
            if batch and size + cost > self.max_id_query_chars:
                yield batch
                batch, size = [], 0
            batch.append(str(i))
            size += cost
        if batch:
            yield batch

    @_typed_iter
    def iter_orders(
        self,
        *,
        ids: Optional[Sequence[str]] = None,
        status: Union[None, str, Sequence[str]] = None,
        name_contains: Optional[str] = None,
        ordering: Optional[str] = None,
        created_since: Optional[str] = None,
        page_size: int = DEFAULT_PAGE_SIZE,
        **filters,
    ) -> Iterator[dict]:
        """Orders, all pages. ``ids`` are sent as ``id__in`` in URL-sized batches; only the
        orders asked for come out. A server that ignores ``id__in`` (it answers orders not
        asked for) is remembered, and the ids are then read one ``GET /orders/<id>`` each.
        ``created_since``: ``created_time__gte`` (a server may ignore it: callers check)."""
        params: Dict[str, Any] = dict(filters)
        if status:
            statuses = [status] if isinstance(status, str) else list(status)
            if len(statuses) == 1:
                params[api.PARAM_STATUS] = statuses[0]
            else:
                params[api.PARAM_STATUS_IN] = ",".join(statuses)
        if name_contains:
            params[api.PARAM_NAME_CONTAINS] = name_contains
        if ordering:
            params[api.PARAM_ORDERING] = ordering
        if created_since:
            params[api.PARAM_CREATED_GTE] = created_since
        if ids is None:
            for order in self._iter_pages(api.ORDERS_COLLECTION, params, page_size):
                api.log_shape_once(self.base_url, "order", order)
                yield order
            return
        unique = list(dict.fromkeys(str(i) for i in ids if i))
        if unique and self.fact(api.PARAM_IDS) is False:
            yield from self._orders_one_by_one(unique)
            return
        batches = list(self._id_batches(unique))
        for n, batch in enumerate(batches):
            query = dict(params, **{api.PARAM_IDS: ",".join(batch)})
            wanted, given = set(batch), set()
            ignored = False
            for order in self._iter_pages(
                api.ORDERS_COLLECTION, query, max(page_size, min(len(batch), 1000)), len(batch)
            ):
                oid = api.order_id_of(order)
                if oid not in wanted:  # not asked for: the filter was ignored
                    ignored = True
                    break
                if oid not in given:
                    given.add(oid)
                    api.log_shape_once(self.base_url, "order", order)
                    yield order
            if ignored:
                self.learn(api.PARAM_IDS, False, "it answered orders that were not asked for")
                rest = [i for b in batches[n:] for i in b if i not in given]
                yield from self._orders_one_by_one(rest)
                return
            if given:
                self.learn(api.PARAM_IDS, True)

    def _orders_one_by_one(self, ids: Sequence[str]) -> Iterator[dict]:
        """``GET /orders/<id>`` for each id (the documented way); unknown ids are skipped."""
        for order_id in ids:
            try:
                order = self.get_order(order_id)
            except NotFoundError:
                logger.warning("order %s: not found (404)", order_id)
                continue
            if api.order_id_of(order) == order_id:  # anything else was not asked for
                yield order

    @_typed
    def id_filter_works(self, sample_id: str) -> bool:
        """Whether ``id__in`` filters here: one cheap probe (``limit=2``), remembered."""
        known = self.fact(api.PARAM_IDS)
        if known is not None:
            return known
        page = self._get_json(
            self._url(api.ORDERS_COLLECTION),
            params={api.PARAM_IDS: sample_id, api.PARAM_LIMIT: "2"},
            what="orders",
        )
        results = Page.from_json(page).results
        works = all(api.order_id_of(o) == sample_id for o in results)
        self.learn(api.PARAM_IDS, works, "probe with one order id")
        return works

    @_typed
    def get_order(self, order_id: str) -> dict:
        data = self._get_json(self._url(api.order_path(order_id)), what=f"order {order_id}")
        if not isinstance(data, dict):
            raise UnexpectedResponseError(
                "The server's answer for an order was not an object.", details=str(data)[:200]
            )
        api.log_shape_once(self.base_url, "order", data)
        return data

    @_typed
    def put_order(self, order_id: str, fields: dict) -> dict:
        """``PUT /orders/<id>`` [doc]: edit name, rank, start_time, end_time of one order."""
        body = api.encode_body({k: v for k, v in fields.items() if k != "id"})
        resp = self._send("PUT", self._url(api.order_path(order_id)), body=body)
        if resp.status_code not in (200, 201, 202, 204):
            raise self._error_for_response(resp, f"order {order_id}")
        return self._json(resp) if resp.content else {}

    @_typed
    def delete_order(self, order_id: str) -> dict:
        """``DELETE /orders/<id>`` [doc]: cancel one order. The answer may be 204 (no body)
        or 200 with the order (the edit notebook reads JSON): either means accepted."""
        resp = self._send("DELETE", self._url(api.order_path(order_id)))
        if resp.status_code not in (200, 202, 204):
            raise self._error_for_response(resp, f"order {order_id}")
        if not resp.content:
            return {}
        try:
            data = self._json(resp)
        except UnexpectedResponseError:
            return {}  # accepted all the same: the status says so
        return data if isinstance(data, dict) else {}

    # -- connection check ----------------------------------------------------------------
    def check_connection(self) -> ConnectionReport:
        """One cheap authenticated request (``GET /orders/?limit=1``), in the user's words.
        Never raises but CancelledError: every other failure is a report."""
        if not self.has_key:
            return ConnectionReport(
                ConnectionReport.INVALID, "No API key: enter your Planet API key first."
            )
        if self._key_problem:
            return ConnectionReport(ConnectionReport.INVALID, self._key_problem)
        try:
            return self._check_connection()
        except CancelledError:
            raise
        except TaskingError as exc:
            return ConnectionReport(
                ConnectionReport.UNREACHABLE, exc.user_message, exc.status, exc.details
            )

    @_typed
    def _check_connection(self) -> ConnectionReport:
        host = urlsplit(self.base_url).hostname
        try:
            resp = self._send(
                "GET",
                self._url(api.ORDERS_COLLECTION),
                params={api.PARAM_LIMIT: "1"},
                max_retries=min(1, self.max_retries),
                max_delay=2.0,  # the user is waiting for an answer
            )
        except CancelledError:
            raise
        except TaskingError as exc:
            return ConnectionReport(
                ConnectionReport.UNREACHABLE, exc.user_message, exc.status, exc.details
            )
        status = resp.status_code
        if status == 200:
            try:
                self._json(resp)
            except UnexpectedResponseError as exc:
                return ConnectionReport(
                    ConnectionReport.UNREACHABLE,
                    f"{host} answered, but not like the Planet Tasking API: check the address "
                    "(or a network login page may be in the way).",
                    status,
                    exc.details,
                )
            return ConnectionReport(
                ConnectionReport.VALID, f"Connected to {host}: the API key works.", status
            )
        error = self._error_for_response(resp, "the Tasking API")
        if status == 401:
            return ConnectionReport(
                ConnectionReport.INVALID,
                "The API key is not valid (the server answered 401): check it.",
                status,
                error.details,
            )
        if status == 403:
            return ConnectionReport(
                ConnectionReport.FORBIDDEN,
                "The API key is valid but not allowed to task (403): tasking needs a Planet "
                "contract that includes it.",
                status,
                error.details,
            )
        if status == 404:
            message = (
                f"{host} answered, but there is no Tasking API at this address (404): "
                "check the address."
            )
        elif status == 429:
            message = f"{host} is limiting requests right now (429): try again in a moment."
        elif status >= 500:
            message = f"{host} is having trouble ({status}): try again later."
        else:
            message = error.user_message
        return ConnectionReport(ConnectionReport.UNREACHABLE, message, status, error.details)


__all__ = [
    "PLANET_TASKING_URL",
    "TaskingClient",
    "AuthHeaders",
    "default_user_agent",
    "parse_retry_after",
    "BulkSummary",
    "PayloadResult",
    "ConnectionReport",
]
