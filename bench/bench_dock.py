"""Through the dock: N orders submitted from a layer's features with the map canvas, the
results table and a result layer live, against the sandbox in its own process (2,000
payloads/s, the default 10 requests/s per key).

Prints, measured in the same run:
* how long the Submit click blocks (build, write-ahead, start);
* the worst main-thread stall and p99 while the job runs (5 ms heartbeat timer), the share
  of the run spent in stalls over 50 ms, full garbage collections during the run;
* the "Result layer" click (made while results arrive, updated every second by the dock);
* wall time / the sandbox's own processing time (N / 2,000 s);
* requests per 1,000 orders (the sandbox's count: POSTs, polls, /payloads pages, /orders).

Goals (issue 17): stall <= 100 ms (50), ratio <= 1.1, <= 6 requests per 1,000 orders.
Usage: bench/bench_dock.py [--orders 10000] [--runs 1]

Finding what makes a stall (environment variables):
* PBT_LONG_TASKS=1: the main thread's entry points timed, set against each stall > 80 ms
  (a stall with few timed milliseconds is a wait for the GIL or the CPU);
* PBT_STALL_WATCH=file [PBT_STALL_LATE=ms]: bench/stall_watch.py dumps every thread
  (py-spy, native frames) from outside when the heartbeat is late; bench/stall_report.py
  sums up who held the GIL. The dumps pause the process: the figures of that run are worse;
* PBT_GC_WHO=1: the thread and duration of each full garbage collection;
* PBT_SAMPLE=1: the main thread's innermost plugin frames during stalls (in process);
* PBT_PROFILE=1 / cpu: cProfile of the main thread, wall or CPU time;
* PBT_SWITCH=s: the interpreter's switch interval, for experiments (0.0005 was far worse).
"""

import argparse
import gc
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "scripts"))
import plugin_path  # noqa: E402

plugin_path.ensure_importable()
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench_common import GcPauses  # noqa: E402
from qgis.core import QgsApplication  # noqa: E402

RATE = 2000.0
os.environ["PL_API_KEY"] = "sandbox-key"  # the sandbox's key (the dock reads PL_API_KEY)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_sandbox():
    port = free_port()
    proc = subprocess.Popen(
        ["/usr/bin/python3", "-m", "sandbox", "--port", str(port), "--rate", str(RATE)]
        + (["--verbose"] if os.environ.get("PBT_SANDBOX_LOG") else []),
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=open(os.environ["PBT_SANDBOX_LOG"], "w")  # noqa: SIM115
        if os.environ.get("PBT_SANDBOX_LOG")
        else subprocess.DEVNULL,
        text=True,
    )
    for line in proc.stdout:
        if line.startswith("Planet Tasking sandbox on"):
            return proc, line.split(" on ", 1)[1].strip()
    raise RuntimeError("the sandbox did not start")


def counters(base_url: str) -> dict:
    origin = base_url.rsplit("/tasking/v2", 1)[0]
    with urllib.request.urlopen(origin + "/_sandbox/counters", timeout=10) as reply:
        return json.loads(reply.read())


def point_layer(n: int):
    from qgis.core import QgsFeature, QgsGeometry, QgsPointXY, QgsProject, QgsVectorLayer

    layer = QgsVectorLayer("Point?crs=EPSG:4326&field=name:string", "sites", "memory")
    feats = []
    for i in range(n):
        f = QgsFeature(layer.fields())
        f.setAttribute(0, f"site-{i:06d}")
        f.setGeometry(
            QgsGeometry.fromPointXY(QgsPointXY(-120 + (i % 1000) * 1e-3, 35 + i // 1000 * 1e-2))
        )
        feats.append(f)
    layer.dataProvider().addFeatures(feats)
    QgsProject.instance().addMapLayer(layer)
    return layer


def run_once(n: int, iface, timeout: float) -> dict:
    import tempfile

    from planet_bulk_tasking.core.services import PluginServices
    from planet_bulk_tasking.ui import settings_panel
    from planet_bulk_tasking.ui.dock import PlanetBulkTaskingDock
    from qgis.PyQt.QtCore import QCoreApplication, QElapsedTimer, QTimer

    proc, base_url = start_sandbox()
    services = PluginServices(data_dir=tempfile.mkdtemp(prefix="bench_dock-"))
    dock = PlanetBulkTaskingDock(iface, services=services)
    layer_ready = []  # when the result layer, written off the main thread, is in the project
    dock.results.result_layer_added.connect(lambda _layer: layer_ready.append(time.monotonic()))
    dock.ask_choice = lambda title, text, choices: "send"  # the question before spending
    try:
        layer = point_layer(n)
        iface.mapCanvas().setLayers([layer])
        iface.mapCanvas().setExtent(layer.extent())
        dock.settings.set_mode(settings_panel.MODE_CUSTOM, base_url)
        dock.compose.set_layer(layer)
        dock.compose.selected_only.setChecked(False)
        dock.resize(500, 800)
        dock.show()
        ended = []
        dock.job_ended.connect(lambda job_id, how: ended.append((how, time.monotonic())))
        gc_recorder = GcPauses().start()
        beats = []
        clock = QElapsedTimer()
        clock.start()
        heartbeat = QTimer()
        heartbeat.setTimerType(0)  # Qt.PreciseTimer
        heartbeat.timeout.connect(lambda: beats.append(clock.nsecsElapsed() / 1e9))
        watcher = _watch_stalls(heartbeat) if os.environ.get("PBT_STALL_WATCH") else None
        heartbeat.start(5)
        before = counters(base_url)
        t0 = time.monotonic()
        c0 = clock.nsecsElapsed() / 1e9
        assert dock.submit(), dock.submit_problems()
        submit_block = time.monotonic() - t0
        layer_click = None
        click_window = (0.0, 0.0)  # the click's own block is reported apart from the stalls
        profile = None
        if os.environ.get("PBT_PROFILE"):
            import cProfile

            # PBT_PROFILE=cpu: the main thread's CPU time (no GIL waits), else wall time
            cpu = os.environ["PBT_PROFILE"] == "cpu"
            profile = cProfile.Profile(time.thread_time) if cpu else cProfile.Profile()
            profile.enable()
        sampler = _StallSampler(beats, clock) if os.environ.get("PBT_SAMPLE") else None
        if os.environ.get("PBT_LONG_TASKS"):
            _TASKS.clear()
        deadline = time.monotonic() + timeout
        prepared = None  # the build runs on a thread after the click: when the job was handed over
        while not ended and time.monotonic() < deadline:
            QCoreApplication.processEvents()
            if prepared is None and dock.results.job() is not None:
                prepared = time.monotonic() - t0
            if layer_click is None and dock.results.model.rowCount() and time.monotonic() - t0 > 3:
                t = time.monotonic()
                click_from = clock.nsecsElapsed() / 1e9
                dock.results.add_result_layer()
                layer_click = time.monotonic() - t
                clicked_at = t
                click_window = (click_from, clock.nsecsElapsed() / 1e9)
            time.sleep(0.001)
        heartbeat.stop()
        if watcher is not None:
            watcher.terminate()
        gc_pauses = gc_recorder.stop()
        if sampler is not None:
            sampler.report()
        if os.environ.get("PBT_LONG_TASKS"):
            _report_long_stalls(beats, clock, c0)
        if profile is not None:
            import pstats

            profile.disable()
            pstats.Stats(profile).sort_stats("tottime").print_stats(25)
        if not ended:
            raise RuntimeError("the job did not end")
        how, t_end = ended[0]
        after = counters(base_url)
        gaps = [
            b - a
            for a, b in zip(beats, beats[1:])
            if a >= c0 and not (a <= click_window[1] and b >= click_window[0])
        ]
        gaps.sort()
        run = t_end - t0
        stalled = sum(g for g in gaps if g > 0.05)
        job = dock.results.job()
        succeeded = job.counts()["succeeded"]
        requests = after["requests"] - before["requests"]
        return {
            "how": how,
            "succeeded": succeeded,
            "submit": submit_block,
            "prepared": prepared or 0.0,
            "worst": gaps[-1] if gaps else 0.0,
            "p99": gaps[int(0.99 * (len(gaps) - 1))] if gaps else 0.0,
            "stalled": stalled / run,
            "gc": [round(p * 1000) for p in gc_pauses],
            "layer_click": layer_click,
            "layer_ready": (layer_ready[0] - clicked_at) if layer_ready and layer_click else None,
            "ratio": run / (n / RATE),
            "wall": run,
            "per_1000": requests / n * 1000,
            "requests": requests,
        }
    finally:
        dock.shutdown()
        services.shutdown()
        dock.deleteLater()
        QCoreApplication.processEvents()
        from qgis.core import QgsProject

        QgsProject.instance().removeAllMapLayers()
        proc.terminate()
        proc.wait(10)


def _watch_stalls(heartbeat):
    """PBT_STALL_WATCH=file: bench/stall_watch.py, in its own process, dumps every thread
    (py-spy, native frames) when the heartbeat is late: what holds the main thread up."""
    import mmap
    import struct
    import tempfile

    fd, beat_file = tempfile.mkstemp(prefix="pbt-beat-")
    os.write(fd, b"\0" * 8)
    page = mmap.mmap(fd, 8)
    heartbeat.timeout.connect(lambda: struct.pack_into("d", page, 0, time.monotonic()))
    here = os.path.dirname(os.path.abspath(__file__))
    late = os.environ.get("PBT_STALL_LATE", "80")  # ms
    script = os.path.join(here, "stall_watch.py")
    out = os.environ["PBT_STALL_WATCH"]
    return subprocess.Popen(
        [sys.executable, script, str(os.getpid()), beat_file, out, "--late", late]
    )


_TASKS: list = []  # PBT_LONG_TASKS: (start, end, name) of the main thread's timed calls


def _time_main_thread_calls():
    """PBT_LONG_TASKS=1: time the main thread's known entry points (reports applied, sliced
    passes, result-layer updates, progress, table paints), to set the long stalls against."""
    import functools

    from planet_bulk_tasking.core.jobs.background import BackgroundJob
    from planet_bulk_tasking.core.jobs.manager import JobManager
    from planet_bulk_tasking.ui.dock_jobs import DockJobs
    from planet_bulk_tasking.ui.progress_panel import ProgressPanel
    from planet_bulk_tasking.ui.results_panel import ResultsPanel
    from planet_bulk_tasking.ui.results_view import ResultsView
    from planet_bulk_tasking.ui.slices import SlicedPass
    from qgis.PyQt.QtWidgets import QTableView

    def timed(cls, name):
        original = getattr(cls, name)

        @functools.wraps(original)
        def call(*args, **kwargs):
            start = time.monotonic()
            try:
                return original(*args, **kwargs)
            finally:
                _TASKS.append((start, time.monotonic(), f"{cls.__name__}.{name}"))

        setattr(cls, name, call)

    for cls, name in (
        (BackgroundJob, "_deliver_events"),
        (JobManager, "_on_orders_updated"),
        (JobManager, "_monitor_for"),
        (SlicedPass, "_step"),
        (ResultsPanel, "update_result_layer"),
        (ResultsPanel, "refresh_keys"),
        (ProgressPanel, "set_counts"),
        (DockJobs, "_refresh_shown_job"),
    ):
        timed(cls, name)

    def paint(self, event):
        start = time.monotonic()
        QTableView.paintEvent(self, event)
        _TASKS.append((start, time.monotonic(), "ResultsView.paintEvent"))

    ResultsView.paintEvent = paint


def _report_long_stalls(beats, clock, c0):
    """For each stall over 80 ms: the timed main-thread calls inside it."""
    offset = time.monotonic() - clock.nsecsElapsed() / 1e9  # heartbeat clock -> monotonic
    stalls = [(a, b) for a, b in zip(beats, beats[1:]) if a >= c0 and b - a > 0.08]
    print(f"  stalls > 80 ms: {len(stalls)}")
    for a, b in sorted(stalls, key=lambda s: s[0] - s[1])[:12]:
        start, end = a + offset, b + offset
        inside = [(e - s, n) for s, e, n in _TASKS if s < end and e > start]
        busy = sum(d for d, _ in inside)
        parts = ", ".join(f"{n} {d * 1000:.0f}" for d, n in sorted(inside, reverse=True)[:4])
        print(f"    {(b - a) * 1000:4.0f} ms at {a - c0:5.1f} s: timed calls {busy * 1000:.0f} ms "
              f"({parts or 'none'})")  # fmt: skip


class _StallSampler:
    """PBT_SAMPLE=1: every 10 ms, when the heartbeat is over 60 ms late, note where the main
    thread is (its innermost plugin frames): which code makes the stalls."""

    def __init__(self, beats, clock):
        import collections
        import threading
        import traceback

        self.hits = collections.Counter()
        self.episodes = collections.defaultdict(collections.Counter)  # last beat -> places
        main = threading.main_thread().ident
        self.stop = threading.Event()

        def run():
            while not self.stop.wait(0.01):
                if not beats or clock.nsecsElapsed() / 1e9 - beats[-1] < 0.06:
                    continue
                frame = sys._current_frames().get(main)
                stack = traceback.extract_stack(frame)
                ours = [
                    f"{os.path.basename(f.filename)}:{f.name}"
                    for f in stack
                    if "planet_bulk_tasking" in f.filename
                ][-3:]
                where = " < ".join(reversed(ours)) or stack[-1].name
                self.hits[where] += 1
                self.episodes[beats[-1]][where] += 1

        threading.Thread(target=run, daemon=True).start()

    def report(self):
        self.stop.set()
        print("  main thread during stalls (10 ms samples):")
        for where, n in self.hits.most_common(12):
            print(f"    {n * 10:6d} ms  {where}")
        print("  the longest stalls (at s into the run: where, 10 ms samples):")
        longest = sorted(self.episodes.items(), key=lambda kv: -sum(kv[1].values()))[:4]
        for at, places in longest:
            top = "; ".join(f"{w} x{n}" for w, n in places.most_common(3))
            print(f"    {at:7.2f} s  {sum(places.values()) * 10 + 60:5d} ms+  {top}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--orders", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=900.0)
    args = ap.parse_args(argv)
    if os.environ.get("PBT_SWITCH"):  # experiments: the interpreter's GIL switch interval
        sys.setswitchinterval(float(os.environ["PBT_SWITCH"]))
    app = QgsApplication([], True)
    app.initQgis()
    from planet_bulk_tasking.ui import settings_panel  # noqa: F401  (import cost not timed)

    if os.environ.get("PBT_LONG_TASKS"):
        _time_main_thread_calls()
    from qgis.gui import QgsMapCanvas
    from qgis.PyQt.QtWidgets import QMainWindow

    window = QMainWindow()
    canvas = QgsMapCanvas(window)
    window.setCentralWidget(canvas)
    window.resize(1000, 700)
    window.show()
    iface = _iface(window, canvas)
    print(f"dock, {args.orders:,} orders, sandbox {RATE:g} payloads/s in its own process")
    for i in range(args.runs):
        r = run_once(args.orders, iface, args.timeout)
        print(
            f"  run {i + 1}: {r['how']}, {r['succeeded']:,} created; Submit click "
            f"{r['submit'] * 1000:.0f} ms (job built and handed over {r['prepared']:.1f} s "
            f"later); worst stall {r['worst'] * 1000:.0f} ms, p99 "
            f"{r['p99'] * 1000:.0f} ms, {r['stalled'] * 100:.1f} % of the run in stalls > 50 ms; "
            f"'Result layer' click {r['layer_click'] * 1000 if r['layer_click'] else 0:.0f} ms "
            f"(layer in the project {r['layer_ready'] or 0:.1f} s later, written off the main "
            f"thread); "
            f"wall {r['wall']:.1f} s, ratio {r['ratio']:.3f}; requests {r['requests']} "
            f"({r['per_1000']:.1f} per 1,000 orders); full GCs {r['gc']} ms "
            f"(collector {'on' if gc.isenabled() else 'OFF'} after the run)",
            flush=True,
        )
    # every QGIS object goes before exitQgis, or QGIS crashes on the way out (exit 139)
    from qgis.core import QgsProject

    QgsProject.instance().removeAllMapLayers()
    window.close()
    del iface, canvas, window
    gc.collect()
    app.processEvents()
    app.exitQgis()
    return 0


def _iface(window, canvas):
    class Bar:
        def pushMessage(self, *a, **k):  # noqa: N802
            pass

        def pushWidget(self, *a, **k):  # noqa: N802
            pass

        def clearWidgets(self):  # noqa: N802
            pass

    from qgis.PyQt.QtCore import QObject, pyqtSignal

    class Iface(QObject):
        currentLayerChanged = pyqtSignal(object)  # noqa: N815

        def mainWindow(self):  # noqa: N802
            return window

        def mapCanvas(self):  # noqa: N802
            return canvas

        def messageBar(self):  # noqa: N802
            return Bar()

        def activeLayer(self):  # noqa: N802
            return None

        def __getattr__(self, name):  # anything else the dock may call: a no-op
            if name.startswith("__"):
                raise AttributeError(name)
            return lambda *a, **k: None

    return Iface()


if __name__ == "__main__":
    sys.exit(main())
