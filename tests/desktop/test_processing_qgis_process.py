"""``qgis_process run planet_bulk_tasking:submit_orders`` headless, with the plugin installed
from the ZIP into a temporary profile, the key from PL_API_KEY, against a sandbox on
127.0.0.1 started here. (Debian 12's ``qgis_process`` wrapper passes a flag 3.22 rejects:
the binary is called directly.)"""

import os
import sqlite3
import subprocess
import sys
import zipfile

import pytest
from qgis.core import QgsVectorLayer
from support import SANDBOX_KEY, server_orders

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
QGIS_PROCESS = "/usr/bin/qgis_process.bin"
CONTRIBUTORS = "/usr/share/qgis/resources/data/contributors.json"


@pytest.fixture(scope="module")
def installed_plugin(tmp_path_factory):
    """The ZIP from scripts/package.py unpacked into a plugin folder, and a profile that
    enables the plugin (qgis_process loads enabled plugins with a Processing provider)."""
    if not os.path.exists(os.path.join(ROOT, "resources_rc.py")):
        subprocess.run(["pyrcc5", "-o", "resources_rc.py", "resources.qrc"], cwd=ROOT, check=True)
    base = tmp_path_factory.mktemp("qgis_process")
    done = subprocess.run(
        [sys.executable, os.path.join(ROOT, "scripts", "package.py"), "--out", str(base / "dist")],
        check=True,
        capture_output=True,
        text=True,
    )
    plugins = base / "plugins"
    zipfile.ZipFile(done.stdout.strip()).extractall(plugins)
    config = base / "config"
    ini = config / "profiles" / "default" / "QGIS" / "QGIS3.ini"
    ini.parent.mkdir(parents=True)
    subprocess.run(
        ["/usr/bin/python3", os.path.join(ROOT, "scripts", "profile_settings.py"), str(ini)],
        check=True,
    )
    return base, plugins, config


def qgis_process(base, plugins, config, *args, timeout=180):
    env = dict(
        os.environ,
        QGIS_PLUGINPATH=str(plugins),
        QGIS_CUSTOM_CONFIG_PATH=str(config),
        QT_QPA_PLATFORM="offscreen",
        HOME=str(base / "home"),
        PL_API_KEY=SANDBOX_KEY,
    )
    return subprocess.run(
        [QGIS_PROCESS, *args], env=env, capture_output=True, text=True, timeout=timeout
    )


@pytest.mark.skipif(not os.path.exists(QGIS_PROCESS), reason="qgis_process is not installed")
def test_qgis_process_submits_contributors_json(installed_plugin, make_sandbox):
    base, plugins, config = installed_plugin
    listed = qgis_process(base, plugins, config, "list")
    assert "planet_bulk_tasking:submit_orders" in listed.stdout, listed.stderr[-2000:]
    assert "planet_bulk_tasking:refresh_orders" in listed.stdout

    sandbox = make_sandbox()
    out = base / "orders.gpkg"
    done = qgis_process(
        base,
        plugins,
        config,
        "run",
        "planet_bulk_tasking:submit_orders",
        "--",
        f"INPUT={CONTRIBUTORS}",
        f"ENDPOINT={sandbox.base_url}",
        f"OUTPUT={out}",
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "orders created" in done.stdout

    source = QgsVectorLayer(CONTRIBUTORS, "contributors", "ogr")
    expected = {f.id(): f["name"] for f in source.getFeatures()}  # 63 on 3.22, 74 on 3.40
    assert len(expected) > 50
    result = QgsVectorLayer(str(out), "orders", "ogr")
    assert result.isValid()
    rows = [{n: f[n] for n in result.fields().names()} for f in result.getFeatures()]
    assert len(rows) == len(expected)  # one row per feature
    assert {r["feature_id"] for r in rows} == set(expected)
    assert all(r["name"] == expected[r["feature_id"]] for r in rows)
    assert all(r["status"] == "succeeded" and r["order_id"] for r in rows)
    assert {r["order_id"] for r in rows} == {o["id"] for o in server_orders(sandbox.base_url)}
    assert len({r["order_id"] for r in rows}) == len(expected)
    assert SANDBOX_KEY not in done.stdout + done.stderr  # the key is never printed

    # recorded in the profile's job store, like a dock job (the Jobs tab lists it)
    db = config / "profiles" / "default" / "planet_bulk_tasking" / "jobs.sqlite"
    with sqlite3.connect(str(db)) as conn:
        states = conn.execute("SELECT state FROM jobs").fetchall()
        orders = conn.execute("SELECT COUNT(*) FROM targets WHERE order_id IS NOT NULL").fetchone()
    assert states == [("done",)] and orders[0] == len(expected)
