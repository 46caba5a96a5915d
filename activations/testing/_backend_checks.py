"""The conformance kit on other array backends: the activation on GPU arrays, against NumPy.

`check_on_backend` runs an activation on the arrays of a backend over the
kit's inputs (a wide grid, the special values, every kink, float16, float32,
float64 and integers, 0-d, a strided view, ``out=``, ``output=``), as users
call it, and compares each result with NumPy's on the same values: type and
dtype and shape as NumPy's, the values bit for bit on the CPU stand-in
(NumPy computes underneath), within a few ulps on a GPU (whose ``exp`` and
kin round differently), the inputs unchanged. Where NumPy arrays take a
compiled kernel of the plugin instead of the formula the stand-in runs (its
``implementation`` says "compiled"), two implementations each held to the
accuracy targets meet: on the stand-in they must agree within twice the
targets in ACCURACY.md's measure (the rounding of the value plus that of x
times the slope, from the activation's own derivative), with NaN, the
infinities and the signs of zeros in the same places.
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

#: Allowed distance from NumPy's result on a device: the project's accuracy targets (4 ulp forward,
#: 8 backward), since both results are held to them against the true value.
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

    ``slope``, |d want / dx|, where NumPy's result comes from another
    implementation (a compiled kernel): then within twice the targets in
    ACCURACY.md's measure instead of bit for bit on the stand-in.
    """
    exact = backend.exact and slope is None
    if type(got) is not array_type:
        return f"{what}{where} returned a {type(got).__name__}, not a {array_type.__name__} like its input"
    host = backend.to_host(got)
    if host.dtype != want.dtype or host.shape != want.shape:
        return (
            f"{what}{where} gave dtype {host.dtype} and shape {host.shape}; "
            f"NumPy gives {want.dtype}, {want.shape}"
        )
    if exact:
        bad = ~(((host == want) & (np.signbit(host) == np.signbit(want))) | (np.isnan(host) & np.isnan(want)))
    else:
        with np.errstate(invalid="ignore", over="ignore"):
            diff = np.abs(host.astype(np.float64) - want.astype(np.float64))
            allowed = _ULPS[what] * _ulp(want, want.dtype)
            if slope is not None:
                x_dtype = want.dtype if x.dtype.kind in "iub" else x.dtype
                allowed = 2 * _ULPS[what] * (_ulp(want, want.dtype) + slope * _ulp(x, x_dtype))
            close = (diff <= allowed) | (host == want)
            bad = ~(close | (np.isnan(host) & np.isnan(want)))
        if backend.exact:  # the CPU on both sides: the zeros' signs are semantics, not rounding
            bad |= (host == 0) & (want == 0) & (np.signbit(host) != np.signbit(want))
    if not bad.any():
        return None
    flat_x = np.broadcast_to(x, want.shape)
    example = _examples(bad, ("x", flat_x), (backend.name, host), ("numpy", want))
    kind = "differs from" if exact else "is further than the accuracy target from"
    return f"{what}{where} {kind} NumPy's result at {int(bad.sum())} of {bad.size} points: {example}"


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
            if not backend.exact:
                slope = None  # a GPU: the targets in ulps, as for every plugin there
            problem = _compare(what, got, want, x, backend, device_type, where, slope)
            if problem:
                problems.append(problem)
    return problems + _policy(act, backend)


def _policy(act: BoundActivation, backend: _Backend) -> list[str]:
    """out=, aliasing, 0-d, strided views, and the inputs left alone, in float64."""
    problems: list[str] = []
    x = np.array([-3.0, -0.5, 0.0, 0.5, 3.0, np.nan, -np.inf, np.inf])
    g = np.linspace(-1.0, 1.0, x.size)
    with np.errstate(all="ignore"):
        want_f, want_b = act.forward(x), act.backward(x, g)

    def check(label: str, got: Any, want: Array) -> None:
        host = backend.to_host(got)
        same = (
            np.array_equal(host, want, equal_nan=True)
            if _exact(act, backend, label.partition("(")[0].split()[0], x.dtype)
            else np.allclose(host, want, rtol=1e-12, atol=0.0, equal_nan=True)
        )
        if not same:
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
            check(
                "forward of a 0-d array",
                act.forward(backend.to_device(np.array(0.5))),
                act.forward(np.array(0.5)),
            )
            wide = backend.to_device(np.stack([x, x]))
            check(
                "forward of a strided view", act.forward(wide[:, ::2]), act.forward(np.stack([x, x])[:, ::2])
            )
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
    values (bit for bit on ``"stand-in"``, within the accuracy targets of 4
    and 8 ulp on a GPU; on the stand-in, where NumPy arrays take the
    plugin's compiled kernel, within twice the targets in ACCURACY.md's
    measure: see `activations.BoundActivation.implementation`). An exception
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
