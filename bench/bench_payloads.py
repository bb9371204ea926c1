"""Payload build speed per provider (issue 17: build ≤ 2.0× plain iteration).

For each provider (GeoPackage, memory, shapefile, CSV) at ``--n`` point features
(default 100,000, EPSG:3857, a ``name`` and a ``value`` field) it measures, in the
same run, alternating and best of ``--repeat``:

* plain iteration: ``for f in layer.getFeatures(): f.geometry()``;
* ``create_job(layer, OrderParameters(), selected_only=False)``: targets, payloads,
  sizes and chunks, on the path the plugin takes for that layer;
* ``prepare_build`` with every feature selected: the main-thread step of a Submit
  click (the rest, ``plan.job()``, runs on a worker thread).

and prints both times and their ratio (goal ≤ 2.0; GeoPackage ≤ 1.5).
``--general`` also times the general QgsFeature path (bulk reader off) and checks
both paths give the same targets. ``--providers gpkg,memory`` picks providers.
The machine may be shared: best-of-N, alternating, is the figure to read.
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
GOALS = {"gpkg": 1.5, "memory": 2.0, "shapefile": 2.0, "csv": 2.0}


def _rows(n: int, seed: int = 42):
    rnd = random.Random(seed)
    lim_x, lim_y = 20_037_508.34, 15_000_000.0
    for i in range(n):
        yield f"site {i}", rnd.random(), rnd.uniform(-lim_x, lim_x), rnd.uniform(-lim_y, lim_y)


def _write(n: int, driver: str, ext: str) -> str:
    path = os.path.join(CACHE_DIR, f"points_3857_{n}_42.{ext}")
    if os.path.exists(path):
        return path
    os.makedirs(CACHE_DIR, exist_ok=True)
    tmp = os.path.join(CACHE_DIR, f"part_{n}.{ext}")
    fields = QgsFields()
    fields.append(QgsField("name", QVariant.String))
    fields.append(QgsField("value", QVariant.Double))
    opts = QgsVectorFileWriter.SaveVectorOptions()
    opts.driverName = driver
    opts.layerName = "points"
    opts.fileEncoding = "UTF-8"
    writer = QgsVectorFileWriter.create(
        tmp,
        fields,
        QgsWkbTypes.Type.Point,
        QgsCoordinateReferenceSystem("EPSG:3857"),
        QgsCoordinateTransformContext(),
        opts,
    )
    for name, value, x, y in _rows(n):
        f = QgsFeature(fields)
        f.setAttributes([name, value])
        f.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(x, y)))
        writer.addFeature(f)
    del writer
    stem, _ = os.path.splitext(tmp)
    final_stem, _ = os.path.splitext(path)
    for side in (".shp", ".shx", ".dbf", ".prj", ".cpg", ".gpkg"):
        if os.path.exists(stem + side):
            os.replace(stem + side, final_stem + side)
    return path


def _csv(n: int) -> str:
    path = os.path.join(CACHE_DIR, f"points_3857_{n}_42.csv")
    if not os.path.exists(path):
        os.makedirs(CACHE_DIR, exist_ok=True)
        with open(path + ".part", "w", encoding="utf-8") as out:
            out.write("name,value,x,y\n")
            for name, value, x, y in _rows(n):
                out.write(f"{name},{value!r},{x!r},{y!r}\n")
        os.replace(path + ".part", path)
    return path


def make_layer(provider: str, n: int) -> QgsVectorLayer:
    if provider == "gpkg":
        layer = QgsVectorLayer(f"{_write(n, 'GPKG', 'gpkg')}|layername=points", "pts", "ogr")
    elif provider == "shapefile":
        layer = QgsVectorLayer(_write(n, "ESRI Shapefile", "shp"), "pts", "ogr")
    elif provider == "csv":
        uri = (
            f"file://{_csv(n)}?type=csv&delimiter=,&xField=x&yField=y&crs=EPSG:3857"
            "&field=name:text&field=value:double&spatialIndex=no&subsetIndex=no&watchFile=no"
        )
        layer = QgsVectorLayer(uri, "pts", "delimitedtext")
    else:
        layer = QgsVectorLayer(
            "Point?crs=EPSG:3857&field=name:string&field=value:double", "pts", "memory"
        )
        feats = []
        for name, value, x, y in _rows(n):
            f = QgsFeature(layer.fields())
            f.setAttributes([name, value])
            f.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(x, y)))
            feats.append(f)
        layer.dataProvider().addFeatures(feats)
    assert layer.isValid() and layer.featureCount() == n, provider
    return layer


def _modules():
    from planet_bulk_tasking.core.targets import build as mod
    from planet_bulk_tasking.core.targets.build import create_job, prepare_build
    from planet_bulk_tasking.core.targets.parameters import OrderParameters

    return mod, create_job, prepare_build, OrderParameters


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--providers", default="gpkg,memory,shapefile,csv")
    ap.add_argument("--general", action="store_true", help="also time the general path")
    args = ap.parse_args()

    app = QgsApplication([], False)
    app.setPrefixPath("/usr", True)
    app.initQgis()
    # every QGIS object (layers, closures) must be gone before exitQgis(): run in its
    # own frame, then collect, then exit
    ok = run(args)
    gc.collect()
    app.exitQgis()
    return 0 if ok else 1


def run(args) -> bool:
    mod, create_job, prepare_build, OrderParameters = _modules()
    ok = True
    print(f"{args.n:,} point features, best of {args.repeat} (alternating)")
    print(f"{'provider':<10} {'plain s':>8} {'build s':>8} {'ratio':>6} {'goal':>5}")
    for provider in args.providers.split(","):
        layer = make_layer(provider, args.n)

        def plain(layer=layer):
            c = 0
            for f in layer.getFeatures():
                f.geometry()
                c += 1
            return c

        def build(fast=True, layer=layer):
            mod.FAST_READ = fast
            try:
                return create_job(layer, OrderParameters(), selected_only=False)
            finally:
                mod.FAST_READ = True

        def prepare(layer=layer):
            layer.selectAll()
            try:
                t = time.perf_counter()
                prepare_build(layer, OrderParameters())
                return time.perf_counter() - t
            finally:
                layer.removeSelection()

        plain()  # warm caches (file pages, PROJ)
        best_prepare = min(prepare() for _ in range(args.repeat))
        best = {"plain": float("inf"), "build": float("inf"), "general": float("inf")}
        jobs = {}
        for _ in range(args.repeat):
            t = time.perf_counter()
            assert plain() == args.n
            best["plain"] = min(best["plain"], time.perf_counter() - t)
            jobs.clear()
            t = time.perf_counter()
            jobs["build"] = build()
            best["build"] = min(best["build"], time.perf_counter() - t)
            if args.general:
                t = time.perf_counter()
                jobs["general"] = build(False)
                best["general"] = min(best["general"], time.perf_counter() - t)
        assert jobs["build"].counts()["ready"] == args.n, jobs["build"].counts()
        ratio = best["build"] / best["plain"]
        goal = GOALS.get(provider, 2.0)
        ok = ok and ratio <= goal
        print(
            f"{provider:<10} {best['plain']:8.3f} {best['build']:8.3f} {ratio:6.2f} {goal:5.1f}"
            f"  {'met' if ratio <= goal else 'NOT met'}"
            f"   prepare_build, all selected: {best_prepare * 1000:.0f} ms"
        )
        if args.general:
            same = [(t.key, t.name, t.payload["geometry"]) for t in jobs["build"].targets] == [
                (t.key, t.name, t.payload["geometry"]) for t in jobs["general"].targets
            ]
            print(
                f"{'':<10} general path {best['general']:.3f} s "
                f"(ratio {best['general'] / best['plain']:.2f}); same targets: {same}"
            )
        del layer, jobs
        gc.collect()
    return ok


if __name__ == "__main__":
    sys.exit(main())
