"""What the plugin adds to QGIS's start: import + classFactory + initGui, in a fresh process
(QGIS itself already initialised, not counted). Goal < 50 ms. Also lists the slowest modules
the plugin's start imports (python -X importtime), so a heavy import that creeps in shows.
"""

import os
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUNS = 5
GOAL_MS = 50.0

CHILD = r"""
import os, sys, time
sys.path.insert(0, os.path.join(sys.argv[1], "scripts"))
import plugin_path
plugin_path.ensure_importable()
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from qgis.core import QgsApplication
app = QgsApplication([], True)
app.initQgis()
import processing  # QGIS loads its Processing plugin before ours
from qgis.PyQt.QtWidgets import QMainWindow
window = QMainWindow()

from qgis.PyQt.QtWidgets import QMenu
help_menu = QMenu(window)

class Iface:  # the few calls initGui makes; anything else is a no-op
    def mainWindow(self): return window
    def pluginHelpMenu(self): return help_menu
    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return lambda *a, **k: None

start = time.perf_counter()
import planet_bulk_tasking
plugin = planet_bulk_tasking.classFactory(Iface())
plugin.initGui()
ms = (time.perf_counter() - start) * 1000
print(f"STARTUP_MS {ms:.1f}")
print("REQUESTS_IMPORTED", "requests" in sys.modules)
start = time.perf_counter()
app.processEvents()  # the event loop's first turn: the provider and the job services start
print(f"DEFERRED_MS {(time.perf_counter() - start) * 1000:.1f}")
plugin.unload()
app.exitQgis()
"""


def one(importtime=False):
    env = dict(os.environ, HOME=os.environ.get("HOME", "/tmp"))
    args = [sys.executable] + (["-X", "importtime"] if importtime else []) + ["-c", CHILD, REPO]
    out = subprocess.run(args, capture_output=True, text=True, env=env, timeout=120)
    return out.stdout, out.stderr


def main():
    figures, deferred = [], []
    requests_loaded = None
    for _ in range(RUNS):
        stdout, stderr = one()
        for line in stdout.splitlines():
            if line.startswith("STARTUP_MS"):
                figures.append(float(line.split()[1]))
            if line.startswith("DEFERRED_MS"):
                deferred.append(float(line.split()[1]))
            if line.startswith("REQUESTS_IMPORTED"):
                requests_loaded = line.split()[1]
        if not figures:
            print(stdout, stderr)
            return 1
    figures.sort()
    print(
        f"import + classFactory + initGui: median {figures[len(figures) // 2]:.1f} ms, "
        f"min {figures[0]:.1f}, max {figures[-1]:.1f} ({RUNS} runs; goal < {GOAL_MS:.0f} ms); "
        f"requests imported at start: {requests_loaded}"
    )
    deferred.sort()
    print(
        f"then, on the event loop's first turn (Processing provider, job store, resume): "
        f"median {deferred[len(deferred) // 2]:.1f} ms"
    )
    _, stderr = one(importtime=True)
    ours = []
    started = False
    for line in stderr.splitlines():
        if "planet_bulk_tasking" in line and not started:
            started = True
        if started and line.startswith("import time:") and "|" in line:
            parts = line.split("|")
            try:
                cumulative = int(parts[1])
            except ValueError:
                continue
            ours.append((cumulative, parts[2].strip()))
    ours.sort(reverse=True)
    print("slowest imports after the plugin's (cumulative us):")
    for us, name in ours[:8]:
        print(f"  {us / 1000:7.1f} ms  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
