"""The shrinkage activations: softshrink, hardshrink and tanhshrink.

Softshrink and hardshrink are piecewise linear and correctly rounded; at
their thresholds +-lambd the derivative is 0 (PyTorch's convention). With
``lambd=0`` both are the identity, and their derivative is 1 everywhere.

Tanhshrink, x - tanh x, is smooth but cancels near 0, where it behaves as
x^3 / 3: tanhshrink(1e-10) = 3.3e-31, which the direct formula turns into 0.
For |x| < 1.4 it is computed from Lambert's continued fraction

    tanh x = x / (1 + x^2 / (3 + x^2 / (5 + x^2 / (7 + ...)))),

which gives x - tanh x = x t / (t + E) with t = x^2 and E = 3 + t / (5 + t /
(7 + ...)): every term is positive, so nothing cancels. Truncated after the
denominator 21 (float64) or 13 (float32), it is off by less than 0.01 ulp
for |x| < 1.4, and its evaluation rounds a few times (2 ulp at worst). Above
1.4, where x - tanh x > 1/2, the direct formula adds at most one rounding to
that of tanh x.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

import activations
from activations import BaseActivation, Properties
from activations.numerics import clip, indicator

Array = NDArray[Any]


def _check_lambd(lambd: float) -> None:
    if not (math.isfinite(lambd) and lambd >= 0):
        raise ValueError(f"lambd must be finite and >= 0, got {lambd!r}")


def _outside(x: Array, lambd: float) -> NDArray[np.bool_]:
    """``|x| > lambd``; False for NaN."""
    kind = x.dtype.type
    mask = np.greater(x, kind(lambd))
    mask |= np.less(x, kind(-lambd))
    return mask


def _dead_zone(x: Array, lambd: float) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """(``|x| <= lambd``, x is not NaN): every number is >= -lambd or <= lambd."""
    kind = x.dtype.type
    above = np.greater_equal(x, kind(-lambd))
    below = np.less_equal(x, kind(lambd))
    inside = above & below
    above |= below
    return inside, above


def _shrink_properties(lambd: float, *, jumps: bool) -> Properties:
    if lambd == 0:  # the identity
        return Properties(
            output_range=(-math.inf, math.inf),
            monotonic=True,
            zero_centered=True,
            sparse=False,
            smoothness=math.inf,
            identity_near_origin=True,
        )
    return Properties(
        output_range=(-math.inf, math.inf),
        monotonic=True,
        zero_centered=True,
        sparse=True,
        smoothness=-1 if jumps else 0,
        kinks=(-lambd, lambd),
    )


def _shrink_derivative(x: Array, lambd: float, out: Array | None) -> Array:
    """1 for |x| > lambd, 0 at and inside +-lambd; 1 everywhere if lambd = 0."""
    if lambd == 0:
        one = x.dtype.type(1)
        return clip(x, one, one, out=out)  # 1, and NaN for NaN
    dead, numbers = _dead_zone(x, lambd)
    return indicator(x, np.logical_not(dead, out=dead), 1, out, numbers=numbers)


class Softshrink(BaseActivation):
    r"""Soft shrinkage: x moved towards 0 by lambd, and 0 within lambd of 0.

    .. math:: f(x) = \begin{cases} x - \lambda & x > \lambda \\ 0 & |x| \le \lambda \\
              x + \lambda & x < -\lambda \end{cases}, \qquad f'(x) = [|x| > \lambda]

    ``lambd`` (λ >= 0) defaults to 0.5, as in PyTorch; Keras calls it
    ``threshold``. The derivative at the kinks ±λ is 0 (PyTorch's convention).
    Computed as x - clip(x, -λ, λ): one rounding, none near ±λ.

    Examples
    --------
    >>> import activations
    >>> s = activations.get("softshrink")
    >>> s([-2.0, 0.25, 0.5, 1.5])
    array([-1.5,  0. ,  0. ,  1. ])
    >>> s.derivative([-0.5, 0.0, 0.5, 1.5])
    array([0., 0., 0., 1.])
    """

    name = "softshrink"
    formula = "f(x) = x - lambd for x > lambd, x + lambd for x < -lambd, else 0; f'(+-lambd) = 0"

    def __init__(self, *, lambd: float = 0.5) -> None:
        _check_lambd(lambd)
        self.lambd = lambd

    @property
    def properties(self) -> Properties:  # depends on lambd
        return _shrink_properties(self.lambd, jumps=False)

    def forward(self, x: Array, /, *, out: Array | None = None) -> Array:
        kind = x.dtype.type
        # x - clip(x): exact (Sterbenz near +-lambd), +0.0 inside, NaN stays NaN, inf - lambd = inf.
        result = clip(x, kind(-self.lambd), kind(self.lambd), out=out)
        return np.subtract(x, result, out=result)

    def derivative(self, x: Array, /, *, out: Array | None = None) -> Array:
        return _shrink_derivative(x, self.lambd, out)


class Hardshrink(BaseActivation):
    r"""Hard shrinkage: x, but 0 within lambd of 0.

    .. math:: f(x) = \begin{cases} x & |x| > \lambda \\ 0 & |x| \le \lambda \end{cases},
              \qquad f'(x) = [|x| > \lambda]

    ``lambd`` (λ >= 0) defaults to 0.5, as in PyTorch; Keras calls it
    ``threshold``. f jumps at ±λ (so its smoothness is -1); the derivative
    there is 0 (PyTorch's convention). The zeros are +0.0.

    Examples
    --------
    >>> import activations
    >>> h = activations.get("hardshrink")
    >>> h([-2.0, -0.5, 0.25, 0.75])
    array([-2.  ,  0.  ,  0.  ,  0.75])
    >>> h.derivative([-0.5, 0.0, 0.5, 0.75])
    array([0., 0., 0., 1.])
    """

    name = "hardshrink"
    formula = "f(x) = x for |x| > lambd, else 0; f'(+-lambd) = 0"

    def __init__(self, *, lambd: float = 0.5) -> None:
        _check_lambd(lambd)
        self.lambd = lambd

    @property
    def properties(self) -> Properties:  # depends on lambd
        return _shrink_properties(self.lambd, jumps=True)

    def forward(self, x: Array, /, *, out: Array | None = None) -> Array:
        # x * [|x| > lambd]: the mask is 1 for +-inf and NaN * 0 is NaN; + 0 turns -0.0 into +0.0.
        result = np.multiply(x, _outside(x, self.lambd), out=out)
        return np.add(result, x.dtype.type(0), out=result)

    def derivative(self, x: Array, /, *, out: Array | None = None) -> Array:
        return _shrink_derivative(x, self.lambd, out)


# Lambert's continued fraction, truncated after the denominator 2k + 1 (see the module docstring).
_SWITCH = 1.4
_LAST_DENOMINATOR = {np.dtype(np.float32): 13, np.dtype(np.float64): 21}


def _tanhshrink_small(x: Array) -> Array:
    """Compute x - tanh x for |x| < 1.4 without cancellation."""
    kind = x.dtype.type
    t = np.multiply(x, x)
    last = _LAST_DENOMINATOR[x.dtype]
    e = np.divide(t, kind(last))
    np.add(e, kind(last - 2), out=e)
    for k in range(last - 4, 1, -2):
        np.divide(t, e, out=e)
        np.add(e, kind(k), out=e)
    np.add(e, t, out=e)
    np.divide(t, e, out=e)  # t / (t + E) = (x - tanh x) / x
    return np.multiply(e, x, out=e)


class Tanhshrink(BaseActivation):
    r"""Tanh shrinkage: x - tanh x.

    .. math:: f(x) = x - \tanh x, \qquad f'(x) = \tanh^2 x

    Smooth and odd, f(x) ~ x^3 / 3 near 0, so it is zero-centred but not the
    identity there. PyTorch's ``tanhshrink``, Keras's ``tanh_shrink``. The
    small values are kept: tanhshrink(1e-10) = 3.3e-31, not 0 (see the
    module docstring for how).

    Examples
    --------
    >>> import activations
    >>> t = activations.get("tanhshrink")
    >>> t([-2.0, 1e-10, 1.0])
    array([-1.03597242e+00,  3.33333333e-31,  2.38405844e-01])
    >>> t.derivative([0.0, 1.0])
    array([0.        , 0.58002566])
    """

    name = "tanhshrink"
    formula = "f(x) = x - tanh(x); f'(x) = tanh(x)^2"
    properties = Properties(
        output_range=(-math.inf, math.inf),
        monotonic=True,
        zero_centered=True,
        sparse=False,
        smoothness=math.inf,
        saturating="none",
    )

    def forward(self, x: Array, /, *, out: Array | None = None) -> Array:
        result = np.tanh(x, out=out)
        np.subtract(x, result, out=result)  # +-inf and NaN come out right here
        # Integer indices, not a boolean mask: gathering or scattering with a mask that
        # follows the data takes longer than np.tanh itself.
        small = np.flatnonzero(np.less(np.abs(x), x.dtype.type(_SWITCH)))  # C-order flat indices
        if small.size:
            values = _tanhshrink_small(x.ravel().take(small))
            if result.flags.c_contiguous:
                result.reshape(-1)[small] = values  # a view
            else:
                result[np.unravel_index(small, result.shape)] = values
        return result

    def derivative(self, x: Array, /, *, out: Array | None = None) -> Array:
        result = np.tanh(x, out=out)
        return np.multiply(result, result, out=result)


@activations.hookimpl
def register_activations(register: Callable[..., None]) -> None:
    """Register the shrinkage activations under the names PyTorch and Keras use."""
    register(Softshrink, name="softshrink", aliases=("soft_shrink",))
    register(Hardshrink, name="hardshrink", aliases=("hard_shrink",))
    register(Tanhshrink, name="tanhshrink", aliases=("tanh_shrink",))
