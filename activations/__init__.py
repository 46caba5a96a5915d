"""Activation functions as plugins: a contract, a registry, and the maths done right.

Look an activation up by name, call it, and take its derivative::

    >>> import activations
    >>> relu = activations.get("relu")
    >>> relu([-1.0, 2.0]), relu.derivative([-1.0, 2.0])
    (array([0., 2.]), array([0., 1.]))

Every activation, ReLU included, is a plugin registered through the
``register_activations`` hook; third-party packages add theirs through the
entry-point group ``activations``. Importing this package loads no plugin:
the first lookup does.
"""

from __future__ import annotations

from typing import Any

from ._bound import BoundActivation
from ._contract import Activation, BaseActivation, Properties, validate_activation
from ._discovery import DEFAULT_PLUGINS, PluginInfo
from ._errors import (
    ActivationError,
    ActivationWarning,
    DuplicateActivationError,
    InvalidActivationError,
    InvalidSpecError,
    PluginLoadWarning,
    UnknownActivationError,
)
from ._hooks import hookimpl, hookspec
from ._registry import ActivationInfo, Registry, default_registry
from ._version import __version__

__all__ = [
    "DEFAULT_PLUGINS",
    "Activation",
    "ActivationError",
    "ActivationInfo",
    "ActivationWarning",
    "BaseActivation",
    "BoundActivation",
    "DuplicateActivationError",
    "InvalidActivationError",
    "InvalidSpecError",
    "PluginInfo",
    "PluginLoadWarning",
    "Properties",
    "Registry",
    "UnknownActivationError",
    "__version__",
    "default_registry",
    "describe",
    "get",
    "hookimpl",
    "hookspec",
    "list_plugins",
    "names",
    "register",
    "registered",
    "unregister",
    "validate_activation",
]


def get(spec: Any, /, **params: Any) -> BoundActivation:
    """Build a fresh activation from a name, spec string, dict or instance.

    See :meth:`Registry.get`.

    Examples
    --------
    >>> import activations
    >>> activations.get("leaky_relu(negative_slope=0.2)")([-1.0])
    array([-0.2])
    """
    return default_registry().get(spec, **params)


def names(*, aliases: bool = False) -> list[str]:
    """Sorted canonical names of the registered activations (aliases too on request).

    Examples
    --------
    >>> import activations
    >>> "relu" in activations.names()
    True
    """
    return default_registry().names(aliases=aliases)


def describe(name: str) -> ActivationInfo:
    """Describe one activation: aliases, parameters, properties, provider.

    Examples
    --------
    >>> import activations
    >>> activations.describe("logistic").name
    'sigmoid'
    """
    return default_registry().describe(name)


def list_plugins() -> tuple[PluginInfo, ...]:
    """Every plugin the default registry has seen: loaded, failed and blocked.

    (Not ``plugins``: that name is the subpackage of bundled plugins.)

    Examples
    --------
    >>> import activations
    >>> activations.list_plugins()[0].bundled
    True
    """
    return default_registry().list_plugins()


def register(
    factory: Any, *, name: str | None = None, aliases: tuple[str, ...] = (), replace: bool = False
) -> None:
    """Register an activation factory in the default registry at run time.

    See :meth:`Registry.register`.

    Examples
    --------
    >>> import activations
    >>> relu_type = type(activations.get("relu").plugin)
    >>> activations.register(relu_type, name="relu", aliases=("ramp",), replace=True)
    >>> activations.get("ramp")
    relu
    >>> activations.register(relu_type, name="relu", replace=True)  # back as it was
    """
    default_registry().register(factory, name=name, aliases=aliases, replace=replace)


def unregister(name: str) -> None:
    """Remove an activation and its aliases from the default registry.

    Examples
    --------
    >>> import activations
    >>> relu_type = type(activations.get("relu").plugin)
    >>> with activations.registered(relu_type, name="relu", aliases=("ramp",), replace=True):
    ...     activations.unregister("ramp")
    ...     "relu" in activations.names()
    False
    >>> "relu" in activations.names()
    True
    """
    default_registry().unregister(name)


def registered(
    factory: Any, *, name: str | None = None, aliases: tuple[str, ...] = (), replace: bool = False
) -> Any:
    """Context manager registering ``factory`` in the default registry for a block.

    See :meth:`Registry.registered`.

    Examples
    --------
    >>> import activations
    >>> relu_type = type(activations.get("relu").plugin)
    >>> with activations.registered(relu_type, name="relu", aliases=("ramp",), replace=True):
    ...     activations.get("ramp").name
    'relu'
    """
    return default_registry().registered(factory, name=name, aliases=aliases, replace=replace)


def _set_module() -> None:
    """Make public classes and functions report ``activations`` as their module (as NumPy does)."""
    for public in __all__:
        obj = globals()[public]
        if isinstance(obj, type) or (callable(obj) and hasattr(obj, "__code__")):
            obj.__module__ = __name__


_set_module()
