"""Sphinx configuration of the pluggable-activations documentation.

Build: ``sphinx-build -W --keep-going -b html docs docs/_build/html``. Every
generated page (catalogue, comparison tables and figures, CLI reference, API
stubs, gallery) is produced here at build time into ``docs/generated/``
(git-ignored), never committed.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import sys
from pathlib import Path

import activations

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))
os.environ.setdefault("MPLBACKEND", "Agg")
# The pages draw the bundled plugins and the example plugin of docs/examples (the gallery trains
# with it, as a third party would): never whatever else is installed where the docs are built, so
# that two builds of one commit give the same site. Every other entry point is blocked.
EXAMPLE_PLUGIN = "activations-bent-identity"
try:
    importlib.metadata.distribution(EXAMPLE_PLUGIN)
except importlib.metadata.PackageNotFoundError:
    raise RuntimeError(
        "the docs show the example plugin: pip install ./docs/examples/activations-bent-identity"
    ) from None
os.environ["ACTIVATIONS_BLOCK_PLUGINS"] = ",".join(
    sorted(
        ep.name
        for ep in importlib.metadata.entry_points(group="activations")
        if ep.dist is None or ep.dist.name != EXAMPLE_PLUGIN
    )
)
os.environ.pop("ACTIVATIONS_DISABLE_PLUGIN_AUTOLOAD", None)

project = "pluggable-activations"
author = "The pluggable-activations developers"
copyright = "The pluggable-activations developers"
version = release = activations.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "offline_mathjax",  # sphinx.ext.mathjax, with MathJax served from the site itself
    "numpydoc",
    "myst_parser",
    "sphinx_gallery.gen_gallery",
    "matplotlib.sphinxext.plot_directive",
    "activations_docs",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "examples", "gallery", "generated/gallery/*.ipynb", "screenshots"]
templates_path = ["_templates"]
nitpicky = True  # every reference must resolve
default_role = "autolink"  # `name` in docstrings links where it can, as in NumPy's docs

# Markdown pages (MyST): $...$ maths, ::: fences, and anchors for ## headings.
myst_enable_extensions = ["dollarmath", "colon_fence", "deflist"]
myst_heading_anchors = 3

# API reference: numpydoc over autosummary stubs generated at build time.
autosummary_generate = True
autosummary_imported_members = False
autodoc_typehints = "none"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_validation_checks: set[str] = set()

# The plot directive (catalogue plots): no source, no extra formats.
plot_include_source = False
plot_html_show_source_link = False
plot_html_show_formats = False
plot_formats = [("png", 90)]
plot_rcparams = {"figure.max_open_warning": 0}

# The framework adapters' pages: PyTorch and JAX are optional. Where one is missing, autodoc reads
# its adapter against a stand-in module, and the gallery leaves out the examples named plot_<framework>_*
# (CI installs both, so the published site has every example).
MISSING_FRAMEWORKS = [f for f in ("torch", "jax") if importlib.util.find_spec(f) is None]
autodoc_mock_imports = MISSING_FRAMEWORKS
for _framework in MISSING_FRAMEWORKS:
    print(f"docs: {_framework} is not installed: its gallery examples are left out", file=sys.stderr)

sphinx_gallery_conf = {
    "examples_dirs": "gallery",
    "ignore_pattern": "|".join([r"__init__\.py", *(rf"^plot_{f}_" for f in MISSING_FRAMEWORKS)]),
    "gallery_dirs": "generated/gallery",
    "filename_pattern": r"/plot_",
    "download_all_examples": False,
    "remove_config_comments": True,
    "within_subsection_order": "FileNameSortKey",
    "abort_on_example_error": True,
    "only_warn_on_example_error": False,
    "matplotlib_animations": False,
    "write_computation_times": False,
    "run_stale_examples": True,  # execute every example on every build
}

html_theme = "pydata_sphinx_theme"
html_title = "pluggable-activations"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    # The front page gives its width to the figure; other pages keep their table of contents.
    "secondary_sidebar_items": {"**": ["page-toc"], "index": []},
}
html_static_path = ["_static"]
html_css_files = ["activations.css"]

# Pages written by others that may not exist yet: in the toctree only when present.
OPTIONAL_PAGES = ("accuracy", "dask")


def _optional_toctree(app, docname, source):
    if docname == "index":
        present = [p for p in OPTIONAL_PAGES if (HERE / f"{p}.md").exists()]
        source[0] = source[0].replace("%OPTIONAL_PAGES%", "\n".join(present))


def setup(app):
    app.connect("source-read", _optional_toctree)
