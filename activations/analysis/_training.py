"""Convergence and dead units, measured: a perceptron trained with SGD on the digits that ship along."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ._digits import split_digits
from ._network import QUIET, dead_fraction, train_sgd
from ._settings import Progress, Settings, resolve

__all__ = ["TrainingResult", "train", "train_with"]


@dataclass(frozen=True, kw_only=True)
class TrainingResult:
    """A training run on the digits (see `train`).

    Attributes
    ----------
    accuracy : tuple of float
        Test accuracy after each epoch.
    epochs_to_target : int or None
        The first epoch (counting from 1) whose test accuracy reaches the
        target; None if none does.
    final_accuracy : float
        Test accuracy after the last epoch.
    dead_fraction : float
        Fraction of hidden units that output exactly 0 for every training
        image after training.
    target : float
        The target accuracy.
    diverged_at : int or None
        The first epoch after which some weight was no longer finite (the
        network blew up), or in which a learned parameter left its domain:
        training stopped, and the accuracy of that epoch and later ones, the
        final accuracy and the dead fraction are NaN. None if neither happened.
    stopped : str or None
        Why training stopped early, if it did.
    learned : tuple of dict
        With ``learn=True``: for each hidden layer (the first next to the
        input), each learnable parameter's value before training and after
        every epoch. Empty otherwise.

    Examples
    --------
    >>> from activations.analysis import train
    >>> run = train("relu", epochs=1, target=0.0)
    >>> run.epochs_to_target, len(run.accuracy)
    (1, 1)
    """

    accuracy: tuple[float, ...]
    epochs_to_target: int | None
    final_accuracy: float
    dead_fraction: float
    target: float = field(default=0.9)
    diverged_at: int | None = None
    stopped: str | None = None
    learned: tuple[dict[str, tuple[float, ...]], ...] = ()

    def final_parameters(self) -> tuple[dict[str, float], ...]:
        """Each hidden layer's learned parameters after training (see ``learned``).

        Examples
        --------
        >>> from activations.analysis import train
        >>> run = train("prelu", epochs=2, learn=True)
        >>> [sorted(layer) for layer in run.final_parameters()]
        [['weight'], ['weight'], ['weight']]
        >>> train("relu", epochs=1).final_parameters()
        ()
        """
        return tuple({name: path[-1] for name, path in layer.items()} for layer in self.learned)


def train(
    activation: Any,
    *,
    hidden: Sequence[int] = (64, 64, 64),
    epochs: int = 30,
    batch_size: int = 32,
    learning_rate: float = 0.05,
    momentum: float = 0.9,
    target: float = 0.9,
    seed: int = 0,
    learn: bool = False,
    progress: Progress | None = None,
) -> TrainingResult:
    """Train a multilayer perceptron on the 8x8 digits with mini-batch SGD; report speed and dead units.

    The perceptron maps the 64 pixels (scaled to [0, 1]) through the
    ``hidden`` layers (with the activation) to 10 logits (softmax
    cross-entropy). Weights are Glorot normal and biases 0, drawn from
    ``numpy.random.default_rng(seed)``, which then shuffles the 1,437
    training images at every epoch; the update is SGD with heavy-ball
    momentum. The test accuracy is measured on the 360 fixed test images
    after every epoch.

    Parameters
    ----------
    activation : spec
        Anything :func:`activations.get` accepts.
    hidden : sequence of int
        Widths of the hidden layers.
    epochs, batch_size : int
        Passes over the training set; images per update.
    learning_rate, momentum : float
        The SGD step and the momentum coefficient.
    target : float
        The test accuracy whose first epoch is reported.
    seed : int
        Seed of the generator.
    learn : bool
        Train the activation's learnable parameters too (its ``learnable``,
        e.g. PReLU's ``weight``), one copy per hidden layer, with the same
        SGD and momentum as the weights; `TrainingResult.learned` holds their
        paths. If an update takes a parameter out of its domain (the plugin
        refuses the value), training stops there. An activation with nothing
        learnable trains as without ``learn``.
    progress : callable, optional
        ``progress(epoch, epochs, message)`` after every epoch.

    Returns
    -------
    TrainingResult

    Examples
    --------
    >>> from activations.analysis import train
    >>> run = train("tanh", epochs=2)
    >>> len(run.accuracy), run.final_accuracy > 0.8, run.dead_fraction
    (2, True, 0.0)
    >>> run = train("prelu", epochs=2, learn=True)
    >>> run.learned[0]["weight"][0], len(run.learned[0]["weight"])
    (0.25, 3)
    """
    settings = Settings(
        hidden=tuple(hidden),
        epochs=epochs,
        batch_size=batch_size,
        learning_rate=learning_rate,
        momentum=momentum,
        target=target,
        seed=seed,
        learn=learn,
    )  # validates
    act = resolve(activation)
    data = split_digits()

    def on_epoch(epoch: int, accuracy: float) -> None:
        if progress is not None:
            progress(
                epoch,
                settings.epochs,
                f"{act!r}: epoch {epoch}/{settings.epochs}, test accuracy {accuracy:.3f}",
            )

    net = train_sgd(
        act,
        data,
        hidden=settings.hidden,
        epochs=settings.epochs,
        batch_size=settings.batch_size,
        learning_rate=settings.learning_rate,
        momentum=settings.momentum,
        seed=settings.seed,
        learn=settings.learn,
        on_epoch=on_epoch,
    )
    reached = next((i for i, acc in enumerate(net.accuracy, start=1) if acc >= settings.target), None)
    if net.diverged_at is None:
        with np.errstate(**QUIET):
            dead = dead_fraction(net.layers, list(net.activations), data[0])
    else:
        dead = math.nan
    return TrainingResult(
        accuracy=net.accuracy,
        epochs_to_target=reached,
        final_accuracy=net.accuracy[-1],
        dead_fraction=dead,
        target=settings.target,
        diverged_at=net.diverged_at,
        stopped=net.stopped,
        learned=net.learned,
    )


def train_with(activation: Any, settings: Settings, progress: Progress | None = None) -> TrainingResult:
    """`train` with the training fields of ``settings`` (hidden layers, epochs, SGD, target, seed, learn).

    Examples
    --------
    >>> from activations.analysis import Settings, train
    >>> from activations.analysis._training import train_with
    >>> train_with("relu", Settings(epochs=1)) == train("relu", epochs=1)
    True
    """
    return train(
        activation,
        hidden=settings.hidden,
        epochs=settings.epochs,
        batch_size=settings.batch_size,
        learning_rate=settings.learning_rate,
        momentum=settings.momentum,
        target=settings.target,
        seed=settings.seed,
        learn=settings.learn and resolve(activation).name not in {resolve(n).name for n in settings.fixed},
        progress=progress,
    )
