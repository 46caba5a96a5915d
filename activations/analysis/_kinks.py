"""Kinks in training, measured: how often a pre-activation lands exactly on one, and whether that matters.

At a kink the derivative is a convention (ReLU'(0) = 0, as PyTorch has it).
`kink_hits` trains on the digits, as `train` does, through a wrapper that
counts the pre-activations that reach ``backward`` exactly at a declared
kink; then it trains again, same seed, through a wrapper that takes the
*other* one-sided derivative exactly at the kinks (ReLU'(0) = 1). Both
wrappers are plugins built on the `Activation` contract: they delegate to
the activation and read its declared ``kinks``, never its name. The first
run is bit-identical to ``train(activation)``, so a caller that needs both
(`fact_check`) trains once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import BaseActivation
from ._settings import Settings, resolve
from ._training import TrainingResult, train_with

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from .. import BoundActivation, Properties, Registry

__all__ = ["KinkCounter", "KinkHits", "OtherSideAtKinks", "kink_hits", "other_side"]


def other_side(activation: Any) -> tuple[float, ...]:
    """The one-sided derivative at each declared kink that the activation's convention did not take.

    At a kink k, with ``c = derivative(k)`` and the one-sided derivatives
    read at the neighbouring floats, ``left = derivative(nextafter(k, -inf))``
    and ``right = derivative(nextafter(k, inf))``: the left one if ``c`` is
    the right one, else the right one. Exact for piecewise-linear pieces.

    Examples
    --------
    >>> from activations.analysis._kinks import other_side
    >>> other_side("relu"), other_side("hardtanh"), other_side("leaky_relu"), other_side("tanh")
    ((1.0,), (1.0, 1.0), (1.0,), ())
    """
    act = resolve(activation)
    kinks = np.asarray(act.properties.kinks, dtype=np.float64)
    if not kinks.size:
        return ()
    at = act.derivative(kinks)
    left = act.derivative(np.nextafter(kinks, -np.inf))
    right = act.derivative(np.nextafter(kinks, np.inf))
    return tuple(float(v) for v in np.where(at == right, left, right))


class _Wrapper(BaseActivation):
    """Delegates forward, derivative and backward to an activation; declares its properties."""

    name = "wrapper"

    def __init__(self, activation: BoundActivation) -> None:
        self.activation: Any = activation

    @property
    def properties(self) -> Properties:
        """The wrapped activation's properties."""
        properties: Properties = self.activation.properties
        return properties

    @property
    def config(self) -> dict[str, Any]:
        """``{"name": ..., "activation": <the wrapped spec>}``."""
        return {"name": self.name, "activation": repr(self.activation)}

    def forward(self, x: NDArray[Any], /, *, out: NDArray[Any] | None = None) -> NDArray[Any]:
        """f(x), by the wrapped activation."""
        result: NDArray[Any] = self.activation.forward(x, out=out)
        return result

    def derivative(self, x: NDArray[Any], /, *, out: NDArray[Any] | None = None) -> NDArray[Any]:
        """f'(x), by the wrapped activation."""
        result: NDArray[Any] = self.activation.derivative(x, out=out)
        return result

    def backward(
        self,
        x: NDArray[Any],
        grad_output: NDArray[Any],
        /,
        *,
        output: NDArray[Any] | None = None,
        out: NDArray[Any] | None = None,
    ) -> NDArray[Any]:
        """``grad_output * f'(x)``, by the wrapped activation."""
        result: NDArray[Any] = self.activation.backward(x, grad_output, output=output, out=out)
        return result


class KinkCounter(_Wrapper):
    """The activation itself, counting the values that reach ``backward`` exactly at a declared kink.

    In training, ``backward`` sees every pre-activation of every hidden layer
    once per step: ``hits`` of ``seen`` landed on a kink.

    Examples
    --------
    >>> import numpy as np
    >>> import activations
    >>> from activations.analysis._kinks import KinkCounter
    >>> counter = KinkCounter(activations.get("relu"))
    >>> counter.backward(np.array([-1.0, 0.0, 0.0, 2.0]), np.ones(4))
    array([0., 0., 0., 1.])
    >>> counter.hits, counter.seen
    (2, 4)
    """

    name = "kink_counter"

    def __init__(self, activation: BoundActivation) -> None:
        super().__init__(activation)
        self.kinks = activation.properties.kinks
        self.hits = 0
        self.seen = 0

    def backward(
        self,
        x: NDArray[Any],
        grad_output: NDArray[Any],
        /,
        *,
        output: NDArray[Any] | None = None,
        out: NDArray[Any] | None = None,
    ) -> NDArray[Any]:
        """``grad_output * f'(x)``, by the wrapped activation, after counting the kinks hit."""
        self.seen += x.size
        self.hits += sum(int(np.count_nonzero(x == k)) for k in self.kinks)
        result: NDArray[Any] = self.activation.backward(x, grad_output, output=output, out=out)
        return result


class OtherSideAtKinks(_Wrapper):
    """The activation with the other one-sided derivative exactly at its declared kinks (see `other_side`).

    Everywhere else it computes exactly what the activation computes.

    Examples
    --------
    >>> import numpy as np
    >>> import activations
    >>> from activations.analysis._kinks import OtherSideAtKinks
    >>> flipped = activations.get(OtherSideAtKinks(activations.get("relu")))
    >>> flipped.derivative([-1.0, 0.0, 2.0]), flipped.backward([0.0, 0.0], [3.0, -2.0])
    (array([0., 1., 1.]), array([ 3., -2.]))
    >>> flipped
    other_side_at_kinks(activation='relu')
    """

    name = "other_side_at_kinks"

    def __init__(self, activation: BoundActivation) -> None:
        super().__init__(activation)
        self.at_kinks = tuple(zip(activation.properties.kinks, other_side(activation), strict=True))

    def derivative(self, x: NDArray[Any], /, *, out: NDArray[Any] | None = None) -> NDArray[Any]:
        """f'(x), with the other one-sided derivative at the kinks."""
        result: NDArray[Any] = self.activation.derivative(x, out=out)
        for kink, value in self.at_kinks:
            result[x == kink] = value
        return result

    def backward(
        self,
        x: NDArray[Any],
        grad_output: NDArray[Any],
        /,
        *,
        output: NDArray[Any] | None = None,
        out: NDArray[Any] | None = None,
    ) -> NDArray[Any]:
        """``grad_output * f'(x)``, with the other one-sided derivative at the kinks."""
        result: NDArray[Any] = self.activation.backward(x, grad_output, output=output, out=out)
        for kink, value in self.at_kinks:
            hit = x == kink
            result[hit] = grad_output[hit] * value
        return result


@dataclass(frozen=True, kw_only=True)
class KinkHits:
    """How often training lands exactly on a kink, and what the convention there changes (see `kink_hits`).

    Attributes
    ----------
    kinks : tuple of float
        The declared kinks (none: nothing to hit).
    other_side : tuple of float
        The one-sided derivative the second run takes at each kink.
    hits : int
        Pre-activations exactly at a kink, over the whole training run.
    seen : int
        Pre-activations over the whole training run (hidden units x rows x steps).
    training : TrainingResult
        The run with the activation's own convention: that of ``train(activation)``.
    other_side_training : TrainingResult or None
        The same run (same seed) with the other one-sided derivative at the
        kinks; None when there is no kink.

    Examples
    --------
    >>> from activations.analysis import kink_hits
    >>> hits = kink_hits("relu", epochs=1)
    >>> hits.hits, hits.seen, hits.fraction
    (0, 275904, 0.0)
    """

    kinks: tuple[float, ...]
    other_side: tuple[float, ...]
    hits: int
    seen: int
    training: TrainingResult
    other_side_training: TrainingResult | None

    @property
    def fraction(self) -> float:
        """``hits / seen``: the fraction of pre-activations that landed on a kink."""
        return self.hits / self.seen if self.seen else 0.0

    @property
    def changed(self) -> bool:
        """Whether the other side's run differs at all from the activation's own (any epoch's accuracy)."""
        other = self.other_side_training
        if other is None:
            return False
        return not all(
            a == b or (math.isnan(a) and math.isnan(b))
            for a, b in zip(self.training.accuracy, other.accuracy, strict=True)
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the measurement as JSON-ready data (NaN becomes None).

        Examples
        --------
        >>> from activations.analysis import kink_hits
        >>> kink_hits("relu", epochs=1).to_dict()["other_side"]
        [1.0]
        """

        def run(result: TrainingResult | None) -> dict[str, Any] | None:
            if result is None:
                return None
            final = result.final_accuracy
            return {
                "final_accuracy": final if math.isfinite(final) else None,
                "epochs_to_target": result.epochs_to_target,
                "diverged_at": result.diverged_at,
            }

        return {
            "kinks": list(self.kinks),
            "other_side": list(self.other_side),
            "hits": self.hits,
            "seen": self.seen,
            "fraction": self.fraction,
            "training": run(self.training),
            "other_side_training": run(self.other_side_training),
            "changed": self.changed,
        }


def kink_hits(
    activation: Any, *, settings: Settings | None = None, registry: Registry | None = None, **changes: Any
) -> KinkHits:
    """Train on the digits counting the pre-activations exactly at a kink; train again with the other side.

    Both runs are `train` with ``settings`` and the same seed, so they start
    from the same weights and see the same batches: any difference comes
    from the derivative taken at the kinks, and there is none unless a kink
    was hit.

    Parameters
    ----------
    activation : spec
        Anything :func:`activations.get` accepts.
    settings : Settings, optional
        The training settings (the defaults of `Settings` if None).
    registry : Registry, optional
        Where to look the name up (the default registry if None).
    **changes
        Fields of `Settings` to override, e.g. ``epochs=5``.

    Returns
    -------
    KinkHits

    Examples
    --------
    >>> from activations.analysis import kink_hits
    >>> hits = kink_hits("relu", epochs=2)
    >>> hits.other_side, hits.fraction, hits.changed
    ((1.0,), 0.0, False)
    >>> kink_hits("tanh", epochs=1).other_side_training is None
    True
    """
    s = replace(settings or Settings(), **changes)
    act = resolve(activation, registry)
    counter = KinkCounter(act)
    run = train_with(counter, s)
    other = train_with(OtherSideAtKinks(act), s) if act.properties.kinks else None
    return KinkHits(
        kinks=act.properties.kinks,
        other_side=other_side(act),
        hits=counter.hits,
        seen=counter.seen,
        training=run,
        other_side_training=other,
    )
