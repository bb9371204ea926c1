"""scripts/check_qt6.py: finds what breaks on Qt6 / QGIS 4 and --fix rewrites what it can."""

import os
import subprocess
import sys
import textwrap

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(ROOT, "scripts", "check_qt6.py")

SOURCE = textwrap.dedent(
    """\
    from PyQt5.QtCore import QTimer
    from qgis.core import Qgis, QgsWkbTypes
    from qgis.PyQt.QtCore import Qt, QVariant
    from qgis.PyQt.QtWidgets import QDialog, QMessageBox

    ROLE = Qt.UserRole + 1
    ALIGN = Qt.AlignRight | Qt.AlignVCenter
    SCOPED = Qt.ItemDataRole.DisplayRole
    LEVEL = Qgis.Warning
    KIND = QgsWkbTypes.PolygonGeometry
    TYPE = QVariant.String
    KEPT = Qt.UserRole  # qt6: ok
    NULL = isinstance(None, QVariant)
    SCOPED_TYPE = QVariant.Type.Int
    import qgis.PyQt.QtCore
    FULL = qgis.PyQt.QtCore.Qt.UserRole


    def ask(box: QMessageBox, dialog: QDialog):
        if box.exec_() == QMessageBox.Yes:
            return dialog.exec_()
    """
)


def run(path, *extra):
    return subprocess.run(
        [sys.executable, SCRIPT, *extra, str(path)], capture_output=True, text=True, timeout=120
    )


def test_finds_each_kind_and_fixes_enums_and_exec(tmp_path):
    path = tmp_path / "module.py"
    path.write_text(SOURCE, encoding="utf-8")
    done = run(path)
    assert done.returncode == 1
    found = done.stdout
    for expected in (
        ":1:1: PyQt5 import",
        ":6:8: unscoped enum Qt.UserRole: Qt.ItemDataRole.UserRole",
        ":7:9: unscoped enum Qt.AlignRight: Qt.AlignmentFlag.AlignRight",
        "unscoped enum Qgis.Warning: Qgis.MessageLevel.Warning",
        "unscoped enum QgsWkbTypes.PolygonGeometry: QgsWkbTypes.GeometryType.PolygonGeometry",
        ":11:8: QVariant.String",
        ":14:15: QVariant.Type: use core/qgis_compat.py",
        ":16:8: unscoped enum qgis.PyQt.QtCore.Qt.UserRole: qgis.PyQt.QtCore.Qt.ItemDataRole",
        "exec_(): use exec()",
        "unscoped enum QMessageBox.Yes: QMessageBox.StandardButton.Yes",
    ):
        assert expected in found, found
    for line in (8, 12, 13):  # scoped already, the pragma, isinstance(QVariant)
        assert f"module.py:{line}:" not in found, found

    fixed = run(path, "--fix")
    assert fixed.returncode == 1  # the PyQt5 import and QVariant.String need a person
    assert sorted(line.split(": ", 1)[1] for line in fixed.stdout.splitlines()) == [
        "PyQt5 import: use qgis.PyQt.QtCore",
        "QVariant.String: use core/qgis_compat.py (QMetaType)",
        "QVariant.Type: use core/qgis_compat.py (QMetaType)",
    ]
    text = path.read_text(encoding="utf-8")
    compile(text, str(path), "exec")
    assert "ROLE = Qt.ItemDataRole.UserRole + 1" in text
    assert "ALIGN = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter" in text
    assert "if box.exec() == QMessageBox.StandardButton.Yes:" in text
    assert "return dialog.exec()" in text
    assert "FULL = qgis.PyQt.QtCore.Qt.ItemDataRole.UserRole" in text
    assert "KEPT = Qt.UserRole  # qt6: ok" in text


def test_a_scoped_name_this_qgis_lacks_is_reported(tmp_path):
    """Run on each QGIS in CI, so a scoped name that exists on 3.22 only fails on 3.40."""
    path = tmp_path / "module.py"
    path.write_text(
        "from qgis.PyQt.QtCore import Qt\nA = Qt.ItemDataRole.NoSuchRole\n", encoding="utf-8"
    )
    done = run(path)
    assert done.returncode == 1
    assert "module.py:2:5: Qt.ItemDataRole.NoSuchRole does not exist in this Qt/QGIS" in done.stdout


def test_the_plugin_runtime_code_is_clean():
    done = subprocess.run([sys.executable, SCRIPT], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_fix_turns_field_types_into_the_compat_helper(tmp_path):
    """In the plugin's own modules QVariant field types become core/qgis_compat.field_type(),
    imported relatively (run in a copy of the layout: the script finds ROOT from its place)."""
    import shutil

    (tmp_path / "scripts").mkdir()
    shutil.copy(SCRIPT, tmp_path / "scripts" / "check_qt6.py")
    (tmp_path / "processing").mkdir()
    module = tmp_path / "processing" / "output.py"
    module.write_text(
        textwrap.dedent(
            """\
            from qgis.core import QgsField
            from qgis.PyQt.QtCore import QVariant

            from ..core.job import BulkJob

            FIELDS = (("name", QVariant.String), ("n", QVariant.Type.LongLong))
            MAP = QVariant.Map
            """
        ),
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, str(tmp_path / "scripts" / "check_qt6.py"), "--fix", "processing"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    text = module.read_text(encoding="utf-8")
    assert 'FIELDS = (("name", field_type("string")), ("n", field_type("int64")))' in text
    assert "from ..core.job import BulkJob\nfrom ..core.qgis_compat import field_type\n" in text
    assert done.returncode == 1 and "QVariant.Map" in done.stdout  # no field type: a person
    compile(text, str(module), "exec")
