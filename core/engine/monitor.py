"""Watch created orders through ``GET /orders/`` until they reach a final state.

Batched by id (``id__in``) where the server honours it, paged by the client, on a slow
adaptive interval: fast again as soon as something changes, backing off while nothing
does. ``id__in`` is not documented: a server that ignores it (it answers orders that
were not asked for) is detected and remembered per endpoint; then a small set is read
one ``GET /orders/<id>`` each, a larger one through ``ordering=-updated_time`` pages back
to the last poll. Orders nobody asked for are dropped either way.

Plain Python: ``OrderMonitor(client_factory, on_event=...).run()`` until cancelled;
reports ``orders_updated([OrderUpdate])`` (only what changed) and ``poll_failed(error)``
(not fatal: it tries again later).
"""

import threading
import time
from typing import Callable, Dict, Iterable, List, NamedTuple, Optional

from ..model.job import parse_utc
from ..tasking.api import LARGE_ORDER_SET, SMALL_ORDER_SET, Order
from ..tasking.backoff import Backoff
from ..tasking.errors import TaskingError
from .base import Engine

FINAL_ORDER_STATES = frozenset({"FULFILLED", "EXPIRED", "CANCELLED", "REJECTED", "FAILED"})


class OrderUpdate(NamedTuple):
    order_id: str
    status: str
    updated_time: Optional[str]
    capture_count: Optional[int]


def order_update(order: dict) -> Optional[OrderUpdate]:
    """An order as the monitor reports it (read by api.Order, tolerant of other key names)."""
    o = Order.from_json(order)
    if not o.id:
        return None
    return OrderUpdate(o.id, o.status, o.updated_time, o.capture_count)


#: a poll through -updated_time pages goes this far before the previous poll (clock skew)
UPDATED_SLACK = 120.0


class OrderMonitor(Engine):
    """Polls the watched orders; reports only what changed since the last poll."""

    def __init__(
        self,
        client_factory: Callable,
        *,
        min_interval: float = 30.0,
        max_interval: float = 600.0,
        batch_size: int = 1000,  # the client splits it by URL length (id__in)
        on_event: Optional[Callable] = None,
    ):
        super().__init__(client_factory, on_event=on_event)
        self.min_interval, self.max_interval = min_interval, max_interval
        # a failed poll waits twice as long, a poll with no change half as long again
        self._after_failure = Backoff(min_interval, max_interval)
        self._after_quiet = Backoff(min_interval, max_interval, factor=1.5)
        self.batch_size = batch_size
        self._lock = threading.Lock()
        self._known: Dict[str, OrderUpdate] = {}
        self._watched: set = set()
        self.interval = min_interval
        self.polls = 0
        self._last_poll = 0.0  # wall-clock start of the last poll that went through
        self._not_listed: set = set()  # watched ids a whole -updated_time walk did not find
        self._due = 0.0  # monotonic time of the next poll

    def watch(self, order_ids: Iterable[str], created: bool = False) -> None:
        """Add orders (any thread). Orders of unknown state are read at once; ``created``
        ones (just made: nothing to read yet) at the next poll, within ``min_interval``."""
        ids = [i for i in order_ids if i]
        with self._lock:
            idle = not self._watched
            self._watched.update(ids)
            if created:
                for i in ids:
                    # read once like any other, but no walk back before their creation
                    self._known.setdefault(i, None)
                if not self._last_poll:
                    self._last_poll = time.time()
        if created:
            # every results batch adds orders: no read for them, only a monitor that was
            # backing off (its next poll far away) comes back to its fastest pace
            if idle or self._due > time.monotonic() + self.min_interval:
                self._due = time.monotonic() + self.min_interval
                self._wake.set()
            self.interval = self.min_interval
        elif idle or self.interval > self.min_interval:
            self.interval = self.min_interval
            self.wake()

    def wake(self) -> None:
        """Poll now (any thread)."""
        self._due = 0.0
        self._wake.set()

    def watched(self) -> List[str]:
        with self._lock:
            return sorted(self._watched)

    def _read(self, client, ids: List[str]):
        """The watched orders' current state, by the best path this endpoint allows."""
        if len(ids) > SMALL_ORDER_SET and client.id_filter_works(ids[0]) is False:
            yield from self._recently_updated(client, set(ids))
            return
        if len(ids) > LARGE_ORDER_SET:
            # thousands of ids cost one request per ~180 (URL length); the orders updated
            # since the last poll, newest first, cost one per 1,000 that changed
            yield from self._recently_updated(client, set(ids))
            return
        for start in range(0, len(ids), self.batch_size):
            yield from client.iter_orders(ids=ids[start : start + self.batch_size])

    def _recently_updated(self, client, wanted: set):
        """Without id__in: the account's orders, most recently updated first, back to the
        previous poll (all of them the first time, until every watched order was seen)."""
        since = self._last_poll - UPDATED_SLACK if self._last_poll else None
        # orders never read yet may have changed before the last poll, when nobody asked
        # for them: the walk goes on until each was seen once (or the listing ends)
        fresh = {i for i in wanted if i not in self._known and i not in self._not_listed}
        for order in client.iter_orders(ordering="-updated_time"):
            o = Order.from_json(order)
            updated = parse_utc(o.updated_time)
            old = since is None or (updated is not None and updated.timestamp() < since)
            if o.id in wanted:
                fresh.discard(o.id)
                yield order
            if old and not fresh:
                return
        self._not_listed |= fresh  # not in the listing at all: no whole walk for them again

    def work(self) -> None:
        client = self.new_client()  # a cancel aborts it, its retries' back-off too
        while not self.cancelled:
            wait = self._due - time.monotonic()
            if wait > 0:
                if not self.sleep(wait):
                    return
                continue  # woken: poll now, or sleep to a due time moved earlier
            self._wake.clear()  # a wake from before this poll is answered by it
            self._due = float("inf")  # what watch() or wake() set during the poll stands
            ids = self.watched()
            if ids:
                self._poll(client, ids)
            if self._due == float("inf"):
                self._due = time.monotonic() + self.interval

    def _poll(self, client, ids: List[str]) -> None:
        changed: List[OrderUpdate] = []
        asked = set(ids)
        started = time.time()
        try:
            for order in self._read(client, ids):
                update = order_update(order)
                if update is None or update.order_id not in asked:
                    continue  # not asked for: never reported
                if self._known.get(update.order_id) != update:
                    self._known[update.order_id] = update
                    changed.append(update)
        except TaskingError as exc:
            if self.cancelled:
                return
            self.emit("poll_failed", exc)
            self.interval = self._after_failure.next(self.interval)
            return
        self._last_poll = started
        self.polls += 1
        final = {u.order_id for u in changed if u.status in FINAL_ORDER_STATES}
        with self._lock:
            self._watched -= final
        if changed:
            self.emit("orders_updated", changed)
            self.interval = self.min_interval
        else:
            self.interval = self._after_quiet.next(self.interval)
