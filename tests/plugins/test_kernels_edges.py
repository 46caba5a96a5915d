"""Where the compiled kernels must behave as the formulas do, beyond the grid's values.

* Floating-point flags: the kernels raise underflow in intermediates and in
  discarded lanes; under ``np.errstate(all="raise")`` a call that the formula
  computes quietly must be quiet compiled too.
* Parameters that round to an infinity or to zero in x's dtype: the formula
  computes (the kernels are written for finite, non-vanishing parameters), and
  ``implementation`` says so.
* tanh' never exceeds 1.
* ``numpy_formulas()`` blocks nest, overlap and stay in their own thread.
* ndarray subclasses take the kernels as plain arrays do.
* The CUDA source has no hexadecimal floating literals (C++17 only; CuPy before
  14 compiles with --std=c++11).

Each reference is the plugin's own NumPy formula (``numpy_formulas()``), the
path the kernels must agree with, or a closed-form bound.
"""

from __future__ import annotations

import re
import threading

import numpy as np
import pytest

import activations
from activations.plugins import compiled

pytest.importorskip(
    "activations.plugins._ufuncs", reason="the compiled kernels were not built (no C compiler at install)"
)


def _both(spec: str, method: str, *arrays: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    act = activations.get(spec)
    compiled_result = getattr(act, method)(*arrays)
    with compiled.numpy_formulas():
        formula_result = getattr(act, method)(*arrays)
    return np.asarray(compiled_result), np.asarray(formula_result)


@pytest.mark.parametrize(
    ("spec", "method", "x"),
    [
        ("sigmoid", "forward", np.float32(-50.0)),
        ("sigmoid", "derivative", np.float64(5e-324)),
        ("gelu", "forward", np.float64(37.63)),
        ("gelu", "forward", np.float32(37.63)),
        ("silu", "derivative", np.float64(1e-323)),
        ("leaky_relu(negative_slope=-0.5)", "forward", np.float32(1e-45)),
        ("elu", "forward", np.float64(-5e-324)),
    ],
)
def test_no_underflow_flag_where_the_formula_raises_none(spec, method, x):
    x = np.array([x] * 33)  # past the vectorised loop's first block
    with np.errstate(all="raise"):
        got, want = _both(spec, method, x)
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize(
    ("spec", "method"),
    [
        ("elu(alpha=1e39)", "forward"),  # alpha is inf in float32
        ("leaky_relu(negative_slope=1e-50)", "forward"),  # the slope is 0 in float32: -0.0 left of 0
        ("threshold(threshold=-1e-50, value=-0.0)", "forward"),  # the threshold is -0.0 in float32
        ("celu(alpha=1e-50)", "forward"),
        ("softplus(beta=1e-50)", "derivative"),
    ],
)
def test_parameters_that_vanish_or_overflow_in_float32_take_the_formula(spec, method):
    x = np.array([-np.inf, -3.0, -1.0, -1e-45, -0.0, 0.0, 1e-45, 1.0, 3.0, np.inf, np.nan], np.float32)
    with np.errstate(all="ignore"):
        got, want = _both(spec, method, x)
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(np.signbit(got), np.signbit(want))
    implementation = activations.get(spec).implementation[method]
    assert implementation["float32"] == "numpy"


def test_silu_with_a_beta_below_1e_300_takes_the_formula():
    silu = activations.get("silu(beta=1e-310)")
    assert silu.implementation["derivative"] == {"float32": "numpy", "float64": "numpy"}
    x = np.array([-np.inf, -1e300, -1.0, 0.0, 1.0, 1e300, np.inf])
    with np.errstate(all="ignore"):
        got, want = _both("silu(beta=1e-310)", "derivative", x)
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_the_derivative_of_tanh_never_exceeds_one(dtype):
    tiny = np.finfo(dtype).smallest_subnormal
    x = np.geomspace(tiny, 1e-3, 200_001).astype(dtype)
    x = np.concatenate([x, -x, np.array([0.0, -0.0], dtype)])
    derivative = activations.get("tanh").derivative(x)
    assert derivative.max() <= 1.0
    # And so the backward of a huge gradient stays finite: g * tanh'(x) <= g.
    big = np.full(x.shape, np.finfo(dtype).max, dtype)
    with np.errstate(over="raise"):
        assert np.isfinite(activations.get("tanh").backward(x, big)).all()


def test_formula_blocks_overlap_and_stay_in_their_thread():
    gelu = activations.get("gelu")
    first, second = compiled.numpy_formulas(), compiled.numpy_formulas()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)  # out of order, as an ExitStack or two tasks may
    assert gelu.implementation["forward"]["float64"] == "numpy"
    second.__exit__(None, None, None)
    assert gelu.implementation["forward"]["float64"] == "compiled"

    seen = {}
    inside, leave = threading.Event(), threading.Event()

    def worker():
        with compiled.numpy_formulas():
            seen["worker"] = gelu.implementation["forward"]["float64"]
            inside.set()
            leave.wait(10)

    thread = threading.Thread(target=worker)
    thread.start()
    inside.wait(10)
    seen["main"] = gelu.implementation["forward"]["float64"]
    assert compiled.kernel("gelu_forward", np.zeros(2)) is not None
    leave.set()
    thread.join()
    assert seen == {"worker": "numpy", "main": "compiled"}


def test_an_ndarray_subclass_takes_the_kernel(tmp_path):
    class Tagged(np.ndarray):
        """An ndarray subclass, as np.memmap and np.ma are."""

    x = np.linspace(-3, 3, 101).view(Tagged)
    assert compiled.kernel("gelu_forward", x) is not None
    mapped = np.memmap(tmp_path / "x.dat", dtype=np.float32, mode="w+", shape=(101,))
    mapped[:] = np.linspace(-3, 3, 101)
    assert compiled.kernel("tanh_derivative", mapped) is not None
    plain = activations.get("tanh").derivative(np.asarray(mapped).copy())
    np.testing.assert_array_equal(activations.get("tanh").derivative(mapped), plain)


def test_a_plugins_own_implementation_attribute_of_another_shape_is_not_ours():
    class Reference(activations.BaseActivation):
        """A plugin whose ``implementation`` means something else to it."""

        name = "reference_impl"
        implementation = "reference"
        properties = activations.get("relu").properties

        def forward(self, x, /, *, out=None):
            return np.maximum(x, 0.0, out=out)

        def derivative(self, x, /, *, out=None):
            return np.add(np.greater(x, 0), 0.0, out=out)

    with activations.registered(Reference, name="reference_impl"):
        paths = activations.get("reference_impl").implementation
    methods = ("forward", "derivative", "backward")
    assert paths == {m: {"float32": "numpy", "float64": "numpy"} for m in methods}


def test_the_cuda_source_has_no_hexadecimal_floating_literal():
    raw = "".join(path.read_text() for path in compiled.CSRC.glob("*.h"))
    assert re.search(r"0x[0-9a-f.]+p[-+]?\d", raw), "the C source is expected to use them"
    source = compiled.cuda_preamble()
    assert not re.search(r"\b0[xX][0-9a-fA-F.]*[pP][-+]?\d", source)
    # Each became the decimal that reads back as the same double.
    for literal in re.findall(r"\b(0x[0-9a-f]*\.?[0-9a-f]*p[-+]?\d+)", raw):
        assert repr(float.fromhex(literal)) in source
