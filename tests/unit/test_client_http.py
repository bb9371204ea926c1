"""TaskingClient against tiny real HTTP servers (stdlib http.server on 127.0.0.1).

Each test scripts the answers; nothing is mocked: real sockets, real requests.
"""

import json
import logging
import shutil
import socket
import ssl
import subprocess
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from planet_bulk_tasking.core.tasking.client import ConnectionReport, TaskingClient
from planet_bulk_tasking.core.tasking.errors import (
    AuthenticationError,
    CancelledError,
    ConflictError,
    NetworkError,
    NotFoundError,
    PayloadTooLargeError,
    PermissionDeniedError,
    RateLimitedError,
    RequestRejectedError,
    ServerError,
    TaskingError,
    TLSError,
    UnexpectedResponseError,
    UnsafeUrlError,
)
from sandbox_support import wait_for

KEY = "PLAK-secret-0123456789abcdef"
PAYLOAD = {"name": "a", "geometry": {"type": "Point", "coordinates": [10.0, 50.0]}}
DROP = "drop"


class Req:
    def __init__(self, method, path, headers, body):
        self.method, self.path, self.headers, self.body = method, path, headers, body
        parts = urlsplit(path)
        self.route = parts.path
        self.query = {k: v[-1] for k, v in parse_qs(parts.query).items()}

    def json(self):
        return json.loads(self.body.decode("utf-8"))


class Stub:
    """A scripted HTTP server. ``respond(req)`` returns (status, headers, body), DROP,
    or ("sleep", seconds, then) to answer late."""

    def __init__(self, respond=None, tls=None):
        self.requests = []
        self.respond = respond or (lambda req: (200, {}, {}))
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def _handle(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else b""
                req = Req(self.command, self.path, dict(self.headers), body)
                stub.requests.append(req)
                result = stub.respond(req)
                if isinstance(result, tuple) and result and result[0] == "sleep":
                    # the scenario: a server that answers late
                    time.sleep(result[1])
                    result = result[2]
                if result == DROP:
                    self.close_connection = True
                    return
                status, headers, payload = result
                if isinstance(payload, (dict, list)):
                    data = json.dumps(payload).encode()
                    headers = dict({"Content-Type": "application/json"}, **headers)
                elif isinstance(payload, str):
                    data = payload.encode()
                else:
                    data = payload or b""
                try:
                    self.send_response(status)
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass

            do_GET = do_POST = do_PUT = do_DELETE = do_CONNECT = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        if tls:  # (cert, key) files
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(*tls)
            self.server.socket = ctx.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self.origin = f"{'https' if tls else 'http'}://127.0.0.1:{self.port}"
        self.base_url = self.origin + "/tasking/v2"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def routes(self, method, route):
        return [r for r in self.requests if r.method == method and r.route == route]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def stub():
    servers = []

    def make(respond=None, tls=None):
        s = Stub(respond, tls)
        servers.append(s)
        return s

    yield make
    for s in servers:
        s.close()


@pytest.fixture
def client_for():
    clients = []

    def make(base_url, **kw):
        kw.setdefault("max_retries", 3)
        kw.setdefault("backoff_base", 0.02)
        kw.setdefault("timeout", (2.0, 5.0))
        c = TaskingClient(base_url, kw.pop("api_key", KEY), **kw)
        clients.append(c)
        return c

    yield make
    for c in clients:
        c.close()


def closed_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


# --- create ---------------------------------------------------------------------------
@pytest.mark.parametrize("status", [202, 201])
def test_create_bulk_sends_key_agent_and_body_and_reads_location(stub, client_for, status):
    bid = str(uuid.uuid4())
    srv = stub(lambda r: (status, {"Location": f"/tasking/v2/bulk/{bid}"}, b""))
    c = client_for(srv.base_url, plugin_version="0.1.0", qgis_version="3.22.16")
    assert c.create_bulk([PAYLOAD, PAYLOAD], bid) == bid
    (req,) = srv.requests
    assert (req.method, req.route) == ("POST", "/tasking/v2/bulk/")
    assert req.headers["Authorization"] == f"api-key {KEY}"
    assert "PlanetBulkTaskingQGIS/0.1.0 QGIS/3.22.16" in req.headers["User-Agent"]
    assert req.headers["Content-Type"] == "application/json"
    assert req.json() == {"id": bid, "order_payloads": [PAYLOAD, PAYLOAD]}
    assert c.requests_made == 1


def test_basic_auth_scheme_sends_key_as_user_name(stub, client_for):
    import base64

    srv = stub(lambda r: (200, {}, {"results": [], "next": None}))
    c = client_for(srv.base_url, auth_scheme="basic")
    list(c.iter_orders())
    sent = srv.requests[0].headers["Authorization"]
    assert sent == "Basic " + base64.b64encode(f"{KEY}:".encode()).decode()


def test_location_with_server_chosen_id(stub, client_for):
    other = str(uuid.uuid4())
    srv = stub(lambda r: (202, {"Location": f"/tasking/v2/bulk/{other}/"}, b""))
    c = client_for(srv.base_url)
    assert c.create_bulk([PAYLOAD], str(uuid.uuid4())) == other


def test_location_to_another_host_is_refused(stub, client_for):
    elsewhere = stub()
    bid = str(uuid.uuid4())
    srv = stub(lambda r: (202, {"Location": f"{elsewhere.base_url}/bulk/{bid}"}, b""))
    c = client_for(srv.base_url)
    with pytest.raises(UnsafeUrlError) as info:
        c.create_bulk([PAYLOAD], bid)
    assert "another address" in info.value.user_message
    assert elsewhere.requests == []
    srv.respond = lambda r: (
        202,
        {"Location": f"https://evil.example.com/tasking/v2/bulk/{bid}"},
        b"",
    )
    with pytest.raises(UnsafeUrlError):
        c.create_bulk([PAYLOAD], bid)


# --- status errors --------------------------------------------------------------------
def test_401_and_403(stub, client_for):
    srv = stub(lambda r: (401, {}, {"detail": "Invalid API key"}))
    c = client_for(srv.base_url)
    with pytest.raises(AuthenticationError) as info:
        c.get_bulk("x")
    assert info.value.status == 401 and "not valid" in info.value.user_message
    assert info.value.details == "Invalid API key"
    report = c.check_connection()
    assert report.state == ConnectionReport.INVALID and "not valid" in report.message

    srv.respond = lambda r: (403, {}, {"detail": "Tasking not enabled"})
    with pytest.raises(PermissionDeniedError) as info:
        c.create_bulk([PAYLOAD], str(uuid.uuid4()))
    assert "not allowed to task" in info.value.user_message
    assert c.check_connection().state == ConnectionReport.FORBIDDEN
    assert c.retries_made == 0  # 401/403 are never retried


def test_check_connection_valid_and_no_key(stub, client_for):
    srv = stub(lambda r: (200, {}, {"count": 0, "next": None, "results": []}))
    c = client_for(srv.base_url)
    report = c.check_connection()
    assert report.state == "valid" and report.ok
    assert srv.requests[0].route == "/tasking/v2/orders/"
    assert srv.requests[0].query == {"limit": "1"}
    nokey = client_for(srv.base_url, api_key=None)
    assert nokey.check_connection().state == "invalid"
    assert len(srv.requests) == 1  # no request without a key


def test_check_connection_wrong_address_and_login_page(stub, client_for):
    srv = stub(lambda r: (404, {}, "<html><title>Not Found</title></html>"))
    c = client_for(srv.base_url)
    report = c.check_connection()
    assert report.state == "unreachable" and "404" in report.message
    srv.respond = lambda r: (200, {"Content-Type": "text/html"}, "<html>Wi-Fi login</html>")
    report = c.check_connection()
    assert report.state == "unreachable" and "not like the Planet Tasking API" in report.message
    with pytest.raises(UnexpectedResponseError):
        c.get_bulk("x")


def test_400_field_errors_413_404(stub, client_for):
    answers = {
        "400": (400, {}, {"order_payloads": [{}, {"geometry": ["Longitude out of range"]}]}),
        "413": (413, {}, "Request Entity Too Large"),
    }
    srv = stub(
        lambda r: (
            answers[r.json()["order_payloads"][0]["name"]]
            if r.body
            else (404, {}, {"detail": "Not found."})
        )
    )
    c = client_for(srv.base_url)
    with pytest.raises(RequestRejectedError) as info:
        c.create_bulk([dict(PAYLOAD, name="400")], str(uuid.uuid4()))
    err = info.value
    assert err.status == 400
    assert err.field_errors == {"order_payloads[1].geometry": ["Longitude out of range"]}
    assert "Longitude out of range" in err.user_message
    with pytest.raises(PayloadTooLargeError) as info:
        c.create_bulk([dict(PAYLOAD, name="413")], str(uuid.uuid4()))
    assert info.value.status == 413 and "1 MB" in info.value.user_message
    with pytest.raises(NotFoundError):
        c.get_bulk(str(uuid.uuid4()))
    assert c.retries_made == 0


# --- retries --------------------------------------------------------------------------
def test_retries_on_502_503_then_accepted(stub, client_for):
    bid = str(uuid.uuid4())
    script = iter([(502, {}, "Bad Gateway"), (503, {}, {"detail": "down"})])
    srv = stub(lambda r: next(script, (202, {"Location": f"/tasking/v2/bulk/{bid}"}, b"")))
    c = client_for(srv.base_url)
    assert c.create_bulk([PAYLOAD], bid) == bid
    assert len(srv.requests) == 3 and c.requests_made == 3 and c.retries_made == 2
    assert all(r.json()["id"] == bid for r in srv.requests)  # same id every time


def test_429_honours_retry_after(stub, client_for):
    script = iter([(429, {"Retry-After": "1"}, {"detail": "Too many requests"})])
    srv = stub(lambda r: next(script, (200, {}, {"id": "b", "status": "PENDING"})))
    c = client_for(srv.base_url)
    t0 = time.monotonic()
    assert c.get_bulk("b").status == "PENDING"
    assert 0.95 <= time.monotonic() - t0 < 3
    assert c.requests_made == 2


def test_429_retry_after_is_capped_and_exhausted_gives_rate_limited(stub, client_for):
    srv = stub(lambda r: (429, {"Retry-After": "3600"}, {"detail": "slow down"}))
    c = client_for(srv.base_url, max_retries=2, max_retry_after=0.1)
    t0 = time.monotonic()
    with pytest.raises(RateLimitedError) as info:
        c.get_bulk("b")
    assert time.monotonic() - t0 < 2
    assert info.value.retry_after == 3600 and info.value.transient
    assert c.requests_made == 3


def test_500_retried_for_get_not_for_post(stub, client_for):
    script = iter([(500, {}, "oops")])
    srv = stub(lambda r: next(script, (200, {}, {"status": "COMPLETE"})))
    c = client_for(srv.base_url)
    assert c.get_bulk("b").status == "COMPLETE" and c.requests_made == 2

    bid = str(uuid.uuid4())
    srv.requests.clear()
    srv.respond = lambda r: (500, {}, {"detail": "boom"}) if r.method == "POST" else (404, {}, {})
    with pytest.raises(ServerError) as info:
        c.create_bulk([PAYLOAD], bid)
    assert info.value.status == 500 and "boom" in str(info.value)
    # one POST, then one GET to ask whether the server has the bulk anyway
    assert [r.method for r in srv.requests] == ["POST", "GET"]
    assert srv.requests[1].route == f"/tasking/v2/bulk/{bid}"


def test_500_on_post_but_server_has_the_bulk_is_accepted(stub, client_for):
    bid = str(uuid.uuid4())
    srv = stub(lambda r: (500, {}, "x") if r.method == "POST" else (200, {}, {"id": bid}))
    c = client_for(srv.base_url)
    assert c.create_bulk([PAYLOAD], bid) == bid


def test_dropped_connection_on_post_then_409_is_accepted(stub, client_for):
    bid = str(uuid.uuid4())
    posts = []

    def respond(r):
        if r.method == "POST":
            posts.append(r)
            return DROP if len(posts) == 1 else (409, {}, {"detail": "Bulk id already exists"})
        return (200, {}, {"id": bid, "status": "RUNNING", "payload_count": 1})

    srv = stub(respond)
    c = client_for(srv.base_url)
    assert c.create_bulk([PAYLOAD], bid) == bid
    assert [r.method for r in srv.requests] == ["POST", "POST", "GET"]


def test_409_for_an_unknown_bulk_is_a_conflict(stub, client_for):
    srv = stub(lambda r: (409, {}, {"detail": "conflict"}) if r.method == "POST" else (404, {}, {}))
    c = client_for(srv.base_url)
    with pytest.raises(ConflictError) as info:
        c.create_bulk([PAYLOAD], str(uuid.uuid4()))
    assert "conflict" in str(info.value)


def test_read_timeout_is_retried_then_reported(stub, client_for):
    srv = stub(lambda r: ("sleep", 0.6, (200, {}, {})))
    c = client_for(srv.base_url, timeout=(1.0, 0.2), max_retries=1)
    with pytest.raises(NetworkError) as info:
        c.get_bulk("b")
    assert info.value.kind == "timeout" and "did not answer within 0.2 s" in info.value.user_message
    assert c.requests_made == 2


def test_dropped_get_is_retried(stub, client_for):
    script = iter([DROP])
    srv = stub(lambda r: next(script, (200, {}, {"status": "RUNNING"})))
    c = client_for(srv.base_url)
    assert c.get_bulk("b").status == "RUNNING" and c.requests_made == 2


# --- unreachable ----------------------------------------------------------------------
def test_connection_refused(client_for):
    c = client_for(f"http://127.0.0.1:{closed_port()}/tasking/v2", max_retries=2)
    with pytest.raises(NetworkError) as info:
        c.get_bulk("b")
    assert info.value.kind == "refused"
    assert "refused" in info.value.user_message.lower()
    assert c.requests_made == 3  # nothing was sent: safe to retry
    report = c.check_connection()
    assert report.state == "unreachable" and "refused" in report.message.lower()


def test_unresolvable_name(client_for):
    c = client_for("https://nonexistent.invalid/tasking/v2", max_retries=5)
    t0 = time.monotonic()
    with pytest.raises(NetworkError) as info:
        c.get_bulk("b")
    assert info.value.kind == "dns", info.value.details
    assert "could not be found" in info.value.user_message
    assert c.requests_made <= 2  # a wrong name is retried at most once
    assert time.monotonic() - t0 < 10
    assert c.check_connection().state == "unreachable"


# --- cancel ---------------------------------------------------------------------------
def test_stop_event_interrupts_a_long_backoff(stub, client_for):
    srv = stub(lambda r: (503, {"Retry-After": "30"}, {"detail": "maintenance"}))
    stop = threading.Event()
    c = client_for(srv.base_url, stop_event=stop, max_retry_after=60)
    threading.Timer(0.3, stop.set).start()
    t0 = time.monotonic()
    with pytest.raises(CancelledError):
        c.get_bulk("b")
    assert time.monotonic() - t0 < 1.3
    assert c.requests_made == 1
    # once set, nothing more is sent
    with pytest.raises(CancelledError):
        c.create_bulk([PAYLOAD], str(uuid.uuid4()))
    assert c.requests_made == 1


def test_stop_event_cuts_a_request_in_flight(stub, client_for):
    srv = stub(lambda r: ("sleep", 3.0, (200, {}, {"status": "RUNNING"})))
    stop = threading.Event()
    c = client_for(srv.base_url, stop_event=stop, timeout=(2.0, 20.0))
    threading.Timer(0.3, stop.set).start()
    t0 = time.monotonic()
    with pytest.raises(CancelledError):
        c.get_bulk("b")
    assert time.monotonic() - t0 < 1.0
    assert c.retries_made == 0


def test_watcher_threads_end_with_their_requests(stub, client_for):
    srv = stub(lambda r: (200, {}, {"status": "RUNNING"}))
    c = client_for(srv.base_url, stop_event=threading.Event())
    for _ in range(5):
        c.get_bulk("b")
    assert wait_for(
        lambda: not [t for t in threading.enumerate() if t.name == "pbt-http-stop"], 2.0
    )


# --- paging ---------------------------------------------------------------------------
def _pager(total, base_origin, absolute=True, with_next=True):
    items = [
        {"id": f"r{i}", "status": "SUCCESS", "order_id": f"o{i}", "payload": PAYLOAD}
        for i in range(total)
    ]

    def respond(r):
        limit = int(r.query.get("limit", 50))
        offset = int(r.query.get("offset", 0))
        page = items[offset : offset + limit]
        body = {"count": total, "results": page}
        if with_next:
            nxt = None
            if offset + limit < total:
                nxt = f"{r.route}?limit={limit}&offset={offset + limit}"
                if absolute:
                    nxt = base_origin + nxt
            body.update(next=nxt, previous=None)
        return (200, {}, body)

    return respond


@pytest.mark.parametrize("absolute", [True, False])
def test_payload_pages_follow_next(stub, client_for, absolute):
    srv = stub()
    srv.respond = _pager(1234, srv.origin, absolute=absolute)
    c = client_for(srv.base_url)
    results = list(c.iter_bulk_payloads("b", page_size=500))
    assert [r.order_id for r in results] == [f"o{i}" for i in range(1234)]
    assert all(r.status == "succeeded" for r in results)
    assert c.requests_made == 3
    assert srv.requests[0].route == "/tasking/v2/bulk/b/payloads"
    assert srv.requests[0].query == {"limit": "500"}


def test_pages_without_next_use_offsets_and_count(stub, client_for):
    srv = stub()
    srv.respond = _pager(120, srv.origin, with_next=False)
    c = client_for(srv.base_url)
    assert len(list(c.iter_bulk_payloads("b", page_size=50))) == 120
    assert c.requests_made == 3


def test_next_link_to_another_host_or_scheme_is_refused(stub, client_for):
    elsewhere = stub(lambda r: (200, {}, {"results": [], "next": None}))
    srv = stub()
    for link in (
        f"{elsewhere.origin}/tasking/v2/orders/?offset=1",  # other port
        "https://evil.example.com/tasking/v2/orders/?offset=1",
        f"https://127.0.0.1:{srv.port}/tasking/v2/orders/?offset=1",  # other scheme
    ):
        srv.respond = lambda r, link=link: (
            200,
            {},
            {"count": 2, "next": link, "results": [{"id": 1}]},
        )
        c = client_for(srv.base_url)
        got = []
        with pytest.raises(UnsafeUrlError):
            for o in c.iter_orders():
                got.append(o)
        assert got == [{"id": 1}]
    assert elsewhere.requests == []


def test_redirects_same_origin_followed_other_origin_refused(stub, client_for):
    elsewhere = stub(lambda r: (200, {}, {"status": "COMPLETE"}))

    def respond(r):
        if r.route == "/tasking/v2/bulk/b":
            return (301, {"Location": "/tasking/v2/bulk/b/"}, b"")
        if r.route == "/tasking/v2/bulk/b/":
            return (200, {}, {"status": "COMPLETE"})
        return (302, {"Location": elsewhere.base_url + "/bulk/x"}, b"")

    srv = stub(respond)
    c = client_for(srv.base_url)
    assert c.get_bulk("b").status == "COMPLETE"
    with pytest.raises(UnsafeUrlError):
        c.get_bulk("x")
    assert elsewhere.requests == []


def test_iter_orders_batches_ids_to_keep_urls_short(stub, client_for):
    ids = [str(uuid.uuid4()) for _ in range(250)] + ["dup"] * 3

    def respond(r):
        wanted = r.query["id__in"].split(",")
        assert r.query["status"] == "FULFILLED" and r.query["ordering"] == "-created_time"
        return (
            200,
            {},
            {"count": len(wanted), "next": None, "results": [{"id": i} for i in wanted]},
        )

    srv = stub(respond)
    c = client_for(srv.base_url)
    got = list(c.iter_orders(ids=ids, status="FULFILLED", ordering="-created_time"))
    assert sorted(o["id"] for o in got) == sorted(set(ids))
    # 250 UUIDs: 179 per request (URLs under 7.5 kB, servers' usual limit is 8 kB)
    assert len(srv.requests) == 2
    assert max(len(r.path) for r in srv.requests) < 7500
    srv.requests.clear()
    assert list(c.iter_orders(ids=[])) == [] and srv.requests == []


def test_iter_orders_filters(stub, client_for):
    srv = stub(lambda r: (200, {}, {"count": 1, "next": None, "results": [{"id": "o1"}]}))
    c = client_for(srv.base_url)
    assert list(c.iter_orders(status=["FULFILLED", "FAILED"], name_contains="field 1")) == [
        {"id": "o1"}
    ]
    q = srv.requests[0].query
    assert q["status__in"] == "FULFILLED,FAILED" and q["name__icontains"] == "field 1"
    assert c.get_order("o1") == {"count": 1, "next": None, "results": [{"id": "o1"}]}
    assert srv.requests[1].route == "/tasking/v2/orders/o1"


def test_edit_and_cancel_bodies(stub, client_for):
    srv = stub(lambda r: (202, {}, b""))
    c = client_for(srv.base_url)
    b1, b2 = str(uuid.uuid4()), str(uuid.uuid4())
    assert c.edit_orders([{"id": "o1", "name": "new"}], b1) == b1
    assert c.cancel_orders(["o1", "o2"], b2) == b2
    assert srv.requests[0].json() == {"id": b1, "edit_payloads": [{"id": "o1", "name": "new"}]}
    assert srv.requests[1].json() == {"id": b2, "cancel_payloads": [{"id": "o1"}, {"id": "o2"}]}


def test_iter_bulks_passes_filters(stub, client_for):
    srv = stub(
        lambda r: (
            200,
            {},
            {"count": 1, "next": None, "results": [{"id": "b1", "status": "COMPLETE"}]},
        )
    )
    c = client_for(srv.base_url)
    (summary,) = list(c.iter_bulks(failed_payload_count__gt=0))
    assert summary.id == "b1" and summary.is_complete
    assert srv.requests[0].query == {"failed_payload_count__gt": "0", "limit": "100"}


# --- proxies --------------------------------------------------------------------------
def test_proxy_is_used_for_https_and_never_sees_the_key(stub, client_for):
    proxy = stub(lambda r: (403, {}, b"proxy says no"))
    c = client_for(
        "https://api.planet.example/tasking/v2",
        proxies={"http": proxy.origin, "https": proxy.origin},
        max_retries=0,
    )
    with pytest.raises(NetworkError) as info:
        c.get_bulk("b")
    assert info.value.kind == "proxy"
    (req,) = proxy.requests
    assert req.method == "CONNECT" and req.path == "api.planet.example:443"
    assert "Authorization" not in req.headers and KEY not in json.dumps(req.headers)


def test_no_proxy_and_loopback_bypass_the_proxy(stub, client_for):
    proxy = stub(lambda r: (403, {}, b""))
    srv = stub(lambda r: (200, {}, {"status": "RUNNING"}))
    c = client_for(srv.base_url, proxies={"http": proxy.origin, "https": proxy.origin})
    assert c.get_bulk("b").status == "RUNNING"  # loopback: straight to the sandbox
    assert proxy.requests == []
    c2 = client_for(
        "https://api.planet.example/tasking/v2",
        proxies={"https": proxy.origin, "no_proxy": "intranet.local,planet.example"},
    )
    assert c2.proxies == {"http": None, "https": None, "all": None}


# --- the key never leaks --------------------------------------------------------------
def test_key_never_in_logs_errors_or_reprs(stub, client_for, caplog):
    caplog.set_level(logging.DEBUG)
    echo = {"detail": f"Invalid key {KEY}", "key": [KEY]}
    answers = iter(
        [(401, {}, echo), (403, {}, echo), (400, {}, echo), (503, {}, f"down {KEY}"), DROP, DROP]
    )
    srv = stub(lambda r: next(answers, (200, {"Content-Type": "text/plain"}, f"<p>{KEY}</p>")))
    c = client_for(srv.base_url, max_retries=0)
    errors = []
    for call in (
        lambda: c.get_bulk("b"),
        lambda: c.create_bulk([PAYLOAD], str(uuid.uuid4())),
        lambda: c.create_bulk([PAYLOAD], str(uuid.uuid4())),
        lambda: c.get_bulk("b"),
        lambda: c.get_bulk("b"),
        lambda: c.get_order("o"),
        lambda: c.get_order("o"),
    ):
        with pytest.raises(TaskingError) as info:
            call()
        errors.append(info.value)
    errors.append(
        client_for(f"http://127.0.0.1:{closed_port()}/x", max_retries=0).check_connection()
    )
    bad = client_for(srv.base_url, max_retries=0)
    with pytest.raises(UnsafeUrlError) as info:
        TaskingClient(f"http://user:{KEY}@example.com/", KEY)
    errors.append(info.value)
    # the key really was sent to the server...
    assert srv.requests[0].headers["Authorization"] == f"api-key {KEY}"
    # ...but appears nowhere on our side
    texts = [r.getMessage() for r in caplog.records] + [str(r.args) for r in caplog.records]
    for e in errors:
        texts += [str(e), repr(e), str(getattr(e, "details", "")), str(getattr(e, "message", ""))]
        texts += [str(vars(e)), str(getattr(e, "args", ""))]
    texts += [repr(c), str(c), repr(c.session.headers), str(dict(c.session.headers)), repr(bad)]
    texts += [repr(c.session.auth), str(vars(c))]
    assert len(texts) > 30
    for t in texts:
        assert KEY not in t, t


# --- TLS ------------------------------------------------------------------------------
@pytest.fixture
def self_signed(tmp_path):
    if not shutil.which("openssl"):
        pytest.skip("openssl not available")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
        check=True, capture_output=True,
    )  # fmt: skip
    return str(cert), str(key)


def test_tls_is_always_verified(stub, client_for, self_signed, monkeypatch):
    srv = stub(lambda r: (200, {}, {"status": "RUNNING"}), tls=self_signed)
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    c = client_for(srv.base_url, max_retries=2)
    with pytest.raises(TLSError) as info:
        c.get_bulk("b")
    assert "could not be verified" in info.value.user_message
    assert c.requests_made == 1  # never retried, never downgraded
    assert srv.requests == []  # nothing (and no key) went over the unverified link
    assert c.check_connection().state == "unreachable"


def test_a_trusted_ca_bundle_works_and_stop_cuts_tls_requests(
    stub, client_for, self_signed, monkeypatch
):
    # e.g. a company's TLS-inspecting proxy CA, given through REQUESTS_CA_BUNDLE
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", self_signed[0])
    slow = {"on": False}
    srv = stub(
        lambda r: ("sleep", 3.0, (200, {}, {})) if slow["on"] else (200, {}, {"status": "RUNNING"}),
        tls=self_signed,
    )
    stop = threading.Event()
    c = client_for(srv.base_url, stop_event=stop, timeout=(2.0, 20.0))
    assert c.get_bulk("b").status == "RUNNING"
    assert srv.requests[0].headers["Authorization"] == f"api-key {KEY}"
    slow["on"] = True
    threading.Timer(0.3, stop.set).start()
    t0 = time.monotonic()
    with pytest.raises(CancelledError):
        c.get_bulk("b")
    assert time.monotonic() - t0 < 1.0
