"""Activation functions as plugins: a contract, a registry, and the maths done right.

Look an activation up by name, call it, and take its derivative::

    >>> import activations
    >>> relu = activations.get("relu")
    >>> relu([-1.0, 2.0]), relu.derivative([-1.0, 2.0])
    (array([0., 2.]), array([0., 1.]))

Every activation, ReLU included, is a plugin registered through the
``register_activations`` hook; third-party packages add theirs through the
entry-point group ``activations``. Importing this package imports nothing
else, not even NumPy: the first use of a public name imports the core, and
the first lookup loads the plugins.
"""

from typing import TYPE_CHECKING

from ._lazy import attach

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

#: Where each public name is defined.
_EXPORTS = {
    "BoundActivation": "._bound",
    **dict.fromkeys(("Activation", "BaseActivation", "Properties", "validate_activation"), "._contract"),
    **dict.fromkeys(("DEFAULT_PLUGINS", "PluginInfo"), "._discovery"),
    **dict.fromkeys(
        (
            "ActivationError",
            "ActivationWarning",
            "DuplicateActivationError",
            "InvalidActivationError",
            "InvalidSpecError",
            "PluginLoadWarning",
            "UnknownActivationError",
        ),
        "._errors",
    ),
    **dict.fromkeys(("hookimpl", "hookspec"), "._hooks"),
    **dict.fromkeys(
        (
            "ActivationInfo",
            "Registry",
            "default_registry",
            "describe",
            "get",
            "list_plugins",
            "names",
            "register",
            "registered",
            "unregister",
        ),
        "._registry",
    ),
    "__version__": "._version",
}

if TYPE_CHECKING:
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
    from ._registry import (
        ActivationInfo,
        Registry,
        default_registry,
        describe,
        get,
        list_plugins,
        names,
        register,
        registered,
        unregister,
    )
    from ._version import __version__
else:
    __getattr__, __dir__ = attach(__name__, _EXPORTS)
