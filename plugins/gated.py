"""The self-gated activations x * g(x): GELU (three forms), SiLU/Swish and Mish.

Each is a product of x and a gate that decays like exp(z) on the left, so the
naive forms lose the left tail twice: the gate underflows to 0 (or becomes
subnormal and loses its digits) while x * gate is still a normal number, and
``-inf * 0`` is NaN. Here:

* everything is computed in float64 (float32 input is rounded once at the
  end, which keeps it within half an ulp plus a little);
* the gate is computed without overflow from e = exp(-|z|) (sigmoid), or as
  Phi(x) with ``scipy.special.ndtr`` (GELU), recomputed from a Taylor table of
  erfc on [-6, -0.35], where ndtr is off by up to 9 ulp;
* where exp(z) would be subnormal, the product is taken as
  (x * exp(z/2)) * exp(z/2), so it rounds only once;
* x is clipped where the result is already 0 (or the gate is 1), so that
  infinities give the limits without ``inf * 0``;
* derivatives are written as gate * (1 + slope * gate(-z)), which does not
  cancel in the tails (only near the minimum of f, where the rounding of x
  dominates anyway).

SciPy is imported on first use of the exact GELU, not when the module loads.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

import activations
from activations import BaseActivation, Properties

Array = NDArray[Any]

_F64 = np.dtype(np.float64)
#: Below this z, exp(z) may be subnormal in float64: the tail is recomputed as (m * exp(z/2)) * exp(z/2).
_TAIL = -700.0
#: |z| beyond which exp(-|z|/2) is 0 in float64: clipping z there changes no result.
_CLIP = 1500.0

_SQRT_2_OVER_PI_X2 = 1.5957691216057308  # 2 sqrt(2/pi)
_TANH_CUBIC = 0.07135481627260025  # 2 sqrt(2/pi) * 0.044715
_TANH_CUBIC_X3 = 0.21406444881780073  # 3 * 2 sqrt(2/pi) * 0.044715
_SIGMOID_GELU = 1.702
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

# The minima of f, found with mpmath at 50 digits.
_MIN_GELU = {"none": -0.16997120747990366, "tanh": -0.17004075057125406, "sigmoid": -0.16361018963635357}
_MIN_SILU = -0.2784645427610738  # at x = -1.2784645427610738 (beta = 1)
_MIN_MISH = -0.30884341301725043  # at x = -1.1924312145154952


def _in_float64(compute: Callable[[Array, Array | None], Array], x: Array, out: Array | None) -> Array:
    """``compute(x, out)`` in float64; a float32 result is rounded once into ``out``."""
    if x.dtype == _F64:
        return compute(x, out)
    result = compute(x.astype(_F64), None)
    if out is None:
        return result.astype(x.dtype)
    np.copyto(out, result, casting="same_kind")
    return out


def _exp_neg_abs(z: Array) -> Array:
    """exp(-|z|), a new array in (0, 1]; NaN for NaN."""
    e = np.abs(z)
    np.negative(e, out=e)
    return np.exp(e, out=e)


def _fix_tail(result: Array, z: Array, factor: Array, offset: float = 0.0) -> None:
    """Where z < _TAIL, set result = (factor + offset) exp(z), rounded once: exp(z) would be subnormal."""
    tail = z < _TAIL
    if tail.any():
        half = np.exp(np.multiply(z[tail], 0.5))
        result[tail] = (factor[tail] + offset) * half * half


def _times_sigmoid(m: Array, z: Array, out: Array | None) -> Array:
    """Return m * sigmoid(z) in float64; z finite or NaN."""
    e = _exp_neg_abs(z)
    result = np.maximum(e, z >= 0, out=out)  # sigmoid's numerator: 1 for z >= 0, e below; NaN stays
    np.multiply(result, m, out=result)
    np.add(e, 1.0, out=e)
    np.divide(result, e, out=result)
    _fix_tail(result, z, m)
    return result


def _sigmoid_gate_slope(z: Array, k: Array, out: Array | None) -> Array:
    """sigmoid(z) * (1 + k * sigmoid(-z)) in float64: d/dx [x sigmoid(z(x))] with k = x z'(x)."""
    e = _exp_neg_abs(z)
    denominator = np.add(e, 1.0)
    gate_neg = np.maximum(e, z <= 0)  # sigmoid(-z), no cancellation for large z
    np.divide(gate_neg, denominator, out=gate_neg)
    np.multiply(gate_neg, k, out=gate_neg)
    np.add(gate_neg, 1.0, out=gate_neg)
    result = np.maximum(e, z >= 0, out=out)
    np.divide(result, denominator, out=result)
    np.multiply(result, gate_neg, out=result)
    _fix_tail(result, z, k, 1.0)  # sigmoid(-z) = 1 there
    return result


class GELU(BaseActivation):
    r"""Gaussian error linear unit: x Phi(x), or its tanh or sigmoid approximation.

    .. math:: f(x) = x\,\Phi(x) = \tfrac{1}{2} x \operatorname{erfc}(-x/\sqrt{2}),
              \qquad f'(x) = \Phi(x) + x\,\varphi(x)

    ``approximate`` selects the form ("none" and "tanh" are PyTorch's names):

    * ``"none"`` (default): the exact form above;
    * ``"tanh"``: :math:`\tfrac12 x\,(1 + \tanh u)`, :math:`u = \sqrt{2/\pi}\,(x + 0.044715 x^3)`,
      computed as :math:`x\,\sigma(2u)` (the same function: :math:`1 + \tanh u = 2\sigma(2u)`,
      which does not cancel for u very negative), with
      :math:`f'(x) = \sigma(2u)\,(1 + 2 x u'(x)\,\sigma(-2u))`;
    * ``"sigmoid"``: :math:`x\,\sigma(1.702 x)` (the cruder approximation of
      Hendrycks and Gimpel; no framework option), with the derivative of SiLU.

    PyTorch, Keras and TensorFlow default to the exact form; **JAX's
    ``jax.nn.gelu`` defaults to approximate=True, i.e. "tanh"**, which
    differs from the exact form by up to 4.7e-4 (at x = +-2.70). Smooth, not
    monotonic (minimum -0.16997 at x = -0.75179), zero-centred, saturating on
    the left; no kink.

    The exact form is :math:`x\,\Phi(x)` in float64, with :math:`\Phi` from
    ``scipy.special.ndtr`` except on [-6, -0.35], where a Taylor table of erfc
    (built once, in decimal arithmetic) replaces it, and
    :math:`\tfrac12 x \operatorname{erfcx}(-x/\sqrt2)\,e^{-x^2/2}` below -37, so the
    left tail is kept to the last subnormal: GELU(-7) = -8.96e-12 in float32,
    where PyTorch and TensorFlow (``0.5 x (1 + erf(x/sqrt 2))``) return 0 for
    every x <= -6; likewise the tanh form, whose 1 + tanh(u) cancels in
    those frameworks. Derivatives are accurate in the tails too; near the
    root of f' at -0.7518 the error is that of rounding x.

    Examples
    --------
    >>> import numpy as np
    >>> import activations
    >>> gelu = activations.get("gelu")
    >>> gelu([-1.0, 0.0, 1.0])
    array([-0.15865525,  0.        ,  0.84134475])
    >>> print(f"{gelu(np.float32(-7.0)):.4g}")
    -8.959e-12
    >>> print(f"{activations.get('gelu', approximate='tanh')(np.float32(-7.0)):.4g}")
    -2.315e-15
    """

    name = "gelu"
    formula = "f(x) = x Phi(x) = x erfc(-x / sqrt 2) / 2; f'(x) = Phi(x) + x phi(x)"

    def __init__(self, *, approximate: str = "none") -> None:
        if approximate not in _MIN_GELU:
            raise ValueError(f"approximate must be 'none', 'tanh' or 'sigmoid', got {approximate!r}")
        self.approximate = approximate

    @property
    def properties(self) -> Properties:  # type: ignore[override]  # the minimum depends on the form
        return Properties(
            output_range=(_MIN_GELU[self.approximate], math.inf),
            monotonic=False,
            zero_centered=True,
            sparse=False,
            smoothness=math.inf,
            saturating="lower",
        )

    def forward(self, x: Array, /, *, out: Array | None = None) -> Array:
        compute = {"none": _gelu, "tanh": _gelu_tanh, "sigmoid": _gelu_sigmoid}[self.approximate]
        return _in_float64(compute, x, out)

    def derivative(self, x: Array, /, *, out: Array | None = None) -> Array:
        compute = {"none": _gelu_prime, "tanh": _gelu_tanh_prime, "sigmoid": _gelu_sigmoid_prime}
        return _in_float64(compute[self.approximate], x, out)


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
    index = np.clip(z, -1.0, 8.0)  # keeps the index finite for huge |x|
    index -= _ANCHOR_LOW
    index *= _ANCHOR_STEP
    np.rint(index, out=index)
    inside = (index >= 0) & (index < _ANCHORS)  # False for NaN
    if not inside.any():
        return result
    high, low, coefficients = _erfc_taylor()
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


def _gelu(x: Array, out: Array | None) -> Array:
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


def _gelu_prime(x: Array, out: Array | None) -> Array:
    from scipy.special import erfcx

    c = np.clip(x, -_GELU_CLIP, _GELU_CLIP)  # f'(+-40) rounds to 1 and -0; inf * 0 would be NaN
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


def _tanh_argument(x: Array) -> tuple[Array, Array]:
    """(x clipped to [-30, 30], 2u = 2 sqrt(2/pi) (x + 0.044715 x^3) of it)."""
    c = np.clip(x, -30.0, 30.0)  # 2u(30) = 1974: the gate is exactly 0 or 1 beyond
    z = np.multiply(c, c)
    np.multiply(z, _TANH_CUBIC, out=z)
    np.add(z, _SQRT_2_OVER_PI_X2, out=z)
    np.multiply(z, c, out=z)
    return c, z


def _gelu_tanh(x: Array, out: Array | None) -> Array:
    _, z = _tanh_argument(x)
    return _times_sigmoid(np.maximum(x, -30.0), z, out)


def _gelu_tanh_prime(x: Array, out: Array | None) -> Array:
    c, z = _tanh_argument(x)
    k = np.multiply(c, c)  # k = x * (2u)'(x) = x (2 sqrt(2/pi)) (1 + 3 * 0.044715 x^2)
    np.multiply(k, _TANH_CUBIC_X3, out=k)
    np.add(k, _SQRT_2_OVER_PI_X2, out=k)
    np.multiply(k, c, out=k)
    return _sigmoid_gate_slope(z, k, out)


def _swish(x: Array, beta: float, out: Array | None) -> Array:
    bound = _CLIP / beta
    m = np.maximum(x, -bound)  # the product is -0 from there on; -inf * 0 would be NaN
    z = np.minimum(m, bound)  # beta * x stays finite
    if beta != 1:
        np.multiply(z, beta, out=z)
    return _times_sigmoid(m, z, out)


def _swish_prime(x: Array, beta: float, out: Array | None) -> Array:
    bound = _CLIP / beta
    z = np.clip(x, -bound, bound)
    if beta != 1:
        np.multiply(z, beta, out=z)
    return _sigmoid_gate_slope(z, z, out)


def _gelu_sigmoid(x: Array, out: Array | None) -> Array:
    return _swish(x, _SIGMOID_GELU, out)


def _gelu_sigmoid_prime(x: Array, out: Array | None) -> Array:
    return _swish_prime(x, _SIGMOID_GELU, out)


class SiLU(BaseActivation):
    r"""Sigmoid linear unit (Swish): x * sigmoid(beta x).

    .. math:: f(x) = x\,\sigma(\beta x), \qquad
              f'(x) = \sigma(\beta x)\,\bigl(1 + \beta x\,\sigma(-\beta x)\bigr)

    ``beta`` defaults to 1.0 and must be positive; PyTorch, JAX and Keras
    have no beta (beta = 1), TensorFlow's ``tf.nn.silu`` has ``beta=1.0``. Smooth,
    not monotonic (minimum -0.27846 / beta at x = -1.27846 / beta),
    zero-centred, saturating on the left; no kink.

    The left tail is kept: SiLU(-89) = -1.98e-37 in float32 (the naive
    x / (1 + exp(-x)) gives -0.0 below -88.7), SiLU(-inf) = 0 (NaN in PyTorch
    and JAX), and the derivative uses :math:`\sigma(-\beta x)` for
    :math:`1 - \sigma(\beta x)`, which cancels.

    Examples
    --------
    >>> import numpy as np
    >>> import activations
    >>> silu = activations.get("swish")
    >>> silu([-np.inf, -1.0, 0.0, 1.0])
    array([-0.        , -0.26894142,  0.        ,  0.73105858])
    >>> print(f"{silu(np.float32(-89.0)):.4g}")
    -1.982e-37
    >>> print(f"{silu.derivative(-40.0):.4g}")
    -1.657e-16
    """

    name = "silu"
    formula = "f(x) = x sigmoid(beta x); f'(x) = sigmoid(beta x) (1 + beta x sigmoid(-beta x))"

    def __init__(self, *, beta: float = 1.0) -> None:
        if not (math.isfinite(beta) and beta > 0):
            raise ValueError(f"beta must be positive and finite, got {beta!r}")
        self.beta = beta

    @property
    def properties(self) -> Properties:  # type: ignore[override]  # the minimum scales with 1 / beta
        return Properties(
            output_range=(_MIN_SILU / self.beta, math.inf),
            monotonic=False,
            zero_centered=True,
            sparse=False,
            smoothness=math.inf,
            saturating="lower",
        )

    def forward(self, x: Array, /, *, out: Array | None = None) -> Array:
        return _in_float64(lambda v, o: _swish(v, self.beta, o), x, out)

    def derivative(self, x: Array, /, *, out: Array | None = None) -> Array:
        return _in_float64(lambda v, o: _swish_prime(v, self.beta, o), x, out)


def _mish_terms(x: Array) -> tuple[Array, Array, Array, Array, Array]:
    """(e, a, b, n, den) with tanh(softplus(x)) = n / den and 1 - tanh(softplus(x)) = 2 b^2 / den.

    With e = exp(-|x|), a = 1, b = e for x > 0 and a = e, b = 1 otherwise:
    n = a (a + 2b), den = n + 2 b^2, i.e. u (u + 2) / (u^2 + 2u + 2) with u = e^x,
    rewritten so that nothing overflows.
    """
    e = _exp_neg_abs(x)
    a = np.maximum(e, x > 0)  # NaN stays NaN
    b = np.maximum(e, x <= 0)
    n = np.multiply(b, 2.0)
    np.add(n, a, out=n)
    np.multiply(n, a, out=n)
    den = np.multiply(b, b)
    np.multiply(den, 2.0, out=den)
    np.add(den, n, out=den)
    return e, a, b, n, den


def _mish(x: Array, out: Array | None) -> Array:
    m = np.maximum(x, -_CLIP)  # mish(-1500) rounds to -0; -inf * 0 would be NaN
    _, _, _, n, den = _mish_terms(m)
    result = np.multiply(n, m, out=out)
    np.divide(result, den, out=result)
    _fix_tail(result, m, m)  # tanh(softplus(x)) = exp(x) there
    return result


def _mish_prime(x: Array, out: Array | None) -> Array:
    c = np.clip(x, -_CLIP, _CLIP)
    e, a, b, n, den = _mish_terms(c)
    # f' = t + x sigmoid(x) (1 - t^2), with 1 - t^2 = (1 - t)(1 + t) = 2 b^2 (den + n) / den^2
    np.add(e, 1.0, out=e)
    np.divide(a, e, out=a)  # sigmoid(x)
    np.multiply(a, c, out=a)
    np.multiply(b, b, out=b)
    np.multiply(b, 2.0, out=b)
    np.multiply(a, b, out=a)
    np.add(den, n, out=b)
    np.multiply(a, b, out=a)
    np.divide(a, den, out=a)
    np.divide(a, den, out=a)
    result = np.divide(n, den, out=out)
    np.add(result, a, out=result)
    _fix_tail(result, c, c, 1.0)  # f' = exp(x) (1 + x) there
    return result


class Mish(BaseActivation):
    r"""Mish: x * tanh(softplus(x)).

    .. math:: f(x) = x \tanh(\log(1 + e^x)) = x\,\frac{u(u+2)}{u^2 + 2u + 2},\ u = e^x, \qquad
              f'(x) = t + x\,\sigma(x)\,(1 - t^2),\ t = \tanh(\operatorname{softplus} x)

    No parameters; the same function in PyTorch, JAX and Keras. The rational
    form is evaluated with :math:`e^{-|x|}` on each side, so nothing overflows,
    and :math:`1 - t^2` as :math:`(1 - t)(1 + t)` with :math:`1 - t` in closed
    form, so the derivative does not cancel for large x. The left tail is kept
    (mish(-100) = -3.7e-42 in float32) and mish(-inf) = 0, where the plain
    x * tanh(softplus(x)) gives -inf * 0 = NaN. Smooth, not monotonic (minimum -0.30884 at x = -1.19243),
    zero-centred, saturating on the left.

    Examples
    --------
    >>> import numpy as np
    >>> import activations
    >>> mish = activations.get("mish")
    >>> mish([-np.inf, -1.0, 0.0, 1.0])
    array([-0.        , -0.30340146,  0.        ,  0.86509839])
    >>> float(mish.derivative(0.0))
    0.6
    """

    name = "mish"
    formula = "f(x) = x tanh(softplus(x)); f'(x) = t + x sigmoid(x) (1 - t^2), t = tanh(softplus(x))"
    properties = Properties(
        output_range=(_MIN_MISH, math.inf),
        monotonic=False,
        zero_centered=True,
        sparse=False,
        smoothness=math.inf,
        saturating="lower",
    )

    def forward(self, x: Array, /, *, out: Array | None = None) -> Array:
        return _in_float64(_mish, x, out)

    def derivative(self, x: Array, /, *, out: Array | None = None) -> Array:
        return _in_float64(_mish_prime, x, out)


@activations.hookimpl
def register_activations(register: Any) -> None:
    """Register GELU, SiLU (alias swish) and Mish under PyTorch's, JAX's and Keras's names."""
    register(GELU, name="gelu")
    register(SiLU, name="silu", aliases=("swish",))
    register(Mish, name="mish")
