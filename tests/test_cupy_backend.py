"""Arrays of other libraries that speak NumPy's protocols (CuPy) through the core, on the CPU stand-in.

CI has no GPU: `activations.testing.StandInArray` (NumPy underneath, CuPy's
refusals on top) carries every bundled activation and the example plugin
through the bound activation's CuPy backend, and the results must equal
NumPy's bit for bit. The tests at the end run on CuPy itself when it and a
GPU are there, and are skipped otherwise.
"""

from __future__ import annotations

import importlib
import pathlib
import subprocess
import sys

import numpy as np
import pytest
from test_conformance import EXTRA_SPECS

import activations
from activations import backends
from activations.plugins import compiled
from activations.testing import StandInArray, check_on_backend

SPECS = [*activations.names(), *EXTRA_SPECS]


@pytest.mark.parametrize("spec", SPECS)
def test_every_activation_on_the_stand_in_equals_numpy_bit_for_bit(spec):
    check_on_backend(spec, backend="stand-in")


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", "int32", "bool"])
def test_the_dtype_rules_hold_on_the_device(dtype):
    relu = activations.get("relu")
    x = np.array([-2, 0, 3, 1]).astype(dtype)
    got = relu(StandInArray(x))
    want = relu(x)
    assert type(got) is StandInArray
    assert got.dtype == want.dtype  # float16 stays float16; integers and bool give float64
    assert np.array_equal(got.get(), want)


def test_out_and_output_are_used_and_inputs_kept():
    sig = activations.get("sigmoid")
    x = np.linspace(-4, 4, 9)
    g = np.linspace(1, 2, 9)
    with compiled.numpy_formulas():  # the stand-in computes the formula; NumPy arrays may take a kernel
        want_f, want_o, want_b = sig(x), sig.backward(x, g, output=sig(x)), sig.backward(x, g)
    dx, dg = StandInArray(x.copy()), StandInArray(g.copy())
    out = StandInArray(np.empty(9))
    assert sig.forward(dx, out=out) is out
    assert np.array_equal(out.get(), want_f)
    y = StandInArray(want_f)
    assert sig.backward(dx, dg, output=y, out=out) is out
    assert np.array_equal(out.get(), want_o)
    assert np.array_equal(dx.get(), x)
    assert np.array_equal(dg.get(), g)
    sig.backward(dx, dg, out=dg)  # out may alias grad_output
    assert np.array_equal(dg.get(), want_b)


def test_zero_d_and_strided_views():
    tanh = activations.get("tanh")
    got = tanh(StandInArray(np.array(0.5)))
    assert type(got) is StandInArray
    assert got.shape == ()
    assert got.item() == tanh(0.5)
    wide = np.arange(12.0).reshape(3, 4) - 6
    with compiled.numpy_formulas():  # the stand-in computes the formula; NumPy arrays may take a kernel
        want, want_d = tanh(wide[:, ::2]), tanh.derivative(wide.T)
    assert np.array_equal(tanh(StandInArray(wide)[:, ::2]).get(), want)
    assert np.array_equal(tanh.derivative(StandInArray(wide).T).get(), want_d)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda a: a(StandInArray(np.ones(3)), out=np.empty(3)),
            "relu: out is a numpy.ndarray and x a StandInArray: they must be arrays of one type",
        ),
        (
            lambda a: a(np.ones(3), out=StandInArray(np.empty(3))),
            "relu: out is a StandInArray and x a numpy.ndarray: they must be arrays of one type",
        ),
        (
            lambda a: a.backward(StandInArray(np.ones(3)), np.ones(3)),
            "relu: grad_output is a numpy.ndarray and x a StandInArray: they must be arrays of one type",
        ),
        (
            lambda a: a.backward(np.ones(3), StandInArray(np.ones(3))),
            "relu: x is a numpy.ndarray and grad_output a StandInArray: they must be arrays of one type",
        ),
        (
            lambda a: a.backward(StandInArray(np.ones(3)), StandInArray(np.ones(3)), output=np.ones(3)),
            "relu: output is a numpy.ndarray and x a StandInArray: they must be arrays of one type",
        ),
    ],
    ids=["numpy-out", "device-out", "numpy-grad", "numpy-x", "numpy-output"],
)
def test_mixing_array_types_names_both(call, message):
    with pytest.raises(TypeError) as info:
        call(activations.get("relu"))
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda a: a(StandInArray(np.ones(3)), out=StandInArray(np.empty(3, np.float32))), TypeError,
         "relu: out has dtype float32, the result needs float64"),
        (lambda a: a(StandInArray(np.ones(3)), out=StandInArray(np.empty(4))), ValueError,
         "relu: out has shape (4,), x has shape (3,); they must match"),
        (lambda a: a.backward(StandInArray(np.ones(3)), StandInArray(np.ones(2))), ValueError,
         "relu: grad_output has shape (2,), x has shape (3,); they must match"),
        (lambda a: a(StandInArray(np.ones(3, complex))), TypeError,
         "relu: x must be float16, float32, float64, integer or bool, "
         "got dtype complex128 from StandInArray"),
    ],
    ids=["out-dtype", "out-shape", "grad-shape", "complex"],
)  # fmt: skip
def test_the_policy_refuses_what_it_refuses_for_numpy(call, error, message):
    with pytest.raises(error) as info:
        call(activations.get("relu"))
    assert str(info.value) == message


def test_only_arrays_that_refuse_conversion_go_to_the_device_backend():
    assert backends.find(StandInArray(np.ones(2))) is backends.cupy.BACKEND
    assert backends.find(np.ma.ones(2)) is None  # converts: NumPy computes it, as before
    assert backends.find(np.float32(1.0), [1.0], np.ones(2)) is None
    assert activations.get("relu")(np.ma.array([-1.0, 2.0])).tolist() == [0.0, 2.0]


def test_import_activations_imports_no_cupy():
    code = "import sys, activations; activations.get('relu')([1.0]); print('cupy' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


# -- a plugin written with NumPy-only spellings fails the stand-in check, naming the call -----------
class _NumPyOnly(activations.BaseActivation):
    """ReLU whose derivative asks np.maximum.reduce whether there is a NaN."""

    name = "numpy_only_relu"
    properties = activations.get("relu").properties

    def forward(self, x, /, *, out=None):
        return np.maximum(x, 0.0, out=out)

    def derivative(self, x, /, *, out=None):
        if np.isnan(np.maximum.reduce(x)):
            pass
        return np.add(np.greater(x, 0), 0.0, out=out)


def test_a_numpy_only_spelling_fails_the_stand_in_check_with_the_call_named():
    with activations.registered(_NumPyOnly, name="numpy_only_relu"), pytest.raises(AssertionError) as info:
        check_on_backend("numpy_only_relu", backend="stand-in")
    message = str(info.value)
    assert message.startswith("check_on_backend[stand-in](numpy_only_relu): derivative (float16) raised ")
    assert "np.maximum.reduce is not supported on CuPy: only add and multiply reduce" in message


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda x: np.spacing(x), "np.spacing: CuPy 15.0.0a1 has no 'spacing'"),
        (lambda x: np.frompyfunc(abs, 1, 1)(x), "has no 'abs (vectorized)'"),
        (lambda x: __import__("scipy.special").special.owens_t(x, 1.0), "np.owens_t: CuPy 15.0.0a1 has no"),
        (lambda x: np.sum(x, where=x > 0), "np.sum(..., where=...): CuPy's sum has no where="),
        (lambda x: np.any(x > 0, where=x > 0), "np.any(..., where=...): CuPy's any has no where="),
        (lambda x: np.count_nonzero(x, keepdims=True), "CuPy's count_nonzero has no keepdims="),
    ],
    ids=["spacing", "frompyfunc", "owens_t", "sum-where", "any-where", "count_nonzero-keepdims"],
)
def test_the_stand_in_refuses_what_cupy_has_no_namesake_or_keyword_of(call, message):
    with pytest.raises(TypeError) as info:
        call(StandInArray(np.array([1.0, -2.0])))
    assert message in str(info.value)


def test_the_stand_in_computes_what_cupy_has_and_has_cupys_flags_only():
    import scipy.special

    x = StandInArray(np.array([1.0, -2.0]))
    assert scipy.special.erfcx(x).get().tolist() == scipy.special.erfcx(np.array([1.0, -2.0])).tolist()
    assert np.expm1(x).get().tolist() == np.expm1(np.array([1.0, -2.0])).tolist()
    assert (x.flags.c_contiguous, x.flags.owndata) == (True, True)
    with pytest.raises(AttributeError):
        x.flags.writeable  # noqa: B018 (CuPy's flags have no writeable)


def test_the_cupy_names_are_those_of_the_generator():
    """The generated file is what benchmarks/cupy_names.py writes from the CuPy version it names."""
    from activations.testing import _cupy_names

    text = pathlib.Path(_cupy_names.__file__).read_text()
    assert text.startswith(f'"""The names CuPy {_cupy_names.CUPY_VERSION} provides')
    assert "Regenerate with ``python benchmarks/cupy_names.py CUPY_CHECKOUT``" in text
    assert {"tanh", "expm1", "log1p", "clip", "copyto", "empty_like", "where"} <= _cupy_names.CUPY
    assert {"erfc", "erfcx", "ndtr", "log_ndtr", "expit"} <= _cupy_names.CUPYX_SCIPY_SPECIAL


def test_check_activation_runs_the_backend_check_on_request():
    report = activations.testing.check_activation("tanh", checks=[], backends=("stand-in",))
    assert [(r.check, r.passed) for r in report.results] == [("check_on_backend[stand-in]", True)]
    with pytest.raises(ValueError, match=r"^unknown backend 'tpu'; the kit knows: stand-in, cupy$"):
        check_on_backend("tanh", backend="tpu")


# -- on CuPy itself, when there is a GPU ---------------------------------------------------------
def _gpu() -> str | None:
    """Why the CuPy tests cannot run here, or None."""
    try:
        cupy = importlib.import_module("cupy")
        if cupy.cuda.runtime.getDeviceCount() < 1:
            return "CuPy finds no CUDA device"
    except Exception as exc:
        return f"needs CuPy and a CUDA device ({type(exc).__name__}: {exc})"
    return None


needs_gpu = pytest.mark.skipif(_gpu() is not None, reason=str(_gpu()))


@needs_gpu
@pytest.mark.parametrize("spec", SPECS)
def test_every_activation_on_cupy_is_within_the_accuracy_targets_of_numpy(spec):
    check_on_backend(spec, backend="cupy")


@needs_gpu
def test_results_stay_on_the_device():
    cupy = importlib.import_module("cupy")
    x = cupy.linspace(-3, 3, 7)
    y = activations.get("gelu")(x)
    assert isinstance(y, cupy.ndarray)
    assert y.device == x.device


def test_output_stats_of_a_device_array_match_numpy():
    from activations import analysis

    x = np.random.default_rng(3).standard_normal(5000).astype(np.float32)
    x[:7] = 0.0
    for name in ("relu", "tanh", "gelu"):
        on_device = analysis.output_stats(name, StandInArray(x))
        in_memory = analysis.output_stats(name, x)
        assert (on_device.sparsity, on_device.zero_gradient_fraction, on_device.samples) == (
            in_memory.sparsity,
            in_memory.zero_gradient_fraction,
            in_memory.samples,
        )
        assert on_device.max_gradient == in_memory.max_gradient
        for field in ("mean_output", "std_output", "mean_gradient"):  # summed in another order
            assert getattr(on_device, field) == pytest.approx(getattr(in_memory, field), rel=1e-12), field


FAKE_CUPY = '''
"""Just enough of CuPy's API for benchmarks/gpu.py, on the CPU stand-in (a test double)."""
import time, types
import numpy as np
from activations.testing import StandInArray

def asarray(a):
    return StandInArray(np.array(a))

def asnumpy(a):
    return a.get()

empty_like, copyto, multiply = np.empty_like, np.copyto, np.multiply

class Event:
    def record(self):
        self.t = time.perf_counter()
    def synchronize(self):
        pass

class Device:
    id = 0
    def synchronize(self):
        pass

def _elapsed(start, stop):
    return (stop.t - start.t) * 1e3

runtime = types.SimpleNamespace(
    getDeviceCount=lambda: 1,
    getDeviceProperties=lambda i: {"name": b"Stand-in"},
    runtimeGetVersion=lambda: 12080,
    driverGetVersion=lambda: 12090,
)
__version__ = "0.0-stand-in"
cuda = types.SimpleNamespace(runtime=runtime, Event=Event, Device=Device, get_elapsed_time=_elapsed)
'''


def test_the_gpu_benchmark_runs_to_the_end_on_a_stand_in_device(tmp_path):
    import json
    import os
    import pathlib

    (tmp_path / "cupy.py").write_text(FAKE_CUPY)
    script = pathlib.Path(__file__).resolve().parents[1] / "benchmarks" / "gpu.py"
    done = subprocess.run(
        [
            sys.executable,
            str(script),
            "--quick",
            "--json",
            "--no-torch",
            "--names",
            "relu",
            "gelu",
            "no_such",
        ],
        capture_output=True,
        text=True,
        # The host's reference computed with the formulas the stand-in runs, not the compiled kernels.
        env={**os.environ, "PYTHONPATH": str(tmp_path), "ACTIVATIONS_PURE_NUMPY": "1"},
    )
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["gpu"] == "Stand-in"
    assert document["cuda"] == {"runtime": "12.8", "driver": "12.9", "cupy": "0.0-stand-in"}
    *rows, unknown_32, unknown_64 = document["rows"]
    # An activation that raises is a row that says so, and the run goes on to the end.
    assert (unknown_32["activation"], unknown_32["dtype"], unknown_64["dtype"]) == (
        "no_such",
        "float32",
        "float64",
    )
    assert unknown_32["error"].startswith("UnknownActivationError: ")
    assert "no_such" in unknown_32["error"]
    assert [(r["activation"], r["dtype"], r["pass"]) for r in rows][:3] == [
        ("relu", "float32", "forward"),
        ("relu", "float32", "backward"),
        ("relu", "float32", "backward(output=)"),
    ]
    assert len(rows) == 2 * 2 * 3
    assert all(r["ulps_from_numpy"] == 0 for r in rows)  # NumPy computes under the stand-in
    assert all(r["ns_per_element"] > 0 and r["floor_ratio"] > 0 for r in rows)


def test_the_gpu_benchmark_without_cuda_says_so_and_succeeds():
    import pathlib

    script = pathlib.Path(__file__).resolve().parents[1] / "benchmarks" / "gpu.py"
    if _gpu() is None:
        pytest.skip("there is a GPU here")
    done = subprocess.run([sys.executable, str(script), "--quick"], capture_output=True, text=True)
    assert done.returncode == 0
    assert done.stdout.startswith("benchmarks/gpu.py: no CUDA")


def test_parameter_gradients_on_the_device_stay_there():
    prelu = activations.get("prelu")
    x = np.linspace(-3, 3, 13)
    g = np.linspace(1, 2, 13)
    sums = prelu.parameter_backward(StandInArray(x), StandInArray(g))
    assert type(sums["weight"]) is StandInArray  # a 0-d array on the device, no copy to the host
    assert sums["weight"].item() == prelu.parameter_backward(x, g)["weight"]


# -- the device each computation runs on, dask of device chunks, messages --------------------------
class _Device:
    """A device as CuPy's is: a context manager that makes it current."""

    entered = 0

    def __enter__(self):
        type(self).entered += 1
        return self

    def __exit__(self, *exc):
        return False

    def __eq__(self, other):
        return isinstance(other, _Device)

    def __hash__(self):
        return 0


class _OnADevice(StandInArray):
    """A stand-in whose device is a context manager, like cupy.cuda.Device."""

    __slots__ = ()

    @property
    def device(self):
        return _Device()


@pytest.mark.parametrize("method", ["forward", "derivative", "backward", "parameter_backward"])
def test_the_plugin_computes_with_the_inputs_device_current(method):
    prelu = activations.get("prelu")
    x = _OnADevice(np.array([-1.0, 2.0]))
    before = _Device.entered
    args = (x,) if method in ("forward", "derivative") else (x, _OnADevice(np.ones(2)))
    getattr(prelu, method)(*args)
    assert _Device.entered == before + 1


def test_output_stats_of_a_dask_array_of_device_chunks():
    da = pytest.importorskip("dask.array")
    from activations.analysis import output_stats

    host = np.random.default_rng(0).normal(size=1000)
    x = da.from_array(host, chunks=250).map_blocks(StandInArray, meta=StandInArray(np.empty(0)))
    got, want = output_stats("relu", x), output_stats("relu", host)
    assert (got.sparsity, got.zero_gradient_fraction, got.max_gradient) == (
        want.sparsity,
        want.zero_gradient_fraction,
        want.max_gradient,
    )
    assert got.mean_output == pytest.approx(want.mean_output, rel=1e-12)
    assert got.std_output == pytest.approx(want.std_output, rel=1e-12)


def test_a_device_out_with_host_inputs_is_named_out():
    with pytest.raises(TypeError) as info:
        activations.get("relu").backward(np.ones(3), np.ones(3), out=StandInArray(np.empty(3)))
    assert str(info.value) == (
        "relu: x is a numpy.ndarray and out a StandInArray: they must be arrays of one type"
    )
