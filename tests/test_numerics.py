"""The building blocks of activations.numerics, against closed forms and mpmath, in both dtypes."""

import math
import warnings

import mpmath
import numpy as np
import pytest

from activations import numerics

DTYPES = [np.float32, np.float64]
SPECIALS = [-np.inf, -1e30, -2.0, -1e-30, -0.0, 0.0, 1e-30, 0.5, 2.0, 1e30, np.inf, np.nan]


def _x(dtype):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # 1e+-30 round to 0 or inf in float32: that is fine here
        return np.array(SPECIALS, dtype=dtype)


def _same(a, b):
    """Bit for bit, signed zeros and NaN included."""
    return a.dtype == b.dtype and np.array_equal(a.view(np.uint8), b.view(np.uint8))


@pytest.mark.parametrize("dtype", DTYPES)
def test_rectify_is_max_x_0_keeping_nan_and_negative_zero(dtype):
    x = _x(dtype)
    expected = np.array([0.0 if v < 0 else v for v in x.tolist()], dtype=dtype)  # -0.0 < 0 is False
    assert _same(numerics.rectify(x), expected)
    assert math.copysign(1.0, numerics.rectify(x)[4]) == -1.0


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("positive_zero", [True, False])
def test_step_is_one_above_zero_and_nan_for_nan(dtype, positive_zero):
    x = _x(dtype)
    got = numerics.step(x, positive_zero=positive_zero)
    expected = np.array([math.nan if math.isnan(v) else float(v > 0) for v in x.tolist()], dtype=dtype)
    assert np.array_equal(got, expected, equal_nan=True)
    if positive_zero:
        assert not np.signbit(got[~np.isnan(got)]).any()


@pytest.mark.parametrize("dtype", DTYPES)
def test_indicator_and_window(dtype):
    x = _x(dtype)
    got = numerics.indicator(x, x > 1, 0.25)
    expected = np.array([math.nan if math.isnan(v) else 0.25 * (v > 1) for v in x.tolist()], dtype=dtype)
    assert np.array_equal(got, expected, equal_nan=True)
    got = numerics.window(x, -2.0, 2.0, 3.0)
    expected = np.array([math.nan if math.isnan(v) else 3.0 * (-2 < v < 2) for v in x.tolist()], dtype=dtype)
    assert np.array_equal(got, expected, equal_nan=True)
    empty = numerics.window(x, 1.0, 1.0, 3.0)  # an empty interval: NaN stays NaN, the rest is 0
    assert np.array_equal(empty, np.where(np.isnan(x), np.nan, 0.0).astype(dtype), equal_nan=True)


@pytest.mark.parametrize("dtype", DTYPES)
def test_has_nan(dtype):
    x = _x(dtype)
    assert numerics.has_nan(x)
    assert not numerics.has_nan(x[:-1])
    assert not numerics.has_nan(x[:0])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("scale", [1.0, -1.0, 2.5, 1e-3])
def test_sigmoid_against_mpmath_tails_included(dtype, scale):
    x = np.concatenate([np.linspace(-50, 50, 201), [-745.0, -104.0, -88.0, 36.0, 40.0, 710.0]]).astype(dtype)
    got = numerics.sigmoid(x, scale=scale)  # under NumPy's default error settings, warnings are errors
    mpmath.mp.dps = 40
    exact = np.array([float(1 / (1 + mpmath.exp(-mpmath.mpf(scale) * mpmath.mpf(float(v))))) for v in x])
    exact = exact.astype(dtype)  # correctly rounded, up to double rounding in float32
    tiny = np.finfo(dtype).smallest_subnormal
    ulps = np.abs(got.astype(float) - exact.astype(float)) / np.maximum(np.spacing(np.abs(exact)), tiny)
    assert ulps.max() <= 4, (x[np.argmax(ulps)], got[np.argmax(ulps)], exact[np.argmax(ulps)])
    if scale < 0:
        assert got[x == 40.0][0] > 0  # the left tail is not lost


@pytest.mark.parametrize("dtype", DTYPES)
def test_sigmoid_with_a_gradient_and_in_place(dtype):
    x = np.array([-3.0, 0.0, 3.0, np.nan, -np.inf, np.inf], dtype=dtype)
    g = np.array([2.0, 2.0, 2.0, 2.0, 2.0, 2.0], dtype=dtype)
    expected = g * numerics.sigmoid(x.copy())
    same = x.copy()
    result = numerics.sigmoid(same, grad=g, out=same)
    assert result is same
    assert np.array_equal(result, expected, equal_nan=True)
    assert result[4] == 0
    assert result[5] == 2


@pytest.mark.parametrize(
    "function",
    [numerics.rectify, numerics.step, numerics.sigmoid, lambda x, out: numerics.window(x, -1, 1, 1, out)],
    ids=["rectify", "step", "sigmoid", "window"],
)
def test_out_is_written_and_returned(function):
    x = np.linspace(-3, 3, 7)
    out = np.empty_like(x)
    expected = function(x, out=None)
    assert function(x, out=out) is out
    assert np.array_equal(out, expected)


def test_clip_is_a_ufunc_keeping_nan():
    x = np.array([-2.0, np.nan, 5.0])
    assert isinstance(numerics.clip, np.ufunc)
    assert np.array_equal(numerics.clip(x, -1.0, 1.0), [-1.0, np.nan, 1.0], equal_nan=True)
