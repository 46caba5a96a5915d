"""output_stats of an in-memory array against the same data as a dask array computed synchronously.

The in-memory path and the dask path compute the same statistics (sparsity,
mean, standard deviation, mean and maximum |f'|, zero-gradient fraction).
This script times ``activations.analysis.output_stats(name, x)`` for a seeded
float32 array x ~ N(0, 1) of N values, and for ``dask.array.from_array(x)``
in chunks of --chunk values on dask's synchronous scheduler (one thread, as
the in-memory path), interleaved (`activations.bench.interleave`), and
prints ns per value and the ratio in-memory / dask. Needs the dask extra.

    python benchmarks/output_stats.py                 # N = 2^24, relu sigmoid tanh gelu
    python benchmarks/output_stats.py --quick         # N = 2^16 (CI)
"""

from __future__ import annotations

import argparse
import json
import sys

import numpy as np

from activations import analysis, bench


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="N = 2^16, few rounds (CI)")
    parser.add_argument("--names", nargs="+", default=["relu", "sigmoid", "tanh", "gelu"])
    parser.add_argument("--size", type=int, default=1 << 24, help="values (2^24)")
    parser.add_argument("--chunk", type=int, default=1 << 22, help="values per dask chunk (2^22)")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    args = parser.parse_args(argv)
    try:
        import dask
        import dask.array as da
    except ImportError:
        parser.error("needs the 'dask' extra: pip install 'pluggable-activations[dask]'")
    size, chunk = (1 << 16, 1 << 14) if args.quick else (args.size, args.chunk)
    settings = bench.Settings(rounds=2 if args.quick else 5, min_time=1e-6)  # one call a round
    x = np.random.default_rng(0).standard_normal(size, dtype=np.float32)
    lazy = da.from_array(x, chunks=chunk)
    rows = []
    with dask.config.set(scheduler="synchronous"):
        for name in args.names:
            in_memory, on_dask = analysis.output_stats(name, x), analysis.output_stats(name, lazy)
            assert (in_memory.sparsity, in_memory.samples) == (on_dask.sparsity, on_dask.samples)
            samples = bench.interleave(
                {
                    "memory": lambda n=name: analysis.output_stats(n, x),
                    "dask": lambda n=name: analysis.output_stats(n, lazy),
                },
                settings,
            )
            rows.append(
                {
                    "activation": name,
                    "memory_ns": samples.median("memory") / size * 1e9,
                    "dask_ns": samples.median("dask") / size * 1e9,
                    "ratio": samples.ratio("memory", "dask"),
                }
            )
    if args.json:
        json.dump(
            {"machine": bench.machine(extra=("dask",)), "size": size, "rows": rows}, sys.stdout, indent=2
        )
        print()
        return 0
    print(
        f"# output_stats, N = {size} float32, dask chunks of {chunk}, synchronous; {settings.rounds} rounds"
    )
    print(f"{'activation':<10}  {'in-memory ns/value':>18}  {'dask ns/value':>13}  {'ratio':>6}")
    for r in rows:
        print(f"{r['activation']:<10}  {r['memory_ns']:18.1f}  {r['dask_ns']:13.1f}  {r['ratio']:6.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
