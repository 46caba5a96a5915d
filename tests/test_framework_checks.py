"""The kit's adapter checks: ``check_activation(frameworks=...)``, ``activations check --framework``.

The tests that run a framework are skipped, with the reason shown, where it
is not installed; those of a missing framework simulate its absence.
"""

import importlib.util
import json

import numpy as np
import pytest

import activations
from activations.cli import main
from activations.testing import check_activation, check_jax_adapter, check_torch_adapter

HAS_TORCH = importlib.util.find_spec("torch") is not None
HAS_JAX = importlib.util.find_spec("jax") is not None
needs_torch = pytest.mark.skipif(not HAS_TORCH, reason="PyTorch is not installed (pip install torch==2.13.0)")
needs_jax = pytest.mark.skipif(not HAS_JAX, reason="JAX is not installed (pip install jax)")


class SteepTanh(activations.BaseActivation):
    """tanh whose derivative is 1 % too steep: forward and backward disagree."""

    name = "steep_tanh"
    properties = activations.get("tanh").properties

    def forward(self, x, /, *, out=None):
        return np.tanh(x, out=out)

    def derivative(self, x, /, *, out=None):
        return np.multiply(x.dtype.type(1.01), 1 - np.tanh(x) ** 2, out=out)


@pytest.fixture
def steep():
    with activations.registered(SteepTanh, name="steep_tanh"):
        yield "steep_tanh"


@pytest.fixture
def without(monkeypatch):
    """Make a framework look uninstalled, as importlib.util.find_spec and import see it."""

    def hide(framework):
        real = importlib.util.find_spec
        monkeypatch.setattr(
            importlib.util, "find_spec", lambda name, *a: None if name == framework else real(name, *a)
        )
        monkeypatch.setitem(__import__("sys").modules, framework, None)

    return hide


@needs_torch
@needs_jax
def test_check_activation_runs_the_adapter_checks_after_the_others():
    report = check_activation("relu", checks=["check_contract"], frameworks=("torch", "jax"))
    assert [r.check for r in report.results] == ["check_contract", "check_torch_adapter", "check_jax_adapter"]
    assert report.passed


@needs_torch
def test_the_torch_check_catches_a_backward_that_disagrees_with_forward(steep):
    with pytest.raises(
        AssertionError, match=r"check_torch_adapter\(steep_tanh\): torch.autograd.gradcheck failed"
    ):
        check_torch_adapter(steep)


class SteepSlope(activations.BaseActivation):
    """PReLU whose gradient in its weight is 1 % too steep."""

    name = "steep_slope"
    learnable = ("weight",)
    properties = activations.get("prelu").properties

    def __init__(self, *, weight=0.25):
        self.weight = weight

    def forward(self, x, /, *, out=None):
        return np.where(x >= 0, x, x.dtype.type(self.weight) * x)

    def derivative(self, x, /, *, out=None):
        return np.where(x >= 0, x.dtype.type(1.0), x.dtype.type(self.weight))

    def parameter_backward(self, x, grad_output, /, *, output=None):
        return {"weight": 1.01 * float(np.sum(grad_output * np.minimum(x, 0)))}


@needs_torch
def test_the_torch_check_catches_a_wrong_parameter_gradient():
    with (
        activations.registered(SteepSlope, name="steep_slope"),
        pytest.raises(
            AssertionError,
            match=r"\(steep_slope\(weight=0.25\)\): torch.autograd.gradcheck failed for weight in float64",
        ),
    ):
        check_torch_adapter("steep_slope")


@needs_torch
@pytest.mark.parametrize("name", ["prelu", "elu(alpha=0.5)", "softplus(beta=2.0)"])
def test_the_torch_check_passes_on_learnable_activations(name):
    check_torch_adapter(name)


@needs_torch
def test_the_torch_check_catches_an_adapter_that_doubles_the_parameters_gradient(monkeypatch):
    import activations.torch as adapter

    real = adapter._parameter_backward_op

    def doubled(*args, **kwargs):
        return 2 * real(*args, **kwargs)

    monkeypatch.setattr(adapter, "_parameter_backward_op", doubled)  # what the autograd formula calls
    with pytest.raises(
        AssertionError,
        match=r"the gradient of weight through the op is \[-?[0-9.e+-]+\], parameter_backward's",
    ):
        check_torch_adapter("prelu")


@needs_jax
def test_the_jax_check_catches_an_adapter_that_doubles_the_parameters_gradient(monkeypatch):
    import activations.jax as adapter

    real = adapter._host_backward_with

    def doubled(act):
        backward = real(act)

        def host(*args):
            grad, sums = backward(*args)
            return grad, 2 * sums

        return host

    monkeypatch.setattr(adapter, "_host_backward_with", doubled)
    with pytest.raises(AssertionError, match=r"jax.grad's gradient of weight is .*, parameter_backward's"):
        check_jax_adapter("prelu")


@needs_torch
@pytest.mark.parametrize("name", ["bent_identity", "hardshrink", "relu6"])
def test_the_torch_check_passes_on_third_party_and_kinked_activations(name):
    check_torch_adapter(name)


@needs_jax
@pytest.mark.parametrize("name", ["bent_identity", "hardshrink", "gelu(approximate='tanh')"])
def test_the_jax_check_passes(name):
    check_jax_adapter(name)


def test_an_unknown_framework_is_a_value_error():
    with pytest.raises(ValueError, match="unknown framework 'tensorflow'; the frameworks are: torch, jax"):
        check_activation("relu", checks=[], frameworks=["tensorflow"])


@pytest.mark.parametrize(
    ("framework", "message"),
    [
        ("torch", r"PyTorch is not installed: pip install 'pluggable-activations\[torch\]'"),
        ("jax", r"JAX is not installed: pip install 'pluggable-activations\[jax\]'"),
    ],
)
def test_a_missing_framework_says_what_to_install_before_anything_runs(without, framework, message):
    without(framework)
    with pytest.raises(ModuleNotFoundError, match=message) as info:
        check_activation("relu", frameworks=(framework,))
    assert info.value.name == framework
    check = check_torch_adapter if framework == "torch" else check_jax_adapter
    with pytest.raises(ModuleNotFoundError, match=message):
        check("relu")


# -- the command line ------------------------------------------------------------------------------
@needs_torch
@needs_jax
def test_cli_framework_option_adds_the_adapter_checks(capsys):
    args = ["check", "relu", "bent_identity", "--check", "check_contract", "--framework", "torch"]
    assert main([*args, "--framework", "jax", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    for row in document["activations"]:
        assert [c["check"] for c in row["checks"]] == [
            "check_contract",
            "check_torch_adapter",
            "check_jax_adapter",
        ]
        assert row["passed"]


@needs_torch
def test_cli_reports_an_adapter_failure_with_exit_1(capsys, steep):
    assert main(["check", steep, "--check", "check_contract", "--framework", "torch"]) == 1
    out = capsys.readouterr().out
    assert "steep_tanh  FAIL    1/2  failed: check_torch_adapter" in out
    assert "check_torch_adapter(steep_tanh): torch.autograd.gradcheck failed in float64" in out


@pytest.mark.parametrize(("framework", "name"), [("torch", "PyTorch"), ("jax", "JAX")])
def test_cli_missing_framework_is_a_usage_error(capsys, without, framework, name):
    without(framework)
    assert main(["check", "relu", "--framework", framework]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        f"activations: error: --framework {framework} needs {name}, which is not installed: "
        f"pip install 'pluggable-activations[{framework}]'\n"
    )


def test_cli_rejects_an_unknown_framework(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["check", "relu", "--framework", "tensorflow"])
    assert exit_info.value.code == 2
    assert "argument --framework: invalid choice: 'tensorflow'" in capsys.readouterr().err
