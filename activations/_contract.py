"""The plugin side of the contract: `Activation`, `Properties`, `BaseActivation`.

A plugin owns the maths and nothing else. It may assume that it is called
with an ndarray of at least one dimension (any layout) of dtype float32 or float64,
that ``out`` is None or an array of the same dtype and shape that shares no
memory with any input, and that ``grad_output`` and ``output`` have the dtype
and shape of ``x``. Large C-contiguous arrays arrive as consecutive 1-d blocks,
one call each (see ``_bound.py``), which is one reason a plugin must be
element-wise. Everything else (array-likes, integer and float16 input,
dtype and shape checks, aliasing) is the core's job, done once for every
plugin by the bound activation in ``_bound.py``.
"""

from __future__ import annotations

import inspect
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Protocol, runtime_checkable

from ._lazy import public

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

__all__ = ["Activation", "BaseActivation", "Properties", "validate_activation"]

Saturation = Literal["none", "lower", "upper", "both"]
_SATURATION = ("none", "lower", "upper", "both")


@public("activations")
@dataclass(frozen=True, kw_only=True)
class Properties:
    """Declared mathematical properties of an activation, each checkable numerically.

    Parameters
    ----------
    output_range : tuple of float
        ``(inf f, sup f)``, attained or approached; ``math.inf`` for unbounded.
    monotonic : bool
        f is non-decreasing everywhere.
    zero_centered : bool
        f(0) = 0 and f takes both signs.
    sparse : bool
        f is exactly 0 on an interval.
    smoothness : int or float
        The largest k with f in C^k: ``math.inf`` if smooth, 0 if only
        continuous, -1 if f jumps.
    kinks : tuple of float
        The points where f' is undefined (or f jumps), sorted.
    saturating : {"none", "lower", "upper", "both"}
        Where f'(x) tends to 0 as x goes to -inf ("lower") or +inf ("upper").
    identity_near_origin : bool
        f(0) = 0 and f'(0) = 1.

    Examples
    --------
    >>> import math
    >>> from activations import Properties
    >>> p = Properties(output_range=(0.0, math.inf), monotonic=True, zero_centered=False,
    ...                sparse=True, smoothness=0, kinks=(0.0,), saturating="lower")
    >>> p.kinks
    (0.0,)
    """

    output_range: tuple[float, float]
    monotonic: bool
    zero_centered: bool
    sparse: bool
    smoothness: float
    kinks: tuple[float, ...] = ()
    saturating: Saturation = "none"
    identity_near_origin: bool = False

    def __post_init__(self) -> None:
        lo, hi = self.output_range
        if not (isinstance(lo, (int, float)) and isinstance(hi, (int, float)) and lo <= hi):
            raise ValueError(f"output_range must be (low, high) with low <= high, got {self.output_range!r}")
        object.__setattr__(self, "output_range", (float(lo), float(hi)))
        for field in ("monotonic", "zero_centered", "sparse", "identity_near_origin"):
            if not isinstance(getattr(self, field), bool):
                raise ValueError(f"{field} must be a bool, got {getattr(self, field)!r}")
        k = self.smoothness
        if not (k == math.inf or (isinstance(k, int) and not isinstance(k, bool) and k >= -1)):
            raise ValueError(f"smoothness must be an int >= -1 or math.inf, got {k!r}")
        kinks = tuple(float(p) for p in self.kinks)
        if list(kinks) != sorted(set(kinks)):
            raise ValueError(f"kinks must be distinct and sorted, got {self.kinks!r}")
        object.__setattr__(self, "kinks", kinks)
        if self.saturating not in _SATURATION:
            raise ValueError(f"saturating must be one of {_SATURATION}, got {self.saturating!r}")


@public("activations")
@runtime_checkable
class Activation(Protocol):
    """The structural contract every activation plugin meets.

    ``isinstance(obj, Activation)`` checks only that the members exist; the
    registry checks signatures and types at registration
    (:func:`validate_activation`).

    Two members are optional, for activations with learnable parameters:
    ``learnable``, a tuple of the names of the real scalar constructor
    parameters that may be learned (``("negative_slope",)``), and
    ``parameter_backward(x, grad_output, /, *, output=None)``, which returns
    for each of them the sum over all elements of ``grad_output * df/dtheta``
    (a dict of scalars; see `BaseActivation.parameter_backward`). Without
    ``learnable``, nothing is learnable.

    Examples
    --------
    >>> import activations
    >>> isinstance(activations.get("relu"), activations.Activation)
    True
    """

    name: str
    properties: Properties

    @property
    def config(self) -> dict[str, Any]:
        """``{"name": ..., **parameters}``, a spec that rebuilds this activation."""
        ...

    def forward(self, x: NDArray[Any], /, *, out: NDArray[Any] | None = None) -> NDArray[Any]:
        """f(x), element-wise."""
        ...

    def derivative(self, x: NDArray[Any], /, *, out: NDArray[Any] | None = None) -> NDArray[Any]:
        """f'(x), element-wise."""
        ...

    def backward(
        self,
        x: NDArray[Any],
        grad_output: NDArray[Any],
        /,
        *,
        output: NDArray[Any] | None = None,
        out: NDArray[Any] | None = None,
    ) -> NDArray[Any]:
        """The vector-Jacobian product ``grad_output * f'(x)``."""
        ...


@public("activations")
class BaseActivation:
    """Convenience base class for plugins: parameters, ``config`` and ``backward``.

    A subclass sets the class attributes ``name`` and ``properties`` (or
    defines ``properties`` as a property, where they depend on parameters), takes
    its parameters as keyword-only ``__init__`` arguments with defaults, stores
    each under an attribute of the same name, and implements ``forward`` and
    ``derivative``. ``config`` is derived from the ``__init__`` signature;
    ``backward`` defaults to ``grad_output * derivative(x)``. The optional
    class attribute ``formula`` is a one-line plain-text definition shown by
    ``activations info``. An activation with learnable parameters names them
    in the class attribute ``learnable`` and implements
    ``parameter_backward``.

    Examples
    --------
    >>> import math
    >>> import numpy as np
    >>> from activations import BaseActivation, Properties
    >>> class Scaled(BaseActivation):
    ...     '''x times a constant.'''
    ...     name = "scaled"
    ...     formula = "f(x) = scale * x"
    ...     properties = Properties(output_range=(-math.inf, math.inf), monotonic=True,
    ...                             zero_centered=True, sparse=False, smoothness=math.inf)
    ...     def __init__(self, *, scale: float = 2.0) -> None:
    ...         self.scale = scale
    ...     def forward(self, x, /, *, out=None):
    ...         return np.multiply(x, x.dtype.type(self.scale), out=out)
    ...     def derivative(self, x, /, *, out=None):
    ...         return np.full_like(x, self.scale) if out is None else np.copyto(out, self.scale) or out
    >>> Scaled(scale=3.0).config
    {'name': 'scaled', 'scale': 3.0}
    >>> Scaled().backward(np.array([1.0, 2.0]), np.array([1.0, -1.0]))
    array([ 2., -2.])
    """

    name: ClassVar[str]
    formula: ClassVar[str] = ""
    learnable: ClassVar[tuple[str, ...]] = ()
    _parameters: ClassVar[tuple[str, ...]] = ()

    @property
    def properties(self) -> Properties:
        """The declared `Properties`: a class attribute, or a property where they depend on parameters."""
        raise NotImplementedError(f"{type(self).__qualname__}.properties")

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._parameters = tuple(
            p.name
            for p in inspect.signature(cls.__init__).parameters.values()
            if p.kind is inspect.Parameter.KEYWORD_ONLY
        )

    @property
    def config(self) -> dict[str, Any]:
        """``{"name": ..., **parameters}``: a spec that rebuilds this activation."""
        return {"name": self.name, **{p: getattr(self, p) for p in self._parameters}}

    def forward(self, x: NDArray[Any], /, *, out: NDArray[Any] | None = None) -> NDArray[Any]:
        """f(x), element-wise; subclasses implement it."""
        raise NotImplementedError(f"{type(self).__qualname__}.forward")

    def derivative(self, x: NDArray[Any], /, *, out: NDArray[Any] | None = None) -> NDArray[Any]:
        """f'(x), element-wise; subclasses implement it."""
        raise NotImplementedError(f"{type(self).__qualname__}.derivative")

    def backward(
        self,
        x: NDArray[Any],
        grad_output: NDArray[Any],
        /,
        *,
        output: NDArray[Any] | None = None,
        out: NDArray[Any] | None = None,
    ) -> NDArray[Any]:
        """``grad_output * f'(x)``; ``output`` is not needed by the default."""
        import numpy as np

        # One buffer: f' goes into out (or a fresh array) and is multiplied in place; the core
        # guarantees that out shares no memory with grad_output.
        derivative = self.derivative(x, out=out)
        result: np.ndarray[Any, Any] = np.multiply(derivative, grad_output, out=derivative)
        return result

    def parameter_backward(
        self, x: NDArray[Any], grad_output: NDArray[Any], /, *, output: NDArray[Any] | None = None
    ) -> dict[str, Any]:
        """For each learnable parameter theta, the sum over all elements of ``grad_output * df/dtheta``.

        The gradient of a loss with respect to the activation's parameters,
        given ``grad_output``, the gradient with respect to f(x). The default
        is ``{}``, right for an activation with nothing learnable; one that
        declares ``learnable`` implements it, returning one scalar (a float or
        a 0-d array of x's library) per name. ``output`` is ``forward(x)``
        when the caller has it.

        Examples
        --------
        >>> import numpy as np
        >>> import activations
        >>> leaky = activations.get("leaky_relu").plugin
        >>> leaky.learnable
        ('negative_slope',)
        >>> leaky.parameter_backward(np.array([-2.0, 3.0]), np.array([1.0, 1.0]))  # sum of min(x, 0)
        {'negative_slope': np.float64(-2.0)}
        """
        if self.learnable:
            raise NotImplementedError(
                f"{type(self).__qualname__} declares learnable={self.learnable!r} but no parameter_backward"
            )
        return {}

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in self.config.items() if k != "name")
        return f"{type(self).__qualname__}({params})"


def _describe_object(obj: object) -> str:
    kind = type(obj)
    return f"{kind.__module__}.{kind.__qualname__}"


@public("activations")
def validate_activation(obj: object, *, provider: str) -> None:
    """Check that ``obj`` meets the `Activation` contract, or raise.

    Parameters
    ----------
    obj : object
        The candidate activation (an instance, not a factory).
    provider : str
        Who registers it (a plugin or entry-point name), quoted in the error.

    Raises
    ------
    InvalidActivationError
        Naming the provider, the object and the member that is missing or wrong.

    Examples
    --------
    >>> import activations
    >>> from activations import validate_activation
    >>> validate_activation(activations.get("relu").plugin, provider="example")
    >>> try:
    ...     validate_activation(object(), provider="example")
    ... except activations.InvalidActivationError as exc:
    ...     print(exc)
    plugin 'example': builtins.object does not meet the Activation contract: missing attribute 'name'
    """
    from ._errors import InvalidActivationError

    def fail(problem: str) -> None:
        raise InvalidActivationError(
            f"plugin {provider!r}: {_describe_object(obj)} does not meet the Activation contract: {problem}"
        )

    for attr in ("name", "properties", "config", "forward", "derivative", "backward"):
        try:
            getattr(obj, attr)
        except AttributeError:
            fail(f"missing attribute {attr!r}")
        except Exception as exc:  # a property that raises is a broken contract too
            fail(f"reading {attr!r} raised {type(exc).__name__}: {exc}")
    name = obj.name  # type: ignore[attr-defined]
    if not isinstance(name, str):
        fail(f"'name' must be a str, got {type(name).__name__}")
    if not isinstance(obj.properties, Properties):  # type: ignore[attr-defined]
        fail(f"'properties' must be an activations.Properties, got {type(obj.properties).__name__}")  # type: ignore[attr-defined]
    config = obj.config  # type: ignore[attr-defined]
    if not isinstance(config, dict):
        fail(f"'config' must be a dict, got {type(config).__name__}")
    if config.get("name") != name:
        fail(f"'config' must hold 'name': {name!r}, got {config.get('name')!r}")
    probes = {
        "forward": ((None,), {"out": None}, "forward(x, /, *, out=None)"),
        "derivative": ((None,), {"out": None}, "derivative(x, /, *, out=None)"),
        "backward": (
            (None, None),
            {"output": None, "out": None},
            "backward(x, grad_output, /, *, output=None, out=None)",
        ),
    }
    learnable = getattr(obj, "learnable", ())
    if not isinstance(learnable, tuple) or not all(isinstance(n, str) for n in learnable):
        fail(f"'learnable' must be a tuple of parameter names, got {learnable!r}")
    if learnable:
        probes["parameter_backward"] = (
            (None, None),
            {"output": None},
            "parameter_backward(x, grad_output, /, *, output=None)",
        )
        if not hasattr(obj, "parameter_backward"):
            fail("it declares learnable parameters but has no 'parameter_backward'")
    for method, (args, kwargs, wanted) in probes.items():
        member = getattr(obj, method)
        if not callable(member):
            fail(f"{method!r} must be callable, got {type(member).__name__}")
        try:
            inspect.signature(member).bind(*args, **kwargs)
        except TypeError:
            fail(f"{method}{inspect.signature(member)} must accept {wanted}")
        except ValueError:  # no signature (e.g. some builtins): nothing to check
            pass
