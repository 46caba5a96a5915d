"""The self-gated activations x * g(x): GELU (three forms), SiLU/Swish and Mish.

Each is a product of x and a gate that decays like exp(z) on the left, so the
naive forms lose the left tail twice: the gate underflows to 0 (or becomes
subnormal and loses its digits) while x * gate is still a normal number, and
``-inf * 0`` is NaN. Here, with a handful of NumPy ufunc passes and no mask
over the whole array on the hot path:

* sigmoid gates are m / (1 + exp(-z)); the few elements of the left tail
  z < -limit (87 in float32, 708 in float64), where exp(z) is (nearly)
  subnormal, are redone as (m exp(z/2)) exp(z/2) in float64, rounded once,
  and only when there is such a tail is the argument of exp clipped below
  its overflow. Derivatives are (d + k e) / d^2, e = exp(-z), d = 1 + e
  (SiLU's: u ((1 + z) + u) / (1 + u)^2, u = exp(z)): no 1 - sigmoid that cancels;
* SiLU (beta a power of 2; forward and derivative) and Mish forward run in
  the input's dtype (float32 stays float32), the few float32 elements around
  the root of SiLU' redone in float64; Mish's derivative, the tanh and sigmoid
  GELU forms and GELU's float32 path compute in float64 and round once, since
  there float32 arithmetic would be amplified beyond the accuracy target
  (near a root of f', or through the argument z(x) of the gate);
* the exact GELU in float64 is x Phi(x) with ``scipy.special.ndtr``,
  recomputed from a Taylor table of erfc on [-6, -0.35], where ndtr is off
  by up to 9 ulp, and from ``erfcx`` below -37; in float32 it is
  relu(x) - a exp(-a^2/2) G(a), a = |x|, with G(a) = Phi(-a) exp(a^2/2) a
  rational function P/Q fitted by ``_fit_gelu_gate`` (relative error 6.3e-9,
  0.1 float32 ulp), a^2 exact in float64; both live in
  ``activations.plugins._normal``;
* x is clipped where the result is already 0 (or the gate is 1), so that
  infinities give the limits without ``inf * 0``;
* GELU and Mish process arrays of more than 2 * 2^15 elements in slices of
  2^15: their several float64 temporaries of a whole array would otherwise
  be returned to the system and page-faulted back at every call (SiLU has
  one temporary and is faster unsliced).

SciPy is imported on first use of the exact float64 GELU, not when the module loads.
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
from activations.numerics import clip, weighted_sum

from . import compiled
from ._normal import gelu32, gelu32_prime, gelu64, gelu64_prime

Array = NDArray[Any]

_F32 = np.dtype(np.float32)
_F64 = np.dtype(np.float64)
#: Per dtype, exp(limit) is finite and exp(-limit) normal: exp(-z) is clipped at limit, z < -limit is a tail.
_EXP_LIMIT = {_F32: 87.0, _F64: 708.0}
#: |z| beyond which exp(-|z|/2) is 0 in float64: clipping z there changes no result.
_CLIP = 1500.0
_HUGE = 1e300
#: Elements per slice for arrays of more than two slices (float64 temporaries of 256 KiB, reused by malloc).
_BLOCK = 1 << 15
#: x beyond which tanh(softplus(x)) rounds to 1 (forward, per dtype) and f'(x) to 1 (derivative, float64).
_MISH_CLIP = {_F32: 10.0, _F64: 20.0}
_MISH_PRIME_CLIP = 22.0

_SQRT_2_OVER_PI_X2 = 1.5957691216057308  # 2 sqrt(2/pi)
_TANH_CUBIC = 0.07135481627260025  # 2 sqrt(2/pi) * 0.044715
_TANH_CUBIC_X3 = 0.21406444881780073  # 3 * 2 sqrt(2/pi) * 0.044715
_SIGMOID_GELU = 1.702

# The minima of f, found with mpmath at 50 digits.
_MIN_GELU = {"none": -0.16997120747990366, "tanh": -0.17004075057125406, "sigmoid": -0.16361018963635357}
_MIN_SILU = -0.2784645427610738  # at x = -1.2784645427610738 (beta = 1)
#: z = beta x around the root of SiLU' (-1.27846), where float32's SiLU' comes from the float64 path.
_SILU_ROOT = (-1.36, -1.2)
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


def _blockwise(compute: Callable[[Array, Array | None], Array], x: Array, out: Array | None) -> Array:
    """``compute(x, out)``, on slices of ``_BLOCK`` elements when x is large, so temporaries are reused."""
    if x.size <= 2 * _BLOCK or type(x) is not np.ndarray or (out is not None and not out.flags.c_contiguous):
        return compute(x, out)  # a GPU array (CuPy): one call, its kernels need no cache
    result = np.empty_like(x) if out is None else out
    flat_x, flat_out = x.reshape(-1), result.reshape(-1)  # a view of result: it is contiguous
    for start in range(0, x.size, _BLOCK):
        compute(flat_x[start : start + _BLOCK], flat_out[start : start + _BLOCK])
    return result


def _left_tail(z: Array, limit: float, *others: Array) -> tuple[Array, ...] | None:
    """(mask, z[mask], *others[mask]) where z < limit, or None; taken before ``out`` (maybe x) is written."""
    if z.size == 0 or z.min() >= limit:  # a NaN minimum falls through to the mask, which excludes it
        return None
    mask = z < limit
    return (mask, z[mask], *(o[mask] for o in others)) if mask.any() else None


def _exp_product(m: Array, z: Array, offset: float = 0.0) -> Array:
    """(m + offset) exp(z) in float64, rounded once: exp(z/2) squared, so a subnormal exp(z) loses nothing.

    Used where exp(z) is (nearly) subnormal, for the few elements of a left tail.
    """
    m = clip(m.astype(_F64), -_HUGE, _HUGE)  # -inf * 0 would be NaN; the product is 0 there anyway
    half = np.exp(0.5 * np.maximum(z.astype(_F64), -2 * _CLIP))
    result: Array = (m + offset) * half * half
    return result


def _times_sigmoid(m: Array, z: Array, out: Array | None) -> Array:
    """Return m sigmoid(z) = m / (1 + exp(-z)) in the dtype of z; z finite or NaN.

    exp(-z) is clipped below its overflow only where there is a left tail
    (z < -limit), whose elements are redone as m exp(z) by `_exp_product`.
    """
    limit = _EXP_LIMIT[z.dtype]
    tail = _left_tail(z, -limit, m)
    e = np.negative(z)
    if tail is not None:
        clip(e, -math.inf, limit, out=e)
    np.exp(e, out=e)
    e += 1.0
    result = np.divide(m, e, out=out)
    if tail is not None:
        mask, zt, mt = tail
        result[mask] = _exp_product(mt, zt)
    return result


def _sigmoid_gate_slope(z: Array, k: Array, out: Array | None) -> Array:
    """Return sigmoid(z) (1 + k sigmoid(-z)) = d/dx [x sigmoid(z(x))], k = x z'(x); z, k finite or NaN.

    With e = exp(-z), d = 1 + e: (d + k e) / d^2, which does not cancel for
    large z (no 1 - sigmoid). Where there is a left tail (z < -limit/2), e is
    clipped at limit/2, so d^2 is finite, and the tail is redone as (1 + k) exp(z).
    """
    limit = 0.5 * _EXP_LIMIT[z.dtype]
    tail = _left_tail(z, -limit, k)
    e = np.negative(z)
    if tail is not None:
        clip(e, -math.inf, limit, out=e)
    np.exp(e, out=e)
    d = np.add(e, 1.0)
    e *= k
    e += d
    d *= d
    result = np.divide(e, d, out=out)
    if tail is not None:
        mask, zt, kt = tail
        result[mask] = _exp_product(kt, zt, 1.0)
    return result


#: The prefix of the compiled kernels of each form of GELU (the sigmoid form has none).
_GELU_KERNELS = {"none": "gelu", "tanh": "gelu_tanh", "sigmoid": "gelu_sigmoid"}


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

    The exact form in float64 is :math:`x\,\Phi(x)`, with :math:`\Phi` from
    ``scipy.special.ndtr`` except on [-6, -0.35], where a Taylor table of erfc
    (built once, in decimal arithmetic) replaces it, and
    :math:`\tfrac12 x \operatorname{erfcx}(-x/\sqrt2)\,e^{-x^2/2}` below -37. In
    float32 it is :math:`\max(x, 0) - a\,e^{-a^2/2} G(a)`, :math:`a = |x|`, with
    :math:`G(a) = \Phi(-a)\,e^{a^2/2}` a fitted rational function (0.1 ulp),
    computed in float64 without a branch and rounded once. The tanh and
    sigmoid forms are computed in float64 and rounded once. The
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
    def properties(self) -> Properties:  # the minimum depends on the form
        return Properties(
            output_range=(_MIN_GELU[self.approximate], math.inf),
            monotonic=False,
            zero_centered=True,
            sparse=False,
            smoothness=math.inf,
            saturating="lower",
        )

    @property
    def implementation(self) -> dict[str, dict[str, str]]:
        """Which path computes each method for NumPy arrays (`activations.plugins.compiled`)."""
        return compiled.implementation(_GELU_KERNELS[self.approximate])

    def forward(self, x: Array, /, *, out: Array | None = None) -> Array:
        if kernel := compiled.kernel(f"{_GELU_KERNELS[self.approximate]}_forward", x):
            return kernel(x, out=out)
        return _blockwise(_GELU_FORMS[self.approximate][x.dtype == _F32], x, out)

    def derivative(self, x: Array, /, *, out: Array | None = None) -> Array:
        if kernel := compiled.kernel(f"{_GELU_KERNELS[self.approximate]}_derivative", x):
            return kernel(x, out=out)
        return _blockwise(_GELU_PRIME_FORMS[self.approximate][x.dtype == _F32], x, out)

    def backward(
        self, x: Array, grad_output: Array, /, *, output: Array | None = None, out: Array | None = None
    ) -> Array:
        if kernel := compiled.kernel(f"{_GELU_KERNELS[self.approximate]}_backward", x):
            return kernel(x, grad_output, out=out)
        return super().backward(x, grad_output, output=output, out=out)


def _tanh_argument(x: Array) -> tuple[Array, Array]:
    """(x clipped to [-30, 30], 2u = 2 sqrt(2/pi) (x + 0.044715 x^3) of it)."""
    c = clip(x, -30.0, 30.0)  # 2u(30) = 1974: the gate is exactly 0 or 1 beyond
    z = np.multiply(c, c)
    np.multiply(z, _TANH_CUBIC, out=z)
    np.add(z, _SQRT_2_OVER_PI_X2, out=z)
    np.multiply(z, c, out=z)
    return c, z


def _gelu_tanh(x: Array, out: Array | None) -> Array:
    _, z = _tanh_argument(x)
    return _times_sigmoid(x, z, out)


def _gelu_tanh_prime(x: Array, out: Array | None) -> Array:
    c, z = _tanh_argument(x)
    k = np.multiply(c, c)  # k = x * (2u)'(x) = x (2 sqrt(2/pi)) (1 + 3 * 0.044715 x^2)
    np.multiply(k, _TANH_CUBIC_X3, out=k)
    np.add(k, _SQRT_2_OVER_PI_X2, out=k)
    np.multiply(k, c, out=k)
    return _sigmoid_gate_slope(z, k, out)


def _swish(x: Array, beta: float, out: Array | None) -> Array:
    if beta == 1:
        return _times_sigmoid(x, x, out)
    z = clip(x, -_CLIP / beta, _CLIP / beta)  # beta * x stays finite
    z *= beta
    return _times_sigmoid(x, z, out)


def _swish_prime(x: Array, beta: float, out: Array | None) -> Array:
    """SiLU' in x's dtype: u ((1 + z) + u) / (1 + u)^2, u = exp(z), z = beta x (exact: see `SiLU._in_dtype`).

    (sigmoid(z) = u / (1 + u), 1 - sigmoid(z) = 1 / (1 + u).) 1 + z is exact
    around the root z = -1.2785, so only exp's rounding cancels there; in
    float32 it is not small next to f', and the few elements with z in
    `_SILU_ROOT` are redone in float64. z is clipped to [-limit, limit/2]
    (beyond, f' rounds to 1 and nothing overflows) only when it reaches out;
    the left tail z < -limit is redone as (1 + z) exp(z).
    """
    limit = _EXP_LIMIT[x.dtype]
    tail = _left_tail(x, -limit / beta)
    if x.dtype == _F32:  # taken before out (maybe x) is written
        near = np.flatnonzero((x > _SILU_ROOT[0] / beta) & (x < _SILU_ROOT[1] / beta))
        x_near = x.take(near)
    high = 0.5 * limit / beta
    z = x if beta == 1 and tail is None and not (x.size and x.max() > high) else clip(x, -limit / beta, high)
    if beta != 1:
        z *= beta
    u = np.exp(z)
    result = np.add(z, 1.0, out=out)
    result += u
    result *= u
    u += 1.0
    u *= u
    result /= u
    if tail is not None:
        mask, xt = tail
        zt = beta * clip(xt, -_CLIP / beta, 0.0)  # beta * x stays finite
        result[mask] = _exp_product(zt, zt, 1.0)
    if x.dtype == _F32 and near.size:
        np.put(result, near, _swish_prime(x_near.astype(_F64), beta, None))
    return result


def _gelu_sigmoid(x: Array, out: Array | None) -> Array:
    return _swish(x, _SIGMOID_GELU, out)


def _gelu_sigmoid_prime(x: Array, out: Array | None) -> Array:
    return _swish_prime(x, _SIGMOID_GELU, out)


def _float64(compute: Callable[[Array, Array | None], Array]) -> Callable[[Array, Array | None], Array]:
    return functools.partial(_in_float64, compute)


#: The implementation of each form, for (float64, float32) input. The tanh and sigmoid forms
#: compute float32 in float64: the rounding of their argument z(x) (2u(x), 1.702 x) would be
#: amplified by |z| in the gate.
_GELU_FORMS = {
    "none": (gelu64, gelu32),
    "tanh": (_gelu_tanh, _float64(_gelu_tanh)),
    "sigmoid": (_gelu_sigmoid, _float64(_gelu_sigmoid)),
}
_GELU_PRIME_FORMS = {
    "none": (gelu64_prime, gelu32_prime),
    "tanh": (_gelu_tanh_prime, _float64(_gelu_tanh_prime)),
    "sigmoid": (_gelu_sigmoid_prime, _float64(_gelu_sigmoid_prime)),
}


class SiLU(BaseActivation):
    r"""Sigmoid linear unit (Swish): x * sigmoid(beta x).

    .. math:: f(x) = x\,\sigma(\beta x), \qquad
              f'(x) = \sigma(\beta x)\,\bigl(1 + \beta x\,\sigma(-\beta x)\bigr)

    ``beta`` defaults to 1.0 and must be positive; PyTorch, JAX and Keras
    have no beta (beta = 1), TensorFlow's ``tf.nn.silu`` has ``beta=1.0``. Smooth,
    not monotonic (minimum -0.27846 / beta at x = -1.27846 / beta),
    zero-centred, saturating on the left; no kink.

    Computed as :math:`x / (1 + e^{-\beta x})`, and the derivative as
    :math:`u\,((1 + z) + u) / (1 + u)^2`, :math:`u = e^z`, :math:`z = \beta x`,
    in x's dtype when :math:`z` is exact (beta a power of 2, the default 1) and
    in float64 otherwise; in float32, the derivative of the few elements with
    :math:`z` in (-1.36, -1.2), around the root of f', where the rounding of
    :math:`e^z` is not small next to f', comes from float64. The left tail is kept: SiLU(-89) =
    -1.98e-37 in float32 (the naive form gives -0.0 below -88.7; here exp is
    clipped and the tail redone as :math:`x e^{\beta x}`), SiLU(-inf) = 0 (NaN
    in PyTorch and JAX), and the derivative uses :math:`\sigma(-\beta x)` for
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
    learnable = ("beta",)

    def __init__(self, *, beta: float = 1.0) -> None:
        if not (math.isfinite(beta) and beta > 0):
            raise ValueError(f"beta must be positive and finite, got {beta!r}")
        self.beta = beta

    @property
    def properties(self) -> Properties:  # the minimum scales with 1 / beta
        return Properties(
            output_range=(_MIN_SILU / self.beta, math.inf),
            monotonic=False,
            zero_centered=True,
            sparse=False,
            smoothness=math.inf,
            saturating="lower",
        )

    @property
    def implementation(self) -> dict[str, dict[str, str]]:
        """Which path computes each method for NumPy arrays (`activations.plugins.compiled`)."""
        paths = compiled.implementation("silu", self.beta)
        for dtype in ("float32", "float64"):
            if not self._kernel_takes(np.dtype(dtype)):
                for by_dtype in paths.values():
                    by_dtype[dtype] = "numpy"
        return paths

    def forward(self, x: Array, /, *, out: Array | None = None) -> Array:
        if self._kernel_takes(x.dtype) and (kernel := compiled.kernel("silu_forward", x, self.beta)):
            return kernel(x, x.dtype.type(self.beta), out=out)
        return self._in_dtype(lambda v, o: _swish(v, self.beta, o), x)(x, out)

    def derivative(self, x: Array, /, *, out: Array | None = None) -> Array:
        if self._kernel_takes(x.dtype) and (kernel := compiled.kernel("silu_derivative", x, self.beta)):
            return kernel(x, x.dtype.type(self.beta), out=out)
        return self._in_dtype(lambda v, o: _swish_prime(v, self.beta, o), x)(x, out)

    def backward(
        self, x: Array, grad_output: Array, /, *, output: Array | None = None, out: Array | None = None
    ) -> Array:
        if self._kernel_takes(x.dtype) and (kernel := compiled.kernel("silu_backward", x, self.beta)):
            return kernel(x, grad_output, x.dtype.type(self.beta), out=out)
        return super().backward(x, grad_output, output=output, out=out)

    def _kernel_takes(self, dtype: np.dtype[Any]) -> bool:
        """Whether the compiled kernel may compute: beta exact in ``dtype`` (x's), where the kernel gets it.

        The formula computes with beta itself (in float64 when beta x is inexact in float32); a
        float32 kernel given beta rounded to float32 would be off by up to |beta x| 2^-24 relative.
        Below beta = 1e-300 the kernel's clamp of beta x at 1500 (1500 / beta) would overflow.
        """
        # float(): NumPy would compare in x.dtype
        return float(dtype.type(self.beta)) == self.beta and self.beta >= 1e-300

    def _in_dtype(self, compute: Callable[[Array, Array | None], Array], x: Array) -> Callable[..., Array]:
        """``compute`` in x's dtype when beta x is exact (beta a power of 2), else in float64.

        An inexact z = beta x would cost float32 |z| 2^-24 of relative accuracy in exp(z).
        """
        exact = math.frexp(self.beta)[0] == 0.5
        return compute if exact or x.dtype == _F64 else _float64(compute)

    def parameter_backward(
        self, x: Array, grad_output: Array, /, *, output: Array | None = None
    ) -> dict[str, Any]:
        return {"beta": weighted_sum(grad_output, _swish_beta_slope(x, self.beta))}


def _swish_beta_slope(x: Array, beta: float) -> Array:
    """df/dbeta = x^2 sigmoid(beta x) sigmoid(-beta x), in float64, for any finite x or NaN.

    As (|x| a / (1 + e))^2 with e = exp(-t), a = exp(-t/2), t = |beta x|:
    e and the square are both rounded once, so a tail in the subnormals keeps
    its digits (x^2 e would round e first). |beta x| is clipped at 3000,
    where the result is 0 already, so that infinite x gives the limit 0.
    """
    cap = min(3000.0 / beta, float(np.finfo(np.float64).max))
    m = clip(np.abs(x, dtype=np.float64), 0.0, cap)
    a = np.multiply(m, -0.5 * beta)
    np.exp(a, out=a)  # exp(-t/2)
    e = np.multiply(a, a)
    e += 1.0
    np.multiply(a, m, out=a)
    with np.errstate(over="ignore"):  # x^2 / 4 really overflows for huge x and tiny beta
        np.divide(a, e, out=a)
        return np.multiply(a, a, out=a)


def _mish(x: Array, out: Array | None) -> Array:
    """Mish in the dtype of x: x t, t = tanh(softplus(x)) = n / (n + 2), n = u (u + 2), u = exp(x).

    x is clipped to [-limit, _MISH_CLIP] inside u (beyond the right end t rounds
    to 1; nothing overflows); the left tail x < -limit, where u would be
    subnormal, is redone as x exp(x) (t = u (1 - u/2 + ...) there).
    """
    limit = _EXP_LIMIT[x.dtype]
    tail = _left_tail(x, -limit)
    u = clip(x, -limit, _MISH_CLIP[x.dtype])
    np.exp(u, out=u)
    n = np.add(u, 2.0)
    n *= u
    np.add(n, 2.0, out=u)
    n /= u
    result = np.multiply(n, x, out=out)
    if tail is not None:
        mask, xt = tail
        result[mask] = _exp_product(xt, xt)
    return result


def _mish_prime(x: Array, out: Array | None) -> Array:
    """Mish' in float64: t + x sigmoid(x) (1 - t^2) = (n d + 4 x u (1 + u)) / d^2, d = n + 2.

    (1 - t^2 = 4 (1 + u)^2 / d^2 and sigmoid(x) = u / (1 + u).) x is clipped to
    [-708, 22] (f' rounds to 1 beyond 22); the left tail is redone as (1 + x) exp(x).
    """
    limit = _EXP_LIMIT[_F64]
    tail = _left_tail(x, -limit)
    c = clip(x, -limit, _MISH_PRIME_CLIP)
    u = np.exp(c)
    n = np.add(u, 2.0)
    n *= u
    d = np.add(n, 2.0)
    s = np.add(u, 1.0)
    s *= u
    s *= c
    s *= 4.0
    n *= d
    n += s
    d *= d
    result = np.divide(n, d, out=out)
    if tail is not None:
        mask, xt = tail
        result[mask] = _exp_product(xt, xt, 1.0)
    return result


class Mish(BaseActivation):
    r"""Mish: x * tanh(softplus(x)).

    .. math:: f(x) = x \tanh(\log(1 + e^x)) = x\,\frac{u(u+2)}{u^2 + 2u + 2},\ u = e^x, \qquad
              f'(x) = t + x\,\sigma(x)\,(1 - t^2),\ t = \tanh(\operatorname{softplus} x)

    No parameters; the same function in PyTorch, JAX and Keras. The forward
    is :math:`x\,n/(n + 2)`, :math:`n = u(u + 2)`, in x's dtype, with x clipped
    inside u at 10 (float32) or 20 (float64), beyond which t rounds to 1, so
    nothing overflows. The derivative, in float64, is
    :math:`(n(n+2) + 4xu(1+u)) / (n+2)^2` (from :math:`1 - t^2 = 4(1+u)^2/(n+2)^2`),
    which does not cancel for large x. The left tail is kept
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

    @property
    def implementation(self) -> dict[str, dict[str, str]]:
        """Which path computes each method for NumPy arrays (`activations.plugins.compiled`)."""
        return compiled.implementation("mish")

    def forward(self, x: Array, /, *, out: Array | None = None) -> Array:
        if kernel := compiled.kernel("mish_forward", x):
            return kernel(x, out=out)
        return _blockwise(_mish, x, out)

    def derivative(self, x: Array, /, *, out: Array | None = None) -> Array:
        if kernel := compiled.kernel("mish_derivative", x):
            return kernel(x, out=out)
        return _blockwise(lambda v, o: _in_float64(_mish_prime, v, o), x, out)

    def backward(
        self, x: Array, grad_output: Array, /, *, output: Array | None = None, out: Array | None = None
    ) -> Array:
        if kernel := compiled.kernel("mish_backward", x):
            return kernel(x, grad_output, out=out)
        return super().backward(x, grad_output, output=output, out=out)


@activations.hookimpl
def register_activations(register: Callable[..., None]) -> None:
    """Register GELU, SiLU (alias swish) and Mish under PyTorch's, JAX's and Keras's names."""
    register(GELU, name="gelu")
    register(SiLU, name="silu", aliases=("swish",))
    register(Mish, name="mish")
