"""Large arrays reach the plugin in blocks: the result must not depend on it, to the bit.

The reference is the plugin's own method called once on the whole array (the
core's blocking is what is under test, not the formula), compared bit for bit
with `assert_array_equal`, NaNs and signed zeros included.
"""

import subprocess
import sys

import numpy as np
import pytest

import activations
from activations import _bound

# Not a multiple of the block, so the last block is short; the specials sit at both ends
# of the array and across a block boundary.
SIZE = _bound._BLOCKED_FROM + _bound._BLOCK // 3 + 7
NAMES = ["relu", "leaky_relu", "sigmoid", "gelu", "mish", "tanhshrink", "softplus", "hardshrink"]
SPECIALS = [np.nan, np.inf, -np.inf, -0.0, 0.0, 1e-310, -1e-310, 1e30, -1e30, 80.0, -800.0]


def _data(dtype, seed):
    x = np.random.default_rng(seed).standard_normal(SIZE) * 8
    specials = np.array(SPECIALS)
    x[: len(specials)] = specials
    x[-len(specials) :] = specials
    x[_bound._BLOCK - 5 : _bound._BLOCK - 5 + len(specials)] = specials
    with np.errstate(over="ignore"):
        return x.astype(dtype)


def _grad(dtype, seed):
    """A finite gradient (an infinite one times a zero derivative is NaN, with a warning)."""
    return np.random.default_rng(seed).standard_normal(SIZE).astype(dtype)


def _same(actual, expected):
    np.testing.assert_array_equal(actual, expected)
    np.testing.assert_array_equal(np.signbit(actual), np.signbit(expected))


def test_the_sizes_really_make_blocks():
    assert SIZE >= _bound._BLOCKED_FROM
    assert SIZE % _bound._BLOCK != 0


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", NAMES)
def test_blocked_calls_equal_one_plugin_call(name, dtype):
    act = activations.get(name)
    plugin = act.plugin
    x, g = _data(dtype, 0), _grad(dtype, 1)
    _same(act(x), plugin.forward(x))
    _same(act.derivative(x), plugin.derivative(x))
    _same(act.backward(x, g), plugin.backward(x, g))
    out = np.full_like(x, 7.0)
    assert act(x, out=out) is out
    _same(out, plugin.forward(x))
    assert act.backward(x, g, out=out) is out
    _same(out, plugin.backward(x, g))
    y = plugin.forward(x)
    _same(act.backward(x, g, output=y), plugin.backward(x, g, output=y))


@pytest.mark.parametrize("name", ["relu", "gelu"])
def test_the_slow_paths_block_too(name):
    act = activations.get(name)
    plugin = act.plugin
    x, g = _data(np.float64, 2), _grad(np.float64, 3)
    expected = plugin.forward(x)
    _same(act(x.reshape(64, -1) if SIZE % 64 == 0 else x[None, :]).reshape(-1), expected)  # 2-d
    in_place = x.copy()
    assert act(in_place, out=in_place) is in_place  # aliasing: computed elsewhere, then copied
    _same(in_place, expected)
    _same(act(x.tolist()), expected)  # a list: the array_like path
    backward = plugin.backward(x, g)
    in_place = g.copy()
    assert act.backward(x, in_place, out=in_place) is in_place
    _same(in_place, backward)
    with np.errstate(over="ignore"):
        half = x.astype(np.float16)
    _same(act(half), plugin.forward(half.astype(np.float32)).astype(np.float16))


def test_strided_arrays_are_not_blocked_and_still_right():
    act = activations.get("sigmoid")
    x = _data(np.float64, 4)
    strided = np.repeat(x, 2)[::2]
    assert not strided.flags.c_contiguous
    _same(act(strided), act.plugin.forward(x))


class IgnoresOut(activations.BaseActivation):
    """tanh that breaks the contract: it returns a new array and leaves ``out`` alone."""

    name = "ignores_out"
    properties = activations.Properties(
        output_range=(-1.0, 1.0),
        monotonic=True,
        zero_centered=True,
        sparse=False,
        smoothness=np.inf,
        saturating="both",
        identity_near_origin=True,
    )

    def forward(self, x, /, *, out=None):
        return np.tanh(x)

    def derivative(self, x, /, *, out=None):
        return 1.0 - np.tanh(x) ** 2


@pytest.mark.parametrize("size", [10, SIZE])
def test_a_plugin_that_ignores_out_still_fills_it(size):
    """The core copies a result returned instead of written: small, blocked, fast and slow paths."""
    act = activations.get(IgnoresOut())
    x = np.linspace(-3.0, 3.0, size)
    g = np.linspace(1.0, 2.0, size)
    expected = np.tanh(x)
    slope = 1.0 - expected**2
    for target in (np.full_like(x, 7.0), np.full_like(x, 7.0)[None, :]):  # fast path; 2-d: still fast
        assert act(x.reshape(target.shape), out=target) is target
        _same(target.reshape(-1), expected)
        assert act.derivative(x.reshape(target.shape), out=target) is target
        _same(target.reshape(-1), slope)
        assert act.backward(x.reshape(target.shape), g.reshape(target.shape), out=target) is target
        _same(target.reshape(-1), g * slope)
    half = np.full(size, 7.0, np.float16)  # slow path: float16 computed in float32
    assert act(x.astype(np.float16), out=half) is half
    _same(half, np.tanh(x.astype(np.float16).astype(np.float32)).astype(np.float16))
    listed = np.full(size, 7.0)  # slow path: a list input
    assert act(x.tolist(), out=listed) is listed
    _same(listed, expected)
    assert act.backward(x.tolist(), g, out=listed) is listed
    _same(listed, g * slope)


PAGE_FAULTS = """
import resource, sys
import numpy as np
import activations

act = activations.get(sys.argv[1])
x = np.linspace(-8, 8, 1 << 22, dtype=sys.argv[2])
g = np.ones_like(x)
out = np.empty_like(x)
act.backward(x, g, out=out)
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(5):
    act.backward(x, g, out=out)
print((resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / 5)
"""


@pytest.mark.skipif(sys.platform != "linux", reason="counts page faults with Linux's getrusage; glibc's heap")
@pytest.mark.parametrize(
    ("name", "dtype"), [("relu6", "float32"), ("hardtanh", "float64"), ("gelu", "float64")]
)
def test_blocks_do_not_fault_their_temporaries_in_again_and_again(name, dtype):
    """In a fresh process, glibc trimmed the heap after each block and the next one faulted its pages in.

    relu6's backward took 6,080 minor page faults a call at 1e7 float32 (16 blocks of 2^18 here: 2,560).
    """
    done = subprocess.run([sys.executable, "-c", PAGE_FAULTS, name, dtype], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert float(done.stdout) < 100, f"{done.stdout.strip()} page faults a call"
