"""Training with learned activation parameters: gradients, the update, reports, the command line.

The network's gradient with respect to each hidden layer's parameter is held
to a central finite difference of the loss in that parameter (the forward
pass only); the first update to the closed form of one SGD step on the whole
training set, with that gradient measured the same independent way.
"""

import json
import math
import re

import numpy as np
import pytest

import activations
from activations import BaseActivation, Properties, analysis
from activations.analysis._digits import split_digits
from activations.analysis._network import backpropagate, glorot_normal
from activations.cli import main

SMALL = {"samples": 2000, "depth": 3, "epochs": 3}


def _loss(layers, acts, x, labels):
    return backpropagate(layers, acts, x, labels)[0]


@pytest.mark.parametrize(
    "spec", ["prelu", "leaky_relu(negative_slope=0.2)", "elu", "celu(alpha=0.7)", "silu", "softplus(beta=2)"]
)
def test_each_layers_parameter_gradient_is_the_finite_difference_of_the_loss(spec):
    act = activations.get(spec)
    (name,) = act.learnable
    rng = np.random.default_rng(3)
    layers = glorot_normal((5, 4, 4, 3), rng)
    for layer in layers:
        layer.bias[:] = rng.normal(size=layer.bias.shape)
    x = rng.normal(size=(9, 5))
    labels = rng.integers(0, 3, size=9)
    acts = [act, act.replace(**{name: float(act.config[name]) * 1.5})]  # two layers, two values
    _, _, analytic = backpropagate(layers, acts, x, labels, learn=True)
    h = 1e-6
    for k in range(2):
        theta = float(acts[k].config[name])
        up = [*acts]
        down = [*acts]
        up[k] = acts[k].replace(**{name: theta + h})
        down[k] = acts[k].replace(**{name: theta - h})
        numeric = (_loss(layers, up, x, labels) - _loss(layers, down, x, labels)) / (2 * h)
        # O(h^2) truncation and O(eps / h) rounding: about 1e-9 on a loss of order 1
        assert analytic[k][name] == pytest.approx(numeric, rel=1e-6, abs=1e-8), (k, name)


def test_the_first_update_is_one_sgd_step_on_the_finite_difference_gradient():
    """One batch of the whole training set, no momentum: θ1 = θ0 - lr * dL/dθ at the initial weights."""
    x_train, y_train, _, _ = split_digits()
    lr = 0.05
    run = analysis.train(
        "prelu", epochs=1, batch_size=len(y_train), momentum=0.0, learning_rate=lr, learn=True
    )
    # train draws the initial weights first from default_rng(seed), as glorot_normal does here
    layers = glorot_normal((64, 64, 64, 64, 10), np.random.default_rng(0))
    prelu = activations.get("prelu")
    h = 1e-6
    for k in range(3):
        up = [prelu] * 3
        down = [prelu] * 3
        up[k] = prelu.replace(weight=0.25 + h)
        down[k] = prelu.replace(weight=0.25 - h)
        gradient = (_loss(layers, up, x_train, y_train) - _loss(layers, down, x_train, y_train)) / (2 * h)
        path = run.learned[k]["weight"]
        assert path[0] == 0.25
        assert path[1] == pytest.approx(0.25 - lr * gradient, rel=1e-7, abs=1e-10)


def test_prelu_learns_its_slopes_and_the_digits():
    run = analysis.train("prelu", epochs=5, learn=True)
    assert run.final_accuracy >= 0.9
    assert len(run.learned) == 3
    for layer in run.learned:
        assert len(layer["weight"]) == 6  # the spec's value, then one per epoch
        assert layer["weight"][0] == 0.25
        assert layer["weight"][-1] != 0.25
    assert run.final_parameters() == tuple({"weight": layer["weight"][-1]} for layer in run.learned)


def test_without_learn_nothing_changes():
    fixed = analysis.train("prelu", epochs=3)
    assert fixed.learned == ()
    assert fixed.accuracy == analysis.train("leaky_relu(negative_slope=0.25)", epochs=3).accuracy
    learned = analysis.train("prelu", epochs=3, learn=True)
    assert learned.accuracy != fixed.accuracy
    # nothing learnable: learn=True trains exactly as without it
    relu = analysis.train("relu", epochs=3, learn=True)
    assert relu.accuracy == analysis.train("relu", epochs=3).accuracy
    assert relu.learned == ({}, {}, {})


class Ignored(BaseActivation):
    """tanh, with a parameter that must stay positive and whose claimed gradient is huge."""

    name = "ignored_test"
    learnable = ("scale",)
    properties = Properties(
        output_range=(-1.0, 1.0), monotonic=True, zero_centered=True, sparse=False, smoothness=math.inf
    )

    def __init__(self, *, scale=1.0):
        if not scale > 0:
            raise ValueError(f"scale must be > 0, got {scale!r}")
        self.scale = scale

    def forward(self, x, /, *, out=None):
        return np.tanh(x, out=out)

    def derivative(self, x, /, *, out=None):
        return np.subtract(1.0, np.square(np.tanh(x)), out=out)

    def parameter_backward(self, x, grad_output, /, *, output=None):
        return {"scale": 1e6}


def test_a_parameter_that_leaves_its_domain_stops_training():
    run = analysis.train(Ignored(), epochs=3, learn=True)
    assert run.diverged_at == 1
    assert all(math.isnan(a) for a in run.accuracy)
    assert math.isnan(run.dead_fraction)
    assert run.stopped == "hidden layer 1: ignored_test(scale=-49999.0): scale must be > 0, got -49999.0"
    assert run.learned[0]["scale"] == (1.0,)  # no epoch finished
    assert analysis.train("tanh", epochs=1).stopped is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"learn": "yes"}, "learn must be True or False, got 'yes'"),
        ({"fixed": ("relu",)}, "fixed=('relu',) needs learn=True: without it, no parameter is learned"),
        ({"learn": True, "fixed": "relu"}, "fixed must be a tuple of activation names, got 'relu'"),
    ],
)
def test_settings_check_learn_and_fixed(change, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        analysis.Settings(**change)


# -- compare --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def learned():
    return analysis.compare(
        ["prelu", "leaky_relu(negative_slope=0.25)", "relu"], learn=True, fixed=["lrelu"], **SMALL
    )


def test_compare_learns_all_but_the_fixed(learned):
    assert learned.settings.fixed == ("leaky_relu",)  # the alias, made canonical
    prelu, leaky, relu = learned.activations
    assert len(prelu.training.learned) == 3
    assert leaky.training.learned == ()
    assert relu.training.learned == ({}, {}, {})
    assert prelu.training == analysis.train("prelu", epochs=3, learn=True)
    assert leaky.training == analysis.train("leaky_relu(negative_slope=0.25)", epochs=3)


def test_the_table_has_a_learned_column(learned):
    lines = learned.to_markdown().splitlines()
    assert lines[0].endswith("| dead | learned |")
    prelu = learned.activations[0]
    finals = ", ".join(f"{layer['weight']:.3f}" for layer in prelu.training.final_parameters())
    assert lines[2].endswith(f"| weight {finals} |")
    assert lines[3].endswith("| not learned |")
    assert lines[4].endswith("| nothing learnable |")
    assert "learnable parameters learned per hidden layer, same SGD" in learned.to_markdown()
    plain = analysis.compare(["prelu"], **SMALL).to_markdown().splitlines()
    assert plain[0].endswith("| dead |")


def test_the_json_has_each_learned_path(learned):
    data = json.loads(json.dumps(learned.to_dict(), allow_nan=False))
    assert data["settings"]["learn"] is True
    assert data["settings"]["fixed"] == ["leaky_relu"]
    prelu, leaky, relu = data["activations"]
    paths = prelu["learned"]["weight"]["path"]
    assert paths == [list(layer["weight"]) for layer in learned.activations[0].training.learned]
    assert prelu["learned"]["weight"]["final"] == [path[-1] for path in paths]
    assert all(len(path) == SMALL["epochs"] + 1 and path[0] == 0.25 for path in paths)
    assert "learned" not in leaky  # fixed
    assert relu["learned"] == {}  # nothing to learn
    plain = analysis.compare(["prelu"], **SMALL).to_dict()
    assert "learned" not in plain["activations"][0]
    assert plain["settings"]["learn"] is False


def test_over_seeds_the_learned_values_are_summarised_per_layer():
    pytest.importorskip("dask")
    report = analysis.compare(["prelu"], seeds=3, scheduler="synchronous", learn=True, **SMALL)
    row = report.to_dict()["activations"][0]
    finals = np.array([run["learned"]["weight"]["final"] for run in row["runs"]])  # seeds x layers
    assert row["learned"]["weight"]["mean"] == pytest.approx(finals.mean(axis=0).tolist(), rel=1e-12)
    assert row["learned"]["weight"]["std"] == pytest.approx(finals.std(axis=0).tolist(), rel=1e-12)
    assert row["learned"]["weight"]["min"] == finals.min(axis=0).tolist()
    cell = report.to_markdown().splitlines()[2].split(" | ")[-1]
    expected = ", ".join(f"{m:.3f} ± {s:.3f}" for m, s in zip(finals.mean(0), finals.std(0), strict=True))
    assert cell == f"weight {expected} |"


def test_training_settings_hold_an_alias_fixed():
    settings = analysis.Settings(epochs=2, learn=True, fixed=("lrelu",))
    from activations.analysis._training import train_with

    assert train_with("leaky_relu(negative_slope=0.25)", settings).learned == ()
    assert len(train_with("prelu", settings).learned) == 3


def test_fixed_must_name_an_activation_compared():
    with pytest.raises(ValueError, match="fixed names 'relu', which is not compared; compared: prelu"):
        analysis.compare(["prelu"], learn=True, fixed=["relu"], **SMALL)
    with pytest.raises(activations.UnknownActivationError):
        analysis.compare(["prelu"], learn=True, fixed=["no_such_thing"], **SMALL)


# -- the command line -------------------------------------------------------------------------


def run(capsys, *argv):
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_compare_learn_on_the_digits(capsys):
    argv = ["compare", "prelu", "leaky_relu(negative_slope=0.25)", "--learn", "--fixed", "leaky_relu"]
    code, out, err = run(capsys, *argv, "--epochs", "3", "--depth", "3", "--json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    prelu, leaky = data["activations"]
    assert len(prelu["learned"]["weight"]["final"]) == 3
    assert all(value != 0.25 for value in prelu["learned"]["weight"]["final"])
    assert "learned" not in leaky
    code, table, _ = run(capsys, *argv, "--epochs", "3", "--depth", "3")
    assert code == 0
    finals = ", ".join(f"{v:.3f}" for v in prelu["learned"]["weight"]["final"])
    assert f"| weight {finals} |" in table


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["relu", "--fixed", "relu"], "--fixed needs --learn"),
        (["relu", "--learn", "--fixed", "tanh"], "--fixed tanh: not among the activations compared (relu)"),
        (["relu", "--learn", "--fixed", "no_such_thing"], "unknown activation 'no_such_thing'"),
    ],
)
def test_compare_learn_user_errors(capsys, argv, message):
    code, out, err = run(capsys, "compare", *argv)
    assert code == 2
    assert out == ""
    assert err.splitlines()[0] == f"activations: error: {message}"
