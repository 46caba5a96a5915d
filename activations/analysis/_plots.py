"""Figures of the comparison, drawn with matplotlib (the ``plot`` extra) on an Agg canvas.

matplotlib is imported only here, only when a figure is drawn, and without
pyplot: a `matplotlib.figure.Figure` with an Agg canvas writes the PNG, so no
GUI backend starts and no global state changes. One colour per activation,
the same in every panel, from a palette that colour-blind readers can tell
apart; one legend outside the data; short tick labels, the full specs in the
legend.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ._saturation import MULTIPLES

if TYPE_CHECKING:
    from ._factcheck import FactCheck
    from ._report import Comparison

__all__ = [
    "MISSING_MATPLOTLIB",
    "PALETTE",
    "comparison_figure",
    "draw_comparison",
    "draw_fact_check",
    "figure_format",
    "plot_curves",
    "require_matplotlib",
    "short_labels",
]

MISSING_MATPLOTLIB = (
    "plotting needs matplotlib, which is not installed: pip install 'pluggable-activations[plot]'"
)

#: One colour per activation, in the order compared: the Okabe-Ito palette (Okabe and Ito,
#: "Color Universal Design", 2008), whose eight colours stay apart for readers with any of the
#: common colour-vision deficiencies. A ninth activation starts the colours again, dashed.
PALETTE: tuple[str, ...] = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#000000",
    "#F0E442",
)
_LINESTYLES = ("-", "--", ":", "-.")
_LINEWIDTH = 1.8
_REFERENCE: dict[str, Any] = {"color": "0.8", "linewidth": 0.8, "zorder": 0}
_TARGET: dict[str, Any] = {"color": "0.45", "linestyle": "--", "linewidth": 1.2}
_FONT = {"heading": 16, "title": 13.5, "label": 12, "tick": 11, "legend": 12}
_DPI = 120


def require_matplotlib() -> tuple[Any, Any]:
    """``(Figure, FigureCanvasAgg)``, or a ModuleNotFoundError naming the extra to install.

    Examples
    --------
    >>> from activations.analysis._plots import require_matplotlib
    >>> Figure, Canvas = require_matplotlib()
    >>> Canvas.__name__
    'FigureCanvasAgg'
    """
    try:
        import matplotlib  # noqa: F401 - first, so a cached submodule cannot hide a missing package
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise ModuleNotFoundError(MISSING_MATPLOTLIB, name="matplotlib") from None
    return Figure, FigureCanvasAgg


def figure_format(path: str | os.PathLike[str]) -> str:
    """The file format a figure written to ``path`` gets: the one its extension names.

    Raises
    ------
    ValueError
        ``path`` has no extension, or one matplotlib cannot write; the message
        lists those it can.
    ModuleNotFoundError
        matplotlib is not installed; the message names the ``plot`` extra.

    Examples
    --------
    >>> from activations.analysis import figure_format
    >>> figure_format("curves.svg"), figure_format("compare.PNG")
    ('svg', 'png')
    >>> figure_format("compare.docx")
    Traceback (most recent call last):
    ...
    ValueError: cannot write a figure to 'compare.docx': matplotlib writes ..., pdf, ..., png, ..., svg, ...
    """
    _, canvas_type = require_matplotlib()
    suffix = Path(path).suffix.lstrip(".").lower()
    formats = sorted(canvas_type.get_supported_filetypes())
    if suffix not in formats:
        raise ValueError(
            f"cannot write a figure to {os.fspath(path)!r}: matplotlib writes {', '.join(formats)}; "
            "name the file with one of these extensions"
        )
    return suffix


def _save(fig: Any, path: str | os.PathLike[str]) -> None:
    fig.savefig(os.fspath(path), format=figure_format(path), dpi=_DPI)


def _style(i: int) -> dict[str, Any]:
    """The colour and line style of the ``i``-th activation of a figure."""
    return {
        "color": PALETTE[i % len(PALETTE)],
        "linestyle": _LINESTYLES[i // len(PALETTE) % len(_LINESTYLES)],
    }


def short_labels(configs: Sequence[Mapping[str, Any]]) -> list[str]:
    """Short labels for the ticks of a figure: each name, with its parameter values where a name repeats.

    The full spec of each activation is in the figure's legend; ticks get the
    short form so that they never run into each other.

    Examples
    --------
    >>> from activations.analysis._plots import short_labels
    >>> short_labels([{"name": "relu"}, {"name": "leaky_relu", "negative_slope": 0.01},
    ...               {"name": "leaky_relu", "negative_slope": 0.2}, {"name": "elu", "alpha": 1.0}])
    ['relu', 'leaky_relu(0.01)', 'leaky_relu(0.2)', 'elu']
    >>> short_labels([{"name": "tanh"}, {"name": "tanh"}])
    ['tanh #1', 'tanh #2']
    """
    names = [str(c["name"]) for c in configs]
    labels = []
    for n, c in zip(names, configs, strict=True):
        values = ", ".join(repr(v) for k, v in c.items() if k != "name")
        labels.append(f"{n}({values})" if names.count(n) > 1 and values else n)
    return [f"{x} #{labels[: i + 1].count(x)}" if labels.count(x) > 1 else x for i, x in enumerate(labels)]


def _panel(ax: Any, title: str, xlabel: str, ylabel: str) -> None:
    ax.set_title(title, fontsize=_FONT["title"])
    ax.set_xlabel(xlabel, fontsize=_FONT["label"])
    ax.set_ylabel(ylabel, fontsize=_FONT["label"])
    ax.tick_params(labelsize=_FONT["tick"])
    ax.grid(True, color="0.92", linewidth=0.8)
    ax.set_axisbelow(True)


def _text_width(renderer: Any, text: str, size: float) -> float:
    from matplotlib.font_manager import FontProperties

    width, _, _ = renderer.get_text_width_height_descent(text, FontProperties(size=size), ismath=False)
    return float(width)


def _fill(renderer: Any, parts: Sequence[str], size: float, width: float, sep: str = "; ") -> str:
    """Join ``parts`` with ``sep`` into lines no wider than ``width`` display units."""
    lines: list[str] = []
    for part in parts:
        if lines and _text_width(renderer, lines[-1] + sep + part, size) <= width:
            lines[-1] += sep + part
        else:
            lines.append(part)
    return "\n".join(lines)


def _shared_legend(fig: Any, renderer: Any, handles: list[Any], labels: list[str], title: str = "") -> Any:
    """One legend for every panel, above them, in as many columns (up to 4) as the width takes.

    Entries read row by row in the order given (matplotlib fills a legend
    column by column, so the entries are handed over in that order). ``title``
    goes above the entries, in grey.
    """
    n = len(labels)
    for ncols in range(min(n, 4), 0, -1):
        order = [i for c in range(ncols) for i in range(c, n, ncols)]
        legend = fig.legend(
            [handles[i] for i in order],
            [labels[i] for i in order],
            loc="outside upper center",
            ncols=ncols,
            frameon=False,
            fontsize=_FONT["legend"],
            handlelength=2.5,
            columnspacing=2.0,
            title=title or None,
            title_fontproperties={"size": _FONT["legend"]},
            alignment="center",
        )
        legend.get_title().set_multialignment("center")
        legend.get_title().set_color("0.3")
        if ncols == 1 or legend.get_window_extent(renderer).width <= 0.98 * fig.bbox.width:
            return legend
        legend.remove()
    raise AssertionError("unreachable: one column always fits")  # pragma: no cover


def _draw_curves(ax_f: Any, ax_df: Any, series: Sequence[tuple[Any, Any, Any]]) -> None:
    n = len(series)
    for i, (x, f, df) in enumerate(series):
        # Earlier curves are drawn wider, so a curve that another one covers (ReLU under
        # Leaky ReLU) still shows along its edges.
        width = _LINEWIDTH + 1.4 * (n - 1 - i) / max(n - 1, 1)
        ax_f.plot(x, f, linewidth=width, **_style(i))
        ax_df.plot(x, df, linewidth=width, **_style(i))
    for ax in (ax_f, ax_df):
        ax.axhline(0.0, **_REFERENCE)
        ax.axvline(0.0, **_REFERENCE)
    _panel(ax_f, "the activation", "x", "f(x)")
    _panel(ax_df, "its derivative", "x", "f'(x)")


def _handles(count: int) -> list[Any]:
    from matplotlib.lines import Line2D

    return [Line2D([], [], linewidth=_LINEWIDTH, **_style(i)) for i in range(count)]


def plot_curves(activations: Sequence[Any], path: str | os.PathLike[str]) -> None:
    """Draw f (left) and f' (right) on [-5, 5] for each activation, in the format ``path`` names.

    One legend above both panels names each activation by its full spec, and
    each activation keeps its colour in both panels (the colours of
    `Comparison.plot`).

    Parameters
    ----------
    activations : sequence of BoundActivation
        The activations to draw (``activations.get(...)`` of each spec).
    path : str or path-like
        Where to write the figure; its extension chooses the format (see `figure_format`).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import activations
    >>> from activations.analysis import plot_curves
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     plot_curves([activations.get("relu")], pathlib.Path(tmp) / "f.svg")
    ...     (pathlib.Path(tmp) / "f.svg").read_text()[:5]
    '<?xml'
    """
    figure_type, canvas_type = require_matplotlib()
    x = np.linspace(-5.0, 5.0, 401)
    fig = figure_type(figsize=(11, 4.8), layout="constrained")
    canvas = canvas_type(fig)
    ax_f, ax_df = fig.subplots(1, 2)
    _draw_curves(ax_f, ax_df, [(x, a.forward(x), a.derivative(x)) for a in activations])
    _shared_legend(fig, canvas.get_renderer(), _handles(len(activations)), [repr(a) for a in activations])
    _save(fig, path)


def _headings(report: Comparison, short: Sequence[str], renderer: Any, width: float) -> tuple[str, str]:
    """The figure's title (the names compared, or how many when they do not fit) and its settings."""
    s = report.settings
    n = len(short)
    names = short[0] if n == 1 else f"{', '.join(short[:-1])} and {short[-1]}"
    what = f"{names} measured" if n == 1 else f"{names} compared"
    if _text_width(renderer, what, _FONT["heading"]) > width:
        what = f"{n} activations compared"
    seed = f"seed {s.seed}" if not report.seeds else f"seed {s.seed} (the first of {len(report.seeds)} seeds)"
    hidden = "-".join(map(str, s.hidden))
    settings = [
        seed,
        f"statistics on {s.samples:,} draws of x ~ N(0, 1)",
        f"gradient flow at initialisation: depth {s.depth}, width {s.width}",
        f"training on the 8x8 digits: hidden layers {hidden}",
        f"SGD lr {s.learning_rate:g}, momentum {s.momentum:g}, batch {s.batch_size}, {s.epochs} epochs",
    ]
    if s.learn:
        fixed = f" except {', '.join(s.fixed)}'s" if s.fixed else ""
        settings.append(f"learnable parameters learned{fixed}, per hidden layer")
    return what, _fill(renderer, settings, _FONT["legend"], width)


def comparison_figure(report: Comparison) -> Any:
    """The comparison figure of ``report``, as a matplotlib Figure on an Agg canvas (not yet saved)."""
    figure_type, canvas_type = require_matplotlib()
    from matplotlib.ticker import MaxNLocator, PercentFormatter

    rows = report.activations
    s = report.settings
    short = short_labels([r.config for r in rows])
    learned = s.learn and any(r.learnable for r in rows)
    fig = figure_type(figsize=(12, 17.5 if learned else 13.5), layout="constrained")
    renderer = canvas_type(fig).get_renderer()
    title, settings = _headings(report, short, renderer, 0.96 * fig.bbox.width)
    fig.suptitle(title, fontsize=_FONT["heading"], fontweight="bold")
    # Constrained layout gives a figure's top margin to its suptitle or to a legend, not to both:
    # the panels and their legend go into a subfigure, under the title.
    body = fig.subfigures(1, 1)
    grid = body.add_gridspec(4 if learned else 3, 2)
    axes = np.array([[body.add_subplot(grid[i, j]) for j in range(2)] for i in range(3)])
    if learned:
        _draw_learned(body.add_subplot(grid[3, :]), rows, s.epochs)

    _draw_curves(axes[0, 0], axes[0, 1], [(r.curve_x, r.curve_f, r.curve_df) for r in rows])

    ax = axes[1, 0]
    for i, r in enumerate(rows):
        if r.histogram_density:
            ax.stairs(r.histogram_density, r.histogram_edges, linewidth=_LINEWIDTH, **_style(i))
    ax.set_yscale("log")
    _panel(ax, "output on x ~ N(0, 1): a spike at 0 is sparsity", "f(x)", "density (log scale)")

    ax = axes[1, 1]
    for i, r in enumerate(rows):
        layers = np.arange(1, len(r.flow.layer_norms) + 1)
        norms = np.array(r.flow.layer_norms)
        ax.plot(layers, np.where(norms > 0, norms, np.nan), marker="o", markersize=4, **_style(i))
    ax.set_yscale("log")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    _panel(
        ax,
        f"gradient norm per layer at initialisation, depth {s.depth}",
        "hidden layer (1 = next to the input)",
        "||dL/dW|| (log scale)",
    )

    ax = axes[2, 0]
    for i, r in enumerate(rows):
        epochs = np.arange(1, len(r.training.accuracy) + 1)
        ax.plot(epochs, r.training.accuracy, marker=".", **_style(i))
    ax.axhline(s.target, **_TARGET)
    ax.set_ylim(0.0, 1.0)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    _panel(ax, "training on the 8x8 digits", "epoch", "test accuracy")

    ax = axes[2, 1]
    dead = np.array([r.training.dead_fraction for r in rows], dtype=float)
    positions = np.arange(len(rows))
    bars = ax.barh(
        positions, np.nan_to_num(dead), height=0.6, color=[_style(i)["color"] for i in range(len(rows))]
    )
    ax.bar_label(
        bars,
        labels=[f"{d:.1%}" if np.isfinite(d) else "n/a" for d in dead],
        padding=3,
        fontsize=_FONT["tick"],
    )
    ax.set_yticks(positions, short)
    ax.invert_yaxis()
    ax.set_xlim(0.0, max(0.05, 1.3 * float(np.nanmax(dead, initial=0.0))))
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    _panel(
        ax,
        "dead hidden units after training",
        "hidden units that output 0 on every training image",
        "activation",
    )
    ax.grid(False, axis="y")

    from matplotlib.lines import Line2D

    handles = [*_handles(len(rows)), Line2D([], [], **_TARGET)]
    labels = [*(r.name for r in rows), f"target accuracy {s.target:.0%}"]
    _shared_legend(body, renderer, handles, labels, settings)
    return fig


def _draw_learned(ax: Any, rows: Sequence[Any], epochs: int) -> None:
    """Each learnable parameter by epoch: learned ones per hidden layer (line style), fixed ones flat."""
    from matplotlib.ticker import MaxNLocator

    layers = 0
    for i, r in enumerate(rows):
        colour = _style(i)["color"]
        for name in r.learnable:
            paths = [layer[name] for layer in r.training.learned if name in layer]
            for k, path in enumerate(paths):
                style = _LINESTYLES[k % len(_LINESTYLES)]
                ax.plot(range(len(path)), path, color=colour, linestyle=style, linewidth=_LINEWIDTH)
            layers = max(layers, len(paths))
            if not paths:  # not learned: the spec's value, all along
                ax.plot([0, epochs], [r.config[name]] * 2, color=colour, linewidth=_LINEWIDTH / 2)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    names = ("solid", "dashed", "dotted", "dash-dot")
    key = ", ".join(f"{names[k]} {k + 1}" for k in range(min(layers, len(names))))
    _panel(
        ax,
        f"learnable parameters by epoch; hidden layer {key}; thin: fixed",
        "epoch (0 = the spec's value)",
        "parameter value",
    )


def draw_comparison(report: Comparison, path: str | os.PathLike[str]) -> None:
    """Write the comparison figure: f, f', output densities, gradient norms, accuracy, dead units.

    Six panels in three rows (the activation and its derivative; its output
    on N(0, 1) and the gradient flow at initialisation; training accuracy and
    dead units), one legend above them with each activation's full spec, and
    a title with what was compared and the settings. Each activation keeps
    its colour in every panel, from `PALETTE` in the order compared; tick
    labels use short names (`short_labels`).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from activations.analysis import compare
    >>> from activations.analysis._plots import draw_comparison
    >>> report = compare(["tanh"], epochs=1, samples=100, depth=2)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     draw_comparison(report, pathlib.Path(tmp) / "c.png")
    ...     (pathlib.Path(tmp) / "c.png").stat().st_size > 0
    True
    """
    figure_format(path)  # a bad extension fails before anything is drawn
    _save(comparison_figure(report), path)


#: The colour of each verdict in the titles of the fact-check figure.
_VERDICT_COLOURS = {"holds": "tab:green", "holds partly": "tab:orange", "does not hold": "tab:red"}


def _bars(ax: Any, names: Sequence[str], values: Sequence[float], fmt: str) -> None:
    """One bar per activation, in its colour, labelled with its value."""
    positions = np.arange(len(names))
    bars = ax.bar(positions, values, color=[_style(i)["color"] for i in range(len(names))])
    ax.bar_label(bars, labels=[format(v, fmt) for v in values], fontsize="small")
    ax.set_xticks(positions, names, rotation=20, fontsize="small")


def _grouped(
    ax: Any, groups: Sequence[str], series: Sequence[tuple[str, Sequence[float], str]], fmt: str | None = None
) -> None:
    """Bars in groups: ``series`` holds (label, a value per group, colour); ``fmt`` labels the bars."""
    width = 0.8 / max(len(series), 1)
    positions = np.arange(len(groups))
    for k, (label, values, colour) in enumerate(series):
        x = positions + (k - (len(series) - 1) / 2) * width
        bars = ax.bar(x, values, width, color=colour, label=label)
        if fmt is not None:
            ax.bar_label(bars, labels=[format(v, fmt) for v in values], fontsize="x-small")
    ax.set_xticks(positions, groups, fontsize="small")
    ax.legend(fontsize="x-small", loc="upper center", ncols=2)


def draw_fact_check(report: FactCheck, path: str | os.PathLike[str]) -> None:
    """Write the figure of `FactCheck.plot`: one small panel per claim, titled with its verdict."""
    figure_type, canvas_type = require_matplotlib()
    ms = report.measurements
    names = [m.name for m in ms]
    colours = [_style(i)["color"] for i in range(len(ms))]
    fig = figure_type(figsize=(20, 8.5), layout="constrained")
    canvas_type(fig)
    axes = fig.subplots(2, 5).ravel()
    for i, (ax, verdict) in enumerate(zip(axes, report.verdicts, strict=True), start=1):
        ax.set_title(f"{i}. {verdict.key}: {verdict.verdict}", color=_VERDICT_COLOURS[verdict.verdict])

    _bars(axes[0], names, [m.cost.relative for m in ms], ".2f")
    axes[0].set_ylabel("forward + backward time / relu's")

    groups = ["spirals", "digits"]
    series = [
        (n, (m.nonlinearity.spirals, m.nonlinearity.digits), c)
        for n, m, c in zip(names, ms, colours, strict=True)
    ]
    linear = (ms[0].nonlinearity.spirals_linear, ms[0].nonlinearity.digits_linear)
    _grouped(axes[1], groups, [*series, ("identity (linear)", linear, "0.6")])
    axes[1].set_ylim(0.5, 1.15)
    axes[1].set_ylabel("test accuracy")

    for i, m in enumerate(ms):
        norms = np.array(m.report.flow.layer_norms)
        layers = np.arange(1, len(norms) + 1)
        axes[2].plot(layers, np.where(norms > 0, norms, np.nan), marker="o", color=colours[i], label=m.name)
    axes[2].set_yscale("log")
    axes[2].set_xlabel("hidden layer (1 = next to the input)")
    axes[2].set_ylabel("||dL/dW|| at initialisation")
    axes[2].legend(fontsize="x-small")

    target = report.settings.target
    for i, m in enumerate(ms):
        epochs = np.arange(1, len(m.report.training.accuracy) + 1)
        axes[3].plot(epochs, m.report.training.accuracy, marker=".", color=colours[i], label=m.name)
    axes[3].axhline(target, color="0.5", linestyle="--", linewidth=0.8, label=f"target {target:.0%}")
    axes[3].set_xlabel("epoch")
    axes[3].set_ylabel("test accuracy on the digits")
    axes[3].set_ylim(0.0, 1.0)
    axes[3].legend(fontsize="x-small")

    _bars(axes[4], names, [m.report.stats.sparsity for m in ms], ".3f")
    axes[4].set_ylabel("outputs exactly 0, x ~ N(0, 1)")
    axes[4].set_ylim(0.0, 1.0)

    dead = [m.report.training.dead_fraction for m in ms]
    _bars(axes[5], names, dead, ".1%")
    axes[5].set_ylabel("dead hidden units after training")
    axes[5].set_ylim(0.0, max(0.1, 1.25 * max(dead, default=0.0)))

    own = [m.kinks.training.final_accuracy for m in ms]
    other = [
        m.kinks.other_side_training.final_accuracy if m.kinks.other_side_training is not None else np.nan
        for m in ms
    ]
    _grouped(axes[6], names, [("own convention", own, "0.35"), ("other side at the kinks", other, "0.7")])
    for x, m in enumerate(ms):
        label = f"{m.kinks.hits:,} hits" if m.kinks.kinks else "no kink"
        axes[6].annotate(label, (x - 0.2, 0.55), ha="center", rotation=90, color="white", fontsize="small")
    axes[6].set_ylim(0.5, 1.15)
    axes[6].set_ylabel("final test accuracy on the digits")

    std = ms[0].saturation.std
    labels = [f"{sign * k * std:+g}" for sign, ks in ((-1, MULTIPLES[::-1]), (1, MULTIPLES)) for k in ks]
    for i, m in enumerate(ms):
        values = [*m.saturation.lower[::-1], *m.saturation.upper]
        axes[7].plot(np.arange(len(labels)), values, marker="o", color=colours[i], label=m.name)
    axes[7].set_xticks(np.arange(len(labels)), labels, fontsize="small")
    axes[7].set_xlabel("x (1, 10, 100 standard deviations of the input)")
    axes[7].set_ylabel("f'(x)")
    axes[7].legend(fontsize="x-small")

    mass = [m.collapsed.mass for m in ms]
    loss = [m.collapsed.probe_loss for m in ms]
    lost = [("mass where f is constant", mass, "0.35"), ("probe accuracy lost", loss, "0.7")]
    _grouped(axes[8], names, lost, fmt=".1%")
    axes[8].set_ylim(min(0.0, *loss) - 0.02, 1.15)

    _bars(axes[9], names, [m.report.stats.mean_output for m in ms], "+.3f")
    axes[9].axhline(0.0, color="0.5", linewidth=0.8)
    axes[9].set_ylabel("mean output, x ~ N(0, 1)")
    _save(fig, path)
