"""The exact GELU's numerics: Phi(x) to about an ulp, and the float32 path's rational gate.

Not a plugin: `activations.plugins.gated` uses it for ``gelu`` (the exact
form); it registers nothing and is not listed in `DEFAULT_PLUGINS`.

* float64: x Phi(x) with ``scipy.special.ndtr``, recomputed from a Taylor
  table of erfc on [-6, -0.35], where ndtr is off by up to 9 ulp, and from
  ``erfcx`` below -37; SciPy is imported on first use;
* float32: relu(x) - a exp(-a^2/2) G(a), a = |x|, with G(a) = Phi(-a)
  exp(a^2/2) a rational function P/Q fitted by `_fit_gelu_gate` (relative
  error 6.3e-9, 0.1 float32 ulp), a^2 exact in float64, rounded once.
"""

from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

from activations.numerics import clip

__all__ = ["gelu32", "gelu32_prime", "gelu64", "gelu64_prime"]

Array = NDArray[Any]

_F32 = np.dtype(np.float32)
_F64 = np.dtype(np.float64)

#: G(a) = Phi(-a) exp(a^2/2) ~ P(a) / Q(a) on [0, _GATE_CLIP], relative error 6.3e-9 (`_fit_gelu_gate`).
_GATE_P = (48.02789668347052, 42.195834571494906, 17.671390474458523, 3.9268999272121277, 0.3989465592503132)
_GATE_Q = (96.05579276158932, 161.03314603240835, 115.80025958276487, 45.281771826504965, 9.843865889850841)
#: Around the root of GELU' (-0.75179), where float32's GELU' comes from the float64 path.
_GELU_ROOT = (-0.765, -0.74)
_GATE_CLIP = 15.0  # |GELU(-15)|, |GELU'(-15)| < 2^-160: they round to -0 in float32
_INV_SQRT_2PI = 0.3989422804014327
_SQRT_PI_OVER_2 = 1.2533141373155003
_INV_SQRT2 = 0.7071067811865476
_INV_SQRT2_LOW = -4.833646656726457e-17  # 1/sqrt(2) - _INV_SQRT2
_INV_SQRT2_HEAD = 0.7071067839860916  # _INV_SQRT2 = _INV_SQRT2_HEAD + _INV_SQRT2_TAIL, 26 bits each
_INV_SQRT2_TAIL = -2.7995440410322203e-09
_SPLITTER = 134217729.0  # 2^27 + 1, Veltkamp's constant
_TWO_OVER_SQRT_PI = "1.128379167095512573896158903121545171688101258657997714"
# erfc is expanded in Taylor series about z0 = 0.25 + k / 64 for z in [0.25, 4.25] (x in [-6, -0.35]),
# where scipy's erfc is off by up to 9 ulp; elsewhere it is accurate, or its error is that of rounding x.
_ANCHOR_LOW = 0.25
_ANCHOR_STEP = 64
_ANCHORS = 257
_TERMS = 10
_GELU_TAIL = -37.0  # below, Phi(x) and phi(x) are subnormal or nearly so in float64
_GELU_CLIP = 40.0  # GELU(-40) and GELU'(-40) round to -0, GELU'(40) to 1, in float64


@functools.cache
def _erfc_taylor() -> tuple[Array, Array, Array]:
    """erfc(z0) as a sum of two floats, and its Taylor coefficients, at the anchors z0.

    Computed once, in 60-digit decimal arithmetic (erf's power series), so that
    the anchors are exact to well below an ulp; the coefficients
    erfc^(n)(z0) / n! = (2/sqrt(pi)) exp(-z0^2) (-1)^n H_{n-1}(z0) / n! (Hermite
    polynomials) only need float64, since h = z - z0 is at most 1/128.
    """
    from decimal import Decimal, localcontext

    high = np.empty(_ANCHORS)
    low = np.empty(_ANCHORS)
    coefficients = np.empty((_TERMS, _ANCHORS))
    with localcontext() as ctx:
        ctx.prec = 60
        scale = Decimal(_TWO_OVER_SQRT_PI)
        for k in range(_ANCHORS):
            z = Decimal(_ANCHOR_LOW) + Decimal(k) / _ANCHOR_STEP
            z2 = z * z
            term = total = z
            n = 0
            while abs(term) > Decimal("1e-58"):
                n += 1
                term = -term * z2 / n
                total += term / (2 * n + 1)
            erfc = 1 - scale * total
            high[k] = float(erfc)
            low[k] = float(erfc - Decimal(high[k]))
            weight = float(scale * (-z2).exp())
            zf = float(z)
            hermite = (1.0, 2.0 * zf)  # H_{n-1}, H_n
            factorial = 1.0
            for n in range(1, _TERMS + 1):
                factorial *= n
                coefficients[n - 1, k] = weight * (-1) ** n * hermite[0] / factorial
                hermite = (hermite[1], 2.0 * zf * hermite[1] - 2.0 * n * hermite[0])
    return high, low, coefficients


def _normal_cdf(x: Array, out: Array | None) -> Array:
    """Phi(x) = erfc(-x/sqrt2)/2 to about an ulp: ``ndtr``, with its worst range redone.

    For -x/sqrt2 in [0.25, 4.25], erfc(z) is summed from the Taylor series
    about the nearest anchor, with z = -x/sqrt2 carried to twice the working
    precision (Dekker's product), so the rounding of z costs nothing either.
    """
    from scipy.special import ndtr

    result = ndtr(x, out=out)
    z = np.multiply(x, -_INV_SQRT2)
    index = clip(z, -1.0, 8.0)  # keeps the index finite for huge |x|
    index -= _ANCHOR_LOW
    index *= _ANCHOR_STEP
    np.rint(index, out=index)
    inside = (index >= 0) & (index < _ANCHORS)  # False for NaN
    if not inside.any():
        return result
    high, low, coefficients = _erfc_taylor()
    if type(x) is not np.ndarray:  # a GPU array: the tables go to its device (NEP 35's like=)
        high, low, coefficients = (np.asarray(table, like=x) for table in (high, low, coefficients))
    k = index[inside].astype(np.intp)
    t = x[inside]
    zk = z[inside]
    # -t/sqrt2 = zk + dz exactly (to 2^-100): dz from the rounding error of t * _INV_SQRT2
    split = t * _SPLITTER
    t_head = split - (split - t)
    t_tail = t - t_head
    product = t * _INV_SQRT2
    error = ((t_head * _INV_SQRT2_HEAD - product) + t_head * _INV_SQRT2_TAIL + t_tail * _INV_SQRT2_HEAD) + (
        t_tail * _INV_SQRT2_TAIL
    )
    h = (zk - (k / _ANCHOR_STEP + _ANCHOR_LOW)) - (error + t * _INV_SQRT2_LOW)  # zk - z0 is exact
    series = coefficients[_TERMS - 1, k]
    for n in range(_TERMS - 2, -1, -1):
        series = series * h + coefficients[n, k]
    result[inside] = 0.5 * (high[k] + (low[k] + series * h))
    return result


def gelu64(x: Array, out: Array | None) -> Array:
    """float64 GELU: x Phi(x), Phi from `_normal_cdf`; below -37 from ``erfcx``, to the last subnormal.

    Examples
    --------
    >>> import numpy as np
    >>> from activations.plugins._normal import gelu64
    >>> gelu64(np.array([-1.0, 0.0, 1.0]), None)
    array([-0.15865525,  0.        ,  0.84134475])
    """
    from scipy.special import erfcx

    m = np.maximum(x, -_GELU_CLIP)  # GELU(-40) rounds to -0; -inf * 0 would be NaN
    result = _normal_cdf(m, out)
    np.multiply(result, m, out=result)
    tail = m < _GELU_TAIL
    if tail.any():  # Phi(x) subnormal: x Phi(x) = x erfcx(-x/sqrt2)/2 * exp(-x^2/4)^2, rounded once
        t = m[tail]
        half = np.exp(-0.25 * t * t)
        result[tail] = 0.5 * t * erfcx(-_INV_SQRT2 * t) * half * half
    return result


def gelu64_prime(x: Array, out: Array | None) -> Array:
    """float64 GELU': Phi(x) + x phi(x); below -37 as phi(x) (x + Mills ratio), from ``erfcx``.

    Examples
    --------
    >>> import numpy as np
    >>> from activations.plugins._normal import gelu64_prime
    >>> gelu64_prime(np.array([-1.0, 0.0, 1.0]), None)
    array([-0.08331547,  0.5       ,  1.08331547])
    """
    from scipy.special import erfcx

    c = clip(x, -_GELU_CLIP, _GELU_CLIP)  # f'(+-40) rounds to 1 and -0; inf * 0 would be NaN
    density = np.multiply(c, c)
    np.multiply(density, -0.5, out=density)
    np.exp(density, out=density)
    np.multiply(density, _INV_SQRT_2PI, out=density)  # phi(x)
    np.multiply(density, c, out=density)
    result = _normal_cdf(c, out)
    np.add(result, density, out=result)
    tail = c < _GELU_TAIL
    if tail.any():  # phi(x) (x + Phi(x)/phi(x)), with the Mills ratio from erfcx, rounded once
        t = c[tail]
        half = np.exp(-0.25 * t * t)
        mills = _SQRT_PI_OVER_2 * erfcx(-_INV_SQRT2 * t)
        result[tail] = (t + mills) * _INV_SQRT_2PI * half * half
    return result


def _gate_ratio(a: Array) -> Array:
    """G(a) = P(a) / Q(a) in float64 (Horner; Q monic, every coefficient positive, so nothing cancels)."""
    p = np.multiply(a, _GATE_P[4])
    p += _GATE_P[3]
    q = np.add(a, _GATE_Q[4])
    for cp, cq in zip(_GATE_P[2::-1], _GATE_Q[3::-1], strict=False):
        p *= a
        p += cp
        q *= a
        q += cq
    q *= a
    q += _GATE_Q[0]
    p /= q
    return p


def gelu32(x: Array, out: Array | None) -> Array:
    """float32 GELU: relu(x) - a Phi(-a), a = |x|, with Phi(-a) = exp(-a^2/2) G(a), in float64, rounded once.

    Branch-free: for x > 0, x Phi(x) = x - x Phi(-x); for x < 0, x Phi(x) = -a Phi(-a).

    Examples
    --------
    >>> import numpy as np
    >>> from activations.plugins._normal import gelu32
    >>> gelu32(np.array([-1.0, 0.0, 1.0], np.float32), None)
    array([-0.15865526,  0.        ,  0.8413448 ], dtype=float32)
    """
    a = np.abs(x, dtype=_F64)
    clip(a, 0.0, _GATE_CLIP, out=a)  # +-inf give the limits; NaN stays NaN
    e = np.multiply(a, a)
    e *= -0.5
    np.exp(e, out=e)
    g = _gate_ratio(a)
    g *= a
    g *= e
    result = x.astype(_F64)
    clip(result, 0.0, np.inf, out=result)  # relu(x), inf kept (clip's dtype= is NumPy's only)
    result -= g
    if out is None:
        return result.astype(_F32)
    np.copyto(out, result, casting="same_kind")
    return out


def gelu32_prime(x: Array, out: Array | None) -> Array:
    """GELU' for float32: h for x < 0, 1 - h for x > 0, h = Phi(-a) - a phi(a) = exp(-a^2/2) (G(a) - a c).

    With c = 1/sqrt(2 pi), selected without a branch as h + [x > 0] (1 - 2h);
    in float64, rounded once. Around the root of f' (x = -0.7518), where G's
    error is not small next to f', the few elements are redone by the float64
    path.

    Examples
    --------
    >>> import numpy as np
    >>> from activations.plugins._normal import gelu32_prime
    >>> gelu32_prime(np.array([-1.0, 0.0, 1.0], np.float32), None)
    array([-0.08331547,  0.5       ,  1.0833155 ], dtype=float32)
    """
    a = np.abs(x, dtype=_F64)
    clip(a, 0.0, _GATE_CLIP, out=a)
    e = np.multiply(a, a)
    e *= -0.5
    np.exp(e, out=e)
    h = _gate_ratio(a)
    a *= _INV_SQRT_2PI
    h -= a
    h *= e
    step = np.greater(x, 0.0, out=a)  # 1.0 or 0.0 (and 0.0 for NaN, where h is NaN)
    e = np.multiply(h, -2.0, out=e)
    e += 1.0
    e *= step
    e += h
    near = (x > _GELU_ROOT[0]) & (x < _GELU_ROOT[1])
    if near.any():  # G's 6e-9 is not small next to f' there: the float64 evaluation, for few elements
        e[near] = gelu64_prime(x[near].astype(_F64), None)
    if out is None:
        return e.astype(_F32)
    np.copyto(out, e, casting="same_kind")
    return out


def _fit_gelu_gate(m: int = 4, k: int = 5, nodes: int = 2000, rounds: int = 60) -> tuple[Array, Array, float]:
    """Fit ``_GATE_P`` / ``_GATE_Q``: G(a) = Phi(-a) exp(a^2/2) ~ P(a) / Q(a) on [0, 15], Q monic.

    Not used at run time: it documents, and the tests re-run, how the constants
    were obtained. G is evaluated with mpmath at 30 digits at Chebyshev nodes;
    the linearised problem P - G Q = 0 is solved by weighted least squares
    (Sanathanan-Koerner: weights 1 / |G Q_previous|) with Lawson's reweighting
    |residual|^(1/2) towards the minimax relative error, in the variable
    s = a / 15, then rescaled to a. Returns (P, Q without its leading 1,
    max relative error at the nodes).
    """
    import mpmath

    mpmath.mp.dps = 30
    s = 0.5 + 0.5 * np.cos(np.pi * (np.arange(nodes) + 0.5) / nodes)
    a = [mpmath.mpf(v) for v in _GATE_CLIP * s]
    y = np.array([float(mpmath.erfc(v / mpmath.sqrt(2)) / 2 * mpmath.exp(v * v / 2)) for v in a])
    vp, vq = np.vander(s, m + 1, increasing=True), np.vander(s, k + 1, increasing=True)
    q, weight = np.ones(nodes), np.ones(nodes)
    best: tuple[float, Array, Array] = (math.inf, vp[0], vq[0])
    for round_ in range(rounds):
        matrix = np.hstack([vp, -(y[:, None] * vq[:, :k])])
        w = weight / np.abs(y * q)
        c = np.linalg.lstsq(matrix * w[:, None], y * vq[:, k] * w, rcond=None)[0]
        qc = np.append(c[m + 1 :], 1.0)
        q = vq @ qc
        residual = (vp @ c[: m + 1] / q - y) / y
        if (worst := float(np.abs(residual).max())) < best[0]:
            best = (worst, c[: m + 1], qc)
        if round_ > 3:
            weight = weight * np.sqrt(np.abs(residual))
            weight = np.maximum(weight / weight.max(), 1e-12)
    worst, pc, qc = best
    pa, qa = pc / _GATE_CLIP ** np.arange(m + 1), qc / _GATE_CLIP ** np.arange(k + 1)
    return pa / qa[-1], qa[:-1] / qa[-1], worst
