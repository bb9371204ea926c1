"""Helpers shared by tests (importable because conftest puts tests/ on sys.path)."""

import time

from qgis.core import QgsFeature, QgsGeometry, QgsPointXY, QgsVectorLayer
from qgis.PyQt.QtCore import QEventLoop, QTimer

SANDBOX_KEY = "sandbox-key"


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


def point_layer(n: int, name: str = "sites", crs: str = "EPSG:4326") -> QgsVectorLayer:
    """n points with unique names, spread over a small area of California."""
    layer = QgsVectorLayer(f"Point?crs={crs}&field=name:string", name, "memory")
    feats = []
    for i in range(n):
        f = QgsFeature(layer.fields())
        f.setAttribute(0, f"{name}-{i:05d}")
        f.setGeometry(
            QgsGeometry.fromPointXY(QgsPointXY(-120 + (i % 1000) * 1e-3, 35 + (i // 1000) * 1e-2))
        )
        feats.append(f)
    assert layer.dataProvider().addFeatures(feats)[0]
    return layer


def client_factory(base_url: str, key: str = SANDBOX_KEY):
    """client_factory_for(endpoint) for JobManager, with short back-offs for tests."""
    from planet_bulk_tasking.core.client import TaskingClient

    def factory_for(endpoint=None):
        def make(stop_event=None):
            return TaskingClient(
                endpoint or base_url,
                key,
                stop_event=stop_event,
                backoff_base=0.05,
                max_retry_after=2.0,
            )

        return make

    return factory_for


def server_orders(base_url: str, key: str = SANDBOX_KEY) -> list:
    from planet_bulk_tasking.core.client import TaskingClient

    with TaskingClient(base_url, key) as client:
        return list(client.iter_orders())
