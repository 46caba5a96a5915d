"""The cost of an activation, measured: forward plus backward time per element, relative to ReLU.

A time depends on the machine and on what else it runs; a ratio of times
taken side by side does not, much. `relative_cost` therefore times every
activation and the baseline (ReLU) in one run of the timing engine
(:func:`activations.bench.interleave`): each round calls every case once, in
an order rotated from round to round, and a ratio is the median over the
rounds of the per-round ratio.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ._settings import check_int, resolve

if TYPE_CHECKING:
    from .. import Registry

__all__ = ["Cost", "relative_cost"]


@dataclass(frozen=True, kw_only=True)
class Cost:
    """What one activation costs next to the baseline (see `relative_cost`).

    Attributes
    ----------
    name : str
        The activation's spec.
    relative : float
        Median over the rounds of (its time / the baseline's time): 1 for the
        baseline itself, 3 for three times as slow. Reproducible to the noise
        of the machine, unlike a time.
    ns_per_element : float
        Median forward plus backward time per element, in nanoseconds (of
        this machine, at this moment).

    Examples
    --------
    >>> from activations import bench
    >>> from activations.analysis import relative_cost
    >>> relu, = relative_cost(["relu"], settings=bench.QUICK)
    >>> relu.name, relu.relative
    ('relu', 1.0)
    """

    name: str
    relative: float
    ns_per_element: float

    def to_dict(self) -> dict[str, Any]:
        """Return the measurement as JSON-ready data.

        Examples
        --------
        >>> from activations.analysis import Cost
        >>> Cost(name="relu", relative=1.0, ns_per_element=1.5).to_dict()
        {'name': 'relu', 'relative': 1.0, 'ns_per_element': 1.5}
        """
        return {
            "name": self.name,
            "relative": self.relative if math.isfinite(self.relative) else None,
            "ns_per_element": self.ns_per_element if math.isfinite(self.ns_per_element) else None,
        }


def relative_cost(
    specs: Sequence[Any],
    *,
    baseline: Any = "relu",
    size: int = 100_000,
    settings: Any = None,
    seed: int = 0,
    registry: Registry | None = None,
) -> tuple[Cost, ...]:
    """Time forward plus backward of each activation against a baseline, side by side in one run.

    Each case is one ``forward(x, out=o)`` and one ``backward(x, g,
    output=y, out=o)`` of the bound activation on the same ``size`` float64
    values x ~ N(0, 1) and gradients g (:func:`activations.bench.make_inputs`
    with ``seed``); every case and the baseline are timed in the same rounds
    of :func:`activations.bench.interleave`. The default size, 1e5 values
    (800 kB), stays in cache, so the ratio measures computation more than
    memory traffic.

    Parameters
    ----------
    specs : sequence
        The activations: names, spec strings, dicts or activation objects.
    baseline : spec
        What the times are relative to (ReLU).
    size : int
        Values per call.
    settings : activations.bench.Settings, optional
        Rounds and the shortest timed batch (``activations.bench.FULL`` if None).
    seed : int
        Seed of the inputs.
    registry : Registry, optional
        Where to look the names up (the default registry if None).

    Returns
    -------
    tuple of Cost
        One per spec, in order.

    Examples
    --------
    >>> from activations import bench
    >>> from activations.analysis import relative_cost
    >>> relu, tanh = relative_cost(["relu", "tanh"], settings=bench.QUICK)
    >>> relu.relative, tanh.relative > 1.2
    (1.0, True)
    """
    from .. import bench

    check_int("size", size, 1)
    check_int("seed", seed, 0)
    if not specs:
        raise ValueError("relative_cost needs at least one activation")
    acts = [resolve(spec, registry) for spec in specs]
    base = resolve(baseline, registry)
    x, g = bench.make_inputs(size, np.float64, seed=seed)
    cases = {}
    for act in (base, *acts):
        key = repr(act)
        if key not in cases:
            cases[key] = _forward_backward(act, x, g)
    samples = bench.interleave(cases, bench.FULL if settings is None else settings)
    return tuple(
        Cost(
            name=repr(act),
            relative=samples.ratio(repr(act), repr(base)),
            ns_per_element=samples.median(repr(act)) / size * 1e9,
        )
        for act in acts
    )


def _forward_backward(act: Any, x: np.ndarray[Any, Any], g: np.ndarray[Any, Any]) -> Any:
    """One forward and one backward of ``act``, into buffers of their own (allocated once)."""
    output = np.asarray(act.forward(x))
    out_f, out_b = np.empty_like(x), np.empty_like(x)
    forward, backward = act.forward, act.backward

    def call() -> None:
        forward(x, out=out_f)
        backward(x, g, output=output, out=out_b)

    return call
