"""activations.analysis.nonlinearity: the spirals, a linear model's limit, and what a non-linearity buys."""

import math

import numpy as np
import pytest

import activations
from activations import analysis
from activations.analysis._nonlinearity import SPIRAL_TASK, spiral_accuracy, spirals

FAST = {"epochs": 3}


def test_the_spirals_are_two_arms_half_a_turn_apart():
    x, labels = spirals(500, turns=1.5, radius=2.0, seed=4)
    r = np.hypot(x[:, 0], x[:, 1])
    t = r / 2.0
    assert np.all(r <= 2.0)
    angle = np.arctan2(x[:, 1], x[:, 0])
    # each point sits at angle 2 pi turns t + pi label, modulo a whole turn
    offset = np.mod(angle - 2.0 * np.pi * 1.5 * t - np.pi * labels + np.pi, 2.0 * np.pi) - np.pi
    assert np.allclose(offset, 0.0, atol=1e-9)
    assert 200 < labels.sum() < 300


def test_the_spirals_are_seeded():
    a, b = spirals(10, seed=1), spirals(10, seed=1)
    assert np.array_equal(a[0], b[0])
    assert np.array_equal(a[1], b[1])
    assert not np.array_equal(spirals(10, seed=2)[0], a[0])


def best_linear_accuracy(x, labels, directions=3600):
    """The best accuracy of any rule "label 1 on one side of a line" on (x, labels), by brute force."""
    best = 0.0
    for theta in np.linspace(0.0, 2.0 * np.pi, directions, endpoint=False):
        ordered = labels[np.argsort(x @ np.array([np.cos(theta), np.sin(theta)]))]
        zeros_below = np.concatenate([[0], np.cumsum(ordered == 0)])
        ones_above = np.concatenate([[0], np.cumsum(ordered[::-1] == 1)])[::-1]
        best = max(best, float(np.max(zeros_below + ones_above)) / len(labels))
    return best


# The test points of the spiral task, and the best that any linear classifier can do on them
# (fitted on the test points themselves, with a margin for the grid of directions).
TEST_POINTS = spirals(SPIRAL_TASK["points"], seed=1)
LINEAR_LIMIT = best_linear_accuracy(*TEST_POINTS) + 0.01


def test_a_linear_model_cannot_solve_the_spirals_and_relu_can():
    assert 0.7 < LINEAR_LIMIT < 0.85
    assert spiral_accuracy("identity") <= LINEAR_LIMIT
    assert spiral_accuracy("relu") > 0.95


def test_the_identity_buys_nothing():
    n = analysis.nonlinearity("identity", **FAST)
    assert (n.spirals_gap, n.digits_gap, n.spirals_errors_removed) == (0.0, 0.0, 0.0)


class Affine(activations.BaseActivation):
    """f(x) = x / 2 + 1 / 4: affine, so a network of it is a linear model, though the core cannot know."""

    name = "affine_test"
    properties = activations.Properties(
        output_range=(-math.inf, math.inf),
        monotonic=True,
        zero_centered=False,
        sparse=False,
        smoothness=math.inf,
    )

    def forward(self, x, /, *, out=None):
        result = np.multiply(x, 0.5, out=out)
        result += 0.25
        return result

    def derivative(self, x, /, *, out=None):
        result = np.empty_like(x) if out is None else out
        result[...] = 0.5
        return result


def test_any_affine_activation_is_held_to_the_linear_limit():
    n = analysis.nonlinearity(Affine(), **FAST)
    assert n.spirals <= LINEAR_LIMIT
    assert n.spirals_linear <= LINEAR_LIMIT


def test_relu_removes_the_linear_models_errors_on_the_spirals():
    n = analysis.nonlinearity("relu", **FAST)
    assert n.spirals_gap > 0.2
    assert n.spirals_errors_removed > 0.9


def test_the_digits_accuracies_are_those_of_train():
    n = analysis.nonlinearity("tanh", **FAST)
    assert n.digits == analysis.train("tanh", **FAST).final_accuracy
    assert n.digits_linear == analysis.train("identity", **FAST).final_accuracy


def test_nonlinearity_is_seeded():
    assert analysis.nonlinearity("relu", **FAST) == analysis.nonlinearity("relu", **FAST)
    assert analysis.nonlinearity("relu", seed=1, **FAST) != analysis.nonlinearity("relu", **FAST)


def test_the_task_is_reported_as_it_is():
    assert SPIRAL_TASK == {"points": 1000, "turns": 1.0, "radius": 4.0, "hidden": (64, 64), "epochs": 50}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"points": 0}, "points must be an integer >= 1, got 0"),
        ({"turns": 0.0}, r"turns must be a real number in \(0, inf\), got 0.0"),
        ({"radius": -1.0}, r"radius must be a real number in \(0, inf\), got -1.0"),
    ],
)
def test_bad_spirals_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=f"^{message}$"):
        spirals(**{"points": 10, **kwargs})


def test_to_dict_is_json_ready():
    n = analysis.NonLinearity(spirals=math.nan, spirals_linear=1.0, digits=0.9, digits_linear=0.8)
    data = n.to_dict()
    assert data["spirals"] is None
    assert data["spirals_errors_removed"] is None
    assert data["digits_gap"] == pytest.approx(0.1)
