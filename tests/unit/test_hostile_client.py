"""TaskingClient against misbehaving servers (tests/hostile_server.py): no hang, no
crash, no untyped error, no key in any text, whatever the server answers.

Real sockets on 127.0.0.1, real threads; every wait is bounded."""

import base64
import json
import threading
import time
import uuid

import pytest
from hostile_server import find_key, gzip_bomb
from planet_bulk_tasking.core.tasking import api
from planet_bulk_tasking.core.tasking.api import parse_error_body
from planet_bulk_tasking.core.tasking.client import TaskingClient
from planet_bulk_tasking.core.tasking.errors import (
    BadSummaryError,
    CancelledError,
    InvalidKeyError,
    NetworkError,
    ResponseTooLargeError,
    ServerError,
    TaskingError,
    WaitLimitError,
)
from planet_bulk_tasking.core.tasking.facts import WaitBudget

KEY = "PLAK7f3c9e2b41d84a6f9c0e5d7b2a1c3e4f"
PAYLOAD = {"name": "a", "geometry": {"type": "Point", "coordinates": [10.0, 50.0]}}
SUMMARY = {"id": "b", "status": "RUNNING", "payload_count": 1}


@pytest.fixture
def client():
    made = []

    def make(base_url, **kw):
        kw.setdefault("max_retries", 0)
        kw.setdefault("backoff_base", 0.01)
        kw.setdefault("timeout", (2.0, 5.0))
        c = TaskingClient(base_url, kw.pop("api_key", KEY), **kw)
        made.append(c)
        return c

    yield make
    for c in made:
        c.close()


@pytest.fixture
def threads_started(monkeypatch):
    """Names of the threads started while the test runs (the client's own: none per
    request; the process-wide watchdog at most once)."""
    names = []
    start = threading.Thread.start
    caller = threading.current_thread()

    def counting(self):
        if threading.current_thread() is caller:  # not the test server's own threads
            names.append(self.name)
        return start(self)

    monkeypatch.setattr(threading.Thread, "start", counting)
    return names


def request_threads(names):
    """Threads not the test server's and not the process-wide watchdog."""
    return [n for n in names if n != "pbt-http-watchdog" and not n.startswith("hostile-")]


# --- 1. a wall-clock bound on every answer, and an abort at any stage ------------------
DRIPS = {
    "status line": lambda req, conn: conn.drip(b"HTTP/1.1 200 OK\r\n", 0.2, forever=True),
    "headers": lambda req, conn: (
        conn.send(b"HTTP/1.1 200 OK\r\n"),
        conn.drip(b"X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaa\r\n", 0.2, forever=True),
    ),
    "body": lambda req, conn: (
        conn.head(200, {"Content-Length": "100000", "Content-Type": "application/json"}),
        conn.drip(b"[1,", 0.2, forever=True),
    ),
    "body, Connection: close": lambda req, conn: (
        conn.head(200, {"Connection": "close", "Content-Type": "application/json"}),
        conn.drip(b"[1,", 0.2, forever=True),
    ),
    "endless chunked body": lambda req, conn: conn.endless_chunked(),
}


@pytest.mark.parametrize("stage", list(DRIPS))
def test_total_deadline_at_every_stage(server, client, stage, threads_started):
    srv = server(DRIPS[stage])
    c = client(srv.base_url, deadline=1.0)
    t0 = time.monotonic()
    with pytest.raises(NetworkError) as info:
        c.get_bulk("b")
    took = time.monotonic() - t0
    assert info.value.kind == NetworkError.TIMEOUT
    assert "within 1 s" in info.value.user_message
    assert 0.9 < took < 2.0, took
    assert not request_threads(threads_started), "the request ran on this thread"


@pytest.mark.parametrize("stage", list(DRIPS))
def test_stop_cuts_a_request_at_every_stage(server, client, stage):
    """A stop_event set by code that does not call abort(): the watchdog notices it."""
    srv = server(DRIPS[stage])
    stop = threading.Event()
    c = client(srv.base_url, stop_event=stop, timeout=(2.0, 30.0))
    threading.Timer(0.3, stop.set).start()
    t0 = time.monotonic()
    with pytest.raises(CancelledError):
        c.get_bulk("b")
    assert time.monotonic() - t0 < 0.8
    assert c.open_sockets == 0  # shut down: nothing keeps reading


@pytest.mark.parametrize("stage", list(DRIPS))
def test_abort_from_another_thread_cuts_a_request_at_every_stage(
    server, client, stage, threads_started
):
    srv = server(DRIPS[stage])
    c = client(srv.base_url, timeout=(2.0, 30.0))
    aborted = []
    arrived = threading.Event()
    srv_handler = srv.handler

    def handler(req, conn):
        arrived.set()
        return srv_handler(req, conn)

    srv.handler = handler

    def abort_when_in_flight():
        arrived.wait(5)
        time.sleep(0.2)  # well inside the stage
        aborted.append(time.monotonic())
        c.abort()

    helper = threading.Thread(target=abort_when_in_flight, name="test-abort")
    helper.start()
    with pytest.raises(CancelledError):
        c.get_bulk("b")
    returned = time.monotonic()
    helper.join(5)
    assert returned - aborted[0] < 0.5, returned - aborted[0]
    assert request_threads(threads_started) == ["test-abort"]
    # stopped for good: nothing more is sent
    with pytest.raises(CancelledError):
        c.get_bulk("b")
    assert srv.count("GET") == 1


def test_abort_ends_a_retry_wait(server, client):
    srv = server(lambda req, conn: conn.respond(503, {"detail": "x"}, {"Retry-After": "30"}))
    c = client(srv.base_url, max_retries=3, max_retry_after=60)
    threading.Timer(0.3, c.abort).start()
    t0 = time.monotonic()
    with pytest.raises(CancelledError):
        c.get_bulk("b")
    assert time.monotonic() - t0 < 1.3
    assert c.requests_made == 1 and c.retries_made == 1


def test_requests_start_no_thread(server, client, threads_started):
    srv = server(lambda req, conn: conn.respond(200, SUMMARY))
    c = client(srv.base_url, stop_event=threading.Event(), deadline=5.0)
    for _ in range(5):
        assert c.get_bulk("b").status == "RUNNING"
    assert c.requests_made == 5
    assert not request_threads(threads_started), threads_started


def test_a_deadline_is_retried_once_not_max_retries_times(server, client):
    srv = server(DRIPS["body"])
    c = client(srv.base_url, deadline=0.5, max_retries=5)
    with pytest.raises(NetworkError):
        c.get_bulk("b")
    assert srv.count("GET") == 2


# --- 2. a connection cut mid-body is a retryable network error ------------------------
def _cut(body: bytes, announced: int):
    def handler(req, conn):
        conn.head(200, {"Content-Type": "application/json", "Content-Length": str(announced)})
        conn.send(body)
        conn.close()

    return handler


@pytest.mark.parametrize(
    "sent",
    [b'{"id": "b", "status": "RUN', json.dumps(SUMMARY).encode()],
    ids=["cut on invalid JSON", "cut on a valid JSON prefix"],
)
def test_truncated_body_is_a_retryable_network_error(server, client, sent):
    srv = server(_cut(sent, len(sent) + 50))
    c = client(srv.base_url)
    with pytest.raises(NetworkError) as info:
        c.get_bulk("b")
    assert info.value.kind == NetworkError.DROPPED and info.value.transient
    assert "dropped" in info.value.user_message

    # retried, and the next full answer is taken
    answers = iter([_cut(sent, len(sent) + 50), lambda r, conn: conn.respond(200, SUMMARY)])
    srv2 = server(lambda req, conn: next(answers)(req, conn))
    assert client(srv2.base_url, max_retries=2).get_bulk("b").status == "RUNNING"
    assert srv2.count("GET") == 2


@pytest.mark.parametrize("sent", [b'{"id": "b", "status": "RUN', b'{"id": "b", ', b"[1, 2"])
def test_json_cut_without_a_length_is_a_retryable_network_error(server, client, sent):
    """Connection: close and no Content-Length: only the JSON itself shows the cut."""

    def cut(req, conn):
        conn.head(200, {"Connection": "close"})
        conn.send(sent)
        conn.close()

    srv = server(cut)
    with pytest.raises(NetworkError) as info:
        client(srv.base_url).get_bulk("b")
    assert info.value.kind == NetworkError.DROPPED
    answers = iter([cut, lambda r, conn: conn.respond(200, SUMMARY)])
    srv2 = server(lambda req, conn: next(answers)(req, conn))
    assert client(srv2.base_url, max_retries=2).get_bulk("b").status == "RUNNING"


def test_truncated_answer_to_a_post_is_retried_with_the_same_id(server, client):
    bulk_id = str(uuid.uuid4())
    answers = iter(
        [_cut(b'{"id": "', 40), lambda r, conn: conn.respond(409, {"detail": "exists"})]
    )

    def handler(req, conn):
        if req.method == "GET":  # the 409 is confirmed by GET /bulk/<id>
            conn.respond(200, dict(SUMMARY, id=bulk_id))
        else:
            next(answers)(req, conn)

    srv = server(handler)
    assert client(srv.base_url, max_retries=2).create_bulk([PAYLOAD], bulk_id) == bulk_id
    assert {r.json()["id"] for r in srv.requests if r.method == "POST"} == {bulk_id}


def test_truncated_gzip_is_dropped_not_garbage(server, client):
    full = gzip_bomb(10_000)
    srv = server(
        lambda req, conn: (
            conn.head(200, {"Content-Encoding": "gzip", "Connection": "close"}),
            conn.send(full[: len(full) // 2]),
            conn.close(),
        )
    )
    with pytest.raises(NetworkError) as info:
        client(srv.base_url).get_bulk("b")
    assert info.value.kind == NetworkError.DROPPED


def test_reset_mid_body(server, client):
    srv = server(
        lambda req, conn: (
            conn.head(200, {"Content-Length": "5000"}),
            conn.send(b'{"status": "RUNNING", "pad": "' + b"x" * 1000),
            conn.reset(),
        )
    )
    with pytest.raises(NetworkError) as info:
        client(srv.base_url).get_bulk("b")
    assert info.value.kind == NetworkError.DROPPED


# --- 3. a cap on the decoded size ------------------------------------------------------
def test_gzip_bomb_stops_at_the_cap_quickly(server, client):
    bomb = gzip_bomb(200 * 1024 * 1024)  # ~200 KB that would expand to 200 MB
    srv = server(
        lambda req, conn: conn.respond(200, bomb, {"Content-Encoding": "gzip"})
    )
    t0 = time.monotonic()
    with pytest.raises(ResponseTooLargeError) as info:
        client(srv.base_url).get_bulk("b")  # the default cap: 32 MB decoded
    assert time.monotonic() - t0 < 3.0
    assert "32 MB" in info.value.user_message
    assert not info.value.transient


def test_plain_100_mb_body_stops_at_the_cap(server, client):
    def handler(req, conn):
        conn.head(200, {"Content-Length": str(100 * 1024 * 1024)})
        block = b" " * (1 << 20)
        for _ in range(100):
            if not conn.send(block):
                return

    srv = server(handler)
    with pytest.raises(ResponseTooLargeError):
        client(srv.base_url, max_body_bytes=4 * 1024 * 1024).get_bulk("b")


# --- 4. error pages parse in linear time ------------------------------------------------
HOSTILE_HTML = [
    "<" * 120_000,
    "<script>" * 15_000,
    "<title>" + "<a " * 40_000,
    ("<style>" + "x" * 10) * 8_000,
    "<html><title>Bad gateway</title>" + "<p>text</p>" * 12_000,
]


@pytest.mark.parametrize("html", HOSTILE_HTML, ids=lambda h: h[:12])
def test_error_pages_parse_fast(html):
    t0 = time.monotonic()
    message, fields = parse_error_body(html)
    assert time.monotonic() - t0 < 0.5
    assert fields == {}
    assert message is None or len(message) <= api.MAX_ERROR_TEXT


def test_a_huge_error_page_through_the_client(server, client):
    srv = server(lambda req, conn: conn.respond(502, "<title>Bad</title>" + "<" * 2_000_000))
    t0 = time.monotonic()
    with pytest.raises(ServerError):
        client(srv.base_url).get_bulk("b")
    assert time.monotonic() - t0 < 2.0


def test_deeply_nested_error_body():
    nested = '{"a":' * 5000 + "1" + "}" * 5000
    message, _ = parse_error_body(nested)
    assert message
    shallow_but_deep = json.dumps(_deep(200))
    message, fields = parse_error_body(shallow_but_deep)
    assert "nested too deeply" in json.dumps(fields)


def _deep(n):
    d = "end"
    for _ in range(n):
        d = {"x": d}
    return d


# --- 5. odd keys: typed error up front, never the key in it ----------------------------
ODD_KEYS = {
    "zero-width space": "PLAK7f3c9e2b\u200b41d84a6f9c0e5d",
    "non-Latin-1": "PLAK7f3c9e2b41d84a6f9c0e5d\u20ac",
    "newline": "PLAK7f3c9e2b41d84a6f9c0e5d\nX-Evil: 1",
    "inner space": "PLAK7f3c9e2b 41d84a6f9c0e5d",
}


@pytest.mark.parametrize("what", list(ODD_KEYS))
def test_odd_keys_are_refused_before_sending(server, client, what):
    key = ODD_KEYS[what]
    srv = server()
    c = client(srv.base_url, api_key=key)
    for call in (
        lambda: c.create_bulk([PAYLOAD], str(uuid.uuid4())),
        lambda: c.get_bulk("b"),
        lambda: list(c.iter_orders()),
    ):
        with pytest.raises(InvalidKeyError) as info:
            call()
        for text in (str(info.value), repr(info.value), info.value.user_message):
            assert key not in text and key.strip().split()[0] not in text
    report = c.check_connection()
    assert report.state == "invalid" and "character" in report.message
    assert key.split()[0][:12] not in report.message
    assert srv.requests == []


def test_a_key_with_surrounding_spaces_is_fine(server, client):
    srv = server(lambda req, conn: conn.respond(200, SUMMARY))
    client(srv.base_url, api_key=f"  {KEY}\n").get_bulk("b")
    assert srv.requests[0].headers["authorization"] == f"api-key {KEY}"


# --- 6. every echo of the key is masked ---------------------------------------------------
def echoes(key):
    basic = base64.b64encode(f"{key}:".encode()).decode()
    return {
        "raw": key,
        "json-escaped": "".join(f"\\u{ord(c):04x}" if c.isalpha() else c for c in key),
        "basic header": f"Basic {basic}",
        "bare base64": basic,
        "percent": "".join(f"%{ord(c):02X}" for c in key),
        "lower case": key.lower(),
    }


@pytest.mark.parametrize("form", list(echoes(KEY)))
def test_echoed_key_never_reaches_errors_or_results(server, client, form):
    echo = echoes(KEY)[form]
    payload_page = (
        '{"count": 1, "next": null, "results": [{"status": "FAILED", '
        f'"error": "bad key {echo}", "payload": {json.dumps(PAYLOAD)}}}]}}'
    )

    def handler(req, conn):
        if req.route.endswith("/payloads"):
            conn.respond(200, payload_page, {"Content-Type": "application/json"})
        elif req.method == "POST":
            conn.respond(400, '{"detail": "your key ' + echo + ' is odd", "id": ["' + echo + '"]}')
        else:
            conn.respond(404, f"<html><title>{echo}</title>no {echo}</html>")

    srv = server(handler)
    c = client(srv.base_url)
    texts = []
    for call in (lambda: c.create_bulk([PAYLOAD], str(uuid.uuid4())), lambda: c.get_bulk("b")):
        with pytest.raises(TaskingError) as info:
            call()
        e = info.value
        texts += [str(e), repr(e), e.user_message, str(e.details), json.dumps(
            getattr(e, "field_errors", {}))]
    results = list(c.iter_bulk_payloads("b"))
    texts += [r.reason for r in results]
    assert "***" in results[0].reason
    for text in texts:
        assert not find_key(text, KEY), (form, text)


# --- 7. paging is bounded ------------------------------------------------------------------
def test_a_next_link_that_changes_every_page_is_bounded(server, client):
    def handler(req, conn):
        n = int(req.query.get("page", "0"))
        conn.respond(200, {
            "count": 3,
            "next": f"/tasking/v2/bulk/b/payloads?page={n + 1}",
            "results": [{"status": "SUCCESS", "order_id": f"o{n}", "payload": PAYLOAD}],
        })

    srv = server(handler)
    results = list(client(srv.base_url).iter_bulk_payloads("b"))
    assert len(results) <= 4 and srv.count("GET") <= 4


def test_a_count_of_a_billion_without_next_is_bounded(server, client):
    srv = server(lambda req, conn: conn.respond(200, {
        "count": 10**9,
        "results": [{"status": "SUCCESS", "order_id": "o", "payload": PAYLOAD}] * 100,
    }))
    seen = []
    c = client(srv.base_url)
    c.on_page = lambda fetched, expected: seen.append((fetched, expected))
    results = list(c.iter_bulk_payloads("b", page_size=100))
    # at most twice what a bulk can hold (1000 payloads), then it stops
    assert len(results) <= 2 * api.MAX_PAYLOADS_PER_BULK
    assert srv.count("GET") <= 2 * api.MAX_PAYLOADS_PER_BULK // 100 + 1
    assert seen[0] == (100, 2 * api.MAX_PAYLOADS_PER_BULK) and seen[-1][0] == len(results)


def test_orders_by_id_are_bounded_by_the_ids_asked(server, client):
    srv = server(lambda req, conn: conn.respond(200, {
        "count": 10**9, "results": [{"id": "x"}] * 10,
    }))
    out = list(client(srv.base_url).iter_orders(ids=["a", "b", "c"]))
    # orders not asked for: id__in is ignored here, so one GET /orders/<id> per id asked,
    # and what is not the order asked for is dropped
    assert out == [] and srv.count("GET") == 1 + 3


# --- 9. a bulk summary that is not an object ------------------------------------------------
@pytest.mark.parametrize("body", ["[]", "null", '"ok"', "{}", '{"bulk": 3}', "42"])
def test_summary_that_is_not_an_object_is_a_typed_transient_error(server, client, body):
    srv = server(lambda req, conn: conn.respond(200, body, {"Content-Type": "application/json"}))
    with pytest.raises(BadSummaryError) as info:
        client(srv.base_url).get_bulk("b")
    assert info.value.transient


def test_odd_numbers_in_a_summary(server, client):
    srv = server(lambda req, conn: conn.respond(200, (
        '{"status": "RUNNING", "payload_count": 1e999, "failed_payload_count": -3, '
        '"successful_payload_count": "' + "9" * 5000 + '", "processing_payload_count": NaN}'
    ), {"Content-Type": "application/json"}))
    s = client(srv.base_url).get_bulk("b")
    assert s.status == "RUNNING"
    assert (s.payload_count, s.failed_payload_count, s.successful_payload_count) == (
        None, None, None,
    )


# --- 10. every failure of the client is a TaskingError -------------------------------------
def _answers(port):
    deep = "[" * 100_000 + "]" * 100_000
    bomb = gzip_bomb(40 * 1024 * 1024)
    a = {
        "not json": lambda r, c: c.respond(200, "<html>login</html>"),
        "deep json": lambda r, c: c.respond(200, deep, {"Content-Type": "application/json"}),
        "1e999": lambda r, c: c.respond(200, '{"status": "RUNNING", "payload_count": 1e999, '
                                       '"count": 1e999, "results": []}'),
        "huge int": lambda r, c: c.respond(200, '{"count": ' + "9" * 6000 + "}"),
        "bad port location": lambda r, c: c.respond(
            302, b"", {"Location": f"http://127.0.0.1:{port}:1/x"}),
        "bad ipv6 location": lambda r, c: c.respond(301, b"", {"Location": "http://[::1/x"}),
        "foreign location": lambda r, c: c.respond(
            307, b"", {"Location": "https://evil.example/steal"}),
        "location loop": lambda r, c: c.respond(302, b"", {"Location": r.path}),
        "202 bad location": lambda r, c: c.respond(
            202, {}, {"Location": f"http://127.0.0.1:{port}:x/bulk/1"}),
        "null": lambda r, c: c.respond(200, "null", {"Content-Type": "application/json"}),
        "list": lambda r, c: c.respond(200, "[1, [2], {}]"),
        "invalid utf-8": lambda r, c: c.respond(200, b"\xff\xfe{\x00\x80"),
        "204": lambda r, c: c.respond(204, b""),
        "not gzip": lambda r, c: c.respond(200, b"plain", {"Content-Encoding": "gzip"}),
        "brotli": lambda r, c: c.respond(200, b"xx", {"Content-Encoding": "br"}),
        "short body": _cut(b'{"a"', 99),
        "reset": lambda r, c: c.reset(),
        "close at once": lambda r, c: c.close(),
        "garbage status": lambda r, c: (c.send(b"HTTP/1.1 abc\r\n\r\n"), c.close()),
        "not http": lambda r, c: (c.send(b"SSH-2.0-OpenSSH\r\n"), c.close()),
        "status 999": lambda r, c: c.respond(999, {"detail": "?"}),
        "429 forever": lambda r, c: c.respond(429, {}, {"Retry-After": "1e999"}),
        "503 nan": lambda r, c: c.respond(503, "", {"Retry-After": "nan"}),
        "401": lambda r, c: c.respond(401, {"detail": "no"}),
        "409 weird": lambda r, c: c.respond(409, {"detail": {"deep": [[[[]]]]}}),
        "422 nested": lambda r, c: c.respond(422, json.dumps(_deep(500))),
        "bad content-length": lambda r, c: c.respond(200, {}, content_length=-5),
        "bomb": lambda r, c: c.respond(200, bomb, {"Content-Encoding": "gzip"}),
        "drip": DRIPS["body"],
    }
    return a


def _calls(c):
    bid = str(uuid.uuid4())
    return {
        "create_bulk": lambda: c.create_bulk([PAYLOAD], bid),
        "edit_orders": lambda: c.edit_orders([{"id": "o1", "name": "n"}], bid),
        "cancel_orders": lambda: c.cancel_orders(["o1"], bid),
        "get_bulk": lambda: c.get_bulk(bid),
        "get_order": lambda: c.get_order("o1"),
        "iter_bulk_payloads": lambda: list(c.iter_bulk_payloads(bid)),
        "iter_bulks": lambda: list(c.iter_bulks()),
        "iter_orders": lambda: list(c.iter_orders(status="QUEUED")),
        "iter_orders ids": lambda: list(c.iter_orders(ids=["o1", "o2"])),
    }


def test_every_failure_of_every_public_method_is_a_tasking_error(server, client):
    srv = server()
    answers = _answers(srv.port)
    escaped, handled, took = [], 0, {}
    for name, answer in answers.items():
        srv.handler = answer
        t0 = time.monotonic()
        c = client(srv.base_url, deadline=0.3, max_retries=1, backoff_base=0.01,
                   max_retry_after=0.02)
        for call_name, call in _calls(c).items():
            try:
                call()
                handled += 1
            except TaskingError as exc:
                handled += 1
                assert not find_key(str(exc) + repr(exc), KEY)
            except BaseException as exc:  # noqa: BLE001 - what we are looking for
                escaped.append((name, call_name, repr(exc)[:200]))
        report = c.check_connection()  # never raises: a report
        assert report.state in ("valid", "invalid", "forbidden", "unreachable"), name
        c.close()
        took[name] = round(time.monotonic() - t0, 2)
    print("seconds per hostile answer (9 calls + check_connection):", took)
    assert escaped == []
    assert handled == len(answers) * 9


def test_invalid_requests_are_typed_and_still_value_errors(server, client):
    c = client(server().base_url)
    for call in (
        lambda: c.create_bulk([PAYLOAD], "not-a-uuid"),
        lambda: c.create_bulk([PAYLOAD] * 1001, str(uuid.uuid4())),
        lambda: c.cancel_orders([], str(uuid.uuid4())),
    ):
        with pytest.raises(TaskingError) as info:
            call()
        assert isinstance(info.value, ValueError)


# --- 12. Retry-After adds up: a job-wide budget --------------------------------------------
def test_retry_after_of_a_billion_is_bounded_by_the_job_budget(server, client):
    srv = server(lambda req, conn: conn.respond(429, {}, {"Retry-After": "1000000000"}))
    budget = WaitBudget(1.0)
    clients = [
        client(srv.base_url, max_retries=10, max_retry_after=0.4, wait_budget=budget)
        for _ in range(2)
    ]
    t0 = time.monotonic()
    with pytest.raises(WaitLimitError) as info:
        clients[0].get_bulk("b")
    with pytest.raises(WaitLimitError):  # the second client of the job shares the budget
        clients[1].get_bulk("b")
    assert time.monotonic() - t0 < 2.0
    assert budget.used == pytest.approx(1.0, abs=0.01)
    assert "waited 1 s in total" in info.value.user_message
    assert not info.value.transient


def test_a_key_escaped_twice_is_masked_once_decoded(server, client):
    """'\\\\u0050…' in the raw body is the text '\\u0050…' once decoded: masked then."""
    twice = "".join(f"\\u{ord(c):04x}" for c in KEY)
    body = json.dumps({"id": "o1", "name": twice, "deep": [[{f"k {KEY}": twice}]]})
    srv = server(lambda req, conn: conn.respond(200, body, {"Content-Type": "application/json"}))
    order = client(srv.base_url).get_order("o1")
    assert order["name"] == "***" and order["deep"] == [[{"k ***": "***"}]]
    assert not find_key(json.dumps(order), KEY)
