"""Accuracy of the compiled kernels, as the tests measure it: the tables of docs/accuracy.md.

Two Markdown tables:

* the elementary functions (exp, expm1, log1p, erfc): the largest error in
  ulps against mpmath on the sample of ``tests/plugins/test_kernels_elementary.py``
  (dense in each hard region, log-spaced over the whole range);
* every activation kernel, on the grid of ``tests/test_accuracy.py`` with
  ACCURACY.md's measure: the largest forward, derivative, backward and
  backward-from-output err, next to the plugin's NumPy formula on the same
  grid (backward from the output is given the correctly rounded output).

    python benchmarks/kernel_accuracy.py        # about half a minute
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "plugins"))

import test_kernels_activations as acts  # the tests' cases and helpers
import test_kernels_elementary as elem
from accuracy_tools import evaluation

import activations
from activations.plugins import compiled


def elementary_table() -> list[str]:
    lines = ["| function | dtype | points | max err (ulp) | at x |", "|---|---|---:|---:|---:|"]
    for name in elem.FUNCTIONS:
        for dtype in elem.DTYPES:
            t = elem.target(name, dtype)
            err = t.err(elem.FUNCTIONS[name][0](t.x))
            i = int(np.argmax(err))
            lines.append(f"| {name} | {dtype} | {t.x.size} | {err[i]:.3f} | {t.x[i]!r} |")
    return lines


def activation_table() -> list[str]:
    lines = [
        "| kernel | dtype | forward | (NumPy) | derivative | (NumPy) | backward | (NumPy) "
        "| from output | (NumPy) |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for case in acts.KERNEL_CASES:
        for dtype in acts.DTYPES:
            ev = evaluation(case, dtype)
            k = acts._kernels(case)
            ones = np.ones_like(ev.x)
            with np.errstate(all="ignore"):
                ours: dict[str, Any] = {
                    "forward": ev.forward.err(k.forward(ev.x, None)).max(),
                    "derivative": ev.backward.err(k.derivative(ev.x, None)).max(),
                    "backward": ev.backward.err(k.backward(ev.x, ones, None)).max(),
                    "backward_output": None,
                }
                if k.backward_output is not None:
                    y = acts._rounded_forward(ev)
                    ours["backward_output"] = ev.backward.err(k.backward_output(y, ones, None)).max()
            theirs = acts._plugin_errors(case, dtype)
            cells = []
            for what in ("forward", "derivative", "backward", "backward_output"):
                cells += ["-" if ours[what] is None else f"{ours[what]:.3g}", f"{theirs[what]:.3g}"]
            lines.append(f"| {case.spec} | {dtype} | " + " | ".join(cells) + " |")
    return lines


def main() -> int:
    compiled.refresh()
    if compiled.ufuncs() is None:
        raise SystemExit(f"the compiled kernels are not in use: {compiled.status()}")
    print(f"# {compiled.status()}; activations {activations.__version__}")
    print()
    print("\n".join(elementary_table()))
    print()
    print("\n".join(activation_table()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
