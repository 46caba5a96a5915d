"""Speed of the compiled kernels against the plugins' NumPy formulas, PyTorch and the memory floors.

One interleaved run per (activation, size, dtype), with the machinery of
``activations.bench`` (medians of per-round ratios, never bare times): the
compiled kernel's forward and backward (``out=`` calls), the bound
activation computing with its plugin's NumPy formula (under
``activations.plugins.compiled.numpy_formulas()``, i.e. what
``ACTIVATIONS_PURE_NUMPY=1`` computes; entering the block costs about 1 us a
call, under 1 % of any call timed here at 1e5), PyTorch on one thread, and
the floors ``np.copyto(o, x)`` (forward) and ``np.multiply(g, x, out=o)``
(backward). The column "x NumPy" is what decides
``activations.plugins.compiled.NUMPY_FASTER``: the plugins keep their formula
where the kernel is slower.

    python benchmarks/kernels.py                 # the table of issue 17's targets (about 5 minutes)
    python benchmarks/kernels.py --quick         # a few seconds: proves it runs
    python benchmarks/kernels.py --names gelu sigmoid --dtypes float32

Targets (issue 17): at 1e5 elements, forward and backward at most 1.0x PyTorch
one-thread for GELU (both forms), sigmoid, log-sigmoid, tanh, SiLU, softplus,
Mish and the ELU family; at 1e7, the ReLU family's forward at most 1.05x the
copy floor and its backward at most 1.1x the read-two-write-one floor. Misses
are listed after the table with their size.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np

import activations
from activations import bench
from activations.plugins import compiled

#: (spec, parameters) of the transcendental kernels, held to PyTorch at 1e5.
SMOOTH = [
    ("gelu", {}),
    ("gelu", {"approximate": "tanh"}),
    ("sigmoid", {}),
    ("log_sigmoid", {}),
    ("tanh", {}),
    ("silu", {}),
    ("softplus", {}),
    ("mish", {}),
    ("elu", {}),
    ("selu", {}),
    ("celu", {}),
]
#: The ReLU family, held to the memory floors at 1e7.
PIECEWISE = [("relu", {}), ("leaky_relu", {}), ("relu6", {}), ("hardtanh", {}), ("threshold", {})]
TORCH_SIZE = 10**5
FLOOR_SIZE = 10**7
TORCH_TARGET = 1.0
FLOOR_TARGETS = {"forward": 1.05, "backward": 1.1}


class KernelActivation:
    """The compiled kernels of one activation, in the shape ``bench.bench_activation`` times."""

    def __init__(self, act: Any, kernels: compiled.Kernels) -> None:
        self.name = act.name
        self.config = act.config
        self._k = kernels

    def forward(self, x: Any, out: Any = None) -> Any:
        """Forward pass."""
        return self._k.forward(x, out)

    def backward(self, x: Any, grad_output: Any, output: Any = None, out: Any = None) -> Any:
        """Backward pass ``grad_output * f'(x)``."""
        return self._k.backward(x, grad_output, out)


def numpy_competitor(act: Any) -> bench.Competitor:
    """The bound activation on its plugin's NumPy formula, as ``ACTIVATIONS_PURE_NUMPY=1`` computes."""

    def build(x: Any, g: Any, y: Any, o: Any) -> tuple[Callable[[], object], Callable[[], object]]:
        def forward() -> object:
            with compiled.numpy_formulas():
                return act.forward(x, out=o)

        def backward() -> object:
            with compiled.numpy_formulas():
                return act.backward(x, g, out=o)

        return forward, backward

    return build


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes and few rounds")
    parser.add_argument("--names", nargs="+", metavar="NAME", help="only these activations")
    parser.add_argument("--dtypes", nargs="+", choices=["float32", "float64"], help="default: both")
    parser.add_argument("--rounds", type=int, help="interleaved rounds (default 15, quick 3)")
    return parser.parse_args(argv)


def label(name: str, params: dict[str, Any]) -> str:
    inner = ", ".join(f"{k}={v!r}" for k, v in params.items())
    return f"{name}({inner})" if inner else name


def measure(args: argparse.Namespace) -> tuple[list[tuple[str, str, bench.Row]], dict[str, Any]]:
    settings = bench.QUICK if args.quick else bench.FULL
    if args.rounds is not None:
        settings = bench.Settings(rounds=args.rounds, min_time=settings.min_time, clock=settings.clock)
    dtypes = args.dtypes or ["float32", "float64"]
    with_torch = bench.torch_available()
    plan = [(spec, TORCH_SIZE, "torch") for spec in SMOOTH] + [
        (spec, FLOOR_SIZE, "floor") for spec in PIECEWISE
    ]
    if args.names:
        plan = [p for p in plan if p[0][0] in args.names]
    rows = []
    started = time.perf_counter()
    for (name, params), size, kind in plan:
        act = activations.get(name, **params)
        kernels = compiled.kernels(act.config)
        if kernels is None:
            raise SystemExit(f"no compiled kernel for {label(name, params)}: {compiled.status()}")
        competitors = {"numpy": numpy_competitor(act)}
        if with_torch and (torch := bench.torch_competitor(act.config)) is not None:
            competitors["torch"] = torch
        n = size // 100 if args.quick else size
        for dtype in dtypes:
            print(
                f"{time.perf_counter() - started:6.1f} s  {label(name, params)} N={n} {dtype}",
                file=sys.stderr,
            )
            forward, backward = bench.bench_activation(
                KernelActivation(act, kernels),
                size=n,
                dtype=dtype,
                settings=settings,
                competitors=competitors,
            )
            rows += [(label(name, params), kind, forward), (label(name, params), kind, backward)]
    info = bench.machine(extra=("torch", "pluggable-activations"))
    info["target"] = compiled.target()
    info["seconds"] = round(time.perf_counter() - started, 1)
    info["rounds"] = settings.rounds
    return rows, info


def misses(rows: list[tuple[str, str, bench.Row]], quick: bool) -> list[str]:
    out = []
    for spec, kind, r in rows:
        where = f"{spec} {r.direction} {r.dtype} N={r.size:.0e}"
        if kind == "torch" and "torch" in r.versus and r.versus["torch"] > TORCH_TARGET:
            out.append(f"{where}: {r.versus['torch']:.2f}x PyTorch (target {TORCH_TARGET}x)")
        if kind == "floor" and r.floor_ratio > FLOOR_TARGETS[r.direction]:
            limit = FLOOR_TARGETS[r.direction]
            out.append(f"{where}: {r.floor_ratio:.2f}x the floor (target {limit}x)")
    if quick:
        out.insert(0, "(quick mode: sizes divided by 100, so the targets do not apply)")
    return out


def table(rows: list[tuple[str, str, bench.Row]]) -> list[str]:
    lines = [
        "| activation | dtype | pass | N | kernel ns/el | NumPy ns/el | PyTorch ns/el | floor ns/el "
        "| x NumPy | x PyTorch | x floor |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]

    def cell(v: float | None, digits: int = 2) -> str:
        return "-" if v is None or not np.isfinite(v) else f"{v:.{digits}f}"

    for spec, _, r in rows:
        lines.append(
            f"| `{spec}` | {r.dtype} | {r.direction} | {r.size:.0e} | {cell(r.ns_per_element, 3)} "
            f"| {cell(r.competitor_ns.get('numpy'), 3)} | {cell(r.competitor_ns.get('torch'), 3)} "
            f"| {cell(r.floor_ns_per_element, 3)} | {cell(r.versus.get('numpy'))} "
            f"| {cell(r.versus.get('torch'))} | {cell(r.floor_ratio)} |"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    rows, info = measure(args)
    versions = ", ".join(f"{k} {v}" for k, v in info["versions"].items() if v)
    print(
        f"{info['cpu']}, {info['cores']} cores; kernels dispatched to {info['target']}; Python "
        f"{info['python']}; {versions}; {info['date']}"
    )
    print(
        f"{info['rounds']} interleaved rounds, process CPU time, medians of per-round ratios; "
        f"{info['seconds']} s. x NumPy, x PyTorch: kernel / theirs (below 1: the kernel is faster)."
    )
    print(bench.TORCH_NOTE)
    print()
    print("\n".join(table(rows)))
    found = misses(rows, args.quick)
    print()
    print(f"Targets missed ({len([m for m in found if not m.startswith('(')])}):")
    for line in found:
        print(f"- {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
