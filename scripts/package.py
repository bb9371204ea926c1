"""Build the plugin ZIP that QGIS's "Install from ZIP" accepts.

Only runtime files go in (an allow-list, so a new dev file never leaks into a
release): the top folder is ``planet_bulk_tasking/``.
"""

import argparse
import configparser
import os
import sys
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PLUGIN_ID = "planet_bulk_tasking"

RUNTIME_FILES = [
    "__init__.py",
    "plugin.py",
    "metadata.txt",
    "LICENSE",
    "README.md",
    "resources.qrc",
    "resources_rc.py",
]
RUNTIME_DIRS = ["core", "ui", "sandbox", "processing", "icons", "i18n"]
SKIP_SUFFIXES = (".pyc", ".pyo", ".ts", ".orig", ".rej", "~")
SKIP_DIRS = {"__pycache__", ".pytest_cache", ".ruff_cache"}


def version() -> str:
    meta = configparser.ConfigParser()
    meta.read(os.path.join(ROOT, "metadata.txt"))
    return meta["general"]["version"]


def runtime_paths():
    for name in RUNTIME_FILES:
        if os.path.exists(os.path.join(ROOT, name)):
            yield name
    for folder in RUNTIME_DIRS:
        for dirpath, dirnames, filenames in os.walk(os.path.join(ROOT, folder)):
            dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
            for filename in sorted(filenames):
                if not filename.endswith(SKIP_SUFFIXES):
                    yield os.path.relpath(os.path.join(dirpath, filename), ROOT)


def build(out_dir: str) -> str:
    if not os.path.exists(os.path.join(ROOT, "resources_rc.py")):  # optional: icons load by path
        print("note: no resources_rc.py (make build makes it with pyrcc5 on Qt5)", file=sys.stderr)
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, f"{PLUGIN_ID}-{version()}.zip")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for rel in runtime_paths():
            zf.write(os.path.join(ROOT, rel), f"{PLUGIN_ID}/{rel}")
    return path


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default=os.path.join(ROOT, "dist"))
    print(build(parser.parse_args().out))
