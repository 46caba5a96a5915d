"""The exponential linear units ELU, SELU and CELU, accurate in the left tail.

Below 0 each is a multiple of ``expm1`` (never ``exp(x) - 1``, which turns
ELU(-1e-8) into 0 in float32), computed on ``min(x, 0)`` so that the branch
not taken cannot overflow. The derivatives below 0 are ``alpha * exp(x)``
computed from x; the output form ``y + alpha`` cancels in the tail (it gives
elu'(-20) = 0 in float32 and selu'(-700) = 0 in float64, as JAX does).

Branch-free, at ufunc speed: the two sides are joined by arithmetic that is
exact because one of the terms is always 0 (``expm1(min(x, 0)) + max(x, 0)``),
or because exp(min(x, 0)) is already 1 above 0; ``min``/``max`` with 0 are
NumPy's ``clip`` ufunc, which has a SIMD loop where ``np.minimum`` with a
scalar has not.

Kink convention (PyTorch's): the derivative at 0 is that of the left side,
elu'(0) = alpha, selu'(0) = scale * alpha, celu'(0) = 1. NaN propagates
through every method and the input is never written to.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import numpy as np
from numpy.typing import NDArray

import activations
from activations import BaseActivation, Properties
from activations.numerics import clip, weighted_sum

from . import compiled

Array = NDArray[Any]

#: SELU's constants (Klambauer et al. 2017), as in PyTorch, JAX and Keras.
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946
#: scale * alpha, rounded once from the exact product (1.7580993408473768599402175208123).
SELU_SCALE_ALPHA = 1.7580993408473768599402175208123
#: exp underflows to 0 below this in every dtype; clipping there keeps x / alpha finite.
_EXP_ZERO = -1000.0


def _left(x: Array, out: Array | None, bound: float = _EXP_ZERO) -> Array:
    """min(x, 0), clipped below at ``bound`` (where the exponential is already 0); NaN stays NaN."""
    return clip(x, bound, 0.0, out=out)


def _right(x: Array) -> Array:
    """max(x, 0) in a new array; NaN stays NaN."""
    return clip(x, 0.0, math.inf)


#: -(n - 1) / n! for n = 2, 3, ...: expm1(u) - u exp(u) = u^2 (c[0] + c[1] u + ...), the series that
#: does not cancel for small |u|; 23 terms reach 2^-53 relative at |u| = 2.
_CELU_SERIES = tuple(-(n - 1) / math.factorial(n) for n in range(2, 25))


def _celu_alpha_slope(u: Array) -> Array:
    """expm1(u) - u exp(u) in float64, the derivative of CELU in alpha (u = min(x, 0) / alpha).

    Both terms are near u for small |u| and the difference near -u^2 / 2, so
    there (|u| <= 2) the series; beyond, exp(u) (1 - u) - 1 does not cancel
    (it lies in (-1, -0.59) for u < -2, below -e^2 - 1 for u > 2). u is
    clipped to +-1000, where exp is 0 or inf already.
    """
    u = clip(u, -1000.0, 1000.0)
    with np.errstate(over="ignore", invalid="ignore"):  # exp(u) overflows only where the result does
        result = np.exp(u)
        np.multiply(result, np.subtract(1.0, u), out=result)
    np.subtract(result, 1.0, out=result)
    series = np.full_like(u, _CELU_SERIES[-1])
    for c in _CELU_SERIES[-2::-1]:
        series *= u
        series += c
    series *= u
    series *= u
    np.copyto(result, series, where=np.abs(u) <= 2.0)  # NaN stays NaN: |NaN| <= 2 is False
    return result


def _check_finite(name: str, value: float) -> None:
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")


class ELU(BaseActivation):
    r"""Exponential linear unit: x for x > 0, alpha * (exp(x) - 1) below.

    .. math:: f(x) = \begin{cases} x & x > 0 \\ \alpha\,(e^{x} - 1) & x \le 0 \end{cases},
              \qquad f'(x) = \begin{cases} 1 & x > 0 \\ \alpha e^{x} & x \le 0 \end{cases}

    ``alpha`` defaults to 1.0, as in PyTorch, JAX and Keras; ``tf.nn.elu`` has
    no parameter (alpha = 1). Any finite alpha is accepted. At the kink 0 the
    derivative is alpha (PyTorch and JAX; TensorFlow gives 1); with alpha = 1
    there is no kink, f is C^1 and the identity near 0, otherwise only C^0.
    alpha can be learned: df/dalpha = expm1(min(x, 0)).

    The left branch uses ``expm1``, so ELU(-1e-8) = -1e-8 in float32 (TensorFlow
    2.21 returns 0), and the derivative is :math:`\alpha e^x` from x, never the
    output form y + alpha that JAX uses, which is 0 for x below about -17.3 in
    float32.

    Examples
    --------
    >>> import numpy as np
    >>> import activations
    >>> elu = activations.get("elu")
    >>> elu([-1.0, 0.0, 2.0])
    array([-0.63212056,  0.        ,  2.        ])
    >>> float(elu(np.float32(-1e-8)))
    -9.99999993922529e-09
    >>> float(elu.derivative(np.float32(-20.0)))
    2.06115369216775e-09
    """

    name = "elu"
    formula = "f(x) = x for x > 0, alpha * expm1(x) below; f'(x) = 1 for x > 0, alpha * exp(x) below"
    learnable = ("alpha",)

    def __init__(self, *, alpha: float = 1.0) -> None:
        _check_finite("alpha", alpha)
        self.alpha = alpha

    @property
    def properties(self) -> Properties:  # depends on alpha
        a = self.alpha
        return Properties(
            output_range=(-a if a > 0 else 0.0, math.inf),
            monotonic=a >= 0,
            zero_centered=a > 0,
            sparse=a == 0,
            smoothness=1 if a == 1 else 0,
            kinks=() if a == 1 else (0.0,),
            saturating="lower",
            identity_near_origin=a == 1,
        )

    @property
    def implementation(self) -> dict[str, dict[str, str]]:
        """Which path computes each method for NumPy arrays (`activations.plugins.compiled`)."""
        return compiled.implementation("elu", self.alpha)

    def forward(self, x: Array, /, *, out: Array | None = None) -> Array:
        if kernel := compiled.kernel("elu_forward", x, self.alpha):
            return kernel(x, x.dtype.type(self.alpha), out=out)
        result = _left(x, out)  # the branch not taken cannot overflow
        np.expm1(result, out=result)
        if self.alpha != 1:
            np.multiply(result, self.alpha, out=result)
        # alpha expm1(min(x, 0)) + max(x, 0): one side is always exactly 0, so this is exact,
        # and unlike a mask that follows the data's signs it runs at ufunc speed. NaN stays.
        return np.add(result, _right(x), out=result)

    def derivative(self, x: Array, /, *, out: Array | None = None) -> Array:
        if kernel := compiled.kernel("elu_derivative", x, self.alpha):
            return kernel(x, x.dtype.type(self.alpha), out=out)
        result = _left(x, out)
        np.exp(result, out=result)  # exp(min(x, 0)): already 1 for x >= 0
        if self.alpha == 1:
            return result  # 1 above 0 and at the kink, exp(x) below
        np.multiply(result, self.alpha, out=result)  # alpha at the kink 0
        if 0 < self.alpha <= 1:
            # alpha e^min(x,0) <= 1 <= [x > 0] above 0 and >= 0 = [x > 0] at and below it, so
            # the maximum picks 1 or alpha e^x without a mask; NaN stays NaN.
            return np.maximum(result, x > 0, out=result)
        np.copyto(result, x.dtype.type(1), where=x > 0)
        return result

    def backward(
        self, x: Array, grad_output: Array, /, *, output: Array | None = None, out: Array | None = None
    ) -> Array:
        if kernel := compiled.kernel("elu_backward", x, self.alpha):
            return kernel(x, grad_output, x.dtype.type(self.alpha), out=out)
        return super().backward(x, grad_output, output=output, out=out)

    def parameter_backward(
        self, x: Array, grad_output: Array, /, *, output: Array | None = None
    ) -> dict[str, Any]:
        # df/dalpha = expm1(min(x, 0)): -1 in the left tail, exact 0 above 0, NaN kept.
        return {"alpha": weighted_sum(grad_output, np.expm1(_left(x, None)))}


class SELU(BaseActivation):
    r"""Scaled ELU: scale * x for x > 0, scale * alpha * (exp(x) - 1) below, fixed constants.

    .. math:: f(x) = \lambda \begin{cases} x & x > 0 \\ \alpha\,(e^{x} - 1) & x \le 0 \end{cases},
              \qquad f'(x) = \begin{cases} \lambda & x > 0 \\ \lambda\alpha e^{x} & x \le 0 \end{cases}

    with :math:`\alpha = 1.6732632423543772848...` and
    :math:`\lambda = 1.0507009873554804934...` (Klambauer et al. 2017), the
    constants of PyTorch, JAX, Keras and TensorFlow; the product
    :math:`\lambda\alpha = 1.7580993408473768599...` is rounded once. The
    derivative at the kink 0 is :math:`\lambda\alpha` (PyTorch and JAX;
    TensorFlow gives :math:`\lambda`). C^0 with a kink at 0.

    The derivative is :math:`\lambda\alpha e^x` from x, so selu'(-700) =
    1.73e-304 in float64, where JAX's output form y + lambda * alpha gives 0.
    Without a mask, as :math:`\lambda\alpha e^{\min(x, 0)} - (\lambda\alpha -
    \lambda)[x > 0]`: the difference of the two constants is exact in either
    dtype, so the value above 0 is exactly :math:`\lambda`.

    Examples
    --------
    >>> import activations
    >>> selu = activations.get("selu")
    >>> selu([-1.0, 0.0, 1.0])
    array([-1.11133074,  0.        ,  1.05070099])
    >>> float(selu.derivative(0.0))
    1.7580993408473768
    >>> print(f"{selu.derivative(-700.0):.4g}")
    1.733e-304
    """

    name = "selu"
    formula = "f(x) = scale * x for x > 0, scale * alpha * expm1(x) below; f'(0) = scale * alpha"
    properties = Properties(
        output_range=(-SELU_SCALE_ALPHA, math.inf),
        monotonic=True,
        zero_centered=True,
        sparse=False,
        smoothness=0,
        kinks=(0.0,),
        saturating="lower",
    )

    @property
    def implementation(self) -> dict[str, dict[str, str]]:
        """Which path computes each method for NumPy arrays (`activations.plugins.compiled`)."""
        return compiled.implementation("selu")

    def forward(self, x: Array, /, *, out: Array | None = None) -> Array:
        if kernel := compiled.kernel("selu_forward", x):
            return kernel(x, out=out)
        result = _left(x, out)
        np.expm1(result, out=result)
        np.multiply(result, SELU_SCALE_ALPHA, out=result)
        right = _right(x)
        with np.errstate(over="ignore"):  # scale * x really overflows for x near the largest float
            np.multiply(right, SELU_SCALE, out=right)
        # One side is always exactly 0: the sum is exact. NaN stays NaN.
        return np.add(result, right, out=result)

    def derivative(self, x: Array, /, *, out: Array | None = None) -> Array:
        if kernel := compiled.kernel("selu_derivative", x):
            return kernel(x, out=out)
        t = x.dtype.type
        result = _left(x, out)
        np.exp(result, out=result)  # exp(min(x, 0)): 1 for x >= 0
        np.multiply(result, SELU_SCALE_ALPHA, out=result)  # scale alpha exp(x), scale alpha at x >= 0
        # Above 0, subtract scale alpha - scale (exact in the dtype, the two being within a
        # factor 2 of each other) to get scale exactly: a comparison cast to float, no mask.
        step = np.greater(x, 0.0, out=np.empty_like(x))
        np.multiply(step, float(t(SELU_SCALE_ALPHA) - t(SELU_SCALE)), out=step)
        return np.subtract(result, step, out=result)

    def backward(
        self, x: Array, grad_output: Array, /, *, output: Array | None = None, out: Array | None = None
    ) -> Array:
        if kernel := compiled.kernel("selu_backward", x):
            return kernel(x, grad_output, out=out)
        return super().backward(x, grad_output, output=output, out=out)


class CELU(BaseActivation):
    r"""Continuously differentiable ELU: max(0, x) + min(0, alpha * (exp(x / alpha) - 1)).

    .. math:: f(x) = \begin{cases} x & x > 0 \\ \alpha\,(e^{x/\alpha} - 1) & x \le 0 \end{cases},
              \qquad f'(x) = \begin{cases} 1 & x > 0 \\ e^{x/\alpha} & x \le 0 \end{cases}

    ``alpha`` defaults to 1.0 (PyTorch, JAX and Keras) and must not be 0. For
    any alpha, f'(0) = 1 from both sides, so 0 is not a kink: f is C^1 (not
    C^2: f'' jumps from 1/alpha to 0) and the identity near 0; the value taken
    at 0 is 1 (PyTorch and JAX agree). With a negative alpha the left branch decreases
    without bound and overflows to -inf once exp(x / alpha) does. alpha can be
    learned: with u = min(x, 0) / alpha, df/dalpha = expm1(u) - u exp(u),
    summed from its series where it would cancel.

    Examples
    --------
    >>> import activations
    >>> celu = activations.get("celu", alpha=2.0)
    >>> celu([-2.0, 0.0, 3.0])
    array([-1.26424112,  0.        ,  3.        ])
    >>> celu.derivative([-2.0, 0.0, 3.0])
    array([0.36787944, 1.        , 1.        ])
    """

    name = "celu"
    formula = "f(x) = max(0, x) + min(0, alpha * expm1(x / alpha)); f'(x) = 1 for x > 0, exp(x / alpha) below"
    learnable = ("alpha",)

    def __init__(self, *, alpha: float = 1.0) -> None:
        _check_finite("alpha", alpha)
        if alpha == 0:
            raise ValueError("alpha must not be 0")
        self.alpha = alpha

    @property
    def properties(self) -> Properties:  # depends on the sign of alpha
        a = self.alpha
        return Properties(
            output_range=(-a if a > 0 else -math.inf, math.inf),
            monotonic=True,
            zero_centered=True,
            sparse=False,
            smoothness=1,
            kinks=(),
            saturating="lower" if a > 0 else "none",
            identity_near_origin=True,
        )

    def _left(self, x: Array, out: Array | None) -> tuple[Array, AbstractContextManager[Any]]:
        """min(x, 0), clipped where exp(x / alpha) is already 0 or inf, and the overflow guard."""
        a = self.alpha
        # x / alpha stays within +-1000, where exp is already 0 (or inf).
        z = _left(x, out, max(-1000.0 * abs(a), -float(np.finfo(x.dtype).max)))
        # With a negative alpha, exp(x / alpha) really overflows for x far below 0: the
        # result is then -inf (forward) or inf (derivative), as it should be.
        guard = np.errstate(over="ignore") if a < 0 else contextlib.nullcontext()
        return z, guard

    @property
    def implementation(self) -> dict[str, dict[str, str]]:
        """Which path computes each method for NumPy arrays (`activations.plugins.compiled`)."""
        return compiled.implementation("celu" if self.alpha > 0 else None, self.alpha)

    def forward(self, x: Array, /, *, out: Array | None = None) -> Array:
        if self.alpha > 0 and (
            kernel := compiled.kernel("celu_forward", x, self.alpha)
        ):  # alpha < 0: the formula
            return kernel(x, x.dtype.type(self.alpha), out=out)
        result, guard = self._left(x, out)
        with guard:
            if self.alpha != 1:
                np.divide(result, self.alpha, out=result)
            np.expm1(result, out=result)
            if self.alpha != 1:
                np.multiply(result, self.alpha, out=result)
        # alpha expm1(min(x, 0) / alpha) + max(x, 0): one side is always exactly 0, so this is
        # exact without a mask that follows the data's signs; NaN stays NaN.
        return np.add(result, _right(x), out=result)

    def derivative(self, x: Array, /, *, out: Array | None = None) -> Array:
        if self.alpha > 0 and (
            kernel := compiled.kernel("celu_derivative", x, self.alpha)
        ):  # alpha < 0: the formula
            return kernel(x, x.dtype.type(self.alpha), out=out)
        result, guard = self._left(x, out)
        with guard:
            if self.alpha != 1:
                np.divide(result, self.alpha, out=result)
            # exp(min(x, 0) / alpha) is already 1 for every x >= 0: no mask needed.
            return np.exp(result, out=result)

    def backward(
        self, x: Array, grad_output: Array, /, *, output: Array | None = None, out: Array | None = None
    ) -> Array:
        if self.alpha > 0 and (kernel := compiled.kernel("celu_backward", x, self.alpha)):
            return kernel(x, grad_output, x.dtype.type(self.alpha), out=out)
        return super().backward(x, grad_output, output=output, out=out)

    def parameter_backward(
        self, x: Array, grad_output: Array, /, *, output: Array | None = None
    ) -> dict[str, Any]:
        u = np.divide(clip(x, -np.inf, 0.0), self.alpha, dtype=np.float64)  # in float64, rounded once
        return {"alpha": weighted_sum(grad_output, _celu_alpha_slope(u))}


@activations.hookimpl
def register_activations(register: Callable[..., None]) -> None:
    """Register ELU, SELU and CELU (PyTorch, JAX and Keras use these names)."""
    register(ELU, name="elu")
    register(SELU, name="selu")
    register(CELU, name="celu")
