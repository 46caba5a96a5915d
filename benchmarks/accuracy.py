"""Accuracy of every registered activation, in ulps, as ACCURACY.md measures it.

Prints a Markdown table: for each activation (with its tested parameter
values) and dtype, the maximum err of the forward and of the backward
(``backward(x, ones)`` against the exact f'), the x where each is reached, and
whether they meet the targets 4 and 8. The reference is mpmath at 50 digits
(``tests/reference.py``); the grid and the measure are those of the tests
(``tests/accuracy_tools.py``).

Usage::

    python benchmarks/accuracy.py [--quick | --full] [NAME ...]

``--quick`` uses a small grid (a few seconds, for CI); the default is the
grid of the test suite; ``--full`` a dense one (minutes). Exit status 1 if
any row fails.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from accuracy_tools import BACKWARD_BOUND, CASES, FORWARD_BOUND, Row, measure_case
from reference import REFERENCES

import activations


def _format_err(err: float) -> str:
    return "inf" if not np.isfinite(err) else f"{err:.3g}"


def _format_x(x: float, row: Row) -> str:
    """The shortest string that identifies ``x`` in the row's dtype (-2.9999998, not -3)."""
    return str(row.dtype.type(x))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_const", const="quick", dest="size", help="small grid (CI)")
    size.add_argument("--full", action="store_const", const="full", dest="size", help="dense grid (slow)")
    parser.add_argument("names", nargs="*", help="activations to measure (default: every registered one)")
    args = parser.parse_args(argv)
    grid_size = args.size or "test"

    registered = set(activations.names(aliases=True))
    wanted = set(args.names) if args.names else set(REFERENCES)
    unknown = sorted(wanted - set(REFERENCES))
    if unknown:
        parser.error(f"no reference for {unknown}; known: {sorted(REFERENCES)}")
    cases = [case for case in CASES if case.name in wanted and case.name in registered]
    absent = sorted(wanted - registered)
    if not args.names:  # list only the registered ones that the table cannot cover
        absent = sorted(
            {activations.get(n).name for n in registered} - {activations.get(c.name).name for c in cases}
        )

    start = time.perf_counter()
    rows: list[Row] = []
    for case in cases:
        activation = activations.get(case.name, **case.kwargs)
        for dtype in (np.dtype(np.float32), np.dtype(np.float64)):
            rows.append(measure_case(activation, case, dtype, grid_size))

    targets = f"forward <= {FORWARD_BOUND:g}, backward <= {BACKWARD_BOUND:g}"
    print(f"Accuracy in ulps (ACCURACY.md): targets {targets}.\n")
    print("| activation | dtype | forward err | at x | backward err | at x | result |")
    print("|---|---|---:|---:|---:|---:|---|")
    for row in rows:
        print(
            f"| `{row.case.spec}` | {row.dtype} "
            f"| {_format_err(row.forward)} | {_format_x(row.forward_x, row)} "
            f"| {_format_err(row.backward)} | {_format_x(row.backward_x, row)} "
            f"| {'pass' if row.passed else '**FAIL**'} |"
        )
    failed = [row for row in rows if not row.passed]
    print(
        f"\n{len(rows) - len(failed)} of {len(rows)} rows pass; grid '{grid_size}', "
        f"{time.perf_counter() - start:.1f} s."
    )
    if absent:
        print(f"Not measured ({'not registered' if args.names else 'no reference'}): {', '.join(absent)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
