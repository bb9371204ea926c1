"""As the toolbox runs it: QgsProcessingAlgRunnerTask (prepare on the main thread, the
algorithm on a task-manager thread with its own event loop, the job on its own QThread);
with the plugin loaded, a job the algorithm did not wait for is carried on by the dock's
JobManager; a refused key stops the run with the service's words and nothing sent."""

import pytest
from planet_bulk_tasking.core.model.job import ChunkState, TargetStatus
from planet_bulk_tasking.processing.provider import PlanetBulkTaskingProvider
from processing_support import (  # noqa: F401 (qgis_processing_ready: a fixture)
    Feedback,
    qgis_processing_ready,
    stored,
)
from qgis.core import (
    QgsApplication,
    QgsProcessingAlgRunnerTask,
    QgsProcessingContext,
    QgsProject,
)
from qgis.PyQt.QtCore import QCoreApplication
from support import SANDBOX_KEY, point_layer, server_orders, wait_until

SUBMIT = "planet_bulk_tasking:submit_orders"


@pytest.fixture
def provider(request, plugin_data_dir, monkeypatch):
    request.getfixturevalue("qgis_processing_ready")
    monkeypatch.setenv("PL_API_KEY", SANDBOX_KEY)
    provider = PlanetBulkTaskingProvider()
    assert QgsApplication.processingRegistry().addProvider(provider)
    yield provider
    QgsApplication.processingRegistry().removeProvider(provider)


def run_as_task(params, feedback):
    """Start the algorithm like the toolbox dialog; returns a dict filled when it ends."""
    alg = QgsApplication.processingRegistry().createAlgorithmById(SUBMIT)
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    task = QgsProcessingAlgRunnerTask(alg, params, context, feedback)
    ended = {}
    task.executed.connect(lambda ok, results: ended.update(ok=ok, results=results))
    QgsApplication.taskManager().addTask(task)
    return ended, context


def test_toolbox_run_on_a_task_thread_cancelled_from_the_main_thread(
    provider, make_sandbox, plugin_data_dir
):
    sandbox = make_sandbox(faults={"latency": 0.3})
    layer = point_layer(2500, "toolbox")
    feedback = Feedback()
    ended, _context = run_as_task(
        {"INPUT": layer, "ENDPOINT": sandbox.base_url, "OUTPUT": "memory:"}, feedback
    )
    # the main thread stays free: it waits here on events while the task works
    assert wait_until(lambda: any("accepted" in line for line in feedback.lines), 60)
    feedback.cancel()
    assert wait_until(lambda: "ok" in ended, 120), feedback.text()
    text = feedback.text()
    assert "no more bulk requests are sent" in text
    assert "had already been accepted by the service" in text
    job_id = next(line for line in feedback.lines if "(job " in line).split("(job ")[1][:36]
    store = stored(plugin_data_dir)
    job = store.load_job(job_id)
    store.close()
    assert job.state == "cancelled"
    for t in job.targets:
        chunk = next(c for c in job.chunks if c.index == t.chunk_index)
        if chunk.state == ChunkState.NEW:
            assert t.status == TargetStatus.READY and not t.order_id
        else:
            assert chunk.state == ChunkState.COMPLETE
            assert t.status == TargetStatus.SUCCEEDED and t.order_id
    orders = server_orders(sandbox.base_url)
    assert len(orders) == job.counts()[TargetStatus.SUCCEEDED] == len({o["id"] for o in orders})


def test_job_not_waited_for_is_carried_on_by_the_dock(loaded_plugin, request, sandbox, monkeypatch):
    """WAIT=false with the plugin loaded: the algorithm returns once every bulk request is
    accepted and the plugin's own JobManager follows the job to the end."""
    from qgis import processing

    request.getfixturevalue("qgis_processing_ready")
    monkeypatch.setenv("PL_API_KEY", SANDBOX_KEY)
    # the plugin's start-up resume (a zero timer) runs now, as it does long before any
    # algorithm in QGIS; otherwise it would pick up the algorithm's job while it runs
    QCoreApplication.processEvents()
    sandbox.stop()
    slow = type(sandbox)(rate_limit=1000.0, processing_rate=40.0)
    slow.start()
    try:
        layer = point_layer(40, "handover")
        result = processing.run(
            SUBMIT,
            {"INPUT": layer, "ENDPOINT": slow.base_url, "WAIT": False, "OUTPUT": "memory:"},
            feedback=Feedback(),
        )
        manager = loaded_plugin.services.manager
        assert wait_until(lambda: manager.job(result["JOB_ID"]).state == "done", 30)
        job = manager.job(result["JOB_ID"])
        assert job.counts()[TargetStatus.SUCCEEDED] == 40
        assert slow.counters["bulks_created"] == 1
        # a job the algorithm waited for is listed too (the dock's Jobs tab reads the manager)
        done = processing.run(
            SUBMIT,
            {"INPUT": point_layer(3, "listed"), "ENDPOINT": slow.base_url, "OUTPUT": "memory:"},
            feedback=Feedback(),
        )
        assert wait_until(lambda: done["JOB_ID"] in manager.jobs, 5)
        assert manager.jobs[done["JOB_ID"]].state == "done"
        assert not manager.is_running(done["JOB_ID"])
    finally:
        loaded_plugin.unload()
        slow.stop()


def test_a_refused_key_stops_the_run_and_says_no_order_was_created(
    provider, sandbox, plugin_data_dir, monkeypatch
):
    monkeypatch.setenv("PL_API_KEY", "wrong-key")
    feedback = Feedback()
    alg = QgsApplication.processingRegistry().algorithmById(SUBMIT)
    params = {"INPUT": point_layer(3, "refused"), "ENDPOINT": sandbox.base_url, "OUTPUT": "memory:"}
    _results, ok = alg.run(params, QgsProcessingContext(), feedback)
    assert not ok
    assert "not valid" in feedback.text() and "No order was created" in feedback.text()
    assert "3 not sent" in feedback.text()
    assert "wrong-key" not in feedback.text()
    store = stored(plugin_data_dir)
    (summary,) = store.list_jobs()
    store.close()
    assert summary.state == "error" and summary.counts[TargetStatus.READY] == 3
    assert sandbox.counters["bulks_created"] == 0
