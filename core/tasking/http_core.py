"""How one request to the Tasking API is sent: requests + stdlib, no QGIS, no Qt.

``HttpCore`` is the part of ``TaskingClient`` (``client.py``, the endpoints) that
talks HTTP. One per thread (it holds one ``requests.Session``). What it guarantees:

- a timeout on every socket operation and a total deadline on every request
  (connect, headers, body), enforced by ``transport.WATCHDOG``;
- ``abort()``, callable from any thread, ends a retry wait at once and cuts a request
  in flight at any stage after connect (its sockets are shut down: ``transport.py``);
  a ``stop_event`` is honoured too (set before a request: it is never sent; set
  during one: the watchdog aborts within ``Watchdog.POLL``);
- bodies are read in chunks with a cap on the *decoded* size, and a body shorter
  than announced (or JSON cut mid-way) is a dropped connection, retried;
- retries with ``Backoff`` (exponential, jittered) on connection problems, 429
  (``Retry-After`` honoured, capped per wait and, through a shared ``WaitBudget``,
  per job), 502/503/504, and 500 for reads;
- an odd key (line break, invisible or non-Latin-1 character) is never sent
  (``InvalidKeyError``); the key is masked in every form a server may echo it
  (``keys.py``) before and after JSON decoding, and never appears in a log line, an
  exception, ``repr(client)`` or the session's headers (``auth.py``);
- the key only goes to the base URL's origin (scheme, host, port): links and
  redirects to anywhere else are refused, plain HTTP is refused except to this
  computer, TLS is always verified (``http_safety.py``);
- list endpoints are paged within what the first page's count allows.

Why a request failed, in the user's words: ``failures.py``; shapes: ``api.py``.
"""

import configparser
import json
import logging
import os
import platform
import random
import sys
import threading
import time
from typing import Any, Callable, Dict, Iterator, Optional, Tuple, Union
from urllib.parse import urlsplit

import requests
from requests.utils import should_bypass_proxies

from . import api, failures, keys, transport
from .api import Page
from .auth import ApiKeyAuth, AuthHeaders, Redactors, Secret
from .backoff import Backoff
from .errors import (
    CancelledError,
    InvalidKeyError,
    NetworkError,
    TaskingError,
    WaitLimitError,
)
from .facts import WaitBudget
from .http_safety import check_base_url, describe_url, is_loopback_host, resolve_link

logger = logging.getLogger(__name__)

USER_AGENT_PRODUCT = "PlanetBulkTaskingQGIS"

DEFAULT_TIMEOUT = (5.0, 30.0)  # (connect, read) seconds
DEFAULT_MAX_RETRIES = 5
DEFAULT_BACKOFF_BASE = 0.5  # first wait ~0.5 s, then 1, 2, 4, 8... (with jitter)
DEFAULT_BACKOFF_MAX = 30.0  # no single computed backoff is longer
DEFAULT_MAX_RETRY_AFTER = 60.0  # a server's Retry-After is honoured up to this
MAX_REDIRECTS = 5
DEFAULT_DEADLINE = 120.0  # seconds for one whole request: connect, headers and body

RETRY_STATUSES = frozenset({429, 502, 503, 504})
RETRY_STATUSES_READ = RETRY_STATUSES | {500}


def _plugin_version_from_metadata() -> Optional[str]:
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


class HttpCore:
    """Sends requests for ``TaskingClient``; see the module docstring for its guarantees."""

    def __init__(
        self,
        base_url: str = api.PLANET_TASKING_URL,
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
        max_id_query_chars: int = api.MAX_ID_QUERY_CHARS,
        deadline: float = DEFAULT_DEADLINE,
        max_body_bytes: int = api.MAX_RESPONSE_BYTES,
        wait_budget: Optional["WaitBudget"] = None,
        on_retry: Optional[Callable[[int, int, str], None]] = None,
    ):
        self.base_url = check_base_url(base_url)  # raises UnsafeUrlError before any traffic
        self._secret = Secret(api_key)
        # an odd key (line break, zero-width space...) is never sent: every request
        # raises InvalidKeyError instead, whose message never quotes it
        self._key_problem = (
            api_key.problem() if isinstance(api_key, AuthHeaders) else keys.key_problem(api_key)
        )
        self._redactor = Redactors(self._secret.secrets())
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
        self._aborted = threading.Event()  # abort(): for good, from any thread
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
        self._session.auth = ApiKeyAuth(self._secret, auth_scheme)
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

    @property
    def proxies(self) -> Optional[Dict[str, Optional[str]]]:
        """The proxies every request is sent with; None: the environment's apply."""
        return self._proxies

    @property
    def open_sockets(self) -> int:
        """Sockets this client's connections hold open (none once aborted)."""
        return self._adapter.open_sockets()

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

    def abort(self) -> None:
        """Stop for good, from any thread: a retry wait ends at once, a request in flight
        is cut (its sockets shut down), and this and every later call raise CancelledError."""
        self._aborted.set()
        self._adapter.abort()

    @property
    def aborted(self) -> bool:
        return self._aborted.is_set() or (self.stop_event is not None and self.stop_event.is_set())

    def _check_stop(self) -> None:
        if self.aborted:
            raise CancelledError()

    def _on_watchdog(self, why: str, request: int) -> None:
        if why == "stop":  # a stop_event set by code that does not call abort()
            self.abort()
        else:
            self._adapter.cut(request)

    def _wait(self, seconds: float) -> None:
        self._check_stop()
        if seconds > 0:
            with transport.WATCHDOG.watch(lambda why: self.abort(), event=self.stop_event):
                self._aborted.wait(seconds)
            self._check_stop()

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
            raise failures.not_json(resp, text, self._redact) from None
        except (ValueError, RecursionError):  # RecursionError: absurdly nested JSON
            raise failures.not_json(resp, text, self._redact) from None
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

    def _error_for_response(self, resp: requests.Response, what: str = "") -> TaskingError:
        body = self._body_text(resp, api.MAX_ERROR_BODY_CHARS)
        return failures.error_for_response(resp, body, self._redact, what)

    # -- the one place requests are sent -------------------------------------------------
    def _attempt(self, method: str, url: str, params, body, headers) -> requests.Response:
        """One request and its whole body, on this thread. Its sockets are cut at the
        total deadline (by the watchdog) or on ``abort()``, at any stage after connect;
        the blocked read then returns at once, whatever the server does."""
        request = self._adapter.begin()
        with transport.WATCHDOG.watch(
            lambda why: self._on_watchdog(why, request),
            seconds=self.deadline,
            event=self.stop_event,
        ) as watch:
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
                        resp, max_bytes=self.max_body_bytes, abandoned=self._aborted, method=method
                    )
                except BaseException:
                    resp.raw.close()  # never back to the pool half-read
                    raise
            except Exception:
                self._check_stop()
                if watch.fired == "deadline":
                    raise failures.Deadline() from None
                raise
        self._check_stop()
        if watch.fired == "deadline":
            # a body without a length ends "normally" when its socket is cut
            resp.raw.close()
            raise failures.Deadline()
        resp._content, resp._content_consumed = content, True
        resp.close()  # the connection goes back to the pool
        return resp

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
                error = failures.attempt_error(
                    exc, method, url, self.deadline, self.timeout, self._redact
                )
                limit = failures.network_retries(error, exc, retries, retry_safe)
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
                    attempt, limit, failures.retry_words(error, url), delay, spend_as=error.kind
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
                retry_after = failures.parse_retry_after(resp.headers.get("Retry-After"))
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
                self._retry_after_wait(attempt, retries, failures.retry_words(status, url), delay)
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
        max_items: int = api.MAX_LIST_ITEMS,
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
