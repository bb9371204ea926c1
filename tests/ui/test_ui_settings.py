"""Settings panel: endpoint choice persisted (never the key), key sources, connection test
off the main thread."""

import time

import pytest
from planet_bulk_tasking.core.services import PracticeSandbox
from planet_bulk_tasking.core.tasking.api import PLANET_TASKING_URL
from planet_bulk_tasking.ui import settings_panel
from planet_bulk_tasking.ui.settings_panel import SettingsPanel
from qgis.core import QgsSettings
from support import process_until

pytestmark = pytest.mark.usefixtures("no_plugin_settings")


@pytest.fixture
def panels(tmp_path):
    """Settings panels on one practice sandbox, as the dock's is the plugin's."""
    practice = PracticeSandbox(db_path=str(tmp_path / "practice.sqlite"))
    made = []

    def make():
        p = SettingsPanel(practice=practice)
        made.append(p)
        return p

    yield make
    for p in made:
        p.shutdown()
        assert not p.check.running()
        p.deleteLater()
    practice.stop()  # its owner (the plugin's services) stops it
    assert not practice.running


def stored_values():
    s = QgsSettings()
    s.beginGroup("planet_bulk_tasking")
    out = {k: s.value(k) for k in s.allKeys()}
    s.endGroup()
    return out


def test_defaults_to_planet(panels):
    p = panels()
    assert p.mode() == settings_panel.MODE_PLANET
    assert p.base_url() == PLANET_TASKING_URL
    assert "No API key" in p.key_problem()
    assert not p.sandbox.running


def test_settings_persist_without_the_key(panels, monkeypatch):
    monkeypatch.setenv("PL_API_KEY", "secret-key-123")
    p = panels()
    p.set_mode(settings_panel.MODE_CUSTOM, "http://127.0.0.1:8080/tasking/v2")
    p.custom_edit.editingFinished.emit()
    assert p.key_source() == "env" and p.api_key() == "secret-key-123"
    values = stored_values()
    assert values["endpoint_mode"] == "custom"
    assert values["custom_url"] == "http://127.0.0.1:8080/tasking/v2"
    assert all("secret-key-123" not in str(v) for v in values.values())
    assert set(values) <= {"endpoint_mode", "custom_url", "authcfg", "export_dir", "window_days"}
    q = panels()
    assert q.mode() == settings_panel.MODE_CUSTOM
    assert q.base_url() == "http://127.0.0.1:8080/tasking/v2"
    q.set_mode(settings_panel.MODE_PRACTICE)
    assert panels().mode() == settings_panel.MODE_PRACTICE


def test_key_from_auth_config_wins_over_env(panels, monkeypatch):
    """The key is read from the auth database (Basic, key as user name) when needed."""
    monkeypatch.setenv("PL_API_KEY", "env-key")

    class FakeConfig:
        def __init__(self):
            self.values = {}

        def config(self, name):
            return self.values.get(name, "")

        def method(self):
            return "Basic"

    class FakeAuthManager:
        calls = []

        def configIds(self):  # noqa: N802
            return ["pbt0001"]

        def loadAuthenticationConfig(self, cfg_id, cfg, full):  # noqa: N802
            self.calls.append((cfg_id, full))
            cfg = FakeConfig()
            cfg.values["username"] = "key-from-authdb"
            return True, cfg

    class FakeApp:
        manager = FakeAuthManager()

        @classmethod
        def authManager(cls):  # noqa: N802
            return cls.manager

        getThemeIcon = staticmethod(settings_panel.QgsApplication.getThemeIcon)

    from planet_bulk_tasking.core import credentials

    # the key is read by core.credentials (the same lookup the job manager uses)
    monkeypatch.setattr(credentials, "QgsAuthMethodConfig", FakeConfig)
    monkeypatch.setattr(credentials, "QgsApplication", FakeApp)
    p = panels()
    monkeypatch.setattr(settings_panel, "QgsApplication", FakeApp)
    monkeypatch.setattr(SettingsPanel, "authcfg", lambda self: "pbt0001")
    assert p.key_source() == "authcfg"
    assert p.api_key() == "key-from-authdb"
    assert FakeAuthManager.calls == [("pbt0001", True)]
    monkeypatch.setattr(SettingsPanel, "authcfg", lambda self: "")
    assert p.api_key() == "env-key"


def test_authcfg_id_is_what_is_stored(panels):
    p = panels()
    p.auth_select.setConfigId("abc1234")
    assert stored_values().get("authcfg", "") == p.authcfg()


@pytest.mark.parametrize(
    "key, state, words",
    [
        ("sandbox-key", "valid", "Valid"),
        ("no-tasking-key", "forbidden", "Not allowed to task"),
        ("wrong-key", "invalid", "Invalid"),
    ],
)
def test_connection_check_states(panels, sandbox, monkeypatch, key, state, words):
    monkeypatch.setenv("PL_API_KEY", key)
    p = panels()
    p.set_mode(settings_panel.MODE_CUSTOM, sandbox.base_url)
    got = []
    p.connection_checked.connect(lambda s, m: got.append((s, m)))
    assert p.test_connection()
    assert not got  # the answer comes later, by signal
    assert process_until(lambda: got, 20.0)
    assert got[0][0] == state
    assert p.check_label.text().startswith(f"<b>{words}</b>")
    assert key not in p.check_label.text()


def test_connection_check_unreachable_without_blocking(panels, monkeypatch):
    monkeypatch.setenv("PL_API_KEY", "k")
    p = panels()
    p.set_mode(settings_panel.MODE_CUSTOM, "http://127.0.0.1:9/tasking/v2")
    got = []
    p.connection_checked.connect(lambda s, m: got.append(s))
    t0 = time.monotonic()
    assert p.test_connection()
    assert time.monotonic() - t0 < 0.5
    assert "Contacting" in p.check_label.text()
    assert process_until(lambda: got, 30)
    assert got == ["unreachable"]


def test_practice_connection_uses_sandbox(panels):
    p = panels()
    p.set_mode(settings_panel.MODE_PRACTICE)
    assert p.key_problem() == ""
    got = []
    p.connection_checked.connect(lambda s, m: got.append(s))
    assert p.test_connection()
    assert p.sandbox.running
    assert process_until(lambda: got, 20.0)
    assert got == ["valid"]
