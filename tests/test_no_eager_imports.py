"""`import activations` imports no plugin and reads no entry point (checked in a fresh process)."""

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


def test_import_loads_no_plugin_and_reads_no_entry_point():
    result = _probe(PROBE)
    assert result["entry_point_calls"] == []
    plugin_modules = [m for m in result["modules"] if m.startswith("activations.plugins")]
    assert plugin_modules == []
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
