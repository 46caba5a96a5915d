"""What an activation does to its input distribution: sparsity, bias shift, spread, gradient size.

`output_stats` measures an in-memory input (or one it draws) and a dask
array alike; for dask, every statistic is one reduction over the chunks,
computed in one pass with bounded memory.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..backends.cupy import speaks_numpy_protocols
from ..backends.dask import is_dask_array, require_dask
from ._settings import check_int, resolve

if TYPE_CHECKING:
    from .. import BoundActivation

__all__ = ["OutputStats", "Sampler", "lazy_output_stats", "output_stats"]

#: ``sampler(rng, samples)``: draws the inputs of `output_stats` from a distribution of your choice.
Sampler = Callable[[np.random.Generator, int], ArrayLike]


@dataclass(frozen=True, kw_only=True)
class OutputStats:
    """What an activation does to its input distribution (see `output_stats`).

    Attributes
    ----------
    sparsity : float
        Fraction of outputs exactly 0.
    mean_output : float
        Mean of f(x): the bias shift passed to the next layer.
    std_output : float
        Standard deviation of f(x).
    mean_gradient, max_gradient : float
        Mean and maximum of :math:`|f'(x)|`.
    zero_gradient_fraction : float
        Fraction of inputs with f'(x) exactly 0 (no learning signal passes).
    samples : int
        How many inputs were measured.

    Examples
    --------
    >>> from activations.analysis import output_stats
    >>> stats = output_stats("relu", [-1.0, 3.0])
    >>> stats.sparsity, stats.mean_output, stats.zero_gradient_fraction
    (0.5, 1.5, 0.5)
    """

    sparsity: float
    mean_output: float
    std_output: float
    mean_gradient: float
    max_gradient: float
    zero_gradient_fraction: float
    samples: int


def _inputs(x: ArrayLike | Sampler | None, samples: int, seed: int) -> NDArray[Any]:
    """The values to measure, flat and in their own real dtype (each slice is measured in float64)."""
    check_int("samples", samples, 1)
    check_int("seed", seed, 0)
    rng = np.random.default_rng(seed)
    if x is None:
        return rng.standard_normal(samples)
    drawn = x(rng, samples) if callable(x) else x
    arr = np.asarray(drawn)
    if arr.dtype.kind not in "fiub":
        arr = arr.astype(np.float64)  # as before: a real value of another type, or a clear error
    arr = arr.ravel()
    if not arr.size:
        raise ValueError("output_stats needs at least one input value, got an empty array")
    return arr


def output_stats(
    activation: Any, x: ArrayLike | Sampler | None = None, *, samples: int = 100_000, seed: int = 0
) -> OutputStats:
    """Sparsity, bias shift, spread and gradient size of an activation on a distribution.

    Parameters
    ----------
    activation : spec
        Anything :func:`activations.get` accepts: a name, a spec string such as
        ``"leaky_relu(negative_slope=0.2)"``, a dict, or an activation.
    x : array_like or callable, optional
        The inputs. None (the default) draws ``samples`` values from N(0, 1)
        with ``numpy.random.default_rng(seed)``; a callable ``x(rng, samples)``
        draws from a distribution of your choice with that generator; an array
        is used as given (flattened, in float64). A dask array is measured
        the same way, lazily: every statistic is a dask reduction and all are
        computed together in one pass over its chunks, in bounded memory. A
        CuPy array is measured on its device; only the statistics come back.
    samples : int
        How many values to draw when ``x`` is None or a callable.
    seed : int
        Seed of the generator.

    Returns
    -------
    OutputStats

    Examples
    --------
    >>> from activations.analysis import output_stats
    >>> output_stats("sigmoid", [0.0]).mean_output
    0.5
    >>> uniform = output_stats("tanh", lambda rng, n: rng.uniform(-1, 1, n), samples=1000)
    >>> round(uniform.max_gradient, 2)
    1.0
    >>> output_stats("relu", [-1.0, 0.0, 2.0]).sparsity
    0.6666666666666666

    A dask array (here 4 values in 2 chunks) is measured lazily, in one pass:

    >>> import dask.array as da
    >>> output_stats("relu", da.from_array([-1.0, 0.0, 2.0, 3.0], chunks=2)).sparsity
    0.5
    """
    act = resolve(activation)
    if is_dask_array(x):
        return OutputStats(**lazy_output_stats(act, x))
    if speaks_numpy_protocols(x):  # CuPy: computed on the device, only the numbers come back
        return OutputStats(**_final(_device_stats(x, act)))
    arr = _inputs(x, samples, seed)
    return OutputStats(**_final(_chunk_stats(arr, act=act)))


#: Values per slice inside a chunk: f, f' and the running sums of a slice stay in cache, and a
#: chunk of any size needs no temporary larger than a slice.
SLICE = 1 << 16

#: The partial result of a chunk (or of several, merged): counts, sums and the maximum.
_STATS = np.dtype(
    [
        ("n", np.int64),
        ("zeros", np.int64),
        ("total", np.float64),  # sum of f(x)
        ("mean", np.float64),  # mean of f(x): with m2, merged as Chan et al. do (no cancellation)
        ("m2", np.float64),  # sum of (f(x) - mean)^2
        ("grad_total", np.float64),  # sum of |f'(x)|
        ("grad_max", np.float64),
        ("grad_zeros", np.int64),
    ]
)


def _merge(parts: list[np.ndarray[Any, Any]]) -> np.ndarray[Any, Any]:
    """Merge partial statistics into one (a 0-d array of `_STATS`)."""
    out = np.zeros((), dtype=_STATS)
    out["grad_max"] = -np.inf
    for part in parts:
        n_a, n_b = int(out["n"]), int(part["n"])
        if not n_b:
            continue
        n = n_a + n_b
        delta = part["mean"] - out["mean"]
        out["m2"] = out["m2"] + part["m2"] + delta * delta * (n_a * n_b / n)
        out["mean"] = out["mean"] + delta * (n_b / n)
        out["n"] = n
        for name in ("zeros", "total", "grad_total", "grad_zeros"):
            out[name] = out[name] + part[name]
        out["grad_max"] = np.maximum(out["grad_max"], part["grad_max"])  # NaN propagates, as in np.max
    return out


def _flatten(parts: Any) -> list[np.ndarray[Any, Any]]:
    """Flatten the partials of a reduction, which dask nests in lists once per axis."""
    if isinstance(parts, list):
        return [p for sub in parts for p in _flatten(sub)]
    return [parts]


def _chunk_stats(block: Any, axis: Any = None, keepdims: bool = False, *, act: Any) -> np.ndarray[Any, Any]:
    """The partial statistics of one chunk, computed slice by slice in float64 (on its GPU if it has one)."""
    if not isinstance(block, np.ndarray) and speaks_numpy_protocols(block):  # a dask array of CuPy chunks
        return _device_stats(block, act)
    flat = np.asarray(block).reshape(-1)
    parts = []
    for start in range(0, flat.size, SLICE):
        x = flat[start : start + SLICE].astype(np.float64)
        y = act.forward(x)
        grad = act.derivative(x)
        np.abs(grad, out=grad)
        part = np.zeros((), dtype=_STATS)
        part["n"] = x.size
        part["zeros"] = np.count_nonzero(y == 0.0)
        part["total"] = np.sum(y)
        part["mean"] = part["total"] / x.size
        y -= part["mean"]
        part["m2"] = np.sum(np.square(y, out=y))  # not np.dot: waking BLAS threads costs more
        part["grad_total"] = np.sum(grad)
        part["grad_max"] = np.max(grad)
        part["grad_zeros"] = np.count_nonzero(grad == 0.0)
        parts.append(part)
    return _merge(parts)


def _device_stats(x: Any, act: Any) -> np.ndarray[Any, Any]:
    """The statistics of an array on a GPU (CuPy), computed there in float64: eight numbers come back.

    Whole-array passes: a GPU needs large kernels, not the CPU's cache-sized slices.
    """
    if x.dtype.kind not in "fiub":
        raise TypeError(f"{act.name}: x must be real, got dtype {x.dtype} from {type(x).__name__}")
    flat = x.reshape(-1).astype(np.float64)
    stats = np.zeros((), dtype=_STATS)
    stats["n"] = flat.size
    if not flat.size:
        return stats
    y = act.forward(flat)
    grad = np.abs(act.derivative(flat))
    stats["zeros"] = int(np.count_nonzero(y == 0.0))
    total = np.sum(y)
    stats["total"] = float(total)
    stats["mean"] = float(total) / flat.size
    y -= stats["mean"].item()
    stats["m2"] = float(np.sum(np.square(y, out=y)))
    stats["grad_total"] = float(np.sum(grad))
    stats["grad_max"] = float(np.max(grad))
    stats["grad_zeros"] = int(np.count_nonzero(grad == 0.0))
    return stats


def _final(stats: np.ndarray[Any, Any]) -> dict[str, Any]:
    """The fields of `OutputStats` from the merged partial statistics."""
    n = int(stats["n"])
    if not n:
        raise ValueError("output_stats needs at least one input value, got an empty array")
    return {
        "sparsity": int(stats["zeros"]) / n,
        "mean_output": float(stats["total"]) / n,
        "std_output": math.sqrt(float(stats["m2"]) / n) if math.isfinite(stats["m2"]) else math.nan,
        "mean_gradient": float(stats["grad_total"]) / n,
        "max_gradient": float(stats["grad_max"]),
        "zero_gradient_fraction": int(stats["grad_zeros"]) / n,
        "samples": n,
    }


def _combine_stats(parts: Any, axis: Any = None, keepdims: bool = False) -> np.ndarray[Any, Any]:
    return _merge(_flatten(parts))


def lazy_output_stats(act: BoundActivation, x: Any) -> dict[str, Any]:
    """The fields of `activations.analysis.OutputStats` for a dask array, in one pass.

    The input is measured in float64, as an ndarray is. All the statistics
    are one dask reduction (``dask.array.reduction``): each chunk is generated
    or read once, and worked through in slices of `SLICE` values, so memory
    stays bounded by about one chunk per worker thread whatever the size of
    the array, and no temporary of a chunk's size is made. Counts (sparsity,
    zero gradients), the maximum and ``samples`` equal NumPy's exactly; the
    mean and standard deviation are summed in another order (per slice, then
    merged with Chan et al.'s formulas), so they agree to rounding. A shape
    that dask does not know (after boolean indexing) is fine: the reduction
    counts the values.

    Examples
    --------
    >>> import dask.array as da
    >>> import activations
    >>> from activations.analysis._statistics import lazy_output_stats
    >>> stats = lazy_output_stats(activations.get("relu"), da.from_array([-1.0, 0.0, 2.0, 3.0], chunks=2))
    >>> stats["sparsity"], stats["mean_output"], stats["samples"]
    (0.5, 1.25, 4)
    """
    da = require_dask("output_stats of a dask array")
    if not isinstance(x, da.Array):
        raise TypeError(
            f"{act.name}: x must be a real array or number; of the dask collections only "
            f"dask.array.Array is supported, got {type(x).__name__}"
        )
    kind = x.dtype.kind
    if kind not in "fiub" or (kind == "f" and x.dtype.itemsize > 8):
        raise TypeError(
            f"{act.name}: x must be float16, float32, float64, integer or bool, "
            f"got dtype {x.dtype} from {type(x).__name__}"
        )
    if not any(math.isnan(n) for n in x.shape) and not x.size:
        raise ValueError("output_stats needs at least one input value, got an empty array")
    lazy = da.reduction(
        x,
        functools.partial(_chunk_stats, act=act),
        _combine_stats,
        combine=_combine_stats,
        concatenate=False,
        dtype=_STATS,
        meta=np.empty((), dtype=_STATS),
        name=f"{act.name}-output-stats",
    )
    return _final(lazy.compute())
