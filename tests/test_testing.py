"""The conformance kit catches broken activations, one test each, and passes good ones.

Each broken activation below is a small plugin with exactly one defect; the
tests assert which checks fail (and that the others pass), and what the
message says. The maths of the good ones is written here independently of
the bundled plugins.
"""

from __future__ import annotations

import dataclasses
import inspect
import math
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import activations
from activations import BaseActivation, Properties
from activations.testing import (
    CHECKS,
    CheckReport,
    CheckResult,
    check_activation,
    check_backward_finite_differences,
    check_backward_matches_derivative,
    check_kinks,
    check_parameter_gradients,
    check_smoothness,
    parametrize_with_checks,
)


def _expit(x: np.ndarray) -> np.ndarray:
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def _fill(out: np.ndarray | None, values: np.ndarray) -> np.ndarray:
    if out is None:
        return values.astype(values.dtype, copy=False)
    out[...] = values
    return out


class GoodSigmoid(BaseActivation):
    """A sigmoid written here: stable, tails kept."""

    name = "kit_sigmoid"
    properties = Properties(
        output_range=(0.0, 1.0), monotonic=True, zero_centered=False, sparse=False,
        smoothness=math.inf, saturating="both",
    )  # fmt: skip

    def forward(self, x, /, *, out=None):
        return _fill(out, _expit(x))

    def derivative(self, x, /, *, out=None):
        e = np.exp(-np.abs(x))
        return _fill(out, e / (1 + e) / (1 + e))


class GoodLeaky(BaseActivation):
    """x above 0, slope * x below (kink at 0)."""

    name = "kit_leaky"

    def __init__(self, *, slope: float = 0.1) -> None:
        self.slope = slope

    @property
    def properties(self):
        return Properties(
            output_range=(-math.inf, math.inf), monotonic=True, zero_centered=True, sparse=False,
            smoothness=0, kinks=(0.0,), saturating="none",
        )  # fmt: skip

    def forward(self, x, /, *, out=None):
        return _fill(out, np.where(x >= 0, x, self.slope * x).astype(x.dtype))

    def derivative(self, x, /, *, out=None):
        d = np.where(x > 0, 1.0, self.slope).astype(x.dtype)
        return _fill(out, np.where(np.isnan(x), x, d))


class GoodLearnedLeaky(GoodLeaky):
    """GoodLeaky whose slope is learned: df/dslope = min(x, 0)."""

    name = "kit_learned_leaky"
    learnable = ("slope",)

    def parameter_backward(self, x, grad_output, /, *, output=None):
        return {"slope": np.sum(grad_output * np.minimum(x, 0.0))}


class GoodSiLU(BaseActivation):
    """x * sigmoid(x): smooth, not monotonic (dips to -0.278 at -1.278)."""

    name = "kit_silu"
    properties = Properties(
        output_range=(-0.2784645427610738, math.inf), monotonic=False, zero_centered=True, sparse=False,
        smoothness=math.inf, saturating="lower",
    )  # fmt: skip

    def forward(self, x, /, *, out=None):
        with np.errstate(invalid="ignore"):
            y = x * _expit(x)
        return _fill(out, np.where(np.isneginf(x), 0, y).astype(x.dtype))

    def derivative(self, x, /, *, out=None):
        s, e = _expit(x), np.exp(-np.abs(x))
        with np.errstate(invalid="ignore"):
            d = s + x * (e / (1 + e) / (1 + e))
        return _fill(out, np.where(np.isinf(x), x > 0, d).astype(x.dtype))


class GoodSteep(BaseActivation):
    """tanh(200 x): smooth but steep, so the jump detector must not fire."""

    name = "kit_steep"
    properties = Properties(
        output_range=(-1.0, 1.0), monotonic=True, zero_centered=True, sparse=False,
        smoothness=math.inf, saturating="both",
    )  # fmt: skip

    def forward(self, x, /, *, out=None):
        with np.errstate(over="ignore"):  # 200 x overflows where tanh is 1 anyway
            return np.tanh(200 * x, out=out)

    def derivative(self, x, /, *, out=None):
        with np.errstate(over="ignore"):
            e = np.exp(-2 * np.abs(200 * x))
        return _fill(out, 800 * e / (1 + e) / (1 + e))


class GoodSoftsign(BaseActivation):
    """x / (1 + |x|): C^1, f'' jumps at 0."""

    name = "kit_softsign"
    properties = Properties(
        output_range=(-1.0, 1.0), monotonic=True, zero_centered=True, sparse=False,
        smoothness=1, saturating="both", identity_near_origin=True,
    )  # fmt: skip

    def forward(self, x, /, *, out=None):
        with np.errstate(invalid="ignore"):
            y = x / (1 + np.abs(x))
        return _fill(out, np.where(np.isinf(x), np.sign(x), y).astype(x.dtype))

    def derivative(self, x, /, *, out=None):
        r = 1 / (1 + np.abs(x))
        return _fill(out, r * r)


class GoodStep(BaseActivation):
    """The Heaviside step: f jumps at 0 (smoothness -1), sparse below."""

    name = "kit_step"
    properties = Properties(
        output_range=(0.0, 1.0), monotonic=True, zero_centered=False, sparse=True,
        smoothness=-1, kinks=(0.0,), saturating="both",
    )  # fmt: skip

    def forward(self, x, /, *, out=None):
        return np.heaviside(x, x.dtype.type(0), out=out)

    def derivative(self, x, /, *, out=None):
        return _fill(out, np.where(np.isnan(x), x, 0).astype(x.dtype))


GOOD = [GoodSigmoid, GoodLeaky, GoodSiLU, GoodSteep, GoodSoftsign, GoodStep]


@contextmanager
def registered(cls: type) -> Iterator[activations.BoundActivation]:
    with activations.registered(cls, name=cls.name):
        yield activations.get(cls.name)


def variant(base: type, name: str, doc: str = "A broken activation.", **attrs: Any) -> type:
    """A subclass of ``base`` named ``name`` with ``attrs`` replaced (properties by keyword)."""
    fields = {f.name for f in dataclasses.fields(Properties)}
    props = {k: attrs.pop(k) for k in list(attrs) if k in fields}
    if props:
        attrs["properties"] = dataclasses.replace(base.properties, **props)
    return type(name.title().replace("_", ""), (base,), {"name": name, "__doc__": doc, **attrs})


def failed_checks(cls: type, spec: str | None = None) -> dict[str, str]:
    with registered(cls):
        report = check_activation(spec or cls.name, on_fail=None)
    return {r.check: r.message for r in report.failures}


# -- good activations pass every check -------------------------------------------
@pytest.mark.parametrize("cls", GOOD, ids=lambda c: c.name)
def test_good_activations_pass(cls):
    assert failed_checks(cls) == {}


# -- broken activations: each caught by the check that owns the defect --------------
def _wrong_derivative(self, x, /, *, out=None):
    return _fill(out, _expit(x))  # sigmoid instead of sigmoid'


def _slightly_wrong_derivative(self, x, /, *, out=None):
    e = np.exp(-np.abs(x))
    return _fill(out, (1.01 * e / (1 + e) ** 2).astype(x.dtype))  # sigmoid', 1 % too large


def _wrong_backward(self, x, grad_output, /, *, output=None, out=None):
    return _fill(out, (2 * grad_output * self.derivative(x)).astype(x.dtype))


def _upcast_forward(self, x, /, *, out=None):
    return _expit(x.astype(np.float64)) if out is None else _fill(out, _expit(x))


def _mutating_forward(self, x, /, *, out=None):
    np.abs(x, out=x)  # writes into x
    return _fill(out, _expit(x))


def _naive_forward(self, x, /, *, out=None):
    return _fill(out, 1 / (1 + np.exp(-x)))  # overflows (with a warning) for x < -709


def _nan_at_neginf_forward(self, x, /, *, out=None):
    with np.errstate(invalid="ignore"):
        return _fill(out, (x * _expit(x)).astype(x.dtype))  # -inf * 0 = NaN


def _backward_from_output(self, x, grad_output, /, *, output=None, out=None):
    y = _expit(x) if output is None else output
    return _fill(out, (grad_output * y * (1 - y)).astype(x.dtype))  # y (1 - y) cancels to 0 for large x


def _ignores_out(self, x, /, *, out=None):
    return _expit(x)


def _layout_forward(self, x, /, *, out=None):
    return _fill(out, _expit(x.ravel(order="K")).reshape(x.shape))  # memory order, not logical


class _NoRoundTrip(GoodLeaky):
    """Stores its slope where config does not see it."""

    def __init__(self, *, slope: float = 0.1) -> None:
        self.s = slope

    @property
    def slope(self):
        return self.s

    @property
    def config(self):
        return {"name": self.name}


def _slope_1pc_too_large(self, x, grad_output, /, *, output=None):
    return {"slope": 1.01 * np.sum(grad_output * np.minimum(x, 0.0))}


def _slope_missing(self, x, grad_output, /, *, output=None):
    return {}


def _slope_from_the_wrong_side(self, x, grad_output, /, *, output=None):
    return {"slope": np.sum(grad_output * np.maximum(x, 0.0))}


BROKEN = {
    "parameter gradient 1 % too large": (
        variant(GoodLearnedLeaky, "kit_slope_1pc", parameter_backward=_slope_1pc_too_large),
        {"check_parameter_gradients"},
    ),
    "parameter gradient missing": (
        variant(GoodLearnedLeaky, "kit_slope_missing", parameter_backward=_slope_missing),
        {"check_parameter_gradients"},
    ),
    "parameter gradient of the wrong side": (
        variant(GoodLearnedLeaky, "kit_slope_side", parameter_backward=_slope_from_the_wrong_side),
        {"check_parameter_gradients"},
    ),
    "wrong derivative": (variant(GoodSigmoid, "kit_bad_deriv", derivative=_wrong_derivative),
                         {"check_backward_finite_differences", "check_saturating"}),
    "derivative 1 % too large": (variant(GoodSigmoid, "kit_1pc", derivative=_slightly_wrong_derivative),
                                 {"check_backward_finite_differences"}),
    "wrong backward": (variant(GoodSigmoid, "kit_bad_backward", backward=_wrong_backward),
                       {"check_backward_finite_differences", "check_backward_matches_derivative"}),
    "backward from output loses the tail": (
        variant(GoodSigmoid, "kit_y1y", backward=_backward_from_output),
        {"check_backward_matches_derivative", "check_dtypes"},
    ),
    "dtype upcast": (variant(GoodSigmoid, "kit_upcast", forward=_upcast_forward),
                     {"check_dtypes", "check_shapes", "check_out", "check_layouts"}),
    "input mutated": (variant(GoodSigmoid, "kit_mutates", forward=_mutating_forward), None),
    "warning on overflow": (variant(GoodSigmoid, "kit_naive", forward=_naive_forward), None),
    "NaN at -inf": (variant(GoodSiLU, "kit_nan_inf", forward=_nan_at_neginf_forward), None),
    "out ignored": (variant(GoodSigmoid, "kit_no_out", forward=_ignores_out), {"check_out"}),
    "layout ignored": (variant(GoodSigmoid, "kit_layout", forward=_layout_forward), {"check_layouts"}),
    "config does not round-trip": (
        variant(_NoRoundTrip, "kit_no_config"), {"check_contract"}, "kit_no_config(slope=0.5)"
    ),
    "zero_centered on sigmoid": (variant(GoodSigmoid, "kit_zc", zero_centered=True), {"check_zero_centered"}),
    "monotonic on SiLU": (variant(GoodSiLU, "kit_mono", monotonic=True), {"check_monotonic"}),
    "monotonic=False on sigmoid": (variant(GoodSigmoid, "kit_nonmono", monotonic=False), {"check_monotonic"}),
    "missing kink": (variant(GoodLeaky, "kit_nokink", properties=dataclasses.replace(
        GoodLeaky().properties, kinks=())), {"check_kinks", "check_smoothness"}),
    "kink that is not there": (variant(GoodSigmoid, "kit_ghost_kink", kinks=(0.5,), smoothness=0),
                               {"check_kinks", "check_smoothness"}),
    "misplaced kink": (variant(GoodLeaky, "kit_kink_off", properties=dataclasses.replace(
        GoodLeaky().properties, kinks=(0.25,))), {"check_kinks"}),
    "smoothness inf on softsign": (
        variant(GoodSoftsign, "kit_smooth", smoothness=math.inf), {"check_smoothness"}
    ),
    "smoothness 0 on a step": (variant(GoodStep, "kit_step0", smoothness=0), {"check_smoothness"}),
    "sparse on sigmoid": (variant(GoodSigmoid, "kit_sparse", sparse=True), {"check_sparse"}),
    "not sparse on a step": (variant(GoodStep, "kit_nosparse", sparse=False), {"check_sparse"}),
    "saturating both on SiLU": (variant(GoodSiLU, "kit_sat", saturating="both"), {"check_saturating"}),
    "not saturating on sigmoid": (
        variant(GoodSigmoid, "kit_nosat", saturating="upper"), {"check_saturating"}
    ),
    "identity near origin on sigmoid": (variant(GoodSigmoid, "kit_ident", identity_near_origin=True),
                                        {"check_identity_near_origin"}),
    "identity near origin missed": (variant(GoodSoftsign, "kit_noident", identity_near_origin=False),
                                    {"check_identity_near_origin"}),
    "range too wide": (variant(GoodSigmoid, "kit_wide", output_range=(0.0, 2.0)), {"check_output_range"}),
    "range too narrow": (variant(GoodSigmoid, "kit_narrow", output_range=(0.0, 0.9)), {"check_output_range"}),
    "bounded declared unbounded": (variant(GoodSigmoid, "kit_unb", output_range=(0.0, math.inf)),
                                   {"check_output_range"}),
}  # fmt: skip


@pytest.mark.parametrize("defect", list(BROKEN))
def test_broken_activation_is_caught(defect):
    cls, expected, *spec = BROKEN[defect]
    failed = failed_checks(cls, *spec)
    assert failed, f"{defect}: no check failed"
    if expected is not None:
        assert set(failed) == expected, failed


def test_mutated_input_is_named():
    failed = failed_checks(BROKEN["input mutated"][0])
    assert "check_no_mutation" in failed
    assert "modified its input x" in failed["check_no_mutation"]


def test_warning_on_overflow_is_named():
    message = failed_checks(BROKEN["warning on overflow"][0])["check_special_values"]
    assert message.startswith(
        "check_special_values(kit_naive): forward() emitted RuntimeWarning "
        "'overflow encountered in exp' at x = -"
    )


def test_nan_at_neginf_is_named():
    message = failed_checks(BROKEN["NaN at -inf"][0])["check_special_values"]
    assert message == (
        "check_special_values(kit_nan_inf): forward in float16 gave NaN for a non-NaN input: "
        "x = -inf, forward = nan; expected no NaN"
    )


def test_missing_kink_message():
    with registered(BROKEN["missing kink"][0]), pytest.raises(AssertionError) as info:
        check_kinks("kit_nokink")
    assert str(info.value) == (
        "check_kinks(kit_nokink(slope=0.1)): f' jumps near x = 0 (from 0.1 to 1), "
        "which is not a declared kink (kinks = ())"
    )


def test_smoothness_message_names_the_jump_of_f_second():
    with registered(BROKEN["smoothness inf on softsign"][0]), pytest.raises(AssertionError) as info:
        check_smoothness("kit_smooth")
    assert str(info.value) == (
        "check_smoothness(kit_smooth): declared smoothness=inf, but f' is continuous and "
        "f'' jumps near x = 0 (from 1.99999 to -1.99999) (so smoothness = 1)"
    )


def test_a_wrong_parameter_gradient_message_names_the_parameter_and_the_input():
    with registered(BROKEN["parameter gradient 1 % too large"][0]), pytest.raises(AssertionError) as info:
        check_parameter_gradients("kit_slope_1pc")
    message = str(info.value)
    assert message.startswith(
        "check_parameter_gradients(kit_slope_1pc(slope=0.1)): the gradient in slope (slope = 0.1) disagrees "
        "with finite differences of forward in slope (float64) beyond the step's truncation and rounding "
        "error: x = "
    )
    with registered(BROKEN["parameter gradient missing"][0]), pytest.raises(AssertionError) as info:
        check_parameter_gradients("kit_slope_missing")
    assert "it must give a sum for each learnable parameter: slope" in str(info.value)


def test_a_learned_parameter_passes_and_nothing_learnable_must_give_nothing():
    with registered(GoodLearnedLeaky):
        check_parameter_gradients("kit_learned_leaky")
    check_parameter_gradients("tanh")


def test_wrong_derivative_message_names_input_and_values():
    with registered(BROKEN["wrong derivative"][0]), pytest.raises(AssertionError) as info:
        check_backward_finite_differences("kit_bad_deriv")
    message = str(info.value)
    assert message.startswith(
        "check_backward_finite_differences(kit_bad_deriv): derivative disagrees with central finite "
        "differences of forward (float64) beyond the step's truncation and rounding error: "
        "x = 40.000142857142855, g = 0.3, finite differences = 0.0, derivative = 1.0; "
        "x = 25.00014285714286, g = -1.5, finite differences = 1.39339612"
    )  # sigmoid'(25) = 1.3934e-11, sigmoid(25) = 1 - 1.4e-11


def test_backward_from_output_message():
    message = failed_checks(BROKEN["backward from output loses the tail"][0])[
        "check_backward_matches_derivative"
    ]
    assert message.startswith(
        "check_backward_matches_derivative(kit_y1y): backward(x, g) in float32 is not g * derivative(x) "
        "within 8 ulps: x = 40.0, g = 2.75, g * derivative = 1.1682973860631314e-17, backward = 0.0;"
    )
    with registered(BROKEN["backward from output loses the tail"][0]), pytest.raises(AssertionError) as info:
        check_backward_matches_derivative("kit_y1y", dtypes=["float64"])
    # sigmoid'(40) = 4.2e-18, but 1 - sigmoid(40) = 0 in float64
    assert "x = 40.0, g = 2.75, g * derivative = 1.168297420205187e-17, backward = 0.0" in str(info.value)


def test_config_round_trip_message():
    failed = failed_checks(*BROKEN["config does not round-trip"][::2])
    assert failed["check_contract"].startswith(
        "check_contract(kit_no_config): get(config) with {'name': 'kit_no_config'} "
        "computes a different forward: "
    )
    assert failed["check_contract"].endswith("; does config miss a parameter?")


def _raising_forward(self, x, /, *, out=None):
    if np.any(x == 0.5):
        raise ZeroDivisionError("no 0.5 here")
    return _fill(out, _expit(x))


def test_an_exception_in_the_plugin_fails_the_check_and_keeps_the_cause():
    cls = variant(GoodSigmoid, "kit_raises", forward=_raising_forward)
    with registered(cls), pytest.raises(AssertionError) as info:
        check_activation("kit_raises", checks=["check_dtypes"])
    assert str(info.value) == (
        "kit_raises: 1 of 1 checks failed\n"
        "check_dtypes(kit_raises): forward(a float16 array of shape (21,)) "
        "raised ZeroDivisionError: no 0.5 here"
    )
    report = check_activation(cls(), checks=["check_dtypes"], on_fail=None)
    assert report.failures[0].message.startswith("check_dtypes(kit_raises): forward(")


def test_a_check_alone_chains_the_plugin_exception():
    cls = variant(GoodSigmoid, "kit_raises", forward=_raising_forward)
    with registered(cls), pytest.raises(AssertionError) as info:
        CHECKS["check_shapes"]("kit_raises")
    assert isinstance(info.value.__cause__, ZeroDivisionError)


def test_unregistered_instance_fails_the_contract_only():
    report = check_activation(GoodSigmoid(), on_fail=None)
    assert [r.check for r in report.failures] == ["check_contract"]
    assert "unknown activation 'kit_sigmoid'" in report.failures[0].message


# -- the runner, the report, parametrize_with_checks ---------------------------------
def test_check_activation_raises_one_error_listing_each_failure():
    with registered(BROKEN["zero_centered on sigmoid"][0]), pytest.raises(AssertionError) as info:
        check_activation("kit_zc", checks=["check_zero_centered", "check_monotonic", "check_sparse"])
    assert str(info.value) == (
        "kit_zc: 1 of 3 checks failed\n"
        "check_zero_centered(kit_zc): declared zero_centered=True, "
        "but f(0) = 0.5 and f(-0) = 0.5 in float16, not 0"
    )


def test_report_lists_every_check_in_order():
    report = check_activation("relu")
    assert isinstance(report, CheckReport)
    assert [r.check for r in report.results] == list(CHECKS)
    assert all(isinstance(r, CheckResult) and r.passed and r.seconds >= 0 for r in report.results)
    assert report.passed
    assert report.failures == ()
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.activation = "x"  # type: ignore[misc]


def test_every_issue_check_exists():
    wanted = {
        "check_contract", "check_dtypes", "check_out", "check_no_mutation", "check_special_values",
        "check_backward_finite_differences", "check_backward_matches_derivative", "check_output_range",
        "check_monotonic", "check_zero_centered", "check_sparse", "check_kinks", "check_smoothness",
        "check_saturating", "check_identity_near_origin",
    }  # fmt: skip
    assert wanted <= set(CHECKS)


def test_checks_selection_and_errors():
    report = check_activation("tanh", checks=["check_kinks", check_smoothness])
    assert [r.check for r in report.results] == ["check_kinks", "check_smoothness"]
    with pytest.raises(ValueError, match="unknown check 'check_nope'"):
        check_activation("tanh", checks=["check_nope"])
    with pytest.raises(ValueError, match="on_fail must be"):
        check_activation("tanh", checks=["check_kinks"], on_fail="warn")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="dtypes must be float16, float32 or float64, got int32"):
        check_activation("tanh", checks=["check_kinks"], dtypes=["int32"], on_fail=None).results[0]
    with pytest.raises(activations.UnknownActivationError):
        check_activation("no_such_activation")


def test_dtypes_and_rtol_are_passed_on():
    # float16 alone: a plugin that is wrong only in float32 passes
    def wrong_in_float32(self, x, /, *, out=None):
        y = _expit(x)
        return _fill(out, y * 1.01 if x.dtype == np.float32 else y)

    cls = variant(GoodSigmoid, "kit_f32", forward=wrong_in_float32)
    with registered(cls):
        assert not check_activation("kit_f32", checks=["check_dtypes"], on_fail=None).passed
        assert check_activation("kit_f32", checks=["check_dtypes"], dtypes=["float16", "float64"]).passed
        assert check_activation("kit_f32", checks=["check_dtypes"], rtol=0.02).passed


def test_accepts_every_kind_of_spec():
    for spec in (
        "leaky_relu",
        "Leaky-ReLU(negative_slope=0.2)",
        {"name": "leaky_relu"},
        activations.get("lrelu"),
        activations.get("leaky_relu").plugin,
    ):
        assert check_activation(spec, checks=["check_contract", "check_kinks"]).passed


def test_parametrize_with_checks_ids_and_xfail():
    mark = parametrize_with_checks(
        ["relu", "leaky_relu(negative_slope=0.2)"],
        checks=["check_kinks", "check_sparse"],
        expected_failures=lambda act: {"check_sparse": "known"} if act.name == "leaky_relu" else {},
    )
    ids = [p.id for p in mark.args[1]]
    assert ids == [
        "relu-check_kinks", "relu-check_sparse",
        "leaky_relu(negative_slope=0.2)-check_kinks", "leaky_relu(negative_slope=0.2)-check_sparse",
    ]  # fmt: skip
    marks = [[m.name for m in p.marks] for p in mark.args[1]]
    assert marks == [[], [], [], ["xfail"]]
    with pytest.raises(ValueError, match="unknown checks"):
        parametrize_with_checks(["relu"], expected_failures={"check_typo": "x"})


@parametrize_with_checks(["relu", "sigmoid"], checks=["check_contract", "check_monotonic"])
def test_parametrize_with_checks_runs(activation, check):
    check(activation)


def test_check_functions_have_the_public_signature():
    for name, check in CHECKS.items():
        assert check.__name__ == name
        assert check.__module__ == "activations.testing"
        assert str(inspect.signature(check)) == (
            "(activation: 'Any', /, *, dtypes: 'Iterable[Any]' = ('float16', 'float32', 'float64'), "
            "rtol: 'float' = 0.0) -> 'None'"
        )
        assert "Examples" in check.__doc__


def test_check_functions_fail_alone():
    cls = BROKEN["kink that is not there"][0]
    with (
        registered(cls),
        pytest.raises(AssertionError, match=r"^check_kinks\(kit_ghost_kink\): declared kink at 0.5"),
    ):
        check_kinks("kit_ghost_kink")


def test_kit_is_quick():
    start = time.perf_counter()
    check_activation("sigmoid")
    assert time.perf_counter() - start < 2.0


# -- the pytest plugin ---------------------------------------------------------------
pytest_plugins = ["pytester"]


def test_plugin_is_inert_without_the_option(pytester):
    pytester.makepyfile("def test_one():\n    assert True\n")
    result = pytester.runpytest_subprocess("-p", "activations", "-q")
    result.assert_outcomes(passed=1)


def test_plugin_runs_the_kit_on_request(pytester):
    pytester.makepyfile("def test_one():\n    assert True\n")
    result = pytester.runpytest_subprocess(
        "-q", "--activations-check=relu", "--activations-check=tanh", "-rA"
    )
    result.assert_outcomes(passed=1 + 2 * len(CHECKS))
    result.stdout.fnmatch_lines(
        ["PASSED activations-check::relu-check_kinks", "PASSED activations-check::tanh-*"]
    )


def test_plugin_unknown_name_is_a_usage_error(pytester):
    pytester.makepyfile("def test_one():\n    assert True\n")
    result = pytester.runpytest_subprocess("-q", "--activations-check=qqqqq")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--activations-check: unknown activation 'qqqqq'*"])


def test_plugin_reports_the_check_message(pytester):
    pytester.makeconftest(
        "import math, numpy as np, activations\n"
        "class Bad(activations.BaseActivation):\n"
        "    '''Claims zero-centred.'''\n"
        "    name = 'bad_sigmoid'\n"
        "    properties = activations.Properties(output_range=(0.0, 1.0), monotonic=True,\n"
        "        zero_centered=True, sparse=False, smoothness=math.inf, saturating='both')\n"
        "    def forward(self, x, /, *, out=None):\n"
        "        return activations.get('sigmoid').plugin.forward(x, out=out)\n"
        "    def derivative(self, x, /, *, out=None):\n"
        "        return activations.get('sigmoid').plugin.derivative(x, out=out)\n"
        "def pytest_configure(config):\n"
        "    activations.register(Bad, name='bad_sigmoid')\n"
    )
    result = pytester.runpytest_subprocess("-q", "--activations-check=bad_sigmoid")
    result.assert_outcomes(passed=len(CHECKS) - 1, failed=1)
    result.stdout.fnmatch_lines(
        ["check_zero_centered(bad_sigmoid): declared zero_centered=True, but f(0) = 0.5*"]
    )


def test_plugin_runs_the_kit_on_every_registered_activation_with_all(pytester):
    pytester.makepyfile("def test_one():\n    assert True\n")
    result = pytester.runpytest_subprocess("-q", "--activations-check=all", "-k", "check_contract")
    n = len(activations.names())
    result.assert_outcomes(passed=n, deselected=1 + (len(CHECKS) - 1) * n)
    listing = pytester.runpytest_subprocess("-q", "--co", "--activations-check=all")
    ids = [line for line in listing.stdout.lines if line.startswith("activations-check::")]
    assert len(ids) == n * len(CHECKS)
    assert "activations-check::relu-check_contract" in ids
    assert "activations-check::bent_identity-check_kinks" in ids  # third-party plugins too


BAD_SIGMOID = '''
import math
import activations
from activations.testing import check_activation, parametrize_with_checks

class Bad(activations.BaseActivation):
    """Claims zero-centred."""
    name = "tb_bad_sigmoid"
    properties = activations.Properties(output_range=(0.0, 1.0), monotonic=True,
        zero_centered=True, sparse=False, smoothness=math.inf, saturating="both")
    def forward(self, x, /, *, out=None):
        return activations.get("sigmoid").plugin.forward(x, out=out)
    def derivative(self, x, /, *, out=None):
        return activations.get("sigmoid").plugin.derivative(x, out=out)

activations.register(Bad, name="tb_bad_sigmoid")

@parametrize_with_checks(["tb_bad_sigmoid"], checks=["check_zero_centered"])
def test_conformance(activation, check):
    check(activation)

def test_whole_kit():
    check_activation("tb_bad_sigmoid", checks=["check_zero_centered"])
'''


def test_a_failed_check_shows_the_user_s_frames_not_the_kit_s(pytester):
    pytester.makepyfile(test_bad=BAD_SIGMOID)
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider", "--tb=long")
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(["*check(activation)*", "*check_activation(*tb_bad_sigmoid*"])
    for kit in ("_harness.py", "_runner.py", "_property_checks.py"):
        result.stdout.no_fnmatch_line(f"*{kit}*")


# -- the plugin authors' guide: its pytest examples run ------------------------------
GUIDE = Path(__file__).resolve().parents[1] / "docs" / "testing-plugins.md"

CONFTEST = """
import dataclasses
import activations

Silu = type(activations.get("silu").plugin)


class MySwish(Silu):
    '''SiLU under another name, as a third-party plugin.'''

    name = "my_swish"
    {extra}


def pytest_configure(config):
    activations.register(MySwish, name="my_swish")
"""


def _guide_pytest_blocks() -> list[str]:
    blocks = re.findall(r"```python\n(.*?)```", GUIDE.read_text(encoding="utf-8"), flags=re.DOTALL)
    return [b for b in blocks if ">>>" not in b]


def test_guide_pytest_example_runs(pytester):
    first, _ = _guide_pytest_blocks()
    pytester.makeconftest(CONFTEST.format(extra=""))
    pytester.makepyfile(test_conformance=first)
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2 * len(CHECKS))
    result.stdout.no_fnmatch_line("*error*")


def test_guide_expected_failures_example_runs(pytester):
    _, second = _guide_pytest_blocks()
    wrong = "properties = dataclasses.replace(Silu().properties, saturating='none')"
    pytester.makeconftest(CONFTEST.format(extra=wrong))
    pytester.makepyfile(test_conformance=second)
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=len(CHECKS) - 1, xfailed=1)
