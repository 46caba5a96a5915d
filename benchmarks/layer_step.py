"""GELU's share of a layer's training step, and of ``compare``'s training, compiled and on NumPy formulas.

A dense layer of a transformer-sized block, 256 x 512 inputs by a 512 x 512
weight, trained one step: the forward product Z = X W, the activation A =
f(Z), then its backward dZ = f'(Z) dA and both weight products, dW = X^T dZ
and dX = dZ W^T. Timed in one interleaved run (``activations.bench``,
medians of per-round ratios), for exact GELU and ReLU, float32 and float64,
each with the compiled kernels and on the plugins' NumPy formulas
(``activations.plugins.compiled.numpy_formulas()``, what
``ACTIVATIONS_PURE_NUMPY=1`` computes):

* ``share``: the activation's forward and backward over the whole step;
* ``x ReLU``: the step with this activation over the step with ReLU.

Then ``activations.analysis.train`` (what ``activations compare`` trains:
the digits MLP, 30 epochs) with GELU over ReLU, both paths.

Everything runs on one thread: the BLAS thread count is set to 1 before
NumPy is imported (the activations are single-threaded, and the machine is
shared).

    python benchmarks/layer_step.py            # about two minutes
    python benchmarks/layer_step.py --quick    # seconds: proves it runs

Targets (the compiled-kernels issue): GELU's share of the float32 step at
most 10 %; GELU's training at most 1.2x ReLU's.
"""

from __future__ import annotations

import os

for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import argparse  # noqa: E402  (after the thread count, which must precede NumPy's import)
import sys  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

import activations  # noqa: E402
from activations import bench  # noqa: E402
from activations.analysis import train  # noqa: E402
from activations.plugins import compiled  # noqa: E402

SHAPES = {"batch": 256, "inputs": 512, "outputs": 512}
SHARE_TARGET = 0.10
TRAINING_TARGET = 1.2
PATHS = ("compiled", "numpy")


def _on(path: str, fn: Callable[[], object]) -> Callable[[], object]:
    if path == "compiled":
        return fn

    def formulas() -> object:
        with compiled.numpy_formulas():
            return fn()

    return formulas


def layer_cases(dtype: str, scale: int) -> dict[str, Callable[[], object]]:
    """The thunks of one dtype: per activation and path, the whole step and the activation alone."""
    rng = np.random.default_rng(0)
    n, m, k = (SHAPES[s] // scale for s in ("batch", "inputs", "outputs"))
    x = rng.standard_normal((n, m)).astype(dtype)
    w = (rng.standard_normal((m, k)) / np.sqrt(m)).astype(dtype)
    grad = rng.standard_normal((n, k)).astype(dtype)
    z, a, dz = np.empty((n, k), dtype), np.empty((n, k), dtype), np.empty((n, k), dtype)
    dw, dx = np.empty((m, k), dtype), np.empty((n, m), dtype)
    cases = {}
    for name in ("gelu", "relu"):
        act = activations.get(name)

        def step(act: Any = act) -> None:
            np.matmul(x, w, out=z)
            act(z, out=a)
            act.backward(z, grad, out=dz)
            np.matmul(x.T, dz, out=dw)
            np.matmul(dz, w.T, out=dx)

        def alone(act: Any = act) -> None:
            act(z, out=a)
            act.backward(z, grad, out=dz)

        for path in PATHS:
            cases[f"{name} step {path}"] = _on(path, step)
            cases[f"{name} alone {path}"] = _on(path, alone)
    np.matmul(x, w, out=z)  # z as the step leaves it, for the cases that time the activation alone
    return cases


def layer_table(settings: bench.Settings, scale: int) -> list[str]:
    n, m, k = (SHAPES[s] // scale for s in ("batch", "inputs", "outputs"))
    lines = [
        f"Layer step {n}x{m} by {m}x{k}: share of the activation (forward + backward) in the step, "
        "and the step over ReLU's step",
        "",
        "| activation | dtype | share compiled | share NumPy | x ReLU compiled | x ReLU NumPy "
        "| step compiled / NumPy |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for dtype in ("float32", "float64"):
        s = bench.interleave(layer_cases(dtype, scale), settings)
        for name in ("gelu", "relu"):
            share = {p: s.ratio(f"{name} alone {p}", f"{name} step {p}") for p in PATHS}
            versus = {p: s.ratio(f"{name} step {p}", f"relu step {p}") for p in PATHS}
            speedup = s.ratio(f"{name} step compiled", f"{name} step numpy")
            lines.append(
                f"| {name} | {dtype} | {share['compiled']:.1%} | {share['numpy']:.1%} "
                f"| {versus['compiled']:.2f} | {versus['numpy']:.2f} | {speedup:.2f} |"
            )
    return lines


def training_table(settings: bench.Settings, epochs: int) -> list[str]:
    cases = {
        f"{name} {path}": _on(path, lambda name=name: train(name, epochs=epochs))
        for name in ("gelu", "relu")
        for path in PATHS
    }
    s = bench.interleave(cases, settings)
    lines = [
        f"activations.analysis.train (the digits MLP of `activations compare`, {epochs} epochs)",
        "",
        "| path | GELU s | ReLU s | GELU / ReLU |",
        "|---|---:|---:|---:|",
    ]
    for path in PATHS:
        lines.append(
            f"| {path} | {s.median(f'gelu {path}'):.3f} | {s.median(f'relu {path}'):.3f} "
            f"| {s.ratio(f'gelu {path}', f'relu {path}'):.2f} |"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small shapes, one epoch, few rounds")
    args = parser.parse_args(argv)
    info = bench.machine(extra=("pluggable-activations",))
    print(f"{info['cpu']}; {compiled.status()}; one BLAS thread; {info['date']}")
    if args.quick:
        layer = bench.QUICK
        training = bench.Settings(rounds=1, min_time=1e-4)
    else:
        layer = bench.Settings(rounds=15, min_time=0.05)
        training = bench.Settings(rounds=5, min_time=1e-4)
    print()
    print("\n".join(layer_table(layer, scale=8 if args.quick else 1)))
    print()
    print("\n".join(training_table(training, epochs=1 if args.quick else 30)))
    print()
    print(
        f"Targets: GELU's share of the float32 step <= {SHARE_TARGET:.0%}; "
        f"GELU's training <= {TRAINING_TARGET}x ReLU's (compiled path)."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
