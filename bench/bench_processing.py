"""Processing vs the dock's path: the same 10,000 point orders, once through a JobManager
(what the dock does) and once through ``processing.run('planet_bulk_tasking:submit_orders')``,
each against its own sandbox on 127.0.0.1. Prints both wall times and their ratio (what the
algorithm adds: parameter handling, its event loop, writing the output layer), and the
sandbox's own processing time. Not a timed test. Usage::

    .venv/bin/python bench/bench_processing.py [--orders 10000] [--processing-rate 2000]
"""

import argparse
import os
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "scripts"))
import plugin_path  # noqa: E402

plugin_path.ensure_importable()
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if "processing" in sys.modules:  # a checkout called 'processing' must not hide QGIS's
    del sys.modules["processing"]

from bench_common import point_layer  # noqa: E402
from qgis.core import QgsApplication, QgsProcessingFeedback  # noqa: E402
from qgis.PyQt.QtCore import QEventLoop, QTimer  # noqa: E402


def wait_for(predicate, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not predicate() and time.monotonic() < deadline:
        loop = QEventLoop()
        QTimer.singleShot(20, loop.quit)
        loop.exec()


def dock_path(layer, url: str, data_dir: str) -> float:
    from planet_bulk_tasking.core.jobs.manager import JobManager
    from planet_bulk_tasking.core.model.store import JobStore
    from planet_bulk_tasking.core.targets.build import create_job
    from planet_bulk_tasking.core.targets.parameters import OrderParameters
    from planet_bulk_tasking.core.tasking.client import TaskingClient

    store = JobStore(os.path.join(data_dir, "dock.sqlite"))

    def factory_for(_endpoint):
        return lambda stop_event=None: TaskingClient(url, "sandbox-key", stop_event=stop_event)

    manager = JobManager(store, factory_for)
    started = time.monotonic()
    job = create_job(layer, OrderParameters(), selected_only=False, endpoint=url)
    manager.submit(job)
    wait_for(lambda: not manager.is_running(job.job_id), 600)
    wall = time.monotonic() - started
    assert job.state == "done", job.state
    manager.shutdown()
    store.close()
    return wall


def processing_path(layer, url: str) -> float:
    from qgis import processing

    os.environ["PL_API_KEY"] = "sandbox-key"
    started = time.monotonic()
    result = processing.run(
        "planet_bulk_tasking:submit_orders",
        {"INPUT": layer, "ENDPOINT": url, "OUTPUT": "memory:"},
        feedback=QgsProcessingFeedback(),
    )
    wall = time.monotonic() - started
    assert result["OUTPUT"].featureCount() == layer.featureCount()
    return wall


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--orders", type=int, default=10_000)
    ap.add_argument("--processing-rate", type=float, default=2000.0, help="sandbox payloads/s")
    args = ap.parse_args(argv)

    app = QgsApplication([], False)
    app.initQgis()
    sys.path.append("/usr/share/qgis/python/plugins")
    from processing.core.Processing import Processing

    Processing.initialize()
    from planet_bulk_tasking.core import services
    from planet_bulk_tasking.processing.provider import PlanetBulkTaskingProvider
    from planet_bulk_tasking.sandbox import SandboxServer

    data_dir = tempfile.mkdtemp(prefix="pbt-bench-processing-")
    services.default_data_dir = lambda: data_dir  # the algorithm's job store goes here
    provider = PlanetBulkTaskingProvider()
    QgsApplication.processingRegistry().addProvider(provider)
    layer = point_layer(args.orders)
    walls = {}
    for name in ("dock", "processing"):
        srv = SandboxServer(rate_limit=1000.0, processing_rate=args.processing_rate)
        url = srv.start()
        try:
            if name == "dock":
                walls[name] = dock_path(layer, url, data_dir)
            else:
                walls[name] = processing_path(layer, url)
        finally:
            srv.stop()
    server = args.orders / args.processing_rate
    print(f"orders: {args.orders}; sandbox processing time {server:.2f} s")
    print(f"dock path (create_job + JobManager): {walls['dock']:.2f} s wall")
    print(f"processing.run(submit_orders): {walls['processing']:.2f} s wall")
    print(f"ratio processing / dock: {walls['processing'] / walls['dock']:.3f}")
    QgsApplication.processingRegistry().removeProvider(provider)
    del layer
    app.exitQgis()
    return 0


if __name__ == "__main__":
    sys.exit(main())
