"""The logistic sigmoid, computed so that neither tail is lost, in as few array passes as possible.

* sigmoid(x) = E / (1 + E) with E = exp(x), x clipped to [-1000, 64] first:
  E never overflows (sigmoid rounds to 1 beyond 37 anyway), and below 0, E
  is the left tail itself, subnormals included, so nothing cancels and no
  branch or mask is needed (four array passes; `activations.numerics.sigmoid`,
  which SiLU and the softplus family share);
* sigmoid'(x) = sigmoid(x) sigmoid(-x) = e / (1 + e)^2 with e = exp(-|x|),
  which keeps both tails (sigmoid'(40) = 4.2e-18 in float64, where y (1 - y)
  gives 0). The shorter (1 / (2 cosh(x / 2)))^2 squares the error of cosh:
  up to 7 ulp in float32 against 2.5 for this form.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

import activations
from activations import BaseActivation, Properties
from activations.numerics import sigmoid

from . import compiled

Array = NDArray[Any]


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

    @property
    def implementation(self) -> dict[str, dict[str, str]]:
        """Which path computes each method for NumPy arrays (`activations.plugins.compiled`)."""
        return compiled.implementation("sigmoid")

    def forward(self, x: Array, /, *, out: Array | None = None) -> Array:
        if kernel := compiled.kernel("sigmoid_forward", x):
            return kernel(x, out=out)
        return sigmoid(x, out=out)

    def derivative(self, x: Array, /, *, out: Array | None = None) -> Array:
        if kernel := compiled.kernel("sigmoid_derivative", x):
            return kernel(x, out=out)
        e = np.abs(x, out=out)
        np.negative(e, out=e)
        np.exp(e, out=e)  # in (0, 1]: cannot overflow; NaN stays NaN
        denominator = np.add(e, 1.0)
        np.divide(e, denominator, out=e)
        return np.divide(e, denominator, out=e)

    def backward(
        self, x: Array, grad_output: Array, /, *, output: Array | None = None, out: Array | None = None
    ) -> Array:
        if kernel := compiled.kernel("sigmoid_backward", x):
            return kernel(x, grad_output, out=out)
        return super().backward(x, grad_output, output=output, out=out)


@activations.hookimpl
def register_activations(register: Callable[..., None]) -> None:
    """Register the sigmoid under its PyTorch, JAX and Keras names."""
    register(Sigmoid, name="sigmoid", aliases=("logistic", "expit"))
