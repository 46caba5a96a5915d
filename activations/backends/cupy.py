"""The CuPy backend: an activation computed on the GPU, on the caller's arrays, by the plugin itself.

CuPy arrays speak NumPy's dispatch protocols (``__array_ufunc__`` and
``__array_function__``): a plugin written with ufuncs and array methods runs
unchanged on them, each call computed on their device by CuPy. So the
bound activation hands them to the plugin as they are, with the input policy
it applies to NumPy arrays: integer and bool input computed in float64,
float16 in float32 and rounded back, ``out``, ``grad_output`` and ``output``
of the same array type, device and shape, no input modified, and a plugin
never sees an ``out`` that shares memory with an input. The plugin computes
with the input's device current (CuPy launches on the current device), no
array is copied to the host, and there is no block loop (that is for the
CPU's caches).

This backend owns CuPy arrays (recognised by their type's module, without
importing CuPy) and any other array type that speaks both protocols and
refuses conversion to NumPy, as CuPy does: `activations.testing.StandInArray`,
the CPU stand-in that the tests and the conformance kit run plugins on.

Examples
--------
>>> import numpy as np
>>> import activations
>>> from activations.testing import StandInArray
>>> x = StandInArray(np.array([-1, 0, 2]))  # integers: computed in float64, as for NumPy
>>> activations.get("relu")(x)
StandInArray(array([0., 0., 2.]))
>>> activations.get("relu")(x, out=np.empty(3))
Traceback (most recent call last):
...
TypeError: relu: out is a numpy.ndarray and x a StandInArray: they must be arrays of one type
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from .._bound import BoundActivation

__all__ = ["on_device", "BACKEND", "speaks_numpy_protocols"]

#: Per array type: whether it speaks NumPy's protocols and refuses conversion (decided once a type).
_OWNED: dict[type, bool] = {}


def speaks_numpy_protocols(value: Any) -> bool:
    """Whether ``value`` is a CuPy array, or another array that computes through NumPy's protocols.

    CuPy's arrays are recognised by their type's module; another type must
    define ``__array_ufunc__`` and ``__array_function__`` and refuse
    ``numpy.asarray``, as CuPy's do (an array that converts, such as a pandas
    or xarray object, is converted and computed by NumPy instead). The answer
    is kept per type.

    Examples
    --------
    >>> import numpy as np
    >>> from activations.backends.cupy import speaks_numpy_protocols
    >>> from activations.testing import StandInArray
    >>> speaks_numpy_protocols(StandInArray(np.ones(2))), speaks_numpy_protocols(np.ma.ones(2))
    (True, False)
    """
    kind = type(value)
    owned = _OWNED.get(kind)
    if owned is None:
        if kind.__module__.split(".")[0] == "cupy":
            owned = True
        elif not (
            callable(getattr(kind, "__array_ufunc__", None))
            and callable(getattr(kind, "__array_function__", None))
        ):
            owned = False
        else:
            try:
                np.asarray(value)
            except TypeError:
                owned = True
            else:
                owned = False
        _OWNED[kind] = owned
    return owned


def _type_name(value: Any) -> str:
    kind = type(value)
    return (
        f"{kind.__module__.split('.')[0]}.{kind.__name__}" if kind.__module__ != "builtins" else kind.__name__
    )


def _describe(value: Any) -> str:
    return (
        "numpy.ndarray" if isinstance(value, np.ndarray) else _type_name(value).removeprefix("activations.")
    )


def _mixed(act: BoundActivation, role: str, value: Any, other_role: str, other: Any) -> TypeError:
    return TypeError(
        f"{act.name}: {role} is a {_describe(value)} and {other_role} a {_describe(other)}: "
        "they must be arrays of one type"
    )


def _like(act: BoundActivation, value: Any, x: Any, role: str) -> Any:
    """``value`` checked to be an array of x's type, on x's device, of x's shape."""
    if value is None:
        raise TypeError(f"{act.name}: {role} must be a real array, got None")
    if type(value) is not type(x):
        raise _mixed(act, role, value, "x", x)
    if getattr(value, "device", None) != getattr(x, "device", None):
        raise ValueError(
            f"{act.name}: {role} is on {value.device} and x on {x.device}: they must share a device"
        )
    if value.shape != x.shape:
        raise ValueError(
            f"{act.name}: {role} has shape {value.shape}, x has shape {x.shape}; they must match"
        )
    return value


def _real(act: BoundActivation, value: Any, role: str) -> tuple[np.dtype[Any], np.dtype[Any]]:
    """(dtype the plugin computes in, dtype of the result), or a TypeError for a dtype that is not real."""
    dtype = np.dtype(value.dtype)
    if dtype.kind not in "fiub" or (dtype.kind == "f" and dtype.itemsize > 8):
        raise TypeError(
            f"{act.name}: {role} must be float16, float32, float64, integer or bool, "
            f"got dtype {dtype} from {_describe(value)}"
        )
    return act._compute_dtype(dtype)


def _finish(
    result: Any, out: Any, into_out: bool, shape: tuple[int, ...], result_dtype: np.dtype[Any]
) -> Any:
    result = result.reshape(shape)
    if result.dtype != result_dtype:
        result = result.astype(result_dtype)  # float16: computed in float32, rounded once
    if out is None:
        return result
    if not into_out:
        np.copyto(out, result)
    return out


def _check_out(act: BoundActivation, out: Any, x: Any, result_dtype: np.dtype[Any]) -> None:
    _like(act, out, x, "out")
    if out.dtype != result_dtype:
        raise TypeError(f"{act.name}: out has dtype {out.dtype}, the result needs {result_dtype}")


def on_device(x: Any) -> Any:
    """A context in which the plugin computes on ``x``'s device: ``x.device`` where that is one.

    CuPy launches kernels and allocates on the *current* device, whatever
    device the operands are on, so a plugin's call on an array of another
    GPU would compute (or fail) on the wrong one: ``cupy.cuda.Device`` is a
    context manager that makes it current. An array whose ``device`` is not
    one (the stand-in's ``"cpu"``) gets a context that does nothing.

    Examples
    --------
    >>> import numpy as np
    >>> from activations.backends.cupy import on_device
    >>> from activations.testing import StandInArray
    >>> with on_device(StandInArray(np.ones(2))):
    ...     pass
    """
    device = getattr(x, "device", None)
    if hasattr(device, "__enter__") and hasattr(device, "__exit__"):
        return device
    return contextlib.nullcontext()


class _CuPy:
    """The backend of arrays that compute through NumPy's protocols (CuPy's)."""

    name = "cupy"

    def owns(self, value: Any) -> bool:
        return speaks_numpy_protocols(value)

    def elementwise(self, act: BoundActivation, forward: bool, x: Any, out: Any) -> Any:
        if not speaks_numpy_protocols(x):  # a NumPy x with a CuPy out
            raise _mixed(act, "out", out, "x", x)
        compute, result_dtype = _real(act, x, "x")
        arr = x if x.dtype == compute else x.astype(compute)
        target = None
        if out is not None:
            _check_out(act, out, x, result_dtype)
            if out.dtype == compute and not np.may_share_memory(out, arr):
                target = out
        shape = arr.shape
        if not shape:  # plugins see at least 1-d arrays
            arr = arr.reshape(1)
            target = None if target is None else target.reshape(1)
        method = act.plugin.forward if forward else act.plugin.derivative
        with on_device(x):
            result = method(arr, out=target)
            if target is not None and result is not target:  # a plugin that returned a new array
                np.copyto(target, result)
            return _finish(result, out, target is not None, shape, result_dtype)

    def parameter_backward(
        self, act: BoundActivation, x: Any, grad_output: Any, output: Any
    ) -> dict[str, Any]:
        """The sums on the device, as 0-d arrays there: nothing comes back to the host."""
        arr, grad, output, _ = self._operands(act, x, grad_output, output, None)
        if not arr.shape:
            arr, grad = arr.reshape(1), grad.reshape(1)
            output = None if output is None else output.reshape(1)
        with on_device(x):
            sums = act.plugin.parameter_backward(arr, grad, output=output)
        return {name: act._parameter_sum(sums, name) for name in act.learnable}

    def _operands(
        self, act: BoundActivation, x: Any, grad_output: Any, output: Any, out: Any
    ) -> tuple[Any, Any, Any, np.dtype[Any]]:
        """x, grad_output, output checked, in the compute dtype (output None if it would cost accuracy)."""
        roles = ((x, "x"), (grad_output, "grad_output"), (output, "output"), (out, "out"))
        owner, owner_role = next((v, r) for v, r in roles if v is not None and speaks_numpy_protocols(v))
        for value, role in roles[:2]:
            if type(value) is not type(owner):
                raise _mixed(act, role, value, owner_role, owner)
        compute, result_dtype = _real(act, x, "x")
        _real(act, grad_output, "grad_output")
        arr = x if x.dtype == compute else x.astype(compute)
        grad = _like(act, grad_output, x, "grad_output")
        grad = grad if grad.dtype == compute else grad.astype(compute)
        if output is not None:
            _like(act, output, x, "output")
            _real(act, output, "output")
            # A float16 (or integer) output holds less than the plugin would compute from x: dropped.
            output = output if output.dtype == compute else None
        return arr, grad, output, result_dtype

    def backward(self, act: BoundActivation, x: Any, grad_output: Any, output: Any, out: Any) -> Any:
        arr, grad, output, result_dtype = self._operands(act, x, grad_output, output, out)
        compute = arr.dtype
        target = None
        if out is not None:
            _check_out(act, out, x, result_dtype)
            inputs = [arr, grad] if output is None else [arr, grad, output]
            if out.dtype == compute and not any(np.may_share_memory(out, a) for a in inputs):
                target = out
        shape = arr.shape
        if not shape:
            arr, grad = arr.reshape(1), grad.reshape(1)
            output = None if output is None else output.reshape(1)
            target = None if target is None else target.reshape(1)
        with on_device(x):
            result = act.plugin.backward(arr, grad, output=output, out=target)
            if target is not None and result is not target:  # a plugin that returned a new array
                np.copyto(target, result)
            return _finish(result, out, target is not None, shape, result_dtype)


#: The CuPy backend (see `activations.backends.BACKENDS`).
BACKEND = _CuPy()
