"""`import activations` imports nothing and reads no entry point; the pytest plugin costs nothing.

Each is checked in a fresh process.
"""

import json
import subprocess
import sys

PROBE = r"""
import importlib.metadata, json, sys
calls = []
real = importlib.metadata.entry_points
def spy(*args, **kwargs):
    calls.append(kwargs.get("group"))
    return real(*args, **kwargs)
importlib.metadata.entry_points = spy
before = set(sys.modules)
import activations
loaded = sorted(set(sys.modules) - before)
print(json.dumps({"modules": loaded, "entry_point_calls": calls}))
"""


def _probe(code: str) -> dict:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def test_import_imports_nothing_and_reads_no_entry_point():
    result = _probe(PROBE)
    assert result["entry_point_calls"] == []
    # the public names are imported on first use (activations/_lazy.py): NumPy and pluggy included
    assert sorted(m for m in result["modules"] if m.startswith("activations")) == [
        "activations",
        "activations._lazy",
    ]
    for heavy in ("numpy", "pluggy", "scipy", "matplotlib", "dask", "torch", "jax", "cupy"):
        assert not any(m == heavy or m.startswith(heavy + ".") for m in result["modules"]), heavy


def test_the_first_use_imports_the_core_but_no_plugin_and_no_tool():
    code = PROBE.replace("import activations\n", "import activations\nactivations.get\n")
    result = _probe(code)
    assert result["entry_point_calls"] == []
    assert [m for m in result["modules"] if m.startswith("activations.plugins")] == []
    heavy = {"scipy", "matplotlib", "dask", "distributed", "activations.analysis", "activations.testing"}
    heavy.add("numpy.typing")  # annotations only: about 1 ms of the import budget
    assert heavy & set(result["modules"]) == set()


def test_first_lookup_loads_plugins_and_entry_points():
    code = PROBE.replace("print(json.dumps", "activations.names()\nprint(json.dumps")
    code = code.replace("loaded = sorted(set(sys.modules) - before)\n", "")
    code = code.replace(
        "activations.names()\n", "activations.names()\nloaded = sorted(set(sys.modules) - before)\n"
    )
    result = _probe(code)
    assert "activations" in result["entry_point_calls"]
    assert "activations.plugins.relu" in result["modules"]


PYTEST_PROBE = """
import sys

def test_nothing_was_imported(request):
    assert request.config.pluginmanager.has_plugin("activations"), "the kit's pytest plugin is not loaded"
    loaded = sorted(m for m in sys.modules if m == "numpy" or m.startswith(("numpy.", "activations")))
    plugin = ["activations", "activations._lazy", "activations.testing", "activations.testing.pytest_plugin"]
    assert loaded == plugin
"""


def test_the_pytest_plugin_imports_nothing_until_it_is_used(tmp_path):
    (tmp_path / "test_probe.py").write_text(PYTEST_PROBE)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path / "test_probe.py")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr


FRAMEWORK_PROBE = r"""
import json, sys
from activations.cli import main
from activations.testing import check_activation
check_activation("relu", checks=["check_contract"])
main(["check", "relu", "--check", "check_contract", "--json"])
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in ("torch", "jax", "cupy"))))
"""


def test_the_kit_and_the_command_line_import_no_framework_unless_asked():
    done = subprocess.run([sys.executable, "-c", FRAMEWORK_PROBE], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout.splitlines()[-1]) == []
