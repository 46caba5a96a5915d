"""Hard (piecewise-linear) activations: hardtanh, hard sigmoid and swish, sparse sigmoid and plus.

They are built from clips, so nothing overflows and NaN propagates. Each
value takes one to three roundings: x + 3 (or x + 2.5, x + 1) is exact near
the lower kink, where the result is small, and dividing by 6 (or 5) rounds
once where multiplying by fl(1/6) would round twice. Kink convention
(PyTorch's): the derivative at a kink is that of the outer piece, so
hardtanh'(min_val) = hardtanh'(max_val) = 0, hard_sigmoid'(+-3) = 0,
hard_swish'(-3) = 0 and hard_swish'(3) = 1, and (no PyTorch counterpart)
sparse_sigmoid'(+-1) = 0.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

import activations
from activations import BaseActivation, Properties
from activations.numerics import clip, window

from . import compiled

Array = NDArray[Any]


class Hardtanh(BaseActivation):
    r"""Hard tanh: x clipped to [min_val, max_val].

    .. math:: f(x) = \min(\max(x, m), M), \qquad f'(x) = [m < x < M]

    ``min_val`` (m) and ``max_val`` (M) default to -1 and 1, as in PyTorch
    (JAX and Keras fix them at -1 and 1). The derivative at both kinks is 0,
    PyTorch's convention; JAX gives 1 there.

    Examples
    --------
    >>> import activations
    >>> h = activations.get("hardtanh")
    >>> h([-3.0, 0.5, 2.0])
    array([-1. ,  0.5,  1. ])
    >>> h.derivative([-1.0, 0.5, 1.0])
    array([0., 1., 0.])
    """

    name = "hardtanh"
    formula = "f(x) = min(max(x, min_val), max_val); f'(x) = 1 on (min_val, max_val), else 0"

    def __init__(self, *, min_val: float = -1.0, max_val: float = 1.0) -> None:
        if not (math.isfinite(min_val) and math.isfinite(max_val)):
            raise ValueError(
                f"min_val and max_val must be finite, got min_val={min_val!r}, max_val={max_val!r}"
            )
        if not min_val < max_val:
            raise ValueError(
                f"min_val must be less than max_val, got min_val={min_val!r}, max_val={max_val!r}"
            )
        self.min_val = min_val
        self.max_val = max_val

    @property
    def properties(self) -> Properties:  # depends on the bounds
        low, high = self.min_val, self.max_val
        straddles = low < 0 < high
        return Properties(
            output_range=(low, high),
            monotonic=True,
            zero_centered=straddles,
            sparse=low == 0 or high == 0,
            smoothness=0,
            kinks=(low, high),
            saturating="both",
            identity_near_origin=straddles,
        )

    @property
    def implementation(self) -> dict[str, dict[str, str]]:
        """Which path computes each method for NumPy arrays (`activations.plugins.compiled`)."""
        return compiled.implementation("hardtanh", self.min_val, self.max_val)

    def forward(self, x: Array, /, *, out: Array | None = None) -> Array:
        if kernel := compiled.kernel("hardtanh_forward", x, self.min_val, self.max_val):
            return kernel(x, x.dtype.type(self.min_val), x.dtype.type(self.max_val), out=out)
        kind = x.dtype.type
        return clip(x, kind(self.min_val), kind(self.max_val), out=out)

    def derivative(self, x: Array, /, *, out: Array | None = None) -> Array:
        if kernel := compiled.kernel("hardtanh_derivative", x, self.min_val, self.max_val):
            return kernel(x, x.dtype.type(self.min_val), x.dtype.type(self.max_val), out=out)
        return window(x, self.min_val, self.max_val, 1, out)

    def backward(
        self, x: Array, grad_output: Array, /, *, output: Array | None = None, out: Array | None = None
    ) -> Array:
        if kernel := compiled.kernel("hardtanh_backward", x, self.min_val, self.max_val):
            return kernel(x, grad_output, x.dtype.type(self.min_val), x.dtype.type(self.max_val), out=out)
        return super().backward(x, grad_output, output=output, out=out)


_HARD_SIGMOID_KINDS = {"relu6": 3.0, "keras2": 2.5}  # kind -> half-width of the linear part


class HardSigmoid(BaseActivation):
    r"""Hard sigmoid: a clipped straight line through (0, 1/2).

    .. math:: f(x) = \frac{\min(\max(x + w, 0), 2w)}{2w}, \qquad
              f'(x) = \frac{[-w < x < w]}{2w}

    with w = 3 for ``kind="relu6"`` (the default): relu6(x + 3) / 6, as in
    PyTorch, JAX and Keras 3; and w = 2.5 for ``kind="keras2"``: clip(0.2 x +
    0.5, 0, 1), the hard sigmoid of Keras 2, TensorFlow's Keras and thinc.
    The derivative at both kinks is 0 (PyTorch's and JAX's convention).

    Examples
    --------
    >>> import activations
    >>> h = activations.get("hard_sigmoid")
    >>> h([-4.0, 0.0, 1.5, 4.0])
    array([0.  , 0.5 , 0.75, 1.  ])
    >>> h.derivative([-3.0, 0.0, 3.0])
    array([0.        , 0.16666667, 0.        ])
    >>> activations.get("hard_sigmoid", kind="keras2")([-2.5, 1.0])
    array([0. , 0.7])
    """

    name = "hard_sigmoid"
    formula = "f(x) = relu6(x + 3) / 6 (kind='relu6') or clip(0.2 x + 0.5, 0, 1) (kind='keras2')"

    def __init__(self, *, kind: str = "relu6") -> None:
        if kind not in _HARD_SIGMOID_KINDS:
            raise ValueError(f"kind must be 'relu6' or 'keras2', got {kind!r}")
        self.kind = kind

    @property
    def _half_width(self) -> float:
        return _HARD_SIGMOID_KINDS[self.kind]

    @property
    def properties(self) -> Properties:  # the kinks depend on the kind
        w = self._half_width
        return Properties(
            output_range=(0.0, 1.0),
            monotonic=True,
            zero_centered=False,
            sparse=True,
            smoothness=0,
            kinks=(-w, w),
            saturating="both",
        )

    def forward(self, x: Array, /, *, out: Array | None = None) -> Array:
        kind = x.dtype.type
        w = self._half_width
        result = np.add(x, kind(w), out=out)  # exact near -w (Sterbenz)
        clip(result, kind(0), kind(2 * w), out=result)
        return np.divide(result, kind(2 * w), out=result)

    def derivative(self, x: Array, /, *, out: Array | None = None) -> Array:
        w = self._half_width
        return window(x, -w, w, 1 / (2 * w), out)


class HardSwish(BaseActivation):
    r"""Hard swish: x times the hard sigmoid, x relu6(x + 3) / 6.

    .. math:: f(x) = x\,\frac{\min(\max(x + 3, 0), 6)}{6}, \qquad
              f'(x) = \begin{cases} 0 & x \le -3 \\ (2x + 3)/6 & -3 < x < 3 \\ 1 & x \ge 3 \end{cases}

    The derivative jumps at both kinks; it takes the value of the outer side,
    f'(-3) = 0 and f'(3) = 1, as PyTorch (since 2025) and JAX do. Older
    PyTorch and thinc give the inner limits -1/2 and 3/2. As in PyTorch, f is
    ``-0.0`` for x <= -3.

    Examples
    --------
    >>> import activations
    >>> h = activations.get("hard_swish")
    >>> h([-4.0, -1.5, 1.0, 4.0])
    array([-0.        , -0.375     ,  0.66666667,  4.        ])
    >>> h.derivative([-3.0, -1.5, 0.0, 3.0])
    array([0. , 0. , 0.5, 1. ])
    """

    name = "hard_swish"
    formula = "f(x) = x relu6(x + 3) / 6; f'(x) = (2x + 3) / 6 on (-3, 3), f'(-3) = 0, f'(3) = 1"
    properties = Properties(
        output_range=(-0.375, math.inf),
        monotonic=False,
        zero_centered=True,
        sparse=True,
        smoothness=0,
        kinks=(-3.0, 3.0),
        saturating="lower",
    )

    def forward(self, x: Array, /, *, out: Array | None = None) -> Array:
        kind = x.dtype.type
        gate = np.add(x, kind(3))  # the hard sigmoid, in [0, 1]; exact near -3
        clip(gate, kind(0), kind(6), out=gate)
        np.divide(gate, kind(6), out=gate)
        # max(x, -3) instead of x: the same where the gate is not 0, and -inf * 0 would be NaN.
        # (clip with an infinite bound is vectorised; np.maximum with a scalar is not.)
        result = clip(x, kind(-3), kind(np.inf), out=out)
        return np.multiply(result, gate, out=result)

    def derivative(self, x: Array, /, *, out: Array | None = None) -> Array:
        kind = x.dtype.type
        # (k t + 3) / 6 with t = clip(x, -3, 3): k = 2 inside (-3, 3) gives the middle piece,
        # exact near its root -1.5; k = 1 at and beyond the kinks gives (t + 3) / 6, exactly
        # 0 for t = -3 and 1 for t = 3. NaN stays NaN through t.
        inside = np.greater(x, kind(-3))
        inside &= np.less(x, kind(3))
        slope = inside.astype(x.dtype)
        np.add(slope, kind(1), out=slope)
        result = clip(x, kind(-3), kind(3), out=out)
        np.multiply(result, slope, out=result)
        np.add(result, kind(3), out=result)
        return np.divide(result, kind(6), out=result)


class SparseSigmoid(BaseActivation):
    r"""Sparse sigmoid: the straight line (x + 1) / 2 clipped to [0, 1].

    .. math:: f(x) = \tfrac12 \min(\max(x + 1, 0), 2), \qquad f'(x) = \tfrac12 [-1 < x < 1]

    JAX's and Keras's ``sparse_sigmoid``, the derivative of ``sparse_plus``;
    PyTorch has none. The derivative at both kinks is 0, the value of the
    flat side (JAX's automatic derivative gives 1/4 there, from clip's ties).

    Examples
    --------
    >>> import activations
    >>> s = activations.get("sparse_sigmoid")
    >>> s([-2.0, 0.0, 0.5, 2.0])
    array([0.  , 0.5 , 0.75, 1.  ])
    >>> s.derivative([-1.0, 0.0, 1.0])
    array([0. , 0.5, 0. ])
    """

    name = "sparse_sigmoid"
    formula = "f(x) = clip(x + 1, 0, 2) / 2; f'(x) = 1/2 on (-1, 1), else 0"
    properties = Properties(
        output_range=(0.0, 1.0),
        monotonic=True,
        zero_centered=False,
        sparse=True,
        smoothness=0,
        kinks=(-1.0, 1.0),
        saturating="both",
    )

    def forward(self, x: Array, /, *, out: Array | None = None) -> Array:
        return _sparse_sigmoid(x, out)

    def derivative(self, x: Array, /, *, out: Array | None = None) -> Array:
        return window(x, -1, 1, 0.5, out)


def _sparse_sigmoid(x: Array, out: Array | None) -> Array:
    kind = x.dtype.type
    result = np.add(x, kind(1), out=out)  # exact near -1
    clip(result, kind(0), kind(2), out=result)
    return np.multiply(result, kind(0.5), out=result)  # exact (0.5 times a normal number)


class SparsePlus(BaseActivation):
    r"""Sparse plus: 0, then the parabola (x + 1)^2 / 4, then x; a C^1 softplus.

    .. math:: f(x) = \begin{cases} 0 & x \le -1 \\ (x + 1)^2 / 4 & -1 < x < 1 \\ x & x \ge 1 \end{cases},
              \qquad f'(x) = \tfrac12 \min(\max(x + 1, 0), 2)

    JAX's and Keras's ``sparse_plus``; PyTorch has none. f is continuously
    differentiable (its derivative is ``sparse_sigmoid``), so there is no
    kink and no convention to choose: f'(-1) = 0 and f'(1) = 1.

    Examples
    --------
    >>> import activations
    >>> s = activations.get("sparse_plus")
    >>> s([-2.0, 0.0, 0.5, 3.0])
    array([0.    , 0.25  , 0.5625, 3.    ])
    >>> s.derivative([-1.0, 0.0, 1.0])
    array([0. , 0.5, 1. ])
    """

    name = "sparse_plus"
    formula = "f(x) = 0 for x <= -1, (x + 1)^2 / 4 on (-1, 1), x for x >= 1; f'(x) = sparse_sigmoid(x)"
    properties = Properties(
        output_range=(0.0, math.inf),
        monotonic=True,
        zero_centered=False,
        sparse=True,
        smoothness=1,
        saturating="lower",
    )

    def forward(self, x: Array, /, *, out: Array | None = None) -> Array:
        kind = x.dtype.type
        # ((t + 1) / 2)^2 with t = clip(x, -1, 1): 0 below -1, 1 above, and in between two
        # roundings at most (t + 1 is exact near -1, where the result is small); then x
        # itself from 1 on, where the parabola gives 1 <= x.
        half = clip(x, kind(-1), kind(1), out=out)
        np.add(half, kind(1), out=half)  # exact near -1
        np.multiply(half, kind(0.5), out=half)
        result = np.multiply(half, half, out=half)
        return np.maximum(result, x, out=result)  # x < 1: (x + 1)^2 / 4 >= x; NaN propagates

    def derivative(self, x: Array, /, *, out: Array | None = None) -> Array:
        return _sparse_sigmoid(x, out)


@activations.hookimpl
def register_activations(register: Callable[..., None]) -> None:
    """Register the hard activations under the names PyTorch, JAX and Keras use."""
    register(Hardtanh, name="hardtanh", aliases=("hard_tanh",))
    register(HardSigmoid, name="hard_sigmoid", aliases=("hardsigmoid",))
    register(HardSwish, name="hard_swish", aliases=("hardswish", "hard_silu"))
    register(SparseSigmoid, name="sparse_sigmoid")
    register(SparsePlus, name="sparse_plus")
