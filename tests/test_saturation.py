"""activations.analysis.saturation: closed forms, the rule at its edges, and the whole catalogue."""

import math

import numpy as np
import pytest

import activations
from activations import analysis
from activations.analysis._saturation import TENDS_TO_ZERO, tends_to_zero


def test_relu_saturates_below_only_with_its_closed_form_derivative():
    s = analysis.saturation("relu")
    assert s.lower == (0.0, 0.0, 0.0)  # f'(x) = 0 for x < 0
    assert s.upper == (1.0, 1.0, 1.0)  # f'(x) = 1 for x > 0: no saturation for large inputs
    assert (s.measured, s.declared, s.agrees) == ("lower", "lower", True)


def test_sigmoid_and_tanh_derivatives_are_their_closed_forms_far_out():
    sigmoid, tanh = analysis.saturation("sigmoid"), analysis.saturation("tanh")
    for k, value in zip((1.0, 10.0, 100.0), sigmoid.upper, strict=True):
        assert value == pytest.approx(math.exp(-k) / (1.0 + math.exp(-k)) ** 2, rel=1e-14)
    for k, value in zip((1.0, 10.0, 100.0), tanh.lower, strict=True):
        assert value == pytest.approx(4.0 / (math.exp(k) + math.exp(-k)) ** 2, rel=1e-14)
    assert sigmoid.measured == tanh.measured == "both"


def test_the_points_scale_with_the_standard_deviation():
    # tanh'(0.01), tanh'(0.1), tanh'(1): not yet near 0, so at this scale tanh does not saturate
    s = analysis.saturation("tanh", std=0.01)
    assert s.upper == pytest.approx([1.0 - math.tanh(x) ** 2 for x in (0.01, 0.1, 1.0)], rel=1e-14)
    assert (s.measured, s.agrees) == ("none", False)


@pytest.mark.parametrize(
    ("derivatives", "expected"),
    [
        ((1.0, 0.1, TENDS_TO_ZERO), True),  # exactly at the threshold
        ((1.0, 0.1, 1.01 * TENDS_TO_ZERO), False),
        ((0.0, 0.0, 0.0), True),  # flat
        ((-2.0, -0.5, -1e-3), True),  # the size of f' counts, not its sign
        ((1.0, 10.0, 100.0), False),  # growing
        ((1.0, math.nan, 0.0), False),
        ((1.0, 0.0, math.inf), False),
    ],
)
def test_the_rule_for_tending_to_zero(derivatives, expected):
    assert tends_to_zero(derivatives) is expected


@pytest.mark.parametrize(
    "spec",
    [*activations.names(), "leaky_relu(negative_slope=0.0)", "elu(alpha=0.0)", "celu(alpha=2.0)"],
)
def test_the_measured_saturation_agrees_with_the_declared_one(spec):
    # every registered activation: the bundled ones and the example third-party plugin
    s = analysis.saturation(spec)
    assert s.measured == s.declared, (s.lower, s.upper)


def test_the_catalogue_includes_the_third_party_plugin():
    assert "bent_identity" in activations.names()
    assert analysis.saturation("bent_identity").measured == "none"


class Exploding(activations.BaseActivation):
    """exp(x): f' grows without bound on the right, and overflows far enough out."""

    name = "exploding_test"
    properties = activations.Properties(
        output_range=(0.0, math.inf),
        monotonic=True,
        zero_centered=False,
        sparse=False,
        smoothness=math.inf,
        saturating="lower",
    )

    def forward(self, x, /, *, out=None):
        with np.errstate(over="ignore"):
            return np.exp(x, out=out)

    def derivative(self, x, /, *, out=None):
        return self.forward(x, out=out)


def test_an_overflowing_derivative_does_not_saturate_and_warns_nothing():
    s = analysis.saturation(Exploding(), std=10.0)
    assert s.upper[-1] == math.inf
    assert s.measured == "lower"


@pytest.mark.parametrize("std", [0.0, -1.0, math.inf, "1"])
def test_a_bad_standard_deviation_is_refused(std):
    with pytest.raises(ValueError, match=r"^std must be a real number in \(0, inf\), got "):
        analysis.saturation("relu", std=std)


def test_to_dict_is_json_ready():
    data = analysis.saturation(Exploding(), std=10.0).to_dict()
    assert data["upper"][-1] is None
    assert data["multiples"] == [1.0, 10.0, 100.0]
    assert (data["measured"], data["declared"], data["agrees"]) == ("lower", "lower", True)
