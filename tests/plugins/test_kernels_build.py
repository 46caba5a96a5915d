"""The build of the compiled kernels: without a working C compiler it says so once and succeeds.

``pip install .`` with ``CC=/nonexistent/cc`` was checked by hand (the wheel
installs, ``import activations`` works, ``compiled.status()`` reports the
NumPy formulas); here the same ``build_ext`` runs on a copy of the sources,
which takes a few seconds and no network.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _setuptools_major() -> int:
    import setuptools

    return int(setuptools.__version__.split(".")[0])


@pytest.fixture
def source_copy(tmp_path: Path) -> Path:
    if not (ROOT / "setup.py").is_file():
        pytest.skip("not run from a source checkout (no setup.py)")
    if _setuptools_major() < 77:  # pyproject.toml's build requirement (a licence as an SPDX string)
        pytest.skip("setuptools < 77 here; the dev extra installs the build backend pyproject.toml names")
    for name in ("setup.py", "pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, tmp_path / name)
    for name in ("activations", "plugins"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("*.so", "__pycache__"))
    return tmp_path


def test_without_a_compiler_the_build_says_so_once_and_succeeds(source_copy: Path):
    env = {**os.environ, "CC": str(source_copy / "no-such-compiler")}
    done = subprocess.run(
        [sys.executable, "setup.py", "-q", "build_ext", "--inplace"],
        cwd=source_copy,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    output = done.stdout + done.stderr
    assert output.count("the NumPy formulas will be used") == 1, output
    assert not list(source_copy.glob("plugins/_ufuncs*")), "an extension was built"


@pytest.mark.skipif(
    os.environ.get("ACTIVATIONS_BUILD_TARGETS") != "1" or shutil.which("gcc") is None,
    reason="compiles ufuncs.c three times (minutes): set ACTIVATIONS_BUILD_TARGETS=1 (needs gcc)",
)
def test_every_target_computes_the_same_bits():
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "kernel_targets.py")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip().endswith("bitwise identical")
