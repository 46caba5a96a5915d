"""PyTorch on one thread as a yardstick for the bundled activations (never a dependency).

`torch_competitor` builds an `activations.bench._engine.Competitor` from an
activation's ``config`` (parameters honoured, : PyTorch with ``torch.set_num_threads(1)``,
on tensors that share memory with the NumPy arrays (``torch.from_numpy``).
Forward calls the ``torch``/``torch._C._nn`` function with ``out=``; backward
calls the derivative kernel autograd itself calls
(``torch.ops.aten.<op>_backward``, with the saved output where PyTorch saves
the output), without building a graph. See `TORCH_NOTE`. PyTorch is imported
only when a competitor is built, typed as Any, so that mypy passes without it.
"""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ._engine import Competitor, Thunk
from ._yardsticks import SELU_ALPHA, SELU_SCALE, reads

__all__ = ["TORCH_NAMES", "TORCH_NOTE", "torch_available", "torch_competitor"]

Array = NDArray[Any]
Config = dict[str, Any]

#: How the PyTorch column is measured, for the header of every table.
TORCH_NOTE = (
    "PyTorch: one thread, torch.from_numpy views; forward = torch op with out=; "
    "backward = the aten *_backward kernel autograd calls (torch.ops.aten, no graph; "
    "its dispatcher adds ~3 us a call); softsign, tanhshrink: the composite ops F.<name> runs"
)


def torch_available() -> bool:
    """Whether ``import torch`` works (it is imported, and set to one thread, if so).

    Examples
    --------
    >>> import importlib.util
    >>> from activations.bench import torch_available
    >>> torch_available() == (importlib.util.find_spec("torch") is not None)
    True
    """
    try:
        torch = _torch()
    except ImportError:
        return False
    torch.set_num_threads(1)
    return True


def _torch() -> Any:
    """``import torch``, typed as Any: PyTorch is optional, and mypy must pass without it."""
    return importlib.import_module("torch")


def _torch_ops(config: Config, xt: Any, gt: Any, ot: Any) -> tuple[Thunk, Thunk | None] | None:
    """(forward, backward) thunks of PyTorch's kernels for ``config``, or None if it has none."""
    torch = _torch()

    aten = torch.ops.aten
    nn = torch._C._nn
    name = config["name"]
    if name == "relu":
        yt = torch.relu(xt)
        return (
            lambda: torch.clamp_min(xt, 0, out=ot),  # torch.relu is clamp_min(0); it has no out=
            lambda: aten.threshold_backward.grad_input(gt, yt, 0, grad_input=ot),
        )
    if name in ("leaky_relu", "prelu", "rrelu"):  # rrelu in evaluation mode: the mean of its slopes
        lower, upper = config.get("lower", 1 / 8), config.get("upper", 1 / 3)
        slopes = {"leaky_relu": config.get("negative_slope", 0.01), "prelu": config.get("weight", 0.25)}
        a = slopes.get(name, (lower + upper) / 2)
        return (
            lambda: nn.leaky_relu(xt, a, out=ot),
            lambda: aten.leaky_relu_backward.grad_input(gt, xt, a, False, grad_input=ot),
        )
    if name == "sigmoid":
        yt = torch.sigmoid(xt)
        return (
            lambda: torch.sigmoid(xt, out=ot),
            lambda: aten.sigmoid_backward.grad_input(gt, yt, grad_input=ot),
        )
    if name == "tanh":
        yt = torch.tanh(xt)
        return (
            lambda: torch.tanh(xt, out=ot),
            lambda: aten.tanh_backward.grad_input(gt, yt, grad_input=ot),
        )
    elu_like = {
        "elu": (config.get("alpha", 1.0), 1.0, 1.0),
        "selu": (SELU_ALPHA, SELU_SCALE, 1.0),
        "celu": (config.get("alpha", 1.0), 1.0, 1.0 / config.get("alpha", 1.0)),
    }
    if name in elu_like:
        alpha, scale, input_scale = elu_like[name]
        return (
            lambda: nn.elu(xt, alpha, scale, input_scale, out=ot),
            lambda: aten.elu_backward.grad_input(gt, alpha, scale, input_scale, False, xt, grad_input=ot),
        )
    if name == "gelu":
        approximate = config.get("approximate", "none")
        if approximate not in ("none", "tanh"):
            return None
        return (
            lambda: nn.gelu(xt, approximate=approximate, out=ot),
            lambda: aten.gelu_backward.grad_input(gt, xt, approximate=approximate, grad_input=ot),
        )
    if name == "silu":
        if config.get("beta", 1.0) != 1:
            return None  # PyTorch's SiLU has beta = 1
        return (
            lambda: nn.silu(xt, out=ot),
            lambda: aten.silu_backward.grad_input(gt, xt, grad_input=ot),
        )
    if name == "softplus":
        beta = config.get("beta", 1.0)
        return (
            lambda: nn.softplus(xt, beta, 20, out=ot),
            lambda: aten.softplus_backward.grad_input(gt, xt, beta, 20, grad_input=ot),
        )
    if name == "log_sigmoid":
        _, buffer = aten.log_sigmoid_forward(xt)
        return (
            lambda: nn.log_sigmoid(xt, out=ot),
            lambda: aten.log_sigmoid_backward.grad_input(gt, xt, buffer, grad_input=ot),
        )
    if name == "mish":
        return (lambda: nn.mish(xt, out=ot)), (lambda: aten.mish_backward(gt, xt))
    if name in ("hardtanh", "relu6"):
        lo = config.get("min_val", -1.0) if name == "hardtanh" else 0.0
        hi = config.get("max_val", 1.0) if name == "hardtanh" else 6.0
        return (
            lambda: nn.hardtanh(xt, lo, hi, out=ot),
            lambda: aten.hardtanh_backward.grad_input(gt, xt, lo, hi, grad_input=ot),
        )
    if name == "hard_sigmoid":
        if config.get("kind", "relu6") != "relu6":
            return None  # PyTorch has the relu6 hard sigmoid only
        return (
            lambda: nn.hardsigmoid(xt, out=ot),
            lambda: aten.hardsigmoid_backward.grad_input(gt, xt, grad_input=ot),
        )
    if name == "hard_swish":
        return (
            lambda: nn.hardswish(xt, out=ot),
            lambda: aten.hardswish_backward.out(gt, xt, out=ot),
        )
    if name in ("softshrink", "hardshrink"):
        lam = config.get("lambd", 0.5)
        fwd_op, bwd_op = (
            (nn.softshrink, aten.softshrink_backward)
            if name == "softshrink"
            else (torch.hardshrink, aten.hardshrink_backward)
        )
        return (
            lambda: fwd_op(xt, lam, out=ot),
            lambda: bwd_op.grad_input(gt, xt, lam, grad_input=ot),
        )
    if name == "exponential":
        yt = torch.exp(xt)
        return (lambda: torch.exp(xt, out=ot)), (lambda: torch.mul(gt, yt, out=ot))
    # Composites: PyTorch has no kernel of its own for these; F.<name> runs the ops below.
    if name == "softsign":
        return (
            lambda: torch.div(xt, torch.abs(xt).add_(1), out=ot),
            lambda: torch.div(gt, torch.abs(xt).add_(1).square_(), out=ot),
        )
    if name == "tanhshrink":
        return (
            lambda: torch.sub(xt, torch.tanh(xt), out=ot),
            lambda: torch.mul(gt, torch.tanh(xt).square_(), out=ot),
        )
    if name == "threshold":
        th, value = config.get("threshold", 0.0), config.get("value", 0.0)
        return (
            lambda: torch.threshold(xt, th, value, out=ot),
            lambda: aten.threshold_backward.grad_input(gt, xt, th, grad_input=ot),
        )
    return None


def torch_competitor(config: Config) -> Competitor | None:
    """PyTorch's one-thread kernels for the activation ``config`` describes, or None.

    None when PyTorch is not installed or has no kernel for it. The competitor
    works on the very arrays it is given: NumPy arrays through
    ``torch.from_numpy``, GPU arrays (CuPy) through DLPack, so that on a GPU
    it times PyTorch CUDA on the same memory.

    Examples
    --------
    >>> from activations.bench._torch import torch_competitor
    >>> torch_competitor({"name": "bent_identity"}) is None
    True
    """
    if config.get("name") not in TORCH_NAMES or not reads(config) or not torch_available():
        return None
    params = dict(config)

    def competitor(x: Array, g: Array, y: Array, o: Array) -> tuple[Thunk | None, Thunk | None]:
        torch = _torch()

        def tensor(a: Any) -> Any:
            return torch.from_numpy(a) if isinstance(a, np.ndarray) else torch.from_dlpack(a)

        ops = _torch_ops(params, tensor(x), tensor(g), tensor(o))
        return (None, None) if ops is None else ops

    return competitor


#: The activations PyTorch has a kernel (or a composite F.<name>) for, by registry name (a test
#: checks each against the registry).
TORCH_NAMES = frozenset(
    {
        "relu",
        "leaky_relu",
        "prelu",
        "rrelu",
        "sigmoid",
        "tanh",
        "elu",
        "selu",
        "celu",
        "gelu",
        "silu",
        "softplus",
        "log_sigmoid",
        "mish",
        "hardtanh",
        "relu6",
        "hard_sigmoid",
        "hard_swish",
        "exponential",
        "softsign",
        "tanhshrink",
        "softshrink",
        "hardshrink",
        "threshold",
    }
)
