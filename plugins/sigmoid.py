"""The logistic sigmoid, computed so that neither tail is lost.

With e = exp(-|x|), which never overflows:

* sigmoid(x) = 1 / (1 + e) for x >= 0 and e / (1 + e) below, written without
  a branch as max(e, [x >= 0]) / (1 + e);
* sigmoid'(x) = sigmoid(x) sigmoid(-x) = e / (1 + e)^2, which keeps the tails
  (sigmoid'(40) = 4.2e-18 in float64, where y (1 - y) gives 0).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

import activations
from activations import BaseActivation, Properties

Array = NDArray[Any]


def _exp_neg_abs(x: Array, out: Array | None) -> Array:
    """exp(-|x|), in ``out`` if given: in (0, 1], NaN for NaN, never overflows."""
    e = np.abs(x, out=out)
    np.negative(e, out=e)
    return np.exp(e, out=e)


class Sigmoid(BaseActivation):
    r"""Logistic sigmoid: 1 / (1 + exp(-x)).

    .. math:: \sigma(x) = \frac{1}{1 + e^{-x}}, \qquad \sigma'(x) = \sigma(x)\,\sigma(-x)

    Smooth, so there is no kink. Saturates on both sides; not zero-centred
    (sigmoid(0) = 1/2), which is the bias shift the comparison measures. Both
    tails are kept to the last representable value, and the derivative is
    computed from x, never as y (1 - y), which cancels to 0 for large x.

    Examples
    --------
    >>> import activations
    >>> s = activations.get("sigmoid")
    >>> s([0.0, -800.0, 800.0])
    array([0.5, 0. , 1. ])
    >>> float(s.derivative(40.0))
    4.248354255291589e-18
    """

    name = "sigmoid"
    formula = "f(x) = 1 / (1 + exp(-x)); f'(x) = f(x) f(-x)"
    properties = Properties(
        output_range=(0.0, 1.0),
        monotonic=True,
        zero_centered=False,
        sparse=False,
        smoothness=math.inf,
        saturating="both",
    )

    def forward(self, x: Array, /, *, out: Array | None = None) -> Array:
        e = _exp_neg_abs(x, None)
        numerator = np.maximum(e, x >= 0, out=out)  # 1 for x >= 0, e below; NaN stays NaN
        np.add(e, x.dtype.type(1), out=e)
        return np.divide(numerator, e, out=numerator)

    def derivative(self, x: Array, /, *, out: Array | None = None) -> Array:
        e = _exp_neg_abs(x, out)
        denominator = np.add(e, x.dtype.type(1))
        np.divide(e, denominator, out=e)
        return np.divide(e, denominator, out=e)


@activations.hookimpl
def register_activations(register: Any) -> None:
    """Register the sigmoid under its PyTorch, JAX and Keras names."""
    register(Sigmoid, name="sigmoid", aliases=("logistic", "expit"))
