"""The plugins' choice between their compiled kernels and their NumPy formulas.

* A NumPy float32 or float64 array takes the kernel wherever it is in use (the
  bound activation's result is the kernel's, bit for bit), the formula where
  `compiled.NUMPY_FASTER` keeps it, under ``numpy_formulas()`` and with
  ``ACTIVATIONS_PURE_NUMPY=1``; ``implementation`` says which, as does
  ``activations info``.
* Anything else takes the formula: the conformance kit's stand-in array, and
  the third-party plugins, which report "numpy".
* A CuPy array takes the fused ElementwiseKernel built from `cuda_kernel`'s
  arguments: checked on a fake ``cupy`` module that records the kernels it is
  asked to build and computes them with the CPU ufuncs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import types
from typing import Any, ClassVar

import numpy as np
import pytest

import activations
from activations.plugins import compiled
from activations.testing import StandInArray

ufuncs = pytest.importorskip(
    "activations.plugins._ufuncs", reason="the compiled kernels were not built (no C compiler at install)"
)

DTYPES = [np.dtype(np.float32), np.dtype(np.float64)]
#: Every bundled activation with kernels, and its kernels' prefix (parameters off their defaults too).
WIRED = {
    "relu": "relu",
    "leaky_relu(negative_slope=0.2)": "leaky_relu",
    "leaky_relu(negative_slope=-3.0)": "leaky_relu",
    "prelu": "leaky_relu",
    "rrelu": "leaky_relu",
    "relu6": "relu6",
    "hardtanh(min_val=-0.5, max_val=2.0)": "hardtanh",
    "threshold(threshold=0.5, value=-1.0)": "threshold",
    "sigmoid": "sigmoid",
    "log_sigmoid": "log_sigmoid",
    "softplus": "softplus",
    "softplus(beta=3.0)": "softplus",
    "tanh": "tanh",
    "silu": "silu",
    "silu(beta=0.7)": "silu",
    "gelu": "gelu",
    "gelu(approximate='tanh')": "gelu_tanh",
    "mish": "mish",
    "elu": "elu",
    "elu(alpha=0.3)": "elu",
    "selu": "selu",
    "celu(alpha=2.0)": "celu",
}
X = np.concatenate([np.linspace(-30, 30, 997), [0.0, -0.0, np.inf, -np.inf, np.nan, 1e-30, -1e-30]])
G = np.random.default_rng(5).standard_normal(X.size)


@pytest.fixture(autouse=True)
def _decided_afresh(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv(compiled.ENVIRONMENT_VARIABLE, raising=False)
    compiled.refresh()
    if compiled.ufuncs() is None:
        pytest.skip(f"the compiled kernels are not in use: {compiled.status()}")
    yield
    compiled.refresh()


def _parameters(act: Any, prefix: str, method: str) -> tuple[float, ...]:
    names = compiled._PARAMETERS.get(prefix, ())
    if prefix == "threshold" and method != "forward":
        names = names[:1]
    return tuple(getattr(act.plugin, n) for n in names)


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return bool(np.all((a == b) & (np.signbit(a) == np.signbit(b)) | (np.isnan(a) & np.isnan(b))))


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("spec", list(WIRED))
def test_a_numpy_array_takes_the_kernel_where_it_is_in_use_and_the_formula_elsewhere(spec: str, dtype):
    act = activations.get(spec)
    prefix = WIRED[spec]
    x, g = X.astype(dtype), G.astype(dtype)
    with compiled.numpy_formulas():
        formula = {"forward": act(x), "derivative": act.derivative(x), "backward": act.backward(x, g)}
    got = {"forward": act(x), "derivative": act.derivative(x), "backward": act.backward(x, g)}
    for method, result in got.items():
        name = f"{prefix}_{method}"
        inputs = (x, g) if method == "backward" else (x,)
        kernel = getattr(ufuncs, name)(*inputs, *(dtype.type(p) for p in _parameters(act, prefix, method)))
        measured = (
            prefix,
            "forward" if method == "forward" else "backward",
            str(dtype),
        ) not in compiled.NUMPY_FASTER
        chosen = measured and not (spec == "silu(beta=0.7)" and dtype == np.float32)  # beta inexact there
        assert act.implementation[method][str(dtype)] == ("compiled" if chosen else "numpy")
        expected = kernel if chosen else formula[method]
        assert result.dtype == dtype
        assert _same(result, expected), (
            f"{spec} {method} {dtype}: not the {'kernel' if chosen else 'formula'}"
        )


#: Parameters at the edges of each kernel's cases (a slope of 0, 1 and beyond, a threshold off 0 ...).
EDGE_SPECS = {
    **WIRED,
    "leaky_relu(negative_slope=0.0)": "leaky_relu",
    "leaky_relu(negative_slope=1.0)": "leaky_relu",
    "leaky_relu(negative_slope=2.5)": "leaky_relu",
    "leaky_relu(negative_slope=-0.0)": "leaky_relu",
    "hardtanh(min_val=0.0, max_val=6.0)": "hardtanh",
    "threshold(threshold=-1.0, value=2.0)": "threshold",
    "threshold(threshold=1.0, value=1.0)": "threshold",
    "threshold(threshold=0.0, value=-3.0)": "threshold",
    "elu(alpha=0.0)": "elu",
    "elu(alpha=-0.5)": "elu",
    "elu(alpha=2.0)": "elu",
    "celu(alpha=0.5)": "celu",
    "softplus(beta=0.5)": "softplus",
    "silu(beta=2.0)": "silu",
}


def test_celu_with_a_negative_alpha_keeps_the_formula():
    """Its left side overflows: the kernel raises the flags the formula keeps quiet (and is not called)."""
    act = activations.get("celu(alpha=-1.5)")
    assert {p for by_dtype in act.implementation.values() for p in by_dtype.values()} == {"numpy"}
    x = np.array([-1e30, -1.0, 2.0])
    with compiled.numpy_formulas():
        formula = act(x)
    assert _same(act(x), formula)


def _grid(dtype: np.dtype[Any]) -> np.ndarray:
    info = np.finfo(dtype)
    with np.errstate(over="ignore"):
        mags = np.geomspace(float(info.smallest_subnormal), float(info.max), 400)
        return np.concatenate([X, mags, -mags, [-1.5, -1.0, 1.0, 0.5, 6.0, 2.0]]).astype(dtype)


def _kernels_of(act: Any, prefix: str) -> compiled.Kernels:
    config = act.config
    if prefix == "leaky_relu":  # PReLU's weight, RReLU's mean slope
        config = {"name": "leaky_relu", "negative_slope": act.plugin.negative_slope}
    k = compiled.kernels(config)
    assert k is not None, config
    return k


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("spec", EDGE_SPECS)
def test_every_kernel_keeps_the_formulas_semantics_for_any_parameter(spec: str, dtype):
    """NaN, infinities and the signs of zeros as the formula's; values within 8 and 16 ulp of it; quietly.

    Every kernel of the activation, chosen or not (the GPU takes them all). Found, when written: Leaky
    ReLU with slope 0 gave -0.0 left of 0 (the formula, ReLU, gives +0.0), and Threshold off 0 gave
    g, not NaN, for the backward at NaN.
    """
    act = activations.get(spec)
    k = _kernels_of(act, EDGE_SPECS[spec])
    x = _grid(dtype)
    g = np.resize(np.array([1.0, -0.5, np.inf, 0.0, 2.0], dtype), x.size)
    with compiled.numpy_formulas(), np.errstate(all="ignore"):
        formula = {"forward": act(x), "derivative": act.derivative(x), "backward": act.backward(x, g)}
    with np.errstate(invalid="raise", divide="raise", over="raise"):  # underflow is not reported
        ours = {"forward": k.forward(x, None), "derivative": k.derivative(x, None)}
    with np.errstate(invalid="raise", divide="raise", over="ignore"):  # g f' may truly overflow
        ours["backward"] = k.backward(x, g, None)
    for what, got in ours.items():
        want = formula[what]
        special = ~np.isfinite(want) | ~np.isfinite(got) | ((got == 0) & (want == 0))
        wrong = special & ~_same_each(got, want)
        examples = "; ".join(
            f"x={x[i]!r}: kernel {got[i]!r}, formula {want[i]!r}" for i in np.flatnonzero(wrong)[:4]
        )
        assert not wrong.any(), f"{spec} {what} {dtype}: {examples}"
        # Each is held to 4 (8) ulp of the truth by the accuracy tests, in ACCURACY.md's measure, which
        # allows far more than 8 ulp of the value where f is ill-conditioned (the tails); here, on
        # [-30, 30], a relative agreement that a wrong parameter or branch would break.
        dense = ~special & (np.abs(x) <= 30) & (np.abs(want) > np.finfo(dtype).tiny)
        rtol = {np.dtype(np.float32): 1e-4, np.dtype(np.float64): 1e-10}[dtype]
        assert np.allclose(got[dense], want[dense], rtol=rtol, atol=0), (
            f"{spec} {what} {dtype}: values differ"
        )


def _same_each(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return ((a == b) & (np.signbit(a) == np.signbit(b))) | (np.isnan(a) & np.isnan(b))


def test_the_formula_is_what_numpy_formulas_computes():
    """Planted: with the kernels forced for every array, the formula differs somewhere: the test can fail."""
    act, x = activations.get("gelu"), X.astype(np.float32)
    with compiled.numpy_formulas():
        formula = act(x)
        assert act.implementation["forward"] == {"float32": "numpy", "float64": "numpy"}
    assert not _same(ufuncs.gelu_forward(x), formula)  # they round differently somewhere


@pytest.mark.parametrize("spec", ["sigmoid", "gelu", "elu(alpha=0.3)", "leaky_relu"])
def test_layouts_out_and_float16_behave_as_on_the_formula(spec: str):
    """The core's input policy is unchanged by the kernels: out=, aliasing, strides, 0-d, empty, float16."""
    act = activations.get(spec)
    base = X.astype(np.float32)
    cases = [base[::-3], base.reshape(-1, 2)[:, ::-1], base[:0], np.float32(-0.5), base.astype(np.float16)]
    for x in cases:
        with compiled.numpy_formulas():
            want, want_b = act(x), act.backward(x, np.ones_like(x))
        got, got_b = act(x), act.backward(x, np.ones_like(x))
        assert type(got) is type(want)
        assert np.shape(got) == np.shape(want)
        assert got.dtype == want.dtype
        assert np.allclose(got, want, rtol=2e-3, atol=0, equal_nan=True)
        assert np.allclose(got_b, want_b, rtol=2e-3, atol=0, equal_nan=True)
    x = base.copy()
    out = act(x, out=x)  # out aliasing x
    assert out is x
    assert np.array_equal(x, act(base), equal_nan=True)
    g = np.ones_like(base)
    assert act.backward(base, g, out=g) is g


def test_a_stand_in_array_takes_the_formula():
    x = StandInArray(X.copy())
    assert compiled.kernel("gelu_forward", x) is None
    act = activations.get("gelu")
    with compiled.numpy_formulas():
        formula = act(X.copy())
    assert _same(act(x).get(), formula)


def test_a_third_party_plugin_reports_numpy():
    info = activations.describe("bent_identity") if "bent_identity" in activations.names() else None
    if info is None:
        pytest.skip("the example plugin activations-bent-identity is not installed")
    impl = activations.get("bent_identity").implementation
    assert impl == {
        m: {"float32": "numpy", "float64": "numpy"} for m in ("forward", "derivative", "backward")
    }


def test_the_choice_table_names_real_kernels():
    for activation, direction, dtype in compiled.NUMPY_FASTER:
        assert hasattr(ufuncs, f"{activation}_{direction}"), activation
        assert dtype in ("float32", "float64")
    assert compiled._split("gelu_tanh_derivative") == ("gelu_tanh", "backward")
    assert compiled._split("softplus_backward_output") == ("softplus", "backward")
    assert compiled._split("log_sigmoid_forward") == ("log_sigmoid", "forward")


def _run(code: str, **env: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ, **env}, check=True
    )
    return done.stdout


def test_the_environment_variable_forces_the_formulas_everywhere():
    code = (
        "import json, activations\n"
        "print(json.dumps([activations.get(n).implementation for n in ('gelu', 'relu', 'tanh')]))"
    )
    forced = json.loads(_run(code, ACTIVATIONS_PURE_NUMPY="1"))
    assert {p for impl in forced for by_dtype in impl.values() for p in by_dtype.values()} == {"numpy"}
    default = json.loads(_run(code, ACTIVATIONS_PURE_NUMPY=""))
    assert default[0]["backward"] == {"float32": "compiled", "float64": "compiled"}


def test_info_names_the_path():
    line = _run("from activations.cli import main; main(['info', 'gelu'])").splitlines()[-1]
    assert line == "  implementation: compiled"
    forced = _run("from activations.cli import main; main(['info', 'gelu'])", ACTIVATIONS_PURE_NUMPY="yes")
    assert forced.splitlines()[-1] == "  implementation: numpy"
    data = json.loads(_run("from activations.cli import main; main(['info', 'tanh', '--json'])"))
    assert data["implementation"]["backward"] == {"float32": "compiled", "float64": "compiled"}


# -- the GPU path, on a fake CuPy ----------------------------------------------------------------
class _FakeElementwiseKernel:
    """Records its arguments; computes with the CPU ufunc of the same name."""

    built: ClassVar[list[dict[str, Any]]] = []

    def __init__(self, **arguments: Any) -> None:
        self.arguments = arguments
        _FakeElementwiseKernel.built.append(arguments)
        name = arguments["name"].removeprefix("activations_")
        self.ufunc = getattr(ufuncs, name[:-2])
        self.dtype = {"_f": np.float32, "_d": np.float64}[name[-2:]]

    def __call__(self, *args: Any) -> Any:
        nin = self.ufunc.nin
        inputs = [a._data if isinstance(a, StandInArray) else a for a in args[:nin]]
        assert all(np.asarray(a).dtype == self.dtype for a in inputs), "typed in_params"
        if len(args) > nin:  # the output, given
            self.ufunc(*inputs, out=args[nin]._data)
            return args[nin]
        return _cupy_array(self.ufunc(*inputs))


def _cupy_array(data: np.ndarray) -> Any:
    return sys.modules["cupy"].ndarray(data)


@pytest.fixture
def fake_cupy(monkeypatch: pytest.MonkeyPatch):
    module = types.ModuleType("cupy")
    ndarray = type("ndarray", (StandInArray,), {"__module__": "cupy._core.core", "__slots__": ()})
    module.ndarray = ndarray  # type: ignore[attr-defined]
    module.ElementwiseKernel = _FakeElementwiseKernel  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "cupy", module)
    _FakeElementwiseKernel.built.clear()
    compiled._cupy_kernel.cache_clear()
    yield module
    compiled._cupy_kernel.cache_clear()


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_a_cupy_array_takes_the_fused_kernel_built_from_the_shared_source(fake_cupy, dtype):
    act = activations.get("silu(beta=0.75)")
    x, g = X.astype(dtype), G.astype(dtype)
    kernel = compiled.kernel("silu_backward", fake_cupy.ndarray(x))
    assert kernel is not None
    result = act.backward(fake_cupy.ndarray(x), fake_cupy.ndarray(g))
    assert _same(result.get(), ufuncs.silu_backward(x, g, dtype.type(0.75)))
    out = fake_cupy.ndarray(np.empty_like(x))
    assert act(fake_cupy.ndarray(x), out=out) is out
    assert _same(out.get(), ufuncs.silu_forward(x, dtype.type(0.75)))
    built = {k["name"]: k for k in _FakeElementwiseKernel.built}
    suffix = {"float32": "f", "float64": "d"}[str(dtype)]
    assert set(built) == {f"activations_silu_backward_{suffix}", f"activations_silu_forward_{suffix}"}
    assert built[f"activations_silu_backward_{suffix}"] == vars(
        compiled.cuda_kernel("silu_backward", str(dtype))
    )
    assert "ak_silu_der" in built[f"activations_silu_backward_{suffix}"]["preamble"]  # the bwd is its macro
    act(fake_cupy.ndarray(x))
    assert len(_FakeElementwiseKernel.built) == 2  # built once per kernel and dtype, then cached


def test_a_cupy_array_takes_the_formula_when_forced_or_without_a_kernel(fake_cupy):
    x = fake_cupy.ndarray(X.copy())
    assert compiled.kernel("hard_sigmoid_forward", x) is None  # no such kernel
    assert compiled.kernel("gelu_forward", fake_cupy.ndarray(X.astype(np.float16))) is None
    with compiled.numpy_formulas():
        assert compiled.kernel("gelu_forward", x) is None
    assert _FakeElementwiseKernel.built == []
