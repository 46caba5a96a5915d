"""The checks of the conformance kit that test the declared `Properties`.

Each declared property is checked in
both directions: a property declared true must hold on the kit's grids, and
one declared false must visibly fail
on them (``monotonic=False`` needs a decrease, ``sparse=False`` must not have
an interval of exact zeros ...), so that a wrong declaration is caught either
way. A grid proves nothing between its points: each docstring says what the
grid is and what it cannot see. The jump detector behind `check_kinks` and
`check_smoothness` finds candidate jumps from second differences of first
differences on a grid of step 1e-3 and keeps only those that survive three
ten-fold zooms, so smooth but steep functions are not taken for jumps.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from activations import BoundActivation

from ._harness import Array, _check, _d, _examples, _f, _fail, _fmt, _Options, _reach, _ulp, _wide_grid

__all__: list[str] = []

_EPS = float(np.finfo(np.float64).eps)


def _residual(g: Array) -> Array:
    """For each interval, how far its first difference is from the mean of its neighbours'."""
    steps = np.diff(g)
    around = np.empty_like(steps)
    around[1:-1] = (steps[:-2] + steps[2:]) / 2
    around[0], around[-1] = steps[1], steps[-2]
    with np.errstate(invalid="ignore"):
        return np.asarray(np.abs(steps - around))


def _jumps(
    fn: Callable[[Array], Array], lo: float, hi: float, *, floor: float = 0.0, exclude: tuple[float, ...] = ()
) -> list[tuple[float, float, float]]:
    """Jumps of ``fn`` on [lo, hi] as (location, value before, value after).

    Candidates are intervals of a grid of step 1e-3 (coarser beyond 200,001
    points) whose residual (see
    `_residual`) exceeds 1e-6 times max |fn| (and ``floor``, the noise of
    ``fn``); at most 32 clusters of them, those within 3 steps of ``exclude``
    ignored. Each is then zoomed in on five times, by a factor of 5: on 21
    points of the window, the largest step of two adjacent intervals away
    from the window's median step measures the jump. A jump J keeps that
    measure near J at any resolution, while a smooth function's falls with
    the square of the window (a jump of the next derivative: with the window),
    so a candidate is kept only if the measure keeps half its first value.
    """
    n = min(round((hi - lo) * 1000) + 1, 200_001)
    x = np.linspace(lo, hi, n)
    step = x[1] - x[0]
    g = fn(x)
    finite = np.isfinite(g)
    scale = float(np.max(np.abs(g[finite]))) if finite.any() else 0.0
    threshold = max(1e-6 * scale, floor, 1e-300)
    r = _residual(g)
    candidates = np.flatnonzero(r > threshold)
    for k in exclude:
        candidates = candidates[np.abs((x[candidates] + step / 2) - k) > 3 * step]
    if not candidates.size:
        return []
    clusters = np.split(candidates, np.flatnonzero(np.diff(candidates) > 1) + 1)
    clusters = sorted(clusters, key=lambda c: -float(np.max(r[c])))[:32]
    found = []
    for c in clusters:
        a, b = x[max(c[0] - 1, 0)], x[min(c[-1] + 2, n - 1)]
        first = level = 0.0
        for depth in range(5):
            xs = np.linspace(a, b, 21)
            with np.errstate(invalid="ignore"):
                steps = np.diff(fn(xs))
                dev = steps - np.median(steps)
                pairs = np.abs(dev[:-1] + dev[1:])
            if not np.isfinite(pairs).any():
                break
            j = int(np.nanargmax(pairs))
            level = float(pairs[j])
            first = level if depth == 0 else first
            a, b = xs[max(j - 1, 0)], xs[min(j + 3, 20)]
        if first > threshold and level >= 0.5 * first:
            before, after = fn(np.array([a, b]))
            found.append((float((a + b) / 2), float(before), float(after)))
    return sorted(found)


def _slope_of(
    act: BoundActivation, g: Callable[[BoundActivation, Array], Array]
) -> tuple[Callable[[Array], Array], float]:
    """The derivative of ``g`` by central differences with step 1e-7 max(1, |x|), and its noise level."""

    def slope(x: Array) -> Array:
        eta = 1e-7 * np.maximum(1.0, np.abs(x))
        with np.errstate(all="ignore"):
            return np.asarray((g(act, x + eta) - g(act, x - eta)) / (2 * eta))

    r = _reach(act)
    gmax = float(np.nanmax(np.abs(g(act, np.linspace(-r, r, 2001)))))
    return slope, 400 * _EPS * gmax / 1e-7


def _describe_jumps(jumps: list[tuple[float, float, float]], what: str) -> str:
    """``f' jumps near x = 0 (from 0.1 to 1)``: the location to the detector's resolution (1e-6)."""
    return "; ".join(
        f"{what} jumps near x = {round(x, 6) + 0.0:.7g} (from {a:.6g} to {b:.6g})" for x, a, b in jumps[:3]
    )


# -- backward --------------------------------------------------------------------
def _extreme(act: BoundActivation, x: Array, y: Array, lowest: bool) -> tuple[float, float]:
    """(x, f(x)) at the grid's extreme, refined three times on 201 points between its neighbours."""
    pick = np.nanargmin if lowest else np.nanargmax
    i = int(pick(y))
    best = (float(x[i]), float(y[i]))
    for _ in range(3):
        lo, hi = x[max(i - 1, 0)], x[min(i + 1, len(x) - 1)]
        if not (np.isfinite(lo) and np.isfinite(hi) and hi > lo):
            break
        x = np.linspace(lo, hi, 201)
        y = _f(act, x)
        i = int(pick(y))
        if (y[i] < best[1]) if lowest else (y[i] > best[1]):
            best = (float(x[i]), float(y[i]))
    return best


@_check
def check_output_range(act: BoundActivation, options: _Options) -> None:
    """``output_range`` is respected in every dtype and its bounds are attained or approached.

    Grid: step 1e-3 on [-10, 10], log-spaced magnitudes out to 1e30, the
    largest float and +-inf. Proves: no value falls outside the declared
    (lo, hi) by more than 2 ulps of the dtype at the bound; in float64 the
    smallest value found (refined three times around the grid's minimum, to
    a step of about 1e-9 on [-10, 10]) is within 1e-6
    (relative to max(1, |lo|)) of a finite lo, and is at most -1e6 (or -inf)
    for lo = -inf; likewise for hi. Cannot see values between grid points or
    beyond it, nor unboundedness slower than 1e6 at 1e30 (except through
    f(+-inf)).

    Examples
    --------
    >>> from activations.testing import check_output_range
    >>> check_output_range("tanh")
    """
    lo, hi = act.properties.output_range
    base = np.concatenate([[-np.inf], _wide_grid(), [np.inf]])
    for dtype in options.dtypes:
        info = np.finfo(dtype)
        big = float(info.max)
        x = np.unique(np.concatenate([np.clip(base, -big, big), [-np.inf, np.inf]]).astype(dtype))
        y = _f(act, x)
        with np.errstate(all="ignore"):
            below = y < lo - 2 * _ulp(lo, dtype)
            above = y > hi + 2 * _ulp(hi, dtype)
        for mask, side in ((below, "below"), (above, "above")):
            if mask.any():
                _fail(
                    f"forward in {dtype} goes {side} the declared output_range ({lo:g}, {hi:g}): "
                    + _examples(mask, ("x", x), ("f(x)", y))
                )
    x = np.concatenate(
        [[-np.inf, -float(np.finfo(np.float64).max)], _wide_grid(), [float(np.finfo(np.float64).max), np.inf]]
    )
    y = _f(act, x)
    for bound, side in ((lo, "lower"), (hi, "upper")):
        at, value = _extreme(act, x, y, side == "lower")
        sign = -1.0 if side == "lower" else 1.0
        if math.isinf(bound):
            if not sign * value >= 1e6:
                _fail(
                    f"output_range declares an unbounded {side} end, but the {side} extreme found is "
                    f"f({at:.6g}) = {value:.6g} (expected beyond {sign * 1e6:g}, or f({sign * math.inf}) = "
                    f"{sign * math.inf})"
                )
        elif not abs(value - bound) <= 1e-6 * max(1.0, abs(bound)):
            _fail(
                f"output_range declares the {side} bound {bound:.10g}, but the {side} extreme found is "
                f"f({at:.6g}) = {value:.10g}: the bound is neither attained nor approached"
            )


@_check
def check_monotonic(act: BoundActivation, options: _Options) -> None:
    """``monotonic``: f is non-decreasing on a dense sorted grid, or visibly decreases somewhere.

    Grid: step 1e-3 on [-10, 10], log-spaced out to +-1e30, and +-inf, in
    float64 and (if asked) float32. Declared true: no step down larger than 4
    ulps of f (rounding). Declared false: some step down larger than that
    must be found in float64. Cannot see a dip narrower than the grid step or
    outside the grid: a non-monotonic function whose dip is invisible on the
    grid fails when declared false.

    Examples
    --------
    >>> from activations.testing import check_monotonic
    >>> check_monotonic("relu")
    """
    declared = act.properties.monotonic
    base = np.concatenate([[-np.inf], _wide_grid(), [np.inf]])
    for dtype in [d for d in options.dtypes if d.itemsize >= 4]:
        x = np.unique(base.astype(dtype))
        y = _f(act, x)
        with np.errstate(all="ignore"):
            tol = 4 * np.spacing(np.maximum(np.abs(y[:-1]), np.abs(y[1:])))
            down = np.diff(y) < -tol
        if declared and down.any():
            _fail(
                f"declared monotonic=True, but forward in {dtype} decreases (largest drops first): "
                + _examples(
                    down,
                    ("x", x[:-1]),
                    ("f(x)", y[:-1]),
                    ("next x", x[1:]),
                    ("f(next x)", y[1:]),
                    worst=-np.diff(y),
                )
            )
        if not declared and dtype.itemsize == 8 and not down.any():
            _fail(
                f"declared monotonic=False, but forward is non-decreasing on all {x.size} grid points from "
                "-inf through [-1e30, 1e30] to inf; declare monotonic=True"
            )


def _zero_centred(act: BoundActivation, options: _Options) -> tuple[bool, str]:
    """(f(0) = 0 in every dtype and f takes both signs, why not)."""
    for dtype in options.dtypes:
        info = np.finfo(dtype)
        x = np.array([0.0, -0.0, -1.0, 1.0], dtype)
        y = _f(act, x)
        scale = max(1.0, float(np.nanmax(np.abs(y[2:]))))
        if not (
            abs(float(y[0])) <= 4 * float(info.eps) * scale
            and abs(float(y[1])) <= 4 * float(info.eps) * scale
        ):
            return False, f"f(0) = {_fmt(y[0])} and f(-0) = {_fmt(y[1])} in {dtype}, not 0"
    y = _f(act, _wide_grid())
    if not (np.nanmin(y) < 0 < np.nanmax(y)):
        return (
            False,
            f"f takes values only in [{np.nanmin(y):.6g}, {np.nanmax(y):.6g}] on the grid, not both signs",
        )
    return True, f"f(0) = 0 and f takes values in [{np.nanmin(y):.6g}, {np.nanmax(y):.6g}]"


@_check
def check_zero_centered(act: BoundActivation, options: _Options) -> None:
    """``zero_centered`` matches "f(0) = 0 (within 4 eps) in every dtype and f takes both signs".

    Both signs are looked for on a grid of step 1e-3 on [-10, 10] and
    log-spaced out to +-1e30. Cannot see a sign taken only between grid points
    or beyond the grid.

    Examples
    --------
    >>> from activations.testing import check_zero_centered
    >>> check_zero_centered("tanh")
    """
    actual, why = _zero_centred(act, options)
    if actual != act.properties.zero_centered:
        _fail(f"declared zero_centered={act.properties.zero_centered}, but {why}")


def _zero_runs(y: Array) -> list[tuple[int, int]]:
    """(start, stop) of each run of exact zeros in ``y``."""
    zero = np.concatenate([[False], y == 0, [False]])
    edges = np.flatnonzero(np.diff(zero.astype(np.int8)))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


@_check
def check_sparse(act: BoundActivation, options: _Options) -> None:
    """``sparse``: f is exactly 0 on an interval of [-20, 20] (and f' is 0 inside it), or nowhere.

    Grid: step 1e-3 on [-20, 20], float64 (the range is bounded so that
    underflow in the tails, e.g. GELU(-40) = 0, is not taken for sparsity).
    Declared true: some run of at least 10 consecutive exact zeros, with the
    derivative exactly 0 at its interior points. Declared false: no run of 3
    or more exact zeros. Cannot see zero intervals narrower than 0.003 or
    outside [-20, 20].

    Examples
    --------
    >>> from activations.testing import check_sparse
    >>> check_sparse("relu")
    """
    x = np.linspace(-20.0, 20.0, 40001)
    y = _f(act, x)
    runs = _zero_runs(y)
    longest = max(runs, key=lambda r: r[1] - r[0], default=(0, 0))
    length = longest[1] - longest[0]
    if act.properties.sparse:
        if length < 10:
            _fail(
                "declared sparse=True, but forward has no interval of exact zeros on [-20, 20] "
                f"(longest run: {length} grid points of step 1e-3)"
            )
        inside = x[longest[0] + 1 : longest[1] - 1]
        d = _d(act, inside)
        kink_free = np.all([np.abs(inside - k) > 1e-9 for k in act.properties.kinks], axis=0)
        bad = (d != 0) & kink_free
        if bad.any():
            _fail(
                f"f is exactly 0 on [{x[longest[0]]:.6g}, {x[longest[1] - 1]:.6g}], "
                "but the derivative is not 0 there: " + _examples(bad, ("x", inside), ("derivative", d))
            )
    elif length >= 3:
        _fail(
            f"declared sparse=False, but f is exactly 0 on [{x[longest[0]]:.6g}, {x[longest[1] - 1]:.6g}] "
            f"({length} consecutive grid points); declare sparse=True"
        )


# -- kinks and smoothness ----------------------------------------------------------
def _at_kink(act: BoundActivation, k: float) -> dict[str, float]:
    """One-sided values at ``k``: f, f' (extrapolated limits) and one-sided difference quotients."""
    s = max(1.0, abs(k))
    dl = 1e-7 * s
    xs = np.array([k - 2 * dl, k - dl, k, k + dl, k + 2 * dl])
    f, d = _f(act, xs), _d(act, xs)
    return {
        "f-": float(f[1]), "f+": float(f[3]), "f": float(f[2]),
        "d-": float(2 * d[1] - d[0]), "d+": float(2 * d[3] - d[4]), "d": float(d[2]),
        "q-": float((f[2] - f[0]) / (2 * dl)), "q+": float((f[4] - f[2]) / (2 * dl)),
        "curv": float(max(abs(d[1] - d[0]), abs(d[4] - d[3])) / dl), "step": dl,
    }  # fmt: skip


def _f_jumps_at(v: dict[str, float]) -> bool:
    gap = abs(v["f+"] - v["f-"])
    return gap > 1e-6 * max(1.0, abs(v["f-"]), abs(v["f+"])) + 8 * v["step"] * max(abs(v["d-"]), abs(v["d+"]))


@_check
def check_kinks(act: BoundActivation, options: _Options) -> None:
    """``kinks``: f or f' jumps at each declared kink and nowhere else on the grid.

    At each declared kink k (float64, one-sided step 1e-7 max(1, |k|)): f jumps
    or the one-sided limits of f' (extrapolated linearly) differ by more than
    1e-6 max(1, |f'|); where f is continuous, f'(k) lies between the two limits
    (the convention picks a side or a subgradient) and the one-sided difference
    quotients of f match the limits within 1e-4 (plus truncation). Elsewhere on
    [-R, R] (R = 10, or 2 past the farthest kink; step 1e-3) neither f, nor f',
    nor the difference quotient of f (step 1e-7, so that a kink of forward is
    found even where derivative hides it) may jump (see the module's jump
    detector). Cannot see jumps of f' smaller than 1e-6 max |f'|, kinks closer
    together than the grid step, or kinks beyond R.

    Examples
    --------
    >>> from activations.testing import check_kinks
    >>> check_kinks("relu")
    """
    kinks = act.properties.kinks
    for k in kinks:
        v = _at_kink(act, k)
        if _f_jumps_at(v):
            continue
        scale = max(1.0, abs(v["d-"]), abs(v["d+"]))
        if not abs(v["d+"] - v["d-"]) > 1e-6 * scale:
            _fail(
                f"declared kink at {k:g}, but f and f' are continuous there: f' tends to {v['d-']:.10g} from "
                f"the left and {v['d+']:.10g} from the right"
            )
        low, high = sorted((v["d-"], v["d+"]))
        if not low - 1e-6 * scale <= v["d"] <= high + 1e-6 * scale:
            _fail(
                f"derivative at the kink {k:g} is {v['d']:.10g}, not between the one-sided limits "
                f"{v['d-']:.10g} (left) and {v['d+']:.10g} (right)"
            )
        tol = 1e-4 * scale + 4 * v["step"] * v["curv"] + 8 * _EPS * abs(v["f"]) / v["step"]
        for side, name in (("-", "left"), ("+", "right")):
            if not abs(v["q" + side] - v["d" + side]) <= tol:
                _fail(
                    f"at the kink {k:g} the {name} difference quotient of forward is {v['q' + side]:.10g}, "
                    f"but the derivative tends to {v['d' + side]:.10g} from the {name}"
                )
    r = _reach(act)
    numeric, noise = _slope_of(act, _f)
    for what, fn, floor in (
        ("f", lambda x: _f(act, x), 0.0),
        ("f'", lambda x: _d(act, x), 0.0),
        ("the difference quotient of f", numeric, noise),
    ):
        extra = _jumps(fn, -r, r, floor=floor, exclude=kinks)
        if extra:
            _fail(f"{_describe_jumps(extra, what)}, which is not a declared kink (kinks = {kinks!r})")


@_check
def check_smoothness(act: BoundActivation, options: _Options) -> None:
    """``smoothness`` is consistent with the jumps of f, f' and f'' found on [-R, R].

    With the jump detector of `check_kinks` (f'' estimated by central
    differences of f' with step 1e-7): smoothness -1 iff f jumps; 0 iff f is
    continuous and f' jumps (so ``kinks`` is not empty); 1 iff f' is continuous
    and f'' jumps; 2 or more (``math.inf`` included) iff none of f, f', f''
    jumps, and then ``kinks`` must be empty. Cannot check f''' and beyond: a
    declared smoothness of 2, 3 or inf is accepted alike once f'' is
    continuous on the grid.

    Examples
    --------
    >>> from activations.testing import check_smoothness
    >>> check_smoothness("sigmoid")
    """
    props = act.properties
    declared = props.smoothness
    r = _reach(act)
    f_jumps = _jumps(lambda x: _f(act, x), -r, r)
    d_jumps = _jumps(lambda x: _d(act, x), -r, r) if not f_jumps else []
    if f_jumps:
        actual, why = -1, _describe_jumps(f_jumps, "f")
    elif d_jumps:
        actual, why = 0, "f is continuous and " + _describe_jumps(d_jumps, "f'")
    else:
        fpp, noise = _slope_of(act, _d)
        dd_jumps = _jumps(fpp, -r, r, floor=noise)
        if dd_jumps:
            actual, why = 1, "f' is continuous and " + _describe_jumps(dd_jumps, "f''")
        else:
            actual, why = 2, f"f, f' and f'' have no jump on [{-r:g}, {r:g}]"
    if (min(declared, 2) if declared >= 0 else -1) != actual:
        _fail(
            f"declared smoothness={declared}, but {why} (so smoothness "
            f"{'>= 2' if actual == 2 else f'= {actual}'})"
        )
    if declared >= 1 and props.kinks:
        _fail(
            f"declared smoothness={declared} (f' continuous) with kinks={props.kinks!r}: kinks must be empty"
        )
    if declared <= 0 and not props.kinks:
        _fail(f"declared smoothness={declared} but no kinks: the points where f or f' jumps must be listed")


@_check
def check_saturating(act: BoundActivation, options: _Options) -> None:
    """``saturating``: |f'| tends to 0 on the declared sides and does not on the others.

    For each side, the mean |f'| over 16 points in +-[1e8, 2e8] is compared
    with that over +-[1e4, 2e4] (float64): a side saturates when the far mean
    is 0 or at most 1e-2 of the near one (f' decays at least like x^-1/2),
    and then f'(+-inf) must be exactly 0. Cannot distinguish a derivative that
    tends to 0 slower than that (e.g. 1 / log x) from one that does not.

    Examples
    --------
    >>> from activations.testing import check_saturating
    >>> check_saturating("sigmoid")
    """
    declared = act.properties.saturating
    for side, sign in (("lower", -1.0), ("upper", 1.0)):
        near = float(np.mean(np.abs(_d(act, sign * np.linspace(1e4, 2e4, 16)))))
        far = float(np.mean(np.abs(_d(act, sign * np.linspace(1e8, 2e8, 16)))))
        actual = far == 0 or (math.isfinite(near) and far <= 1e-2 * near)
        claimed = declared in (side, "both")
        if claimed != actual:
            _fail(
                f"declared saturating={declared!r}, but on the {side} side mean |f'| is {near:.3g} near "
                f"{sign * 1e4:g} and {far:.3g} near {sign * 1e8:g}, so f' "
                f"{'tends' if actual else 'does not tend'} to 0 there"
            )
        at_inf = float(_d(act, np.array([sign * math.inf]))[0])
        if claimed and at_inf != 0:
            _fail(
                f"declared saturating on the {side} side, but derivative({sign * math.inf}) = {at_inf:g}; "
                "expected the limit 0"
            )


@_check
def check_identity_near_origin(act: BoundActivation, options: _Options) -> None:
    """``identity_near_origin`` matches "f(0) = 0, f'(0) = 1 and f(x)/x -> 1 from both sides".

    In float64: f(0) within 4 eps of 0, derivative(0) within 16 eps of 1, and
    f(+-1e-6) / +-1e-6 within 1e-4 of 1 (so a kink at 0 whose convention
    happens to give f'(0) = 1 does not count). Cannot see behaviour between
    0 and 1e-6.

    Examples
    --------
    >>> from activations.testing import check_identity_near_origin
    >>> check_identity_near_origin("tanh")
    """
    x = np.array([0.0, -1e-6, 1e-6])
    y, d = _f(act, x), _d(act, x[:1])
    slopes = y[1:] / x[1:]
    actual = (
        abs(float(y[0])) <= 4 * _EPS
        and abs(float(d[0]) - 1) <= 16 * _EPS
        and bool(np.all(np.abs(slopes - 1) <= 1e-4))
    )
    if actual != act.properties.identity_near_origin:
        _fail(
            f"declared identity_near_origin={act.properties.identity_near_origin}, but f(0) = {_fmt(y[0])}, "
            f"f'(0) = {_fmt(d[0])} and f(x)/x = {_fmt(slopes[0])} at x = -1e-6, {_fmt(slopes[1])} at x = 1e-6"
        )
