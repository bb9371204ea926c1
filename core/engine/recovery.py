"""Find the orders a bulk created when its ``/payloads`` page does not link them.

Planet's docs say ``GET /bulk/<id>/payloads`` shows "the payloads still processing
and the failed ones": successful ones may be missing, and a server may not echo the
payload or name the order. Then the orders themselves are the record: the orders
created since the bulk are read and matched to the unlinked targets by content (name
and submitted geometry), never by position.

Bounded by the job, not by a count: ``created_time__gte=<bulk created>`` with the
oldest first where the server honours it (the bulk's own orders come first), else
``ordering=-created_time`` (documented) back to the bulk's creation. Paging stops
when every missing target is found or the orders since the bulk are exhausted.
No-QGIS module: the worker calls it.
"""

import logging
from datetime import timedelta
from typing import Iterable, Iterator, List, Optional, Set, Tuple

from ..model.job import ResultMatcher, Target, TargetStatus, parse_utc
from ..tasking.api import RECOVERY_PAGE_SIZE, Order
from ..tasking.errors import NotFoundError

logger = logging.getLogger(__name__)

#: server clocks and time rounding: an order may show a creation time this much before
#: the bulk's own
CLOCK_SLACK = timedelta(seconds=2)
FACT_CREATED_GTE = "created_time__gte"


def successes_missing(summary, found: Iterable[tuple]) -> bool:
    """True when the summary counts more successes than the payload results showed
    (or does not say how many there were)."""
    expected = getattr(summary, "successful_payload_count", None)
    seen = sum(1 for f in found if f[1] == TargetStatus.SUCCEEDED)
    return expected is None or expected > seen


def _orders_since(client, since: Optional[str]) -> Iterator[Order]:
    """Orders created since ``since`` (all of the account's if None), each once."""
    start = parse_utc(since)
    floor = start - CLOCK_SLACK if start else None
    if floor is not None and client.fact(FACT_CREATED_GTE) is not False:
        first = True
        for raw in client.iter_orders(
            ordering="created_time", created_since=floor.isoformat().replace("+00:00", "Z"),
            page_size=RECOVERY_PAGE_SIZE,
        ):  # fmt: skip
            order = Order.from_json(raw)
            created = parse_utc(order.created_time)
            if created is not None and created < floor:
                # the filter is ignored: oldest-first would read the whole account
                client.learn(FACT_CREATED_GTE, False, "it answered older orders")
                break
            if first:
                client.learn(FACT_CREATED_GTE, True)
                first = False
            yield order
        else:
            return
    for raw in client.iter_orders(ordering="-created_time", page_size=RECOVERY_PAGE_SIZE):
        order = Order.from_json(raw)
        created = parse_utc(order.created_time)
        if floor is not None and created is not None and created < floor:
            return
        yield order


def recover_from_orders(
    client,
    targets: List[Target],
    since: Optional[str],
    taken: Set[str],
) -> Tuple[List[tuple], List[str]]:
    """Match ``targets`` to orders created since ``since``; returns (found, unmatched keys).

    ``found`` items are ``(key, SUCCEEDED, order_id, None)``, like match_report's.
    ``taken`` order ids (already linked to a target) are never handed out again.
    """
    matcher = ResultMatcher(targets)
    found: List[tuple] = []
    read = 0
    for order in _orders_since(client, since):
        read += 1
        if not order.id or order.id in taken:
            continue
        key = matcher.match(order.probe())
        if key is not None:
            taken.add(order.id)
            found.append((key, TargetStatus.SUCCEEDED, order.id, None))
            if len(found) == len(targets):
                break
    logger.info(
        "recovery through /orders/: %d of %d target(s) linked, %d order(s) read",
        len(found), len(targets), read,
    )  # fmt: skip
    return found, list(matcher.unmatched())


def confirm_orders(client, candidates: List[Tuple[Target, str]], taken: Set[str]) -> List[tuple]:
    """``GET /orders/<id>`` for results whose only order id is their own ``id``: linked
    only when the order exists and shows the target's name and submitted geometry."""
    found = []
    for target, order_id in candidates:
        if order_id in taken:
            continue
        try:
            order = Order.from_json(client.get_order(order_id))
        except NotFoundError:
            continue
        if ResultMatcher([target]).match(order.probe()) == target.key:
            taken.add(order_id)
            found.append((target.key, TargetStatus.SUCCEEDED, order_id, None))
    return found
