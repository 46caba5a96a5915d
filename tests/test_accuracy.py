"""Every registered activation against the mpmath reference, with the measure of ACCURACY.md.

forward err <= 4 and backward err <= 8 in float32 and float64, over the grid of
`accuracy_tools.grid` (dense on [-40, 40], log-spaced magnitudes over the
whole range, kinks, derivative roots, the exp thresholds of each dtype,
+-inf, -0.0); float16 input computed in float32 and rounded, within one
float16 step of the correctly rounded value. A failure lists the worst inputs
with the computed value, the true value and err.
"""

from __future__ import annotations

import warnings
from typing import Any

import mpmath
import numpy as np
import pytest
from accuracy_tools import (
    BACKWARD_BOUND,
    CASES,
    FORWARD_BOUND,
    Case,
    Target,
    evaluation,
    float16_expected,
    nearest,
    parameter_gradients,
    parameter_target,
    ulp_steps,
    worst,
)
from reference import REFERENCES, mpf

import activations

REGISTERED = set(activations.names(aliases=True))
TESTED = [case for case in CASES if case.name in REGISTERED]
DTYPES = [np.dtype(np.float32), np.dtype(np.float64)]


def _cases_by_dtype() -> list[Any]:
    return [pytest.param(case, dtype, id=f"{case.spec}-{dtype}") for case in TESTED for dtype in DTYPES]


def _get(case: Case) -> Any:
    return activations.get(case.name, **case.kwargs)


def _bundled_names() -> list[str]:
    return sorted(
        {
            name
            for p in activations.list_plugins()
            if p.bundled and p.status == "loaded"
            for name in p.activations
        }
    )


def test_every_bundled_activation_has_a_reference():
    covered = {activations.get(name).name for name in REFERENCES if name in REGISTERED}
    missing = [name for name in _bundled_names() if name not in covered]
    assert not missing, (
        f"bundled activations with no mpmath reference in tests/reference.py (so no accuracy test): {missing}"
    )


def test_every_catalogue_activation_is_registered():
    missing = sorted(name for name in REFERENCES if name not in REGISTERED)
    assert not missing, f"catalogue activations (tests/reference.py) that no plugin registers: {missing}"


def test_every_reference_is_tested_with_its_defaults():
    assert {case.name for case in CASES if not case.params} == set(REFERENCES)


def _assert_within(target: Target, computed: Any, bound: float, what: str, case: Case) -> None:
    computed = np.asarray(computed)
    assert computed.dtype == target.x.dtype, (
        f"{case.spec} {what}: dtype {computed.dtype}, input {target.x.dtype}"
    )
    assert computed.shape == target.x.shape
    err = target.err(computed)
    bad = int(np.count_nonzero(~(err <= bound)))
    assert bad == 0, (
        f"{case.spec} {what} in {target.x.dtype}: max err {np.max(err):.3g} > {bound} at {bad} of {err.size} "
        f"grid points; worst:\n{worst(target, computed, err, bound)}"
    )


def _no_warnings(caught: list[warnings.WarningMessage], what: str, case: Case) -> None:
    assert not caught, f"{case.spec} {what} warned on the grid: {sorted({str(w.message) for w in caught})}"


def _run(fn: Any, *args: Any, **kwargs: Any) -> tuple[Any, list[warnings.WarningMessage]]:
    """Call ``fn`` recording warnings, so that accuracy is reported before them."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = fn(*args, **kwargs)
    return result, caught


@pytest.mark.parametrize(("case", "dtype"), _cases_by_dtype())
def test_forward(case: Case, dtype: np.dtype[Any]):
    ev = evaluation(case, dtype)
    computed, caught = _run(_get(case).forward, ev.x)
    _assert_within(ev.forward, computed, FORWARD_BOUND, "forward", case)
    _no_warnings(caught, "forward", case)


@pytest.mark.parametrize(("case", "dtype"), _cases_by_dtype())
def test_derivative(case: Case, dtype: np.dtype[Any]):
    ev = evaluation(case, dtype)
    computed, caught = _run(_get(case).derivative, ev.x)
    _assert_within(ev.backward, computed, BACKWARD_BOUND, "derivative", case)
    _no_warnings(caught, "derivative", case)


@pytest.mark.parametrize(("case", "dtype"), _cases_by_dtype())
def test_backward(case: Case, dtype: np.dtype[Any]):
    ev = evaluation(case, dtype)
    computed, caught = _run(_get(case).backward, ev.x, np.ones_like(ev.x))
    _assert_within(ev.backward, computed, BACKWARD_BOUND, "backward(x, ones)", case)
    _no_warnings(caught, "backward", case)


@pytest.mark.parametrize(("case", "dtype"), _cases_by_dtype())
def test_backward_with_output(case: Case, dtype: np.dtype[Any]):
    ev = evaluation(case, dtype)
    act = _get(case)
    output, _ = _run(act.forward, ev.x)
    computed, caught = _run(act.backward, ev.x, np.ones_like(ev.x), output=output)
    _assert_within(ev.backward, computed, BACKWARD_BOUND, "backward(x, ones, output=forward(x))", case)
    _no_warnings(caught, "backward with output", case)


def _kinked_cases_by_dtype() -> list[Any]:
    return [p for p in _cases_by_dtype() if p.values[0].reference().kinks]


@pytest.mark.parametrize(("case", "dtype"), _kinked_cases_by_dtype())
def test_derivative_at_each_kink_is_the_convention(case: Case, dtype: np.dtype[Any]):
    kinks = case.reference().kinks
    assert all(mpf(float(dtype.type(float(k)))) == k for k in kinks), "tested kinks must be representable"
    x = np.array([float(k) for k in kinks], dtype=dtype)
    expected = np.array([nearest(case.reference().df(k), dtype) for k in kinks], dtype=dtype)
    act = _get(case)
    for what, computed in [
        ("derivative", act.derivative(x)),
        ("backward(x, ones)", act.backward(x, np.ones_like(x))),
        ("backward(x, ones, output=forward(x))", act.backward(x, np.ones_like(x), output=act.forward(x))),
    ]:
        assert np.array_equal(computed, expected), (
            f"{case.spec} {what} at the kinks {x.tolist()}: {computed.tolist()}"
        )


def _float16_ok(computed: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """Within one float16 step of the correctly rounded value; an overflowing value must be that inf."""
    steps = ulp_steps(computed, expected)
    return np.where(np.isinf(expected), computed == expected, (steps <= 1) & np.isfinite(computed))


@pytest.mark.parametrize("case", [pytest.param(case, id=case.spec) for case in TESTED])
def test_float16_is_computed_in_float32_and_rounded(case: Case):
    x, f, df = float16_expected(case)
    act = _get(case)
    x32 = x.astype(np.float32)
    with np.errstate(all="ignore"):
        results = {
            "forward": (act.forward(x), act.forward(x32), f),
            "derivative": (act.derivative(x), act.derivative(x32), df),
            "backward(x, ones)": (
                act.backward(x, np.ones_like(x)),
                act.backward(x32, np.ones_like(x32)),
                df,
            ),
        }
    for what, (computed, in_float32, expected) in results.items():
        assert computed.dtype == np.float16, f"{case.spec} {what}: float16 input gave {computed.dtype}"
        with np.errstate(over="ignore"):
            rounded = in_float32.astype(np.float16)
        assert np.array_equal(computed, rounded, equal_nan=True), f"{case.spec} {what}: not float32 rounded"
        ok = _float16_ok(computed, expected)
        bad = np.flatnonzero(~ok)
        lines = "\n".join(
            f"  x={x[i]!r} computed={computed[i]!r} correctly rounded={expected[i]!r}"
            f" true={mpmath.nstr(case.reference().f(mpf(float(x[i]))), 10) if what == 'forward' else '-'}"
            for i in bad[:6]
        )
        assert bad.size == 0, (
            f"{case.spec} {what} float16: {bad.size} of {x.size} more than 1 step off:\n{lines}"
        )


def _parameter_cases() -> list[Any]:
    return [
        pytest.param(case, name, dtype, id=f"{case.spec}-{name}-{dtype}")
        for case in TESTED
        for name in case.reference().reference.gradients
        for dtype in DTYPES
    ]


@pytest.mark.parametrize(("case", "name", "dtype"), _parameter_cases())
def test_parameter_gradient(case: Case, name: str, dtype: np.dtype[Any]):
    """df/dtheta of each learnable parameter, element by element, within 8 in ACCURACY.md's measure."""
    target = parameter_target(case, name, dtype)
    computed, caught = _run(parameter_gradients, _get(case), name, target.x)
    _assert_within(target, computed, BACKWARD_BOUND, f"d/d{name}", case)
    _no_warnings(caught, f"parameter_backward ({name})", case)


def test_every_learnable_parameter_is_measured():
    measured = {(case.name, name) for case in TESTED for name in case.reference().reference.gradients}
    declared = {(n, p) for n in REFERENCES if n in REGISTERED for p in activations.get(n).learnable}
    assert declared <= measured
