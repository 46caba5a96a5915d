"""Measure the classic claims about activations: sparsity, bias shift, vanishing gradients, speed, dead units.

Each claim of the ReLU-versus-sigmoid-versus-tanh comparison becomes a number
that any registered activation (bundled or third-party) can be measured by,
through the `Activation` contract alone (``forward``, ``derivative`` and
``backward``; never the name):

* `output_stats`: on x ~ N(0, 1) (or an input of your choice), the sparsity
  (fraction of exact zeros), the mean output (the bias shift handed to the next
  layer; 0 means zero-centred), the standard deviation, the mean and maximum
  of :math:`|f'(x)|` and the fraction of inputs with f'(x) = 0;
* `gradient_flow`: the gradient norm of a loss at every hidden layer of a deep
  network at initialisation, and the ratio first / last (vanishing gradients
  when far below 1);
* `train`: a multilayer perceptron trained with mini-batch SGD on the 8x8
  handwritten digits that ship with the package; the test accuracy per epoch,
  the first epoch that reaches a target accuracy (convergence speed) and the
  fraction of dead hidden units at the end;
* `compare`: all three for several activations, as a `Comparison` report
  with ``to_markdown()``, ``to_dict()`` and ``plot(path)``; with ``seeds=``,
  once per seed as dask tasks (local processes or a cluster), reporting the
  mean and spread across seeds.

`output_stats` also measures a dask array, lazily and in one pass with
bounded memory (the ``dask`` extra; see docs/dask.md).

Everything is NumPy, float64 and seeded: the same call gives bit-identical
numbers on the same machine (NumPy and BLAS build). Every activation gets the
same inputs, the same initial weights and the same mini-batches. The
defaults are collected in `Settings`. Plotting needs matplotlib (the ``plot``
extra), imported only by ``Comparison.plot``.

Examples
--------
>>> from activations import analysis
>>> stats = analysis.output_stats("relu")
>>> round(stats.sparsity, 2), round(stats.max_gradient, 2)
(0.5, 1.0)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..backends.dask import is_dask_array
from ._digits import load_digits, split_digits
from ._report import ActivationReport, Comparison, build_row

if TYPE_CHECKING:
    from .._bound import BoundActivation
    from .._registry import Registry

__all__ = [
    "ActivationReport",
    "Comparison",
    "GradientFlow",
    "OutputStats",
    "Settings",
    "TrainingResult",
    "compare",
    "gradient_flow",
    "load_digits",
    "output_stats",
    "train",
]

#: ``progress(done, total, message)``: called as `compare` and `train` advance.
Progress = Callable[[int, int, str], None]
Sampler = Callable[[np.random.Generator, int], ArrayLike]


@dataclass(frozen=True, kw_only=True)
class Settings:
    """Every setting of a comparison; the defaults are those of ``activations compare``.

    Parameters
    ----------
    seed : int
        Seeds the inputs of `output_stats`, the network and labels of
        `gradient_flow`, and the initial weights and batch order of `train`.
        Every activation gets the same draws.
    samples : int
        Inputs drawn from N(0, 1) for the output statistics.
    depth, width, batch : int
        The gradient-flow network: ``depth`` hidden layers of ``width`` units,
        evaluated on ``batch`` inputs x ~ N(0, 1) with random labels.
    hidden : tuple of int
        The hidden-layer widths of the trained perceptron (64 inputs, 10 outputs).
    epochs, batch_size : int
        Passes over the 1,437 training digits, and the mini-batch size.
    learning_rate, momentum : float
        Mini-batch SGD with heavy-ball momentum.
    target : float
        The test accuracy whose first epoch `train` reports.

    Notes
    -----
    Both networks use the same initialisation for every activation: Glorot
    (Xavier) normal weights, N(0, 2 / (fan_in + fan_out)), and zero biases. It
    suits sigmoid and tanh as their authors intended, and ReLU reasonably (He
    initialisation would favour ReLU). The digits are split once and for all
    (1,437 training, 360 test images, pixels / 16), independent of ``seed``.

    Examples
    --------
    >>> from activations.analysis import Settings
    >>> Settings().depth, Settings(epochs=5).epochs
    (10, 5)
    >>> Settings(depth=0)
    Traceback (most recent call last):
    ...
    ValueError: depth must be an integer >= 1, got 0
    """

    seed: int = 0
    samples: int = 100_000
    depth: int = 10
    width: int = 64
    batch: int = 256
    hidden: tuple[int, ...] = (64, 64, 64)
    epochs: int = 30
    batch_size: int = 32
    learning_rate: float = 0.05
    momentum: float = 0.9
    target: float = 0.9

    def __post_init__(self) -> None:
        object.__setattr__(self, "hidden", tuple(self.hidden))
        _check_int("seed", self.seed, 0)
        for name in ("samples", "depth", "width", "batch", "epochs", "batch_size"):
            _check_int(name, getattr(self, name), 1)
        for width in self.hidden:
            _check_int("each hidden width", width, 1)
        _check_real("learning_rate", self.learning_rate, 0.0, math.inf, low_open=True, high_open=True)
        _check_real("momentum", self.momentum, 0.0, 1.0, high_open=True)
        _check_real("target", self.target, 0.0, 1.0)

    def to_dict(self) -> dict[str, Any]:
        """Return the settings as JSON-ready data, with the fixed choices spelled out.

        Examples
        --------
        >>> from activations.analysis import Settings
        >>> Settings().to_dict()["initialisation"]
        'glorot_normal'
        """
        data = asdict(self)
        data["hidden"] = list(self.hidden)
        data["input_distribution"] = "normal(0, 1)"
        data["initialisation"] = "glorot_normal"
        data["optimizer"] = "sgd_momentum"
        data["dataset"] = "UCI optical digits 8x8 (1797 images): 1437 train / 360 test, pixels / 16"
        return data


def _check_int(name: str, value: Any, low: int) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
        raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")


def _check_real(
    name: str, value: Any, low: float, high: float, *, low_open: bool = False, high_open: bool = False
) -> None:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    ok = ok and (value > low if low_open else value >= low) and (value < high if high_open else value <= high)
    if not ok:
        interval = f"{'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
        raise ValueError(f"{name} must be a real number in {interval}, got {value!r}")


def _activation(spec: Any, registry: Registry | None = None) -> BoundActivation:
    if registry is None:
        from .._registry import default_registry

        registry = default_registry()
    return registry.get(spec)


@dataclass(frozen=True, kw_only=True)
class OutputStats:
    """What an activation does to its input distribution (see `output_stats`).

    Attributes
    ----------
    sparsity : float
        Fraction of outputs exactly 0.
    mean_output : float
        Mean of f(x): the bias shift passed to the next layer.
    std_output : float
        Standard deviation of f(x).
    mean_gradient, max_gradient : float
        Mean and maximum of :math:`|f'(x)|`.
    zero_gradient_fraction : float
        Fraction of inputs with f'(x) exactly 0 (no learning signal passes).
    samples : int
        How many inputs were measured.

    Examples
    --------
    >>> from activations.analysis import output_stats
    >>> stats = output_stats("relu", [-1.0, 3.0])
    >>> stats.sparsity, stats.mean_output, stats.zero_gradient_fraction
    (0.5, 1.5, 0.5)
    """

    sparsity: float
    mean_output: float
    std_output: float
    mean_gradient: float
    max_gradient: float
    zero_gradient_fraction: float
    samples: int


def _inputs(x: ArrayLike | Sampler | None, samples: int, seed: int) -> NDArray[np.float64]:
    _check_int("samples", samples, 1)
    _check_int("seed", seed, 0)
    rng = np.random.default_rng(seed)
    if x is None:
        return rng.standard_normal(samples)
    drawn = x(rng, samples) if callable(x) else x
    arr = np.asarray(drawn, dtype=np.float64).ravel()
    if not arr.size:
        raise ValueError("output_stats needs at least one input value, got an empty array")
    return arr


def output_stats(
    activation: Any, x: ArrayLike | Sampler | None = None, *, samples: int = 100_000, seed: int = 0
) -> OutputStats:
    """Sparsity, bias shift, spread and gradient size of an activation on a distribution.

    Parameters
    ----------
    activation : spec
        Anything :func:`activations.get` accepts: a name, a spec string such as
        ``"leaky_relu(negative_slope=0.2)"``, a dict, or an activation.
    x : array_like or callable, optional
        The inputs. None (the default) draws ``samples`` values from N(0, 1)
        with ``numpy.random.default_rng(seed)``; a callable ``x(rng, samples)``
        draws from a distribution of your choice with that generator; an array
        is used as given (flattened, in float64). A dask array is measured
        the same way, lazily: every statistic is a dask reduction and all are
        computed together in one pass over its chunks, in bounded memory.
    samples : int
        How many values to draw when ``x`` is None or a callable.
    seed : int
        Seed of the generator.

    Returns
    -------
    OutputStats

    Examples
    --------
    >>> from activations.analysis import output_stats
    >>> output_stats("sigmoid", [0.0]).mean_output
    0.5
    >>> uniform = output_stats("tanh", lambda rng, n: rng.uniform(-1, 1, n), samples=1000)
    >>> round(uniform.max_gradient, 2)
    1.0
    >>> output_stats("relu", [-1.0, 0.0, 2.0]).sparsity
    0.6666666666666666

    A dask array (here 4 values in 2 chunks) is measured lazily, in one pass:

    >>> import dask.array as da
    >>> output_stats("relu", da.from_array([-1.0, 0.0, 2.0, 3.0], chunks=2)).sparsity
    0.5
    """
    act = _activation(activation)
    if is_dask_array(x):
        from ..backends.dask import lazy_output_stats

        return OutputStats(**lazy_output_stats(act, x))
    arr = _inputs(x, samples, seed)
    y = act.forward(arr)
    grad = np.abs(act.derivative(arr))
    return OutputStats(
        sparsity=float(np.mean(y == 0.0)),
        mean_output=float(np.mean(y)),
        std_output=float(np.std(y)),
        mean_gradient=float(np.mean(grad)),
        max_gradient=float(np.max(grad)),
        zero_gradient_fraction=float(np.mean(grad == 0.0)),
        samples=int(arr.size),
    )


@dataclass(frozen=True, kw_only=True)
class GradientFlow:
    """Gradient norms per hidden layer of a deep network at initialisation (see `gradient_flow`).

    Attributes
    ----------
    layer_norms : tuple of float
        Frobenius norm of dL/dW for hidden layers 1 (next to the input) to depth.
    ratio : float
        ``layer_norms[0] / layer_norms[-1]``: far below 1 means the gradient
        vanishes on its way back to the input, far above 1 that it explodes;
        NaN when the last norm is 0 or a norm is not finite (the forward
        pass overflowed).

    Examples
    --------
    >>> from activations.analysis import gradient_flow
    >>> flow = gradient_flow("tanh", depth=3)
    >>> len(flow.layer_norms), flow.ratio == flow.layer_norms[0] / flow.layer_norms[-1]
    (3, True)
    """

    layer_norms: tuple[float, ...]
    ratio: float


def gradient_flow(
    activation: Any, *, depth: int = 10, width: int = 64, batch: int = 256, seed: int = 0
) -> GradientFlow:
    """Back-propagate through a deep network at initialisation; report each hidden layer's gradient norm.

    The network has ``depth`` hidden layers of ``width`` units with the
    activation, then a linear layer to 10 classes, and softmax cross-entropy.
    Weights are Glorot (Xavier) normal, N(0, 2 / (fan_in + fan_out)), biases 0,
    the same for every activation; the input is ``batch`` rows x ~ N(0, 1) of
    ``width`` features with uniformly random labels. One generator seeded with
    ``seed`` draws weights, inputs and labels, in that order.

    Parameters
    ----------
    activation : spec
        Anything :func:`activations.get` accepts.
    depth, width, batch : int
        Hidden layers, units per hidden layer, rows of the input batch.
    seed : int
        Seed of the generator.

    Returns
    -------
    GradientFlow

    Examples
    --------
    >>> from activations.analysis import gradient_flow
    >>> flow = gradient_flow("sigmoid", depth=6)
    >>> len(flow.layer_norms), flow.ratio < 1e-2
    (6, True)
    """
    from ._network import BLOCK, QUIET, glorot_normal, gradients

    for name, value in (("depth", depth), ("width", width), ("batch", batch)):
        _check_int(name, value, 1)
    _check_int("seed", seed, 0)
    act = _activation(activation)
    rng = np.random.default_rng(seed)
    layers = glorot_normal((width, *([width] * depth), 10), rng)
    x = rng.standard_normal((batch, width))
    labels = rng.integers(0, 10, size=batch)
    total = [np.zeros_like(layer.weight) for layer in layers[:-1]]
    with np.errstate(**QUIET):  # a network that overflows gives inf or NaN norms: a result
        # the batch-mean gradient, summed over blocks of rows (small products: see BLOCK)
        for start in range(0, batch, BLOCK):
            rows = slice(start, start + BLOCK)
            _, grads = gradients(layers, act, x[rows], labels[rows])
            share = len(labels[rows]) / batch
            for acc, grad in zip(total, grads, strict=False):
                acc += share * grad.weight
        norms = tuple(float(np.linalg.norm(g)) for g in total)
    finite = math.isfinite(norms[0]) and math.isfinite(norms[-1])
    ratio = norms[0] / norms[-1] if finite and norms[-1] > 0 else math.nan
    return GradientFlow(layer_norms=norms, ratio=ratio)


@dataclass(frozen=True, kw_only=True)
class TrainingResult:
    """A training run on the digits (see `train`).

    Attributes
    ----------
    accuracy : tuple of float
        Test accuracy after each epoch.
    epochs_to_target : int or None
        The first epoch (counting from 1) whose test accuracy reaches the
        target; None if none does.
    final_accuracy : float
        Test accuracy after the last epoch.
    dead_fraction : float
        Fraction of hidden units that output exactly 0 for every training
        image after training.
    target : float
        The target accuracy.
    diverged_at : int or None
        The first epoch after which some weight was no longer finite (the
        network blew up; training stopped, and the accuracy of that epoch and
        later ones, the final accuracy and the dead fraction are NaN), or None.

    Examples
    --------
    >>> from activations.analysis import train
    >>> run = train("relu", epochs=1, target=0.0)
    >>> run.epochs_to_target, len(run.accuracy)
    (1, 1)
    """

    accuracy: tuple[float, ...]
    epochs_to_target: int | None
    final_accuracy: float
    dead_fraction: float
    target: float = field(default=0.9)
    diverged_at: int | None = None


def train(
    activation: Any,
    *,
    hidden: Sequence[int] = (64, 64, 64),
    epochs: int = 30,
    batch_size: int = 32,
    learning_rate: float = 0.05,
    momentum: float = 0.9,
    target: float = 0.9,
    seed: int = 0,
    progress: Progress | None = None,
) -> TrainingResult:
    """Train a multilayer perceptron on the 8x8 digits with mini-batch SGD; report speed and dead units.

    The perceptron maps the 64 pixels (scaled to [0, 1]) through the
    ``hidden`` layers (with the activation) to 10 logits (softmax
    cross-entropy). Weights are Glorot normal and biases 0, drawn from
    ``numpy.random.default_rng(seed)``, which then shuffles the 1,437
    training images at every epoch; the update is SGD with heavy-ball
    momentum. The test accuracy is measured on the 360 fixed test images
    after every epoch.

    Parameters
    ----------
    activation : spec
        Anything :func:`activations.get` accepts.
    hidden : sequence of int
        Widths of the hidden layers.
    epochs, batch_size : int
        Passes over the training set; images per update.
    learning_rate, momentum : float
        The SGD step and the momentum coefficient.
    target : float
        The test accuracy whose first epoch is reported.
    seed : int
        Seed of the generator.
    progress : callable, optional
        ``progress(epoch, epochs, message)`` after every epoch.

    Returns
    -------
    TrainingResult

    Examples
    --------
    >>> from activations.analysis import train
    >>> run = train("tanh", epochs=2)
    >>> len(run.accuracy), run.final_accuracy > 0.8, run.dead_fraction
    (2, True, 0.0)
    """
    from ._network import QUIET, dead_fraction, train_sgd

    settings = Settings(
        hidden=tuple(hidden),
        epochs=epochs,
        batch_size=batch_size,
        learning_rate=learning_rate,
        momentum=momentum,
        target=target,
        seed=seed,
    )  # validates
    act = _activation(activation)
    data = split_digits()

    def on_epoch(epoch: int, accuracy: float) -> None:
        if progress is not None:
            progress(
                epoch,
                settings.epochs,
                f"{act!r}: epoch {epoch}/{settings.epochs}, test accuracy {accuracy:.3f}",
            )

    net = train_sgd(
        act,
        data,
        hidden=settings.hidden,
        epochs=settings.epochs,
        batch_size=settings.batch_size,
        learning_rate=settings.learning_rate,
        momentum=settings.momentum,
        seed=settings.seed,
        on_epoch=on_epoch,
    )
    reached = next((i for i, acc in enumerate(net.accuracy, start=1) if acc >= settings.target), None)
    if net.diverged_at is None:
        with np.errstate(**QUIET):
            dead = dead_fraction(net.layers, act, data[0])
    else:
        dead = math.nan
    return TrainingResult(
        accuracy=net.accuracy,
        epochs_to_target=reached,
        final_accuracy=net.accuracy[-1],
        dead_fraction=dead,
        target=settings.target,
        diverged_at=net.diverged_at,
    )


def compare(
    specs: Sequence[Any],
    *,
    settings: Settings | None = None,
    registry: Registry | None = None,
    progress: Progress | None = None,
    seeds: int | Sequence[int] | None = None,
    scheduler: Any = None,
    **changes: Any,
) -> Comparison:
    """Measure several activations side by side: output statistics, gradient flow and training.

    Every name is resolved before anything is measured, so an unknown name
    fails at once. Each activation then gets `output_stats`, `gradient_flow`
    and `train` with the same settings and seed.

    With ``seeds``, every (activation, seed) measurement is an independent
    dask task (the ``dask`` extra), run by ``scheduler``; the report holds
    every run (`Comparison.runs`) and shows the mean and spread across seeds.
    Each run is bit-identical to ``compare([spec], seed=seed)``, wherever it ran.

    Parameters
    ----------
    specs : sequence
        Activations: names, spec strings, dicts or activation objects.
    settings : Settings, optional
        The settings; the defaults of `Settings` if None.
    registry : Registry, optional
        Where to look the names up (the default registry if None).
    progress : callable, optional
        ``progress(done, total, message)`` as the work advances (one step per
        measurement and per training epoch), e.g. to draw a progress bar.
    seeds : int or sequence of int, optional
        Measure every activation once per seed: an int ``n`` means the seeds
        ``settings.seed, ..., settings.seed + n - 1``; a sequence gives them
        (distinct integers >= 0). None (the default): one run, with ``settings.seed``.
    scheduler : None, str or distributed.Client, optional
        Where the seeds' tasks run (only with ``seeds``): ``"processes"``
        (local processes), ``"threads"``, ``"synchronous"`` (one after
        another, in this process), a ``dask.distributed`` scheduler address
        such as ``"tcp://10.0.0.5:8786"`` (a client is connected, then
        closed), or a ``distributed.Client``. None: dask's default (the
        current ``distributed.Client`` if there is one, else threads).
    **changes
        Fields of `Settings` to override, e.g. ``epochs=5``.

    Returns
    -------
    Comparison

    Raises
    ------
    UnknownActivationError, InvalidSpecError
        A name is not registered or a spec is malformed.
    ValueError
        No activation, a setting or seed out of range, or an unknown scheduler.
    ModuleNotFoundError
        ``seeds`` was given and dask is not installed; the message names the extra.

    Examples
    --------
    >>> from activations.analysis import compare
    >>> report = compare(["relu", "sigmoid"], epochs=1, samples=1000, depth=3)
    >>> [row.name for row in report.activations]
    ['relu', 'sigmoid']
    >>> report.activations[0].stats.max_gradient
    1.0

    Two seeds, one after another in this process (``"processes"`` or a
    cluster's address run them in parallel, with the same results):

    >>> report = compare(["relu"], seeds=2, scheduler="synchronous", epochs=1, samples=1000, depth=3)
    >>> report.seeds, len(report.runs[0])
    ((0, 1), 2)
    >>> row = report.to_dict()["activations"][0]
    >>> row["seeds"], row["mean"]["max_gradient"], row["std"]["max_gradient"]
    ([0, 1], 1.0, 0.0)
    """
    settings = replace(settings or Settings(), **changes)
    if not specs:
        raise ValueError("compare needs at least one activation")
    if seeds is None and scheduler is not None:
        raise ValueError("scheduler= needs seeds=: a single run is not sent to a scheduler")
    acts = [_activation(spec, registry) for spec in specs]
    if seeds is not None:
        return _compare_seeds(acts, settings, _seed_list(seeds, settings.seed), scheduler, progress)
    steps_each = settings.epochs + 2
    total = steps_each * len(acts)
    rows = [_measure(act, settings, progress, i * steps_each, total) for i, act in enumerate(acts)]
    return Comparison(settings=settings, activations=tuple(rows))


def _measure(
    act: BoundActivation,
    settings: Settings,
    progress: Progress | None = None,
    offset: int = 0,
    total: int = 0,
) -> ActivationReport:
    """One row of a comparison: `output_stats`, `gradient_flow` and `train` with ``settings``.

    Also the task that `compare` sends to dask for each (activation, seed).
    """
    step = _shifted(progress, offset, total)
    step(0, 0, f"{act!r}: output statistics")
    stats = output_stats(act, samples=settings.samples, seed=settings.seed)
    step(1, 0, f"{act!r}: gradient flow")
    flow = gradient_flow(
        act, depth=settings.depth, width=settings.width, batch=settings.batch, seed=settings.seed
    )
    step(2, 0, f"{act!r}: training")
    run = train(
        act,
        hidden=settings.hidden,
        epochs=settings.epochs,
        batch_size=settings.batch_size,
        learning_rate=settings.learning_rate,
        momentum=settings.momentum,
        target=settings.target,
        seed=settings.seed,
        progress=_shifted(progress, offset + 2, total),
    )
    return build_row(act, stats, flow, run, samples=settings.samples, seed=settings.seed)


def _seed_list(seeds: int | Sequence[int], first: int) -> tuple[int, ...]:
    """The seeds asked for: ``n`` consecutive ones from ``first``, or the given distinct ones."""
    if isinstance(seeds, (int, np.integer)) and not isinstance(seeds, bool):
        _check_int("seeds", seeds, 1)
        return tuple(range(first, first + int(seeds)))
    if isinstance(seeds, (str, bytes)) or not isinstance(seeds, Sequence) or not seeds:
        raise ValueError(f"seeds must be an integer >= 1 or a non-empty sequence of seeds, got {seeds!r}")
    for seed in seeds:
        _check_int("each seed", seed, 0)
    if len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds must be distinct, got {list(seeds)!r}")
    return tuple(int(seed) for seed in seeds)


def _compare_seeds(
    acts: list[BoundActivation],
    settings: Settings,
    seeds: tuple[int, ...],
    scheduler: Any,
    progress: Progress | None,
) -> Comparison:
    """Run `_measure` for every (activation, seed) as dask tasks; reassemble the runs in order."""
    from ..backends.dask import run_tasks

    calls = [(act, replace(settings, seed=seed)) for act in acts for seed in seeds]
    finished = 0

    def done(i: int) -> None:
        nonlocal finished
        finished += 1
        if progress is not None:
            act, run_settings = calls[i]
            progress(finished, len(calls), f"{act!r}: seed {run_settings.seed} done")

    results = run_tasks(_measure, calls, scheduler=scheduler, feature="compare(seeds=...)", done=done)
    k = len(seeds)
    runs = tuple(tuple(results[i * k : (i + 1) * k]) for i in range(len(acts)))
    return Comparison(
        settings=replace(settings, seed=seeds[0]),
        activations=tuple(run[0] for run in runs),
        seeds=seeds,
        runs=runs,
    )


def _shifted(progress: Progress | None, offset: int, total: int) -> Progress:
    """Wrap ``progress`` to report step ``offset + done`` of ``total`` (a no-op without one)."""

    def report(done: int, _: int, message: str) -> None:
        if progress is not None:
            progress(offset + done, total, message)

    return report


# The report classes live in _report.py to keep modules small; they belong here.
ActivationReport.__module__ = Comparison.__module__ = __name__
