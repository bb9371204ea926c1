"""The Processing provider: id ``planet_bulk_tasking``."""

from typing import Callable, Optional

from qgis.core import QgsProcessingProvider

from ..core.identity import PLUGIN_ID
from .engine import JobHandover
from .refresh_orders import RefreshOrdersAlgorithm
from .submit_orders import SubmitOrdersAlgorithm

PROVIDER_ID = PLUGIN_ID


class PlanetBulkTaskingProvider(QgsProcessingProvider):
    def __init__(self, services: Optional[Callable] = None, icon=None):
        """``services()`` returns the plugin's PluginServices, or None (qgis_process)."""
        super().__init__()
        self._services = services or (lambda: None)
        self._icon = icon
        self.handover = JobHandover(self._services)  # made in the main thread

    def id(self):
        return PROVIDER_ID

    def name(self):
        return "Planet Bulk Tasking"

    def longName(self):  # noqa: N802
        return "Planet Bulk Tasking (Tasking API orders)"

    def icon(self):
        return self._icon if self._icon is not None else super().icon()

    def loadAlgorithms(self):  # noqa: N802
        self.addAlgorithm(SubmitOrdersAlgorithm(self._services, self.handover))
        self.addAlgorithm(RefreshOrdersAlgorithm(self._services))

    def unload(self):
        self.handover.deleteLater()
        super().unload()
