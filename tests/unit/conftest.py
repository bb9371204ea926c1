"""tests/unit: pure logic, neither QGIS nor Qt: API shapes, the client against the sandbox,
the sandbox itself, keys, back-off, the job store. No test module here, and no fixture one
uses, imports qgis or PyQt (test_tier_rules.py checks it).

``make test-unit`` runs this tier without pytest-qgis (``-p no:pytest_qgis``), so QGIS is
never loaded; then importing QGIS or Qt at all is refused, which proves the rule at run time
too. Under ``make test`` pytest-qgis has loaded QGIS already and the refusal stays off.
"""

import importlib.abc
import os
import sys

# test modules of this tier import helpers from one another (from test_x import ...)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

QT_PACKAGES = ("qgis", "PyQt5", "PyQt6", "sip")


class _RefuseQgisAndQt(importlib.abc.MetaPathFinder):
    """An import of QGIS or Qt fails as if they were not installed (as on a machine without
    QGIS, where this tier must run as well)."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname.split(".")[0] in QT_PACKAGES:
            raise ModuleNotFoundError(
                f"tests/unit runs without QGIS and Qt, and {fullname} was imported: "
                "move the test to tests/qgis or tests/ui, or keep QGIS out of the module",
                name=fullname,
            )
        return None


if not any(name.split(".")[0] in QT_PACKAGES for name in sys.modules):
    sys.meta_path.insert(0, _RefuseQgisAndQt())
