"""The command line: list, info, plugins, --version, and user errors (exit 2, one line)."""

import json
import shutil
import subprocess
import sysconfig

import pytest

import activations
from activations.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_list_shows_the_whole_catalogue(capsys):
    code, out, err = run(capsys, "list")
    assert code == 0
    assert err == ""
    listed = [line.split()[0] for line in out.splitlines()]
    assert listed == activations.names()
    assert "(aliases: logistic, expit)" in out


def test_list_json(capsys):
    code, out, _ = run(capsys, "list", "--json")
    data = json.loads(out)
    assert code == 0
    assert [a["name"] for a in data["activations"]] == activations.names()
    relu = next(a for a in data["activations"] if a["name"] == "relu")
    assert relu["properties"]["output_range"] == [0.0, "inf"]
    assert relu["properties"]["kinks"] == [0.0]
    assert relu["distribution"] == "pluggable-activations"


def test_info_shows_formula_parameters_aliases_and_properties(capsys):
    code, out, _ = run(capsys, "info", "Leaky ReLU")
    assert code == 0
    assert out.splitlines() == str(activations.describe("leaky_relu")).splitlines()
    assert "formula:" in out
    assert "parameters:  negative_slope=0.01" in out
    assert "aliases:     leakyrelu, lrelu" in out


def test_info_json(capsys):
    code, out, _ = run(capsys, "info", "logistic", "--json")
    data = json.loads(out)
    assert code == 0
    assert data["name"] == "sigmoid"
    assert data["aliases"] == ["logistic", "expit"]
    assert data["properties"]["saturating"] == "both"


def test_plugins_lists_bundled_and_entry_point_plugins(capsys):
    code, out, _ = run(capsys, "plugins")
    assert code == 0
    assert "activations.plugins.relu  [bundled; pluggable-activations" in out
    assert "bent_identity  [entry point; activations-bent-identity 1.0.0]  loaded" in out
    code, out, _ = run(capsys, "plugins", "--json")
    data = json.loads(out)
    example = next(p for p in data["plugins"] if p["name"] == "bent_identity")
    assert example == {
        "name": "bent_identity",
        "distribution": "activations-bent-identity",
        "version": "1.0.0",
        "bundled": False,
        "status": "loaded",
        "activations": ["bent_identity"],
        "error": None,
    }


def test_unknown_name_is_a_one_line_error_with_exit_2(capsys):
    code, out, err = run(capsys, "info", "sigmiod")
    assert code == 2
    assert out == ""
    assert (
        err == "activations: error: unknown activation 'sigmiod'; did you mean 'sigmoid' or 'log_sigmoid'?\n"
    )


def test_bad_command_is_exit_2(capsys):
    with pytest.raises(SystemExit) as info:
        main(["bogus"])
    assert info.value.code == 2
    assert "activations: error: argument COMMAND: invalid choice: 'bogus'" in capsys.readouterr().err


def test_version(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out == f"activations {activations.__version__}\n"


def test_console_script_prints_no_traceback():
    exe = shutil.which("activations", path=sysconfig.get_path("scripts"))
    assert exe is not None, "the console script is not installed"
    done = subprocess.run([exe, "info", "nope_nope"], capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("activations: error: unknown activation 'nope_nope'")
    assert "Traceback" not in done.stderr
    assert len(done.stderr.splitlines()) == 1
