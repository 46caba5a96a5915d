"""ReLU's sparsity and mean output over an array larger than memory, with dask, in bounded memory.

A float32 array x ~ N(0, 1) of --size bytes (8 GiB by default) is generated
lazily, chunk by chunk (--chunk bytes each, 64 MiB by default): chunk i is
``numpy.random.default_rng([seed, i]).standard_normal(n, dtype=float32)``,
so the data are reproducible and never exist whole. ``activations.analysis.
output_stats("relu", x)`` then measures it in one pass of dask reductions on
the threaded scheduler. The script reports the statistics, the throughput
(bytes of float32 input per second, generation included) and the peak
resident memory of the process (VmHWM), against the size of the array.

    python benchmarks/dask_sparsity.py              # 8 GiB in 64 MiB chunks
    python benchmarks/dask_sparsity.py --quick      # 128 MiB in 16 MiB chunks (CI)
    python benchmarks/dask_sparsity.py --size 16GB --chunk 128MB --json
"""

from __future__ import annotations

import argparse
import json
import math
import re
import resource
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

UNITS = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}
NAME = "benchmarks/dask_sparsity.py"


def parse_bytes(text: str) -> int:
    """``"8GB"`` -> 8 * 2**30 (binary units: B, KB, MB, GB, TB; ``GiB`` too)."""
    match = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*([KMGT]?)(?:I?B)?\s*", text.upper())
    if match is None:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (e.g. 8GB, 64MB)")
    return int(float(match[1]) * UNITS[match[2]])


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog=Path(NAME).name, description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=parse_bytes, default=8 * 2**30, help="bytes of float32 input (8GB)")
    parser.add_argument("--chunk", type=parse_bytes, default=64 * 2**20, help="bytes per chunk (64MB)")
    parser.add_argument("--quick", action="store_true", help="128MB in 16MB chunks (CI)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the generator (0)")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    args = parser.parse_args(argv)
    if args.quick:
        args.size, args.chunk = 128 * 2**20, 16 * 2**20
    return args


def peak_rss() -> int:
    """Peak resident memory of this process in bytes (VmHWM; ru_maxrss where /proc is missing)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    scale = 1 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


def generated(da: Any, elements: int, chunk: int, seed: int) -> Any:
    """The lazy float32 array: chunk i drawn from ``default_rng([seed, i])``."""
    sizes = (chunk,) * (elements // chunk) + ((elements % chunk,) if elements % chunk else ())

    def block(block_info: Any = None) -> np.ndarray[Any, Any]:
        (i,) = block_info[None]["chunk-location"]
        rng = np.random.default_rng([seed, i])
        return rng.standard_normal(block_info[None]["chunk-shape"], dtype=np.float32)

    return da.map_blocks(block, chunks=(sizes,), dtype=np.float32, meta=np.empty(0, np.float32))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        from activations.backends.dask import require_dask

        da = require_dask(NAME)
    except ModuleNotFoundError as exc:
        print(f"{Path(NAME).name}: error: {exc}", file=sys.stderr)
        return 2
    import dask

    from activations import analysis

    elements = args.size // 4
    chunk = max(1, min(args.chunk // 4, elements))
    x = generated(da, elements, chunk, args.seed)
    before = peak_rss()
    started = time.perf_counter()
    with dask.config.set(scheduler="threads"):
        stats = analysis.output_stats("relu", x)
    elapsed = time.perf_counter() - started
    peak = peak_rss()
    result = {
        "elements": elements,
        "array_bytes": elements * 4,
        "chunk_bytes": chunk * 4,
        "chunks": x.npartitions,
        "threads": dask.system.CPU_COUNT,
        "seconds": elapsed,
        "throughput_bytes_per_s": elements * 4 / elapsed,
        "peak_rss_bytes": peak,
        "peak_rss_before_bytes": before,
        "sparsity": stats.sparsity,
        "mean_output": stats.mean_output,
        "std_output": stats.std_output,
        "zero_gradient_fraction": stats.zero_gradient_fraction,
    }
    if args.json:
        json.dump(result, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    gib = 2**30
    print(f"relu over {elements:,} float32 values x ~ N(0, 1): {elements * 4 / gib:.2f} GiB")
    print(
        f"  chunks: {x.npartitions} of {chunk * 4 / 2**20:.0f} MiB, "
        f"threaded scheduler, {result['threads']} threads"
    )
    print(
        f"  sparsity {stats.sparsity:.6f} (exact: 0.5), mean output {stats.mean_output:.6f} "
        f"(exact: 1/sqrt(2 pi) = {1 / math.sqrt(2 * math.pi):.6f})"
    )
    print(f"  time {elapsed:.1f} s, throughput {elements * 4 / elapsed / gib:.2f} GiB/s of input")
    print(
        f"  peak resident memory {peak / gib:.2f} GiB ({peak / (elements * 4):.1%} of the array; "
        f"{before / gib:.2f} GiB before computing)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
