"""Errors and warnings raised by activations.

Every error derives from :class:`ActivationError` and from the built-in
exception a caller would naturally catch, so ``except LookupError`` works for
an unknown name just as ``except ActivationError`` does::

    ActivationError
    ├── UnknownActivationError    (LookupError)  name not registered
    ├── DuplicateActivationError  (ValueError)   name or alias already taken
    ├── InvalidActivationError    (TypeError)    object breaks the contract
    └── InvalidSpecError          (ValueError)   bad spec or parameters

    ActivationWarning             (UserWarning)
    └── PluginLoadWarning                        a plugin failed and was skipped
"""

from __future__ import annotations

__all__ = [
    "ActivationError",
    "ActivationWarning",
    "DuplicateActivationError",
    "InvalidActivationError",
    "InvalidSpecError",
    "PluginLoadWarning",
    "UnknownActivationError",
]


class ActivationError(Exception):
    """Base class of every error raised by this library.

    Examples
    --------
    >>> import activations
    >>> try:
    ...     activations.get("no_such_thing")
    ... except activations.ActivationError as exc:
    ...     print(type(exc).__name__)
    UnknownActivationError
    """


class UnknownActivationError(ActivationError, LookupError):
    """No activation is registered under the requested name.

    The message lists close matches and, where a plugin that might provide
    the name failed to load, that failure.

    Examples
    --------
    >>> import activations
    >>> try:
    ...     activations.get("relo")
    ... except LookupError as exc:
    ...     print(str(exc).splitlines()[0])
    unknown activation 'relo'; did you mean 'relu'...?
    """

    def __str__(self) -> str:
        # LookupError is KeyError's parent, not KeyError: no quoting of the message.
        return str(self.args[0]) if self.args else ""


class DuplicateActivationError(ActivationError, ValueError):
    """A name or alias is already registered by another provider.

    Examples
    --------
    >>> import activations
    >>> class MyReLU(activations.BaseActivation):
    ...     name = "relu"
    ...     properties = activations.get("relu").properties
    ...     def forward(self, x, /, *, out=None):
    ...         return x.clip(0, None, out=out)
    ...     def derivative(self, x, /, *, out=None):
    ...         return (x > 0).astype(x.dtype)
    >>> try:
    ...     activations.register(MyReLU, name="relu")
    ... except activations.DuplicateActivationError as exc:
    ...     print(type(exc).__name__)
    DuplicateActivationError
    """


class InvalidActivationError(ActivationError, TypeError):
    """An object registered as an activation does not meet the contract.

    Raised at registration, naming the plugin and the missing or wrong member.

    Examples
    --------
    >>> import activations
    >>> class NoMaths:
    ...     name = "no_maths"
    >>> try:
    ...     activations.Registry(autoload=False).register(NoMaths, name="no_maths")
    ... except activations.InvalidActivationError as exc:
    ...     print(type(exc).__name__)
    InvalidActivationError
    """


class InvalidSpecError(ActivationError, ValueError):
    """A spec could not be turned into an activation.

    Raised for malformed spec strings, unknown or ill-typed parameters, and
    parameter values an activation refuses.

    Examples
    --------
    >>> import activations
    >>> try:
    ...     activations.get("leaky_relu(slope=0.2)")
    ... except activations.InvalidSpecError as exc:
    ...     print(str(exc).splitlines()[0])
    leaky_relu() got an unknown parameter 'slope'; accepted: negative_slope=0.01
    """


class ActivationWarning(UserWarning):
    """Base class of every warning issued by this library.

    Examples
    --------
    >>> import activations
    >>> issubclass(activations.PluginLoadWarning, activations.ActivationWarning)
    True
    """


class PluginLoadWarning(ActivationWarning):
    """A plugin failed to import or register and was skipped.

    The message names the entry point and its distribution; the rest of the
    registry keeps working.

    Examples
    --------
    >>> import activations
    >>> issubclass(activations.PluginLoadWarning, UserWarning)
    True
    """
