"""Qt6 / QGIS 4 readiness check for the plugin's runtime code (run by `make lint`).

Fails on:
  - unscoped enum values (``Qt.UserRole``, ``QMessageBox.Yes``, ``Qgis.Warning``): Qt6 only
    knows ``Qt.ItemDataRole.UserRole``...; PyQt5 5.15 accepts the scoped form too;
  - ``exec_()`` (gone in PyQt6: ``exec()``);
  - ``QVariant`` type constants (``QVariant.String``, ``QVariant.Type.Int``): use
    ``core/qgis_compat.py``;
  - ``PyQt5`` imports (go through ``qgis.PyQt``).

Enums are found by introspection, not by a list: each ``Name.attr`` whose ``Name`` was imported
from ``qgis.PyQt.*``, ``qgis.core`` or ``qgis.gui`` is looked up in the running PyQt/PyQGIS, and
flagged when ``attr`` is an enum value reached through its class instead of through its enum.
So new code is checked as precisely as old code.

    python3 scripts/check_qt6.py [--fix] [paths...]     (default: the plugin's runtime files)

``--fix`` rewrites unscoped enums to their scoped form, ``exec_(`` to ``exec(``, and, in the
plugin's own files, field types (``QVariant.String`` -> ``field_type("string")``, importing it
from core/qgis_compat.py); then run ``ruff check --fix .`` for imports left unused. PyQt5
imports and other QVariant constants need a person. A line ending in ``# qt6: ok`` is skipped.
"""

import argparse
import ast
import enum
import importlib
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUNTIME = [
    "__init__.py",
    "plugin.py",
    "core",
    "ui",
    "sandbox",
    "processing",
    "scripts/qgis_startup.py",
]
SKIP_FILES = {"resources_rc.py"}
QT_MODULES = ("qgis.PyQt", "qgis.core", "qgis.gui", "qgis.analysis")
PRAGMA = "# qt6: ok"
#: QVariant type constant -> core/qgis_compat.field_type() kind
FIELD_KINDS = {
    "String": "string",
    "Int": "int",
    "LongLong": "int64",
    "Double": "double",
    "Bool": "bool",
    "DateTime": "datetime",
    "Date": "date",
}


def runtime_files(paths):
    for path in paths:
        full = os.path.join(ROOT, path) if not os.path.isabs(path) else path
        if os.path.isfile(full) and full.endswith(".py"):
            yield full
        elif os.path.isdir(full):
            for dirpath, dirnames, filenames in os.walk(full):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "__")))
                for name in sorted(filenames):
                    if name.endswith(".py") and name not in SKIP_FILES:
                        yield os.path.join(dirpath, name)


def _is_enum_type(obj) -> bool:
    if not isinstance(obj, type):
        return False
    if issubclass(obj, enum.Enum):
        return True
    return type(obj).__name__ == "enumtype"  # sip's enums (PyQt5)


def _is_enum_value(obj) -> bool:
    return _is_enum_type(type(obj))


def _imported_names(tree):
    """Names bound by `from qgis.PyQt.X import A` / `import qgis.core` -> objects."""
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(QT_MODULES):
                    try:
                        module = importlib.import_module(alias.name)
                    except Exception:  # noqa: S112
                        continue
                    bound = alias.asname or alias.name.split(".")[0]
                    names[bound] = module if alias.asname else sys.modules[bound]
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if not node.module.startswith(QT_MODULES):
                continue
            try:
                module = importlib.import_module(node.module)
            except Exception:  # noqa: S112 - a module this QGIS lacks: nothing to resolve
                continue
            for alias in node.names:
                obj = getattr(module, alias.name, None)
                if obj is None:
                    try:
                        obj = importlib.import_module(f"{node.module}.{alias.name}")
                    except Exception:  # noqa: S112
                        continue
                names[alias.asname or alias.name] = obj
    return names


def _resolve(node, names):
    if isinstance(node, ast.Name):
        return names.get(node.id)
    if isinstance(node, ast.Attribute):
        base = _resolve(node.value, names)
        return getattr(base, node.attr, None) if base is not None else None
    return None


def _scoped(cls, attr, value):
    """'EnumName' such that cls.EnumName.attr is value, or None."""
    enum_name = type(value).__name__
    holder = getattr(cls, enum_name, None)
    if holder is not None and getattr(holder, attr, None) == value:
        return enum_name
    return None


def _elsewhere(value):
    """The enum moved to another class (QGIS moved many into Qgis): its own scoped name."""
    kind = type(value)
    for name in dir(kind):
        if not name.startswith("_") and getattr(kind, name, None) == value:
            return f"{kind.__qualname__}.{name}"
    return "no scoped name found"


class Finding:
    def __init__(self, path, node, message, replacement=None):
        self.path, self.line, self.col = path, node.lineno, node.col_offset
        self.end_line, self.end_col = node.end_lineno, node.end_col_offset
        self.message, self.replacement = message, replacement

    def __str__(self):
        return f"{os.path.relpath(self.path, ROOT)}:{self.line}:{self.col + 1}: {self.message}"


def check_source(path, source):
    tree = ast.parse(source, path)
    names = _imported_names(tree)
    lines = source.splitlines()
    found = []
    for node in ast.walk(tree):
        found.extend(_check_node(path, node, names))
    found.sort(key=lambda f: (f.line, f.col))
    return [f for f in found if not lines[f.line - 1].rstrip().endswith(PRAGMA)]


def _check_node(path, node, names):
    if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "PyQt5":
        yield Finding(path, node, f"PyQt5 import: use qgis.PyQt.{node.module.split('.', 1)[-1]}")
    elif isinstance(node, ast.Import):
        for alias in node.names:
            if alias.name.split(".")[0] == "PyQt5":
                yield Finding(path, node, "PyQt5 import: use qgis.PyQt")
    elif isinstance(node, ast.Attribute):
        yield from _check_attribute(path, node, names)


def _check_attribute(path, node, names):
    if node.attr == "exec_":
        yield Finding(path, node, "exec_(): use exec()", "exec")
        return
    base = _resolve(node.value, names)
    if base is None or not isinstance(base, type):
        return
    if getattr(base, "__name__", "") == "QVariant" and node.attr not in ("isNull", "value"):
        if _is_enum_value(getattr(base, node.attr, None)):  # QVariant.Type.X: flagged below
            yield _variant_finding(path, node, f"QVariant.{node.attr}")
        return
    if isinstance(node.value, ast.Attribute) and _is_enum_type(base):
        owner = _resolve(node.value.value, names)
        if getattr(owner, "__name__", "") == "QVariant":
            yield _variant_finding(path, node, "QVariant.Type")
        elif not hasattr(base, node.attr):
            text = ast.unparse(node)
            yield Finding(path, node, f"{text} does not exist in this Qt/QGIS")
        return  # already scoped
    if _is_enum_type(base):
        return
    try:
        value = getattr(base, node.attr)
    except Exception:
        return
    if not _is_enum_value(value):
        return
    enum_name = _scoped(base, node.attr, value)
    text = ast.unparse(node.value)
    if enum_name is None:
        hint = _elsewhere(value)
        yield Finding(path, node, f"unscoped enum {text}.{node.attr}: {hint} (by hand)")
    else:
        scoped = f"{text}.{enum_name}.{node.attr}"
        yield Finding(path, node, f"unscoped enum {text}.{node.attr}: {scoped}", scoped)


def _variant_finding(path, node, text):
    kind = FIELD_KINDS.get(node.attr)
    replacement = f'field_type("{kind}")' if kind and _compat_import(path) else None
    return Finding(path, node, f"{text}: use core/qgis_compat.py (QMetaType)", replacement)


def _compat_import(path):
    """The import of field_type for a module of the plugin, or None outside it."""
    rel = os.path.relpath(os.path.abspath(path), ROOT)
    if rel.startswith("..") or rel.split(os.sep)[0] in ("tests", "bench", "scripts"):
        return None
    dots = "." * rel.count(os.sep)
    if rel.startswith("core" + os.sep):
        return "from .qgis_compat import field_type\n"
    return f"from .{dots}core.qgis_compat import field_type\n"


def _add_import(path, source):
    """field_type imported after the module's last top-level import (ruff sorts them)."""
    tree = ast.parse(source)
    if any(
        isinstance(n, ast.ImportFrom) and any(a.name == "field_type" for a in n.names)
        for n in tree.body
    ):
        return source
    imports = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    at = imports[-1].end_lineno if imports else 0
    lines = source.splitlines(keepends=True)
    lines.insert(at, _compat_import(path))
    return "".join(lines)


def fix_source(source, findings, path=None):
    """Apply the replacements, last first so offsets stay valid (one line per node)."""
    lines = source.splitlines(keepends=True)
    fixable = [f for f in findings if f.replacement and f.line == f.end_line]
    for f in sorted(fixable, key=lambda f: (f.line, f.col), reverse=True):
        line = lines[f.line - 1]
        raw = line.encode()  # ast offsets are UTF-8 byte offsets
        if f.replacement == "exec":
            start = raw.rfind(b"exec_", 0, f.end_col)
            raw = raw[:start] + b"exec" + raw[start + 5 :]
        else:
            raw = raw[: f.col] + f.replacement.encode() + raw[f.end_col :]
        lines[f.line - 1] = raw.decode()
    fixed = "".join(lines)
    if any(f.replacement.startswith("field_type(") for f in fixable):
        fixed = _add_import(path, fixed)
    return fixed, len(fixable)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fix", action="store_true", help="rewrite enums and exec_ in place")
    parser.add_argument("paths", nargs="*", default=RUNTIME)
    args = parser.parse_args(argv)
    remaining, fixed = [], 0
    for path in runtime_files(args.paths):
        with open(path, encoding="utf-8") as fh:
            source = fh.read()
        findings = check_source(path, source)
        if args.fix and findings:
            new_source, n = fix_source(source, findings, path)
            if n:
                with open(path, "w", encoding="utf-8") as fh:
                    fh.write(new_source)
                fixed += n
                findings = check_source(path, new_source)
        remaining.extend(findings)
    for finding in remaining:
        print(finding)
    if args.fix:
        print(f"check_qt6: fixed {fixed}", file=sys.stderr)
    if remaining:
        print(f"check_qt6: {len(remaining)} Qt6/QGIS 4 problem(s)", file=sys.stderr)
        return 1
    print("check_qt6: clean", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
