"""Misbehaving HTTP servers on 127.0.0.1, standard library only, raw sockets.

A ``HostileServer`` accepts connections on a thread each and hands every request to
``handler(req, conn)``, which writes whatever bytes it likes through ``conn``: a
clean answer (``conn.respond``), an answer cut short, a drip of one byte a second,
an endless body, a reset. ``close()`` stops every drip and closes every socket, so
tests end in bounded time whatever the handler was doing.

``key_forms(key)`` lists every form a server may echo a key in; tests scan logs,
files and texts for all of them.
"""

import base64
import json
import socket
import struct
import threading
import time
import zlib
from typing import Callable, Dict, List, Optional
from urllib.parse import parse_qs, quote, urlsplit


class Request:
    def __init__(self, method: str, target: str, headers: Dict[str, str], body: bytes):
        self.method, self.path, self.headers, self.body = method, target, headers, body
        parts = urlsplit(target)
        self.route = parts.path
        self.query = {k: v[-1] for k, v in parse_qs(parts.query).items()}

    def json(self):
        return json.loads(self.body.decode("utf-8"))


class Conn:
    """One client connection, as the handler sees it."""

    def __init__(self, sock: socket.socket, server: "HostileServer"):
        self.sock = sock
        self.server = server
        self.closed = False

    @property
    def stopping(self) -> bool:
        return self.server.stopping.is_set()

    def send(self, data: bytes) -> bool:
        try:
            self.sock.sendall(data)
            return True
        except OSError:
            self.closed = True
            return False

    def head(self, status: int = 200, headers: Optional[Dict[str, str]] = None,
             reason: str = "X") -> bool:
        lines = [f"HTTP/1.1 {status} {reason}"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        return self.send(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))

    def respond(self, status: int = 200, body=b"", headers: Optional[Dict[str, str]] = None,
                content_length: Optional[int] = None) -> bool:
        """A whole answer. ``body`` may be a dict/list (JSON) or str; ``content_length``
        announces a different length than what is sent (to cut answers short)."""
        headers = dict(headers or {})
        if isinstance(body, (dict, list)) or body is None:
            body = json.dumps(body).encode()
            headers.setdefault("Content-Type", "application/json")
        elif isinstance(body, str):
            body = body.encode("utf-8")
        headers.setdefault("Content-Length", str(len(body) if content_length is None
                                                 else content_length))
        lines = [f"HTTP/1.1 {status} X"] + [f"{k}: {v}" for k, v in headers.items()]
        return self.send(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)

    def drip(self, data: bytes, interval: float = 1.0, forever: bool = False) -> None:
        """``data`` one byte every ``interval`` s (again and again with ``forever``)."""
        while not self.stopping and not self.closed:
            for i in range(len(data)):
                if self.stopping or not self.send(data[i:i + 1]):
                    return
                self.server.stopping.wait(interval)
            if not forever:
                return

    def endless_chunked(self, piece: bytes = b"x" * 1024, interval: float = 0.01) -> None:
        """An answer whose chunked body never ends."""
        self.head(200, {"Content-Type": "application/json", "Transfer-Encoding": "chunked"})
        chunk = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
        while not self.stopping and self.send(chunk):
            self.server.stopping.wait(interval)

    def reset(self) -> None:
        """Close with RST (SO_LINGER 0) instead of FIN."""
        try:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        self.close()

    def close(self) -> None:
        self.closed = True
        try:
            self.sock.close()
        except OSError:
            pass


Handler = Callable[[Request, Conn], None]


class HostileServer:
    def __init__(self, handler: Optional[Handler] = None):
        self.handler: Handler = handler or (lambda req, conn: conn.respond(200, {}))
        self.requests: List[Request] = []
        self.stopping = threading.Event()
        self._conns: List[Conn] = []
        self._lock = threading.Lock()
        self._listener = socket.socket()
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self._listener.settimeout(0.1)
        self.port = self._listener.getsockname()[1]
        self.origin = f"http://127.0.0.1:{self.port}"
        self.base_url = self.origin + "/tasking/v2"
        self._thread = threading.Thread(target=self._accept, name="hostile-accept", daemon=True)
        self._thread.start()

    def count(self, method: Optional[str] = None, route_part: str = "") -> int:
        with self._lock:
            return sum(
                1 for r in self.requests
                if (method is None or r.method == method) and route_part in r.route
            )

    def _accept(self) -> None:
        while not self.stopping.is_set():
            try:
                sock, _ = self._listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            conn = Conn(sock, self)
            with self._lock:
                self._conns.append(conn)
            threading.Thread(target=self._serve, args=(conn,), name="hostile-conn",
                             daemon=True).start()

    def _read_request(self, conn: Conn, buf: bytearray) -> Optional[Request]:
        conn.sock.settimeout(0.2)
        while b"\r\n\r\n" not in buf:
            if self.stopping.is_set():
                return None
            try:
                data = conn.sock.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                return None
            if not data:
                return None
            buf += data
        head, _, rest = bytes(buf).partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, target, _ = (lines[0].split(" ", 2) + ["", ""])[:3]
        headers = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            headers[k.strip().lower()] = v.strip()
        n = int(headers.get("content-length") or 0)
        body = bytearray(rest)
        while len(body) < n and not self.stopping.is_set():
            try:
                data = conn.sock.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                return None
            if not data:
                return None
            body += data
        buf[:] = body[n:]
        return Request(method, target, headers, bytes(body[:n]))

    def _serve(self, conn: Conn) -> None:
        buf = bytearray()
        try:
            while not conn.closed and not self.stopping.is_set():
                req = self._read_request(conn, buf)
                if req is None:
                    break
                with self._lock:
                    self.requests.append(req)
                conn.sock.settimeout(None)
                try:
                    self.handler(req, conn)
                except Exception:  # noqa: BLE001 - a broken handler just closes
                    conn.close()
        finally:
            conn.close()

    def close(self) -> None:
        self.stopping.set()
        try:
            self._listener.close()
        except OSError:
            pass
        with self._lock:
            conns = list(self._conns)
        for conn in conns:
            conn.close()
        self._thread.join(2)


# --- ready-made answers ------------------------------------------------------------------
def gzip_bomb(decoded_bytes: int) -> bytes:
    """A gzip body of ``decoded_bytes`` zeros (~1000:1)."""
    out = bytearray()
    obj = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"\0" * (1 << 20)
    left = decoded_bytes
    while left > 0:
        n = min(left, len(block))
        out += obj.compress(block[:n])
        left -= n
    out += obj.flush()
    return bytes(out)


def key_forms(key: str) -> List[str]:
    """Every form of ``key`` a server may echo and a careless client may keep."""
    forms = {
        key,
        key.lower(),
        key.upper(),
        json.dumps(key)[1:-1],
        "".join(f"\\u{ord(c):04x}" for c in key),
        quote(key, safe=""),
        base64.b64encode(f"{key}:".encode()).decode(),
        base64.b64encode(key.encode()).decode().rstrip("="),
    }
    # base64 of the key at every byte offset (a Basic header inside some other text)
    for offset in (1, 2):
        enc = base64.b64encode(b"\0" * offset + key.encode() + b"\0\0").decode()
        forms.add(enc[4:4 * ((offset + len(key)) // 3)])
    return sorted(f for f in forms if len(f) >= 8)


def find_key(text, key: str) -> List[str]:
    """The forms of ``key`` found in ``text`` (str or bytes)."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    return [f for f in key_forms(key) if f in text]


def wait_for(predicate, timeout: float, step: float = 0.02) -> bool:
    """Poll a plain (non-Qt) condition: for threads that are not Qt's."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


class MiniTasking:
    """Just enough of the Tasking API for a whole job: POST /bulk/ (202), GET /bulk/<id>
    (COMPLETE), GET /bulk/<id>/payloads (one result per payload), GET /orders/. Each
    route can be replaced by a hostile one: ``srv.handler = MiniTasking(post=...)``.

    ``fail_when(payload) -> reason or None`` makes a payload FAILED with that reason."""

    def __init__(self, post=None, summary=None, payloads=None, orders=None, fail_when=None):
        self.bulks: Dict[str, list] = {}
        self.lock = threading.Lock()
        self.post, self.summary, self.payloads, self.orders = post, summary, payloads, orders
        self.fail_when = fail_when or (lambda p: None)

    def __call__(self, req: Request, conn: Conn) -> None:
        parts = [p for p in req.route.split("/") if p]  # tasking v2 bulk <id> payloads
        tail = parts[2:]
        if req.method == "POST" and tail == ["bulk"]:
            return (self.post or self.accept)(req, conn)
        if req.method == "GET" and tail[:1] == ["bulk"] and len(tail) == 2:
            return (self.summary or self.complete)(req, conn, tail[1])
        if req.method == "GET" and tail[:1] == ["bulk"] and tail[2:] == ["payloads"]:
            return (self.payloads or self.results)(req, conn, tail[1])
        if req.method == "GET" and tail[:1] == ["orders"]:
            return (self.orders or (lambda r, c: c.respond(200, {"count": 0, "results": []})))(
                req, conn)
        conn.respond(404, {"detail": "not here"})

    def accept(self, req: Request, conn: Conn) -> None:
        body = req.json()
        with self.lock:
            self.bulks.setdefault(body["id"], body["order_payloads"])
        conn.respond(202, {}, {"Location": f"/tasking/v2/bulk/{body['id']}"})

    def complete(self, req: Request, conn: Conn, bulk_id: str) -> None:
        with self.lock:
            known = bulk_id in self.bulks
            n = len(self.bulks.get(bulk_id, []))
        if not known:
            return conn.respond(404, {"detail": "no such bulk"})
        conn.respond(200, {"id": bulk_id, "status": "COMPLETE", "payload_count": n,
                           "processing_payload_count": 0})

    def result_list(self, bulk_id: str) -> list:
        with self.lock:
            payloads = list(self.bulks.get(bulk_id, []))
        out = []
        for i, p in enumerate(payloads):
            reason = self.fail_when(p)
            if reason:
                out.append({"status": "FAILED", "error": reason, "payload": p})
            else:
                out.append({"status": "SUCCESS", "order_id": f"{bulk_id[:8]}-{i}", "payload": p})
        return out

    def results(self, req: Request, conn: Conn, bulk_id: str) -> None:
        items = self.result_list(bulk_id)
        conn.respond(200, {"count": len(items), "next": None, "results": items})
