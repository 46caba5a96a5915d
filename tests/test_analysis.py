"""activations.analysis: closed forms, gradient flow, a proven trainer, determinism, third-party plugins.

Statistical tolerances: a sample mean of N independent draws with variance at
most v lies within 5 sqrt(v / N) of its expectation except with probability
below 6e-7 (normal approximation), so every tolerance below is 5 standard
errors with v a closed form or a bound; the inputs are seeded, so a failure
is a bug, not bad luck.
"""

import dataclasses
import inspect
import json
import math
import re
import sys

import numpy as np
import pytest

import activations
from activations import BaseActivation, Properties, analysis
from activations.analysis._network import Layer, glorot_normal, gradients

N = analysis.Settings().samples  # 100,000 draws of N(0, 1)
SMALL = {"samples": 2000, "depth": 3, "epochs": 2}


def five_se(variance, n=N):
    return 5.0 * math.sqrt(variance / n)


class Softsign(BaseActivation):
    """x / (1 + |x|): a third-party activation the core has never heard of."""

    name = "softsign_test"
    properties = Properties(
        output_range=(-1.0, 1.0),
        monotonic=True,
        zero_centered=True,
        sparse=False,
        smoothness=1,
        saturating="both",
    )

    def forward(self, x, /, *, out=None):
        return np.divide(x, 1.0 + np.abs(x), out=out)

    def derivative(self, x, /, *, out=None):
        return np.divide(1.0, np.square(1.0 + np.abs(x)), out=out)


class Zero(BaseActivation):
    """f(x) = 0: every unit is dead from the start, and no gradient flows."""

    name = "zero_test"
    properties = Properties(
        output_range=(0.0, 0.0), monotonic=True, zero_centered=False, sparse=True, smoothness=math.inf
    )

    def forward(self, x, /, *, out=None):
        return np.multiply(x, 0.0, out=out)

    def derivative(self, x, /, *, out=None):
        return np.multiply(x, 0.0, out=out)


class Exp(BaseActivation):
    """exp(x): unbounded and explosive, so deep networks overflow."""

    name = "exp_test"
    properties = Properties(
        output_range=(0.0, math.inf), monotonic=True, zero_centered=False, sparse=False, smoothness=math.inf
    )

    def forward(self, x, /, *, out=None):
        with np.errstate(over="ignore"):  # exp(x) > max float: inf is the true limit
            return np.exp(x, out=out)

    def derivative(self, x, /, *, out=None):
        return self.forward(x, out=out)


# -- output statistics against closed forms ----------------------------------------------


def test_relu_on_a_standard_normal_matches_the_closed_forms():
    stats = analysis.output_stats("relu")
    assert stats.samples == N
    # P(Z <= 0) = 1/2, a Bernoulli mean: variance 1/4.
    assert abs(stats.sparsity - 0.5) < five_se(0.25)
    assert abs(stats.zero_gradient_fraction - 0.5) < five_se(0.25)
    assert abs(stats.mean_gradient - 0.5) < five_se(0.25)
    # E[max(Z, 0)] = 1/sqrt(2 pi); Var = E[Z^2; Z > 0] - mean^2 = 1/2 - 1/(2 pi).
    assert abs(stats.mean_output - 1 / math.sqrt(2 * math.pi)) < five_se(0.5 - 1 / (2 * math.pi))
    # E[max(Z, 0)^2] = 1/2 with Var = E[Z^4; Z > 0] - 1/4 = 3/2 - 1/4.
    assert abs(stats.std_output**2 + stats.mean_output**2 - 0.5) < five_se(1.25)
    assert stats.max_gradient == 1.0


def test_sigmoid_is_not_zero_centred_and_passes_at_most_a_quarter():
    stats = analysis.output_stats("sigmoid")
    # sigmoid(Z) - 1/2 is odd in Z: E = 1/2; a variable in [0, 1] has variance <= 1/4.
    assert abs(stats.mean_output - 0.5) < five_se(0.25)
    assert stats.sparsity == 0.0  # sigmoid(x) > 0 for every |x| < 700
    assert stats.zero_gradient_fraction == 0.0
    # max sigmoid' = 1/4 at 0; sigmoid'(x) >= 1/4 - x^2/16, and among 1e5 draws some |x| < 1e-3
    # except with probability (1 - 2e-3 phi(0))^N < exp(-79): so the sample max is within 1e-6.
    assert abs(stats.max_gradient - 0.25) < 1e-6


def test_tanh_is_zero_centred_and_passes_gradients_up_to_one():
    stats = analysis.output_stats("tanh")
    # tanh is odd: E = 0; |tanh| <= 1 bounds the variance by 1.
    assert abs(stats.mean_output) < five_se(1.0)
    assert stats.sparsity == 0.0  # tanh(x) = 0 only at x = 0, never drawn
    # tanh'(x) = 1 - tanh(x)^2 >= 1 - x^2: within 1e-6 of 1 (same argument as sigmoid).
    assert abs(stats.max_gradient - 1.0) < 1e-6


def test_a_chosen_distribution_and_an_array():
    # U(-1, 1): P(U <= 0) = 1/2; E[max(U, 0)] = 1/4 with variance 1/6 - 1/16.
    stats = analysis.output_stats("relu", lambda rng, n: rng.uniform(-1.0, 1.0, n), samples=N)
    assert abs(stats.sparsity - 0.5) < five_se(0.25)
    assert abs(stats.mean_output - 0.25) < five_se(1 / 6 - 1 / 16)
    exact = analysis.output_stats("relu", [[-1.0, 0.0], [2.0, 4.0]])
    assert dataclasses.asdict(exact) == {
        "sparsity": 0.5,
        "mean_output": 1.5,
        "std_output": math.sqrt((0 + 0 + 4 + 16) / 4 - 1.5**2),
        "mean_gradient": 0.5,
        "max_gradient": 1.0,
        "zero_gradient_fraction": 0.5,
        "samples": 4,
    }


def test_output_stats_accepts_any_spec():
    stats = analysis.output_stats("leaky_relu(negative_slope=0.2)", [-1.0, 1.0])
    assert stats.mean_output == pytest.approx((-0.2 + 1.0) / 2)
    assert stats.sparsity == 0.0
    assert analysis.output_stats(activations.get("tanh"), [0.0]).max_gradient == 1.0


def test_output_stats_is_seeded():
    assert analysis.output_stats("tanh", samples=500, seed=3) == analysis.output_stats(
        "tanh", samples=500, seed=3
    )
    assert analysis.output_stats("tanh", samples=500, seed=3) != analysis.output_stats(
        "tanh", samples=500, seed=4
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"samples": 0}, "samples must be an integer >= 1, got 0"),
        ({"seed": -1}, "seed must be an integer >= 0, got -1"),
        ({"x": []}, "output_stats needs at least one input value, got an empty array"),
    ],
)
def test_output_stats_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=f"^{message}$"):
        analysis.output_stats("relu", **kwargs)


# -- gradient flow -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def flows():
    return {name: analysis.gradient_flow(name) for name in ("relu", "sigmoid", "tanh")}


def test_sigmoid_gradients_vanish_far_more_than_relu_and_tanh_at_depth_10(flows):
    # Backwards, every sigmoid layer multiplies the signal by at most ||W||_2 / 4, and a 64 x 64
    # Glorot-normal W has ||W||_2 close to 2 (Marchenko-Pastur edge 2 sigma sqrt(64)): over 9
    # layers at most about 2^-9 = 2e-3. ReLU under Glorot halves the forward variance and the
    # backward variance per layer, so dL/dW = a^T delta keeps its size; tanh is near-linear at 0.
    assert all(len(flow.layer_norms) == 10 for flow in flows.values())
    assert flows["sigmoid"].ratio < 1e-2
    assert 0.1 < flows["relu"].ratio < 10
    assert 0.1 < flows["tanh"].ratio < 10
    assert flows["sigmoid"].ratio < min(flows["relu"].ratio, flows["tanh"].ratio) / 100
    # and the sigmoid norms shrink layer after layer on the way back to the input
    assert all(np.diff(flows["sigmoid"].layer_norms) > 0)


def test_gradient_ratio_is_first_over_last(flows):
    for flow in flows.values():
        assert flow.ratio == flow.layer_norms[0] / flow.layer_norms[-1]


def test_gradient_flow_norms_are_those_of_the_whole_batch_mean_gradient():
    # gradient_flow sums the gradient over blocks of rows; it must equal the full-batch gradient
    settings = analysis.Settings()
    rng = np.random.default_rng(0)  # the documented order of draws: weights, inputs, labels
    layers = glorot_normal((64, *[64] * 10, 10), rng)
    x = rng.standard_normal((settings.batch, 64))
    labels = rng.integers(0, 10, size=settings.batch)
    _, grads = gradients(layers, activations.get("tanh"), x, labels)
    expected = [np.linalg.norm(g.weight) for g in grads[:-1]]
    np.testing.assert_allclose(analysis.gradient_flow("tanh").layer_norms, expected, rtol=1e-12)


def test_gradient_flow_depth_and_seed():
    shallow = analysis.gradient_flow("tanh", depth=2, seed=5)
    assert len(shallow.layer_norms) == 2
    assert shallow == analysis.gradient_flow("tanh", depth=2, seed=5)
    assert shallow != analysis.gradient_flow("tanh", depth=2, seed=6)


def test_no_gradient_at_all_gives_a_nan_ratio():
    flow = analysis.gradient_flow(Zero(), depth=3)
    assert flow.layer_norms == (0.0, 0.0, 0.0)
    assert math.isnan(flow.ratio)


def test_a_network_that_overflows_gives_nan_not_warnings():
    # Var z_(l+1) = E[exp(2 z_l)] = exp(2 Var z_l) under Glorot: 1, e^2, e^14.8 = 2.6e6, ...
    # so exp overflows by the fourth layer; warnings are errors in this suite.
    flow = analysis.gradient_flow(Exp(), depth=10)
    assert math.isnan(flow.ratio)
    assert not all(math.isfinite(n) for n in flow.layer_norms)


# -- the network's back-propagation against finite differences ---------------------------


@pytest.mark.parametrize("spec", ["tanh", "sigmoid", "relu", "leaky_relu(negative_slope=0.2)", Softsign()])
def test_backprop_matches_central_finite_differences(spec):
    act = activations.get(spec)
    rng = np.random.default_rng(42)
    layers = glorot_normal((5, 4, 3, 3), rng)
    for layer in layers:  # non-zero biases, so that they are tested too
        layer.bias[:] = rng.normal(size=layer.bias.shape)
    x = rng.normal(size=(7, 5))
    labels = rng.integers(0, 3, size=7)
    _, grads = gradients(layers, act, x, labels)
    h = 1e-6
    for layer, grad in zip(layers, grads, strict=True):
        for param, analytic in ((layer.weight, grad.weight), (layer.bias, grad.bias)):
            numeric = np.zeros_like(param)
            for index in np.ndindex(param.shape):
                saved = param[index]
                param[index] = saved + h
                up, _ = gradients(layers, act, x, labels)
                param[index] = saved - h
                down, _ = gradients(layers, act, x, labels)
                param[index] = saved
                numeric[index] = (up - down) / (2 * h)
            # central differences: O(h^2) truncation plus O(eps / h) rounding, about 1e-10 here
            np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-8)


def test_dead_units_are_counted_per_unit_over_all_examples():
    from activations.analysis._network import dead_fraction

    relu = activations.get("relu")
    # unit 1 is positive for the first row only, unit 2 never (-x - 5 < 0), unit 3 always
    layers = [
        Layer(np.array([[1.0, -1.0, 1.0]]), np.array([0.0, -5.0, 5.0])),
        Layer(np.ones((3, 1)), np.zeros(1)),
    ]
    assert dead_fraction(layers, relu, np.array([[1.0], [-1.0]])) == 1 / 3


# -- training on the digits ---------------------------------------------------------------


def test_training_is_bit_identical_for_a_seed():
    first = analysis.train("relu", epochs=3, seed=7)
    second = analysis.train("relu", epochs=3, seed=7)
    assert first == second  # exact float equality of every accuracy and of the dead fraction
    assert analysis.train("relu", epochs=3, seed=8).accuracy != first.accuracy


def test_training_learns_the_digits():
    run = analysis.train("tanh")
    assert len(run.accuracy) == analysis.Settings().epochs
    assert run.final_accuracy == run.accuracy[-1]
    assert run.final_accuracy >= 0.9
    assert run.epochs_to_target is not None
    assert run.accuracy[run.epochs_to_target - 1] >= 0.9
    assert all(acc < 0.9 for acc in run.accuracy[: run.epochs_to_target - 1])
    assert run.dead_fraction == 0.0  # tanh(z) = 0 only for z = 0 exactly


def test_a_target_of_zero_is_reached_at_the_first_epoch():
    assert analysis.train("sigmoid", epochs=1, target=0.0).epochs_to_target == 1


def test_an_activation_that_cannot_learn_never_reaches_the_target():
    run = analysis.train(Zero(), epochs=2)
    assert run.epochs_to_target is None
    assert run.dead_fraction == 1.0
    # only the output bias learns: it predicts one class, about a tenth of the test images
    assert run.final_accuracy < 0.2


def test_a_diverging_run_stops_and_reports_nan():
    run = analysis.train(Exp(), epochs=4)
    assert run.diverged_at is not None
    assert len(run.accuracy) == 4
    assert all(math.isnan(acc) for acc in run.accuracy[run.diverged_at - 1 :])
    assert all(math.isfinite(acc) for acc in run.accuracy[: run.diverged_at - 1])
    assert math.isnan(run.final_accuracy)
    assert math.isnan(run.dead_fraction)
    assert analysis.train("tanh", epochs=1).diverged_at is None


def test_the_defaults_of_the_functions_are_the_settings():
    settings = analysis.Settings()
    for function in (analysis.output_stats, analysis.gradient_flow, analysis.train):
        for name, parameter in inspect.signature(function).parameters.items():
            if hasattr(settings, name):
                assert parameter.default == getattr(settings, name), (function.__name__, name)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"depth": 0}, "depth must be an integer >= 1, got 0"),
        ({"epochs": -1}, "epochs must be an integer >= 1, got -1"),
        ({"hidden": (64, 0)}, "each hidden width must be an integer >= 1, got 0"),
        ({"momentum": 1.0}, "momentum must be a real number in [0, 1), got 1.0"),
        ({"learning_rate": 0.0}, "learning_rate must be a real number in (0, inf), got 0.0"),
        ({"target": 1.5}, "target must be a real number in [0, 1], got 1.5"),
    ],
)
def test_settings_reject_bad_values(change, message):
    with pytest.raises(ValueError, match=re.escape(message)) as info:
        analysis.Settings(**change)
    assert str(info.value) == message


# -- compare and its report ----------------------------------------------------------------


def test_the_classic_comparison_reproduces_the_article_at_default_settings():
    report = analysis.compare(["relu", "sigmoid", "tanh"])
    relu, sigmoid, tanh = report.activations
    assert [r.name for r in report.activations] == ["relu", "sigmoid", "tanh"]
    assert relu.stats.sparsity > 0.45  # sparse
    assert sigmoid.stats.sparsity == tanh.stats.sparsity == 0.0
    assert relu.stats.mean_output > 0.35  # bias shift
    assert sigmoid.stats.mean_output > 0.45
    assert abs(tanh.stats.mean_output) < 0.02  # zero-centred
    assert sigmoid.flow.ratio < relu.flow.ratio / 100  # vanishing gradients
    # converges faster: the first epoch at 90% comes later for sigmoid (or never)
    assert relu.training.epochs_to_target is not None
    assert tanh.training.epochs_to_target is not None
    assert sigmoid.training.epochs_to_target is None or sigmoid.training.epochs_to_target > max(
        relu.training.epochs_to_target, tanh.training.epochs_to_target
    )
    assert relu.training.dead_fraction > 0.0 == tanh.training.dead_fraction  # dead ReLUs


def test_compare_uses_the_same_measurements_as_the_functions():
    report = analysis.compare(["tanh"], **SMALL, seed=3)
    row = report.activations[0]
    s = report.settings
    assert row.stats == analysis.output_stats("tanh", samples=s.samples, seed=3)
    assert row.flow == analysis.gradient_flow("tanh", depth=s.depth, seed=3)
    assert row.training == analysis.train("tanh", epochs=s.epochs, seed=3)


def test_compare_is_deterministic():
    assert analysis.compare(["relu", "sigmoid"], **SMALL) == analysis.compare(["relu", "sigmoid"], **SMALL)


def test_a_third_party_activation_can_be_compared():
    with activations.registered(Softsign, name="softsign_test"):
        report = analysis.compare(["softsign_test", "relu"], **SMALL)
    soft = report.activations[0]
    assert soft.name == "softsign_test"
    # softsign is odd (mean 0, |f| < 1) and f'(0) = 1 is its maximum, f' >= 1 - 2|x| near 0
    assert abs(soft.stats.mean_output) < five_se(1.0, SMALL["samples"])
    assert abs(soft.stats.max_gradient - 1.0) < 0.01
    assert soft.stats.sparsity == 0.0


def test_a_fresh_registry_can_be_compared_from():
    registry = activations.Registry(autoload=False)
    registry.register(Softsign, name="softsign_test")
    report = analysis.compare(["softsign_test"], registry=registry, **SMALL)
    assert report.activations[0].name == "softsign_test"
    with pytest.raises(activations.UnknownActivationError):
        analysis.compare(["softsign_test"], **SMALL)  # not in the default registry


def test_unknown_names_fail_before_any_measurement():
    calls = []
    with pytest.raises(activations.UnknownActivationError, match=r"^unknown activation 'nope_nope'"):
        analysis.compare(["relu", "nope_nope"], progress=lambda *args: calls.append(args))
    assert calls == []
    with pytest.raises(ValueError, match=r"^compare needs at least one activation$"):
        analysis.compare([])


def test_progress_counts_every_step_up_to_the_total():
    calls = []
    analysis.compare(
        ["relu", "tanh"], **SMALL, progress=lambda done, total, message: calls.append((done, total))
    )
    total = 2 * (SMALL["epochs"] + 2)
    done = [d for d, _ in calls]
    assert done == sorted(done)
    assert sorted(set(done)) == list(range(total + 1))
    assert {t for _, t in calls} == {total}


def test_to_dict_is_json_with_the_documented_keys():
    with activations.registered(Zero, name="zero_test"):
        report = analysis.compare(["relu", "zero_test"], **SMALL)
    data = json.loads(json.dumps(report.to_dict(), allow_nan=False))
    assert set(data) == {"settings", "activations"}
    assert data["settings"]["depth"] == SMALL["depth"]
    assert data["settings"]["initialisation"] == "glorot_normal"
    relu, zero = data["activations"]
    assert set(relu) >= {
        "name", "sparsity", "mean_output", "std_output", "mean_gradient", "max_gradient", "gradient_ratio",
        "epochs_to_target", "final_accuracy", "dead_fraction", "zero_gradient_fraction",
        "layer_gradient_norms", "accuracy_curve",
    }  # fmt: skip
    assert relu["name"] == "relu"
    assert relu["max_gradient"] == 1.0
    assert len(relu["accuracy_curve"]) == SMALL["epochs"]
    assert len(relu["layer_gradient_norms"]) == SMALL["depth"]
    assert zero["gradient_ratio"] is None  # NaN is not JSON: null
    assert zero["epochs_to_target"] is None
    assert zero["dead_fraction"] == 1.0
    assert zero["diverged_at"] is None


def test_to_markdown_has_a_row_per_activation_and_reads_each_column():
    with activations.registered(Zero, name="zero_test"):
        report = analysis.compare(["leaky_relu(negative_slope=0.2)", "zero_test", Exp()], **SMALL)
    lines = report.to_markdown().splitlines()
    assert lines[4].startswith("| exp_test |")
    assert "| never | diverged (epoch " in lines[4]
    data = report.to_dict()["activations"][2]
    assert data["diverged_at"] == report.activations[2].training.diverged_at >= 1
    assert data["final_accuracy"] is None
    assert lines[0].startswith("| activation | sparsity | mean out |")
    assert lines[2].startswith("| leaky_relu(negative_slope=0.2) | 0.000 |")
    assert lines[3].startswith("| zero_test | 1.000 | 0.000 |")
    assert "| n/a | never |" in lines[3]
    assert sum(line.startswith("- ") for line in lines) == 11 + 3  # 11 columns read, 3 settings
    assert str(report) == report.to_markdown()


def test_plot_writes_a_png(tmp_path):
    report = analysis.compare(["relu", "sigmoid"], **SMALL)
    report.plot(tmp_path / "compare.png")
    assert (tmp_path / "compare.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plot_without_matplotlib_names_the_extra(monkeypatch, tmp_path):
    report = analysis.compare(["relu"], **SMALL)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ModuleNotFoundError) as info:
        report.plot(tmp_path / "compare.png")
    assert str(info.value) == (
        "plotting needs matplotlib, which is not installed: pip install 'pluggable-activations[plot]'"
    )
    assert not (tmp_path / "compare.png").exists()


def test_public_surface():
    assert analysis.__all__ == sorted(analysis.__all__)
    for name in analysis.__all__:
        obj = getattr(analysis, name)
        assert inspect.getdoc(obj), name
        assert ">>>" in (inspect.getdoc(obj) or ""), name
    assert analysis.Comparison.__module__ == "activations.analysis"
