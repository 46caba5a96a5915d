"""What recognising other array types (dask ...) costs a NumPy call that is off the fast path.

The bound activation takes its ndarray fast path first; only a call off it
(a Python float, a list, float16, a float64 ndarray with ``out=`` of another
dtype ...) asks `activations.backends.find` whether a backend owns an input.
This script times that question (``find`` on the very inputs of the call)
and the whole call, interleaved (`activations.bench.interleave`), and prints
both in nanoseconds and the question's share of the call. A fast-path call
does not ask: for those, the share is the lookup a fast call would pay if it
asked, for comparison.

    python benchmarks/backend_dispatch.py            # 15 rounds
    python benchmarks/backend_dispatch.py --quick    # a few seconds (CI)
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

import numpy as np

import activations
from activations import backends, bench


def cases(name: str) -> dict[str, tuple[Any, Any]]:
    """Call label -> (the call, the backend lookup that call makes)."""
    act = activations.get(name)
    x64 = np.linspace(-3, 3, 16)
    g64 = np.ones_like(x64)
    x16 = x64.astype(np.float16)
    as_list = x64.tolist()
    return {
        "fast: forward float64": (lambda: act.forward(x64), lambda: backends.find(x64)),
        "fast: backward float64": (lambda: act.backward(x64, g64), lambda: backends.find(x64, g64, None)),
        "slow: forward Python float": (lambda: act.forward(0.5), lambda: backends.find(0.5)),
        "slow: forward list": (lambda: act.forward(as_list), lambda: backends.find(as_list)),
        "slow: forward float16": (lambda: act.forward(x16), lambda: backends.find(x16)),
        "slow: backward list": (
            lambda: act.backward(as_list, as_list),
            lambda: backends.find(as_list, as_list, None),
        ),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="few rounds (CI)")
    parser.add_argument("--name", default="relu", help="the activation (relu)")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    args = parser.parse_args(argv)
    settings = bench.QUICK if args.quick else bench.Settings(rounds=15, min_time=0.02)
    rows = []
    for label, (call, lookup) in cases(args.name).items():
        samples = bench.interleave({"call": call, "lookup": lookup}, settings)
        rows.append(
            {
                "call": label,
                "call_ns": samples.median("call") * 1e9,
                "lookup_ns": samples.median("lookup") * 1e9,
                "share": samples.ratio("lookup", "call"),
            }
        )
    if args.json:
        json.dump({"machine": bench.machine(), "activation": args.name, "calls": rows}, sys.stdout, indent=2)
        print()
        return 0
    print(f"# {args.name}, N = 16; {settings.rounds} interleaved rounds; medians; share = lookup / call")
    width = max(len(r["call"]) for r in rows)
    print(f"{'call':<{width}}  {'call ns':>8}  {'lookup ns':>9}  {'share':>6}")
    for r in rows:
        print(f"{r['call']:<{width}}  {r['call_ns']:8.0f}  {r['lookup_ns']:9.0f}  {r['share']:6.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
