"""The result layer shows each target's own geometry: for pieces of an antimeridian cut
that is the piece sent (its payload), not the source feature's part N (QA item 4)."""

from payload_layers import NOW, memory
from planet_bulk_tasking.core.outputs.result_layer import build_result_layer
from planet_bulk_tasking.core.targets.build import create_job
from planet_bulk_tasking.core.targets.parameters import OrderParameters
from planet_bulk_tasking.core.targets.target_geometry import payload_geometry, target_geometry
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsGeometry,
    QgsPointXY,
    QgsProject,
)
from test_payloads_antimeridian import SQUARE, projected

OTHER = [[(170, 0), (171, 0), (171, 1), (170, 1), (170, 0)]]


def islands_layer():
    """One feature: a square across 180° (source part 1) and one at 170°E (source part 2),
    drawn in a Pacific CRS; sent as 3 targets: west half, east half, the other square."""
    multi = QgsGeometry.collectGeometry(
        [projected(SQUARE, "EPSG:3832"), projected(OTHER, "EPSG:3832")]
    )
    return memory("MultiPolygon", [(["islands"], multi)], crs="EPSG:3832")


def from_wgs84(geom, crs):
    """In the layer's CRS (EPSG:3832 is continuous across 180°; WGS 84 is not)."""
    g = QgsGeometry(geom)
    ct = QgsCoordinateTransform(
        QgsCoordinateReferenceSystem("EPSG:4326"), crs, QgsProject.instance().transformContext()
    )
    g.transform(ct)
    return g


def centroid_lon(geom):
    return geom.centroid().asPoint().x()


def test_cut_parts_in_the_result_layer_are_the_pieces_sent(qgis_app):
    vl = islands_layer()
    job = create_job(vl, OrderParameters(start_time=NOW), selected_only=False)
    parts = {t.part: t for t in job.targets}
    assert sorted(parts) == [1, 2, 3]
    layer = build_result_layer(job, vl)
    by_part = {f["part"]: f.geometry() for f in layer.getFeatures()}
    for part, t in parts.items():
        sent = from_wgs84(payload_geometry(t), layer.crs())
        shown = by_part[part]
        # the piece sent (not the whole square, not the other island), in metres
        assert abs(shown.area() - sent.area()) < 1e-3 * sent.area(), part
        assert shown.centroid().asPoint().distance(sent.centroid().asPoint()) < 1.0, part
    # the third target is the island at 170°E, which is the SOURCE's part 2
    assert 170 < centroid_lon(payload_geometry(parts[3])) < 171
    island = next(vl.getFeatures()).geometry().asGeometryCollection()[1]
    assert abs(by_part[3].area() - island.area()) < 1e-3 * island.area()


def test_target_geometry_of_an_uncut_part_is_the_source_part(qgis_app):
    pts = [QgsPointXY(0, 0), QgsPointXY(1, 0), QgsPointXY(1, 1), QgsPointXY(0, 0)]
    far = [QgsPointXY(p.x() + 10, p.y()) for p in pts]
    multi = QgsGeometry.fromMultiPolygonXY([[pts], [far]])
    vl = memory("MultiPolygon", [(["pair"], multi)])
    job = create_job(vl, OrderParameters(start_time=NOW), selected_only=False)
    second = next(t for t in job.targets if t.part == 2)
    second.payload = None  # as if it was skipped: the source's part 2 is still right
    geom = target_geometry(second, vl)
    assert 10 < geom.centroid().asPoint().x() < 11


def test_skipped_cut_piece_falls_back_to_the_whole_feature(qgis_app):
    vl = islands_layer()
    job = create_job(vl, OrderParameters(start_time=NOW), selected_only=False)
    east = next(t for t in job.targets if t.part == 2)
    east.payload = None  # a cut piece without a payload: never the source's part 2
    geom = target_geometry(east, vl)
    whole = next(vl.getFeatures()).geometry()
    assert abs(geom.area() - whole.area()) < 1e-3
