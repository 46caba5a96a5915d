"""The adapter checks of the kit: an activation through `activations.torch` and `activations.jax`.

`check_torch_adapter` and `check_jax_adapter` are not in `CHECKS` (they
need a framework the package does not depend on); ``check_activation(...,
frameworks=("torch", "jax"))`` and ``activations check --framework torch``
run them after the others. Each needs its framework installed and raises a
`ModuleNotFoundError` that says what to install when it is not (the command
line reports it as a usage error): a missing framework says nothing about the
activation, so it is not reported as the activation's failure.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from activations import BoundActivation

from ._harness import _SAMPLE, DEFAULT_DTYPES, Array, CheckFunction, _check, _examples, _fail, _Options, _same

__all__ = ["FRAMEWORK_CHECKS", "check_jax_adapter", "check_torch_adapter", "require_frameworks"]

#: What each framework is installed by.
INSTALL = {
    "torch": "PyTorch is not installed: pip install 'pluggable-activations[torch]'",
    "jax": "JAX is not installed: pip install 'pluggable-activations[jax]'",
}

_SPECIAL = np.array([np.inf, -np.inf, np.nan, -0.0])


def _inputs(dtype: np.dtype[Any]) -> Array:
    """The kit's structural sample, the special values and random points: 92, rows of 4 for vmap."""
    spread = np.random.default_rng(0).normal(0.0, 3.0, 67)
    return np.concatenate([_SAMPLE, _SPECIAL, spread]).astype(dtype)


def _finite_inputs() -> Array:
    """The finite float64 points of `_inputs`, 88 of them (rows of 4 for vmap).

    For the parameters' gradients, which are sums over the points: one
    infinity or NaN makes a sum NaN, which would agree with any other NaN.
    """
    x = _inputs(np.dtype(np.float64))
    x = x[np.isfinite(x)]
    return x[: len(x) // 4 * 4]


def _away_from_kinks(act: BoundActivation, count: int = 48) -> Array:
    """float64 points on [-7, 7], random and beside each kink, at least 0.01 from every kink."""
    kinks = np.array(act.properties.kinks, dtype=np.float64)
    x = np.random.default_rng(1).uniform(-7.0, 7.0, count)
    x = np.concatenate([x, kinks - 0.05, kinks + 0.05])
    if kinks.size:
        x = x[np.min(np.abs(x[:, None] - kinks[None, :]), axis=1) >= 0.01]
    return x


def _import(framework: str) -> Any:
    try:
        return importlib.import_module(framework)
    except ImportError as exc:
        raise ModuleNotFoundError(INSTALL[framework], name=framework) from exc


def require_frameworks(frameworks: Iterable[str]) -> tuple[str, ...]:
    """Validate ``frameworks``; raise `ModuleNotFoundError` naming what to install for a missing one.

    Examples
    --------
    >>> from activations.testing._framework_checks import require_frameworks
    >>> require_frameworks(())
    ()
    >>> require_frameworks(["tensorflow"])
    Traceback (most recent call last):
    ...
    ValueError: unknown framework 'tensorflow'; the frameworks are: torch, jax
    """
    if isinstance(frameworks, str):
        frameworks = (frameworks,)
    chosen = tuple(frameworks)
    for framework in chosen:
        if framework not in FRAMEWORK_CHECKS:
            raise ValueError(
                f"unknown framework {framework!r}; the frameworks are: {', '.join(FRAMEWORK_CHECKS)}"
            )
        if importlib.util.find_spec(framework) is None:
            raise ModuleNotFoundError(INSTALL[framework], name=framework)
    return chosen


def _compare(what: str, got: Array, want: Array, x: Array) -> None:
    bad = ~_same(got, want)
    if bad.any():
        _fail(
            f"{what} differs from the NumPy plugin's at {int(bad.sum())} of {bad.size} points "
            f"({x.dtype}): {_examples(bad, ('x', x), ('got', got), ('want', want))}"
        )


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text.splitlines()[0] if text else ''}"


def _adapter_check(framework: str) -> Callable[[Callable[[BoundActivation, _Options], None]], CheckFunction]:
    """Make ``fn`` a public check, as `_check` does, that first requires ``framework``.

    A missing framework is then a `ModuleNotFoundError` saying what to
    install, not a failure of the activation.
    """

    def decorate(fn: Callable[[BoundActivation, _Options], None]) -> CheckFunction:
        checked = _check(fn)

        @functools.wraps(checked)
        def check(activation: Any, /, *, dtypes: Iterable[Any] = DEFAULT_DTYPES, rtol: float = 0.0) -> None:
            __tracebackhide__ = True
            require_frameworks((framework,))
            checked(activation, dtypes=dtypes, rtol=rtol)

        return check

    return decorate


@_adapter_check("torch")
def check_torch_adapter(act: BoundActivation, options: _Options) -> None:
    """Through `activations.torch.op`, the activation is a correct PyTorch custom op.

    In each dtype of ``dtypes`` (float16 included, which PyTorch computes in
    float32 as the bound activation does), on the kit's structural sample,
    the special values and random points: the op's values, and the gradient
    that autograd computes through it, equal the bound activation's
    ``forward`` and ``backward(x, g, output=forward(x))`` to the bit.
    ``torch.library.opcheck`` passes (schema, autograd registration, fake
    tensor, and compiled against eager values and gradients) on a strided
    float64 input that requires grad; ``torch.autograd.gradcheck`` passes in
    float64 at 48 random points of [-7, 7] and beside each kink, none within
    0.01 of a declared kink. An activation with learnable parameters takes
    them as the op's second input: in float64, the gradient autograd gives
    them equals the bound activation's ``parameter_backward`` to the bit,
    and ``gradcheck`` passes for them too. Cannot prove: anything about CUDA
    tensors (run it on a GPU for that), or ``torch.compile`` of a whole
    model (the adapter's own tests do that).

    Examples
    --------
    >>> from activations.testing import check_torch_adapter
    >>> check_torch_adapter("leaky_relu(negative_slope=0.2)")
    """
    torch = _import("torch")
    adapter = importlib.import_module("activations.torch")
    f = adapter.op(act)
    for dtype in options.dtypes:
        x = _inputs(dtype)
        g = np.resize(np.array([1.0, -0.7, 2.5, -1.5, 0.3], dtype=dtype), x.shape)
        xt = torch.from_numpy(x.copy()).requires_grad_()
        try:
            yt = f(xt)
            yt.backward(torch.from_numpy(g.copy()))
        except Exception as exc:
            _fail(f"op({act!r}) on {dtype} raised {_first_line(exc)}")
        y = np.asarray(act.forward(x))
        _compare("forward", yt.detach().numpy(), y, x)
        _compare("the gradient", xt.grad.numpy(), np.asarray(act.backward(x, g, output=y)), x)
    seeded = torch.Generator().manual_seed(0)
    sample = torch.randn(6, 5, dtype=torch.float64, generator=seeded)[::2].requires_grad_()  # strided
    try:
        torch.library.opcheck(f.func, (sample,), f.keywords)
    except Exception as exc:
        _fail(f"torch.library.opcheck failed: {_first_line(exc)}")
    points = torch.from_numpy(_away_from_kinks(act)).requires_grad_()
    try:
        torch.autograd.gradcheck(f, (points,))
    except Exception as exc:
        _fail(f"torch.autograd.gradcheck failed in float64 away from the kinks: {_first_line(exc)}")
    if act.learnable:
        _check_torch_parameters(torch, act, f, points.detach())


def _check_torch_parameters(torch: Any, act: BoundActivation, f: Any, points: Any) -> None:
    """The op's gradient for the learnable parameters: the plugin's sums, and gradcheck, in float64."""
    names = act.learnable
    values = [float(act.config[name]) for name in names]
    x = _finite_inputs()
    g = np.resize(np.array([1.0, -0.7, 2.5, -1.5, 0.3]), x.shape)
    parameters = torch.tensor(values, dtype=torch.float64, requires_grad=True)
    try:
        f(torch.from_numpy(x.copy()), parameters).backward(torch.from_numpy(g.copy()))
    except Exception as exc:
        _fail(f"op({act!r}) with its parameters raised {_first_line(exc)}")
    sums = act.parameter_backward(x, g, output=act.forward(x))
    want = np.array([sums[name] for name in names])
    got = parameters.grad.numpy()
    if not _same(got, want).all():
        through = f"the gradient of {', '.join(names)} through the op"
        _fail(f"{through} is {got.tolist()}, parameter_backward's {want.tolist()}")
    parameters = torch.tensor(values, dtype=torch.float64, requires_grad=True)
    try:
        torch.autograd.gradcheck(f, (points.requires_grad_(), parameters))
    except Exception as exc:
        _fail(f"torch.autograd.gradcheck failed for {', '.join(names)} in float64: {_first_line(exc)}")


@_adapter_check("jax")
def check_jax_adapter(act: BoundActivation, options: _Options) -> None:
    """Through `activations.jax.function`, the activation works under jit, grad, vmap and value_and_grad.

    On the kit's structural sample, the special values and random points,
    in float32 and (with x64 enabled for the check) float64: ``jax.jit`` of
    the function equals the bound activation's ``forward`` to the bit; the
    gradient from ``jax.vjp`` equals ``backward(x, g, output=forward(x))``;
    ``jax.vmap`` over a batch of rows, ``jax.vmap(jax.grad(f))``,
    ``jax.value_and_grad`` of a sum and ``jax.jit(jax.grad(...))`` agree with
    the same values (value_and_grad on the finite inputs; its value within
    1e-5 of the sum of the magnitudes, since the sums add in another order).
    float16 is not checked (JAX computes it in float32, as `activations.jax`
    says). An activation with learnable parameters is also checked as
    ``function(spec, learnable=True)``, in float64 on the finite points of
    the sample: its values are those of ``forward``, and ``jax.jit(jax.grad(...))`` with respect to ``params``
    gives the bound activation's ``parameter_backward`` to the bit, as does
    ``jax.vmap`` of it over rows, row by row. Cannot prove: anything on an
    accelerator, where the callback runs on the host.

    Examples
    --------
    >>> from activations.testing import check_jax_adapter
    >>> check_jax_adapter("softplus")
    """
    jax = _import("jax")
    jnp = importlib.import_module("jax.numpy")
    adapter = importlib.import_module("activations.jax")
    f = adapter.function(act)
    enable_x64 = getattr(jax, "enable_x64", None)  # jax.experimental.enable_x64 before JAX 0.6
    if enable_x64 is None:
        enable_x64 = importlib.import_module("jax.experimental").enable_x64
    for dtype in [d for d in options.dtypes if d.itemsize >= 4]:
        with enable_x64(dtype == np.float64):
            x = _inputs(dtype)
            g = np.resize(np.array([1.0, -0.7, 2.5, -1.5, 0.3], dtype=dtype), x.shape)
            y = np.asarray(act.forward(x))
            dy = np.asarray(act.backward(x, g, output=y))
            ones = np.asarray(act.backward(x, np.ones_like(x), output=y))
            xj = jnp.asarray(x)
            finite = np.isfinite(x)
            try:
                got_y = np.asarray(jax.jit(f)(xj))
                value, vjp = jax.vjp(f, xj)
                (got_dy,) = vjp(jnp.asarray(g))
                rows = np.asarray(jax.vmap(f)(xj.reshape(-1, 4)))
                per_element = np.asarray(jax.vmap(jax.grad(f))(xj))
                total, summed = jax.value_and_grad(lambda v: f(v).sum())(xj[finite])
                gj = jnp.asarray(g)
                jitted = np.asarray(jax.jit(jax.grad(lambda v, gj=gj: (f(v) * gj).sum()))(xj))
            except Exception as exc:
                _fail(f"function({act!r}) on {dtype} raised {_first_line(exc)}")
            _compare("jit(f)", got_y, y, x)
            _compare("f", np.asarray(value), y, x)
            _compare("the gradient from jax.vjp", np.asarray(got_dy), dy, x)
            _compare("vmap(f) over rows", rows.reshape(-1), y, x)
            _compare("vmap(grad(f))", per_element, ones, x)
            _compare("value_and_grad's gradient", np.asarray(summed), ones[finite], x[finite])
            _compare("jit(grad(...))", jitted, dy, x)
            # the sums add in different orders: within 1e-5 of the sum of magnitudes
            want_total = float(y[finite].astype(np.float64).sum())
            if not abs(float(total) - want_total) <= 1e-5 * float(np.abs(y[finite]).astype(np.float64).sum()):
                _fail(f"value_and_grad's value is {float(total)!r}; the sum of forward is {want_total!r}")
    if act.learnable:
        with enable_x64(True):
            _check_jax_parameters(jax, jnp, act, adapter.function(act, learnable=True))


def _check_jax_parameters(jax: Any, jnp: Any, act: BoundActivation, f: Any) -> None:
    """``f(params, x)`` in float64: forward's values, and parameter_backward's sums for the gradient."""
    names = act.learnable
    x = _finite_inputs()
    g = np.resize(np.array([1.0, -0.7, 2.5, -1.5, 0.3]), x.shape)
    y = np.asarray(act.forward(x))
    params = {name: jnp.asarray(float(act.config[name]), dtype=jnp.float64) for name in names}
    xj, gj = jnp.asarray(x), jnp.asarray(g)
    try:
        got_y = np.asarray(jax.jit(f)(params, xj))
        grads = jax.jit(jax.grad(lambda p: (f(p, xj) * gj).sum()))(params)
        rows = jax.vmap(jax.grad(lambda p, r, q: (f(p, r) * q).sum()), in_axes=(None, 0, 0))(
            params, xj.reshape(-1, 4), gj.reshape(-1, 4)
        )
    except Exception as exc:
        _fail(f"function({act!r}, learnable=True) raised {_first_line(exc)}")
    _compare("f(params, x)", got_y, y, x)
    sums = act.parameter_backward(x, g, output=y)
    for name in names:
        if not _same(np.asarray(grads[name]), np.asarray(sums[name])):
            got = float(grads[name])
            _fail(f"jax.grad's gradient of {name} is {got!r}, parameter_backward's {sums[name]!r}")
        want = [
            act.parameter_backward(r, q, output=act.forward(r))[name]
            for r, q in zip(x.reshape(-1, 4), g.reshape(-1, 4), strict=True)
        ]
        if not _same(np.asarray(rows[name]), np.asarray(want)).all():
            _fail(f"jax.vmap of jax.grad gives {name} per row unlike parameter_backward row by row")


#: The adapter check of each framework, in the order ``frameworks=`` may name them.
FRAMEWORK_CHECKS: dict[str, CheckFunction] = {
    "torch": check_torch_adapter,
    "jax": check_jax_adapter,
}
