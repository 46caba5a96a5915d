"""The dask backend: lazy activations on dask arrays, and independent calls as dask tasks.

Importing this module imports no dask: `is_dask_array` recognises a dask
array by its type's module and the ``__dask_graph__`` protocol attribute, and
every function that needs dask imports it when called. Without the ``dask``
extra those functions raise a `ModuleNotFoundError` that names the extra
(a dask array cannot exist without dask, so activations never get there).

* `map_elementwise` and `map_backward`: what `BoundActivation` hands a dask
  array to. The result is a lazy dask array mapped block by block (over the
  input's own chunks) with the bound activation's own public methods, so the
  whole input policy (float16, integer and bool input, the ``grad_output``
  checks) applies to every block exactly as it does to an ndarray, and the
  result's dtype is the one NumPy input would give. Nothing is computed.
* `run_tasks`: independent calls (the seeds of a comparison) as dask tasks,
  on a local scheduler or a ``dask.distributed`` cluster, results in order.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from .._bound import BoundActivation

__all__ = [
    "BACKEND",
    "LOCAL_SCHEDULERS",
    "MISSING_DASK",
    "check_scheduler",
    "is_dask_array",
    "map_backward",
    "map_elementwise",
    "map_parameter_backward",
    "require_dask",
    "require_distributed",
    "run_tasks",
]

#: The tail of the message when the ``dask`` extra is missing.
MISSING_DASK = "needs the 'dask' extra: pip install 'pluggable-activations[dask]'"

#: The schedulers of dask itself (no cluster): names that `run_tasks` accepts besides an address.
LOCAL_SCHEDULERS = ("synchronous", "threads", "processes")


def is_dask_array(value: Any) -> bool:
    """Whether ``value`` is a dask collection, recognised without importing dask.

    Examples
    --------
    >>> import numpy as np
    >>> from activations.backends.dask import is_dask_array
    >>> is_dask_array(np.ones(3)), is_dask_array([1.0])
    (False, False)
    >>> import dask.array as da
    >>> is_dask_array(da.ones(3, chunks=2))
    True
    """
    # hasattr first: on anything else it fails in a few tens of nanoseconds (the slow path pays it)
    return hasattr(value, "__dask_graph__") and type(value).__module__.startswith("dask.")


def require_dask(feature: str) -> Any:
    """Import and return ``dask.array``, or raise a one-line error naming the extra.

    Parameters
    ----------
    feature : str
        What needs dask, for the message (e.g. ``"compare(seeds=...)"``).

    Raises
    ------
    ModuleNotFoundError
        dask (with its array dependencies) is not installed.

    Examples
    --------
    >>> from activations.backends.dask import require_dask
    >>> require_dask("this example").__name__
    'dask.array'
    """
    try:
        import dask  # noqa: F401 - first, so a cached submodule cannot hide a missing package
        import dask.array as da
    except ImportError:
        raise ModuleNotFoundError(f"{feature} {MISSING_DASK}", name="dask") from None
    return da


def require_distributed(feature: str) -> Any:
    """Import and return ``distributed``, or raise a one-line error naming the extra.

    Examples
    --------
    >>> from activations.backends.dask import require_distributed
    >>> require_distributed("this example").__name__
    'distributed'
    """
    require_dask(feature)
    try:
        import distributed
    except ImportError:
        raise ModuleNotFoundError(f"{feature} {MISSING_DASK}", name="distributed") from None
    return distributed


# -- lazy activations ---------------------------------------------------------
def _check_dtype(act: BoundActivation, value: Any, role: str) -> None:
    """The core's dtype rule, on a dask array's declared dtype (nothing is computed)."""
    kind = value.dtype.kind
    if kind not in "fiub" or (kind == "f" and value.dtype.itemsize > 8):
        raise TypeError(
            f"{act.name}: {role} must be float16, float32, float64, integer or bool, "
            f"got dtype {value.dtype} from {type(value).__name__}"
        )


def _refuse_out(act: BoundActivation, out: Any) -> None:
    if out is not None:
        raise TypeError(
            f"{act.name}: out= cannot be used with a dask array input; "
            "dask arrays are immutable: use the lazy array returned"
        )


def _array(da: Any, act: BoundActivation, value: Any, role: str) -> Any:
    if not isinstance(value, da.Array):
        raise TypeError(
            f"{act.name}: {role} must be a real array or number; of the dask collections only "
            f"dask.array.Array is supported, got {type(value).__name__}"
        )
    _check_dtype(act, value, role)
    return value


def _meta(ndim: int, dtype: np.dtype[Any]) -> np.ndarray[Any, Any]:
    return np.empty((0,) * ndim, dtype=dtype)


def map_elementwise(act: BoundActivation, forward: bool, x: Any, out: Any) -> Any:
    """``act.forward(x)`` (or ``act.derivative(x)``) of a dask array, as a lazy dask array.

    Each block goes through the bound activation's own method; the result has
    ``x``'s chunks and the dtype NumPy input of ``x``'s dtype gives.

    Parameters
    ----------
    act : BoundActivation
        The activation.
    forward : bool
        True for ``forward``, False for ``derivative``.
    x : dask.array.Array
        The input.
    out : None
        Must be None: a dask array cannot be written to.

    Examples
    --------
    >>> import dask.array as da
    >>> import activations
    >>> from activations.backends.dask import map_elementwise
    >>> x = da.arange(-2, 3, chunks=2)
    >>> y = map_elementwise(activations.get("relu"), True, x, None)
    >>> y.dtype, y.chunks, y.compute().tolist()
    (dtype('float64'), ((2, 2, 1),), [0.0, 0.0, 0.0, 1.0, 2.0])
    """
    da = require_dask("a dask array input")
    _refuse_out(act, out)
    x = _array(da, act, x, "x")
    dtype = act._compute_dtype(x.dtype)[1]
    method, label = (act.forward, "forward") if forward else (act.derivative, "derivative")
    return da.map_blocks(method, x, dtype=dtype, meta=_meta(x.ndim, dtype), token=f"{act.name}-{label}")


def _backward_with_output(act: BoundActivation, x: Any, grad: Any, output: Any) -> Any:
    return act.backward(x, grad, output=output)


def _known(shape: tuple[float, ...]) -> bool:
    return not any(math.isnan(s) for s in shape)


def map_backward(act: BoundActivation, x: Any, grad_output: Any, output: Any, out: Any) -> Any:
    """``act.backward(x, grad_output, output=output)`` when any of them is a dask array, lazily.

    Operands that are not dask arrays are checked as the core checks them and
    chunked like the dask one; shapes must match (no broadcasting).

    Examples
    --------
    >>> import dask.array as da
    >>> import activations
    >>> from activations.backends.dask import map_backward
    >>> x = da.from_array([-1.0, 2.0, 3.0], chunks=2)
    >>> map_backward(activations.get("relu"), x, [5.0, 5.0, 5.0], None, None).compute()
    array([0., 5., 5.])
    """
    da = require_dask("a dask array input")
    _refuse_out(act, out)
    x, grad, given = _backward_operands(da, act, x, grad_output, output)
    dtype = act._compute_dtype(x.dtype)[1]
    meta = _meta(x.ndim, dtype)
    if given is None:
        return da.map_blocks(act.backward, x, grad, dtype=dtype, meta=meta, token=f"{act.name}-backward")
    return da.map_blocks(
        functools.partial(_backward_with_output, act),
        x,
        grad,
        given,
        dtype=dtype,
        meta=meta,
        token=f"{act.name}-backward",
    )


def _backward_operands(
    da: Any, act: BoundActivation, x: Any, grad_output: Any, output: Any
) -> tuple[Any, ...]:
    """x, grad_output and output (or None) as dask arrays of x's chunks, checked as the core checks them."""
    ref = next(v for v in (x, grad_output, output) if is_dask_array(v))
    ref = _array(da, act, ref, "x" if ref is x else "grad_output" if ref is grad_output else "output")

    def as_dask(value: Any, role: str) -> Any:
        if is_dask_array(value):
            return _array(da, act, value, role)
        arr = act._coerce(value, role)  # the core's own checks and messages
        if not _known(ref.shape):
            raise ValueError(
                f"{act.name}: {role} is not a dask array and the dask input has unknown chunk sizes; "
                "call compute_chunk_sizes() on it first"
            )
        if arr.shape != ref.shape:
            return arr  # the shape check below reports it
        return da.from_array(arr, chunks=ref.chunks)

    x = as_dask(x, "x")
    grad = as_dask(grad_output, "grad_output")
    if _known(x.shape) and _known(grad.shape) and grad.shape != x.shape:
        raise ValueError(
            f"{act.name}: grad_output has shape {grad.shape}, x has shape {x.shape}; "
            "they must match (no broadcasting)"
        )
    if grad.chunks != x.chunks:  # blockwise needs the blocks to line up: x's chunks rule
        grad = grad.rechunk(x.chunks)
    if output is None:
        return x, grad, None
    given = as_dask(output, "output")
    if _known(x.shape) and _known(given.shape) and given.shape != x.shape:
        raise ValueError(f"{act.name}: output has shape {given.shape}, x has shape {x.shape}")
    if given.chunks != x.chunks:
        given = given.rechunk(x.chunks)
    return x, grad, given


def _block_parameter_sum(act: BoundActivation, name: str, x: Any, grad: Any, *output: Any) -> Any:
    """One block's sum for the learnable parameter ``name``, as an array of one element per axis."""
    total = act.parameter_backward(x, grad, output=output[0] if output else None)[name]
    return np.full((1,) * x.ndim, total)


def map_parameter_backward(act: BoundActivation, x: Any, grad_output: Any, output: Any) -> dict[str, Any]:
    """``act.parameter_backward(x, grad_output, output=output)`` of dask arrays: a lazy 0-d sum per parameter.

    Each block's sums come from the bound activation's own method, then are
    added up; nothing is computed until the caller asks (``dask.compute(*d.values())``).

    Examples
    --------
    >>> import dask.array as da
    >>> import activations
    >>> from activations.backends.dask import map_parameter_backward
    >>> x = da.from_array([-2.0, -1.0, 3.0, -4.0], chunks=2)
    >>> sums = map_parameter_backward(activations.get("prelu"), x, da.ones(4, chunks=2), None)
    >>> float(sums["weight"].compute())
    -7.0
    """
    da = require_dask("a dask array input")
    x, grad, given = _backward_operands(da, act, x, grad_output, output)
    ones = tuple((1,) * len(c) for c in x.chunks)
    operands = (x, grad) if given is None else (x, grad, given)
    return {
        name: da.map_blocks(
            functools.partial(_block_parameter_sum, act, name),
            *operands,
            chunks=ones,
            dtype=np.float64,
            meta=np.empty((0,) * x.ndim, np.float64),
            token=f"{act.name}-parameter-backward-{name}",
        ).sum()
        for name in act.learnable
    }


class _Dask:
    """The dask backend, as `activations.backends.find` returns it."""

    name = "dask"

    def owns(self, value: Any) -> bool:
        return is_dask_array(value)

    def elementwise(self, act: BoundActivation, forward: bool, x: Any, out: Any) -> Any:
        return map_elementwise(act, forward, x, out)

    def backward(self, act: BoundActivation, x: Any, grad_output: Any, output: Any, out: Any) -> Any:
        return map_backward(act, x, grad_output, output, out)

    def parameter_backward(
        self, act: BoundActivation, x: Any, grad_output: Any, output: Any
    ) -> dict[str, Any]:
        return map_parameter_backward(act, x, grad_output, output)


#: The dask backend (see `activations.backends.BACKENDS`).
BACKEND = _Dask()


# -- independent runs as tasks --------------------------------------------------
def _is_address(scheduler: str) -> bool:
    return "://" in scheduler or ":" in scheduler


def check_scheduler(scheduler: Any) -> None:
    """Raise a ValueError unless ``scheduler`` is one `run_tasks` accepts.

    Accepted: None (dask's default: the current ``distributed.Client`` if
    there is one, else threads), ``"synchronous"``, ``"threads"``,
    ``"processes"``, a scheduler address such as ``"tcp://10.0.0.5:8786"``,
    or a ``distributed.Client``.

    Examples
    --------
    >>> from activations.backends.dask import check_scheduler
    >>> check_scheduler("processes"), check_scheduler("tcp://127.0.0.1:8786")
    (None, None)
    >>> check_scheduler("procesess")
    Traceback (most recent call last):
    ...
    ValueError: scheduler must be 'synchronous', 'threads', 'processes', a scheduler address \
such as 'tcp://127.0.0.1:8786' or a distributed.Client, got 'procesess'
    """
    if scheduler is None or hasattr(scheduler, "submit"):
        return
    if isinstance(scheduler, str) and (scheduler in LOCAL_SCHEDULERS or _is_address(scheduler)):
        return
    raise ValueError(
        "scheduler must be 'synchronous', 'threads', 'processes', a scheduler address "
        f"such as 'tcp://127.0.0.1:8786' or a distributed.Client, got {scheduler!r}"
    )


def run_tasks(
    func: Callable[..., Any],
    calls: Sequence[tuple[Any, ...]],
    *,
    scheduler: Any = None,
    feature: str = "running tasks",
    done: Callable[[int], None] | None = None,
) -> list[Any]:
    """``[func(*args) for args in calls]``, each call a dask task; results in the order of ``calls``.

    Parameters
    ----------
    func : callable
        A module-level function (worker processes import it by name).
    calls : sequence of tuple
        The arguments of each call; they are pickled to reach other processes.
    scheduler : None, str or distributed.Client
        See `check_scheduler`. A ``distributed.Client`` made here from an
        address is closed before returning; a given one is left open.
    feature : str
        What needs dask, for the message when it is missing.
    done : callable, optional
        ``done(i)`` when call ``i`` has finished, in completion order.

    Returns
    -------
    list
        The results, in the order of ``calls``: the same as calling ``func``
        one call after another.

    Examples
    --------
    >>> from operator import add
    >>> from activations.backends.dask import run_tasks
    >>> run_tasks(add, [(1, 2), (3, 4)], scheduler="synchronous")
    [3, 7]
    """
    check_scheduler(scheduler)
    require_dask(feature)
    if isinstance(scheduler, str) and _is_address(scheduler):
        distributed = require_distributed(feature)
        with distributed.Client(scheduler) as client:
            return _run_on_client(client, func, calls, done)
    if scheduler is not None and not isinstance(scheduler, str):
        return _run_on_client(scheduler, func, calls, done)
    return _run_locally(func, calls, scheduler, done)


def _run_locally(
    func: Callable[..., Any],
    calls: Sequence[tuple[Any, ...]],
    scheduler: str | None,
    done: Callable[[int], None] | None,
) -> list[Any]:
    import dask
    from dask.callbacks import Callback

    tasks = [dask.delayed(func, pure=False)(*args) for args in calls]  # unique keys
    keys = {task.key: i for i, task in enumerate(tasks)}

    def posttask(key: Any, *_: Any) -> None:
        if done is not None and key in keys:
            done(keys[key])

    with Callback(posttask=posttask):  # ignored by a distributed.Client (dask's default if one exists)
        return list(dask.compute(*tasks, scheduler=scheduler))


def _run_on_client(
    client: Any,
    func: Callable[..., Any],
    calls: Sequence[tuple[Any, ...]],
    done: Callable[[int], None] | None,
) -> list[Any]:
    import distributed

    futures = [client.submit(func, *args, pure=False) for args in calls]
    index = {future.key: i for i, future in enumerate(futures)}
    for future in distributed.as_completed(futures):
        if done is not None:
            done(index[future.key])
    return list(client.gather(futures))
