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
    assert out.splitlines()[:-1] == str(activations.describe("leaky_relu")).splitlines()
    assert out.splitlines()[-1].startswith("  implementation: ")
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
    assert f"activations.plugins.relu  [bundled, version {activations.__version__}]  loaded" in out
    # an entry point is named with its distribution, as its activations record it
    assert "bent_identity (activations-bent-identity)  [entry point, version 1.0.0]  loaded" in out
    code, out, _ = run(capsys, "plugins", "--json")
    data = json.loads(out)
    example = next(p for p in data["plugins"] if p["name"] == "bent_identity")
    assert example == {
        "name": "bent_identity",
        "provider": "bent_identity (activations-bent-identity)",
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


def test_info_accepts_a_spec_and_shows_its_properties(capsys):
    code, out, err = run(capsys, "info", "leaky_relu(negative_slope=0)")
    assert (code, err) == (0, "")
    assert "  parameters:  negative_slope=0.0" in out.splitlines()
    assert "sparse: True" in out
    code, out, _ = run(capsys, "info", "leaky_relu(negative_slope=0)", "--json")
    assert json.loads(out)["properties"]["sparse"] is True
    assert json.loads(out)["parameters"] == {"negative_slope": 0.0}


def test_python_dash_m_runs_the_command_line():
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "activations", "info", "relu"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("relu: Rectified linear unit")


def test_an_unknown_option_of_a_subcommand_prints_that_subcommand_s_usage(capsys):
    with pytest.raises(SystemExit) as info:
        main(["compare", "relu", "--bogus", "3"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: activations compare [-h]")
    assert err.endswith("activations compare: error: unrecognized arguments: --bogus 3\n")


def _entry_point_that_fails(monkeypatch, tmp_path, name="no_such_activation"):
    from importlib.metadata import distributions

    info = tmp_path / "broken_dist-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: broken-dist\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[activations]\n{name} = activations_missing_module_xyz\n")
    (dist,) = [d for d in distributions(path=[str(tmp_path)]) if d.metadata["Name"] == "broken-dist"]
    eps = list(dist.entry_points.select(group="activations"))
    registry = activations.Registry(entry_points=eps)
    monkeypatch.setattr(activations._registry, "_default", registry)
    return registry


@pytest.mark.filterwarnings("default::UserWarning")  # as outside the test suite: shown, not raised
def test_a_plugin_that_fails_to_load_is_one_warning_line(capsys, monkeypatch, tmp_path):
    _entry_point_that_fails(monkeypatch, tmp_path)
    code, out, err = run(capsys, "info", "relu")
    assert (code, out.splitlines()[0]) == (0, "relu: Rectified linear unit: max(x, 0).")
    assert err == (
        "activations: warning: plugin 'no_such_activation' from broken-dist failed to load: "
        "ModuleNotFoundError: No module named 'activations_missing_module_xyz'\n"
    )


@pytest.mark.filterwarnings("default::UserWarning")
def test_an_unknown_name_keeps_the_hint_that_a_failed_plugin_may_provide_it(capsys, monkeypatch, tmp_path):
    _entry_point_that_fails(monkeypatch, tmp_path)
    code, out, err = run(capsys, "info", "no_such_activation")
    assert (code, out) == (2, "")
    lines = err.splitlines()
    assert lines[1] == "activations: error: unknown activation 'no_such_activation'"
    assert lines[2] == (
        "activations: note: the plugin 'no_such_activation (broken-dist)' that may provide it failed: "
        "ModuleNotFoundError: No module named 'activations_missing_module_xyz'"
    )
    assert len(lines) == 3


def test_info_shows_the_learnable_parameters(capsys):
    code, out, _ = run(capsys, "info", "prelu")
    assert (code, "  learnable:   weight" in out.splitlines()) == (0, True)
    code, out, _ = run(capsys, "info", "prelu", "--json")
    assert (code, json.loads(out)["learnable"]) == (0, ["weight"])
