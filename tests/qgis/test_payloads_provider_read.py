"""The point reader (points_fast.read_points) reads memory and CSV layers from the
provider's own feature source when the layer adds nothing to it (core/targets/source.py),
and gives exactly the general path's targets: all features or a selection, feature ids
in any order, a subset filter, a projected CRS, null/empty/NaN geometries, odd names.
Where the layer does add something (uncommitted edits, a virtual field) it reads the
layer as before."""

import json

import pytest
from payload_layers import GENERAL_NAME, NOW, build_on, csv, memory, paths  # noqa: F401
from planet_bulk_tasking.core.model.job import TargetStatus
from planet_bulk_tasking.core.qgis_compat import make_field
from planet_bulk_tasking.core.targets import source
from planet_bulk_tasking.core.targets.build import build_targets
from planet_bulk_tasking.core.targets.parameters import OrderParameters
from qgis.core import QgsGeometry, QgsPointXY

READY, SKIPPED = TargetStatus.READY, TargetStatus.SKIPPED

ROWS_3857 = [
    (["plain"], "Point(1113194.9079327357 1118889.9748579594)"),
    (["  padded  "], "Point(-8238310.235 4970071.58)"),
    ([None], "Point(0 0)"),  # NULL name: fallback + warning
    ([""], "Point(100 -100)"),
    (["Zürich – café"], "Point(949469.3 6002729.5)"),
    (['say "hi" \\ back'], "Point(-13627361 4544761)"),
    (["null geometry"], None),
    (["empty point"], "Point EMPTY"),
    (["beyond 180"], "Point(30000000 0)"),
    (["dup"], "Point(1 1)"),
    (["dup"], "Point(2 2)"),
    (["tiny"], "Point(0.001 -0.001)"),  # rounds to 0.0 / -0.0
    (["small"], "Point(5 5)"),  # exponent notation in JSON
] + [([f"site {i}"], f"Point({i * 1000.5} {-i * 700.25})") for i in range(40)]

CSV_3857 = "name,x,y\n" + "".join(
    f'"{name}",{x},{y}\n'
    for name, x, y in [
        ("plain", 1113194.9079327357, 1118889.9748579594),
        ("", 100.0, -100.0),
        ("Zürich – café", 949469.3, 6002729.5),
        ("no x", "", 5.0),  # a missing coordinate: no geometry
        ("beyond 180", 3.0e7, 0.0),
        ("dup", 1.0, 1.0),
        ("dup", 2.0, 2.0),
        ("tiny", 0.001, -0.001),
    ]
    + [(f"site {i}", i * 1000.5, -i * 700.25) for i in range(40)]
)


@pytest.fixture
def provider_reads(monkeypatch):
    """How many point reads the provider's own source served (and how many the layer's)."""
    seen = {"provider": 0, "layer": 0}
    real = source.LayerSource.provider_features

    def spy(self, request):
        seen["layer" if self._provider_features is None else "provider"] += 1
        return real(self, request)

    monkeypatch.setattr(source.LayerSource, "provider_features", spy)
    return seen


def sig(result):
    return [
        (t.key, t.feature_id, t.name, t.status, t.reason, t.payload, t.part, t.warnings)
        + (json.dumps(t.payload),)  # JSON too: 0.0 == -0.0 but they print differently
        for t in result.targets
    ]


def same_as_general(paths, vl, seen, **kw):  # noqa: F811
    """The point reader's targets (from the source ``seen`` says) equal the general
    path's; the result."""
    before = dict(seen)
    fast = build_on(paths, "fast_points", vl, **kw)
    slow = build_on(paths, "generic", vl, **kw)
    assert sig(fast) == sig(slow)
    assert fast.payload_sizes == slow.payload_sizes
    assert fast.duplicate_names == slow.duplicate_names
    assert fast.feature_count == slow.feature_count
    return fast, {k: seen[k] - before[k] for k in seen}


def mem_layer():
    return memory("Point", ROWS_3857, crs="EPSG:3857")


def csv_layer(tmp_path):
    return csv(tmp_path / "sites.csv", CSV_3857, crs="EPSG:3857")


@pytest.mark.parametrize("kind", ["memory", "csv"])
def test_whole_layer_read_from_the_provider_same_as_general(
    qgis_app,
    tmp_path,
    paths,  # noqa: F811
    provider_reads,
    kind,
):
    vl = mem_layer() if kind == "memory" else csv_layer(tmp_path)
    result, used = same_as_general(paths, vl, provider_reads)
    assert used == {"provider": 1, "layer": 0}
    statuses = [t.status for t in result.targets]
    assert statuses.count(READY) > 40
    if kind == "memory":  # the CSV provider drops a row without coordinates itself
        assert statuses.count(SKIPPED) >= 2  # null and empty geometry
    assert result.duplicate_names == {"dup": 2}


@pytest.mark.parametrize("kind", ["memory", "csv"])
def test_selection_ids_and_subset_same_as_general(
    qgis_app,
    tmp_path,
    paths,  # noqa: F811
    provider_reads,
    kind,
):
    vl = mem_layer() if kind == "memory" else csv_layer(tmp_path)
    ids = sorted(vl.dataProvider().allFeatureIds())
    vl.selectByIds(ids[::3])
    selected, used = same_as_general(paths, vl, provider_reads, selected_only=True)
    assert used == {"provider": 1, "layer": 0}
    assert sorted(t.feature_id for t in selected.targets) == ids[::3]
    vl.removeSelection()

    backwards = ids[::-2] + [max(ids) + 1000]  # and one the layer does not have
    by_id, _ = same_as_general(paths, vl, provider_reads, feature_ids=backwards)
    assert sorted(t.feature_id for t in by_id.targets) == sorted(backwards)
    ready = [t.feature_id for t in by_id.targets if t.status == READY]
    assert ready == [fid for fid in backwards if fid in ready]  # in the order asked
    assert by_id.targets[-1].status == SKIPPED

    assert vl.setSubsetString("\"name\" LIKE 'site%' OR \"name\" = 'dup'")
    subset, used = same_as_general(paths, vl, provider_reads)
    assert used == {"provider": 1, "layer": 0}
    assert {t.name for t in subset.targets} == {"dup"} | {f"site {i}" for i in range(40)}
    hidden = ids[0]  # "plain"
    asked, _ = same_as_general(paths, vl, provider_reads, feature_ids=[hidden, ids[-1]])
    by = {t.feature_id: t for t in asked.targets}
    assert by[ids[-1]].status == READY
    assert by[hidden].status == SKIPPED and "subset filter" in by[hidden].reason


def test_per_feature_times_and_expression_names_take_the_general_path(
    qgis_app,
    paths,  # noqa: F811
    provider_reads,
):
    vl = memory(
        "Point",
        [
            ([f"s{i}", f"2030-02-0{1 + i % 5}T10:00:00Z"], f"Point({i * 1e5} {i * 5e4})")
            for i in range(9)
        ],
        crs="EPSG:3857",
        fields=("name:string", "start:string"),
    )
    params = OrderParameters.from_dict(
        {
            **OrderParameters().to_dict(),
            "name_expression": 'upper("name")',
            "start_expression": '"start"',
        }
    )
    result = build_targets(vl, params, now=NOW, selected_only=False)
    assert paths.taken == ["generic"]
    assert provider_reads == {"provider": 0, "layer": 0}
    assert [t.name for t in result.targets] == [f"S{i}" for i in range(9)]
    assert result.targets[1].payload["start_time"].startswith("2030-02-02T10:00:00")


def test_uncommitted_edits_are_read_through_the_layer(
    qgis_app,
    paths,  # noqa: F811
    provider_reads,
):
    vl = mem_layer()
    first = min(vl.dataProvider().allFeatureIds())
    assert vl.startEditing()
    assert vl.changeGeometry(first, QgsGeometry.fromPointXY(QgsPointXY(0.0, 0.0)))
    assert vl.changeAttributeValue(first, 0, "edited")
    try:
        result, used = same_as_general(paths, vl, provider_reads)
    finally:
        vl.rollBack()
    assert used == {"provider": 0, "layer": 1}
    t = result.targets[0]
    assert t.name == "edited" and t.payload["geometry"]["coordinates"] == [0.0, 0.0]


def test_a_virtual_field_is_read_through_the_layer(
    qgis_app,
    paths,  # noqa: F811
    provider_reads,
):
    vl = mem_layer()
    loud = make_field("loud", "string")
    assert vl.addExpressionField('upper("name")', loud) >= 0

    def params(name):
        return OrderParameters.from_dict({**OrderParameters().to_dict(), "name_expression": name})

    fast = build_targets(vl, params('"loud"'), now=NOW, selected_only=False)
    assert paths.taken == ["fast_points"]
    assert provider_reads == {"provider": 0, "layer": 1}
    slow = build_targets(vl, params("\"loud\" || ''"), now=NOW, selected_only=False)
    assert paths.taken == ["fast_points", "generic"]
    assert sig(fast) == sig(slow)
    assert fast.targets[0].name == "PLAIN"
