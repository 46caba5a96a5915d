"""Softplus, log-sigmoid, squareplus and softsign: smooth ramps and squashers without jumps.

* softplus(x) = max(x, 0) + log1p(exp(-|beta x|)) / beta: exact in both
  tails and continuous, where PyTorch returns x once beta x > 20 (a jump of
  2e-9, so softplus(20.5) is 20.5 exactly in float64);
* log_sigmoid(x) = min(x, 0) - log1p(exp(-|x|)), its derivative sigmoid(-x);
* squareplus(x) = (x + sqrt(x^2 + b)) / 2, rewritten for x < 0 as
  (b/4) / ((sqrt(x^2 + b) - x) / 2), which does not cancel, with ``hypot``
  instead of x^2 so that nothing overflows below the largest float;
* softsign(x) = x / (1 + |x|), with the limits +-1 at +-inf.

The derivatives are computed from x without cancellation; NaN propagates and
no input raises a floating-point warning.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

import activations
from activations import BaseActivation, Properties

Array = NDArray[Any]

#: |beta x| beyond which exp(-|beta x|) is 0 in every dtype; clipping there keeps beta x finite.
_EXP_ZERO = 1000.0


def _exp_neg_abs(x: Array, beta: float, out: Array | None) -> Array:
    """exp(-|beta x|), in ``out`` if given: in (0, 1], NaN for NaN, never overflows."""
    t = x.dtype.type
    e = np.abs(x, out=out)
    if beta == 1:
        np.negative(e, out=e)
    else:
        bound = _EXP_ZERO / beta
        if bound < float(np.finfo(x.dtype).max):  # else beta |x| cannot overflow
            np.minimum(e, t(bound), out=e)  # NaN stays NaN
        np.multiply(e, t(-beta), out=e)
    return np.exp(e, out=e)


def _sigmoid(x: Array, beta: float, sign: int, out: Array | None) -> Array:
    """sigmoid(sign * beta * x) from e = exp(-|beta x|): max(e, [sign x >= 0]) / (1 + e)."""
    e = _exp_neg_abs(x, beta, None)
    numerator = np.maximum(e, (x >= 0) if sign > 0 else (x <= 0), out=out)  # NaN stays NaN
    np.add(e, x.dtype.type(1), out=e)
    return np.divide(numerator, e, out=numerator)


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

    def __init__(self, *, beta: float = 1.0) -> None:
        if not (math.isfinite(beta) and beta > 0):
            raise ValueError(f"beta must be positive and finite, got {beta!r}")
        self.beta = beta

    def forward(self, x: Array, /, *, out: Array | None = None) -> Array:
        result = _exp_neg_abs(x, self.beta, out)
        np.log1p(result, out=result)
        if self.beta != 1:
            np.divide(result, x.dtype.type(self.beta), out=result)
        ramp = np.maximum(x, x.dtype.type(0))  # NaN stays NaN
        return np.add(result, ramp, out=result)

    def derivative(self, x: Array, /, *, out: Array | None = None) -> Array:
        return _sigmoid(x, self.beta, 1, out)


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

    def forward(self, x: Array, /, *, out: Array | None = None) -> Array:
        result = _exp_neg_abs(x, 1.0, out)
        np.log1p(result, out=result)
        ramp = np.minimum(x, x.dtype.type(0))  # NaN stays NaN
        return np.subtract(ramp, result, out=result)

    def derivative(self, x: Array, /, *, out: Array | None = None) -> Array:
        return _sigmoid(x, 1.0, -1, out)


class Squareplus(BaseActivation):
    r"""Squareplus: (x + sqrt(x^2 + b)) / 2, an algebraic smooth ReLU.

    .. math:: f(x) = \frac{x + \sqrt{x^2 + b}}{2}, \qquad
              f'(x) = \frac{1}{2}\left(1 + \frac{x}{\sqrt{x^2 + b}}\right)

    ``b`` defaults to 4 (JAX and Keras; PyTorch has no squareplus) and must be
    non-negative; b = 0 is ReLU, with its kink at 0 and f'(0) = 0. With
    :math:`h = \sqrt{x^2 + b}` (``hypot``, which does not overflow) and
    :math:`d = (h + |x|)/2`, f = d for x >= 0 and :math:`(b/4)/d` below: the
    direct sum cancels for large negative x (JAX's form gives 0 at x = -1e8 in
    float32, where the true value is 1e-8). Likewise f' = 1 - q for x >= 0 and
    q below, with :math:`q = (b/4)/(h d)`.

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

    def __init__(self, *, b: float = 4.0) -> None:
        if not (math.isfinite(b) and b >= 0):
            raise ValueError(f"b must be non-negative and finite, got {b!r}")
        self.b = b

    @property
    def properties(self) -> Properties:  # type: ignore[override]  # b = 0 is ReLU
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

    def _half_sum(self, x: Array, h: Array, out: Array | None) -> Array:
        """Return d = (h + |x|) / 2 without overflow, in ``out``."""
        half = x.dtype.type(0.5)
        d = np.multiply(h, half, out=out)
        a = np.abs(x)
        np.multiply(a, half, out=a)
        return np.add(d, a, out=d)

    def forward(self, x: Array, /, *, out: Array | None = None) -> Array:
        t = x.dtype.type
        if self.b == 0:
            return np.maximum(x, t(0), out=out)
        h = np.hypot(x, t(math.sqrt(self.b)))
        d = self._half_sum(x, h, out)
        return np.divide(t(self.b / 4), d, out=d, where=x < 0)  # NaN < 0 is False: d stays NaN

    def derivative(self, x: Array, /, *, out: Array | None = None) -> Array:
        t = x.dtype.type
        if self.b == 0:
            return np.heaviside(x, t(0), out=out)  # ReLU's convention at the kink
        h = np.hypot(x, t(math.sqrt(self.b)))
        d = self._half_sum(x, h, None)
        q = np.divide(t(self.b / 4), h, out=h)  # (b/4) / h first: h * d could overflow
        np.divide(q, d, out=q)  # f'(x) for x < 0, 1 - f'(x) for x >= 0 (f'(x) + f'(-x) = 1)
        result = np.subtract(t(1), q, out=out)
        np.copyto(result, q, where=x < 0)
        return result


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
        one = x.dtype.type(1)
        result = np.abs(x, out=out)
        np.add(result, one, out=result)
        np.divide(x, result, out=result, where=np.isfinite(x))  # inf / inf would warn: inf stays
        np.minimum(result, one, out=result)  # +inf at x = +-inf becomes 1; |x| / (1 + |x|) < 1 elsewhere
        return np.copysign(result, x, out=result)  # -1 at -inf; NaN stays NaN

    def derivative(self, x: Array, /, *, out: Array | None = None) -> Array:
        result = np.abs(x, out=out)
        np.add(result, x.dtype.type(1), out=result)
        np.divide(x.dtype.type(1), result, out=result)
        return np.multiply(result, result, out=result)


@activations.hookimpl
def register_activations(register: Any) -> None:
    """Register softplus, log-sigmoid, squareplus and softsign with PyTorch's, JAX's and Keras's names."""
    register(Softplus, name="softplus")
    register(LogSigmoid, name="log_sigmoid", aliases=("logsigmoid",))
    register(Squareplus, name="squareplus")
    register(Softsign, name="softsign", aliases=("soft_sign",))
