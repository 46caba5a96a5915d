"""A CPU stand-in for a GPU array: NumPy computes underneath, CuPy's rules apply on top.

`StandInArray` is what a plugin author without a GPU runs their activation on
to find the spellings that work on NumPy but not on CuPy, and what the test
suite pushes every bundled activation through. Like ``cupy.ndarray``, it
speaks NumPy's dispatch protocols (``__array_ufunc__`` and
``__array_function__``), so a plugin written with ufuncs and array methods
runs on it unchanged, and it refuses what CuPy refuses:

* a NumPy ufunc or function CuPy has no namesake of (``np.spacing``, a
  ``np.frompyfunc`` or numba ufunc, ``scipy.special.owens_t``): TypeError,
  as CuPy finds them by name in ``cupy`` and ``cupyx.scipy.special`` (the
  names are CuPy's own, read from its source: `_cupy_names`);
* implicit conversion to NumPy (``np.asarray(a)``, ``np.array(a)``): TypeError;
* a NumPy array (even 0-d) as an operand of a ufunc: TypeError;
* ufunc keywords other than ``out``, ``dtype`` and ``casting`` (``where=``,
  ``order=``, ``subok=``, ``signature=``): TypeError;
* ufunc methods other than ``__call__``, and ``reduce`` and ``accumulate`` of
  ``add`` and ``multiply`` (``np.minimum.reduce`` ...): NotImplementedError;
* keywords CuPy's functions and methods lack: ``dtype=``, ``min=``, ``max=``
  of ``np.clip``, ``initial=`` and ``where=`` of ``np.max``, ``np.min``,
  ``np.sum``, ``x.max()``, ``x.sum()`` ..., ``where=`` of ``np.any``,
  ``keepdims=`` of ``np.count_nonzero``: TypeError;
* ``flags`` has only ``c_contiguous``, ``f_contiguous`` and ``owndata``;
* ``np.copyto`` from a NumPy array other than a scalar: ValueError; its
  ``where=`` must be a stand-in bool array;
* functions that make an array from nothing (``np.empty``, ``np.zeros``,
  ``np.linspace`` ...) return NumPy arrays, as they do for CuPy: mixing one
  into a ufunc with a stand-in then fails as it would on the GPU.

Reductions return 0-d arrays, not scalars, as CuPy's do; ``float(a)``,
``bool(a)`` and ``a.item()`` work (on CuPy they copy to the host and wait for
the device: fine at the end, costly inside a formula). ``np.errstate`` has no
effect on CuPy's kernels; the stand-in cannot model that, and keeps NumPy's.
Every refusal's message names the call, so a failed check says what to change.

Examples
--------
>>> import numpy as np
>>> from activations.testing import StandInArray
>>> x = StandInArray(np.array([-1.0, 2.0]))
>>> np.maximum(x, 0.0)
StandInArray(array([0., 2.]))
>>> np.asarray(x)
Traceback (most recent call last):
...
TypeError: Implicit conversion to a NumPy array is not allowed (as on CuPy): use .get()
>>> np.maximum.reduce(x)
Traceback (most recent call last):
...
NotImplementedError: np.maximum.reduce is not supported on CuPy: only add and multiply reduce
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._lazy import public
from ._cupy_names import CUPY, CUPY_VERSION, CUPYX_SCIPY_SPECIAL

__all__ = ["StandInArray"]

_np: Any = np  # the operators below call NumPy's ufuncs on stand-ins, which its stubs do not describe

_UFUNC_KEYWORDS = frozenset({"out", "dtype", "casting"})
_REDUCING = frozenset({"add", "multiply"})
#: Keywords that CuPy's version of a NumPy function does not take.
_REFUSED_KEYWORDS: dict[Any, frozenset[str]] = {
    np.clip: frozenset({"dtype", "min", "max", "where", "casting", "order", "subok", "signature"}),
    np.max: frozenset({"initial", "where"}),
    np.min: frozenset({"initial", "where"}),
    np.amax: frozenset({"initial", "where"}),
    np.amin: frozenset({"initial", "where"}),
    np.sum: frozenset({"initial", "where"}),
    np.prod: frozenset({"initial", "where"}),
    np.mean: frozenset({"where"}),
    np.any: frozenset({"where"}),
    np.all: frozenset({"where"}),
    np.count_nonzero: frozenset({"keepdims"}),
}
#: Keywords that CuPy's array methods do not take.
_REFUSED_METHOD_KEYWORDS: dict[str, frozenset[str]] = {
    "max": frozenset({"initial", "where"}),
    "min": frozenset({"initial", "where"}),
    "sum": frozenset({"initial", "where"}),
    "prod": frozenset({"initial", "where"}),
    "mean": frozenset({"where"}),
    "any": frozenset({"where"}),
    "all": frozenset({"where"}),
    "clip": frozenset({"dtype", "min", "max", "where", "casting", "order", "subok", "signature"}),
}


#: Functions that make an array of the input's type from host data (NEP 35's ``like=``).
_FROM_HOST = frozenset({np.asarray, np.array, np.asanyarray, np.ascontiguousarray})


def _name(func: Any) -> str:
    module = getattr(func, "__module__", None) or "numpy"
    return f"np.{func.__name__}" if module.startswith("numpy") else f"{module}.{func.__name__}"


def _unwrap(value: Any, where: str) -> Any:
    """The NumPy value underneath; a NumPy array (not a NumPy scalar) is refused, as CuPy refuses it."""
    if isinstance(value, StandInArray):
        return value._data
    if isinstance(value, np.ndarray):
        raise TypeError(
            f"{where}: a numpy.ndarray operand (shape {value.shape}) is not supported on CuPy; "
            "make constants Python or NumPy scalars, and arrays of the input's type (np.empty_like(x) ...)"
        )
    if isinstance(value, (list, tuple)):
        return type(value)(_unwrap(v, where) for v in value)
    return value


def _wrap(value: Any) -> Any:
    """NumPy results as stand-in arrays (0-d included, as CuPy's reductions return them)."""
    if isinstance(value, np.ndarray):
        return StandInArray(value)
    if isinstance(value, np.generic) and not isinstance(value, np.bool_):
        return StandInArray(np.asarray(value))
    if isinstance(value, np.bool_):
        return StandInArray(np.asarray(value))
    if isinstance(value, tuple):
        return tuple(_wrap(v) for v in value)
    return value


class _Flags:
    """The memory-layout flags CuPy's arrays have: three of NumPy's."""

    __slots__ = ("c_contiguous", "f_contiguous", "owndata")

    def __init__(self, data: np.ndarray[Any, Any]) -> None:
        self.c_contiguous = bool(data.flags.c_contiguous)
        self.f_contiguous = bool(data.flags.f_contiguous)
        self.owndata = bool(data.flags.owndata)

    def __repr__(self) -> str:
        flags = (
            ("C_CONTIGUOUS", self.c_contiguous),
            ("F_CONTIGUOUS", self.f_contiguous),
            ("OWNDATA", self.owndata),
        )
        return "\n".join(f"{name} : {value}" for name, value in flags)


def _check_cupy_has(func: Any, call: str, namespaces: tuple[frozenset[str], ...]) -> None:
    """A TypeError unless CuPy has a namesake of ``func`` (it looks NumPy's objects up by name)."""
    if not any(func.__name__ in names for names in namespaces):
        raise TypeError(
            f"{call}: CuPy {CUPY_VERSION} has no {func.__name__!r}, so it is not supported on CuPy "
            "(CuPy computes a NumPy ufunc or function only where it has one of the same name)"
        )


@public("activations.testing")
class StandInArray:
    """A NumPy array behind CuPy's surface: see the module docstring for what it refuses.

    Parameters
    ----------
    data : numpy.ndarray
        The values; kept as they are (no copy).

    Examples
    --------
    >>> import numpy as np
    >>> import activations
    >>> from activations.testing import StandInArray
    >>> x = StandInArray(np.array([-1.0, 0.0, 2.0]))
    >>> y = activations.get("relu")(x)
    >>> type(y).__name__, y.get()
    ('StandInArray', array([0., 0., 2.]))
    """

    __slots__ = ("_data",)
    __array_priority__ = 100
    _data: np.ndarray[Any, Any]

    def __init__(self, data: np.ndarray[Any, Any]) -> None:
        if not isinstance(data, np.ndarray):
            raise TypeError(f"StandInArray wraps a numpy.ndarray, got {type(data).__name__}")
        self._data = data

    # -- what CuPy refuses ---------------------------------------------------
    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray[Any, Any]:
        raise TypeError("Implicit conversion to a NumPy array is not allowed (as on CuPy): use .get()")

    def get(self) -> np.ndarray[Any, Any]:
        """A NumPy copy, as ``cupy.ndarray.get()`` copies to the host."""
        copy: np.ndarray[Any, Any] = self._data.copy()
        return copy

    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        call = f"np.{ufunc.__name__}" + ("" if method == "__call__" else f".{method}")
        _check_cupy_has(ufunc, call, (CUPY, CUPYX_SCIPY_SPECIAL))
        if method != "__call__" and not (method in ("reduce", "accumulate") and ufunc.__name__ in _REDUCING):
            raise NotImplementedError(
                f"{call} is not supported on CuPy: only add and multiply {method.rstrip('e')}e"
                if method in ("reduce", "accumulate")
                else f"{call} is not supported on CuPy"
            )
        allowed = _UFUNC_KEYWORDS | ({"axis", "keepdims"} if method != "__call__" else set())
        if ufunc.__name__ == "clip":  # CuPy maps NumPy's clip ufunc to cupy.clip(a, a_min, a_max, out=None)
            allowed = frozenset({"out"})
        unknown = sorted(set(kwargs) - allowed)
        if unknown:
            takes = (
                "clip takes only out="
                if ufunc.__name__ == "clip"
                else "ufuncs take only out=, dtype= and casting="
            )
            got = ", ".join(f"{k}=" for k in unknown)
            raise TypeError(f"{call}(..., {unknown[0]}=...): CuPy's {takes}; got {got}")
        out = kwargs.get("out")
        if out is not None:
            outs = out if isinstance(out, tuple) else (out,)
            if len(outs) != 1 or not isinstance(outs[0], StandInArray):
                raise TypeError(f"{call}: out= must be one array of the input's type (as on CuPy)")
            kwargs["out"] = (outs[0]._data,)
        args = [_unwrap(v, call) for v in inputs]
        result = getattr(ufunc, method)(*args, **kwargs)
        if out is not None:
            return out[0] if isinstance(out, tuple) else out
        return _wrap(result)

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        call = _name(func)
        if getattr(func, "__module__", "") == "numpy":  # (np.linalg ... map to CuPy's submodules)
            _check_cupy_has(func, call, (CUPY,))
        refused = sorted(set(kwargs) & _REFUSED_KEYWORDS.get(func, frozenset()))
        if refused:
            raise TypeError(
                f"{call}(..., {refused[0]}=...): CuPy's {call.split('.')[-1]} has no {refused[0]}="
            )
        if func is np.copyto:
            return self._copyto(*args, **kwargs)
        if func in _FROM_HOST:  # np.asarray(table, like=x): host data to the device is fine
            return _wrap(func(*args, **kwargs))
        out = kwargs.get("out")
        if out is not None and not isinstance(out, StandInArray):
            raise TypeError(f"{call}: out= must be an array of the input's type (as on CuPy)")
        args = [_unwrap(a, call) for a in args]
        kwargs = {k: _unwrap(v, call) for k, v in kwargs.items()}
        result = func(*args, **kwargs)
        return out if out is not None else _wrap(result)

    @staticmethod
    def _copyto(dst: Any, src: Any, casting: Any = "same_kind", where: Any = True) -> None:
        if not isinstance(dst, StandInArray):
            raise TypeError("np.copyto: the destination must be an array of the input's type (as on CuPy)")
        if isinstance(src, np.ndarray) and src.ndim:
            raise ValueError("np.copyto: a numpy.ndarray source is not supported on CuPy (a scalar is)")
        if not (where is True or (isinstance(where, StandInArray) and where.dtype == np.bool_)):
            raise TypeError(
                "np.copyto(..., where=...): the mask must be a bool array of the input's type (CuPy)"
            )
        np.copyto(
            dst._data,
            src._data if isinstance(src, StandInArray) else src,
            casting=casting,
            where=where._data if isinstance(where, StandInArray) else where,
        )

    # -- the array's own surface -----------------------------------------------
    @property
    def dtype(self) -> np.dtype[Any]:
        """The dtype (a NumPy dtype, as CuPy's is)."""
        dtype: np.dtype[Any] = self._data.dtype
        return dtype

    @property
    def shape(self) -> tuple[int, ...]:
        """The shape."""
        shape: tuple[int, ...] = self._data.shape
        return shape

    @property
    def ndim(self) -> int:
        """The number of dimensions."""
        return self._data.ndim

    @property
    def size(self) -> int:
        """The number of elements."""
        return self._data.size

    @property
    def strides(self) -> tuple[int, ...]:
        """The strides in bytes."""
        return self._data.strides

    @property
    def flags(self) -> Any:
        """The memory-layout flags CuPy has: ``c_contiguous``, ``f_contiguous``, ``owndata``."""
        return _Flags(self._data)

    @property
    def base(self) -> StandInArray | None:
        """The array this one is a view of, or None."""
        return None if self._data.base is None else StandInArray(np.asarray(self._data.base))

    @property
    def T(self) -> StandInArray:
        """The transpose."""
        return StandInArray(self._data.T)

    @property
    def device(self) -> str:
        """Where the data is: always ``"cpu"`` (the stand-in has one device)."""
        return "cpu"

    def __len__(self) -> int:
        return len(self._data)

    def __getitem__(self, key: Any) -> StandInArray:
        return StandInArray(np.asarray(self._data[_unwrap(key, "indexing")]))

    def __setitem__(self, key: Any, value: Any) -> None:
        self._data[_unwrap(key, "indexing")] = _unwrap(value, "assignment")

    def __float__(self) -> float:
        return float(self._data)

    def __int__(self) -> int:
        return int(self._data)

    def __bool__(self) -> bool:
        return bool(self._data)

    def item(self) -> Any:
        """The one element, as a Python scalar (on CuPy: a copy to the host)."""
        return self._data.item()

    def __repr__(self) -> str:
        return f"StandInArray({self._data!r})"

    def __getattr__(self, name: str) -> Any:
        """Array methods (``astype``, ``copy``, ``reshape``, ``sum``, ``any`` ...) as CuPy has them."""
        if name.startswith("__"):
            raise AttributeError(name)
        attribute = getattr(self._data, name)
        if not callable(attribute):
            return attribute

        def method(*args: Any, **kwargs: Any) -> Any:
            where = f"{type(self).__name__}.{name}"
            refused = sorted(set(kwargs) & _REFUSED_METHOD_KEYWORDS.get(name, frozenset()))
            if refused:
                raise TypeError(
                    f"x.{name}(..., {refused[0]}=...): CuPy's ndarray.{name} has no {refused[0]}="
                )
            kwargs = {k: _unwrap(v, where) for k, v in kwargs.items()}
            out = kwargs.get("out")
            result = attribute(*[_unwrap(a, where) for a in args], **kwargs)
            return _wrap(result) if out is None else kwargs["out"]

        return method

    # Python operators go through the ufuncs, as NumPy's do.
    def __add__(self, other: Any) -> Any:
        return _np.add(self, other)

    def __radd__(self, other: Any) -> Any:
        return _np.add(other, self)

    def __sub__(self, other: Any) -> Any:
        return _np.subtract(self, other)

    def __rsub__(self, other: Any) -> Any:
        return _np.subtract(other, self)

    def __mul__(self, other: Any) -> Any:
        return _np.multiply(self, other)

    def __rmul__(self, other: Any) -> Any:
        return _np.multiply(other, self)

    def __truediv__(self, other: Any) -> Any:
        return _np.divide(self, other)

    def __rtruediv__(self, other: Any) -> Any:
        return _np.divide(other, self)

    def __pow__(self, other: Any) -> Any:
        return _np.power(self, other)

    def __neg__(self) -> Any:
        return _np.negative(self)

    def __abs__(self) -> Any:
        return _np.abs(self)

    def __lt__(self, other: Any) -> Any:
        return _np.less(self, other)

    def __le__(self, other: Any) -> Any:
        return _np.less_equal(self, other)

    def __gt__(self, other: Any) -> Any:
        return _np.greater(self, other)

    def __ge__(self, other: Any) -> Any:
        return _np.greater_equal(self, other)

    def __eq__(self, other: Any) -> Any:
        return _np.equal(self, other)

    def __ne__(self, other: Any) -> Any:
        return _np.not_equal(self, other)

    def __and__(self, other: Any) -> Any:
        return _np.bitwise_and(self, other)

    def __or__(self, other: Any) -> Any:
        return _np.bitwise_or(self, other)

    def __invert__(self) -> Any:
        return _np.invert(self)

    def __iadd__(self, other: Any) -> Any:
        return _np.add(self, other, out=self)

    def __isub__(self, other: Any) -> Any:
        return _np.subtract(self, other, out=self)

    def __imul__(self, other: Any) -> Any:
        return _np.multiply(self, other, out=self)

    def __itruediv__(self, other: Any) -> Any:
        return _np.divide(self, other, out=self)

    def __iand__(self, other: Any) -> Any:
        return _np.bitwise_and(self, other, out=self)

    def __ior__(self, other: Any) -> Any:
        return _np.bitwise_or(self, other, out=self)

    __hash__ = None  # type: ignore[assignment]
