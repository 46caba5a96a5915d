"""Accuracy of every registered activation, in ulps, as ACCURACY.md measures it.

Prints a Markdown table: for each activation (with its tested parameter
values) and dtype, the maximum err of the forward and of the backward
(``backward(x, ones)`` against the exact f'), the x where each is reached, and
whether they meet the targets 4 and 8. The reference is mpmath at 50 digits
(``tests/reference.py``); the grid and the measure are those of the tests
(``tests/accuracy_tools.py``).

Usage::

    python benchmarks/accuracy.py [--quick | --full] [NAME ...]

``--quick`` uses a small grid (a few seconds, for CI); the default is the
grid of the test suite; ``--full`` a dense one (minutes). Exit status 1 if
any row of ours fails.

When PyTorch is installed (it is never a dependency), two more columns give
PyTorch's figure on the same grid and measure: ``torch.nn.functional``'s
forward and the gradient autograd returns for ``backward(ones)``, on one
thread. Where PyTorch has no such function (JAX's sparse_plus and
sparse_sigmoid, Keras 2's hard sigmoid, squareplus, GELU's sigmoid form),
the column shows what a PyTorch user writes instead, from torch primitives,
marked with an asterisk.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from accuracy_tools import (
    BACKWARD_BOUND,
    CASES,
    FORWARD_BOUND,
    Row,
    measure_case,
    parameter_gradients,
    parameter_target,
)
from reference import REFERENCES

import activations


def _torch_function(name: str, params: dict[str, Any]) -> tuple[Callable[[Any], Any], bool] | None:
    """(f on tensors, whether it is PyTorch's own function) for an activation, or None."""
    try:
        torch = importlib.import_module("torch")
    except ImportError:
        return None
    torch.set_num_threads(1)
    F = torch.nn.functional
    p = params
    own: dict[str, Callable[[Any], Any]] = {
        "relu": F.relu,
        "leaky_relu": lambda x: F.leaky_relu(x, p.get("negative_slope", 0.01)),
        "relu6": F.relu6,
        "threshold": lambda x: F.threshold(x, p.get("threshold", 0.0), p.get("value", 0.0)),
        "rrelu": lambda x: F.rrelu(x, p.get("lower", 1 / 8), p.get("upper", 1 / 3), training=False),
        "prelu": lambda x: F.prelu(x, torch.tensor([p.get("weight", 0.25)], dtype=x.dtype)),
        "elu": lambda x: F.elu(x, p.get("alpha", 1.0)),
        "selu": F.selu,
        "celu": lambda x: F.celu(x, p.get("alpha", 1.0)),
        "mish": F.mish,
        "softplus": lambda x: F.softplus(x, p.get("beta", 1.0)),
        "log_sigmoid": F.logsigmoid,
        "softsign": F.softsign,
        "sigmoid": torch.sigmoid,
        "tanh": torch.tanh,
        "hardtanh": lambda x: F.hardtanh(x, p.get("min_val", -1.0), p.get("max_val", 1.0)),
        "tanhshrink": F.tanhshrink,
        "softshrink": lambda x: F.softshrink(x, p.get("lambd", 0.5)),
        "hardshrink": lambda x: F.hardshrink(x, p.get("lambd", 0.5)),
        "hard_swish": F.hardswish,
        "identity": lambda x: x * 1,
        "exponential": torch.exp,
    }
    written: dict[str, Callable[[Any], Any]] = {  # no such PyTorch function: the usual spelling
        "squareplus": lambda x: (x + torch.sqrt(x * x + p.get("b", 4.0))) / 2,
        "sparse_sigmoid": lambda x: 0.5 * torch.clamp(x + 1, 0, 2),
        "sparse_plus": lambda x: torch.where(x <= -1, 0.0, torch.where(x >= 1, x, (x + 1) ** 2 / 4)),
    }
    if name == "gelu":
        approximate = p.get("approximate", "none")
        if approximate == "sigmoid":
            return (lambda x: x * torch.sigmoid(1.702 * x)), False
        return (lambda x: F.gelu(x, approximate=approximate)), True
    if name == "silu":
        beta = p.get("beta", 1.0)
        return (F.silu, True) if beta == 1.0 else ((lambda x: x * torch.sigmoid(beta * x)), False)
    if name == "hard_sigmoid":
        if p.get("kind", "relu6") == "relu6":
            return F.hardsigmoid, True
        return (lambda x: torch.clamp(0.2 * x + 0.5, 0, 1)), False
    if name in own:
        return own[name], True
    if name in written:
        return written[name], False
    return None


class _TorchActivation:
    """PyTorch's forward and autograd backward behind the interface `measure_case` uses."""

    def __init__(self, function: Callable[[Any], Any]) -> None:
        self.torch = importlib.import_module("torch")
        self.function = function

    def forward(self, x: np.ndarray) -> np.ndarray:
        with self.torch.no_grad():
            return self.function(self.torch.from_numpy(x.copy())).numpy()

    def backward(self, x: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        xt = self.torch.from_numpy(x.copy()).requires_grad_()
        self.function(xt).backward(self.torch.from_numpy(grad_output.copy()))
        return xt.grad.numpy()


def _format_err(err: float) -> str:
    return "inf" if not np.isfinite(err) else f"{err:.3g}"


def _format_x(x: float, row: Row) -> str:
    """The shortest string that identifies ``x`` in the row's dtype (-2.9999998, not -3)."""
    return str(row.dtype.type(x))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_const", const="quick", dest="size", help="small grid (CI)")
    size.add_argument("--full", action="store_const", const="full", dest="size", help="dense grid (slow)")
    parser.add_argument("--no-torch", action="store_true", help="leave out the PyTorch columns")
    parser.add_argument("names", nargs="*", help="activations to measure (default: every registered one)")
    args = parser.parse_args(argv)
    grid_size = args.size or "test"

    registered = set(activations.names(aliases=True))
    wanted = set(args.names) if args.names else set(REFERENCES)
    unknown = sorted(wanted - set(REFERENCES))
    if unknown:
        parser.error(f"no reference for {unknown}; known: {sorted(REFERENCES)}")
    cases = [case for case in CASES if case.name in wanted and case.name in registered]
    absent = sorted(wanted - registered)
    if not args.names:  # list only the registered ones that the table cannot cover
        absent = sorted(
            {activations.get(n).name for n in registered} - {activations.get(c.name).name for c in cases}
        )

    start = time.perf_counter()
    rows: list[tuple[Row, Row | None, bool]] = []
    for case in cases:
        activation = activations.get(case.name, **case.kwargs)
        theirs = None if args.no_torch else _torch_function(activations.get(case.name).name, case.kwargs)
        for dtype in (np.dtype(np.float32), np.dtype(np.float64)):
            ours = measure_case(activation, case, dtype, grid_size)
            torch_row = None
            if theirs is not None:
                torch_row = measure_case(_TorchActivation(theirs[0]), case, dtype, grid_size)
            rows.append((ours, torch_row, theirs is not None and theirs[1]))

    with_torch = any(torch_row is not None for _, torch_row, _ in rows)
    targets = f"forward <= {FORWARD_BOUND:g}, backward <= {BACKWARD_BOUND:g}"
    print(f"Accuracy in ulps (ACCURACY.md): targets {targets}.\n")
    head = "| activation | dtype | forward err | at x | backward err | at x | result |"
    rule = "|---|---|---:|---:|---:|---:|---|"
    if with_torch:
        torch = importlib.import_module("torch")
        note = "* = no PyTorch function; written from torch primitives"
        print(f"PyTorch {torch.__version__}, one thread ({note}).\n")
        head += " PyTorch forward | PyTorch backward |"
        rule += "---:|---:|"
    print(head)
    print(rule)
    for row, torch_row, torch_own in rows:
        line = (
            f"| `{row.case.spec}` | {row.dtype} "
            f"| {_format_err(row.forward)} | {_format_x(row.forward_x, row)} "
            f"| {_format_err(row.backward)} | {_format_x(row.backward_x, row)} "
            f"| {'pass' if row.passed else '**FAIL**'} |"
        )
        if with_torch:
            if torch_row is None:
                line += " - | - |"
            else:
                mark = "" if torch_own else "*"
                line += f" {_format_err(torch_row.forward)}{mark} | {_format_err(torch_row.backward)}{mark} |"
        print(line)
    rows_ours = [row for row, _, _ in rows]
    failed = [row for row in rows_ours if not row.passed]
    gradient_rows = parameter_table(cases, grid_size)
    failed_gradients = [r for r in gradient_rows if not r[3] <= BACKWARD_BOUND]
    passed_gradients = len(gradient_rows) - len(failed_gradients)
    print(
        f"\n{len(rows_ours) - len(failed)} of {len(rows_ours)} rows pass, and {passed_gradients} of "
        f"{len(gradient_rows)} parameter gradients; grid '{grid_size}', {time.perf_counter() - start:.1f} s."
    )
    if absent:
        print(f"Not measured ({'not registered' if args.names else 'no reference'}): {', '.join(absent)}")
    return 1 if failed or failed_gradients else 0


def parameter_table(cases: list[Any], grid_size: str) -> list[tuple[str, str, Any, float, float]]:
    """Print the accuracy of each learnable parameter's gradient df/dtheta (target: err <= 8); return it."""
    rows = []
    for case in cases:
        activation = activations.get(case.name, **case.kwargs)
        for name in case.reference().reference.gradients:
            for dtype in (np.dtype(np.float32), np.dtype(np.float64)):
                target = parameter_target(case, name, dtype, grid_size)
                err = target.err(parameter_gradients(activation, name, target.x))
                i = int(np.argmax(err))
                rows.append((case.spec, name, dtype, float(err[i]), float(target.x[i])))
    if rows:
        print(
            "\nGradients of the learnable parameters, df/dtheta element by element: "
            f"target <= {BACKWARD_BOUND:g}.\n"
        )
        print("| activation | parameter | dtype | err | at x | result |")
        print("|---|---|---|---:|---:|---|")
        for spec, name, dtype, err, x in rows:
            verdict = "pass" if err <= BACKWARD_BOUND else "**FAIL**"
            print(f"| `{spec}` | `{name}` | {dtype} | {_format_err(err)} | {dtype.type(x)} | {verdict} |")
    return rows


if __name__ == "__main__":
    raise SystemExit(main())
