"""Blocked calls in a fresh process: the time against the memory floor, and the page faults a call takes.

`benchmarks/speed.py` times every activation in one long-lived process, whose
earlier allocations have already shaped the C heap. A user's first large call
meets a fresh heap: there, temporaries freed at the end of each block could be
returned to the OS and faulted back in by the next block (see
``_prime_the_heap`` in ``activations/_bound.py``). This script starts one
interpreter per (activation, dtype), makes the call once, then times
``backward(x, g, out=o)`` at N elements against ``np.multiply(g, x, out=o)``
(the read-two-write-one floor), interleaved, and counts minor page faults per
call with ``getrusage`` (Linux).

    python benchmarks/fresh_process.py                 # relu6, hardtanh, relu, sigmoid, gelu at 1e7
    python benchmarks/fresh_process.py --quick         # one small case (CI)
    python benchmarks/fresh_process.py --names tanh --size 1e6
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

from activations import bench

PROBE = r"""
import json, resource, sys
import numpy as np
import activations
from activations import bench

name, dtype, size, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
act = activations.get(name)
x, g = bench.make_inputs(size, dtype)
o = np.empty_like(x)
act.backward(x, g, out=o)
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(rounds):
    act.backward(x, g, out=o)
faults = (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / rounds
samples = bench.interleave(
    {"backward": lambda: act.backward(x, g, out=o), "floor": lambda: np.multiply(g, x, out=o)},
    bench.Settings(rounds=rounds, min_time=0.01),
)
print(json.dumps({"activation": name, "dtype": dtype, "size": size, "faults_per_call": faults,
                  "ns_per_element": samples.median("backward") / size * 1e9,
                  "floor_ratio": samples.ratio("backward", "floor")}))
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="one small case, few rounds (CI)")
    parser.add_argument("--names", nargs="+", default=["relu6", "hardtanh", "relu", "sigmoid", "gelu"])
    parser.add_argument("--size", default="1e7", help="elements (1e7)")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    args = parser.parse_args(argv)
    if sys.platform != "linux":
        parser.error("counts page faults with Linux's getrusage: run it on Linux")
    size = bench.parse_size("1100000" if args.quick else args.size)
    names, rounds = (["relu6"], 2) if args.quick else (args.names, 7)
    rows = []
    for name in names:
        for dtype in ("float32", "float64"):
            done = subprocess.run(
                [sys.executable, "-c", PROBE, name, dtype, str(size), str(rounds)],
                capture_output=True,
                text=True,
                check=True,
            )
            rows.append(json.loads(done.stdout))
    if args.json:
        json.dump({"machine": bench.machine(), "rows": rows}, sys.stdout, indent=2)
        print()
        return 0
    print(f"# backward(x, g, out=o), N = {size}, each in a fresh process; {rounds} interleaved rounds")
    print(f"{'activation':<10}  {'dtype':<7}  {'ns/el':>7}  {'x floor':>7}  {'faults/call':>11}")
    for r in rows:
        print(
            f"{r['activation']:<10}  {r['dtype']:<7}  {r['ns_per_element']:7.3f}  "
            f"{r['floor_ratio']:7.2f}  {r['faults_per_call']:11.0f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
