"""core/transport.py leans on urllib3 internals (pool classes, ConnectionCls.connect,
conn.sock): pinned here to the urllib3 QGIS ships (Debian 12: 1.26, Debian 13: 2.x)."""

import threading
import time

import pytest
import requests
import urllib3
from hostile_server import HostileServer
from planet_bulk_tasking.core.tasking import transport

MAJOR = int(urllib3.__version__.split(".")[0])


def test_urllib3_is_a_version_the_transport_knows():
    assert MAJOR in (1, 2), urllib3.__version__
    if MAJOR == 1:
        assert tuple(int(x) for x in urllib3.__version__.split(".")[:2]) >= (1, 26)


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
    time.sleep(0.3)
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
