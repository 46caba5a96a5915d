"""Any registered activation as a JAX function: ``jax.custom_vjp`` over ``jax.pure_callback``.

`function` returns a function on JAX arrays that works under ``jax.jit``,
``jax.grad``, ``jax.value_and_grad`` and ``jax.vmap``, computed by the plugin
itself: on the CPU its values and gradients are those of the NumPy plugin, to
the bit::

    >>> import jax, jax.numpy as jnp
    >>> import activations.jax
    >>> softplus = activations.jax.function("softplus")
    >>> jax.jit(softplus)(jnp.array([-40.0, 0.0, 40.0]))
    Array([4.248354e-18, 6.931472e-01, 4.000000e+01], dtype=float32)

How it works, and what follows from it:

* The forward pass is one ``jax.pure_callback`` that calls the plugin's
  ``forward`` on the host; the backward pass (``jax.custom_vjp``) is another
  that calls its ``backward`` with ``output=``, the saved forward result.
* Element-wise, so batching is trivial: under ``jax.vmap`` each callback
  receives the whole batch at once (``vmap_method="expand_dims"`` for the
  forward pass, ``"broadcast_all"`` for the backward pass, whose cotangent may
  arrive unbatched), never one call per element.
* On an accelerator the callbacks run on the host: every call copies its
  operands from the device and its result back, and synchronises. It works,
  at the speed of those copies; JAX must have its CPU platform available
  (``JAX_PLATFORMS`` must include ``cpu``).
* Reverse mode only. ``jax.custom_vjp`` has no forward mode, so ``jax.jvp``,
  ``jax.jacfwd`` and ``jax.hessian`` raise ``TypeError`` ("can't apply
  forward-mode autodiff (jvp) to a custom_vjp function"), and a second
  derivative (``jax.grad`` of ``jax.grad``) raises ``ValueError`` ("Pure
  callbacks do not support JVP").
* float32, and float64 when x64 is enabled (``jax.config.update
  ("jax_enable_x64", True)`` or the ``jax.enable_x64`` context); float16 and
  bfloat16 are computed in float32 and rounded back; any other dtype is a
  `TypeError` naming it, raised when the function is traced (an exception
  inside a callback would reach the caller without its type).

An activation's learnable parameters (PReLU's ``weight``, ELU's ``alpha``
...) become an argument with ``function(spec, learnable=True)``: it returns
``f(params, x)``, ``params`` a dict of scalar arrays, so that ``jax.grad``
differentiates with respect to them; their gradient is the plugin's
``parameter_backward``. Under ``jax.vmap`` the parameter gradient needs one
plugin call per batch row (the plugin gives whole sums, and vmap asks for
one per row), all inside one callback.

JAX is imported by this module only (``import activations`` does not import
it), typed as ``Any`` so that the package's type check needs no JAX.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import numpy as np

import activations
from activations import BoundActivation

__all__ = ["function"]

jax: Any = importlib.import_module("jax")
jnp: Any = importlib.import_module("jax.numpy")

_DIRECT = ("float32", "float64")
_UPCAST = ("float16", "bfloat16")  # by name: bfloat16 is ml_dtypes' type, not NumPy's


def _host_forward(act: BoundActivation) -> Callable[[Any], Any]:
    def forward(x: Any) -> Any:
        x = np.asarray(x)  # read-only, and only lent: nothing is kept
        return np.asarray(act.forward(x), dtype=x.dtype)

    return forward


def _host_backward(act: BoundActivation) -> Callable[[Any, Any, Any], Any]:
    def backward(x: Any, grad_output: Any, output: Any) -> Any:
        x = np.asarray(x)
        return np.asarray(act.backward(x, np.asarray(grad_output), output=np.asarray(output)), dtype=x.dtype)

    return backward


def _cast_in(x: Any, label: str) -> tuple[Any, Any]:
    """``x`` as a JAX array of a dtype the callbacks compute in, and the dtype to round back to."""
    x = jnp.asarray(x)
    dtype = np.dtype(x.dtype)
    if dtype.name in _DIRECT:
        return x, dtype
    if dtype.name in _UPCAST:
        return x.astype(jnp.float32), dtype
    raise TypeError(
        f"{label}: got an array of dtype {dtype}; the activations take float32 and float64 "
        "(float16 and bfloat16 are computed in float32 and rounded back)"
    )


def _batched(values: Any, *arrays: Any) -> tuple[tuple[int, ...], Any, list[Any]]:
    """The batch shape of a callback under vmap (the leading axes of ``values`` but its last), broadcast.

    ``vmap_method="expand_dims"`` gives every operand the same number of
    leading batch axes, of size 1 where it is not batched: ``values`` has
    shape ``(*batch, n)``. Returns the batch shape and the operands broadcast
    to it (``values`` to ``(*batch, n)``).
    """
    lead = values.ndim - 1
    batch = np.broadcast_shapes(values.shape[:lead], *(a.shape[:lead] for a in arrays))
    wide = [np.broadcast_to(a, batch + a.shape[lead:]) for a in arrays]
    return batch, np.broadcast_to(values, (*batch, values.shape[-1])), wide


def _with(act: BoundActivation, values: Any) -> BoundActivation:
    return act.replace(**dict(zip(act.learnable, np.asarray(values).tolist(), strict=True)))


def _host_forward_with(act: BoundActivation) -> Callable[[Any, Any], Any]:
    def forward(values: Any, x: Any) -> Any:
        values, x = np.asarray(values), np.asarray(x)
        if values.ndim == 1 or values.shape[:-1] == (1,) * (values.ndim - 1):  # one set of values
            return np.asarray(_with(act, values.reshape(-1)).forward(x), dtype=x.dtype)
        batch, values, (x,) = _batched(values, x)
        out = np.empty(x.shape, x.dtype)
        for row in np.ndindex(batch):
            out[row] = _with(act, values[row]).forward(x[row])
        return out

    return forward


def _host_backward_with(act: BoundActivation) -> Callable[[Any, Any, Any, Any], Any]:
    names = act.learnable

    def rows(values: Any, x: Any, grad_output: Any, output: Any) -> tuple[Any, Any]:
        row = _with(act, values)
        grad = row.backward(x, grad_output, output=output)
        sums = row.parameter_backward(x, grad_output, output=output)
        return grad, np.array([sums[name] for name in names])

    def backward(values: Any, x: Any, grad_output: Any, output: Any) -> tuple[Any, Any]:
        values, x, grad_output, output = map(np.asarray, (values, x, grad_output, output))
        if values.ndim == 1:  # not under vmap
            grad, sums = rows(values, x, grad_output, output)
            return np.asarray(grad, dtype=x.dtype), sums.astype(values.dtype)
        batch, values, (x, grad_output, output) = _batched(values, x, grad_output, output)
        grads = np.empty(x.shape, x.dtype)
        sums = np.empty(values.shape, values.dtype)
        for row in np.ndindex(batch):  # vmap asks for each row's own sums
            grads[row], sums[row] = rows(values[row], x[row], grad_output[row], output[row])
        return grads, sums

    return backward


def _learnable_function(act: BoundActivation) -> Callable[[Any, Any], Any]:
    """`function` with ``learnable=True``: ``f(params, x)``."""
    label = repr(act)
    names = act.learnable
    if not names:
        raise ValueError(
            f"{label} has no learnable parameter, so learnable=True cannot apply "
            "(prelu, leaky_relu, elu, celu, silu, softplus and squareplus have one)"
        )
    host_forward, host_backward = _host_forward_with(act), _host_backward_with(act)

    def like(a: Any) -> Any:
        return jax.ShapeDtypeStruct(a.shape, a.dtype)

    def forward(values: Any, x: Any) -> Any:
        return jax.pure_callback(host_forward, like(x), values, x, vmap_method="expand_dims")

    apply = jax.custom_vjp(forward)

    def apply_forward(values: Any, x: Any) -> tuple[Any, tuple[Any, Any, Any]]:
        output = apply(values, x)
        return output, (values, x, output)

    def apply_backward(saved: tuple[Any, Any, Any], grad_output: Any) -> tuple[Any, Any]:
        values, x, output = saved
        shapes = (like(x), like(values))
        grad, sums = jax.pure_callback(
            host_backward, shapes, values, x, grad_output, output, vmap_method="expand_dims"
        )
        return sums, grad

    apply.defvjp(apply_forward, apply_backward)

    def activation(params: Any, x: Any) -> Any:
        if not isinstance(params, dict) or set(params) != set(names):
            got = sorted(params) if isinstance(params, dict) else type(params).__name__
            raise ValueError(f"{label}: params must be a dict of {', '.join(names)}; got {got}")
        scalars = [jnp.asarray(params[name]) for name in names]
        for name, value in zip(names, scalars, strict=True):
            if value.shape != ():
                raise ValueError(
                    f"{label}: params[{name!r}] must be a scalar, got shape {value.shape} "
                    "(per-channel parameters are out of scope: specs and config hold scalars)"
                )
        x, dtype = _cast_in(x, label)
        values = jnp.stack(scalars).astype(jnp.result_type(*scalars, jnp.float32))
        if not isinstance(values, jax.core.Tracer):  # concrete: a refused value fails here, plainly
            _with(act, values)  # (under jit it fails inside the callback, the plugin's message within)
        out = apply(values, x)
        return out if out.dtype == dtype else out.astype(dtype)

    activation.__name__ = activation.__qualname__ = act.name
    activation.__doc__ = (
        f"{label} on JAX arrays, its learnable parameters from params (see activations.jax.function)."
    )
    default = jnp.result_type(float)  # float32, or float64 with x64 enabled
    activation.params = {name: jnp.asarray(float(act.config[name]), dtype=default) for name in names}  # type: ignore[attr-defined]
    return activation


def function(spec: Any, *, learnable: bool = False) -> Callable[..., Any]:
    """The activation ``spec`` as a differentiable JAX function.

    Parameters
    ----------
    spec : str, dict or activation
        Anything :func:`activations.get` accepts: a name, a spec string such
        as ``"leaky_relu(negative_slope=0.2)"``, a dict, a plugin instance or
        a bound activation.
    learnable : bool
        Return ``f(params, x)`` instead, with the activation's learnable
        parameters (its ``learnable``) taken from ``params``, a dict of
        scalar arrays keyed by their names, so that ``jax.grad`` gives their
        gradient. The function's attribute ``params`` holds the spec's
        values, as arrays of JAX's default float dtype when the function
        was made (float32; float64 with x64 enabled): the usual initial
        ``params``.

    Returns
    -------
    callable
        ``f(x)`` (or ``f(params, x)``) on a JAX array (or anything
        ``jax.numpy.asarray`` takes), returning an array of ``x``'s shape and
        dtype; a ``jax.custom_vjp`` whose forward and backward passes call
        the plugin through ``jax.pure_callback``. See the module's notes on
        accelerators and on forward-mode differentiation.

    Raises
    ------
    UnknownActivationError, InvalidSpecError
        ``spec`` names no registered activation, or is malformed; when
        called, a value of ``params`` the plugin refuses.
    ValueError
        ``learnable=True`` for an activation with nothing learnable; when
        called, ``params`` without exactly its learnable parameters, or with
        one that is not a scalar.
    TypeError
        When called on an array whose dtype is not floating.

    Examples
    --------
    >>> import jax, jax.numpy as jnp
    >>> import activations.jax
    >>> relu = activations.jax.function("relu")
    >>> x = jnp.array([-1.0, 0.0, 2.0])
    >>> jax.grad(lambda x: relu(x).sum())(x)  # PyTorch's convention: relu'(0) = 0
    Array([0., 0., 1.], dtype=float32)
    >>> jax.vmap(jax.grad(activations.jax.function("tanh")))(x).round(6)  # 1 - tanh(x)**2
    Array([0.419974, 1.      , 0.070651], dtype=float32)

    With learnable parameters:

    >>> prelu = activations.jax.function("prelu", learnable=True)
    >>> prelu.params
    {'weight': Array(0.25, dtype=float32)}
    >>> loss = lambda params, x: prelu(params, x).sum()
    >>> jax.grad(loss)(prelu.params, jnp.array([-2.0, 3.0]))  # d/dw of the sum of w * min(x, 0)
    {'weight': Array(-2., dtype=float32)}
    """
    act = activations.get(spec)
    if learnable:
        return _learnable_function(act)
    label = repr(act)
    host_forward, host_backward = _host_forward(act), _host_backward(act)

    def like(x: Any) -> Any:
        return jax.ShapeDtypeStruct(x.shape, x.dtype)

    def forward(x: Any) -> Any:
        return jax.pure_callback(host_forward, like(x), x, vmap_method="expand_dims")

    apply = jax.custom_vjp(forward)

    def apply_forward(x: Any) -> tuple[Any, tuple[Any, Any]]:
        output = apply(x)
        return output, (x, output)

    def apply_backward(saved: tuple[Any, Any], grad_output: Any) -> tuple[Any]:
        x, output = saved
        grad = jax.pure_callback(host_backward, like(x), x, grad_output, output, vmap_method="broadcast_all")
        return (grad,)

    apply.defvjp(apply_forward, apply_backward)

    def activation(x: Any) -> Any:
        x, dtype = _cast_in(x, label)
        out = apply(x)
        return out if out.dtype == dtype else out.astype(dtype)

    activation.__name__ = activation.__qualname__ = act.name
    activation.__doc__ = f"{label} on JAX arrays (see activations.jax.function)."
    return activation
