"""What several benchmarks share: the point layer they submit and the recorder of full
garbage-collection pauses (which hold the GIL, so they show as main-thread stalls).
Import it after ``plugin_path.ensure_importable()`` (it imports qgis.core)."""

import gc
import os
import threading
import time

from qgis.core import QgsFeature, QgsGeometry, QgsPointXY, QgsVectorLayer


def point_layer(n: int) -> QgsVectorLayer:
    """``n`` named points in EPSG:4326, a memory layer (not added to the project)."""
    layer = QgsVectorLayer("Point?crs=EPSG:4326&field=name:string", "bench", "memory")
    feats = []
    for i in range(n):
        f = QgsFeature(layer.fields())
        f.setAttribute(0, f"bench-{i:06d}")
        f.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(-120 + (i % 1000) * 1e-3, 35 + i // 1000)))
        feats.append(f)
    layer.dataProvider().addFeatures(feats)
    return layer


class GcPauses:
    """Durations (s) of the full collections between ``start()`` and ``stop()``; the
    set-up's garbage is collected first so the run measures only itself."""

    def __init__(self):
        self.pauses = []
        self._started = None

    def _on_gc(self, phase, info):
        if phase == "start":
            self._started = time.perf_counter()
        elif info["generation"] == 2 and self._started is not None:
            self.pauses.append(time.perf_counter() - self._started)
            if os.environ.get("PBT_GC_WHO"):  # which thread's allocation set it off
                took = (time.perf_counter() - self._started) * 1000
                print(f"    full GC {took:.0f} ms in {threading.current_thread().name}, "
                      f"{info['collected']} collected", flush=True)  # fmt: skip

    def start(self) -> "GcPauses":
        gc.collect()
        gc.callbacks.append(self._on_gc)
        return self

    def stop(self) -> list:
        gc.callbacks.remove(self._on_gc)
        return self.pauses
