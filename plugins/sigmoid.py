"""The logistic sigmoid, computed so that neither tail is lost, in as few array passes as possible.

* sigmoid(x) = E / (1 + E) with E = exp(x), x clipped to [-1000, 64] first:
  E never overflows (sigmoid rounds to 1 beyond 37 anyway), and below 0, E
  is the left tail itself, subnormals included, so nothing cancels and no
  branch or mask is needed (four array passes);
* sigmoid'(x) = sigmoid(x) sigmoid(-x) = e / (1 + e)^2 with e = exp(-|x|),
  which keeps both tails (sigmoid'(40) = 4.2e-18 in float64, where y (1 - y)
  gives 0). The shorter (1 / (2 cosh(x / 2)))^2 squares the error of cosh:
  up to 7 ulp in float32 against 2.5 for this form.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

import activations
from activations import BaseActivation, Properties

from ._piecewise import clip

Array = NDArray[Any]

#: sigmoid(x) rounds to 1 above 37 in float64 (17 in float32); exp(64) is finite in both dtypes.
_SATURATED = 64.0
#: Below this, exp underflows to 0 in every dtype (float64's last subnormal is at -745).
_UNDERFLOW = -1000.0


def _exp(z: Array, *, scale: float = 1.0, out: Array | None = None) -> Array:
    """exp(scale * z), in ``out`` if given (which may be ``z``); the caller keeps it from overflowing."""
    if scale != 1:
        z = np.multiply(z, scale, out=out)
        out = z
    return np.exp(z, out=out)


def _sigmoid(x: Array, *, scale: float = 1.0, grad: Array | None = None, out: Array | None = None) -> Array:
    """sigmoid(scale * x), times ``grad`` if given, in ``out`` if given: E / (1 + E), E = exp(scale * x).

    scale * x is clipped to [-1000, 64] first, so E cannot overflow and is 0
    where sigmoid underflows anyway; NaN stays NaN. Four array passes (five
    with a scale, one more with ``grad``).
    """
    cap = float(np.finfo(x.dtype).max)
    lo, hi = sorted(min(max(bound / scale, -cap), cap) for bound in (_UNDERFLOW, _SATURATED))
    e = clip(x, lo, hi, out=out)
    _exp(e, scale=scale, out=e)
    denominator = np.add(e, 1.0)
    if grad is not None:
        np.multiply(e, grad, out=e)
    return np.divide(e, denominator, out=e)


class Sigmoid(BaseActivation):
    r"""Logistic sigmoid: 1 / (1 + exp(-x)).

    .. math:: \sigma(x) = \frac{e^x}{1 + e^x}, \qquad
              \sigma'(x) = \sigma(x)\,\sigma(-x) = \frac{e^{-|x|}}{(1 + e^{-|x|})^2}

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
        return _sigmoid(x, out=out)

    def derivative(self, x: Array, /, *, out: Array | None = None) -> Array:
        e = np.abs(x, out=out)
        np.negative(e, out=e)
        np.exp(e, out=e)  # in (0, 1]: cannot overflow; NaN stays NaN
        denominator = np.add(e, 1.0)
        np.divide(e, denominator, out=e)
        return np.divide(e, denominator, out=e)


@activations.hookimpl
def register_activations(register: Any) -> None:
    """Register the sigmoid under its PyTorch, JAX and Keras names."""
    register(Sigmoid, name="sigmoid", aliases=("logistic", "expit"))
