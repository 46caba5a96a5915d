"""activations.analysis.kink_hits and its wrappers: the other side, exact counts, the same run as train."""

import math

import numpy as np
import pytest

import activations
from activations import analysis
from activations.analysis._kinks import KinkCounter, OtherSideAtKinks, other_side
from activations.analysis._network import train_sgd

FAST = {"epochs": 2}


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("relu", (1.0,)),  # ReLU'(0) = 0 (left); the right side is 1
        ("leaky_relu", (1.0,)),  # slope on the left; 1 on the right
        ("hardtanh", (1.0, 1.0)),  # 0 at +-1 (the flat sides); the other sides are 1
        ("relu6", (1.0, 1.0)),
        ("hard_sigmoid", (1.0 / 6.0, 1.0 / 6.0)),
        ("leaky_relu(negative_slope=0.2)", (1.0,)),
        ("tanh", ()),
    ],
)
def test_the_other_side_is_the_one_sided_derivative_not_taken(spec, expected):
    assert other_side(spec) == pytest.approx(expected, rel=1e-15)


def test_the_flipped_activation_changes_f_prime_at_the_kinks_only():
    for spec in ("relu", "hardtanh", "relu6", "leaky_relu(negative_slope=0.2)"):
        act = activations.get(spec)
        flipped = activations.get(OtherSideAtKinks(act))
        kinks = np.array(act.properties.kinks)
        near = np.concatenate([np.nextafter(kinks, -np.inf), np.nextafter(kinks, np.inf)])
        x = np.concatenate([np.linspace(-8.0, 8.0, 1601), near, kinks])
        at = np.isin(x, kinks)
        assert np.array_equal(flipped(x), act(x))
        assert np.array_equal(flipped.derivative(x)[~at], act.derivative(x)[~at])
        assert np.array_equal(flipped.derivative(kinks), np.array(other_side(act)))
        g = np.linspace(-3.0, 3.0, x.size)
        assert np.array_equal(flipped.backward(x, g)[~at], act.backward(x, g)[~at])
        assert np.array_equal(
            flipped.backward(x, g)[at], g[at] * np.array(other_side(act))[np.searchsorted(kinks, x[at])]
        )


def test_the_counter_counts_exact_hits_only():
    counter = KinkCounter(activations.get("hardtanh"))
    x = np.array([-1.0, np.nextafter(-1.0, 0.0), 0.0, 1.0, 1.0, 2.0])
    counter.backward(x, np.ones_like(x))
    counter.backward(x[:2], np.ones(2))
    assert (counter.hits, counter.seen) == (4, 8)


def test_the_counted_run_is_the_run_of_train():
    hits = analysis.kink_hits("relu", **FAST)
    assert hits.training == analysis.train("relu", **FAST)


def test_relu_never_lands_on_its_kink_in_training_on_the_digits():
    hits = analysis.kink_hits("relu")
    # every pre-activation of the 3 hidden layers of 64 units, for 1437 images, in 30 epochs
    assert hits.seen == 3 * 64 * 1437 * 30
    assert hits.hits == 0
    assert hits.other_side_training == hits.training
    assert not hits.changed


def test_no_kink_no_second_run():
    hits = analysis.kink_hits("tanh", **FAST)
    assert (hits.kinks, hits.other_side, hits.hits, hits.other_side_training) == ((), (), 0, None)
    assert hits.fraction == 0.0


def test_where_the_kink_is_hit_the_side_taken_changes_training():
    # Rows of zeros meet the first layer's zero biases exactly at ReLU's kink on the first step.
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 4))
    x[::2] = 0.0
    y = (x[:, 0] > 0).astype(int)
    relu = activations.get("relu")
    kwargs = {"hidden": (8,), "epochs": 3, "batch_size": 64, "learning_rate": 0.1, "momentum": 0.9, "seed": 0}
    counter = KinkCounter(relu)
    own = train_sgd(activations.get(counter), (x, y, x, y), **kwargs)
    flipped = train_sgd(activations.get(OtherSideAtKinks(relu)), (x, y, x, y), **kwargs)
    assert counter.hits >= 32 * 8  # the 32 zero rows x 8 units, at least on the first step
    assert counter.seen == 64 * 8 * 3
    assert not np.array_equal(own.layers[0].weight, flipped.layers[0].weight)


def test_kink_hits_is_seeded():
    assert analysis.kink_hits("relu6", **FAST) == analysis.kink_hits("relu6", **FAST)


def test_to_dict_is_json_ready():
    data = analysis.kink_hits("relu", **FAST).to_dict()
    assert data["kinks"] == [0.0]
    assert data["other_side"] == [1.0]
    assert (data["hits"], data["fraction"], data["changed"]) == (0, 0.0, False)
    assert data["training"] == data["other_side_training"]
    assert set(data["training"]) == {"final_accuracy", "epochs_to_target", "diverged_at"}
    assert analysis.kink_hits("tanh", **FAST).to_dict()["other_side_training"] is None


def test_the_wrappers_say_what_they_wrap():
    flipped = activations.get(OtherSideAtKinks(activations.get("leaky_relu(negative_slope=0.2)")))
    assert repr(flipped) == "other_side_at_kinks(activation='leaky_relu(negative_slope=0.2)')"
    assert flipped.properties == activations.get("leaky_relu(negative_slope=0.2)").properties
    assert not math.isnan(flipped.derivative(0.0))
