"""The comparison figure reads well for 1 to 8 activations: measured on the drawn figure, not by pixels.

Each figure is drawn by the public entry point (``Comparison.plot``) and
captured as it is saved; the checks then ask matplotlib's renderer where every
text and legend landed (``get_window_extent``) and where every line's points
and every bar or histogram is (their data transformed to display
coordinates). Overlaps are judged in display pixels.
"""

import itertools

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.text import Text

from activations import analysis

SMALL = {"samples": 2000, "depth": 3, "epochs": 2}
ONE = ["tanh"]
THREE = ["relu", "sigmoid", "tanh"]
FIVE = ["relu", "gelu", "silu", "leaky_relu", "elu"]  # the docs' successors
# Long specs, and one name twice with different parameters: the hardest labels to place.
EIGHT = [
    "relu",
    "leaky_relu(negative_slope=0.01)",
    "elu",
    "gelu",
    "silu",
    "sigmoid",
    "tanh",
    "leaky_relu(negative_slope=0.2)",
]
# Learned parameters add a panel: PReLU learns, Leaky ReLU stays fixed, ReLU has nothing to learn.
FOUR_LEARNING = ["prelu", "leaky_relu(negative_slope=0.25)", "relu", "elu"]
SIZES = {1: ONE, 3: THREE, 4: FOUR_LEARNING, 5: FIVE, 8: EIGHT}
LEARNING = {4: {"learn": True, "fixed": ["leaky_relu"]}}
#: Overlaps smaller than this, in display pixels, are rounding, not a collision.
TOLERANCE = 0.5


@pytest.fixture(scope="module")
def reports():
    return {n: analysis.compare(specs, **SMALL, **LEARNING.get(n, {})) for n, specs in SIZES.items()}


def drawn(report, tmp_path):
    """Draw ``report`` with ``Comparison.plot``; return the figure, the texts drawn, and the renderer."""
    saved = []
    original_savefig = Figure.savefig

    def savefig(self, *args, **kwargs):
        saved.append(self)
        return original_savefig(self, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Figure, "savefig", savefig)
        report.plot(tmp_path / "compare.png")
    (fig,) = saved
    # Draw once more at the figure's own dpi, recording each text as it is drawn (tick labels
    # outside the view are never drawn, so they must not count), and measure with that renderer.
    texts = []
    original_draw = Text.draw

    def draw(self, renderer):
        if self.get_visible() and self.get_text().strip():
            texts.append(self)
        return original_draw(self, renderer)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Text, "draw", draw)
        fig.canvas.draw()
    return fig, texts, fig.canvas.get_renderer()


@pytest.fixture(scope="module")
def figures(reports, tmp_path_factory):
    return {n: drawn(report, tmp_path_factory.mktemp(f"figure-{n}")) for n, report in reports.items()}


def overlap(a, b):
    """Width and height of the intersection of two display-space boxes (0 if they do not meet)."""
    return min(a.x1, b.x1) - max(a.x0, b.x0), min(a.y1, b.y1) - max(a.y0, b.y0)


def collide(a, b):
    w, h = overlap(a, b)
    return w > TOLERANCE and h > TOLERANCE


def legends(fig):
    """Every legend of the figure: the figure's, its subfigures' and its panels'."""
    return fig.findobj(Legend)


def data_points(ax):
    """Every line's points and every bar's or histogram's outline in ``ax``, in display coordinates."""
    points = []
    for line in ax.get_lines():
        xy = line.get_transform().transform(np.asarray(line.get_xydata(), dtype=float))
        points.append(xy[np.isfinite(xy).all(axis=1)])
    for patch in ax.patches:
        path = patch.get_transform().transform_path(patch.get_path())
        points.append(path.vertices[np.isfinite(path.vertices).all(axis=1)])
    return np.concatenate(points) if points else np.empty((0, 2))


def describe(text):
    return repr(text.get_text()[:40])


@pytest.mark.parametrize("n", sorted(SIZES))
def test_no_two_texts_overlap(n, reports, figures):
    _, texts, renderer = figures[n]
    boxes = [(t, t.get_window_extent(renderer)) for t in texts]
    collisions = [
        f"{describe(a)} and {describe(b)}"
        for (a, ba), (b, bb) in itertools.combinations(boxes, 2)
        if collide(ba, bb)
    ]
    assert not collisions, f"{len(collisions)} overlapping texts: " + "; ".join(collisions[:8])


@pytest.mark.parametrize("n", sorted(SIZES))
def test_every_text_is_inside_the_figure(n, reports, figures):
    fig, texts, renderer = figures[n]
    page = fig.bbox
    outside = []
    for t in texts:
        box = t.get_window_extent(renderer)
        w, h = overlap(box, page)
        if w < box.width - TOLERANCE or h < box.height - TOLERANCE:
            outside.append(describe(t))
    assert not outside, "texts cut off at the figure's edge: " + ", ".join(outside)


@pytest.mark.parametrize("n", sorted(SIZES))
def test_one_legend_that_covers_no_data(n, figures):
    fig, texts, renderer = figures[n]
    found = legends(fig)
    for legend in found:
        box = legend.get_window_extent(renderer)
        for ax in fig.axes:
            xy = data_points(ax)
            inside = (xy[:, 0] > box.x0) & (xy[:, 0] < box.x1) & (xy[:, 1] > box.y0) & (xy[:, 1] < box.y1)
            assert not inside.any(), f"a legend covers {inside.sum()} data points of {ax.get_title()!r}"
        legend_texts = set(legend.get_texts()) | {legend.get_title()}
        covered = [
            describe(t)
            for t in texts
            if t not in legend_texts and collide(box, t.get_window_extent(renderer))
        ]
        assert not covered, "a legend covers " + ", ".join(covered)
    assert len(found) == 1, f"{len(found)} legends; one shared legend expected"
    box = found[0].get_window_extent(renderer)
    for ax in fig.axes:
        assert not collide(box, ax.get_window_extent(renderer)), f"the legend lies on {ax.get_title()!r}"


@pytest.mark.parametrize("n", sorted(SIZES))
def test_the_legend_names_every_spec_in_full(n, reports, figures):
    fig, _, _ = figures[n]
    (legend,) = legends(fig)
    entries = [t.get_text() for t in legend.get_texts()]
    for spec in (row.name for row in reports[n].activations):
        assert spec in entries


@pytest.mark.parametrize("n", sorted(SIZES))
def test_every_panel_has_a_title_and_labelled_axes(n, reports, figures):
    fig, _, _ = figures[n]
    assert len(fig.axes) == (7 if n in LEARNING else 6)
    for ax in fig.axes:
        assert ax.get_title(), ax
        assert ax.get_xlabel(), f"{ax.get_title()!r} has no x label"
        assert ax.get_ylabel(), f"{ax.get_title()!r} has no y label"


@pytest.mark.parametrize("n", sorted(SIZES))
def test_the_title_says_what_was_compared_and_how(n, reports, figures):
    fig, texts, renderer = figures[n]
    panels_top = max(ax.get_window_extent(renderer).y1 for ax in fig.axes)
    legend_entries = {t for legend in legends(fig) for t in legend.get_texts()}
    above = [t for t in texts if t not in legend_entries and t.get_window_extent(renderer).y0 > panels_top]
    heading = "\n".join(t.get_text() for t in sorted(above, key=lambda t: -t.get_window_extent(renderer).y1))
    report = reports[n]
    names = [row.config["name"] for row in report.activations]
    assert all(name in heading for name in names) or f"{n} activations" in heading, heading
    s = report.settings
    for setting in (f"seed {s.seed}", f"{s.epochs} epochs", f"depth {s.depth}", f"{s.samples:,} draws"):
        assert setting in heading, (setting, heading)
    assert ("learnable parameters learned except leaky_relu's" in heading) == (n in LEARNING), heading


def colours_of(fig):
    """The colour of each legend entry: {text: colour}."""
    (legend,) = legends(fig)
    return {
        text.get_text(): handle.get_color() if isinstance(handle, Line2D) else handle.get_facecolor()
        for text, handle in zip(legend.get_texts(), legend.legend_handles, strict=True)
    }


def rgba(colour):
    from matplotlib.colors import to_rgba

    return tuple(round(c, 6) for c in to_rgba(colour))


@pytest.mark.parametrize("n", sorted(SIZES))
def test_one_colour_per_activation_in_every_panel_and_every_run(n, reports, figures, tmp_path):
    report = reports[n]
    fig, _, _ = figures[n]
    legend_colours = {spec: rgba(c) for spec, c in colours_of(fig).items()}
    specs = [row.name for row in report.activations]
    own = {spec: legend_colours[spec] for spec in specs}
    assert len(set(own.values())) == n, f"colours repeat: {own}"
    # The parameters' panel draws the activations that have learnable parameters, and only those.
    with_parameters = {own[row.name] for row in report.activations if row.learnable}
    for ax in fig.axes:
        used = {rgba(line.get_color()) for line in ax.get_lines()}
        used |= {rgba(p.get_facecolor()) for p in ax.patches if p.get_fill()}
        used |= {rgba(p.get_edgecolor()) for p in ax.patches if not p.get_fill()}
        grey = {c for c in used if c[0] == c[1] == c[2] and c not in own.values()}  # reference lines
        expected = with_parameters if ax.get_title().startswith("learnable parameters") else set(own.values())
        assert used - grey <= expected, f"{ax.get_title()!r} uses colours not expected there"
        assert expected <= used, f"{ax.get_title()!r} misses an activation's colour"
    again, _, _ = drawn(analysis.compare(specs, **SMALL, **LEARNING.get(n, {})), tmp_path)
    assert {spec: rgba(c) for spec, c in colours_of(again).items() if spec in own} == own


def test_colours_stay_apart_for_colour_blind_readers(reports, figures):
    """Pairwise CAM02-UCS distances under simulated protanopia, deuteranopia and tritanopia.

    colorspacious simulates each deficiency (Machado, Oliveira and Fernandes 2009, at full
    severity) and measures colour differences in CAM02-UCS, where about 1 is just
    noticeable. 10 is far above that; matplotlib's default cycle fails it already for three
    activations (its orange and green are 1.6 apart for a protanope).
    """
    colorspacious = pytest.importorskip("colorspacious")
    fig, _, _ = figures[8]
    colours = colours_of(fig)
    rgb = np.array([rgba(colours[row.name])[:3] for row in reports[8].activations])
    for deficiency in ("protanomaly", "deuteranomaly", "tritanomaly"):
        space = {"name": "sRGB1+CVD", "cvd_type": deficiency, "severity": 100}
        seen = np.clip(colorspacious.cspace_convert(rgb, space, "sRGB1"), 0.0, 1.0)
        for i, j in itertools.combinations(range(len(rgb)), 2):
            distance = colorspacious.deltaE(seen[i], seen[j], input_space="sRGB1")
            assert distance >= 10.0, (
                deficiency,
                reports[8].activations[i].name,
                reports[8].activations[j].name,
            )


def test_short_tick_labels_tell_repeated_names_apart(reports, figures):
    fig, _, _ = figures[8]
    labels = [
        t.get_text()
        for ax in fig.axes
        for t in ax.get_yticklabels() + ax.get_xticklabels()
        if "relu" in t.get_text()
    ]
    assert len(labels) == len(set(labels)) == 3, labels  # relu, and leaky_relu twice
    assert all(len(label) <= 20 for label in labels), labels


def test_the_parameters_panel_draws_each_learned_path_and_each_fixed_value(reports, figures):
    fig, _, _ = figures[4]
    (ax,) = [ax for ax in fig.axes if ax.get_title().startswith("learnable parameters")]
    report = reports[4]
    colours = {spec: rgba(c) for spec, c in colours_of(fig).items()}
    lines = {}
    for line in ax.get_lines():
        lines.setdefault(rgba(line.get_color()), []).append(line.get_ydata())
    prelu, leaky, _, elu = report.activations
    for row in (prelu, elu):  # learned: one path per hidden layer, from the spec's value
        (name,) = row.learnable
        drawn_paths = lines[colours[row.name]]
        expected = [layer[name] for layer in row.training.learned]
        assert [list(path) for path in drawn_paths] == [list(path) for path in expected]
        assert all(path[0] == row.config[name] for path in drawn_paths)
    assert [list(path) for path in lines[colours[leaky.name]]] == [[0.25, 0.25]]  # fixed: flat
