"""What the framework adapters cost on the CPU: `activations.torch` and `activations.jax`, side by side.

Every table is one interleaved run (`activations.bench.interleave`): each
case once per round, the order rotated, ratios the median of the per-round
ratios. CPU time of the process (all its threads); PyTorch on one thread.

* **torch, N = 1e6 float32**: first the mechanism's floor at this size (a
  custom op of the adapter's signature that only copies, against
  ``ndarray.copy``); then the op's forward (``activations.torch.op``)
  and its backward operator (``torch.ops.activations.backward``, what
  autograd calls, with the saved output) against the bound activation on the
  same memory (``act.forward(x)``, ``act.backward(x, g, output=y)``; each
  allocates its result, as the op does; target: within 1.2x), and against
  PyTorch's native function where one exists (``F.gelu(x)``,
  ``aten.gelu_backward(g, x)`` ...).
* **torch, N = 16**: the cost of one call: the op, and the op with autograd
  (forward and backward on a tensor that requires grad), against a custom op
  that only copies its input (the mechanism's floor), the bound activation,
  and ``torch.relu``.
* **jax**: ``jax.jit`` of ``activations.jax.function`` against ``jax.jit`` of
  ``jax.nn``'s function, forward and gradient, at N = 1e6 and 16; and the
  callback's own cost at N = 16: a jitted ``jax.pure_callback`` that only
  copies, and the plugin called directly.

    python benchmarks/frameworks.py              # 15 rounds (the tables in docs/frameworks.md)
    python benchmarks/frameworks.py --quick      # a few seconds (CI)
    python benchmarks/frameworks.py --markdown   # Markdown tables
"""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Callable
from typing import Any

import numpy as np

import activations
from activations import bench

#: The activations timed at N = 1e6: those with a native PyTorch and jax.nn function, and the
#: third-party example plugin (no native function anywhere).
NAMES = ("relu", "leaky_relu", "sigmoid", "tanh", "elu", "gelu", "silu", "softplus", "bent_identity")


def _torch_native(torch: Any, name: str) -> tuple[Callable[..., Any], Callable[..., Any]] | None:
    """PyTorch's own (forward(x), backward(g, x, y)) for ``name`` with default parameters, or None."""
    f, aten = torch.nn.functional, torch.ops.aten
    table: dict[str, tuple[Callable[..., Any], Callable[..., Any]]] = {
        "relu": (torch.relu, lambda g, x, y: aten.threshold_backward(g, y, 0)),
        "leaky_relu": (f.leaky_relu, lambda g, x, y: aten.leaky_relu_backward(g, x, 0.01, False)),
        "sigmoid": (torch.sigmoid, lambda g, x, y: aten.sigmoid_backward(g, y)),
        "tanh": (torch.tanh, lambda g, x, y: aten.tanh_backward(g, y)),
        "elu": (f.elu, lambda g, x, y: aten.elu_backward(g, 1.0, 1.0, 1.0, False, x)),
        "gelu": (f.gelu, lambda g, x, y: aten.gelu_backward(g, x)),
        "silu": (f.silu, lambda g, x, y: aten.silu_backward(g, x)),
        "softplus": (f.softplus, lambda g, x, y: aten.softplus_backward(g, x, 1.0, 20.0)),
    }
    return table.get(name)


def _jax_native(jax: Any, name: str) -> Callable[..., Any] | None:
    nn = jax.nn
    table = {
        "relu": nn.relu,
        "leaky_relu": nn.leaky_relu,
        "sigmoid": nn.sigmoid,
        "tanh": jax.numpy.tanh,
        "elu": nn.elu,
        "gelu": lambda x: nn.gelu(x, approximate=False),
        "silu": nn.silu,
        "softplus": nn.softplus,
    }
    return table.get(name)


def _size(size: int) -> str:
    """1e6 for 10**6, 16 for 16."""
    exponent = len(str(size)) - 1
    return f"1e{exponent}" if size == 10**exponent and size >= 1000 else str(size)


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _print(title: str, header: list[str], rows: list[list[str]], markdown: bool) -> None:
    print()
    if markdown:
        print(f"**{title}**\n")
        print("| " + " | ".join(header) + " |")
        print("|" + "---|" * len(header))
        for row in rows:
            print("| " + " | ".join(row) + " |")
        return
    print(f"# {title}")
    widths = [max(len(c) for c in column) for column in zip(header, *rows, strict=True)]
    for row in (header, *rows):
        print(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )


# -- PyTorch ----------------------------------------------------------------------------------------
def torch_large(torch: Any, names: tuple[str, ...], size: int, settings: bench.Settings) -> list[list[str]]:
    import activations.torch as adapter

    x_np, g_np = bench.make_inputs(size, "float32")
    # The mechanism at this size: a custom op that only copies, against the copy itself.
    copy, xt = _copy_op(torch), torch.from_numpy(x_np)
    s = bench.interleave({"op": lambda: copy(xt, spec="relu"), "bound": lambda: x_np.copy()}, settings)
    rows = [
        [
            "(copy: floor)",
            "forward",
            f"{s.median('op') * 1e6:.0f}",
            f"{s.median('bound') * 1e6:.0f}",
            _ratio(s.ratio("op", "bound")),
            "-",
            "-",
        ]
    ]
    for name in names:
        act = activations.get(name)
        y_np = act.forward(x_np)
        x, g, y = torch.from_numpy(x_np), torch.from_numpy(g_np), torch.from_numpy(y_np)
        f = adapter.op(name)
        spec = f.keywords["spec"]
        backward = torch.ops.activations.backward
        native = _torch_native(torch, name)
        for direction in ("forward", "backward"):
            if direction == "forward":
                cases = {"op": lambda f=f, x=x: f(x), "bound": lambda act=act: act.forward(x_np)}
                if native is not None:
                    cases["native"] = lambda n=native[0], x=x: n(x)
            else:
                cases = {
                    "op": lambda x=x, g=g, y=y, spec=spec, op=backward: op(x, g, y, spec=spec),
                    "bound": lambda act=act, y_np=y_np: act.backward(x_np, g_np, output=y_np),
                }
                if native is not None:
                    cases["native"] = lambda n=native[1], x=x, g=g, y=y: n(g, x, y)
            s = bench.interleave(cases, settings)
            rows.append(
                [
                    name,
                    direction,
                    f"{s.median('op') * 1e6:.0f}",
                    f"{s.median('bound') * 1e6:.0f}",
                    _ratio(s.ratio("op", "bound")),
                    "-" if native is None else f"{s.median('native') * 1e6:.0f}",
                    _ratio(None if native is None else s.ratio("op", "native")),
                ]
            )
    return rows


@functools.cache  # one definition per process: redefining an operator replaces it
def _copy_op(torch: Any) -> Any:
    """The mechanism's floor: custom ops of the adapter's signatures that only copy, with autograd."""
    fwd = torch.library.custom_op(
        "activations_benchmark::copy",
        lambda x, parameters=None, *, spec: x.clone(),
        mutates_args=(),
        schema="(Tensor x, Tensor? parameters=None, *, str spec) -> Tensor",
    )
    bwd = torch.library.custom_op(
        "activations_benchmark::copy_backward",
        lambda x, grad_output, output, parameters=None, *, spec: grad_output.clone(),
        mutates_args=(),
        schema="(Tensor x, Tensor grad_output, Tensor output, Tensor? parameters=None, *, str spec)"
        " -> Tensor",
    )
    for op in (fwd, bwd):
        op.register_fake(lambda x, *args, spec: torch.empty_like(x))

    def setup_context(ctx: Any, inputs: Any, keyword_only_inputs: Any, output: Any) -> None:
        ctx.save_for_backward(inputs[0], output)
        ctx.spec = keyword_only_inputs["spec"]

    def backward(ctx: Any, grad: Any) -> Any:
        x, y = ctx.saved_tensors
        return bwd(x, grad, y, spec=ctx.spec)

    fwd.register_autograd(backward, setup_context=setup_context)
    return fwd


def torch_small(torch: Any, settings: bench.Settings) -> list[list[str]]:
    import activations.torch as adapter

    copy = _copy_op(torch)
    x_np, g_np = bench.make_inputs(16, "float32")
    act = activations.get("relu")
    x, g = torch.from_numpy(x_np), torch.from_numpy(g_np)
    f = adapter.op("relu")
    leaf = x.clone().requires_grad_()
    cases = {
        "torch.relu(x)": (lambda: torch.relu(x), "copy op(x)"),
        "act.forward(x) (NumPy)": (lambda: act.forward(x_np), "copy op(x)"),
        "copy op(x)": (lambda: copy(x, spec="relu"), "copy op(x)"),
        "op(x)": (lambda: f(x), "copy op(x)"),
        "torch.relu(x).backward(g)": (lambda: torch.relu(leaf).backward(g), "copy op(x).backward(g)"),
        "copy op(x).backward(g)": (lambda: copy(leaf, spec="relu").backward(g), "copy op(x).backward(g)"),
        "op(x).backward(g)": (lambda: f(leaf).backward(g), "copy op(x).backward(g)"),
    }
    s = bench.interleave({case: call for case, (call, _) in cases.items()}, settings)
    return [
        [case, f"{s.median(case) * 1e6:.1f}", _ratio(s.ratio(case, floor))]
        for case, (_, floor) in cases.items()
    ]


# -- JAX --------------------------------------------------------------------------------------------
def jax_table(
    jax: Any, names: tuple[str, ...], sizes: tuple[int, ...], settings: bench.Settings
) -> list[list[str]]:
    import activations.jax as adapter

    jnp = jax.numpy
    rows = []
    for size in sizes:
        x_np, _ = bench.make_inputs(size, "float32")
        x = jnp.asarray(x_np)
        for name in names:
            ours = adapter.function(name)
            native = _jax_native(jax, name)
            for direction in ("forward", "gradient"):
                if direction == "forward":
                    mine, theirs = jax.jit(ours), (None if native is None else jax.jit(native))
                else:
                    mine = jax.jit(jax.grad(lambda v, ours=ours: ours(v).sum()))
                    theirs = (
                        None
                        if native is None
                        else jax.jit(jax.grad(lambda v, native=native: native(v).sum()))
                    )
                cases = {"ours": lambda mine=mine, x=x: mine(x).block_until_ready()}
                if theirs is not None:
                    cases["native"] = lambda theirs=theirs, x=x: theirs(x).block_until_ready()
                s = bench.interleave(cases, settings)
                rows.append(
                    [
                        name,
                        _size(size),
                        direction,
                        f"{s.median('ours') * 1e6:.1f}",
                        "-" if theirs is None else f"{s.median('native') * 1e6:.1f}",
                        _ratio(None if theirs is None else s.ratio("ours", "native")),
                    ]
                )
    return rows


def jax_callback(jax: Any, settings: bench.Settings) -> list[list[str]]:
    import activations.jax as adapter

    jnp = jax.numpy
    x_np, _ = bench.make_inputs(16, "float32")
    x = jnp.asarray(x_np)
    act = activations.get("softplus")

    def copy(v: Any) -> Any:
        return np.array(v)

    copying = jax.jit(
        lambda v: jax.pure_callback(
            copy, jax.ShapeDtypeStruct(v.shape, v.dtype), v, vmap_method="expand_dims"
        )
    )
    ours = jax.jit(adapter.function("softplus"))
    native = jax.jit(jax.nn.softplus)
    s = bench.interleave(
        {
            "jit(jax.nn.softplus)": lambda: native(x).block_until_ready(),
            "jit(callback that copies)": lambda: copying(x).block_until_ready(),
            "jit(function('softplus'))": lambda: ours(x).block_until_ready(),
            "act.forward(x) (NumPy)": lambda: act.forward(x_np),
        },
        settings,
    )
    base = "jit(callback that copies)"
    return [[case, f"{s.median(case) * 1e6:.1f}", _ratio(s.ratio(case, base))] for case in s.times]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="few rounds, fewer activations (CI)")
    parser.add_argument("--markdown", action="store_true", help="print Markdown tables")
    args = parser.parse_args(argv)
    settings = bench.QUICK if args.quick else bench.Settings(rounds=15, min_time=0.05)
    names = ("relu", "gelu", "bent_identity") if args.quick else NAMES
    size = 10**5 if args.quick else 10**6
    info = bench.machine(extra=("torch", "jax", "jaxlib"))
    versions = ", ".join(f"{k} {v}" for k, v in info["versions"].items() if v)
    print(f"{info['cpu']}, {info['cores']} cores; Python {info['python']}; {versions}; {info['date']}")
    print(f"{settings.rounds} interleaved rounds; medians; CPU time of the process")
    try:
        import torch
    except ImportError:
        print("\nPyTorch is not installed: its tables are left out (pip install torch==2.13.0)")
    else:
        torch.set_num_threads(1)
        _print(
            f"torch, N = {_size(size)}, float32, one thread: us per call; "
            "op / bound (target <= 1.2), op / native",
            ["activation", "pass", "op us", "bound us", "op/bound", "native us", "op/native"],
            torch_large(torch, names, size, settings),
            args.markdown,
        )
        _print(
            "torch, N = 16, float32: us per call (x requires grad in the .backward(g) rows); "
            "x floor = over the custom op of the same signature that only copies, without or with autograd",
            ["call", "us", "x floor"],
            torch_small(torch, settings),
            args.markdown,
        )
    try:
        import jax
    except ImportError:
        print("\nJAX is not installed: its tables are left out (pip install jax)")
    else:
        sizes = (size, 16)
        _print(
            "jax, float32, jitted: us per call; ours / jax.nn's",
            ["activation", "N", "pass", "ours us", "jax.nn us", "ours/jax.nn"],
            jax_table(jax, names, sizes, settings),
            args.markdown,
        )
        _print(
            "jax, N = 16, float32: the callback's cost; x = over a jitted callback that only copies",
            ["call", "us", "x copy callback"],
            jax_callback(jax, settings),
            args.markdown,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
