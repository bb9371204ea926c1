"""What building needs of a layer, captured on the main thread (``LayerSource.capture``)
so that building itself can run in any thread.

A QgsVectorLayer belongs to the main thread; a QgsVectorLayerFeatureSource is its
thread-safe copy for reading (edit buffer and joins included), and everything else
(name, source string, fields, feature count...) is copied as plain values. Reading the
file with OGR directly (core/targets/fast_read.py) needs only those values too.

When the layer adds nothing to what its provider gives (no uncommitted edits, no joined
or virtual fields), the provider's own feature source is captured too: the point reader
(points_fast.read_points) iterates it, skipping the layer iterator's per-feature work
(8 % of a memory layer's read, bench/bench_memory_read.py); features, ids, order and the
subset filter (a provider's) are the same.
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
        "_provider_features",
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
        s._provider_features = None
        # joined and virtual fields come after the provider's: same count, none of them
        if (
            not s.modified
            and provider is not None
            and provider.fields().count() == s.fields.count()
        ):
            s._provider_features = provider.featureSource()
        return s

    def getFeatures(self, request: Optional[QgsFeatureRequest] = None):
        return self._features.getFeatures(request or QgsFeatureRequest())

    def provider_features(self, request: QgsFeatureRequest):
        """What ``getFeatures`` gives, from the provider's own source when the layer adds
        nothing to it (see the module doc)."""
        if self._provider_features is None:
            return self.getFeatures(request)
        return self._provider_features.getFeatures(request)

    def all_ids(self):
        """Ids of every feature the layer shows (its subset filter applied): one pass
        without geometry or attributes."""
        request = QgsFeatureRequest().setNoAttributes()
        request.setFlags(QgsFeatureRequest.Flag.NoGeometry)
        return {f.id() for f in self._features.getFeatures(request)}
