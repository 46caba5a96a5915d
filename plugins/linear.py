"""The identity: f(x) = x, the "linear" activation of Keras.

It is here so that "no activation" can be named in a spec like any other
(``activations.get("linear")``), and as a baseline for the comparisons.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

import activations
from activations import BaseActivation, Properties
from activations.numerics import clip, has_nan

Array = NDArray[Any]


class Identity(BaseActivation):
    r"""The identity: x itself.

    .. math:: f(x) = x, \qquad f'(x) = 1

    ``nn.Identity`` in PyTorch, ``identity`` in JAX, ``linear`` in Keras.
    Smooth, with no kink. The forward returns a copy: the input is never
    shared with the result. The derivative is NaN where x is NaN, as for
    every activation.

    Examples
    --------
    >>> import activations
    >>> i = activations.get("linear")
    >>> i([-1.5, 2.0])
    array([-1.5,  2. ])
    >>> i.derivative([-1.5, float("inf")])
    array([1., 1.])
    """

    name = "identity"
    formula = "f(x) = x; f'(x) = 1"
    properties = Properties(
        output_range=(-math.inf, math.inf),
        monotonic=True,
        zero_centered=True,
        sparse=False,
        smoothness=math.inf,
        saturating="none",
        identity_near_origin=True,
    )

    def forward(self, x: Array, /, *, out: Array | None = None) -> Array:
        if out is None:
            return x.copy()
        np.copyto(out, x)
        return out

    def derivative(self, x: Array, /, *, out: Array | None = None) -> Array:
        result: Array = clip(x, 1.0, 1.0, out=out)  # 1, and NaN for NaN
        return result

    def backward(
        self, x: Array, grad_output: Array, /, *, output: Array | None = None, out: Array | None = None
    ) -> Array:
        # grad_output itself, and NaN where x is NaN: a copy and one read of x, not a product.
        if out is None:
            result = grad_output.copy()
        else:
            np.copyto(out, grad_output)
            result = out
        if has_nan(x):
            np.copyto(result, x, where=np.isnan(x))
        return result


@activations.hookimpl
def register_activations(register: Callable[..., None]) -> None:
    """Register the identity under its JAX/PyTorch and Keras names."""
    register(Identity, name="identity", aliases=("linear",))
