"""The hyperbolic tangent, with a derivative that keeps its tails.

tanh'(x) = sech^2(x) = 4 e / (1 + e)^2 with e = exp(-2|x|): no cancellation,
where 1 - tanh(x)^2 is exactly 0 for |x| above 19 in float64.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

import activations
from activations import BaseActivation, Properties

Array = NDArray[Any]


class Tanh(BaseActivation):
    r"""Hyperbolic tangent.

    .. math:: f(x) = \tanh x, \qquad f'(x) = \operatorname{sech}^2 x = \frac{4e}{(1+e)^2},\ e = e^{-2|x|}

    Smooth, zero-centred, the identity near the origin, saturating on both
    sides. The derivative is computed from x, so tanh'(20) = 1.7e-17 in
    float64 rather than the 0 that 1 - tanh(x)^2 gives.

    Examples
    --------
    >>> import activations
    >>> t = activations.get("tanh")
    >>> t([0.0, 1.0])
    array([0.        , 0.76159416])
    >>> float(t.derivative(20.0))
    1.6993417021166355e-17
    """

    name = "tanh"
    formula = "f(x) = tanh(x); f'(x) = sech(x)^2"
    properties = Properties(
        output_range=(-1.0, 1.0),
        monotonic=True,
        zero_centered=True,
        sparse=False,
        smoothness=math.inf,
        saturating="both",
        identity_near_origin=True,
    )

    def forward(self, x: Array, /, *, out: Array | None = None) -> Array:
        return np.tanh(x, out=out)

    def derivative(self, x: Array, /, *, out: Array | None = None) -> Array:
        e = np.abs(x, out=out)
        np.minimum(e, x.dtype.type(1000), out=e)  # -2|x| cannot overflow; exp(-2000) is 0 anyway; NaN stays
        np.multiply(e, x.dtype.type(-2), out=e)
        np.exp(e, out=e)
        denominator = np.add(e, x.dtype.type(1))
        np.multiply(e, x.dtype.type(4), out=e)
        np.divide(e, denominator, out=e)
        return np.divide(e, denominator, out=e)


@activations.hookimpl
def register_activations(register: Any) -> None:
    """Register tanh."""
    register(Tanh, name="tanh", aliases=("hyperbolic_tangent",))
