"""The Processing provider through ``processing.run`` against the sandbox: real layers, real
HTTP to 127.0.0.1, the real SubmitEngine run in the algorithm's thread."""

import json
import os

import pytest
from planet_bulk_tasking.core.jobs.manager import JobManager
from planet_bulk_tasking.core.model.job import ChunkState, TargetStatus
from planet_bulk_tasking.processing.provider import PlanetBulkTaskingProvider
from processing_support import (  # noqa: F401 (qgis_processing_ready: a fixture)
    Feedback,
    qgis_processing_ready,
    rows,
    stored,
)
from qgis.core import (
    QgsApplication,
    QgsFeature,
    QgsGeometry,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeatureSourceDefinition,
    QgsProject,
    QgsVectorLayer,
    QgsWkbTypes,
)
from support import SANDBOX_KEY, client_factory, point_layer, server_orders, wait_until

SUBMIT = "planet_bulk_tasking:submit_orders"
REFRESH = "planet_bulk_tasking:refresh_orders"


@pytest.fixture
def run(request, plugin_data_dir, monkeypatch):
    """processing.run with the provider registered (as initProcessing does) and PL_API_KEY."""
    request.getfixturevalue("qgis_processing_ready")
    from qgis import processing

    monkeypatch.setenv("PL_API_KEY", SANDBOX_KEY)
    provider = PlanetBulkTaskingProvider()
    assert QgsApplication.processingRegistry().addProvider(provider)

    def _run(alg, params, feedback=None, context=None):
        return processing.run(alg, params, feedback=feedback or Feedback(), context=context)

    yield _run
    QgsApplication.processingRegistry().removeProvider(provider)


def test_submit_then_refresh_through_processing_run(run, contributors, sandbox, plugin_data_dir):
    feedback = Feedback()
    result = run(
        SUBMIT,
        {"INPUT": contributors, "ENDPOINT": sandbox.base_url, "OUTPUT": "memory:"},
        feedback,
    )
    out = result["OUTPUT"]
    total = contributors.featureCount()
    assert out.featureCount() == total and result["CREATED"] == total
    got = rows(out)
    assert {r["feature_id"] for r in got} == {f.id() for f in contributors.getFeatures()}
    assert all(r["status"] == TargetStatus.SUCCEEDED and r["order_id"] for r in got)
    assert len({r["order_id"] for r in got}) == total
    assert {r["order_id"] for r in got} == {o["id"] for o in server_orders(sandbox.base_url)}
    assert all(r["bulk_id"] and r["job_id"] == result["JOB_ID"] for r in got)
    names = {f.id(): f["name"] for f in contributors.getFeatures()}
    assert all(r["name"] == names[r["feature_id"]] for r in got)  # default name expression
    assert "orders created" in feedback.text() and "UTC" in feedback.text()

    # recorded like a dock job: the Jobs tab lists it from the same store
    store = stored(plugin_data_dir)
    summary = next(s for s in store.list_jobs() if s.job_id == result["JOB_ID"])
    assert summary.state == "done" and summary.counts[TargetStatus.SUCCEEDED] == total
    assert summary.layer_name == "contributors" and summary.endpoint == sandbox.base_url
    store.close()

    refreshed = run(REFRESH, {"INPUT": out, "ENDPOINT": sandbox.base_url, "OUTPUT": "memory:"})
    ref_rows = rows(refreshed["OUTPUT"])
    assert len(ref_rows) == total
    assert all(r["order_status"] and r["order_updated"] for r in ref_rows)
    assert all(r["order_error"] in (None, "") for r in ref_rows)
    assert all(isinstance(r["capture_count"], int) for r in ref_rows)
    assert {r["order_id"] for r in ref_rows} == {r["order_id"] for r in got}


def test_selected_features_only_and_invalid_features_reported(run, sandbox, qgis_new_project):
    layer = point_layer(6, "sel", n_null=2)
    QgsProject.instance().addMapLayer(layer)
    ids = sorted(f.id() for f in layer.getFeatures())
    chosen = ids[:3] + ids[-2:]  # three points and the two features without geometry
    layer.selectByIds(chosen)
    feedback = Feedback()
    result = run(
        SUBMIT,
        {
            "INPUT": QgsProcessingFeatureSourceDefinition(layer.id(), True),
            "ENDPOINT": sandbox.base_url,
            "OUTPUT": "memory:",
        },
        feedback,
    )
    got = {r["feature_id"]: r for r in rows(result["OUTPUT"])}
    assert sorted(got) == chosen  # every selected feature accounted for, nothing else
    assert sum(r["status"] == TargetStatus.SUCCEEDED for r in got.values()) == 3
    skipped = [r for r in got.values() if r["status"] == TargetStatus.SKIPPED]
    assert len(skipped) == 2 and all(r["error"] and not r["order_id"] for r in skipped)
    for r in skipped:  # said per feature, by name and id, and never fatal
        assert any(f"(feature {r['feature_id']})" in w for w in feedback.warnings)
    assert result["SKIPPED"] == 2 and result["CREATED"] == 3


def test_monitoring_parameters_and_practice_endpoint(run, plugin_data_dir):
    layer = point_layer(4, "watch")
    result = run(
        SUBMIT,
        {
            "INPUT": layer,
            "NAME": "'site ' || \"name\"",
            "START": "2031-03-01T10:00:00Z",
            "SCHEDULING": 1,
            "CADENCE": 0,
            "COUNT": 5,
            "EXTRA": json.dumps({"note": "processing"}),
            "ENDPOINT": "practice",
            "OUTPUT": "memory:",
        },
    )
    assert result["CREATED"] + result["FAILED"] == 4  # practice refuses a few, like the dock's
    store = stored(plugin_data_dir)
    job = store.load_job(result["JOB_ID"])
    store.close()
    assert job.endpoint == "practice://sandbox"  # the dock resolves it to its own sandbox
    payload = job.targets[0].payload
    assert payload["name"] == "site watch-00000"
    assert payload["start_time"] == "2031-03-01T10:00:00Z"
    assert payload["scheduling_type"] == "MONITORING" and "end_time" not in payload
    assert payload["rrule"].startswith("FREQ=DAILY;COUNT=5") and payload["note"] == "processing"
    assert os.path.exists(os.path.join(str(plugin_data_dir), "practice.sqlite"))


def test_bad_parameters_and_no_credentials_are_refused_before_sending(
    run, sandbox, monkeypatch, no_plugin_settings
):
    """Refused in prepare, before anything is saved or sent (no dock configuration either:
    no_plugin_settings; the parameter problems come before the credentials are read)."""
    layer = point_layer(2, "bad")

    def refused(**params) -> str:
        feedback = Feedback()
        params = dict({"INPUT": layer, "ENDPOINT": sandbox.base_url, "OUTPUT": "memory:"}, **params)
        with pytest.raises(QgsProcessingException):
            run(SUBMIT, params, feedback)
        return feedback.text()

    assert "EXTRA must be a JSON object" in refused(EXTRA="[1]")
    assert "End time (2031-03-01T00:00:00Z) must be after start time" in refused(
        START="2031-03-02T00:00:00Z", END="2031-03-01T00:00:00Z"
    )
    assert "ENDPOINT:" in refused(ENDPOINT="http://example.com/tasking/v2")
    monkeypatch.delenv("PL_API_KEY", raising=False)
    assert "No credentials" in refused()
    assert sandbox.counters["bulks_created"] == 0


def test_batch_over_two_layers(run, make_sandbox, plugin_data_dir):
    """Batch mode runs the algorithm once per row, with one context and feedback (as
    processing's BatchAlgorithmDialog does): two layers, two jobs, every order once."""
    sandbox = make_sandbox()
    alg = QgsApplication.processingRegistry().algorithmById(SUBMIT)
    context, feedback = QgsProcessingContext(), Feedback()
    layers = [point_layer(5, "north"), point_layer(7, "south")]
    results = []
    for layer in layers:
        params = {"INPUT": layer, "ENDPOINT": sandbox.base_url, "OUTPUT": "memory:"}
        result, ok = alg.run(params, context, feedback)
        assert ok, feedback.text()
        results.append(result)
    assert [r["CREATED"] for r in results] == [5, 7]
    assert results[0]["JOB_ID"] != results[1]["JOB_ID"]
    store = stored(plugin_data_dir)
    summaries = {s.job_id: s for s in store.list_jobs()}
    store.close()
    assert {summaries[r["JOB_ID"]].layer_name for r in results} == {"north", "south"}
    orders = server_orders(sandbox.base_url)
    assert len(orders) == 12 and len({o["id"] for o in orders}) == 12
    assert sandbox.counters["bulks_created"] == 2


def test_cancelled_run_leaves_a_consistent_resumable_job(run, make_sandbox, plugin_data_dir):
    """Cancel while the first bulk requests are on their way: nothing more is sent, what the
    service already has is said and followed; the dock's JobManager then resumes the saved
    job, and no order is ever created twice."""
    sandbox = make_sandbox(faults={"latency": 0.5})
    layer = point_layer(2500, "many")
    feedback = Feedback(cancel_on="sending to")
    result = run(
        SUBMIT, {"INPUT": layer, "ENDPOINT": sandbox.base_url, "OUTPUT": "memory:"}, feedback
    )
    assert feedback.isCanceled()
    text = feedback.text()
    assert "no more bulk requests are sent" in text
    assert "on its way is checked with the service, never sent again" in text
    store = stored(plugin_data_dir)
    job = store.load_job(result["JOB_ID"])
    assert job.state == "cancelled", job.state
    never_sent = job.counts()[TargetStatus.READY]  # counted once requests in flight are known
    assert f"{never_sent} orders were never sent" in text
    sent = [c for c in job.chunks if c.state != ChunkState.NEW]
    unsent = [c for c in job.chunks if c.state == ChunkState.NEW]
    assert len(job.chunks) == 3 and unsent and all(c.state == ChunkState.COMPLETE for c in sent)
    created = sandbox.counters["orders_created"]
    for t in job.targets:  # every target accounted for, consistent with its chunk
        chunk = next(c for c in job.chunks if c.index == t.chunk_index)
        if chunk.state == ChunkState.NEW:
            assert t.status == TargetStatus.READY and not t.order_id
        else:
            assert t.status == TargetStatus.SUCCEEDED and t.order_id
    out_rows = rows(result["OUTPUT"])
    assert len(out_rows) == 2500
    assert sum(bool(r["order_id"]) for r in out_rows) == created
    assert all(r["bulk_id"] == "" for r in out_rows if r["status"] == TargetStatus.READY)

    # the dock's JobManager (same store) resumes it: only the unsent bulk goes out
    manager = JobManager(store, client_factory(sandbox.base_url))
    try:
        manager.resume(job.job_id)
        assert wait_until(lambda: not manager.is_running(job.job_id), 60)
        resumed = manager.job(job.job_id)
        assert resumed.state == "done"
        assert resumed.counts()[TargetStatus.SUCCEEDED] == 2500
    finally:
        manager.shutdown()
        store.close()
    orders = server_orders(sandbox.base_url)
    assert len(orders) == 2500 and len({o["id"] for o in orders}) == 2500
    assert sandbox.counters["bulks_created"] == 3


def test_provider_is_registered_by_the_plugin(loaded_plugin, request):
    request.getfixturevalue("qgis_processing_ready")
    registry = QgsApplication.processingRegistry()
    provider = registry.providerById("planet_bulk_tasking")
    assert provider is not None
    assert {a.id() for a in provider.algorithms()} == {SUBMIT, REFRESH}
    loaded_plugin.unload()
    assert registry.providerById("planet_bulk_tasking") is None


def test_wait_false_returns_once_every_bulk_is_accepted(run, make_sandbox, plugin_data_dir):
    sandbox = make_sandbox(processing_rate=50.0)  # 60 payloads take over a second
    layer = point_layer(60, "nowait")
    feedback = Feedback()
    result = run(
        SUBMIT,
        {"INPUT": layer, "ENDPOINT": sandbox.base_url, "WAIT": False, "OUTPUT": "memory:"},
        feedback,
    )
    statuses = {r["status"] for r in rows(result["OUTPUT"])}
    assert statuses <= {TargetStatus.SUBMITTED, TargetStatus.SUCCEEDED}
    assert TargetStatus.SUBMITTED in statuses
    store = stored(plugin_data_dir)
    job = store.load_job(result["JOB_ID"])
    assert job.state == "interrupted"  # resumed by the dock (or at the next QGIS start)
    assert "the plugin's dock follows it" in feedback.text()
    manager = JobManager(store, client_factory(sandbox.base_url))
    try:
        manager.resume(job.job_id)
        assert wait_until(lambda: not manager.is_running(job.job_id), 30)
        assert manager.job(job.job_id).counts()[TargetStatus.SUCCEEDED] == 60
    finally:
        manager.shutdown()
        store.close()
    assert sandbox.counters["bulks_created"] == 1


def test_output_geometry_is_what_was_sent_and_parts_are_split(run, sandbox):
    """Polygons in EPSG:3857, one of them multipart: one row per part, in WGS 84. Monitoring
    refuses areas: those rows keep the source feature's geometry and say why they were skipped."""
    layer = QgsVectorLayer("MultiPolygon?crs=EPSG:3857&field=name:string", "areas", "memory")
    wkts = [
        "MultiPolygon(((0 0, 1000 0, 1000 1000, 0 1000, 0 0)),"
        "((5000 5000, 6000 5000, 6000 6000, 5000 6000, 5000 5000)))",
        "MultiPolygon(((20000 0, 21000 0, 21000 1000, 20000 1000, 20000 0)))",
    ]
    feats = []
    for i, wkt in enumerate(wkts):
        f = QgsFeature(layer.fields())
        f.setAttribute(0, f"area-{i}")
        f.setGeometry(QgsGeometry.fromWkt(wkt))
        feats.append(f)
    assert layer.dataProvider().addFeatures(feats)[0]
    out = run(SUBMIT, {"INPUT": layer, "ENDPOINT": sandbox.base_url, "OUTPUT": "memory:"})["OUTPUT"]
    assert out.crs().authid() == "EPSG:4326"
    got = sorted(((f["feature_id"], f["part"]), f.geometry()) for f in out.getFeatures())
    assert [key for key, _ in got] == [(1, 1), (1, 2), (2, None)]
    for (_fid, _part), geom in got:
        assert geom.wkbType() == QgsWkbTypes.MultiPolygon and geom.area() > 0
        assert -1 < geom.centroid().asPoint().x() < 1  # degrees, not metres
    part2 = got[1][1].boundingBox()
    assert part2.xMinimum() == pytest.approx(5000 / 111319.49, rel=1e-4)

    skipped = run(
        SUBMIT,
        {"INPUT": layer, "SCHEDULING": 1, "ENDPOINT": sandbox.base_url, "OUTPUT": "memory:"},
    )["OUTPUT"]
    rows_ = rows(skipped)
    assert len(rows_) == 2 and all(r["status"] == TargetStatus.SKIPPED for r in rows_)
    assert all(f.hasGeometry() for f in skipped.getFeatures())
    assert all("cannot be ordered with MONITORING" in r["error"] for r in rows_)
    assert all(f.geometry().area() > 0 for f in skipped.getFeatures())  # the source feature


def test_refresh_says_which_orders_the_service_does_not_know(run, plugin_data_dir):
    """Practice orders outlive the run (the sandbox keeps them in the profile), so a later
    refresh_orders on 'practice' finds them; an unknown id is said so; no id is left empty."""
    submitted = run(
        SUBMIT, {"INPUT": point_layer(3, "p"), "ENDPOINT": "practice", "OUTPUT": "memory:"}
    )
    known = [r["order_id"] for r in rows(submitted["OUTPUT"]) if r["order_id"]]
    assert known
    layer = QgsVectorLayer(
        "Point?crs=EPSG:4326&field=order_id:string&field=note:string", "l", "memory"
    )
    feats = []
    for order_id in [*known, "00000000-0000-4000-8000-000000000000", None]:
        f = QgsFeature(layer.fields())
        f.setAttributes([order_id, "kept"])
        f.setGeometry(QgsGeometry.fromWkt("Point(1 2)"))
        feats.append(f)
    assert layer.dataProvider().addFeatures(feats)[0]
    feedback = Feedback()
    out = run(REFRESH, {"INPUT": layer, "ENDPOINT": "practice", "OUTPUT": "memory:"}, feedback)
    got = rows(out["OUTPUT"])
    assert len(got) == len(known) + 2 and all(r["note"] == "kept" for r in got)
    for r in got[: len(known)]:
        assert r["order_status"] and not r["order_error"]
    assert got[-2]["order_error"] == "the service does not know this order"
    assert not got[-2]["order_status"]
    assert not got[-1]["order_error"] and not got[-1]["order_status"]  # no id: left as it is
    assert "1 feature lists an order the service does not know" in feedback.text()


def test_cancel_whose_follow_outlasts_the_run_is_left_to_the_dock(
    run, make_sandbox, plugin_data_dir, monkeypatch
):
    """The service is slow to finish what it accepted: after FOLLOW_AFTER_CANCEL_S the run
    ends, the job stays 'following' on disk (said so), and the dock's JobManager finishes
    following it without sending anything more."""
    from planet_bulk_tasking.processing import engine

    monkeypatch.setattr(engine, "FOLLOW_AFTER_CANCEL_S", 0.5)
    sandbox = make_sandbox(processing_rate=150.0)  # 1000 payloads: about 7 s
    feedback = Feedback(cancel_on="accepted")
    result = run(
        SUBMIT,
        {"INPUT": point_layer(1500, "slow"), "ENDPOINT": sandbox.base_url, "OUTPUT": "memory:"},
        feedback,
    )
    assert "The job is saved and not finished" in feedback.text()
    store = stored(plugin_data_dir)
    job = store.load_job(result["JOB_ID"])
    assert job.state == "following"
    posted = sandbox.counters["bulks_created"]
    assert posted >= 1
    manager = JobManager(store, client_factory(sandbox.base_url))
    try:
        manager.resume(job.job_id)
        assert wait_until(lambda: not manager.is_running(job.job_id), 60)
        followed = manager.job(job.job_id)
        assert followed.state == "cancelled"
    finally:
        manager.shutdown()
        store.close()
    assert sandbox.counters["bulks_created"] == posted  # nothing more was sent
    succeeded = [t for t in followed.targets if t.status == TargetStatus.SUCCEEDED]
    ready = [t for t in followed.targets if t.status == TargetStatus.READY]
    assert len(succeeded) + len(ready) == 1500 and succeeded
    orders = server_orders(sandbox.base_url)
    assert len(orders) == len(succeeded) == len({t.order_id for t in succeeded})
