"""`activations claims`: the table, JSON, the figure, any subject, and user errors as one line."""

import json
import sys

import pytest

from activations.cli import main

FAST = ["--epochs", "1", "--rounds", "1"]
MISSING = (
    "activations: error: plotting needs matplotlib, which is not installed: "
    "pip install 'pluggable-activations[plot]'\n"
)


def run(capsys, *argv):
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_json_is_one_document_with_the_ten_verdicts(capsys):
    code, out, err = run(capsys, "claims", "--json", *FAST)
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data["activations"] == ["relu", "sigmoid", "tanh"]
    assert data["settings"]["epochs"] == 1
    assert len(data["claims"]) == 10
    assert {c["verdict"] for c in data["claims"]} <= {"holds", "holds partly", "does not hold"}


def test_the_table_has_a_row_per_claim_and_the_rules(capsys):
    code, out, _ = run(capsys, "claims", "relu", "tanh", *FAST)
    assert code == 0
    table, rules = out.split("\n\n")
    lines = table.splitlines()
    assert lines[0] == "| claim | relu | tanh | verdict | why |"
    assert len(lines) == 12
    assert lines[9].startswith(
        "| 8. Large inputs saturate relu: its gradient vanishes there | f'(100) = 1; flat: lower |"
    )
    assert "| **does not hold** | f'(100) = 1; only large negative inputs are flat |" in lines[9]
    assert rules.splitlines()[1].startswith("1. cost: ")


def test_any_registered_activation_stands_in_for_relu(capsys):
    code, out, _ = run(capsys, "claims", "leaky_relu(negative_slope=0.2)", *FAST)
    assert code == 0
    assert out.startswith("| claim | leaky_relu(negative_slope=0.2) | sigmoid | tanh | verdict | why |\n")
    assert "| 9. leaky_relu(negative_slope=0.2) throws away information" in out


def test_the_seed_reaches_the_measurements(capsys):
    _, first, _ = run(capsys, "claims", "tanh", "--json", "--seed", "3", *FAST)
    assert json.loads(first)["settings"]["seed"] == 3


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["claims", "nope"], "activations: error: unknown activation 'nope'"),
        (
            ["claims", "relu", "ReLU"],
            "activations: error: relu is given twice: each activation is measured once",
        ),
        (["claims", "--epochs", "0"], "activations: error: --epochs must be at least 1, got 0"),
        (["claims", "--seed", "-1"], "activations: error: --seed must be at least 0, got -1"),
        (["claims", "--rounds", "0"], "activations: error: --rounds must be at least 1, got 0"),
        (
            ["claims", "leaky_relu(slope=1)"],
            "activations: error: leaky_relu() got an unknown parameter 'slope'",
        ),
    ],
)
def test_user_errors_are_one_line_and_exit_2(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert (code, out) == (2, "")
    assert err.splitlines()[0].startswith(message)
    assert "Traceback" not in err


def test_plot_writes_the_figure(capsys, tmp_path):
    target = tmp_path / "claims.png"
    code, out, err = run(capsys, "claims", "relu", "tanh", "--plot", str(target), *FAST)
    assert code == 0
    assert out.startswith("| claim |")
    assert err == f"wrote {target}\n"
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_figure_that_cannot_be_written_fails_before_measuring(capsys, tmp_path):
    target = tmp_path / "missing" / "claims.png"
    code, out, err = run(capsys, "claims", "--plot", str(target))
    assert (code, out) == (2, "")
    where = f"{str(target)!r}: no directory {str(target.parent)!r}"
    assert err == f"activations: error: cannot write the figure {where}\n"


def test_missing_matplotlib_names_the_extra(capsys, monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    code, out, err = run(capsys, "claims", "--plot", str(tmp_path / "claims.png"))
    assert (code, out, err) == (2, "", MISSING)
