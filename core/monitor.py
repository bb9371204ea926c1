"""Watch created orders through ``GET /orders/`` until they reach a final state.

Batched by id (``id__in``), paged by the client, on a slow adaptive interval:
fast again as soon as something changes, backing off while nothing does.
"""

import threading
from typing import Callable, Dict, Iterable, List, NamedTuple, Optional

from qgis.PyQt.QtCore import pyqtSignal

from .errors import TaskingError
from .threads import BackgroundTask

FINAL_ORDER_STATES = frozenset({"FULFILLED", "EXPIRED", "CANCELLED", "REJECTED", "FAILED"})


class OrderUpdate(NamedTuple):
    order_id: str
    status: str
    updated_time: Optional[str]
    capture_count: Optional[int]


def order_update(order: dict) -> Optional[OrderUpdate]:
    """Tolerant reading of an order: other key names for the capture count are accepted."""
    order_id = order.get("id") or order.get("order_id")
    if not order_id:
        return None
    captures = order.get("capture_status_published_count", order.get("capture_count"))
    return OrderUpdate(
        str(order_id),
        str(order.get("status") or "").upper(),
        order.get("updated_time") or order.get("updated"),
        int(captures) if isinstance(captures, (int, float)) else None,
    )


class OrderMonitor(BackgroundTask):
    """Polls the watched orders; emits only what changed since the last poll."""

    orders_updated = pyqtSignal(list)  # [OrderUpdate]
    poll_failed = pyqtSignal(object)  # TaskingError: not fatal, it tries again later

    def __init__(
        self,
        client_factory: Callable,
        *,
        min_interval: float = 30.0,
        max_interval: float = 600.0,
        batch_size: int = 100,
    ):
        super().__init__()
        self._client_factory = client_factory
        self.min_interval, self.max_interval = min_interval, max_interval
        self.batch_size = batch_size
        self._lock = threading.Lock()
        self._known: Dict[str, OrderUpdate] = {}
        self._watched: set = set()
        self.interval = min_interval
        self.polls = 0

    def watch(self, order_ids: Iterable[str]) -> None:
        """Add orders (any thread); the next poll comes soon."""
        with self._lock:
            self._watched.update(i for i in order_ids if i)
        self.interval = self.min_interval
        self.wake()

    def watched(self) -> List[str]:
        with self._lock:
            return sorted(self._watched)

    def work(self) -> None:
        client = self._client_factory()
        client.stop_event = self.stop_event  # a cancel interrupts its retries' back-off too
        try:
            while not self.cancelled:
                ids = self.watched()
                if ids:
                    self._poll(client, ids)
                if not self.sleep(self.interval):
                    return
        finally:
            client.close()

    def _poll(self, client, ids: List[str]) -> None:
        changed: List[OrderUpdate] = []
        try:
            for start in range(0, len(ids), self.batch_size):
                for order in client.iter_orders(ids=ids[start : start + self.batch_size]):
                    update = order_update(order)
                    if update and self._known.get(update.order_id) != update:
                        self._known[update.order_id] = update
                        changed.append(update)
        except TaskingError as exc:
            if self.cancelled:
                return
            self.poll_failed.emit(exc)
            self.interval = min(self.max_interval, max(self.interval * 2, self.min_interval))
            return
        self.polls += 1
        final = {u.order_id for u in changed if u.status in FINAL_ORDER_STATES}
        with self._lock:
            self._watched -= final
        if changed:
            self.orders_updated.emit(changed)
            self.interval = self.min_interval
        else:
            self.interval = min(self.max_interval, self.interval * 1.5)
