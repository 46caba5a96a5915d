"""The distribution: `plugins/` ships as `activations.plugins`, nothing generic at top level.

CI installs the wheel, so its files are read from the installed metadata. An
editable install (a developer's) maps the package onto the checkout and lists
no such files: then a wheel is built from the checkout and its files are read.
"""

import json
import os
import pathlib
import re
import subprocess
import sys
import zipfile
from importlib.metadata import distribution

import pytest
import tomllib

ROOT = pathlib.Path(__file__).resolve().parents[1]


def _editable(dist):
    text = dist.read_text("direct_url.json")
    return bool(text) and json.loads(text).get("dir_info", {}).get("editable", False)


@pytest.fixture(scope="module")
def wheel_files(tmp_path_factory):
    """The files the wheel installs: from the installed metadata, or from a wheel built here."""
    dist = distribution("pluggable-activations")
    if not _editable(dist):
        return {str(f) for f in dist.files}
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = out.glob("pluggable_activations-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def test_bundled_plugins_are_the_activations_plugins_subpackage(wheel_files):
    assert "activations/plugins/relu.py" in wheel_files
    assert "activations/numerics.py" in wheel_files
    assert "activations/py.typed" in wheel_files
    assert "activations/analysis/data/digits.csv.gz" in wheel_files
    assert "activations/analysis/data/DIGITS-LICENSE.txt" in wheel_files
    top_level = {
        f.split("/")[0] for f in wheel_files if "/" in f and not f.split("/")[0].endswith(".dist-info")
    }
    assert top_level <= {"activations", "..", "bin"}, top_level  # no `plugins`, no `tests`


def test_every_subpackage_ships(wheel_files):
    packages = {
        p.parent.relative_to(ROOT / "activations") for p in (ROOT / "activations").rglob("__init__.py")
    }
    for package in packages:
        assert f"activations/{package.as_posix()}/__init__.py".replace("/./", "/") in wheel_files, package


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
    code = "import activations; print(activations.get('relu')([-1.0, 2.0]))"
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", code], capture_output=True, text=True, cwd=ROOT
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "[0. 2.]\n", "")


def test_a_wheel_built_with_the_floor_setuptools_works(tmp_path):
    """build-system asks for the setuptools that reads license = "MIT" and license-files (77)."""
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["build-system"]["requires"]
    (floor,) = [m.group(1) for r in requires if (m := re.fullmatch(r"setuptools>=(\d+)", r))]
    constraint = tmp_path / "floor.txt"
    constraint.write_text(f"setuptools=={floor}.0.*\n")
    env = {**os.environ, "PIP_CONSTRAINT": str(constraint)}
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = tmp_path.glob("pluggable_activations-*.whl")
    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), str(wheel)],
        check=True,
        capture_output=True,
    )
    code = "import activations; print(activations.__file__); print(activations.get('relu')([-1.0, 2.0]))"
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", code],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(site)},
    )
    assert done.returncode == 0, done.stderr
    where, value = done.stdout.splitlines()
    assert pathlib.Path(where).is_relative_to(site)
    assert value == "[0. 2.]"
