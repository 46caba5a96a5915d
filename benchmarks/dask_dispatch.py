"""What recognising dask arrays costs a NumPy call: the bound activation with and without the hook.

The dask hook sits in ``BoundActivation._apply`` and ``_apply_backward``, off
the ndarray fast path. To measure it, this script builds the bound
activation as it would be without the hook: it takes the source of
``activations/_bound.py``, removes each ``if is_dask_array(...)`` test with
the line it guards (and fails if it does not find exactly two), and compiles
the rest as a module of its own. Both classes then wrap the same plugin
instance and are timed interleaved (``activations.bench._engine.interleave``) on
calls that take the fast path (float32 and float64 ndarrays, with and
without ``out=``, backward) and on calls that take the slow path (a Python
float, a list, float16), where the hook runs. Printed: nanoseconds per call
each way and the ratio with / without (1.00 = no cost).

    python benchmarks/dask_dispatch.py            # 15 rounds
    python benchmarks/dask_dispatch.py --quick    # a few seconds (CI)
"""

from __future__ import annotations

import argparse
import inspect
import json
import sys
import types
from typing import Any

import numpy as np

import activations
from activations import _bound, bench

HOOK = "if is_dask_array("


def without_hook() -> type:
    """``BoundActivation`` compiled from ``_bound.py`` with the dask hook's lines removed."""
    lines = inspect.getsource(_bound).splitlines(keepends=True)
    kept, removed, skip_indent = [], 0, None
    for line in lines:
        indent = len(line) - len(line.lstrip())
        if skip_indent is not None and line.strip() and indent > skip_indent:
            continue  # the body of the removed test
        skip_indent = None
        if line.lstrip().startswith(HOOK):
            removed += 1
            skip_indent = indent
            continue
        kept.append(line)
    if removed != 2:
        raise SystemExit(f"expected 2 dask hooks in {_bound.__file__}, found {removed}: update this script")
    module = types.ModuleType("activations._bound_without_dask")
    module.__package__ = "activations"
    exec(compile("".join(kept), f"{_bound.__file__} (without the dask hook)", "exec"), module.__dict__)
    cls: type = module.BoundActivation
    return cls


def cases(name: str) -> dict[str, tuple[Any, Any]]:
    """Call label -> (call on the bound activation with the hook, the same call without)."""
    plain = without_hook()
    hooked = activations.get(name)
    bare = plain(hooked.plugin)
    x64 = np.linspace(-3, 3, 16)
    x32 = x64.astype(np.float32)
    g64 = np.ones_like(x64)
    out64 = np.empty_like(x64)
    x16 = x64.astype(np.float16)
    as_list = x64.tolist()
    calls: dict[str, Any] = {
        "fast: forward float64": lambda a: a.forward(x64),
        "fast: forward float32": lambda a: a.forward(x32),
        "fast: derivative float64": lambda a: a.derivative(x64),
        "fast: forward float64 out=": lambda a: a.forward(x64, out=out64),
        "fast: backward float64": lambda a: a.backward(x64, g64),
        "slow: forward Python float": lambda a: a.forward(0.5),
        "slow: forward list": lambda a: a.forward(as_list),
        "slow: forward float16": lambda a: a.forward(x16),
        "slow: backward list": lambda a: a.backward(as_list, as_list),
    }
    for label, call in calls.items():  # both give the same answer
        np.testing.assert_array_equal(call(hooked), call(bare), err_msg=label)
    return {label: (lambda c=call: c(hooked), lambda c=call: c(bare)) for label, call in calls.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="few rounds (CI)")
    parser.add_argument("--name", default="relu", help="the activation (relu)")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    args = parser.parse_args(argv)
    settings = bench.QUICK if args.quick else bench.Settings(rounds=15, min_time=0.02)
    rows = []
    for label, (hooked, bare) in cases(args.name).items():
        samples = bench.interleave({"with": hooked, "without": bare}, settings)
        rows.append(
            {
                "call": label,
                "with_ns": samples.median("with") * 1e9,
                "without_ns": samples.median("without") * 1e9,
                "ratio": samples.ratio("with", "without"),
                "excess_ns": samples.excess("with", "without") * 1e9,
            }
        )
    if args.json:
        json.dump({"machine": bench.machine(), "activation": args.name, "calls": rows}, sys.stdout, indent=2)
        print()
        return 0
    print(
        f"# {args.name}, N = 16; {settings.rounds} interleaved rounds; medians; ratio = with / without hook"
    )
    width = max(len(r["call"]) for r in rows)
    print(f"{'call':<{width}}  {'with ns':>8}  {'without ns':>10}  {'ratio':>6}  {'excess ns':>9}")
    for r in rows:
        print(
            f"{r['call']:<{width}}  {r['with_ns']:8.0f}  {r['without_ns']:10.0f}  "
            f"{r['ratio']:6.3f}  {r['excess_ns']:9.0f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
