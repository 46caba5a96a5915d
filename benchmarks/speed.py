"""Speed of every registered activation against the memory floor, plain NumPy and PyTorch.

For every registered activation (third-party ones included), size and dtype,
forward and backward: ns per element of the ``out=`` call, the ratio to the
memory floor (``np.copyto(o, x)`` forward, ``np.multiply(g, x, out=o)``
backward), to the fastest plain NumPy formula of the same accuracy, to the
textbook SciPy one-liner where there is one (see ``activations.bench._yardsticks``)
and, when ``import torch`` works, to PyTorch on one thread; ``+alloc`` is
what the allocating call costs beyond one output allocation. Every number
of one (activation, size, dtype) comes from one interleaved run: ratios are
medians of per-round ratios.

    python benchmarks/speed.py                      # the full table (about half an hour)
    python benchmarks/speed.py --markdown > t.md    # for docs/performance.md
    python benchmarks/speed.py --quick              # a few seconds: proves it runs (CI)
    python benchmarks/speed.py --names relu sigmoid --sizes 1e5

After the table, the targets of the performance issue, with every miss and
its size.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

import activations
from activations import bench

#: Memory-bound activations: forward and backward within 1.15x the floor at N = 1e7,
#: and no slower than PyTorch (1.0x) at N = 1e5.
RELU_FAMILY = frozenset(
    {"relu", "leaky_relu", "rrelu", "relu6", "threshold", "hardtanh", "hard_sigmoid", "sparse_sigmoid"}
)
#: Also held to 1.0x PyTorch at N = 1e5; every other activation to 1.5x.
TORCH_STRICT = RELU_FAMILY | {"sigmoid", "tanh"}
FLOOR_TARGET = 1.15
FLOOR_SIZE = 10**7
TORCH_SIZE = 10**5


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes and few rounds (CI)")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument("--names", nargs="+", metavar="NAME", help="only these activations")
    parser.add_argument("--sizes", nargs="+", metavar="N", help="sizes (default 1e3 1e5 1e7)")
    parser.add_argument("--dtypes", nargs="+", choices=["float32", "float64"], help="default: both")
    parser.add_argument("--rounds", type=int, help="interleaved rounds (default 15, quick 3)")
    parser.add_argument("--no-torch", action="store_true", help="leave PyTorch out even if installed")
    parser.add_argument(
        "--clock",
        choices=sorted(bench.CLOCKS),
        default="cpu",
        help="process CPU time (default) or wall time",
    )
    return parser.parse_args(argv)


def measure(args: argparse.Namespace) -> tuple[list[bench.Row], list[str], dict[str, Any]]:
    settings = bench.QUICK if args.quick else bench.FULL
    rounds = settings.rounds if args.rounds is None else args.rounds
    settings = bench.Settings(rounds=rounds, min_time=settings.min_time, clock=args.clock)
    default_sizes = ["1e3", "1e4"] if args.quick else ["1e3", "1e5", "1e7"]
    sizes = [bench.parse_size(s) for s in (args.sizes or default_sizes)]
    dtypes = args.dtypes or ["float32", "float64"]
    names = args.names or activations.names()
    with_torch = not args.no_torch and bench.torch_available()
    finders = {"numpy": bench.numpy_competitor, "scipy": bench.scipy_competitor}
    if with_torch:
        finders["torch"] = bench.torch_competitor
    labels = list(finders)
    rows: list[bench.Row] = []
    started = time.perf_counter()
    for name in names:
        act = activations.get(name)
        competitors: dict[str, bench.Competitor] = {}
        for label, find in finders.items():
            if (found := find(act.config)) is not None:
                competitors[label] = found
        for size in sizes:
            for dtype in dtypes:
                print(f"{time.perf_counter() - started:7.1f} s  {name} N={size} {dtype}", file=sys.stderr)
                rows += bench.bench_activation(
                    act, size=size, dtype=dtype, settings=settings, competitors=competitors
                )
    info = bench.machine(extra=("scipy", "torch", "pluggable-activations"))
    info["settings"] = {
        "rounds": settings.rounds,
        "min_time": settings.min_time,
        "clock": settings.clock,
        "quick": args.quick,
    }
    info["seconds"] = round(time.perf_counter() - started, 1)
    return rows, labels, info


def target_misses(rows: list[bench.Row]) -> list[str]:
    """One line per missed target (the issue's targets that this table can show)."""
    misses = []
    for r in rows:
        where = f"{r.activation} {r.direction} {r.dtype} N={r.size:g}"
        if r.activation in RELU_FAMILY and r.size == FLOOR_SIZE and r.floor_ratio > FLOOR_TARGET:
            misses.append(f"{where}: {r.floor_ratio:.2f}x the floor (target {FLOOR_TARGET}x)")
        torch_ratio = r.versus.get("torch")
        limit = 1.0 if r.activation in TORCH_STRICT else 1.5
        if r.size == TORCH_SIZE and torch_ratio is not None and torch_ratio > limit:
            misses.append(f"{where}: {torch_ratio:.2f}x PyTorch one-thread (target {limit}x)")
        if r.size >= TORCH_SIZE and r.alloc_excess_ns > 0.1 * r.floor_ns_per_element + 0.05:
            misses.append(
                f"{where}: allocating call costs {r.alloc_excess_ns:.2f} ns/el more than one allocation"
            )
    return misses


def header(info: dict[str, Any], with_torch: bool) -> list[str]:
    versions = ", ".join(f"{k} {v}" for k, v in info["versions"].items() if v)
    s = info["settings"]
    lines = [
        f"{info['cpu']}, {info['cores']} cores; Python {info['python']}; {versions}; {info['date']}",
        f"{s['rounds']} interleaved rounds{' (quick mode)' if s['quick'] else ''}, "
        f"{'process CPU' if s['clock'] == 'cpu' else 'wall-clock'} time; "
        f"measured in {info['seconds']} s; medians of per-round ratios",
        "x floor: ours / np.copyto(o, x) forward, ours / np.multiply(g, x, out=o) backward; "
        "x numpy: ours / the fastest plain NumPy formula of equal accuracy; x scipy: ours / the SciPy "
        "one-liner (expit, log_expit, logaddexp); x torch: ours / PyTorch (below 1: we are faster); "
        "+alloc: allocating call - out= call - one ufunc allocation "
        "(np.positive(x) - np.positive(x, out=o); backward: np.multiply), ns/el",
    ]
    lines.append(bench.TORCH_NOTE if with_torch else "PyTorch not installed: no torch column")
    return lines


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    rows, labels, info = measure(args)
    misses = target_misses(rows)
    if args.json:
        document = {
            "machine": info,
            "torch": bench.TORCH_NOTE if "torch" in labels else None,
            "results": [r.to_dict() for r in rows],
            "target_misses": misses,
        }
        json.dump(document, sys.stdout, indent=2, allow_nan=False)
        print()
        return 0
    lead = "" if args.markdown else "# "
    for line in header(info, "torch" in labels):
        print(f"{lead}{line}" + ("  " if args.markdown else ""))
    print()
    print(bench.format_table(rows, markdown=args.markdown, competitors=labels))
    print()
    print(f"{'### ' if args.markdown else '# '}Targets missed ({len(misses)})")
    if args.markdown:
        print()
    for line in misses:
        print(f"- {line}" if args.markdown else f"#   {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
