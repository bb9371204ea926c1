"""tests/qgis: real QGIS objects, no dock: payload building from layers, Processing, settings,
result geometry, and jobs built from layers run through the engine's Qt adapter."""

import os
import sys

# test modules of this tier import helpers from one another (from test_x import ...)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from qgis_fixtures import *  # noqa: E402,F401,F403 (the fixtures that need QGIS)
