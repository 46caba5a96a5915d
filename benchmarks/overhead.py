"""What the layers above NumPy cost: per call, per lookup, per import.

* Per call, at N = 16: ``act(x)``, ``act(x, out=o)``, ``act.backward(x, g)``
  and ``act.backward(x, g, out=o)`` against the same call of the plugin's own
  method (``act.plugin.forward(x)`` ...), interleaved; the difference is the
  bound activation's argument checks and dtype handling (target: at most 1 us).
* ``activations.get("relu")`` after the first lookup (target: at most 5 us),
  and a spec string for comparison.
* ``import activations`` after ``import numpy, pluggy``, in fresh
  interpreters with a bytecode cache, CPU time, median of several (target:
  at most 15 ms).

    python benchmarks/overhead.py            # every registered activation, float32 and float64
    python benchmarks/overhead.py --quick    # a few seconds (CI)
    python benchmarks/overhead.py --markdown
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from typing import Any

import activations
from activations import bench

CALL_TARGET_US = 1.0
GET_TARGET_US = 5.0
IMPORT_TARGET_MS = 15.0

IMPORT_PROBE = """
import time
t0 = time.process_time()
import numpy, pluggy
t1 = time.process_time()
import activations
t2 = time.process_time()
print(t1 - t0, t2 - t1)
"""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="few rounds, few interpreters (CI)")
    parser.add_argument("--markdown", action="store_true", help="print Markdown tables")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument("--names", nargs="+", metavar="NAME", help="only these activations")
    return parser.parse_args(argv)


def import_times(runs: int) -> dict[str, float]:
    """Median CPU ms of ``import numpy, pluggy`` and of ``import activations`` after it, fresh interpreters.

    Bytecode is cached (in a temporary ``PYTHONPYCACHEPREFIX``, after one
    warm-up run) as it is for an installed package, even where the
    environment sets ``PYTHONDONTWRITEBYTECODE``: compiling the sources on
    every start is not what a user pays.
    """
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    base, ours = [], []
    with tempfile.TemporaryDirectory() as cache:
        env["PYTHONPYCACHEPREFIX"] = cache
        for i in range(runs + 1):
            done = subprocess.run(
                [sys.executable, "-c", IMPORT_PROBE], capture_output=True, text=True, check=True, env=env
            )
            first, second = (float(v) for v in done.stdout.split())
            if i:  # the first run compiles the bytecode
                base.append(first * 1e3)
                ours.append(second * 1e3)
    return {"numpy_pluggy_ms": statistics.median(base), "activations_ms": statistics.median(ours)}


def lookup_times(settings: bench.Settings) -> dict[str, float]:
    """Microseconds per ``activations.get`` once the registry is loaded."""
    activations.get("relu")  # the first lookup loads the plugins
    samples = bench.interleave(
        {
            "get('relu')": lambda: activations.get("relu"),
            "get('leaky_relu(negative_slope=0.2)')": lambda: activations.get(
                "leaky_relu(negative_slope=0.2)"
            ),
        },
        settings,
    )
    return {case: samples.median(case) * 1e6 for case in samples.times}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    settings = bench.QUICK if args.quick else bench.Settings(rounds=15, min_time=0.01)
    names = args.names or activations.names()
    calls: list[dict[str, Any]] = []
    for name in names:
        act = activations.get(name)
        for dtype in ("float32", "float64"):
            print(f"{name} {dtype}", file=sys.stderr)
            for call, numbers in bench.call_overhead(act, dtype=dtype, settings=settings).items():
                calls.append({"activation": name, "dtype": dtype, "call": call, **numbers})
    lookups = lookup_times(settings)
    imports = import_times(3 if args.quick else 11)
    info = bench.machine(extra=("pluggy", "pluggable-activations"))
    if args.json:
        json.dump(
            {"machine": info, "calls": calls, "lookups_us": lookups, "imports": imports}, sys.stdout, indent=2
        )
        print()
        return 0
    versions = ", ".join(f"{k} {v}" for k, v in info["versions"].items() if v)
    lead = "" if args.markdown else "# "
    print(f"{lead}{info['cpu']}, {info['cores']} cores; Python {info['python']}; {versions}; {info['date']}")
    print(
        f"{lead}{settings.rounds} interleaved rounds; N = 16; overhead = bound call - plugin method (median)"
    )
    print()
    header = ["activation", "dtype", "call", "bound us", "plugin us", "overhead us"]
    table = [
        [
            c["activation"],
            c["dtype"],
            c["call"],
            f"{c['bound_us']:.2f}",
            f"{c['plugin_us']:.2f}",
            f"{c['overhead_us']:.2f}",
        ]
        for c in calls
    ]
    _print_table(header, table, args.markdown)
    worst = max(calls, key=lambda c: c["overhead_us"])
    print()
    over = [c for c in calls if c["overhead_us"] > CALL_TARGET_US]
    print(
        f"{lead}per-call overhead: median {statistics.median(c['overhead_us'] for c in calls):.2f} us, "
        f"worst {worst['overhead_us']:.2f} us ({worst['activation']} {worst['dtype']} {worst['call']}); "
        f"{len(over)} of {len(calls)} above the {CALL_TARGET_US} us target"
    )
    for case, us in lookups.items():
        print(
            f"{lead}activations.{case} after the first lookup: {us:.2f} us "
            f"(target {GET_TARGET_US} us for a name)"
        )
    print(
        f"{lead}import activations after import numpy, pluggy: {imports['activations_ms']:.1f} ms CPU "
        f"(target {IMPORT_TARGET_MS} ms); import numpy, pluggy: {imports['numpy_pluggy_ms']:.1f} ms"
    )
    return 0


def _print_table(header: list[str], rows: list[list[str]], markdown: bool) -> None:
    if markdown:
        print("| " + " | ".join(header) + " |")
        print("|" + "---|" * len(header))
        for row in rows:
            print("| " + " | ".join(row) + " |")
        return
    widths = [max(len(v) for v in column) for column in zip(header, *rows, strict=True)]
    for row in [header, *rows]:
        cells = [
            v.ljust(w) if i < 3 else v.rjust(w) for i, (v, w) in enumerate(zip(row, widths, strict=True))
        ]
        print("  ".join(cells))


if __name__ == "__main__":
    sys.exit(main())
