"""The compiled kernels: found lazily, refused on request, and their CUDA source.

Not a plugin: it registers nothing. The bundled plugins compute with their
NumPy formulas; this module is how they reach the compiled ufuncs of
``activations.plugins._ufuncs`` (one fused pass each, built from
``plugins/csrc`` where a C compiler was found at install), and how a CuPy
backend gets the very same element-wise bodies as CUDA source.

* Nothing happens at import: the extension is imported on the first call of
  `ufuncs`, `available`, `target` or `status`, never by ``import activations``.
* ``ACTIVATIONS_PURE_NUMPY=1`` (or ``true``, ``yes``, ``on``) forces the NumPy
  formulas, as does a build without the extension, or one whose selected
  target has no hardware FMA (the x86-64 baseline clone, where the kernels'
  ``fma()`` is a libm call: correct but slow). The choice is made once per
  process; `refresh` makes it again (for tests).
* `cuda_kernel` returns the arguments of a ``cupy.ElementwiseKernel`` for one
  kernel; CuPy is never imported here.
"""

from __future__ import annotations

import functools
import importlib
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from numpy.typing import NDArray

Array = NDArray[Any]

__all__ = [
    "ENVIRONMENT_VARIABLE",
    "CudaKernel",
    "Kernels",
    "available",
    "cuda_kernel",
    "cuda_preamble",
    "kernels",
    "refresh",
    "status",
    "target",
    "ufuncs",
]

#: Set to 1 to force the NumPy formulas.
ENVIRONMENT_VARIABLE = "ACTIVATIONS_PURE_NUMPY"
_TRUE = frozenset({"1", "true", "yes", "on"})
_MODULE = "activations.plugins._ufuncs"
CSRC = Path(__file__).resolve().parent / "csrc"


@dataclass(frozen=True)
class _State:
    module: ModuleType | None
    reason: str


@functools.cache
def _state() -> _State:
    if os.environ.get(ENVIRONMENT_VARIABLE, "").strip().lower() in _TRUE:
        return _State(None, f"NumPy formulas ({ENVIRONMENT_VARIABLE} is set)")
    try:
        module = importlib.import_module(_MODULE)
    except ImportError:
        return _State(None, "NumPy formulas (the compiled kernels were not built)")
    if not getattr(module, "FAST_FMA", False):
        return _State(None, f"NumPy formulas (target {module.TARGET} has no hardware FMA)")
    return _State(module, f"compiled kernels ({module.TARGET})")


def refresh() -> None:
    """Decide again (after a change of ``ACTIVATIONS_PURE_NUMPY``): for tests.

    Examples
    --------
    >>> from activations.plugins import _compiled
    >>> _compiled.refresh()
    >>> _compiled.available() in (True, False)
    True
    """
    _state.cache_clear()


def ufuncs() -> ModuleType | None:
    """The module of compiled ufuncs, or None where the NumPy formulas are to be used.

    Examples
    --------
    >>> import numpy as np
    >>> from activations.plugins import _compiled
    >>> u = _compiled.ufuncs()
    >>> u is None or float(u.sigmoid_forward(np.float64(0.0)))
    0.5
    """
    return _state().module


def available() -> bool:
    """Whether the compiled kernels are in use.

    Examples
    --------
    >>> from activations.plugins import _compiled
    >>> isinstance(_compiled.available(), bool)
    True
    """
    return _state().module is not None


def target() -> str | None:
    """The instruction set the kernels were dispatched to (``"x86-64-v4"`` ...), or None.

    Examples
    --------
    >>> from activations.plugins import _compiled
    >>> _compiled.target() is None or _compiled.target().startswith(("x86-64", "single"))
    True
    """
    module = _state().module
    return None if module is None else str(module.TARGET)


def status() -> str:
    """Which path computes the bundled activations, and why, in words.

    Examples
    --------
    >>> from activations.plugins import _compiled
    >>> _compiled.status().startswith(("compiled kernels", "NumPy formulas"))
    True
    """
    return _state().reason


# -- the kernels of an activation ---------------------------------------------------------------
@dataclass(frozen=True)
class Kernels:
    """The compiled kernels of one activation with its parameters bound, in the plugins' signatures.

    ``forward(x, out)``, ``derivative(x, out)``, ``backward(x, grad_output, out)``
    and, where the output form keeps full accuracy, ``backward_output(output,
    grad_output, out)`` (else None); each parameter is passed in x's dtype.
    """

    forward: Callable[[Array, Array | None], Array]
    derivative: Callable[[Array, Array | None], Array]
    backward: Callable[[Array, Array, Array | None], Array]
    backward_output: Callable[[Array, Array, Array | None], Array] | None


def _bind(ufunc: Any, *params: float) -> Callable[..., Array]:
    def call(*arrays: Array) -> Array:
        *inputs, out = arrays
        kind = inputs[0].dtype.type
        result: Array = ufunc(*inputs, *(kind(p) for p in params), out=out)
        return result

    return call


def kernels(config: Mapping[str, Any]) -> Kernels | None:
    """The compiled kernels of an activation's ``config`` (``{"name": "silu", "beta": 1.0}``), or None.

    None where the NumPy formulas are in use (see `available`) or no kernel
    computes this activation with these parameters (GELU's sigmoid form).

    Examples
    --------
    >>> import numpy as np
    >>> from activations.plugins import _compiled
    >>> k = _compiled.kernels({"name": "elu", "alpha": 1.0})
    >>> k is None or k.forward(np.array([-1.0, 2.0]), None).round(6).tolist()
    [-0.632121, 2.0]
    """
    module = ufuncs()
    name = str(config["name"])
    if module is None:
        return None
    if name == "gelu":
        form = {"none": "gelu", "tanh": "gelu_tanh"}.get(str(config.get("approximate", "none")))
        if form is None:
            return None
        name = form
    if not hasattr(module, f"{name}_forward"):
        return None
    params = tuple(float(config[p]) for p in _PARAMETERS.get(name, ()))
    backward_params = params[:1] if name == "threshold" else params
    output = getattr(module, f"{name}_backward_output", None)
    if name == "softplus" and params[0] > 1:
        output = None  # -expm1(-beta y): beta y could overflow
    return Kernels(
        forward=_bind(getattr(module, f"{name}_forward"), *params),
        derivative=_bind(getattr(module, f"{name}_derivative"), *backward_params),
        backward=_bind(getattr(module, f"{name}_backward"), *backward_params),
        backward_output=None if output is None else _bind(output, *backward_params),
    )


# -- CUDA -----------------------------------------------------------------------------------------
_INCLUDE = re.compile(r'^#include "([a-z_]+\.h)"\s*$', re.MULTILINE)
#: The parameters of each activation's kernels, in order (the threshold's value enters the forward only).
_PARAMETERS = {
    "leaky_relu": ("negative_slope",),
    "hardtanh": ("min_val", "max_val"),
    "threshold": ("threshold", "value"),
    "softplus": ("beta",),
    "silu": ("beta",),
    "elu": ("alpha",),
    "celu": ("alpha",),
}
_DIRECTIONS = {"forward": "fwd", "derivative": "der", "backward": "bwd", "backward_output": "bwo"}
_CTYPES = {"float32": ("float", "f"), "float64": ("double", "d")}


@dataclass(frozen=True)
class CudaKernel:
    """The arguments of ``cupy.ElementwiseKernel`` for one kernel: ``cupy.ElementwiseKernel(**vars(k))``."""

    in_params: str
    out_params: str
    operation: str
    name: str
    preamble: str
    options: tuple[str, ...]


@functools.cache
def cuda_preamble() -> str:
    """kernels.h with the headers it includes inlined: the kernels' CUDA source, for NVRTC.

    Examples
    --------
    >>> from activations.plugins._compiled import cuda_preamble
    >>> "ak_exp_core_d" in cuda_preamble() and '#include "' not in cuda_preamble()
    True
    """

    def inline(name: str, seen: set[str]) -> str:
        if name in seen:
            return ""
        seen.add(name)
        text = (CSRC / name).read_text()
        return _INCLUDE.sub(lambda m: inline(m.group(1), seen), text)

    return inline("kernels.h", set())


@functools.cache
def _ufunc_arity() -> dict[str, int]:
    """Each public ufunc of ufuncs.c's table and its number of inputs."""
    table = (CSRC / "ufuncs.c").read_text()
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"^\s+X\(([a-z][a-z0-9_]*), (\d),", table, re.M)}


def cuda_kernel(name: str, dtype: str = "float64") -> CudaKernel:
    """The ElementwiseKernel arguments of the ufunc ``name`` (``"gelu_forward"`` ...) for ``dtype``.

    Inputs are named as in the plugins (``x``, ``grad_output``, ``output``, then
    the parameters), the output ``y``. ``options`` turn off the contraction of
    a*b+c into FMA (``--fmad=false``), so the GPU computes what the CPU does.

    Examples
    --------
    >>> from activations.plugins._compiled import cuda_kernel
    >>> k = cuda_kernel("silu_backward", "float32")
    >>> k.in_params
    'float32 x, float32 grad_output, float32 beta'
    >>> k.operation, k.options
    ('y = ak_silu_bwd_f(x, grad_output, beta)', ('--fmad=false',))
    """
    match = re.fullmatch(r"([a-z0-9_]+?)_(forward|derivative|backward_output|backward)", name)
    if match is None or dtype not in _CTYPES:
        raise ValueError(f"no compiled kernel {name!r} for {dtype!r}")
    activation, direction = match.groups()
    if name not in _ufunc_arity():
        raise ValueError(f"no compiled kernel {name!r}")
    parameters = _PARAMETERS.get(activation, ())
    if activation == "threshold" and direction != "forward":
        parameters = parameters[:1]
    first = {"backward": ("x", "grad_output"), "backward_output": ("output", "grad_output")}
    inputs = (*first.get(direction, ("x",)), *parameters)
    assert len(inputs) == _ufunc_arity()[name], (name, inputs)
    suffix = _CTYPES[dtype][1]
    return CudaKernel(
        in_params=", ".join(f"{dtype} {i}" for i in inputs),
        out_params=f"{dtype} y",
        operation=f"y = ak_{activation}_{_DIRECTIONS[direction]}_{suffix}({', '.join(inputs)})",
        name=f"activations_{name}_{suffix}",
        preamble=cuda_preamble(),
        options=("--fmad=false",),
    )
