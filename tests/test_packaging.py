"""The installed distribution: `plugins/` ships as `activations.plugins`, nothing generic at top level."""

import json
import pathlib
from importlib.metadata import distribution

import activations
import activations.plugins


def _editable(dist):
    text = dist.read_text("direct_url.json")
    return bool(text) and json.loads(text).get("dir_info", {}).get("editable", False)


def test_bundled_plugins_are_the_activations_plugins_subpackage():
    dist = distribution("pluggable-activations")
    if _editable(dist):
        # An editable install maps the package onto the checkout: `plugins/` there.
        (path,) = activations.plugins.__path__
        assert pathlib.Path(path).name == "plugins"
        assert (pathlib.Path(path) / "relu.py").is_file()
        return
    files = {str(f) for f in dist.files}
    assert "activations/plugins/relu.py" in files
    assert "activations/py.typed" in files
    top_level = {f.split("/")[0] for f in files if "/" in f and not f.split("/")[0].endswith(".dist-info")}
    assert top_level <= {"activations", "..", "bin"}, top_level  # no `plugins`, no `tests`


def test_console_script_and_entry_points_are_declared():
    dist = distribution("pluggable-activations")
    scripts = {ep.name: ep.value for ep in dist.entry_points.select(group="console_scripts")}
    assert scripts == {"activations": "activations.cli:main"}


def test_runtime_dependencies_are_numpy_pluggy_and_scipy_only():
    requires = distribution("pluggable-activations").requires or []
    runtime = sorted(
        {r.split(">")[0].split("=")[0].split("[")[0].strip() for r in requires if "extra ==" not in r}
    )
    assert runtime == ["numpy", "pluggy", "scipy"]


def test_python_started_in_the_checkout_finds_the_bundled_plugins():
    """Where the quick start leaves a new user: the source folder activations/ shadows the installed one."""
    import subprocess
    import sys

    root = pathlib.Path(__file__).resolve().parents[1]
    code = "import activations; print(activations.get('relu')([-1.0, 2.0]))"
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", code], capture_output=True, text=True, cwd=root
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "[0. 2.]\n", "")
