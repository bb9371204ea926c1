"""Fixtures every tier may use: none of them imports QGIS or Qt (tests/unit relies on it).
Those that need QGIS are in qgis_fixtures.py, loaded by the conftest.py of tests/qgis,
tests/ui and tests/desktop. pytest-qgis (QgsApplication, a fake iface) serves those tiers;
``make test-unit`` runs tests/unit without it."""

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

sys.path.insert(
    0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "scripts")
)
import plugin_path  # noqa: E402

plugin_path.ensure_importable()
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # the helpers: support.py...

import pytest  # noqa: E402

QGIS_DATA = "/usr/share/qgis/resources/data"


@pytest.fixture(scope="session")
def qgis_data_dir():
    return QGIS_DATA


@pytest.fixture(scope="session")
def contributors_count(qgis_data_dir):
    """How many features QGIS's own contributors.json has: 63 with QGIS 3.22, 74 with 3.40.
    Tests read it from the data, so they mean the same on every QGIS version."""
    import json

    with open(os.path.join(qgis_data_dir, "contributors.json"), encoding="utf-8") as fh:
        return len(json.load(fh)["features"])


@pytest.fixture
def server():
    """``server(handler)``: a hostile test server (tests/hostile_server.py), closed afterwards."""
    from hostile_server import HostileServer

    made = []

    def make(handler=None):
        srv = HostileServer(handler)
        made.append(srv)
        return srv

    yield make
    for srv in made:
        srv.close()


@pytest.fixture(autouse=True)
def _fresh_endpoint_facts():
    """What a client learnt about an endpoint (id__in, bulk edit...) is kept per base URL for
    the session: a new sandbox may reuse an old one's port, so every test starts afresh."""
    from planet_bulk_tasking.core.tasking.facts import ENDPOINT_FACTS

    ENDPOINT_FACTS.forget()
    yield


@pytest.fixture
def make_sandbox():
    """Start sandboxes on free loopback ports; all are stopped at teardown."""
    from planet_bulk_tasking.sandbox import SandboxServer

    started = []

    def _make(**kw):
        kw.setdefault("rate_limit", 1000.0)
        kw.setdefault("processing_rate", 5000.0)
        srv = SandboxServer(**kw)
        srv.start()
        started.append(srv)
        return srv

    yield _make
    for srv in started:
        srv.stop()


@pytest.fixture
def sandbox(make_sandbox):
    return make_sandbox()
