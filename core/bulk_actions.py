"""Bulk edit and bulk cancel of existing orders through ``/bulk`` (one request per 1000).

Each request gets its own client-made bulk id, is followed until COMPLETE, and
its payload results are matched back by order id (never by position). Orders the
server refuses to edit or cancel come back with the server's reason.
"""

import time
from typing import Callable, Dict, List, NamedTuple, Optional

from qgis.PyQt.QtCore import pyqtSignal

from .api import PayloadStatus
from .job import new_uuid, parse_utc
from .threads import BackgroundTask

MAX_PER_BULK = 1000
EDITABLE_FIELDS = ("name", "start_time", "end_time")
NO_RESULT = "the service returned no result for this order"


class ActionOutcome(NamedTuple):
    order_id: str
    ok: bool
    reason: Optional[str]
    bulk_id: str


class BulkAction(BackgroundTask):
    """kind "edit": items are {"id": order_id, <fields>}; kind "cancel": items are order ids."""

    bulk_posted = pyqtSignal(str, int)  # bulk id, how many orders it carries
    progress = pyqtSignal(int, int)  # orders answered, total
    results = pyqtSignal(list)  # [ActionOutcome]

    def __init__(self, client_factory: Callable, kind: str, items: List, *, poll: float = 0.5):
        super().__init__()
        if kind not in ("edit", "cancel"):
            raise ValueError(kind)
        self.kind, self.items = kind, list(items)
        self._client_factory = client_factory
        self.poll = poll
        self.bulk_ids: List[str] = []

    def order_id(self, item) -> str:
        return str(item["id"]) if self.kind == "edit" else str(item)

    def work(self) -> None:
        client = self._client_factory()
        client.stop_event = self.stop_event
        answered = 0
        try:
            for start in range(0, len(self.items), MAX_PER_BULK):
                batch = self.items[start : start + MAX_PER_BULK]
                outcomes = self._run_batch(client, batch)
                if outcomes is None:
                    return
                answered += len(outcomes)
                self.results.emit(outcomes)
                self.progress.emit(answered, len(self.items))
        finally:
            client.close()

    def _run_batch(self, client, batch) -> Optional[List[ActionOutcome]]:
        bulk_id = new_uuid()
        self.bulk_ids.append(bulk_id)
        if self.kind == "edit":
            client.edit_orders(batch, bulk_id)
        else:
            client.cancel_orders(batch, bulk_id)
        self.bulk_posted.emit(bulk_id, len(batch))
        delay = self.poll
        while not client.get_bulk(bulk_id).is_complete:
            if not self.sleep(delay):
                return None
            delay = min(delay * 1.5, 15.0)
        wanted = {self.order_id(i) for i in batch}
        found: Dict[str, ActionOutcome] = {}
        for result in client.iter_bulk_payloads(bulk_id):
            oid = _result_order_id(result)
            if oid in wanted and oid not in found:
                ok = result.status == PayloadStatus.SUCCEEDED
                found[oid] = ActionOutcome(oid, ok, None if ok else result.reason, bulk_id)
        return [
            found.get(oid) or ActionOutcome(oid, False, NO_RESULT, bulk_id)
            for oid in (self.order_id(i) for i in batch)
        ]


def _result_order_id(result) -> Optional[str]:
    payload = result.payload or {}
    oid = payload.get("id") or payload.get("order_id") or result.order_id
    return str(oid) if oid else None


def edit_items(order_ids: List[str], changes: dict) -> List[dict]:
    """Edit payloads for many orders from one set of changes (name, start_time, end_time)."""
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
