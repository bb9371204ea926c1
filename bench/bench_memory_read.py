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
* C++ reads without a QgsFeature per row in Python (issue 17, session 4): one expression
  per column or one ``array(...)`` for all through ``QgsVectorLayerUtils.getValues``,
  ``$geometry`` collected by ``QgsVectorLayer.aggregate``; and Python-side variants: the
  provider's own feature source, geometries kept and collected in one C++ call;
* what a lazily built payload could save at most (the dicts alone);
* the build's stages: read, targets + payloads + sizes, duplicates, chunks, the rest.

Measured and rejected (memory layer, 100,000 points, thread CPU; plain iteration 0.09–0.15 s,
shared 2-core machine):

* attribute subsets, NumPy decoding of per-feature WKB, a /vsimem/ FlatGeobuf export
  (0.45 s) read in bulk, KDBush (fill 0.05 s in C++, but reading 100,000 items back
  0.39 s), ``__slots__`` on Target (sessions 2–3);
* expressions evaluated in C++ (``getValues``/``aggregate``): 1.0–1.2× plain iteration
  *per column* (``$id``, ``$x``, ``$y``, the name), 4.2× for ``array($id, $x, $y, name)``:
  each feature still gets an expression context and QVariants; and both need the
  QgsVectorLayer, which the build (a worker thread) must not touch. A clone of a memory
  layer is cheap (1 ms, the features are shared) but reads no faster;
* ``aggregate(GeometryCollect)``: 0.8–1.0× plain for the points alone;
* the names alone by ``aggregate(StringConcatenate, "name")`` on a clone of the layer
  (a plain field: no expression) and one ``split``: 0.05 s against ~0.11 s for ``f[name]``,
  but a NULL name comes back "" (another pass to count them), only text fields qualify,
  and the clone would be used off its thread: at most ~0.05 s (≤ 10 %) to gain;
* keeping each ``f.geometry()`` and collecting them (``QgsGeometry.collectGeometry``,
  one WKB, NumPy decode) instead of ``asPoint().x()/.y()``: +0.06 s (100,000 live
  geometry wrappers cost more than the calls they save);
* rows as tuples, progress counted per block: −0 to −4 % of the read;

* payloads built lazily at send time: the dicts are 0.03–0.04 s (≤ 0.4× plain, with their
  share of the GC scan ≤ 0.7×), and the build's next steps read every payload anyway
  (``job_hints``, ``summarize``, the store's write-ahead JSON): the cost would only move;
* many points transformed in one C++ call: already done (fast_read.transform_xy, 0.013 s).

Accepted, small: the point reader iterates the provider's own feature source when the layer
adds nothing to it (source.py): −8 % of a memory layer's read (0.211 → 0.194 s, best of
15); whole builds, counted in instructions by callgrind (20,000 points, deterministic):
−2.3 % memory, −1.2 % CSV; in wall time within the shared machine's noise.

What is left, the floor: the Python read (``nextFeature`` + id + point + name ≈ 2.3–2.6×
plain) plus 100,000 Targets with their payload dicts, sizes, duplicates and chunks
(≈ 1.5–2×): about 4–5× plain iteration for a memory layer, whose plain iteration is
itself the cheapest of all providers. ≤ 2.0× needs a reader in C++ (a bulk
``QgsFeatureSource`` → arrays call) that PyQGIS 3.22–3.40 does not have.
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
    QgsAggregateCalculator,
    QgsApplication,
    QgsCoordinateTransformContext,
    QgsExpressionContext,
    QgsExpressionContextUtils,
    QgsFeature,
    QgsFeatureRequest,
    QgsGeometry,
    QgsRectangle,
    QgsSpatialIndexKDBush,
    QgsVectorFileWriter,
    QgsVectorLayerFeatureSource,
    QgsVectorLayerUtils,
)


def best(fn, repeat):
    out = float("inf")
    for _ in range(repeat):
        t = time.thread_time()
        fn()
        out = min(out, time.thread_time() - t)
    return out


def best_paused(fn, repeat):
    """``best`` with the cyclic GC paused, as the build runs (build._gc_paused)."""
    gc.collect()
    gc.disable()
    try:
        return best(fn, repeat)
    finally:
        gc.enable()


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
    _cpp_reads(layer, src, r)

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


def _cpp_reads(layer, src, r):
    """Session 4's candidates (see the module doc): C++ expression reads on the layer
    (main thread only) and Python-side variants of the read, each a whole read (those
    with the GC paused, as in the build)."""
    for expr in ("$id", "$x", '"name"', 'array($id, $x, $y, "name")'):
        t = best(lambda expr=expr: QgsVectorLayerUtils.getValues(layer, expr), r)
        print(f"{'getValues ' + expr:<44} {t:6.3f}")
    context = QgsExpressionContext(QgsExpressionContextUtils.globalProjectLayerScopes(layer))
    params = QgsAggregateCalculator.AggregateParameters()
    collect = QgsAggregateCalculator.Aggregate.GeometryCollect

    def aggregate():
        return layer.aggregate(collect, "$geometry", params, context)

    print(f"{'aggregate GeometryCollect $geometry':<44} {best(aggregate, r):6.3f}")

    def read_xy(features):
        def go():
            f = QgsFeature()
            next_feature = features.getFeatures(QgsFeatureRequest()).nextFeature
            ids, xs, ys, names = [], [], [], []
            while next_feature(f):
                ids.append(f.id())
                p = f.geometry().asPoint()
                xs.append(p.x())
                ys.append(p.y())
                names.append(f[0])

        return go

    def read_collect():
        f = QgsFeature()
        next_feature = src.getFeatures(QgsFeatureRequest()).nextFeature
        ids, geoms, names = [], [], []
        while next_feature(f):
            ids.append(f.id())
            geoms.append(f.geometry())
            names.append(f[0])
        return bytes(QgsGeometry.collectGeometry(geoms).asWkb())

    provider = layer.dataProvider().featureSource()
    for label, fn in (
        ("read: id, asPoint x y, name (points_fast)", read_xy(src)),
        ("  the same from the provider's source", read_xy(provider)),
        ("  geometries kept, collectGeometry, WKB", read_collect),
    ):
        print(f"{label:<44} {best_paused(fn, r):6.3f}")
    shared = {"start_time": "2030-01-01T00:00:00Z", "end_time": "2030-01-15T00:00:00Z"}
    rows = [(f"site {i}", i * 1e-3, i * 2e-3) for i in range(layer.featureCount())]

    def payloads():
        return [
            {"name": n, "geometry": {"type": "Point", "coordinates": [x, y]}, **shared}
            for n, x, y in rows
        ]

    print(f"{'payload dicts alone (a lazy build saves <=)':<44} {best_paused(payloads, r):6.3f}")


if __name__ == "__main__":
    sys.exit(main())
