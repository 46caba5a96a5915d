"""The package's shape, read from its source: no import circles, and each part uses only public names.

Every ``import`` in ``activations/`` and ``plugins/`` is read with `ast`,
including those inside functions (a function-level import runs too, later);
imports under ``if TYPE_CHECKING:`` are left out, since they never run. The
rules (DESIGN.md, "Layout"):

* no circle among the modules;
* the core (``activations/_*.py``, ``numerics``, ``backends/``) imports no tool
  (``analysis``, ``testing``, ``bench``, ``cli``);
* outside its own package, a module uses public names only: no subpackage
  reaches into another's underscore modules or names, the core's included;
* a plugin imports the public API (``activations``, ``activations.numerics``)
  and its own package's modules only, so that ``plugins/relu.py`` can be copied;
* ``benchmarks/`` uses public names only.
"""

from __future__ import annotations

import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
TOOLS = ("activations.analysis", "activations.testing", "activations.bench", "activations.cli")


def _module_name(path: pathlib.Path) -> str:
    if path.is_relative_to(ROOT / "plugins"):
        parts = ("activations", "plugins", *path.relative_to(ROOT / "plugins").with_suffix("").parts)
    else:
        parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _sources() -> dict[str, pathlib.Path]:
    files = [*(ROOT / "activations").rglob("*.py"), *(ROOT / "plugins").rglob("*.py")]
    return {_module_name(p): p for p in sorted(files)}


SOURCES = _sources()


def _is_package(module: str) -> bool:
    return SOURCES.get(module, pathlib.Path()).name == "__init__.py"


class _Imports(ast.NodeVisitor):
    """(target module, imported name or None) of every import that runs, with its line."""

    def __init__(self, module: str) -> None:
        self.module = module
        self.found: list[tuple[str, str | None, int]] = []

    def visit_If(self, node: ast.If) -> None:
        test = node.test
        if (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
            isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
        ):
            for child in node.orelse:  # the else branch runs
                self.visit(child)
            return
        self.generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self.found.append((alias.name, None, node.lineno))

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level:
            package = self.module if _is_package(self.module) else self.module.rpartition(".")[0]
            for _ in range(node.level - 1):
                package = package.rpartition(".")[0]
            base = f"{package}.{node.module}" if node.module else package
        else:
            base = node.module or ""
        for alias in node.names:
            if f"{base}.{alias.name}" in SOURCES:  # `from package import module`
                self.found.append((f"{base}.{alias.name}", None, node.lineno))
            else:
                self.found.append((base, alias.name, node.lineno))


def _imports(module: str, path: pathlib.Path | None = None) -> list[tuple[str, str | None, int]]:
    path = path or SOURCES[module]
    visitor = _Imports(module)
    visitor.visit(ast.parse(path.read_text(), str(path)))
    return visitor.found


#: Private modules of the core that other packages may use, and why.
SHARED = {"activations._lazy": "the lazy import of public names, for activations.testing's __init__ too"}


def _home(module: str) -> str:
    """The package whose private names a module may use: its subpackage, or the core."""
    if module == "activations.__main__":  # python -m activations: the command line's entry
        return "activations.cli"
    for package in (*TOOLS, "activations.plugins", "activations.backends"):
        if module == package or module.startswith(package + "."):
            return "activations" if package == "activations.backends" else package
    return "activations"


def _private(target: str, name: str | None, home: str) -> str | None:
    """The first private part of ``target.name`` outside ``home``, or None."""
    parts = [*target.split("."), *([name] if name else [])]
    for i, part in enumerate(parts):
        if part.startswith("_") and not part.startswith("__"):
            owner = ".".join(parts[:i])
            if owner != home and not (home != "activations" and owner.startswith(home)):
                return ".".join(parts[: i + 1])
    return None


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {m: set() for m in SOURCES}
    for module in SOURCES:
        for target, _, _ in _imports(module):
            if target in SOURCES and target != module:
                graph[module].add(target)
            # importing a.b.c first runs a and a.b: the packages above, unless they are the importer's own
            parts = target.split(".")
            for i in range(1, len(parts)):
                parent = ".".join(parts[:i])
                if parent in SOURCES and not module.startswith(parent + ".") and parent != module:
                    graph[module].add(parent)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every elementary circle, found once each (from its smallest module), depth first."""
    found = []
    for start in sorted(graph):
        stack = [(start, [start])]
        while stack:
            node, path = stack.pop()
            for nxt in sorted(graph[node]):
                if nxt == start:
                    found.append([*path, start])
                elif nxt > start and nxt not in path:
                    stack.append((nxt, [*path, nxt]))
    return found


def test_the_reader_sees_the_whole_package():
    assert {
        "activations",
        "activations._bound",
        "activations.cli._compare",
        "activations.plugins.relu",
    } <= set(SOURCES)


def test_the_reader_counts_function_level_imports_and_skips_type_checking(tmp_path):
    source = tmp_path / "probe.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "from . import _report\n"
        "if TYPE_CHECKING:\n"
        "    from .._bound import BoundActivation\n"
        "def f():\n"
        "    from ..bench import _engine\n"
    )
    found = {(t, n) for t, n, _ in _imports("activations.analysis._probe", source)}
    assert found == {
        ("typing", "TYPE_CHECKING"),
        ("activations.analysis._report", None),
        ("activations.bench._engine", None),
    }


def test_there_is_no_import_circle():
    assert _cycles(_graph()) == []


def test_the_circle_finder_finds_circles():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c", "a"]]


@pytest.mark.parametrize("module", [m for m in SOURCES if _home(m) == "activations"])
def test_the_core_imports_no_tool(module):
    used = {t for t, _, _ in _imports(module)}
    assert not [t for t in used if t.startswith(TOOLS)]


@pytest.mark.parametrize("module", sorted(SOURCES))
def test_outside_its_package_a_module_uses_public_names_only(module):
    home = _home(module)
    reached = [
        f"line {line}: {private}"
        for target, name, line in _imports(module)
        if target.split(".")[0] == "activations"
        and (private := _private(target, name, home))
        # the core's own modules use each other's private names
        and not (home == "activations" and private.startswith("activations._"))
        and private not in SHARED
    ]
    assert reached == []


@pytest.mark.parametrize("module", [m for m in SOURCES if m.startswith("activations.plugins.")])
def test_a_plugin_imports_the_public_api_and_its_own_package_only(module):
    allowed = ("activations", "activations.numerics")
    used = {t for t, _, _ in _imports(module) if t.split(".")[0] == "activations"}
    assert {t for t in used if t not in allowed and not t.startswith("activations.plugins")} == set()


@pytest.mark.parametrize("path", sorted((ROOT / "benchmarks").glob("*.py")), ids=lambda p: p.name)
def test_benchmarks_use_public_names_only(path):
    reached = [
        f"line {line}: {private}"
        for target, name, line in _imports("benchmarks." + path.stem, path)
        if target.split(".")[0] == "activations" and (private := _private(target, name, "benchmarks"))
    ]
    assert reached == []


def test_the_rules_catch_what_they_guard_against():
    assert _private("activations.bench._engine", None, "activations.cli") == "activations.bench._engine"
    assert _private("activations", "_bound", "benchmarks") == "activations._bound"
    assert _private("activations.cli._usage", "UsageError", "activations.cli") is None
    assert _private("activations.analysis", "compare", "activations.cli") is None
