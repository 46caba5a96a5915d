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

from typing import Any

from ._lazy import public

__all__ = [
    "ActivationError",
    "ActivationWarning",
    "DuplicateActivationError",
    "InvalidActivationError",
    "InvalidSpecError",
    "PluginLoadWarning",
    "UnknownActivationError",
]


@public("activations")
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


@public("activations")
class UnknownActivationError(ActivationError, LookupError):
    """No activation is registered under the requested name.

    The message lists close matches and, where a plugin that might provide
    the name failed to load, that failure.

    Attributes
    ----------
    name : str
        The name looked up, as written.
    suggestions : tuple of str
        Close matches among the registered names (canonical names), best first.
    failures : tuple of str
        One line for each plugin that failed to load (or was blocked) under
        the name looked up: it may be what provides it.

    Examples
    --------
    >>> import activations
    >>> try:
    ...     activations.get("relo")
    ... except LookupError as exc:
    ...     print(str(exc).splitlines()[0])
    ...     print(exc.name, exc.suggestions)
    unknown activation 'relo'; did you mean 'relu'...?
    relo ('relu', ...)
    """

    def __init__(
        self,
        message: str,
        *,
        name: str = "",
        suggestions: tuple[str, ...] = (),
        failures: tuple[str, ...] = (),
    ) -> None:
        super().__init__(message)
        self.name = name
        self.suggestions = suggestions
        self.failures = failures


@public("activations")
class DuplicateActivationError(ActivationError, ValueError):
    """A name or alias is already registered by another provider.

    Attributes
    ----------
    name : str
        The name or alias (folded, as the registry keys it) that is taken.
    provider : str
        The plugin that tried to register it.
    existing_provider : str
        The plugin that holds it.

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
    ...     print(exc.name, "is held by", exc.existing_provider)
    relu is held by activations.plugins.relu
    """

    def __init__(
        self, message: str, *, name: str = "", provider: str = "", existing_provider: str = ""
    ) -> None:
        super().__init__(message)
        self.name = name
        self.provider = provider
        self.existing_provider = existing_provider


@public("activations")
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


@public("activations")
class InvalidSpecError(ActivationError, ValueError):
    """A spec could not be turned into an activation.

    Raised for malformed spec strings, unknown or ill-typed parameters, and
    parameter values an activation refuses (its ``__init__`` raising
    ``ValueError`` or ``TypeError``).

    Attributes
    ----------
    spec : object
        The spec as given: a string, a dict, or an object that is not an activation.

    Examples
    --------
    >>> import activations
    >>> try:
    ...     activations.get("leaky_relu(slope=0.2)")
    ... except activations.InvalidSpecError as exc:
    ...     print(str(exc).splitlines()[0])
    ...     print(exc.spec)
    leaky_relu() got an unknown parameter 'slope'; accepted: negative_slope=0.01
    leaky_relu(slope=0.2)
    """

    def __init__(self, message: str, *, spec: Any = None) -> None:
        super().__init__(message)
        self.spec = spec


@public("activations")
class ActivationWarning(UserWarning):
    """Base class of every warning issued by this library.

    Examples
    --------
    >>> import activations
    >>> issubclass(activations.PluginLoadWarning, activations.ActivationWarning)
    True
    """


@public("activations")
class PluginLoadWarning(ActivationWarning):
    """A plugin failed to import or register and was skipped.

    The message names the entry point and its distribution; the rest of the
    registry keeps working.

    Attributes
    ----------
    plugin : str
        The entry-point name (or bundled module) of the plugin.
    distribution : str or None
        The distribution that ships it, when known.
    error : str
        ``"ErrorType: message"`` of what went wrong.

    Examples
    --------
    >>> import activations
    >>> warning = activations.PluginLoadWarning("skipped", plugin="mine", distribution="my-dist",
    ...                                         error="ImportError: no module named 'x'")
    >>> warning.plugin, warning.distribution, str(warning)
    ('mine', 'my-dist', 'skipped')
    """

    def __init__(
        self, message: str, *, plugin: str = "", distribution: str | None = None, error: str = ""
    ) -> None:
        super().__init__(message)
        self.plugin = plugin
        self.distribution = distribution
        self.error = error
