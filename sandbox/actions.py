"""Edit and cancel an existing order, with the documented rules.

Shared by PUT/DELETE /orders/<id> and by bulk edit/cancel payloads, so both refuse the same
things with the same words. ``at`` is the instant the action happens (a bulk payload's
processing instant, or now for PUT/DELETE).
"""

import json
from typing import Any, Dict, List, Optional, Tuple

from . import shapes
from .orders import retime
from .store import Store
from .validation import validate_edit

Problems = List[Tuple[str, str]]


def not_found(order_id: Any) -> Problems:
    return [("id", f"order {order_id} not found")]


def edit_order(
    store: Store, key: str, order_id: str, fields: Dict[str, Any], at: float
) -> Tuple[Problems, Optional[Dict[str, Any]]]:
    """Apply an edit; returns (problems, the order row before the edit)."""
    with store.lock:
        row = store.get_order(order_id, key, at)
        if row is None:
            return not_found(order_id), None
        problems, changes = validate_edit(fields, row, row["status"], at)
        if problems:
            return problems, row
        if "start_at" in changes or "end_at" in changes:
            changes.update(
                retime(
                    row,
                    changes.get("start_at", row["start_at"]),
                    changes.get("end_at", row["end_at"]),
                )
            )
        if "rank" in changes:  # kept with the other optional fields
            extra = json.loads(row["extra"] or "{}")
            extra["rank"] = changes.pop("rank")
            changes["extra"] = json.dumps(extra)
        changes["edited_at"] = at
        store.update_order(order_id, changes)
        return [], row


def cancel_order(store: Store, key: str, order_id: str, at: float) -> Problems:
    """Cancel if the order is PENDING, IN_PROGRESS, RECEIVED or REQUESTED [doc]."""
    with store.lock:
        row = store.get_order(order_id, key, at)
        if row is None:
            return not_found(order_id)
        if row["status"] not in shapes.CANCELLABLE_STATUSES:
            allowed = ", ".join(shapes.CANCELLABLE_STATUSES)
            return [
                ("status", f"order is {row['status']} and cannot be cancelled (only {allowed})")
            ]
        store.update_order(order_id, {"cancelled_at": at})
        return []


def describe(problems: Problems) -> str:
    """'field: message; field: message' - the reason shown for a failed bulk payload."""
    return "; ".join(f"{field}: {message}" for field, message in problems)
