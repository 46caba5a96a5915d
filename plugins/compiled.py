"""The compiled kernels of the bundled plugins: which one computes what, and how a plugin calls it.

Not a plugin: it registers nothing. A bundled plugin keeps its NumPy formula
as the readable reference and asks this module, in two lines per method,
whether a compiled kernel computes the same thing in one fused pass::

    def forward(self, x, /, *, out=None):
        if kernel := compiled.kernel("sigmoid_forward", x):
            return kernel(x, out=out)
        return sigmoid(x, out=out)  # the NumPy formula

`kernel` answers with

* for a float32 or float64 NumPy array: the NumPy ufunc of the C extension
  ``activations.plugins._ufuncs`` (built from ``plugins/csrc`` where a C
  compiler was found at install), unless that kernel is slower than the
  plugin's formula on this kind of machine (`NUMPY_FASTER`, measured), or
  ``ACTIVATIONS_PURE_NUMPY=1`` is set, or the extension is missing, or the
  CPU has no hardware FMA (the kernels' x86-64 baseline clone, correct but
  slow);
* for a CuPy array: the same element-wise body compiled by CuPy into an
  ``ElementwiseKernel`` (`cuda_kernel`; compiled on first use and cached by
  CuPy), unless ``ACTIVATIONS_PURE_NUMPY=1`` is set;
* for anything else (the conformance kit's `activations.testing.StandInArray`,
  float16, integers): None, so the plugin's formula computes it.

A kernel takes the plugin's arguments in order, then its parameters in x's
dtype, and ``out=``: ``kernel(x, grad_output, beta, out=out)``.

Nothing happens at import: the extension is imported by the first call of
`kernel`, `implementation`, `status` or `target`, never by ``import
activations``. The choice is made once per process: `refresh` makes it again
(after a change of the environment variable); `numpy_formulas` turns the
kernels off for a block of code (benchmarks and tests compare both paths in
one process with it).

Examples
--------
>>> import numpy as np
>>> from activations.plugins import compiled
>>> kernel = compiled.kernel("sigmoid_backward", np.zeros(3))
>>> kernel is None or kernel(np.zeros(3), np.ones(3)).tolist() == [0.25, 0.25, 0.25]
True
>>> compiled.kernel("sigmoid_backward", [0.0, 1.0]) is None  # not an ndarray: the formula
True
"""

from __future__ import annotations

import functools
import importlib
import math
import os
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
from numpy.typing import NDArray

Array = NDArray[Any]

__all__ = [
    "ENVIRONMENT_VARIABLE",
    "NUMPY_FASTER",
    "CudaKernel",
    "Kernels",
    "cuda_kernel",
    "cuda_preamble",
    "implementation",
    "kernel",
    "kernels",
    "numpy_formulas",
    "refresh",
    "status",
    "target",
    "ufuncs",
]

#: Set to 1 (or true, yes, on) to force the NumPy formulas, on the CPU and the GPU.
ENVIRONMENT_VARIABLE = "ACTIVATIONS_PURE_NUMPY"
_TRUE = frozenset({"1", "true", "yes", "on"})
_MODULE = "activations.plugins._ufuncs"
CSRC = Path(__file__).resolve().parent / "csrc"

#: Where the plugins' NumPy formulas beat the kernels on the CPU, so that the plugins keep the formula:
#: (activation, pass, dtype) -> the kernel's time over the formula's, at 1e5 elements, one thread,
#: medians of per-round ratios, from ``python benchmarks/kernels.py`` (x86-64-v4 clone, Intel Xeon
#: VM with AVX-512, 2 cores, 2026-12-04), kept where the kernel was more than 5 % slower. "backward"
#: stands for the derivative and the backward from the output too (the same kernel less or more one
#: product; they are not timed separately). numpy's tanh, and the few passes of a forward that NumPy
#: runs with SIMD exp and log1p, are hard to beat one element at a time without a table; the
#: backward passes, which NumPy needs many passes for, are where the fused kernels win (0.23-0.74).
#: Everything else that has a kernel is at least as fast compiled (the ReLU family at 1e7: 0.47-0.92
#: of the formula). The GPU always takes the fused kernel.
NUMPY_FASTER: Mapping[tuple[str, str, str], float] = {
    ("sigmoid", "forward", "float64"): 1.06,
    ("log_sigmoid", "forward", "float32"): 1.14,
    ("log_sigmoid", "forward", "float64"): 1.65,
    ("tanh", "forward", "float32"): 2.86,
    ("tanh", "forward", "float64"): 1.86,
    ("silu", "forward", "float32"): 1.17,
    ("silu", "forward", "float64"): 1.08,
    ("softplus", "forward", "float32"): 1.31,
    ("softplus", "forward", "float64"): 1.71,
    ("softplus", "backward", "float64"): 1.14,
    ("mish", "forward", "float32"): 1.15,
    ("elu", "backward", "float32"): 1.19,
    ("elu", "backward", "float64"): 1.43,
    ("celu", "forward", "float64"): 1.14,
    ("celu", "backward", "float32"): 1.09,
    ("celu", "backward", "float64"): 1.40,
}


def _forced() -> bool:
    return os.environ.get(ENVIRONMENT_VARIABLE, "").strip().lower() in _TRUE


@dataclass(frozen=True)
class _State:
    module: ModuleType | None
    reason: str


@functools.cache
def _state() -> _State:
    if _forced():
        return _State(None, f"NumPy formulas ({ENVIRONMENT_VARIABLE} is set)")
    try:
        module = importlib.import_module(_MODULE)
    except ImportError:
        return _State(None, "NumPy formulas (the compiled kernels were not built)")
    if not getattr(module, "FAST_FMA", False):
        return _State(None, f"NumPy formulas (target {module.TARGET} has no hardware FMA)")
    return _State(module, f"compiled kernels ({module.TARGET})")


_DTYPES = {"f": "float32", "d": "float64"}
#: How many `numpy_formulas` blocks are open in this context: while any is, the formulas compute.
_FORMULAS_ONLY: ContextVar[int] = ContextVar("activations_numpy_formulas", default=0)
#: (ufunc name, dtype char) -> the ufunc, for the kernels in use on the CPU; None until first asked.
_cpu: dict[tuple[str, str], Any] | None = None
#: Whether CuPy arrays take the fused kernels; None until first asked.
_gpu: bool | None = None


def _cpu_table() -> dict[tuple[str, str], Any]:
    global _cpu
    if _cpu is None:
        module = _state().module
        names = [] if module is None else list(_ufunc_arity())
        _cpu = {
            (name, char): getattr(module, name)
            for name in names
            for char, dtype in _DTYPES.items()
            if (*_split(name), dtype) not in NUMPY_FASTER
        }
    return _cpu


def _split(name: str) -> tuple[str, str]:
    """(activation, pass) of a kernel's name: ``"gelu_tanh_derivative"`` -> ``("gelu_tanh", "backward")``."""
    activation, _, direction = name.rpartition("_")
    if direction == "output":  # <activation>_backward_output
        activation = activation.removesuffix("_backward")
    return activation, "forward" if direction == "forward" else "backward"


def _gpu_enabled() -> bool:
    global _gpu
    if _gpu is None:
        _gpu = not _forced()
    return _gpu


def refresh() -> None:
    """Decide again which path computes (after a change of ``ACTIVATIONS_PURE_NUMPY``): for tests.

    Examples
    --------
    >>> from activations.plugins import compiled
    >>> compiled.refresh()
    >>> compiled.status().startswith(("compiled kernels", "NumPy formulas"))
    True
    """
    global _cpu, _gpu
    _state.cache_clear()
    _cpu = _gpu = None


def kernel(name: str, x: Any, *parameters: float) -> Callable[..., Any] | None:
    """The compiled kernel ``name`` (``"gelu_forward"`` ...) for the array x, or None for the formula.

    Parameters
    ----------
    name : str
        ``<activation>_<forward|derivative|backward|backward_output>``, as in
        ``plugins/csrc/ufuncs.c``'s table.
    x : array
        The plugin's first argument, as the core hands it over.
    *parameters : float
        The activation's parameters that the kernel gets in x's dtype. Where
        one would round to an infinity, or to zero without being zero, the
        formula computes instead (the kernels are written for finite,
        non-vanishing parameters; the formulas keep their own semantics).

    Returns
    -------
    callable or None
        A function of the plugin's arrays, then the parameters, and ``out=``:
        a NumPy ufunc for a float32 or float64 ndarray, a CuPy
        ``ElementwiseKernel`` for a CuPy array; None where the plugin's NumPy
        formula is to compute (see the module's docstring).

    Examples
    --------
    >>> import numpy as np
    >>> from activations.plugins import compiled
    >>> elu = compiled.kernel("elu_forward", np.zeros(2))
    >>> elu is None or elu(np.array([-1.0, 2.0]), 1.0).round(6).tolist() == [-0.632121, 2.0]
    True
    >>> compiled.kernel("elu_forward", np.zeros(2, np.float16)) is None  # the core upcasts float16 first
    True
    >>> compiled.kernel("elu_forward", np.zeros(2, np.float32), 1e39) is None  # alpha is inf in float32
    True
    """
    if _FORMULAS_ONLY.get():
        return None
    if isinstance(x, np.ndarray):
        table = _cpu if _cpu is not None else _cpu_table()
        found = table.get((name, x.dtype.char))
    elif type(x).__module__.startswith("cupy") and _gpu_enabled():
        found = _cupy_kernel(name, x.dtype.char)
    else:
        return None
    if found is not None and parameters and not _parameters_hold(x.dtype.char, parameters):
        return None
    return found


#: Per dtype, the open range of |p| that rounds to a finite, non-zero value in it.
_FINITE_NONZERO = {"f": (2.0**-150, 2.0**128 - 2.0**103), "d": (0.0, math.inf)}


def _parameters_hold(char: str, parameters: tuple[float, ...]) -> bool:
    """Whether each parameter keeps its meaning in the dtype: finite there, and 0 only if it is 0."""
    low, high = _FINITE_NONZERO.get(char, (0.0, math.inf))
    return all(p == 0 or low < abs(p) < high for p in parameters)


@contextmanager
def numpy_formulas() -> Iterator[None]:
    """Within the block, the bundled plugins compute with their NumPy formulas.

    For benchmarks and tests that compare the two paths in one process; the
    environment variable ``ACTIVATIONS_PURE_NUMPY`` does it for a whole
    process. The switch is a context variable: it holds in this thread (or
    asyncio task) only, and blocks may nest or overlap in any order.

    Examples
    --------
    >>> import numpy as np
    >>> import activations
    >>> from activations.plugins import compiled
    >>> gelu = activations.get("gelu")
    >>> with compiled.numpy_formulas():
    ...     gelu.implementation["forward"]
    {'float32': 'numpy', 'float64': 'numpy'}
    """
    _FORMULAS_ONLY.set(_FORMULAS_ONLY.get() + 1)  # a depth, not a token: blocks may exit in any order
    try:
        yield
    finally:
        _FORMULAS_ONLY.set(_FORMULAS_ONLY.get() - 1)


def implementation(activation: str | None, *parameters: float) -> dict[str, dict[str, str]]:
    """Which path computes each method of a bundled activation for NumPy arrays of each dtype.

    Parameters
    ----------
    activation : str or None
        The kernels' prefix (``"gelu_tanh"`` for GELU's tanh form), or None
        for an activation without kernels.
    *parameters : float
        The parameters its kernels get, as for `kernel`.

    Returns
    -------
    dict
        ``{method: {dtype: "compiled" or "numpy"}}`` for ``forward``,
        ``derivative`` and ``backward`` (from x), float32 and float64.

    Examples
    --------
    >>> from activations.plugins import compiled
    >>> compiled.implementation(None)["backward"]
    {'float32': 'numpy', 'float64': 'numpy'}
    """
    table = {} if _FORMULAS_ONLY.get() else _cpu if _cpu is not None else _cpu_table()
    return {
        method: {
            dtype: "compiled"
            if activation is not None
            and (f"{activation}_{method}", char) in table
            and _parameters_hold(char, parameters)
            else "numpy"
            for char, dtype in _DTYPES.items()
        }
        for method in ("forward", "derivative", "backward")
    }


def ufuncs() -> ModuleType | None:
    """The module of compiled ufuncs, or None where the NumPy formulas are to be used.

    Examples
    --------
    >>> import numpy as np
    >>> from activations.plugins import compiled
    >>> u = compiled.ufuncs()
    >>> u is None or float(u.sigmoid_forward(np.float64(0.0)))
    0.5
    """
    return _state().module


def target() -> str | None:
    """The instruction set the CPU kernels were dispatched to (``"x86-64-v4"`` ...), or None.

    Examples
    --------
    >>> from activations.plugins import compiled
    >>> compiled.target() is None or compiled.target().startswith(("x86-64", "single"))
    True
    """
    module = _state().module
    return None if module is None else str(module.TARGET)


def status() -> str:
    """Which path computes the bundled activations on the CPU, and why, in words.

    Examples
    --------
    >>> from activations.plugins import compiled
    >>> compiled.status().startswith(("compiled kernels", "NumPy formulas"))
    True
    """
    return _state().reason


# -- the kernels of an activation ---------------------------------------------------------------
@dataclass(frozen=True)
class Kernels:
    """Every compiled kernel of one activation, parameters bound, chosen or not (benchmarks, tests).

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
    """Every compiled kernel of an activation's ``config`` (``{"name": "silu", "beta": 1.0}``), or None.

    Unlike `kernel`, this ignores `NUMPY_FASTER`: it is how benchmarks and
    tests reach a kernel that the plugins do not call. None where the
    extension is not in use (see `status`) or no kernel computes this
    activation with these parameters (GELU's sigmoid form).

    Examples
    --------
    >>> import numpy as np
    >>> from activations.plugins import compiled
    >>> k = compiled.kernels({"name": "elu", "alpha": 1.0})
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
_HEX_FLOAT = re.compile(r"\b(0[xX][0-9a-fA-F]*\.?[0-9a-fA-F]*[pP][-+]?[0-9]+)([fFlL]?)")
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

    The very text the C extension is compiled from (``plugins/csrc``), shipped
    with the package and read on first use.

    Examples
    --------
    >>> from activations.plugins.compiled import cuda_preamble
    >>> "ak_exp_core_d" in cuda_preamble() and '#include "' not in cuda_preamble()
    True
    """

    def inline(name: str, seen: set[str]) -> str:
        if name in seen:
            return ""
        seen.add(name)
        text = (CSRC / name).read_text()
        return _INCLUDE.sub(lambda m: inline(m.group(1), seen), text)

    # C++ has hexadecimal floating literals only from C++17, and CuPy before 14 compiles with
    # --std=c++11: each becomes the shortest decimal that reads back as the same double (and so,
    # with an f suffix, as the same float).
    return _HEX_FLOAT.sub(lambda m: repr(float.fromhex(m.group(1))) + m.group(2), inline("kernels.h", set()))


@functools.cache
def _ufunc_arity() -> dict[str, int]:
    """Each ufunc of ufuncs.c's table and its number of inputs."""
    table = (CSRC / "ufuncs.c").read_text()
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"^\s+X\(([a-z][a-z0-9_]*), (\d),", table, re.M)}


def cuda_kernel(name: str, dtype: str = "float64") -> CudaKernel:
    """The ElementwiseKernel arguments of the kernel ``name`` (``"gelu_forward"`` ...) for ``dtype``.

    Inputs are named as in the plugins (``x``, ``grad_output``, ``output``, then
    the parameters), the output ``y``. ``options`` turn off the contraction of
    a*b+c into FMA (``--fmad=false``), so the GPU computes what the CPU does.

    Examples
    --------
    >>> from activations.plugins.compiled import cuda_kernel
    >>> k = cuda_kernel("silu_backward", "float32")
    >>> k.in_params
    'float32 x, float32 grad_output, float32 beta'
    >>> k.operation, k.options
    ('y = ak_silu_bwd_f(x, grad_output, beta)', ('--fmad=false',))
    """
    match = re.fullmatch(r"([a-z0-9_]+?)_(forward|derivative|backward_output|backward)", name)
    if match is None or dtype not in _CTYPES or name not in _ufunc_arity():
        raise ValueError(f"no compiled kernel {name!r} for {dtype!r}")
    activation, direction = match.groups()
    parameters = _PARAMETERS.get(activation, ())
    if activation == "threshold" and direction != "forward":
        parameters = parameters[:1]
    first = {"backward": ("x", "grad_output"), "backward_output": ("output", "grad_output")}
    inputs = (*first.get(direction, ("x",)), *parameters)
    if len(inputs) != _ufunc_arity()[name]:
        raise AssertionError(f"{name}: {inputs} against {_ufunc_arity()[name]} inputs in ufuncs.c")
    suffix = _CTYPES[dtype][1]
    return CudaKernel(
        in_params=", ".join(f"{dtype} {i}" for i in inputs),
        out_params=f"{dtype} y",
        operation=f"y = ak_{activation}_{_DIRECTIONS[direction]}_{suffix}({', '.join(inputs)})",
        name=f"activations_{name}_{suffix}",
        preamble=cuda_preamble(),
        options=("--fmad=false",),
    )


@functools.cache
def _cupy_kernel(name: str, char: str) -> Callable[..., Any] | None:
    """The CuPy kernel ``name`` for dtype ``char``, in the ufunc's calling convention; None if none."""
    dtype = _DTYPES.get(char)
    if dtype is None or name not in _ufunc_arity():
        return None
    cupy = importlib.import_module("cupy")  # x is a CuPy array: CuPy is imported already
    elementwise = cupy.ElementwiseKernel(**vars(cuda_kernel(name, dtype)))

    def call(*args: Any, out: Any = None) -> Any:
        return elementwise(*args) if out is None else elementwise(*args, out)

    return call
