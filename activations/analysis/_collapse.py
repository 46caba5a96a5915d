"""Lost input information, measured: where distinct inputs give the same output, and what a probe loses.

Two measures of how much an activation throws away:

* the *collapsed mass*: the probability, for x ~ N(0, 1), that x falls where f
  is constant, so that distinct inputs there give one output (ReLU: 1/2,
  everything below 0; Leaky ReLU and tanh: 0). It is computed on a grid of
  the normal distribution's quantiles, with the declared kinks added to it
  (see `collapsed_mass`), so the flat pieces of a piecewise function are
  measured exactly;
* the *probe loss*: a linear probe (least squares on one-hot labels) learns
  the digits from the 64 units of a random layer, once reading the
  pre-activations z = x W and once the activations f(z); the probe loss is
  the fraction of its test accuracy lost to f, averaged over several random
  layers. The pre-activations are a linear, invertible map of the pixels, so
  they hold everything a linear probe could use.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ._digits import split_digits
from ._network import BLOCK, glorot_normal
from ._settings import check_int, resolve

__all__ = ["PROBE_RIDGE", "CollapsedInput", "collapsed_input", "collapsed_mass", "probe_accuracy"]

#: The ridge penalty of the probe, per training example (keeps the least-squares problem well posed).
PROBE_RIDGE = 1e-3


def collapsed_mass(activation: Any, *, cells: int = 1 << 16) -> float:
    """The probability, for x ~ N(0, 1), that x lies where f is constant.

    The quantiles u in [0, 1] are cut into ``cells`` equal cells, with the
    quantiles of the declared kinks added as cell edges; a cell counts as
    flat when f is the same at both its edges and at its middle quantile
    (x = -inf and inf at the ends, where f has its limits). The mass is the
    sum of the flat cells' widths in u: exact for a function that is
    constant on whole pieces between its kinks (ReLU: 1/2); a flat piece
    that ends elsewhere is missed by at most one cell, 1 / ``cells``.

    Parameters
    ----------
    activation : spec
        Anything :func:`activations.get` accepts.
    cells : int
        How many equal cells the quantiles are cut into.

    Returns
    -------
    float

    Examples
    --------
    >>> from activations.analysis import collapsed_mass
    >>> collapsed_mass("relu"), collapsed_mass("leaky_relu"), collapsed_mass("tanh")
    (0.5, 0.0, 0.0)
    >>> round(collapsed_mass("hardshrink"), 6)  # flat on [-1/2, 1/2]: erf(1 / (2 sqrt 2))
    0.382925
    """
    from scipy.special import ndtr, ndtri

    check_int("cells", cells, 1)
    act = resolve(activation)
    kinks = np.asarray(act.properties.kinks, dtype=np.float64)
    grid = np.linspace(0.0, 1.0, cells + 1)
    # the kinks first, so that where a kink's quantile is also a grid point, the kink itself is kept
    u = np.concatenate([ndtr(kinks), grid])
    x = np.concatenate([kinks, ndtri(grid)])  # -inf and inf at the ends
    u, first = np.unique(u, return_index=True)
    x = x[first]
    middle = ndtri((u[:-1] + u[1:]) / 2.0)
    with np.errstate(over="ignore", invalid="ignore"):  # a plugin's limit at +-inf is its business
        y = act.forward(x)
        y_middle = act.forward(middle)
    flat = (y[:-1] == y[1:]) & (y_middle == y[:-1])
    return float(np.sum(np.diff(u)[flat]))


def probe_accuracy(
    train: tuple[NDArray[Any], NDArray[Any]], test: tuple[NDArray[Any], NDArray[Any]]
) -> float:
    """The test accuracy of a linear probe: least squares from features (and a bias) to one-hot labels.

    The weights minimise ``|F W - Y|^2 + n * PROBE_RIDGE * |W|^2`` on the
    ``n`` training rows; a test row gets the label of its largest output.

    Examples
    --------
    >>> import numpy as np
    >>> from activations.analysis._collapse import probe_accuracy
    >>> x = np.array([[0.0], [1.0], [2.0], [3.0]]); y = np.array([0, 0, 1, 1])
    >>> probe_accuracy((x, y), (x, y))
    1.0
    """
    features, labels = train
    test_features, test_labels = test
    n_classes = int(max(labels.max(), test_labels.max())) + 1
    a = np.hstack([features, np.ones((len(features), 1))])
    b = np.hstack([test_features, np.ones((len(test_features), 1))])
    targets = np.eye(n_classes)[labels]
    gram = len(a) * PROBE_RIDGE * np.eye(a.shape[1])
    moments = np.zeros((a.shape[1], n_classes))
    for start in range(0, len(a), BLOCK):  # small products: see BLOCK
        rows = a[start : start + BLOCK]
        gram += rows.T @ rows
        moments += rows.T @ targets[start : start + BLOCK]
    weights = np.linalg.solve(gram, moments)
    return float(np.mean(np.argmax(_product(b, weights), axis=1) == test_labels))


def _product(x: NDArray[Any], w: NDArray[Any]) -> NDArray[Any]:
    """``x @ w``, `BLOCK` rows at a time (small products: see BLOCK)."""
    return np.concatenate([x[start : start + BLOCK] @ w for start in range(0, len(x), BLOCK)])


@dataclass(frozen=True, kw_only=True)
class CollapsedInput:
    """How much input information an activation throws away (see `collapsed_input`).

    Attributes
    ----------
    mass : float
        `collapsed_mass`: P(x in a region where f is constant), x ~ N(0, 1).
    probe_pre_accuracy : float
        Mean test accuracy of the linear probe on the random layers' pre-activations.
    probe_accuracy : float
        Mean test accuracy of the probe on their activations.
    layers : int
        How many random layers the probe read.

    Examples
    --------
    >>> from activations.analysis import collapsed_input
    >>> c = collapsed_input("identity", layers=1)
    >>> c.mass, c.probe_loss
    (0.0, 0.0)
    """

    mass: float
    probe_pre_accuracy: float
    probe_accuracy: float
    layers: int

    @property
    def probe_loss(self) -> float:
        """The fraction of the probe's accuracy lost to f: 1 - probe_accuracy / probe_pre_accuracy."""
        return 1.0 - self.probe_accuracy / self.probe_pre_accuracy

    def to_dict(self) -> dict[str, Any]:
        """Return the measurement as JSON-ready data.

        Examples
        --------
        >>> from activations.analysis import collapsed_input
        >>> sorted(collapsed_input("relu", layers=1).to_dict())
        ['layers', 'mass', 'probe_accuracy', 'probe_loss', 'probe_pre_accuracy']
        """
        loss = self.probe_loss
        return {
            "mass": self.mass,
            "probe_pre_accuracy": self.probe_pre_accuracy,
            "probe_accuracy": self.probe_accuracy,
            "probe_loss": loss if math.isfinite(loss) else None,
            "layers": self.layers,
        }


def collapsed_input(activation: Any, *, layers: int = 5, width: int = 64, seed: int = 0) -> CollapsedInput:
    """Measure the input information an activation throws away: collapsed mass and probe loss.

    ``layers`` random layers of ``width`` units, with Glorot-normal weights
    drawn from ``numpy.random.default_rng(seed)`` (the same for every
    activation) and no bias, map the 64 pixels of the digits (in [0, 1]) to
    pre-activations z; a linear probe (`probe_accuracy`) learns the labels
    of the 1,437 training digits once from z and once from f(z), and is
    tested on the 360 others.

    Parameters
    ----------
    activation : spec
        Anything :func:`activations.get` accepts.
    layers : int
        Random layers to average the probe's accuracy over.
    width : int
        Units per random layer (64: as many as pixels, so z loses nothing).
    seed : int
        Seed of the random layers.

    Returns
    -------
    CollapsedInput

    Examples
    --------
    >>> from activations.analysis import collapsed_input
    >>> c = collapsed_input("relu")
    >>> c.mass, round(c.probe_pre_accuracy, 3), round(c.probe_loss, 3)
    (0.5, 0.944, 0.012)
    """
    for name, value in (("layers", layers), ("width", width)):
        check_int(name, value, 1)
    check_int("seed", seed, 0)
    act = resolve(activation)
    x_train, y_train, x_test, y_test = split_digits()
    rng = np.random.default_rng(seed)
    pre, post = [], []
    for _ in range(layers):
        weight = glorot_normal((x_train.shape[1], width), rng)[0].weight
        z_train, z_test = _product(x_train, weight), _product(x_test, weight)
        pre.append(probe_accuracy((z_train, y_train), (z_test, y_test)))
        with np.errstate(over="ignore", invalid="ignore"):
            features = (act.forward(z_train), act.forward(z_test))
        if not (np.isfinite(features[0]).all() and np.isfinite(features[1]).all()):
            post.append(math.nan)
            continue
        post.append(probe_accuracy((features[0], y_train), (features[1], y_test)))
    return CollapsedInput(
        mass=collapsed_mass(act),
        probe_pre_accuracy=float(np.mean(pre)),
        probe_accuracy=float(np.mean(post)),
        layers=layers,
    )
