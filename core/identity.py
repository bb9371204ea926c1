"""Who the plugin is, derived once: every other module asks here.

``PLUGIN_ID`` is the install id (folder name in the plugin manager, settings prefix, Processing
provider id, project scope): fixed by the design, it must not change with how the folder happens
to be named on disk. ``PACKAGE`` is the name Python imported the plugin under; every module logs
under ``__name__``, so the plugin's logger is the package's own and catches them all whatever the
folder is called (a checkout named ``planet-bulk-tasking-main`` still logs).
"""

PLUGIN_ID = "planet_bulk_tasking"
PLUGIN_NAME = "Planet Bulk Tasking"

PACKAGE = __name__.rsplit(".", 2)[0]  # "<package>.core.identity" -> "<package>"
LOGGER_NAME = PACKAGE
