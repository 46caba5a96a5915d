"""Every docstring example of the installed package, and of README.md and docs/*.md, runs.

The examples run against the installed package (pytest's importlib mode puts no
source folder on sys.path), so they prove what a user gets.
"""

import doctest
import importlib
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
    - {"activations.testing.pytest_plugin"}  # imports pytest internals; its examples run in its own tests
)
DOCUMENTS = sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md")])


def _run(tests, name):
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    report = []
    for test in tests:
        runner.run(test, out=report.append)
    failed, attempted = runner.summarize(verbose=False)
    assert failed == 0, f"{name}: {failed} of {attempted} examples failed\n" + "".join(report)
    return attempted


@pytest.mark.parametrize("module", MODULES)
def test_module_examples_run(module):
    mod = importlib.import_module(module)
    tests = doctest.DocTestFinder().find(mod, module, globs={})
    _run(tests, module)


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_document_examples_run(path):
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
