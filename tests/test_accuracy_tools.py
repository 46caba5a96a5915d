"""The accuracy measure and grid themselves: rounding, ulps, err, and that they catch known defects.

Each defect listed in DESIGN.md and the research notes (naive sigmoid,
y (1 - y), softplus's threshold jump, exp(x) - 1, a wrong kink, float32
arithmetic for float64 input, NaN, a wrong infinity) is implemented here as
a small fake activation and must fail the bounds, while the same functions
computed well pass.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from accuracy_tools import (
    BACKWARD_BOUND,
    FORWARD_BOUND,
    Case,
    evaluation,
    grid,
    measure_case,
    nearest,
    ulp,
    ulp_steps,
)
from reference import mpf

DTYPES = [np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64)]


def _random_doubles(n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    bits = rng.integers(0, 2**63 - 1, size=n, dtype=np.int64) | (rng.integers(0, 2, size=n) << 63)
    values = bits.view(np.float64)
    return values[np.isfinite(values)]


@pytest.mark.parametrize("dtype", DTYPES[:2], ids=str)
def test_nearest_rounds_like_a_numpy_cast(dtype: np.dtype[Any]):
    info = np.finfo(dtype)
    # doubles spread over the dtype's range, subnormals and overflow included
    values = np.concatenate(
        [
            _random_doubles(3000) % float(info.max) * 2.5,
            np.geomspace(float(info.smallest_subnormal) / 4, float(info.max) * 2, 500),
            [float(info.max), float(info.smallest_subnormal) / 2, float(info.smallest_subnormal) * 1.5],
        ]
    )
    values = np.concatenate([values, -values])
    with np.errstate(over="ignore"):
        cast = values.astype(dtype).astype(np.float64)
    ours = np.array([nearest(mpf(float(v)), dtype) for v in values])
    assert np.array_equal(ours, cast)


def test_nearest_rounds_float16_like_numpy():
    finite = np.arange(0, 0x7C00, 7, dtype=np.uint16).view(np.float16).astype(np.float64)
    ties = (finite[:-1] + np.diff(finite) / 2)[::3]  # exactly halfway: ties go to even
    x = np.concatenate([np.arange(-65536.0, 65536.0, 3.7), np.geomspace(1e-9, 1e-3, 3000), ties, -ties])
    ours = np.array([nearest(mpf(float(v)), np.float16) for v in x])
    with np.errstate(over="ignore"):
        assert np.array_equal(ours, x.astype(np.float16).astype(np.float64))


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_ulp_is_numpy_spacing(dtype: np.dtype[Any]):
    with np.errstate(over="ignore"):
        x = np.concatenate([_random_doubles(500).astype(dtype), [0, np.finfo(dtype).tiny, 1, 2, 3]]).astype(
            dtype
        )
    x = x[np.isfinite(x)]
    expected = np.spacing(np.abs(x)).astype(np.float64)
    assert np.array_equal([ulp(float(v), dtype) for v in x], expected)


def test_ulp_steps_counts_representable_values():
    x = np.array([1.0, -2.0, 0.0, -0.0, np.finfo(np.float32).max, -np.float32(1e-45)], dtype=np.float32)
    with np.errstate(over="ignore"):
        y = np.nextafter(np.nextafter(x, np.float32(np.inf)), np.float32(np.inf))
    assert ulp_steps(x, y).tolist() == [2, 2, 2, 2, 1, 2]  # max -> inf is one step (and inf stays inf)
    assert ulp_steps(np.float32([0.0]), np.float32([-0.0])).tolist() == [0]
    assert ulp_steps(np.float32([np.nan]), np.float32([0.0])).tolist() == [np.inf]


@pytest.mark.parametrize("dtype", DTYPES[1:], ids=str)
def test_grid_has_what_accuracy_md_lists(dtype: np.dtype[Any]):
    x = grid(Case("silu"), dtype)
    info = np.finfo(dtype)
    for point in [
        np.inf,
        -np.inf,
        info.smallest_subnormal,
        -info.max,
        20.5,
        -88.5,
        -104.0,
        -745.0,
        1e-8,
        40.0,
    ]:
        assert dtype.type(point) in x, point
    assert np.signbit(x[x == 0]).tolist() == [False, True]  # 0 and -0.0
    assert np.count_nonzero((x > -40) & (x < 40)) > 1000
    root = dtype.type(-1.2784645427610738)  # SiLU's minimum: the float nearest the root, and neighbours
    assert np.count_nonzero(np.abs(x - root) < 4 * np.abs(np.spacing(root))) >= 5


@pytest.mark.parametrize("dtype", DTYPES[1:], ids=str)
@pytest.mark.parametrize("name", ["sigmoid", "exponential", "tanhshrink", "gelu"])
def test_err_of_a_correctly_rounded_value_is_at_most_half(name: str, dtype: np.dtype[Any]):
    ev = evaluation(Case(name), dtype)
    for target in (ev.forward, ev.backward):
        assert np.max(target.err(target.rounded.astype(dtype))) <= 0.5


def test_err_of_one_ulp_off_is_about_one():
    ev = evaluation(Case("exponential"), np.dtype(np.float64))
    # g = e^x ~ 1, where |g'| ulp(x) is negligible; below 1 an ulp up is up to 2 ulps of g away
    near_zero = (np.abs(ev.x) < 1e-3) & (ev.x != 0)
    off = np.nextafter(ev.forward.rounded, np.inf)[near_zero]
    err = ev.forward.err(np.where(near_zero, np.nextafter(ev.forward.rounded, np.inf), ev.forward.rounded))
    assert off.size > 50
    assert np.all((err[near_zero] > 0.5) & (err[near_zero] <= 2.5)), np.sort(err[near_zero])


def test_err_is_unbounded_for_nan_and_for_the_wrong_infinity():
    ev = evaluation(Case("exponential"), np.dtype(np.float32))
    target = ev.forward
    computed = target.rounded.copy()
    overflow = np.isinf(target.rounded)
    assert overflow.any()
    assert np.all(target.err(computed) <= 0.5)
    finite = np.flatnonzero(~overflow)[:3]
    computed[finite] = [np.nan, np.inf, -np.inf]
    computed[np.flatnonzero(overflow)[0]] = np.finfo(np.float32).max  # finite where the value overflows
    err = target.err(computed)
    assert np.isinf(err[finite]).all()
    assert np.isinf(err[np.flatnonzero(overflow)[0]])


class Fake:
    """A stand-in activation made of two NumPy functions, for testing the measure."""

    def __init__(
        self, forward: Callable[[np.ndarray], np.ndarray], derivative: Callable[[np.ndarray], np.ndarray]
    ):
        self._forward, self._derivative = forward, derivative

    def forward(self, x: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            return self._forward(x).astype(x.dtype)

    def backward(self, x: np.ndarray, grad: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            return (self._derivative(x) * grad).astype(x.dtype)


def _expit(x: np.ndarray) -> np.ndarray:
    """The two-branch logistic (scipy's expit loses the subnormal tail: expit(float32(-88.72)) = 0)."""
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1, e) / (1 + e)


def _expit_prime(x: np.ndarray) -> np.ndarray:
    e = np.exp(-np.abs(x))
    return e / (1 + e) / (1 + e)


def _one(x: np.ndarray) -> Any:
    return x.dtype.type(1)


GOOD = {
    "sigmoid": Fake(_expit, _expit_prime),
    "softplus": Fake(lambda x: np.logaddexp(x, x.dtype.type(0)), _expit),
    "elu": Fake(
        lambda x: np.where(x > 0, x, np.expm1(np.minimum(x, 0))), lambda x: np.where(x > 0, 1, np.exp(x))
    ),
    "relu": Fake(lambda x: np.maximum(x, 0), lambda x: np.heaviside(x, 0)),
}
BAD = {  # (name, fake, dtype, which of forward/backward must fail)
    "naive sigmoid": ("sigmoid", Fake(lambda x: 1 / (1 + np.exp(-x)), _expit_prime), np.float32, "forward"),
    "sigmoid' as y(1-y)": (
        "sigmoid",
        Fake(_expit, lambda x: _expit(x) * (1 - _expit(x))),
        np.float64,
        "backward",
    ),
    "softplus with torch's threshold": (
        "softplus",
        Fake(lambda x: np.where(x > 20, x, np.log1p(np.exp(x))), _expit),
        np.float64,
        "forward",
    ),
    "elu as exp(x) - 1": (
        "elu",
        Fake(lambda x: np.where(x > 0, x, np.exp(x) - 1), lambda x: np.where(x > 0, 1, np.exp(x))),
        np.float32,
        "forward",
    ),
    "relu'(0) = 1": (
        "relu",
        Fake(lambda x: np.maximum(x, 0), lambda x: np.heaviside(x, 1)),
        np.float64,
        "backward",
    ),
    "float32 arithmetic for float64": (
        "sigmoid",
        Fake(lambda x: _expit(x.astype(np.float32)), _expit_prime),
        np.float64,
        "forward",
    ),
    "NaN at +inf": ("relu", Fake(lambda x: x * (x > 0), lambda x: np.heaviside(x, 0)), np.float64, "forward"),
    "tanh' as 1 - y^2": ("tanh", Fake(np.tanh, lambda x: 1 - np.tanh(x) ** 2), np.float64, "backward"),
}


@pytest.mark.parametrize("name", sorted(GOOD))
@pytest.mark.parametrize("dtype", DTYPES[1:], ids=str)
def test_a_good_implementation_passes(name: str, dtype: np.dtype[Any]):
    row = measure_case(GOOD[name], Case(name), dtype)
    assert row.forward <= FORWARD_BOUND, row
    assert row.backward <= BACKWARD_BOUND, row


@pytest.mark.parametrize("defect", sorted(BAD))
def test_a_known_defect_fails(defect: str):
    name, fake, dtype, which = BAD[defect]
    row = measure_case(fake, Case(name), np.dtype(dtype))
    if which == "forward":
        assert row.forward > FORWARD_BOUND, row
    else:
        assert row.backward > BACKWARD_BOUND, row
