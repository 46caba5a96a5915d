"""Build-time pages of the documentation: the catalogue, the comparison and the CLI reference.

Everything here is generated from the installed package when Sphinx runs, so
none of it can drift from the code:

* ``.. activations-catalogue::`` one section per bundled activation, from the
  registry (`activations.describe`), the plugin class's docstring (formula in
  ``.. math::``, conventions, other frameworks' defaults) and the numbers the
  activation itself computes (the derivative at each kink), with a plot of
  f and f' drawn by matplotlib's ``plot`` directive;
* ``.. activations-comparison:: relu sigmoid tanh`` the figure and the table
  of `activations.analysis.compare`, i.e. of ``activations compare`` (each
  comparison is measured once per build, however many pages show it);
* ``.. activations-claims:: relu sigmoid tanh`` the verdict table, the rules
  and the figure of `activations.analysis.fact_check`, i.e. of
  ``activations claims``;
* ``.. activations-cli::`` the reference of every subcommand, from
  `activations.cli.build_parser`.

The text generators (`catalogue_rst`, `comparison_rst`, `claims_rst`,
`cli_rst`) are plain functions returning reStructuredText, so tests can call
them without Sphinx.

The catalogue and the comparisons come from `docs_registry`, which holds the
bundled plugins only: whatever else is installed where the docs are built
never reaches a page, so two builds of one commit give the same pages.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import html
import inspect
import math
import os
import posixpath
import re
import shutil
import textwrap
from pathlib import Path
from typing import Any

import numpy as np

import activations

DISTRIBUTION = "pluggable-activations"
#: The pages whose content the directives below generate.
GENERATED_PAGES = ("catalogue", "choosing", "claims", "cli", "index")

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


@functools.cache
def docs_registry() -> activations.Registry:
    """The registry the generated pages read: the bundled plugins, and no installed entry point."""
    return activations.Registry(entry_points=())


def bundled_names() -> list[str]:
    """Canonical names of the activations this distribution ships (not third-party ones)."""
    registry = docs_registry()
    return [n for n in registry.names() if registry.describe(n).distribution == DISTRIBUTION]


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


def activation_rst(name: str, registry: activations.Registry | None = None) -> str:
    """The catalogue entry of one registered activation (of `docs_registry` by default), in reST."""
    registry = docs_registry() if registry is None else registry
    info = registry.describe(name)
    act = registry.get(name)
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
    learnable = " (*learnable*)"
    params = (
        "\n".join(
            f"* ``{k}`` = ``{v!r}``{learnable if k in info.learnable else ''}"
            for k, v in info.parameters.items()
        )
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


def comparison_rst(report: Any, figure: str | None, command: str = "", *, settings: bool = True) -> str:
    """The figure of an `activations.analysis.Comparison`, its table and its settings.

    The figure comes first (it is the result); the table scrolls inside its
    own box, with its first column pinned (``docs/_static/activations.css``).
    ``settings=False`` leaves out the list of settings (the figure's heading
    has the main ones), for the front page and for a second comparison with
    the same settings on one page.
    What each column means is said once, on the page that explains the
    comparison (the ``comparison-columns`` section of ``choosing.md``), not
    under every table.
    """
    markdown = report.to_markdown().splitlines()
    headers = [h.strip() for h in markdown[0].strip("|").split(" | ")]
    out = []
    if figure:
        names = ", ".join(a.name for a in report.activations)
        caption = f"The figure that ``{command} --plot FILE`` writes" if command else "The comparison figure"
        out += [
            f".. figure:: {figure}",
            "   :width: 100%",
            f"   :alt: f, f', output densities, gradient norms, accuracy and dead units of {names}",
            "   :class: activations-comparison-figure",
            "",
            f"   {caption} (click it for the full size).",
            "",
        ]
    out += [".. list-table::", "   :header-rows: 1", "   :class: activations-comparison", ""]
    for row in [headers, *(a.cells(learned=report.settings.learn) for a in report.activations)]:
        out.append(f"   * - {_cell(row[0])}")
        out += [f"     - {_cell(c)}" for c in row[1:]]
    columns = "what each column measures, and what it does not prove: :ref:`comparison-columns`."
    if settings:
        settings_start = markdown.index("") + 1
        columns_start = markdown.index("Columns:")
        out += ["", "**" + markdown[settings_start] + "**", ""]
        lines = markdown[settings_start + 1 : columns_start]
        out += [f"* {line[2:]}" for line in lines if line.startswith("- ")]
        out += ["", columns[0].upper() + columns[1:]]
    else:
        which = f"of ``{command}`` " if command else ""
        out += ["", f"The settings {which}are in the figure's heading; {columns}"]
    return "\n".join(out)


def claims_rst(report: Any, figure: str | None) -> str:
    """The verdicts of an `activations.analysis.FactCheck`, the rule behind each, and its figure."""
    from activations.analysis import CLAIMS

    names = [m.name for m in report.measurements]
    out = [".. list-table::", "   :header-rows: 1", "   :class: activations-claims", ""]
    rows = [["claim", *names, "verdict", "why"]]
    for i, v in enumerate(report.verdicts, start=1):  # "1\\." is not a list inside a cell
        rows.append([f"{i}\\. {v.claim}", *v.evidence, f"**{v.verdict}**", v.reason])
    for row in rows:
        out.append(f"   * - {_cell(row[0])}")
        out += [f"     - {_cell(c)}" for c in row[1:]]
    out += ["", "**The rules** as the code applies them (claims 1-5: advantages, 6-10: disadvantages):", ""]
    for i, claim in enumerate(CLAIMS, start=1):
        out.append(f"{i}. **{claim.key}**: {escape_bars(claim.measured_by)}. *Verdict*: {claim.rule}.")
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
    for module in sorted(m for m in sys.modules if m.startswith(("activations._", "activations.analysis._"))):
        comments = ModuleAnalyzer.for_module(module).find_attr_docs()
        if ("", attribute) in comments:
            return list(comments[("", attribute)])
    return []


#: The comparisons measured in this build, by the name of their figure.
_REPORTS: dict[str, Any] = {}


def _shell_word(spec: str) -> str:
    """``spec`` as a shell word: quoted where it holds parentheses."""
    return f'"{spec}"' if set(spec) & set("()=, ") else spec


def _measured(srcdir: Path, specs: tuple[str, ...], changes: tuple[tuple[str, Any], ...]) -> str:
    """Measure a comparison and draw its figure, once per build; return the figure's file name."""
    from activations.analysis import compare

    key = hashlib.sha1(" ".join([*specs, str(changes)]).encode()).hexdigest()[:10]
    name = f"compare-{key}.png"
    if name not in _REPORTS:
        report = compare(list(specs), registry=docs_registry(), **dict(changes))
        target = srcdir / "generated" / "figures" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        report.plot(target)
        _REPORTS[name] = report
    return name


def _link_figures_to_full_size(app: Any, doctree: Any, docname: str) -> None:
    """Make every figure of a page a link to its image file, so that a click opens it at full size.

    Sphinx links only images given a size (``html_scaled_image_link``); the
    catalogue's plots and the gallery's figures are not. The link points at
    the copy Sphinx (or sphinx-gallery) makes in ``_images/``. Figures are the
    images of ``figure`` nodes (the figure and plot directives) and the
    gallery's; a bare image (a gallery thumbnail) keeps its own behaviour.
    """
    from docutils import nodes
    from sphinx.util.osutil import relative_uri

    if app.builder.format != "html":
        return
    page = app.builder.get_target_uri(docname)
    images = [n for n in doctree.findall(nodes.Element) if n.tagname in ("image", "imgsgnode")]
    for node in images:
        if isinstance(node.parent, nodes.reference):
            continue
        if node.tagname == "imgsgnode":
            # sphinx-gallery's figure, copied to _images/ under its own name and written as raw
            # HTML: a reference node may hold only an image, so the link is raw HTML too.
            href = html.escape(relative_uri(page, f"_images/{posixpath.basename(node['uri'])}"))
            index = node.parent.index(node)
            node.parent.insert(index + 1, nodes.raw("", "</a>", format="html"))
            node.parent.insert(index, nodes.raw("", f'<a class="full-size" href="{href}">', format="html"))
            continue
        if not isinstance(node.parent, nodes.figure):
            continue  # a bare image: a gallery thumbnail (its card links to the example), an icon ...
        source = node.get("candidates", {}).get("*", node["uri"])
        if source not in app.env.images:
            continue  # a remote image, or one Sphinx does not copy
        refuri = relative_uri(page, f"_images/{app.env.images[source][1]}")
        reference = nodes.reference("", "", internal=True, refuri=refuri, classes=["full-size"])
        node.replace_self(reference)
        reference.append(node)


def _drop_empty_section_navigation(
    app: Any, pagename: str, templatename: str, context: Any, doctree: Any
) -> None:
    """Leave out the "Section Navigation" sidebar where the page's section has no sub-pages.

    pydata-sphinx-theme counts hidden toctrees (sphinx-gallery's, which its
    pages need), so it shows the sidebar's heading over an empty list on every
    page of a section without sub-pages, and on the front page.
    """
    root = app.config.root_doc
    parents = {child: parent for parent, children in app.env.toctree_includes.items() for child in children}
    section = pagename
    while parents.get(section) not in (None, root):
        section = parents[section]
    if pagename == root or not app.env.toctree_includes.get(section):
        navigation = {"sidebar-nav-bs", "sidebar-collapse"}
        context["sidebars"] = [
            s for s in context.get("sidebars", []) if s.removesuffix(".html") not in navigation
        ]


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
        option_spec = {  # noqa: RUF012 (docutils' API)
            "epochs": directives.positive_int,
            "brief": directives.flag,
            "learn": directives.flag,
            "fixed": directives.unchanged_required,
        }

        def run(self) -> list[Any]:
            specs = self.arguments[0].split()
            changes: dict[str, Any] = {k: v for k, v in self.options.items() if k == "epochs"}
            options = [f"--epochs {changes['epochs']}"] if "epochs" in changes else []
            if "learn" in self.options:
                changes["learn"] = True
                changes["fixed"] = tuple(self.options.get("fixed", "").split())
                options += ["--learn", *(f"--fixed {name}" for name in changes["fixed"])]
            figure = _measured(Path(self.env.srcdir), tuple(specs), tuple(sorted(changes.items())))
            command = " ".join(["activations compare", *(_shell_word(spec) for spec in specs), *options])
            brief = "brief" in self.options
            path = f"/generated/figures/{figure}"
            text = comparison_rst(_REPORTS[figure], path, command, settings=not brief)
            return self.render(text)

    class Claims(_Generated):
        required_arguments = 1
        final_argument_whitespace = True

        def run(self) -> list[Any]:
            from activations.analysis import fact_check

            specs = self.arguments[0].split()
            report = fact_check(specs, registry=docs_registry())
            key = hashlib.sha1(" ".join(specs).encode()).hexdigest()[:10]
            target = Path(self.env.srcdir) / "generated" / "figures" / f"claims-{key}.png"
            target.parent.mkdir(parents=True, exist_ok=True)
            report.plot(target)
            return self.render(claims_rst(report, f"/generated/figures/{target.name}"))

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
    app.connect("doctree-resolved", _link_figures_to_full_size)
    app.connect("html-page-context", _drop_empty_section_navigation)
    app.add_directive("activations-catalogue", Catalogue)
    app.add_directive("activations-comparison", Comparison)
    app.add_directive("activations-claims", Claims)
    app.add_directive("activations-cli", CommandLine)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
