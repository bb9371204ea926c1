"""Sandbox alone: how fast it accepts, processes and lists, so other benchmarks know its share.

Prints, for N orders in N/1000 bulks (processing rate effectively unlimited):
* time to POST all bulks (JSON encode + HTTP + store);
* time until every bulk is COMPLETE (validation + order creation);
* median / worst latency of a page of GET /orders/, GET /orders/?status=..., and
  GET /bulk/<id>/payloads with N orders stored: these should stay flat as N grows.

Not a timed test. Usage::

    .venv/bin/python bench/bench_sandbox.py [--orders 10000] [--orders 50000]
"""

import argparse
import os
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "scripts"))
import plugin_path  # noqa: E402

plugin_path.ensure_importable()

import requests  # noqa: E402
from planet_bulk_tasking.sandbox import SandboxServer  # noqa: E402


def payloads(bulk: int, n: int):
    start = datetime.now(timezone.utc) + timedelta(days=1)
    times = {"start_time": start.isoformat(), "end_time": (start + timedelta(days=7)).isoformat()}
    return [
        dict(
            times,
            name=f"b{bulk}-{i}",
            geometry={"type": "Point", "coordinates": [i % 360 - 179.5, 45]},
        )
        for i in range(n)
    ]


def timed(session, url, repeat=20, **params):
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        res = session.get(url, params=params, timeout=30)
        samples.append(time.perf_counter() - t0)
        res.raise_for_status()
    return statistics.median(samples) * 1000, max(samples) * 1000


def run(total: int) -> None:
    srv = SandboxServer(processing_rate=1e9, rate_limit=0)
    base = srv.start()
    s = requests.Session()
    s.auth = ("sandbox-key", "")
    bulks = max(1, total // 1000)
    t0 = time.perf_counter()
    ids = []
    for b in range(bulks):
        res = s.post(
            base + "/bulk/", json={"order_payloads": payloads(b, total // bulks)}, timeout=60
        )
        res.raise_for_status()
        ids.append(res.headers["Location"].rsplit("/", 1)[1])
    posted = time.perf_counter() - t0
    for bulk_id in ids:
        while s.get(f"{base}/bulk/{bulk_id}", timeout=60).json()["status"] != "COMPLETE":
            time.sleep(0.01)
    processed = time.perf_counter() - t0 - posted
    print(f"{total} orders in {bulks} bulks: POST {posted:.2f}s, processing {processed:.2f}s")
    for label, url, params in [
        ("GET /orders/ limit=50", base + "/orders/", {"limit": 50}),
        (
            "GET /orders/ limit=50 offset=N-50",
            base + "/orders/",
            {"limit": 50, "offset": total - 50},
        ),
        ("GET /orders/?status=RECEIVED,PENDING", base + "/orders/", {"status": "RECEIVED,PENDING"}),
        ("GET /orders/?name__icontains=b3-9", base + "/orders/", {"name__icontains": "b3-9"}),
        ("GET /bulk/<id>/payloads limit=500", f"{base}/bulk/{ids[-1]}/payloads", {"limit": 500}),
        ("GET /bulk/<id>", f"{base}/bulk/{ids[-1]}", {}),
    ]:
        median, worst = timed(s, url, **params)
        print(f"  {label:42s} median {median:7.1f} ms   worst {worst:7.1f} ms")
    s.close()
    srv.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, action="append", help="may be repeated")
    for total in parser.parse_args().orders or [10000]:
        run(total)


if __name__ == "__main__":
    main()
