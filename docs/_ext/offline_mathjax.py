"""Serve MathJax from the built site, so that its maths renders with no network.

Sphinx's ``mathjax`` extension points every page with maths at a CDN; a
reader offline then sees raw ``\\[\\begin{split}...``. This extension copies
MathJax 3 from the ``django-static-mathjax`` distribution (a pinned copy of
MathJax's own release, on PyPI, in the ``docs`` extra) into the site's
``_static/mathjax/``, with MathJax's licence (Apache 2.0) beside it, and
points ``mathjax_path`` there. Only what the pages use is copied: the
``tex-chtml`` bundle, the TeX extensions it loads on demand, the CHTML fonts,
and the menu and accessibility components it offers.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path
from typing import Any

DISTRIBUTION = "django-static-mathjax"
#: What the site needs of MathJax's ``es5`` directory, and its licence.
PARTS = (
    "es5/tex-chtml.js",
    "es5/input/tex/extensions",
    "es5/output/chtml/fonts/woff-v2",
    "es5/ui",
    "es5/a11y",
    "es5/sre",
    "LICENSE",
)
#: Where the site serves it, under ``_static``; ``mathjax_path`` is relative to ``_static``.
TARGET = "mathjax"
SCRIPT = f"{TARGET}/es5/tex-chtml.js"


def mathjax_root() -> Path:
    """The MathJax release inside the installed ``django-static-mathjax`` (its ``package.json`` is there)."""
    spec = importlib.util.find_spec("mathjax")
    root = Path(spec.origin).parent / "static" / "mathjax" if spec and spec.origin else None
    if root is None or not (root / "es5" / "tex-chtml.js").is_file():
        raise RuntimeError(
            f"the docs serve MathJax from the site itself and need {DISTRIBUTION}: "
            "pip install 'pluggable-activations[docs]'"
        )
    return root


def copy_mathjax(outdir: Path) -> Path:
    """Copy the parts of MathJax the site needs into ``outdir/_static/mathjax``; return that folder."""
    root = mathjax_root()
    target = Path(outdir) / "_static" / TARGET
    for part in PARTS:
        source, dest = root / part, target / part
        dest.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, dest, dirs_exist_ok=True)
        else:
            shutil.copy2(source, dest)
    return target


def setup(app: Any) -> dict[str, Any]:
    from sphinx.errors import ExtensionError

    def on_builder_inited(app: Any) -> None:
        if app.builder.format != "html":
            return
        try:
            copy_mathjax(Path(app.outdir))
        except RuntimeError as error:
            raise ExtensionError(str(error)) from None

    def on_config_inited(app: Any, config: Any) -> None:
        config.mathjax_path = SCRIPT

    app.setup_extension("sphinx.ext.mathjax")
    app.connect("config-inited", on_config_inited)
    app.connect("builder-inited", on_builder_inited)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
