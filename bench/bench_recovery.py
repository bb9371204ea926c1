"""Linking when /payloads hides the successes: 10,000 orders in 10 bulks, sandbox dialect
``hide-succeeded`` (the docs' literal words), through the real SubmitEngine on its thread.

Before issue 10 a fixed allowance of orders scanned from the newest left 6,000-8,500 of the
10,000 targets unlinked. Prints targets linked, unlinked, orders on the server, requests and
wall time, and the same for a dialect that also hides which order a payload made
(``payload-own-ids``). Not a timed test. Usage::

    .venv/bin/python bench/bench_recovery.py [--orders 10000] [--rate 2000]
"""

import argparse
import os
import sys
import time
from collections import Counter

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "scripts"))
import plugin_path  # noqa: E402

plugin_path.ensure_importable()
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import QgsApplication  # noqa: E402
from qgis.PyQt.QtCore import QCoreApplication  # noqa: E402


def run(dialect: str, n: int, rate: float) -> str:
    from dialects import KEY, factory_for, layer, server_orders  # scripts/dialects.py
    from planet_bulk_tasking.core.engine.submit import SubmitEngine, record_event
    from planet_bulk_tasking.core.jobs.background import BackgroundJob
    from planet_bulk_tasking.core.targets.build import create_job
    from planet_bulk_tasking.core.targets.parameters import OrderParameters
    from planet_bulk_tasking.sandbox import SandboxServer

    srv = SandboxServer(dialect=dialect, processing_rate=rate, rate_limit=10.0, keys=[KEY])
    base = srv.start()
    try:
        job = create_job(layer(n, "bench"), OrderParameters(), selected_only=False, endpoint=base)
        runner = BackgroundJob(
            SubmitEngine(job, factory_for(base)(), min_poll_interval=0.1), "bench-job"
        )
        ended = []
        runner.reported.connect(lambda name, report: record_event(job, None, name, report))
        runner.ended.connect(ended.append)
        t0 = time.monotonic()
        runner.start()
        while not ended and time.monotonic() - t0 < 900:
            QCoreApplication.processEvents()
            time.sleep(0.01)
        wall = time.monotonic() - t0
        runner.stop(5000)
        orders = server_orders(base)
        linked = [t for t in job.targets if t.order_id]
        right = sum(1 for t in linked if orders.get(t.order_id, {}).get("name") == t.name)
        names = Counter(o["name"] for o in orders.values())
        return (
            f"{dialect:<16} {ended[0] if ended else 'TIMEOUT'}: {len(linked)} of {n} targets "
            f"linked ({right} to their own order), {n - len(linked)} unlinked; "
            f"{len(orders)} orders on the server, most per name {max(names.values())}; "
            f"{srv.counters['requests']} requests, {wall:.1f} s"
        )
    finally:
        srv.stop()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--orders", type=int, default=10_000)
    ap.add_argument("--rate", type=float, default=2000.0, help="sandbox payloads/s")
    args = ap.parse_args(argv)
    app = QgsApplication([], False)
    app.initQgis()
    for dialect in ("hide-succeeded", "payload-own-ids"):
        print(run(dialect, args.orders, args.rate), flush=True)
    app.exitQgis()
    return 0


if __name__ == "__main__":
    sys.exit(main())
