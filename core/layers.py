"""Finding a job's layer in the current project (qgis.core; main thread: it reads the
project's layers)."""

from typing import Optional

from qgis.core import QgsProject, QgsVectorLayer

from .model.job import LayerRef


def find_layer(ref: LayerRef, project=None) -> Optional[QgsVectorLayer]:
    """The job's layer in the project: by id, else by source and provider (the same file
    added again gets a new id)."""
    project = project or QgsProject.instance()
    layer = project.mapLayer(ref.layer_id) if ref.layer_id else None
    if isinstance(layer, QgsVectorLayer) and layer.isValid():
        return layer
    if not ref.source:
        return None
    from .targets.layer_ref import strip_credentials

    for candidate in project.mapLayers().values():
        if (
            isinstance(candidate, QgsVectorLayer)
            and candidate.providerType() == ref.provider
            and ref.source in (candidate.source(), strip_credentials(candidate.source()))
        ):
            return candidate
    return None
