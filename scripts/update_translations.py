"""Refresh i18n/planet_bulk_tasking_<locale>.ts from the sources, keeping the translations.

``make translations-update`` runs it (default locale: every i18n/*.ts there is, else fr).

pylupdate5 extracts ``self.tr("...")``, ``tr("...")`` and
``QCoreApplication.translate("Context", "...")`` calls with literal strings. It files
``self.tr`` under the class name, which is also what PyQt uses at run time, but it files a
bare ``tr("...")`` under ``@default``, while the module's ``tr`` wrapper translates in its own
context (``QCoreApplication.translate("PlanetBulkTaskingPlugin", text)``). A message filed
under the wrong context is never found at run time, so ``@default`` messages are moved to
the context their file really uses (read from the file's wrapper, or FILE_CONTEXTS).

Because of that move, the merge with the existing translations happens here rather than in
pylupdate5: a fresh ``pylupdate5 -noobsolete`` extraction into a temporary file, then each
message takes the translation it had (same context, source and comment). Messages that are
gone are dropped; new ones are empty and ``type="unfinished"``; a source already translated
in another context gets that translation as a suggestion, still unfinished, to review.

Usage: python3 scripts/update_translations.py [locale ...]
"""

import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
I18N = os.path.join(ROOT, "i18n")
PLUGIN_ID = "planet_bulk_tasking"
SOURCE_GLOBS = ["plugin.py", "ui/*.py", "core/*.py", "core/*/*.py", "processing/*.py"]
DEFAULT_LOCALES = ["fr"]

#: files whose bare ``tr`` is not a module wrapper pylupdate5 could be read from: the
#: context the strings are really translated in at run time.
FILE_CONTEXTS = {
    # confirm_forget_text(tr, summary) is called with the dock's self.tr
    "ui/jobs_panel.py": "PlanetBulkTaskingDock",
}

_WRAPPER = re.compile(r"^def tr\(.*?QCoreApplication\.translate\(\s*([^,]+?)\s*,", re.M | re.S)


def ts_path(locale: str) -> str:
    return os.path.join(I18N, f"{PLUGIN_ID}_{locale}.ts")


def source_files():
    """Repository-relative paths of the sources that call tr()/translate()."""
    files = []
    for pattern in SOURCE_GLOBS:
        for path in sorted(glob.glob(os.path.join(ROOT, pattern))):
            with open(path, encoding="utf-8") as f:
                text = f.read()
            if re.search(r"\btr\(|\btranslate\(", text):
                files.append(os.path.relpath(path, ROOT))
    return files


def module_context(rel_path: str):
    """The context a module's bare tr() translates in, or None."""
    if rel_path in FILE_CONTEXTS:
        return FILE_CONTEXTS[rel_path]
    with open(os.path.join(ROOT, rel_path), encoding="utf-8") as f:
        text = f.read()
    match = _WRAPPER.search(text)
    if not match:
        return None
    arg = match.group(1)
    if arg[0] in "\"'":
        return arg.strip("\"'")
    constant = re.search(rf"^{re.escape(arg)}\s*=\s*[\"']([^\"']+)[\"']", text, re.M)
    return constant.group(1) if constant else None


def _key(context: str, message) -> tuple:
    comment = message.findtext("comment") or ""
    return context, message.findtext("source") or "", comment


def extract():
    """Run pylupdate5 on the sources; return {(context, source, comment): [locations]} in
    extraction order, with locations as (path relative to i18n/, line)."""
    pylupdate5 = shutil.which("pylupdate5")
    if pylupdate5 is None:
        sys.exit("pylupdate5 is missing: apt-get install pyqt5-dev-tools")
    files = source_files()
    env = dict(os.environ, LC_ALL="C.UTF-8")  # pylupdate5 reads sources in the locale's encoding
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "extract.ts")
        subprocess.run(
            [pylupdate5, "-noobsolete", *files, "-ts", out],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        root = ET.parse(out).getroot()
        messages = {}
        problems = []
        for context in root.iter("context"):
            name = context.findtext("name")
            for message in context.findall("message"):
                for loc in message.findall("location") or [None]:
                    if loc is None:
                        rel, line = "", ""
                    else:
                        absolute = os.path.normpath(os.path.join(tmp, loc.get("filename")))
                        rel, line = os.path.relpath(absolute, ROOT), loc.get("line", "")
                    target = name
                    if name == "@default":
                        target = module_context(rel)
                        if target is None:
                            problems.append(f"{rel}:{line}: {message.findtext('source')!r}")
                            continue
                    key = _key(target, message)
                    where = (os.path.relpath(os.path.join(ROOT, rel), I18N), line)
                    messages.setdefault(key, [])
                    if where not in messages[key]:
                        messages[key].append(where)
    if problems:
        sys.exit(
            "These tr() calls have no known context (add their file to FILE_CONTEXTS in "
            "scripts/update_translations.py):\n  " + "\n  ".join(problems)
        )
    return messages


def read_ts(path: str) -> dict:
    """{(context, source, comment): <translation> element} of an existing .ts."""
    if not os.path.exists(path):
        return {}
    found = {}
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name")
        for message in context.findall("message"):
            found[_key(name, message)] = message.find("translation")
    return found


def build_ts(locale: str, messages: dict, old: dict) -> ET.Element:
    by_source = {}
    for (_, source, _), translation in old.items():
        if translation is not None and translation.text and translation.get("type") is None:
            by_source.setdefault(source, translation.text)
    root = ET.Element("TS", {"version": "2.1", "language": locale, "sourcelanguage": "en"})
    contexts = {}
    for key, locations in messages.items():
        contexts.setdefault(key[0], []).append((key, locations))
    for name in sorted(contexts):
        context = ET.SubElement(root, "context")
        ET.SubElement(context, "name").text = name
        for (_, source, comment), locations in contexts[name]:
            message = ET.SubElement(context, "message")
            for filename, line in locations:
                ET.SubElement(message, "location", {"filename": filename, "line": line})
            ET.SubElement(message, "source").text = source
            if comment:
                ET.SubElement(message, "comment").text = comment
            previous = old.get((name, source, comment))
            translation = ET.SubElement(message, "translation")
            status = None if previous is None else previous.get("type")
            if previous is not None and previous.text and status in (None, "unfinished"):
                translation.text = previous.text
                if status:
                    translation.set("type", status)
            else:
                translation.text = by_source.get(source)
                translation.set("type", "unfinished")
    return root


def write_ts(root: ET.Element, path: str):
    ET.indent(root, space="    ")
    body = ET.tostring(root, encoding="unicode")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n')
        f.write(body + "\n")


def update(locale: str, messages=None) -> dict:
    messages = extract() if messages is None else messages
    path = ts_path(locale)
    root = build_ts(locale, messages, read_ts(path))
    write_ts(root, path)
    unfinished = sum(1 for t in root.iter("translation") if t.get("type") == "unfinished")
    return {
        "path": os.path.relpath(path, ROOT),
        "messages": len(messages),
        "unfinished": unfinished,
    }


def main(argv):
    locales = (
        argv
        or sorted(
            os.path.basename(p)[len(PLUGIN_ID) + 1 : -3]
            for p in glob.glob(os.path.join(I18N, f"{PLUGIN_ID}_*.ts"))
        )
        or DEFAULT_LOCALES
    )
    messages = extract()
    for locale in locales:
        info = update(locale, messages)
        print(f"{info['path']}: {info['messages']} messages, {info['unfinished']} unfinished")


if __name__ == "__main__":
    main(sys.argv[1:])
