"""The client against hostile servers (tests/hostile_server.py on 127.0.0.1): what the
protections cost on a well-behaved server, and how fast they act on a hostile one.

Prints:
* per-request time of TaskingClient (deadline thread, streamed bounded read, key masking)
  against a plain requests.Session on the same small answer, and the ratio;
* key masking of a 2 MB /payloads page (the client masks every body before decoding);
* the slowest of the hostile 120 KB HTML error pages through parse_error_body;
* a 500 MB gzip bomb (497 KB on the wire): time to the typed error and peak RSS growth;
* a reply dripping one byte a second: time from stop to CancelledError, and the deadline.

Not a timed test. Usage::

    .venv/bin/python bench/bench_hostile.py
"""

import json
import os
import resource
import statistics
import sys
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "scripts"))
sys.path.insert(0, os.path.join(REPO, "tests"))
import plugin_path  # noqa: E402

plugin_path.ensure_importable()

import requests  # noqa: E402
from hostile_server import HostileServer, gzip_bomb  # noqa: E402
from planet_bulk_tasking.core.tasking.api import parse_error_body  # noqa: E402
from planet_bulk_tasking.core.tasking.client import TaskingClient  # noqa: E402
from planet_bulk_tasking.core.tasking.errors import TaskingError  # noqa: E402

KEY = "PLAK7f3c9e2b41d84a6f9c0e5d7b2a1c3e4f"
SUMMARY = {"id": "b", "status": "RUNNING", "payload_count": 1000}


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bomb() -> None:
    body = gzip_bomb(500 * 1024 * 1024)
    srv = HostileServer(lambda r, c: c.respond(200, body, {"Content-Encoding": "gzip"}))
    before = rss_mb()
    t0 = time.perf_counter()
    try:
        TaskingClient(srv.base_url, KEY, max_retries=0).get_bulk("b")
    except TaskingError as exc:
        took = time.perf_counter() - t0
        print(
            f"gzip bomb ({len(body) // 1024} KB -> 500 MB): {type(exc).__name__} in "
            f"{took:.2f} s, peak RSS +{rss_mb() - before:.0f} MB"
        )
    srv.close()


def overhead(n: int = 300) -> None:
    srv = HostileServer(lambda r, c: c.respond(200, SUMMARY))
    client = TaskingClient(srv.base_url, KEY, stop_event=threading.Event())
    session = requests.Session()
    url = f"{srv.base_url}/bulk/b"

    def plain():
        session.get(url, headers={"Authorization": f"api-key {KEY}"}, timeout=5).json()

    def ours():
        client.get_bulk("b")

    times = {}
    for name, call in (("requests.Session", plain), ("TaskingClient", ours)) * 2:
        samples = []
        for _ in range(n):
            t0 = time.perf_counter()
            call()
            samples.append(time.perf_counter() - t0)
        times[name] = statistics.median(samples) * 1000  # the second round counts
    print(
        f"one small GET, median of {n}: requests.Session {times['requests.Session']:.2f} ms, "
        f"TaskingClient {times['TaskingClient']:.2f} ms "
        f"(ratio {times['TaskingClient'] / times['requests.Session']:.2f})"
    )
    client.close()
    session.close()
    srv.close()


def masking() -> None:
    item = {
        "status": "FAILED",
        "error": "geometry: invalid",
        "payload": {"name": "site-00001", "geometry": {"type": "Point", "coordinates": [1, 2]}},
    }
    page = json.dumps({"count": 1000, "results": [item] * 12000})
    client = TaskingClient("http://127.0.0.1:9/tasking/v2", KEY)
    t0 = time.perf_counter()
    client._redact(page)
    took = time.perf_counter() - t0
    size = len(page) / 1e6
    print(f"key masking of a {size:.1f} MB page: {took * 1000:.0f} ms ({size / took:.0f} MB/s)")


def html() -> None:
    pages = {
        "'<' x 120k": "<" * 120_000,
        "unclosed <script> x 15k": "<script>" * 15_000,
        "<title> + '<a ' x 40k": "<title>" + "<a " * 40_000,
    }
    worst = (0.0, "")
    for name, text in pages.items():
        t0 = time.perf_counter()
        parse_error_body(text)
        worst = max(worst, (time.perf_counter() - t0, name))
    print(f"hostile 120 KB error pages: slowest {worst[0] * 1000:.1f} ms ({worst[1]})")


def drip() -> None:
    def handler(r, c):
        c.head(200, {"Connection": "close"})
        c.drip(b"{", 1.0, forever=True)

    srv = HostileServer(handler)
    stop = threading.Event()
    client = TaskingClient(srv.base_url, KEY, stop_event=stop, timeout=(5, 30))
    stopped_at = []

    def stop_now():
        stopped_at.append(time.monotonic())
        stop.set()

    threading.Timer(0.5, stop_now).start()
    try:
        client.get_bulk("b")
    except TaskingError as exc:
        after = (time.monotonic() - stopped_at[0]) * 1000
        print(f"drip, stop: {type(exc).__name__} {after:.0f} ms after the stop")
    client = TaskingClient(srv.base_url, KEY, timeout=(5, 30), deadline=2.0, max_retries=0)
    t0 = time.monotonic()
    try:
        client.get_bulk("b")
    except TaskingError as exc:
        print(f"drip, deadline 2 s: {type(exc).__name__} after {time.monotonic() - t0:.2f} s")
    srv.close()


def main() -> None:
    bomb()  # first: peak RSS is a high-water mark
    overhead()
    masking()
    html()
    drip()


if __name__ == "__main__":
    main()
