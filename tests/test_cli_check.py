"""``activations check``: the pass/fail table, --json, and exit codes 0, 1 and 2."""

from __future__ import annotations

import json
import math
import warnings

import numpy as np
import pytest

import activations
from activations.cli import main
from activations.testing import CHECKS


class ZeroCentredSigmoid(activations.BaseActivation):
    """A sigmoid that wrongly claims to be zero-centred."""

    name = "cli_bad_sigmoid"
    properties = activations.Properties(
        output_range=(0.0, 1.0), monotonic=True, zero_centered=True, sparse=False,
        smoothness=math.inf, saturating="both",
    )  # fmt: skip

    def forward(self, x, /, *, out=None):
        e = np.exp(-np.abs(x))
        y = np.where(x >= 0, 1 / (1 + e), e / (1 + e))
        return y if out is None else np.copyto(out, y) or out

    def derivative(self, x, /, *, out=None):
        e = np.exp(-np.abs(x))
        d = e / (1 + e) / (1 + e)
        return d if out is None else np.copyto(out, d) or out


@pytest.fixture
def bad():
    with activations.registered(ZeroCentredSigmoid, name="cli_bad_sigmoid"):
        yield "cli_bad_sigmoid"


def test_passing_names_exit_0_with_a_table(capsys):
    assert main(["check", "relu", "Leaky-ReLU(negative_slope=0.2)"]) == 0
    out, err = capsys.readouterr()
    n = len(CHECKS)
    assert out.splitlines() == [
        "activation                      result  checks",
        f"relu                            pass    {n}/{n}",
        f"leaky_relu(negative_slope=0.2)  pass    {n}/{n}",
    ]
    assert err == ""


def test_a_failed_check_exits_1_and_explains(capsys, bad):
    assert main(["check", "tanh", bad]) == 1
    out, _ = capsys.readouterr()
    n = len(CHECKS)
    lines = out.splitlines()
    assert lines[1] == f"tanh             pass    {n}/{n}"
    assert lines[2] == f"cli_bad_sigmoid  FAIL    {n - 1}/{n}  failed: check_zero_centered"
    assert lines[4] == (
        "check_zero_centered(cli_bad_sigmoid): declared zero_centered=True, "
        "but f(0) = 0.5 and f(-0) = 0.5 in float16, not 0"
    )


def test_json(capsys, bad):
    assert main(["check", bad, "--check", "check_zero_centered", "--check", "check_sparse", "--json"]) == 1
    document = json.loads(capsys.readouterr().out)
    assert document["passed"] is False
    (entry,) = document["activations"]
    assert entry["activation"] == "cli_bad_sigmoid"
    assert entry["passed"] is False
    assert [(c["check"], c["passed"]) for c in entry["checks"]] == [
        ("check_zero_centered", False), ("check_sparse", True),
    ]  # fmt: skip
    assert entry["checks"][0]["message"].startswith("check_zero_centered(cli_bad_sigmoid): declared")


def test_all_checks_every_registered_activation(capsys):
    code = main(["check", "--all", "--check", "check_contract", "--json"])
    document = json.loads(capsys.readouterr().out)
    assert [a["activation"] for a in document["activations"]] == [
        repr(activations.get(n)) for n in activations.names()
    ]
    assert code == (0 if document["passed"] else 1)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["check", "qqqqq"], "activations: error: unknown activation 'qqqqq'"),
        (["check"], "activations: error: name at least one activation, or pass --all"),
        (["check", "relu", "--all"], "activations: error: give either NAME... or --all, not both"),
        (["check", "relu", "--check", "check_typo"],
         f"activations: error: unknown check 'check_typo'; the checks are: {', '.join(CHECKS)}, or none"),
        (["check", "leaky_relu(slope=2)"],
         "activations: error: leaky_relu() got an unknown parameter 'slope'; accepted: negative_slope=0.01"),
    ],
)  # fmt: skip
def test_user_errors_exit_2_with_one_line(capsys, argv, message):
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [message]


class Noisy(activations.BaseActivation):
    """tanh, whose plugin warns when it is built and on every forward call."""

    name = "cli_noisy"
    properties = activations.get("tanh").properties

    def __init__(self) -> None:
        import warnings

        warnings.warn("noisy was built", UserWarning, stacklevel=2)

    def forward(self, x, /, *, out=None):
        import warnings

        warnings.warn("noisy forward", UserWarning, stacklevel=2)
        return np.tanh(x, out=out)

    def derivative(self, x, /, *, out=None):
        t = np.tanh(x)
        return np.subtract(1, t * t, out=out)


@pytest.fixture
def noisy():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the registration builds one, and it warns
        registration = activations.registered(Noisy, name="cli_noisy")
        registration.__enter__()
    yield
    registration.__exit__(None, None, None)


@pytest.mark.usefixtures("noisy")
def test_check_reports_a_plugin_s_warnings_instead_of_printing_them(capsys):
    code = main(["check", "cli_noisy", "--check", "check_contract"])
    out, err = capsys.readouterr()
    assert (code, err) == (1, "")  # a warning from forward fails the check, and says so
    assert "warned: UserWarning: noisy was built" in out
    assert "forward() emitted UserWarning 'noisy forward'" in out
    code = main(["check", "cli_noisy", "--check", "check_contract", "--json"])
    out, err = capsys.readouterr()
    assert (code, err) == (1, "")
    (row,) = json.loads(out)["activations"]
    assert "UserWarning: noisy was built" in row["warnings"]
