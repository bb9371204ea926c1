"""Settings: where orders go (Planet, the practice sandbox, a custom URL) and the API key.

Stored through core/settings.py (QgsSettings under ``planet_bulk_tasking/``): the endpoint
choice, the custom URL and the id of an authentication configuration. **Never the key**: the
key lives in QGIS's authentication database (Basic method, key as user name) or in PL_API_KEY.
"""

import os
from typing import Optional, Tuple

from qgis.core import QgsApplication
from qgis.gui import QgsAuthConfigSelect
from qgis.PyQt.QtCore import pyqtSignal
from qgis.PyQt.QtWidgets import (
    QButtonGroup,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..core import settings
from ..core.credentials import ENV_KEY, SETTINGS_PREFIX, key_from_authcfg
from ..core.services import PRACTICE_ENDPOINT, PRACTICE_KEY
from ..core.targets.parameters import MAX_WINDOW_DAYS
from ..core.tasking.api import PLANET_TASKING_URL
from .connection_check import ConnectionCheck

MODE_PLANET = "planet"
MODE_PRACTICE = "practice"
MODE_CUSTOM = "custom"
MODES = (MODE_PLANET, MODE_PRACTICE, MODE_CUSTOM)

HINT_STYLE = "color: palette(dark); margin-left: 22px;"

STATE_COLORS = {
    "valid": "#2e9e44",
    "invalid": "#d7301f",
    "forbidden": "#d7301f",
    "unreachable": "#e6a117",
}


class SettingsPanel(QWidget):
    changed = pyqtSignal()
    practice_changed = pyqtSignal(bool)
    connection_checked = pyqtSignal(str, str)  # state, message

    def __init__(self, parent=None, settings_prefix: str = SETTINGS_PREFIX, *, practice):
        """``practice``: the plugin's PracticeSandbox (core.services; shared, its owner
        stops it)."""
        super().__init__(parent)
        self._prefix = settings_prefix
        self.sandbox = practice
        self.check = ConnectionCheck(self)
        self.last_check: Tuple[str, str] = ("", "")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(8)

        box = QGroupBox(self.tr("Where orders go"))
        v = QVBoxLayout(box)
        self.mode_group = QButtonGroup(self)
        self.planet_radio = QRadioButton(self.tr("Planet Tasking API"))
        self.planet_radio.setToolTip(PLANET_TASKING_URL)
        self.practice_radio = QRadioButton(self.tr("Practice (local sandbox)"))  # README's words
        self.custom_radio = QRadioButton(self.tr("Custom address"))
        for i, radio in enumerate((self.planet_radio, self.practice_radio, self.custom_radio)):
            self.mode_group.addButton(radio, i)
            v.addWidget(radio)
        self.planet_url_label = QLabel(PLANET_TASKING_URL)
        self.planet_url_label.setStyleSheet(HINT_STYLE)
        v.insertWidget(1, self.planet_url_label)
        practice_hint = QLabel(
            self.tr("A simulator on this computer: no real orders, no key needed.")
        )
        practice_hint.setWordWrap(True)
        practice_hint.setStyleSheet(HINT_STYLE)
        v.insertWidget(3, practice_hint)
        self.custom_edit = QLineEdit()
        self.custom_edit.setPlaceholderText("https://…/tasking/v2")
        row = QHBoxLayout()
        row.setContentsMargins(22, 0, 0, 0)
        row.addWidget(self.custom_edit)
        v.addLayout(row)
        layout.addWidget(box)

        box = QGroupBox(self.tr("API key"))
        v = QVBoxLayout(box)
        self.auth_select = QgsAuthConfigSelect(self, "")
        v.addWidget(self.auth_select)
        hint = QLabel(
            self.tr(
                "Store your Planet API key in QGIS's authentication database: "
                "Basic authentication with the key as user name and an empty password. "
                "Without one, the {env} environment variable is used."
            ).format(env=ENV_KEY)
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: palette(dark);")
        v.addWidget(hint)
        self.key_status = QLabel()
        self.key_status.setWordWrap(True)
        v.addWidget(self.key_status)
        layout.addWidget(box)

        box = QGroupBox(self.tr("New orders"))
        row = QHBoxLayout(box)
        row.addWidget(QLabel(self.tr("Default window")))
        self.window_spin = QSpinBox()
        self.window_spin.setRange(1, MAX_WINDOW_DAYS)
        self.window_spin.setSuffix(self.tr(" days"))
        self.window_spin.setToolTip(
            self.tr(
                "How long an order's window lasts when you give no end time. Planet's "
                "Dashboard asks flexible orders for at least 14 days."
            )
        )
        row.addWidget(self.window_spin)
        row.addStretch(1)
        layout.addWidget(box)

        row = QHBoxLayout()
        self.test_button = QPushButton(
            QgsApplication.getThemeIcon("/mActionRefresh.svg"), self.tr("Test connection")
        )
        self.test_button.clicked.connect(self.test_connection)
        row.addWidget(self.test_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.check_label = QLabel()
        self.check_label.setWordWrap(True)
        layout.addWidget(self.check_label)
        layout.addStretch(1)

        self._load()
        self.mode_group.buttonClicked.connect(self._on_mode)
        self.custom_edit.editingFinished.connect(
            lambda: self._save(settings.ENDPOINT_MODE, settings.CUSTOM_URL)
        )
        self.custom_edit.textChanged.connect(lambda *_: self.changed.emit())
        self.auth_select.selectedConfigIdChanged.connect(self._on_authcfg)
        self.window_spin.valueChanged.connect(self._on_window_days)
        self._update()

    # -- persistence -----------------------------------------------------------------
    def _load(self):
        mode = settings.value(settings.ENDPOINT_MODE, MODE_PLANET, prefix=self._prefix)
        mode = mode if mode in MODES else MODE_PLANET
        self.custom_edit.setText(settings.value(settings.CUSTOM_URL, prefix=self._prefix))
        authcfg = settings.value(settings.AUTHCFG, prefix=self._prefix)
        if authcfg:
            self.auth_select.setConfigId(authcfg)
        self._set_mode_buttons(mode)
        self.window_spin.setValue(settings.window_days(prefix=self._prefix))

    def _save(self, *names):
        """Write the settings this change is about (all when none named): another panel
        (a second window, a stale one) writing what it shows must not undo this one's change."""
        current = {
            settings.ENDPOINT_MODE: lambda: self.mode(),
            settings.CUSTOM_URL: lambda: self.custom_edit.text().strip(),
            settings.AUTHCFG: lambda: self.auth_select.configId() or "",
            settings.WINDOW_DAYS: lambda: str(self.window_spin.value()),
        }
        for name in names or current:
            settings.set_value(name, current[name](), prefix=self._prefix)

    def _on_window_days(self, *_):
        self._save(settings.WINDOW_DAYS)
        self.changed.emit()

    def window_days(self) -> int:
        """The default window length for new orders, in days."""
        return self.window_spin.value()

    def _set_mode_buttons(self, mode):
        {
            MODE_PLANET: self.planet_radio,
            MODE_PRACTICE: self.practice_radio,
            MODE_CUSTOM: self.custom_radio,
        }[mode].setChecked(True)

    # -- endpoint ------------------------------------------------------------------------
    def mode(self) -> str:
        if self.practice_radio.isChecked():
            return MODE_PRACTICE
        if self.custom_radio.isChecked():
            return MODE_CUSTOM
        return MODE_PLANET

    def set_mode(self, mode: str, custom_url: Optional[str] = None):
        if custom_url is not None:
            self.custom_edit.setText(custom_url)
        self._set_mode_buttons(mode)
        self._on_mode()

    def is_practice(self) -> bool:
        return self.mode() == MODE_PRACTICE

    def _on_mode(self, *_):
        self._save(settings.ENDPOINT_MODE, settings.CUSTOM_URL)
        self._update()
        self._forget_check()
        self.practice_changed.emit(self.is_practice())
        self.changed.emit()

    def endpoint_problem(self) -> str:
        if self.mode() == MODE_CUSTOM:
            url = self.custom_edit.text().strip()
            if not url:
                return self.tr("Enter the custom API address in Settings.")
            from ..core.tasking.errors import UnsafeUrlError
            from ..core.tasking.http_safety import check_base_url

            try:
                check_base_url(url)
            except UnsafeUrlError as exc:
                return exc.user_message
        return ""

    def base_url(self) -> str:
        """The API base URL; in practice mode this starts the sandbox if needed."""
        mode = self.mode()
        if mode == MODE_PRACTICE:
            return self.sandbox.url()
        if mode == MODE_CUSTOM:
            return self.custom_edit.text().strip().rstrip("/")
        return PLANET_TASKING_URL

    def job_endpoint(self) -> str:
        """What a job records as its endpoint: the practice sandbox by name (its port
        changes from one session to the next), else the URL."""
        return PRACTICE_ENDPOINT if self.is_practice() else self.base_url()

    def endpoint_label(self) -> str:
        mode = self.mode()
        if mode == MODE_PRACTICE:
            return self.tr("the practice sandbox")
        if mode == MODE_CUSTOM:
            return self.custom_edit.text().strip()
        return self.tr("Planet")

    # -- key ----------------------------------------------------------------------------
    def _on_authcfg(self, *_):
        self._save(settings.AUTHCFG)
        self._update()
        self._forget_check()
        self.changed.emit()

    def authcfg(self) -> str:
        return self.auth_select.configId() or ""

    def authcfg_name(self) -> str:
        """The chosen configuration's name as the analyst gave it (its id otherwise)."""
        cfg = self.authcfg()
        try:
            config = QgsApplication.authManager().availableAuthMethodConfigs().get(cfg)
        except (AttributeError, RuntimeError):
            config = None
        return (config.name() if config is not None else "") or cfg

    def key_source(self) -> str:
        """'practice', 'authcfg', 'env' or '' (no key)."""
        if self.is_practice():
            return "practice"
        cfg = self.authcfg()
        if cfg and cfg in QgsApplication.authManager().configIds():
            return "authcfg"
        if os.environ.get(ENV_KEY, "").strip():
            return "env"
        return ""

    def key_problem(self) -> str:
        if self.key_source():
            return ""
        return self.tr(
            "No API key: choose an authentication configuration in Settings "
            "(or set {env}), or use practice mode."
        ).format(env=ENV_KEY)

    def api_key(self) -> Optional[str]:
        """Read the key now (from the auth database or the environment); never stored."""
        source = self.key_source()
        if source == "practice":
            return PRACTICE_KEY
        if source == "authcfg":
            key = key_from_authcfg(self.authcfg())
            if key:
                return key
        key = os.environ.get(ENV_KEY, "").strip()
        return key or None

    def _update(self):
        self.custom_edit.setEnabled(self.mode() == MODE_CUSTOM)
        source = self.key_source()
        text = {
            "practice": self.tr("Practice mode uses the sandbox's own key."),
            "authcfg": self.tr("Using the key from the chosen authentication configuration."),
            "env": self.tr("Using the key from the {env} environment variable.").format(
                env=ENV_KEY
            ),
            "": self.tr("No key configured."),
        }[source]
        self.key_status.setText(text)
        self.key_status.setStyleSheet("" if source else "color: #b2182b;")

    # -- connection test ---------------------------------------------------------------------
    def test_connection(self) -> bool:
        """Start a check on a worker thread; the answer arrives by connection_checked."""
        problem = self.endpoint_problem() or self.key_problem()
        if problem:
            self._show_check("invalid", problem)
            return False
        self.test_button.setEnabled(False)
        self.check_label.setStyleSheet("")
        self.check_label.setText(self.tr("Contacting {where}…").format(where=self.endpoint_label()))
        proxies = None
        if not self.is_practice():
            from ..core.qgis_proxy import proxies_from_qgis_settings

            proxies = proxies_from_qgis_settings()
        self.check.start(
            self.base_url(), self.api_key(), self._show_check, self._check_failed, proxies=proxies
        )
        return True

    def _forget_check(self):
        """A check said something about another endpoint or key: it no longer holds."""
        self.last_check = ("", "")
        self.check_label.clear()
        self.check_label.setStyleSheet("")

    def _check_failed(self, error):
        self._show_check("unreachable", getattr(error, "user_message", None) or str(error))

    def _show_check(self, state: str, message: str):
        self.test_button.setEnabled(True)
        words = {
            "valid": self.tr("Valid"),
            "invalid": self.tr("Invalid"),
            "forbidden": self.tr("Not allowed to task"),
            "unreachable": self.tr("Unreachable"),
        }.get(state, state)
        self.last_check = (state, message)
        self.check_label.setText(f"<b>{words}</b>: {message}")
        self.check_label.setStyleSheet(f"color: {STATE_COLORS.get(state, '#4d4d4d')};")
        self.connection_checked.emit(state, message)

    def shutdown(self):
        self.check.stop()
