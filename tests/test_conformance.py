"""The conformance kit over every registered activation: one test per check per activation.

Bundled plugins and any installed third-party plugin (CI installs the
example distribution under docs/examples/) alike, by default parameters and
with non-default ones that change the declared properties.
"""

from __future__ import annotations

import activations
from activations.testing import parametrize_with_checks

# Non-default parameters that change the declared properties (all bundled: a missing one fails).
EXTRA_SPECS = [
    "leaky_relu(negative_slope=0.2)",
    "leaky_relu(negative_slope=0.0)",
    "leaky_relu(negative_slope=1.0)",
    "leaky_relu(negative_slope=-0.5)",
    "leaky_relu(negative_slope=2.0)",
    "elu(alpha=0.5)",
    "celu(alpha=2.0)",
    "gelu(approximate='tanh')",
    "hardshrink(lambd=1.0)",
    "hardtanh(min_val=-2.0, max_val=3.0)",
    "softplus(beta=5.0)",
    "softshrink(lambd=0.0)",
    "squareplus(b=0.0)",
    "threshold(threshold=1.0, value=-1.0)",
    "threshold(threshold=-1.0, value=2.0)",
]

# Known defects, reported; strict xfails, so each entry must go when its fix lands.
KNOWN_FAILURES: dict[str, dict[str, str]] = {}


def known_failures(activation: activations.BoundActivation) -> dict[str, str]:
    return KNOWN_FAILURES.get(repr(activation), {})


@parametrize_with_checks([*activations.names(), *EXTRA_SPECS], expected_failures=known_failures)
def test_conformance(activation, check):
    check(activation)
