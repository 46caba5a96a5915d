"""The independent reference: every catalogue activation in mpmath, from its definition.

Each entry of `REFERENCES` gives, for an exact real argument ``x`` (an ``mpf``,
typically a float32 or float64 value converted exactly), the exact value of
f, f' and f'' at 50 significant digits, with the parameters named and
defaulted as in PyTorch. The formulas are written from the mathematical
definitions (``shared/research/activation-math.md``), never from the code
under test, and arranged so that no evaluation cancels catastrophically at
any float argument (tails, tiny arguments, the surrogate 2**1100 used for an
infinite argument).

Kink conventions (the value of f' exactly at a kink) are PyTorch's, and the
flat side where PyTorch has no such function; each entry lists its kinks as
a function of the parameters so that the accuracy grid contains them.

Use `bind` to fix the parameters::

    >>> ref = bind("leaky_relu", negative_slope=0.2)
    >>> float(ref.df(mpf(0))), ref.kinks
    (0.2, (mpf('0.0'),))
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import mpmath
from mpmath import mpf

__all__ = ["DPS", "REFERENCES", "BoundReference", "Reference", "bind", "mpf"]

#: Significant digits of every reference evaluation.
DPS = 50

# Constants, as exact as the definitions give them.
SELU_ALPHA = "1.6732632423543772848170429916717"
SELU_SCALE = "1.0507009873554804934193349852946"
GELU_TANH_CUBIC = "0.044715"
GELU_SIGMOID_SCALE = "1.702"

Fn = Callable[[Any, Mapping[str, Any]], Any]


# -- building blocks (mpf in, mpf out) -----------------------------------------------------------
def _sigmoid(z: Any) -> Any:
    return 1 / (1 + mpmath.exp(-z))


def _sigmoid_prime(z: Any) -> Any:
    """sigmoid(z) sigmoid(-z), both factors computed directly (no cancellation)."""
    return _sigmoid(z) * _sigmoid(-z)


def _softplus(z: Any) -> Any:
    """log(1 + e^z) = max(z, 0) + log1p(e^-|z|)."""
    return max(z, mpf(0)) + mpmath.log1p(mpmath.exp(-abs(z)))


def _ncdf(x: Any) -> Any:
    """The standard normal CDF; asymptotic series beyond |x| = 1e6, where mpmath's erfc is slow."""
    if abs(x) <= 10**6:
        return mpmath.erfc(-x / mpmath.sqrt(2)) / 2
    # Phi(-t) = phi(t)/t * (1 - 1/t^2 + 3/t^4 - 15/t^6 + 105/t^8), relative error < 1e-57 here.
    t = abs(x)
    u = 1 / (t * t)
    tail = _npdf(t) / t * (1 - u + 3 * u**2 - 15 * u**3 + 105 * u**4)
    return tail if x < 0 else 1 - tail


def _npdf(x: Any) -> Any:
    return mpmath.exp(-x * x / 2) / mpmath.sqrt(2 * mpmath.pi)


def _step(x: Any, at: Any) -> Any:
    """1 for x > at, else 0: the derivative of a ramp, with the flat side at the kink."""
    return mpf(1) if x > at else mpf(0)


def _zero(x: Any, p: Mapping[str, Any]) -> Any:
    return mpf(0)


# -- the entries --------------------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True)
class Reference:
    """One activation: f, f', f'' of (x, params), its parameters and its special points.

    ``kinks(params)`` are the points where f' takes a convention value (or f
    jumps); ``roots(params)`` approximate zeros of f' or f away from the kinks
    (refined with `mpmath.findroot` by the grid); ``scale(params)`` the factor
    that multiplies x inside the transcendental part (beta of softplus), used to
    scale the break points of the grid.
    """

    name: str
    f: Fn
    df: Fn
    d2f: Fn
    defaults: Mapping[str, Any] = field(default_factory=dict)
    choices: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    kinks: Callable[[Mapping[str, Any]], tuple[Any, ...]] = lambda p: ()
    roots: Callable[[Mapping[str, Any]], tuple[Any, ...]] = lambda p: ()
    scale: Callable[[Mapping[str, Any]], Any] = lambda p: mpf(1)
    #: For each learnable parameter theta: (df/dtheta, d/dx df/dtheta) of (x, params).
    gradients: Mapping[str, tuple[Fn, Fn]] = field(default_factory=dict)


@dataclass(frozen=True)
class BoundReference:
    """A `Reference` with its parameters fixed: ``f(x)``, ``df(x)``, ``d2f(x)`` at `DPS` digits."""

    reference: Reference
    params: Mapping[str, Any]

    @property
    def name(self) -> str:
        return self.reference.name

    def _call(self, fn: Fn, x: Any) -> Any:
        with mpmath.workdps(DPS):
            return +fn(mpf(x), self.params)

    def f(self, x: Any) -> Any:
        return self._call(self.reference.f, x)

    def df(self, x: Any) -> Any:
        return self._call(self.reference.df, x)

    def d2f(self, x: Any) -> Any:
        return self._call(self.reference.d2f, x)

    def dtheta(self, name: str, x: Any) -> Any:
        """df/dtheta at x, for the learnable parameter ``name``."""
        return self._call(self.reference.gradients[name][0], x)

    def dtheta_dx(self, name: str, x: Any) -> Any:
        """d/dx of df/dtheta at x (its conditioning in x, for the accuracy measure)."""
        return self._call(self.reference.gradients[name][1], x)

    @functools.cached_property
    def kinks(self) -> tuple[Any, ...]:
        with mpmath.workdps(DPS):
            return tuple(sorted(set(self.reference.kinks(self.params))))

    @functools.cached_property
    def roots(self) -> tuple[Any, ...]:
        with mpmath.workdps(DPS):
            return tuple(self.reference.roots(self.params))

    @functools.cached_property
    def scale(self) -> Any:
        with mpmath.workdps(DPS):
            return self.reference.scale(self.params)


def bind(name: str, **params: Any) -> BoundReference:
    """The reference ``name`` with ``params`` (PyTorch's names; the rest default).

    Numbers are taken exactly as the binary floats they are (``0.01`` is the
    double nearest 0.01, as a caller passes it); strings select a variant.
    """
    ref = REFERENCES[name]
    unknown = set(params) - set(ref.defaults)
    if unknown:
        raise TypeError(f"{name}: unknown parameter(s) {sorted(unknown)}; parameters: {dict(ref.defaults)}")
    values: dict[str, Any] = {}
    for key, default in ref.defaults.items():
        value = params.get(key, default)
        if isinstance(default, str):
            if value not in ref.choices[key]:
                raise ValueError(f"{name}: {key} must be one of {ref.choices[key]}, got {value!r}")
            values[key] = value
        else:
            values[key] = mpf(float(value))
    return BoundReference(ref, values)


# ReLU family -----------------------------------------------------------------------------------
def _leaky(x: Any, a: Any) -> Any:
    return x if x >= 0 else a * x


def _leaky_d(x: Any, a: Any) -> Any:
    return mpf(1) if x > 0 else a  # the slope at the kink (PyTorch)


def _rrelu_slope(p: Mapping[str, Any]) -> Any:
    return (p["lower"] + p["upper"]) / 2  # evaluation mode: the midpoint


def _clip(x: Any, lo: Any, hi: Any) -> Any:
    return min(max(x, lo), hi)


def _inside(x: Any, lo: Any, hi: Any) -> Any:
    """1 strictly inside (lo, hi), 0 outside and at both ends (the flat side at each kink)."""
    return mpf(1) if lo < x < hi else mpf(0)


def _leaky_da(x: Any, p: Mapping[str, Any]) -> Any:
    return x if x < 0 else mpf(0)  # d/da of a x below 0


def _leaky_da_dx(x: Any, p: Mapping[str, Any]) -> Any:
    return mpf(1) if x < 0 else mpf(0)


# ELU family ------------------------------------------------------------------------------------
def _elu(x: Any, alpha: Any) -> Any:
    return x if x > 0 else alpha * mpmath.expm1(x)


def _elu_d(x: Any, alpha: Any) -> Any:
    return mpf(1) if x > 0 else alpha * mpmath.exp(x)  # alpha at 0 (PyTorch)


def _elu_d2(x: Any, alpha: Any) -> Any:
    return mpf(0) if x > 0 else alpha * mpmath.exp(x)


def _selu_const() -> tuple[Any, Any]:
    return mpf(SELU_ALPHA), mpf(SELU_SCALE)


def _celu(x: Any, p: Mapping[str, Any]) -> Any:
    a = p["alpha"]
    return x if x > 0 else a * mpmath.expm1(x / a)


def _celu_d(x: Any, p: Mapping[str, Any]) -> Any:
    return mpf(1) if x >= 0 else mpmath.exp(x / p["alpha"])  # 1 at 0 (both sides agree)


def _elu_dalpha(x: Any, p: Mapping[str, Any]) -> Any:
    return mpf(0) if x > 0 else mpmath.expm1(x)  # f = alpha expm1(x) below 0


def _elu_dalpha_dx(x: Any, p: Mapping[str, Any]) -> Any:
    return mpf(0) if x > 0 else mpmath.exp(x)


def _celu_dalpha(x: Any, p: Mapping[str, Any]) -> Any:
    """d/dalpha [alpha expm1(x/alpha)] = expm1(u) - u e^u, u = x/alpha, with digits past the cancellation."""
    if x >= 0:
        return mpf(0)
    a = p["alpha"]
    u = x / a
    lost = 0 if abs(u) >= 1 else int(-mpmath.log10(abs(u))) + 1  # the difference is about u^2/2, the terms u
    with mpmath.workdps(mpmath.mp.dps + lost + 10):
        u = mpf(x) / mpf(a)
        return +(mpmath.expm1(u) - u * mpmath.exp(u))


def _celu_dalpha_dx(x: Any, p: Mapping[str, Any]) -> Any:
    if x >= 0:
        return mpf(0)
    u = x / p["alpha"]
    return -u * mpmath.exp(u) / p["alpha"]


def _celu_d2(x: Any, p: Mapping[str, Any]) -> Any:
    a = p["alpha"]
    return mpf(0) if x > 0 else mpmath.exp(x / a) / a


# Self-gated: x * gate(k x) ---------------------------------------------------------------------
def _silu(x: Any, beta: Any) -> Any:
    return x * _sigmoid(beta * x)


def _silu_d(x: Any, beta: Any) -> Any:
    z = beta * x
    return _sigmoid(z) * (1 + z * _sigmoid(-z))


def _silu_d2(x: Any, beta: Any) -> Any:
    # d/dx [s + z s(1-s)] with z = beta x, s' = beta q, q = s(-z) s(z), q' = -beta q tanh(z/2)
    z = beta * x
    q = _sigmoid_prime(z)
    return beta * q * (2 - z * mpmath.tanh(z / 2))


def _gelu_u(x: Any) -> tuple[Any, Any, Any]:
    """u = sqrt(2/pi) (x + k x^3) of the tanh form, with u' and u''."""
    c = mpmath.sqrt(2 / mpmath.pi)
    k = mpf(GELU_TANH_CUBIC)
    return c * (x + k * x**3), c * (1 + 3 * k * x**2), 6 * c * k * x


def _gelu(x: Any, p: Mapping[str, Any]) -> Any:
    kind = p["approximate"]
    if kind == "none":
        return x * _ncdf(x)
    if kind == "tanh":  # x/2 (1 + tanh u) = x sigmoid(2u), without the cancellation of 1 + tanh u
        return x * _sigmoid(2 * _gelu_u(x)[0])
    return _silu(x, mpf(GELU_SIGMOID_SCALE))


def _gelu_d(x: Any, p: Mapping[str, Any]) -> Any:
    kind = p["approximate"]
    if kind == "none":
        return _ncdf(x) + x * _npdf(x)
    if kind == "tanh":
        u, du, _ = _gelu_u(x)
        return _sigmoid(2 * u) + x * 2 * du * _sigmoid_prime(2 * u)
    return _silu_d(x, mpf(GELU_SIGMOID_SCALE))


def _gelu_d2(x: Any, p: Mapping[str, Any]) -> Any:
    kind = p["approximate"]
    if kind == "none":
        return _npdf(x) * (2 - x * x)
    if kind == "tanh":
        # s = sigmoid(2u): s' = 2u' q, s'' = 2u'' q - (2u')^2 q tanh(u), q = sigmoid'(2u); f'' = 2s' + x s''
        u, du, d2u = _gelu_u(x)
        q = _sigmoid_prime(2 * u)
        return 4 * du * q + x * (2 * d2u * q - (2 * du) ** 2 * q * mpmath.tanh(u))
    return _silu_d2(x, mpf(GELU_SIGMOID_SCALE))


def _gelu_roots(p: Mapping[str, Any]) -> tuple[Any, ...]:
    return {
        "none": (mpf("-0.7518"),),
        "tanh": (mpf("-0.7518"),),
        "sigmoid": (mpf("-1.2785") / mpf("1.702"),),
    }[p["approximate"]]


def _mish(x: Any, p: Mapping[str, Any]) -> Any:
    return x * mpmath.tanh(_softplus(x))


def _mish_d(x: Any, p: Mapping[str, Any]) -> Any:
    sp = _softplus(x)
    return mpmath.tanh(sp) + x * _sigmoid(x) * mpmath.sech(sp) ** 2


def _mish_d2(x: Any, p: Mapping[str, Any]) -> Any:
    # t = tanh(sp), h = sech^2(sp), sp' = s: t' = s h, h' = -2 t h s
    sp = _softplus(x)
    s, t, h = _sigmoid(x), mpmath.tanh(sp), mpmath.sech(sp) ** 2
    return 2 * s * h + x * _sigmoid_prime(x) * h - 2 * x * s * s * t * h


# Smooth ramps ----------------------------------------------------------------------------------
def _silu_dbeta(x: Any, p: Mapping[str, Any]) -> Any:
    return x * x * _sigmoid_prime(p["beta"] * x)  # d/dbeta [x sigmoid(beta x)]


def _silu_dbeta_dx(x: Any, p: Mapping[str, Any]) -> Any:
    b = p["beta"]
    s = _sigmoid(b * x)
    return 2 * x * s * (1 - s) + x * x * b * s * (1 - s) * (1 - 2 * s)


def _softplus_dbeta(x: Any, p: Mapping[str, Any]) -> Any:
    """d/dbeta [softplus(beta x) / beta] = (x sigmoid(beta x) - f) / beta, by its definition.

    The two terms cancel to about beta |x| / ln 10 digits: the working precision
    is raised by that much. Beyond beta |x| = 3000 the value is below every
    float; there its first-order form -(|x| + 1/beta) exp(-beta |x|) / beta.
    """
    b = p["beta"]
    t = b * abs(x)
    if t > 3000:
        return -(abs(x) + 1 / b) * mpmath.exp(-t) / b
    with mpmath.workdps(mpmath.mp.dps + int(t / mpmath.ln(10)) + 10):
        x, b = mpf(x), mpf(b)
        f = _softplus(b * x) / b
        return +((x * _sigmoid(b * x) - f) / b)


def _softplus_dbeta_dx(x: Any, p: Mapping[str, Any]) -> Any:
    return x * _sigmoid_prime(p["beta"] * x)


def _squareplus_db(x: Any, p: Mapping[str, Any]) -> Any:
    return 1 / (4 * mpmath.sqrt(x * x + p["b"]))  # d/db [(x + sqrt(x^2 + b)) / 2]


def _squareplus_db_dx(x: Any, p: Mapping[str, Any]) -> Any:
    return -x / (4 * (x * x + p["b"]) ** mpf(1.5))


def _squareplus(x: Any, p: Mapping[str, Any]) -> Any:
    b = p["b"]
    r = mpmath.sqrt(x * x + b)
    return (x + r) / 2 if x >= 0 else b / (2 * (r - x))


def _squareplus_d(x: Any, p: Mapping[str, Any]) -> Any:
    b = p["b"]
    r = mpmath.sqrt(x * x + b)
    return (1 + x / r) / 2 if x >= 0 else b / (2 * r * (r - x))


def _squareplus_d2(x: Any, p: Mapping[str, Any]) -> Any:
    b = p["b"]
    return b / (2 * mpmath.sqrt(x * x + b) ** 3)


def _sparse_plus(x: Any, p: Mapping[str, Any]) -> Any:
    if x <= -1:
        return mpf(0)
    return x if x >= 1 else (x + 1) ** 2 / 4


def _sparse_sigmoid(x: Any, p: Mapping[str, Any]) -> Any:
    return _clip(x + 1, mpf(0), mpf(2)) / 2


def _sparse_plus_d(x: Any, p: Mapping[str, Any]) -> Any:
    return _sparse_sigmoid(x, p)  # continuous: 0 at -1, 1 at 1


def _half_inside(x: Any, p: Mapping[str, Any]) -> Any:
    return _inside(x, mpf(-1), mpf(1)) / 2


def _tanhshrink(x: Any, p: Mapping[str, Any]) -> Any:
    # x - tanh x ~ x^3/3 cancels 2*log2(1/|x|) bits: carry them as extra precision.
    extra = max(0, -2 * int(mpmath.mag(x))) + 16 if x != 0 else 0
    with mpmath.extraprec(extra):
        return x - mpmath.tanh(x)


def _hard_sigmoid_bounds(p: Mapping[str, Any]) -> tuple[Any, Any, Any]:
    """(slope, lower kink, upper kink) of the chosen variant."""
    if p["kind"] == "relu6":
        return 1 / mpf(6), mpf(-3), mpf(3)
    return mpf("0.2"), mpf("-2.5"), mpf("2.5")


def _hard_sigmoid(x: Any, p: Mapping[str, Any]) -> Any:
    if p["kind"] == "relu6":
        return _clip(x + 3, mpf(0), mpf(6)) / 6
    return _clip(mpf("0.2") * x + mpf("0.5"), mpf(0), mpf(1))


def _hard_sigmoid_d(x: Any, p: Mapping[str, Any]) -> Any:
    slope, lo, hi = _hard_sigmoid_bounds(p)
    return slope * _inside(x, lo, hi)


def _hard_swish(x: Any, p: Mapping[str, Any]) -> Any:
    return x * _clip(x + 3, mpf(0), mpf(6)) / 6


def _hard_swish_d(x: Any, p: Mapping[str, Any]) -> Any:
    if x <= -3:
        return mpf(0)  # hard_swish'(-3) = 0
    return mpf(1) if x >= 3 else (2 * x + 3) / 6  # hard_swish'(3) = 1


def _softshrink(x: Any, p: Mapping[str, Any]) -> Any:
    lam = p["lambd"]
    if x > lam:
        return x - lam
    return x + lam if x < -lam else mpf(0)


def _hardshrink(x: Any, p: Mapping[str, Any]) -> Any:
    return x if abs(x) > p["lambd"] else mpf(0)


def _shrink_d(x: Any, p: Mapping[str, Any]) -> Any:
    return mpf(1) if abs(x) > p["lambd"] else mpf(0)  # 0 at +-lambd


def _pm(p: Mapping[str, Any], key: str) -> tuple[Any, Any]:
    return (-p[key], p[key])


_NONE = ("none", "tanh", "sigmoid")

REFERENCES: dict[str, Reference] = {
    r.name: r
    for r in [
        Reference(
            name="relu",
            f=lambda x, p: max(x, mpf(0)),
            df=lambda x, p: _step(x, 0),
            d2f=_zero,
            kinks=lambda p: (mpf(0),),
        ),
        Reference(
            name="leaky_relu",
            defaults={"negative_slope": 0.01},
            f=lambda x, p: _leaky(x, p["negative_slope"]),
            df=lambda x, p: _leaky_d(x, p["negative_slope"]),
            d2f=_zero,
            kinks=lambda p: (mpf(0),),
            gradients={"negative_slope": (_leaky_da, _leaky_da_dx)},
        ),
        Reference(
            name="prelu",
            defaults={"weight": 0.25},
            f=lambda x, p: _leaky(x, p["weight"]),
            df=lambda x, p: _leaky_d(x, p["weight"]),
            d2f=_zero,
            kinks=lambda p: (mpf(0),),
            gradients={"weight": (_leaky_da, _leaky_da_dx)},
        ),
        Reference(
            name="relu6",
            f=lambda x, p: _clip(x, mpf(0), mpf(6)),
            df=lambda x, p: _inside(x, 0, 6),
            d2f=_zero,
            kinks=lambda p: (mpf(0), mpf(6)),
        ),
        Reference(
            name="threshold",
            defaults={"threshold": 0.0, "value": 0.0},
            f=lambda x, p: x if x > p["threshold"] else p["value"],
            df=lambda x, p: _step(x, p["threshold"]),
            d2f=_zero,
            kinks=lambda p: (p["threshold"],),
        ),
        Reference(
            name="rrelu",
            defaults={"lower": 1 / 8, "upper": 1 / 3},
            f=lambda x, p: _leaky(x, _rrelu_slope(p)),
            df=lambda x, p: _leaky_d(x, _rrelu_slope(p)),
            d2f=_zero,
            kinks=lambda p: (mpf(0),),
        ),
        Reference(
            name="elu",
            defaults={"alpha": 1.0},
            f=lambda x, p: _elu(x, p["alpha"]),
            df=lambda x, p: _elu_d(x, p["alpha"]),
            d2f=lambda x, p: _elu_d2(x, p["alpha"]),
            kinks=lambda p: (mpf(0),),
            gradients={"alpha": (_elu_dalpha, _elu_dalpha_dx)},
        ),
        Reference(
            name="selu",
            f=lambda x, p: _selu_const()[1] * _elu(x, _selu_const()[0]),
            df=lambda x, p: _selu_const()[1] * _elu_d(x, _selu_const()[0]),
            d2f=lambda x, p: _selu_const()[1] * _elu_d2(x, _selu_const()[0]),
            kinks=lambda p: (mpf(0),),
        ),
        Reference(
            name="celu",
            defaults={"alpha": 1.0},
            f=_celu,
            df=_celu_d,
            d2f=_celu_d2,
            kinks=lambda p: (mpf(0),),
            scale=lambda p: 1 / p["alpha"],
            gradients={"alpha": (_celu_dalpha, _celu_dalpha_dx)},
        ),
        Reference(
            name="gelu",
            defaults={"approximate": "none"},
            choices={"approximate": _NONE},
            f=_gelu,
            df=_gelu_d,
            d2f=_gelu_d2,
            roots=_gelu_roots,
            scale=lambda p: mpf(GELU_SIGMOID_SCALE) if p["approximate"] == "sigmoid" else mpf(1),
        ),
        Reference(
            name="silu",
            defaults={"beta": 1.0},
            f=lambda x, p: _silu(x, p["beta"]),
            df=lambda x, p: _silu_d(x, p["beta"]),
            d2f=lambda x, p: _silu_d2(x, p["beta"]),
            roots=lambda p: (mpf("-1.2785") / p["beta"],),
            scale=lambda p: p["beta"],
            gradients={"beta": (_silu_dbeta, _silu_dbeta_dx)},
        ),
        Reference(
            name="hard_sigmoid",
            defaults={"kind": "relu6"},
            choices={"kind": ("relu6", "keras2")},
            f=_hard_sigmoid,
            df=_hard_sigmoid_d,
            d2f=_zero,
            kinks=lambda p: _hard_sigmoid_bounds(p)[1:],
        ),
        Reference(
            name="hard_swish",
            f=_hard_swish,
            df=_hard_swish_d,
            d2f=lambda x, p: _inside(x, -3, 3) / 3,
            kinks=lambda p: (mpf(-3), mpf(3)),
        ),
        Reference(name="mish", f=_mish, df=_mish_d, d2f=_mish_d2, roots=lambda p: (mpf("-1.1924"),)),
        Reference(
            name="softplus",
            defaults={"beta": 1.0},
            f=lambda x, p: _softplus(p["beta"] * x) / p["beta"],
            df=lambda x, p: _sigmoid(p["beta"] * x),
            d2f=lambda x, p: p["beta"] * _sigmoid_prime(p["beta"] * x),
            scale=lambda p: p["beta"],
            gradients={"beta": (_softplus_dbeta, _softplus_dbeta_dx)},
        ),
        Reference(
            name="squareplus",
            defaults={"b": 4.0},
            f=_squareplus,
            df=_squareplus_d,
            d2f=_squareplus_d2,
            gradients={"b": (_squareplus_db, _squareplus_db_dx)},
        ),
        Reference(
            name="sparse_plus",
            f=_sparse_plus,
            df=_sparse_plus_d,
            d2f=_half_inside,
            kinks=lambda p: (mpf(-1), mpf(1)),
        ),
        Reference(
            name="sparse_sigmoid",
            f=_sparse_sigmoid,
            df=_half_inside,
            d2f=_zero,
            kinks=lambda p: (mpf(-1), mpf(1)),
        ),
        Reference(
            name="softsign",
            f=lambda x, p: x / (1 + abs(x)),
            df=lambda x, p: 1 / (1 + abs(x)) ** 2,
            d2f=lambda x, p: -2 * mpmath.sign(x) / (1 + abs(x)) ** 3,
        ),
        Reference(
            name="sigmoid",
            f=lambda x, p: _sigmoid(x),
            df=lambda x, p: _sigmoid_prime(x),
            d2f=lambda x, p: -_sigmoid_prime(x) * mpmath.tanh(x / 2),
        ),
        Reference(
            name="log_sigmoid",
            f=lambda x, p: -_softplus(-x),
            df=lambda x, p: _sigmoid(-x),
            d2f=lambda x, p: -_sigmoid_prime(x),
        ),
        Reference(
            name="tanh",
            f=lambda x, p: mpmath.tanh(x),
            df=lambda x, p: mpmath.sech(x) ** 2,
            d2f=lambda x, p: -2 * mpmath.tanh(x) * mpmath.sech(x) ** 2,
        ),
        Reference(
            name="hardtanh",
            defaults={"min_val": -1.0, "max_val": 1.0},
            f=lambda x, p: _clip(x, p["min_val"], p["max_val"]),
            df=lambda x, p: _inside(x, p["min_val"], p["max_val"]),
            d2f=_zero,
            kinks=lambda p: (p["min_val"], p["max_val"]),
        ),
        Reference(
            name="tanhshrink",
            f=_tanhshrink,
            df=lambda x, p: mpmath.tanh(x) ** 2,
            d2f=lambda x, p: 2 * mpmath.tanh(x) * mpmath.sech(x) ** 2,
        ),
        Reference(
            name="softshrink",
            defaults={"lambd": 0.5},
            f=_softshrink,
            df=_shrink_d,
            d2f=_zero,
            kinks=lambda p: _pm(p, "lambd"),
        ),
        Reference(
            name="hardshrink",
            defaults={"lambd": 0.5},
            f=_hardshrink,
            df=_shrink_d,
            d2f=_zero,
            kinks=lambda p: _pm(p, "lambd"),
        ),
        Reference(name="identity", f=lambda x, p: x, df=lambda x, p: mpf(1), d2f=_zero),
        Reference(
            name="exponential",
            f=lambda x, p: mpmath.exp(x),
            df=lambda x, p: mpmath.exp(x),
            d2f=lambda x, p: mpmath.exp(x),
        ),
    ]
}
