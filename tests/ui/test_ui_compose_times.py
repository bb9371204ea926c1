"""Per-feature start and end times from fields, chosen in the form, reach the payloads."""

from planet_bulk_tasking.core.model.job import TargetStatus
from planet_bulk_tasking.core.targets.build import create_job
from planet_bulk_tasking.ui.compose_panel import ComposePanel
from qgis.core import QgsFeature, QgsGeometry, QgsPointXY, QgsProject, QgsVectorLayer
from qgis.PyQt.QtCore import QDate, QDateTime, Qt, QTime


def windows_layer():
    layer = QgsVectorLayer(
        "Point?crs=EPSG:4326&field=name:string&field=opens:datetime&field=closes:string",
        "windows",
        "memory",
    )
    rows = [
        ("harbour", QDateTime(QDate(2031, 3, 1), QTime(6, 0), Qt.UTC), "2031-03-09T18:00:00Z"),
        ("airfield", QDateTime(QDate(2031, 4, 2), QTime(0, 0), Qt.UTC), ""),
        ("bad window", QDateTime(QDate(2031, 5, 9), QTime(0, 0), Qt.UTC), "2031-05-01T00:00:00Z"),
    ]
    feats = []
    for i, (name, opens, closes) in enumerate(rows):
        f = QgsFeature(layer.fields())
        f.setAttributes([name, opens, closes or None])
        f.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(10 + i, 45)))
        feats.append(f)
    assert layer.dataProvider().addFeatures(feats)[0]
    return layer


def test_start_and_end_fields_give_each_order_its_own_window(qgis_iface, qgis_new_project):
    layer = windows_layer()
    QgsProject.instance().addMapLayer(layer)
    panel = ComposePanel(qgis_iface)
    try:
        panel.set_layer(layer)
        panel.selected_only.setChecked(False)
        assert panel.start_expr_widget.expression() == ""  # off unless chosen
        panel.start_expr_widget.setExpression('"opens"')
        panel.end_expr_widget.setExpression('"closes"')
        assert panel.problems() == []
        job = create_job(layer, panel.parameters(), selected_only=False)
        by_name = {t.name: t for t in job.targets}
        assert by_name["harbour"].payload["start_time"] == "2031-03-01T06:00:00Z"
        assert by_name["harbour"].payload["end_time"] == "2031-03-09T18:00:00Z"
        # an end field left empty is not guessed for a paid order: skipped, and said why
        blank = by_name["airfield"]
        assert blank.status == TargetStatus.SKIPPED and "NULL" in blank.reason
        bad = by_name["bad window"]
        assert bad.status == TargetStatus.SKIPPED and "start" in bad.reason.lower()

        panel.end_expr_widget.setExpression('"closes" +')  # half-typed
        assert "The per-feature end expression is not valid." in panel.problems()
    finally:
        panel.shutdown()
        panel.deleteLater()
