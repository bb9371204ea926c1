"""French translation: complete, in step with the sources, and loaded by the plugin."""

import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections import Counter

import pytest
import update_translations  # scripts/, put on sys.path by conftest.py
from qgis.core import QgsSettings
from qgis.PyQt.QtCore import QCoreApplication

TS = update_translations.ts_path("fr")
QM = TS[: -len(".ts")] + ".qm"
LOCALE_KEY = "locale/userLocale"

# {n}, {"key": "value"} ...; Qt's %n, %1, and QProgressBar's %v / %m / %p
PLACEHOLDER = re.compile(r"\{[^{}]*\}|%(?:n|v|m|p|L?\d+)")
TAG = re.compile(r"</?[A-Za-z][^<>]*>")


def _messages(path=TS):
    """[(context, source, <translation> element)] of a .ts file."""
    found = []
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name")
        for message in context.findall("message"):
            found.append((name, message.findtext("source"), message.find("translation")))
    return found


# -- (a) every message is translated, placeholders and tags kept ------------------------------
def test_every_message_is_translated():
    messages = _messages()
    assert len(messages) > 200
    problems = [
        f"[{context}] {source!r}"
        for context, source, t in messages
        if t is None or t.get("type") is not None or not (t.text or "").strip()
    ]
    assert not problems, "untranslated or unfinished in the French .ts:\n" + "\n".join(problems)


def test_translations_keep_placeholders_and_tags():
    problems = []
    for context, source, t in _messages():
        text = t.text or ""
        for pattern in (PLACEHOLDER, TAG):
            if Counter(pattern.findall(source)) != Counter(pattern.findall(text)):
                problems.append(f"[{context}] {source!r} -> {text!r}")
        # a leading space is part of the message (" captures", " and {n} more")
        if source.startswith(" ") != text.startswith(" "):
            problems.append(f"[{context}] leading space: {source!r} -> {text!r}")
    assert not problems, "\n".join(problems)


# -- (b) the .ts covers the current sources ---------------------------------------------------
@pytest.mark.skipif(shutil.which("pylupdate5") is None, reason="pylupdate5 is not installed")
def test_ts_covers_every_string_in_the_sources():
    extracted = update_translations.extract()  # pylupdate5 into a temporary .ts
    assert len(extracted) > 200
    committed = {(context, source) for context, source, _ in _messages()}
    missing = sorted(
        f"[{context}] {source!r}"
        for context, source, _ in extracted
        if (context, source) not in committed
    )
    assert not missing, (
        "strings in the sources that i18n/planet_bulk_tasking_fr.ts does not have: run "
        "`make translations-update`, then translate them:\n" + "\n".join(missing)
    )


def test_module_tr_wrappers_are_filed_under_their_runtime_context():
    """pylupdate5 files a bare tr("...") under @default; at run time the module wrappers use
    their own context, so the .ts must not have @default messages."""
    contexts = {context for context, _, _ in _messages()}
    assert "@default" not in contexts
    assert {"PlanetBulkTaskingPlugin", "PlanetBulkTasking", "PlanetBulkTaskingDock"} <= contexts


# -- (c) the plugin loads the French .qm ------------------------------------------------------
@pytest.fixture
def french_qm():
    """The compiled .qm next to the .ts (the plugin loads it from i18n/): `make build` makes
    it; compiled here when missing or older than the .ts."""
    if not os.path.exists(QM) or os.path.getmtime(QM) < os.path.getmtime(TS):
        lrelease = shutil.which("lrelease")
        if lrelease is None:
            pytest.skip("lrelease is not installed and the .qm is not built (make build)")
        subprocess.run([lrelease, "-silent", TS, "-qm", QM], check=True)
    return QM


@pytest.fixture
def french_locale():
    settings = QgsSettings()
    had = settings.contains(LOCALE_KEY)
    old = settings.value(LOCALE_KEY)
    settings.setValue(LOCALE_KEY, "fr_FR")
    yield
    if had:
        settings.setValue(LOCALE_KEY, old)
    else:
        settings.remove(LOCALE_KEY)


@pytest.fixture
def french_plugin(french_qm, french_locale, request):
    """loaded_plugin (classFactory + initGui), created once the locale is French; it is
    unloaded (translator removed) before the locale is restored."""
    return request.getfixturevalue("loaded_plugin")


def test_plugin_installs_the_french_translator(french_plugin):
    from planet_bulk_tasking.core.model.job import TargetStatus
    from planet_bulk_tasking.ui.status import order_status_label, status_label

    plugin = french_plugin
    assert plugin.translator is not None
    assert plugin.action.toolTip() == (
        "Envoyer les entités sélectionnées comme commandes de programmation Planet"
    )
    plugin.action.trigger()
    tabs = plugin.dock.tabs
    titles = [tabs.tabText(i) for i in range(tabs.count())]
    assert titles == ["Composition", "Résultats", "Tâches", "Paramètres"]
    assert plugin.dock.submit_button.text() == "Envoyer les commandes"
    # module-level tr() wrappers (own context), not only self.tr()
    assert status_label(TargetStatus.SKIPPED) == "Ignorée"
    assert order_status_label("FULFILLED") == "Réalisée"

    # every message of the .ts comes out of the installed translator as written
    wrong = [
        f"[{context}] {source!r}"
        for context, source, t in _messages()
        if QCoreApplication.translate(context, source) != t.text
    ]
    assert not wrong, "the .qm is out of step with the .ts (make build):\n" + "\n".join(wrong)

    plugin.unload()
    assert plugin.translator is None
    assert QCoreApplication.translate("PlanetBulkTaskingDock", "Results") == "Results"


def test_english_when_the_locale_has_no_translation(qgis_iface, main_window, plugin_data_dir):
    import planet_bulk_tasking

    settings = QgsSettings()
    had, old = settings.contains(LOCALE_KEY), settings.value(LOCALE_KEY)
    settings.setValue(LOCALE_KEY, "xx_XX")
    try:
        plugin = planet_bulk_tasking.classFactory(qgis_iface)
        plugin.initGui()
        try:
            assert plugin.translator is None
            plugin.action.trigger()
            assert plugin.dock.tabs.tabText(1) == "Results"
        finally:
            plugin.unload()
    finally:
        if had:
            settings.setValue(LOCALE_KEY, old)
        else:
            settings.remove(LOCALE_KEY)
