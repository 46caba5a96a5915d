"""The accuracy measure of ACCURACY.md and its grid, shared by the tests and the benchmark.

For a value c computed by the code under test for g (f for forward, f' for
backward) at a float input x::

    err(x) = |c - g(x)| / (ulp(g(x)) + |g'(x)| * ulp(x))

with g and g' from the mpmath reference (`reference`), ulp(v) the spacing of
the dtype at |v| (the smallest subnormal below the normal range). Special
points:

* where g(x) rounds to an infinity of the dtype, c must be that infinity
  (err 0 or inf); where it is finite, an infinite or NaN c is an unbounded error;
* at a kink, and at x = +-inf, the second term is dropped: the value there is
  a convention (or a limit), to be met up to the rounding of the constant
  itself, so a value from the wrong side of a kink fails by a wide margin;
* an infinite x is evaluated at the surrogate +-2**1100, beyond every float,
  so the reference gives the limit.

The reference is evaluated once per (case, dtype) into a `Target` of float
arrays: g as a double-double mantissa with a separate exponent (exact to
about 2**-106 relative over any range, subnormals included), the correctly
rounded value, and the denominator of err in units of that exponent. The
measure itself is then vectorised NumPy (`Target.err`).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import mpmath
import numpy as np
from reference import REFERENCES, BoundReference, bind, mpf

__all__ = [
    "BACKWARD_BOUND",
    "CASES",
    "DTYPES",
    "FORWARD_BOUND",
    "INF_SURROGATE",
    "Case",
    "Evaluation",
    "Row",
    "Target",
    "evaluation",
    "parameter_gradients",
    "parameter_target",
    "float16_expected",
    "grid",
    "measure_case",
    "nearest",
    "ulp",
    "ulp_steps",
    "worst",
]

FORWARD_BOUND = 4.0
BACKWARD_BOUND = 8.0
DTYPES = (np.dtype(np.float32), np.dtype(np.float64))
INF_SURROGATE = mpf(2) ** 1100


# -- cases: the activations and the parameter values tested --------------------------------------
@dataclass(frozen=True)
class Case:
    """An activation name with parameters; ``spec`` is the readable id (``elu(alpha=0.5)``)."""

    name: str
    params: tuple[tuple[str, Any], ...] = ()

    @property
    def kwargs(self) -> dict[str, Any]:
        return dict(self.params)

    @property
    def spec(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in self.params)
        return f"{self.name}({inner})" if inner else self.name

    def reference(self) -> BoundReference:
        return bind(self.name, **self.kwargs)


def _case(name: str, **params: Any) -> Case:
    return Case(name, tuple(params.items()))


#: Every reference with its defaults, then non-default parameter values.
CASES: tuple[Case, ...] = (
    *(Case(name) for name in REFERENCES),
    _case("leaky_relu", negative_slope=0.2),
    _case("leaky_relu", negative_slope=1.5),
    _case("threshold", threshold=1.0, value=-1.0),
    _case("rrelu", lower=0.25, upper=0.5),
    _case("elu", alpha=0.5),
    _case("celu", alpha=2.0),
    _case("gelu", approximate="tanh"),
    _case("gelu", approximate="sigmoid"),
    _case("silu", beta=2.0),
    _case("softplus", beta=2.0),
    _case("softplus", beta=0.5),
    _case("squareplus", b=1.0),
    _case("hard_sigmoid", kind="keras2"),
    _case("hardtanh", min_val=-2.0, max_val=3.0),
    _case("softshrink", lambd=1.0),
    _case("hardshrink", lambd=0.25),
)


# -- dtype arithmetic ---------------------------------------------------------------------------
@dataclass(frozen=True)
class _Format:
    precision: int  # significand bits, hidden bit included
    emin: int  # exponent of the smallest normal: 2**emin
    emax: int  # exponent of the largest binade
    largest: float

    @property
    def quantum_min(self) -> int:
        """Exponent of the smallest subnormal."""
        return self.emin - self.precision + 1


@functools.cache
def _format(dtype: np.dtype[Any]) -> _Format:
    info = np.finfo(dtype)
    return _Format(int(info.nmant) + 1, int(info.minexp), int(info.maxexp) - 1, float(info.max))


def _ulp_exponent(exponent: int, fmt: _Format) -> int:
    """log2 of ulp(v) for |v| in [2**(exponent-1), 2**exponent) (mpmath.frexp convention)."""
    return max(exponent - fmt.precision, fmt.quantum_min)


def ulp(value: float, dtype: np.dtype[Any]) -> float:
    """ulp(value) of ``dtype`` as a float: the spacing at |value|, the smallest subnormal below normal."""
    fmt = _format(np.dtype(dtype))
    exponent = math.frexp(value)[1] if value != 0 and math.isfinite(value) else 0
    return math.ldexp(1.0, _ulp_exponent(exponent, fmt) if value != 0 else fmt.quantum_min)


def nearest(value: Any, dtype: np.dtype[Any]) -> float:
    """``value`` (an mpf) correctly rounded to ``dtype`` (ties to even, overflow to +-inf), as a float."""
    fmt = _format(np.dtype(dtype))
    if value == 0:
        return 0.0
    if mpmath.isinf(value):
        return float(value)
    _, exponent = mpmath.frexp(value)
    if exponent > fmt.emax + 2:
        return math.copysign(math.inf, value)
    if exponent < fmt.quantum_min - 2:
        return math.copysign(0.0, value)
    q = _ulp_exponent(int(exponent), fmt)
    units = int(mpmath.nint(mpmath.ldexp(value, -q)))
    if units == 0:
        return math.copysign(0.0, value)
    try:
        rounded = math.ldexp(float(units), q)  # exact: units has at most precision + 1 bits
    except OverflowError:
        rounded = math.inf
    if abs(rounded) > fmt.largest:
        return math.copysign(math.inf, value)
    return rounded


def ulp_steps(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """How many representable values of their (common) dtype lie between a and b (0 when equal, -0 = 0)."""
    bits = {2: np.int16, 4: np.int32, 8: np.int64}[a.dtype.itemsize]

    def ordered(v: np.ndarray) -> np.ndarray:
        i = v.view(bits).astype(np.int64)
        return np.where(i < 0, np.iinfo(bits).min - i, i)

    steps = np.abs(ordered(a) - ordered(b)).astype(np.float64)
    return np.where(np.isnan(a) | np.isnan(b), np.inf, steps)


# -- the grid -----------------------------------------------------------------------------------
#: Where common implementations break, besides the per-dtype exp thresholds (ACCURACY.md).
BREAK_POINTS = (
    1e-8, -1e-8, 1e-4, -1e-4, 0.5, -0.5, 1.0, -1.0, 2.0, -2.0, 3.0, -3.0,
    20.0, 20.5, -20.0, -20.5, 11.1, -11.1, 40.0, -40.0, 88.5, -88.5, 89.0, -89.0, 104.0, -104.0,
    709.0, -709.0, 745.0, -745.0, 1000.0, -1000.0,
    -4.93, -13.94, -34.04,  # TF's softplus branch points log(eps) + 2 of float16/32/64
)  # fmt: skip

#: Grid sizes: (points on the dense interval [-40, 40], log-spaced magnitudes per sign, points per band).
SIZES = {"quick": (161, 40, 5), "test": (1001, 160, 25), "full": (8001, 1200, 201)}


def _exp_thresholds() -> list[float]:
    """ln of the largest float, the smallest normal and the smallest subnormal, per dtype, halved too."""
    points = []
    for dtype in (np.float16, np.float32, np.float64):
        info = np.finfo(dtype)
        for v in (float(info.max), float(info.tiny), float(info.smallest_subnormal)):
            t = math.log(v)
            points += [t, -t, t / 2, -t / 2]
    return points


def _bands(dtype: np.dtype[Any], n: int) -> list[np.ndarray]:
    """Evenly spaced points where exp-based formulas underflow into subnormals or overflow.

    For e^x: [ln(smallest subnormal), ln(smallest normal)] and ln(largest) +- 1; the same
    halved (e^2x forms), and sqrt(2 |.|) of the subnormal band (e^(-x^2/2), GELU); both signs.
    """
    info = np.finfo(dtype)
    low, tiny, high = (math.log(float(v)) for v in (info.smallest_subnormal, info.tiny, info.max))
    bands = []
    for a, b in [(low, tiny), (high - 1, high + 1)]:
        for factor in (1.0, 0.5):
            band = np.linspace(a * factor, b * factor, n)
            bands += [band, -band]
    band = np.linspace(math.sqrt(-2 * low), math.sqrt(-2 * tiny), n)
    return [*bands, band, -band]


def _neighbours(values: Iterable[float], dtype: np.dtype[Any], steps: int) -> np.ndarray:
    """Each finite value rounded to ``dtype`` and its ``steps`` nearest floats on either side."""
    v = np.asarray(list(values), dtype=np.float64)
    with np.errstate(over="ignore"):
        v = v.astype(dtype)
        v = v[np.isfinite(v)]
        out = [v]
        up, down = v.copy(), v.copy()
        for _ in range(steps):  # the step past the largest float is inf, which the grid has anyway
            up = np.nextafter(up, dtype.type(np.inf))
            down = np.nextafter(down, dtype.type(-np.inf))
            out += [up, down]
    return np.concatenate(out)


def _refine(ref: BoundReference, guess: Any) -> Any | None:
    """The zero of f' (or, failing that, of f) near ``guess``, at 50 digits."""
    for fn in (ref.df, ref.f):
        with mpmath.workdps(50):
            try:
                root = mpmath.findroot(fn, mpf(guess))
            except (ValueError, ZeroDivisionError):
                continue
            if abs(root - guess) < 0.01:
                return root
    return None


@functools.cache
def grid(case: Case, dtype: np.dtype[Any], size: str = "test") -> np.ndarray:
    """The accuracy grid of ``case`` in ``dtype`` (see ACCURACY.md): sorted and unique, then 0.0 and -0.0.

    Dense on [-40, 40]; log-spaced magnitudes from the smallest subnormal to
    the largest float, both signs (plus a denser band 1e-10..1e4); evenly
    spaced bands where exp underflows to subnormals or overflows; the kinks
    and derivative roots with their nearest floats; the break points (also
    divided by the case's inner scale, e.g. softplus's beta); 0, -0.0, +-inf.
    """
    dtype = np.dtype(dtype)
    info = np.finfo(dtype)
    ref = case.reference()
    n_dense, n_log, n_band = SIZES[size]
    tiny, largest = float(info.smallest_subnormal), float(info.max)
    with np.errstate(over="ignore"):  # geomspace's last power overshoots float64 by an ulp
        log_spaced = np.geomspace(tiny, largest, n_log)
    magnitudes = np.concatenate(
        [log_spaced, np.geomspace(1e-10, 1e4, n_log // 4 + 1), [tiny, float(info.tiny)]]
    )
    scale = float(ref.scale)
    breaks = list(BREAK_POINTS) + _exp_thresholds()
    breaks += [b / scale for b in breaks] if scale != 1 else []
    special = [float(k) for k in ref.kinks]
    special += [float(r) for r in (_refine(ref, g) for g in ref.roots) if r is not None]
    parts = [
        np.linspace(-40.0, 40.0, n_dense).astype(dtype),
        magnitudes.astype(dtype),
        (-magnitudes).astype(dtype),
        _neighbours(breaks, dtype, 1),
        *(band.astype(dtype) for band in _bands(dtype, n_band)),
        *((band / scale).astype(dtype) for band in (_bands(dtype, n_band) if scale != 1 else [])),
        _neighbours(special, dtype, 3),
        _neighbours([largest, -largest], dtype, 1),
        np.array([0.0, -0.0, np.inf, -np.inf], dtype=dtype),
    ]
    points = np.concatenate(parts)
    points = points[points != 0]  # zeros added back once, with both signs kept apart
    points = np.unique(points)
    return np.concatenate([points, np.array([0.0, -0.0], dtype=dtype)])


# -- the measure --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Target:
    """The true values of g on a grid, arranged for a vectorised err (see the module docstring).

    ``hi + lo`` is g * 2**-exponent (|hi| in [0.5, 1) unless g is 0), ``den`` the
    denominator ulp(g) + |g'| ulp(x) times 2**-exponent, ``rounded`` g rounded
    to the dtype (an infinity where g overflows), ``values`` g itself (mpf).
    """

    x: np.ndarray
    hi: np.ndarray
    lo: np.ndarray
    exponent: np.ndarray
    den: np.ndarray
    rounded: np.ndarray
    values: tuple[Any, ...]

    def text(self, i: int) -> str:
        """g at grid point ``i`` to 20 digits (slow for huge exponents: for reports only)."""
        return str(mpmath.nstr(self.values[i], 20))

    def err(self, computed: np.ndarray) -> np.ndarray:
        """err(x) per grid point for the computed values (any float dtype; NaN and wrong inf give inf)."""
        c = np.asarray(computed, dtype=np.float64)
        with np.errstate(all="ignore"):
            scaled = np.ldexp(c, -self.exponent)
            err = np.abs((scaled - self.hi) - self.lo) / self.den
        err = np.where(np.isnan(err), np.inf, err)
        overflow = np.isinf(self.rounded)
        return np.where(overflow, np.where(c == self.rounded, 0.0, np.inf), err)


def _surrogate(x: float) -> Any:
    return math.copysign(1, x) * INF_SURROGATE if math.isinf(x) else mpf(x)


def _target(
    x: np.ndarray, g: Sequence[Any], dg: Sequence[Any], exact: np.ndarray, dtype: np.dtype[Any]
) -> Target:
    fmt = _format(dtype)
    floor = mpmath.ldexp(mpf(1), fmt.quantum_min - 64)  # below this, g counts as 0 (err moves < 2**-60)
    n = len(x)
    hi, lo, den, rounded = (np.zeros(n) for _ in range(4))
    exponent = np.zeros(n, dtype=np.int64)
    with mpmath.workdps(40):
        for i in range(n):
            value = g[i]
            rounded[i] = nearest(value, dtype)
            if math.isinf(rounded[i]):
                den[i] = 1.0
                continue
            e, q = 0, fmt.quantum_min  # g counts as 0: ulp(g) is the smallest subnormal
            if abs(value) >= floor:
                mantissa, e = mpmath.frexp(value)
                e = int(e)
                q = _ulp_exponent(e, fmt)
                hi[i] = float(mantissa)
                lo[i] = float(mantissa - hi[i])
            exponent[i] = e
            d = mpmath.ldexp(mpf(1), q)
            if not exact[i]:
                d += abs(dg[i]) * mpf(ulp(float(x[i]), dtype))
            den[i] = float(mpmath.ldexp(d, -e))
    return Target(x, hi, lo, exponent, den, rounded, tuple(g))


@dataclass(frozen=True)
class Evaluation:
    """The references of one case on one grid: targets for f (forward) and f' (backward)."""

    case: Case
    dtype: np.dtype[Any]
    x: np.ndarray
    forward: Target
    backward: Target


@functools.cache
def evaluation(case: Case, dtype: np.dtype[Any], size: str = "test") -> Evaluation:
    """Evaluate the reference f, f', f'' over `grid` (cached per process)."""
    dtype = np.dtype(dtype)
    ref = case.reference()
    x = grid(case, dtype, size)
    xs = [_surrogate(float(v)) for v in x]
    f = [ref.f(v) for v in xs]
    df = [ref.df(v) for v in xs]
    d2f = [ref.d2f(v) for v in xs]
    kinks = set(ref.kinks)
    exact = np.array([math.isinf(float(v)) or mpf(float(v)) in kinks for v in x])
    return Evaluation(case, dtype, x, _target(x, f, df, exact, dtype), _target(x, df, d2f, exact, dtype))


@functools.cache
def parameter_target(case: Case, name: str, dtype: np.dtype[Any], size: str = "test") -> Target:
    """The reference df/dtheta (theta = ``name``) over the case's grid, as a `Target` (the bar: err <= 8)."""
    dtype = np.dtype(dtype)
    ref = case.reference()
    x = grid(case, dtype, size)
    xs = [_surrogate(float(v)) for v in x]
    g = [ref.dtheta(name, v) for v in xs]
    dg = [ref.dtheta_dx(name, v) for v in xs]
    kinks = set(ref.kinks)
    exact = np.array([math.isinf(float(v)) or mpf(float(v)) in kinks for v in x])
    return _target(x, g, dg, exact, dtype)


def parameter_gradients(activation: Any, name: str, x: np.ndarray) -> np.ndarray:
    """df/dtheta at each point of x, element by element: ``parameter_backward(x[i], 1)[name]`` in x's dtype.

    parameter_backward sums over its input; on one element with a unit
    gradient the sum is df/dtheta there. Rounded to x's dtype, as a value of
    that dtype is what the accuracy measure judges.
    """
    one = np.ones(1, dtype=x.dtype)
    with np.errstate(all="ignore"):
        values = [activation.parameter_backward(x[i : i + 1], one)[name] for i in range(x.size)]
        return np.array(values, dtype=np.float64).astype(x.dtype)


def worst(target: Target, computed: np.ndarray, err: np.ndarray, bound: float, count: int = 6) -> str:
    """The ``count`` worst inputs above ``bound``: x, computed, true value and err, one line each."""
    order = np.argsort(-np.where(np.isnan(err), np.inf, err), kind="stable")
    lines = []
    for i in order[:count]:
        if not err[i] > bound:
            break
        lines.append(
            f"  x={target.x[i]!r:<26} computed={computed[i]!r:<26} true={target.text(i):<24} err={err[i]:.3g}"
        )
    return "\n".join(lines)


@dataclass(frozen=True)
class Row:
    """One line of the accuracy table: the worst err of forward and backward, and where."""

    case: Case
    dtype: np.dtype[Any]
    forward: float
    forward_x: float
    backward: float
    backward_x: float

    @property
    def passed(self) -> bool:
        return self.forward <= FORWARD_BOUND and self.backward <= BACKWARD_BOUND


def measure_case(activation: Any, case: Case, dtype: np.dtype[Any], size: str = "test") -> Row:
    """Max err of ``activation.forward`` and of ``backward(x, ones)`` over the grid of ``case``."""
    ev = evaluation(case, dtype, size)
    with np.errstate(all="ignore"):  # the code under test is measured, not policed, here
        fwd = ev.forward.err(activation.forward(ev.x))
        bwd = ev.backward.err(activation.backward(ev.x, np.ones_like(ev.x)))
    i, j = int(np.argmax(fwd)), int(np.argmax(bwd))
    return Row(case, ev.dtype, float(fwd[i]), float(ev.x[i]), float(bwd[j]), float(ev.x[j]))


@functools.cache
def float16_expected(case: Case, size: str = "test") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(x, f(x), f'(x)) on the float32 grid rounded to float16, the values correctly rounded to float16."""
    f16 = np.dtype(np.float16)
    with np.errstate(over="ignore"):
        x = np.unique(grid(case, np.dtype(np.float32), size).astype(f16))
    ref = case.reference()
    xs = [_surrogate(float(v)) for v in x]
    f = np.array([nearest(ref.f(v), f16) for v in xs], dtype=f16)
    df = np.array([nearest(ref.df(v), f16) for v in xs], dtype=f16)
    return x, f, df
