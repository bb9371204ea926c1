"""Where a memory layer's payload build goes (issue 17: build ≤ 2.0× plain iteration).

bench_payloads.py gives memory layers ~5× at 100,000 points. This prints the floor:
the cost of each per-feature call the QgsFeature reader (points_fast.read_points)
cannot avoid, the bulk alternatives that were measured against it, and the build's
stages. Times are CPU time of this thread (``time.thread_time``), best of ``--repeat``,
so that a loaded shared machine disturbs them less than wall time.

* per-feature calls: ``nextFeature`` alone, then what each accessor adds to it (the
  ``_xy`` row includes its one extra Python call);
* bulk alternatives: QgsSpatialIndexKDBush filled from the iterator in C++ (ids and
  points, but every item read back is a Python object again), the name column
  alone (no geometry), a C++ export of the layer to ``/vsimem/`` FlatGeobuf through
  QgsVectorFileWriter.addFeatures(iterator) for the OGR bulk reader;
* the build's stages: read, targets + payloads + sizes, duplicates, chunks, the rest.
"""

import argparse
import gc
import os
import sys
import time
from datetime import datetime, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench_payloads  # noqa: E402  (sets up the plugin path and QT_QPA_PLATFORM)
from qgis.core import (  # noqa: E402
    QgsApplication,
    QgsCoordinateTransformContext,
    QgsFeature,
    QgsFeatureRequest,
    QgsRectangle,
    QgsSpatialIndexKDBush,
    QgsVectorFileWriter,
    QgsVectorLayerFeatureSource,
)


def best(fn, repeat):
    out = float("inf")
    for _ in range(repeat):
        t = time.thread_time()
        fn()
        out = min(out, time.thread_time() - t)
    return out


def loop(src, body, request=None):
    def go():
        f = QgsFeature()
        next_feature = src.getFeatures(request or QgsFeatureRequest()).nextFeature
        while next_feature(f):
            body(f)

    return go


def _xy(f):
    p = f.geometry().asPoint()
    return p.x(), p.y()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    app = QgsApplication([], False)
    app.setPrefixPath("/usr", True)
    app.initQgis()
    # the layer and its closures die with run()'s frame, before exitQgis()
    run(args)
    gc.collect()
    app.exitQgis()
    return 0


def run(args) -> None:
    _mod, create_job, _prepare, OrderParameters = bench_payloads._modules()
    from planet_bulk_tasking.core.targets import build, points_fast

    layer = bench_payloads.make_layer("memory", args.n)
    src = QgsVectorLayerFeatureSource(layer)
    r = args.repeat
    print(f"memory layer, {args.n:,} points, CPU s of this thread, best of {r}")

    def plain():
        for f in layer.getFeatures():
            f.geometry()

    plain()  # warm caches
    base = best(plain, r)
    print(f"{'plain iteration (the 1.0)':<44} {base:6.3f}")
    bare = best(loop(src, lambda f: None), r)
    print(f"{'nextFeature alone':<44} {bare:6.3f}")
    for label, body in (
        ("+ f.id()", lambda f: f.id()),
        ("+ f.geometry()", lambda f: f.geometry()),
        ("+ f.geometry().asPoint() .x() .y()", _xy),
        ("+ f[name] (QVariant -> str)", lambda f: f[0]),
        ("+ bytes(f.geometry().asWkb())", lambda f: bytes(f.geometry().asWkb())),
    ):
        print(f"{label:<44} {best(loop(src, body), r) - bare:+6.3f}")

    print("bulk alternatives")

    def fill():
        return QgsSpatialIndexKDBush(src.getFeatures(QgsFeatureRequest().setNoAttributes()))

    kd = best(fill, r)
    index = fill()
    everywhere = QgsRectangle(-1e300, -1e300, 1e300, 1e300)
    kd_read = best(lambda: [(d.id, d.point()) for d in index.intersects(everywhere)], r)
    print(f"{'KDBush fill (C++) / read ids+points back':<44} {kd:6.3f} / {kd_read:.3f}")
    names_only = QgsFeatureRequest().setFlags(QgsFeatureRequest.Flag.NoGeometry)
    names_only.setSubsetOfAttributes([0])
    names = best(loop(src, lambda f: (f.id(), f[0]), names_only), r)
    print(f"{'ids + names, no geometry':<44} {names:6.3f}")

    def export():
        opts = QgsVectorFileWriter.SaveVectorOptions()
        opts.driverName = "FlatGeobuf"
        opts.layerOptions = ["SPATIAL_INDEX=NO"]
        writer = QgsVectorFileWriter.create(
            "/vsimem/bench_memory.fgb",
            layer.fields(),
            layer.wkbType(),
            layer.crs(),
            QgsCoordinateTransformContext(),
            opts,
        )
        writer.addFeatures(src.getFeatures(QgsFeatureRequest()))
        del writer

    print(f"{'export to /vsimem/ FlatGeobuf (C++)':<44} {best(export, min(r, 3)):6.3f}")

    stages = {}

    def timed(module, name):
        real = getattr(module, name)

        def wrapper(*a, **kw):
            t = time.thread_time()
            try:
                return real(*a, **kw)
            finally:
                stages[name] = stages.get(name, 0.0) + time.thread_time() - t

        setattr(module, name, wrapper)
        return real

    reals = [(points_fast, n, timed(points_fast, n)) for n in ("read_points", "point_targets")] + [
        (build, n, timed(build, n)) for n in ("make_chunks", "_mark_duplicates")
    ]
    now = datetime.now(timezone.utc)
    best_total, best_stages = float("inf"), {}
    try:
        for _ in range(r):
            stages.clear()
            t = time.thread_time()
            job = create_job(layer, OrderParameters(), selected_only=False, now=now)
            total = time.thread_time() - t
            del job
            if total < best_total:
                best_total, best_stages = total, dict(stages)
    finally:
        for module, name, real in reals:
            setattr(module, name, real)
    read = best_stages["read_points"] - best_stages["point_targets"]
    rest = best_total - best_stages["read_points"]
    rest -= best_stages["make_chunks"] + best_stages["_mark_duplicates"]
    print(f"build {best_total:.3f} s = {best_total / base:.2f}x plain:")
    for label, v in (
        ("read (QgsFeature loop)", read),
        ("targets, payloads, sizes", best_stages["point_targets"]),
        ("duplicate names", best_stages["_mark_duplicates"]),
        ("chunks", best_stages["make_chunks"]),
        ("the rest (job, GC pause end)", rest),
    ):
        print(f"  {label:<42} {v:6.3f}  {v / base:5.2f}x")

    # the build pauses the cyclic GC; re-enabling it scans the ~600,000 young containers
    # it made (targets, payloads, lists) once: part of "the rest", measured here
    def build_no_gc():
        gc.disable()
        try:
            create_job(layer, OrderParameters(), selected_only=False, now=now)
        finally:
            gc.enable()

    no_gc = best(build_no_gc, r)
    print(
        f"  {'of which the GC scan at the end':<42} {best_total - no_gc:6.3f}  "
        f"{(best_total - no_gc) / base:5.2f}x"
    )


if __name__ == "__main__":
    sys.exit(main())
