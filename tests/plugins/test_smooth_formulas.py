"""The branch-free formulations of sigmoid.py, tanh.py, softplus.py, exponential.py and elu.py.

Each fast form has a seam that the accuracy grid does not aim at: a clipping
bound (squareplus's sqrt(largest float) / 2, softsign's 4 / eps, the cosh
bound of tanh'), a fallback (squareplus with a huge b, the careful path of the
exponential's backward), a constant chosen to be exact (SELU's scale alpha -
scale) or the use of ``output`` (softplus, log-sigmoid, exponential). These
tests put points on both sides of each seam, against mpmath at 50 digits, with
ACCURACY.md's measure; and tanh' in float32 on a dense stretch of the binades
where squaring cosh costs the most.
"""

import math
import warnings

import mpmath
import numpy as np
import pytest
from mpmath import mpf

import activations

mpmath.mp.dps = 50
DTYPES = [np.float32, np.float64]
SELU_ALPHA = mpf("1.6732632423543772848170429916717")
SELU_SCALE = mpf("1.0507009873554804934193349852946")


def ulp(v, dtype):
    """The spacing of ``dtype`` at |v| (the smallest subnormal below the normal range)."""
    info = np.finfo(dtype)
    v = abs(mpf(v))
    if v < mpf(float(info.tiny)):
        return mpf(float(info.smallest_subnormal))
    exponent = int(mpmath.floor(mpmath.log(v, 2)))
    return mpmath.ldexp(1, exponent - info.nmant)


def err(computed, x, g, dg, dtype):
    """ACCURACY.md's measure at one point: |c - g| / (ulp(g) + |g'| ulp(x))."""
    c = float(computed)
    if math.isinf(float(dtype(float(g)))):
        return 0.0 if c == float(dtype(float(g))) else math.inf
    if not math.isfinite(c):
        return math.inf
    return float(abs(mpf(c) - g) / (ulp(g, dtype) + abs(dg) * ulp(x, dtype)))


def call(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return fn(*args, **kwargs)


# -- squareplus: the clipping bound of x^2 and the hypot fallback for a huge b ---------------------
def squareplus(x, b):  # the sum cancels for x < 0 even at 50 digits when x^2 >> b
    h = mpmath.sqrt(x * x + b)
    return (x + h) / 2 if x >= 0 else (b / 2) / (h - x)


def squareplus_d(x, b):
    h = mpmath.sqrt(x * x + b)
    return (1 + x / h) / 2 if x >= 0 else (b / 2) / (h * (h - x))


def squareplus_d2(x, b):
    return b / (2 * (x * x + b) ** mpf(1.5))


@pytest.mark.parametrize(
    ("dtype", "b"),
    [
        (dtype, b)
        for dtype in DTYPES
        for b in (4.0, 1.0, 1e-30, 1e30, 1e300)
        if b < float(np.finfo(dtype).max) / 4
    ],
)
def test_squareplus_around_the_clipping_bound_and_for_any_b(dtype, b):
    info = np.finfo(dtype)
    bound = 0.5 * math.sqrt(float(info.max))
    around = np.array(
        [bound, np.nextafter(dtype(bound), dtype(0)), np.nextafter(dtype(bound), dtype(np.inf))]
    )
    magnitudes = np.concatenate(
        [around, around * 2, around / 2, [float(info.max), 1.0, 1e-3, 3.0 * math.sqrt(b)]]
    )
    x = np.concatenate([magnitudes, -magnitudes]).astype(dtype)
    act = activations.get("squareplus", b=b)
    forward, derivative = call(act.forward, x), call(act.derivative, x)
    bb = mpf(b)
    for i, xi in enumerate(x):
        v = mpf(float(xi))
        assert err(forward[i], v, squareplus(v, bb), squareplus_d(v, bb), dtype) <= 4, (b, xi, forward[i])
        assert err(derivative[i], v, squareplus_d(v, bb), squareplus_d2(v, bb), dtype) <= 8, (b, xi)


@pytest.mark.parametrize("dtype", DTYPES)
def test_squareplus_limits_with_a_huge_b(dtype):
    act = activations.get("squareplus", b=float(np.finfo(dtype).max) / 8)
    x = np.array([-np.inf, 0.0, np.inf, np.nan], dtype=dtype)
    assert np.array_equal(call(act.forward, x)[[0, 2, 3]], np.array([0.0, np.inf, np.nan]), equal_nan=True)
    assert np.array_equal(call(act.derivative, x)[[0, 2, 3]], np.array([0.0, 1.0, np.nan]), equal_nan=True)


# -- softsign: clipped at 4 / eps, beyond which the result rounds to +-1 --------------------------
@pytest.mark.parametrize("dtype", DTYPES)
def test_softsign_around_its_clipping_bound(dtype):
    bound = dtype(4.0 / float(np.finfo(dtype).eps))
    below = [np.nextafter(bound, dtype(0)), bound / 2, bound / 4, bound / 8]
    beyond = [bound, np.nextafter(bound, dtype(np.inf)), bound * 1024, np.finfo(dtype).max, np.inf]
    x = np.array([*below, *beyond, *(-v for v in below + beyond)], dtype=dtype)
    got = call(activations.get("softsign").forward, x)
    n = len(below)
    for xi, yi in zip(x, got, strict=True):
        v = mpf(float(xi))
        if math.isinf(v):
            assert yi == math.copysign(1, v)
            continue
        true = v / (1 + abs(v))
        assert err(yi, v, true, 1 / (1 + abs(v)) ** 2, dtype) <= 4, (xi, yi)
    assert np.all(np.abs(got[n : n + len(beyond)]) == 1)
    assert np.all(np.abs(got[2 * n + len(beyond) :]) == 1)


# -- SELU: the derivative is exactly scale above 0 and scale alpha at 0 ---------------------------
@pytest.mark.parametrize("dtype", DTYPES)
def test_selu_derivative_is_exactly_each_constant(dtype):
    info = np.finfo(dtype)
    x = np.array(
        [info.smallest_subnormal, 1.0, info.max, np.inf, 0.0, -0.0, -info.smallest_subnormal], dtype=dtype
    )
    got = call(activations.get("selu").derivative, x)
    scale, scale_alpha = dtype(float(SELU_SCALE)), dtype(float(SELU_SCALE * SELU_ALPHA))
    assert got.tolist() == [scale] * 4 + [scale_alpha] * 3


# -- backward from output: the same values as from x ----------------------------------------------
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    "spec", ["softplus", "softplus(beta=0.5)", "softplus(beta=2.0)", "log_sigmoid", "exponential"]
)
def test_backward_from_output_agrees_with_backward_from_x(spec, dtype):
    rng = np.random.default_rng(7)
    x = np.concatenate([rng.uniform(-120, 120, 2000), rng.standard_normal(2000), [-np.inf, np.inf, np.nan]])
    x = x.astype(dtype)
    g = rng.uniform(-4, 4, x.size).astype(dtype)
    act = activations.get(spec)
    with np.errstate(over="ignore"):  # exp(x) overflows for the largest x: the product is inf
        expected = (g.astype(np.float64) * act.derivative(x.astype(np.float64))).astype(dtype)
    for got in (call(act.backward, x, g), call(act.backward, x, g, output=act.forward(x))):
        tolerance = 8 * np.spacing(np.abs(expected)) + 8 * np.finfo(dtype).smallest_subnormal
        finite = np.isfinite(expected)
        assert np.all(np.abs(got[finite] - expected[finite]) <= tolerance[finite])
        assert np.array_equal(got[~finite], expected[~finite], equal_nan=True)


# -- the exponential's backward: the fast path and the careful one --------------------------------
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("with_output", [False, True])
def test_exponential_backward_keeps_finite_products_finite(dtype, with_output):
    big = 100.0 if dtype == np.float32 else 750.0  # exp(big) overflows, exp(big) * 1e-20 does not
    x = np.array([big, big, np.inf, np.inf, 1.0, -np.inf], dtype=dtype)
    g = np.array([1e-20, 0.0, 0.0, -1e-30, 2.0, 3.0], dtype=dtype)
    act = activations.get("exponential")
    output = act.forward(x) if with_output else None
    got = call(act.backward, x, g, output=output)
    true_first = mpf(float(dtype(1e-20))) * mpmath.exp(big)
    assert err(got[0], mpf(big), true_first, true_first, dtype) <= 8
    assert got[1:].tolist() == [0.0, 0.0, -np.inf, float(dtype(2.0) * np.exp(dtype(1.0))), 0.0]


# -- tanh': (1 / cosh x)^2 in float32, densely where squaring cosh costs the most ------------------
def test_tanh_derivative_float32_dense():
    lo, hi = np.float32(2.0**-6).view(np.int32), np.float32(1.0).view(np.int32)
    x = np.arange(lo, hi, 61, dtype=np.int32).view(np.float32)
    got = call(activations.get("tanh").derivative, x).astype(np.float64)
    x64 = x.astype(np.float64)
    true = 1 / np.cosh(x64) ** 2  # float64: 2**-29 of a float32 ulp
    slope = 2 * np.tanh(x64) * true
    spacing = np.spacing(true.astype(np.float32)).astype(np.float64)
    error = np.abs(got - true) / (spacing + slope * np.spacing(x).astype(np.float64))
    assert error.max() <= 8, (error.max(), x[np.argmax(error)])
