"""
Writing and testing a plugin
============================

A new activation in a few lines: derive from
:class:`activations.BaseActivation`, declare its properties, register it,
and run the conformance kit on it. Here, the *squared ReLU*,
:math:`f(x) = \\max(x, 0)^2`, with :math:`f'(x) = 2 \\max(x, 0)`.

In a distribution you would register it from a ``register_activations``
hook and an entry point (see :doc:`/writing-plugins`); in a script,
:func:`activations.register` does it at run time, and in a test
:func:`activations.registered` registers it for a block.
"""

import dataclasses
import math

import matplotlib.pyplot as plt
import numpy as np

import activations
from activations.testing import check_activation


class SquaredReLU(activations.BaseActivation):
    """Squared ReLU: max(x, 0)^2."""

    name = "squared_relu"
    formula = "f(x) = max(x, 0)^2; f'(x) = 2 max(x, 0)"
    properties = activations.Properties(
        output_range=(0.0, math.inf),
        monotonic=True,
        zero_centered=False,
        sparse=True,
        smoothness=1,  # f' is continuous at 0; f'' jumps there
        kinks=(),  # f' is defined everywhere
        saturating="lower",
    )

    def forward(self, x, /, *, out=None):
        r = np.maximum(x, x.dtype.type(0))
        with np.errstate(over="ignore"):  # the true value overflows beyond sqrt(max float)
            return np.multiply(r, r, out=out)

    def derivative(self, x, /, *, out=None):
        r = np.maximum(x, x.dtype.type(0), out=out)
        with np.errstate(over="ignore"):  # 2 x overflows near the largest float: so does f'
            return np.multiply(r, x.dtype.type(2), out=r)


# %%
# Register it (a distribution would do this in its hook), and use it like
# any other activation: by name or alias, with ``describe``:

activations.register(SquaredReLU, name="squared_relu", aliases=("relu2",))
act = activations.get("ReLU2")
print(act, act(np.array([-1.0, 0.5, 3.0])))
print(activations.describe("squared_relu"))

# %%
# The conformance kit checks the contract (dtypes, ``out=``, no mutation,
# no warnings, NaN and infinities) and every declared property, numerically:

report = check_activation("squared_relu")
print(f"{sum(r.passed for r in report.results)} of {len(report.results)} checks passed")

# %%
# And it can be plotted like the bundled ones:

x = np.linspace(-2.0, 2.0, 401)
fig, ax = plt.subplots(figsize=(6, 3.5))
for name in ["relu", "squared_relu"]:
    a = activations.get(name)
    ax.plot(x, a(x), label=f"{name}")
    ax.plot(x, a.derivative(x), "--", label=f"{name}'")
ax.set_ylim(-0.5, 4.2)
ax.legend()
fig.tight_layout()
activations.unregister("squared_relu")

# %%
# A wrong declaration fails with a message that says what was found. Claiming
# that the squared ReLU is zero-centred:


class Wrong(SquaredReLU):
    """Squared ReLU with a wrong claim."""

    properties = dataclasses.replace(SquaredReLU.properties, zero_centered=True)


with activations.registered(Wrong, name="squared_relu"):
    try:
        check_activation("squared_relu", checks=["check_zero_centered"])
    except AssertionError as error:
        print(error)
