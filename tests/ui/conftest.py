"""tests/ui: widgets, the dock, the plugin loaded into a window, Qt models."""

import os
import sys

# test modules of this tier import helpers from one another (from test_x import ...)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from qgis_fixtures import *  # noqa: E402,F401,F403 (the fixtures that need QGIS)
