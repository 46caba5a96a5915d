"""Regenerate the polynomial coefficients of the compiled kernels: ``plugins/csrc/coefficients.h``.

Each approximation is a weighted minimax polynomial, found with mpmath by the
Remez exchange algorithm, then rounded to the dtype it is evaluated in one
coefficient at a time (from the constant term up), the remaining ones refitted
after each rounding (a greedy form of Sollya's ``fpminimax``), so that the
rounded polynomial is close to the best one with representable coefficients.
The reported error is that of the rounded polynomial, evaluated exactly (the
rounding errors of its evaluation in floating point come on top; see
docs/accuracy.md, "Compiled kernels").

    python benchmarks/kernel_coefficients.py            # rewrite plugins/csrc/coefficients.h
    python benchmarks/kernel_coefficients.py --check    # exit 1 if the committed file differs
    python benchmarks/kernel_coefficients.py --check --only expm1q_d log1pt_d

Deterministic: the same mpmath arithmetic, grid and iteration give the same
bits on every machine. ``tests/plugins/test_kernels_elementary.py`` re-runs
the fast ones with ``--check --only``.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import mpmath
from mpmath import mpf

HEADER = Path(__file__).resolve().parents[1] / "plugins" / "csrc" / "coefficients.h"
DPS = 34  # working digits: 2**-113, far below the 2**-64 errors resolved here
GRID = 1200  # Chebyshev-distributed points on which the error is scanned
TOLERANCE = mpf("1e-3")  # stop when the levelled error and the scanned maximum agree to 0.1 %

Fn = Callable[[mpf], mpf]


@dataclass(frozen=True)
class Approximation:
    """f(t) ~ sum_j c_j t**j on [lo, hi], minimising max |weight(t) (f(t) - p(t))|.

    ``ctype`` is "float" or "double": the coefficients are rounded to it and
    the generated evaluator ``ak_poly_<name>`` computes in it (Horner).
    """

    name: str
    ctype: str
    degree: int
    lo: mpf
    hi: mpf
    f: Fn
    weight: Fn
    what: str

    @property
    def precision(self) -> int:
        """Significant bits of ``ctype``."""
        return 24 if self.ctype == "float" else 53


# -- the functions approximated ----------------------------------------------------------------
def _expm1_q(r: mpf) -> mpf:
    """Q1(r) = (e^r - 1 - r - r^2/2) / r^3, so that expm1(r) = r + r^2/2 + r^3 Q1(r)."""
    if abs(r) < mpf("1e-6"):
        return mpf(1) / 6 + r / 24 + r * r / 120 + r**3 / 720
    return (mpmath.expm1(r) - r - r * r / 2) / r**3


def _exp_q(r: mpf) -> mpf:
    """Q(r) = (e^r - 1 - r) / r^2, so that e^r = 1 + r + r^2 Q(r)."""
    if abs(r) < mpf("1e-6"):
        return mpf(1) / 2 + r / 6 + r * r / 24
    return (mpmath.expm1(r) - r) / (r * r)


def _exp_weight(r: mpf) -> mpf:
    """The error of Q, times r^2, relative to e^r."""
    return r * r / mpmath.exp(r)


def _expm1_weight(r: mpf) -> mpf:
    """The error of Q1, times r^3, relative to expm1(r) (which is below e^r: exp is covered too)."""
    return abs(r**3 / mpmath.expm1(r)) if r != 0 else mpf(0)


def _log1p_t(w: mpf) -> mpf:
    """T(w), w = s^2: 2 atanh(s) = 2 s + s w T(w), so that log1p(f) = 2 atanh(f / (2 + f))."""
    if w == 0:
        return mpf(2) / 3
    s = mpmath.sqrt(w)
    return (2 * mpmath.atanh(s) - 2 * s) / (s * w)


def _log1p_weight(w: mpf) -> mpf:
    """The error of T, times s w, relative to 2 atanh(s) ~ 2 s."""
    return w / 2


_TWO_OVER_SQRT_PI = 2 / mpmath.sqrt(mpmath.pi)
ERFC_SPLIT = mpf("2.25")  # z below: D(z) = 1 / erfcx(z) = 1 + (2/sqrt pi) z + z^2 d(z); above: Y(1/z^2)


def _erfcx(z: mpf) -> mpf:
    return mpmath.erfc(z) * mpmath.exp(z * z)


def _erfc_d(z: mpf) -> mpf:
    """d(z) with 1 / erfcx(z) = 1 + (2/sqrt pi) z + z^2 d(z)."""
    if z == 0:
        return 4 / mpmath.pi - 1
    return (1 / _erfcx(z) - 1 - _TWO_OVER_SQRT_PI * z) / (z * z)


def _erfc_d_weight(z: mpf) -> mpf:
    """The error of d, times z^2, relative to 1 / erfcx(z)."""
    return z * z * _erfcx(z)


def _erfc_y(u: mpf) -> mpf:
    """Y1(u), u = 1/z^2: z erfcx(z) = 1/sqrt(pi) + u Y1(u)."""
    if u == 0:
        return -1 / (2 * mpmath.sqrt(mpmath.pi))
    z = 1 / mpmath.sqrt(u)
    return (z * _erfcx(z) - 1 / mpmath.sqrt(mpmath.pi)) / u


def _erfc_y_weight(u: mpf) -> mpf:
    """The error of Y1, times u, relative to z erfcx(z)."""
    if u == 0:
        return mpf(0)
    z = 1 / mpmath.sqrt(u)
    return u / (z * _erfcx(z))


def approximations() -> list[Approximation]:
    """Every approximation the kernels use, in the order of the generated header."""
    with mpmath.workdps(DPS):
        exp_range = mpmath.log(2) / 2 + mpf("1e-4")  # |r| <= ln2/2, plus the rounding of k
        s_max = (mpmath.sqrt(2) - 1) / (mpmath.sqrt(2) + 1) + mpf("1e-6")  # f in [sqrt(2)/2 - 1, sqrt(2) - 1]
        what_exp = "Q1(r) = (expm1(r) - r - r^2/2) / r^3, |r| <= ln2/2; weight r^3 / |expm1(r)|"
        what_expf = "Q(r) = (exp(r) - 1 - r) / r^2, |r| <= ln2/2; weight r^2 / exp(r)"
        what_log = "T(w) = (2 atanh(s) - 2 s) / (s w), w = s^2, s = f / (2 + f); weight w / 2"
        what_d = "d(z) = (1 / erfcx(z) - 1 - 2 z / sqrt(pi)) / z^2, 0 <= z <= 2.25; weight z^2 erfcx(z)"
        what_y = "Y1(u) = (z erfcx(z) - 1 / sqrt(pi)) / u, u = 1 / z^2, z >= 2.25; weight u / (z erfcx(z))"
        return [
            Approximation("expm1q_d", "double", 9, -exp_range, exp_range, _expm1_q, _expm1_weight, what_exp),
            # float32 results computed in double: about 2^-34 suffices (a thousandth of a float ulp)
            Approximation("expm1q_df", "double", 5, -exp_range, exp_range, _expm1_q, _expm1_weight, what_exp),
            # float32 kernels computed in float (sigmoid, SiLU): e^r = 1 + r + r^2 Q(r), Q in float
            Approximation("expq_f", "float", 4, -exp_range, exp_range, _exp_q, _exp_weight, what_expf),
            Approximation("log1pt_d", "double", 6, mpf(0), s_max**2, _log1p_t, _log1p_weight, what_log),
            Approximation("log1pt_f", "float", 2, mpf(0), s_max**2, _log1p_t, _log1p_weight, what_log),
            Approximation("erfcd_d", "double", 20, mpf(0), ERFC_SPLIT, _erfc_d, _erfc_d_weight, what_d),
            Approximation(
                "erfcy_d", "double", 21, mpf(0), 1 / ERFC_SPLIT**2, _erfc_y, _erfc_y_weight, what_y
            ),
            Approximation("erfcd_df", "double", 10, mpf(0), ERFC_SPLIT, _erfc_d, _erfc_d_weight, what_d),
            Approximation(
                "erfcy_df", "double", 9, mpf(0), 1 / ERFC_SPLIT**2, _erfc_y, _erfc_y_weight, what_y
            ),
        ]


# -- the Remez exchange -------------------------------------------------------------------------
@dataclass
class _Grid:
    t: list[mpf]
    f: list[mpf]
    w: list[mpf]


def _grid(a: Approximation) -> _Grid:
    mid, half = (a.lo + a.hi) / 2, (a.hi - a.lo) / 2
    t = [mid - half * mpmath.cos(mpmath.pi * i / GRID) for i in range(GRID + 1)]
    return _Grid(t, [a.f(v) for v in t], [a.weight(v) for v in t])


def _errors(grid: _Grid, offset: Sequence[mpf], powers: Sequence[int], c: Sequence[mpf]) -> list[mpf]:
    """The weighted error, weight * (f - fixed part - sum c_j t^powers_j), at every grid point."""
    out = []
    for i, t in enumerate(grid.t):
        p = mpf(0)
        for cj, k in zip(c, powers, strict=True):
            p += cj * t**k
        out.append(grid.w[i] * (grid.f[i] - offset[i] - p))
    return out


def _alternating_extrema(err: list[mpf], count: int) -> list[int] | None:
    """Indices of ``count`` extrema of alternating sign (the largest of each sign run), or None."""
    peaks = []
    for i, e in enumerate(err):
        left = abs(err[i - 1]) if i > 0 else mpf(-1)
        right = abs(err[i + 1]) if i + 1 < len(err) else mpf(-1)
        if abs(e) >= left and abs(e) >= right and e != 0:
            peaks.append(i)
    runs: list[int] = []
    for i in peaks:
        if runs and mpmath.sign(err[i]) == mpmath.sign(err[runs[-1]]):
            if abs(err[i]) > abs(err[runs[-1]]):
                runs[-1] = i
        else:
            runs.append(i)
    while len(runs) > count:  # drop the smaller end
        runs.pop(0 if abs(err[runs[0]]) < abs(err[runs[-1]]) else -1)
    return runs if len(runs) == count else None


def _remez(
    grid: _Grid, offset: Sequence[mpf], powers: Sequence[int], start: list[int]
) -> tuple[list[mpf], mpf, list[int]]:
    """Minimax coefficients of t^powers for weight * (f - offset), from the reference ``start``."""
    n = len(powers)
    reference = start
    best: tuple[list[mpf], mpf, list[int]] | None = None
    for _ in range(40):
        a = mpmath.matrix(n + 1, n + 1)
        b = mpmath.matrix(n + 1, 1)
        for row, i in enumerate(reference):
            t = grid.t[i]
            for col, k in enumerate(powers):
                a[row, col] = t**k
            a[row, n] = (-1) ** row / grid.w[i]
            b[row] = grid.f[i] - offset[i]
        solution = mpmath.lu_solve(a, b)
        c = [solution[j] for j in range(n)]
        level = abs(solution[n])
        err = _errors(grid, offset, powers, c)
        worst = max(abs(e) for e in err)
        if best is None or worst < best[1]:
            best = (c, worst, reference)
        if worst - level <= TOLERANCE * worst:
            break
        new = _alternating_extrema(err, n + 1)
        if new is None or new == reference:
            break
        reference = new
    assert best is not None
    return best


def _initial_reference(grid: _Grid, count: int) -> list[int]:
    """``count`` grid indices spread like Chebyshev extrema, avoiding points of zero weight."""
    top = max(abs(w) for w in grid.w)
    usable = [i for i in range(len(grid.t)) if abs(grid.w[i]) > top * mpf("1e-6")]
    # Offset by a fraction of a step, so that the middle of a symmetric interval (where a
    # weight such as r^2 vanishes) is not a reference point.
    last = len(usable) - 1
    return [usable[round((j + 0.37) * last / (count - 1 + 0.74))] for j in range(count)]


def _round(value: mpf, precision: int) -> mpf:
    with mpmath.workprec(precision):
        return +value


def fit(a: Approximation) -> tuple[list[mpf], mpf]:
    """The rounded coefficients (constant term first) and the max weighted error of the rounded polynomial."""
    with mpmath.workdps(DPS):
        grid = _grid(a)
        powers = list(range(a.degree + 1))
        offset = [mpf(0)] * len(grid.t)
        c, _, reference = _remez(grid, offset, powers, _initial_reference(grid, len(powers) + 1))
        fixed: list[mpf] = []
        while powers:
            k = powers.pop(0)
            fixed.append(_round(c[0], a.precision))
            offset = [o + fixed[-1] * t**k for o, t in zip(offset, grid.t, strict=True)]
            if not powers:
                break
            # One fewer unknown: keep the reference's inner points as the start.
            start = reference[1:] if len(reference) > len(powers) + 1 else reference
            c, _, reference = _remez(grid, offset, powers, start[: len(powers) + 1])
        err = _errors(grid, [mpf(0)] * len(grid.t), list(range(a.degree + 1)), fixed)
        return fixed, max(abs(e) for e in err)


# -- the header ---------------------------------------------------------------------------------
def _literal(value: mpf, ctype: str) -> str:
    text = float(value).hex()  # exact: value has at most 53 bits
    mantissa, exponent = text.split("p")
    mantissa = mantissa.rstrip("0").rstrip(".") if "." in mantissa else mantissa
    return f"{mantissa}p{exponent}" + ("f" if ctype == "float" else "")


def render(results: list[tuple[Approximation, list[mpf], mpf]]) -> str:
    lines = [
        "/* Polynomial coefficients of the compiled kernels.",
        " *",
        " * GENERATED by benchmarks/kernel_coefficients.py (weighted minimax by the Remez",
        " * algorithm in mpmath, coefficients rounded one at a time with the rest refitted).",
        " * Do not edit: change the script and re-run it; a test checks that the two agree.",
        " * Each ak_poly_<name>(t) is sum_j c_j t^j by Horner's rule (one fma a step) in the type named.",
        " * Requires AK_FN, AK_FMA and AK_FMAF (elementary.h includes this file after defining them).",
        " */",
        "#ifndef AK_COEFFICIENTS_H",
        "#define AK_COEFFICIENTS_H",
        "",
    ]
    for a, coefficients, err in results:
        bits = float(-mpmath.log(err, 2)) if err > 0 else float("inf")
        lines += [
            f"/* {a.name}: {a.what}.",
            f" * {a.ctype}, degree {a.degree}, on [{mpmath.nstr(a.lo, 6)}, {mpmath.nstr(a.hi, 6)}];"
            f" max weighted error 2^-{bits:.1f}. */",
            f"AK_FN {a.ctype} ak_poly_{a.name}({a.ctype} t)",
            "{",
            f"    {a.ctype} p = {_literal(coefficients[-1], a.ctype)};",
        ]
        for c in reversed(coefficients[:-1]):
            fma = "AK_FMAF" if a.ctype == "float" else "AK_FMA"
            lines.append(f"    p = {fma}(p, t, {_literal(c, a.ctype)});")
        lines += ["    return p;", "}", ""]
    lines.append("#endif /* AK_COEFFICIENTS_H */")
    return "\n".join(lines) + "\n"


def _block(text: str, name: str) -> str:
    """The generated block of ``ak_poly_<name>`` in a header text (comment to closing brace)."""
    start = text.index(f"/* {name}:")
    end = text.index("\n}\n", start) + 3
    return text[start:end]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check", action="store_true", help="compare with the committed header, write nothing"
    )
    parser.add_argument("--only", nargs="+", metavar="NAME", help="only these approximations (with --check)")
    args = parser.parse_args(argv)
    chosen = [a for a in approximations() if not args.only or a.name in args.only]
    if args.only and not args.check:
        parser.error("--only needs --check: the header is written whole")
    results = []
    for a in chosen:
        started = time.perf_counter()
        coefficients, err = fit(a)
        results.append((a, coefficients, err))
        bits = float(-mpmath.log(err, 2))
        seconds = time.perf_counter() - started
        print(
            f"{a.name:10} {a.ctype:6} degree {a.degree:2}: 2^-{bits:.1f}  ({seconds:.1f} s)", file=sys.stderr
        )
    text = render(results)
    if not args.check:
        HEADER.write_text(text)
        print(f"wrote {HEADER}", file=sys.stderr)
        return 0
    committed = HEADER.read_text()
    differ = [a.name for a, _, _ in results if _block(text, a.name) != _block(committed, a.name)]
    if differ:
        print(f"differs from {HEADER}: {differ}", file=sys.stderr)
        return 1
    print("the committed coefficients are reproduced", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
