"""Any registered activation as a native PyTorch operation: a custom op with autograd, and a module.

`op` returns a function on tensors built with ``torch.library.custom_op``;
`Activation` is the ``torch.nn.Module`` around it. Both compute with the
plugin itself, so a model trained with them gets the plugin's values to the
bit, its tails and its kink conventions, bundled or third-party alike::

    >>> import torch
    >>> import activations.torch
    >>> layer = torch.nn.Sequential(torch.nn.Linear(4, 3), activations.torch.Activation("gelu"))
    >>> layer
    Sequential(
      (0): Linear(in_features=4, out_features=3, bias=True)
      (1): Activation(gelu(approximate='none'))
    )

Two operators, registered once when this module is imported, serve every
activation (the namespace is ``activations``)::

    activations::forward(Tensor x, Tensor? parameters=None, *, str spec) -> Tensor
    activations::backward(Tensor x, Tensor grad_output, Tensor output, Tensor? parameters=None,
                          *, str spec) -> Tensor

``spec`` is the activation's spec string (its ``repr``, such as
``"leaky_relu(negative_slope=0.2)"``): one generic operator rather than one
per name, because the registry is open. An activation registered at run
time, a third-party plugin or a spec with string parameters (GELU's
``approximate``) needs no operator of its own, and nothing has to be
redefined when a plugin is loaded (redefining an operator silently replaces
it). The spec is a constant for ``torch.compile`` and ``torch.export``, and
an exported program loads in any process that has imported this module.
``parameters`` is where learnable parameters go (DESIGN.md, "Learnable
parameters"): a 1-D tensor of their values, in the order the plugin
declares them (its ``learnable``), so that autograd gives their gradient as
one more input's, while the spec holds everything fixed (a single optional
tensor rather than a list of them, which PyTorch would flatten and rebuild
at every call). Their values replace the spec's; their gradient is
a third operator, ``activations::parameter_backward``, which calls the
plugin's ``parameter_backward``. `Activation` with ``learnable=True`` holds
them as ``nn.Parameter``.

The forward operator calls the plugin's ``forward``; the backward operator
(its own operator, so that autograd's ``setup_context`` and ``backward``
stay traceable) calls the plugin's ``backward`` with ``output=``, the saved
result of the forward pass. Outputs are allocated with
``torch.empty_like``, so they have the input's shape, dtype, device and
layout.

* CPU tensors reach the plugin as NumPy views of their memory (no copy, any
  strides, 0-d and empty included); the result is written straight into the
  output tensor's memory. No input is ever written to.
* CUDA tensors reach it as CuPy arrays through DLPack (no copy), on the
  tensor's device and on PyTorch's current stream, and the result is written
  into the output tensor's memory the same way. That needs CuPy (``pip
  install cupy-cuda12x``, or the build for your CUDA); without it, a CUDA
  tensor raises a `ModuleNotFoundError` saying so.
* float32 and float64 are computed as they are; float16 and bfloat16 are
  computed in float32 and rounded back (as the bound activation does for
  float16); any other dtype is a `TypeError` naming it.

PyTorch is imported by this module (and only by it: ``import activations``
does not import it); it is typed as ``Any`` here so that the package's type
check needs no PyTorch.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
from collections.abc import Callable, Iterator
from typing import Any

import activations
from activations import BoundActivation

__all__ = ["Activation", "op"]

torch: Any = importlib.import_module("torch")

#: The operators' namespace, as in ``torch.ops.activations.forward``.
_NAMESPACE = "activations"

_F32 = torch.float32
_DIRECT = (torch.float32, torch.float64, torch.float16)  # float16: the bound activation upcasts it
_UPCAST = (torch.bfloat16,)  # NumPy has no bfloat16: upcast here

#: The activation each spec string stands for, as `op` or `Activation` last resolved it. The
#: operators receive strings only; a spec nobody resolved in this process (a program exported
#: elsewhere, ``torch.library.opcheck`` on the raw operator) is looked up in the default registry.
_RESOLVED: dict[str, BoundActivation] = {}


def _remember(spec: Any) -> BoundActivation:
    """The bound activation for ``spec`` (anything `activations.get` takes), remembered by its repr."""
    act = activations.get(spec)
    _RESOLVED[repr(act)] = act
    return act


def _resolve(spec: str, parameters: Any) -> BoundActivation:
    """The activation of ``spec``, with its learnable parameters set from ``parameters`` if given."""
    act = _RESOLVED.get(spec)
    if act is None:
        act = _RESOLVED[spec] = activations.get(spec)
    if parameters is None:
        return act
    names = act.learnable
    if not names:
        raise ValueError(f"{spec}: parameters must be None: {act.name} declares no learnable parameters")
    if parameters.dim() != 1 or parameters.numel() != len(names):
        raise ValueError(
            f"{spec}: parameters must be a 1-D tensor of {len(names)} value(s), {', '.join(names)} "
            f"in that order; got one of shape {tuple(parameters.shape)}"
        )
    values = parameters.detach().tolist()  # the values are needed on the host (a sync on a GPU)
    return act.replace(**dict(zip(names, values, strict=True)))


def _check_dtype(x: Any, spec: str) -> None:
    if x.dtype not in _DIRECT and x.dtype not in _UPCAST:
        raise TypeError(
            f"{spec}: got a tensor of dtype {x.dtype}; the activations take float32 and float64 "
            "(float16 and bfloat16 are computed in float32 and rounded back)"
        )


# -- the computation on each device -----------------------------------------------------------
def _numpy(t: Any) -> Any:
    """A NumPy view of a CPU tensor's memory (the strides included)."""
    return t.numpy(force=True)  # detach; resolve the conjugate and negative bits (no copy for reals)


def _compute(method: Callable[..., Any], x: Any, *others: Any, output: Any = None) -> Any:
    """``method(x, *others, output=..., out=result)`` into a new tensor shaped like ``x``."""
    result = torch.empty_like(x)
    if x.dtype in _UPCAST:  # compute in float32, round back; a rounded output would cost accuracy
        wide = _compute(method, x.to(_F32), *(t.to(_F32) for t in others))
        return result.copy_(wide)
    extra = {} if output is None else {"output": output}
    if x.device.type == "cpu":
        if output is not None:
            extra["output"] = _numpy(output)
        method(_numpy(x), *(_numpy(t) for t in others), out=result.numpy(), **extra)
        return result
    if x.device.type == "cuda":
        _on_cuda(method, result, x, *others, **extra)
        return result
    raise NotImplementedError(
        f"tensors on {x.device.type!r} are not supported: CPU tensors are computed with NumPy, "
        "CUDA tensors with CuPy"
    )


def _import_cupy() -> Any:
    try:
        return importlib.import_module("cupy")
    except ImportError as exc:
        raise ModuleNotFoundError(
            "activations.torch computes CUDA tensors with CuPy, which is not installed: "
            "pip install cupy-cuda12x (or the CuPy build for your CUDA version)",
            name="cupy",
        ) from exc


@contextlib.contextmanager
def _on_torch_stream(device: Any) -> Iterator[Any]:
    """CuPy, with PyTorch's current stream of ``device`` as CuPy's current stream."""
    cupy = _import_cupy()
    with torch.cuda.device(device), cupy.cuda.Device(device.index):
        current = torch.cuda.current_stream(device)
        from_external = getattr(cupy.cuda.Stream, "from_external", None)
        stream = (
            from_external(current)
            if from_external is not None
            else cupy.cuda.ExternalStream(current.cuda_stream, device.index)
        )
        with stream:
            yield cupy


def _on_cuda(method: Callable[..., Any], result: Any, *inputs: Any, output: Any = None) -> None:
    """Run ``method`` on CuPy views of CUDA tensors, on PyTorch's current stream of their device."""
    with _on_torch_stream(result.device) as cupy:
        _through_dlpack(cupy, method, result, *inputs, output=output)


def _through_dlpack(
    xp: Any, method: Callable[..., Any], result: Any, *inputs: Any, output: Any = None
) -> None:
    """``method(*views, out=view of result)``, the views made by ``xp.from_dlpack`` (no copy).

    ``xp`` is CuPy for CUDA tensors; NumPy makes the same views of CPU
    tensors, which is how the CUDA path is tested without a GPU. No array is
    handed back to ``torch.from_dlpack``: the result is written into memory
    that PyTorch allocated (``result``), so PyTorch's refusal of negative
    strides cannot arise.

    Examples
    --------
    >>> import numpy as np, torch
    >>> import activations
    >>> from activations.torch import _through_dlpack
    >>> x, result = torch.tensor([-1.0, 2.0]), torch.empty(2)
    >>> _through_dlpack(np, activations.get("relu").forward, result, x)
    >>> result
    tensor([0., 2.])
    """
    views = [xp.from_dlpack(t.detach()) for t in inputs]
    extra = {} if output is None else {"output": xp.from_dlpack(output.detach())}
    out = xp.from_dlpack(result)
    returned = method(*views, out=out, **extra)
    if returned is not out:  # the contract returns out; a backend that did not is copied in
        xp.copyto(out, returned)


# -- the operators ----------------------------------------------------------------------------
def _forward(x: Any, parameters: Any = None, *, spec: str) -> Any:
    _check_dtype(x, spec)
    act = _resolve(spec, parameters)
    return _compute(act.forward, x)


def _backward(x: Any, grad_output: Any, output: Any, parameters: Any = None, *, spec: str) -> Any:
    _check_dtype(x, spec)
    act = _resolve(spec, parameters)
    # A float16 or bfloat16 output was rounded: the plugin would lose accuracy using it (the bound
    # activation drops a float16 one itself; bfloat16 is upcast by _compute, so it is dropped here).
    return _compute(act.backward, x, grad_output, output=None if x.dtype in _UPCAST else output)


def _parameter_backward(x: Any, grad_output: Any, output: Any, parameters: Any, *, spec: str) -> Any:
    _check_dtype(x, spec)
    act = _resolve(spec, parameters)
    if x.dtype in _UPCAST:  # NumPy has no bfloat16; its rounded output is not used (see _backward)
        x, grad_output, output = x.to(_F32), grad_output.to(_F32), None
    if x.device.type == "cpu":
        sums = act.parameter_backward(
            _numpy(x), _numpy(grad_output), output=None if output is None else _numpy(output)
        )
    elif x.device.type == "cuda":
        with _on_torch_stream(x.device) as cupy:
            sums = _parameter_sums_through_dlpack(cupy, act, x, grad_output, output)
    else:
        raise NotImplementedError(f"tensors on {x.device.type!r} are not supported")
    values = [float(sums[name]) for name in act.learnable]  # 0-d CuPy arrays: a sync, as .item()
    return torch.tensor(values, dtype=parameters.dtype, device=parameters.device)


def _parameter_sums_through_dlpack(
    xp: Any, act: BoundActivation, x: Any, grad_output: Any, output: Any
) -> dict[str, float]:
    """``act.parameter_backward`` on views made by ``xp.from_dlpack`` (CuPy on a GPU), as floats.

    NumPy makes the same views of CPU tensors, which is how this path is
    tested without a GPU.

    Examples
    --------
    >>> import numpy as np, torch
    >>> import activations
    >>> from activations.torch import _parameter_sums_through_dlpack
    >>> x, g = torch.tensor([-2.0, 3.0]), torch.tensor([1.0, 1.0])
    >>> _parameter_sums_through_dlpack(np, activations.get("prelu"), x, g, None)
    {'weight': -2.0}
    """
    views = [xp.from_dlpack(t.detach()) for t in (x, grad_output)]
    saved = None if output is None else xp.from_dlpack(output.detach())
    return {name: float(value) for name, value in act.parameter_backward(*views, output=saved).items()}


def _like_x(x: Any, *args: Any, spec: str) -> Any:
    """The fake implementation of both operators: the result's metadata, no data touched."""
    _check_dtype(x, spec)
    return torch.empty_like(x)


_forward_op = torch.library.custom_op(
    f"{_NAMESPACE}::forward",
    _forward,
    mutates_args=(),
    schema="(Tensor x, Tensor? parameters=None, *, str spec) -> Tensor",
)
_backward_op = torch.library.custom_op(
    f"{_NAMESPACE}::backward",
    _backward,
    mutates_args=(),
    schema="(Tensor x, Tensor grad_output, Tensor output, Tensor? parameters=None, *, str spec) -> Tensor",
)
_parameter_backward_op = torch.library.custom_op(
    f"{_NAMESPACE}::parameter_backward",
    _parameter_backward,
    mutates_args=(),
    schema="(Tensor x, Tensor grad_output, Tensor output, Tensor parameters, *, str spec) -> Tensor",
)
_forward_op.register_fake(_like_x)
_backward_op.register_fake(_like_x)


def _like_parameters(x: Any, grad_output: Any, output: Any, parameters: Any, *, spec: str) -> Any:
    _check_dtype(x, spec)
    return torch.empty_like(parameters)


_parameter_backward_op.register_fake(_like_parameters)


def _setup_context(
    ctx: Any, inputs: tuple[Any, ...], keyword_only_inputs: dict[str, Any], output: Any
) -> None:
    x, parameters = inputs  # PyTorch passes the default None for parameters not given
    ctx.save_for_backward(x, output, parameters)
    ctx.spec = keyword_only_inputs["spec"]


def _backward_formula(ctx: Any, grad_output: Any) -> tuple[Any, Any]:
    x, output, parameters = ctx.saved_tensors
    grad_x = None
    if ctx.needs_input_grad[0]:
        grad_x = _backward_op(x, grad_output, output, parameters, spec=ctx.spec)
    grad_parameters = None
    if parameters is not None and ctx.needs_input_grad[1]:
        grad_parameters = _parameter_backward_op(x, grad_output, output, parameters, spec=ctx.spec)
    return (grad_x, grad_parameters)


_forward_op.register_autograd(_backward_formula, setup_context=_setup_context)


# -- the public functions ---------------------------------------------------------------------
def op(spec: Any) -> Callable[..., Any]:
    """The activation ``spec`` as a function on tensors: a PyTorch custom op with autograd.

    Parameters
    ----------
    spec : str, dict or activation
        Anything :func:`activations.get` accepts: a name, a spec string such
        as ``"leaky_relu(negative_slope=0.2)"``, a dict, a plugin instance or
        a bound activation, from any registry.

    Returns
    -------
    functools.partial
        The operator ``torch.ops.activations.forward`` (a
        ``torch.library.custom_op``) with its ``spec`` bound: call it on a
        tensor. ``.func``, ``.args`` and ``.keywords``
        are what ``torch.library.opcheck`` takes.

    Raises
    ------
    UnknownActivationError, InvalidSpecError
        ``spec`` names no registered activation, or is malformed.

    Notes
    -----
    The result has the input's shape, dtype, device and strides. Gradients
    flow to the input through the plugin's ``backward`` (with the saved
    output); there is no double backward. The function works under
    ``torch.compile(fullgraph=True)`` without a graph break: the operators
    have fake implementations, and the compiled graph calls them as they
    are (the plugin's NumPy or CuPy code is not traced). ``op`` itself may
    be called inside the compiled function when ``spec`` is a string.

    Examples
    --------
    >>> import torch
    >>> import activations.torch
    >>> leaky = activations.torch.op("leaky_relu(negative_slope=0.2)")
    >>> x = torch.tensor([-2.0, 0.0, 3.0], requires_grad=True)
    >>> y = leaky(x)
    >>> y
    tensor([-0.4000,  0.0000,  3.0000], grad_fn=<...>)
    >>> y.sum().backward()
    >>> x.grad  # PyTorch's convention at the kink: leaky_relu'(0) = slope
    tensor([0.2000, 0.2000, 1.0000])
    >>> torch.library.opcheck(leaky.func, (torch.randn(3, 4),), leaky.keywords)["test_schema"]
    'SUCCESS'

    An activation with learnable parameters takes their values as a second
    argument, a 1-D tensor in the order of its ``learnable``; they replace
    the spec's, and autograd gives their gradient too:

    >>> prelu = activations.torch.op("prelu")
    >>> weight = torch.tensor([0.1], requires_grad=True)
    >>> prelu(torch.tensor([-2.0, 3.0]), weight).sum().backward()
    >>> weight.grad  # d/dw of the sum of w * min(x, 0)
    tensor([-2.])
    """
    if isinstance(spec, str) and torch.compiler.is_compiling():
        # Traced by torch.compile: the registry is not traceable, and need not be; the operator
        # resolves the string when it runs (an unknown name fails then).
        return functools.partial(_forward_op, spec=spec)
    act = _remember(spec)
    return functools.partial(_forward_op, spec=repr(act))


class Activation(torch.nn.Module):  # type: ignore[misc]  # torch is Any here: see the module docstring
    """The activation ``spec`` as a ``torch.nn.Module`` (element-wise), its parameters learnable on request.

    Parameters
    ----------
    spec : str, dict or activation
        Anything :func:`activations.get` accepts.
    learnable : bool
        Hold each of the activation's learnable parameters (its
        ``learnable``, e.g. PReLU's ``weight``) as a ``torch.nn.Parameter``,
        a 0-d tensor of the default dtype initialised from the spec, which
        an optimiser trains with the rest of the model. Without it (the
        default) the module has no parameters and the spec's values stay.

    Attributes
    ----------
    spec : str
        The activation's spec string (its ``repr``), which the module's
        ``repr`` shows and its state dict holds. With ``learnable=True`` its
        values of the learnable parameters are the initial ones: the
        parameters hold the current ones.
    learnable : tuple of str
        The names of the module's parameters (empty unless ``learnable=True``).

    Raises
    ------
    ValueError
        ``learnable=True`` for an activation with nothing learnable.
    InvalidSpecError
        From ``forward``, when training has taken a learnable parameter to
        a value the plugin refuses (softplus's or SiLU's ``beta`` to 0 or
        below, squareplus's ``b`` below 0, any of them to inf or NaN).

    Notes
    -----
    Saving and loading:

    * ``torch.save(model.state_dict(), f)`` and ``model.load_state_dict(torch.load(f))``
      work with ``torch.load``'s default ``weights_only=True``: the spec is
      the module's extra state (a string). Loading sets the spec, so a model
      built with any activation takes the saved one.
    * ``torch.save(model, f)`` pickles the whole model; ``torch.load(f,
      weights_only=False)`` loads it (as for any pickled module, the code of
      its classes must be importable), as does ``torch.load(f)`` inside
      ``torch.serialization.safe_globals([activations.torch.Activation, ...])``
      listing the model's other classes too.
    * Plain ``pickle`` and ``copy.deepcopy`` work.
    * With ``learnable=True`` the state dict holds each parameter under its
      name, next to the spec, and ``repr`` shows the current values.

    Parameters are scalars: per-channel ones (PyTorch's
    ``PReLU(num_parameters=C)``) are out of scope, as specs and ``config``
    hold scalars.

    Examples
    --------
    >>> import torch
    >>> import activations.torch
    >>> act = activations.torch.Activation("leaky_relu(negative_slope=0.2)")
    >>> act
    Activation(leaky_relu(negative_slope=0.2))
    >>> act(torch.tensor([-1.0, 1.0]))
    tensor([-0.2000,  1.0000])
    >>> dict(act.state_dict())
    {'_extra_state': 'leaky_relu(negative_slope=0.2)'}
    >>> prelu = activations.torch.Activation("prelu", learnable=True)
    >>> [(name, p.item()) for name, p in prelu.named_parameters()]
    [('weight', 0.25)]
    >>> prelu
    Activation(prelu(weight=0.25), learnable=('weight',))
    """

    def __init__(self, spec: Any, *, learnable: bool = False) -> None:
        super().__init__()
        act = _remember(spec)
        self.spec: str = repr(act)
        if learnable and not act.learnable:
            raise ValueError(
                f"{act!r} has no learnable parameter, so learnable=True cannot apply "
                "(prelu, leaky_relu, elu, celu, silu, softplus and squareplus have one)"
            )
        self.learnable: tuple[str, ...] = act.learnable if learnable else ()
        for name in self.learnable:
            self.register_parameter(name, torch.nn.Parameter(torch.tensor(float(act.config[name]))))

    def _parameters_tensor(self) -> Any:
        return torch.stack([getattr(self, name) for name in self.learnable])

    def forward(self, x: Any) -> Any:
        """Compute the activation of ``x`` (any shape; float32, float64, float16 or bfloat16)."""
        if not self.learnable:
            return _forward_op(x, spec=self.spec)
        return _forward_op(x, self._parameters_tensor(), spec=self.spec)

    def extra_repr(self) -> str:
        """The spec (with the parameters' current values), shown inside ``Activation(...)``."""
        if not self.learnable:
            return self.spec
        # the values as they are, even one the plugin would refuse: a model must stay printable
        values = self._parameters_tensor().detach().cpu().tolist()
        config = {**_resolve(self.spec, None).config, **dict(zip(self.learnable, values, strict=True))}
        name = config.pop("name")
        current = ", ".join(f"{key}={value!r}" for key, value in config.items())
        return f"{name}({current}), learnable={self.learnable!r}"

    def get_extra_state(self) -> str:
        """The spec, stored in the state dict (a string, so ``weights_only`` loading accepts it)."""
        return self.spec

    def set_extra_state(self, state: Any) -> None:
        """Take the spec from a loaded state dict (validated as `activations.get` validates it)."""
        act = _remember(state)
        if self.learnable and act.learnable != self.learnable:
            raise ValueError(
                f"the state dict's activation {act!r} learns {act.learnable!r}; this module learns "
                f"{self.learnable!r}"
            )
        self.spec = repr(act)
