"""Helpers shared by tests that run QGIS (importable because conftest puts tests/ on sys.path).
The sandbox and client helpers need no QGIS: they live in sandbox_support.py (tests/unit
imports them from there) and are importable from here too."""

import time

from qgis.core import QgsFeature, QgsGeometry, QgsPointXY, QgsVectorLayer
from qgis.PyQt.QtCore import QCoreApplication, QEventLoop, QTimer
from sandbox_support import (  # noqa: F401 (importable from here, as before)
    SANDBOX_KEY,
    BadFieldClient,
    client_factory,
    server_orders,
    wait_complete,
)


def wait_until(predicate, timeout: float) -> bool:
    """Process Qt events (never sleep on the main thread) until predicate() or timeout."""
    deadline = time.monotonic() + timeout
    while not predicate():
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        loop = QEventLoop()
        QTimer.singleShot(max(1, int(min(remaining, 0.02) * 1000)), loop.quit)
        loop.exec_()
    return True


def process_until(predicate, timeout: float = 30.0) -> bool:
    """processEvents() every 10 ms (sleeping between) until predicate() or timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        QCoreApplication.processEvents()
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()


def point_layer(
    n: int, name: str = "sites", crs: str = "EPSG:4326", n_null: int = 0
) -> QgsVectorLayer:
    """n points with unique names, spread over a small area of California; then n_null
    features without geometry (skipped locally, never sent)."""
    layer = QgsVectorLayer(f"Point?crs={crs}&field=name:string", name, "memory")
    feats = []
    for i in range(n):
        f = QgsFeature(layer.fields())
        f.setAttribute(0, f"{name}-{i:05d}")
        f.setGeometry(
            QgsGeometry.fromPointXY(QgsPointXY(-120 + (i % 1000) * 1e-3, 35 + (i // 1000) * 1e-2))
        )
        feats.append(f)
    for j in range(n_null):
        f = QgsFeature(layer.fields())
        f.setAttribute(0, f"nogeom-{j}")
        feats.append(f)
    assert layer.dataProvider().addFeatures(feats)[0]
    return layer


def add_result_layer(panel, timeout: float = 60.0):
    """The "Result layer" click: its GeoPackage is written off the main thread; returns the
    layer once it is in the project."""
    added = []

    def took(layer):
        added.append(layer)

    panel.result_layer_added.connect(took)
    try:
        assert panel.add_result_layer()
        assert process_until(lambda: added, timeout), "the result layer was not added"
    finally:
        panel.result_layer_added.disconnect(took)
    return added[0]


def update_result_layer(panel, timeout: float = 30.0):
    """panel.update_result_layer(), then wait until its writes are in the file."""
    panel.update_result_layer()
    assert process_until(lambda: not panel.result_layer_busy(), timeout)
