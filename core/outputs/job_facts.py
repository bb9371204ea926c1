"""Facts about a job the dock states in its questions and notices, counted from the job
(and the job store): what a cancel could not stop, what a job ended with, which features
already have live orders, what a cancel at Planet would touch. Words are the dock's."""

import logging

from ..engine.bulk_actions import starts_within_24h
from ..engine.monitor import FINAL_ORDER_STATES
from ..model.job import BulkJob, ChunkState, TargetStatus

log = logging.getLogger(__name__)


def sent_facts(job: BulkJob) -> dict:
    """What a cancel could and could not stop, from the job's chunks and targets."""
    accepted = [c for c in job.chunks if c.state in (ChunkState.ACCEPTED, ChunkState.COMPLETE)]
    doubt = [c for c in job.chunks if c.state == ChunkState.POSTING]
    unsent = [c for c in job.chunks if c.state == ChunkState.NEW]
    keys = [k for c in accepted for k in c.target_keys]
    targets = [job.target(k) for k in keys]
    # orders that exist or may still come: what "Cancel these orders" must reach
    reach = keys + [k for c in doubt for k in c.target_keys]
    return {
        "bulks": len([c for c in job.chunks if c.target_keys]),
        "accepted_bulks": len(accepted),
        "accepted_orders": len(keys),
        "accepted_keys": keys,
        "reach_keys": reach,
        "created": sum(1 for t in targets if t.status == TargetStatus.SUCCEEDED),
        "refused": sum(1 for t in targets if t.status == TargetStatus.FAILED),
        "waiting": sum(
            1 for t in targets if t.status in (TargetStatus.READY, TargetStatus.SUBMITTED)
        ),
        "doubt_bulks": len(doubt),
        "doubt_orders": sum(len(c.target_keys) for c in doubt),
        "unsent_bulks": len(unsent),
        "unsent_orders": sum(len(c.target_keys) for c in unsent),
    }


def ended_counts(job: BulkJob) -> dict:
    """What a job ended with: created, failed, skipped, unsent, doubt (sent, no result
    yet), and whether any bulk was sent at all."""
    counts = job.counts()
    return {
        "created": counts.get(TargetStatus.SUCCEEDED, 0),
        "failed": counts.get(TargetStatus.FAILED, 0),
        "skipped": counts.get(TargetStatus.SKIPPED, 0),
        "unsent": counts.get(TargetStatus.READY, 0),
        "doubt": counts.get(TargetStatus.SUBMITTED, 0),
        "sent": any(c.state in ChunkState.SENT for c in job.chunks),
    }


def cancel_counts(targets) -> dict:
    """Orders to cancel at Planet: how many, how many start within 24 hours (may be
    charged), how many are already final (Planet refuses those)."""
    return {
        "orders": len(targets),
        "soon": sum(1 for t in targets if starts_within_24h((t.payload or {}).get("start_time"))),
        "final": sum(1 for t in targets if (t.order_status or "") in FINAL_ORDER_STATES),
    }


def live_orders(store, job: BulkJob) -> dict:
    """Features of this job that already have live orders from earlier jobs (at the same
    endpoint, same layer source); {} when the store cannot say."""
    try:
        return store.live_orders(
            job.layer, job.endpoint, {t.feature_id for t in job.targets}, job.job_id
        )
    except Exception:  # a damaged store must not block sending; the question says less
        log.exception("could not look for live orders")
        return {}
