"""Figures of the comparison, drawn with matplotlib (the ``plot`` extra) on an Agg canvas.

matplotlib is imported only here, only when a figure is drawn, and without
pyplot: a `matplotlib.figure.Figure` with an Agg canvas writes the PNG, so no
GUI backend starts and no global state changes. One colour per activation,
the same in every panel.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ._saturation import MULTIPLES

if TYPE_CHECKING:
    from ._factcheck import FactCheck
    from ._report import Comparison

__all__ = [
    "MISSING_MATPLOTLIB",
    "draw_comparison",
    "draw_fact_check",
    "figure_format",
    "plot_curves",
    "require_matplotlib",
]

MISSING_MATPLOTLIB = (
    "plotting needs matplotlib, which is not installed: pip install 'pluggable-activations[plot]'"
)


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


def _colour(i: int) -> str:
    return f"C{i % 10}"


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


def _save(fig: Any, canvas_type: Any, path: str | os.PathLike[str]) -> None:
    canvas_type(fig)
    fig.savefig(os.fspath(path), format=figure_format(path), dpi=100)


def _curves_axes(ax_f: Any, ax_df: Any, series: Sequence[tuple[str, Any, Any, Any]]) -> None:
    for i, (name, x, f, df) in enumerate(series):
        ax_f.plot(x, f, color=_colour(i), label=name)
        ax_df.plot(x, df, color=_colour(i), label=name)
    for ax, title in ((ax_f, "f(x)"), (ax_df, "f'(x)")):
        ax.set_title(title)
        ax.set_xlabel("x")
        ax.axhline(0.0, color="0.8", linewidth=0.8, zorder=0)
        ax.axvline(0.0, color="0.8", linewidth=0.8, zorder=0)
        ax.legend(fontsize="small")


def plot_curves(activations: Sequence[Any], path: str | os.PathLike[str]) -> None:
    """Draw f (left) and f' (right) on [-5, 5] for each activation, in the format ``path`` names.

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
    fig = figure_type(figsize=(10, 4), layout="constrained")
    ax_f, ax_df = fig.subplots(1, 2)
    _curves_axes(ax_f, ax_df, [(repr(a), x, a.forward(x), a.derivative(x)) for a in activations])
    _save(fig, canvas_type, path)


def draw_comparison(report: Comparison, path: str | os.PathLike[str]) -> None:
    """Write the comparison figure: f, f', output histograms, gradient norms, accuracy curves.

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
    figure_type, canvas_type = require_matplotlib()
    rows = report.activations
    s = report.settings
    fig = figure_type(figsize=(15, 9), layout="constrained")
    axes = fig.subplots(2, 3)
    _curves_axes(axes[0, 0], axes[0, 1], [(r.name, r.curve_x, r.curve_f, r.curve_df) for r in rows])

    ax = axes[0, 2]
    for i, r in enumerate(rows):
        if r.histogram_density:
            ax.stairs(r.histogram_density, r.histogram_edges, color=_colour(i), label=r.name)
    ax.set_yscale("log")
    ax.set_title("output density, x ~ N(0, 1) (sparsity: spike at 0)")
    ax.set_xlabel("f(x)")
    ax.legend(fontsize="small")

    ax = axes[1, 0]
    for i, r in enumerate(rows):
        layers = np.arange(1, len(r.flow.layer_norms) + 1)
        norms = np.array(r.flow.layer_norms)
        ax.plot(layers, np.where(norms > 0, norms, np.nan), marker="o", color=_colour(i), label=r.name)
    ax.set_yscale("log")
    ax.set_title(f"gradient norm per hidden layer at init (depth {s.depth})")
    ax.set_xlabel("hidden layer (1 = next to the input)")
    ax.set_ylabel("||dL/dW||")
    ax.legend(fontsize="small")

    ax = axes[1, 1]
    for i, r in enumerate(rows):
        epochs = np.arange(1, len(r.training.accuracy) + 1)
        ax.plot(epochs, r.training.accuracy, marker=".", color=_colour(i), label=r.name)
    ax.axhline(s.target, color="0.5", linestyle="--", linewidth=0.8, label=f"target {s.target:.0%}")
    ax.set_title("test accuracy on the digits")
    ax.set_xlabel("epoch")
    ax.set_ylim(0.0, 1.0)
    ax.legend(fontsize="small")

    ax = axes[1, 2]
    names = [r.name for r in rows]
    positions = np.arange(len(rows))
    dead = [r.training.dead_fraction for r in rows]
    bars = ax.bar(positions, dead, color=[_colour(i) for i in range(len(rows))])
    ax.bar_label(bars, labels=[f"{d:.1%}" for d in dead], fontsize="small")
    ax.set_xticks(positions, names, rotation=20, fontsize="small")
    ax.set_ylim(0.0, max(0.1, 1.25 * max(dead, default=0.0)))
    ax.set_title("dead hidden units after training")
    _save(fig, canvas_type, path)


#: The colour of each verdict in the titles of the fact-check figure.
_VERDICT_COLOURS = {"holds": "tab:green", "holds partly": "tab:orange", "does not hold": "tab:red"}


def _bars(ax: Any, names: Sequence[str], values: Sequence[float], fmt: str) -> None:
    """One bar per activation, in its colour, labelled with its value."""
    positions = np.arange(len(names))
    bars = ax.bar(positions, values, color=[_colour(i) for i in range(len(names))])
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
    colours = [_colour(i) for i in range(len(ms))]
    fig = figure_type(figsize=(20, 8.5), layout="constrained")
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
    _save(fig, canvas_type, path)
