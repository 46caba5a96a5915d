"""Building blocks for plugin authors: the element-wise pieces the bundled plugins are made of.

Each is a short chain of vectorised NumPy ufuncs that keeps what the
contract asks for: NaN stays NaN, -0.0 is handled deliberately, no input
raises a floating-point warning, and ``out=`` is written in place, so that a
plugin built from them is as fast and as exact as a bundled one.

* ``clip``: NumPy's clip ufunc itself, ``clip(x, low, high, out=None)``.
  ``np.clip`` is a Python function around it that adds about 1.5 us a
  call, and ``np.maximum(x, 0)`` with a scalar has no SIMD loop in NumPy
  2.4 (at 1e5 float32 elements it is 3 times slower than the clip ufunc
  with an infinite upper bound);
* `rectify`: max(x, 0), the ReLU;
* `step`, `indicator`, `window`: the step functions that the derivatives of
  piecewise-linear activations are. ``np.heaviside`` would do one in one call
  but is not vectorised (20 to 130 times slower than a copy with NumPy 2.4),
  and a ``np.copyto(where=...)`` with a mask that follows the data is 10 to
  60 times slower than a copy. Comparisons and a cast of the mask cost about
  two copies; the NaNs, usually absent, are then copied in only where there
  are some. A step at 0 is cheaper still as ``ceil(clip(x, 0, 1))``;
* `sigmoid`: the logistic sigmoid of ``scale * x`` with both tails kept,
  optionally times a gradient: the gate of SiLU, the derivative of softplus;
* `has_nan`: whether an array holds a NaN, without a temporary;
* `weighted_sum`: the sum of ``grad_output * df/dtheta`` that a learnable
  parameter's gradient is, with an element that passes no gradient adding
  none, even where df/dtheta is infinite.

Every function takes float32 or float64 arrays, as plugins receive them.

Examples
--------
>>> import numpy as np
>>> from activations import numerics
>>> x = np.array([-2.0, -0.0, 3.0, np.nan])
>>> numerics.rectify(x), numerics.step(x)
(array([ 0., -0.,  3., nan]), array([ 0.,  0.,  1., nan]))
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["clip", "has_nan", "indicator", "rectify", "sigmoid", "step", "weighted_sum", "window"]

Array = NDArray[Any]
Mask = NDArray[np.bool_]

# 0, 1 and infinity as scalars of each dtype, made once: np.float32(0) takes about 0.25 us a call.
_ZERO = {np.dtype(np.float32): np.float32(0), np.dtype(np.float64): np.float64(0)}
_ONE = {np.dtype(np.float32): np.float32(1), np.dtype(np.float64): np.float64(1)}
_INFINITY = {np.dtype(np.float32): np.float32(np.inf), np.dtype(np.float64): np.float64(np.inf)}


def _clip_ufunc() -> Callable[..., Any]:
    """NumPy's ``clip`` ufunc (``numpy._core.umath``, ``numpy.core.umath`` before 2.0), else ``np.clip``."""
    for module_name in ("numpy._core.umath", "numpy.core.umath"):
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        ufunc = getattr(module, "clip", None)
        if isinstance(ufunc, np.ufunc):
            return ufunc
    return np.clip  # pragma: no cover  # every NumPy since 1.17 has the ufunc


#: ``clip(x, low, high, out=None)``: min(max(x, low), high) element-wise, NaN for NaN, as a ufunc
#: (``out=`` and broadcasting as for any ufunc); ``low`` and ``high`` are best scalars of x's dtype.
clip: Callable[..., Any] = _clip_ufunc()


def rectify(x: Array, out: Array | None = None) -> Array:
    """max(x, 0), in ``out`` if given; NaN stays NaN and -0.0 stays -0.0, as in PyTorch.

    ``np.where(x > 0, x, 0)`` would make NaN 0; ``np.maximum(x, 0)`` has no
    SIMD loop for a scalar bound.

    Examples
    --------
    >>> import numpy as np
    >>> from activations.numerics import rectify
    >>> rectify(np.array([-1.0, -0.0, 2.0, np.nan]))
    array([ 0., -0.,  2., nan])
    """
    result: Array = clip(x, _ZERO[x.dtype], _INFINITY[x.dtype], out=out)
    return result


def has_nan(x: Array) -> bool:
    """Whether x may hold a NaN: one reduction that propagates NaN, reading x once and allocating nothing.

    Cheaper than ``np.isnan(x).any()``, which writes a boolean array first.
    For an array of another library (CuPy), True without looking: the answer
    would wait for the device and copy to the host, and NumPy's reduction
    has no CuPy counterpart; the caller then fixes the NaNs without asking.

    Examples
    --------
    >>> import numpy as np
    >>> from activations.numerics import has_nan
    >>> has_nan(np.array([1.0, np.inf])), has_nan(np.array([1.0, np.nan])), has_nan(np.array([]))
    (False, True, False)
    """
    if type(x) is not np.ndarray:
        return True
    return bool(x.size) and bool(np.isnan(np.minimum.reduce(x, axis=None)))


def step(x: Array, out: Array | None = None, *, positive_zero: bool = True) -> Array:
    """1 where x > 0, 0 at and below 0, NaN where x is NaN; in ``out`` if given.

    ``ceil(clip(x, 0, 1))``. clip keeps the sign of -0.0 and so does ceil; with
    ``positive_zero`` (the default) a last pass turns -0.0 into +0.0, which a
    caller that multiplies the step by a gradient next can skip.

    Examples
    --------
    >>> import numpy as np
    >>> from activations.numerics import step
    >>> step(np.array([-2.0, -0.0, 0.0, 1e-300, 3.0, np.inf, np.nan]))
    array([ 0.,  0.,  0.,  1.,  1.,  1., nan])
    """
    zero = _ZERO[x.dtype]
    result: Array = clip(x, zero, _ONE[x.dtype], out=out)
    np.ceil(result, out=result)
    if positive_zero:
        np.add(result, zero, out=result)  # -0.0 + 0.0 = +0.0
    return result


def indicator(
    x: Array, mask: Mask, value: float, out: Array | None = None, *, numbers: Mask | None = None
) -> Array:
    """``value`` where ``mask``, +0.0 elsewhere, NaN where ``x`` is NaN; in ``out`` if given.

    ``numbers``, if given, is True exactly where x is not NaN (the caller
    often has it from its comparisons for free); otherwise ``np.isnan`` finds
    the NaNs. ``mask`` may be anything where x is NaN.

    Examples
    --------
    >>> import numpy as np
    >>> from activations.numerics import indicator
    >>> x = np.array([-1.0, 0.0, 2.0, np.nan])
    >>> indicator(x, x > 0, 0.5)
    array([0. , 0. , 0.5, nan])
    """
    if out is None:
        result = mask.astype(x.dtype)
    else:
        np.copyto(out, mask)
        result = out
    if value != 1:
        np.multiply(result, x.dtype.type(value), out=result)
    if numbers is None:
        if has_nan(x):
            np.copyto(result, x, where=np.isnan(x))
    elif not numbers.all():
        np.copyto(result, x, where=~numbers)
    return result


def window(x: Array, low: float, high: float, value: float, out: Array | None = None) -> Array:
    """``value`` on the open interval (low, high), +0.0 at both ends and outside, NaN for NaN.

    Examples
    --------
    >>> import numpy as np
    >>> from activations.numerics import window
    >>> window(np.array([-3.0, -1.0, 0.0, 1.0, np.nan]), -1, 1, 1)
    array([ 0.,  0.,  1.,  0., nan])
    """
    kind = x.dtype.type
    low, high = kind(low), kind(high)
    above = np.greater(x, low)
    below = np.less(x, high)
    inside = above & below
    if not low < high:  # equal in this dtype: the interval is empty, and x == low is neither
        return indicator(x, inside, value, out)
    above |= below  # every number is above low or below high: NaN is neither
    return indicator(x, inside, value, out, numbers=above)


#: sigmoid(x) rounds to 1 above 37 in float64 (17 in float32); exp(64) is finite in both dtypes.
_SATURATED = 64.0
#: Below this, exp underflows to 0 in every dtype (float64's last subnormal is at -745).
_UNDERFLOW = -1000.0


def sigmoid(x: Array, *, scale: float = 1.0, grad: Array | None = None, out: Array | None = None) -> Array:
    """sigmoid(scale * x), times ``grad`` if given, in ``out`` if given: E / (1 + E), E = exp(scale * x).

    scale * x is clipped to [-1000, 64] first, so E cannot overflow and is 0
    where sigmoid underflows anyway: below 0, E is the left tail itself,
    subnormals included, so nothing cancels and no branch or mask is needed.
    NaN stays NaN. Four array passes (five with a scale, one more with
    ``grad``). ``out`` may be ``x`` itself.

    Examples
    --------
    >>> import numpy as np
    >>> from activations.numerics import sigmoid
    >>> sigmoid(np.array([-800.0, 0.0, 800.0, np.nan]))
    array([0. , 0.5, 1. , nan])
    >>> float(sigmoid(np.array([-40.0]))[0])  # the left tail is kept: 1 - sigmoid(40) cancels to 0
    4.248354255291589e-18
    >>> sigmoid(np.array([1.0]), scale=-2.0, grad=np.array([10.0]))  # 10 sigmoid(-2)
    array([1.19202922])
    """
    cap = float(np.finfo(x.dtype).max)
    lo, hi = sorted(min(max(bound / scale, -cap), cap) for bound in (_UNDERFLOW, _SATURATED))
    e = clip(x, lo, hi, out=out)
    if scale != 1:
        np.multiply(e, scale, out=e)
    np.exp(e, out=e)
    denominator = np.add(e, 1.0)
    if grad is not None:
        np.multiply(e, grad, out=e)
    result: Array = np.divide(e, denominator, out=e)
    return result


def weighted_sum(grad: Array, values: Array) -> Any:
    """The sum of ``grad * values``, where an element with ``grad == 0`` adds 0 even if its value is infinite.

    The gradient of a learnable parameter theta is the sum over all elements
    of ``grad_output * df/dtheta``; at x = -inf, say, df/dtheta can be
    infinite, and an element that the loss does not depend on (``grad_output
    == 0``) must not turn the sum into NaN. NaN in either operand stays NaN;
    a sum that overflows is the infinity it truly is, without a warning.
    Returns a NumPy scalar, or a 0-d array of the inputs' library (CuPy).

    Examples
    --------
    >>> import numpy as np
    >>> from activations.numerics import weighted_sum
    >>> weighted_sum(np.array([1.0, 0.0, 2.0]), np.array([-1.0, -np.inf, 3.0]))
    np.float64(5.0)
    >>> weighted_sum(np.array([1.0, 1.0]), np.array([-np.inf, 3.0]))
    np.float64(-inf)
    """
    with np.errstate(invalid="ignore"):  # 0 * inf: set to 0 below
        products = np.multiply(grad, values)
    if has_nan(products):
        np.copyto(products, 0.0, where=(grad == 0) & np.isinf(values))
    with np.errstate(over="ignore"):  # the sum overflows only where the gradient truly does
        return np.sum(products)
