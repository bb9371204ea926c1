"""Chunking into bulk requests (count and byte bounds), sizes, create_job and LayerRef."""

import uuid
from datetime import datetime, timezone

import pytest
from payload_layers import paths  # noqa: F401
from planet_bulk_tasking.core.model.chunking import (
    BODY_OVERHEAD,
    body_size,
    make_chunks,
    payload_size,
)
from planet_bulk_tasking.core.model.job import BulkJob, Target, TargetStatus
from planet_bulk_tasking.core.targets.build import build_targets, create_job
from planet_bulk_tasking.core.targets.layer_ref import layer_ref, strip_credentials
from planet_bulk_tasking.core.targets.parameters import OrderParameters
from planet_bulk_tasking.core.tasking.api import build_create_body, encode_body
from qgis.core import QgsFeature, QgsGeometry, QgsLineString, QgsPoint, QgsPolygon, QgsVectorLayer

READY, SKIPPED = TargetStatus.READY, TargetStatus.SKIPPED
NOW = datetime(2030, 1, 10, 12, 0, 0, tzinfo=timezone.utc)


def points_layer(n, crs="EPSG:4326", names=None):
    vl = QgsVectorLayer(f"Point?crs={crs}&field=name:string", "pts", "memory")
    feats = []
    for i in range(n):
        f = QgsFeature(vl.fields())
        f.setAttributes([names[i % len(names)] if names else f"site {i}"])
        f.setGeometry(QgsGeometry.fromWkt(f"Point({(i % 3600) / 10 - 180} {(i % 1800) / 10 - 90})"))
        feats.append(f)
    assert vl.dataProvider().addFeatures(feats)[0]
    return vl


def polygon(n_vertices, cx=10.0, cy=20.0, r=1.0):
    import math

    pts = [
        QgsPoint(
            cx + r * math.cos(2 * math.pi * k / n_vertices),
            cy + r * math.sin(2 * math.pi * k / n_vertices),
        )
        for k in range(n_vertices)
    ]
    pts.append(pts[0])
    poly = QgsPolygon()
    poly.setExteriorRing(QgsLineString(pts))
    return QgsGeometry(poly)


def polygons_layer(sizes):
    vl = QgsVectorLayer("Polygon?crs=EPSG:4326&field=name:string", "polys", "memory")
    feats = []
    for i, n in enumerate(sizes):
        f = QgsFeature(vl.fields())
        f.setAttributes([f"poly {i}"])
        f.setGeometry(polygon(n, cx=(i % 300) - 150.0 + 0.123456789, cy=(i % 100) - 50.0))
        feats.append(f)
    assert vl.dataProvider().addFeatures(feats)[0]
    return vl


def check_chunks(job, max_payloads=1000, max_bytes=900_000):
    ready = [t for t in job.targets if t.status == READY]
    keys = [k for c in job.chunks for k in c.target_keys]
    assert keys == [t.key for t in ready]  # every READY target exactly once, in order
    for c in job.chunks:
        uuid.UUID(c.bulk_id)
        assert len(c.target_keys) <= max_payloads
        payloads = [job.target(k).payload for k in c.target_keys]
        assert body_size(payloads, c.bulk_id) <= max_bytes
        assert len(encode_body({"id": c.bulk_id, "order_payloads": payloads})) <= max_bytes
        for k in c.target_keys:
            assert job.target(k).chunk_index == c.index
    assert len({c.bulk_id for c in job.chunks}) == len(job.chunks)
    return [len(c.target_keys) for c in job.chunks]


@pytest.mark.parametrize(
    "n,expected",
    [(1, [1]), (999, [999]), (1000, [1000]), (1001, [1000, 1]), (2500, [1000, 1000, 500])],
)
def test_chunk_count_boundaries(qgis_app, n, expected):
    job = create_job(points_layer(n), OrderParameters(), selected_only=False, now=NOW)
    assert check_chunks(job) == expected
    assert [c.index for c in job.chunks] == list(range(len(expected)))


def test_no_ready_targets_no_chunks(qgis_app):
    assert make_chunks([Target("1", 1, "x", None, SKIPPED, "why")]) == []
    assert make_chunks([]) == []


def test_byte_bound_hits_before_count(qgis_app):
    # ~3000 vertices each: ~70 KB of JSON per payload, so ~12 per chunk
    job = create_job(polygons_layer([3000] * 40), OrderParameters(), selected_only=False, now=NOW)
    counts = check_chunks(job)
    assert sum(counts) == 40 and len(counts) > 2 and max(counts) < 1000
    # chunks are full: the next payload would not have fitted
    for a, b in zip(job.chunks, job.chunks[1:]):
        payloads = [job.target(k).payload for k in a.target_keys + b.target_keys[:1]]
        assert body_size(payloads, a.bulk_id) > 900_000


def test_payload_larger_than_the_bound_is_skipped(qgis_app):
    vl = polygons_layer([100, 50_000, 100])  # the middle one is over 1 MB of JSON
    job = create_job(vl, OrderParameters(), selected_only=False, now=NOW)
    big = job.targets[1]
    assert big.status == SKIPPED and big.reason.startswith("geometry too large: ")
    assert " KB" in big.reason and big.payload is None and big.chunk_index is None
    assert check_chunks(job) == [2]


def test_small_byte_bound_and_start_index(qgis_app):
    r = build_targets(points_layer(50), OrderParameters(), selected_only=False, now=NOW)
    size = payload_size(r.targets[0].payload)
    bound = BODY_OVERHEAD + 3 * size + 2 * 2 + 5  # room for 3 payloads, not 4
    chunks = make_chunks(r.targets, max_bytes=bound, start_index=7)
    assert chunks[0].index == 7
    assert all(len(c.target_keys) <= 3 for c in chunks)
    assert sum(len(c.target_keys) for c in chunks) == 50
    chunks = make_chunks(r.targets, max_payloads=10)
    assert [len(c.target_keys) for c in chunks] == [10] * 5


def test_known_sizes_are_exact(qgis_app):
    names = ["plain", 'quote " and \\ backslash', "accents éàü", "emoji 🛰", "ctrl\tchar", ""]
    r = build_targets(
        points_layer(200, names=names), OrderParameters(), selected_only=False, now=NOW
    )
    assert r.payload_sizes
    for t in r.targets:
        if t.key in r.payload_sizes:
            assert r.payload_sizes[t.key] == len(encode_body(t.payload)) == payload_size(t.payload)
    # and from a projected layer (transformed coordinates)
    r = build_targets(
        points_layer(200, crs="EPSG:3857"), OrderParameters(), selected_only=False, now=NOW
    )
    for t in r.targets:
        if t.key in r.payload_sizes:
            assert r.payload_sizes[t.key] == payload_size(t.payload)


def test_make_chunks_measures_when_sizes_unknown(qgis_app):
    r = build_targets(polygons_layer([3000] * 30), OrderParameters(), selected_only=False, now=NOW)
    chunks = make_chunks(r.targets)  # no sizes: serialised once each
    assert len(chunks) > 1
    for c in chunks:
        payloads = [t.payload for t in r.targets if t.key in set(c.target_keys)]
        assert body_size(payloads) <= 900_000


# -- create_job and LayerRef ----------------------------------------------------------------------
def test_create_job_contents_and_json_round_trip(qgis_app):
    vl = points_layer(5)
    job = create_job(
        vl,
        OrderParameters(),
        selected_only=False,
        endpoint="http://127.0.0.1:1/tasking/v2",
        now=NOW,
    )
    assert job.endpoint == "http://127.0.0.1:1/tasking/v2"
    assert job.layer.layer_id == vl.id() and job.layer.name == "pts"
    assert job.layer.provider == "memory" and job.layer.crs == "EPSG:4326"
    assert job.state == "draft" and len(job.targets) == 5 and len(job.chunks) == 1
    back = BulkJob.from_json(job.to_json())
    assert back.to_dict() == job.to_dict()
    assert back.target("3").payload == job.target("3").payload


@pytest.mark.parametrize(
    "source,secret,kept",
    [
        (
            "dbname='gis' host=db port=5432 user='me' password='s3 cr\\'et' sslmode=disable "
            'key=\'id\' srid=4326 type=Point table="public"."sites" (geom)',
            "s3",
            ["dbname='gis'", "user='me'", "key='id'", 'table="public"."sites" (geom)'],
        ),
        (
            'dbname=\'gis\' host=db authcfg=ab12cd3 password=plainsecret table="s"."t" (g)',
            "plainsecret",
            ["authcfg=ab12cd3", "dbname='gis'"],
        ),
        (
            "url=https://alice:hunter2@example.com/wfs?service=WFS&token=abc123&typename=x",
            "hunter2",
            ["alice@example.com", "typename=x", "service=WFS"],
        ),
        ("/vsicurl/https://h/x.gpkg?token=abc123|layername=a", "abc123", ["layername=a"]),
        ("/data/sites.gpkg|layername=sites", None, ["/data/sites.gpkg|layername=sites"]),
    ],
)
def test_strip_credentials(source, secret, kept):
    out = strip_credentials(source)
    if secret:
        assert secret not in out
        assert "token=abc123" not in out
    else:
        assert out == source
    for k in kept:
        assert k in out, out


def test_layer_ref_strips_postgres_password(qgis_app):
    uri = (
        "dbname='nodb' host=127.0.0.1 port=1 user='u' password='topsecret' "
        'table="public"."t" (geom)'
    )
    vl = QgsVectorLayer(uri, "pg", "postgres")  # not reachable: source is still known
    ref = layer_ref(vl)
    assert "topsecret" not in ref.source and "dbname='nodb'" in ref.source
    assert ref.provider == "postgres"


# -- sizes are what the client sends: compact UTF-8 (issue 13, case 6) -----------------------------
CJK = "東京タワー🛰" * 25  # 150 characters: 475 bytes in UTF-8, 1000 as ASCII escapes


def _sent(job, chunk):
    payloads = [job.target(k).payload for k in chunk.target_keys]
    return len(encode_body(build_create_body(payloads, chunk.bulk_id)))


def test_sizes_measure_compact_utf8_as_sent(qgis_app):
    p = {"name": "東京 🛰 é", "geometry": {"type": "Point", "coordinates": [1.5, -2.25]}}
    assert payload_size(p) == len(encode_body(p))
    body = build_create_body([p, p], str(uuid.uuid4()))
    assert body_size([p, p]) == len(encode_body(body))
    assert BODY_OVERHEAD == len(encode_body({"id": str(uuid.uuid4()), "order_payloads": []}))


def _cjk_layers(tmp_path):
    from payload_layers import file_layer
    from qgis.core import QgsWkbTypes

    rows = [
        ([f"{CJK} {i}"], f"Point({(i % 3600) / 10 - 180} {(i % 1800) / 10 - 90})")
        for i in range(3000)
    ]
    gpkg = file_layer(tmp_path / "cjk.gpkg", QgsWkbTypes.Point, rows)
    return gpkg, points_layer(3000, names=[CJK])


@pytest.mark.parametrize("path", ["ogr", "fast_points", "generic"])
def test_cjk_and_emoji_names_fill_bulks_by_what_is_sent(qgis_app, tmp_path, paths, path):  # noqa: F811
    """3000 points named with 150 CJK/emoji characters: ~600 bytes each as sent, so three
    bulks of 1000 (the ASCII-escaped measure made four, cut at ~880 payloads)."""
    from payload_layers import build_on

    gpkg, mem = _cjk_layers(tmp_path)
    layer = gpkg if path == "ogr" else mem
    r = build_on(paths, path, layer)
    for t in r.targets:
        assert t.status == READY
        if t.key in r.payload_sizes:
            assert r.payload_sizes[t.key] == len(encode_body(t.payload)), path
    job = BulkJob(targets=r.targets, chunks=make_chunks(r.targets, sizes=r.payload_sizes))
    assert [len(c.target_keys) for c in job.chunks] == [1000, 1000, 1000]
    for c in job.chunks:
        assert 500_000 < _sent(job, c) <= 900_000


@pytest.mark.parametrize("max_bytes", [60_000, 200_000])
def test_cjk_bulks_are_full_under_a_byte_bound(qgis_app, max_bytes):
    job = create_job(
        points_layer(800, names=[CJK, "plain", "é" * 250]),
        OrderParameters(),
        selected_only=False,
        now=NOW,
        max_bytes=max_bytes,
    )
    for a, b in zip(job.chunks, job.chunks[1:]):
        assert _sent(job, a) <= max_bytes
        payloads = [job.target(k).payload for k in a.target_keys + b.target_keys[:1]]
        assert len(encode_body(build_create_body(payloads, a.bulk_id))) > max_bytes
    assert _sent(job, job.chunks[-1]) <= max_bytes
