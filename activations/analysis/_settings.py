"""The settings of a comparison, and the checks and spec lookup every measurement shares."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from .. import BoundActivation, Registry

__all__ = ["Progress", "Settings", "check_int", "check_real", "resolve"]

#: ``progress(done, total, message)``: called as `compare` and `train` advance.
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True, kw_only=True)
class Settings:
    """Every setting of a comparison; the defaults are those of ``activations compare``.

    Parameters
    ----------
    seed : int
        Seeds the inputs of `output_stats`, the network and labels of
        `gradient_flow`, and the initial weights and batch order of `train`.
        Every activation gets the same draws.
    samples : int
        Inputs drawn from N(0, 1) for the output statistics.
    depth, width, batch : int
        The gradient-flow network: ``depth`` hidden layers of ``width`` units,
        evaluated on ``batch`` inputs x ~ N(0, 1) with random labels.
    hidden : tuple of int
        The hidden-layer widths of the trained perceptron (64 inputs, 10 outputs).
    epochs, batch_size : int
        Passes over the 1,437 training digits, and the mini-batch size.
    learning_rate, momentum : float
        Mini-batch SGD with heavy-ball momentum.
    target : float
        The test accuracy whose first epoch `train` reports.
    learn : bool
        Whether `train` also learns the activations' learnable parameters
        (one copy per hidden layer, same optimiser as the weights).
    fixed : tuple of str
        With ``learn``: names (or aliases) of activations whose parameters
        stay as the spec gives them (``("leaky_relu",)`` sets a learned PReLU
        against a fixed Leaky ReLU, whose slope is learnable too). By name:
        every spec of that name stays fixed.

    Notes
    -----
    Both networks use the same initialisation for every activation: Glorot
    (Xavier) normal weights, N(0, 2 / (fan_in + fan_out)), and zero biases. It
    suits sigmoid and tanh as their authors intended, and ReLU reasonably (He
    initialisation would favour ReLU). The digits are split once and for all
    (1,437 training, 360 test images, pixels / 16), independent of ``seed``.

    Examples
    --------
    >>> from activations.analysis import Settings
    >>> Settings().depth, Settings(epochs=5).epochs
    (10, 5)
    >>> Settings(depth=0)
    Traceback (most recent call last):
    ...
    ValueError: depth must be an integer >= 1, got 0
    """

    seed: int = 0
    samples: int = 100_000
    depth: int = 10
    width: int = 64
    batch: int = 256
    hidden: tuple[int, ...] = (64, 64, 64)
    epochs: int = 30
    batch_size: int = 32
    learning_rate: float = 0.05
    momentum: float = 0.9
    target: float = 0.9
    learn: bool = False
    fixed: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "hidden", tuple(self.hidden))
        if isinstance(self.fixed, str) or not all(isinstance(name, str) for name in self.fixed):
            raise ValueError(f"fixed must be a tuple of activation names, got {self.fixed!r}")
        object.__setattr__(self, "fixed", tuple(self.fixed))
        check_int("seed", self.seed, 0)
        for name in ("samples", "depth", "width", "batch", "epochs", "batch_size"):
            check_int(name, getattr(self, name), 1)
        for width in self.hidden:
            check_int("each hidden width", width, 1)
        check_real("learning_rate", self.learning_rate, 0.0, math.inf, low_open=True, high_open=True)
        check_real("momentum", self.momentum, 0.0, 1.0, high_open=True)
        check_real("target", self.target, 0.0, 1.0)
        if not isinstance(self.learn, bool):
            raise ValueError(f"learn must be True or False, got {self.learn!r}")
        if self.fixed and not self.learn:
            raise ValueError(f"fixed={self.fixed!r} needs learn=True: without it, no parameter is learned")

    def to_dict(self) -> dict[str, Any]:
        """Return the settings as JSON-ready data, with the fixed choices spelled out.

        Examples
        --------
        >>> from activations.analysis import Settings
        >>> Settings().to_dict()["initialisation"]
        'glorot_normal'
        """
        data = asdict(self)
        data["hidden"] = list(self.hidden)
        data["fixed"] = list(self.fixed)
        data["input_distribution"] = "normal(0, 1)"
        data["initialisation"] = "glorot_normal"
        data["optimizer"] = "sgd_momentum"
        data["dataset"] = "UCI optical digits 8x8 (1797 images): 1437 train / 360 test, pixels / 16"
        return data


def check_int(name: str, value: Any, low: int) -> None:
    """Raise a ValueError unless ``value`` is an integer >= ``low``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
        raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")


def check_real(
    name: str, value: Any, low: float, high: float, *, low_open: bool = False, high_open: bool = False
) -> None:
    """Raise a ValueError unless ``value`` is a finite real number in the interval given."""
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    ok = ok and (value > low if low_open else value >= low) and (value < high if high_open else value <= high)
    if not ok:
        interval = f"{'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
        raise ValueError(f"{name} must be a real number in {interval}, got {value!r}")


def resolve(spec: Any, registry: Registry | None = None) -> BoundActivation:
    """The activation a spec names, from ``registry`` or the default one.

    Examples
    --------
    >>> from activations.analysis._settings import resolve
    >>> resolve("leaky_relu(negative_slope=0.2)")
    leaky_relu(negative_slope=0.2)
    """
    if registry is None:
        import activations

        registry = activations.default_registry()
    return registry.get(spec)
