"""The exponential activation exp(x), which overflows where its true value does.

exp(x) exceeds the largest float above about 88.72 (float32) and 709.78
(float64): there the result is +inf, which is the correctly rounded value,
and it is returned without a warning (a narrow ``np.errstate`` around that
one operation, the exception DESIGN.md allows). Everywhere else the result is
NumPy's ``exp``, subnormals included.

The backward pass multiplies by exp(x) (or by ``output``, which is exp(x))
and checks the floating-point flags: only where exp(x) overflowed, or
grad_output is 0 where exp(x) is inf, does it take a slower path that keeps
every finite product finite.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

import activations
from activations import BaseActivation, Properties

Array = NDArray[Any]


class Exponential(BaseActivation):
    r"""Exponential: exp(x).

    .. math:: f(x) = e^{x}, \qquad f'(x) = e^{x}

    No parameters; Keras's ``exponential`` (PyTorch and JAX have no activation
    of this name). Smooth, monotonic, positive (so not zero-centred: f(0) =
    1), saturating on the left. Where :math:`e^x` overflows the dtype the
    result is +inf without a warning. The backward pass reuses ``output`` when
    given (it is exp(x) itself) and, where exp(x) overflows, computes
    ``(grad_output * exp(x/2)) * exp(x/2)``, so a small gradient times a huge
    exponential stays finite when the product is (and a zero gradient gives 0,
    never ``0 * inf``). Only calls where that happens pay for it: the common
    case is one exponential and one product.

    Examples
    --------
    >>> import numpy as np
    >>> import activations
    >>> exp = activations.get("exponential")
    >>> exp([0.0, 1.0, 800.0])
    array([1.        , 2.71828183,        inf])
    >>> print(f"{exp.backward(np.array([800.0]), np.array([1e-300]))[0]:.6g}")
    2.72637e+47
    """

    name = "exponential"
    formula = "f(x) = exp(x); f'(x) = exp(x)"
    properties = Properties(
        output_range=(0.0, math.inf),
        monotonic=True,
        zero_centered=False,
        sparse=False,
        smoothness=math.inf,
        saturating="lower",
    )

    def forward(self, x: Array, /, *, out: Array | None = None) -> Array:
        with np.errstate(over="ignore"):  # exp(x) really overflows to +inf there
            return np.exp(x, out=out)

    def derivative(self, x: Array, /, *, out: Array | None = None) -> Array:
        return self.forward(x, out=out)

    def backward(
        self,
        x: Array,
        grad_output: Array,
        /,
        *,
        output: Array | None = None,
        out: Array | None = None,
    ) -> Array:
        """``grad_output * exp(x)``, finite wherever the product is; ``output`` (= exp(x)) is reused."""
        if type(x) is not np.ndarray:  # a GPU array raises no floating-point error: always careful
            return self._careful_backward(x, grad_output, output, out)
        try:
            # The fast path: any overflow (of exp(x) or of the product) or 0 * inf raises, and
            # sends the call to the careful path below. An infinite ``output`` raises nothing,
            # hence the explicit check.
            with np.errstate(over="raise", invalid="raise"):
                if output is None:
                    slope = np.exp(x, out=out)
                    return np.multiply(slope, grad_output, out=slope)
                if not np.isinf(output).any():
                    return np.multiply(output, grad_output, out=out)
        except FloatingPointError:
            pass
        return self._careful_backward(x, grad_output, output, out)

    def _careful_backward(
        self, x: Array, grad_output: Array, output: Array | None, out: Array | None
    ) -> Array:
        """``grad_output * exp(x)`` where exp(x) may overflow: finite wherever the product is."""
        nonzero = grad_output != 0  # NaN != 0: NaN propagates; 0 stays 0 even where exp(x) is inf
        if out is None:
            result = grad_output.copy()
        else:
            result = out
            np.copyto(result, grad_output)
        with np.errstate(over="ignore"):  # exp(x), and the products, really overflow there
            slope = self.forward(x) if output is None else output
            with np.errstate(invalid="ignore"):  # 0 * inf where g is 0: not kept (where=nonzero)
                product = np.multiply(result, slope)
            np.copyto(result, product, where=nonzero)
            redo = np.isinf(slope)
            redo &= nonzero
            if redo.any():  # exp(x) overflowed, the product may not: (g exp(x/2)) exp(x/2)
                half = np.exp(np.multiply(x[redo], x.dtype.type(0.5)))
                result[redo] = grad_output[redo] * half * half
        return result


@activations.hookimpl
def register_activations(register: Callable[..., None]) -> None:
    """Register the exponential under Keras's name."""
    register(Exponential, name="exponential")
