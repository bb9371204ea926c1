"""What differs between the QGIS versions the plugin runs on (3.22 LTR ... QGIS 4 / Qt6).

One place, so the rest of the code reads the same everywhere and the difference is dropped
here when 3.22 support ends.
"""

from qgis.core import Qgis, QgsField
from qgis.PyQt.QtCore import QMetaType

#: QgsField takes a QMetaType.Type from QGIS 3.38 on; the QVariant.Type constructor is
#: deprecated there (a DeprecationWarning) and QVariant's type constants are gone in Qt6.
FIELDS_TAKE_QMETATYPE = Qgis.QGIS_VERSION_INT >= 33800

# kind -> (QMetaType.Type name, QVariant.Type name)
_FIELD_TYPES = {
    "string": ("QString", "String"),
    "int": ("Int", "Int"),
    "int64": ("LongLong", "LongLong"),
    "double": ("Double", "Double"),
    "bool": ("Bool", "Bool"),
    "datetime": ("QDateTime", "DateTime"),
    "date": ("QDate", "Date"),
}


def field_type(kind: str):
    """The type value QgsField's constructor wants on this QGIS, for 'string', 'int'..."""
    meta_name, variant_name = _FIELD_TYPES[kind]
    if FIELDS_TAKE_QMETATYPE:
        return getattr(QMetaType.Type, meta_name)
    # QGIS < 3.38 (Qt5 only): QVariant.Type, reached by name so no Qt6-only code breaks here
    from qgis.PyQt.QtCore import QVariant

    return getattr(QVariant, variant_name)


def make_field(name: str, kind: str) -> QgsField:
    """``QgsField(name, <type>)`` without a deprecated constructor on any version."""
    return QgsField(name, field_type(kind))
