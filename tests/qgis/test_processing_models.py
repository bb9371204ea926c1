"""The algorithms in a model (submit_orders → refresh_orders) and with AUTHCFG (OAuth2)."""

import os

import pytest
from auth_support import TOKEN, TokenServer, oauth2_config, remove_config
from planet_bulk_tasking.core.model.store import JobStore
from planet_bulk_tasking.processing.provider import PlanetBulkTaskingProvider
from processing_support import (  # noqa: F401 (qgis_processing_ready: a fixture)
    Feedback,
    qgis_processing_ready,
    rows,
)
from qgis.core import (
    QgsApplication,
    QgsProcessingContext,
    QgsProcessingModelAlgorithm,
    QgsProcessingModelChildAlgorithm,
    QgsProcessingModelChildParameterSource,
    QgsProcessingModelOutput,
    QgsProcessingModelParameter,
    QgsProcessingParameterVectorLayer,
    QgsProcessingUtils,
    QgsProject,
)
from support import SANDBOX_KEY, point_layer, server_orders


@pytest.fixture
def provider(request, plugin_data_dir, monkeypatch):
    request.getfixturevalue("qgis_processing_ready")
    monkeypatch.delenv("PL_API_KEY", raising=False)
    provider = PlanetBulkTaskingProvider()
    assert QgsApplication.processingRegistry().addProvider(provider)
    yield provider
    QgsApplication.processingRegistry().removeProvider(provider)


def static(value):
    return [QgsProcessingModelChildParameterSource.fromStaticValue(value)]


def tasking_model(url: str, authcfg: str) -> QgsProcessingModelAlgorithm:
    """Model: a layer → submit_orders → refresh_orders (on submit's output) → model output."""
    model = QgsProcessingModelAlgorithm("Task and refresh", "tests")
    model.addModelParameter(
        QgsProcessingParameterVectorLayer("targets", "Targets"),
        QgsProcessingModelParameter("targets"),
    )
    submit = QgsProcessingModelChildAlgorithm("planet_bulk_tasking:submit_orders")
    submit.setChildId("submit")
    submit.addParameterSources(
        "INPUT", [QgsProcessingModelChildParameterSource.fromModelParameter("targets")]
    )
    submit.addParameterSources("ENDPOINT", static(url))
    submit.addParameterSources("AUTHCFG", static(authcfg))
    model.addChildAlgorithm(submit)
    refresh = QgsProcessingModelChildAlgorithm("planet_bulk_tasking:refresh_orders")
    refresh.setChildId("refresh")
    refresh.addParameterSources(
        "INPUT", [QgsProcessingModelChildParameterSource.fromChildOutput("submit", "OUTPUT")]
    )
    refresh.addParameterSources("ENDPOINT", static(url))
    refresh.addParameterSources("AUTHCFG", static(authcfg))
    output = QgsProcessingModelOutput("refreshed")
    output.setChildId("refresh")
    output.setChildOutputName("OUTPUT")
    refresh.setModelOutputs({"refreshed": output})
    model.addChildAlgorithm(refresh)
    return model


def test_model_submit_then_refresh_with_an_oauth2_configuration(
    provider, make_sandbox, plugin_data_dir, qgis_new_project
):
    """OAuth2 (Bearer token from QGIS's auth manager) through AUTHCFG, in a model."""
    sandbox = make_sandbox(tokens={TOKEN: SANDBOX_KEY})
    tokens = TokenServer()
    cfg = oauth2_config(tokens.url)
    try:
        layer = point_layer(9, "modelled")
        QgsProject.instance().addMapLayer(layer)
        model = tasking_model(sandbox.base_url, cfg)
        context, feedback = QgsProcessingContext(), Feedback()
        context.setProject(QgsProject.instance())
        results, ok = model.run(
            {"targets": layer.id(), "refresh:refreshed": "memory:"}, context, feedback
        )
        assert ok, feedback.text()
    finally:
        tokens.stop()
        remove_config(cfg)
    out = QgsProcessingUtils.mapLayerFromString(results["refresh:refreshed"], context)
    got = rows(out)
    assert len(got) == 9
    assert all(r["status"] == "succeeded" and r["order_id"] and r["order_status"] for r in got)
    assert {r["order_id"] for r in got} == {o["id"] for o in server_orders(sandbox.base_url)}
    store = JobStore(os.path.join(str(plugin_data_dir), "jobs.sqlite"))
    try:
        (summary,) = store.list_jobs()
        assert summary.layer_name == "modelled" and summary.state == "done"
        assert TOKEN not in store.load_job(summary.job_id).to_json()
    finally:
        store.close()


def test_model_as_a_task_signs_in_with_oauth2_on_the_model_thread(
    provider, make_sandbox, plugin_data_dir, qgis_new_project
):
    """From the toolbox a model runs on a task thread: its children's prepare (where AUTHCFG
    is read, so OAuth2 signs in) runs there too."""
    from qgis.core import QgsProcessingAlgRunnerTask
    from support import wait_until

    sandbox = make_sandbox(tokens={TOKEN: SANDBOX_KEY})
    tokens = TokenServer()
    cfg = oauth2_config(tokens.url)
    try:
        layer = point_layer(4, "threaded")
        QgsProject.instance().addMapLayer(layer)
        model = tasking_model(sandbox.base_url, cfg)
        context, feedback = QgsProcessingContext(), Feedback()
        context.setProject(QgsProject.instance())
        params = {"targets": layer.id(), "refresh:refreshed": "memory:"}
        task = QgsProcessingAlgRunnerTask(model, params, context, feedback)
        ended = {}
        task.executed.connect(lambda ok, results: ended.update(ok=ok, results=results))
        QgsApplication.taskManager().addTask(task)
        assert wait_until(lambda: "ok" in ended, 60), feedback.text()
        assert ended["ok"], feedback.text()
    finally:
        tokens.stop()
        remove_config(cfg)
    assert len(server_orders(sandbox.base_url)) == 4
