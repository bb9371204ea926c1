"""core/transport.py leans on urllib3 internals (pool classes, ConnectionCls.connect,
conn.sock): pinned here to the urllib3 QGIS ships (Debian 12: 1.26, Debian 13: 2.x)."""

import threading
import time

import pytest
import requests
import urllib3
from hostile_server import HostileServer, wait_for
from planet_bulk_tasking.core.tasking import transport

MAJOR = int(urllib3.__version__.split(".")[0])


def test_urllib3_is_a_version_the_transport_knows():
    """QGIS ships urllib3 1.26 (Debian 12, QGIS 3.22) and 2.x (Debian 13, QGIS 3.40).
    Another major: read transport.TrackingAdapter against its pool and connection
    classes, then add it to KNOWN_URLLIB3_MAJORS."""
    assert MAJOR in transport.KNOWN_URLLIB3_MAJORS, (
        f"urllib3 {urllib3.__version__}: transport.py knows majors "
        f"{transport.KNOWN_URLLIB3_MAJORS} (1.26 on Debian 12, 2.x on Debian 13) only"
    )
    if MAJOR == 1:
        assert tuple(int(x) for x in urllib3.__version__.split(".")[:2]) >= (1, 26)


def test_the_urllib3_internals_tracking_uses_are_there():
    """What TrackingAdapter._patch and the tracked connect rely on, by name."""
    manager = urllib3.PoolManager()
    assert isinstance(manager.pool_classes_by_scheme, dict)
    for scheme in ("http", "https"):
        pool_cls = manager.pool_classes_by_scheme[scheme]
        assert callable(getattr(pool_cls.ConnectionCls, "connect", None)), scheme
    assert hasattr(urllib3.connection.HTTPConnection(host="localhost"), "sock")


@pytest.fixture
def srv():
    server = HostileServer()
    yield server
    server.close()


def _session():
    session = requests.Session()
    adapter = transport.TrackingAdapter(max_retries=0)
    session.mount("http://", adapter)
    return session, adapter


def test_sockets_are_tracked_at_connect(srv):
    srv.handler = lambda req, conn: conn.respond(200, {"ok": True})
    session, adapter = _session()
    resp = session.get(srv.origin + "/x", stream=True, timeout=5)
    assert adapter.tracking, "pool classes were not patched: urllib3 internals changed"
    assert transport.read_body(resp, max_bytes=1000, abandoned=threading.Event()) == b'{"ok": true}'
    assert adapter.open_sockets() == 1
    session.close()


def test_abort_cuts_a_connection_close_answer_mid_body(srv):
    """http.client sets conn.sock = None for 'Connection: close': the socket itself is
    tracked, so abort still reaches it."""
    srv.handler = lambda req, conn: (
        conn.head(200, {"Connection": "close"}),
        conn.drip(b"x", 0.2, forever=True),
    )
    session, adapter = _session()
    resp = session.get(srv.origin + "/x", stream=True, timeout=(5, 30))
    failure = []

    def read():
        try:
            transport.read_body(resp, max_bytes=10**6, abandoned=threading.Event())
        except Exception as exc:  # noqa: BLE001
            failure.append(exc)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    time.sleep(0.3)  # the scenario: the reader is mid-body, in the drip
    t0 = time.monotonic()
    assert adapter.abort() >= 1
    reader.join(2)
    assert not reader.is_alive() and time.monotonic() - t0 < 1.0
    session.close()


def test_urllib3_does_not_decode_what_read_body_decodes(srv):
    """read_body asks for raw bytes (decode_content=False) and inflates them itself."""
    import gzip

    body = gzip.compress(b'{"a": 1}')
    srv.handler = lambda req, conn: conn.respond(200, body, {"Content-Encoding": "gzip"})
    session, _ = _session()
    resp = session.get(srv.origin + "/x", stream=True, timeout=5)
    assert transport.read_body(resp, max_bytes=100, abandoned=threading.Event()) == b'{"a": 1}'
    session.close()


def test_a_cut_reaches_only_its_own_request_and_a_socket_opened_after_it(srv):
    srv.handler = lambda req, conn: conn.respond(200, {"ok": True})
    session, adapter = _session()
    first = adapter.begin()
    second = adapter.begin()
    assert adapter.cut(first) == 0  # a deadline that fired as its request ended
    resp = session.get(srv.origin + "/x", stream=True, timeout=5)
    assert transport.read_body(resp, max_bytes=1000) == b'{"ok": true}'
    assert adapter.cut(second) >= 1
    session.close()


def test_after_abort_a_new_connection_is_shut_as_soon_as_it_connects(srv):
    """abort() during connect: the socket is not tracked yet, so it is shut on arrival."""
    srv.handler = lambda req, conn: (conn.head(200, {}), conn.drip(b"x", 0.2, forever=True))
    session, adapter = _session()
    adapter.abort()
    t0 = time.monotonic()
    with pytest.raises(requests.exceptions.ConnectionError):
        resp = session.get(srv.origin + "/x", stream=True, timeout=(5, 30))
        transport.read_body(resp, max_bytes=10**6)
    assert time.monotonic() - t0 < 1.0
    session.close()


def test_the_watchdog_fires_deadlines_and_stop_events_once():
    fired = []
    done = threading.Event()
    stop = threading.Event()

    def record(name):
        def fire(why):
            fired.append((name, why))
            if len(fired) == 2:
                done.set()

        return fire

    transport.WATCHDOG.watch(record("deadline"), seconds=0.1)
    transport.WATCHDOG.watch(record("stop"), event=stop)
    with transport.WATCHDOG.watch(record("ended"), seconds=0.1):
        pass  # ended before its deadline: never fires
    stop.set()
    assert done.wait(5)
    assert sorted(fired) == [("deadline", "deadline"), ("stop", "stop")]
    # nothing left to watch: the thread ends (no thread of an unloaded plugin lingers)
    assert wait_for(
        lambda: not [t for t in threading.enumerate() if t.name == "pbt-http-watchdog"], 5
    )
