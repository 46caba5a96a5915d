"""Property-based tests: the declared Properties hold, and backward is grad_output * derivative.

The conformance kit checks the same properties on fixed grids; here Hypothesis
searches for counterexamples between the grid points, over every registered
activation and the non-default parameters of the accuracy harness.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import DTYPES, SPECS, arrays, ordered_pairs, reals

import activations

EXAMPLES = settings(max_examples=40, deadline=None)


def _ulps(value: np.ndarray, dtype: type[np.floating]) -> np.ndarray:
    tiny = np.finfo(dtype).smallest_subnormal
    return np.maximum(np.spacing(np.abs(value).astype(dtype)), tiny)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("spec", SPECS)
@EXAMPLES
@given(data=st.data())
def test_output_stays_in_the_declared_range(spec, dtype, data):
    act = activations.get(spec)
    lo, hi = act.properties.output_range
    x = data.draw(arrays(dtype))
    y = act(x).astype(np.float64)
    # The closed range: a bound that is only approached can be reached by rounding.
    assert np.all((y >= lo) & (y <= hi)), (x[(y < lo) | (y > hi)], y[(y < lo) | (y > hi)])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("spec", [s for s in SPECS if activations.get(s).properties.monotonic])
@EXAMPLES
@given(data=st.data())
def test_declared_monotonic_never_decreases_beyond_rounding(spec, dtype, data):
    act = activations.get(spec)
    a, b = data.draw(ordered_pairs(dtype, bound=1e4))
    fa, fb = act(np.array([a, b], dtype=dtype))
    # f(a) <= f(b) up to the accuracy target (4 ulp each side), since both are rounded.
    finite = np.array([v for v in (fa, fb) if np.isfinite(v)], dtype=dtype)
    slack = float(8 * _ulps(finite, dtype).max()) if finite.size else 0.0
    assert fa <= fb or float(fa) <= float(fb) + slack, (a, b, fa, fb)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("spec", [s for s in SPECS if not activations.get(s).properties.sparse])
@EXAMPLES
@given(data=st.data())
def test_non_sparse_activations_have_only_isolated_zeros(spec, dtype, data):
    # On [-10, 10] nothing underflows, so an exact zero off the origin would mean an interval.
    act = activations.get(spec)
    x = data.draw(arrays(dtype, bound=10.0))
    y = act(x)
    # Near 0 a value can underflow (tanhshrink(1e-169) ~ 3e-508 is 0.0), so zeros count
    # from |x| > 1e-3; at most one isolated root may remain there (e.g. threshold's).
    zeros = np.unique(x[(y == 0) & (np.abs(x) > 1e-3)])
    assert zeros.size <= 1, zeros


@pytest.mark.parametrize("spec", [s for s in SPECS if activations.get(s).properties.sparse])
@EXAMPLES
@given(x=reals(np.float64, bound=1e3))
def test_sparse_activations_have_zero_gradient_where_they_are_zero(spec, x):
    # Inside an interval of zeros (x and its neighbours at 1e-6 all give exactly 0; a step
    # that large cannot underflow to 0 the way nextafter(0) would), f' must be 0.
    act = activations.get(spec)
    h = 1e-6 * max(1.0, abs(x))
    if act(x) == 0 and act(x - h) == 0 and act(x + h) == 0:
        assert act.derivative(x) == 0


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("spec", SPECS)
@EXAMPLES
@given(data=st.data())
def test_backward_is_grad_output_times_derivative(spec, dtype, data):
    act = activations.get(spec)
    x = data.draw(arrays(dtype, bound=100.0))
    g = data.draw(arrays(dtype, bound=1e3, max_size=x.size).filter(lambda v: v.size == x.size))
    # The product in float64 (f' from the float64 evaluation, which cannot overflow on
    # [-100, 100]): backward may be better than the product rounded in x's dtype (e.g.
    # 0.5 * exp(89) is a float32 although exp(89) is not), never worse than 8 ulp.
    derivative = act.derivative(x.astype(np.float64))
    with np.errstate(over="ignore"):  # a product beyond x's dtype must come out as inf
        expected = (g.astype(np.float64) * derivative).astype(dtype)
    for got in (act.backward(x, g), act.backward(x, g, output=act(x))):
        assert got.dtype == dtype
        overflow = np.isinf(expected)
        assert np.array_equal(got[overflow], expected[overflow]), (x, g, got, expected)
        ok = ~overflow
        # 8 ulp of the result, plus |g| times f''s own accuracy target (8 ulp in x's dtype):
        # where f' is subnormal there, its absolute error is scaled by g in the product.
        info = np.finfo(dtype)  # f' may be beyond x's dtype where g * f' is not: a relative ulp
        ulp_derivative = np.maximum(np.abs(derivative[ok]) * info.eps, info.smallest_subnormal)
        tolerance = 8 * _ulps(expected[ok], dtype) + 8 * np.abs(g[ok]) * ulp_derivative
        error = np.abs(got[ok].astype(np.float64) - expected[ok])
        assert np.all(error <= tolerance), (x, g, got, expected)


@pytest.mark.parametrize(
    "spec",
    [
        s
        for s in SPECS
        if activations.get(s).properties.kinks and activations.get(s).properties.smoothness >= 0
    ],
)
@EXAMPLES
@given(h=st.floats(min_value=1e-12, max_value=1e-4))
def test_continuous_at_each_kink(spec, h):
    act = activations.get(spec)
    for k in act.properties.kinks:
        fk = float(act(k))
        slope = max(abs(float(act.derivative(k - h))), abs(float(act.derivative(k + h))), 1.0)
        for side in (k - h, k + h):
            # |f(k +- h) - f(k)| <= (a Lipschitz bound) h, plus rounding of both values.
            assert abs(float(act(side)) - fk) <= 2 * slope * h + 8 * math.ulp(max(abs(fk), 1.0)), (k, side)


@pytest.mark.parametrize("spec", [s for s in SPECS if activations.get(s).properties.smoothness == -1])
@EXAMPLES
@given(h=st.floats(min_value=1e-12, max_value=1e-6))
def test_declared_jumps_are_jumps(spec, h):
    act = activations.get(spec)
    jumps = [abs(float(act(k + h)) - float(act(k - h))) for k in act.properties.kinks]
    assert max(jumps) > 1e-3, jumps


@pytest.mark.parametrize("spec", [s for s in SPECS if activations.get(s).properties.smoothness >= 1])
@EXAMPLES
@given(x=reals(np.float64, bound=50.0), h=st.floats(min_value=1e-10, max_value=1e-7))
def test_declared_c1_has_a_continuous_derivative(spec, x, h):
    act = activations.get(spec)
    d = act.derivative(np.array([x - h, x, x + h]))
    # |f''| <= 10 max(1, |f'|) near x for every bundled C^1 activation (exponential has
    # f'' = f'), so f' moves by at most that times h, plus rounding.
    bound = 10 * h * max(1.0, float(np.abs(d).max())) + 8 * float(_ulps(d, np.float64).max())
    assert np.all(np.abs(np.diff(d)) <= bound), (x, d)
