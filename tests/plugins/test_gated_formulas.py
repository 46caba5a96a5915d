"""The formulations inside ``plugins/gated.py``: the fitted GELU gate, the tails and the slicing."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest

import activations
from activations.plugins import _normal, compiled, gated

SPECS = ["gelu", "gelu(approximate='tanh')", "gelu(approximate='sigmoid')", "silu", "silu(beta=2.0)", "mish"]


def _gate(a: float) -> mpmath.mpf:
    """G(a) = Phi(-a) exp(a^2/2) at 30 digits."""
    with mpmath.workdps(30):
        v = mpmath.mpf(a)
        return mpmath.erfc(v / mpmath.sqrt(2)) / 2 * mpmath.exp(v * v / 2)


def test_gate_constants_come_from_the_fit():
    p, q, worst = _normal._fit_gelu_gate()
    assert worst < 7e-9
    np.testing.assert_allclose(p, _normal._GATE_P, rtol=1e-9)
    np.testing.assert_allclose(q, _normal._GATE_Q, rtol=1e-9)


def test_gate_is_accurate_between_the_nodes():
    a = np.linspace(0.0, _normal._GATE_CLIP, 301) + 0.0123  # off the fitting nodes, and past the end
    got = _normal._gate_ratio(a)
    want = np.array([float(_gate(v)) for v in a])
    assert np.max(np.abs(got / want - 1)) < 7e-9


@pytest.mark.parametrize("method", ["forward", "derivative"])
def test_gelu_float32_path_agrees_with_float64(method):
    """The branch-free float32 formula is within an ulp of the float64 evaluation rounded (roots included)."""
    act = activations.get("gelu")
    x = np.concatenate([np.linspace(-16, 8, 200_001), np.linspace(-0.77, -0.73, 20_001)]).astype(np.float32)
    with compiled.numpy_formulas():  # the formulas (the compiled kernels: tests/plugins/test_kernels_*)
        got = getattr(act, method)(x)
        want = getattr(act, method)(x.astype(np.float64)).astype(np.float32)
    steps = np.abs(got.view(np.int32).astype(np.int64) - want.view(np.int32).astype(np.int64))
    steps = np.where((got == 0) & (want == 0), 0, steps)  # -0 and +0
    assert steps.max() <= 3


@pytest.mark.parametrize("beta", [1.0, 2.0])
def test_silu_float32_derivative_agrees_with_float64(beta):
    """float32 SiLU' is within 8 eps (relative) of the float64 evaluation, around the root z = -1.2785 too."""
    act = activations.get(f"silu(beta={beta})")
    z = np.concatenate([np.linspace(-90, 40, 400_001), np.linspace(-1.4, -1.15, 50_001)])
    x = (z / beta).astype(np.float32)
    with compiled.numpy_formulas():  # the formulas (the compiled kernels: tests/plugins/test_kernels_*)
        got = act.derivative(x).astype(np.float64)
        want = act.derivative(x.astype(np.float64))
    tiny = np.finfo(np.float32).smallest_subnormal  # the left tail is subnormal in float32
    assert np.all(np.abs(got - want) <= 8 * np.maximum(np.abs(want) * np.finfo(np.float32).eps, tiny))


@pytest.mark.parametrize("spec", SPECS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_slices_match_one_pass(spec, dtype):
    """Large arrays are computed in slices; the result is that of one pass, also with out= aliasing x."""
    act = activations.get(spec).plugin
    rng = np.random.default_rng(0)
    n = 3 * (gated._BLOCK + 7)
    x = (rng.standard_normal(n) * 30).astype(dtype)
    x[::997] = -np.inf
    x[5] = np.nan
    for method in ("forward", "derivative"):
        whole = np.concatenate([getattr(act, method)(x[i : i + 1000]) for i in range(0, n, 1000)])
        np.testing.assert_array_equal(getattr(act, method)(x), whole)
        np.testing.assert_array_equal(getattr(act, method)(x.reshape(3, -1)), whole.reshape(3, -1))
        y = x.copy()
        assert getattr(act, method)(y, out=y) is y
        np.testing.assert_array_equal(y, whole)
        strided = np.repeat(x, 2)[::2]  # not contiguous
        np.testing.assert_array_equal(getattr(act, method)(strided), whole)


@pytest.mark.parametrize("spec", SPECS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_left_tail_is_redone_next_to_nan(spec, dtype):
    """A NaN makes min() NaN; the tail elements are still found and redone."""
    act = activations.get(spec)
    x = np.array([np.nan, -100.0, -np.inf, -800.0, 1.0], dtype=dtype)
    alone = np.array([act(v) for v in x[1:]], dtype=dtype)
    got = act(x)
    assert np.isnan(got[0])
    np.testing.assert_array_equal(got[1:], alone)
    got = act.derivative(x)
    assert np.isnan(got[0])
    np.testing.assert_array_equal(got[1:], np.array([act.derivative(v) for v in x[1:]], dtype=dtype))
