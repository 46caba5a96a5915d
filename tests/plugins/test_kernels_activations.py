"""The compiled activation kernels (plugins/csrc/kernels.h) against mpmath and against the plugins.

For every case of ``accuracy_tools.CASES`` that has a kernel, in float32 and
float64, on the grid of ``tests/test_accuracy.py``:

* forward err <= 4, derivative and backward err <= 8 (ACCURACY.md's measure),
  tails included, and no floating-point warning;
* at least as accurate as the plugin's NumPy formula on the same grid (the
  formulas stay the reference: a faster, less accurate kernel has failed);
* bit for bit the plugin's value, signed zeros included (any NaN for NaN), at
  the special inputs: NaN, +-inf, +-0 and every kink, with gradients +-1, 0.5,
  0, +-inf; and no invalid, divide or overflow flag there, nor next to the
  kinks, at the smallest subnormals and normals and at the largest floats
  (elsewhere the kernels round differently, and as the first test shows, no
  worse).

Then the ufunc mechanics: broadcast parameters (scalar, 0-d, per element),
``out=``, in-place, strided and float16 input.
"""

from __future__ import annotations

import functools
import warnings
from typing import Any

import numpy as np
import pytest
from accuracy_tools import BACKWARD_BOUND, CASES, FORWARD_BOUND, Case, evaluation

import activations
from activations.plugins import compiled

ufuncs = pytest.importorskip(
    "activations.plugins._ufuncs", reason="the compiled kernels were not built (no C compiler at install)"
)

DTYPES = [np.dtype(np.float32), np.dtype(np.float64)]
#: Slack in "at least as accurate as the plugin": the two agree to the last digit in err where both
#: are correctly rounded, and err itself is computed in float64.
SLACK = 1e-9


@pytest.fixture(autouse=True, scope="module")
def _compiled_path():
    """The kernels as the dispatch sees them (``ACTIVATIONS_PURE_NUMPY`` unset)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv(compiled.ENVIRONMENT_VARIABLE, raising=False)
        compiled.refresh()
        if compiled.ufuncs() is None:
            pytest.skip(f"the compiled kernels are not in use: {compiled.status()}")
        yield
    compiled.refresh()


def _kernels(case: Case) -> compiled.Kernels:
    k = compiled.kernels(activations.get(case.name, **case.kwargs).config)
    assert k is not None
    return k


def _has_kernel(case: Case) -> bool:
    module = compiled.ufuncs() or ufuncs
    name = {"none": "gelu", "tanh": "gelu_tanh"}.get(case.kwargs.get("approximate", "none"), "-")
    return hasattr(module, f"{name if case.name == 'gelu' else case.name}_forward")


KERNEL_CASES = [case for case in CASES if _has_kernel(case)]


def _cases() -> list[Any]:
    return [pytest.param(c, d, id=f"{c.spec}-{d}") for c in KERNEL_CASES for d in DTYPES]


def _quietly(fn: Any, *args: Any) -> tuple[np.ndarray, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = fn(*args)
    return result, [str(w.message) for w in caught]


def _rounded_forward(ev: Any) -> np.ndarray:
    """f(x) correctly rounded (an infinity where it overflows): the best ``output`` a caller can pass."""
    return ev.forward.rounded.astype(ev.dtype)


@functools.cache
def _plugin_errors(case: Case, dtype: np.dtype[Any]) -> dict[str, float]:
    ev = evaluation(case, dtype)
    act = activations.get(case.name, **case.kwargs)
    ones = np.ones_like(ev.x)
    with np.errstate(all="ignore"):
        return {
            "forward": float(np.max(ev.forward.err(act.forward(ev.x)))),
            "derivative": float(np.max(ev.backward.err(act.derivative(ev.x)))),
            "backward": float(np.max(ev.backward.err(act.backward(ev.x, ones)))),
            "backward_output": float(
                np.max(ev.backward.err(act.backward(ev.x, ones, output=_rounded_forward(ev))))
            ),
        }


@pytest.mark.parametrize(("case", "dtype"), _cases())
def test_within_the_bounds_no_less_accurate_than_the_plugin_and_quiet(case: Case, dtype: np.dtype[Any]):
    ev = evaluation(case, dtype)
    k = _kernels(case)
    ones = np.ones_like(ev.x)
    y, w_forward = _quietly(k.forward, ev.x, None)
    computed = {
        "forward": (y, w_forward),
        "derivative": _quietly(k.derivative, ev.x, None),
        "backward": _quietly(k.backward, ev.x, ones, None),
    }
    if k.backward_output is not None:  # both given the correctly rounded output
        computed["backward_output"] = _quietly(k.backward_output, _rounded_forward(ev), ones, None)
    plugin = _plugin_errors(case, dtype)
    for what, (values, caught) in computed.items():
        assert values.dtype == dtype
        target = ev.forward if what == "forward" else ev.backward
        bound = FORWARD_BOUND if what == "forward" else BACKWARD_BOUND
        err = target.err(values)
        worst = int(np.argmax(err))
        where = f"{case.spec} {what} {dtype}: err {err[worst]:.3g} at x={ev.x[worst]!r} ({values[worst]!r})"
        assert err[worst] <= bound, where
        assert err[worst] <= plugin[what] + SLACK, f"{where}, plugin {plugin[what]:.3g}"
        assert not caught, f"{case.spec} {what} {dtype} warned: {sorted(set(caught))}"


def _special_inputs(case: Case, dtype: np.dtype[Any]) -> np.ndarray:
    """NaN, +-inf, +-0 and the kinks: where a limit or a convention decides the value exactly."""
    kinks = [float(k) for k in case.reference().kinks]
    return np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, *kinks], dtype=dtype)


def _edge_inputs(case: Case, dtype: np.dtype[Any]) -> np.ndarray:
    """The special inputs, the kinks' neighbours, the smallest subnormals and normals, the largest floats."""
    info = np.finfo(dtype)
    edges = [float(v) for v in (info.smallest_subnormal, info.tiny, info.max)]
    kinks = np.array([float(k) for k in case.reference().kinks], dtype=dtype)
    around = [np.nextafter(kinks, dtype.type(np.inf)), np.nextafter(kinks, dtype.type(-np.inf))]
    extra = np.array(edges + [-v for v in edges], dtype=dtype)
    return np.concatenate([_special_inputs(case, dtype), *around, extra])


def _same(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Bit for bit, signed zeros included; any NaN equals any NaN."""
    return ((a == b) & (np.signbit(a) == np.signbit(b))) | (np.isnan(a) & np.isnan(b))


def _report(x: np.ndarray, ours: np.ndarray, theirs: np.ndarray, g: Any = None) -> str:
    bad = np.flatnonzero(~_same(ours, theirs))
    gs = "" if g is None else " g="
    return "; ".join(
        f"x={x[i]!r}{gs}{'' if g is None else repr(np.broadcast_to(g, x.shape)[i])}: "
        f"kernel {ours[i]!r}, plugin {theirs[i]!r}"
        for i in bad[:6]
    )


@pytest.mark.parametrize(("case", "dtype"), _cases())
def test_special_inputs_are_the_plugins_bit_for_bit(case: Case, dtype: np.dtype[Any]):
    x = _special_inputs(case, dtype)
    act = activations.get(case.name, **case.kwargs)
    k = _kernels(case)
    with np.errstate(all="ignore"):  # the plugin's g * f' raises invalid for inf * 0; the kernels do not
        theirs = {"forward": act.forward(x), "derivative": act.derivative(x)}
    for what, fn in (("forward", k.forward), ("derivative", k.derivative)):
        ours = fn(x, None)
        assert np.all(_same(ours, theirs[what])), f"{case.spec} {what}: {_report(x, ours, theirs[what])}"
    for g in (1.0, -1.0, 0.5, 0.0, np.inf, -np.inf):
        grad = np.full_like(x, g)
        with np.errstate(all="ignore"):
            plugin = act.backward(x, grad)
            plugin_output = act.backward(x, grad, output=act.forward(x))
        ours = k.backward(x, grad, None)
        assert np.all(_same(ours, plugin)), f"{case.spec} backward: {_report(x, ours, plugin, g)}"
        if k.backward_output is not None:
            ours = k.backward_output(k.forward(x, None), grad, None)
            assert np.all(_same(ours, plugin_output)), (
                f"{case.spec} backward(output=): {_report(x, ours, plugin_output, g)}"
            )


@pytest.mark.parametrize(("case", "dtype"), _cases())
def test_no_flag_at_the_special_inputs_and_the_edges_of_the_range(case: Case, dtype: np.dtype[Any]):
    x = _edge_inputs(case, dtype)
    k = _kernels(case)
    with np.errstate(invalid="raise", divide="raise", over="raise"):
        k.forward(x, None)
        k.derivative(x, None)
        for g in (1.0, 0.0, np.inf, -np.inf, np.nan):
            k.backward(x, np.full_like(x, g), None)


# -- the ufunc mechanics ----------------------------------------------------------------------
X64 = np.random.default_rng(3).standard_normal(1000) * 4


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_parameters_broadcast_as_scalars_0d_arrays_and_per_element(dtype: np.dtype[Any]):
    x = X64.astype(dtype)
    beta = dtype.type(0.75)
    by_scalar = ufuncs.silu_forward(x, beta)
    assert np.array_equal(ufuncs.silu_forward(x, np.array(beta)), by_scalar)
    assert np.array_equal(ufuncs.silu_forward(x, np.full_like(x, beta)), by_scalar)
    per_element = np.linspace(0.5, 2, x.size).astype(dtype)
    assert np.array_equal(
        ufuncs.silu_forward(x, per_element),
        np.array([ufuncs.silu_forward(a, b) for a, b in zip(x, per_element, strict=True)], dtype=dtype),
    )
    assert ufuncs.silu_forward(x, beta).dtype == dtype
    assert np.array_equal(
        ufuncs.silu_forward(x, dtype.type(1)), ufuncs.silu_forward(x, np.array([1.0], dtype))
    )


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("name", ["gelu", "sigmoid", "elu", "relu", "hardtanh"])
def test_out_in_place_and_strided_input_give_the_contiguous_result(name: str, dtype: np.dtype[Any]):
    x = X64.astype(dtype)
    params = {"elu": (dtype.type(0.5),), "hardtanh": (dtype.type(-2), dtype.type(3))}.get(name, ())
    forward = getattr(ufuncs, f"{name}_forward")
    backward = getattr(ufuncs, f"{name}_backward")
    expected = forward(x, *params)
    out = np.empty_like(x)
    assert forward(x, *params, out=out) is out
    assert np.array_equal(out, expected)
    in_place = x.copy()
    forward(in_place, *params, out=in_place)
    assert np.array_equal(in_place, expected)
    wide = np.empty(2 * x.size, dtype)
    wide[::2] = x
    assert np.array_equal(forward(wide[::2], *params), expected)
    g = np.linspace(-2, 2, x.size).astype(dtype)
    assert np.array_equal(backward(wide[::2], g[::-1].copy()[::-1], *params), backward(x, g, *params))
    assert np.array_equal(forward(x.reshape(10, 100).T, *params), expected.reshape(10, 100).T)


def test_float16_is_computed_in_float32_and_integers_in_float64():
    x = np.array([-1.5, 0.0, 2.0], dtype=np.float16)
    assert ufuncs.gelu_forward(x).dtype == np.float32
    assert np.array_equal(ufuncs.gelu_forward(x), ufuncs.gelu_forward(x.astype(np.float32)))
    assert ufuncs.gelu_forward(np.array([1, 2])).dtype == np.float64


def test_the_numpy_path_can_be_forced(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(compiled.ENVIRONMENT_VARIABLE, "1")
    compiled.refresh()
    try:
        assert compiled.ufuncs() is None
        assert compiled.ufuncs() is None
        assert compiled.kernels({"name": "relu"}) is None
        assert compiled.status() == "NumPy formulas (ACTIVATIONS_PURE_NUMPY is set)"
    finally:
        monkeypatch.delenv(compiled.ENVIRONMENT_VARIABLE)
        compiled.refresh()
    assert compiled.ufuncs() is not None
