"""The smooth activations (elu.py, gated.py, softplus.py, exponential.py).

Values and derivatives are checked against closed forms evaluated here in
mpmath at 50 digits, never against the code under test, with ACCURACY.md's
measure, at the points where the frameworks lose them (tails, subnormals,
exp thresholds, derivative roots); then kinks, NaN, infinities, dtypes,
``out=``, mutation, warnings, parameter validation, configs, properties and
aliases.
"""

import math
import os
import subprocess
import sys
import warnings
from dataclasses import dataclass, field
from typing import Any

import mpmath
import numpy as np
import pytest
from mpmath import mpf

import activations

mpmath.mp.dps = 50
DTYPES = [np.float32, np.float64]
INF = math.inf
FORWARD_BOUND = 4.0
BACKWARD_BOUND = 8.0


# -- closed forms, in mpmath (x is an mpf, p the parameters) ---------------------------------------
def sigmoid(z):
    return 1 / (1 + mpmath.exp(-z))


def softplus_(z):
    return mpmath.log1p(mpmath.exp(z)) if z < 0 else z + mpmath.log1p(mpmath.exp(-z))


def ncdf(x):
    if abs(x) > 1e4:  # mpmath's erfc overflows on huge arguments; 0 and 1 to 50 digits
        return mpf(0) if x < 0 else mpf(1)
    return mpmath.ncdf(x)


def npdf(x):
    return mpf(0) if abs(x) > 1e4 else mpmath.npdf(x)


SELU_ALPHA = mpf("1.6732632423543772848170429916717")
SELU_SCALE = mpf("1.0507009873554804934193349852946")
TANH_C = mpmath.sqrt(2 / mpmath.pi)
TANH_K = mpf("0.044715")


def elu(x, p):
    return x if x > 0 else mpf(p.get("alpha", 1.0)) * mpmath.expm1(x)


def elu_d(x, p):
    return mpf(1) if x > 0 else mpf(p.get("alpha", 1.0)) * mpmath.exp(x)


def selu(x, p):
    return SELU_SCALE * (x if x > 0 else SELU_ALPHA * mpmath.expm1(x))


def selu_d(x, p):
    return SELU_SCALE * (1 if x > 0 else SELU_ALPHA * mpmath.exp(x))


def celu(x, p):
    a = mpf(p.get("alpha", 1.0))
    return max(mpf(0), x) + min(mpf(0), a * mpmath.expm1(x / a))


def celu_d(x, p):
    return mpf(1) if x > 0 else mpmath.exp(x / mpf(p.get("alpha", 1.0)))


def _tanh_digits(x):
    u = abs(TANH_C * (x + TANH_K * x**3))
    return 60 + int(min(u, mpf(2000)))  # 1 + tanh(u) ~ 2 exp(-2u): 2u / ln 10 < u digits lost


def gelu(x, p):
    form = p.get("approximate", "none")
    if form == "tanh":
        if x < -100:  # |f| < 1e-1000: 0 to any float precision
            return mpf(0)
        with mpmath.workdps(_tanh_digits(x)):  # 1 + tanh(u) cancels for u << 0: carry the digits
            return +(x * (1 + mpmath.tanh(TANH_C * (x + TANH_K * x**3))) / 2)
    if form == "sigmoid":
        return x * sigmoid(mpf("1.702") * x)
    return x * ncdf(x)


def gelu_d(x, p):
    form = p.get("approximate", "none")
    if form == "tanh":
        if x < -100:
            return mpf(0)
        with mpmath.workdps(_tanh_digits(x)):
            u = TANH_C * (x + TANH_K * x**3)
            sech2 = 1 / mpmath.cosh(u) ** 2
            return +((1 + mpmath.tanh(u)) / 2 + x * sech2 * TANH_C * (1 + 3 * TANH_K * x**2) / 2)
    if form == "sigmoid":
        k = mpf("1.702")
        return sigmoid(k * x) + k * x * sigmoid(k * x) * sigmoid(-k * x)
    return ncdf(x) + x * npdf(x)


def silu(x, p):
    return x * sigmoid(mpf(p.get("beta", 1.0)) * x)


def silu_d(x, p):
    b = mpf(p.get("beta", 1.0))
    return sigmoid(b * x) + b * x * sigmoid(b * x) * sigmoid(-b * x)


def mish(x, p):
    return x * mpmath.tanh(softplus_(x))


def mish_d(x, p):
    t = mpmath.tanh(softplus_(x))
    return t + x * sigmoid(x) / mpmath.cosh(softplus_(x)) ** 2


def softplus(x, p):
    b = mpf(p.get("beta", 1.0))
    return softplus_(b * x) / b


def softplus_d(x, p):
    return sigmoid(mpf(p.get("beta", 1.0)) * x)


def log_sigmoid(x, p):
    return -softplus_(-x)


def squareplus(x, p):
    b = mpf(p.get("b", 4.0))
    # (x + sqrt(x^2 + b)) / 2 cancels for x << 0: carry the digits it loses.
    with mpmath.workdps(60 + 2 * max(0, int(mpmath.log10(abs(x) + 1)))):
        return +((x + mpmath.sqrt(x * x + b)) / 2)


def squareplus_d(x, p):
    b = mpf(p.get("b", 4.0))
    with mpmath.workdps(60 + 2 * max(0, int(mpmath.log10(abs(x) + 1)))):
        return +((1 + x / mpmath.sqrt(x * x + b)) / 2)


def softsign(x, p):
    return x / (1 + abs(x))


def softsign_d(x, p):
    return 1 / (1 + abs(x)) ** 2


def exponential(x, p):
    return mpmath.exp(x)


# -- the measure of ACCURACY.md ----------------------------------------------------------------------
def ulp(v, dtype):
    """Spacing of ``dtype`` at |v|; the smallest subnormal below the normal range."""
    info = np.finfo(dtype)
    a = abs(v)
    if a < mpf(float(info.tiny)):
        return mpf(float(info.smallest_subnormal))
    if a >= mpf(float(info.max)):
        return mpf(float(info.max)) - mpf(float(np.nextafter(info.max, dtype(0))))
    return mpf(float(np.spacing(dtype(float(a)))))


def err(computed, x, g, dg, dtype):
    """|c - g(x)| / (ulp(g(x)) + |g'(x)| ulp(x)); infinite for a non-finite c where g(x) is finite."""
    x = mpf(float(x))
    true = g(x)
    biggest = mpf(float(np.finfo(dtype).max))
    if abs(true) > biggest:  # overflows: only the infinity of the right sign is right
        return 0.0 if np.isinf(computed) and (computed > 0) == (true > 0) else INF
    if not np.isfinite(computed):
        return INF
    slope = abs(dg(x))
    return float(abs(mpf(float(computed)) - true) / (ulp(true, dtype) + slope * ulp(x, dtype)))


def second(df, p):
    """f''(x) numerically (only used to weight the rounding of x, so a few digits suffice)."""
    return lambda x: mpmath.diff(lambda t: df(t, p), x)


@dataclass(frozen=True)
class Case:
    """One activation with parameters, its closed forms and the points where frameworks fail."""

    name: str
    f: Any
    df: Any
    points: dict[Any, tuple[float, ...]]  # dtype -> inputs
    limits: tuple[float, float, float, float]  # f(-inf), f(inf), f'(-inf), f'(inf)
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def spec(self) -> str:
        return self.name + (
            f"({', '.join(f'{k}={v!r}' for k, v in self.params.items())})" if self.params else ""
        )

    def get(self):
        return activations.get(self.name, **self.params)


SMALL = (0.0, -0.0, 1e-8, -1e-8, 1e-30, -1e-30, 0.5, -0.5, 1.0, -1.0, 3.0, -3.0)
COMMON = (*SMALL, 20.0, 20.5, -20.0, -20.5, 40.0)  # 20 and 20.5: PyTorch's softplus threshold
EXP32 = (-87.3, -88.5, -89.0, -100.0, -103.0, -104.0, 88.7, 89.0)  # exp's limits in float32
EXP64 = (-700.0, -708.5, -709.0, -720.0, -740.0, -745.0, 709.0, 710.0)  # and in float64
F32 = (*COMMON, *EXP32, 1e-40, -1e-40, 1e30, -1e30, 3e38, -3e38)
F64 = (*COMMON, *EXP64, 1e-310, -1e-310, 1e300, -1e300)
GATED32 = (-6.0, -7.0, -10.0, -14.0, -14.5, -0.7518, -1.2785, -1.1924, -21.0, -22.0)
GATED64 = (-6.0, -7.0, -30.0, -37.0, -37.5, -38.0, -38.5, -0.7518, -1.2785, -1.1924, -21.5, -22.0, -23.0)


def _points(extra32=(), extra64=()):
    return {np.float32: F32 + tuple(extra32), np.float64: F64 + tuple(extra64)}


CASES = [
    Case("elu", elu, elu_d, _points(), (-1, INF, 0, 1)),
    Case("elu", elu, elu_d, _points(), (-0.5, INF, 0, 1), {"alpha": 0.5}),
    Case("selu", selu, selu_d, _points(), (-float(SELU_SCALE * SELU_ALPHA), INF, 0, float(SELU_SCALE))),
    Case("celu", celu, celu_d, _points(), (-1, INF, 0, 1)),
    Case("celu", celu, celu_d, _points((-2000.0,), (-1500.0,)), (-2, INF, 0, 1), {"alpha": 2.0}),
    Case("gelu", gelu, gelu_d, _points(GATED32, GATED64), (0, INF, 0, 1)),
    Case("gelu", gelu, gelu_d, _points(GATED32, GATED64), (0, INF, 0, 1), {"approximate": "tanh"}),
    Case("gelu", gelu, gelu_d, _points(GATED32, GATED64), (0, INF, 0, 1), {"approximate": "sigmoid"}),
    Case("silu", silu, silu_d, _points(GATED32, GATED64), (0, INF, 0, 1)),
    Case("silu", silu, silu_d, _points(GATED32, GATED64), (0, INF, 0, 1), {"beta": 2.0}),
    Case("mish", mish, mish_d, _points(GATED32, GATED64), (0, INF, 0, 1)),
    Case("softplus", softplus, softplus_d, _points(), (0, INF, 0, 1)),
    Case("softplus", softplus, softplus_d, _points((-13.94,), (-34.04,)), (0, INF, 0, 1), {"beta": 2.0}),
    Case("softplus", softplus, softplus_d, _points(), (0, INF, 0, 1), {"beta": 0.5}),
    Case("log_sigmoid", log_sigmoid, lambda x, p: sigmoid(-x), _points(), (-INF, 0, 1, 0)),
    Case(
        "squareplus",
        squareplus,
        squareplus_d,
        _points((-1e8, -1e19, -1e20), (-1e160, 1e308, -1e308)),
        (0, INF, 0, 1),
    ),
    Case("squareplus", squareplus, squareplus_d, _points((-1e8,), (-1e160,)), (0, INF, 0, 1), {"b": 1.0}),
    Case("softsign", softsign, softsign_d, _points((1e19, 1e20), (1e160, 1e308)), (-1, 1, 0, 0)),
    Case("exponential", exponential, exponential, _points(), (0, INF, 0, INF)),
]
IDS = [case.spec for case in CASES]


def _case_for(spec):
    act = activations.get(spec)
    return next(c for c in CASES if c.get() == act)


def _run(method, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return method(*args, **kwargs)


# -- values and derivatives --------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_values_and_derivatives_against_mpmath(case, dtype):
    act = case.get()
    x = np.array(case.points[dtype], dtype=dtype)
    y, d = _run(act.forward, x), _run(act.derivative, x)
    f = lambda t: case.f(t, case.params)  # noqa: E731
    df = lambda t: case.df(t, case.params)  # noqa: E731
    kinks = set(act.properties.kinks)
    bad = []
    for xi, yi, di in zip(x, y, d, strict=True):
        e_f = err(yi, xi, f, df, dtype)
        e_d = 0.0 if float(xi) in kinks else err(di, xi, df, second(case.df, case.params), dtype)
        if not (e_f <= FORWARD_BOUND and e_d <= BACKWARD_BOUND):
            bad.append((float(xi), float(yi), e_f, float(di), e_d))
    assert not bad, f"{case.spec} {np.dtype(dtype)}: (x, f, err, f', err) {bad}"


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_backward_is_grad_times_derivative(case, dtype):
    act = case.get()
    x = np.array(case.points[dtype], dtype=dtype)
    grad = np.linspace(-2, 2, x.size).astype(dtype)
    with np.errstate(over="ignore", invalid="ignore"):  # inf * 0 and overflows: left out below
        expected = grad * _run(act.derivative, x)
    finite = np.isfinite(expected)
    for output in (None, _run(act.forward, x)):
        got = _run(act.backward, x, grad, output=output)
        assert got.dtype == dtype
        info = np.finfo(dtype)
        np.testing.assert_allclose(
            got[finite], expected[finite], rtol=4 * info.eps, atol=2 * info.smallest_subnormal
        )


@pytest.mark.parametrize(
    ("spec", "dtype", "x", "framework_value"),
    [
        ("elu", np.float32, -1e-8, "0 in TF 2.21 (exp(x) - 1)"),
        ("gelu", np.float32, -7.0, "0 in PyTorch and TF (x <= -6)"),
        ("gelu", np.float32, -6.0, "0 in PyTorch and TF"),
        ("gelu(approximate='tanh')", np.float32, -7.0, "0 where 1 + tanh(u) cancels"),
        ("silu", np.float32, -89.0, "-0.0 with x / (1 + exp(-x))"),
        ("silu", np.float64, -740.0, "digits lost to a subnormal exp(x)"),
        ("mish", np.float32, -100.0, "digits lost to a subnormal exp(x)"),
        ("squareplus", np.float32, -1e8, "0 from x + sqrt(x^2 + b)"),
        ("squareplus", np.float64, -1e300, "0 when x^2 overflows"),
    ],
)
def test_left_tails_that_frameworks_lose_are_kept(spec, dtype, x, framework_value):
    case = _case_for(spec)
    y = case.get()(np.array([x], dtype=dtype))[0]
    assert y != 0, framework_value
    e = err(y, dtype(x), lambda t: case.f(t, case.params), lambda t: case.df(t, case.params), dtype)
    assert e <= FORWARD_BOUND


def test_softplus_has_no_threshold_jump():
    sp = activations.get("softplus")
    x = np.array([20.0, 20.5, 30.0])
    got = sp(x) - x
    for xi, gi in zip(x, got, strict=True):
        true = softplus(mpf(float(xi)), {}) - mpf(float(xi))
        # the difference is quantised by ulp(x): compare at that resolution
        assert abs(mpf(float(gi)) - true) <= mpf(float(np.spacing(xi)))
    assert got[1] > 0  # PyTorch returns 20.5 itself


@pytest.mark.parametrize(
    ("spec", "dtype", "x"),
    [
        ("elu", np.float32, -20.0),  # JAX's y + alpha gives 0
        ("selu", np.float64, -700.0),  # JAX's y + lambda alpha gives 0
        ("silu", np.float64, -40.0),  # y (1 - sigma) forms cancel
        ("silu", np.float32, -95.0),
        ("gelu", np.float32, -10.0),
        ("gelu", np.float64, -37.5),  # phi(x) subnormal
        ("softplus", np.float64, -40.0),  # sigmoid(-40) = 4.2e-18
        ("softplus", np.float32, -100.0),  # subnormal
        ("mish", np.float64, 20.0),  # 1 - t^2 cancels to 0: f' = 1 instead of 1 + 3.4e-16
        ("log_sigmoid", np.float64, 40.0),  # sigmoid(-40), not 1 - exp(y)
        ("squareplus", np.float64, -1e160),  # 1 + x / sqrt(x^2 + b) cancels
        ("softsign", np.float64, 1e160),  # (1 + |x|)^2 overflows
    ],
)
def test_derivative_tails_that_frameworks_lose_are_kept(spec, dtype, x):
    case = _case_for(spec)
    d = case.get().derivative(np.array([x], dtype=dtype))[0]
    assert d not in (0, 1)
    e = err(d, dtype(x), lambda t: case.df(t, {}), second(case.df, {}), dtype)
    assert e <= BACKWARD_BOUND


@pytest.mark.parametrize(
    ("spec", "root"),
    [
        ("gelu", "-0.75179152469356445746"),
        ("gelu(approximate='tanh')", "-0.75246142207101625849"),
        ("gelu(approximate='sigmoid')", "-0.7511542554412889513"),
        ("silu", "-1.2784645427610737951"),
        ("mish", "-1.1924312145154952121"),
    ],
)
@pytest.mark.parametrize("dtype", DTYPES)
def test_derivative_near_its_root(spec, root, dtype):
    case = _case_for(spec)
    act = case.get()
    x = dtype(float(root))
    xs = [x]
    for _ in range(20):
        xs.append(np.nextafter(xs[-1], dtype(INF)))
        xs.insert(0, np.nextafter(xs[0], dtype(-INF)))
    xs = np.array(xs, dtype=dtype)
    d = act.derivative(xs)
    errs = [
        err(di, xi, lambda t: case.df(t, case.params), second(case.df, case.params), dtype)
        for xi, di in zip(xs, d, strict=True)
    ]
    assert max(errs) <= BACKWARD_BOUND


# -- kinks, NaN, infinities ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("spec", "value"),
    [
        ("elu", 1.0),
        ("elu(alpha=0.5)", 0.5),
        ("elu(alpha=2.0)", 2.0),
        ("selu", float(SELU_SCALE * SELU_ALPHA)),
        ("celu", 1.0),
        ("celu(alpha=3.0)", 1.0),
        ("squareplus(b=0.0)", 0.0),
    ],
)
@pytest.mark.parametrize("dtype", DTYPES)
def test_derivative_at_zero_is_the_convention(spec, value, dtype):
    d = activations.get(spec).derivative(np.array([0.0, -0.0], dtype=dtype))
    assert d.tolist() == [float(dtype(value))] * 2


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_nan_propagates(case):
    act = case.get()
    x = np.array([np.nan, 1.0, np.nan, -1.0])
    for got in (
        _run(act.forward, x),
        _run(act.derivative, x),
        _run(act.backward, x, np.ones_like(x)),
        _run(act.backward, x, np.ones_like(x), output=_run(act.forward, x)),
    ):
        assert np.isnan(got).tolist() == [True, False, True, False]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_infinities_give_the_limits(case, dtype):
    act = case.get()
    x = np.array([-INF, INF], dtype=dtype)
    f_lo, f_hi, d_lo, d_hi = case.limits
    assert _run(act.forward, x).tolist() == [float(dtype(f_lo)), float(dtype(f_hi))]
    assert _run(act.derivative, x).tolist() == [float(dtype(d_lo)), float(dtype(d_hi))]


def test_exponential_overflows_to_inf_without_warning():
    exp = activations.get("exponential")
    assert _run(exp, np.array([89.0], dtype=np.float32))[0] == INF
    assert _run(exp, np.array([88.7], dtype=np.float32))[0] < INF
    assert _run(exp.derivative, np.array([710.0]))[0] == INF
    assert _run(exp, np.array([709.7]))[0] < INF


def test_exponential_backward_stays_finite_where_the_product_is():
    exp = activations.get("exponential")
    x = np.array([800.0, 1500.0, 800.0, INF, -INF])
    grad = np.array([1e-300, 1e-300, 0.0, 0.0, 1.0])
    got = _run(exp.backward, x, grad)
    true = mpmath.exp(800) * mpf(1e-300)
    assert abs(mpf(float(got[0])) - true) <= 2 * ulp(true, np.float64)
    assert got[1:].tolist() == [INF, 0.0, 0.0, 0.0]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_extremes_do_not_warn(case, dtype):
    act = case.get()
    info = np.finfo(dtype)
    x = np.array(
        [
            -INF,
            -info.max,
            -1e4,
            -1e3,
            -info.tiny,
            -info.smallest_subnormal,
            -0.0,
            0.0,
            info.smallest_subnormal,
            info.tiny,
            1e3,
            1e4,
            info.max,
            INF,
            np.nan,
        ],
        dtype=dtype,
    )
    y = _run(act.forward, x)
    d = _run(act.derivative, x)
    _run(act.backward, x, np.ones_like(x))
    _run(act.backward, x, np.ones_like(x), output=y)
    assert not np.isnan(y[:-1]).any()
    assert not np.isnan(d[:-1]).any()


# -- dtypes, out=, mutation ------------------------------------------------------------------------
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_dtypes_are_kept(case):
    act = case.get()
    for dtype in (np.float16, np.float32, np.float64):
        x = np.linspace(-5, 5, 11).astype(dtype)
        assert act(x).dtype == dtype
        assert act.derivative(x).dtype == dtype
        assert act.backward(x, np.ones_like(x)).dtype == dtype
    assert act(np.array([1, 2])).dtype == np.float64


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_out_is_written_and_returned_and_the_input_is_kept(case, dtype):
    act = case.get()
    x = np.linspace(-50, 50, 41).astype(dtype)
    keep = x.copy()
    grad = np.linspace(1, 2, 41).astype(dtype)
    for method, args in ((act.forward, (x,)), (act.derivative, (x,)), (act.backward, (x, grad))):
        expected = method(*args)
        out = np.full_like(x, 7.0)
        assert method(*args, out=out) is out
        np.testing.assert_array_equal(out, expected)
        np.testing.assert_array_equal(x, keep)
    strided = np.zeros(82, dtype=dtype)[::2]  # a non-contiguous out
    assert act.forward(x, out=strided) is strided
    np.testing.assert_array_equal(strided, act.forward(x))


def test_float32_intermediates_do_not_upcast():
    for name in ("elu", "selu", "celu", "softplus", "log_sigmoid", "squareplus", "softsign", "exponential"):
        plugin = activations.get(name).plugin
        x = np.linspace(-3, 3, 7, dtype=np.float32)
        assert plugin.forward(x).dtype == np.float32
        assert plugin.derivative(x).dtype == np.float32


# -- parameters, configs, properties, names -------------------------------------------------------
def _accepted(name):
    return activations.describe(name).parameters


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        ("gelu", {"approximate": "fast"}, "approximate must be 'none', 'tanh' or 'sigmoid', got 'fast'"),
        ("gelu", {"approximate": True}, "parameter 'approximate' expected a string, got True"),
        ("celu", {"alpha": 0.0}, "alpha must not be 0"),
        ("celu", {"alpha": math.nan}, "alpha must be finite, got nan"),
        ("elu", {"alpha": math.inf}, "alpha must be finite, got inf"),
        ("softplus", {"beta": 0.0}, "beta must be positive and finite, got 0.0"),
        ("softplus", {"beta": -1.0}, "beta must be positive and finite, got -1.0"),
        ("silu", {"beta": 0.0}, "beta must be positive and finite, got 0.0"),
        ("squareplus", {"b": -1.0}, "b must be non-negative and finite, got -1.0"),
        ("squareplus", {"b": math.inf}, "b must be non-negative and finite, got inf"),
    ],
)
def test_invalid_parameters_are_refused(name, params, message):
    ((key, value),) = params.items()
    accepted = ", ".join(f"{k}={v!r}" for k, v in _accepted(name).items())
    with pytest.raises(activations.InvalidSpecError) as info:
        activations.get(name, **params)
    assert str(info.value) == f"{name}({key}={value!r}): {message}; accepted: {accepted}"


def test_unknown_parameters_are_refused():
    with pytest.raises(activations.InvalidSpecError, match=r"selu\(\) got an unknown parameter 'alpha'"):
        activations.get("selu", alpha=1.0)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_config_round_trips_through_get(case):
    act = case.get()
    assert act.config.items() >= {"name": case.name, **case.params}.items()
    assert activations.get(act.config) == act
    assert activations.get(repr(act)) == act
    assert activations.get(repr(act)).config == act.config


def test_defaults():
    assert activations.get("elu").config == {"name": "elu", "alpha": 1.0}
    assert activations.get("selu").config == {"name": "selu"}
    assert activations.get("celu").config == {"name": "celu", "alpha": 1.0}
    assert activations.get("gelu").config == {"name": "gelu", "approximate": "none"}
    assert activations.get("silu").config == {"name": "silu", "beta": 1.0}
    assert activations.get("mish").config == {"name": "mish"}
    assert activations.get("softplus").config == {"name": "softplus", "beta": 1.0}
    assert activations.get("log_sigmoid").config == {"name": "log_sigmoid"}
    assert activations.get("squareplus").config == {"name": "squareplus", "b": 4.0}
    assert activations.get("softsign").config == {"name": "softsign"}
    assert activations.get("exponential").config == {"name": "exponential"}


@pytest.mark.parametrize(
    ("alias", "name"),
    [
        ("swish", "silu"),
        ("SiLU", "silu"),
        ("logsigmoid", "log_sigmoid"),
        ("LogSigmoid", "log_sigmoid"),
        ("log-sigmoid", "log_sigmoid"),
        ("soft_sign", "softsign"),
        ("Softsign", "softsign"),
        ("GELU", "gelu"),
        ("ELU", "elu"),
        ("SELU", "selu"),
        ("CELU", "celu"),
        ("Mish", "mish"),
        ("Softplus", "softplus"),
        ("squareplus", "squareplus"),
        ("exponential", "exponential"),
    ],
)
def test_framework_names_resolve(alias, name):
    assert activations.get(alias).name == name


def _minimum(case):
    """The minimum of f, by mpmath's root finder on f' (started at the grid minimum)."""
    f = lambda t: case.f(t, case.params)  # noqa: E731
    grid = [mpf(i) / 50 for i in range(-250, 1)]
    start = min(grid, key=f)
    return f(mpmath.findroot(lambda t: case.df(t, case.params), start))


@pytest.mark.parametrize(
    "case", [c for c in CASES if c.name in ("gelu", "silu", "mish")], ids=lambda c: c.spec
)
def test_declared_minimum_is_the_true_one(case):
    low, high = case.get().properties.output_range
    assert high == INF
    assert low == pytest.approx(float(_minimum(case)), rel=1e-15)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_properties_hold_numerically(case):
    act = case.get()
    p = act.properties
    x = np.linspace(-30, 30, 6001)
    y = act(x)
    low, high = p.output_range
    assert np.all((y >= low) & (y <= high))
    assert p.monotonic == bool(np.all(np.diff(y) >= 0))
    assert p.zero_centered == bool(act(0.0) == 0 and y.min() < 0 < y.max())
    slopes = act.derivative(np.array([-1e-12, 1e-12]))
    assert p.identity_near_origin == bool(act(0.0) == 0 and np.allclose(slopes, 1, rtol=0, atol=1e-9))
    assert not p.sparse
    lower = abs(act.derivative(-1e6)) < 1e-9
    upper = abs(act.derivative(1e6)) < 1e-9
    assert p.saturating == {(True, True): "both", (True, False): "lower", (False, True): "upper"}.get(
        (bool(lower), bool(upper)), "none"
    )


@pytest.mark.parametrize(
    ("spec", "smoothness", "kinks", "identity"),
    [
        ("elu", 1, (), True),
        ("elu(alpha=0.5)", 0, (0.0,), False),
        ("selu", 0, (0.0,), False),
        ("celu", 1, (), True),
        ("celu(alpha=0.5)", 1, (), True),
        ("gelu", INF, (), False),
        ("silu", INF, (), False),
        ("mish", INF, (), False),
        ("softplus", INF, (), False),
        ("log_sigmoid", INF, (), False),
        ("squareplus", INF, (), False),
        ("squareplus(b=0.0)", 0, (0.0,), False),
        ("softsign", 1, (), True),
        ("exponential", INF, (), False),
    ],
)
def test_smoothness_kinks_and_identity(spec, smoothness, kinks, identity):
    p = activations.get(spec).properties
    assert (p.smoothness, p.kinks, p.identity_near_origin) == (smoothness, kinks, identity)


def test_properties_follow_the_parameters():
    assert activations.get("elu", alpha=0.5).properties.output_range == (-0.5, INF)
    assert activations.get("celu", alpha=-1.0).properties.output_range == (-INF, INF)
    assert activations.get("celu", alpha=-1.0).properties.saturating == "none"
    assert activations.get("silu", beta=2.0).properties.output_range[0] == pytest.approx(
        -0.2784645427610738 / 2
    )
    assert activations.get("squareplus", b=0.0).properties.sparse
    assert activations.get("gelu", approximate="tanh").properties.output_range[0] == pytest.approx(
        float(gelu(mpf("-0.75246142207101625849"), {"approximate": "tanh"})), rel=1e-15
    )


def test_squareplus_with_b_zero_is_relu():
    sq = activations.get("squareplus", b=0.0)
    x = np.array([-2.0, -0.0, 0.0, 3.0, -INF, INF])
    assert sq(x).tolist() == [0.0, 0.0, 0.0, 3.0, 0.0, INF]
    assert sq.derivative(x).tolist() == [0.0, 0.0, 0.0, 1.0, 0.0, 1.0]


def test_celu_with_negative_alpha_overflows_to_minus_inf_quietly():
    celu_ = activations.get("celu", alpha=-1.0)
    x = np.array([-800.0, -1.0, 1.0, -INF])
    y = _run(celu_, x)
    assert y[0] == y[3] == -INF
    assert y[1] == pytest.approx(float(-mpmath.expm1(1)))
    assert _run(celu_.derivative, x).tolist()[0] == INF


def test_scipy_is_imported_only_when_the_exact_gelu_runs():
    code = (
        "import sys, numpy as np, activations\n"
        "activations.get('silu')(np.ones(3)); activations.get('gelu', approximate='tanh')(np.ones(3))\n"
        "assert 'scipy' not in sys.modules, 'scipy imported too early'\n"
        "activations.get('gelu')(np.ones(3))\n"
        "assert 'scipy.special' in sys.modules\n"
    )
    # The NumPy formula imports SciPy; the compiled kernel does not need it.
    subprocess.run(
        [sys.executable, "-c", code], check=True, env={**os.environ, "ACTIVATIONS_PURE_NUMPY": "1"}
    )
