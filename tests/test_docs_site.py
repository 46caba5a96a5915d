"""The built site: it needs no network, opens with the result, and links figures to their full size.

The documentation is built once for this module, from a copy of ``docs/``
and of ``plugins/`` (which a page includes), so that the checkout's generated
files are left alone, with the command CI runs (warnings are errors), and the
HTML is read back with the standard library's parser.
"""

import html
import os
import posixpath
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytest.importorskip("sphinx")
pytest.importorskip("pydata_sphinx_theme")

ROOT = Path(__file__).resolve().parents[1]
TABLE = r'<table class="[^"]*\bactivations-comparison\b'  # a comparison table, whatever the theme adds
DOCS = ROOT / "docs"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("site")
    source = root / "docs"
    skip = shutil.ignore_patterns("_build", "generated", "*.egg-info", "__pycache__")
    shutil.copytree(DOCS, source, ignore=skip)
    shutil.copytree(ROOT / "plugins", root / "plugins", ignore=skip)
    out = root / "html"
    env = {**os.environ, "MPLBACKEND": "Agg"}
    command = [
        sys.executable,
        "-m",
        "sphinx",
        "-q",
        "-W",
        "--keep-going",
        "-b",
        "html",
        str(source),
        str(out),
    ]
    done = subprocess.run(
        command, cwd=root, env=env, capture_output=True, text=True, timeout=900, check=False
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return out


class Page(HTMLParser):
    """The tags of one HTML page that load or link something, with the links around each image."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.loads = []  # (tag, url): what a browser fetches to show the page
        self.images = []  # (src, href of the enclosing link or None, classes)
        self.links = []  # every <a href>
        self.texts = []  # text of every block element, in order
        self._anchors = []
        self._block = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("src"):
            self.loads.append((tag, attrs["src"]))
        if (
            tag == "link"
            and attrs.get("href")
            and {"stylesheet", "preload", "icon", "modulepreload"} & set((attrs.get("rel") or "").split())
        ):
            self.loads.append((tag, attrs["href"]))
        if tag in ("img", "iframe", "source", "video", "audio") and attrs.get("src"):
            self.loads.append((tag, attrs["src"]))
        if tag == "a":
            self._anchors.append(attrs.get("href"))
            if attrs.get("href"):
                self.links.append(attrs["href"])
        if tag == "img":
            href = next((h for h in reversed(self._anchors) if h), None)
            self.images.append((attrs.get("src"), href, attrs.get("class") or ""))
        if tag in ("p", "li", "dd", "dt"):
            self._block = []

    def handle_endtag(self, tag):
        if tag == "a" and self._anchors:
            self._anchors.pop()
        if tag in ("p", "li", "dd", "dt") and self._block is not None:
            self.texts.append(" ".join("".join(self._block).split()))
            self._block = None

    def handle_data(self, data):
        if self._block is not None:
            self._block.append(data)


def pages(site):
    return sorted(p for p in site.rglob("*.html") if not p.relative_to(site).as_posix().startswith("_"))


def read(path):
    return Page(path.read_text(encoding="utf-8"))


def resolve(page, url):
    """The file a relative URL of ``page`` points at."""
    return page.parent / urlsplit(url).path


def external(url):
    parts = urlsplit(url)
    return bool(parts.scheme in ("http", "https") or parts.netloc or url.startswith("//"))


def test_no_page_fetches_anything_from_another_site(site):
    found = [(p.relative_to(site).as_posix(), tag, url) for p in pages(site) for tag, url in read(p).loads]
    assert len(found) > 100  # the parser sees the pages' scripts and stylesheets
    remote = [entry for entry in found if external(entry[2])]
    assert remote == []
    missing = [entry for entry in found if not resolve(site / entry[0], entry[2]).is_file()]
    assert missing == []


def test_maths_is_typeset_by_mathjax_served_from_the_site(site):
    page = site / "catalogue.html"
    text = page.read_text(encoding="utf-8")
    assert "\\begin{split}" in text or "\\[" in text  # the catalogue has display maths
    scripts = [url for tag, url in read(page).loads if tag == "script" and "mathjax" in url.lower()]
    assert len(scripts) == 1, scripts
    script = resolve(page, scripts[0])
    assert script.is_file()
    assert script.stat().st_size > 500_000  # the whole tex-chtml bundle, not a stub
    mathjax = site / "_static" / "mathjax"
    assert "Apache License" in (mathjax / "LICENSE").read_text(encoding="utf-8")
    assert any((mathjax / "es5" / "output" / "chtml" / "fonts" / "woff-v2").glob("*.woff"))


def test_the_front_page_opens_with_the_figure_the_table_an_example_and_three_doors(site):
    text = (site / "index.html").read_text(encoding="utf-8")
    page = read(site / "index.html")
    figure = next(src for src, _, _ in page.images if "compare-" in src)
    table = re.search(TABLE, text).start()
    example = text.index('<div class="highlight', table)
    doors = text.index('class="doors')
    assert text.index(figure) < table < example < doors
    code = html.unescape(re.sub(r"<[^>]+>", "", text[example:doors]))
    assert '>>> activations.get("sigmoid").derivative([0.0, 40.0])' in code
    assert "4.24835426e-18" in code
    assert all(f"<p>{name}</p>" in text[table:example] for name in ("relu", "sigmoid", "tanh"))
    each_door = re.split(r'class="[^"]*\bdoor\b', text[doors : text.index("</section>", doors)])[1:]
    first_links = [re.search(r'href="([^"#]+)"', door).group(1) for door in each_door]
    assert first_links == ["getting-started.html", "writing-plugins.html", "choosing.html"]


def test_every_figure_opens_at_full_size(site):
    checked = 0
    for path in [
        site / "index.html",
        site / "choosing.html",
        site / "catalogue.html",
        *site.glob("generated/gallery/plot_*.html"),
    ]:
        for src, href, classes in read(path).images:
            if "sphx-glr-thumb" in classes or "thumb" in posixpath.basename(src):
                continue
            assert href is not None, f"{path.name}: {src} is not a link"
            assert resolve(path, href).is_file(), (path.name, href)
            assert posixpath.basename(urlsplit(href).path) == posixpath.basename(urlsplit(src).path)
            checked += 1
    assert checked > 30  # the comparison figures, a plot per catalogue entry, the gallery's figures


def test_no_page_repeats_a_paragraph(site):
    # The "Columns" readings used to follow every comparison table, word for word.
    for path in pages(site):
        if (
            path.name in ("genindex.html", "search.html", "py-modindex.html")
            or "generated/api" in path.as_posix()
        ):
            continue  # indexes; API pages, whose methods share parameter descriptions
        texts = [t for t in read(path).texts if len(t) > 60]
        repeated = {t for t in texts if texts.count(t) > 1}
        assert not repeated, (path.relative_to(site).as_posix(), sorted(repeated)[:3])


def section_navigation(path):
    """The entries of the page's "Section Navigation" sidebar, or None if it has none."""
    text = path.read_text(encoding="utf-8")
    start = text.find("Section Navigation")
    return None if start < 0 else text[start : text.index("</nav>", start)].count("<li")


def test_section_navigation_only_where_there_is_a_section_to_navigate(site):
    empty = [p.relative_to(site).as_posix() for p in pages(site) if section_navigation(p) == 0]
    assert empty == []
    assert section_navigation(site / "catalogue.html") is None
    assert section_navigation(site / "index.html") is None
    assert section_navigation(site / "generated" / "gallery" / "plot_dead_units.html") >= 4  # the examples
    assert section_navigation(site / "generated" / "api" / "activations.get.html") > 50  # the API pages


def test_wide_tables_scroll_inside_their_box_with_the_first_column_pinned(site):
    text = (site / "choosing.html").read_text(encoding="utf-8")
    tables = [m.start() for m in re.finditer(TABLE, text)]
    assert len(tables) == 3  # the classic three, the successors, PReLU learned
    for start in tables:
        assert text.rfind('<div class="pst-scrollable-table-container">', 0, start) > text.rfind(
            "</table>", 0, start
        )
    css = (site / "_static" / "activations.css").read_text(encoding="utf-8")
    rule = css[css.index("table.activations-comparison td:first-child {") :]
    assert "position: sticky;" in rule[: rule.index("}")]
    assert "left: 0;" in rule[: rule.index("}")]
    assert "_static/activations.css" in text
