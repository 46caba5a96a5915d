"""The piecewise and shrinkage activations (rectifier.py, hard.py, shrink.py, linear.py).

Values and derivatives are checked against closed forms evaluated here in
mpmath at 50 digits, never against the code under test; each kink against
its stated convention; then NaN, infinities, dtypes, ``out=``, mutation,
parameter validation, configs, properties and aliases. tanhshrink, the one
that cancels, is swept over a log grid down to 1e-300.
"""

import math
from dataclasses import dataclass, field
from typing import Any

import hypothesis.extra.numpy as hnp
import hypothesis.strategies as st
import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from mpmath import mpf

import activations

DTYPES = [np.float32, np.float64]
INF = math.inf


# -- closed forms, in mpmath (x is an mpf, p the parameters) ---------------------------------------
def clip(x, lo, hi):
    return min(max(x, mpf(lo)), mpf(hi))


def inside(x, lo, hi, value=1):
    """`value` strictly inside (lo, hi), 0 at both ends and outside: the flat side at each kink."""
    return mpf(value) if mpf(lo) < x < mpf(hi) else mpf(0)


def tanhshrink(x):
    if x == 0:
        return x
    # x - tanh x ~ x^3 / 3 loses 2 log10(1/|x|) digits to cancellation: carry them.
    with mpmath.workdps(60 + 2 * max(0, -int(mpmath.log10(abs(x))))):
        return +(x - mpmath.tanh(x))


def rrelu_slope(p):
    return (mpf(p.get("lower", 1 / 8)) + mpf(p.get("upper", 1 / 3))) / 2


def hard_sigmoid(x, p):
    if p.get("kind", "relu6") == "keras2":
        return clip(x / 5 + mpf(1) / 2, 0, 1)
    return clip(x + 3, 0, 6) / 6


def hard_sigmoid_d(x, p):
    if p.get("kind", "relu6") == "keras2":
        return inside(x, -2.5, 2.5, mpf(1) / 5)
    return inside(x, -3, 3, mpf(1) / 6)


def hard_swish_d(x, p):
    if x <= -3:
        return mpf(0)
    return mpf(1) if x >= 3 else (2 * x + 3) / 6


def sparse_plus(x, p):
    if x <= -1:
        return mpf(0)
    return x if x >= 1 else (x + 1) ** 2 / 4


def softshrink(x, p):
    lam = mpf(p.get("lambd", 0.5))
    return x - lam if x > lam else x + lam if x < -lam else mpf(0)


def hardshrink(x, p):
    return x if abs(x) > mpf(p.get("lambd", 0.5)) else mpf(0)


def shrink_d(x, p):
    lam = p.get("lambd", 0.5)
    return mpf(1) if abs(x) > lam or lam == 0 else mpf(0)


@dataclass(frozen=True)
class Case:
    """One activation with parameters: closed forms, kink conventions and limits at -inf and +inf."""

    name: str
    f: Any
    df: Any
    kinks: dict[float, float]  # kink -> the derivative there
    limits: tuple[float, float, float, float]  # f(-inf), f(inf), f'(-inf), f'(inf)
    params: dict[str, Any] = field(default_factory=dict)
    ulps: float = 1.0  # allowed error at the chosen points, in ulps of the true value

    @property
    def spec(self) -> str:
        return self.name + (
            f"({', '.join(f'{k}={v!r}' for k, v in self.params.items())})" if self.params else ""
        )

    def get(self):
        return activations.get(self.name, **self.params)


CASES = [
    Case(
        "relu6",
        lambda x, p: clip(x, 0, 6),
        lambda x, p: inside(x, 0, 6),
        {0.0: 0.0, 6.0: 0.0},
        (0, 6, 0, 0),
    ),
    Case(
        "threshold",
        lambda x, p: x if x > 0 else mpf(0),
        lambda x, p: mpf(1) if x > 0 else mpf(0),
        {0.0: 0.0},
        (0, INF, 0, 1),
    ),
    Case(
        "threshold",
        lambda x, p: x if x > 1 else mpf(-2),
        lambda x, p: mpf(1) if x > 1 else mpf(0),
        {1.0: 0.0},
        (-2, INF, 0, 1),
        {"threshold": 1.0, "value": -2.0},
    ),
    Case(
        "rrelu",
        lambda x, p: x if x >= 0 else rrelu_slope(p) * x,
        lambda x, p: mpf(1) if x > 0 else rrelu_slope(p),
        {0.0: 11 / 48},
        (-INF, INF, 11 / 48, 1),
    ),
    Case(
        "rrelu",
        lambda x, p: x if x >= 0 else rrelu_slope(p) * x,
        lambda x, p: mpf(1) if x > 0 else rrelu_slope(p),
        {0.0: 2.5},
        (-INF, INF, 2.5, 1),
        {"lower": 2.0, "upper": 3.0},
    ),
    Case(
        "rrelu",
        lambda x, p: x if x >= 0 else rrelu_slope(p) * x,
        lambda x, p: mpf(1) if x > 0 else rrelu_slope(p),
        {0.0: 0.0},
        (0, INF, 0, 1),
        {"lower": 0.0, "upper": 0.0},
    ),
    Case(
        "rrelu",
        lambda x, p: x if x >= 0 else rrelu_slope(p) * x,
        lambda x, p: mpf(1) if x > 0 else rrelu_slope(p),
        {0.0: -0.75},
        (INF, INF, -0.75, 1),
        {"lower": -1.0, "upper": -0.5},
    ),
    Case(
        "hardtanh",
        lambda x, p: clip(x, -1, 1),
        lambda x, p: inside(x, -1, 1),
        {-1.0: 0.0, 1.0: 0.0},
        (-1, 1, 0, 0),
    ),
    Case(
        "hardtanh",
        lambda x, p: clip(x, -2, 0.5),
        lambda x, p: inside(x, -2, 0.5),
        {-2.0: 0.0, 0.5: 0.0},
        (-2, 0.5, 0, 0),
        {"min_val": -2.0, "max_val": 0.5},
    ),
    Case("hard_sigmoid", hard_sigmoid, hard_sigmoid_d, {-3.0: 0.0, 3.0: 0.0}, (0, 1, 0, 0), ulps=2),
    Case(
        "hard_sigmoid",
        hard_sigmoid,
        hard_sigmoid_d,
        {-2.5: 0.0, 2.5: 0.0},
        (0, 1, 0, 0),
        {"kind": "keras2"},
        ulps=2,  # (x + 2.5) / 5: two roundings
    ),
    Case(
        "hard_swish",
        lambda x, p: x * clip(x + 3, 0, 6) / 6,
        hard_swish_d,
        {-3.0: 0.0, 3.0: 1.0},
        (0, INF, 0, 1),
        ulps=2,  # x (x + 3) / 6: up to three roundings
    ),
    Case(
        "sparse_sigmoid",
        lambda x, p: clip(x + 1, 0, 2) / 2,
        lambda x, p: inside(x, -1, 1, mpf(1) / 2),
        {-1.0: 0.0, 1.0: 0.0},
        (0, 1, 0, 0),
    ),
    Case(
        "sparse_plus",
        sparse_plus,
        lambda x, p: clip(x + 1, 0, 2) / 2,
        {-1.0: 0.0, 1.0: 1.0},  # not kinks (f is C^1): f' is continuous there
        (0, INF, 0, 1),
        ulps=2,  # ((x + 1) / 2)^2: x + 1 rounds, the square doubles it
    ),
    Case("softshrink", softshrink, shrink_d, {-0.5: 0.0, 0.5: 0.0}, (-INF, INF, 1, 1)),
    Case("softshrink", softshrink, shrink_d, {-2.0: 0.0, 2.0: 0.0}, (-INF, INF, 1, 1), {"lambd": 2.0}),
    Case("softshrink", softshrink, shrink_d, {0.0: 1.0}, (-INF, INF, 1, 1), {"lambd": 0.0}),
    Case("hardshrink", hardshrink, shrink_d, {-0.5: 0.0, 0.5: 0.0}, (-INF, INF, 1, 1)),
    Case("hardshrink", hardshrink, shrink_d, {-0.25: 0.0, 0.25: 0.0}, (-INF, INF, 1, 1), {"lambd": 0.25}),
    Case("hardshrink", hardshrink, shrink_d, {0.0: 1.0}, (-INF, INF, 1, 1), {"lambd": 0.0}),
    Case(
        "tanhshrink",
        lambda x, p: tanhshrink(x),
        lambda x, p: mpmath.tanh(x) ** 2,
        {},
        (-INF, INF, 1, 1),
        ulps=4,
    ),
    Case("identity", lambda x, p: x, lambda x, p: mpf(1), {}, (-INF, INF, 1, 1)),
]
IDS = [c.spec for c in CASES]

# Points where the pieces meet and where rounding is hardest; each kink and its neighbours are added.
POINTS = [
    -1e30, -100.0, -7.0, -4.0, -3.5, -2.75, -2.0, -1.75, -1.5, -1.25, -0.75, -0.6, -0.3, -1e-3, -1e-10,
    -1e-30, -0.0, 0.0, 1e-30, 1e-10, 1e-3, 0.1, 0.25, 0.3, 0.7, 0.9, 1.3, 1.4, 1.5, 2.2, 2.9, 3.1, 4.5,
    5.9, 6.1, 8.0, 1e3, 1e30,
]  # fmt: skip


def points(case, dtype):
    kind = np.dtype(dtype).type
    xs = [kind(v) for v in POINTS] + [
        np.finfo(dtype).max,
        -np.finfo(dtype).max,
        np.finfo(dtype).smallest_subnormal,
    ]
    for k in case.kinks:
        xs += [kind(k), np.nextafter(kind(k), kind(-INF)), np.nextafter(kind(k), kind(INF))]
    return np.array(xs, dtype=dtype)


def ulp_error(computed, true, dtype):
    """|computed - true| in ulps of `dtype` at the true value (the smallest subnormal below normal)."""
    info = np.finfo(dtype)
    with mpmath.workdps(50):
        overflow = mpf(float(info.max)) * (1 + mpf(2) ** -(info.nmant + 1))  # rounds to inf from here on
        if abs(true) >= overflow:  # only the infinity of the right sign will do
            return 0.0 if float(computed) == math.copysign(INF, true) else INF
        exponent = math.frexp(float(abs(true)))[1] if true != 0 else info.minexp
        spacing = max(math.ldexp(1.0, exponent - 1 - info.nmant), float(info.smallest_subnormal))
        return float(abs(mpf(float(computed)) - true)) / spacing


def true_value(fn, x, params):
    with mpmath.workdps(50):
        return fn(mpf(float(x)), params)


# -- values ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_values_and_derivatives_against_mpmath(case, dtype):
    act = case.get()
    xs = points(case, dtype)
    forward, derivative = act(xs), act.derivative(xs)
    backward = act.backward(xs, np.full_like(xs, -2))
    for x, y, d, b in zip(xs, forward, derivative, backward, strict=True):
        f, df = true_value(case.f, x, case.params), true_value(case.df, x, case.params)
        assert ulp_error(y, f, dtype) <= case.ulps, f"{case.spec}({x!r}) = {y!r}, true {f}"
        assert ulp_error(d, df, dtype) <= 2 * case.ulps, f"{case.spec}'({x!r}) = {d!r}, true {df}"
        assert ulp_error(b, -2 * df, dtype) <= 2 * case.ulps, f"backward at {x!r}: {b!r}, true {-2 * df}"


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", [c for c in CASES if c.kinks], ids=[c.spec for c in CASES if c.kinks])
def test_derivative_at_each_kink_is_the_convention(case, dtype):
    act = case.get()
    for kink, expected in case.kinks.items():
        zeros = [-0.0] if kink == 0 else []
        x = np.array([kink, *zeros], dtype=dtype)
        want = np.full_like(x, expected)
        np.testing.assert_array_equal(act.derivative(x), want, err_msg=f"{case.spec}'({kink})")
        np.testing.assert_array_equal(act.backward(x, np.ones_like(x)), want)
        np.testing.assert_array_equal(act.backward(x, np.full_like(x, 3), output=act(x)), 3 * want)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_nan_propagates(case):
    act = case.get()
    for dtype in DTYPES:
        x = np.array([np.nan, 1.0, np.nan], dtype=dtype)
        nan = [True, False, True]
        np.testing.assert_array_equal(np.isnan(act(x)), nan)
        np.testing.assert_array_equal(np.isnan(act.derivative(x)), nan)
        np.testing.assert_array_equal(np.isnan(act.backward(x, np.ones_like(x))), nan)
        np.testing.assert_array_equal(np.isnan(act.backward(x, np.ones_like(x), output=act(x))), nan)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_infinities_give_the_limits(case, dtype):
    act = case.get()
    x = np.array([-INF, INF], dtype=dtype)
    f_lo, f_hi, d_lo, d_hi = case.limits
    np.testing.assert_array_equal(act(x), np.array([f_lo, f_hi], dtype=dtype))
    np.testing.assert_array_equal(act.derivative(x), np.array([d_lo, d_hi], dtype=dtype))


def test_signs_of_zero_are_as_documented():
    minus = np.array([-0.0])
    assert np.signbit(activations.get("relu6")(minus)).all()
    assert not np.signbit(activations.get("hardshrink")([-0.25, -0.0, 0.0])).any()
    assert not np.signbit(activations.get("softshrink")([-0.25, -0.0])).any()
    assert np.signbit(activations.get("hard_swish")([-5.0, -3.0, -0.0])).all()  # as PyTorch's
    assert not np.signbit(activations.get("threshold")(minus)).any()  # the value, +0.0
    for name in ["hard_sigmoid", "sparse_sigmoid", "sparse_plus", "relu6", "hardtanh"]:
        assert not np.signbit(activations.get(name).derivative([-0.0, -7.0, 7.0])).any(), name


# -- the array contract ---------------------------------------------------------------------------
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_dtypes_are_kept(case):
    act = case.get()
    for dtype in [np.float16, np.float32, np.float64]:
        x = np.array([-4.0, -0.5, 0.0, 0.75, 5.0], dtype=dtype)
        for result in (act(x), act.derivative(x), act.backward(x, np.ones_like(x))):
            assert result.dtype == dtype
    x16 = np.linspace(-5, 5, 41, dtype=np.float16)
    np.testing.assert_array_equal(act(x16), act(x16.astype(np.float32)).astype(np.float16))


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_out_is_written_and_returned_and_the_input_is_kept(case):
    act = case.get()
    for dtype in DTYPES:
        x = np.linspace(-8, 8, 97, dtype=dtype).reshape(1, 97)[:, ::2]  # a strided view
        x[0, 0] = np.nan
        kept = x.copy()
        grad = np.linspace(-1, 1, x.size, dtype=dtype).reshape(x.shape)
        for method, args in [
            (act.forward, (x,)),
            (act.derivative, (x,)),
            (act.backward, (x, grad)),
        ]:
            expected = method(*args)
            out = np.full(x.shape, 42.0, dtype=dtype)
            assert method(*args, out=out) is out
            np.testing.assert_array_equal(out, expected)
            np.testing.assert_array_equal(x, kept)
        aliased = x.copy()
        assert act.forward(aliased, out=aliased) is aliased
        np.testing.assert_array_equal(aliased, act(kept))


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_config_round_trips_through_get(case):
    act = case.get()
    assert act.config["name"] == case.name
    assert activations.get(act.config) == act
    assert activations.get(repr(act)) == act
    assert activations.get(repr(act)).config == act.config


def test_configs_carry_every_parameter():
    assert activations.get("threshold").config == {"name": "threshold", "threshold": 0.0, "value": 0.0}
    assert activations.get("rrelu").config == {"name": "rrelu", "lower": 1 / 8, "upper": 1 / 3}
    assert activations.get("hardtanh").config == {"name": "hardtanh", "min_val": -1.0, "max_val": 1.0}
    assert activations.get("hard_sigmoid").config == {"name": "hard_sigmoid", "kind": "relu6"}
    assert activations.get("softshrink").config == {"name": "softshrink", "lambd": 0.5}
    assert activations.get("hardshrink", lambd=1).config == {"name": "hardshrink", "lambd": 1.0}
    for name in ["relu6", "hard_swish", "sparse_sigmoid", "sparse_plus", "tanhshrink", "identity"]:
        assert activations.get(name).config == {"name": name}


# -- parameters -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        (
            "hardtanh",
            {"min_val": 2.0, "max_val": 1.0},
            "hardtanh(min_val=2.0, max_val=1.0): min_val must be less than max_val, "
            "got min_val=2.0, max_val=1.0; accepted: min_val=-1.0, max_val=1.0",
        ),
        (
            "hardtanh",
            {"max_val": -1.0},
            "hardtanh(max_val=-1.0): min_val must be less than max_val, "
            "got min_val=-1.0, max_val=-1.0; accepted: min_val=-1.0, max_val=1.0",
        ),
        (
            "hardtanh",
            {"min_val": -INF},
            "hardtanh(min_val=-inf): min_val and max_val must be finite, "
            "got min_val=-inf, max_val=1.0; accepted: min_val=-1.0, max_val=1.0",
        ),
        (
            "rrelu",
            {"lower": 0.5, "upper": 0.25},
            "rrelu(lower=0.5, upper=0.25): lower must not exceed upper, "
            "got lower=0.5, upper=0.25; accepted: lower=0.125, upper=0.3333333333333333",
        ),
        (
            "rrelu",
            {"upper": math.nan},
            "rrelu(upper=nan): lower and upper must be finite, "
            "got lower=0.125, upper=nan; accepted: lower=0.125, upper=0.3333333333333333",
        ),
        (
            "threshold",
            {"value": INF},
            "threshold(value=inf): threshold and value must be finite, "
            "got threshold=0.0, value=inf; accepted: threshold=0.0, value=0.0",
        ),
        (
            "softshrink",
            {"lambd": -0.5},
            "softshrink(lambd=-0.5): lambd must be finite and >= 0, got -0.5; accepted: lambd=0.5",
        ),
        (
            "hardshrink",
            {"lambd": math.nan},
            "hardshrink(lambd=nan): lambd must be finite and >= 0, got nan; accepted: lambd=0.5",
        ),
        (
            "hard_sigmoid",
            {"kind": "keras"},
            "hard_sigmoid(kind='keras'): kind must be 'relu6' or 'keras2', got 'keras'; "
            "accepted: kind='relu6'",
        ),
    ],
)
def test_invalid_parameters_are_refused(name, params, message):
    with pytest.raises(activations.InvalidSpecError) as info:
        activations.get(name, **params)
    assert str(info.value) == message


def test_invalid_parameters_in_a_spec_string_are_refused_too():
    with pytest.raises(activations.InvalidSpecError) as info:
        activations.get("hardtanh(min_val=2.0, max_val=1.0)")
    assert str(info.value) == (
        "hardtanh(min_val=2.0, max_val=1.0): min_val must be less than max_val, "
        "got min_val=2.0, max_val=1.0; accepted: min_val=-1.0, max_val=1.0"
    )


# -- properties -----------------------------------------------------------------------------------
def props(spec):
    return activations.get(spec).properties


def test_properties_of_the_fixed_ones():
    relu6 = props("relu6")
    assert (relu6.output_range, relu6.kinks, relu6.saturating, relu6.sparse) == (
        (0.0, 6.0),
        (0.0, 6.0),
        "both",
        True,
    )
    swish = props("hard_swish")
    assert swish.output_range == (-0.375, INF)  # the minimum, at x = -1.5
    assert (swish.monotonic, swish.zero_centered, swish.saturating) == (False, True, "lower")
    plus = props("sparse_plus")
    assert (plus.smoothness, plus.kinks, plus.sparse) == (1, (), True)  # C^1: no kink
    assert props("hard_sigmoid(kind='keras2')").kinks == (-2.5, 2.5)
    tanh_shrink = props("tanhshrink")
    assert (tanh_shrink.smoothness, tanh_shrink.zero_centered, tanh_shrink.identity_near_origin) == (
        INF,
        True,
        False,
    )
    identity = props("linear")
    assert (identity.identity_near_origin, identity.kinks, identity.saturating) == (True, (), "none")


def test_properties_follow_the_parameters():
    assert props("hardtanh").identity_near_origin
    assert props("hardtanh").zero_centered
    positive = props("hardtanh(min_val=0.0, max_val=6.0)")
    assert (positive.sparse, positive.zero_centered, positive.identity_near_origin) == (True, False, False)
    assert (positive.output_range, positive.kinks) == ((0.0, 6.0), (0.0, 6.0))

    relu_like = props("threshold")
    assert (relu_like.smoothness, relu_like.sparse, relu_like.monotonic) == (0, True, True)
    jump = props("threshold(threshold=1.0, value=2.0)")
    assert (jump.smoothness, jump.monotonic, jump.sparse, jump.output_range) == (-1, False, False, (1.0, INF))
    below = props("threshold(threshold=-1.0, value=-3.0)")
    assert (below.zero_centered, below.identity_near_origin, below.output_range) == (True, True, (-3.0, INF))

    assert (props("rrelu").zero_centered, props("rrelu").sparse) == (True, False)
    assert props("rrelu(lower=0.0, upper=0.0)").sparse

    soft, hard = props("softshrink"), props("hardshrink")
    assert (soft.smoothness, hard.smoothness) == (0, -1)
    assert soft.kinks == hard.kinks == (-0.5, 0.5)
    assert (soft.sparse, hard.sparse, soft.zero_centered, hard.zero_centered) == (True, True, True, True)
    for spec in ["softshrink(lambd=0.0)", "hardshrink(lambd=0.0)"]:  # the identity
        p = props(spec)
        assert (p.smoothness, p.kinks, p.sparse, p.identity_near_origin) == (INF, (), False, True)


# -- names ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("alias", "name"),
    [
        ("hard_tanh", "hardtanh"),
        ("HardTanh", "hardtanh"),
        ("hardsigmoid", "hard_sigmoid"),
        ("hardswish", "hard_swish"),
        ("hard_silu", "hard_swish"),
        ("soft_shrink", "softshrink"),
        ("hard_shrink", "hardshrink"),
        ("tanh_shrink", "tanhshrink"),
        ("linear", "identity"),
        ("ReLU6", "relu6"),
        ("RReLU", "rrelu"),
        ("Threshold", "threshold"),
        ("sparse-plus", "sparse_plus"),
        ("Sparse Sigmoid", "sparse_sigmoid"),
    ],
)
def test_framework_names_resolve(alias, name):
    assert activations.get(alias).name == name


# -- tanhshrink: the one that cancels -------------------------------------------------------------
def tanhshrink_grid(dtype):
    magnitudes = np.geomspace(1e-300, 1.0, 1500)
    with np.errstate(under="ignore"):
        xs = np.unique(magnitudes.astype(dtype))
    xs = xs[xs > 0]
    return np.concatenate([-xs[::-1], xs])


@pytest.mark.parametrize("dtype", DTYPES)
def test_tanhshrink_keeps_small_arguments_to_4_ulp(dtype):
    act = activations.get("tanhshrink")
    xs = tanhshrink_grid(dtype)
    forward, derivative = act(xs), act.derivative(xs)
    worst_f = worst_d = 0.0
    for x, y, d in zip(xs, forward, derivative, strict=True):
        X = mpf(float(x))
        worst_f = max(worst_f, ulp_error(y, tanhshrink(X), dtype))
        with mpmath.workdps(50):
            worst_d = max(worst_d, ulp_error(d, mpmath.tanh(X) ** 2, dtype))
    assert worst_f <= 4, worst_f  # plain relative ulps, stricter than ACCURACY.md's measure
    assert worst_d <= 8, worst_d


@pytest.mark.parametrize("dtype", DTYPES)
def test_tanhshrink_across_the_switch_to_the_direct_formula(dtype):
    act = activations.get("tanhshrink")
    kind = np.dtype(dtype).type
    around = [kind(1.4)]
    for _ in range(4):
        around = [np.nextafter(around[0], kind(0)), *around, np.nextafter(around[-1], kind(2))]
    xs = np.concatenate([np.array(around), np.linspace(0, 3, 301, dtype=dtype)])
    xs = np.concatenate([-xs, xs])
    for x, y in zip(xs, act(xs), strict=True):
        assert ulp_error(y, tanhshrink(mpf(float(x))), dtype) <= 4, x


def test_tanhshrink_of_1e_minus_10_is_not_cancelled():
    act = activations.get("tanhshrink")
    assert act(1e-10) == pytest.approx(3.3333333333333333e-31, rel=1e-15)  # x^3 / 3 - 2 x^5 / 15 ...
    for dtype in DTYPES:
        x = np.dtype(dtype).type(1e-10)
        assert ulp_error(act(x), tanhshrink(mpf(float(x))), dtype) <= 1


@pytest.mark.parametrize("name", ["tanhshrink", "softshrink", "hardshrink", "hardtanh", "identity"])
def test_odd_functions_are_exactly_odd(name):
    act = activations.get(name)
    for dtype in DTYPES:
        x = np.concatenate([np.geomspace(1e-30, 1e30, 401), np.linspace(0, 4, 401)]).astype(dtype)
        np.testing.assert_array_equal(act(-x), -act(x))
        np.testing.assert_array_equal(act.derivative(-x), act.derivative(x))


@pytest.mark.parametrize("dtype", DTYPES)
def test_tanhshrink_patches_small_values_in_any_layout(dtype):
    act = activations.get("tanhshrink")
    flat = np.linspace(-3, 3, 60, dtype=dtype)  # both sides of the switch at |x| = 1.4
    expected = act(flat)
    x = np.asfortranarray(flat.reshape(6, 10))
    np.testing.assert_array_equal(act(x), expected.reshape(6, 10))
    out = np.zeros((6, 20), dtype=dtype)[:, ::2]  # not contiguous
    assert act(x, out=out) is out
    np.testing.assert_array_equal(out, expected.reshape(6, 10))
    np.testing.assert_array_equal(act(flat[::-1]), expected[::-1])


# -- any input ------------------------------------------------------------------------------------
@given(data=st.data())
@settings(max_examples=60, deadline=None)
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_any_input_gives_nan_only_for_nan_and_stays_in_range(case, data):
    dtype = data.draw(st.sampled_from(DTYPES))
    x = data.draw(hnp.arrays(dtype, hnp.array_shapes(max_dims=2, max_side=6)))  # nan, inf, subnormals
    act = case.get()
    f, d = act(x), act.derivative(x)  # warnings are errors in this suite
    nan = np.isnan(x)
    np.testing.assert_array_equal(np.isnan(f), nan)
    np.testing.assert_array_equal(np.isnan(d), nan)
    low, high = (dtype(b) for b in act.properties.output_range)
    slack = [0 if np.isinf(b) else 2 * abs(np.spacing(b)) for b in (low, high)]  # as the kit allows
    assert np.all((f[~nan] >= low - slack[0]) & (f[~nan] <= high + slack[1]))
    assert np.all(np.isfinite(d[~nan]))


def test_hardtanh_bounds_that_meet_in_float32_give_an_empty_window():
    act = activations.get("hardtanh", min_val=1.0, max_val=1.0 + 1e-12)  # both 1.0 in float32
    x = np.array([0.5, 1.0, 2.0, np.nan], dtype=np.float32)
    np.testing.assert_array_equal(act(x), [1.0, 1.0, 1.0, np.nan])
    np.testing.assert_array_equal(act.derivative(x), [0.0, 0.0, 0.0, np.nan])
