"""The dock, driven as an analyst would, against sandboxes that answer the other plausible
way (sandbox/dialects.py): contributors.json and world_map countries submitted, then a bulk
edit and a bulk cancel. The table, the tiles and the messages must tell the server's truth."""

from collections import Counter

import pytest
from planet_bulk_tasking.core.model.job import TargetStatus
from planet_bulk_tasking.ui.results_model import ResultsModel
from qgis.core import QgsProject, QgsVectorLayer
from support import server_orders, wait_until
from test_ui_jobs import cell, make_dock, submit_and_wait  # noqa: F401 - make_dock: fixture

DIALECTS = ("hide-succeeded", "payload-keys", "dup-400", "id-in-ignored", "error-envelope")
#: countries with several parts (France overseas, Fiji on both sides of 180°), one plain
COUNTRIES = ("Fiji", "France", "Chile", "Kiribati")
FINAL = ("FULFILLED", "EXPIRED", "CANCELLED", "REJECTED", "FAILED")


@pytest.fixture
def countries(qgis_new_project, qgis_data_dir):
    uri = f"{qgis_data_dir}/world_map.gpkg|layername=countries"
    layer = QgsVectorLayer(uri, "countries", "ogr")
    assert layer.isValid()
    QgsProject.instance().addMapLayer(layer)
    names = {f.id(): f["NAME"] for f in layer.getFeatures()}
    wanted = [fid for fid, name in names.items() if name in COUNTRIES]
    assert len(wanted) == len(COUNTRIES), names
    return layer, wanted


def check_truth(dock, job, base_url):
    """Every target accounted for, each created order really on the server (its own one,
    by name), each failure with a reason, and the tiles counting what the table shows."""
    on_server = {o["id"]: o for o in server_orders(base_url)}
    counts = job.counts()
    assert counts[TargetStatus.READY] == 0
    for t in job.targets:
        if t.status == TargetStatus.SUCCEEDED:
            assert t.order_id in on_server, t.label
            assert on_server[t.order_id]["name"] == t.name
        elif t.status in (TargetStatus.FAILED, TargetStatus.SKIPPED, TargetStatus.SUBMITTED):
            assert t.reason, t.label
    mine = {t.order_id for t in job.targets if t.order_id}
    names = {t.name for t in job.targets}
    extra = [o for o in on_server.values() if o["name"] in names and o["id"] not in mine]
    assert extra == [], "orders the dock does not show"
    tiles = dock.results.progress.counts
    assert tiles["total"] == len(job.targets)
    assert tiles["succeeded"] == counts[TargetStatus.SUCCEEDED]
    assert tiles["failed"] == counts[TargetStatus.FAILED]
    assert tiles["skipped"] == counts[TargetStatus.SKIPPED]
    assert tiles["processing"] == counts[TargetStatus.SUBMITTED]
    assert dock.results.model.rowCount() == len(job.targets)
    return on_server


@pytest.mark.parametrize("dialect", DIALECTS)
def test_dock_tells_the_truth_against_a_dialect(
    dialect, make_dock, make_sandbox, contributors, countries, monkeypatch,  # noqa: F811
    contributors_count,
):
    monkeypatch.setenv("PL_API_KEY", "sandbox-key")
    # refusals are drawn per payload from random bulk ids: at 8 % a 63-target run had none
    # about 1 time in 200; at 15 % about 1 in 30,000
    faults = {"payload_failure_rate": 0.15, "drop_after_commit_rate": 0.3, "error_rate": 0.05}
    srv = make_sandbox(dialect=dialect, order_clock=1.0, faults=faults)  # cancellable orders
    dock = make_dock(srv.base_url)
    job = submit_and_wait(dock, contributors)
    assert len(job.targets) == contributors_count  # 63 on QGIS 3.22, 74 on 3.40
    check_truth(dock, job, srv.base_url)
    failed = [t for t in job.targets if t.status == TargetStatus.FAILED]
    assert failed and job.counts()[TargetStatus.SUCCEEDED] >= 40  # refusals did happen
    # a refusal is shown with the service's reason, in the feature's row
    assert "imaging capacity" in cell(dock, failed[0].key, ResultsModel.COL_ERROR)

    layer, fids = countries
    dock.compose.set_layer(layer)
    layer.selectByIds(fids)
    ended = []
    dock.job_ended.connect(lambda job_id, how: ended.append(job_id))
    assert dock.submit(), dock.submit_problems()
    polys = dock.results.job()
    assert wait_until(lambda: polys.job_id in ended, 60)
    assert {t.feature_id for t in polys.targets} == set(fids)  # every selected feature
    on_server = check_truth(dock, polys, srv.base_url)
    # a part's row names the feature and the part, in the user's terms
    part = next(t for t in polys.targets if t.part)
    assert cell(dock, part.key, ResultsModel.COL_NAME) == part.name
    assert f"(part {part.part})" in part.name

    created = [t for t in polys.targets if t.status == TargetStatus.SUCCEEDED]
    # the watch reads each order's status at Planet (id__in ignored or not): the same
    def watched():
        now = {o["id"]: o["status"] for o in server_orders(srv.base_url)}
        return all(t.order_status == now[t.order_id] for t in created)

    assert wait_until(watched, 30), "order statuses at Planet differ from the server's"
    assert len(created) >= 6
    actions = []
    dock.manager.action_finished.connect(lambda j, kind, out: actions.append((kind, out)))
    dock.ask = lambda title, text: True

    # bulk edit: a new end for three orders, visible on the server and in the message
    edited = [t.key for t in created[:3]]
    new_end = on_server[created[0].order_id]["end_time"][:10] + "T23:00:00Z"
    dock.edit_orders(edited, {"end_time": new_end})
    assert wait_until(lambda: len(actions) == 1, 30), dock.notices.last_text
    assert all(o.ok for o in actions[0][1])
    after = {o["id"]: o for o in server_orders(srv.base_url)}
    for k in edited:
        assert after[polys.target(k).order_id]["end_time"][:16] == new_end[:16]
    assert "3 orders changed" in dock.notices.last_text

    # bulk cancel: three others, cancelled on the server and shown so
    cancelled = [t.key for t in created[3:6]]
    dock.cancel_orders(cancelled)
    assert wait_until(lambda: len(actions) == 2, 30), dock.notices.last_text
    assert all(o.ok for o in actions[1][1])
    after = {o["id"]: o for o in server_orders(srv.base_url)}
    for k in cancelled:
        assert after[polys.target(k).order_id]["status"] == "CANCELLED"
        assert polys.target(k).order_status == "CANCELLED"
        assert cell(dock, k, ResultsModel.COL_ORDER_STATUS) == "Cancelled"
    assert "3 orders cancelled" in dock.notices.last_text
    untouched = created[6:]
    assert all(after[t.order_id]["status"] != "CANCELLED" for t in untouched)


@pytest.mark.parametrize("dialect", ("hide-succeeded", "payload-keys"))
def test_cancel_mid_run_tells_the_truth_against_a_dialect(
    dialect, make_dock, make_sandbox, qgis_new_project, monkeypatch  # noqa: F811
):
    """Cancel while bulks are on their way: the bulks Planet accepted are followed to
    their orders (found through /orders/ when /payloads hides or renames them), the
    others are 'not sent' and have no order; 'Cancel these orders' cancels exactly those."""
    from planet_bulk_tasking.core.model.job import ChunkState
    from support import point_layer

    monkeypatch.setenv("PL_API_KEY", "sandbox-key")
    srv = make_sandbox(dialect=dialect, processing_rate=1500.0, order_clock=1.0)
    srv.set_faults(latency=0.6)  # POSTs take a while: the last bulk is not sent yet
    layer = point_layer(5000, f"cancel-{dialect}")  # 5 bulks: some are never posted
    QgsProject.instance().addMapLayer(layer)
    dock = make_dock(srv.base_url)
    ended = []
    dock.job_ended.connect(lambda job_id, how: ended.append(how))
    dock.compose.set_layer(layer)
    dock.compose.selected_only.setChecked(False)
    assert dock.submit()
    job = dock.results.job()
    assert wait_until(lambda: any(c.state == ChunkState.ACCEPTED for c in job.chunks), 30)
    dock.results.progress.cancel_button.click()
    assert wait_until(lambda: ended, 30) and ended == ["cancelled"]
    unsent = {k for c in job.chunks if c.state == ChunkState.NEW for k in c.target_keys}
    assert unsent, [(c.state, len(c.target_keys)) for c in job.chunks]
    assert f"{len(unsent):,} orders were not sent" in dock.notices.last_text

    # followed to the end: every order the server made is on its own row
    def followed():
        return not dock.manager.is_running(job.job_id) and job.state == "cancelled"

    assert wait_until(followed, 90), job.state
    orders = {o["id"]: o for o in server_orders(srv.base_url)}
    linked = {t.order_id: t for t in job.targets if t.order_id}
    assert set(orders) == set(linked), (
        len(orders),
        len(linked),
        [(c.state, len(c.target_keys)) for c in job.chunks],
        Counter((t.status, t.reason) for t in job.targets).most_common(5),
        job.state,
    )
    assert all(orders[i]["name"] == t.name for i, t in linked.items())
    assert not any(job.target(k).order_id for k in unsent)
    assert dock.results.progress.counts["succeeded"] == len(linked)

    # cancel what was created: exactly those orders, and the dock says so
    live = {i for i, o in orders.items() if o["status"] not in FINAL}
    actions = []
    dock.manager.action_finished.connect(lambda j, kind, out: actions.append(out))
    dock.ask = lambda title, text: True
    dock.cancel_orders([t.key for t in linked.values()])
    assert wait_until(lambda: actions, 60), dock.notices.last_text
    after = {o["id"]: o["status"] for o in server_orders(srv.base_url)}
    assert {i for i, st in after.items() if st == "CANCELLED"} == live
    assert f"{len(live)} orders cancelled" in dock.notices.last_text


def test_bulk_cancel_reads_unnamed_orders_in_pages_not_one_by_one(
    make_dock, make_sandbox, qgis_new_project, monkeypatch  # noqa: F811
):
    """hide-succeeded: a bulk cancel's results list no success, so every order is checked
    at Planet. 300 orders: a few /orders/?id__in= pages, not 300 GET /orders/<id>."""
    from support import point_layer

    monkeypatch.setenv("PL_API_KEY", "sandbox-key")
    srv = make_sandbox(dialect="hide-succeeded", order_clock=1.0)
    layer = point_layer(300, "paged")
    QgsProject.instance().addMapLayer(layer)
    dock = make_dock(srv.base_url)
    job = submit_and_wait(dock, layer)
    keys = [t.key for t in job.targets if t.order_id]
    assert len(keys) == 300
    actions = []
    dock.manager.action_finished.connect(lambda j, kind, out: actions.append(out))
    dock.ask = lambda title, text: True
    before = srv.counters["requests"]
    dock.cancel_orders(keys)
    assert wait_until(lambda: actions, 60)
    assert sum(o.ok for o in actions[0]) == 300
    assert "300 orders cancelled" in dock.notices.last_text
    assert srv.counters["requests"] - before < 60  # one GET each would be 300+
