"""Planet Bulk Tasking: turn the selected features of any vector layer into Planet tasking orders."""


def classFactory(iface):  # noqa: N802 (QGIS's name)
    from .plugin import PlanetBulkTaskingPlugin

    return PlanetBulkTaskingPlugin(iface)
