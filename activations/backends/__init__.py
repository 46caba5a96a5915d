"""Array types beyond NumPy that the bound activation hands their inputs to: dask and CuPy.

The bound activation takes the NumPy fast path first; off it, `find` asks
each backend of `BACKENDS`, in order, whether it owns one of the inputs. A
backend recognises its arrays without importing their library (by the type's
module and a protocol attribute), so that ``import activations`` imports
none of them, and a NumPy call pays a few attribute reads for the question.
A backend that owns an input computes the activation on it with the bound
activation's own policy: a dask array is mapped block by block, lazily
(`activations.backends.dask`); a CuPy array goes to the plugin as it is and
is computed on its device (`activations.backends.cupy`).

Examples
--------
>>> import dask.array as da
>>> import activations
>>> from activations import backends
>>> x = da.from_array([-1.0, 2.0, -3.0, 4.0], chunks=2)
>>> backends.find(x).name, backends.find([1.0]) is None
('dask', True)
>>> lazy = activations.get("relu")(x)
>>> type(lazy).__module__, lazy.compute()
('dask.array.core', array([0., 2., 0., 4.]))
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from . import cupy, dask

if TYPE_CHECKING:
    from .. import BoundActivation

__all__ = ["BACKENDS", "Backend", "find"]


class Backend(Protocol):
    """What the bound activation asks of a backend."""

    name: str

    def owns(self, value: Any) -> bool:
        """Whether ``value`` is an array of this backend (without importing its library)."""
        ...

    def elementwise(self, act: BoundActivation, forward: bool, x: Any, out: Any) -> Any:
        """``act.forward(x)`` (``forward``) or ``act.derivative(x)``, computed by this backend."""
        ...

    def backward(self, act: BoundActivation, x: Any, grad_output: Any, output: Any, out: Any) -> Any:
        """``act.backward(x, grad_output, output=output)``, computed by this backend."""
        ...

    def parameter_backward(
        self, act: BoundActivation, x: Any, grad_output: Any, output: Any
    ) -> dict[str, Any]:
        """``act.parameter_backward(x, grad_output, output=output)``, computed by this backend."""
        ...


#: The backends, in the order they are asked.
BACKENDS: tuple[Backend, ...] = (dask.BACKEND, cupy.BACKEND)


def find(*values: Any) -> Backend | None:
    """The first backend of `BACKENDS` that owns one of ``values``, or None (NumPy).

    Examples
    --------
    >>> import numpy as np
    >>> from activations import backends
    >>> backends.find(np.ones(3), 2.0, None) is None
    True
    """
    for value in values:
        if type(value) in _NUMPY_OWN:
            continue
        for backend in BACKENDS:
            if backend.owns(value):
                return backend
    return None


#: Types no backend owns, answered at once: the slow path mostly sees these.
_NUMPY_OWN = frozenset(
    {np.ndarray, float, int, bool, list, tuple, type(None), np.float16, np.float32, np.float64}
)
