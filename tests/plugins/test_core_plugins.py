"""ReLU, Leaky ReLU, sigmoid and tanh against mpmath at 50 digits and at their kinks.

tests/test_accuracy.py sweeps every activation over a dense grid; this file
pins the points the issue names (the tails where frameworks fail) with
values computed here, independently, by mpmath.
"""

import warnings

import mpmath
import numpy as np
import pytest

import activations


def ref(fn, x):
    with mpmath.workdps(50):
        return fn(mpmath.mpf(float(x)))


def m_sigmoid(x):
    return 1 / (1 + mpmath.exp(-x))


def m_dsigmoid(x):
    return m_sigmoid(x) * m_sigmoid(-x)


def m_dtanh(x):
    return 1 / mpmath.cosh(x) ** 2


def ulps(computed, true, dtype):
    """|computed - true| in units of the spacing of `dtype` at the true value (subnormal floor)."""
    info = np.finfo(dtype)
    t = float(true)
    spacing = max(
        float(np.spacing(dtype(abs(t)))) if abs(t) < float(info.max) else np.inf,
        float(info.smallest_subnormal),
    )
    return abs(float(computed) - t) / spacing


POINTS = {
    np.float64: [
        -745.0,
        -709.0,
        -100.0,
        -40.0,
        -20.5,
        -20.0,
        -1e-8,
        0.0,
        1e-8,
        0.5,
        20.0,
        20.5,
        40.0,
        709.0,
        745.0,
    ],
    np.float32: [-104.0, -89.0, -88.5, -40.0, -20.0, -1e-8, 0.0, 1e-8, 0.5, 20.0, 40.0, 88.5, 89.0],
}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(
    ("name", "f", "df"),
    [
        ("sigmoid", m_sigmoid, m_dsigmoid),
        ("tanh", mpmath.tanh, m_dtanh),
    ],
)
def test_smooth_tails_against_mpmath(name, f, df, dtype):
    act = activations.get(name)
    xs = np.array(POINTS[dtype], dtype=dtype)
    forward, derivative = act(xs), act.derivative(xs)
    for x, y, d in zip(xs, forward, derivative, strict=True):
        assert ulps(y, ref(f, x), dtype) <= 2, (name, x, y, ref(f, x))
        assert ulps(d, ref(df, x), dtype) <= 4, (name, x, d, ref(df, x))


def test_the_tails_frameworks_lose_are_kept():
    sigmoid, tanh = activations.get("sigmoid"), activations.get("tanh")
    # y(1 - y) gives 0 here; the true values are representable.
    assert float(sigmoid.derivative(40.0)) == pytest.approx(float(ref(m_dsigmoid, 40.0)), rel=1e-15)
    assert float(tanh.derivative(20.0)) == pytest.approx(float(ref(m_dtanh, 20.0)), rel=1e-15)
    # float32 sigmoid below -88.7 is subnormal, not 0.
    assert float(sigmoid(np.float32(-100.0))) == pytest.approx(float(ref(m_sigmoid, -100.0)), rel=0.01)
    assert sigmoid(np.float32(-100.0)) > 0
    # float16 does not overflow in the naive exp(-x) above 11.09.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert sigmoid(np.float16(-12.0)) == np.float16(float(ref(m_sigmoid, -12.0)))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_relu_and_leaky_relu_are_exact(dtype):
    xs = np.array([-np.inf, -3.5, -1e-30, -0.0, 0.0, 1e-30, 2.25, np.inf], dtype=dtype)
    relu, leaky = activations.get("relu"), activations.get("leaky_relu", negative_slope=0.2)
    np.testing.assert_array_equal(relu(xs), [0, 0, 0, 0, 0, dtype(1e-30), 2.25, np.inf])
    np.testing.assert_array_equal(relu.derivative(xs), [0, 0, 0, 0, 0, 1, 1, 1])
    slope = dtype(0.2)
    np.testing.assert_array_equal(
        leaky(xs), [-np.inf, dtype(-3.5) * slope, dtype(-1e-30) * slope, 0, 0, dtype(1e-30), 2.25, np.inf]
    )
    np.testing.assert_array_equal(leaky.derivative(xs), [slope, slope, slope, slope, slope, 1, 1, 1])


def test_kink_conventions_are_pytorchs():
    assert activations.get("relu").derivative(0.0) == 0.0
    assert activations.get("leaky_relu").derivative(0.0) == np.float64(0.01)
    assert activations.get("leaky_relu", negative_slope=3.0).derivative(0.0) == 3.0


def test_leaky_relu_with_a_slope_above_one():
    # max(x, a x) would be wrong here: x < 0 must give a x.
    leaky = activations.get("leaky_relu", negative_slope=2.0)
    np.testing.assert_array_equal(leaky([-1.0, 1.0]), [-2.0, 1.0])
    assert leaky.properties.monotonic


def test_leaky_relu_properties_follow_the_slope():
    assert activations.get("leaky_relu", negative_slope=0.0).properties.sparse
    assert not activations.get("leaky_relu").properties.sparse
    negative = activations.get("leaky_relu", negative_slope=-0.5).properties
    assert not negative.monotonic
    assert negative.output_range == (0.0, float("inf"))
    identity = activations.get("leaky_relu", negative_slope=1.0).properties
    assert identity.kinks == ()
    assert identity.identity_near_origin


def test_leaky_relu_refuses_a_non_finite_slope():
    with pytest.raises(activations.InvalidSpecError) as info:
        activations.get("leaky_relu", negative_slope=float("nan"))
    assert str(info.value) == (
        "leaky_relu(negative_slope=nan): negative_slope must be finite, got nan; "
        "accepted: negative_slope=0.01"
    )


def test_prelu_refuses_a_non_finite_weight_by_its_own_name():
    with pytest.raises(activations.InvalidSpecError) as info:
        activations.get("prelu", weight=float("inf"))
    assert str(info.value) == "prelu(weight=inf): weight must be finite, got inf; accepted: weight=0.25"


@pytest.mark.parametrize("name", ["relu", "leaky_relu", "sigmoid", "tanh"])
def test_infinities_give_the_limits(name):
    act = activations.get(name)
    lo, hi = act.properties.output_range
    f = act(np.array([-np.inf, np.inf]))
    if name != "leaky_relu":
        np.testing.assert_array_equal(f, [lo, hi])
    d = act.derivative(np.array([-np.inf, np.inf]))
    expected = {"relu": [0, 1], "leaky_relu": [0.01, 1], "sigmoid": [0, 0], "tanh": [0, 0]}[name]
    np.testing.assert_array_equal(d, expected)
