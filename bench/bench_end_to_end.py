"""End to end: 10,000 orders in 10 bulks from a memory layer of points, against the sandbox.

Runs the real chain (create_job -> SubmitEngine on a BackgroundJob QThread -> TaskingClient ->
in-process SandboxServer over HTTP on 127.0.0.1) and prints:

* wall time of the run (start() to the run's ended);
* requests made (the clients' ``requests_made`` summed, and the sandbox's own count);
* the worst main-thread stall, from a 20 ms QTimer heartbeat;
* the ratio of wall time to the sandbox's own processing time (payloads / processing_rate):
  1.0 would mean the plugin adds nothing on top of the server's work.

Not a timed test. Usage::

    .venv/bin/python bench/bench_end_to_end.py [--orders 10000] [--bulks 10]
        [--processing-rate 200] [--rate-limit 10]
"""

import argparse
import os
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "scripts"))
import plugin_path  # noqa: E402

plugin_path.ensure_importable()
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench_common import GcPauses, point_layer  # noqa: E402
from qgis.core import QgsApplication  # noqa: E402
from qgis.PyQt.QtCore import QEventLoop, QTimer  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--orders", type=int, default=10_000)
    ap.add_argument("--bulks", type=int, default=10)
    ap.add_argument("--processing-rate", type=float, default=200.0, help="sandbox payloads/s")
    ap.add_argument("--rate-limit", type=float, default=10.0, help="sandbox requests/s per key")
    ap.add_argument("--timeout", type=float, default=600.0)
    args = ap.parse_args(argv)

    app = QgsApplication([], False)
    app.setPrefixPath("/usr", True)
    app.initQgis()

    from planet_bulk_tasking.core.engine.submit import SubmitEngine, record_event
    from planet_bulk_tasking.core.jobs.background import BackgroundJob
    from planet_bulk_tasking.core.model.job import TargetStatus
    from planet_bulk_tasking.core.targets.build import create_job
    from planet_bulk_tasking.core.targets.parameters import OrderParameters
    from planet_bulk_tasking.core.tasking.client import TaskingClient
    from planet_bulk_tasking.sandbox import SandboxServer

    srv = SandboxServer(processing_rate=args.processing_rate, rate_limit=args.rate_limit)
    base_url = srv.start()
    try:
        t = time.monotonic()
        layer = point_layer(args.orders)
        per_bulk = -(-args.orders // args.bulks)
        job = create_job(
            layer, OrderParameters(), selected_only=False, endpoint=base_url, max_payloads=per_bulk
        )
        build = time.monotonic() - t
        print(
            f"built {len(job.targets)} targets in {len(job.chunks)} bulks in {build:.2f} s "
            f"(layer + create_job, not part of the run)"
        )

        def make_client(stop_event=None):
            return TaskingClient(base_url, "sandbox-key", stop_event=stop_event)

        # full (generation 2) collections hold the GIL for their whole walk of the heap:
        # settle the set-up's garbage first and report any that happen during the run
        gc_recorder = GcPauses().start()
        beats = []
        heartbeat = QTimer()
        heartbeat.timeout.connect(lambda: beats.append(time.monotonic()))
        heartbeat.start(20)
        ended = []
        last_progress = {}
        runner = BackgroundJob(SubmitEngine(job, make_client), "bench-job")
        loop = QEventLoop()

        def on_report(name, report):  # what JobManager does, minus the store
            record_event(job, None, name, report)
            if name == "progress":
                last_progress.update(report[0])

        runner.reported.connect(on_report)
        runner.ended.connect(lambda how: (ended.append((how, time.monotonic())), loop.quit()))
        QTimer.singleShot(int(args.timeout * 1000), loop.quit)
        # a few beats first, so the first gap measured is a real one
        warm = QEventLoop()
        QTimer.singleShot(100, warm.quit)
        warm.exec_()
        t0 = time.monotonic()
        runner.start()
        loop.exec_()
        heartbeat.stop()
        gc_pauses = gc_recorder.stop()
        runner.stop(5000)
        if not ended:
            print(f"no end within {args.timeout} s: {last_progress}")
            return 1
        how, t_end = ended[0]
        wall = t_end - t0
        gaps = [b - a for a, b in zip(beats, beats[1:]) if b >= t0 - 0.1]
        counts = job.counts()
        sandbox = srv.counters
        processing = args.orders / args.processing_rate
        print(f"outcome: {how}; counts: {counts}")
        if how != "finished" or counts[TargetStatus.SUCCEEDED] != args.orders:
            print(f"error: {runner.error!r}")
            return 1
        print(f"wall time: {wall:.2f} s for {args.orders} orders in {len(job.chunks)} bulks")
        print(
            f"requests: {last_progress.get('requests')} by the clients; "
            f"{sandbox['requests']} seen by the sandbox {sandbox['responses']}; "
            f"orders created {sandbox['orders_created']}, bulks {sandbox['bulks_created']}; "
            f"{sandbox['requests'] / args.orders * 1000:.1f} per 1,000 orders, by endpoint "
            f"{sandbox['routes']}"
        )
        gaps.sort()
        p99 = gaps[int(0.99 * (len(gaps) - 1))]
        print(
            f"worst main-thread stall: {gaps[-1] * 1000:.0f} ms (20 ms heartbeat, {len(gaps)} "
            f"beats; p99 {p99 * 1000:.0f} ms; beats over 100 ms: "
            f"{sum(g > 0.1 for g in gaps)}; full GC pauses during the run: "
            f"{[round(p * 1000) for p in gc_pauses]} ms)"
        )
        print(
            f"sandbox processing time {processing:.1f} s ({args.orders} / "
            f"{args.processing_rate:g} per s); wall / processing = {wall / processing:.3f}"
        )
        return 0
    finally:
        srv.stop()
        app.exitQgis()


if __name__ == "__main__":
    sys.exit(main())
