"""The bent identity, (sqrt(x^2 + 1) - 1) / 2 + x, as an `activations` plugin.

A complete third-party plugin: one class, one hook, and one entry point
(``[project.entry-points.activations]`` in ``pyproject.toml``).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

import activations
from activations import BaseActivation, Properties

__all__ = ["BentIdentity", "register_activations"]


class BentIdentity(BaseActivation):
    r"""Bent identity: (sqrt(x^2 + 1) - 1) / 2 + x.

    .. math:: f(x) = \frac{\sqrt{x^2 + 1} - 1}{2} + x, \qquad
              f'(x) = \frac{x}{2\sqrt{x^2 + 1}} + 1

    Smooth, monotonic (f' lies in (1/2, 3/2)), zero-centred, the identity to
    first order at 0, never saturating. ``sqrt(x^2 + 1) - 1`` cancels near 0
    and ``x^2`` overflows for large x, so it is computed with ``hypot`` and,
    for |x| < 1, as ``x^2 / (hypot(x, 1) + 1)``. Only ufuncs, ``np.clip`` with
    positional bounds and ``np.copyto``: it runs on CuPy arrays unchanged.

    Examples
    --------
    >>> import activations
    >>> bent = activations.get("bent_identity")
    >>> bent([0.0, 1e-9]), bent.derivative([0.0])
    (array([0.e+00, 1.e-09]), array([1.]))
    """

    name = "bent_identity"
    formula = "f(x) = (sqrt(x^2 + 1) - 1) / 2 + x; f'(x) = x / (2 sqrt(x^2 + 1)) + 1"
    properties = Properties(
        output_range=(-math.inf, math.inf),
        monotonic=True,
        zero_centered=True,
        sparse=False,
        smoothness=math.inf,
        saturating="none",
        identity_near_origin=True,
    )

    def forward(self, x: Any, /, *, out: Any = None) -> Any:
        one, half = x.dtype.type(1), x.dtype.type(0.5)
        # x clipped to the largest floats: g below stays finite, and adding x itself at the
        # end gives the limits f(+-inf) = +-inf (at -inf, g + x would be inf - inf).
        big = x.dtype.type(np.finfo(x.dtype).max)
        c = np.clip(x, -big, big)
        # g = sqrt(c^2 + 1) - 1: hypot cannot overflow, but the subtraction cancels for
        # |c| < 1, where g = c^2 / (sqrt(c^2 + 1) + 1) instead (on c clipped to [-1, 1]).
        g = np.hypot(c, one)
        np.subtract(g, one, out=g)
        s = np.clip(c, -one, one)
        small = np.multiply(s, s)
        np.divide(small, np.hypot(s, one) + one, out=small)
        np.copyto(g, small, where=np.abs(c) < one)
        np.multiply(g, half, out=g)
        with np.errstate(over="ignore"):  # near the float maximum f ~ 1.5 x truly overflows
            return np.add(g, x, out=out)

    def derivative(self, x: Any, /, *, out: Any = None) -> Any:
        # f' = 1 + x / (2 sqrt(x^2 + 1)), on x clipped to the largest floats: the limits
        # f'(+-inf) = 1 +- 1/2 without inf / inf; hypot cannot overflow, and 2 hypot could.
        big = x.dtype.type(np.finfo(x.dtype).max)
        c = np.clip(x, -big, big)
        result = np.divide(c, np.hypot(c, x.dtype.type(1)), out=out)
        np.multiply(result, x.dtype.type(0.5), out=result)
        return np.add(result, x.dtype.type(1), out=result)


@activations.hookimpl
def register_activations(register: Any) -> None:
    """Register the bent identity with the `activations` registry."""
    register(BentIdentity, name="bent_identity", aliases=("bent",))
