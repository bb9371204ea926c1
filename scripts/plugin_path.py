"""Make the repository importable as the package ``planet_bulk_tasking``.

The repository root *is* the plugin folder, but a clone may be called anything
(``main``, ``planet-bulk-tasking``...). Tests and benchmarks import the plugin by
its real id, so we expose the root under that name through a symlink in a
private temporary folder placed on ``sys.path``.
"""

import os
import sys
import tempfile

PLUGIN_ID = "planet_bulk_tasking"
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def ensure_importable() -> str:
    """Return the folder put on sys.path that holds ``planet_bulk_tasking``."""
    if os.path.basename(REPO_ROOT) == PLUGIN_ID:
        parent = os.path.dirname(REPO_ROOT)
    else:
        parent = tempfile.mkdtemp(prefix="pbt-path-")
        os.symlink(REPO_ROOT, os.path.join(parent, PLUGIN_ID))
    if parent not in sys.path:
        sys.path.insert(0, parent)
    return parent
