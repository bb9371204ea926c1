"""Per-feature values from QGIS expressions: order names and optional times.

Expressions are parsed and prepared once per job with a full expression context
(global, project and layer scopes). Two common cases skip the expression engine
for speed, with identical results:

* a plain field reference (``"Name"``) reads the attribute directly;
* the default fallback ``@layer_name || ' ' || $id`` is built in code.

Naming rule: the name is the expression's value as text, trimmed. An empty or
NULL name falls back to ``"<layer name> <feature id>"`` and the target carries a
warning (it is still sent). An evaluation error skips the target with the
expression's own error text as the reason.
"""

from typing import Any, List, Optional, Set, Tuple

from qgis.core import (
    QgsExpression,
    QgsExpressionContext,
    QgsExpressionContextUtils,
    QgsFeatureRequest,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QByteArray, QDate, QDateTime, Qt, QTime, QVariant

NAME_FIELD_CANDIDATES = ("name", "Name", "NAME")
FALLBACK_NAME_EXPRESSION = "@layer_name || ' ' || $id"


def name_field(layer: QgsVectorLayer) -> Optional[str]:
    """The layer's name field: ``name``, ``Name`` or ``NAME`` (else any casing of it)."""
    names = [f.name() for f in layer.fields()]
    for cand in NAME_FIELD_CANDIDATES:
        if cand in names:
            return cand
    for n in names:
        if n.lower() == "name":
            return n
    return None


def default_name_expression(layer: QgsVectorLayer) -> str:
    """``"name"`` (quoted field reference) when the layer has a name field, else
    ``@layer_name || ' ' || $id``."""
    field = name_field(layer) if layer is not None else None
    if field:
        return QgsExpression.quotedColumnRef(field)
    return FALLBACK_NAME_EXPRESSION


def fallback_name(layer_name: str, fid: int) -> str:
    return f"{layer_name} {fid}"


def is_null(v: Any) -> bool:
    return v is None or (isinstance(v, QVariant) and v.isNull())


def value_to_text(v: Any) -> Optional[str]:
    """An expression/attribute value as trimmed text; None for NULL."""
    if v is None:
        return None
    if isinstance(v, str):
        return v.strip()
    if isinstance(v, QVariant):
        if v.isNull():
            return None
        v = v.value()
        if v is None:
            return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    if isinstance(v, QDateTime):
        return v.toString(Qt.DateFormat.ISODate) if v.isValid() else None
    if isinstance(v, (QDate, QTime)):
        return v.toString(Qt.DateFormat.ISODate) if v.isValid() else None
    return str(v).strip()


#: Planet publishes no limit on order names; longer ones than this get a warning.
MAX_NAME_LENGTH = 256
#: start of the warning for a name expression that gave no text (job_hints counts them)
NOT_TEXT_NAME = "the name expression gave no text"
LONG_NAME = "long name: "


def _kind_of(v: Any) -> Optional[str]:
    """None for a value that reads naturally as a name (text, number, boolean, date or
    time); else what it is, in the user's words (a geometry, a list...)."""
    from qgis.core import QgsGeometry, QgsReferencedGeometry

    if isinstance(v, (str, int, float, QDate, QDateTime, QTime)):
        return None
    if isinstance(v, (QgsGeometry, QgsReferencedGeometry)):
        return "a geometry"
    if isinstance(v, dict):
        return "a map"
    if isinstance(v, (list, tuple)):
        return "an array"
    if isinstance(v, (bytes, bytearray, QByteArray)):
        return "binary data"
    return f"a {type(v).__name__} value"


def name_and_warnings(v: Any, layer_name: str, fid: int) -> Tuple[str, Optional[List[str]]]:
    """The order name for a name expression's value ``v``, and warnings (None if none).

    Text and numbers are used as they read; NULL, empty text or a value that is no
    text at all (a geometry, a map...) fall back to ``"<layer name> <fid>"`` with a
    warning; a name over MAX_NAME_LENGTH characters is kept with a warning.
    """
    if isinstance(v, QVariant):
        v = None if v.isNull() else v.value()
    kind = None if v is None else _kind_of(v)
    if kind is not None:
        name = fallback_name(layer_name, fid)
        return name, [f"{NOT_TEXT_NAME} but {kind}: used '{name}' instead"]
    name = value_to_text(v)
    if not name:
        name = fallback_name(layer_name, fid)
        return name, [f"the name expression gave an empty name: used '{name}' instead"]
    if len(name) > MAX_NAME_LENGTH:
        return name, [
            f"{LONG_NAME}{len(name)} characters; Planet publishes no limit, but names over "
            f"{MAX_NAME_LENGTH} characters may be refused or cut (sent anyway)"
        ]
    return name, None


class FeatureExpression:
    """One prepared expression, evaluated per feature.

    ``evaluate(feature)`` → ``(value, error)``: error is None or the user-facing text.
    """

    FIELD, FALLBACK, GENERAL = "field", "fallback", "general"

    def __init__(self, text: str, layer: QgsVectorLayer, context: QgsExpressionContext, label: str):
        self.text = text.strip()
        self.label = label
        self.layer_name = layer.name()
        self.context = context
        self.expression = QgsExpression(self.text)
        self.parser_error: Optional[str] = None
        self.mode = self.GENERAL
        self.field_index = -1
        if self.expression.hasParserError():
            self.parser_error = f"{label} is not valid: {self.expression.parserErrorString()}"
            return
        if self.text == FALLBACK_NAME_EXPRESSION:
            self.mode = self.FALLBACK
            return
        if self.expression.isField():
            idx = layer.fields().lookupField(self.expression.rootNode().name())
            if idx >= 0:
                self.mode = self.FIELD
                self.field_index = idx
                return
        if not self.expression.prepare(context) and self.expression.hasEvalError():
            # e.g. a field the layer does not have: every feature would fail the same way
            self.parser_error = f"{label} failed: {self.expression.evalErrorString()}"

    def referenced_columns(self) -> Set[str]:
        if self.parser_error:
            return set()
        if self.mode == self.FALLBACK:
            return set()
        return set(self.expression.referencedColumns())

    def evaluate(self, feature) -> Tuple[Any, Optional[str]]:
        if self.mode == self.FIELD:
            return feature.attribute(self.field_index), None
        if self.mode == self.FALLBACK:
            return fallback_name(self.layer_name, feature.id()), None
        if self.parser_error:
            return None, self.parser_error
        self.context.setFeature(feature)
        v = self.expression.evaluate(self.context)
        if self.expression.hasEvalError():
            return None, f"{self.label} failed: {self.expression.evalErrorString()}"
        return v, None


def make_context(layer: QgsVectorLayer) -> QgsExpressionContext:
    """Global, project and layer scopes: what the field calculator would use."""
    return QgsExpressionContext(QgsExpressionContextUtils.globalProjectLayerScopes(layer))


def referenced_columns(expressions: List[FeatureExpression]) -> Optional[List[str]]:
    """Attribute names to fetch, or None when some expression needs all of them."""
    cols: Set[str] = set()
    for e in expressions:
        c = e.referenced_columns()
        if QgsFeatureRequest.ALL_ATTRIBUTES in c:
            return None
        cols |= c
    return sorted(cols)
