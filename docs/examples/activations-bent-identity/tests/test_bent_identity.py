"""Tests of the bent-identity plugin: the library's conformance kit, then the maths.

Run them after installing the plugin: ``pip install . && pytest``.
"""

import math
from fractions import Fraction

import numpy as np
import pytest

import activations
from activations.testing import check_activation, parametrize_with_checks


# One pytest test per check of the conformance kit: contract, dtypes, out=, no
# warnings, backward against finite differences, and every declared property.
@parametrize_with_checks(["bent_identity"])
def test_conformance(activation, check):
    check(activation)


def test_whole_kit_passes_in_one_call():
    assert check_activation("bent_identity").passed


def test_found_through_the_entry_point():
    info = activations.describe("bent")
    assert (info.name, info.distribution) == ("bent_identity", "activations-bent-identity")


@pytest.mark.parametrize("x", [-1e6, -3.0, -0.75, 0.5, 2.0, 1e6])
def test_values_against_the_closed_form(x):
    # Away from 0 the closed form has no cancellation: math's sqrt gives the reference.
    bent = activations.get("bent_identity")
    expected = (math.sqrt(x * x + 1) - 1) / 2 + x
    assert float(bent(x)) == pytest.approx(expected, rel=4e-16)
    assert float(bent.derivative(x)) == pytest.approx(x / (2 * math.sqrt(x * x + 1)) + 1, rel=4e-16)


@pytest.mark.parametrize("x", [1e-300, 1e-20, 1e-9, -1e-5])
def test_no_cancellation_near_zero(x):
    # f(x) = x + x^2/4 - x^4/16 + ...: exact rational arithmetic for the first terms.
    q = Fraction(x)
    expected = float(q + q * q / 4 - q**4 / 16)
    assert float(activations.get("bent_identity")(x)) == pytest.approx(expected, rel=2.3e-16)


def test_limits_and_nan():
    bent = activations.get("bent_identity")
    x = np.array([-np.inf, np.inf, np.nan])
    np.testing.assert_array_equal(bent(x)[:2], [-np.inf, np.inf])
    np.testing.assert_array_equal(bent.derivative(x)[:2], [0.5, 1.5])
    assert np.isnan(bent(x)[2])
    assert np.isnan(bent.derivative(x)[2])
