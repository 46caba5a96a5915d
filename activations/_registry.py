"""The registry: names, aliases, specs and lookup.

A `Registry` stores one `_Entry` (a factory and what is known of it) per
canonical name, and an index from every folded name and alias to it. It is
filled lazily: the first lookup loads the bundled plugins and then the entry
points (see ``_discovery.py``). Writes take a lock; reads do not, since each
write replaces whole dictionaries.
"""

from __future__ import annotations

import dataclasses
import inspect
import re
import threading
import warnings
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import _discovery
from ._bound import BoundActivation, format_spec
from ._contract import Properties, validate_activation
from ._errors import (
    DuplicateActivationError,
    InvalidActivationError,
    InvalidSpecError,
    PluginLoadWarning,
    UnknownActivationError,
)
from ._lazy import public
from ._spec import check_type, fold, parse_spec

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

__all__ = [
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
]

_CANONICAL = re.compile(r"[a-z][a-z0-9_]*\Z")


@public("activations")
@dataclass(frozen=True, kw_only=True)
class ActivationInfo:
    """What the registry knows of one activation; ``str()`` gives a readable block.

    Examples
    --------
    >>> import activations
    >>> info = activations.describe("Leaky-ReLU")
    >>> info.name, info.parameters, info.learnable
    ('leaky_relu', {'negative_slope': 0.01}, ('negative_slope',))
    >>> print(str(info).splitlines()[0])
    leaky_relu: Leaky ReLU: x for x >= 0, negative_slope * x below.
    """

    name: str
    aliases: tuple[str, ...]
    summary: str
    parameters: Mapping[str, Any]
    properties: Properties
    plugin: str
    distribution: str | None
    version: str | None
    formula: str = ""
    learnable: tuple[str, ...] = ()

    def __str__(self) -> str:
        p = self.properties
        lo, hi = p.output_range
        params = ", ".join(f"{k}={v!r}" for k, v in self.parameters.items()) or "none"
        provider = (
            self.plugin
            if self.distribution is None
            else f"{self.plugin} ({self.distribution} {self.version})"
        )
        lines = [
            f"{self.name}: {self.summary}",
            *([f"  formula:     {self.formula}"] if self.formula else []),
            f"  aliases:     {', '.join(self.aliases) or 'none'}",
            f"  parameters:  {params}",
            *([f"  learnable:   {', '.join(self.learnable)}"] if self.learnable else []),
            f"  range:       ({lo:g}, {hi:g})",
            f"  monotonic: {p.monotonic}; zero-centred: {p.zero_centered}; sparse: {p.sparse}; "
            f"identity near 0: {p.identity_near_origin}",
            f"  smoothness:  C^{p.smoothness:g}; kinks: {', '.join(f'{k:g}' for k in p.kinks) or 'none'}; "
            f"saturating: {p.saturating}",
            f"  provided by: {provider}",
        ]
        return "\n".join(lines)


def _parameters(factory: Callable[..., Any]) -> dict[str, Any] | None:
    """The factory's parameters with their defaults, or None when it takes ``**kwargs``."""
    try:
        sig = inspect.signature(factory)
    except (TypeError, ValueError):
        return {}
    params: dict[str, Any] = {}
    for p in sig.parameters.values():
        if p.kind is inspect.Parameter.VAR_KEYWORD:
            return None
        if p.kind in (inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD):
            params[p.name] = None if p.default is inspect.Parameter.empty else p.default
    return params


@dataclass(frozen=True)
class _Entry:
    """One registered activation: its factory and what was learnt at registration."""

    factory: Callable[..., Any]
    name: str
    aliases: tuple[str, ...]
    plugin: str  # the entry-point name or module that registered it
    provider: str  # the plugin as messages name it: an entry point qualified by its distribution
    distribution: str | None
    version: str | None
    parameters: dict[str, Any] | None
    learnable: tuple[str, ...]
    properties: Properties
    summary: str
    formula: str
    owner: object = field(default=None, compare=False)

    def accepted(self) -> str:
        if self.parameters is None:
            return "any keyword parameters"
        return ", ".join(f"{k}={v!r}" for k, v in self.parameters.items()) or "no parameters"

    def build(self, params: Mapping[str, Any], spec: Any) -> Any:
        if not params:
            return self.factory()
        checked = dict(params)
        if self.parameters is not None:
            for key, value in params.items():
                if key not in self.parameters:
                    raise InvalidSpecError(
                        f"{self.name}() got an unknown parameter {key!r}; accepted: {self.accepted()}",
                        spec=spec,
                    )
                try:
                    checked[key] = check_type(value, self.parameters[key])
                except TypeError as exc:
                    raise InvalidSpecError(
                        f"{self._call(params)}: parameter {key!r} {exc}; accepted: {self.accepted()}",
                        spec=spec,
                    ) from None
        try:
            return self.factory(**checked)
        except (TypeError, ValueError) as exc:
            raise InvalidSpecError(
                f"{self._call(params)}: {exc}; accepted: {self.accepted()}", spec=spec
            ) from None

    def _call(self, params: Mapping[str, Any]) -> str:
        """The spec string of a failed build, for its error message (formatted only then)."""
        return format_spec({"name": self.name, **params})

    def info(self) -> ActivationInfo:
        return ActivationInfo(
            name=self.name,
            aliases=self.aliases,
            summary=self.summary,
            parameters=dict(self.parameters or {}),
            properties=self.properties,
            plugin=self.plugin,
            distribution=self.distribution,
            version=self.version,
            formula=self.formula,
            learnable=self.learnable,
        )


def _make_entry(
    factory: Any,
    *,
    name: str | None,
    aliases: tuple[str, ...] | list[str],
    provider: str,
    plugin: str | None = None,
    distribution: str | None = None,
    version: str | None = None,
) -> _Entry:
    """Validate ``factory`` by building its default instance; raise InvalidActivationError."""
    if not callable(factory):
        raise InvalidActivationError(
            f"plugin {provider!r}: the factory must be a class or callable, got {type(factory).__name__}"
        )
    try:
        prototype = factory()
    except Exception as exc:
        raise InvalidActivationError(
            f"plugin {provider!r}: {getattr(factory, '__qualname__', factory)!r} must build with no "
            f"arguments (every parameter needs a default), but raised {type(exc).__name__}: {exc}"
        ) from exc
    validate_activation(prototype, provider=provider)
    canonical = prototype.name if name is None else name
    if not isinstance(canonical, str) or not _CANONICAL.match(canonical):
        raise InvalidActivationError(
            f"plugin {provider!r}: the name {canonical!r} is not lower snake_case (letters, digits, '_')"
        )
    if prototype.name != canonical:
        raise InvalidActivationError(
            f"plugin {provider!r}: registered as {canonical!r} but its 'name' is {prototype.name!r}"
        )
    if isinstance(aliases, str) or not all(isinstance(a, str) and a.strip() for a in aliases):
        raise InvalidActivationError(
            f"plugin {provider!r}: aliases must be a tuple of names, got {aliases!r}"
        )
    parameters = _parameters(factory)
    learnable = tuple(getattr(prototype, "learnable", ()))
    for param in learnable:
        default = None if parameters is None else parameters.get(param, None)
        if parameters is not None and param not in parameters:
            raise InvalidActivationError(
                f"plugin {provider!r}: {canonical!r} declares {param!r} learnable, but it is not a parameter "
                f"of its constructor; the parameters are: {', '.join(parameters) or 'none'}"
            )
        if isinstance(default, bool) or not isinstance(default, (int, float)):
            raise InvalidActivationError(
                f"plugin {provider!r}: {canonical!r} declares {param!r} learnable, but its default "
                f"{default!r} is not a real number: only real scalar parameters can be learned"
            )
    doc = inspect.getdoc(factory) or ""
    return _Entry(
        factory=factory,
        name=canonical,
        aliases=tuple(aliases),
        plugin=provider if plugin is None else plugin,
        provider=provider,
        distribution=distribution,
        version=version,
        parameters=parameters,
        learnable=learnable,
        properties=prototype.properties,
        summary=doc.strip().split("\n\n")[0].replace("\n", " "),
        formula=str(getattr(prototype, "formula", "") or ""),
    )


@public("activations")
class Registry:
    """Activations by name, filled from the bundled plugins and entry points.

    Parameters
    ----------
    strict : bool
        Re-raise a plugin's load failure instead of warning and skipping it.
        ``ACTIVATIONS_STRICT=1`` turns it on too.
    autoload : bool
        Load the installed entry points of the group ``activations``
        (bundled plugins are always loaded). ``ACTIVATIONS_DISABLE_PLUGIN_AUTOLOAD=1``
        turns it off.
    blocked : iterable of str
        Entry-point names to skip, with those of ``ACTIVATIONS_BLOCK_PLUGINS``.
    entry_points : iterable of importlib.metadata.EntryPoint, optional
        Load these instead of reading the installed ones.

    Examples
    --------
    >>> from activations import Registry
    >>> reg = Registry(autoload=False)
    >>> reg.get("sigmoid")([0.0])
    array([0.5])
    """

    def __init__(
        self,
        *,
        strict: bool = False,
        autoload: bool = True,
        blocked: tuple[str, ...] | frozenset[str] | list[str] = (),
        entry_points: list[EntryPoint] | tuple[EntryPoint, ...] | None = None,
    ) -> None:
        self.strict = strict or _discovery.env_flag("ACTIVATIONS_STRICT")
        self.autoload = autoload and not _discovery.env_flag("ACTIVATIONS_DISABLE_PLUGIN_AUTOLOAD")
        self.blocked = frozenset(blocked) | _discovery.env_list("ACTIVATIONS_BLOCK_PLUGINS")
        self._entry_points = None if entry_points is None else tuple(entry_points)
        self._entries: dict[str, _Entry] = {}
        self._index: dict[str, str] = {}  # folded name or alias -> canonical name
        self._plugins: list[_discovery.PluginInfo] = []
        self._lock = threading.RLock()
        self._loaded = False
        self._loading = False
        self._pm = _discovery.new_plugin_manager()

    # -- loading -----------------------------------------------------------
    def _ensure_loaded(self) -> None:
        if self._loaded:
            return
        with self._lock:
            if self._loaded or self._loading:  # a plugin that looks up while it loads sees what is there
                return
            self._loading = True
            try:
                eps = self._entry_points
                if eps is None and self.autoload:
                    eps = tuple(_discovery.read_entry_points())
                for source in _discovery.plugin_sources(eps or ()):
                    if not source.bundled and source.name in self.blocked:
                        error = "blocked by ACTIVATIONS_BLOCK_PLUGINS or Registry(blocked=...)"
                        self._plugins.append(source.info("blocked", error=error))
                    else:
                        self._plugins.append(self._load(source))
                self._loaded = True
            finally:
                self._loading = False

    def _load(self, source: _discovery.PluginSource) -> _discovery.PluginInfo:
        """Load one plugin: all its activations, or none of them and a warning (strict: the error)."""
        try:
            entries = [
                _make_entry(
                    r.factory,
                    name=r.name,
                    aliases=r.aliases,
                    provider=source.provider,
                    plugin=source.name,
                    distribution=source.distribution,
                    version=source.version,
                )
                for r in _discovery.collect_registrations(self._pm, source)
            ]
            self._commit(entries, replace=False)
        except Exception as exc:
            _discovery.forget(self._pm, source)
            if self.strict:
                raise
            info = source.info("failed", error=f"{type(exc).__name__}: {exc}")
            warnings.warn(
                PluginLoadWarning(
                    f"activations plugin {info.provider!r} failed to load and was skipped: {info.error}",
                    plugin=source.name,
                    distribution=source.distribution,
                    error=info.error or "",
                ),
                stacklevel=2,
            )
            return info
        return source.info("loaded", activations=tuple(e.name for e in entries))

    # -- writing -----------------------------------------------------------
    def _owner(self, key: str) -> _Entry | None:
        canonical = self._index.get(key)
        return None if canonical is None else self._entries[canonical]

    def _commit(self, staged: list[_Entry], *, replace: bool, runtime: bool = False) -> list[_Entry]:
        """Add all of ``staged`` or none; return the entries that ``replace`` removed."""
        with self._lock:
            entries = dict(self._entries)
            index = dict(self._index)
            removed: list[_Entry] = []
            for entry in staged:
                keys = sorted({fold(n) for n in (entry.name, *entry.aliases)})
                holders = dict.fromkeys(index[k] for k in keys if k in index)
                if holders and not replace:
                    key = next(k for k in keys if k in index)
                    other = entries[index[key]]
                    what = "name" if key == fold(other.name) else "alias"
                    raise DuplicateActivationError(
                        f"{key!r} is already registered as the {what} of {other.name!r} "
                        f"by plugin {other.provider!r}; "
                        f"plugin {entry.provider!r} cannot register it again"
                        + (" (use replace=True to replace it)" if runtime else ""),
                        name=key,
                        provider=entry.provider,
                        existing_provider=other.provider,
                    )
                for holder in holders:  # replace: the entries holding any of the names go whole
                    removed.append(entries.pop(holder))
                    index = {k: v for k, v in index.items() if v != holder}
                index.update(dict.fromkeys(keys, entry.name))
                entries[entry.name] = entry
            self._entries, self._index = entries, index
            return removed

    def register(
        self,
        factory: Any,
        *,
        name: str | None = None,
        aliases: tuple[str, ...] = (),
        replace: bool = False,
    ) -> None:
        """Register an activation factory at run time.

        Parameters
        ----------
        factory : class or callable
            Builds an activation; with no arguments, the default one.
        name : str, optional
            The canonical lower snake_case name; defaults to the instance's ``name``.
        aliases : tuple of str
            Further names it answers to.
        replace : bool
            Replace whatever holds the name or an alias; otherwise a taken name
            raises `DuplicateActivationError`.

        Examples
        --------
        >>> from activations import Registry
        >>> reg = Registry(autoload=False)
        >>> relu_type = type(reg.get("relu").plugin)
        >>> reg.register(relu_type, name="relu", aliases=("rectifier",), replace=True)
        >>> reg.get("Rectifier")
        relu
        """
        self._ensure_loaded()
        provider = getattr(factory, "__module__", None) or "<runtime>"
        entry = _make_entry(factory, name=name, aliases=aliases, provider=provider)
        self._commit([entry], replace=replace, runtime=True)

    def unregister(self, name: str) -> None:
        """Remove an activation and all its aliases.

        Examples
        --------
        >>> from activations import Registry
        >>> reg = Registry(autoload=False)
        >>> reg.unregister("tanh")
        >>> "tanh" in reg.names()
        False
        """
        self._ensure_loaded()
        entry = self._lookup(name)
        with self._lock:
            self._entries = {k: v for k, v in self._entries.items() if k != entry.name}
            self._index = {k: v for k, v in self._index.items() if v != entry.name}

    @contextmanager
    def registered(
        self, factory: Any, *, name: str | None = None, aliases: tuple[str, ...] = (), replace: bool = False
    ) -> Iterator[None]:
        """Register ``factory`` for the duration of a ``with`` block (for tests).

        Whatever ``replace=True`` displaced is restored on exit.

        Examples
        --------
        >>> from activations import Registry
        >>> reg = Registry(autoload=False)
        >>> relu_type = type(reg.get("relu").plugin)
        >>> with reg.registered(relu_type, name="relu", aliases=("ramp",), replace=True):
        ...     print(reg.get("ramp"))
        relu
        >>> "ramp" in reg.names(aliases=True)
        False
        """
        self._ensure_loaded()
        provider = getattr(factory, "__module__", None) or "<runtime>"
        entry = _make_entry(factory, name=name, aliases=aliases, provider=provider)
        removed = self._commit([entry], replace=replace, runtime=True)
        try:
            yield
        finally:
            with self._lock:
                if self._entries.get(entry.name) is entry:
                    self.unregister(entry.name)
                self._commit(removed, replace=False)

    # -- reading -----------------------------------------------------------
    def _lookup(self, name: str) -> _Entry:
        self._ensure_loaded()
        canonical = self._index.get(fold(name))
        if canonical is not None:
            return self._entries[canonical]
        raise self._unknown(name)

    def _unknown(self, name: str) -> UnknownActivationError:
        key = fold(name)
        import difflib  # only on a miss: keeps `import activations` light

        matches = difflib.get_close_matches(key, list(self._index), n=3, cutoff=0.6)
        suggested = tuple(dict.fromkeys(self._index[m] for m in matches))  # an alias suggests its activation
        head = f"unknown activation {name!r}"
        if suggested:
            *rest, last = [repr(s) for s in suggested]
            head += f"; did you mean {', '.join(rest)} or {last}?" if rest else f"; did you mean {last}?"
        failures = tuple(
            f"the plugin {info.provider!r} that may provide it {info.status}: {info.error}"
            for info in self._plugins
            if info.status != "loaded" and fold(info.name) == key
        )
        available = "available: " + ", ".join(sorted(self._entries))
        return UnknownActivationError(
            "\n".join([head, *failures, available]), name=name, suggestions=suggested, failures=failures
        )

    def get(self, spec: Any, /, **params: Any) -> BoundActivation:
        """Build a fresh activation from a spec.

        Parameters
        ----------
        spec : str, dict, activation
            A name (``"relu"``, ``"Leaky ReLU"``), a spec string
            (``"leaky_relu(negative_slope=0.2)"``), a dict
            (``{"name": "leaky_relu", "negative_slope": 0.2}``), a plugin
            instance (bound and returned) or a bound activation (returned as is).
        **params
            Parameters, merged with those of the spec.

        Returns
        -------
        BoundActivation

        Raises
        ------
        UnknownActivationError
            No activation has that name; the message lists close matches.
        InvalidSpecError
            A malformed spec or an unknown or ill-typed parameter.

        Examples
        --------
        >>> from activations import Registry
        >>> reg = Registry(autoload=False)
        >>> reg.get("leaky_relu", negative_slope=0.2)
        leaky_relu(negative_slope=0.2)
        >>> reg.get({"name": "Leaky-ReLU", "negative_slope": 0.3}).config
        {'name': 'leaky_relu', 'negative_slope': 0.3}
        """
        if isinstance(spec, str):
            canonical = self._index.get(spec)
            if canonical is not None and not params and self._loaded:
                return BoundActivation(self._entries[canonical].factory())
            name, parsed = parse_spec(spec)
        elif isinstance(spec, Mapping):
            parsed = dict(spec)
            name = parsed.pop("name", None)
            if not isinstance(name, str):
                raise InvalidSpecError(f"a dict spec needs a 'name' string, got {spec!r}", spec=spec)
        elif isinstance(spec, BoundActivation):
            if params:
                raise InvalidSpecError(
                    f"parameters {params!r} cannot be applied to an existing activation {spec!r}", spec=spec
                )
            return spec
        else:
            if params:
                raise InvalidSpecError(
                    f"parameters {params!r} cannot be applied to an existing activation {spec!r}", spec=spec
                )
            if isinstance(spec, type):
                raise InvalidSpecError(
                    f"got the class {spec.__qualname__}; pass an instance, a name or a spec, "
                    "or register the class first",
                    spec=spec,
                )
            provider = type(spec).__module__
            try:
                validate_activation(spec, provider=provider)
            except InvalidActivationError as exc:
                raise InvalidSpecError(
                    f"a spec must be a name, a spec string, a dict or an activation; {exc}", spec=spec
                ) from None
            return BoundActivation(spec)
        clash = sorted(set(parsed) & set(params))
        if clash:
            raise InvalidSpecError(
                f"parameter {clash[0]!r} is given both in the spec {spec!r} and as a keyword", spec=spec
            )
        entry = self._lookup(name)
        return BoundActivation(entry.build({**parsed, **params}, spec))

    def names(self, *, aliases: bool = False) -> list[str]:
        """Sorted canonical names, with the aliases too when ``aliases=True``.

        Examples
        --------
        >>> from activations import Registry
        >>> names = Registry(autoload=False).names()
        >>> names[:2], "relu" in names
        (['celu', 'elu'], True)
        """
        self._ensure_loaded()
        entries = self._entries.values()
        if aliases:
            return sorted({n for e in entries for n in (e.name, *e.aliases)})
        return sorted(e.name for e in entries)

    def describe(self, spec: Any) -> ActivationInfo:
        """What the registry knows of one activation (see `ActivationInfo`).

        Parameters
        ----------
        spec : str, dict, activation
            A name, or any spec `get` accepts: then ``parameters`` and
            ``properties`` are those of the activation it builds.

        Examples
        --------
        >>> from activations import Registry
        >>> reg = Registry(autoload=False)
        >>> reg.describe("logistic").name
        'sigmoid'
        >>> info = reg.describe("leaky_relu(negative_slope=0)")
        >>> info.parameters, info.properties.sparse
        ({'negative_slope': 0.0}, True)
        """
        if isinstance(spec, str):
            name, params = parse_spec(spec)
            if not params:
                return self._lookup(name).info()
        act = self.get(spec)
        return dataclasses.replace(
            self._lookup(act.name).info(),
            parameters={k: v for k, v in act.config.items() if k != "name"},
            properties=act.properties,
        )

    def list_plugins(self) -> tuple[_discovery.PluginInfo, ...]:
        """Every plugin seen, in load order: loaded, failed and blocked.

        Examples
        --------
        >>> from activations import Registry
        >>> [p.name for p in Registry(autoload=False).list_plugins()][:2]
        ['activations.plugins.relu', 'activations.plugins.sigmoid']
        """
        self._ensure_loaded()
        return tuple(self._plugins)


_default: Registry | None = None
_default_lock = threading.Lock()


@public("activations")
def default_registry() -> Registry:
    """The registry behind the module-level functions, created on first use.

    Examples
    --------
    >>> import activations
    >>> activations.default_registry() is activations.default_registry()
    True
    """
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = Registry()
    return _default


# -- the module-level functions, on the default registry ------------------------
@public("activations")
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


@public("activations")
def names(*, aliases: bool = False) -> list[str]:
    """Sorted canonical names of the registered activations (aliases too on request).

    Examples
    --------
    >>> import activations
    >>> "relu" in activations.names()
    True
    """
    return default_registry().names(aliases=aliases)


@public("activations")
def describe(spec: Any) -> ActivationInfo:
    """Describe one activation: aliases, parameters, properties, provider.

    See :meth:`Registry.describe`: a spec with parameters describes the
    activation it builds.

    Examples
    --------
    >>> import activations
    >>> activations.describe("logistic").name
    'sigmoid'
    """
    return default_registry().describe(spec)


@public("activations")
def list_plugins() -> tuple[_discovery.PluginInfo, ...]:
    """Every plugin the default registry has seen: loaded, failed and blocked.

    (Not ``plugins``: that name is the subpackage of bundled plugins.)

    Examples
    --------
    >>> import activations
    >>> activations.list_plugins()[0].bundled
    True
    """
    return default_registry().list_plugins()


@public("activations")
def register(
    factory: Any, *, name: str | None = None, aliases: tuple[str, ...] = (), replace: bool = False
) -> None:
    """Register an activation factory in the default registry at run time.

    See :meth:`Registry.register`.

    Examples
    --------
    >>> import activations
    >>> class Ramp(type(activations.get("relu").plugin)):
    ...     name = "ramp"
    >>> activations.register(Ramp)
    >>> activations.get("ramp")([-1.0, 2.0])
    array([0., 2.])
    >>> activations.unregister("ramp")  # the default registry as it was
    """
    default_registry().register(factory, name=name, aliases=aliases, replace=replace)


@public("activations")
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


@public("activations")
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
