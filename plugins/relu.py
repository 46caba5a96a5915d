"""ReLU, Leaky ReLU and PReLU: the reference plugin.

This is the module to copy when you write a plugin. It shows the whole
contract in a few lines:

* a class per activation, derived from `activations.BaseActivation`, with a
  canonical ``name``, declared ``properties`` and a ``formula``;
* parameters as keyword-only ``__init__`` arguments with defaults (PyTorch's
  names and defaults), stored under the same names, so ``config`` and specs
  such as ``"leaky_relu(negative_slope=0.2)"`` work without more code;
* ``forward`` and ``derivative`` that write into ``out`` when it is given and
  return the result. The core has already turned the input into a float32 or
  float64 array and guarantees that ``out`` shares no memory with it;
* a parameter that can be learned, named in ``learnable``, with its
  gradient in ``parameter_backward`` (Leaky ReLU's slope, PReLU's weight);
* one ``register_activations`` hook that registers each class with its aliases.

Kink convention (PyTorch's): ReLU'(0) = 0 and leaky_relu'(0) = negative_slope,
i.e. the flat (inactive) side. NaN propagates through every method.

It imports only the public API: `activations` and the building blocks of
`activations.numerics` (``rectify`` is ``max(x, 0)`` and ``step`` the
derivative ``[x > 0]``, both vectorised and keeping NaN), which every bundled
plugin uses too.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

import activations
from activations import BaseActivation, Properties
from activations.numerics import clip, rectify, step, weighted_sum

from . import compiled

Array = NDArray[Any]


class ReLU(BaseActivation):
    r"""Rectified linear unit: max(x, 0).

    .. math:: f(x) = \max(x, 0), \qquad f'(x) = [x > 0]

    The kink at 0 takes the derivative 0 (PyTorch, JAX and TensorFlow agree);
    ``-0.0`` maps to ``-0.0``, as in PyTorch. Sparse and not zero-centred: half
    of a standard normal input maps to exactly 0, and the mean output is
    :math:`1/\sqrt{2\pi}`.

    Examples
    --------
    >>> import activations
    >>> activations.get("relu").derivative([-1.0, 0.0, 2.0])
    array([0., 0., 1.])
    """

    name = "relu"
    formula = "f(x) = max(x, 0); f'(x) = 1 for x > 0, else 0"
    properties = Properties(
        output_range=(0.0, math.inf),
        monotonic=True,
        zero_centered=False,
        sparse=True,
        smoothness=0,
        kinks=(0.0,),
        saturating="lower",
    )

    @property
    def implementation(self) -> dict[str, dict[str, str]]:
        """Which path computes each method for NumPy arrays (`activations.plugins.compiled`)."""
        return compiled.implementation("relu")

    def forward(self, x: Array, /, *, out: Array | None = None) -> Array:
        if kernel := compiled.kernel("relu_forward", x):
            return kernel(x, out=out)
        return rectify(x, out)

    def derivative(self, x: Array, /, *, out: Array | None = None) -> Array:
        if kernel := compiled.kernel("relu_derivative", x):
            return kernel(x, out=out)
        return step(x, out)

    def backward(
        self, x: Array, grad_output: Array, /, *, output: Array | None = None, out: Array | None = None
    ) -> Array:
        if kernel := compiled.kernel("relu_backward", x):
            return kernel(x, grad_output, out=out)
        # The step's signed zeros do not matter once multiplied: skip the pass that fixes them.
        result = step(x, out, positive_zero=False)
        return np.multiply(result, grad_output, out=result)


class LeakyReLU(BaseActivation):
    r"""Leaky ReLU: x for x >= 0, negative_slope * x below.

    .. math:: f(x) = \begin{cases} x & x \ge 0 \\ a x & x < 0 \end{cases}, \qquad
              f'(x) = \begin{cases} 1 & x > 0 \\ a & x \le 0 \end{cases}

    ``negative_slope`` (a) defaults to 0.01 as in PyTorch and JAX; Keras and
    TensorFlow default to 0.2. Any real slope works, including a > 1 (where
    ``max(x, a x)`` would be wrong). The derivative at the kink 0 is the slope
    (PyTorch's convention; JAX gives 1). The slope can be learned:
    df/da = min(x, 0).

    Examples
    --------
    >>> import activations
    >>> activations.get("leaky_relu", negative_slope=0.2)([-1.0, 0.0, 3.0])
    array([-0.2,  0. ,  3. ])
    """

    name = "leaky_relu"
    formula = "f(x) = x for x >= 0, negative_slope * x below; f'(0) = negative_slope"
    learnable: ClassVar[tuple[str, ...]] = ("negative_slope",)

    def __init__(self, *, negative_slope: float = 0.01) -> None:
        if not math.isfinite(negative_slope):
            raise ValueError(f"negative_slope must be finite, got {negative_slope!r}")
        self.negative_slope = negative_slope

    @property
    def properties(self) -> Properties:  # depends on the slope, so a property rather than a constant
        a = self.negative_slope
        return Properties(
            output_range=(-math.inf if a > 0 else 0.0, math.inf),
            monotonic=a >= 0,
            zero_centered=a > 0,
            sparse=a == 0,
            smoothness=math.inf if a == 1 else 0,
            kinks=() if a == 1 else (0.0,),
            saturating="lower" if a == 0 else "none",
            identity_near_origin=a == 1,
        )

    @property
    def implementation(self) -> dict[str, dict[str, str]]:
        """Which path computes each method for NumPy arrays (`activations.plugins.compiled`)."""
        return compiled.implementation("leaky_relu", self.negative_slope)

    def forward(self, x: Array, /, *, out: Array | None = None) -> Array:
        if kernel := compiled.kernel("leaky_relu_forward", x, self.negative_slope):
            return kernel(x, x.dtype.type(self.negative_slope), out=out)
        a = self.negative_slope
        if a == 0:  # ReLU; a * x would turn -inf into NaN
            return rectify(x, out)
        if 0 < a <= 1:  # a x <= x exactly where x >= 0: one product, one maximum, no mask
            result = np.multiply(x, x.dtype.type(a), out=out)
            return np.maximum(x, result, out=result)
        # Otherwise f = max(x, 0) + a * min(x, 0): exact (one side is always 0), NaN stays NaN,
        # and the product is only formed where x < 0, so it overflows only where f does.
        negative = np.minimum(x, x.dtype.type(0))
        with np.errstate(over="ignore"):  # |a| > 1: the true value is beyond the float range
            np.multiply(negative, x.dtype.type(a), out=negative)
        result = np.maximum(x, x.dtype.type(0), out=out)
        return np.add(result, negative, out=result)

    def derivative(self, x: Array, /, *, out: Array | None = None) -> Array:
        if kernel := compiled.kernel("leaky_relu_derivative", x, self.negative_slope):
            return kernel(x, x.dtype.type(self.negative_slope), out=out)
        a = x.dtype.type(self.negative_slope)
        if a == 0:
            return step(x, out)
        result = step(x, out, positive_zero=False)  # 1 above the kink, +-0 at and below it, NaN
        if 0 < a <= 1:
            clipped: Array = clip(result, a, x.dtype.type(1), out=result)  # 0 becomes a; 1 and NaN stay
            return clipped
        np.copyto(result, a, where=x <= 0)
        return result

    def backward(
        self, x: Array, grad_output: Array, /, *, output: Array | None = None, out: Array | None = None
    ) -> Array:
        if kernel := compiled.kernel("leaky_relu_backward", x, self.negative_slope):
            return kernel(x, grad_output, x.dtype.type(self.negative_slope), out=out)
        return super().backward(x, grad_output, output=output, out=out)

    def parameter_backward(
        self, x: Array, grad_output: Array, /, *, output: Array | None = None
    ) -> dict[str, Any]:
        # df/da = min(x, 0): exact, NaN kept; summed against the gradient.
        return {self.learnable[0]: weighted_sum(grad_output, clip(x, -np.inf, 0.0))}


class PReLU(LeakyReLU):
    r"""Parametric ReLU: Leaky ReLU whose slope ``weight`` is learned (He et al., 2015).

    .. math:: f(x) = \begin{cases} x & x \ge 0 \\ w x & x < 0 \end{cases}, \qquad
              \frac{\partial f}{\partial w} = \min(x, 0)

    PyTorch's ``nn.PReLU`` with one parameter, initialised to 0.25. The
    derivative at the kink 0 is the weight, as for Leaky ReLU (and in
    PyTorch). One scalar weight: per-channel weights (``num_parameters=C``
    in PyTorch) are out of scope, since specs and ``config`` hold scalars.

    Examples
    --------
    >>> import activations
    >>> prelu = activations.get("prelu")
    >>> prelu([-2.0, 3.0]), prelu.learnable
    (array([-0.5,  3. ]), ('weight',))
    """

    name = "prelu"
    formula = "f(x) = x for x >= 0, weight * x below; f'(0) = weight; df/dweight = min(x, 0)"
    learnable = ("weight",)

    def __init__(self, *, weight: float = 0.25) -> None:
        if not math.isfinite(weight):  # before Leaky ReLU's check, which would name its own parameter
            raise ValueError(f"weight must be finite, got {weight!r}")
        super().__init__(negative_slope=weight)
        self.weight = weight


@activations.hookimpl
def register_activations(register: Callable[..., None]) -> None:
    """Register ReLU, Leaky ReLU and PReLU under the names PyTorch, JAX and Keras use."""
    register(ReLU, name="relu", aliases=("rectifier",))
    register(LeakyReLU, name="leaky_relu", aliases=("leakyrelu", "lrelu"))
    register(PReLU, name="prelu")
