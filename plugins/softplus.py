"""Softplus, log-sigmoid, squareplus and softsign: smooth ramps and squashers without jumps.

* softplus(x) = max(x, 0) + log1p(exp(-|beta x|)) / beta: exact in both
  tails and continuous, where PyTorch returns x once beta x > 20 (a jump of
  2e-9, so softplus(20.5) is 20.5 exactly in float64);
* log_sigmoid(x) = min(x, 0) - log1p(exp(-|x|)), its derivative sigmoid(-x);
* squareplus(x) = (x + sqrt(x^2 + b)) / 2, rewritten for x < 0 as
  (b/4) / ((sqrt(x^2 + b) - x) / 2), which does not cancel, with x^2 taken
  on |x| clipped at sqrt(largest float) / 2 so that nothing overflows;
* softsign(x) = x / (1 + |x|), with x clipped at +-4/eps, beyond which the
  result rounds to +-1 (so +-inf give +-1, without inf / inf).

The derivatives are computed from x without cancellation (sigmoid(beta x) as
E / (1 + E), E = exp(beta x) clipped: see ``sigmoid.py``); the backward passes
of softplus and log-sigmoid also use ``output`` when given. Each formula (but
squareplus's fallback for a huge b) is a chain of ufuncs without masks or
``np.where``, min(x, 0) and max(x, 0) being NumPy's ``clip`` ufunc (which has
a SIMD loop, where ``np.minimum`` with a scalar has not); NaN propagates and
no input raises a floating-point warning.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

import activations
from activations import BaseActivation, Properties
from activations.numerics import clip, sigmoid, weighted_sum

from . import compiled

Array = NDArray[Any]

#: |beta x| beyond which exp(-|beta x|) is 0 in every dtype; clipping there keeps beta x finite.
_EXP_ZERO = 1000.0


def _exp_neg_abs(x: Array, beta: float, out: Array | None) -> Array:
    """exp(-|beta x|), in ``out`` if given: in [0, 1], NaN for NaN, never overflows."""
    e = np.abs(x, out=out)
    bound = _EXP_ZERO / beta
    if beta > 1 and bound < float(np.finfo(x.dtype).max):  # else beta |x| cannot overflow
        clip(e, 0.0, bound, out=e)  # NaN stays NaN
    np.multiply(e, -beta, out=e)
    return np.exp(e, out=e)


def _softplus_beta_slope(x: Array, beta: float) -> Array:
    """df/dbeta = (x sigmoid(beta x) - f(x)) / beta, in float64, without cancellation.

    For either sign of x it is -P e with e = exp(-t), t = beta |x|, and
    P = (|x| / (1 + e) + log1p(e) / (e beta)) / beta: two positive terms.
    P e is formed as (P a) a with a = exp(-t/2), so a tail in the subnormals
    is rounded once; log1p(e) / e is 1 - e/2 where e < 1e-8 (and where e is
    0). beta |x| is clipped at 3000, where the result is 0 already.
    """
    cap = min(3000.0 / beta, float(np.finfo(np.float64).max))
    m = clip(np.abs(x, dtype=np.float64), 0.0, cap)
    a = np.multiply(m, -0.5 * beta)
    np.exp(a, out=a)  # exp(-t/2)
    e = np.multiply(a, a)
    with np.errstate(invalid="ignore", divide="ignore"):  # 0 / 0 where e underflows: replaced below
        ratio = np.divide(np.log1p(e), e)
    np.copyto(ratio, np.subtract(1.0, np.multiply(e, 0.5)), where=e < 1e-8)
    np.divide(ratio, beta, out=ratio)
    p = np.add(e, 1.0)
    np.divide(m, p, out=p)
    p += ratio
    p /= -beta
    p *= a
    return np.multiply(p, a, out=p)


class Softplus(BaseActivation):
    r"""Softplus: log(1 + exp(beta x)) / beta, a smooth ReLU.

    .. math:: f(x) = \frac{1}{\beta}\log\left(1 + e^{\beta x}\right)
              = \max(x, 0) + \frac{1}{\beta}\log\left(1 + e^{-|\beta x|}\right),
              \qquad f'(x) = \sigma(\beta x)

    ``beta`` defaults to 1.0 and must be positive. PyTorch's ``softplus``
    also has ``threshold=20`` above which it returns x itself: softplus(20.5) is
    then exactly 20.5 in float64 where the true value is 20.5 + 1.25e-9, a jump
    of 2e-9 at the threshold. Here there is no threshold: the second form is
    exact in both tails and cannot overflow (JAX and Keras use ``logaddexp``,
    the same form with beta = 1; TensorFlow switches branches at
    log(eps) + 2). Smooth, so no kink.

    Examples
    --------
    >>> import activations
    >>> sp = activations.get("softplus")
    >>> print(f"{sp(20.5) - 20.5:.3g}")
    1.25e-09
    >>> sp([-800.0, 0.0, 1.0])
    array([0.        , 0.69314718, 1.31326169])
    >>> float(sp.derivative(-40.0))
    4.248354255291589e-18
    """

    name = "softplus"
    formula = (
        "f(x) = log1p(exp(beta x)) / beta = max(x, 0) + log1p(exp(-|beta x|)) / beta; f'(x) = sigmoid(beta x)"
    )
    properties = Properties(
        output_range=(0.0, math.inf),
        monotonic=True,
        zero_centered=False,
        sparse=False,
        smoothness=math.inf,
        saturating="lower",
    )

    learnable = ("beta",)

    def __init__(self, *, beta: float = 1.0) -> None:
        if not (math.isfinite(beta) and beta > 0):
            raise ValueError(f"beta must be positive and finite, got {beta!r}")
        self.beta = beta

    def parameter_backward(
        self, x: Array, grad_output: Array, /, *, output: Array | None = None
    ) -> dict[str, Any]:
        return {"beta": weighted_sum(grad_output, _softplus_beta_slope(x, self.beta))}

    @property
    def implementation(self) -> dict[str, dict[str, str]]:
        """Which path computes each method for NumPy arrays (`activations.plugins.compiled`)."""
        return compiled.implementation("softplus", self.beta)

    def forward(self, x: Array, /, *, out: Array | None = None) -> Array:
        if kernel := compiled.kernel("softplus_forward", x, self.beta):
            return kernel(x, x.dtype.type(self.beta), out=out)
        result = _exp_neg_abs(x, self.beta, out)
        np.log1p(result, out=result)
        if self.beta != 1:
            np.divide(result, self.beta, out=result)
        ramp = clip(x, 0.0, math.inf)  # max(x, 0): clip has a SIMD loop, maximum with a scalar has not
        return np.add(result, ramp, out=result)

    def derivative(self, x: Array, /, *, out: Array | None = None) -> Array:
        if kernel := compiled.kernel("softplus_derivative", x, self.beta):
            return kernel(x, x.dtype.type(self.beta), out=out)
        return sigmoid(x, scale=self.beta, out=out)

    def backward(
        self,
        x: Array,
        grad_output: Array,
        /,
        *,
        output: Array | None = None,
        out: Array | None = None,
    ) -> Array:
        """``grad_output * sigmoid(beta x)``; from ``output`` y as -expm1(-beta y) when given.

        sigmoid(beta x) = 1 - exp(-beta y), and as a function of y this is well
        conditioned (condition number beta y / (exp(beta y) - 1) <= 1): four array
        passes instead of five. Not for beta > 1, where beta y could overflow.
        """
        if output is None or self.beta > 1:
            if kernel := compiled.kernel("softplus_backward", x, self.beta):
                return kernel(x, grad_output, x.dtype.type(self.beta), out=out)
            return sigmoid(x, scale=self.beta, grad=grad_output, out=out)
        if kernel := compiled.kernel("softplus_backward_output", x, self.beta):
            return kernel(output, grad_output, x.dtype.type(self.beta), out=out)
        result = np.multiply(output, -self.beta, out=out)
        np.expm1(result, out=result)  # -sigmoid(beta x), in [-1, 0]
        np.multiply(result, grad_output, out=result)
        return np.negative(result, out=result)


class LogSigmoid(BaseActivation):
    r"""Log-sigmoid: log(sigmoid(x)) = -softplus(-x).

    .. math:: f(x) = \log\sigma(x) = \min(x, 0) - \log\left(1 + e^{-|x|}\right),
              \qquad f'(x) = \sigma(-x)

    No parameters. Both tails are exact (f(-800) = -800, f(40) = -4.2e-18 in
    float64, as in PyTorch, JAX, TensorFlow and ``scipy.special.log_expit``);
    the derivative is :math:`\sigma(-x)` from x, never 1 - exp(y), which
    cancels. Smooth, monotonic, saturating on the right.

    Examples
    --------
    >>> import activations
    >>> ls = activations.get("logsigmoid")
    >>> ls([-1.0, 0.0, 1.0])
    array([-1.31326169, -0.69314718, -0.31326169])
    >>> float(ls(40.0))
    -4.248354255291589e-18
    """

    name = "log_sigmoid"
    formula = "f(x) = min(x, 0) - log1p(exp(-|x|)); f'(x) = sigmoid(-x)"
    properties = Properties(
        output_range=(-math.inf, 0.0),
        monotonic=True,
        zero_centered=False,
        sparse=False,
        smoothness=math.inf,
        saturating="upper",
    )

    @property
    def implementation(self) -> dict[str, dict[str, str]]:
        """Which path computes each method for NumPy arrays (`activations.plugins.compiled`)."""
        return compiled.implementation("log_sigmoid")

    def forward(self, x: Array, /, *, out: Array | None = None) -> Array:
        if kernel := compiled.kernel("log_sigmoid_forward", x):
            return kernel(x, out=out)
        result = _exp_neg_abs(x, 1.0, out)
        np.log1p(result, out=result)
        ramp = clip(x, -math.inf, 0.0)  # min(x, 0); NaN stays NaN
        return np.subtract(ramp, result, out=result)

    def derivative(self, x: Array, /, *, out: Array | None = None) -> Array:
        if kernel := compiled.kernel("log_sigmoid_derivative", x):
            return kernel(x, out=out)
        return sigmoid(x, scale=-1.0, out=out)

    def backward(
        self,
        x: Array,
        grad_output: Array,
        /,
        *,
        output: Array | None = None,
        out: Array | None = None,
    ) -> Array:
        """``grad_output * sigmoid(-x)``; from ``output`` y as -expm1(y) when given.

        sigmoid(-x) = 1 - exp(y), well conditioned as a function of y (condition
        number |y| exp(y) / (1 - exp(y)) <= 1): three array passes instead of five.
        """
        if output is None:
            if kernel := compiled.kernel("log_sigmoid_backward", x):
                return kernel(x, grad_output, out=out)
            return sigmoid(x, scale=-1.0, grad=grad_output, out=out)
        if kernel := compiled.kernel("log_sigmoid_backward_output", x):
            return kernel(output, grad_output, out=out)
        result = np.expm1(output, out=out)  # -sigmoid(-x), in [-1, 0]
        np.multiply(result, grad_output, out=result)
        return np.negative(result, out=result)


def _squareplus_b_slope(x: Array, b: float) -> Array:
    """df/db = 1 / (4 sqrt(x^2 + b)), as 0.25 / hypot(x, sqrt b) in float64; inf at x = 0 when b = 0.

    hypot cannot overflow, and 0.25 / h keeps the subnormal tail that 4 h (inf near the
    largest float) would lose.
    """
    h = np.hypot(x.astype(np.float64), math.sqrt(b))
    with np.errstate(divide="ignore"):  # b = 0 and x = 0: the slope is truly infinite
        return np.divide(0.25, h, out=h)


class Squareplus(BaseActivation):
    r"""Squareplus: (x + sqrt(x^2 + b)) / 2, an algebraic smooth ReLU.

    .. math:: f(x) = \frac{x + \sqrt{x^2 + b}}{2}, \qquad
              f'(x) = \frac{1}{2}\left(1 + \frac{x}{\sqrt{x^2 + b}}\right)

    ``b`` defaults to 4 (JAX and Keras; PyTorch has no squareplus) and must be
    non-negative; b = 0 is ReLU, with its kink at 0 and f'(0) = 0. With
    :math:`h = \sqrt{x^2 + b}` and :math:`d = (h + |x|)/2`, f = d for x >= 0
    and :math:`e = (b/4)/d` below: the direct sum cancels for large negative x
    (JAX's form gives 0 at x = -1e8 in float32, where the true value is
    1e-8). Likewise f' = 1 - q for x >= 0 and q below, with
    :math:`q = (b/4)/(h d)`. x^2 is taken on |x| clipped at
    :math:`C = \sqrt{\max}/2`, beyond which h and d round to |x|; the
    branch is picked without a mask, as min(d, max(e, +-inf)) with the sign
    of the infinity that of x, and max(q, [x >= 0] - q). For a b beyond
    max * eps / 4 (where h would not round to |x| beyond C), ``hypot`` instead.

    Examples
    --------
    >>> import numpy as np
    >>> import activations
    >>> sq = activations.get("squareplus")
    >>> sq([-1.0, 0.0, 1.0])
    array([0.61803399, 1.        , 1.61803399])
    >>> float(sq(np.float32(-1e8)))
    9.99999993922529e-09
    """

    name = "squareplus"
    formula = "f(x) = (x + sqrt(x^2 + b)) / 2; f'(x) = (1 + x / sqrt(x^2 + b)) / 2"

    learnable = ("b",)

    def __init__(self, *, b: float = 4.0) -> None:
        if not (math.isfinite(b) and b >= 0):
            raise ValueError(f"b must be non-negative and finite, got {b!r}")
        self.b = b

    def parameter_backward(
        self, x: Array, grad_output: Array, /, *, output: Array | None = None
    ) -> dict[str, Any]:
        return {"b": weighted_sum(grad_output, _squareplus_b_slope(x, self.b))}

    @property
    def properties(self) -> Properties:  # b = 0 is ReLU
        relu = self.b == 0
        return Properties(
            output_range=(0.0, math.inf),
            monotonic=True,
            zero_centered=False,
            sparse=relu,
            smoothness=0 if relu else math.inf,
            kinks=(0.0,) if relu else (),
            saturating="lower",
        )

    def _parts(self, x: Array, out: Array | None) -> tuple[Array, Array]:
        """Return h = sqrt(x^2 + b) and d = (h + |x|) / 2 by ufuncs that cannot overflow; d in ``out``.

        x^2 is taken on |x| clipped at C = sqrt(largest float) / 2; beyond C, h and d
        round to |x| (b <= ``_fast_b``), so a maximum with |x| restores them.
        """
        a = np.abs(x)
        clipped = clip(a, 0.0, 0.5 * math.sqrt(float(np.finfo(x.dtype).max)))
        h = np.multiply(clipped, clipped)
        np.add(h, self.b, out=h)
        np.sqrt(h, out=h)
        d = np.add(clipped, h, out=out)
        np.multiply(d, 0.5, out=d)
        np.maximum(d, a, out=d)
        np.maximum(h, a, out=h)
        return h, d

    def _fast_b(self, x: Array) -> bool:
        """Whether b is small enough for `_parts` (b < largest float * eps / 4), and not 0."""
        info = np.finfo(x.dtype)
        return 0 < self.b < float(info.max) * float(info.eps) / 4

    def forward(self, x: Array, /, *, out: Array | None = None) -> Array:
        if self.b == 0:
            return clip(x, 0.0, math.inf, out=out)
        if not self._fast_b(x):
            return self._forward_hypot(x, out)
        _, d = self._parts(x, out)
        e = np.divide(float(self.b) / 4, d)  # f(-|x|) = (b/4) / f(|x|), without cancellation
        # d for x >= 0, e below, without a mask: the bound is +inf for x >= 0 (so min(d, max(e, inf))
        # is d) and -inf below (min(d, max(e, -inf)) = e, as e <= d); NaN stays NaN.
        bound = np.greater_equal(x, 0.0, out=np.empty_like(x))
        np.subtract(bound, 0.5, out=bound)
        np.multiply(bound, math.inf, out=bound)
        np.maximum(e, bound, out=e)
        return np.minimum(d, e, out=d)

    def derivative(self, x: Array, /, *, out: Array | None = None) -> Array:
        t = x.dtype.type
        if self.b == 0:
            return np.heaviside(x, t(0), out=out)  # ReLU's convention at the kink
        if not self._fast_b(x):
            return self._derivative_hypot(x, out)
        h, d = self._parts(x, out)
        q = np.divide(float(self.b) / 4, d, out=d)  # (b/4) / d first: h * d could overflow
        np.divide(q, h, out=q)  # q = f'(-|x|) <= 1/2, and f'(|x|) = 1 - q
        step = np.greater_equal(x, 0.0, out=h)
        np.subtract(step, q, out=step)
        return np.maximum(q, step, out=q)  # 1 - q for x >= 0 (q <= 1 - q), q below (-q <= q)

    def _forward_hypot(self, x: Array, out: Array | None) -> Array:
        """Forward for a huge b: with ``hypot``, which is slow but cannot overflow."""
        t = x.dtype.type
        h = np.hypot(x, t(math.sqrt(self.b)))
        d = self._half_sum(x, h, out)
        np.copyto(d, np.divide(t(self.b / 4), d), where=x < 0)  # NaN < 0 is False: d stays NaN
        return d

    def _derivative_hypot(self, x: Array, out: Array | None) -> Array:
        """Derivative for a huge b, with ``hypot``."""
        t = x.dtype.type
        h = np.hypot(x, t(math.sqrt(self.b)))
        d = self._half_sum(x, h, None)
        q = np.divide(t(self.b / 4), h, out=h)  # (b/4) / h first: h * d could overflow
        np.divide(q, d, out=q)  # f'(x) for x < 0, 1 - f'(x) for x >= 0 (f'(x) + f'(-x) = 1)
        result = np.subtract(t(1), q, out=out)
        np.copyto(result, q, where=x < 0)
        return result

    def _half_sum(self, x: Array, h: Array, out: Array | None) -> Array:
        """Return d = (h + |x|) / 2 without overflow, in ``out``."""
        half = x.dtype.type(0.5)
        d = np.multiply(h, half, out=out)
        a = np.abs(x)
        np.multiply(a, half, out=a)
        return np.add(d, a, out=d)


class Softsign(BaseActivation):
    r"""Softsign: x / (1 + |x|).

    .. math:: f(x) = \frac{x}{1 + |x|}, \qquad f'(x) = \frac{1}{(1 + |x|)^2}

    No parameters; the same in PyTorch, JAX (``soft_sign``), Keras and
    TensorFlow. C^1 (f'' jumps at 0, but f' is defined there: no kink),
    zero-centred, the identity near 0, saturating polynomially on both sides.
    f(+-inf) = +-1, and the derivative is computed as :math:`r \cdot r` with
    :math:`r = 1/(1+|x|)`, so it does not overflow to 0 before the true value
    underflows.

    Examples
    --------
    >>> import numpy as np
    >>> import activations
    >>> ss = activations.get("softsign")
    >>> ss([-np.inf, -1.0, 0.0, 3.0])
    array([-1.  , -0.5 ,  0.  ,  0.75])
    >>> float(ss.derivative(1e160))
    1e-320
    """

    name = "softsign"
    formula = "f(x) = x / (1 + |x|); f'(x) = 1 / (1 + |x|)^2"
    properties = Properties(
        output_range=(-1.0, 1.0),
        monotonic=True,
        zero_centered=True,
        sparse=False,
        smoothness=1,
        saturating="both",
        identity_near_origin=True,
    )

    def forward(self, x: Array, /, *, out: Array | None = None) -> Array:
        # Beyond +-4/eps the result rounds to +-1 and 1 + |x| to |x|: clipping there changes
        # nothing else and keeps inf / inf (a NaN and a warning) out. NaN stays NaN.
        bound = 4.0 / float(np.finfo(x.dtype).eps)
        result = clip(x, -bound, bound, out=out)
        denominator = np.abs(result)
        np.add(denominator, 1.0, out=denominator)
        return np.divide(result, denominator, out=result)

    def derivative(self, x: Array, /, *, out: Array | None = None) -> Array:
        result = np.abs(x, out=out)
        np.add(result, 1.0, out=result)
        np.divide(1.0, result, out=result)
        return np.multiply(result, result, out=result)

    def backward(
        self,
        x: Array,
        grad_output: Array,
        /,
        *,
        output: Array | None = None,
        out: Array | None = None,
    ) -> Array:
        """``grad_output / (1 + |x|) / (1 + |x|)``: two divisions, so (1 + |x|)^2 never overflows."""
        denominator = np.abs(x)
        np.add(denominator, 1.0, out=denominator)
        result = np.divide(grad_output, denominator, out=out)
        return np.divide(result, denominator, out=result)


@activations.hookimpl
def register_activations(register: Callable[..., None]) -> None:
    """Register softplus, log-sigmoid, squareplus and softsign with PyTorch's, JAX's and Keras's names."""
    register(Softplus, name="softplus")
    register(LogSigmoid, name="log_sigmoid", aliases=("logsigmoid",))
    register(Squareplus, name="squareplus")
    register(Softsign, name="softsign", aliases=("soft_sign",))
