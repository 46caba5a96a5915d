"""Two builds of the docs, in environments that differ by an extra plugin, draw the same pages.

The pages that list activations (the gallery's "every activation", the
catalogue) are rendered twice in fresh interpreters: once as installed, once
with a throwaway plugin distribution added to the path, found through a real
entry point of the group ``activations``. The extra plugin is visible to
``activations.names()`` in the second run, and neither page changes.
"""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytest.importorskip("matplotlib")
pytest.importorskip("sphinx")

DOCS = Path(__file__).resolve().parents[1] / "docs"

RENDER = textwrap.dedent(
    """
    import contextlib, hashlib, io, json, runpy, sys

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    import activations

    docs = sys.argv[1]
    sys.path.insert(0, docs + "/_ext")
    import activations_docs

    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        runpy.run_path(docs + "/gallery/plot_every_activation.py", run_name="__main__")
    figure = plt.figure(1)
    figure.canvas.draw()
    print(json.dumps({
        "installed": activations.names(),
        "panels": [ax.get_title() for ax in figure.axes if ax.get_visible()],
        "printed": printed.getvalue(),
        "pixels": hashlib.sha256(bytes(figure.canvas.buffer_rgba())).hexdigest(),
        "catalogue": hashlib.sha256(activations_docs.catalogue_rst().encode()).hexdigest(),
    }))
    """
)

PLUGIN = textwrap.dedent(
    '''
    """A plugin that happens to be installed where the docs are built."""
    import math

    import numpy as np

    import activations


    class Throwaway(activations.BaseActivation):
        """Twice the input."""

        name = "throwaway"
        properties = activations.Properties(
            output_range=(-math.inf, math.inf), monotonic=True, zero_centered=True,
            sparse=False, smoothness=math.inf, saturating="none", identity_near_origin=False,
        )

        def forward(self, x, /, *, out=None):
            return np.multiply(x, x.dtype.type(2), out=out)

        def derivative(self, x, /, *, out=None):
            return np.multiply(np.ones_like(x), x.dtype.type(2), out=out)


    @activations.hookimpl
    def register_activations(register):
        register(Throwaway, name="throwaway")
    '''
)


def install_throwaway_plugin(folder):
    """A distribution ``throwaway-plugin`` with an entry point in the group ``activations``."""
    folder.mkdir()
    (folder / "throwaway_plugin.py").write_text(PLUGIN)
    info = folder / "throwaway_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: throwaway-plugin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[activations]\nthrowaway = throwaway_plugin\n")
    return folder


def render(tmp_path, extra_path=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACTIVATIONS_")}
    env["MPLBACKEND"] = "Agg"
    if extra_path is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(extra_path), env.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, "-c", RENDER, str(DOCS)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.splitlines()[-1])


def test_an_extra_installed_plugin_changes_no_page(tmp_path):
    extra = install_throwaway_plugin(tmp_path / "extra")
    plain = render(tmp_path)
    with_extra = render(tmp_path, extra)
    assert "throwaway" not in plain["installed"]
    assert "throwaway" in with_extra["installed"]  # the extra plugin is really there ...
    assert "throwaway" not in with_extra["panels"]  # ... and not drawn
    assert "bent_identity" in plain["panels"]  # the example plugin is drawn, with every bundled activation
    assert {"relu", "sigmoid", "tanh"} <= set(plain["panels"])
    for page in ("panels", "printed", "pixels", "catalogue"):
        assert with_extra[page] == plain[page], page
