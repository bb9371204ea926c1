"""Before spending: the question the dock asks before orders go to Planet.

The facts come from the built job (how many orders, bulks, the window and scheduling
it records) and from the job store (features of the same layer source that already
have live orders at this endpoint). The dock asks through its one hook
(``dock.ask_choice``), so tests and scenarios answer it.
"""

from collections import Counter
from typing import Dict, List

from qgis.PyQt.QtCore import QCoreApplication

from ..core.model.chunking import make_chunks
from ..core.model.job import BulkJob, TargetStatus
from ..core.targets.parameters import MONITORING, OrderParameters
from .status import utc_text
from .widgets import plural

CONTEXT = "PlanetBulkTasking"

SEND_ALL = "send"
LEAVE_OUT = "leave_out"


def tr(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


def _n(n: int) -> str:
    return f"{n:,}"


def contract_words(params: OrderParameters) -> str:
    parts = []
    if params.pl_number:
        parts.append(tr("PL number {pl}").format(pl=params.pl_number))
    if params.product:
        parts.append(tr("product {p}").format(p=params.product))
    return ", ".join(parts) if parts else tr("the default contract of your API key")


def window_words(params: OrderParameters) -> str:
    start = utc_text(params.start_time.isoformat()) if params.start_time else "?"
    if params.start_expression:
        start = tr("per feature ({expr})").format(expr=params.start_expression)
    if params.scheduling == MONITORING:
        return tr("from {start} UTC").format(start=start)
    end = utc_text(params.end_time.isoformat()) if params.end_time else "?"
    if params.end_expression:
        end = tr("per feature ({expr})").format(expr=params.end_expression)
    return tr("{start} → {end} UTC").format(start=start, end=end)


def scheduling_words(params: OrderParameters) -> str:
    if params.scheduling == MONITORING:
        cadence = params.cadence()
        return tr("Monitoring, {count} captures ({rrule})").format(
            count=cadence.count, rrule=cadence.rrule()
        )
    if params.scheduling == "ASSURED":
        return tr("Assured")
    return tr("Flexible")


def live_words(live: Dict[int, tuple]) -> str:
    """'3,200 features already have live orders from earlier jobs (job of ... UTC: 3,200).'"""
    by_job = Counter((created, job_id) for job_id, created, _order in live.values())
    jobs = ", ".join(
        tr("job of {when} UTC: {n}").format(when=utc_text(created), n=_n(n))
        for (created, _job), n in sorted(by_job.items())[:3]
    )
    return plural(
        len(live),
        tr("{n} of these features already has a live order from an earlier job ({jobs})."),
        tr("{n} of these features already have live orders from earlier jobs ({jobs})."),
    ).format(n=_n(len(live)), jobs=jobs)


def question(job: BulkJob, summary: dict, destination: str, live: Dict[int, tuple]) -> str:
    params = OrderParameters.from_dict(job.parameters)
    lines = [
        (
            tr("Send 1 order to {where}?")
            if summary["orders"] == 1
            else plural(
                summary["bulks"],
                tr("Send {orders} orders to {where} in 1 bulk request?"),
                tr("Send {orders} orders to {where} in {bulks} bulk requests?"),
            )
        ).format(orders=_n(summary["orders"]), bulks=summary["bulks"], where=destination),
        "",
        tr("Contract: {c}").format(c=contract_words(params)),
        tr("Window: {w}").format(w=window_words(params)),
        tr("Scheduling: {s}").format(s=scheduling_words(params)),
    ]
    if summary.get("skipped"):
        lines.append(tr("Skipped before sending: {n}").format(n=_n(summary["skipped"])))
    lines += ["", tr("Planet creates real orders, which may be charged.")]
    if live:
        lines += ["", live_words(live)]
    return "\n".join(lines)


def choices(summary: dict, live: Dict[int, tuple]) -> List[tuple]:
    """[(key, button text)], the safe choice last (the dialog's Escape)."""
    out = [
        (
            SEND_ALL,
            plural(summary["orders"], tr("Send {n} order"), tr("Send {n} orders")).format(
                n=_n(summary["orders"])
            ),
        )
    ]
    if live:
        out.append((LEAVE_OUT, tr("Leave out the {n} already ordered").format(n=_n(len(live)))))
    out.append(("", tr("Don't send")))
    return out


def leave_out(job: BulkJob, live: Dict[int, tuple]) -> int:
    """Skip the targets of features with live orders (each says which job has it) and
    chunk the rest again. Returns how many targets were left out."""
    n = 0
    for t in job.targets:
        hit = live.get(int(t.feature_id))
        if hit is None or t.status != TargetStatus.READY:
            continue
        job_id, created, order_id = hit
        reason = tr("left out: it already has a live order from the job of {when} UTC").format(
            when=utc_text(created)
        )
        if order_id:
            reason += tr(" (order {id})").format(id=order_id)
        # the payload stays: Fix and resubmit can still send it if the analyst wants it
        t.status, t.reason, t.chunk_index = TargetStatus.SKIPPED, reason, None
        n += 1
    if n:
        job.chunks = make_chunks(job.targets)
    return n


# -- after a cancel: what is true (the facts are core.outputs.job_facts.sent_facts) ---------
def cancelled_text(f: dict, following: bool) -> str:
    """The truth after a cancel: what was not sent, what Planet already has."""
    parts = []
    if f["unsent_orders"]:
        parts.append(
            plural(
                f["unsent_orders"],
                tr("{n} order was not sent"),
                tr("{n} orders were not sent"),
            ).format(n=_n(f["unsent_orders"]))
        )
    if f["accepted_bulks"]:
        text = plural(
            f["accepted_bulks"],
            tr("Planet had already accepted 1 bulk request ({orders} orders)"),
            tr("Planet had already accepted {n} bulk requests ({orders} orders)"),
        ).format(n=f["accepted_bulks"], orders=_n(f["accepted_orders"]))
        if following and f["waiting"]:
            text += tr(
                ": {created} created so far; the others are being created and followed"
            ).format(created=_n(f["created"]))
        else:
            text += tr(": {created} created, {refused} refused").format(
                created=_n(f["created"]), refused=_n(f["refused"])
            )
        parts.append(text)
    if f["doubt_bulks"]:
        parts.append(
            plural(
                f["doubt_bulks"],
                tr(
                    "1 bulk request ({orders} orders) was on its way: Planet is asked "
                    "whether it got it, and it is followed if so"
                ),
                tr(
                    "{n} bulk requests ({orders} orders) were on their way: Planet is asked "
                    "whether it got them, and they are followed if so"
                ),
            ).format(n=f["doubt_bulks"], orders=_n(f["doubt_orders"]))
        )
    if not f["accepted_bulks"] and not f["doubt_bulks"]:
        parts.append(tr("Planet accepted nothing: no order was created"))
    return "; ".join(parts) + "."
