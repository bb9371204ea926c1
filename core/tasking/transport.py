"""The socket-level part of the HTTP client: abortable connections, deadlines, a bounded body read.

No QGIS, no Qt. The only module that knows urllib3 internals (1.26 on Debian 12,
2.x on Debian 13; ``tests/unit/test_hostile_transport.py`` pins both):

* ``TrackingAdapter`` remembers every socket its connections open (the socket
  itself, not ``conn.sock``: http.client hands the socket to the response and
  sets ``conn.sock = None`` when the server says ``Connection: close``), so
  ``cut()`` / ``abort()`` can shut them down from another thread at any stage
  after connect: status line, headers, body. The request itself runs on the
  caller's thread; a shut-down socket makes its blocked read return at once;
* ``WATCHDOG``: one daemon thread for the whole process that cuts requests past
  their total deadline, and notices a caller's ``stop_event`` set by code that
  does not call ``abort()`` (no thread per request);
* ``read_body`` reads a streamed response in chunks, decompresses gzip/deflate
  itself with a bound on the *decoded* size (a gzip bomb stops at the cap without
  ever being expanded), and checks that as many bytes arrived as
  ``Content-Length`` announced (urllib3 1.26 does not).
"""

import http.client
import logging
import socket
import threading
import time
import weakref
import zlib
from typing import Callable, Optional, Set

import requests
import urllib3
from requests.adapters import HTTPAdapter

logger = logging.getLogger(__name__)

CHUNK_BYTES = 64 * 1024
#: what the client asks for: decoders it implements itself (never brotli, never zstd)
ACCEPT_ENCODING = "gzip, deflate"


class ResponseTooLarge(Exception):
    """The decoded body went over the cap (a 'bomb', or an answer far too big)."""

    def __init__(self, limit: int, encoding: str):
        super().__init__(f"decoded body over {limit} bytes ({encoding or 'identity'})")
        self.limit = limit
        self.encoding = encoding


class IncompleteBody(requests.exceptions.ConnectionError):
    """The connection ended before the announced body arrived: a dropped connection."""


class UnknownEncoding(Exception):
    """A Content-Encoding the client never asked for."""


class Abandoned(Exception):
    """The caller gave up on this request (stop or deadline); the reader stops."""


# --- connection tracking -----------------------------------------------------------------
def _tracked_connection_class(conn_cls, adapter_ref):
    class Tracked(conn_cls):
        def connect(self):
            super().connect()
            adapter = adapter_ref()
            sock = getattr(self, "sock", None)
            if adapter is not None and sock is not None:
                adapter._track(sock)

    Tracked.__name__ = conn_cls.__name__
    Tracked._pbt_tracking = True
    return Tracked


def _tracked_pool_class(pool_cls, adapter_ref):
    conn_cls = _tracked_connection_class(pool_cls.ConnectionCls, adapter_ref)
    return type(pool_cls.__name__, (pool_cls,), {"ConnectionCls": conn_cls, "_pbt_tracking": True})


#: urllib3 majors whose internals (pool_classes_by_scheme, ConnectionCls.connect,
#: conn.sock) the tracking relies on; the pin test fails clearly on another one
KNOWN_URLLIB3_MAJORS = (1, 2)


def _shut(sock) -> bool:
    try:
        sock.shutdown(socket.SHUT_RDWR)
        return True
    except (OSError, ValueError):
        return False


class TrackingAdapter(HTTPAdapter):
    """An HTTPAdapter whose sockets ``cut()`` and ``abort()`` shut down from any thread.

    ``begin()`` numbers each request, so a late ``cut(request)`` (a deadline that
    fired just as its request ended) never reaches the next one; a socket that
    connects after the cut (the cut came mid-connect) is shut as soon as it exists.
    """

    def __init__(self, **kw):
        self._socks: weakref.WeakSet[socket.socket] = weakref.WeakSet()
        self._socks_lock = threading.Lock()
        self._request = 0
        self._cutting = False  # the current request was cut: so is a socket it opens now
        self._aborted = False  # for good: every socket, now and later
        self.tracking = False  # True once the pool classes are patched
        super().__init__(**kw)

    def _track(self, sock) -> None:
        with self._socks_lock:
            self._socks.add(sock)
            cut = self._cutting or self._aborted
        if cut:
            _shut(sock)

    def _patch(self, manager) -> None:
        try:
            ref = weakref.ref(self)
            patched = {}
            for scheme, cls in dict(manager.pool_classes_by_scheme).items():
                patched[scheme] = (
                    cls if getattr(cls, "_pbt_tracking", False) else _tracked_pool_class(cls, ref)
                )
            manager.pool_classes_by_scheme = patched
            self.tracking = True
        except Exception:  # noqa: BLE001 - timeouts and the deadline still end a request
            logger.debug("socket tracking unavailable with urllib3 %s", urllib3.__version__)

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self._patch(self.poolmanager)

    def proxy_manager_for(self, proxy, **proxy_kwargs):
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        self._patch(manager)
        return manager

    def open_sockets(self) -> int:
        with self._socks_lock:
            return sum(1 for s in self._socks if s.fileno() != -1)

    def begin(self) -> int:
        """A new request starts: the number ``cut`` takes."""
        with self._socks_lock:
            self._request += 1
            self._cutting = False
            return self._request

    def cut(self, request: Optional[int] = None) -> int:
        """Shut down every socket (of ``request`` if given and still current); how many."""
        with self._socks_lock:
            if request is not None and request != self._request:
                return 0
            self._cutting = True
            socks = list(self._socks)
        return sum(_shut(sock) for sock in socks)

    def abort(self) -> int:
        """``cut()`` for good: sockets opened later are shut too."""
        with self._socks_lock:
            self._aborted = True
        return self.cut()


class Watch:
    """One request (or wait) the watchdog looks after; ``fired``: None, "deadline" or "stop"."""

    __slots__ = ("deadline", "event", "on_fire", "fired", "_dog")

    def __init__(self, dog, on_fire, deadline, event):
        self._dog = dog
        self.on_fire = on_fire
        self.deadline = deadline
        self.event = event
        self.fired: Optional[str] = None

    def _due(self, now: float) -> Optional[str]:
        if self.event is not None and self.event.is_set():
            return "stop"
        if self.deadline is not None and now >= self.deadline:
            return "deadline"
        return None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._dog.unwatch(self)


class Watchdog:
    """One daemon thread that fires ``on_fire(reason)`` for a watch whose deadline passed
    or whose stop event was set. It sleeps until the nearest deadline; only while a
    watched request has a stop event does it look at the events, every ``POLL`` s
    (a ``threading.Event`` tells no one when it is set). Started by the first watch,
    it ends after ``IDLE`` s with nothing to watch."""

    POLL = 0.025
    IDLE = 0.5  # seconds without a watch before the thread ends

    def __init__(self):
        self._cond = threading.Condition()
        self._watches: Set[Watch] = set()
        self._thread: Optional[threading.Thread] = None

    def watch(
        self,
        on_fire: Callable[[str], None],
        *,
        seconds: Optional[float] = None,
        event: Optional[threading.Event] = None,
    ) -> Watch:
        deadline = None if seconds is None else time.monotonic() + seconds
        w = Watch(self, on_fire, deadline, event)
        if deadline is None and event is None:
            return w  # nothing to look after
        with self._cond:
            self._watches.add(w)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="pbt-http-watchdog", daemon=True
                )
                self._thread.start()
            self._cond.notify()
        return w

    def unwatch(self, w: Watch) -> None:
        with self._cond:
            self._watches.discard(w)

    def _run(self) -> None:
        with self._cond:
            while True:
                now = time.monotonic()
                due = [(w, w._due(now)) for w in self._watches]
                due = [(w, why) for w, why in due if why]
                if due:
                    for w, why in due:
                        self._watches.discard(w)
                        w.fired = why
                    self._cond.release()
                    try:
                        for w, why in due:
                            try:
                                w.on_fire(why)
                            except Exception:  # noqa: BLE001 - the dog keeps watching
                                logger.debug("watchdog callback failed", exc_info=True)
                    finally:
                        self._cond.acquire()
                    continue
                if not self._watches:
                    # idle: end, so no thread of a plugin's (reloaded, unloaded) module
                    # outlives its work; a busy client keeps this one
                    self._cond.wait(self.IDLE)
                    if not self._watches:
                        self._thread = None
                        return
                    continue
                deadlines = [w.deadline for w in self._watches if w.deadline is not None]
                timeout = max(0.0, min(deadlines) - now) if deadlines else None
                if any(w.event is not None for w in self._watches):
                    timeout = self.POLL if timeout is None else min(timeout, self.POLL)
                self._cond.wait(timeout)


WATCHDOG = Watchdog()


# --- the body --------------------------------------------------------------------------
def _decoder(encoding: str):
    if encoding in ("", "identity"):
        return None
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if encoding == "deflate":
        return _Deflate()
    raise UnknownEncoding(encoding)


class _Deflate:
    """zlib-wrapped deflate, or raw deflate as some servers send it (like urllib3)."""

    def __init__(self):
        self._obj = zlib.decompressobj()
        self._first = True
        self.eof = False

    def decompress(self, data: bytes, max_length: int = 0) -> bytes:
        if self._first:
            self._first = False
            try:
                out = self._obj.decompress(data, max_length)
            except zlib.error:
                self._obj = zlib.decompressobj(-zlib.MAX_WBITS)
                out = self._obj.decompress(data, max_length)
        else:
            out = self._obj.decompress(data, max_length)
        self.eof = self._obj.eof
        return out

    @property
    def unconsumed_tail(self) -> bytes:
        return self._obj.unconsumed_tail


def _content_length(resp) -> Optional[int]:
    value = resp.headers.get("Content-Length")
    try:
        n = int(str(value).strip()) if value is not None else None
    except ValueError:
        return None
    return n if n is not None and n >= 0 else None


def _read_raw(raw, amount: int) -> bytes:
    """One raw read, with urllib3's and http.client's ways of failing made requests'."""
    try:
        return raw.read(amount, decode_content=False)
    except urllib3.exceptions.ReadTimeoutError as exc:
        raise requests.exceptions.ReadTimeout(exc) from None
    except (urllib3.exceptions.HTTPError, http.client.HTTPException, OSError) as exc:
        raise IncompleteBody(f"connection broken while reading the body: {exc!r}") from None


def read_body(resp, *, max_bytes: int, abandoned=None, method: str = "GET") -> bytes:
    """The whole decoded body of a ``stream=True`` response, or a typed failure.
    ``abandoned`` (anything with ``is_set()``): checked between chunks."""
    if method == "HEAD" or resp.status_code in (204, 304) or resp.status_code < 200:
        return b""
    encoding = (resp.headers.get("Content-Encoding") or "").strip().lower()
    decoder = _decoder(encoding)
    expected = _content_length(resp)
    raw = resp.raw
    out = bytearray()
    got = 0
    while True:
        if abandoned is not None and abandoned.is_set():
            raise Abandoned()
        chunk = _read_raw(raw, CHUNK_BYTES)
        if not chunk:
            break
        got += len(chunk)
        if decoder is None:
            out += chunk
        else:
            _inflate(decoder, chunk, out, max_bytes, encoding)
        if len(out) > max_bytes:
            raise ResponseTooLarge(max_bytes, encoding)
        if expected is not None and got >= expected:
            break  # all announced bytes are here: do not wait for more
    if expected is not None and got < expected:
        raise IncompleteBody(
            f"IncompleteRead: connection broken after {got} of {expected} announced bytes"
        )
    if decoder is not None and got and not decoder.eof:
        raise IncompleteBody(f"IncompleteRead: compressed body cut after {got} bytes")
    return bytes(out)


def _inflate(decoder, data: bytes, out: bytearray, max_bytes: int, encoding: str) -> None:
    """Decompress ``data`` into ``out`` without ever holding more than the cap."""
    try:
        while data:
            room = max_bytes + 1 - len(out)
            if room <= 0:
                raise ResponseTooLarge(max_bytes, encoding)
            out += decoder.decompress(data, room)
            data = decoder.unconsumed_tail
            if decoder.eof:
                return
    except zlib.error as exc:
        raise UnknownEncoding(f"{encoding} body that does not decompress ({exc})") from None


__all__ = [
    "ACCEPT_ENCODING",
    "Abandoned",
    "IncompleteBody",
    "ResponseTooLarge",
    "KNOWN_URLLIB3_MAJORS",
    "TrackingAdapter",
    "UnknownEncoding",
    "WATCHDOG",
    "Watch",
    "read_body",
]
