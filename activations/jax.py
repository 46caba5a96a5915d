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


def function(spec: Any) -> Callable[[Any], Any]:
    """The activation ``spec`` as a differentiable JAX function.

    Parameters
    ----------
    spec : str, dict or activation
        Anything :func:`activations.get` accepts: a name, a spec string such
        as ``"leaky_relu(negative_slope=0.2)"``, a dict, a plugin instance or
        a bound activation.

    Returns
    -------
    callable
        ``f(x)`` on a JAX array (or anything ``jax.numpy.asarray`` takes),
        returning an array of ``x``'s shape and dtype; a ``jax.custom_vjp``
        whose forward and backward passes call the plugin through
        ``jax.pure_callback``. See the module's notes on accelerators and on
        forward-mode differentiation.

    Raises
    ------
    UnknownActivationError, InvalidSpecError
        ``spec`` names no registered activation, or is malformed.
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
    >>> jax.vmap(jax.grad(activations.jax.function("tanh")))(x)
    Array([0.4199743 , 1.        , 0.07065083], dtype=float32)
    """
    act = activations.get(spec)
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
        x = jnp.asarray(x)
        dtype = np.dtype(x.dtype)
        if dtype.name in _DIRECT:
            return apply(x)
        if dtype.name in _UPCAST:
            return apply(x.astype(jnp.float32)).astype(dtype)
        raise TypeError(
            f"{label}: got an array of dtype {dtype}; the activations take float32 and float64 "
            "(float16 and bfloat16 are computed in float32 and rounded back)"
        )

    activation.__name__ = activation.__qualname__ = act.name
    activation.__doc__ = f"{label} on JAX arrays (see activations.jax.function)."
    return activation
