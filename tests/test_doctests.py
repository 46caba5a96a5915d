"""Every docstring example of the installed package, and of README.md and docs/*.md, runs.

The examples run against the installed package (pytest's importlib mode puts no
source folder on sys.path), so they prove what a user gets.
"""

import ast
import doctest
import importlib
import importlib.util
import inspect
import pathlib
import pkgutil

import pytest

import activations
import activations.plugins
import activations.testing

ROOT = pathlib.Path(__file__).resolve().parents[1]
# The packages import their public names on first use (activations/_lazy.py); the doctest finder
# looks only at what is there, so load them all first.
for _package in (activations, activations.testing):
    for _name in _package.__all__:
        getattr(_package, _name)
FLAGS = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS
MODULES = sorted(
    {
        "activations",
        *(m.name for m in pkgutil.walk_packages(activations.__path__, "activations.")),
        # An editable install maps activations.plugins onto plugins/, outside activations' path.
        *(m.name for m in pkgutil.walk_packages(activations.plugins.__path__, "activations.plugins.")),
    }
    - {"activations.testing.pytest_plugin"}  # pytest hooks: tests/test_testing.py runs them under pytester
)
#: Modules with no function or class of their own to show, so with no example (anything else must have one).
NO_EXAMPLES = {
    "activations.__main__": "runs the command line",
    "activations._version": "one string",
    "activations.plugins": "a package docstring",
}
DOCUMENTS = sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md")])
#: Examples that need an optional framework: whole modules and documents, and single docstrings.
FRAMEWORKS = {"torch": "PyTorch", "jax": "JAX"}
NEEDS = {
    "activations.torch": ("torch",),
    "activations.jax": ("jax",),
    "frameworks.md": ("torch", "jax"),
    "check_torch_adapter": ("torch",),
    "check_jax_adapter": ("jax",),
}
MISSING = {f for f in FRAMEWORKS if importlib.util.find_spec(f) is None}


def _skip_without_frameworks(name):
    missing = [f for f in NEEDS.get(name, ()) if f in MISSING]
    if missing:
        names = " and ".join(FRAMEWORKS[f] for f in missing)
        pytest.skip(f"{name} needs {names}, which {'are' if len(missing) > 1 else 'is'} not installed")


def _run(tests, name):
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    report = []
    for test in tests:
        runner.run(test, out=report.append)
    failed, attempted = runner.summarize(verbose=False)
    assert failed == 0, f"{name}: {failed} of {attempted} examples failed\n" + "".join(report)
    return attempted


def _find(module):
    tests = doctest.DocTestFinder().find(importlib.import_module(module), module, globs={})
    return [t for t in tests if not set(NEEDS.get(t.name.rpartition(".")[2], ())) & MISSING]


def _default_registry_state():
    return [
        (info.name, info.aliases, info.plugin, info.distribution)
        for info in map(activations.describe, activations.names())
    ]


@pytest.mark.parametrize("module", MODULES)
def test_module_examples_run(module):
    """...and leave the default registry as they found it, so no later test depends on the order."""
    _skip_without_frameworks(module)
    before = _default_registry_state()
    _run(_find(module), module)
    assert _default_registry_state() == before, f"{module}'s examples changed the default registry"


def _docstrings(module):
    """The docstrings of a module's file: the module's, and those of every class and function in it."""
    _skip_without_frameworks(module)
    path = pathlib.Path(importlib.import_module(module).__file__)
    if path.suffix != ".py":  # a compiled extension (the kernels' ufuncs): its module docstring
        return [importlib.import_module(module).__doc__ or ""]
    tree = ast.parse(path.read_text())
    nodes = [tree, *(n for n in ast.walk(tree) if isinstance(n, ast.ClassDef | ast.FunctionDef))]
    return [ast.get_docstring(node) or "" for node in nodes]


@pytest.mark.parametrize("module", MODULES)
def test_every_module_has_an_example(module):
    """Each module shows what it does, by the file that defines it.

    A public object reports its package as its module (``activations.get`` is
    defined in ``_registry.py``), so its examples run with the package's
    (`test_module_examples_run`); here they count for the file that holds them.
    """
    examples = sum(doc.count(">>>") for doc in _docstrings(module))
    if module in NO_EXAMPLES:
        assert examples == 0, f"{module} has examples now: take it off NO_EXAMPLES"
    else:
        assert examples > 0, f"{module} has no example"


def test_the_modules_without_examples_exist():
    assert set(NO_EXAMPLES) <= set(MODULES)


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_document_examples_run(path):
    _skip_without_frameworks(path.name)
    parser = doctest.DocTestParser()
    test = parser.get_doctest(path.read_text(), {}, path.name, str(path), 0)
    _run([test], path.name)


def _public_callables():
    for name in activations.__all__:
        obj = getattr(activations, name)
        if inspect.isfunction(obj) or inspect.isclass(obj):
            yield name, obj
            if inspect.isclass(obj) and not issubclass(obj, BaseException):
                for member_name, member in vars(obj).items():
                    if not member_name.startswith("_") and (
                        inspect.isfunction(member) or isinstance(member, property)
                    ):
                        yield f"{name}.{member_name}", member


@pytest.mark.parametrize(
    ("name", "obj"), list(_public_callables()), ids=lambda v: v if isinstance(v, str) else ""
)
def test_every_public_function_has_a_docstring(name, obj):
    doc = inspect.getdoc(obj)
    assert doc, f"{name} has no docstring"


@pytest.mark.parametrize(
    "name",
    [
        n
        for n in activations.__all__
        if inspect.isfunction(getattr(activations, n)) or inspect.isclass(getattr(activations, n))
    ],
)
def test_every_public_function_and_class_has_an_example(name):
    doc = inspect.getdoc(getattr(activations, name)) or ""
    assert ">>>" in doc, f"{name}'s docstring has no example"
