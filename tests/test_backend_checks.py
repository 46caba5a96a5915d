"""check_on_backend's comparison: what a device may round differently, and what it may not.

A GPU computes with its own ``exp`` and kin, so its results are compared with
NumPy's within twice the accuracy targets (each side is held to them against
the true value). Signs of zeros, NaN and infinities are semantics and must
match on every backend, and so must a learnable activation's parameter sums.
These tests plant each kind of difference on the CPU stand-in, declared
inexact as a GPU is, so that they run without one.
"""

from __future__ import annotations

import numpy as np
import pytest

import activations
from activations.testing import StandInArray, check_on_backend
from activations.testing import _backend_checks as backend_checks


@pytest.fixture
def inexact(monkeypatch):
    """A backend named "inexact": the stand-in, compared as a GPU is (not bit for bit)."""

    def factory():
        return backend_checks._Backend(
            "inexact", lambda a: StandInArray(a.copy()), lambda a: a.get(), exact=False, needs=""
        )

    monkeypatch.setitem(backend_checks.BACKENDS, "inexact", factory)
    return "inexact"


def _on_device(x) -> bool:
    return type(x) is StandInArray


def _shifted_tanh(ulps: int) -> type:
    class ShiftedTanh(activations.BaseActivation):
        """tanh, whose results on the device are ``ulps`` ulps above NumPy's."""

        name = "shifted_tanh"
        properties = activations.get("tanh").properties

        def forward(self, x, /, *, out=None):
            y = np.tanh(x, out=out)
            if not _on_device(x):
                return y
            shifted = y
            for _ in range(ulps):
                shifted = np.nextafter(shifted, np.inf)
            y[...] = np.where(y == 0, y, shifted)  # zeros keep their value and sign
            return y

        def derivative(self, x, /, *, out=None):
            t = np.tanh(x)
            return np.subtract(1.0, t * t, out=out)

    return ShiftedTanh


@pytest.mark.parametrize("ulps", [1, 6])
def test_a_device_may_round_within_twice_the_targets(inexact, ulps):
    with activations.registered(_shifted_tanh(ulps), name="shifted_tanh"):
        check_on_backend("shifted_tanh", backend=inexact)


def test_a_device_further_than_twice_the_targets_fails(inexact):
    with (
        activations.registered(_shifted_tanh(20), name="shifted_tanh"),
        pytest.raises(AssertionError) as info,
    ):
        check_on_backend("shifted_tanh", backend=inexact)
    assert "forward (float32) is further than the accuracy target from NumPy's result" in str(info.value)


def test_on_the_stand_in_one_ulp_is_a_difference():
    with activations.registered(_shifted_tanh(1), name="shifted_tanh"), pytest.raises(AssertionError) as info:
        check_on_backend("shifted_tanh", backend="stand-in")
    assert "forward (float32) differs from NumPy's result" in str(info.value)


class _NegativeZeroReLU(activations.BaseActivation):
    """ReLU that gives -0.0 left of 0 on the device: a value within any ulp bound, a different sign."""

    name = "negative_zero_relu"
    properties = activations.get("relu").properties

    def forward(self, x, /, *, out=None):
        y = np.maximum(x, 0.0, out=out)
        return np.copysign(y, x, out=y) if _on_device(x) else y

    def derivative(self, x, /, *, out=None):
        return np.add(np.greater(x, 0), 0.0, out=out)


def test_the_sign_of_a_zero_must_match_on_a_device_too(inexact):
    with (
        activations.registered(_NegativeZeroReLU, name="negative_zero_relu"),
        pytest.raises(AssertionError) as info,
    ):
        check_on_backend("negative_zero_relu", backend=inexact)
    message = str(info.value)
    assert "forward (float32) is further than the accuracy target" in message
    assert "-0.0" in message


_PReLU = type(activations.get("prelu").plugin)


class _DeviceForgetsTheSum(_PReLU):
    """PReLU whose parameter gradient on the device leaves out the first element."""

    name = "forgetful_prelu"

    def parameter_backward(self, x, grad_output, /, *, output=None):
        if _on_device(x):
            return super().parameter_backward(x[1:], grad_output[1:], output=output)
        return super().parameter_backward(x, grad_output, output=output)


def test_the_parameter_sums_are_compared(inexact):
    check_on_backend("prelu", backend=inexact)
    with (
        activations.registered(_DeviceForgetsTheSum, name="forgetful_prelu"),
        pytest.raises(AssertionError) as info,
    ):
        check_on_backend("forgetful_prelu", backend=inexact)
    assert "parameter_backward (float32)['weight'] gave" in str(info.value)


def test_a_nan_parameter_sum_must_be_nan_on_the_device(inexact):
    class NaNOnTheHost(_PReLU):
        """PReLU whose sum is NaN on the host only: a device that hides a NaN fails too."""

        name = "nan_prelu"

        def parameter_backward(self, x, grad_output, /, *, output=None):
            sums = super().parameter_backward(x, grad_output, output=output)
            return sums if _on_device(x) else {"weight": float("nan")}

    with activations.registered(NaNOnTheHost, name="nan_prelu"), pytest.raises(AssertionError) as info:
        check_on_backend("nan_prelu", backend=inexact)
    assert "NumPy gives nan" in str(info.value)
