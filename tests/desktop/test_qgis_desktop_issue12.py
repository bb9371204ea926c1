"""Issue 12 in a real QGIS desktop (Xvfb, the plugin installed from its ZIP): the dock driven
with mouse clicks, the real confirmation dialog answered by clicking its buttons
(scripts/desktop_scenarios.py). Screenshots in artifacts/issue12_*.png."""

import os
import re

import pytest
from test_qgis_desktop import ARTIFACTS, ROOT, build_zip, needs_desktop, run_qgis

EXPECTED = {
    "issue12-a": [
        "13 tabs fit at the narrowest dock",
        "2 the question says what is sent",
        "2 nothing sent without a yes",
        "5 preview fresh",
        "2 twenty orders created",
        "5 preview out of date after sending",
        "1 filters leave the map selection alone",
        "5 preview out of date after a selection change",
        "2 live orders counted",
        "2 left out: nothing ordered twice",
        "6 name expression kept per layer",
        "6 compose never targets the result layer",
    ],
    "issue12-b": [
        "3 cancel says what Planet accepted",
        "3 header no longer claims everything was accepted",
        "3 the Not sent tile agrees with the words",
        "3 offers to cancel these orders",
        "3 the accepted orders were cancelled",
    ],
}


@pytest.mark.gui
@needs_desktop
@pytest.mark.parametrize("scenario", sorted(EXPECTED))
def test_issue12_in_real_qgis(tmp_path, scenario):
    os.makedirs(ARTIFACTS, exist_ok=True)
    shot = os.path.join(ARTIFACTS, f"{scenario}_end.png")
    done, log = run_qgis(
        {
            "PBT_SCENARIO": scenario,
            "PBT_QUIT": "1",
            "SHOT": shot,
            "ZIP": build_zip(tmp_path / "dist"),
            "PROFILE_DIR": str(tmp_path / "profiles"),
            "PBT_ARTIFACTS": ARTIFACTS,
            "PBT_SCRIPTS": os.path.join(ROOT, "scripts"),
        },
        tmp_path / "qgis.log",
    )
    assert done.returncode == 0, done.stdout + done.stderr + log[-3000:]
    assert "QGIS exited with code 0" in done.stdout
    checks = dict(re.findall(r"pbt-check: (.+?): (ok|FAILED.*)", log))
    failed = {k: v for k, v in checks.items() if v != "ok"}
    assert not failed, failed
    assert set(EXPECTED[scenario]) <= set(checks), set(EXPECTED[scenario]) - set(checks)
    assert f"pbt-scenario-end: {scenario} failed=[]" in log
