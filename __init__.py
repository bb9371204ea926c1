"""Planet Bulk Tasking: selected features of any vector layer become Planet tasking orders."""


def classFactory(iface):  # noqa: N802 (QGIS's name)
    from .plugin import PlanetBulkTaskingPlugin

    return PlanetBulkTaskingPlugin(iface)
