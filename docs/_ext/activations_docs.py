"""Build-time pages of the documentation: the catalogue, the comparison and the CLI reference.

Everything here is generated from the installed package when Sphinx runs, so
none of it can drift from the code:

* ``.. activations-catalogue::`` one section per bundled activation, from the
  registry (`activations.describe`), the plugin class's docstring (formula in
  ``.. math::``, conventions, other frameworks' defaults) and the numbers the
  activation itself computes (the derivative at each kink), with a plot of
  f and f' drawn by matplotlib's ``plot`` directive;
* ``.. activations-comparison:: relu sigmoid tanh`` the table and the figure
  of `activations.analysis.compare`, i.e. of ``activations compare``;
* ``.. activations-cli::`` the reference of every subcommand, from
  `activations.cli.build_parser`.

The text generators (`catalogue_rst`, `comparison_rst`, `cli_rst`) are plain
functions returning reStructuredText, so tests can call them without Sphinx.
"""

from __future__ import annotations

import argparse
import hashlib
import inspect
import math
import os
import re
import shutil
import textwrap
from pathlib import Path
from typing import Any

import numpy as np

import activations

DISTRIBUTION = "pluggable-activations"
#: The pages whose content the directives below generate.
GENERATED_PAGES = ("catalogue", "choosing", "cli")

_PROPERTY_LABELS = (
    ("output_range", "output range"),
    ("monotonic", "monotonic"),
    ("zero_centered", "zero-centred"),
    ("sparse", "sparse"),
    ("smoothness", "smoothness"),
    ("kinks", "kinks"),
    ("saturating", "saturating"),
    ("identity_near_origin", "identity near 0"),
)


# Spans in which a bar is not markup: inline literals, roles (:math:`|x|`) and interpreted text.
_PROTECTED = re.compile(r"``.+?``|:[\w:.-]+:`[^`]+`|`[^`]+`")
# |text| that docutils would read as a substitution reference: here it is always an absolute value.
_BARS = re.compile(r"(?<![\\\w|])\|(\S(?:[^|]*?\S)?)\|(?![\w|])")


def escape_bars(text: str) -> str:
    """Escape the bars of absolute values (``|x|``) in reStructuredText prose.

    Docstrings write absolute values as ``|f'(x)|``, which docutils parses as
    an (undefined) substitution reference. Inline literals, roles, ``.. math::``
    blocks, doctest blocks and table lines are left alone.
    """
    out, in_block, block_indent = [], False, 0
    for line in text.splitlines():
        stripped = line.lstrip()
        indent = len(line) - len(stripped)
        if in_block and stripped and indent <= block_indent and not stripped.startswith(("...", ">>>")):
            in_block = False
        if stripped.startswith((".. math::", ">>>")) and not in_block:
            in_block, block_indent = True, indent
        if in_block or not stripped or stripped[0] in "|+":
            out.append(line)
            continue
        pieces, last = [], 0
        for match in _PROTECTED.finditer(line):
            pieces.append(_BARS.sub(r"\\|\1\\|", line[last : match.start()]))
            pieces.append(match.group())
            last = match.end()
        pieces.append(_BARS.sub(r"\\|\1\\|", line[last:]))
        out.append("".join(pieces))
    return "\n".join(out)


def bundled_names() -> list[str]:
    """Canonical names of the activations this distribution ships (not third-party ones)."""
    return [n for n in activations.names() if activations.describe(n).distribution == DISTRIBUTION]


def _number(value: float) -> str:
    if value == math.inf:
        return "inf"
    if value == -math.inf:
        return "-inf"
    return f"{value:.6g}"


def _docstring_parts(cls: type) -> tuple[str, str]:
    """The class docstring split into (description without the summary line, examples)."""
    doc = inspect.getdoc(cls) or ""
    lines = doc.splitlines()
    body, examples, current = [], [], None
    i = 1  # skip the summary line: the registry's summary is shown as the lead
    while i < len(lines):
        line = lines[i]
        is_header = i + 1 < len(lines) and set(lines[i + 1].strip()) == {"-"} and line.strip()
        if is_header:
            current = line.strip()
            i += 2
            continue
        if current is None:
            body.append(line)
        elif current == "Examples":
            examples.append(line)
        else:
            raise ValueError(f"{cls.__qualname__}: unexpected docstring section {current!r} in the catalogue")
        i += 1
    return "\n".join(body).strip(), "\n".join(examples).strip()


def _kink_lines(act: Any) -> list[str]:
    kinks = act.properties.kinks
    if not kinks:
        return ["no kink: f' is defined everywhere"]
    out = []
    for k in kinks:
        step = 1e-7 * max(1.0, abs(k))
        left, at, right = act.derivative(np.array([k - step, k, k + step]))
        out.append(
            f"f'({_number(k)}) = {_number(float(at))} "
            f"(left limit {_number(float(left))}, right limit {_number(float(right))})"
        )
    return out


def _plot_code(spec: str) -> str:
    return textwrap.dedent(
        f"""\
        import numpy as np
        import matplotlib.pyplot as plt
        import activations

        act = activations.get({spec!r})
        x = np.linspace(-5.0, 5.0, 1001)
        fig, ax = plt.subplots(figsize=(5.0, 2.8))
        ax.plot(x, act(x), label="f(x)")
        ax.plot(x, act.derivative(x), label="f'(x)", linestyle="--")
        ax.axhline(0.0, color="0.7", linewidth=0.8)
        ax.axvline(0.0, color="0.7", linewidth=0.8)
        ax.set_xlabel("x")
        ax.set_title({spec!r})
        ax.legend(loc="best")
        fig.tight_layout()
        """
    )


def activation_rst(name: str) -> str:
    """The catalogue entry of one registered activation, as reStructuredText."""
    info = activations.describe(name)
    act = activations.get(name)
    cls = type(act.plugin)
    description, examples = _docstring_parts(cls)
    if ".. math::" not in description:
        raise ValueError(f"{cls.__qualname__} ({name}): the docstring has no '.. math::' formula")
    p = info.properties
    rows = []
    for field, label in _PROPERTY_LABELS:
        value = getattr(p, field)
        if field == "output_range":
            text = f"({_number(value[0])}, {_number(value[1])})"
        elif field == "kinks":
            text = ", ".join(_number(k) for k in value) or "none"
        elif field == "smoothness":
            text = "C^inf (smooth)" if value == math.inf else ("jumps" if value < 0 else f"C^{value:g}")
        else:
            text = str(value)
        rows.append((label, text))
    params = (
        "\n".join(f"* ``{k}`` = ``{v!r}``" for k, v in info.parameters.items())
        or "none: the activation has no parameters"
    )
    aliases = ", ".join(f"``{a}``" for a in info.aliases) or "none"
    out = [
        f".. _catalogue-{name}:",
        "",
        name,
        "-" * len(name),
        "",
        escape_bars(info.summary),
        "",
        escape_bars(description),
        "",
        f"**Formula** (``activations info {name}``): ``{info.formula}``" if info.formula else "",
        "",
        f"**Aliases**: {aliases}. **Plugin**: ``{info.plugin}`` (class ``{cls.__name__}``).",
        "",
        "**Parameters** (the defaults build it with ``activations.get(" + repr(name) + ")``):",
        "",
        params,
        "",
        "**Kink convention** (computed by the activation itself):",
        "",
        *(f"* {line}" for line in _kink_lines(act)),
        "",
        ".. list-table:: Declared properties (checked by the conformance kit)",
        "   :header-rows: 0",
        "   :widths: 30 70",
        "",
    ]
    for label, text in rows:
        out += [f"   * - {label}", f"     - {text}"]
    out += ["", ".. plot::", "   :include-source: false", "", textwrap.indent(_plot_code(name), "   ")]
    if examples:
        out += ["**Examples**", "", examples, ""]
    return "\n".join(out)


def catalogue_rst() -> str:
    """One entry per bundled activation, in name order."""
    names = bundled_names()
    index = ", ".join(f":ref:`{n} <catalogue-{n}>`" for n in names)
    return "\n\n".join([f"{len(names)} activations: {index}.", *(activation_rst(n) for n in names)])


def _cell(text: str) -> str:
    return text.replace("|", "\\|") if text else "\\"


def comparison_rst(report: Any, figure: str | None) -> str:
    """The table of an `activations.analysis.Comparison`, its settings, and its figure."""
    from activations.analysis import Comparison

    markdown = report.to_markdown().splitlines()
    headers = [h.strip() for h in markdown[0].strip("|").split(" | ")]
    out = [".. list-table::", "   :header-rows: 1", "   :class: activations-comparison", ""]
    for row in [headers, *(a.cells() for a in report.activations)]:
        out.append(f"   * - {_cell(row[0])}")
        out += [f"     - {_cell(c)}" for c in row[1:]]
    settings_start = markdown.index("") + 1
    columns_start = markdown.index("Columns:")
    out += ["", "**" + markdown[settings_start] + "**", ""]
    out += [f"* {line[2:]}" for line in markdown[settings_start + 1 : columns_start] if line.startswith("- ")]
    out += ["", "**Columns**", ""]
    out += [
        f"* **{headers[i]}**: {escape_bars(reading)}" for i, (_, reading) in enumerate(Comparison.COLUMNS)
    ]
    if figure:
        out += ["", f".. figure:: {figure}", "   :width: 100%", "", "   The figure ``--plot FILE`` writes."]
    return "\n".join(out)


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _sentence(text: str) -> str:
    return f"{text[:1].upper()}{text[1:]}." if text else ""


def cli_commands() -> list[str]:
    """Every subcommand of ``activations``, in the order of its help."""
    from activations.cli import build_parser

    return list(_subcommands(build_parser()))


def cli_rst() -> str:
    """The reference of ``activations`` and each subcommand: help text and every option."""
    from activations.cli import build_parser

    old = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "100"  # argparse wraps to the terminal: fix the width
    try:
        parser = build_parser()
        choices = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        helps = {c.dest: c.help for c in choices._choices_actions}
        out = [".. code-block:: text", "", textwrap.indent(parser.format_help(), "   "), ""]
        for name, sub in _subcommands(parser).items():
            title = f"activations {name}"
            out += [
                f".. _cli-{name}:",
                "",
                title,
                "-" * len(title),
                "",
                _sentence(helps.get(name) or ""),
                "",
                ".. code-block:: text",
                "",
                textwrap.indent(sub.format_help(), "   "),
                "",
            ]
    finally:
        if old is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = old
    return "\n".join(out)


#: Constants documented here that carry no ``#:`` comment of their own.
_CONSTANTS = {"__version__": "The installed version of pluggable-activations (``activations --version``)."}


def _attribute_comment(attribute: str) -> list[str]:
    """The ``#:`` comment of a module-level constant in the package's private modules."""
    import sys

    from sphinx.pycode import ModuleAnalyzer

    if attribute in _CONSTANTS:
        return [_CONSTANTS[attribute]]
    for module in sorted(m for m in sys.modules if m.startswith("activations._")):
        comments = ModuleAnalyzer.for_module(module).find_attr_docs()
        if ("", attribute) in comments:
            return list(comments[("", attribute)])
    return []


def setup(app: Any) -> dict[str, Any]:
    from docutils.parsers.rst import directives
    from docutils.statemachine import StringList
    from sphinx.util.docutils import SphinxDirective
    from sphinx.util.nodes import nested_parse_with_titles

    class _Generated(SphinxDirective):
        def render(self, text: str) -> list[Any]:
            from docutils import nodes

            container = nodes.Element()
            source = f"<generated by {self.name}>"
            nested_parse_with_titles(self.state, StringList(text.splitlines(), source), container)
            return list(container.children)

    class Catalogue(_Generated):
        def run(self) -> list[Any]:
            self.env.note_dependency(activations.__file__)
            return self.render(catalogue_rst())

    class Comparison(_Generated):
        required_arguments = 1
        final_argument_whitespace = True
        option_spec = {"epochs": directives.positive_int}  # noqa: RUF012  (docutils' API)

        def run(self) -> list[Any]:
            from activations.analysis import compare

            specs = self.arguments[0].split()
            changes = {k: v for k, v in self.options.items() if k == "epochs"}
            report = compare(specs, **changes)
            key = hashlib.sha1(" ".join([*specs, str(changes)]).encode()).hexdigest()[:10]
            target = Path(self.env.srcdir) / "generated" / "figures" / f"compare-{key}.png"
            target.parent.mkdir(parents=True, exist_ok=True)
            report.plot(target)
            return self.render(comparison_rst(report, f"/generated/figures/{target.name}"))

    class CommandLine(_Generated):
        def run(self) -> list[Any]:
            return self.render(cli_rst())

    def process_docstring(app: Any, what: str, name: str, obj: Any, options: Any, lines: list[str]) -> None:
        if what == "data" and "\n".join(lines).strip() == (inspect.getdoc(type(obj)) or "").strip():
            # A public constant re-exported from a private module shows its type's docstring
            # (str's, tuple's): use its ``#:`` comment where it is defined instead.
            lines[:] = _attribute_comment(name.rpartition(".")[2])
        escaped = escape_bars("\n".join(lines)).splitlines()  # line for line, less the trailing blank ones
        lines[:] = escaped + [""] * (len(lines) - len(escaped))  # which end the docstring's last block

    def always_regenerate(app: Any, env: Any, added: Any, changed: Any, removed: Any) -> list[str]:
        # Generated pages depend on the installed package, not on their source: re-read them on
        # every build, and redraw the plots of the catalogue (the plot directive would reuse them).
        shutil.rmtree(Path(app.doctreedir).parent / "plot_directive", ignore_errors=True)
        return [d for d in GENERATED_PAGES if d in env.found_docs]

    app.connect("autodoc-process-docstring", process_docstring, priority=400)
    app.connect("env-get-outdated", always_regenerate)
    app.add_directive("activations-catalogue", Catalogue)
    app.add_directive("activations-comparison", Comparison)
    app.add_directive("activations-cli", CommandLine)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
