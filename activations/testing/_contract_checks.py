"""The checks of the conformance kit that test the contract and the core's input policy.

Members and ``config`` (`check_contract`); dtypes, shapes, ``out=``,
mutation, memory layouts, and special values (`check_dtypes` ...
`check_special_values`). Each runs on the bound activation, so what it
proves holds for the activation as users hold it.
"""

from __future__ import annotations

import ast
import math
from typing import Any

import numpy as np

from activations import ActivationError, BoundActivation, InvalidActivationError, validate_activation

from ._harness import (
    _SAMPLE,
    F64,
    Array,
    _bind,
    _call,
    _check,
    _close_ulps,
    _d,
    _examples,
    _f,
    _fail,
    _fmt,
    _Options,
    _same,
    _ulp,
)

__all__: list[str] = []


# -- contract and input policy -------------------------------------------------
@_check
def check_contract(act: BoundActivation, options: _Options) -> None:
    """The members, their signatures, ``name``, ``config`` and the round trip through `activations.get`.

    Proves: the plugin passes `activations.validate_activation`; ``config`` is a
    dict whose ``"name"`` is the activation's name and whose values are literals;
    ``get(config)`` and ``get(repr(activation))`` rebuild an equal activation with
    the same properties that computes bit for bit the same forward and
    derivative on a sample (so a parameter missing from ``config`` is caught).
    Cannot prove: that every parameter changes the maths (only the sample is
    compared). The activation must be registered (use `activations.registered`
    in a test) for ``get(config)`` to find it.

    Examples
    --------
    >>> from activations.testing import check_contract
    >>> check_contract("leaky_relu(negative_slope=0.2)")
    """
    plugin = act.plugin
    try:
        validate_activation(plugin, provider=type(plugin).__module__)
    except InvalidActivationError as exc:
        _fail(str(exc))
    config = act.config
    if config.get("name") != act.name:
        _fail(f"config must hold 'name': {act.name!r}, got {config!r}")
    for key, value in config.items():
        if not isinstance(key, str) or not key.isidentifier():
            _fail(f"config keys must be parameter names, got {key!r} in {config!r}")
        try:
            literal_ok = ast.literal_eval(repr(value)) == value
        except (ValueError, SyntaxError):
            literal_ok = False
        if not literal_ok:
            _fail(f"config[{key!r}] = {value!r} is not a literal that a spec string can carry")
    for how, spec in (("get(config)", config), ("get(repr(activation))", repr(act))):
        try:
            rebuilt = _bind(spec)
        except ActivationError as exc:
            _fail(f"{how} with {spec!r} raised {type(exc).__name__}: {str(exc).splitlines()[0]}")
        if rebuilt != act:
            _fail(f"{how} with {spec!r} built {rebuilt!r} (config {rebuilt.config!r}), which is not equal")
        if rebuilt.properties != act.properties:
            _fail(f"{how} with {spec!r} has properties {rebuilt.properties!r}, expected {act.properties!r}")
        for method in ("forward", "derivative"):
            want = _call(act, method, _SAMPLE.copy())
            got = _call(rebuilt, method, _SAMPLE.copy())
            bad = ~_same(got, want)
            if bad.any():
                _fail(
                    f"{how} with {spec!r} computes a different {method}: "
                    + _examples(bad, ("x", _SAMPLE), ("expected", want), ("got", got))
                    + "; does config miss a parameter?"
                )


def _is_result(value: Any, dtype: np.dtype[Any], shape: tuple[int, ...]) -> bool:
    if shape == ():
        return isinstance(value, (np.generic, np.ndarray)) and np.shape(value) == () and value.dtype == dtype
    return isinstance(value, np.ndarray) and value.dtype == dtype and value.shape == shape


def _kind(value: Any) -> str:
    if isinstance(value, (np.ndarray, np.generic)):
        return f"{type(value).__name__} of dtype {value.dtype} and shape {np.shape(value)}"
    return type(value).__name__


def _three(act: BoundActivation, x: Any, g: Any) -> dict[str, Any]:
    return {
        "forward": _call(act, "forward", x),
        "derivative": _call(act, "derivative", x),
        "backward": _call(act, "backward", x, g),
    }


def _agree_with_float64(act: BoundActivation, dtype: np.dtype[Any], options: _Options) -> None:
    """Forward, derivative and backward in ``dtype`` agree with float64 at the same inputs."""
    info = np.finfo(dtype)
    mags = np.concatenate([np.linspace(0.0, 40.0, 161), np.geomspace(1e-30, 1e30, 61)])
    x64 = np.clip(np.concatenate([-mags[::-1], mags]), -float(info.max), float(info.max))
    x = x64.astype(dtype)
    xr = x.astype(np.float64)  # the exact inputs, in float64
    g = np.resize(np.array([1.0, -0.5, 2.0, -3.0]), x.shape).astype(dtype)
    d64 = _d(act, xr)
    h = np.cbrt(np.finfo(np.float64).eps) * np.maximum(1.0, np.abs(xr))
    with np.errstate(all="ignore"):
        d2 = np.abs((_d(act, xr + h) - _d(act, xr - h)) / (2 * h))  # |f''|, for the conditioning term
    refs = {
        "forward": (_f(act, xr), np.abs(d64)),
        "derivative": (d64, d2),
        "backward": (np.asarray(_call(act, "backward", xr, g.astype(np.float64))), np.abs(g * d2)),
    }
    got_all = _three(act, x, g)
    for method, (ref, slope) in refs.items():
        got = np.asarray(got_all[method])
        with np.errstate(all="ignore"):
            representable = np.abs(ref) < float(info.max) / 2
            tol = 32 * (_ulp(ref, dtype) + slope * _ulp(x, dtype)) + float(info.tiny)  # subnormals: absolute
            tol = tol + options.rtol * np.abs(ref)
            err = np.abs(got.astype(np.float64) - ref)
        bad = representable & np.isfinite(ref) & ~(err <= tol)
        if bad.any():
            _fail(
                f"{method} in {dtype} disagrees with {method} in float64 at the same inputs by more than "
                f"32 ulps of {dtype} (plus rtol={options.rtol}): "
                + _examples(bad, ("x", x), ("float64 value", ref), (f"{dtype} value", got), worst=err / tol)
            )


@_check
def check_dtypes(act: BoundActivation, options: _Options) -> None:
    """Dtype in = dtype out for floats; integer and bool input computed in float64.

    Proves, for forward, derivative and backward: float16, float32 and float64
    arrays give an ndarray of the same dtype and shape (float16 is computed in
    float32 by the core); in each dtype the values agree with float64
    evaluated at the same inputs within 32 ulps of the dtype (the measure of
    ACCURACY.md, plus ``rtol``; results in the subnormal range only within the
    smallest normal number) over [-40, 40] and magnitudes 1e-30 to 1e30;
    integer and bool arrays give float64 results equal to those of the same
    values in float64. Cannot prove accuracy against the true function (the
    float64 result is the reference; mpmath tests do that).

    Examples
    --------
    >>> from activations.testing import check_dtypes
    >>> check_dtypes("sigmoid")
    """
    for dtype in options.dtypes:
        x = _SAMPLE.astype(dtype)
        g = np.linspace(-2.0, 2.0, x.size).astype(dtype)
        for method, result in _three(act, x, g).items():
            if not _is_result(result, dtype, x.shape):
                _fail(
                    f"{method} on a {dtype} array of shape {x.shape} returned a {_kind(result)}; "
                    f"expected an ndarray of dtype {dtype} and shape {x.shape}"
                )
        if dtype != F64:
            _agree_with_float64(act, dtype, options)
    for int_dtype in ("int8", "int32", "int64", "uint8", "bool"):
        xi = np.array([0, 1, 2, 3] if int_dtype in ("uint8", "bool") else [-3, -1, 0, 1, 2, 5]).astype(
            int_dtype
        )
        gi = np.ones_like(xi)
        want = _three(act, xi.astype(np.float64), gi.astype(np.float64))
        for method, result in _three(act, xi, gi).items():
            if not _is_result(result, F64, xi.shape):
                _fail(f"{method} on an {int_dtype} array returned a {_kind(result)}; expected float64")
            bad = ~_same(result, want[method])
            if bad.any():
                _fail(
                    f"{method} on {int_dtype} input differs from {method} on the same values in float64: "
                    + _examples(bad, ("x", xi), ("expected", want[method]), ("got", result))
                )


@_check
def check_shapes(act: BoundActivation, options: _Options) -> None:
    """0-d, empty, N-d and list input keep their shape, as a ufunc's would.

    Proves, for forward, derivative and backward in each dtype: a 0-d array
    and a NumPy scalar give a 0-d result (scalar or 0-d array) of that dtype
    equal (within 4 ulps) to the 1-d result; empty arrays of shapes (0,), (3, 0)
    and (0, 2, 0) give empty arrays of the same shape and dtype; a (2, 3, 4)
    array gives a (2, 3, 4) result equal to the 1-d evaluation; nested lists
    and Python floats give float64.

    Examples
    --------
    >>> from activations.testing import check_shapes
    >>> check_shapes("tanh")
    """
    for dtype in options.dtypes:
        flat = _SAMPLE[:20].astype(dtype)
        g = np.linspace(-2.0, 2.0, flat.size).astype(dtype)
        want = _three(act, flat, g)
        for i in (3, 10, 15):
            for label, x0, g0 in (
                ("a 0-d array", np.asarray(flat[i]), np.asarray(g[i])),
                ("a NumPy scalar", flat[i], g[i]),
            ):
                for method, result in _three(act, x0, g0).items():
                    if not _is_result(result, dtype, ()):
                        _fail(
                            f"{method} on {label} {_fmt(x0)} ({dtype}) returned a {_kind(result)}; "
                            f"expected a 0-d result of dtype {dtype}"
                        )
                    if not _close_ulps(result, want[method][i], 4):
                        _fail(
                            f"{method} on {label} x = {_fmt(x0)} ({dtype}) gave {_fmt(result)}; "
                            f"the same x in a 1-d array gives {_fmt(want[method][i])}"
                        )
        for shape in ((0,), (3, 0), (0, 2, 0)):
            e = np.empty(shape, dtype)
            for method, result in _three(act, e, e).items():
                if not _is_result(result, dtype, shape):
                    _fail(f"{method} on an empty {dtype} array of shape {shape} returned a {_kind(result)}")
        cube, gcube = flat[:18].reshape(2, 3, 3), g[:18].reshape(2, 3, 3)
        for method, result in _three(act, cube, gcube).items():
            if not _is_result(result, dtype, cube.shape):
                _fail(f"{method} on a {dtype} array of shape {cube.shape} returned a {_kind(result)}")
            bad = ~_close_ulps(np.asarray(result).ravel(), want[method][:18], 4)
            if bad.any():
                _fail(
                    f"{method} on a (2, 3, 3) {dtype} array differs from the 1-d evaluation: "
                    + _examples(bad, ("x", flat[:18]), ("1-d", want[method][:18]), ("3-d", result))
                )
    for label, x in (("a nested list", [[-1.0, 0.5], [2.0, 3.0]]), ("a Python float", 0.5)):
        result = _call(act, "forward", x)
        if not _is_result(result, F64, np.shape(x)):
            _fail(f"forward on {label} returned a {_kind(result)}; expected float64 of shape {np.shape(x)}")


@_check
def check_out(act: BoundActivation, options: _Options) -> None:
    """``out=`` is honoured and returned, may alias an input, and is checked.

    Proves, for forward, derivative and backward (with and without
    ``output=``) in each dtype: the call returns the very ``out`` array, filled
    with the values of the call without ``out`` (within 4 ulps; NumPy's SIMD
    loops may differ by an ulp between layouts); the same when ``out`` is a
    strided view (the elements between are left alone), when ``out`` is ``x``
    itself or ``grad_output`` itself, and for 0-d ``out``; an ``out`` of the
    wrong dtype raises TypeError and of the wrong shape ValueError. The
    plugin's own methods, called directly, also fill ``out`` and return it
    (the core copies a result returned instead, but pays a copy for it).

    Examples
    --------
    >>> from activations.testing import check_out
    >>> check_out("relu")
    """
    for dtype in options.dtypes:
        x = _SAMPLE.astype(dtype)
        g = np.linspace(-2.0, 2.0, x.size).astype(dtype)
        y = np.asarray(_call(act, "forward", x))
        calls: dict[str, tuple[tuple[Any, ...], dict[str, Any]]] = {
            "forward": ((x,), {}),
            "derivative": ((x,), {}),
            "backward": ((x, g), {}),
            "backward with output=": ((x, g), {"output": y}),
        }
        for label, (args, kwargs) in calls.items():
            method = label.split()[0]
            want = np.asarray(_call(act, method, *args, **kwargs))
            buffer = np.full(2 * x.size, 7, dtype)
            for how, out in (("a fresh array", np.empty_like(x)), ("a strided view", buffer[::2])):
                result = _call(act, method, *args, **kwargs, out=out)
                if result is not out:
                    _fail(f"{label}(..., out={how}) in {dtype} returned a {_kind(result)}, not out itself")
                bad = ~_close_ulps(out, want, 4)
                if bad.any():
                    _fail(
                        f"{label}(..., out={how}) in {dtype} wrote other values than the call without out: "
                        + _examples(bad, ("x", x), ("expected", want), ("got", out))
                    )
            if (buffer[1::2] != 7).any():
                _fail(f"{label}(..., out=a strided view) in {dtype} wrote between the elements of out")
            for position, name in enumerate(("x", "grad_output")[: len(args)]):
                aliased = [a.copy() for a in args]
                result = _call(act, method, *aliased, **kwargs, out=aliased[position])
                if result is not aliased[position]:
                    _fail(f"{label}(..., out={name}) in {dtype} did not return out")
                bad = ~_close_ulps(result, want, 4)
                if bad.any():
                    _fail(
                        f"{label}(..., out={name}) in {dtype} (out aliasing an input) gave other values: "
                        + _examples(bad, ("x", x), ("expected", want), ("got", result))
                    )
            if dtype != np.float16:  # plugins see float32 and float64 only; float16 goes through the core
                own = np.empty_like(x)
                result = getattr(act.plugin, method)(*args, **kwargs, out=own)
                if result is not own or not _close_ulps(own, want, 4).all():
                    _fail(
                        f"the plugin's own {label}(..., out=o) in {dtype} returned a {_kind(result)} "
                        f"{'other than o' if result is not own else 'but wrote other values into o'}: "
                        "a plugin must write into out and return it"
                    )
            zero_d = np.empty((), dtype)
            at16 = {k: v[16] for k, v in kwargs.items()}
            result = _call(act, method, *(a[16] for a in args), **at16, out=zero_d)
            if result is not zero_d or not _close_ulps(zero_d, want[16], 4):
                _fail(
                    f"{label}(x = {_fmt(x[16])}, out=a 0-d array) in {dtype} gave {_fmt(zero_d)}, "
                    f"expected {_fmt(want[16])} written into out and out returned"
                )
        wrong = np.empty(x.shape, np.float64 if dtype != F64 else np.float32)
        for bad_out, error, what in (
            (wrong, TypeError, "dtype"),
            (np.empty(x.size + 1, dtype), ValueError, "shape"),
        ):
            try:
                act.forward(x, out=bad_out)
            except error:
                continue
            except Exception as exc:
                _fail(
                    f"forward({dtype} x, out= wrong {what}) raised {type(exc).__name__}, "
                    f"expected {error.__name__}"
                )
            _fail(
                f"forward({dtype} x, out= an array of {bad_out.dtype} and shape {bad_out.shape}) "
                f"did not raise {error.__name__}"
            )


@_check
def check_no_mutation(act: BoundActivation, options: _Options) -> None:
    """No input is modified: ``x``, ``grad_output`` and ``output`` are left as they were.

    Proves, in each dtype, for forward, derivative, backward and backward with
    ``output=``, with and without a separate ``out``: every input array is
    bit for bit unchanged afterwards, and the same calls on read-only inputs
    do not raise. Cannot see a write that is undone before returning.

    Examples
    --------
    >>> from activations.testing import check_no_mutation
    >>> check_no_mutation("leaky_relu")
    """
    for dtype in options.dtypes:
        x = _SAMPLE.astype(dtype)
        g = np.linspace(-2.0, 2.0, x.size).astype(dtype)
        y = np.asarray(_call(act, "forward", x.copy()))
        for readonly in (False, True):
            for method, names, use_out in (
                ("forward", ("x",), False), ("forward", ("x",), True),
                ("derivative", ("x",), False), ("derivative", ("x",), True),
                ("backward", ("x", "grad_output"), False), ("backward", ("x", "grad_output"), True),
                ("backward", ("x", "grad_output", "output"), False),
                ("backward", ("x", "grad_output", "output"), True),
            ):  # fmt: skip
                inputs = {"x": x.copy(), "grad_output": g.copy(), "output": y.copy()}
                for arr in inputs.values():
                    arr.flags.writeable = not readonly
                args = [inputs[n] for n in names[:2]]
                kwargs: dict[str, Any] = {"output": inputs["output"]} if "output" in names else {}
                if use_out:
                    kwargs["out"] = np.empty_like(x)
                _call(act, method, *args, **kwargs)
                for name in names:
                    original = {"x": x, "grad_output": g, "output": y}[name]
                    changed = ~_same(inputs[name], original)
                    if changed.any():
                        call = f"{method}({', '.join(names[:2])}{', output=' if 'output' in names else ''}"
                        call += ", out=...)" if use_out else ")"
                        _fail(
                            f"{call} in {dtype} modified its input {name}: "
                            + _examples(changed, ("before", original), ("after", inputs[name]))
                        )


@_check
def check_layouts(act: BoundActivation, options: _Options) -> None:
    """Strided, transposed, reversed, Fortran-ordered and read-only input give the same values.

    Proves, in each dtype, for forward, derivative and backward: each layout
    of the same 2-d values gives a result of the right shape and dtype within
    4 ulps of the result for a C-contiguous copy (NumPy's SIMD and scalar loops
    may differ by an ulp).

    Examples
    --------
    >>> from activations.testing import check_layouts
    >>> check_layouts("sigmoid")
    """
    for dtype in options.dtypes:
        big = np.resize(_SAMPLE, 6 * 8 * 4).reshape(12, 16).astype(dtype)
        gbig = np.resize(np.linspace(-2.0, 2.0, 7), big.shape).astype(dtype)
        readonly, greadonly = big.copy(), gbig.copy()
        readonly.flags.writeable = greadonly.flags.writeable = False
        layouts = {
            "a strided view": (big[::2, 1::3], gbig[::2, 1::3]),
            "a transposed view": (big.T, gbig.T),
            "a reversed view": (big[::-1, ::-2], gbig[::-1, ::-2]),
            "a Fortran-ordered array": (np.asfortranarray(big), np.asfortranarray(gbig)),
            "a read-only array": (readonly, greadonly),
        }
        for label, (x, g) in layouts.items():
            want = _three(act, np.ascontiguousarray(x), np.ascontiguousarray(g))
            for method, result in _three(act, x, g).items():
                if not _is_result(result, dtype, x.shape):
                    _fail(f"{method} on {label} ({dtype}, shape {x.shape}) returned a {_kind(result)}")
                bad = ~_close_ulps(result, want[method], 4)
                if bad.any():
                    _fail(
                        f"{method} on {label} ({dtype}) differs from a contiguous copy: "
                        + _examples(bad, ("x", x), ("contiguous", want[method]), ("got", result))
                    )


def _special_inputs(dtype: np.dtype[Any], kinks: tuple[float, ...]) -> Array:
    info = np.finfo(dtype)
    big = float(info.max)
    mags = [
        float(info.smallest_subnormal), float(info.tiny), float(info.eps), math.sqrt(float(info.eps)),
        1e-3, 0.5, 1, 2, 3, 5, 6, 10, 11.1, 15, 16.6, 17.4, 20, 30, 33.3, 36.8, 40, 50, 88.7, 89, 100,
        103.9, 104, 709.8, 710, 745.2, 746, 1e3, 1e4, 1e8, 1e15, 1e30, 1e100, 1e300,
        math.log(big), math.log(big) + 1, math.sqrt(big), big / 2, big,
    ]  # fmt: skip
    mags = [m for m in mags if m <= big]
    kinks = tuple(k for k in kinks if abs(k) <= big)
    values = [0.0, -0.0, math.inf, -math.inf, *mags, *(-m for m in mags), *kinks]
    return np.array(values, dtype=dtype)


@_check
def check_special_values(act: BoundActivation, options: _Options) -> None:
    """No warning and no NaN for finite or infinite input; NaN propagates.

    Proves, in each dtype, for forward, derivative and backward (``grad_output``
    = 1, and with ``output=``): no warning under NumPy's default error settings
    and no NaN at 0, -0, the subnormal and normal minima, eps, the thresholds
    where exp and common formulas overflow or underflow in each dtype, the
    largest float, +-inf and the declared kinks; a NaN input gives NaN in the
    same place. Cannot prove the absence of warnings or NaN between those inputs
    (the other checks' grids cover [-10, 10] densely and all checks fail on any
    warning).

    Examples
    --------
    >>> from activations.testing import check_special_values
    >>> check_special_values("sigmoid")
    """
    for dtype in options.dtypes:
        x = _special_inputs(dtype, act.properties.kinks)
        g = np.ones_like(x)
        results = _three(act, x, g)
        results["backward with output="] = _call(act, "backward", x, g, output=results["forward"])
        for method, result in results.items():
            nan = np.isnan(np.asarray(result))
            if nan.any():
                _fail(
                    f"{method} in {dtype} gave NaN for a non-NaN input: "
                    + _examples(nan, ("x", x), (method, result))
                    + "; expected no NaN"
                )
        xn = np.array([np.nan, 1.0, np.nan, -1.0], dtype)
        nan_results = _three(act, xn, np.ones_like(xn))
        nan_results["backward with output="] = _call(
            act, "backward", xn, np.ones_like(xn), output=nan_results["forward"]
        )
        for method, result in nan_results.items():
            wrong = np.isnan(np.asarray(result)) != np.isnan(xn)
            if wrong.any():
                _fail(
                    f"{method} in {dtype} gave {_fmt(result)} for x = {_fmt(xn)}; "
                    "expected NaN exactly where x is NaN"
                )
