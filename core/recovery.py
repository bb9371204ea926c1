"""Find the orders a bulk created when its ``/payloads`` page does not list them.

Planet's docs say ``GET /bulk/<id>/payloads`` shows "the payloads still processing
and the failed ones": successful ones may be missing. Then the orders themselves
are the record: the newest orders (``ordering=-created_time``, documented) back to
the bulk's creation time are matched to the unmatched targets by content (name and
submitted geometry), never by position. No-QGIS module: the worker calls it.
"""

from typing import Iterable, List, Optional, Set, Tuple

from .job import ResultMatcher, Target, TargetStatus, parse_utc


def successes_missing(summary, found: Iterable[tuple]) -> bool:
    """True when the summary counts more successes than the payload results showed
    (or does not say how many there were)."""
    expected = getattr(summary, "successful_payload_count", None)
    seen = sum(1 for f in found if f[1] == TargetStatus.SUCCEEDED)
    return expected is None or expected > seen


def recover_from_orders(
    client,
    targets: List[Target],
    since: Optional[str],
    taken: Set[str],
    *,
    scan_limit: Optional[int] = None,
) -> Tuple[List[tuple], List[str]]:
    """Match ``targets`` to orders created since ``since``; returns (found, unmatched keys).

    ``found`` items are ``(key, SUCCEEDED, order_id, None)``, like match_results'.
    ``taken`` order ids (already linked to a target) are never handed out again.
    """
    matcher = ResultMatcher(targets)
    start = parse_utc(since)
    limit = scan_limit if scan_limit is not None else 3 * len(targets) + 1000
    found: List[tuple] = []
    for n, order in enumerate(client.iter_orders(ordering="-created_time", page_size=500)):
        created = parse_utc(order.get("created_time"))
        if n >= limit or (start and created and created < start):
            break
        order_id = str(order.get("id") or "")
        if not order_id or order_id in taken:
            continue
        probe = {
            "name": order.get("name"),
            "geometry": order.get("original_geometry") or order.get("geometry"),
        }
        key = matcher.match(probe)
        if key is not None:
            taken.add(order_id)
            found.append((key, TargetStatus.SUCCEEDED, order_id, None))
            if len(found) == len(targets):
                break
    return found, list(matcher.unmatched())
