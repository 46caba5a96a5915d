"""The conformance kit on other array backends: the activation on GPU arrays, against NumPy.

`check_on_backend` runs an activation on the arrays of a backend over the
kit's inputs (a wide grid, the special values, every kink, float16, float32,
float64 and integers, 0-d, a strided view, ``out=``, ``output=``), as users
call it, and compares each result with NumPy's on the same values: type and
dtype and shape as NumPy's, the inputs unchanged, the signs of zeros, NaN
and the infinities in the same places, and the values bit for bit where the
same code computes both sides (the CPU stand-in, NumPy underneath). Where
they are computed differently (a GPU, whose ``exp`` and kin round
differently; a compiled kernel of the plugin on NumPy's side, which its
``implementation`` says), two results each held to the accuracy targets
meet: they must agree within twice the targets in ACCURACY.md's measure (the
rounding of the value plus that of x times the slope, from the activation's
own derivative). A learnable activation's parameter sums must agree up to
their order of summation.
Backends:

* ``"stand-in"``: `StandInArray`, on the CPU, everywhere: NumPy underneath,
  CuPy's refusals on top, so a plugin that spells something NumPy's way only
  (``np.minimum.reduce``, ``where=`` in a ufunc, ``np.clip(..., dtype=)`` ...)
  fails with a message that names the call;
* ``"cupy"``: CuPy on a CUDA device (needs CuPy and a GPU).
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from activations import BoundActivation

from .._lazy import public
from ._harness import DEFAULT_DTYPES, Array, _bind, _dtypes, _examples, _fmt, _label, _Options, _ulp
from ._stand_in import StandInArray

__all__ = ["BACKENDS", "check_on_backend"]


@dataclass(frozen=True)
class _Backend:
    name: str
    to_device: Callable[[Array], Any]
    to_host: Callable[[Any], Array]
    exact: bool  # bit for bit against NumPy, or within a few ulps
    needs: str  # what to install when it is missing ("" when it is always there)


def _stand_in() -> _Backend:
    return _Backend("stand-in", lambda a: StandInArray(a.copy()), lambda a: a.get(), exact=True, needs="")


def _cupy() -> _Backend:
    needs = "CuPy and a CUDA device: pip install cupy-cuda12x (the wheel for your CUDA version)"
    try:
        cupy = importlib.import_module("cupy")
        if cupy.cuda.runtime.getDeviceCount() < 1:
            raise RuntimeError("no CUDA device")
    except Exception as exc:
        raise _MissingBackendError(f"backend 'cupy' needs {needs} ({type(exc).__name__}: {exc})") from None
    return _Backend("cupy", cupy.asarray, cupy.asnumpy, exact=False, needs=needs)


class _MissingBackendError(RuntimeError):
    """A backend whose library (or device) is not there."""


#: The backends the kit can check on, by name.
BACKENDS: dict[str, Callable[[], _Backend]] = {"stand-in": _stand_in, "cupy": _cupy}

#: The project's accuracy targets (4 ulp forward, 8 backward, ACCURACY.md's measure). Two results
#: that each meet them against the true value can be twice as far apart: the allowed distance from
#: NumPy's result where it is computed another way (a GPU, a compiled kernel) is twice these.
_ULPS = {"forward": 4.0, "derivative": 8.0, "backward": 8.0, "backward(output=)": 8.0}


def _inputs(act: BoundActivation, dtype: np.dtype[Any]) -> Array:
    """The grid: dense near 0, log-spaced to the float range, the kinks and their neighbours, specials."""
    mags = np.geomspace(1e-30, 1e30, 121)
    kinks = np.array(act.properties.kinks, dtype=np.float64)
    grid = np.concatenate(
        [
            np.linspace(-8.0, 8.0, 321),
            mags,
            -mags,
            kinks,
            kinks + 1e-3,
            kinks - 1e-3,
            [0.0, -0.0, np.inf, -np.inf, np.nan, 20.5, -745.0, 709.0, 88.0, -104.0, 1e-300, -1e-300],
        ]
    )
    if dtype.kind in "iu":
        return np.arange(-9, 10).astype(dtype)
    if dtype.kind == "b":
        return np.array([True, False, True])
    with np.errstate(over="ignore"):  # the float64 grid reaches past float32's and float16's range
        return grid.astype(dtype)


def _exact(act: BoundActivation, backend: _Backend, what: str, dtype: np.dtype[Any]) -> bool:
    """Whether ``what`` must equal NumPy's bit for bit: on the stand-in, unless NumPy's is compiled."""
    if not backend.exact:
        return False
    compute = "float64" if dtype.kind in "iub" else "float32" if dtype.itemsize <= 4 else "float64"
    implementation = act.implementation.get(what.partition("(")[0], {})
    return implementation.get(compute, "numpy") != "compiled"


def _slope(act: BoundActivation, what: str, x: Array, g: Array) -> Array:
    """|d(what)/dx| in float64: f' from the activation's derivative, f'' by central differences of it."""
    x64 = x.astype(np.float64)
    with np.errstate(all="ignore"):
        if what == "forward":
            first: Array = np.abs(np.asarray(act.derivative(x64)))
            return first
        h = 2.0**-20 * np.maximum(np.abs(x64), 1.0)
        second = (np.asarray(act.derivative(x64 + h)) - np.asarray(act.derivative(x64 - h))) / (2 * h)
        scale = 1.0 if what == "derivative" else np.abs(g.astype(np.float64))
        return np.asarray(np.abs(second) * scale)


def _compare(
    what: str,
    got: Any,
    want: Array,
    x: Array,
    backend: _Backend,
    array_type: type,
    where: str,
    slope: Array | None = None,
) -> str | None:
    """Why ``got`` (a backend result) is not NumPy's ``want``, or None.

    ``slope``, |d want / dx|, where the two results come from different
    implementations (a GPU, or a compiled kernel on NumPy's side): then
    within twice the targets in ACCURACY.md's measure, since each side is
    held to the targets against the true value; else bit for bit.
    """
    exact = slope is None
    if type(got) is not array_type:
        return f"{what}{where} returned a {type(got).__name__}, not a {array_type.__name__} like its input"
    host = backend.to_host(got)
    if host.dtype != want.dtype or host.shape != want.shape:
        return (
            f"{what}{where} gave dtype {host.dtype} and shape {host.shape}; "
            f"NumPy gives {want.dtype}, {want.shape}"
        )
    bad = _mismatches(what, host, want, x, slope)
    if not bad.any():
        return None
    flat_x = np.broadcast_to(x, want.shape)
    example = _examples(bad, ("x", flat_x), (backend.name, host), ("numpy", want))
    kind = "differs from" if exact else "is further than the accuracy target from"
    return f"{what}{where} {kind} NumPy's result at {int(bad.sum())} of {bad.size} points: {example}"


def _mismatches(what: str, host: Array, want: Array, x: Array, slope: Array | None) -> Array:
    """Where ``host`` is not ``want``: bit for bit if ``slope`` is None, else as `_compare` says."""
    if slope is None:
        same = (host == want) & (np.signbit(host) == np.signbit(want))
        bad: Array = ~(same | (np.isnan(host) & np.isnan(want)))
        return bad
    with np.errstate(invalid="ignore", over="ignore"):
        diff = np.abs(host.astype(np.float64) - want.astype(np.float64))
        x_dtype = want.dtype if x.dtype.kind in "iub" else x.dtype
        # At an infinite x the slope term is 0 * inf: only the value's own rounding is allowed there.
        slack = np.where(np.isfinite(x), slope * _ulp(x, x_dtype), 0.0)
        allowed = 2 * _ULPS[what] * (_ulp(want, want.dtype) + slack)
        close = (diff <= allowed) | (host == want)
        bad = ~(close | (np.isnan(host) & np.isnan(want)))
    # The zeros' signs are semantics (relu(-0.0) is +0.0), not rounding: the same on every backend.
    bad |= (host == 0) & (want == 0) & (np.signbit(host) != np.signbit(want))
    return bad


Call = Callable[[Callable[[Array], Any]], Any]


def _calls(act: BoundActivation, x: Array, g: Array, y: Array) -> dict[str, Call]:
    """Each call of the contract, made on arrays that ``put`` makes (NumPy's or the backend's)."""
    return {
        "forward": lambda put: act.forward(put(x)),
        "derivative": lambda put: act.derivative(put(x)),
        "backward": lambda put: act.backward(put(x), put(g)),
        "backward(output=)": lambda put: act.backward(put(x), put(g), output=put(y)),
    }


def _run(act: BoundActivation, backend: _Backend, options: _Options) -> list[str]:
    problems: list[str] = []
    device_type: type | None = None

    def attempt(call: Callable[[], Any], what: str, where: str) -> Any:
        try:
            with np.errstate(all="ignore"):  # NumPy's warnings are check_special_values' business
                return call()
        except Exception as exc:
            problems.append(f"{what}{where} raised {type(exc).__name__}: {exc}")
            return None

    dtypes = [*options.dtypes, np.dtype(np.int64)]
    for dtype in dtypes:
        x = _inputs(act, dtype)
        g = np.resize(
            np.array([1.0, -0.5, 2.0, 0.25], dtype=x.dtype if x.dtype.kind == "f" else np.float64), x.shape
        )
        with np.errstate(all="ignore"):
            y = act.forward(x)
        where = f" ({dtype})"
        for what, call in _calls(act, x, g, y).items():
            with np.errstate(all="ignore"):
                want = np.asarray(call(lambda a: a))
            got = attempt(functools.partial(call, backend.to_device), what, where)
            if got is None:
                continue
            device_type = device_type or type(backend.to_device(np.zeros(1)))
            slope = None if _exact(act, backend, what, x.dtype) else _slope(act, what.partition("(")[0], x, g)
            problem = _compare(what, got, want, x, backend, device_type, where, slope)
            if problem:
                problems.append(problem)
        if act.learnable:
            # Over |x| <= 40 first: a NaN would hide every sum, and a term of 1e30 would allow any
            # error in the others (the bound scales with the terms' magnitudes). Then the whole grid.
            finite = np.abs(x.astype(np.float64)) <= 40
            problems += _parameter_sums(act, backend, x[finite], g[finite], where)
            if not finite.all():
                problems += _parameter_sums(act, backend, x, g, f"{where} over the whole grid")
    return problems + _policy(act, backend)


def _parameter_sums(act: BoundActivation, backend: _Backend, x: Array, g: Array, where: str) -> list[str]:
    """parameter_backward on the backend against NumPy's: the sums agree up to their summation order.

    Each sum's allowed distance is 2 x 8 ulps (the backward target, on both
    sides) of every term's magnitude plus the rounding of a sum of n terms
    in any order, n eps times the sum of the terms' magnitudes, which come
    from NumPy's parameter_backward on each element alone. Non-finite sums
    must be non-finite in the same way.
    """
    with np.errstate(all="ignore"):
        want = act.parameter_backward(x, g)
        try:
            got = act.parameter_backward(backend.to_device(x), backend.to_device(g))
        except Exception as exc:
            return [f"parameter_backward{where} raised {type(exc).__name__}: {exc}"]
        terms = [act.parameter_backward(x[i : i + 1], g[i : i + 1]) for i in range(x.size)]
    if set(got) != set(want):
        return [f"parameter_backward{where} gave the parameters {sorted(got)}; NumPy gives {sorted(want)}"]
    compute = np.dtype(np.float64) if x.dtype.kind in "iub" or x.dtype.itemsize > 4 else np.dtype(np.float32)
    eps = float(np.finfo(compute).eps)
    problems = []
    for name, value in want.items():
        host = float(backend.to_host(got[name]))
        magnitude = float(np.sum(np.abs([t[name] for t in terms])))
        allowed = (2 * _ULPS["backward"] + x.size) * eps * magnitude
        if np.isfinite(value) and np.isfinite(host):
            close = abs(host - value) <= allowed or host == value
        else:
            close = host == value or (np.isnan(host) and np.isnan(value))
        if not close:
            problems.append(
                f"parameter_backward{where}[{name!r}] gave {host!r}; NumPy gives {value!r} "
                f"(allowed distance {allowed:.3g}: the terms' magnitudes sum to {magnitude:.3g})"
            )
    return problems


def _policy(act: BoundActivation, backend: _Backend) -> list[str]:
    """out=, aliasing, 0-d, strided views, and the inputs left alone, in float64."""
    problems: list[str] = []
    x = np.array([-3.0, -0.5, 0.0, 0.5, 3.0, np.nan, -np.inf, np.inf])
    g = np.linspace(-1.0, 1.0, x.size)
    with np.errstate(all="ignore"):
        want_f, want_b = act.forward(x), act.backward(x, g)

    def check(label: str, got: Any, want: Array, at: Array | None = None) -> None:
        what = label.partition("(")[0].split()[0]
        at = np.broadcast_to(x if at is None else at, want.shape)
        slope = None
        if not _exact(act, backend, what, at.dtype):
            slope = _slope(act, what, at, np.broadcast_to(g, want.shape) if what == "backward" else at)
        host = backend.to_host(got)
        if host.shape != want.shape or _mismatches(what, host, want, at, slope).any():
            problems.append(f"{label} gave {_fmt(host)}; NumPy gives {_fmt(want)}")

    with np.errstate(all="ignore"):
        try:
            dx, dg = backend.to_device(x), backend.to_device(g)
            out = backend.to_device(np.empty_like(x))
            if act.forward(dx, out=out) is not out:
                problems.append("forward(x, out=out) did not return out")
            check("forward(x, out=out)", out, want_f)
            same = backend.to_device(x)
            act.forward(same, out=same)  # out may alias x
            check("forward(x, out=x)", same, want_f)
            dx2 = backend.to_device(x)
            act.backward(dx2, dg, out=backend.to_device(np.empty_like(x)))
            if not np.array_equal(backend.to_host(dx2), x, equal_nan=True):
                problems.append("backward(x, g, out=...) modified x")
            gg = backend.to_device(g)
            act.backward(dx, gg, out=gg)  # out may alias grad_output
            check("backward(x, g, out=g)", gg, want_b)
            half = np.array(0.5)
            check("forward of a 0-d array", act.forward(backend.to_device(half)), act.forward(half), half)
            strided = np.stack([x, x])[:, ::2]
            wide = backend.to_device(np.stack([x, x]))
            check("forward of a strided view", act.forward(wide[:, ::2]), act.forward(strided), strided)
        except Exception as exc:
            problems.append(f"the input policy raised {type(exc).__name__}: {exc}")
    return problems


@public("activations.testing")
def check_on_backend(
    activation: Any,
    /,
    *,
    backend: str = "stand-in",
    dtypes: Iterable[Any] = DEFAULT_DTYPES,
    rtol: float = 0.0,
) -> None:
    """Check an activation on another array backend against NumPy: values, dtypes, ``out=``, inputs.

    Runs forward, derivative and backward (with and without ``output=``) on
    the backend's arrays over the kit's grid (special values and kinks
    included) in each dtype and in integers, plus ``out=`` (aliasing x and
    grad_output too), a 0-d array and a strided view, and compares each result
    with NumPy's on the same values: the array type, dtype and shape, and the
    values (bit for bit on ``"stand-in"``; within twice the accuracy targets
    of 4 and 8 ulp, in ACCURACY.md's measure, on a GPU and where NumPy arrays
    take the plugin's compiled kernel: see
    `activations.BoundActivation.implementation`), zeros' signs included, and
    a learnable activation's ``parameter_backward`` sums. An exception
    names the call that raised it: on the stand-in, the NumPy-only spelling a
    plugin used.

    Parameters
    ----------
    activation : spec
        Anything `activations.get` accepts.
    backend : {"stand-in", "cupy"}
        ``"stand-in"``: `StandInArray` on the CPU; ``"cupy"``: CuPy on a GPU.
    dtypes, rtol
        As for the other checks (``rtol`` is not used: the comparison is exact
        or in ulps).

    Raises
    ------
    AssertionError
        Naming the backend, the activation, each call that differs or raised
        and where; or, for a backend that is not installed, what to install.
    ValueError
        For a backend name the kit does not know.

    Examples
    --------
    >>> from activations.testing import check_on_backend
    >>> check_on_backend("relu")  # passes: nothing is printed
    >>> import numpy as np
    >>> import activations
    >>> class Leaky(activations.BaseActivation):
    ...     '''A leaky ReLU written with NumPy-only spellings.'''
    ...     name = "kit_numpy_only"
    ...     properties = activations.get("leaky_relu").properties
    ...     def forward(self, x, /, *, out=None):
    ...         result = x.copy() if out is None else (np.copyto(out, x) or out)
    ...         return np.multiply(result, 0.01, out=result, where=x < 0)  # where=: NumPy's only
    ...     def derivative(self, x, /, *, out=None):
    ...         return np.add(np.greater(x, 0), 0.0, out=out)
    >>> with activations.registered(Leaky, name="kit_numpy_only"):
    ...     check_on_backend("kit_numpy_only")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: check_on_backend[stand-in](kit_numpy_only): forward (float16) raised TypeError:
    np.multiply(..., where=...): CuPy's ufuncs take only out=, dtype= and casting=; got where=; ...
    """
    __tracebackhide__ = True  # pytest shows the user's frames, not the kit's
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; the kit knows: {', '.join(BACKENDS)}")
    act = _bind(activation)
    label = f"check_on_backend[{backend}]({_label(act)})"
    try:
        chosen = BACKENDS[backend]()
    except _MissingBackendError as exc:
        raise AssertionError(f"{label}: {exc}") from None
    problems = _run(act, chosen, _Options(dtypes=_dtypes(dtypes), rtol=float(rtol)))
    if problems:
        shown = problems[:8] + ([f"(and {len(problems) - 8} more)"] if len(problems) > 8 else [])
        raise AssertionError(f"{label}: " + "; ".join(shown))
