"""The unit tier's rule, read from the sources: no module of tests/unit, no helper it imports,
no plugin module those load, and no fixture its tests use imports QGIS or Qt. (``make
test-unit`` also runs the tier with imports of QGIS and Qt refused: see conftest.py.)"""

import ast
import importlib.util
import os

TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(TESTS)
UNIT = os.path.join(TESTS, "unit")
PLUGIN = "planet_bulk_tasking"
QT_PACKAGES = {"qgis", "PyQt5", "PyQt6", "sip"}


def _tree(path):
    with open(path, encoding="utf-8") as fh:
        return ast.parse(fh.read(), path)


def _imports(path, package, module_level_only):
    """(module name, line) of every import in the file; relative ones made absolute."""
    tree = _tree(path)
    nodes = tree.body if module_level_only else ast.walk(tree)
    for node in nodes:
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module
            yield name, node.lineno
            for alias in node.names:  # "from . import x" may name a module
                yield f"{name}.{alias.name}", node.lineno


def _plugin_file(name):
    """planet_bulk_tasking.a.b -> its file in the repository, or None (not a module)."""
    path = os.path.join(ROOT, *name.split(".")[1:])
    if os.path.isdir(path):
        return os.path.join(path, "__init__.py")
    return path + ".py" if os.path.exists(path + ".py") else None


def _chain_to_qt(name, seen):
    """The import chain from module ``name`` to QGIS/Qt, or None. Plugin modules are followed
    through what they import when loaded (their module-level imports) and their packages."""
    if name.split(".")[0] in QT_PACKAGES:
        return [name]
    if not name.startswith(PLUGIN) or name in seen:
        return None
    seen.add(name)
    path = _plugin_file(name)
    if path is None:
        return None
    parents = [name.rsplit(".", 1)[0]] if "." in name else []
    package = name if path.endswith("__init__.py") else name.rsplit(".", 1)[0]
    for imported in parents + [n for n, _ in _imports(path, package, module_level_only=True)]:
        chain = _chain_to_qt(imported, seen)
        if chain:
            return [name] + chain
    return None


def _helper_file(name):
    path = os.path.join(TESTS, name.split(".")[0] + ".py")
    return path if os.path.exists(path) else None


def _unit_modules():
    return sorted(
        os.path.join(UNIT, f) for f in os.listdir(UNIT) if f.endswith(".py")
    ) + [os.path.join(TESTS, "conftest.py")]


def test_no_unit_module_or_helper_it_imports_reaches_qgis_or_qt():
    problems, todo, checked = {}, [(p, "") for p in _unit_modules()], set()
    while todo:
        path, via = todo.pop()
        if path in checked:
            continue
        checked.add(path)
        where = via + os.path.relpath(path, ROOT)
        for name, line in _imports(path, "tests", module_level_only=False):
            helper = _helper_file(name)
            if helper:
                todo.append((helper, f"{where}:{line} -> "))
                continue
            chain = _chain_to_qt(name, set())
            if chain:
                problems.setdefault(f"{where}:{line}", " -> ".join(chain))
    assert len(checked) > 10, checked  # the walk found the tier
    assert not problems, "tests/unit must not import QGIS or Qt:\n" + "\n".join(
        f"{where}: {chain}" for where, chain in sorted(problems.items())
    )


def _fixture_names(path):
    names = set()
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.FunctionDef):
            for deco in node.decorator_list:
                target = deco.func if isinstance(deco, ast.Call) else deco
                if "fixture" in ast.unparse(target):
                    names.add(node.name)
    return names


def _qgis_fixtures():
    """The fixtures pytest-qgis and tests/qgis_fixtures.py define (read, not imported)."""
    names = _fixture_names(os.path.join(TESTS, "qgis_fixtures.py"))
    spec = importlib.util.find_spec("pytest_qgis")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        for dirpath, _, files in os.walk(folder):
            for f in files:
                if f.endswith(".py"):
                    names |= _fixture_names(os.path.join(dirpath, f))
    return names


def test_no_unit_test_uses_a_fixture_that_needs_qgis():
    qgis_fixtures = _qgis_fixtures()
    assert {"qgis_app", "qgis_iface", "panel", "loaded_plugin"} <= qgis_fixtures
    used = []
    for path in _unit_modules():
        for node in ast.walk(_tree(path)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for arg in node.args.args:
                    if arg.arg in qgis_fixtures:
                        used.append(f"{os.path.relpath(path, ROOT)}:{node.lineno} {arg.arg}")
        text = open(path, encoding="utf-8").read()
        used += [
            f"{os.path.relpath(path, ROOT)}: getfixturevalue({name!r})"
            for name in qgis_fixtures
            if f'getfixturevalue("{name}")' in text or f"getfixturevalue('{name}')" in text
        ]
    assert not used, "tests/unit uses fixtures that need QGIS:\n" + "\n".join(used)
