"""The report of `activations.analysis.compare`: a table, JSON-ready data and a figure.

`Comparison` holds the settings and one `ActivationReport` per activation,
with everything needed to redraw the figure later (curves and histogram), so
a report can be rendered after the activations it measured are gone (for
instance, unregistered). A comparison over several seeds also holds every
run, and its table and JSON give the mean and spread across seeds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from ._plots import draw_comparison

if TYPE_CHECKING:
    import os

    from ._gradient_flow import GradientFlow
    from ._settings import Settings
    from ._statistics import OutputStats
    from ._training import TrainingResult

__all__ = ["COLUMNS", "LEARNED_COLUMN", "SEED_COLUMNS", "ActivationReport", "Comparison", "build_row"]

#: (header, one-line reading) of each column of the table, in order.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("activation", "the spec measured"),
    ("sparsity", "fraction of outputs exactly 0 on x ~ N(0, 1): sparse codes (ReLU: 1/2)"),
    ("mean out", "mean output on N(0, 1): the bias shift handed to the next layer (0 = zero-centred)"),
    ("std out", "standard deviation of the output on N(0, 1)"),
    ("mean grad", "mean |f'(x)| on N(0, 1): how much gradient a layer lets through on average"),
    ("max grad", "largest |f'(x)|: below 1, every layer shrinks the gradient (sigmoid: 1/4)"),
    ("zero grad", "fraction of inputs with f'(x) = 0 exactly: no learning signal passes there"),
    ("grad ratio", "gradient norm at hidden layer 1 / at the last, deep net at init: << 1 = vanishing"),
    ("epochs to target", "first epoch reaching the target test accuracy on the digits: convergence speed"),
    ("final acc", "test accuracy on the digits after the last epoch"),
    ("dead", "fraction of hidden units outputting exactly 0 on every training image after training"),
)

#: (header, reading) of the column a comparison with ``learn=True`` adds at the end.
LEARNED_COLUMN: tuple[str, str] = (
    "learned",
    "each learnable parameter after training, per hidden layer (the first next to the input)",
)


#: The keys of a run's ``to_dict()`` that a comparison over seeds summarises (mean, std, min, max).
SEED_COLUMNS: tuple[str, ...] = (
    "sparsity",
    "mean_output",
    "std_output",
    "mean_gradient",
    "max_gradient",
    "zero_gradient_fraction",
    "gradient_ratio",
    "epochs_to_target",
    "final_accuracy",
    "dead_fraction",
)

_CURVE_X = np.linspace(-5.0, 5.0, 401)
_HISTOGRAM_BINS = 60


def _finite(value: float) -> float | None:
    """JSON has no NaN or infinity: write those as null."""
    return value if math.isfinite(value) else None


def _fmt(value: float, spec: str = ".3f") -> str:
    return format(value, spec) if math.isfinite(value) else "n/a"


@dataclass(frozen=True, kw_only=True)
class ActivationReport:
    """The measurements of one activation in a `Comparison`.

    Attributes
    ----------
    name : str
        The activation's spec, e.g. ``'leaky_relu(negative_slope=0.2)'``.
    config : dict
        Its ``config``.
    stats : OutputStats
        Output statistics on N(0, 1).
    flow : GradientFlow
        Gradient norms through the deep network at initialisation.
    training : TrainingResult
        The training run on the digits.
    curve_x, curve_f, curve_df : tuple of float
        f and f' on a grid of [-5, 5], for the figure.
    histogram_edges, histogram_density : tuple of float
        A density histogram of f(x), x ~ N(0, 1), for the figure.
    learnable : tuple of str
        The activation's learnable parameters (learned in training only if
        the comparison's settings say ``learn``).

    Examples
    --------
    >>> from activations.analysis import compare
    >>> row = compare(["sigmoid"], epochs=1, samples=1000, depth=2).activations[0]
    >>> row.name, row.stats.sparsity, len(row.flow.layer_norms), len(row.training.accuracy)
    ('sigmoid', 0.0, 2, 1)
    """

    name: str
    config: dict[str, Any]
    stats: OutputStats
    flow: GradientFlow
    training: TrainingResult
    curve_x: tuple[float, ...]
    curve_f: tuple[float, ...]
    curve_df: tuple[float, ...]
    histogram_edges: tuple[float, ...]
    histogram_density: tuple[float, ...]
    learnable: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Return the measurements as JSON-ready data (NaN and infinity become None).

        Examples
        --------
        >>> from activations.analysis import compare
        >>> row = compare(["relu"], epochs=1, samples=100, depth=2).activations[0]
        >>> row.to_dict()["name"], row.to_dict()["max_gradient"]
        ('relu', 1.0)
        """
        s, t = self.stats, self.training
        return {
            "name": self.name,
            "config": dict(self.config),
            "sparsity": _finite(s.sparsity),
            "mean_output": _finite(s.mean_output),
            "std_output": _finite(s.std_output),
            "mean_gradient": _finite(s.mean_gradient),
            "max_gradient": _finite(s.max_gradient),
            "zero_gradient_fraction": _finite(s.zero_gradient_fraction),
            "gradient_ratio": _finite(self.flow.ratio),
            "layer_gradient_norms": [_finite(n) for n in self.flow.layer_norms],
            "epochs_to_target": t.epochs_to_target,
            "final_accuracy": _finite(t.final_accuracy),
            "accuracy_curve": [_finite(a) for a in t.accuracy],
            "dead_fraction": _finite(t.dead_fraction),
            "diverged_at": t.diverged_at,
            "stopped": t.stopped,
            **({"learned": _learned_dict(t.learned)} if t.learned else {}),
        }

    def cells(self, *, learned: bool = False) -> list[str]:
        """Format the row of the table (with the `LEARNED_COLUMN` when ``learned``).

        Examples
        --------
        >>> from activations.analysis import compare
        >>> compare(["relu"], epochs=1, samples=100, depth=2).activations[0].cells()[0]
        'relu'
        """
        s, t = self.stats, self.training
        return [
            self.name,
            _fmt(s.sparsity),
            _fmt(s.mean_output),
            _fmt(s.std_output),
            _fmt(s.mean_gradient),
            _fmt(s.max_gradient),
            _fmt(s.zero_gradient_fraction),
            _fmt(self.flow.ratio, ".3g"),
            "never" if t.epochs_to_target is None else str(t.epochs_to_target),
            _fmt(t.final_accuracy) if t.diverged_at is None else f"diverged (epoch {t.diverged_at})",
            _fmt(t.dead_fraction),
            *([_learned_cell(t.final_parameters()) if t.learned else "not learned"] if learned else []),
        ]


def _learned_dict(learned: tuple[dict[str, tuple[float, ...]], ...]) -> dict[str, dict[str, Any]]:
    """``{parameter: {"final": [per layer], "path": [[per epoch] per layer]}}`` for the JSON."""
    names = sorted({name for layer in learned for name in layer})
    return {
        name: {
            "final": [_finite(layer[name][-1]) for layer in learned if name in layer],
            "path": [[_finite(v) for v in layer[name]] for layer in learned if name in layer],
        }
        for name in names
    }


def _learned_cell(final: tuple[dict[str, float], ...] | dict[str, list[str]]) -> str:
    """``weight 0.121, 0.593, 0.649``: each parameter per hidden layer; "nothing learnable" if none."""
    per_name: dict[str, list[str]] = {}
    if isinstance(final, dict):  # already formatted, per parameter
        per_name = final
    else:
        for layer in final:
            for name, value in layer.items():
                per_name.setdefault(name, []).append(_fmt(value))
    if not per_name:
        return "nothing learnable"
    return "; ".join(f"{name} {', '.join(values)}" for name, values in sorted(per_name.items()))


@dataclass(frozen=True, kw_only=True)
class Comparison:
    """Side-by-side measurements of several activations, from `activations.analysis.compare`.

    Attributes
    ----------
    settings : Settings
        How everything was measured (over seeds: ``seed`` is the first seed).
    activations : tuple of ActivationReport
        One report per activation, in the order asked for (over seeds: the
        first seed's run, which the figure draws).
    seeds : tuple of int
        The seeds of a comparison over seeds; empty for a single run.
    runs : tuple of tuple of ActivationReport
        Over seeds: for each activation, its run with each seed, in order.
    COLUMNS : tuple of (str, str)
        Class attribute: the header and a one-line reading of each column of
        the table, in order.

    Examples
    --------
    >>> from activations.analysis import Comparison, compare
    >>> Comparison.COLUMNS[1]
    ('sparsity', 'fraction of outputs exactly 0 on x ~ N(0, 1): sparse codes (ReLU: 1/2)')
    >>> report = compare(["relu", "tanh"], epochs=1, samples=1000, depth=2)
    >>> sorted(report.to_dict())
    ['activations', 'settings']
    >>> report.to_markdown().splitlines()[0].split(" | ")[1:4]
    ['sparsity', 'mean out', 'std out']
    """

    settings: Settings
    activations: tuple[ActivationReport, ...]
    seeds: tuple[int, ...] = ()
    runs: tuple[tuple[ActivationReport, ...], ...] = ()
    COLUMNS: ClassVar[tuple[tuple[str, str], ...]] = COLUMNS

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"settings": {...}, "activations": [...]}``, ready for ``json.dumps(allow_nan=False)``.

        Over seeds, ``settings`` also has ``"seeds"``, and each activation is
        ``{"name", "config", "seeds", "mean", "std", "min", "max",
        "reached_target", "diverged", "runs"}``: ``mean`` ... ``max`` map each
        of `SEED_COLUMNS` to its mean, standard deviation (NumPy's, ddof=0),
        minimum and maximum across seeds (None where a run gave NaN; for
        ``epochs_to_target``, over the runs that reached the target, None if
        none did); ``reached_target`` and ``diverged`` count runs; ``runs``
        holds each seed's row as a single run writes it.

        Examples
        --------
        >>> import json
        >>> from activations.analysis import compare
        >>> data = compare(["sigmoid"], epochs=1, samples=100, depth=2).to_dict()
        >>> data["activations"][0]["max_gradient"] <= 0.25, data["settings"]["depth"]
        (True, 2)
        >>> isinstance(json.dumps(data, allow_nan=False), str)
        True
        """
        if not self.seeds:
            rows = [a.to_dict() for a in self.activations]
            return {"settings": self.settings.to_dict(), "activations": rows}
        settings = {**self.settings.to_dict(), "seeds": list(self.seeds)}
        return {"settings": settings, "activations": [self._seed_summary(runs) for runs in self.runs]}

    def _seed_summary(self, runs: tuple[ActivationReport, ...]) -> dict[str, Any]:
        rows = [run.to_dict() for run in runs]
        first = runs[0]
        summary: dict[str, Any] = {
            "name": first.name,
            "config": dict(first.config),
            "seeds": list(self.seeds),
        }
        stats: dict[str, dict[str, float | None]] = {"mean": {}, "std": {}, "min": {}, "max": {}}
        for column in SEED_COLUMNS:
            values = [np.nan if row[column] is None else row[column] for row in rows]
            if column == "epochs_to_target":
                values = [v for v in values if not math.isnan(v)]
            for name, value in _spread(values).items():
                stats[name][column] = None if value is None else _finite(value)
        summary.update(stats)
        summary["reached_target"] = sum(run.training.epochs_to_target is not None for run in runs)
        summary["diverged"] = sum(run.training.diverged_at is not None for run in runs)
        if self.settings.learn and first.training.learned:
            summary["learned"] = _learned_spread([run.training.final_parameters() for run in runs])
        summary["runs"] = rows
        return summary

    def to_markdown(self) -> str:
        """Render a Markdown table of the measurements, then the settings and a reading of each column.

        Examples
        --------
        >>> from activations.analysis import compare
        >>> text = compare(["relu"], epochs=1, samples=100, depth=2).to_markdown()
        >>> print(text.splitlines()[2].split(" | ")[0])
        | relu
        >>> print(text.splitlines()[-1])
        - dead: fraction of hidden units outputting exactly 0 on every training image after training
        """
        learn = self.settings.learn
        columns = [*COLUMNS, LEARNED_COLUMN] if learn else list(COLUMNS)
        headers = [h for h, _ in columns]
        headers[8] = f"epochs to {self.settings.target:.0%}"
        cells = [self._seed_cells(d) for d in self.to_dict()["activations"]] if self.seeds else None
        body = cells if cells is not None else [a.cells(learned=learn) for a in self.activations]
        rows = [headers, ["---"] * len(headers), *body]
        lines = ["| " + " | ".join(row) + " |" for row in rows]
        s = self.settings
        hidden = "-".join(map(str, s.hidden))
        seeds = ", ".join(map(str, self.seeds))
        heading = f"Settings (seed {s.seed}):"
        if self.seeds:
            heading = f"Settings (seeds {seeds}; each cell: mean ± standard deviation across the seeds):"
        lines += [
            "",
            heading,
            f"- output statistics: {s.samples} draws of x ~ N(0, 1)",
            f"- gradient flow: {s.depth} hidden layers of {s.width} units, Glorot normal, zero biases; "
            f"a batch of {s.batch} inputs x ~ N(0, 1) with random labels, softmax cross-entropy",
            f"- training: 8x8 digits, 1437 train / 360 test images; hidden layers {hidden}, Glorot-normal; "
            f"SGD lr {s.learning_rate:g}, momentum {s.momentum:g}, batch {s.batch_size}, {s.epochs} epochs"
            + ("; learnable parameters learned per hidden layer, same SGD" if learn else ""),
            "",
            "Columns:",
            *(f"- {headers[i]}: {reading}" for i, (_, reading) in enumerate(columns)),
        ]
        return "\n".join(lines)

    def _seed_cells(self, summary: dict[str, Any]) -> list[str]:
        """One row of the table over seeds: ``mean ± std`` per column."""
        n = len(self.seeds)

        def cell(column: str, spec: str = ".3f") -> str:
            mean, std = summary["mean"][column], summary["std"][column]
            return "n/a" if mean is None or std is None else f"{mean:{spec}} ± {std:{spec}}"

        reached = summary["reached_target"]
        epochs = "never" if not reached else cell("epochs_to_target", ".1f")
        if 0 < reached < n:
            epochs += f" ({reached}/{n} seeds)"
        diverged = summary["diverged"]
        final = cell("final_accuracy") if not diverged else f"diverged ({diverged}/{n} seeds)"
        columns = ("sparsity", "mean_output", "std_output", "mean_gradient", "max_gradient")
        return [
            summary["name"],
            *(cell(c) for c in columns),
            cell("zero_gradient_fraction"),
            cell("gradient_ratio", ".3g"),
            epochs,
            final,
            cell("dead_fraction"),
            *([_learned_seed_cell(summary.get("learned"))] if self.settings.learn else []),
        ]

    def __str__(self) -> str:
        return self.to_markdown()

    def plot(self, path: str | os.PathLike[str]) -> None:
        r"""Write the figure of the comparison, in the format that the extension of ``path`` names.

        Six panels: f and f'; the output density on N(0, 1) and the gradient
        norm per layer at initialisation; the test accuracy per epoch and the
        dead units after training. A title says what was compared and with
        which settings; one legend above the panels gives each activation's
        full spec, and the ticks use short names. Each activation keeps one
        colour in every panel, from the Okabe-Ito palette in the order
        compared, which readers with a colour-vision deficiency can tell
        apart (a ninth activation reuses the colours, dashed).

        Needs matplotlib (``pip install 'pluggable-activations[plot]'``); no
        pyplot state is touched (an Agg canvas draws the figure).

        Raises
        ------
        ModuleNotFoundError
            matplotlib is not installed; the message names the extra.

        Examples
        --------
        >>> import pathlib, tempfile
        >>> from activations.analysis import compare
        >>> report = compare(["relu"], epochs=1, samples=100, depth=2)
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     report.plot(pathlib.Path(tmp) / "compare.png")
        ...     (pathlib.Path(tmp) / "compare.png").read_bytes()[:4]
        b'\x89PNG'
        """
        draw_comparison(self, path)


def _learned_spread(finals: list[tuple[dict[str, float], ...]]) -> dict[str, dict[str, list[float | None]]]:
    """Over seeds: ``{parameter: {"mean": [per layer], "std": ..., "min": ..., "max": ...}}``."""
    names = sorted({name for final in finals for layer in final for name in layer})
    layers = max((len(final) for final in finals), default=0)
    result: dict[str, dict[str, list[float | None]]] = {}
    for name in names:
        result[name] = {"mean": [], "std": [], "min": [], "max": []}
        for k in range(layers):
            values = [final[k][name] for final in finals if k < len(final) and name in final[k]]
            for stat, value in _spread(values).items():
                result[name][stat].append(None if value is None else _finite(value))
    return result


def _learned_seed_cell(spread: dict[str, dict[str, list[float | None]]] | None) -> str:
    """``weight 0.62 ± 0.41, ...``: mean ± standard deviation across seeds, per hidden layer."""
    if spread is None:
        return "not learned"
    per_name = {
        name: [
            "n/a" if m is None or d is None else f"{m:.3f} ± {d:.3f}"
            for m, d in zip(stats["mean"], stats["std"], strict=True)
        ]
        for name, stats in spread.items()
    }
    return _learned_cell(per_name)


def _spread(values: list[float]) -> dict[str, float | None]:
    """Mean, standard deviation (ddof=0), minimum and maximum; None for all when there is no value."""
    if not values:
        return {"mean": None, "std": None, "min": None, "max": None}
    arr = np.asarray(values, dtype=np.float64)
    with np.errstate(invalid="ignore", over="ignore"):  # inf - inf in std: NaN, written as None
        return {
            "mean": float(np.mean(arr)),
            "std": float(np.std(arr)),
            "min": float(np.min(arr)),
            "max": float(np.max(arr)),
        }


def build_row(
    act: Any, stats: OutputStats, flow: GradientFlow, run: TrainingResult, *, samples: int, seed: int
) -> ActivationReport:
    """Bundle one activation's measurements with what the figure draws (curves, histogram).

    The histogram is of f(x) on the same ``samples`` draws of N(0, 1) (seeded
    with ``seed``) as the output statistics.

    Examples
    --------
    >>> import activations
    >>> from activations import analysis
    >>> from activations.analysis._report import build_row
    >>> tanh = activations.get("tanh")
    >>> row = build_row(tanh, analysis.output_stats(tanh, samples=100), analysis.gradient_flow(tanh, depth=2),
    ...                 analysis.train(tanh, epochs=1), samples=100, seed=0)
    >>> row.name, len(row.curve_x), len(row.histogram_edges) - len(row.histogram_density)
    ('tanh', 401, 1)
    """
    y = act.forward(np.random.default_rng(seed).standard_normal(samples))
    finite = y[np.isfinite(y)]
    density, edges = np.histogram(finite, bins=_HISTOGRAM_BINS, density=True) if finite.size else ((), ())
    return ActivationReport(
        name=repr(act),
        config=act.config,
        stats=stats,
        flow=flow,
        training=run,
        curve_x=tuple(_CURVE_X.tolist()),
        curve_f=tuple(act.forward(_CURVE_X).tolist()),
        curve_df=tuple(act.derivative(_CURVE_X).tolist()),
        histogram_edges=tuple(float(e) for e in edges),
        histogram_density=tuple(float(d) for d in density),
        learnable=tuple(act.learnable),
    )
