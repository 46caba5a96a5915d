"""Every float32 input of the kernels' exp, expm1, log1p and erfc: the largest error in ulps, and where.

The tests sample the domain densely against mpmath; this script, run by hand
(a few minutes per function), takes all 2^32 bit patterns but the NaNs. Its
reference is the float64 function of the C library (NumPy's ``exp``,
``expm1``, ``log1p``) or SciPy's ``erfc``, each within a few units of 2^-53,
which is 2^-29 of a float32 ulp: below the error it measures by far. Before
the sweep, that reference is checked against mpmath on a sample.

    python benchmarks/kernel_sweep.py                 # all four functions
    python benchmarks/kernel_sweep.py exp --step 7    # every 7th bit pattern (a quick look)
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from typing import Any

import mpmath
import numpy as np

from activations.plugins import compiled

Array = np.ndarray[Any, Any]
CHUNK = 1 << 21


def _references() -> dict[str, tuple[Callable[[Array], Array], Callable[[Any], Any]]]:
    from scipy.special import erfc

    return {
        "exp": (np.exp, mpmath.exp),
        "expm1": (np.expm1, mpmath.expm1),
        "log1p": (np.log1p, mpmath.log1p),
        "erfc": (erfc, mpmath.erfc),
    }


def ulp32(v: Array) -> Array:
    """The spacing of float32 at |v| (v float64), the smallest subnormal below the normal range."""
    _, e = np.frexp(np.abs(v))
    return np.ldexp(1.0, np.maximum(e - 24, -149))


def ulp_error(computed: Array, reference: Array) -> Array:
    """|c - ref| / ulp32(ref); 0 where both are the same infinity, inf where one is NaN or infinite."""
    ref32_max = float(np.finfo(np.float32).max) * (1 + 2.0**-25)  # rounds to inf beyond
    c = computed.astype(np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        err = np.abs(c - reference) / ulp32(reference)
        overflow = np.abs(reference) >= ref32_max
        err = np.where(overflow, np.where(np.isinf(c) & (np.sign(c) == np.sign(reference)), 0.0, np.inf), err)
    return np.where(np.isnan(err), np.inf, err)


def check_reference(name: str, samples: int = 2000) -> float:
    """The largest error of the float64 reference against mpmath (50 digits), in float32 ulps."""
    ref, exact = _references()[name]
    rng = np.random.default_rng(5)
    bits = rng.integers(0, 2**32, samples, dtype=np.uint64).astype(np.uint32)
    x = bits.view(np.float32)
    x = x[np.isfinite(x) & ((x > -1) if name == "log1p" else True)]
    with np.errstate(all="ignore"):
        approx = ref(x.astype(np.float64))
    worst = 0.0
    with mpmath.workdps(50):
        for xi, a in zip(x, approx, strict=True):
            v = exact(mpmath.mpf(float(xi)))
            if not np.isfinite(a) or abs(v) > 1e300 or v == 0:
                continue
            worst = max(worst, float(abs(mpmath.mpf(float(a)) - v) / float(ulp32(np.float64(float(v))))))
    return worst


def sweep(name: str, step: int = 1) -> tuple[float, float, int]:
    """(largest error, its argument, inputs measured) over every ``step``-th float32 bit pattern."""
    module = compiled.ufuncs()
    if module is None:
        raise SystemExit(f"the compiled kernels are not available: {compiled.status()}")
    fn = getattr(module, f"_{name}")
    ref = _references()[name][0]
    worst, at, count = 0.0, float("nan"), 0
    for start in range(0, 1 << 32, CHUNK * step):
        bits = np.arange(start, min(start + CHUNK * step, 1 << 32), step, dtype=np.uint64).astype(np.uint32)
        x = bits.view(np.float32)
        x = x[~np.isnan(x)]
        if name == "log1p":
            x = x[x >= -1]
        if x.size == 0:
            continue
        with np.errstate(all="ignore"):
            err = ulp_error(fn(x), ref(x.astype(np.float64)))
        i = int(np.argmax(err))
        if err[i] > worst:
            worst, at = float(err[i]), float(x[i])
        count += x.size
    return worst, at, count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", default=["exp", "expm1", "log1p", "erfc"])
    parser.add_argument("--step", type=int, default=1, help="every step-th bit pattern (default: all)")
    args = parser.parse_args(argv)
    print(f"# kernels: {compiled.status()}; every {args.step}. float32 bit pattern but NaN")
    print("| function | inputs | max err (ulp) | at x | reference vs mpmath (ulp) | seconds |")
    print("|---|---:|---:|---:|---:|---:|")
    for name in args.names:
        started = time.perf_counter()
        reference_err = check_reference(name)
        worst, at, count = sweep(name, args.step)
        seconds = time.perf_counter() - started
        print(
            f"| {name} | {count} | {worst:.3f} | {at!r} | {reference_err:.2e} | {seconds:.0f} |", flush=True
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
