"""HTTP plumbing: a ThreadingHTTPServer on a background thread, and the SandboxServer facade.

Handler threads are not daemons: stop() shuts idle keep-alive connections down and joins every
thread, so nothing outlives the server (QGIS plugin unload, pytest teardown).
"""

import json
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, Optional, Set
from urllib.parse import parse_qsl, unquote, urlsplit

from . import shapes
from .api import Api, Request, Response, parse_keys, parse_tokens
from .counters import Counters
from .dialects import parse_dialects
from .faults import Faults
from .processing import Processor
from .ratelimit import RateLimiter
from .store import Store

_DISCARD_LIMIT = 8 * shapes.MAX_BODY_BYTES  # bigger bodies are not even read: connection closed


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like api.planet.com
    server_version = "PlanetTaskingSandbox/1.0"
    timeout = 30  # an idle keep-alive connection is closed after this many seconds

    def setup(self):
        super().setup()
        # Headers and body go out in two writes; without this, Nagle's algorithm and delayed
        # ACKs add ~40 ms to every answer.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self):  # noqa: N802 (http.server's names)
        self._serve()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_GET  # noqa: N815

    def log_message(self, format, *args):  # noqa: A002
        if self.server.verbose:
            super().log_message(format, *args)

    def _read_body(self):
        """(body, too_large). Oversized bodies are drained so the client sees our 413."""
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = 0
        if length <= shapes.MAX_BODY_BYTES:
            return self.rfile.read(length) if length > 0 else b"", False
        if length <= _DISCARD_LIMIT:
            remaining = length
            while remaining > 0:
                chunk = self.rfile.read(min(remaining, 65536))
                if not chunk:
                    break
                remaining -= len(chunk)
        else:
            self.close_connection = True
        return b"", True

    def _serve(self):
        body, too_large = self._read_body()
        url = urlsplit(self.path)
        host = self.headers.get("Host") or "{}:{}".format(*self.server.server_address[:2])
        request = Request(
            method=self.command,
            path=unquote(url.path),
            query=parse_qsl(url.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
            body_too_large=too_large,
            client_ip=self.client_address[0],
            origin="http://" + host,
        )
        response = self.server.api.handle(request)
        if response.drop:
            # "Commit then drop": the work is stored, the client never hears back.
            self.close_connection = True
            return
        self._send(response)

    def _send(self, response: Response) -> None:
        data = b"" if response.body is None else json.dumps(response.body).encode("utf-8")
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        if response.body is not None:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)


class _HttpServer(ThreadingHTTPServer):
    daemon_threads = False  # joined by server_close()
    block_on_close = True

    def __init__(self, address, api: Api, verbose: bool = False):
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.api, self.verbose = api, verbose
        self._open: Set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request, client_address):
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request):
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request, client_address):
        """A client that went away (or stop() closing its socket) is not worth a traceback."""
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)

    def close_open_connections(self) -> None:
        """Wake handler threads blocked on idle keep-alive sockets so they can be joined."""
        with self._open_lock:
            sockets = list(self._open)
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class SandboxServer:
    """A local stand-in for Planet's Tasking API v2. See sandbox/README.md."""

    def __init__(
        self,
        keys: Any = None,
        *,
        processing_rate: float = 200.0,
        order_clock: float = 3600.0,
        rate_limit: float = 10.0,
        seed: Any = 0,
        faults: Optional[Dict[str, Any]] = None,
        db_path: Optional[str] = None,
        host: str = "127.0.0.1",
        port: int = 0,
        verbose: bool = False,
        list_succeeded_payloads: bool = True,
        dialect: Any = None,
        tokens: Any = None,
    ):
        self.keys = parse_keys(keys)
        self.tokens = parse_tokens(tokens, self.keys)  # Bearer tokens accepted (OAuth2 tests)
        self.dialects = parse_dialects(dialect)  # ValueError names an unknown one
        if "rate-5" in self.dialects:
            rate_limit = 5.0 if not rate_limit or rate_limit <= 0 else min(rate_limit, 5.0)
        self.list_succeeded_payloads = list_succeeded_payloads
        self.processing_rate, self.order_clock = float(processing_rate), float(order_clock)
        if self.processing_rate <= 0 or self.order_clock <= 0:
            raise ValueError("processing_rate and order_clock must be positive")
        self.seed, self.db_path, self.host, self.port = seed, db_path, host, int(port)
        self.verbose = verbose
        self._counters = Counters()
        self._faults = Faults(seed, faults)
        self._limiter = RateLimiter(rate_limit)
        self._stop_event = threading.Event()
        self._store: Optional[Store] = None
        self._processor: Optional[Processor] = None
        self._httpd: Optional[_HttpServer] = None
        self._thread: Optional[threading.Thread] = None
        self.base_url: Optional[str] = None

    # --- lifecycle -----------------------------------------------------------------------------

    def start(self) -> str:
        """Serve on a background thread; returns the base URL (…/tasking/v2)."""
        if self._httpd is not None:
            return self.base_url
        self._stop_event.clear()
        self._store = Store(self.db_path)
        self._processor = Processor(
            self._store,
            self._counters,
            seed=self.seed,
            rate=self.processing_rate,
            order_clock=self.order_clock,
            faults=self._faults,
            strict_window="enforce-window" in self.dialects,
        )
        api = Api(
            keys=self.keys,
            store=self._store,
            counters=self._counters,
            faults=self._faults,
            limiter=self._limiter,
            processor=self._processor,
            sleep=self._stop_event.wait,  # injected latency ends at once on stop()
            clock=time.time,
            list_succeeded_payloads=self.list_succeeded_payloads,
            dialects=self.dialects,
            tokens=self.tokens,
        )
        self._httpd = _HttpServer((self.host, self.port), api, self.verbose)
        port = self._httpd.server_address[1]
        url_host = "127.0.0.1" if self.host in ("", "0.0.0.0") else self.host  # noqa: S104
        if ":" in url_host:
            url_host = f"[{url_host}]"
        self.port = port
        self.base_url = f"http://{url_host}:{port}{shapes.API_PREFIX}"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"sandbox-http-{port}",
            daemon=True,
        )
        self._thread.start()
        return self.base_url

    def stop(self) -> None:
        """Stop serving, close connections, join every thread, close the store."""
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        self._stop_event.set()
        httpd.shutdown()
        httpd.close_open_connections()
        httpd.server_close()  # joins handler threads (block_on_close)
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        self._store.close()
        self._store = self._processor = None

    def __enter__(self) -> "SandboxServer":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._httpd is not None

    @property
    def api(self) -> Optional[Api]:
        """What answers the requests while running (None when stopped): wrap its ``handle``
        to make this sandbox misbehave in a way no fault or dialect covers."""
        return self._httpd.api if self._httpd is not None else None

    @property
    def rate_limit(self) -> float:
        """Requests per second allowed per key (a dialect may lower what was asked)."""
        return self._limiter.rate

    # --- introspection and control -------------------------------------------------------------

    @property
    def counters(self) -> Dict[str, Any]:
        """Snapshot of what the sandbox did (lazy processing is brought up to date first)."""
        if self._processor is not None:
            self._processor.advance(time.time())
        return self._counters.snapshot()

    def set_faults(
        self,
        latency: float = 0.0,
        error_rate: float = 0.0,
        drop_after_commit_rate: float = 0.0,
        rate_limit_burst: Optional[float] = None,
        error_statuses: Optional[list] = None,
        payload_failure_rate: float = 0.0,
    ) -> Dict[str, Any]:
        """Replace the fault settings (anything not given goes back to off)."""
        return self._faults.configure(
            latency=latency,
            error_rate=error_rate,
            drop_after_commit_rate=drop_after_commit_rate,
            rate_limit_burst=rate_limit_burst,
            error_statuses=error_statuses,
            payload_failure_rate=payload_failure_rate,
        )

    @property
    def faults(self) -> Dict[str, Any]:
        return self._faults.settings()

    def reset(self) -> None:
        """Forget every bulk and order, zero the counters, faults off."""
        if self._store is not None:
            self._store.reset()
        self._counters.reset()
        self._faults.configure()
        self._limiter.reset()
