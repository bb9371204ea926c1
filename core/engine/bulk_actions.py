"""Bulk edit and bulk cancel of existing orders: through ``/bulk`` where it works (one
request per 1000), else the documented ``PUT`` / ``DELETE /orders/<id>`` one by one.

The bulk edit/cancel body keys are not documented. Whether the bulk path works is
detected, not guessed: a bulk body refused as a whole (400), or accepted as a bulk
of zero payloads, means it does not, and the per-order path takes over; what was
learnt is remembered per endpoint (``client.fact``). Bulk results are matched back
by order id (never by position); an order the results do not settle is looked at
with ``GET /orders/<id>``, so the outcome reported is what the order now shows.

Plain Python: ``BulkAction(client_factory, kind, items, on_event=...).run()``; reports
``bulk_posted(bulk_id, n)``, ``progress(answered, total)`` and ``results([ActionOutcome])``.
"""

import logging
import time
from typing import Callable, Dict, List, NamedTuple, Optional

from ..model.job import new_uuid, parse_utc
from ..tasking.api import MAX_PAYLOADS_PER_BULK, Order, PayloadStatus, times_in_words
from ..tasking.backoff import Backoff
from ..tasking.errors import NotFoundError, RequestRejectedError, TaskingError
from .base import Engine

logger = logging.getLogger(__name__)

EDITABLE_FIELDS = ("name", "rank", "start_time", "end_time")
NO_RESULT = "the service returned no result for this order"
PER_ORDER_RATE = 8.0  # requests/s on the per-order path: under Planet's 10/s per key
CANCELLED_STATES = ("CANCELLED", "PENDING_CANCELLATION")


class ActionOutcome(NamedTuple):
    order_id: str
    ok: bool
    reason: Optional[str]
    bulk_id: str


class BulkAction(Engine):
    """kind "edit": items are {"id": order_id, <fields>}; kind "cancel": items are order ids."""

    def __init__(
        self,
        client_factory: Callable,
        kind: str,
        items: List,
        *,
        poll: float = 0.5,
        on_event: Optional[Callable] = None,
    ):
        super().__init__(client_factory, on_event=on_event)
        if kind not in ("edit", "cancel"):
            raise ValueError(kind)
        self.kind, self.items = kind, list(items)
        self.poll = poll
        self._polls = Backoff(poll, 15.0, factor=1.5)
        self.bulk_ids: List[str] = []

    def order_id(self, item) -> str:
        return str(item["id"]) if self.kind == "edit" else str(item)

    def work(self) -> None:
        client = self.new_client()
        answered = 0
        for start in range(0, len(self.items), MAX_PAYLOADS_PER_BULK):
            batch = self.items[start : start + MAX_PAYLOADS_PER_BULK]
            outcomes = self._run_batch(client, batch)
            if outcomes is None:
                return
            answered += len(outcomes)
            self.emit("results", outcomes)
            self.emit("progress", answered, len(self.items))

    def fact_name(self) -> str:
        return f"bulk {self.kind}"

    def _run_batch(self, client, batch) -> Optional[List[ActionOutcome]]:
        if client.fact(self.fact_name()) is False:
            return self._per_order(client, batch)
        bulk_id = new_uuid()
        self.bulk_ids.append(bulk_id)
        try:
            if self.kind == "edit":
                client.edit_orders(batch, bulk_id)
            else:
                client.cancel_orders(batch, bulk_id)
        except RequestRejectedError as exc:  # the body refused as a whole
            client.learn(self.fact_name(), False, f"the bulk body was refused: {exc.details}")
            return self._per_order(client, batch)
        self.emit("bulk_posted", bulk_id, len(batch))
        delay = self.poll
        while not (summary := client.get_bulk(bulk_id)).is_complete:
            if not self.sleep(delay):
                return None
            delay = self._polls.next(delay)
        if summary.payload_count == 0 or (
            summary.payload_count is None and summary.done_count == 0
        ):
            # accepted, but a bulk of nothing: the body key is not the server's
            client.learn(self.fact_name(), False, "the bulk was accepted with no payloads")
            return self._per_order(client, batch)
        client.learn(self.fact_name(), True)
        return self._bulk_outcomes(client, batch, bulk_id)

    def _bulk_outcomes(self, client, batch, bulk_id: str) -> Optional[List[ActionOutcome]]:
        wanted = {self.order_id(i): i for i in batch}
        found: Dict[str, ActionOutcome] = {}
        reasons: List[str] = []
        for result in client.iter_bulk_payloads(bulk_id):
            oid = _result_order_id(result)
            if oid in wanted and oid not in found:
                ok = result.status == PayloadStatus.SUCCEEDED
                found[oid] = ActionOutcome(oid, ok, None if ok else result.reason, bulk_id)
            elif result.status == PayloadStatus.FAILED and result.reason:
                reasons.append(result.reason)
        # orders the results did not name (a server listing only failures): read them in
        # id__in pages, not one GET each (1000 GETs at 10/s would take minutes)
        listed = self._orders_now(client, [oid for oid in wanted if oid not in found])
        out = []
        for oid, item in wanted.items():
            if self.cancelled:
                return None
            out.append(found.get(oid) or self._verify(client, item, bulk_id, reasons, listed))
        return out

    @staticmethod
    def _orders_now(client, order_ids: List[str]) -> Dict[str, Order]:
        """The orders as the service shows them now, by id ({} if the listing fails: each
        is then read on its own)."""
        if not order_ids:
            return {}
        try:
            orders = (Order.from_json(o) for o in client.iter_orders(ids=order_ids))
            return {o.id: o for o in orders if o.id}
        except TaskingError as exc:
            logger.info("bulk action: listing %d orders failed (%s)", len(order_ids), exc)
            return {}

    def _verify(
        self, client, item, bulk_id: str, reasons: List[str], listed: Dict[str, Order]
    ) -> ActionOutcome:
        """An order the bulk's results did not name: what does the order show now?"""
        oid = self.order_id(item)
        order = listed.get(oid)
        try:
            order = order or Order.from_json(client.get_order(oid))
        except NotFoundError:
            return ActionOutcome(oid, False, "order not found", bulk_id)
        except TaskingError:
            return ActionOutcome(oid, False, NO_RESULT, bulk_id)
        if self.kind == "cancel":
            ok = order.status in CANCELLED_STATES
        else:
            ok = _shows_edit(order, item)
        if ok:
            return ActionOutcome(oid, True, None, bulk_id)
        said = "; ".join(dict.fromkeys(reasons)) if len(set(reasons)) == 1 else ""
        return ActionOutcome(oid, False, said or f"{NO_RESULT}; the order is {order.status}",
                             bulk_id)  # fmt: skip

    def _per_order(self, client, batch) -> Optional[List[ActionOutcome]]:
        """Documented PUT / DELETE /orders/<id>, paced under the rate limit."""
        out: List[ActionOutcome] = []
        gap = 1.0 / PER_ORDER_RATE
        for item in batch:
            if self.cancelled:
                return None
            oid = self.order_id(item)
            started = time.monotonic()
            try:
                if self.kind == "edit":
                    client.put_order(oid, item)
                else:
                    client.delete_order(oid)
                out.append(ActionOutcome(oid, True, None, ""))
            except (RequestRejectedError, NotFoundError) as exc:
                reason = times_in_words(exc.details or exc.user_message)
                out.append(ActionOutcome(oid, False, reason, ""))
            wait = gap - (time.monotonic() - started)
            if wait > 0 and not self.sleep(wait):
                return None
        return out


def _shows_edit(order: Order, item: dict) -> bool:
    for k, v in item.items():
        if k == "id":
            continue
        have = order.value(k)
        if k in ("start_time", "end_time"):
            if parse_utc(have) != parse_utc(v):
                return False
        elif have != v:
            return False
    return True


def _result_order_id(result) -> Optional[str]:
    oid = Order.from_json(result.payload or {}).id or result.order_id
    return str(oid) if oid else None


def edit_items(order_ids: List[str], changes: dict) -> List[dict]:
    """Edit payloads for many orders from one set of changes (name, rank, start/end time)."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"these fields cannot be edited: {', '.join(sorted(unknown))}")
    return [dict(changes, id=oid) for oid in order_ids]


def starts_within_24h(start_time: Optional[str], now: Optional[float] = None) -> bool:
    """Cancelling within 24 hours of the start may be charged: the UI warns about these."""
    start = parse_utc(start_time)
    if start is None:
        return False
    return start.timestamp() - (now if now is not None else time.time()) < 24 * 3600
