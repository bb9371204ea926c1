"""prepare_build on the main thread, plan.run() / plan.job() on another thread (issue 17:
the Submit click must not read 100,000 features on the main thread): the same targets as
the main-thread build, for every provider, with a subset filter, a selection and
per-feature time expressions; nothing of the layer is read by the worker but through
the captured feature source."""

import threading

import pytest
from payload_layers import NOW, csv, file_layer, memory
from planet_bulk_tasking.core.model.job import TargetStatus
from planet_bulk_tasking.core.targets.build import (
    BuildCancelled,
    build_targets,
    create_job,
    prepare_build,
)
from planet_bulk_tasking.core.targets.parameters import OrderParameters
from qgis.core import QgsFeedback, QgsWkbTypes
from qgis.PyQt.QtCore import QThread, QVariant

N = 300
ROWS = [
    ([f"site {i}", f"2030-02-{1 + i % 27:02d}T10:00:00Z"], f"Point({i * 0.1} {i * 0.05})")
    for i in range(1, N + 1)
]
ROWS[7] = (["no geometry", "2030-02-01T10:00:00Z"], None)
ROWS[9] = (["bad time", "not a time"], "Point(1 1)")
FIELDS = (("name", QVariant.String), ("start", QVariant.String))
CSV_TEXT = "name,start,x,y\n" + "".join(
    f"{a[0]},{a[1]},{g[6:-1].replace(' ', ',')}\n" for a, g in ROWS if g is not None
)
TIMES = OrderParameters.from_dict(
    {**OrderParameters().to_dict(), "start_expression": 'to_datetime("start")'}
)


def layer_of(kind, tmp_path):
    if kind == "memory":
        return memory("Point", ROWS, fields=("name:string", "start:string"))
    if kind == "gpkg":
        return file_layer(tmp_path / "t.gpkg", QgsWkbTypes.Point, ROWS, fields=FIELDS)
    if kind == "shapefile":
        return file_layer(
            tmp_path / "t.shp", QgsWkbTypes.Point, ROWS, fields=FIELDS, driver="ESRI Shapefile"
        )
    return csv(tmp_path / "t.csv", CSV_TEXT)


def sig(result):
    return [
        (t.key, t.feature_id, t.name, t.status, t.reason, t.payload, t.warnings)
        for t in result.targets
    ]


def on_python_thread(fn):
    out = {}

    def run():
        try:
            out["value"] = fn()
        except BaseException as e:  # noqa: BLE001 - handed back to the test
            out["error"] = e

    t = threading.Thread(target=run)
    t.start()
    t.join()
    if "error" in out:
        raise out["error"]
    return out["value"]


class _Runner(QThread):
    def __init__(self, fn):
        super().__init__()
        self.fn = fn
        self.value = self.error = None

    def run(self):
        try:
            self.value = self.fn()
        except BaseException as e:  # noqa: BLE001 - handed back to the test
            self.error = e


def on_qthread(fn):
    runner = _Runner(fn)
    runner.start()
    assert runner.wait(60_000)
    if runner.error is not None:
        raise runner.error
    return runner.value


@pytest.mark.parametrize("kind", ["memory", "gpkg", "shapefile", "csv"])
@pytest.mark.parametrize("params", [OrderParameters(), TIMES], ids=["shared", "per-feature"])
@pytest.mark.parametrize("subset", ["", "\"name\" <> 'site 50'"], ids=["all", "subset"])
def test_worker_thread_builds_what_the_main_thread_builds(qgis_app, tmp_path, kind, params, subset):
    vl = layer_of(kind, tmp_path)
    assert vl.setSubsetString(subset)
    main = build_targets(vl, params, selected_only=False, now=NOW)
    assert len(main.targets) >= N - 2
    plan = prepare_build(vl, params, selected_only=False, now=NOW)
    assert sig(on_python_thread(plan.run)) == sig(main)
    plan = prepare_build(vl, params, selected_only=False, now=NOW)
    assert sig(on_qthread(plan.run)) == sig(main)
    if params is TIMES:  # the bad time is skipped with its reason on both
        assert any(
            t.status == TargetStatus.SKIPPED and "Start time" in (t.reason or "")
            for t in main.targets
        )


@pytest.mark.parametrize("kind", ["memory", "gpkg"])
def test_selection_captured_then_built_on_a_qthread(qgis_app, tmp_path, kind):
    vl = layer_of(kind, tmp_path)
    ids = sorted(f.id() for f in vl.getFeatures())
    vl.selectByIds(ids[::3])
    main = create_job(vl, OrderParameters(), now=NOW)
    plan = prepare_build(vl, OrderParameters(), now=NOW)
    vl.removeSelection()  # what the worker builds was fixed when the plan was made
    job = on_qthread(plan.job)
    assert [(t.key, t.payload) for t in job.targets] == [(t.key, t.payload) for t in main.targets]
    assert [c.target_keys for c in job.chunks] == [c.target_keys for c in main.chunks]
    assert job.layer == main.layer and job.parameters == main.parameters
    assert len(job.targets) == len(ids[::3])


def test_cancelled_on_the_worker(qgis_app):
    rows = [([f"n{i}", ""], f"Point({i * 1e-3} 1)") for i in range(2500)]
    vl = memory("Point", rows, fields=("name:string", "start:string"))
    plan = prepare_build(vl, OrderParameters(), selected_only=False, now=NOW)
    feedback = QgsFeedback()
    feedback.cancel()
    with pytest.raises(BuildCancelled):
        on_python_thread(lambda: plan.job(feedback))
