"""What the non-linearity buys, measured: the same network with the activation and with the identity.

With the identity, a stack of affine layers is one affine map: a linear
model. `nonlinearity` trains the same small network once with the
activation and once with the identity on two tasks:

* two interleaved spirals (`spirals`), a seeded synthetic task that no
  linear model can solve: about 3 in 4 points at best, while a small
  network of ReLU, tanh or sigmoid units gets nearly all of them;
* the 8x8 digits of `train`, where a linear model is already strong.

The difference in test accuracy is what the non-linearity buys.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from ._network import train_sgd
from ._settings import Settings, check_int, check_real, resolve
from ._training import train_with

if TYPE_CHECKING:
    from .. import Registry

__all__ = ["SPIRAL_TASK", "NonLinearity", "nonlinearity", "spiral_accuracy", "spirals"]

#: The spiral task: points per set (training and test), turns, radius, hidden layers, epochs.
SPIRAL_TASK: dict[str, Any] = {"points": 1000, "turns": 1.0, "radius": 4.0, "hidden": (64, 64), "epochs": 50}


def spirals(
    points: int, *, turns: float = 1.0, radius: float = 4.0, seed: int = 0
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Two interleaved spirals in the plane: ``points`` (x, y) rows and their labels 0 and 1.

    Each point draws a label and a position t in [0, 1] along its arm, with
    density growing like t so that the points cover the disc evenly; the arm
    of label k is at radius ``radius * t`` and angle ``2 pi turns t + k pi``.
    The two arms are the same spiral turned by half a turn.

    Examples
    --------
    >>> from activations.analysis._nonlinearity import spirals
    >>> x, labels = spirals(4, seed=0)
    >>> x.shape, labels.tolist()
    ((4, 2), [0, 1, 1, 1])
    """
    check_int("points", points, 1)
    check_int("seed", seed, 0)
    check_real("turns", turns, 0.0, math.inf, low_open=True, high_open=True)
    check_real("radius", radius, 0.0, math.inf, low_open=True, high_open=True)
    rng = np.random.default_rng(seed)
    t = np.sqrt(rng.uniform(0.0, 1.0, points))
    labels = rng.integers(0, 2, points)
    angle = 2.0 * np.pi * turns * t + np.pi * labels
    x = np.stack([radius * t * np.cos(angle), radius * t * np.sin(angle)], axis=1)
    return x, labels


def spiral_accuracy(activation: Any, settings: Settings | None = None) -> float:
    """The test accuracy of a small network with the activation on the spirals (`SPIRAL_TASK`).

    ``SPIRAL_TASK["points"]`` training and as many test points are drawn
    with ``settings.seed`` (training first); the network has the hidden
    layers of `SPIRAL_TASK` and is trained for its epochs with the SGD
    settings of ``settings`` (learning rate, momentum, batch size, seed).

    Examples
    --------
    >>> from activations.analysis._nonlinearity import spiral_accuracy
    >>> spiral_accuracy("relu") > 0.95, spiral_accuracy("identity") < 0.8
    (True, True)
    """
    s = settings or Settings()
    act = resolve(activation)
    task = SPIRAL_TASK
    shape = {"turns": task["turns"], "radius": task["radius"]}
    x_train, y_train = spirals(task["points"], seed=s.seed, **shape)
    x_test, y_test = spirals(task["points"], seed=s.seed + 1, **shape)
    net = train_sgd(
        act,
        (x_train, y_train, x_test, y_test),
        hidden=task["hidden"],
        epochs=task["epochs"],
        batch_size=s.batch_size,
        learning_rate=s.learning_rate,
        momentum=s.momentum,
        seed=s.seed,
    )
    return net.accuracy[-1]


@dataclass(frozen=True, kw_only=True)
class NonLinearity:
    """Test accuracies with the activation and with the identity (see `nonlinearity`).

    Attributes
    ----------
    spirals, spirals_linear : float
        On the two spirals, with the activation and with the identity.
    digits, digits_linear : float
        On the digits (the final accuracy of `train`), likewise.

    Examples
    --------
    >>> from activations.analysis import NonLinearity
    >>> n = NonLinearity(spirals=1.0, spirals_linear=0.75, digits=0.98, digits_linear=0.94)
    >>> n.spirals_gap, n.spirals_errors_removed, round(n.digits_gap, 2)
    (0.25, 1.0, 0.04)
    """

    spirals: float
    spirals_linear: float
    digits: float
    digits_linear: float

    @property
    def spirals_gap(self) -> float:
        """What the non-linearity buys on the spirals: ``spirals - spirals_linear``."""
        return self.spirals - self.spirals_linear

    @property
    def spirals_errors_removed(self) -> float:
        """The share of the linear model's errors on the spirals that the activation avoids.

        ``spirals_gap / (1 - spirals_linear)``: 1 when it gets every point
        right, 0 when it does no better than the linear model.
        """
        errors = 1.0 - self.spirals_linear
        return self.spirals_gap / errors if errors > 0 else math.nan

    @property
    def digits_gap(self) -> float:
        """What it buys on the digits: ``digits - digits_linear``."""
        return self.digits - self.digits_linear

    def to_dict(self) -> dict[str, Any]:
        """Return the measurement as JSON-ready data (NaN becomes None).

        Examples
        --------
        >>> from activations.analysis import NonLinearity
        >>> n = NonLinearity(spirals=1.0, spirals_linear=0.75, digits=0.98, digits_linear=0.94)
        >>> n.to_dict()["spirals_gap"]
        0.25
        """
        values = {
            "spirals": self.spirals,
            "spirals_linear": self.spirals_linear,
            "spirals_gap": self.spirals_gap,
            "spirals_errors_removed": self.spirals_errors_removed,
            "digits": self.digits,
            "digits_linear": self.digits_linear,
            "digits_gap": self.digits_gap,
        }
        return {k: v if math.isfinite(v) else None for k, v in values.items()}


def nonlinearity(
    activation: Any, *, settings: Settings | None = None, registry: Registry | None = None, **changes: Any
) -> NonLinearity:
    """Train the same network with the activation and with the identity; report both test accuracies.

    On the spirals (`spiral_accuracy`) and on the digits (`train` with
    ``settings``: its final accuracy, the same number as ``compare``'s
    "final acc"). The identity is the registry's ``identity``; with it every
    network is a linear model.

    Parameters
    ----------
    activation : spec
        Anything :func:`activations.get` accepts.
    settings : Settings, optional
        The seed and the SGD settings (the defaults of `Settings` if None).
    registry : Registry, optional
        Where to look the names up (the default registry if None).
    **changes
        Fields of `Settings` to override, e.g. ``epochs=5``.

    Returns
    -------
    NonLinearity

    Examples
    --------
    >>> from activations.analysis import nonlinearity
    >>> n = nonlinearity("relu", epochs=5)
    >>> n.spirals_gap > 0.2, round(n.digits, 3), round(n.digits_linear, 3)
    (True, 0.911, 0.828)
    """
    s = replace(settings or Settings(), **changes)
    act = resolve(activation, registry)
    linear = resolve("identity", registry)
    return NonLinearity(
        spirals=spiral_accuracy(act, s),
        spirals_linear=spiral_accuracy(linear, s),
        digits=train_with(act, s).final_accuracy,
        digits_linear=train_with(linear, s).final_accuracy,
    )
