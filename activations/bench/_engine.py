"""The measuring engine of ``activations bench`` and ``benchmarks/``: interleaved rounds, medians, floors.

Absolute times on a shared machine drift from second to second, so nothing
here compares times taken at different moments. `interleave` runs every case
of one measurement once per round, in an order rotated from round to round,
and a ratio is the median over the rounds of the per-round ratio: the
activation and its yardstick are timed seconds apart, many times.

The yardsticks:

* the memory floor of a forward pass, ``np.copyto(o, x)`` (read one array,
  write one), and of a backward pass, ``np.multiply(g, x, out=o)`` (read two,
  write one), on arrays of the same size and dtype;
* one output allocation: ``np.positive(x)`` minus ``np.positive(x, out=o)``
  (forward) and ``np.multiply(g, x)`` minus ``np.multiply(g, x, out=o)``
  (backward), what an allocating call (no ``out=``) may cost over the
  ``out=`` form. A ufunc is the yardstick, not ``x.copy()``: at 1e7 elements
  a ufunc writing into fresh memory pays 3-5x more for it than ``memcpy``
  does (0.4 against 0.07 ns per element in float32 on the machine this was
  written on);
* any competitor passed in (a plain-NumPy formula, PyTorch ...), built by a
  `Competitor` from the very arrays the activation reads and writes.

`call_overhead` times the layers above NumPy (the bound activation's checks)
against the plugin's own methods on a tiny array. The engine imports NumPy
only; it is imported by ``activations bench``, never by ``import activations``.
"""

from __future__ import annotations

import gc
import os
import platform
import statistics
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "FULL",
    "QUICK",
    "CLOCKS",
    "Competitor",
    "Row",
    "Samples",
    "Settings",
    "bench_activation",
    "call_overhead",
    "calibrate",
    "interleave",
    "make_inputs",
    "machine",
]

Array = NDArray[Any]
Thunk = Callable[[], object]
#: Builds a competitor's timed calls from ``(x, grad_output, output, out)``, the arrays the
#: activation itself reads and writes: ``(forward, backward)``, either None when it has none.
Competitor = Callable[[Array, Array, Array, Array], tuple[Thunk | None, Thunk | None]]


#: The clocks a measurement may use (names of `time` functions).
CLOCKS = {"cpu": "process_time", "wall": "perf_counter"}


@dataclass(frozen=True, kw_only=True)
class Settings:
    """How long to measure: rounds, the shortest timed batch, and the clock.

    Each case is called ``number`` times in a row per round, ``number`` chosen
    once (by `calibrate`) so that a batch lasts at least ``min_time`` seconds.
    The default clock is this process's CPU time (``time.process_time``): on a
    shared machine, the time the process spends waiting for a core is not
    counted, which wall-clock time (``clock="wall"``) would add to whichever
    case was unlucky. Every yardstick here runs on one thread, so the two
    clocks agree on a quiet machine.

    Examples
    --------
    >>> from activations.bench._engine import QUICK, Settings
    >>> Settings(rounds=5, min_time=0.002).rounds
    5
    >>> QUICK.rounds < Settings().rounds
    True
    """

    rounds: int = 15
    min_time: float = 0.02
    clock: str = "cpu"

    def __post_init__(self) -> None:
        if self.rounds < 1:
            raise ValueError(f"rounds must be at least 1, got {self.rounds}")
        if not self.min_time > 0:
            raise ValueError(f"min_time must be positive, got {self.min_time}")
        if self.clock not in CLOCKS:
            raise ValueError(f"clock must be 'cpu' or 'wall', got {self.clock!r}")


#: A careful run (the committed tables).
FULL = Settings(rounds=15, min_time=0.02)
#: A run that only proves the machinery works (CI, tests).
QUICK = Settings(rounds=3, min_time=0.0005)


def _batch(fn: Thunk, number: int, clock: str = "cpu") -> float:
    """Seconds for ``number`` calls of ``fn``, with the garbage collector off (as `timeit` does)."""
    now = getattr(time, CLOCKS[clock])
    enabled = gc.isenabled()
    gc.disable()
    try:
        start = now()
        for _ in range(number):
            fn()
        return float(now() - start)
    finally:
        if enabled:
            gc.enable()


def calibrate(fn: Thunk, min_time: float, clock: str = "cpu") -> int:
    """The number of calls of ``fn`` that lasts at least ``min_time`` seconds (after one warm-up call).

    Examples
    --------
    >>> from activations.bench._engine import calibrate
    >>> calibrate(lambda: None, 1e-4) > 1
    True
    >>> calibrate(lambda: sum(range(10**5)), 1e-9)
    1
    """
    fn()
    number = 1
    while True:
        elapsed = _batch(fn, number, clock)
        if elapsed >= min_time:
            return number
        # aim a little past min_time, at least doubling, so a few tries suffice
        guess = int(number * 1.2 * min_time / elapsed) if elapsed > 0 else number * 10
        number = max(2 * number, guess)


@dataclass(frozen=True)
class Samples:
    """Seconds per call of each case, one value per round, all from one interleaved run.

    Examples
    --------
    >>> from activations.bench._engine import Samples
    >>> s = Samples({"floor": (1.0, 2.0, 4.0), "act": (2.0, 3.0, 8.0)})
    >>> s.median("act")
    3.0
    >>> s.ratio("act", "floor")  # per-round ratios 2, 1.5, 2
    2.0
    >>> s.excess("act", "floor")  # per-round differences 1, 1, 4
    1.0
    """

    times: Mapping[str, tuple[float, ...]]

    def median(self, case: str) -> float:
        """Median seconds per call of ``case``."""
        return statistics.median(self.times[case])

    def ratio(self, case: str, baseline: str) -> float:
        """Median over the rounds of ``case / baseline``."""
        pairs = zip(self.times[case], self.times[baseline], strict=True)
        return statistics.median(a / b for a, b in pairs)

    def excess(self, case: str, baseline: str) -> float:
        """Median over the rounds of ``case - baseline``, in seconds per call."""
        pairs = zip(self.times[case], self.times[baseline], strict=True)
        return statistics.median(a - b for a, b in pairs)


def interleave(cases: Mapping[str, Thunk], settings: Settings = FULL) -> Samples:
    """Time every case once per round, rotating the order; seconds per call.

    Parameters
    ----------
    cases : mapping of str to callable
        The calls to time, each without arguments.
    settings : Settings
        Rounds and the shortest timed batch.

    Returns
    -------
    Samples
        ``settings.rounds`` values per case.

    Examples
    --------
    >>> from activations.bench._engine import QUICK, interleave
    >>> s = interleave({"empty": lambda: None, "sum": lambda: sum(range(1000))}, QUICK)
    >>> len(s.times["sum"]), s.ratio("sum", "empty") > 1
    (3, True)
    """
    names = list(cases)
    numbers = {name: calibrate(cases[name], settings.min_time, settings.clock) for name in names}
    times: dict[str, list[float]] = {name: [] for name in names}
    for r in range(settings.rounds):
        k = r % len(names) if names else 0
        for name in names[k:] + names[:k]:
            times[name].append(_batch(cases[name], numbers[name], settings.clock) / numbers[name])
    return Samples({name: tuple(values) for name, values in times.items()})


def make_inputs(size: int, dtype: Any, *, seed: int = 0) -> tuple[Array, Array]:
    """Seeded standard-normal ``x`` (random signs) and ``grad_output`` of one size and dtype.

    Examples
    --------
    >>> import numpy as np
    >>> from activations.bench._engine import make_inputs
    >>> x, g = make_inputs(4, np.float32)
    >>> x.dtype, g.shape
    (dtype('float32'), (4,))
    """
    rng = np.random.default_rng(seed)
    dt = np.dtype(dtype)
    return rng.standard_normal(size).astype(dt), rng.standard_normal(size).astype(dt)


@dataclass(frozen=True, kw_only=True)
class Row:
    """One activation, one direction, one size and dtype: how it stands against the yardsticks.

    ``ns_per_element`` and ``floor_ratio`` are for the ``out=`` form;
    ``alloc_excess_ns`` is what the allocating form costs over the ``out=``
    form beyond one output allocation (that of a ufunc, ``np.positive(x)``
    forward, ``np.multiply(g, x)`` backward), in ns per element: 0 or below
    meets the target "no more than one output allocation". ``versus`` maps each
    competitor to the ratio ours / theirs (below 1: we are faster).

    Examples
    --------
    >>> from activations.bench._engine import Row
    >>> row = Row(activation="relu", direction="forward", size=10, dtype="float64",
    ...           ns_per_element=1.0, floor_ratio=1.1, alloc_excess_ns=0.0)
    >>> row.to_dict()["floor_ratio"]
    1.1
    """

    activation: str
    direction: str
    size: int
    dtype: str
    ns_per_element: float
    floor_ratio: float
    alloc_excess_ns: float
    floor_ns_per_element: float = float("nan")
    versus: Mapping[str, float] = field(default_factory=dict)
    competitor_ns: Mapping[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (NaN becomes None)."""
        return {
            "activation": self.activation,
            "direction": self.direction,
            "size": self.size,
            "dtype": self.dtype,
            "ns_per_element": _finite(self.ns_per_element),
            "floor_ns_per_element": _finite(self.floor_ns_per_element),
            "floor_ratio": _finite(self.floor_ratio),
            "alloc_excess_ns": _finite(self.alloc_excess_ns),
            "versus": {k: _finite(v) for k, v in self.versus.items()},
            "competitor_ns": {k: _finite(v) for k, v in self.competitor_ns.items()},
        }


def _finite(value: float) -> float | None:
    return round(value, 6) if np.isfinite(value) else None


def bench_activation(
    activation: Any,
    *,
    size: int,
    dtype: Any,
    settings: Settings = FULL,
    competitors: Mapping[str, Competitor] | None = None,
    seed: int = 0,
) -> tuple[Row, Row]:
    """Measure one activation's forward and backward against the floors and the competitors.

    Times, interleaved in one run: ``forward(x, out=o)``, ``forward(x)``,
    ``backward(x, g, out=o)``, ``backward(x, g)``, the two memory floors,
    the allocation yardsticks, and each competitor's forward and backward.

    Parameters
    ----------
    activation : BoundActivation
        What :func:`activations.get` returns (any object with that contract).
    size : int
        Number of elements (a 1-d array).
    dtype : dtype-like
        float32 or float64.
    settings : Settings
        Rounds and batch length.
    competitors : mapping of str to Competitor, optional
        Other implementations of the same function, e.g. ``{"numpy": ..., "torch": ...}``.
    seed : int
        Seed of the inputs.

    Returns
    -------
    (Row, Row)
        Forward, then backward.

    Examples
    --------
    >>> import numpy as np
    >>> import activations
    >>> from activations.bench._engine import QUICK, bench_activation
    >>> def plain(x, g, y, o):
    ...     return (lambda: np.maximum(x, 0, out=o)), None
    >>> fwd, bwd = bench_activation(activations.get("relu"), size=1000, dtype=np.float32,
    ...                             settings=QUICK, competitors={"numpy": plain})
    >>> fwd.direction, sorted(fwd.versus), bwd.versus
    ('forward', ['numpy'], {})
    """
    x, g = make_inputs(size, dtype, seed=seed)
    o = np.empty_like(x)
    y = np.asarray(activation.forward(x))
    act_forward, act_backward = activation.forward, activation.backward
    cases: dict[str, Thunk] = {
        "copy": lambda: np.copyto(o, x),
        "ufunc": lambda: np.positive(x, out=o),
        "ufunc_alloc": lambda: np.positive(x),
        "r2w1": lambda: np.multiply(g, x, out=o),
        "r2w1_alloc": lambda: np.multiply(g, x),
        "forward": lambda: act_forward(x, out=o),
        "forward_alloc": lambda: act_forward(x),
        "backward": lambda: act_backward(x, g, out=o),
        "backward_alloc": lambda: act_backward(x, g),
    }
    names: dict[str, tuple[str | None, str | None]] = {}
    for label, build in (competitors or {}).items():
        fwd, bwd = build(x, g, y, o)
        names[label] = (
            None if fwd is None else f"{label}:forward",
            None if bwd is None else f"{label}:backward",
        )
        if fwd is not None:
            cases[f"{label}:forward"] = fwd
        if bwd is not None:
            cases[f"{label}:backward"] = bwd
    samples = interleave(cases, settings)
    dt = str(np.dtype(dtype))

    def row(direction: str, floor: str, index: int) -> Row:
        alloc_yardstick = "ufunc" if floor == "copy" else floor
        excess = statistics.median(
            (a - b) - (c - d)
            for a, b, c, d in zip(
                samples.times[direction + "_alloc"],
                samples.times[direction],
                samples.times[alloc_yardstick + "_alloc"],
                samples.times[alloc_yardstick],
                strict=True,
            )
        )
        versus: dict[str, float] = {}
        their_ns: dict[str, float] = {}
        for label, pair in names.items():
            case = pair[index]
            if case is not None:
                versus[label] = samples.ratio(direction, case)
                their_ns[label] = samples.median(case) / size * 1e9
        return Row(
            activation=str(activation.name),
            direction=direction,
            size=size,
            dtype=dt,
            ns_per_element=samples.median(direction) / size * 1e9,
            floor_ns_per_element=samples.median(floor) / size * 1e9,
            floor_ratio=samples.ratio(direction, floor),
            alloc_excess_ns=excess / size * 1e9,
            versus=versus,
            competitor_ns=their_ns,
        )

    return row("forward", "copy", 0), row("backward", "r2w1", 1)


def call_overhead(
    activation: Any, *, size: int = 16, dtype: Any = np.float64, settings: Settings = FULL
) -> dict[str, dict[str, float]]:
    """Microseconds per call of the bound activation, of the bare plugin method, and the difference.

    The difference is what the layers above NumPy (argument checks, dtype
    handling, the call itself) add: the target is at most 1 us at N = 16.

    Returns
    -------
    dict
        ``{"forward" | "forward_out" | "backward" | "backward_out":
        {"bound_us": ..., "plugin_us": ..., "overhead_us": ...}}``; the
        overhead is the median of the per-round differences.

    Examples
    --------
    >>> import activations
    >>> from activations.bench._engine import QUICK, call_overhead
    >>> result = call_overhead(activations.get("relu"), settings=QUICK)
    >>> sorted(result), sorted(result["forward"])
    (['backward', 'backward_out', 'forward', 'forward_out'], ['bound_us', 'overhead_us', 'plugin_us'])
    """
    x, g = make_inputs(size, dtype)
    o = np.empty_like(x)
    bound, plugin = activation, activation.plugin
    pairs: dict[str, tuple[Thunk, Thunk]] = {
        "forward": (lambda: bound(x), lambda: plugin.forward(x)),
        "forward_out": (lambda: bound(x, out=o), lambda: plugin.forward(x, out=o)),
        "backward": (lambda: bound.backward(x, g), lambda: plugin.backward(x, g)),
        "backward_out": (lambda: bound.backward(x, g, out=o), lambda: plugin.backward(x, g, out=o)),
    }
    cases: dict[str, Thunk] = {}
    for key, (ours, bare) in pairs.items():
        cases[key + ":bound"] = ours
        cases[key + ":plugin"] = bare
    samples = interleave(cases, settings)
    return {
        key: {
            "bound_us": samples.median(key + ":bound") * 1e6,
            "plugin_us": samples.median(key + ":plugin") * 1e6,
            "overhead_us": samples.excess(key + ":bound", key + ":plugin") * 1e6,
        }
        for key in pairs
    }


def _cpu_model() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor() or platform.machine()
    for line in text.splitlines():
        if line.startswith(("model name", "Model", "cpu model")):
            return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def _version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def machine(extra: Iterable[str] = ("scipy",)) -> dict[str, Any]:
    """What the numbers were measured on: CPU, cores, versions, date (UTC), without importing anything.

    Parameters
    ----------
    extra : iterable of str
        Distributions whose installed versions to report besides NumPy (None if not installed).

    Examples
    --------
    >>> from activations.bench._engine import machine
    >>> info = machine(extra=("scipy", "no-such-distribution"))
    >>> info["cores"] >= 1, info["versions"]["no-such-distribution"]
    (True, None)
    """
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        usable = os.cpu_count() or 1
    return {
        "cpu": _cpu_model(),
        "cores": usable,
        "python": platform.python_version(),
        "versions": {"numpy": np.__version__, **{name: _version(name) for name in extra}},
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }
