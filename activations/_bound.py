"""The bound activation: the object users hold, applying the input policy once.

`BoundActivation` wraps one plugin instance and satisfies the same contract
(plus ``__call__`` = forward). It turns array-likes into arrays as a ufunc
would, computes integer and bool input in float64 and float16 in float32
(rounding back), refuses complex, object, string and bytes input, checks
``out`` and ``grad_output``, and shields plugins from aliasing: a plugin never
sees an ``out`` that shares memory with an input. The ndarray fast path comes
first and costs a few attribute reads. Off that path, an array of another
library goes to its backend (`activations.backends`): a dask array is mapped
block by block with this same policy, lazily.

Large C-contiguous arrays (from ``_BLOCKED_FROM`` elements) reach the plugin
in consecutive blocks of ``_BLOCK`` elements, so that a formula of several
passes works on data in cache rather than streaming each temporary through
memory: the contract makes every activation element-wise, so the result is
the same to the bit.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from ._contract import Properties
from ._lazy import public
from .backends import find as find_backend

__all__ = ["BoundActivation", "format_spec"]

_NATIVE = (np.dtype(np.float32), np.dtype(np.float64))
_F16 = np.dtype(np.float16)
_F32 = np.dtype(np.float32)
_F64 = np.dtype(np.float64)
_ndarray = np.ndarray

if TYPE_CHECKING:  # numpy.typing costs about 1 ms of `import activations` and is only for annotations
    from numpy.typing import NDArray

    Array = NDArray[Any]


def _may_overlap(a: Array, b: Array) -> bool:
    """Whether two arrays may share memory: two that own their data cannot, unless identical."""
    if a is b:
        return True
    return (a.base is not None or b.base is not None) and bool(np.may_share_memory(a, b))


#: Elements per block (1 MiB of float32), and the size from which arrays are cut into blocks.
#: Measured with benchmarks/speed.py at 1e7 elements: a three-pass formula runs 1.2-1.4x faster
#: in blocks; a one-pass formula pays about 1 us a block (under 2 %).
_BLOCK = 1 << 18
_BLOCKED_FROM = 1 << 20


#: A chunk the size of several blocks' temporaries, allocated and freed once before the first block
#: loop: see `_in_blocks`.
_HEAP_PRIMER = 16 * _BLOCK
_heap_primed = False


def _prime_the_heap() -> None:
    """Keep the temporaries of blocks in the C heap, instead of returning them to the OS each block.

    A plugin's formula allocates temporaries the size of a block (256 KiB of
    bool to 2 MiB of float64) and frees them at the end of the block. glibc
    serves a first large allocation with mmap, then raises its mmap threshold
    to the largest mmapped chunk freed so far and its heap trim threshold to
    twice that. In a fresh process the thresholds are low (128 KiB), so the
    temporaries freed at the end of each block overflow the trim threshold,
    the heap is trimmed, and the next block faults its pages back in: relu6's
    backward at 1e7 float32 took 6,080 page faults a call and GELU's float64
    116,000, and whether they happened depended on what the process had
    allocated before. Freeing one 4 MiB chunk raises both thresholds past a
    block's temporaries, once per process. Other C libraries are unaffected.
    """
    global _heap_primed
    np.empty(_HEAP_PRIMER, dtype=np.uint8)  # allocated by mmap, freed at once
    _heap_primed = True


def _in_blocks(method: Any, out: Array, *inputs: Array, **options: Any) -> Array:
    """``method(*inputs, out=out, **options)`` over consecutive blocks; every array C-contiguous.

    ``options`` hold arrays too (``output=``), or None.
    """
    if not _heap_primed:
        _prime_the_heap()
    flat_out = out.reshape(-1)
    flat_inputs = [a.reshape(-1) for a in inputs]
    flat_options = {k: (None if v is None else v.reshape(-1)) for k, v in options.items()}
    for start in range(0, flat_out.size, _BLOCK):
        stop = start + _BLOCK
        block = flat_out[start:stop]
        result = method(
            *[a[start:stop] for a in flat_inputs],
            out=block,
            **{k: (None if v is None else v[start:stop]) for k, v in flat_options.items()},
        )
        if result is not block:  # a plugin that returned a new array instead of filling out
            np.copyto(block, result)
    return out


def _out_ok(out: Any, x: Array) -> bool:
    """Whether ``out`` can go to the plugin as it is: the fast path's whole check.

    `_may_overlap` is written out here: at N = 16 every call and attribute
    lookup is a visible part of the cost.
    """
    return (
        type(out) is _ndarray
        and out.dtype is x.dtype
        and out.shape == x.shape
        and out.flags.writeable
        and out is not x
        and ((out.base is None and x.base is None) or not np.may_share_memory(out, x))
    )


def format_spec(config: dict[str, Any]) -> str:
    """Render a ``config`` dict as a spec string that `get` parses back.

    Examples
    --------
    >>> from activations._bound import format_spec
    >>> format_spec({"name": "leaky_relu", "negative_slope": 0.2})
    'leaky_relu(negative_slope=0.2)'
    >>> format_spec({"name": "relu"})
    'relu'
    """
    params = ", ".join(f"{k}={v!r}" for k, v in config.items() if k != "name")
    return f"{config['name']}({params})" if params else str(config["name"])


@public("activations")
class BoundActivation:
    """An activation as users hold it: a plugin plus the core's input policy.

    Returned by :func:`activations.get`; calling it is ``forward``.

    Parameters
    ----------
    plugin : Activation
        The plugin instance to wrap (already validated by the registry).

    Examples
    --------
    >>> import numpy as np
    >>> import activations
    >>> relu = activations.get("relu")
    >>> relu([-1.0, 0.0, 2.0])
    array([0., 0., 2.])
    >>> relu.derivative(np.float32(3.0))
    np.float32(1.0)
    >>> relu
    relu
    """

    __slots__ = ("_backward", "_derivative", "_forward", "plugin")

    def __init__(self, plugin: Any) -> None:
        self.plugin = plugin
        self._forward = plugin.forward
        self._derivative = plugin.derivative
        self._backward = plugin.backward

    # -- the contract ------------------------------------------------------
    @property
    def name(self) -> str:
        """The canonical registry name."""
        return str(self.plugin.name)

    @property
    def properties(self) -> Properties:
        """The declared mathematical `Properties`."""
        props: Properties = self.plugin.properties
        return props

    @property
    def config(self) -> dict[str, Any]:
        """``{"name": ..., **parameters}``, a spec that :func:`activations.get` rebuilds."""
        return dict(self.plugin.config)

    def forward(self, x: Any, /, *, out: Array | None = None) -> Any:
        """Compute f(x) element-wise.

        Parameters
        ----------
        x : array_like
            Real input; integer and bool are computed in float64, float16 in float32.
        out : ndarray, optional
            Where to write the result; must have the result's dtype and shape.

        Returns
        -------
        ndarray or scalar
            ``out`` if given; a scalar for 0-d input, as NumPy's ufuncs return.

        Examples
        --------
        >>> import activations
        >>> activations.get("relu").forward([-2, 3])
        array([0., 3.])
        """
        if type(x) is _ndarray and (x.dtype is _F64 or x.dtype is _F32) and x.ndim:
            if out is None:
                if x.size < _BLOCKED_FROM or not x.flags.c_contiguous:
                    return self._forward(x)
                return _in_blocks(self._forward, np.empty_like(x), x)
            if _out_ok(out, x):
                if x.size < _BLOCKED_FROM or not (x.flags.c_contiguous and out.flags.c_contiguous):
                    result = self._forward(x, out=out)
                    if result is not out:  # a plugin that returned a new array instead of filling out
                        np.copyto(out, result)
                    return out
                return _in_blocks(self._forward, out, x)
        return self._apply(self._forward, x, out)

    __call__ = forward

    def derivative(self, x: Any, /, *, out: Array | None = None) -> Any:
        """Compute f'(x) element-wise, with the documented value at each kink.

        Examples
        --------
        >>> import activations
        >>> activations.get("relu").derivative([-1.0, 0.0, 1.0])
        array([0., 0., 1.])
        """
        if type(x) is _ndarray and (x.dtype is _F64 or x.dtype is _F32) and x.ndim:
            if out is None:
                if x.size < _BLOCKED_FROM or not x.flags.c_contiguous:
                    return self._derivative(x)
                return _in_blocks(self._derivative, np.empty_like(x), x)
            if _out_ok(out, x):
                if x.size < _BLOCKED_FROM or not (x.flags.c_contiguous and out.flags.c_contiguous):
                    result = self._derivative(x, out=out)
                    if result is not out:  # a plugin that returned a new array instead of filling out
                        np.copyto(out, result)
                    return out
                return _in_blocks(self._derivative, out, x)
        return self._apply(self._derivative, x, out)

    def backward(self, x: Any, grad_output: Any, /, *, output: Any = None, out: Array | None = None) -> Any:
        """Compute the vector-Jacobian product ``grad_output * f'(x)``.

        Parameters
        ----------
        x : array_like
            The input of the forward pass.
        grad_output : array_like
            The gradient of the loss with respect to f(x); x's shape, computed in
            x's result dtype.
        output : array_like, optional
            ``forward(x)`` if the caller has it; a plugin uses it only where that
            keeps full accuracy.
        out : ndarray, optional
            Where to write the result.

        Examples
        --------
        >>> import activations
        >>> activations.get("relu").backward([-1.0, 2.0], [5.0, 5.0])
        array([0., 5.])
        """
        if (
            output is None
            and type(x) is _ndarray
            and type(grad_output) is _ndarray
            and (x.dtype is _F64 or x.dtype is _F32)
            and grad_output.dtype is x.dtype
            and grad_output.shape == x.shape
            and x.ndim
        ):
            if x.size >= _BLOCKED_FROM and x.flags.c_contiguous and grad_output.flags.c_contiguous:
                if out is None:
                    return _in_blocks(self._backward, np.empty_like(x), x, grad_output)
                if _out_ok(out, x) and not _may_overlap(out, grad_output) and out.flags.c_contiguous:
                    return _in_blocks(self._backward, out, x, grad_output)
            elif out is None:
                return self._backward(x, grad_output)
            elif _out_ok(out, x) and not _may_overlap(out, grad_output):
                result = self._backward(x, grad_output, out=out)
                if result is not out:  # a plugin that returned a new array instead of filling out
                    np.copyto(out, result)
                return out
        return self._apply_backward(x, grad_output, output, out)

    @property
    def implementation(self) -> dict[str, dict[str, str]]:
        """Which path computes each method for NumPy arrays: ``{method: {dtype: path}}``.

        ``"compiled"`` where a bundled plugin calls its compiled kernel (one
        fused pass, C; see :doc:`/accuracy`), ``"numpy"`` where it computes
        with its NumPy formula, for ``forward``, ``derivative`` and
        ``backward``, float32 and float64 (float16, integer and bool input is
        computed in one of these). ``ACTIVATIONS_PURE_NUMPY=1`` gives
        ``"numpy"`` throughout. A plugin reports its paths in an
        ``implementation`` attribute of this form; one that has none (a
        third-party plugin, as a rule) computes with its own methods, shown
        as ``"numpy"``.

        Examples
        --------
        >>> import activations
        >>> gelu = activations.get("gelu")
        >>> sorted(gelu.implementation)
        ['backward', 'derivative', 'forward']
        >>> gelu.implementation["forward"]["float32"] in ("compiled", "numpy")
        True
        >>> activations.get("hard_sigmoid").implementation["backward"]  # no compiled kernel
        {'float32': 'numpy', 'float64': 'numpy'}
        """
        reported = getattr(self.plugin, "implementation", None)
        if isinstance(reported, Mapping) and all(isinstance(p, Mapping) for p in reported.values()):
            return {method: dict(paths) for method, paths in reported.items()}
        # None, or an attribute of the same name that means something else to its plugin
        return {m: {"float32": "numpy", "float64": "numpy"} for m in ("forward", "derivative", "backward")}

    @property
    def learnable(self) -> tuple[str, ...]:
        """The names of the parameters that can be learned (``()`` when none can)."""
        return tuple(getattr(self.plugin, "learnable", ()))

    def parameter_backward(self, x: Any, grad_output: Any, /, *, output: Any = None) -> dict[str, Any]:
        """For each learnable parameter theta, the sum over all elements of ``grad_output * df/dtheta``.

        The gradient of a loss with respect to the activation's parameters,
        given ``grad_output``, its gradient with respect to f(x); the input
        policy is that of `backward`. Returns ``{}`` when nothing is
        learnable.

        Returns
        -------
        dict of str to float
            One Python float per learnable parameter for NumPy input; a lazy
            0-d dask array per parameter for a dask input (``.compute()`` it);
            a 0-d array on the device for a CuPy input.

        Examples
        --------
        >>> import activations
        >>> prelu = activations.get("prelu(weight=0.25)")
        >>> prelu.learnable
        ('weight',)
        >>> prelu.parameter_backward([-2.0, -1.0, 3.0], [1.0, 0.5, 1.0])  # sum of g * min(x, 0)
        {'weight': -2.5}
        >>> activations.get("relu").parameter_backward([1.0], [1.0])
        {}
        """
        names = self.learnable
        if not names:
            return {}
        backend = find_backend(x, grad_output, output)
        if backend is not None:  # dask: a lazy reduction; CuPy: on the device
            return backend.parameter_backward(self, x, grad_output, output)
        arr, grad, output, _ = self._backward_operands(x, grad_output, output)
        if not arr.shape:
            arr, grad = arr.reshape(1), grad.reshape(1)
            output = None if output is None else output.reshape(1)
        sums = self.plugin.parameter_backward(arr, grad, output=output)
        return {name: float(self._parameter_sum(sums, name)) for name in names}

    def replace(self, **changes: Any) -> BoundActivation:
        """A new activation of the same plugin with some parameters changed, as ``dataclasses.replace``.

        The plugin's class is called with the parameters of ``config``,
        ``changes`` applied; its own checks judge the new values. Training
        steps learnable parameters this way (the registry is not consulted,
        so it works for an activation from any registry, or none).

        Raises
        ------
        InvalidSpecError
            A name that is not one of the activation's parameters, or a value
            the plugin refuses; the message quotes the spec it would have built.

        Examples
        --------
        >>> import activations
        >>> prelu = activations.get("prelu")
        >>> prelu.replace(weight=0.1)
        prelu(weight=0.1)
        >>> prelu.replace(weight=float("nan"))
        Traceback (most recent call last):
        ...
        activations.InvalidSpecError: prelu(weight=nan): weight must be finite, got nan
        """
        from ._errors import InvalidSpecError
        from ._spec import check_type

        config = self.config
        name = config.pop("name")
        unknown = sorted(set(changes) - set(config))
        if unknown:
            accepted = ", ".join(config) or "none"
            message = f"{self!r}: {unknown[0]!r} is not one of its parameters; its parameters: {accepted}"
            raise InvalidSpecError(message, spec=self)
        params = dict(config)
        for key, value in changes.items():  # the registry's check: a spec that get() would accept
            try:
                params[key] = check_type(value, config[key])
            except TypeError as exc:
                spec = format_spec({"name": name, **config, key: value})
                raise InvalidSpecError(f"{spec}: parameter {key!r} {exc}", spec=self) from None
        try:
            plugin = type(self.plugin)(**params)
        except (TypeError, ValueError) as exc:
            raise InvalidSpecError(f"{format_spec({'name': name, **params})}: {exc}", spec=self) from None
        return BoundActivation(plugin)

    def _parameter_sum(self, sums: Any, name: str) -> Any:
        """The plugin's sum for ``name``, or a TypeError saying what it returned instead."""
        try:
            return sums[name]
        except (KeyError, TypeError, IndexError):
            raise TypeError(
                f"{self.name}: parameter_backward returned {sums!r}; it must give a sum for each "
                f"learnable parameter: {', '.join(self.learnable)}"
            ) from None

    # -- the policy --------------------------------------------------------
    def _coerce(self, value: Any, role: str) -> Array:
        """``value`` as an ndarray of a real dtype, or a TypeError naming what it was."""
        if value is None:
            raise TypeError(f"{self.name}: {role} must be a real array or number, got None")
        arr = value if isinstance(value, np.ndarray) else np.asarray(value)
        kind = arr.dtype.kind
        if kind not in "fiub" or (kind == "f" and arr.dtype.itemsize > 8):
            raise TypeError(
                f"{self.name}: {role} must be float16, float32, float64, integer or bool, "
                f"got dtype {arr.dtype} from {type(value).__name__}"
            )
        return arr

    @staticmethod
    def _compute_dtype(dtype: np.dtype[Any]) -> tuple[np.dtype[Any], np.dtype[Any]]:
        """(dtype the plugin computes in, dtype of the result)."""
        if dtype.kind == "f" and not dtype.isnative:  # byte-swapped floats: the native twin
            dtype = dtype.newbyteorder("=")
        if dtype in _NATIVE:
            return dtype, dtype
        if dtype == _F16:
            return _F32, _F16
        return _F64, _F64  # integer and bool

    def _check_out(self, out: Any, dtype: np.dtype[Any], shape: tuple[int, ...]) -> Array:
        if not isinstance(out, np.ndarray):
            raise TypeError(f"{self.name}: out must be a numpy.ndarray, got {type(out).__name__}")
        if out.dtype != dtype:
            raise TypeError(f"{self.name}: out has dtype {out.dtype}, the result needs {dtype}")
        if out.shape != shape:
            raise ValueError(f"{self.name}: out has shape {out.shape}, the result needs {shape}")
        if not out.flags.writeable:
            raise ValueError(f"{self.name}: out is read-only")
        return out

    @staticmethod
    def _finish(
        result: Array, out: Array | None, in_place: bool, result_dtype: np.dtype[Any], scalar: bool
    ) -> Any:
        if result.dtype != result_dtype:
            # float16 computed in float32: a value beyond float16's range rounds to inf, which
            # is the correctly rounded result, so the cast's overflow warning is not news.
            with np.errstate(over="ignore"):
                result = result.astype(result_dtype)
        if out is not None:
            if not in_place:  # computed elsewhere (aliasing or float16): copy into out
                np.copyto(out, result)
            return out
        return result[()] if scalar else result

    def _apply(self, method: Any, x: Any, out: Any) -> Any:
        backend = find_backend(x, out)
        if backend is not None:  # dask ...: see activations/backends/
            return backend.elementwise(self, method is self._forward, x, out)
        arr = self._coerce(x, "x")
        compute, result_dtype = self._compute_dtype(arr.dtype)
        if arr.dtype != compute:
            arr = arr.astype(compute)
        shape = arr.shape
        target: Array | None = None
        if out is not None:
            out = self._check_out(out, result_dtype, shape)
            if out.dtype == compute and not np.may_share_memory(out, arr):
                target = out
        if not shape:  # plugins always see at least 1-d arrays, so ufuncs give arrays back
            arr = arr.reshape(1)
            target = None if target is None else target.reshape(1)
        into_out = target is not None  # target is out, or a 1-d view of a 0-d out
        if arr.size >= _BLOCKED_FROM and arr.flags.c_contiguous:
            if target is None or not target.flags.c_contiguous:
                target, into_out = np.empty_like(arr), False
            result = _in_blocks(method, target, arr)
        else:
            result = method(arr, out=target)
        return self._finish(
            result.reshape(shape), out, into_out and result is target, result_dtype, not shape and out is None
        )

    def _backward_operands(
        self, x: Any, grad_output: Any, output: Any
    ) -> tuple[Array, Array, Array | None, np.dtype[Any]]:
        """x, grad_output and output in the dtype the plugin computes in, checked; and the result's dtype.

        A float16 (or integer) ``output`` holds less than the plugin would
        compute from x: using it would cost accuracy, so it is dropped (None).
        """
        arr = self._coerce(x, "x")
        compute, result_dtype = self._compute_dtype(arr.dtype)
        if arr.dtype != compute:
            arr = arr.astype(compute)
        shape = arr.shape
        grad = self._coerce(grad_output, "grad_output")
        if grad.shape != shape:
            raise ValueError(
                f"{self.name}: grad_output has shape {grad.shape}, x has shape {shape}; "
                "they must match (no broadcasting)"
            )
        if grad.dtype != compute:
            grad = grad.astype(compute)
        if output is not None:
            given = self._coerce(output, "output")
            if given.shape != shape:
                raise ValueError(f"{self.name}: output has shape {given.shape}, x has shape {shape}")
            output = given if given.dtype == compute else None
        return arr, grad, output, result_dtype

    def _apply_backward(self, x: Any, grad_output: Any, output: Any, out: Any) -> Any:
        backend = find_backend(x, grad_output, output, out)
        if backend is not None:  # dask ...: see activations/backends/
            return backend.backward(self, x, grad_output, output, out)
        arr, grad, output, result_dtype = self._backward_operands(x, grad_output, output)
        compute, shape = arr.dtype, arr.shape
        target: Array | None = None
        if out is not None:
            out = self._check_out(out, result_dtype, shape)
            inputs = (arr, grad) if output is None else (arr, grad, output)
            if out.dtype == compute and not any(np.may_share_memory(out, a) for a in inputs):
                target = out
        if not shape:
            arr, grad = arr.reshape(1), grad.reshape(1)
            output = None if output is None else output.reshape(1)
            target = None if target is None else target.reshape(1)
        into_out = target is not None
        if arr.size >= _BLOCKED_FROM and all(
            a.flags.c_contiguous for a in (arr, grad, output) if a is not None
        ):
            if target is None or not target.flags.c_contiguous:
                target, into_out = np.empty_like(arr), False
            result = _in_blocks(self._backward, target, arr, grad, output=output)
        else:
            result = self._backward(arr, grad, output=output, out=target)
        return self._finish(
            result.reshape(shape), out, into_out and result is target, result_dtype, not shape and out is None
        )

    # -- identity ----------------------------------------------------------
    def __repr__(self) -> str:
        return format_spec(self.config)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BoundActivation):
            return NotImplemented
        return type(self.plugin) is type(other.plugin) and self.config == other.config

    def __hash__(self) -> int:
        return hash((type(self.plugin), repr(self)))

    def __reduce__(self) -> tuple[Any, ...]:
        return (BoundActivation, (self.plugin,))
