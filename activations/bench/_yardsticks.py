"""Yardsticks for the bundled activations: plain NumPy/SciPy formulas and PyTorch's kernels.

Two kinds of `activations.bench._engine.Competitor`, looked up by an activation's
``config`` (so parameters are honoured):

* `numpy_competitor`: the fastest plain NumPy formula of the same accuracy
  that we know (no cancellation, no lost tail), built from vectorised ufuncs
  (``np.clip`` rather than ``np.maximum`` with a scalar, ``log1p(exp(-|x|))``
  rather than ``np.logaddexp``, a comparison cast to float rather than
  ``np.where``), with ``out=`` where the ufuncs allow it; SciPy only where
  NumPy has nothing (``ndtr`` for GELU). Where no formula of equal accuracy
  is short (tanhshrink near 0), there is none.
* `scipy_competitor`: the textbook one-liner with SciPy's special functions
  (``expit``, ``log_expit``, ``np.logaddexp``), which are scalar loops.
* PyTorch's kernels are in `activations.bench._torch`.

NaN propagation is not part of the NumPy and SciPy formulas: they are speed
yardsticks, checked against the plugins on finite input, not implementations.
SciPy is imported only when a competitor is built.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ._engine import Competitor, Thunk

__all__ = [
    "NUMPY_FORMULAS",
    "SCIPY_FORMULAS",
    "SELU_ALPHA",
    "SELU_SCALE",
    "HARD_SIGMOID_WIDTHS",
    "PARAMETERS",
    "reads",
    "numpy_competitor",
    "scipy_competitor",
]

Array = NDArray[Any]
Config = dict[str, Any]

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


# -- plain NumPy / SciPy ---------------------------------------------------------------
# Each builder takes (config, x, g, o) and returns (forward thunk, backward thunk).
Builder = Callable[[Config, Array, Array, Array], tuple[Thunk | None, Thunk | None]]


def _sigmoid(x: Array, sign: float = 1.0) -> Array:
    """sigmoid(sign * x) = max(e, [sign x >= 0]) / (1 + e), e = exp(-|x|): no overflow, no tail lost.

    Vectorised ufuncs only (``scipy.special.expit`` is a scalar loop, about three times slower).
    """
    e = np.abs(x)
    np.negative(e, out=e)
    np.exp(e, out=e)
    step = (x >= 0) if sign > 0 else (x <= 0)
    result = np.maximum(e, step)
    e += 1
    result /= e
    return result


def _softplus(x: Array) -> Array:
    """max(x, 0) + log1p(exp(-|x|)): vectorised ufuncs only (``np.logaddexp`` is 10x slower)."""
    e = np.abs(x)
    np.negative(e, out=e)
    np.exp(e, out=e)
    np.log1p(e, out=e)
    e += np.clip(x, 0, np.inf)
    return e


def _np_relu(c: Config, x: Array, g: Array, o: Array) -> tuple[Thunk, Thunk]:
    t = x.dtype.type

    def backward() -> object:  # the comparison written straight into a float array
        np.greater(x, t(0), out=o)
        return np.multiply(o, g, out=o)

    # np.clip has a SIMD loop for a scalar bound; np.maximum(x, 0) does not (2-3x slower at 1e5)
    return (lambda: np.clip(x, t(0), t(np.inf), out=o)), backward


def _np_leaky_relu(c: Config, x: Array, g: Array, o: Array) -> tuple[Thunk, Thunk]:
    t = x.dtype.type
    a = t(c.get("negative_slope", 0.01))
    if 0 <= a <= 1:

        def forward() -> object:  # exact for 0 <= a <= 1
            return np.maximum(x, np.multiply(x, a, out=o), out=o)

    else:

        def forward() -> object:
            return np.where(x >= 0, x, x * a)

    def backward() -> object:  # a + (1 - a) [x > 0]
        np.greater(x, t(0), out=o)
        np.multiply(o, 1 - a, out=o)
        np.add(o, a, out=o)
        return np.multiply(o, g, out=o)

    return forward, backward


def _np_sigmoid(c: Config, x: Array, g: Array, o: Array) -> tuple[Thunk, Thunk]:
    t = x.dtype.type
    limit = t(178 if x.dtype == np.float32 else 1420)  # cosh(x / 2) stays finite

    def forward() -> object:
        np.copyto(o, _sigmoid(x))
        return o

    def backward() -> object:  # sigmoid'(x) = sech(x / 2)^2 / 4: no cancellation, 4 vectorised ufuncs
        r = np.clip(x, -limit, limit, out=o)
        r *= t(0.5)
        np.cosh(r, out=r)
        np.reciprocal(r, out=r)
        r *= r
        r *= t(0.25)
        return np.multiply(r, g, out=r)

    return forward, backward


def _np_tanh(c: Config, x: Array, g: Array, o: Array) -> tuple[Thunk, Thunk]:
    t = x.dtype.type
    limit = t(80 if x.dtype == np.float32 else 700)  # sech^2 is 0 beyond; cosh stays finite

    def backward() -> object:  # (1 / cosh x)^2: no cancellation, unlike 1 - tanh^2
        r = np.clip(x, -limit, limit, out=o)
        np.cosh(r, out=r)
        np.reciprocal(r, out=r)
        r *= r
        return np.multiply(r, g, out=r)

    return (lambda: np.tanh(x, out=o)), backward


def _np_elu_family(alpha: float, scale: float, input_scale: float) -> Builder:
    def build(c: Config, x: Array, g: Array, o: Array) -> tuple[Thunk, Thunk]:
        t = x.dtype.type
        sa, s, k = t(scale * alpha), t(scale), t(input_scale)
        zero, inf = t(0), t(np.inf)

        def forward() -> object:  # sa expm1(k min(x, 0)) + s max(x, 0): no mask, no np.where
            r = np.minimum(x, zero, out=o)
            if k != 1:
                r *= k
            np.expm1(r, out=r)
            r *= sa
            right = np.clip(x, zero, inf)
            if s != 1:
                right *= s
            r += right
            return r

        def backward() -> object:  # sa k exp(k min(x, 0)) + (s - sa k) [x > 0]
            r = np.minimum(x, zero, out=o)
            if k != 1:
                r *= k
            np.exp(r, out=r)
            if sa * k != 1:
                r *= sa * k
            if s != sa * k:
                step = np.greater(x, zero).astype(x.dtype)
                step *= s - sa * k
                r += step
            return np.multiply(r, g, out=r)

        return forward, backward

    return build


def _np_elu(c: Config, x: Array, g: Array, o: Array) -> tuple[Thunk | None, Thunk | None]:
    return _np_elu_family(c.get("alpha", 1.0), 1.0, 1.0)(c, x, g, o)


def _np_selu(c: Config, x: Array, g: Array, o: Array) -> tuple[Thunk | None, Thunk | None]:
    return _np_elu_family(SELU_ALPHA, SELU_SCALE, 1.0)(c, x, g, o)


def _np_celu(c: Config, x: Array, g: Array, o: Array) -> tuple[Thunk | None, Thunk | None]:
    alpha = c.get("alpha", 1.0)
    return _np_elu_family(alpha, 1.0, 1.0 / alpha)(c, x, g, o)


def _np_gelu(c: Config, x: Array, g: Array, o: Array) -> tuple[Thunk | None, Thunk | None]:
    approximate = c.get("approximate", "none")
    if approximate == "tanh":
        return _np_gelu_tanh(c, x, g, o)
    if approximate != "none":  # GELU's sigmoid form has no plain formula here
        return None, None
    return _np_gelu_erf(c, x, g, o)


def _np_gelu_erf(c: Config, x: Array, g: Array, o: Array) -> tuple[Thunk, Thunk]:
    from scipy.special import ndtr

    t = x.dtype.type

    def forward() -> object:
        return np.multiply(x, ndtr(x), out=o)

    def backward() -> object:  # Phi(x) + x phi(x)
        phi = np.exp(np.multiply(x, x) * t(-0.5)) * t(_INV_SQRT_2PI)
        return np.multiply(g, ndtr(x) + x * phi, out=o)

    return forward, backward


def _np_gelu_tanh(c: Config, x: Array, g: Array, o: Array) -> tuple[Thunk, Thunk]:
    t = x.dtype.type
    k, c3 = t(2 * _SQRT_2_OVER_PI), t(0.044715)

    def forward() -> object:  # 0.5 (1 + tanh(u)) = sigmoid(2u): no cancellation in the left tail
        u = x * x * c3
        u += 1
        u *= x
        u *= k
        return np.multiply(x, _sigmoid(u), out=o)

    def backward() -> object:
        x2 = x * x
        u = (x2 * c3 + 1) * x * k
        du = (x2 * t(3 * 0.044715) + 1) * k
        return np.multiply(g, _sigmoid(u) * (1 + x * _sigmoid(u, -1.0) * du), out=o)

    return forward, backward


def _np_silu(c: Config, x: Array, g: Array, o: Array) -> tuple[Thunk, Thunk]:
    beta = x.dtype.type(c.get("beta", 1.0))

    def forward() -> object:
        return np.multiply(x, _sigmoid(x if beta == 1 else x * beta), out=o)

    def backward() -> object:  # s (1 + beta x s(-beta x))
        bx = x if beta == 1 else x * beta
        d = bx * _sigmoid(bx, -1.0)
        d += 1
        d *= _sigmoid(bx)
        return np.multiply(g, d, out=o)

    return forward, backward


def _np_softplus(c: Config, x: Array, g: Array, o: Array) -> tuple[Thunk, Thunk]:
    beta = x.dtype.type(c.get("beta", 1.0))
    if beta == 1:
        return (lambda: np.copyto(o, _softplus(x))), (lambda: np.multiply(g, _sigmoid(x), out=o))

    def forward_beta() -> object:
        return np.divide(_softplus(x * beta), beta, out=o)

    return forward_beta, (lambda: np.multiply(g, _sigmoid(x * beta), out=o))


def _np_log_sigmoid(c: Config, x: Array, g: Array, o: Array) -> tuple[Thunk, Thunk]:
    return (lambda: np.negative(_softplus(-x), out=o)), (lambda: np.multiply(g, _sigmoid(x, -1.0), out=o))


def _np_mish(c: Config, x: Array, g: Array, o: Array) -> tuple[Thunk, Thunk]:
    def forward() -> object:
        return np.multiply(x, np.tanh(_softplus(x)), out=o)

    def backward() -> object:  # t + x sigmoid(x) sech^2(softplus x)
        sp = _softplus(x)
        limit = x.dtype.type(80 if x.dtype == np.float32 else 700)  # sech^2 is 0 beyond; cosh stays finite
        sech = np.reciprocal(np.cosh(np.minimum(sp, limit)))
        sech *= sech
        d = x * _sigmoid(x) * sech
        d += np.tanh(sp)
        return np.multiply(g, d, out=o)

    return forward, backward


def _np_hardtanh(c: Config, x: Array, g: Array, o: Array) -> tuple[Thunk, Thunk]:
    lo, hi = x.dtype.type(c.get("min_val", -1.0)), x.dtype.type(c.get("max_val", 1.0))
    return (lambda: np.clip(x, lo, hi, out=o)), (lambda: np.multiply(g, (x > lo) & (x < hi), out=o))


def _np_prelu(c: Config, x: Array, g: Array, o: Array) -> tuple[Thunk, Thunk]:
    """PReLU is Leaky ReLU with its slope called weight."""
    return _np_leaky_relu({"negative_slope": c.get("weight", 0.25)}, x, g, o)


def _np_rrelu(c: Config, x: Array, g: Array, o: Array) -> tuple[Thunk, Thunk]:
    """RReLU in evaluation mode is Leaky ReLU with the mean of its slope range."""
    slope = (c.get("lower", 1 / 8) + c.get("upper", 1 / 3)) / 2
    return _np_leaky_relu({"negative_slope": slope}, x, g, o)


#: hard_sigmoid's kinds as the half-width of their linear part: relu6(x + 3) / 6, or Keras 2's
#: clip(0.2 x + 0.5, 0, 1).
HARD_SIGMOID_WIDTHS = {"relu6": 3.0, "keras2": 2.5}


def _np_relu6(c: Config, x: Array, g: Array, o: Array) -> tuple[Thunk, Thunk]:
    return _np_hardtanh({"min_val": 0.0, "max_val": 6.0}, x, g, o)


def _np_hardsigmoid(c: Config, x: Array, g: Array, o: Array) -> tuple[Thunk | None, Thunk | None]:
    t = x.dtype.type
    kind = c.get("kind", "relu6")
    if kind not in HARD_SIGMOID_WIDTHS:
        return None, None
    w = t(HARD_SIGMOID_WIDTHS[kind])

    def forward() -> object:
        r = np.add(x, w, out=o)
        np.clip(r, t(0), 2 * w, out=r)
        return np.divide(r, 2 * w, out=r)

    return forward, (lambda: np.multiply(g, (np.abs(x) < w) / (2 * w), out=o))


def _np_hardswish(c: Config, x: Array, g: Array, o: Array) -> tuple[Thunk, Thunk]:
    t = x.dtype.type

    def forward() -> object:
        r = np.add(x, t(3), out=o)
        np.clip(r, t(0), t(6), out=r)
        r *= x
        return np.divide(r, t(6), out=r)

    def backward() -> object:
        d = np.where(x < -3, t(0), np.where(x > 3, t(1), (x * t(2) + t(3)) / t(6)))
        return np.multiply(g, d, out=o)

    return forward, backward


def _np_softsign(c: Config, x: Array, g: Array, o: Array) -> tuple[Thunk, Thunk]:
    def backward() -> object:
        d = np.abs(x)
        d += 1
        d *= d
        return np.divide(g, d, out=o)

    return (lambda: np.divide(x, np.abs(x) + 1, out=o)), backward


def _np_softshrink(c: Config, x: Array, g: Array, o: Array) -> tuple[Thunk, Thunk]:
    lam = x.dtype.type(c.get("lambd", 0.5))
    return (lambda: np.subtract(x, np.clip(x, -lam, lam), out=o)), (
        lambda: np.multiply(g, np.abs(x) > lam, out=o)
    )


def _np_hardshrink(c: Config, x: Array, g: Array, o: Array) -> tuple[Thunk, Thunk]:
    lam = x.dtype.type(c.get("lambd", 0.5))

    def forward() -> object:
        return np.multiply(x, np.abs(x) > lam, out=o)

    return forward, (lambda: np.multiply(g, np.abs(x) > lam, out=o))


def _np_threshold(c: Config, x: Array, g: Array, o: Array) -> tuple[Thunk, Thunk]:
    th, v = x.dtype.type(c.get("threshold", 0.0)), x.dtype.type(c.get("value", 0.0))

    def forward() -> object:  # x [x > th] + v [x <= th], for finite x
        np.greater(x, th, out=o)
        if v == 0:
            return np.multiply(o, x, out=o)
        return np.add(np.multiply(o, x - v, out=o), v, out=o)

    def backward() -> object:
        np.greater(x, th, out=o)
        return np.multiply(o, g, out=o)

    return forward, backward


def _np_sparse_sigmoid(c: Config, x: Array, g: Array, o: Array) -> tuple[Thunk, Thunk]:
    t = x.dtype.type

    def forward() -> object:
        r = np.add(x, t(1), out=o)
        np.clip(r, t(0), t(2), out=r)
        return np.multiply(r, t(0.5), out=r)

    return forward, (lambda: np.multiply(g, (np.abs(x) < 1) * t(0.5), out=o))


def _np_exponential(c: Config, x: Array, g: Array, o: Array) -> tuple[Thunk, Thunk]:
    def forward() -> object:
        with np.errstate(over="ignore"):
            return np.exp(x, out=o)

    def backward() -> object:
        with np.errstate(over="ignore"):
            return np.multiply(g, np.exp(x), out=o)

    return forward, backward


def _np_identity(c: Config, x: Array, g: Array, o: Array) -> tuple[Thunk, Thunk]:
    return (lambda: np.copyto(o, x)), (lambda: np.copyto(o, g))


def _np_squareplus(c: Config, x: Array, g: Array, o: Array) -> tuple[Thunk, Thunk]:
    t = x.dtype.type
    b = t(c.get("b", 4.0))
    half = t(0.5)

    def forward() -> object:  # max(x, 0) + b / (2 (r + |x|)): no cancellation on either side
        r = np.sqrt(x * x + b)
        h = np.abs(x)
        h += r
        np.divide(half * b, h, out=h)
        h += np.clip(x, t(0), t(np.inf))
        np.copyto(o, h)
        return o

    def backward() -> object:  # h + [x > 0] (1 - 2h), h = b / (2 r (r + |x|))
        r = np.sqrt(x * x + b)
        h = np.abs(x)
        h += r
        h *= r
        np.divide(half * b, h, out=h)
        step = np.greater(x, t(0)).astype(x.dtype)
        step *= 1 - 2 * h
        h += step
        return np.multiply(g, h, out=o)

    return forward, backward


def _np_sparse_plus(c: Config, x: Array, g: Array, o: Array) -> tuple[Thunk, Thunk]:
    t = x.dtype.type

    def forward() -> object:  # (clip(x, -1, 1) + 1)^2 / 4 + max(x - 1, 0)
        r = np.clip(x, t(-1), t(1))
        r += 1
        r *= r
        r *= t(0.25)
        r += np.maximum(x - 1, t(0))
        return r

    def backward() -> object:
        d = np.add(x, t(1))
        np.clip(d, t(0), t(2), out=d)
        d *= t(0.5)
        return np.multiply(g, d, out=o)

    return forward, backward


#: Registry name -> builder of the plain NumPy/SciPy yardstick (forward, backward).
NUMPY_FORMULAS: dict[str, Builder] = {
    "relu": _np_relu,
    "leaky_relu": _np_leaky_relu,
    "prelu": _np_prelu,
    "rrelu": _np_rrelu,
    "sigmoid": _np_sigmoid,
    "tanh": _np_tanh,
    "elu": _np_elu,
    "selu": _np_selu,
    "celu": _np_celu,
    "gelu": _np_gelu,
    "silu": _np_silu,
    "softplus": _np_softplus,
    "log_sigmoid": _np_log_sigmoid,
    "mish": _np_mish,
    "hardtanh": _np_hardtanh,
    "relu6": _np_relu6,
    "hard_sigmoid": _np_hardsigmoid,
    "hard_swish": _np_hardswish,
    "softsign": _np_softsign,
    "softshrink": _np_softshrink,
    "hardshrink": _np_hardshrink,
    "threshold": _np_threshold,
    "sparse_sigmoid": _np_sparse_sigmoid,
    "exponential": _np_exponential,
    "identity": _np_identity,
    "squareplus": _np_squareplus,
    "sparse_plus": _np_sparse_plus,
}


# -- the SciPy one-liners -------------------------------------------------------------
def _sp_sigmoid(c: Config, x: Array, g: Array, o: Array) -> tuple[Thunk, Thunk]:
    from scipy.special import expit

    def backward() -> object:  # s(x) s(-x): no cancellation, unlike s (1 - s)
        s = expit(x)
        s *= expit(-x)
        return np.multiply(s, g, out=o)

    return (lambda: expit(x, out=o)), backward


def _sp_softplus(c: Config, x: Array, g: Array, o: Array) -> tuple[Thunk | None, Thunk | None]:
    from scipy.special import expit

    if c.get("beta", 1.0) != 1:
        return None, None
    return (lambda: np.logaddexp(x, x.dtype.type(0), out=o)), (lambda: np.multiply(g, expit(x), out=o))


def _sp_log_sigmoid(c: Config, x: Array, g: Array, o: Array) -> tuple[Thunk, Thunk]:
    from scipy.special import expit, log_expit

    return (lambda: log_expit(x, out=o)), (lambda: np.multiply(g, expit(-x), out=o))


def _sp_silu(c: Config, x: Array, g: Array, o: Array) -> tuple[Thunk | None, Thunk | None]:
    from scipy.special import expit

    if c.get("beta", 1.0) != 1:
        return None, None

    def backward() -> object:  # s (1 + x s(-x))
        d = x * expit(-x)
        d += 1
        d *= expit(x)
        return np.multiply(g, d, out=o)

    return (lambda: np.multiply(x, expit(x), out=o)), backward


def _sp_mish(c: Config, x: Array, g: Array, o: Array) -> tuple[Thunk | None, Thunk | None]:
    return (lambda: np.multiply(x, np.tanh(np.logaddexp(x, x.dtype.type(0))), out=o)), None


#: name -> builder of the textbook SciPy/NumPy one-liner (the "scipy" column): scalar-loop
#: special functions (expit, log_expit, logaddexp), for comparison with the vectorised formulas.
SCIPY_FORMULAS: dict[str, Builder] = {
    "sigmoid": _sp_sigmoid,
    "softplus": _sp_softplus,
    "log_sigmoid": _sp_log_sigmoid,
    "silu": _sp_silu,
    "mish": _sp_mish,
}


#: The parameters the yardsticks read, by registry name: an activation whose config has any other
#: parameter has none (a test checks every name and parameter against the registry).
PARAMETERS: dict[str, frozenset[str]] = {
    "leaky_relu": frozenset({"negative_slope"}),
    "prelu": frozenset({"weight"}),
    "rrelu": frozenset({"lower", "upper"}),
    "elu": frozenset({"alpha"}),
    "celu": frozenset({"alpha"}),
    "gelu": frozenset({"approximate"}),
    "silu": frozenset({"beta"}),
    "softplus": frozenset({"beta"}),
    "hardtanh": frozenset({"min_val", "max_val"}),
    "hard_sigmoid": frozenset({"kind"}),
    "softshrink": frozenset({"lambd"}),
    "hardshrink": frozenset({"lambd"}),
    "threshold": frozenset({"threshold", "value"}),
    "squareplus": frozenset({"b"}),
}


def reads(config: Config) -> bool:
    """Whether the yardsticks read every parameter of ``config`` (an activation's ``config``).

    Examples
    --------
    >>> from activations.bench._yardsticks import reads
    >>> reads({"name": "leaky_relu", "negative_slope": 0.2}), reads({"name": "relu", "unheard_of": 1})
    (True, False)
    """
    params = set(config) - {"name"}
    return params <= PARAMETERS.get(str(config.get("name")), frozenset())


def _competitor(table: dict[str, Builder], config: Config) -> Competitor | None:
    builder = table.get(str(config.get("name")))
    if builder is None or not reads(config):
        return None
    params = dict(config)

    def competitor(x: Array, g: Array, y: Array, o: Array) -> tuple[Thunk | None, Thunk | None]:
        return builder(params, x, g, o)

    return competitor


def scipy_competitor(config: Config) -> Competitor | None:
    """The textbook SciPy one-liner (``expit``, ``log_expit``, ``np.logaddexp``) for ``config``, or None.

    Examples
    --------
    >>> import numpy as np
    >>> from activations.bench._yardsticks import scipy_competitor
    >>> x = np.array([0.0]); o = np.empty(1)
    >>> forward, backward = scipy_competitor({"name": "sigmoid"})(x, x, x, o)
    >>> forward()
    array([0.5])
    >>> scipy_competitor({"name": "relu"}) is None
    True
    """
    return _competitor(SCIPY_FORMULAS, config)


def numpy_competitor(config: Config) -> Competitor | None:
    """The plain NumPy/SciPy formula of the activation ``config`` describes, or None.

    Examples
    --------
    >>> import numpy as np
    >>> from activations.bench._yardsticks import numpy_competitor
    >>> x = np.array([-1.0, 2.0]); g = np.ones(2); o = np.empty(2)
    >>> forward, backward = numpy_competitor({"name": "relu"})(x, g, x, o)
    >>> forward()
    array([0., 2.])
    >>> numpy_competitor({"name": "bent_identity"}) is None
    True
    """
    return _competitor(NUMPY_FORMULAS, config)
