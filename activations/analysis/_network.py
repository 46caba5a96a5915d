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
    "backpropagate",
    "forward",
    "glorot_normal",
    "gradients",
    "per_layer",
    "train_sgd",
]

Array = NDArray[np.float64]

#: ``numpy.errstate`` settings under which a diverging network runs without warnings.
QUIET: dict[str, Any] = {"over": "ignore", "invalid": "ignore", "divide": "ignore"}

#: Rows per forward pass when evaluating. The products stay at most 64 x 64 x 64, which
#: OpenBLAS computes on one thread: waking its threads for such small products costs far
#: more than it saves when the machine is busy (the results are the same either way).
BLOCK = 64


def per_layer(activation: Any, count: int) -> list[Any]:
    """One activation per hidden layer: ``activation`` itself if it is a list or tuple of them, else repeated.

    Examples
    --------
    >>> import activations
    >>> from activations.analysis._network import per_layer
    >>> per_layer(activations.get("relu"), 2)
    [relu, relu]
    """
    if isinstance(activation, (list, tuple)):
        if len(activation) != count:
            raise ValueError(f"{count} hidden layers need {count} activations, got {len(activation)}")
        return list(activation)
    return [activation] * count


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

    ``activation`` is one activation for every hidden layer, or a list of one per layer.

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
    for layer, act in zip(layers[:-1], per_layer(activation, len(layers) - 1), strict=True):
        z = a @ layer.weight
        z += layer.bias
        a = act.forward(z)
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
    loss, grads, _ = backpropagate(layers, activation, x, labels)
    return loss, grads


def backpropagate(
    layers: Sequence[Layer], activation: Any, x: Array, labels: NDArray[Any], *, learn: bool = False
) -> tuple[float, list[Layer], list[dict[str, float]]]:
    """`gradients`, and with ``learn=True`` the gradient of each hidden layer's learnable parameters.

    The third item has one dict per hidden layer, from the activation's
    ``parameter_backward`` (empty dicts when ``learn`` is false).

    Examples
    --------
    >>> import numpy as np
    >>> import activations
    >>> from activations.analysis._network import backpropagate, glorot_normal
    >>> layers = glorot_normal((4, 3, 3, 2), np.random.default_rng(0))
    >>> prelu = activations.get("prelu")
    >>> _, _, slopes = backpropagate(layers, prelu, np.ones((5, 4)), np.zeros(5, int), learn=True)
    >>> [sorted(g) for g in slopes]
    [['weight'], ['weight']]
    """
    acts = per_layer(activation, len(layers) - 1)
    logits, cache = forward(layers, acts, x)
    loss, grad = cross_entropy(logits, labels)
    grads: list[Layer] = []
    learned: list[dict[str, float]] = [{} for _ in acts]
    for i in range(len(layers) - 1, -1, -1):
        grads.append(Layer(cache.inputs[i].T @ grad, grad.sum(axis=0)))
        if i:
            act, z, a = acts[i - 1], cache.pre[i - 1], cache.inputs[i]
            grad = grad @ layers[i].weight.T
            if learn and act.learnable:
                sums = act.parameter_backward(z, grad, output=a)
                learned[i - 1] = {name: float(value) for name, value in sums.items()}
            grad = act.backward(z, grad, output=a)
    grads.reverse()
    return loss, grads, learned


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
    """The result of `train_sgd`: the final layers and activations, the test accuracy after each epoch.

    ``diverged_at`` is the first epoch after which some weight was no longer
    finite, or in which a learned parameter left its domain (training stopped
    there; the accuracy of that epoch and the later ones is NaN), or None;
    ``stopped`` then says why. ``learned`` has one dict per hidden layer:
    each learnable parameter's value before training and after each epoch
    (empty dicts unless training learned the parameters).
    """

    layers: list[Layer]
    accuracy: tuple[float, ...]
    diverged_at: int | None = None
    activations: tuple[Any, ...] = ()
    learned: tuple[dict[str, tuple[float, ...]], ...] = ()
    stopped: str | None = None


class _Parameters:
    """The learnable parameters of each hidden layer's activation, trained with SGD and momentum."""

    def __init__(self, acts: list[Any], learn: bool) -> None:
        self.acts = acts
        self.values = [
            {name: float(act.config[name]) for name in act.learnable} if learn else {} for act in acts
        ]
        self.velocity = [dict.fromkeys(values, 0.0) for values in self.values]
        self.paths: list[dict[str, list[float]]] = [
            {k: [v] for k, v in values.items()} for values in self.values
        ]

    def step(self, grads: list[dict[str, float]], learning_rate: float, momentum: float) -> str | None:
        """Update every parameter (``v = momentum * v - learning_rate * g; θ += v``); why not, if refused."""
        for i, (act, values, velocity, grad) in enumerate(
            zip(self.acts, self.values, self.velocity, grads, strict=True)
        ):
            if not values:
                continue
            for name in values:
                velocity[name] = momentum * velocity[name] - learning_rate * grad[name]
                values[name] += velocity[name]
            try:
                self.acts[i] = act.replace(**values)
            except ValueError as exc:  # the plugin refuses the value (an InvalidSpecError)
                return f"hidden layer {i + 1}: {exc}"
        return None

    def record(self) -> None:
        for path, values in zip(self.paths, self.values, strict=True):
            for name, value in values.items():
                path[name].append(value)

    def learned(self) -> tuple[dict[str, tuple[float, ...]], ...]:
        return tuple({name: tuple(values) for name, values in path.items()} for path in self.paths)


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
    learn: bool = False,
    on_epoch: Callable[[int, float], None] | None = None,
) -> TrainedNetwork:
    """Train an MLP with mini-batch SGD and (heavy-ball) momentum on ``data``.

    ``data`` is ``(x_train, y_train, x_test, y_test)``. One generator seeded
    with ``seed`` draws the Glorot-normal weights and then a fresh shuffle of
    the training set per epoch; the last incomplete batch is kept. The update
    is ``v = momentum * v - learning_rate * grad; w += v``. Training stops
    early if the weights stop being finite (see `TrainedNetwork`).

    With ``learn=True`` each hidden layer gets its own copy of the
    activation, whose learnable parameters (``activation.learnable``) take
    the same update, with their gradients from ``parameter_backward``. The
    draws of the generator are the same either way.

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
    >>> net = train_sgd(activations.get("prelu"), (x, y, x, y), hidden=(8, 8), epochs=5,
    ...                 batch_size=8, learning_rate=0.1, momentum=0.9, seed=0, learn=True)
    >>> [len(path["weight"]) for path in net.learned], net.learned[0]["weight"][0]
    ([6, 6], 0.25)
    """
    x_train, y_train, x_test, y_test = data
    n_classes = int(max(y_train.max(), y_test.max())) + 1
    rng = np.random.default_rng(seed)
    layers = glorot_normal((x_train.shape[1], *hidden, n_classes), rng)
    velocity = [Layer(np.zeros_like(layer.weight), np.zeros_like(layer.bias)) for layer in layers]
    parameters = _Parameters(per_layer(activation, len(hidden)), learn)
    accuracy: list[float] = []

    def stop(epoch: int, why: str) -> TrainedNetwork:
        nan = [math.nan] * (epochs - epoch + 1)
        if on_epoch is not None:
            on_epoch(epochs, math.nan)
        learned = parameters.learned() if learn else ()
        acts = tuple(parameters.acts)
        return TrainedNetwork(layers, (*accuracy, *nan), epoch, acts, learned, why)

    for epoch in range(1, epochs + 1):
        order = rng.permutation(len(y_train))
        with np.errstate(**QUIET):
            for start in range(0, len(order), batch_size):
                batch = order[start : start + batch_size]
                acts = parameters.acts
                _, grads, parameter_grads = backpropagate(
                    layers, acts, x_train[batch], y_train[batch], learn=learn
                )
                for layer, v, g in zip(layers, velocity, grads, strict=True):
                    v.weight *= momentum
                    v.weight -= learning_rate * g.weight
                    v.bias *= momentum
                    v.bias -= learning_rate * g.bias
                    layer.weight += v.weight
                    layer.bias += v.bias
                if learn:
                    refused = parameters.step(parameter_grads, learning_rate, momentum)
                    if refused is not None:
                        return stop(epoch, refused)
            if not all(np.isfinite(layer.weight).all() and np.isfinite(layer.bias).all() for layer in layers):
                return stop(epoch, "some weight is no longer finite")
            parameters.record()
            accuracy.append(evaluate(layers, parameters.acts, x_test, y_test))
        if on_epoch is not None:
            on_epoch(epoch, accuracy[-1])
    learned = parameters.learned() if learn else ()
    return TrainedNetwork(layers, tuple(accuracy), None, tuple(parameters.acts), learned)
