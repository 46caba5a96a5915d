"""Discovery: which plugins there are, and what one of them registers when its hook is called.

Order: the bundled plugins of `DEFAULT_PLUGINS`, then the entry points of the
group ``activations`` sorted by (distribution, entry-point name): that is
`plugin_sources`. `collect_registrations` loads one plugin (import, or
``EntryPoint.load``), registers it with pluggy (which checks the hook
implementation's signature) and calls its ``register_activations`` hook once
with a ``register`` that only records what it is given; it returns those
records and touches no registry. The registry (``_registry.py``) validates
them, commits them all or none, and on any failure rolls the plugin back,
records the failure in a `PluginInfo` and warns (or, strict, re-raises).
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pluggy

from ._hooks import PROJECT, ActivationsSpec
from ._lazy import public
from ._version import __version__

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

__all__ = [
    "DEFAULT_PLUGINS",
    "DISTRIBUTION",
    "ENTRY_POINT_GROUP",
    "PluginInfo",
    "PluginSource",
    "Registration",
    "collect_registrations",
    "env_flag",
    "env_list",
    "forget",
    "new_plugin_manager",
    "plugin_sources",
    "read_entry_points",
]

#: Modules of ``activations.plugins`` registered before any entry point, in this order.
DEFAULT_PLUGINS: tuple[str, ...] = (
    "relu",
    "sigmoid",
    "tanh",
    "elu",
    "softplus",
    "exponential",
    "gated",
    "rectifier",
    "hard",
    "shrink",
    "linear",
)

ENTRY_POINT_GROUP = "activations"
DISTRIBUTION = "pluggable-activations"


@public("activations")
@dataclass(frozen=True, kw_only=True)
class PluginInfo:
    """One plugin as ``activations plugins`` lists it.

    Parameters
    ----------
    name : str
        The entry-point name, or ``activations.plugins.<module>`` for a bundled plugin.
    distribution, version : str or None
        The distribution that ships it, when known.
    bundled : bool
        Shipped with this library.
    status : {"loaded", "failed", "blocked"}
        What became of it.
    activations : tuple of str
        The canonical names it provides (empty unless loaded).
    error : str or None
        Why it failed or was skipped.

    Examples
    --------
    >>> import activations
    >>> info = activations.list_plugins()[0]
    >>> info.name, info.status
    ('activations.plugins.relu', 'loaded')
    """

    name: str
    distribution: str | None
    version: str | None
    bundled: bool
    status: Literal["loaded", "failed", "blocked"]
    activations: tuple[str, ...] = ()
    error: str | None = None

    @property
    def provider(self) -> str:
        """The plugin as entries record it: an entry point qualified by its distribution.

        ``"bent_identity (activations-bent-identity)"``; a bundled plugin's
        module name (``"activations.plugins.relu"``) is qualified already.
        """
        return _provider(self.name, self.distribution, self.bundled)


def _provider(name: str, distribution: str | None, bundled: bool) -> str:
    return name if bundled or distribution is None else f"{name} ({distribution})"


def env_flag(name: str) -> bool:
    """True when the environment variable ``name`` is set to a true value (1, true, yes, on)."""
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str) -> frozenset[str]:
    """The comma-separated names in the environment variable ``name``."""
    return frozenset(part.strip() for part in os.environ.get(name, "").split(",") if part.strip())


def new_plugin_manager() -> pluggy.PluginManager:
    """A plugin manager of the ``activations`` project with its hookspec added."""
    pm = pluggy.PluginManager(PROJECT)
    pm.add_hookspecs(ActivationsSpec)
    return pm


def read_entry_points() -> list[EntryPoint]:
    """The installed entry points of the group ``activations``."""
    from importlib.metadata import entry_points

    return list(entry_points(group=ENTRY_POINT_GROUP))


def _distribution(ep: EntryPoint) -> tuple[str | None, str | None]:
    dist = getattr(ep, "dist", None)
    if dist is None:
        return None, None
    try:
        return dist.metadata["Name"] or dist.name, dist.version
    except Exception:  # a broken METADATA file must not stop discovery
        return getattr(dist, "name", None), None


def sorted_entry_points(eps: Iterable[EntryPoint]) -> list[EntryPoint]:
    """Entry points in load order: by (distribution, name), distribution-less ones last."""
    return sorted(eps, key=lambda ep: ((_distribution(ep)[0] or "\uffff").lower(), ep.name))


@dataclass(frozen=True, kw_only=True)
class PluginSource:
    """A plugin to load: its name, where it comes from, and how to import it."""

    name: str
    distribution: str | None
    version: str | None
    bundled: bool
    load: Callable[[], Any]

    @property
    def provider(self) -> str:
        """How entries and messages name the plugin (see `PluginInfo.provider`)."""
        return _provider(self.name, self.distribution, self.bundled)

    def info(self, status: Literal["loaded", "failed", "blocked"], **details: Any) -> PluginInfo:
        """What became of the plugin, as ``activations plugins`` lists it."""
        return PluginInfo(
            name=self.name,
            distribution=self.distribution,
            version=self.version,
            bundled=self.bundled,
            status=status,
            **details,
        )


def plugin_sources(entry_points: Iterable[EntryPoint]) -> list[PluginSource]:
    """The bundled plugins, then ``entry_points`` in load order."""
    sources = [
        PluginSource(
            name=f"activations.plugins.{module}",
            distribution=DISTRIBUTION,
            version=__version__,
            bundled=True,
            load=functools.partial(_import_bundled, module),
        )
        for module in DEFAULT_PLUGINS
    ]
    for ep in sorted_entry_points(entry_points):
        dist, version = _distribution(ep)
        sources.append(
            PluginSource(name=ep.name, distribution=dist, version=version, bundled=False, load=ep.load)
        )
    return sources


def _import_bundled(module: str) -> Any:
    if "activations.plugins" not in sys.modules:
        _import_bundled_package()
    return importlib.import_module(f"activations.plugins.{module}")


def _import_bundled_package() -> None:
    """Import ``activations.plugins``; in a source checkout, from ``plugins/`` beside ``activations/``.

    An installed package maps ``plugins/`` onto ``activations.plugins`` (see
    pyproject.toml). Python started in the root of a checkout imports the
    source folder ``activations/`` instead, which has no ``plugins``
    subfolder: the bundled plugins are then read from the checkout itself.
    """
    try:
        importlib.import_module("activations.plugins")
    except ModuleNotFoundError as exc:
        source = Path(__file__).resolve().parent.parent / "plugins" / "__init__.py"
        if exc.name != "activations.plugins" or not source.is_file():
            raise
        spec = importlib.util.spec_from_file_location(
            "activations.plugins", source, submodule_search_locations=[str(source.parent)]
        )
        assert spec is not None
        assert spec.loader is not None
        package = importlib.util.module_from_spec(spec)
        sys.modules["activations.plugins"] = package
        spec.loader.exec_module(package)
        sys.modules["activations"].plugins = package  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Registration:
    """One call of ``register(factory, *, name=None, aliases=())`` made by a plugin's hook."""

    factory: Any
    name: str | None
    aliases: tuple[str, ...]


def collect_registrations(pm: pluggy.PluginManager, source: PluginSource) -> list[Registration]:
    """Load one plugin into ``pm``, call its hook once, and return what it registered.

    Nothing is validated here, and no registry is touched: the caller decides
    whether the registrations stand, and calls `forget` if they do not. On an
    exception the plugin is left out of ``pm`` and the exception propagates.
    """
    plugin: Any = None
    try:
        plugin = source.load()
        pm.register(plugin, name=source.name)
        pm.check_pending()
        others = [p for p in pm.get_plugins() if p is not plugin]
        caller = pm.subset_hook_caller("register_activations", remove_plugins=others)
        if not caller.get_hookimpls():
            raise TypeError(f"{source.name!r} implements no 'register_activations' hook")
        registrations: list[Registration] = []

        def register(factory: Any, *, name: str | None = None, aliases: tuple[str, ...] = ()) -> None:
            registrations.append(Registration(factory, name, aliases))

        caller(register=register)
    except Exception:
        if plugin is not None and pm.is_registered(plugin):
            pm.unregister(plugin)
        raise
    return registrations


def forget(pm: pluggy.PluginManager, source: PluginSource) -> None:
    """Take a plugin whose registrations did not stand out of ``pm`` again."""
    if pm.get_plugin(source.name) is not None:
        pm.unregister(name=source.name)
