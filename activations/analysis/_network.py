"""A fully connected network in NumPy, built on the Activation contract alone.

Hidden layers compute ``a = f(x @ W + b)`` with the activation's ``forward``;
back-propagation goes through its ``backward(z, grad, output=a)``; the output
layer is linear, followed by softmax cross-entropy. No activation is ever
recognised by name, so a third-party plugin trains exactly as ReLU does.

Everything is float64 and driven by one ``numpy.random.Generator``: the same
seed gives bit-identical weights, batches and results on the same machine
(and the same NumPy and BLAS build).

A network may blow up (an unbounded activation, a step too large): that is
a result to report, not an error. Overflow and invalid operations are
therefore silenced inside the training loop only (`QUIET`, for
``numpy.errstate``), and training stops at the first epoch whose weights
are no longer finite.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "BLOCK",
    "QUIET",
    "Layer",
    "TrainedNetwork",
    "cross_entropy",
    "dead_fraction",
    "evaluate",
    "forward",
    "glorot_normal",
    "gradients",
    "train_sgd",
]

Array = NDArray[np.float64]

#: ``numpy.errstate`` settings under which a diverging network runs without warnings.
QUIET: dict[str, Any] = {"over": "ignore", "invalid": "ignore", "divide": "ignore"}

#: Rows per forward pass when evaluating. The products stay at most 64 x 64 x 64, which
#: OpenBLAS computes on one thread: waking its threads for such small products costs far
#: more than it saves when the machine is busy (the results are the same either way).
BLOCK = 64


def _forward_blocks(layers: Sequence[Layer], activation: Any, x: Array) -> tuple[Array, list[Array]]:
    """Logits and hidden outputs for many rows, computed `BLOCK` rows at a time."""
    parts = [forward(layers, activation, x[i : i + BLOCK]) for i in range(0, len(x), BLOCK)]
    logits = np.concatenate([p[0] for p in parts])
    hidden = [np.concatenate([p[1].inputs[k] for p in parts]) for k in range(1, len(layers))]
    return logits, hidden


@dataclass
class Layer:
    """One affine layer ``x @ weight + bias`` (mutable: the trainer updates it in place)."""

    weight: Array
    bias: Array


@dataclass(frozen=True)
class _Cache:
    inputs: list[Array]  # the input of every layer: x, a_1, ..., a_L
    pre: list[Array]  # z_1, ..., z_L of the hidden layers


def glorot_normal(sizes: Sequence[int], rng: np.random.Generator) -> list[Layer]:
    """Layers for ``sizes = (inputs, hidden..., outputs)``, Glorot/Xavier-normal weights, zero biases.

    Each weight is drawn from N(0, 2 / (fan_in + fan_out)), whatever the activation.

    Examples
    --------
    >>> import numpy as np
    >>> from activations.analysis._network import glorot_normal
    >>> layers = glorot_normal((64, 32, 10), np.random.default_rng(0))
    >>> [layer.weight.shape for layer in layers], float(layers[0].bias.sum())
    ([(64, 32), (32, 10)], 0.0)
    """
    layers = []
    for fan_in, fan_out in itertools.pairwise(sizes):
        std = math.sqrt(2.0 / (fan_in + fan_out))
        layers.append(Layer(rng.normal(0.0, std, size=(fan_in, fan_out)), np.zeros(fan_out)))
    return layers


def forward(layers: Sequence[Layer], activation: Any, x: Array) -> tuple[Array, _Cache]:
    """Compute the logits for a batch ``x`` and what back-propagation needs.

    Examples
    --------
    >>> import numpy as np
    >>> import activations
    >>> from activations.analysis._network import forward, glorot_normal
    >>> layers = glorot_normal((4, 3, 2), np.random.default_rng(0))
    >>> forward(layers, activations.get("relu"), np.ones((5, 4)))[0].shape
    (5, 2)
    """
    inputs = [x]
    pre = []
    a = x
    for layer in layers[:-1]:
        z = a @ layer.weight
        z += layer.bias
        a = activation.forward(z)
        pre.append(z)
        inputs.append(a)
    logits = a @ layers[-1].weight + layers[-1].bias
    return logits, _Cache(inputs, pre)


def cross_entropy(logits: Array, labels: NDArray[Any]) -> tuple[float, Array]:
    """Mean softmax cross-entropy and its gradient with respect to the logits.

    Examples
    --------
    >>> import numpy as np
    >>> from activations.analysis._network import cross_entropy
    >>> loss, grad = cross_entropy(np.zeros((2, 4)), np.array([0, 3]))
    >>> round(loss, 6) == round(float(np.log(4)), 6), grad.shape
    (True, (2, 4))
    """
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_z = np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    log_p = shifted - log_z
    rows = np.arange(len(labels))
    loss = float(-log_p[rows, labels].mean())
    grad = np.exp(log_p)
    grad[rows, labels] -= 1.0
    grad /= len(labels)
    return loss, grad


def gradients(
    layers: Sequence[Layer], activation: Any, x: Array, labels: NDArray[Any]
) -> tuple[float, list[Layer]]:
    """Compute the loss on ``(x, labels)`` and its gradient for every layer (as `Layer` records).

    Examples
    --------
    >>> import numpy as np
    >>> import activations
    >>> from activations.analysis._network import glorot_normal, gradients
    >>> layers = glorot_normal((4, 3, 2), np.random.default_rng(0))
    >>> loss, grads = gradients(layers, activations.get("tanh"), np.ones((5, 4)), np.zeros(5, int))
    >>> [g.weight.shape for g in grads]
    [(4, 3), (3, 2)]
    """
    logits, cache = forward(layers, activation, x)
    loss, grad = cross_entropy(logits, labels)
    grads: list[Layer] = []
    for i in range(len(layers) - 1, -1, -1):
        grads.append(Layer(cache.inputs[i].T @ grad, grad.sum(axis=0)))
        if i:
            grad = activation.backward(cache.pre[i - 1], grad @ layers[i].weight.T, output=cache.inputs[i])
    grads.reverse()
    return loss, grads


def evaluate(layers: Sequence[Layer], activation: Any, x: Array, labels: NDArray[Any]) -> float:
    """Return the fraction of ``x`` classified as ``labels``.

    Examples
    --------
    >>> import numpy as np
    >>> import activations
    >>> from activations.analysis._network import evaluate, glorot_normal
    >>> layers = glorot_normal((4, 3, 2), np.random.default_rng(0))
    >>> 0.0 <= evaluate(layers, activations.get("relu"), np.ones((5, 4)), np.zeros(5, int)) <= 1.0
    True
    """
    logits, _ = _forward_blocks(layers, activation, x)
    return float(np.mean(np.argmax(logits, axis=1) == labels))


def dead_fraction(layers: Sequence[Layer], activation: Any, x: Array) -> float:
    """Measure the fraction of hidden units whose output is exactly 0 for every row of ``x``.

    Examples
    --------
    >>> import numpy as np
    >>> import activations
    >>> from activations.analysis._network import Layer, dead_fraction
    >>> layers = [Layer(np.array([[1.0, -1.0]]), np.zeros(2)), Layer(np.ones((2, 1)), np.zeros(1))]
    >>> dead_fraction(layers, activations.get("relu"), np.array([[1.0], [2.0]]))
    0.5
    """
    _, hidden = _forward_blocks(layers, activation, x)
    dead = sum(int(np.count_nonzero(np.all(a == 0.0, axis=0))) for a in hidden)
    total = sum(a.shape[1] for a in hidden)
    return dead / total if total else 0.0


@dataclass(frozen=True)
class TrainedNetwork:
    """The result of `train_sgd`: the final layers, the test accuracy after each epoch, divergence.

    ``diverged_at`` is the first epoch after which some weight was no longer
    finite (training stopped there; the accuracy of that epoch and the later
    ones is NaN), or None.
    """

    layers: list[Layer]
    accuracy: tuple[float, ...]
    diverged_at: int | None = None


def train_sgd(
    activation: Any,
    data: tuple[Array, NDArray[Any], Array, NDArray[Any]],
    *,
    hidden: Sequence[int],
    epochs: int,
    batch_size: int,
    learning_rate: float,
    momentum: float,
    seed: int,
    on_epoch: Callable[[int, float], None] | None = None,
) -> TrainedNetwork:
    """Train an MLP with mini-batch SGD and (heavy-ball) momentum on ``data``.

    ``data`` is ``(x_train, y_train, x_test, y_test)``. One generator seeded
    with ``seed`` draws the Glorot-normal weights and then a fresh shuffle of
    the training set per epoch; the last incomplete batch is kept. The update
    is ``v = momentum * v - learning_rate * grad; w += v``. Training stops
    early if the weights stop being finite (see `TrainedNetwork`).

    Examples
    --------
    >>> import numpy as np
    >>> import activations
    >>> from activations.analysis._network import train_sgd
    >>> rng = np.random.default_rng(1)
    >>> x = rng.normal(size=(40, 2)); y = (x[:, 0] > 0).astype(int)
    >>> net = train_sgd(activations.get("tanh"), (x, y, x, y), hidden=(8,), epochs=5,
    ...                 batch_size=8, learning_rate=0.1, momentum=0.9, seed=0)
    >>> len(net.accuracy), net.accuracy[-1] > 0.8
    (5, True)
    """
    x_train, y_train, x_test, y_test = data
    n_classes = int(max(y_train.max(), y_test.max())) + 1
    rng = np.random.default_rng(seed)
    layers = glorot_normal((x_train.shape[1], *hidden, n_classes), rng)
    velocity = [Layer(np.zeros_like(layer.weight), np.zeros_like(layer.bias)) for layer in layers]
    accuracy: list[float] = []
    for epoch in range(1, epochs + 1):
        order = rng.permutation(len(y_train))
        with np.errstate(**QUIET):
            for start in range(0, len(order), batch_size):
                batch = order[start : start + batch_size]
                _, grads = gradients(layers, activation, x_train[batch], y_train[batch])
                for layer, v, g in zip(layers, velocity, grads, strict=True):
                    v.weight *= momentum
                    v.weight -= learning_rate * g.weight
                    v.bias *= momentum
                    v.bias -= learning_rate * g.bias
                    layer.weight += v.weight
                    layer.bias += v.bias
            if not all(np.isfinite(layer.weight).all() and np.isfinite(layer.bias).all() for layer in layers):
                accuracy += [math.nan] * (epochs - epoch + 1)
                if on_epoch is not None:
                    on_epoch(epochs, math.nan)
                return TrainedNetwork(layers, tuple(accuracy), diverged_at=epoch)
            accuracy.append(evaluate(layers, activation, x_test, y_test))
        if on_epoch is not None:
            on_epoch(epoch, accuracy[-1])
    return TrainedNetwork(layers, tuple(accuracy))
