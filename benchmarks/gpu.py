"""Every activation on a GPU (CuPy): against the device's copy floor and PyTorch CUDA; ulps from NumPy.

For each registered activation, float32 and float64, at N elements (2^26 by
default) on the current CUDA device: forward(x, out=o), backward(x, g, out=o)
and backward(x, g, output=y, out=o), through the bound activation (the
CuPy backend). Printed per row: ns per element; the ratio to the device's
floor, a device-to-device copy of the same array (``cupy.copyto(o, x)``) for
the forward and ``cupy.multiply(g, x, out=o)`` (read two, write one) for the
backward; the ratio to PyTorch CUDA on the same memory (through DLPack) where
PyTorch with CUDA is installed and has the function; and the largest
distance, in ulps of the dtype, from NumPy's result for the same inputs
(the first 2^20 elements, computed on the host). Each ratio is the median of
per-round ratios, every case timed once a round with CUDA events,
interleaved as `activations.bench.interleave` does on the CPU. The bundled
activations take their fused kernels on CuPy (one ``ElementwiseKernel`` a
call, from the C source of the CPU kernels; `activations.plugins.compiled`):
``x formulas`` is that over the same call on the plugins' multi-pass NumPy
formulas (``compiled.numpy_formulas()``), and the ulps are measured against
NumPy's result on the host, the compiled CPU kernels there, which the GPU
should match to the bit (both built without FMA contraction). In ``--json``,
``ulps_from_numpy`` is null where the two differ in a NaN or an infinity
(an unbounded error; the table prints "inf"). PyTorch runs on CuPy's
current stream (an ``ExternalStream`` where the two differ), so that the
CUDA events time both alike. An activation that raises is reported in its
row (``error``) and the run goes on.

    python benchmarks/gpu.py                     # every activation, N = 2^26 (markdown table)
    python benchmarks/gpu.py --quick             # N = 2^16, relu and sigmoid (CI: reports no CUDA there)
    python benchmarks/gpu.py --names gelu --json

On a machine without CuPy or without a CUDA device it says so and exits 0.
"""

from __future__ import annotations

import argparse
import importlib
import json
import statistics
import sys
from collections.abc import Callable
from typing import Any

import numpy as np

import activations
from activations import bench
from activations.plugins import compiled

ULP_SAMPLE = 1 << 20


def find_cupy() -> tuple[Any, str | None]:
    """(cupy, None), or (None, why there is no GPU to measure on)."""
    try:
        cupy = importlib.import_module("cupy")
        count = cupy.cuda.runtime.getDeviceCount()
    except Exception as exc:
        return None, f"no CUDA: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    if count < 1:
        return None, "no CUDA device"
    return cupy, None


def device_name(cupy: Any) -> str:
    props = cupy.cuda.runtime.getDeviceProperties(cupy.cuda.Device().id)
    name = props["name"]
    return name.decode() if isinstance(name, bytes) else str(name)


def timed(cupy: Any, fn: Callable[[], object], reps: int) -> float:
    """Seconds per call of ``fn``, ``reps`` calls between two CUDA events."""
    start, stop = cupy.cuda.Event(), cupy.cuda.Event()
    start.record()
    for _ in range(reps):
        fn()
    stop.record()
    stop.synchronize()
    return float(cupy.cuda.get_elapsed_time(start, stop)) / 1e3 / reps


def interleave(
    cupy: Any, cases: dict[str, Callable[[], object]], rounds: int, reps: int
) -> dict[str, list[float]]:
    """Per case, its time in each round; every case once a round, in a rotated order."""
    for fn in cases.values():  # warm up: NVRTC compiles each kernel on its first call
        fn()
    cupy.cuda.Device().synchronize()
    times: dict[str, list[float]] = {name: [] for name in cases}
    names = list(cases)
    for r in range(rounds):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            times[name].append(timed(cupy, cases[name], reps))
    return times


def ratio(times: dict[str, list[float]], a: str, b: str) -> float:
    return statistics.median(x / y for x, y in zip(times[a], times[b], strict=True))


def ulps(got: np.ndarray, want: np.ndarray) -> float:
    """Largest |got - want| in ulps of want's dtype (equal infinities and NaNs are 0; a mismatch is inf)."""
    with np.errstate(invalid="ignore", over="ignore"):
        same = (got == want) | (np.isnan(got) & np.isnan(want))
        spacing = np.spacing(np.abs(want)).astype(np.float64)
        err = np.abs(got.astype(np.float64) - want.astype(np.float64)) / spacing
    err = np.where(same, 0.0, np.where(np.isfinite(err), err, np.inf))
    return float(err.max()) if err.size else 0.0


def measure(
    cupy: Any, act: Any, dtype: str, size: int, rounds: int, reps: int, with_torch: bool
) -> list[dict[str, Any]]:
    host_x, host_g = bench.make_inputs(size, dtype)
    host_x *= 4  # past the kinks and into the tails of the usual activations
    x, g = cupy.asarray(host_x), cupy.asarray(host_g)
    o = cupy.empty_like(x)
    y = act.forward(x)
    cases: dict[str, Callable[[], object]] = {
        "copy": lambda: cupy.copyto(o, x),
        "r2w1": lambda: cupy.multiply(g, x, out=o),
        "forward": lambda: act.forward(x, out=o),
        "backward": lambda: act.backward(x, g, out=o),
        "backward(output=)": lambda: act.backward(x, g, output=y, out=o),
        "formulas:forward": _formulas(lambda: act.forward(x, out=o)),
        "formulas:backward": _formulas(lambda: act.backward(x, g, out=o)),
    }
    competitor = bench.torch_competitor(act.config) if with_torch else None
    torch_cases: dict[str, str] = {}
    if competitor is not None:
        fwd, bwd = competitor(x, g, y, o)
        if fwd is not None:
            cases["torch:forward"], torch_cases["forward"] = _on_cupy_stream(cupy, fwd), "torch:forward"
        if bwd is not None:
            cases["torch:backward"], torch_cases["backward"] = _on_cupy_stream(cupy, bwd), "torch:backward"
    times = interleave(cupy, cases, rounds, reps)
    sample = slice(0, min(size, ULP_SAMPLE))
    with np.errstate(all="ignore"):
        reference = {
            "forward": act.forward(host_x[sample]),
            "backward": act.backward(host_x[sample], host_g[sample]),
            "backward(output=)": act.backward(
                host_x[sample], host_g[sample], output=act.forward(host_x[sample])
            ),
        }
    device = {
        "forward": act.forward(x[sample]),
        "backward": act.backward(x[sample], g[sample]),
        "backward(output=)": act.backward(x[sample], g[sample], output=y[sample]),
    }
    rows = []
    for direction in ("forward", "backward", "backward(output=)"):
        floor = "copy" if direction == "forward" else "r2w1"
        torch_case = torch_cases.get(direction.split("(")[0])
        rows.append(
            {
                "activation": repr(act),
                "dtype": dtype,
                "size": size,
                "pass": direction,
                "ns_per_element": statistics.median(times[direction]) / size * 1e9,
                "floor_ratio": ratio(times, direction, floor),
                "torch_ratio": None if torch_case is None else ratio(times, direction, torch_case),
                "formulas_ratio": None
                if "output" in direction
                else ratio(times, direction, f"formulas:{direction}"),
                "ulps_from_numpy": ulps(cupy.asnumpy(device[direction]), reference[direction]),
            }
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="N = 2^16, relu and sigmoid, few rounds")
    parser.add_argument("--names", nargs="+", help="only these activations (default: every registered one)")
    parser.add_argument("--size", type=int, default=1 << 26, help="elements (2^26)")
    parser.add_argument("--rounds", type=int, default=7, help="interleaved rounds (7)")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument("--no-torch", action="store_true", help="leave PyTorch out even if installed")
    args = parser.parse_args(argv)
    cupy, why = find_cupy()
    if cupy is None:
        message = f"benchmarks/gpu.py: {why}; nothing to measure on this machine"
        if args.json:
            json.dump({"gpu": None, "reason": message, "rows": []}, sys.stdout, indent=2)
            print()
        else:
            print(message)
        return 0
    size = 1 << 16 if args.quick else args.size
    names = args.names or (["relu", "sigmoid"] if args.quick else activations.names())
    rounds, reps = (3, 3) if args.quick else (args.rounds, 10)
    with_torch = not args.no_torch and _torch_cuda()
    rows: list[dict[str, Any]] = []
    for name in names:
        for dtype in ("float32", "float64"):
            print(f"timing {name} {dtype} N={size}", file=sys.stderr)
            try:
                rows += measure(cupy, activations.get(name), dtype, size, rounds, reps, with_torch)
            except Exception as exc:  # one activation's failure is a result, not the end of the run
                error = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
                rows.append({"activation": name, "dtype": dtype, "size": size, "error": error})
    gpu = device_name(cupy)
    versions = cuda_versions(cupy)
    if args.json:
        for row in rows:  # JSON has no infinity: an unbounded error is null
            if "ulps_from_numpy" in row and not np.isfinite(row["ulps_from_numpy"]):
                row["ulps_from_numpy"] = None
        machine = bench.machine(extra=("cupy", "torch"))
        json.dump({"gpu": gpu, "cuda": versions, "machine": machine, "rows": rows}, sys.stdout, indent=2)
        print()
        return 0
    print(
        f"# {gpu}; CUDA runtime {versions['runtime']}, driver {versions['driver']}; CuPy {cupy.__version__}; "
        f"N = {size}; {rounds} interleaved rounds of CUDA-event times; medians of per-round ratios"
    )
    print("# x floor: ours / cupy.copyto(o, x) (forward), / cupy.multiply(g, x, out=o) (backward)")
    print("# x torch: ours / PyTorch CUDA on the same memory; ulps: largest distance from NumPy's result")
    print("# x formulas: ours / the same call on the plugins' NumPy formulas (multi-pass)")
    print("| activation | dtype | pass | ns/el | x floor | x torch | x formulas | ulps from NumPy |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        if "error" in r:
            print(f"| {r['activation']} | {r['dtype']} | - | raised {r['error']} | | | | |")
            continue
        torch_ratio = "-" if r["torch_ratio"] is None else f"{r['torch_ratio']:.2f}"
        formulas_ratio = "-" if r["formulas_ratio"] is None else f"{r['formulas_ratio']:.2f}"
        print(
            f"| {r['activation']} | {r['dtype']} | {r['pass']} | {r['ns_per_element']:.4f} | "
            f"{r['floor_ratio']:.2f} | {torch_ratio} | {formulas_ratio} | {r['ulps_from_numpy']:.3g} |"
        )
    return 0


def cuda_versions(cupy: Any) -> dict[str, str]:
    """The CUDA runtime's and driver's versions as "major.minor" ("?" where CuPy cannot tell)."""

    def dotted(name: str) -> str:
        try:
            number = int(getattr(cupy.cuda.runtime, name)())
        except Exception:
            return "?"
        return f"{number // 1000}.{number % 1000 // 10}"

    return {
        "runtime": dotted("runtimeGetVersion"),
        "driver": dotted("driverGetVersion"),
        "cupy": str(getattr(cupy, "__version__", "?")),
    }


def _on_cupy_stream(cupy: Any, call: Callable[[], object]) -> Callable[[], object]:
    """``call`` (a PyTorch case) on CuPy's current stream, where the CUDA events are recorded."""
    torch = importlib.import_module("torch")
    pointer = cupy.cuda.get_current_stream().ptr
    if torch.cuda.current_stream().cuda_stream == pointer:
        return call
    stream = torch.cuda.ExternalStream(pointer)

    def on_stream() -> object:
        with torch.cuda.stream(stream):
            return call()

    return on_stream


def _formulas(call: Callable[[], object]) -> Callable[[], object]:
    def on_formulas() -> object:
        with compiled.numpy_formulas():
            return call()

    return on_formulas


def _torch_cuda() -> bool:
    try:
        torch = importlib.import_module("torch")
    except ImportError:
        return False
    return bool(torch.cuda.is_available())


if __name__ == "__main__":
    sys.exit(main())
