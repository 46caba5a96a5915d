"""Helpers shared by the piecewise-linear families (``rectifier``, ``hard``, ``shrink``).

Not a plugin: it registers nothing and is not listed in `DEFAULT_PLUGINS`.
Their derivatives are step functions, so they all reduce to "this value
where a condition on x holds, 0 elsewhere, NaN where x is NaN".
`np.heaviside` would do that in one call but is not vectorised (20 to 130
times slower than a copy with NumPy 2.4), and a ``np.copyto(where=...)``
with a mask that follows the data is 10 to 60 times slower than a copy.
Comparisons and a cast of the mask cost about two copies; the NaNs, usually
absent, are then copied in only where there are some. A step at 0 is cheaper
still as ``ceil(clip(x, 0, 1))``: two vectorised passes that keep NaN.

`clip` is NumPy's clip ufunc itself. ``np.clip`` is a Python function around
it that adds about 1.5 us a call, and ``np.maximum(x, 0)`` with a scalar has
no SIMD loop in NumPy 2.4 (at 1e5 float32 elements it is 3 times slower than
the clip ufunc with an infinite upper bound).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["ONE", "ZERO", "clip", "has_nan", "indicator", "step", "window"]

Array = NDArray[Any]
Mask = NDArray[np.bool_]

# 0 and 1 as scalars of each dtype, made once: np.float32(0) takes about 0.25 us a call.
ZERO = {np.dtype(np.float32): np.float32(0), np.dtype(np.float64): np.float64(0)}
ONE = {np.dtype(np.float32): np.float32(1), np.dtype(np.float64): np.float64(1)}


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


#: ``clip(x, low, high, out=None)``: min(max(x, low), high), NaN for NaN; low and high scalars of x's dtype.
clip: Callable[..., Any] = _clip_ufunc()


def has_nan(x: Array) -> bool:
    """Whether x holds a NaN: one reduction that propagates NaN, reading x once and allocating nothing.

    Cheaper than ``np.isnan(x).any()``, which writes a boolean array first.

    Examples
    --------
    >>> import numpy as np
    >>> from activations.plugins._piecewise import has_nan
    >>> has_nan(np.array([1.0, np.inf])), has_nan(np.array([1.0, np.nan])), has_nan(np.array([]))
    (False, True, False)
    """
    return bool(x.size) and bool(np.isnan(np.minimum.reduce(x, axis=None)))


def step(x: Array, out: Array | None, *, positive_zero: bool = True) -> Array:
    """1 where x > 0, 0 at and below 0, NaN where x is NaN; in ``out`` if given.

    ``ceil(clip(x, 0, 1))``. clip keeps the sign of -0.0 and so does ceil; with
    ``positive_zero`` (the default) a last pass turns -0.0 into +0.0, which a
    caller that multiplies the step by a gradient next can skip.

    Examples
    --------
    >>> import numpy as np
    >>> from activations.plugins._piecewise import step
    >>> step(np.array([-2.0, -0.0, 0.0, 1e-300, 3.0, np.inf, np.nan]), None)
    array([ 0.,  0.,  0.,  1.,  1.,  1., nan])
    """
    zero = ZERO[x.dtype]
    result: Array = clip(x, zero, ONE[x.dtype], out=out)
    np.ceil(result, out=result)
    if positive_zero:
        np.add(result, zero, out=result)  # -0.0 + 0.0 = +0.0
    return result


def indicator(x: Array, mask: Mask, value: float, out: Array | None, *, numbers: Mask | None = None) -> Array:
    """``value`` where ``mask``, +0.0 elsewhere, NaN where ``x`` is NaN; in ``out`` if given.

    ``numbers``, if given, is True exactly where x is not NaN (the caller
    often has it from its comparisons for free); otherwise `np.isnan` finds
    the NaNs. ``mask`` may be anything where x is NaN.

    Examples
    --------
    >>> import numpy as np
    >>> from activations.plugins._piecewise import indicator
    >>> x = np.array([-1.0, 0.0, 2.0, np.nan])
    >>> indicator(x, x > 0, 0.5, None)
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


def window(x: Array, low: float, high: float, value: float, out: Array | None) -> Array:
    """``value`` on the open interval (low, high), +0.0 at both ends and outside, NaN for NaN.

    Examples
    --------
    >>> import numpy as np
    >>> from activations.plugins._piecewise import window
    >>> window(np.array([-3.0, -1.0, 0.0, 1.0, np.nan]), -1, 1, 1, None)
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
