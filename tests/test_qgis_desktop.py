"""Real QGIS desktop under Xvfb: the plugin installed from its ZIP into a fresh profile submits
QGIS's own contributors.json in practice mode; the screenshot of the finished job (with the
failed features selected on the map) is saved in artifacts/ for people to look at."""

import os
import shutil
import subprocess
import sys

import pytest
from qgis.PyQt.QtGui import QImage

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ARTIFACTS = os.path.join(ROOT, "artifacts")


@pytest.mark.gui
@pytest.mark.skipif(
    not shutil.which("qgis") or not shutil.which("Xvfb"),
    reason="needs the QGIS desktop and Xvfb (make deps installs them)",
)
def test_real_qgis_submits_in_practice_mode_and_shows_the_results(tmp_path):
    if not os.path.exists(os.path.join(ROOT, "resources_rc.py")):
        subprocess.run(["pyrcc5", "-o", "resources_rc.py", "resources.qrc"], cwd=ROOT, check=True)
    dist = tmp_path / "dist"
    zip_path = subprocess.run(
        [sys.executable, os.path.join(ROOT, "scripts", "package.py"), "--out", str(dist)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    os.makedirs(ARTIFACTS, exist_ok=True)
    shot = os.path.join(ARTIFACTS, "qgis_desktop_results.png")
    if os.path.exists(shot):
        os.remove(shot)
    env = dict(
        os.environ,
        PBT_DEMO="1",
        HEADLESS="1",
        SHOT=shot,
        ZIP=zip_path,
        PROFILE_DIR=str(tmp_path / "profiles"),
        LOG=str(tmp_path / "qgis.log"),
    )
    env.pop("QT_QPA_PLATFORM", None)
    done = subprocess.run(
        ["bash", os.path.join(ROOT, "scripts", "run_qgis.sh")],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    log = (
        (tmp_path / "qgis.log").read_text(errors="replace")
        if (tmp_path / "qgis.log").exists()
        else ""
    )
    assert done.returncode == 0, done.stdout + done.stderr + log[-3000:]
    assert f"Screenshot: {shot}" in done.stdout
    assert "submit refused" not in log
    image = QImage(shot)
    assert image.width() >= 1200 and image.height() >= 800
    # not a blank screen: the dock's colours and the map's points are there
    colours = {
        image.pixel(x, y) for x in range(0, image.width(), 23) for y in range(0, image.height(), 23)
    }
    assert len(colours) > 50
    profile = tmp_path / "profiles" / "profiles" / "planet_bulk_tasking_dev"
    assert (profile / "planet_bulk_tasking" / "jobs.sqlite").exists() or any(
        p.name == "jobs.sqlite" for p in profile.rglob("jobs.sqlite")
    )
