"""`activations compare` and `activations plot`: table, JSON, figures, progress, and user errors."""

import io
import json
import math
import re
import shutil
import subprocess
import sys
import sysconfig

import numpy as np
import pytest

import activations
from activations.cli import main

FAST = ["--epochs", "2", "--depth", "3"]
MISSING = (
    "activations: error: plotting needs matplotlib, which is not installed: "
    "pip install 'pluggable-activations[plot]'\n"
)


def run(capsys, *argv):
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


class Softsign(activations.BaseActivation):
    """x / (1 + |x|), registered only inside a test."""

    name = "softsign_cli_test"
    properties = activations.Properties(
        output_range=(-1.0, 1.0), monotonic=True, zero_centered=True, sparse=False, smoothness=1
    )

    def forward(self, x, /, *, out=None):
        return np.divide(x, 1.0 + np.abs(x), out=out)

    def derivative(self, x, /, *, out=None):
        return np.divide(1.0, np.square(1.0 + np.abs(x)), out=out)


def test_json_is_one_object_with_settings_and_a_row_per_activation(capsys):
    code, out, err = run(capsys, "compare", "relu", "sigmoid", "tanh", "--json", *FAST)
    assert code == 0
    assert err == ""  # stderr is not a terminal here: no progress bar
    data = json.loads(out)  # exactly one JSON document, nothing else on stdout
    assert set(data) == {"settings", "activations"}
    assert data["settings"]["depth"] == 3
    assert data["settings"]["epochs"] == 2
    assert data["settings"]["seed"] == 0
    rows = data["activations"]
    assert [row["name"] for row in rows] == ["relu", "sigmoid", "tanh"]
    for row in rows:
        assert set(row) >= {
            "name", "sparsity", "mean_output", "std_output", "mean_gradient", "max_gradient",
            "gradient_ratio", "epochs_to_target", "final_accuracy", "dead_fraction",
        }  # fmt: skip
        assert len(row["layer_gradient_norms"]) == 3
        assert len(row["accuracy_curve"]) == 2
    relu, sigmoid, tanh = rows
    assert relu["max_gradient"] == 1.0
    assert abs(sigmoid["max_gradient"] - 0.25) < 1e-6
    assert abs(relu["sparsity"] - 0.5) < 5 * math.sqrt(0.25 / 100_000)
    assert abs(tanh["mean_output"]) < 5 * math.sqrt(1 / 100_000)


def test_the_table_reads_each_column(capsys):
    code, out, err = run(capsys, "compare", "relu", "leaky_relu(negative_slope=0.2)", *FAST)
    assert code == 0
    assert err == ""
    lines = out.splitlines()
    assert lines[0].startswith("| activation | sparsity | mean out | std out | mean grad | max grad |")
    assert lines[2].startswith("| relu | 0.50")
    assert lines[3].startswith("| leaky_relu(negative_slope=0.2) | 0.000 |")
    assert "- grad ratio: gradient norm at hidden layer 1 / at the last" in out
    assert "- epochs to 90%: first epoch reaching the target test accuracy" in out
    assert "Settings (seed 0):" in out


def test_the_seed_and_the_options_reach_the_measurements(capsys):
    _, first, _ = run(capsys, "compare", "tanh", "--json", *FAST, "--seed", "1")
    _, again, _ = run(capsys, "compare", "tanh", "--json", *FAST, "--seed", "1")
    _, other, _ = run(capsys, "compare", "tanh", "--json", *FAST, "--seed", "2")
    assert first == again
    assert json.loads(first)["activations"] != json.loads(other)["activations"]
    assert json.loads(first)["settings"]["seed"] == 1


def test_a_third_party_activation_can_be_compared(capsys):
    with activations.registered(Softsign, name="softsign_cli_test"):
        code, out, _ = run(capsys, "compare", "softsign_cli_test", "relu", "--json", *FAST)
    assert code == 0
    soft = json.loads(out)["activations"][0]
    assert soft["name"] == "softsign_cli_test"
    assert soft["sparsity"] == 0.0
    assert abs(soft["max_gradient"] - 1.0) < 1e-2  # f'(x) = 1 / (1 + |x|)^2, max 1 at 0


def test_unknown_names_are_a_one_line_error(capsys):
    code, out, err = run(capsys, "compare", "relu", "nope_nope")
    assert code == 2
    assert out == ""
    assert err == "activations: error: unknown activation 'nope_nope'\n"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--depth", "0"], "--depth must be at least 1, got 0"),
        (["--epochs", "-1"], "--epochs must be at least 1, got -1"),
        (["--epochs", "0"], "--epochs must be at least 1, got 0"),
        (["--seed", "-3"], "--seed must be at least 0, got -3"),
    ],
)
def test_bad_options_are_a_one_line_error(capsys, argv, message):
    code, out, err = run(capsys, "compare", "relu", *argv)
    assert code == 2
    assert out == ""
    assert err == f"activations: error: {message}\n"


def test_a_non_integer_option_is_an_argparse_error(capsys):
    with pytest.raises(SystemExit) as info:
        main(["compare", "relu", "--depth", "ten"])
    assert info.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        "activations compare: error: argument --depth: invalid int value: 'ten'"
    )


def test_a_bad_spec_is_a_one_line_error(capsys):
    code, out, err = run(capsys, "compare", "leaky_relu(slope=0.2)")
    assert code == 2
    assert out == ""
    assert err.startswith("activations: error: ")
    assert len(err.splitlines()) == 1


def test_plot_writes_one_png(capsys, tmp_path):
    target = tmp_path / "compare.png"
    code, out, err = run(capsys, "compare", "relu", "sigmoid", "--json", "--plot", str(target), *FAST)
    assert code == 0
    json.loads(out)
    assert err == f"wrote {target}\n"
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plot_command_draws_f_and_its_derivative(capsys, tmp_path):
    target = tmp_path / "curves.png"
    code, out, err = run(capsys, "plot", "relu", "tanh", "leaky_relu(negative_slope=0.2)", "-o", str(target))
    assert code == 0
    assert out == ""
    assert err == f"wrote {target}\n"
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("command", ["compare", "plot"])
def test_missing_matplotlib_names_the_extra(capsys, monkeypatch, tmp_path, command):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # as if it were not installed
    target = tmp_path / "f.png"
    argv = (
        ["compare", "relu", "--plot", str(target)]
        if command == "compare"
        else ["plot", "relu", "-o", str(target)]
    )
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert err == MISSING
    assert not target.exists()


@pytest.mark.parametrize("command", ["compare", "plot"])
def test_an_unwritable_figure_is_a_one_line_error(capsys, tmp_path, command):
    target = tmp_path / "missing" / "f.png"
    argv = (
        ["compare", "relu", "--plot", str(target)]
        if command == "compare"
        else ["plot", "relu", "-o", str(target)]
    )
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    where = f"{str(target)!r}: no directory {str(target.parent)!r}"
    assert err == f"activations: error: cannot write the figure {where}\n"


@pytest.mark.parametrize(("suffix", "magic"), [(".svg", b"<?xml"), (".pdf", b"%PDF"), (".PNG", b"\x89PNG")])
def test_plot_writes_the_format_the_extension_names(capsys, tmp_path, suffix, magic):
    target = tmp_path / f"curves{suffix}"
    code, _, err = run(capsys, "plot", "relu", "-o", str(target))
    assert (code, err) == (0, f"wrote {target}\n")
    assert target.read_bytes().startswith(magic)


@pytest.mark.parametrize("command", ["compare", "plot"])
@pytest.mark.parametrize("name", ["curves.docx", "curves"])
def test_an_extension_matplotlib_cannot_write_is_a_usage_error(capsys, tmp_path, command, name):
    target = tmp_path / name
    argv = (
        ["compare", "relu", "--plot", str(target)]
        if command == "compare"
        else ["plot", "relu", "-o", str(target)]
    )
    code, out, err = run(capsys, *argv)
    assert (code, out) == (2, "")
    assert err.startswith(f"activations: error: cannot write a figure to {str(target)!r}: matplotlib writes ")
    assert "pdf, " in err
    assert "png, " in err
    assert "svg, " in err
    assert len(err.splitlines()) == 1
    assert not target.exists()


def test_plot_needs_an_output_file(capsys):
    with pytest.raises(SystemExit) as info:
        main(["plot", "relu"])
    assert info.value.code == 2
    assert "the following arguments are required: -o/--output" in capsys.readouterr().err


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_goes_to_stderr_on_a_terminal_and_never_into_the_json(capsys, monkeypatch):
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    code = main(["compare", "relu", "tanh", "--json", *FAST])
    out = capsys.readouterr().out
    assert code == 0
    json.loads(out)
    assert "[" not in out.split("{", 1)[0]
    progress = terminal.getvalue()
    assert "\r[" in progress
    assert "100% tanh: epoch 2/2" in progress
    assert re.search(
        r"\r\x1b\[Kmeasured 2 activation\(s\) in \d+\.\d s\n\Z", progress
    )  # bar erased, then time


def test_the_console_script_gives_the_same_json_in_a_new_process():
    exe = shutil.which("activations", path=sysconfig.get_path("scripts"))
    assert exe is not None, "the console script is not installed"
    argv = [exe, "compare", "relu", "sigmoid", "--json", *FAST]
    first = subprocess.run(argv, capture_output=True, text=True, check=True)
    second = subprocess.run(argv, capture_output=True, text=True, check=True)
    assert first.stdout == second.stdout  # bit-identical numbers: json writes floats exactly
    assert first.stderr == ""
    assert set(json.loads(first.stdout)) == {"settings", "activations"}
    done = subprocess.run([exe, "compare", "relu", "--epochs", "-1"], capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == "activations: error: --epochs must be at least 1, got -1\n"
