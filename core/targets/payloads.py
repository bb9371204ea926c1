"""The payload-building names under their old module, for code not yet moved to the
modules that hold them now (build.py, hints.py, layer_ref.py, parameters.py...).
Import from those; this module only re-exports."""

from ..model.chunking import MAX_BYTES, MAX_PAYLOADS, make_chunks, payload_size
from .build import (
    BuildCancelled,
    BuildPlan,
    BuildResult,
    InvalidParameters,
    build_targets,
    create_job,
    prepare_build,
    validate_for_layer,
)
from .hints import job_hints
from .layer_ref import layer_ref, strip_credentials
from .naming import default_name_expression
from .parameters import (
    ALLOWED_GEOMETRIES,
    SCHEDULING_TYPES,
    MonitoringCadence,
    OrderParameters,
    validate_parameters,
)
from .times import NO_TIME_ZONE

__all__ = [
    "ALLOWED_GEOMETRIES",
    "BuildCancelled",
    "BuildPlan",
    "BuildResult",
    "InvalidParameters",
    "MAX_BYTES",
    "MAX_PAYLOADS",
    "MonitoringCadence",
    "NO_TIME_ZONE",
    "OrderParameters",
    "SCHEDULING_TYPES",
    "build_targets",
    "create_job",
    "default_name_expression",
    "job_hints",
    "layer_ref",
    "make_chunks",
    "payload_size",
    "prepare_build",
    "strip_credentials",
    "validate_for_layer",
    "validate_parameters",
]
