"""Benchmark: payload building for 100,000 points vs merely iterating them.

Run: /work/main/.venv/bin/python bench/bench_payloads.py [--n 100000] [--repeat 3]

Writes (once, cached under /tmp) a GeoPackage of random points in EPSG:3857 with a
``name`` field, then times

* baseline: ``for f in layer.getFeatures(request): pass`` fetching the same
  attributes (the name field) and the geometry;
* build: ``create_job(layer, OrderParameters(), selected_only=False)`` — names,
  transformation to WGS 84, payload dicts, Target objects and chunking — twice:
  with the OGR bulk reader (``payloads.FAST_READ = True``, the default) and with the
  general QgsFeature path forced (``FAST_READ = False``).

Prints features per second and the ratio build / baseline for both (goal: ≤ 2.0).
``--path fast`` or ``--path general`` times only one of them.
"""

import argparse
import gc
import os
import random
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "scripts"))
import plugin_path  # noqa: E402

plugin_path.ensure_importable()
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import (  # noqa: E402
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransformContext,
    QgsFeature,
    QgsFeatureRequest,
    QgsField,
    QgsFields,
    QgsGeometry,
    QgsPointXY,
    QgsVectorFileWriter,
    QgsVectorLayer,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QVariant  # noqa: E402

CACHE_DIR = os.path.join("/tmp", "planet_bulk_tasking_bench")


def make_points_gpkg(n: int, seed: int = 42) -> str:
    path = os.path.join(CACHE_DIR, f"points_3857_{n}_{seed}.gpkg")
    if os.path.exists(path):
        return path
    os.makedirs(CACHE_DIR, exist_ok=True)
    tmp = path + ".part.gpkg"
    if os.path.exists(tmp):
        os.remove(tmp)
    fields = QgsFields()
    fields.append(QgsField("name", QVariant.String))
    fields.append(QgsField("value", QVariant.Double))
    opts = QgsVectorFileWriter.SaveVectorOptions()
    opts.driverName = "GPKG"
    opts.layerName = "points"
    writer = QgsVectorFileWriter.create(
        tmp,
        fields,
        QgsWkbTypes.Point,
        QgsCoordinateReferenceSystem("EPSG:3857"),
        QgsCoordinateTransformContext(),
        opts,
    )
    rnd = random.Random(seed)
    lim_x, lim_y = 20_037_508.34, 15_000_000.0
    for i in range(n):
        f = QgsFeature(fields)
        f.setAttributes([f"site {i}", rnd.random()])
        f.setGeometry(
            QgsGeometry.fromPointXY(
                QgsPointXY(rnd.uniform(-lim_x, lim_x), rnd.uniform(-lim_y, lim_y))
            )
        )
        writer.addFeature(f)
    del writer
    os.replace(tmp, path)
    return path


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--path", choices=("both", "fast", "general"), default="both")
    args = ap.parse_args()

    app = QgsApplication([], False)
    app.setPrefixPath("/usr", True)
    app.initQgis()
    # every QGIS object (the layer, its closures) must be gone before exitQgis(): run the
    # benchmark in its own frame, then collect, then exit
    run(args)
    gc.collect()
    app.exitQgis()
    return 0


def run(args) -> None:
    from planet_bulk_tasking.core.targets import payloads
    from planet_bulk_tasking.core.targets.payloads import OrderParameters, create_job

    t0 = time.perf_counter()
    path = make_points_gpkg(args.n)
    print(f"data: {path} ({time.perf_counter() - t0:.2f} s to prepare)")
    layer = QgsVectorLayer(f"{path}|layername=points", "bench points", "ogr")
    assert layer.isValid(), "benchmark layer did not load"
    n = layer.featureCount()

    def baseline():
        req = QgsFeatureRequest()
        req.setSubsetOfAttributes(["name"], layer.fields())
        c = 0
        for _f in layer.getFeatures(req):
            c += 1
        return c

    name_idx = layer.fields().lookupField("name")

    def touch():
        """Iterate and read what any Python builder must read: id, name, x, y."""
        req = QgsFeatureRequest()
        req.setSubsetOfAttributes(["name"], layer.fields())
        c = 0
        for f in layer.getFeatures(req):
            f.id()
            f.attribute(name_idx)
            p = f.geometry().asPoint()
            p.x()
            p.y()
            c += 1
        return c

    def build(fast):
        payloads.FAST_READ = fast
        try:
            return create_job(layer, OrderParameters(), selected_only=False)
        finally:
            payloads.FAST_READ = True

    paths = {"both": (True, False), "fast": (True,), "general": (False,)}[args.path]
    # warm up caches (file pages, PROJ)
    baseline()
    best_base = best_touch = float("inf")
    best_build = {p: float("inf") for p in paths}
    jobs = {}
    for _ in range(args.repeat):
        t = time.perf_counter()
        assert baseline() == n
        best_base = min(best_base, time.perf_counter() - t)
        t = time.perf_counter()
        assert touch() == n
        best_touch = min(best_touch, time.perf_counter() - t)
        for p in paths:
            jobs[p] = None
            t = time.perf_counter()
            jobs[p] = build(p)
            best_build[p] = min(best_build[p], time.perf_counter() - t)
    for p in paths:
        counts = jobs[p].counts()
        assert counts["ready"] == n, counts
    if len(paths) == 2:
        a, b = jobs[True], jobs[False]

        def sig(job):  # times differ by the build's "now": compare the rest
            return [(t.key, t.name, t.payload["geometry"]) for t in job.targets]

        same = sig(a) == sig(b)
        same_chunks = [c.target_keys for c in a.chunks] == [c.target_keys for c in b.chunks]

    print(f"features: {n}, chunks: {len(jobs[paths[0]].chunks)}")
    print(f"iterate getFeatures():         {best_base:.3f} s  ({n / best_base:,.0f} features/s)")
    print(f"iterate + read id, name, x, y: {best_touch:.3f} s  ({n / best_touch:,.0f} features/s)")
    for p in paths:
        label = "create_job() OGR bulk read:  " if p else "create_job() general path:   "
        bt = best_build[p]
        ratio = bt / best_base
        verdict = "met" if ratio <= 2.0 else "NOT met"
        print(f"{label}  {bt:.3f} s  ({n / bt:,.0f} features/s)")
        print(f"  ratio create_job / iterate:          {ratio:.2f}  (goal <= 2.0: {verdict})")
        print(f"  ratio create_job / (iterate + read): {bt / best_touch:.2f}")
        print(f"  cost above plain iteration: {(bt - best_base) / n * 1e6:.2f} us per feature")
    if len(paths) == 2:
        print(f"both paths: same keys, names and chunks: {same and same_chunks}")


if __name__ == "__main__":
    sys.exit(main())
