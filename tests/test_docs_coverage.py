"""Everything users can reach is documented: activations, hooks, commands, public names.

CI runs pytest before Sphinx, so these tests read the documentation's sources
and call the generator that Sphinx calls (``docs/_ext/activations_docs.py``),
instead of inspecting a built site. The generated pages (catalogue, command
line) are produced from the registry and the parser, so what is checked here
is that they are reachable from the table of contents and that the generator
renders a complete entry for every item; the API page is written by hand, so
every public name must be listed on it.
"""

import ast
import importlib.util
import inspect
import pathlib
import re

import pytest

import activations
import activations.analysis
import activations.bench
import activations.cli
import activations.numerics
import activations.plugins.compiled
import activations.testing
from activations._hooks import ActivationsSpec

DOCS = pathlib.Path(__file__).resolve().parents[1] / "docs"


def _all_of(module):
    """A module's ``__all__``, read from its source: the framework adapters import PyTorch or JAX."""
    tree = ast.parse(pathlib.Path(importlib.util.find_spec(module).origin).read_text())
    (value,) = [n.value for n in tree.body if isinstance(n, ast.Assign) and n.targets[0].id == "__all__"]
    return ast.literal_eval(value)


ADAPTERS = {"activations.torch": _all_of("activations.torch"), "activations.jax": _all_of("activations.jax")}


def _load_generator():
    spec = importlib.util.spec_from_file_location("activations_docs", DOCS / "_ext" / "activations_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


generator = _load_generator()


def _toctree_entries():
    entries = set()
    for block in re.findall(r"```\{toctree\}\n(.*?)```", (DOCS / "index.md").read_text(), re.S):
        entries |= {line.strip() for line in block.splitlines() if line.strip() and not line.startswith(":")}
    return entries


def _autosummary_entries(path):
    """(module, name) of every entry of every autosummary block of an rst page."""
    entries, module, in_block = set(), None, False
    for line in path.read_text().splitlines():
        if m := re.match(r"\.\. currentmodule:: (\S+)", line):
            module = m.group(1)
        if line.startswith(".. autosummary::"):
            in_block = True
            continue
        if in_block:
            if line and not line.startswith(" "):
                in_block = False
            elif line.strip() and not line.strip().startswith(":"):
                entries.add((module, line.strip()))
    return entries


def _bundled():
    return [n for n in activations.names() if activations.describe(n).distribution == "pluggable-activations"]


def test_generator_lists_exactly_the_bundled_activations():
    assert generator.bundled_names() == _bundled()
    assert len(_bundled()) >= 25  # the catalogue: relu, sigmoid, tanh and the rest


@pytest.mark.parametrize("name", _bundled())
def test_every_bundled_activation_has_a_complete_catalogue_entry(name):
    entry = generator.activation_rst(name)  # raises if the docstring has no `.. math::` formula
    assert entry.startswith(f".. _catalogue-{name}:\n\n{name}\n{'-' * len(name)}\n")
    assert ".. math::" in entry
    assert "**Kink convention**" in entry
    assert "**Parameters**" in entry
    assert "Declared properties" in entry
    assert f"activations.get({name!r})" in entry  # the plot of f and f'
    assert ".. plot::" in entry
    info = activations.describe(name)
    for parameter, value in info.parameters.items():
        line = next(line for line in entry.splitlines() if line.startswith(f"* ``{parameter}`` = "))
        assert line.startswith(f"* ``{parameter}`` = ``{value!r}``")
        assert line.endswith("(*learnable*)") == (parameter in info.learnable), line
    for alias in activations.describe(name).aliases:
        assert f"``{alias}``" in entry
    for kink in activations.describe(name).properties.kinks:
        assert f"f'({generator._number(kink)}) = " in entry


def test_catalogue_page_renders_every_bundled_activation():
    text = generator.catalogue_rst()
    for name in _bundled():
        assert f"\n.. _catalogue-{name}:\n" in text
    assert ".. activations-catalogue::" in (DOCS / "catalogue.rst").read_text()
    assert "catalogue" in _toctree_entries()


def test_a_docstring_without_a_formula_fails_the_catalogue():
    class NoFormula(activations.BaseActivation):
        """No formula here.

        Just prose.
        """

        name = "no_formula"
        properties = activations.get("identity").properties

        def forward(self, x, /, *, out=None):
            return x.copy() if out is None else (out.__setitem__(..., x) or out)

        def derivative(self, x, /, *, out=None):
            return x * 0 + 1

    with (
        activations.registered(NoFormula, name="no_formula"),
        pytest.raises(
            ValueError, match=r"NoFormula \(no_formula\): the docstring has no '.. math::' formula"
        ),
    ):
        generator.activation_rst("no_formula", registry=activations.default_registry())


@pytest.mark.parametrize("hook", [n for n in vars(ActivationsSpec) if not n.startswith("_")])
def test_every_hook_is_documented(hook):
    assert f".. automethod:: ActivationsSpec.{hook}" in (DOCS / "api.rst").read_text()
    assert f"`{hook}`" in (DOCS / "writing-plugins.md").read_text()
    assert inspect.getdoc(getattr(ActivationsSpec, hook))


def test_the_hook_list_is_not_empty():
    assert [n for n in vars(ActivationsSpec) if not n.startswith("_")] == ["register_activations"]


@pytest.mark.parametrize("command", generator.cli_commands())
def test_every_cli_command_is_in_the_reference(command):
    text = generator.cli_rst()
    assert f".. _cli-{command}:\n\nactivations {command}\n" in text
    assert f"usage: activations {command} " in text
    section = text.split(f".. _cli-{command}:")[1].split(".. _cli-")[0]
    assert section.count("\n") > 8  # a help line and a usage block, not an empty heading


def test_cli_reference_covers_every_subcommand_of_the_parser():
    parser = activations.cli.build_parser()
    (subparsers,) = [a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction"]
    assert generator.cli_commands() == list(subparsers.choices)
    assert set(subparsers.choices) >= {"list", "info", "plugins", "check", "compare", "plot", "bench"}
    assert ".. activations-cli::" in (DOCS / "cli.rst").read_text()
    assert "cli" in _toctree_entries()


@pytest.mark.parametrize(
    ("module", "name"),
    [
        *(("activations", n) for n in activations.__all__),
        *(("activations.testing", n) for n in activations.testing.__all__),
        *(("activations.analysis", n) for n in activations.analysis.__all__),
        *(("activations.cli", n) for n in activations.cli.__all__),
        *(("activations.numerics", n) for n in activations.numerics.__all__),
        *(("activations.bench", n) for n in activations.bench.__all__),
        *(("activations.plugins.compiled", n) for n in activations.plugins.compiled.__all__),
        *((module, n) for module, names in ADAPTERS.items() for n in names),
    ],
)
def test_every_public_name_is_in_the_api_reference(module, name):
    if (module, name) == ("activations.numerics", "clip"):  # a ufunc: autodoc cannot read its signature
        assert "``activations.numerics.clip`` is NumPy's clip ufunc" in (DOCS / "api.rst").read_text()
        return
    assert (module, name) in _autosummary_entries(DOCS / "api.rst"), f"{module}.{name} is not on docs/api.rst"


def test_api_reference_lists_no_name_that_is_not_public():
    public = {
        "activations": set(activations.__all__),
        "activations.testing": set(activations.testing.__all__),
        "activations.analysis": set(activations.analysis.__all__),
        "activations.cli": set(activations.cli.__all__),
        "activations.numerics": set(activations.numerics.__all__),
        "activations.bench": set(activations.bench.__all__),
        "activations.plugins.compiled": set(activations.plugins.compiled.__all__),
        **{module: set(names) for module, names in ADAPTERS.items()},
    }
    listed = _autosummary_entries(DOCS / "api.rst")
    assert listed
    assert {(m, n) for m, n in listed if n not in public.get(m, ())} == set()
    assert "api" in _toctree_entries()


@pytest.mark.parametrize("page", sorted(p.stem for p in DOCS.glob("*.md") if p.stem != "index"))
def test_every_markdown_page_is_in_the_table_of_contents(page):
    optional = "%OPTIONAL_PAGES%" in (DOCS / "index.md").read_text() and page in ("accuracy", "dask")
    assert page in _toctree_entries() or optional


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mean |f'(x)| here", "mean \\|f'(x)\\| here"),
        ("a :math:`|x|` and ``|x|``", "a :math:`|x|` and ``|x|``"),
        (".. math:: |x|\n   |y|\nafter |z|", ".. math:: |x|\n   |y|\nafter \\|z\\|"),
        ("| a | b |", "| a | b |"),
    ],
)
def test_absolute_value_bars_are_escaped_outside_maths_and_literals(text, expected):
    assert generator.escape_bars(text) == expected


PUBLIC_MODULES = {
    m.__name__: m
    for m in (
        activations,
        activations.testing,
        activations.analysis,
        activations.cli,
        activations.plugins.compiled,
    )
}


@pytest.mark.parametrize(
    ("module", "name"),
    [
        (module, name)
        for module, namespace in PUBLIC_MODULES.items()
        for name in namespace.__all__
        if inspect.isclass(getattr(namespace, name)) or inspect.isfunction(getattr(namespace, name))
    ],
)
def test_every_public_class_and_function_has_a_docstring_for_the_api_page(module, name):
    assert inspect.getdoc(getattr(PUBLIC_MODULES[module], name)), f"{module}.{name} has no docstring"


def test_the_claims_page_renders_every_verdict_and_every_rule():
    from activations import bench
    from activations.analysis import CLAIMS, fact_check

    report = fact_check(["relu", "tanh"], epochs=1, timing=bench.QUICK)
    text = generator.claims_rst(report, "/generated/figures/claims.png")
    rows = [line for line in text.splitlines() if line.startswith("   * - ")]
    assert rows[0] == "   * - claim"
    assert rows[1:] == [f"   * - {i}\\. {v.claim}" for i, v in enumerate(report.verdicts, start=1)]
    for v in report.verdicts:
        assert f"     - **{v.verdict}**\n     - {v.reason}" in text
    for claim in CLAIMS:
        assert claim.rule in text
    assert ".. figure:: /generated/figures/claims.png" in text
    assert "claims" in generator.GENERATED_PAGES
