"""make dialects: the whole life of a job against every sandbox dialect.

For each dialect (see ``python3 -m sandbox --list-dialects``) a fresh sandbox answers like
that variant of what Planet does not document, with faults on (5xx, commit-then-drop,
refused payloads), and the real JobManager / worker threads run headless, as in QGIS:

1. ~2,500 targets submitted (some invalid), QGIS "restarted" mid-run (the manager shut
   down, a new one resumes the job from disk);
2. the failed targets fixed and resubmitted;
3. the created orders monitored until the plugin's statuses match the server's;
4. a bulk edit and a bulk cancel of orders still editable;
5. checks: 0 lost, 0 duplicated (one server order per linked target, with its name), every
   target linked to an order or carrying a reason, no job stuck, edits and cancels visible
   on the server.

One line per dialect, then ``dialects: N passed, M failed`` (exit 1 if any failed).
Usage: python3 scripts/dialects.py [--targets 2500] [NAME ...]
"""

import argparse
import os
import sys
import tempfile
import time
import traceback
from collections import Counter
from datetime import datetime, timedelta, timezone

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import plugin_path  # noqa: E402

plugin_path.ensure_importable()
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import (  # noqa: E402
    QgsApplication,
    QgsFeature,
    QgsGeometry,
    QgsPointXY,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QCoreApplication  # noqa: E402

KEY = "sandbox-key"
#: dialects together, as a real service may differ from our picture in several ways at once
COMBINED = (
    "bulk-actions-refused,delete-200,payload-keys,id-in-ignored",
    "dup-400,create-201,payload-own-ids,hide-succeeded,bulk-actions-noop,error-envelope,"
    "oversize-400,enforce-window,rate-5",
)
BAD = 15  # targets sent with the docs' own invalid longitude, fixed and resubmitted
ACTION_TARGETS = 40  # orders of a second job that are edited (half) and cancelled (half)


class Failed(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failed(message)


def wait_until(predicate, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        QCoreApplication.processEvents()
        if predicate():
            return True
        time.sleep(0.02)
    QCoreApplication.processEvents()
    return predicate()


def layer(n, name):
    lyr = QgsVectorLayer("Point?crs=EPSG:4326&field=name:string", name, "memory")
    feats = []
    for i in range(n):
        f = QgsFeature(lyr.fields())
        f.setAttribute(0, f"{name}-{i:05d}")
        x, y = -120 + (i % 1000) * 1e-3, 35 + (i // 1000) * 1e-2
        f.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(x, y)))
        feats.append(f)
    lyr.dataProvider().addFeatures(feats)
    return lyr


def factory_for(base_url):
    from planet_bulk_tasking.core.tasking.client import TaskingClient

    def for_endpoint(endpoint=None):
        def make(stop_event=None):
            return TaskingClient(
                endpoint or base_url, KEY, stop_event=stop_event, backoff_base=0.05,
                max_retry_after=2.0,
            )  # fmt: skip

        return make

    return for_endpoint


def server_orders(base_url):
    from planet_bulk_tasking.core.tasking.client import TaskingClient

    with TaskingClient(base_url, KEY, backoff_base=0.05, max_retry_after=2.0) as client:
        return {o["id"]: o for o in client.iter_orders(page_size=1000)}


class Recorder:
    def __init__(self, manager):
        self.ended, self.actions, self.errors = {}, [], []
        manager.job_ended.connect(lambda j, how, err: self.ended.__setitem__(j, (how, err)))
        manager.action_finished.connect(lambda j, kind, out: self.actions.append((kind, out)))
        manager.action_failed.connect(lambda j, kind, err: self.errors.append((kind, err)))

    def wait_end(self, job_id, timeout):
        check(wait_until(lambda: job_id in self.ended, timeout), "a job did not end (stuck)")
        how, err = self.ended.pop(job_id)
        check(how == "finished", f"the job ended {how}: {err}")


def make_manager(base_url, db):
    from planet_bulk_tasking.core.jobs.manager import JobManager
    from planet_bulk_tasking.core.model.store import JobStore

    manager = JobManager(
        JobStore(db),
        factory_for(base_url),
        worker_options={"min_poll_interval": 0.05, "post_retry_delay": 0.2},
        monitor_options={"min_interval": 0.3, "max_interval": 1.0},
    )
    return manager, Recorder(manager)


def check_linked(job, orders):
    """0 lost, 0 duplicated, every target linked or with a reason."""
    from planet_bulk_tasking.core.model.job import TargetStatus

    by_name = Counter(o["name"] for o in orders.values())
    check(max(by_name.values(), default=1) == 1, "an order was created twice")
    linked = [t for t in job.targets if t.order_id]
    check(len({t.order_id for t in linked}) == len(linked), "two targets share one order")
    for t in linked:
        order = orders.get(t.order_id)
        check(order is not None, f"{t.label} is linked to {t.order_id}, which does not exist")
        check(order["name"] == t.name, f"{t.label} is linked to another target's order")
    mine = {o_id for o_id, o in orders.items() if o["name"].startswith(job.layer.name + "-")}
    check(mine <= {t.order_id for t in linked}, f"{len(mine - {t.order_id for t in linked})} "
          "order(s) of this job are linked to no target (lost)")  # fmt: skip
    for t in job.targets:
        if t.status != TargetStatus.SUCCEEDED:
            check(bool(t.reason), f"{t.label} is {t.status} without a reason")
    return len(linked)


def run_dialect(name, n, workdir):
    from planet_bulk_tasking.core.model.job import ChunkState, TargetStatus
    from planet_bulk_tasking.core.targets.build import create_job
    from planet_bulk_tasking.core.targets.parameters import OrderParameters
    from planet_bulk_tasking.sandbox import SandboxServer

    db = os.path.join(workdir, f"{name.replace(',', '+')}.sqlite")
    srv = SandboxServer(
        dialect=None if name == "documented" else name,
        processing_rate=2500.0,
        order_clock=200000.0,  # 25 h to start in 0.45 s, a 14-day window in 6 s
        rate_limit=20.0,  # rate-5 brings it down to 5
        seed=name,
        faults={"error_rate": 0.02, "drop_after_commit_rate": 0.3,
                "payload_failure_rate": 0.03},
    )  # fmt: skip
    base = srv.start()
    managers = []
    try:
        manager, rec = make_manager(base, db)
        managers.append(manager)
        job = create_job(layer(n, f"{name}-sites"), OrderParameters(), selected_only=False,
                         endpoint=base)  # fmt: skip
        for t in job.targets[:BAD]:
            t.payload["geometry"]["coordinates"] = [181, 40]
        manager.submit(job)
        check(wait_until(lambda: any(c.state == ChunkState.ACCEPTED for c in job.chunks), 60),
              "no bulk was accepted")  # fmt: skip
        manager.shutdown()  # QGIS closes mid-run
        manager, rec = make_manager(base, db)  # a new QGIS session, same profile
        managers.append(manager)
        check(manager.resume_unfinished() == [job.job_id], "the job was not resumed")
        rec.wait_end(job.job_id, 240)
        job = manager.job(job.job_id)

        # fix and resubmit what failed
        failed = [t for t in job.targets if t.status == TargetStatus.FAILED]
        check(len(failed) >= BAD, f"only {len(failed)} failed; {BAD} were invalid")
        revised = {}
        for t in failed:
            payload = dict(t.payload)
            if payload["geometry"]["coordinates"] == [181, 40]:
                fixed = [-119.0, 36.0 + len(revised) * 1e-3]
                payload["geometry"] = {"type": "Point", "coordinates": fixed}
            revised[t.key] = payload
        for _ in range(3):  # refused for capacity again: fix again
            manager.resubmit(job.job_id, revised)
            rec.wait_end(job.job_id, 120)
            revised = {t.key: t.payload for t in job.targets if t.status == TargetStatus.FAILED}
            if not revised:
                break
        srv.set_faults()  # monitoring and the checks below without injected faults
        check_linked(job, server_orders(base))
        unlinked = [t for t in job.targets if not t.order_id]
        check(not [t for t in unlinked if t.status == TargetStatus.SUBMITTED],
              f"{len(unlinked)} target(s) not linked to their order")  # fmt: skip

        # monitoring: the plugin's statuses reach the server's
        def statuses_match():
            orders = server_orders(base)
            return all(t.order_status == orders[t.order_id]["status"]
                       for t in job.targets if t.order_id)  # fmt: skip

        check(wait_until(statuses_match, 90), "monitoring did not bring the statuses up to date")

        # edit and cancel orders that can still be edited
        later = datetime.now(timezone.utc) + timedelta(days=400)
        params = OrderParameters(start_time=later, end_time=later + timedelta(days=15))
        job2 = create_job(layer(ACTION_TARGETS, f"{name}-later"), params, selected_only=False,
                          endpoint=base)  # fmt: skip
        manager.submit(job2)
        rec.wait_end(job2.job_id, 120)
        live = server_orders(base)  # REJECTED ones (1 in 10) can no longer be changed
        editable = ("RECEIVED", "PENDING")
        keys = [t.key for t in job2.targets
                if t.order_id and live[t.order_id]["status"] in editable]  # fmt: skip
        check(len(keys) >= ACTION_TARGETS // 2, "too few orders to edit and cancel")
        half = len(keys) // 2
        manager.edit_orders(job2.job_id, keys[:half], {"name": f"{name}-renamed"})
        check(wait_until(lambda: len(rec.actions) == 1 or rec.errors, 120), "the edit hung")
        manager.cancel_orders(job2.job_id, keys[half:])
        check(wait_until(lambda: len(rec.actions) == 2 or rec.errors, 120), "the cancel hung")
        check(not rec.errors, f"an action failed: {rec.errors}")
        orders = server_orders(base)
        edit_ok = [o for o in rec.actions[0][1] if o.ok]
        cancel_ok = [o for o in rec.actions[1][1] if o.ok]
        refused = [o.reason for kind, out in rec.actions for o in out if not o.ok]
        check(not refused, f"{len(refused)} edit(s)/cancel(s) refused: {refused[:2]}")
        check(len(edit_ok) == half and len(cancel_ok) == len(keys) - half, "outcomes missing")
        check(all(orders[o.order_id]["name"] == f"{name}-renamed" for o in edit_ok),
              "an edit reported done is not visible on the server")  # fmt: skip
        cancelled = ("CANCELLED", "PENDING_CANCELLATION")
        check(all(orders[o.order_id]["status"] in cancelled for o in cancel_ok),
              "a cancel reported done is not visible on the server")  # fmt: skip
        counts = job.counts()
        how = "bulk" if rec.actions[0][1][0].bulk_id else "per order"
        c = srv.counters
        return (f"{counts['succeeded']}/{n} linked ({len(failed)} failed, fixed and resent), "
                f"{counts['failed']} failed with a reason; {half} edited + {len(keys) - half} "
                f"cancelled ({how}); faults {c.get('faults_5xx', 0)} 5xx, "
                f"{c.get('faults_dropped', 0)} dropped, {c.get('faults_payload_refused', 0)} "
                f"refused; {c['requests']} requests")  # fmt: skip
    finally:
        for m in managers:
            m.shutdown()
            m.store.close()
        srv.stop()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", type=int, default=2500)
    parser.add_argument("names", nargs="*", help="dialects to run (default: every one)")
    args = parser.parse_args(argv)
    app = QgsApplication([], False)
    app.initQgis()
    from planet_bulk_tasking.sandbox.dialects import DIALECTS

    names = args.names or ["documented"] + list(DIALECTS) + list(COMBINED)
    for name in names:
        if "," in name:
            print(f"combined-{names.index(name) - len(names) + len(COMBINED) + 1}: {name}")
    passed = failed = 0
    t_all = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="pbt-dialects-") as workdir:
        for k, name in enumerate(names):
            label = name if "," not in name else f"combined-{k - len(names) + len(COMBINED) + 1}"
            t0 = time.monotonic()
            try:
                summary = run_dialect(name, args.targets, workdir)
                passed += 1
                print(f"PASS {label:<21} {time.monotonic() - t0:5.1f} s  {summary}", flush=True)
            except Exception as exc:  # noqa: BLE001 - one line per dialect, then the next
                failed += 1
                print(f"FAIL {label:<21} {time.monotonic() - t0:5.1f} s  {exc}", flush=True)
                if not isinstance(exc, Failed):
                    traceback.print_exc()
    print(f"({time.monotonic() - t_all:.0f} s in all)")
    print(f"dialects: {passed} passed, {failed} failed", flush=True)
    app.exitQgis()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
