"""activations.analysis.collapsed_mass and collapsed_input: closed forms, an independent probe, seeds."""

import math

import numpy as np
import pytest

import activations
from activations import analysis
from activations.analysis._collapse import PROBE_RIDGE, probe_accuracy


def normal_cdf(x):
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("relu", 0.5),  # constant (0) on x < 0: half the mass
        ("threshold", 0.5),
        ("leaky_relu", 0.0),  # injective: nothing collapses
        ("tanh", 0.0),
        ("sigmoid", 0.0),
        ("identity", 0.0),
        ("gelu", 0.0),  # not monotonic, but constant nowhere
        ("hardtanh", 2.0 * normal_cdf(-1.0)),  # constant outside [-1, 1]
        ("hardshrink", math.erf(0.5 / math.sqrt(2.0))),  # constant on [-1/2, 1/2]
        ("hard_sigmoid", 2.0 * normal_cdf(-3.0)),
        ("relu6", 0.5 + normal_cdf(-6.0)),
    ],
)
def test_collapsed_mass_is_the_closed_form(spec, expected):
    assert analysis.collapsed_mass(spec) == pytest.approx(expected, rel=1e-12, abs=1e-15)


def test_relu_collapses_exactly_half():
    assert analysis.collapsed_mass("relu") == 0.5
    assert analysis.collapsed_mass("tanh") == 0.0
    assert analysis.collapsed_mass("leaky_relu") == 0.0


def test_a_flat_piece_that_ends_off_the_kinks_is_missed_by_at_most_one_cell():
    # sparse_plus is 0 below -1 and smooth there (C^1, no declared kink)
    for cells in (1 << 10, 1 << 16):
        mass = analysis.collapsed_mass("sparse_plus", cells=cells)
        assert normal_cdf(-1.0) - 1.0 / cells <= mass <= normal_cdf(-1.0)


class Zero(activations.BaseActivation):
    """f(x) = 0: everything collapses and nothing is left to read."""

    name = "zero_collapse_test"
    properties = activations.Properties(
        output_range=(0.0, 0.0), monotonic=True, zero_centered=False, sparse=True, smoothness=math.inf
    )

    def forward(self, x, /, *, out=None):
        result = np.empty_like(x) if out is None else out
        result[...] = 0.0  # at +-inf too, where x * 0 would be NaN
        return result

    def derivative(self, x, /, *, out=None):
        return self.forward(x, out=out)


def test_a_constant_collapses_everything_and_the_probe_guesses():
    c = analysis.collapsed_input(Zero(), layers=2)
    assert c.mass == 1.0
    assert c.probe_accuracy < 0.15  # one class for every test digit: about 1 in 10
    assert c.probe_loss > 0.8


def test_the_identity_loses_nothing():
    c = analysis.collapsed_input("identity")
    assert (c.mass, c.probe_loss) == (0.0, 0.0)
    assert c.probe_accuracy == c.probe_pre_accuracy > 0.9


def test_the_probe_is_ridge_least_squares():
    # the same problem solved another way: least squares on the rows stacked with sqrt(n * ridge) I
    rng = np.random.default_rng(3)
    x = rng.normal(size=(200, 5))
    labels = np.argmax(x[:, :3] + 0.3 * rng.normal(size=(200, 3)), axis=1)
    test_x = rng.normal(size=(100, 5))
    test_labels = np.argmax(test_x[:, :3], axis=1)
    a = np.hstack([x, np.ones((200, 1))])
    stacked = np.vstack([a, math.sqrt(200 * PROBE_RIDGE) * np.eye(6)])
    targets = np.vstack([np.eye(3)[labels], np.zeros((6, 3))])
    weights = np.linalg.lstsq(stacked, targets, rcond=None)[0]
    expected = np.mean(np.argmax(np.hstack([test_x, np.ones((100, 1))]) @ weights, axis=1) == test_labels)
    assert probe_accuracy((x, labels), (test_x, test_labels)) == expected


def test_collapsed_input_is_seeded():
    first = analysis.collapsed_input("relu", layers=2, seed=1)
    assert analysis.collapsed_input("relu", layers=2, seed=1) == first
    other = analysis.collapsed_input("relu", layers=2, seed=2)
    assert other.probe_pre_accuracy != first.probe_pre_accuracy


def test_relu_loses_more_to_a_probe_than_tanh():
    relu, tanh = analysis.collapsed_input("relu"), analysis.collapsed_input("tanh")
    assert relu.probe_pre_accuracy == tanh.probe_pre_accuracy  # the same random layers
    assert relu.probe_loss > tanh.probe_loss


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"layers": 0}, "layers must be an integer >= 1, got 0"),
        ({"width": 1.5}, "width must be an integer >= 1, got 1.5"),
        ({"seed": -1}, "seed must be an integer >= 0, got -1"),
    ],
)
def test_bad_arguments_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=f"^{message}$"):
        analysis.collapsed_input("relu", **kwargs)


def test_to_dict_has_the_probe_loss():
    data = analysis.collapsed_input("identity", layers=1).to_dict()
    assert data == {
        "mass": 0.0,
        "probe_pre_accuracy": data["probe_pre_accuracy"],
        "probe_accuracy": data["probe_pre_accuracy"],
        "probe_loss": 0.0,
        "layers": 1,
    }
