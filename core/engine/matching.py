"""Reading a COMPLETE bulk's results back onto its targets: by content, never by position.

``match_report`` reads the ``/payloads`` results as they stream in; what they leave open
(own ids to confirm, contradictions, successes not listed, failures that echo nothing) is
settled here with the orders themselves (``recovery.py``). Plain Python: the submit
engine's pool threads call it.
"""

import logging
import time
from typing import Dict, List, NamedTuple

from ..model.job import ResultMatcher, TargetStatus
from ..tasking.api import PayloadStatus
from .recovery import confirm_orders

logger = logging.getLogger(__name__)


def _breathe(items, every: int = 100, pause: float = 0.001):
    """Yield ``items``, pausing briefly every ``every``: long pure-Python loops in the
    worker then leave the GIL (and, on a busy machine, the CPU) to the main thread
    often enough for the UI to stay smooth. Costs ~10 ms per 1000 items."""
    for i, item in enumerate(items, 1):
        yield item
        if i % every == 0:
            time.sleep(pause)


class MatchReport(NamedTuple):
    """What a COMPLETE bulk's ``/payloads`` results say, before any look at ``/orders/``."""

    found: List[tuple]  # (key, status, order_id, reason)
    unmatched: List[str]  # keys no usable result was found for
    unconfirmed: List[tuple]  # (key, id): a success whose only order id is the item's own id
    contradictions: Dict[str, list]  # key -> its PayloadResults that disagree
    unplaced_failures: List[str]  # reasons of failed results that echo no payload


def _differs(a, b) -> bool:
    """Two results for one target that cannot both be true."""
    if PayloadStatus.SUCCEEDED not in (a.status, b.status):
        return False  # two failures: the first reason stands
    return a.status != b.status or (a.order_id or "") != (b.order_id or "")


def prepare_matcher(targets) -> ResultMatcher:
    """The index ``match_report`` matches against, made ahead of the results (used once)."""
    return ResultMatcher(_breathe(targets))


def match_report(targets, results, matcher=None) -> MatchReport:
    """Match payload results to ``targets`` by content (ResultMatcher), never by position.
    Results still processing are ignored; a result whose content matches no free target is
    a duplicate (ignored) or a contradiction (kept for the caller to settle). ``matcher``:
    one ``prepare_matcher(targets)`` made beforehand, consumed here."""
    matcher = matcher or prepare_matcher(targets)
    by_key: Dict[str, object] = {}
    extra: Dict[str, list] = {}
    unplaced: List[str] = []
    for r in _breathe(results):
        if r.status not in (PayloadStatus.SUCCEEDED, PayloadStatus.FAILED):
            continue
        if not r.payload:  # no echo: successes are found through /orders/
            if r.status == PayloadStatus.FAILED:
                unplaced.append(r.reason or "the server gave no reason")
            continue
        key = matcher.match(r.payload)
        if key is not None:
            by_key[key] = r
            continue
        for k in matcher.keys_for(r.payload):
            if k in by_key and _differs(by_key[k], r):
                extra.setdefault(k, []).append(r)
                break
    found, unconfirmed = [], []
    unmatched = list(matcher.unmatched())
    for key, r in by_key.items():
        if key in extra:
            continue
        if r.status == PayloadStatus.FAILED:
            found.append((key, TargetStatus.FAILED, None, r.reason))
        elif r.order_id and r.order_id_confirmed:
            found.append((key, TargetStatus.SUCCEEDED, r.order_id, None))
        elif r.order_id:
            unconfirmed.append((key, r.order_id))
        else:
            unmatched.append(key)
    contradictions = {k: [by_key[k]] + rs for k, rs in extra.items()}
    return MatchReport(found, unmatched, unconfirmed, contradictions, unplaced)


def _describe(r) -> str:
    text = "succeeded" if r.status == PayloadStatus.SUCCEEDED else "failed"
    if r.order_id:
        text += f" with order {r.order_id}"
    if r.status == PayloadStatus.FAILED and r.reason:
        text += f" ({r.reason})"
    return text


def settle_contradictions(client, targets_by_key, contradictions, taken) -> List[tuple]:
    """The order that exists wins; the contradiction is logged and kept as the target's
    reason. Never FAILED: a target that may have an order is not offered for resubmission."""
    found = []
    for key, results in contradictions.items():
        target = targets_by_key[key]
        ids = list(dict.fromkeys(r.order_id for r in results if r.order_id))
        existing = [f[2] for f in confirm_orders(client, [(target, i) for i in ids], set(taken))]
        said = "; ".join(_describe(r) for r in results)
        if existing:
            taken.add(existing[0])
            note = (f"the service gave contradictory results for this target ({said}); "
                    f"linked to order {existing[0]}, which exists")  # fmt: skip
            if len(existing) > 1:
                note += f"; order {', '.join(existing[1:])} exists too: check for a duplicate"
            found.append((key, TargetStatus.SUCCEEDED, existing[0], note))
        else:
            note = (f"the service gave contradictory results for this target ({said}) and no "
                    "order could be confirmed: check the account's orders before sending it "
                    "again")  # fmt: skip
            found.append((key, TargetStatus.SUBMITTED, None, note))
        logger.warning("bulk result contradiction for target %s: %s", target.label, note)
    return found


def place_failures(summary, found, unmatched, reasons) -> List[tuple]:
    """Failed results that echo no payload: when the bulk's counts show that every success
    was linked and exactly the unlinked targets failed, they failed (with the reasons the
    server gave); otherwise nothing is concluded."""
    succeeded = sum(1 for f in found if f[1] == TargetStatus.SUCCEEDED)
    if not unmatched or not reasons or summary.failed_payload_count != len(unmatched):
        return []
    if summary.successful_payload_count is None or summary.successful_payload_count != succeeded:
        return []
    distinct = list(dict.fromkeys(reasons))
    if len(distinct) == 1:
        reason = distinct[0]
    else:
        reason = ("failed; the service did not say which reason is this target's: "
                  + " | ".join(distinct[:5]) + (" | ..." if len(distinct) > 5 else ""))  # fmt: skip
    return [(key, TargetStatus.FAILED, None, reason) for key in unmatched]
