"""Helpers for the Processing tests (importable: conftest puts tests/ on sys.path)."""

import os
import sys

import pytest
from planet_bulk_tasking.core.model.store import JobStore
from qgis.core import QgsProcessingFeedback


class Feedback(QgsProcessingFeedback):
    """Keeps every line the algorithm says; ``cancel_on`` cancels when a line contains it."""

    def __init__(self, cancel_on: str = ""):
        super().__init__()
        self.lines, self.errors, self.warnings = [], [], []
        self.cancel_on = cancel_on

    def pushInfo(self, info):  # noqa: N802 (QGIS's name)
        self.lines.append(info)
        if self.cancel_on and self.cancel_on in info:
            self.cancel()
        super().pushInfo(info)

    def pushWarning(self, warning):  # noqa: N802
        self.warnings.append(warning)
        super().pushWarning(warning)

    def reportError(self, error, fatal_error=False):  # noqa: N802
        self.errors.append(error)
        super().reportError(error, fatal_error)

    def text(self) -> str:
        return "\n".join(self.lines + self.warnings + self.errors)


@pytest.fixture
def qgis_processing_ready(request):
    """pytest-qgis' qgis_processing, after making sure ``processing`` is QGIS's: a checkout
    folder that happens to be called 'processing' is imported under that name by pytest."""
    stray = sys.modules.get("processing")
    if stray is not None and "/qgis/" not in (getattr(stray, "__file__", "") or ""):
        del sys.modules["processing"]
    request.getfixturevalue("qgis_processing")


def stored(plugin_data_dir):
    return JobStore(os.path.join(str(plugin_data_dir), "jobs.sqlite"))


def rows(layer):
    names = layer.fields().names()
    return [{n: f[n] for n in names} for f in layer.getFeatures()]
