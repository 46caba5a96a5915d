"""Saturation, measured: f' far out on both sides of the input distribution, and where it tends to 0.

An activation saturates on a side when its derivative tends to 0 there, so
large inputs on that side pass (almost) no gradient back. `saturation`
evaluates f' at 1, 10 and 100 standard deviations of the input distribution
on each side and says where it tends to 0, by a rule written below
(`tends_to_zero`); the result can be set against the declared
``properties.saturating``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._settings import check_real, resolve

__all__ = ["MULTIPLES", "TENDS_TO_ZERO", "Saturation", "saturation", "tends_to_zero"]

#: Where f' is evaluated, in standard deviations of the input distribution, on each side.
MULTIPLES: tuple[float, ...] = (1.0, 10.0, 100.0)

#: A side saturates when |f'| at the farthest point is at most this fraction of its largest |f'| on that side.
TENDS_TO_ZERO = 1e-2


def tends_to_zero(derivatives: tuple[float, ...]) -> bool:
    """Whether |f'| at points going outwards (the last the farthest) tends to 0.

    True when the last |f'| is at most `TENDS_TO_ZERO` times the largest of
    them (0 everywhere counts: f is flat there); False when any is not finite.

    Examples
    --------
    >>> from activations.analysis._saturation import tends_to_zero
    >>> tends_to_zero((0.25, 0.0083, 9.8e-05)), tends_to_zero((0.0, 0.0, 0.0)), tends_to_zero((1.0, 1.0, 1.0))
    (True, True, False)
    """
    magnitudes = [abs(d) for d in derivatives]
    if not all(math.isfinite(m) for m in magnitudes):
        return False
    return magnitudes[-1] <= TENDS_TO_ZERO * max(magnitudes)


@dataclass(frozen=True, kw_only=True)
class Saturation:
    """Where an activation's derivative tends to 0 (see `saturation`).

    Attributes
    ----------
    std : float
        The standard deviation of the input distribution (centred on 0).
    lower, upper : tuple of float
        f'(-k std) and f'(k std) for k in `MULTIPLES` (1, 10, 100).
    measured : {"none", "lower", "upper", "both"}
        The sides where f' tends to 0 by `tends_to_zero`.
    declared : {"none", "lower", "upper", "both"}
        The activation's declared ``properties.saturating``.

    Examples
    --------
    >>> from activations.analysis import saturation
    >>> s = saturation("relu")
    >>> s.lower, s.upper, s.measured, s.agrees
    ((0.0, 0.0, 0.0), (1.0, 1.0, 1.0), 'lower', True)
    """

    std: float
    lower: tuple[float, ...]
    upper: tuple[float, ...]
    measured: str
    declared: str

    @property
    def agrees(self) -> bool:
        """Whether the measured sides are the declared ones."""
        return self.measured == self.declared

    def to_dict(self) -> dict[str, Any]:
        """Return the measurement as JSON-ready data (a non-finite f' becomes None).

        Examples
        --------
        >>> from activations.analysis import saturation
        >>> saturation("tanh").to_dict()["measured"]
        'both'
        """
        return {
            "std": self.std,
            "multiples": list(MULTIPLES),
            "lower": [d if math.isfinite(d) else None for d in self.lower],
            "upper": [d if math.isfinite(d) else None for d in self.upper],
            "measured": self.measured,
            "declared": self.declared,
            "agrees": self.agrees,
        }


def saturation(activation: Any, *, std: float = 1.0) -> Saturation:
    """Measure f' at +-1, +-10 and +-100 standard deviations of the input, and where it tends to 0.

    Parameters
    ----------
    activation : spec
        Anything :func:`activations.get` accepts.
    std : float
        The standard deviation of the input distribution, centred on 0 (N(0, 1)
        by default, as in `output_stats`).

    Returns
    -------
    Saturation
        ``measured`` is "lower" when f' tends to 0 for large negative inputs
        only, "upper" for large positive ones only, "both" or "none", each
        side by `tends_to_zero`.

    Examples
    --------
    >>> from activations.analysis import saturation
    >>> s = saturation("sigmoid")
    >>> s.measured, f"{s.upper[-1]:.3g}"
    ('both', '3.72e-44')
    >>> saturation("leaky_relu").measured
    'none'
    """
    check_real("std", std, 0.0, math.inf, low_open=True, high_open=True)
    act = resolve(activation)
    points = std * np.asarray(MULTIPLES, dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore"):  # an exploding f' is a result, not a warning
        lower = tuple(float(d) for d in act.derivative(-points))
        upper = tuple(float(d) for d in act.derivative(points))
    sides = (tends_to_zero(lower), tends_to_zero(upper))
    measured = {(False, False): "none", (True, False): "lower", (False, True): "upper", (True, True): "both"}
    return Saturation(
        std=float(std), lower=lower, upper=upper, measured=measured[sides], declared=act.properties.saturating
    )
