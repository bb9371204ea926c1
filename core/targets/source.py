"""What building needs of a layer, captured on the main thread (``LayerSource.capture``)
so that building itself can run in any thread.

A QgsVectorLayer belongs to the main thread; a QgsVectorLayerFeatureSource is its
thread-safe copy for reading (edit buffer and joins included), and everything else
(name, source string, fields, feature count...) is copied as plain values. Reading the
file with OGR directly (core/targets/fast_read.py) needs only those values too.
"""

from typing import Optional

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeatureRequest,
    QgsFields,
    QgsVectorLayer,
    QgsVectorLayerFeatureSource,
)


class LayerSource:
    """A layer as building reads it; made by ``capture`` (main thread), used anywhere."""

    __slots__ = (
        "name",
        "provider",
        "source",
        "subset",
        "fields",
        "feature_count",
        "modified",
        "wkb_type",
        "geometry_type",
        "crs",
        "encoding",
        "_features",
    )

    @classmethod
    def capture(cls, layer: QgsVectorLayer) -> "LayerSource":
        """Main thread only: reads the layer (cheap: no feature is read)."""
        s = cls()
        s.name = layer.name()
        s.provider = layer.providerType()
        s.source = layer.source()
        s.subset = (layer.subsetString() or "").strip()
        s.fields = QgsFields(layer.fields())
        s.feature_count = layer.featureCount()
        buf = layer.editBuffer()
        s.modified = buf is not None and buf.isModified()
        s.wkb_type = layer.wkbType()
        s.geometry_type = layer.geometryType()
        s.crs = QgsCoordinateReferenceSystem(layer.crs())
        provider = layer.dataProvider()
        s.encoding = (provider.encoding() or "") if provider is not None else ""
        s._features = QgsVectorLayerFeatureSource(layer)
        return s

    def getFeatures(self, request: Optional[QgsFeatureRequest] = None):
        return self._features.getFeatures(request or QgsFeatureRequest())

    def all_ids(self):
        """Ids of every feature the layer shows (its subset filter applied): one pass
        without geometry or attributes."""
        request = QgsFeatureRequest().setNoAttributes()
        request.setFlags(QgsFeatureRequest.Flag.NoGeometry)
        return {f.id() for f in self._features.getFeatures(request)}
