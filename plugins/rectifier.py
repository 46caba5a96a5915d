"""More rectifiers: ReLU6, Threshold and RReLU (in evaluation mode).

Each is piecewise linear, so forward and derivative are exact (one rounding
at most, in ``rrelu``'s product). Kink convention (PyTorch's): the derivative
at a kink is that of the inactive side, so relu6'(0) = relu6'(6) = 0,
threshold'(threshold) = 0 and rrelu'(0) = the slope. NaN propagates through
every method.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

import activations
from activations import BaseActivation, Properties
from activations.numerics import clip, indicator, step, window

from . import compiled
from .relu import LeakyReLU

Array = NDArray[Any]


class ReLU6(BaseActivation):
    r"""ReLU capped at 6: min(max(x, 0), 6).

    .. math:: f(x) = \min(\max(x, 0), 6), \qquad f'(x) = [0 < x < 6]

    The derivative at both kinks is 0 (PyTorch, JAX and TensorFlow agree).
    ``-0.0`` maps to ``-0.0``.

    Examples
    --------
    >>> import activations
    >>> r = activations.get("relu6")
    >>> r([-1.0, 3.0, 8.0])
    array([0., 3., 6.])
    >>> r.derivative([0.0, 3.0, 6.0])
    array([0., 1., 0.])
    """

    name = "relu6"
    formula = "f(x) = min(max(x, 0), 6); f'(x) = 1 on (0, 6), else 0"
    properties = Properties(
        output_range=(0.0, 6.0),
        monotonic=True,
        zero_centered=False,
        sparse=True,
        smoothness=0,
        kinks=(0.0, 6.0),
        saturating="both",
    )

    @property
    def implementation(self) -> dict[str, dict[str, str]]:
        """Which path computes each method for NumPy arrays (`activations.plugins.compiled`)."""
        return compiled.implementation("relu6")

    def forward(self, x: Array, /, *, out: Array | None = None) -> Array:
        if kernel := compiled.kernel("relu6_forward", x):
            return kernel(x, out=out)
        kind = x.dtype.type
        return clip(x, kind(0), kind(6), out=out)  # clip propagates NaN

    def derivative(self, x: Array, /, *, out: Array | None = None) -> Array:
        if kernel := compiled.kernel("relu6_derivative", x):
            return kernel(x, out=out)
        return window(x, 0, 6, 1, out)

    def backward(
        self, x: Array, grad_output: Array, /, *, output: Array | None = None, out: Array | None = None
    ) -> Array:
        if kernel := compiled.kernel("relu6_backward", x):
            return kernel(x, grad_output, out=out)
        return super().backward(x, grad_output, output=output, out=out)


class Threshold(BaseActivation):
    r"""Threshold: x above the threshold, a constant value at and below it.

    .. math:: f(x) = \begin{cases} x & x > \theta \\ v & x \le \theta \end{cases}, \qquad
              f'(x) = \begin{cases} 1 & x > \theta \\ 0 & x \le \theta \end{cases}

    ``threshold`` (θ) and ``value`` (v) default to 0, which gives ReLU; PyTorch
    requires both, Keras calls them ``threshold`` and ``default_value``. f jumps
    at θ unless v = θ; the derivative there is 0 (PyTorch's convention).

    Examples
    --------
    >>> import activations
    >>> t = activations.get("threshold", threshold=1.0, value=-2.0)
    >>> t([0.5, 1.0, 1.5])
    array([-2. , -2. ,  1.5])
    >>> t.derivative([0.5, 1.0, 1.5])
    array([0., 0., 1.])
    """

    name = "threshold"
    formula = "f(x) = x for x > threshold, else value; f'(x) = 1 for x > threshold, else 0"

    def __init__(self, *, threshold: float = 0.0, value: float = 0.0) -> None:
        if not (math.isfinite(threshold) and math.isfinite(value)):
            raise ValueError(
                f"threshold and value must be finite, got threshold={threshold!r}, value={value!r}"
            )
        self.threshold = threshold
        self.value = value

    @property
    def properties(self) -> Properties:  # depends on the parameters
        t, v = self.threshold, self.value
        return Properties(
            output_range=(min(t, v), math.inf),
            monotonic=v <= t,
            zero_centered=t < 0,  # f(0) = 0 and negative values both need t < 0 (or v = 0 and v < 0)
            sparse=v == 0,
            smoothness=0 if v == t else -1,
            kinks=(t,),
            saturating="lower",
            identity_near_origin=t < 0,
        )

    @property
    def implementation(self) -> dict[str, dict[str, str]]:
        """Which path computes each method for NumPy arrays (`activations.plugins.compiled`)."""
        return compiled.implementation("threshold", self.threshold, self.value)

    def forward(self, x: Array, /, *, out: Array | None = None) -> Array:
        if kernel := compiled.kernel("threshold_forward", x, self.threshold, self.value):
            return kernel(x, x.dtype.type(self.threshold), x.dtype.type(self.value), out=out)
        kind = x.dtype.type
        if self.value == self.threshold:  # max(x, v), NaN propagates; + 0 turns -0.0 into the value +0.0
            result = clip(x, kind(self.value), kind(math.inf), out=out)
            return np.add(result, kind(0), out=result)
        if out is None:
            result = x.copy()
        else:
            np.copyto(out, x)
            result = out
        np.copyto(result, kind(self.value), where=x <= kind(self.threshold))  # NaN <= t is False
        return result

    def derivative(self, x: Array, /, *, out: Array | None = None) -> Array:
        if kernel := compiled.kernel("threshold_derivative", x, self.threshold):
            return kernel(x, x.dtype.type(self.threshold), out=out)
        if self.threshold == 0:
            return step(x, out)
        return indicator(x, np.greater(x, x.dtype.type(self.threshold)), 1, out)

    def backward(
        self, x: Array, grad_output: Array, /, *, output: Array | None = None, out: Array | None = None
    ) -> Array:
        if kernel := compiled.kernel("threshold_backward", x, self.threshold):
            return kernel(x, grad_output, x.dtype.type(self.threshold), out=out)
        # At threshold 0 the step's signed zeros do not matter once multiplied: skip the pass
        # that fixes them, as ReLU does.
        if self.threshold != 0:
            return super().backward(x, grad_output, output=output, out=out)
        result = step(x, out, positive_zero=False)
        return np.multiply(result, grad_output, out=result)


class RReLU(LeakyReLU):
    r"""Randomized leaky ReLU in evaluation mode: a leaky ReLU with the mean slope.

    .. math:: f(x) = \begin{cases} x & x \ge 0 \\ a x & x < 0 \end{cases}, \quad
              a = \frac{l + u}{2}, \qquad
              f'(x) = \begin{cases} 1 & x > 0 \\ a & x \le 0 \end{cases}

    In training, PyTorch draws the slope of each element from U(l, u); this
    library has no training mode, so it computes what PyTorch's evaluation
    mode computes. ``lower`` (l) and ``upper`` (u) default to 1/8 and 1/3, as
    in PyTorch, so a = 11/48. The derivative at the kink 0 is the slope, as
    for the leaky ReLU, whose formulation it inherits.

    Examples
    --------
    >>> import activations
    >>> r = activations.get("rrelu", lower=0.1, upper=0.3)
    >>> r([-1.0, 0.0, 2.0])
    array([-0.2,  0. ,  2. ])
    >>> r.derivative([-1.0, 0.0, 2.0])
    array([0.2, 0.2, 1. ])
    """

    name = "rrelu"
    formula = "f(x) = x for x >= 0, (lower + upper) / 2 * x below; f'(0) = (lower + upper) / 2"
    learnable = ()  # the range of a random slope, not a slope to learn

    def __init__(self, *, lower: float = 1 / 8, upper: float = 1 / 3) -> None:
        if not (math.isfinite(lower) and math.isfinite(upper)):
            raise ValueError(f"lower and upper must be finite, got lower={lower!r}, upper={upper!r}")
        if lower > upper:
            raise ValueError(f"lower must not exceed upper, got lower={lower!r}, upper={upper!r}")
        self.lower = lower
        self.upper = upper

    @property
    def negative_slope(self) -> float:  # type: ignore[override]  # derived from lower and upper
        """The slope for x < 0: the mean of ``lower`` and ``upper``."""
        return self.lower / 2 + self.upper / 2  # cannot overflow, unlike (lower + upper) / 2


@activations.hookimpl
def register_activations(register: Callable[..., None]) -> None:
    """Register ReLU6, Threshold and RReLU under their PyTorch names (which JAX and Keras share)."""
    register(ReLU6, name="relu6")
    register(Threshold, name="threshold")
    register(RReLU, name="rrelu")
