"""Vanishing gradients, measured: gradient norms per hidden layer of a deep network at initialisation."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._network import BLOCK, QUIET, glorot_normal, gradients
from ._settings import check_int, resolve

__all__ = ["GradientFlow", "gradient_flow"]


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
    for name, value in (("depth", depth), ("width", width), ("batch", batch)):
        check_int(name, value, 1)
    check_int("seed", seed, 0)
    act = resolve(activation)
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
