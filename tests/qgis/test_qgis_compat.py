"""What differs between QGIS versions (core/qgis_compat.py), and the rule that a deprecation
raised from the plugin's own modules fails the suite (pyproject.toml filterwarnings)."""

import warnings

import pytest
from planet_bulk_tasking.core.outputs.result_layer import result_fields
from planet_bulk_tasking.core.qgis_compat import make_field
from qgis.core import QgsFeature, QgsVectorLayer


def test_fields_are_made_without_deprecation_warnings(qgis_app):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fields = [make_field(f"f_{kind}", kind) for kind in ("string", "int", "int64", "double")]
        fields += [make_field("f_bool", "bool"), make_field("f_when", "datetime")]
        result_fields()
    assert not [w for w in caught if issubclass(w.category, DeprecationWarning)], [
        str(w.message) for w in caught
    ]
    layer = QgsVectorLayer("Point?crs=EPSG:4326", "t", "memory")
    assert layer.dataProvider().addAttributes(fields)
    layer.updateFields()
    feature = QgsFeature(layer.fields())
    feature.setAttributes(["a", 7, 2**40, 1.5, True, None])
    assert layer.dataProvider().addFeatures([feature])[0]
    back = next(layer.getFeatures())
    assert back["f_string"] == "a" and back["f_int"] == 7 and back["f_int64"] == 2**40
    assert back["f_double"] == 1.5 and back["f_bool"] in (True, 1)
    numeric = {f.name(): f.isNumeric() for f in layer.fields()}
    assert numeric == {
        "f_string": False,
        "f_int": True,
        "f_int64": True,
        "f_double": True,
        "f_bool": False,
        "f_when": False,
    }


def test_a_deprecation_from_the_plugin_fails_the_suite():
    code = "import warnings\nwarnings.warn('old API', DeprecationWarning)"
    with pytest.raises(DeprecationWarning):
        exec(compile(code, "m.py", "exec"), {"__name__": "planet_bulk_tasking.ui.result_layer"})
    # one from QGIS or elsewhere is only reported
    with warnings.catch_warnings(record=True) as caught:
        exec(compile(code, "m.py", "exec"), {"__name__": "qgis.core"})
    assert caught


def test_metadata_admits_qgis_4_and_qt6():
    import configparser
    import os

    meta = configparser.ConfigParser()
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    meta.read(os.path.join(root, "metadata.txt"), encoding="utf-8")
    general = meta["general"]
    assert general["qgisMinimumVersion"] == "3.22"
    assert general["qgisMaximumVersion"] == "4.99"
    assert general["supportsQt6"] == "True"
