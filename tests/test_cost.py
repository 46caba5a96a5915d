"""activations.analysis.relative_cost: the baseline is 1, more work costs more, names fail first."""

import numpy as np
import pytest

import activations
from activations import analysis, bench


class Repeated(activations.BaseActivation):
    """tanh, computed twenty times per call: twenty times the work of tanh."""

    name = "repeated_tanh_test"
    properties = activations.get("tanh").properties

    def forward(self, x, /, *, out=None):
        result = np.empty_like(x) if out is None else out
        for _ in range(20):
            np.tanh(x, out=result)
        return result

    def derivative(self, x, /, *, out=None):
        result = self.forward(x, out=out)
        np.square(result, out=result)
        np.subtract(1.0, result, out=result)
        return result


def test_the_baseline_costs_exactly_one_baseline():
    (relu,) = analysis.relative_cost(["relu"], settings=bench.QUICK)
    assert relu.relative == 1.0  # the median of its per-round ratio to itself
    assert relu.name == "relu"
    assert relu.ns_per_element > 0


def test_twenty_times_the_work_costs_several_times_as_much():
    tanh, repeated = analysis.relative_cost(["tanh", Repeated()], settings=bench.QUICK)
    assert repeated.relative > 5.0 * tanh.relative
    assert repeated.name == "repeated_tanh_test"


def test_the_transcendental_activations_cost_more_than_relu():
    sigmoid, tanh = analysis.relative_cost(["sigmoid", "tanh"], settings=bench.QUICK)
    assert sigmoid.relative > 1.0
    assert tanh.relative > 1.0


def test_another_baseline():
    (relu,) = analysis.relative_cost(["relu"], baseline=Repeated(), settings=bench.QUICK)
    assert relu.relative < 0.5


def test_an_unknown_name_fails_before_any_timing():
    with pytest.raises(activations.UnknownActivationError):
        analysis.relative_cost(["relu", "nope"])


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ([[]], {}, "relative_cost needs at least one activation"),
        ([["relu"]], {"size": 0}, "size must be an integer >= 1, got 0"),
        ([["relu"]], {"seed": -1}, "seed must be an integer >= 0, got -1"),
    ],
)
def test_bad_arguments_are_refused(args, kwargs, message):
    with pytest.raises(ValueError, match=f"^{message}$"):
        analysis.relative_cost(*args, **kwargs)


def test_to_dict():
    cost = analysis.Cost(name="relu", relative=1.0, ns_per_element=float("nan"))
    assert cost.to_dict() == {"name": "relu", "relative": 1.0, "ns_per_element": None}
