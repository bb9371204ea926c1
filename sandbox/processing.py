"""Asynchronous bulk processing, computed lazily from the wall clock.

When a bulk is accepted it gets a planned start (after the key's earlier bulks: FIFO per key)
and end (payload_count / processing_rate later). Nothing runs in the background: before any
request of a key is answered, ``advance`` processes the payloads whose planned instant has
passed, each as of that instant. The outcome is the same as a worker thread's, but deterministic
and free when idle.
"""

import json
import math
from typing import Any, Dict, List, Optional, Tuple

from . import shapes
from .actions import cancel_order, describe, edit_order
from .counters import Counters
from .faults import CAPACITY_REASON, Faults
from .orders import derive_uuid, new_order_row
from .store import Store
from .validation import validate_order

PICKUP_PAYLOADS = 5  # a new bulk waits as long as 5 payloads take before it starts (PENDING)


class Processor:
    def __init__(
        self,
        store: Store,
        counters: Counters,
        *,
        seed: Any,
        rate: float,
        order_clock: float,
        faults: Optional[Faults] = None,
        strict_window: bool = False,
    ):
        if rate <= 0 or order_clock <= 0:
            raise ValueError("processing_rate and order_clock must be positive")
        self.store, self.counters, self.seed = store, counters, seed
        self.faults = faults
        self.strict_window = strict_window  # dialect enforce-window
        self.rate, self.order_clock = float(rate), float(order_clock)

    # --- accepting -----------------------------------------------------------------------------

    def new_bulk_id(self) -> str:
        return derive_uuid(self.seed, "bulk", self.store.next_bulk_seq())

    def accept(self, key: str, bulk_id: str, kind: str, payloads: List[Any], now: float) -> None:
        """Store a bulk and its payloads (PROCESSING), planned after the key's earlier bulks."""
        with self.store.lock:
            busy = self.store.busy_until(key) or 0.0
            start = max(now + PICKUP_PAYLOADS / self.rate, busy)
            bulk = {
                "id": bulk_id,
                "key": key,
                "kind": kind,
                "seq": self.store.next_bulk_seq(),
                "created_at": now,
                "start_at": start,
                "end_at": start + len(payloads) / self.rate,
                "payload_count": len(payloads),
            }
            rows = (
                (derive_uuid(self.seed, "payload", bulk_id, i), i, json.dumps(p))
                for i, p in enumerate(payloads)
            )
            self.store.insert_bulk(bulk, rows)
        self.counters.add("bulks_created")
        self.counters.add("payloads_received", len(payloads))

    # --- processing ----------------------------------------------------------------------------

    def advance(self, now: float, key: Optional[str] = None) -> None:
        """Process every payload (of ``key``, or of all keys) due by ``now``."""
        with self.store.lock:
            if key is None:
                bulks = self.store.bulks_with_work(now)
            else:
                bulks = self.store.bulks_with_work_for(key, now)
            for bulk in bulks:
                self._advance_bulk(bulk, now)

    def _due(self, bulk: Dict[str, Any], now: float) -> int:
        n = bulk["payload_count"]
        if now >= bulk["end_at"]:
            return n
        return min(
            n, math.floor(n * (now - bulk["start_at"]) / (bulk["end_at"] - bulk["start_at"]))
        )

    def _instant(self, bulk: Dict[str, Any], idx: int) -> float:
        """When payload ``idx`` of the bulk is processed."""
        step = (bulk["end_at"] - bulk["start_at"]) / bulk["payload_count"]
        return bulk["start_at"] + (idx + 1) * step

    def _advance_bulk(self, bulk: Dict[str, Any], now: float) -> None:
        due = self._due(bulk, now)
        if due <= bulk["processed"]:
            return
        results: List[Tuple[str, Optional[str], Optional[str], int]] = []
        orders: List[Dict[str, Any]] = []
        handler = {"create": self._create, "edit": self._edit, "cancel": self._cancel}[bulk["kind"]]
        for row in self.store.payloads_between(bulk["id"], bulk["processed"], due):
            at = self._instant(bulk, row["idx"])
            order_id, error, order = handler(bulk, row, json.loads(row["payload"]), at)
            if order is not None:
                orders.append(order)
            status = shapes.PAYLOAD_FAILED if error else shapes.PAYLOAD_SUCCESS
            results.append((status, order_id, error, row["idx"]))
        self.store.record_progress(bulk["id"], due, results, orders)
        failed = sum(1 for r in results if r[0] == shapes.PAYLOAD_FAILED)
        self.counters.add("payloads_processed", len(results))
        self.counters.add("payloads_failed", failed)
        self.counters.add("payloads_succeeded", len(results) - failed)
        self.counters.add("orders_created", len(orders))

    # Each handler returns (order id, error reason, new order row or None).

    def _create(self, bulk, row, payload, at):
        errors, order = validate_order(payload, at, self.strict_window)
        if errors:
            return None, "; ".join(errors), None
        if self.faults is not None and self.faults.refuse_payload(bulk["id"], row["idx"]):
            self.counters.fault("payload_refused")
            return None, CAPACITY_REASON, None
        order_id = derive_uuid(self.seed, "order", bulk["id"], row["idx"])
        record = new_order_row(
            order_id=order_id,
            key=bulk["key"],
            bulk_id=bulk["id"],
            order=order,
            created_at=at,
            seed=self.seed,
            clock=self.order_clock,
        )
        return order_id, None, record

    def _target(self, payload) -> Tuple[Optional[str], Optional[str]]:
        """The order an edit/cancel payload names, or an error."""
        if not isinstance(payload, dict):
            return None, "payload: must be a JSON object"
        order_id = payload.get(shapes.EDIT_ORDER_ID_KEY)
        if not isinstance(order_id, str) or not order_id:
            return None, f"{shapes.EDIT_ORDER_ID_KEY}: required (the id of the order)"
        return order_id, None

    def _edit(self, bulk, row, payload, at):
        order_id, error = self._target(payload)
        if error:
            return None, error, None
        fields = {k: v for k, v in payload.items() if k != shapes.EDIT_ORDER_ID_KEY}
        problems, _ = edit_order(self.store, bulk["key"], order_id, fields, at)
        if problems:  # order_id only on SUCCESS; the echoed payload names the order anyway
            return None, describe(problems), None
        self.counters.add("orders_edited")
        return order_id, None, None

    def _cancel(self, bulk, row, payload, at):
        order_id, error = self._target(payload)
        if error:
            return None, error, None
        extra = sorted(k for k in payload if k != shapes.EDIT_ORDER_ID_KEY)
        if extra:
            return None, f"{extra[0]}: unknown field (a cancel payload holds only id)", None
        problems = cancel_order(self.store, bulk["key"], order_id, at)
        if problems:
            return None, describe(problems), None
        self.counters.add("orders_cancelled")
        return order_id, None, None
