"""Discovery: bundled plugins and entry points, loaded one at a time, in isolation.

Order: the bundled plugins of `DEFAULT_PLUGINS`, then the entry points of the
group ``activations`` sorted by (distribution, entry-point name). Each plugin
is loaded by `load_plugin`: import (or ``EntryPoint.load``), registration
with pluggy (which checks the hook implementation's signature), one call of
its ``register_activations`` hook with a ``register`` that only *stages*
entries, then a commit through the registry. If any step fails, nothing of
the plugin stays registered, and the failure is recorded, warned about with
a `PluginLoadWarning` (or re-raised in strict mode) and listed by
``activations plugins``.
"""

from __future__ import annotations

import importlib
import os
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import pluggy

from ._errors import PluginLoadWarning
from ._hooks import PROJECT, ActivationsSpec
from ._version import __version__

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

__all__ = [
    "DEFAULT_PLUGINS",
    "DISTRIBUTION",
    "ENTRY_POINT_GROUP",
    "PluginInfo",
    "env_flag",
    "env_list",
    "load_plugin",
    "new_plugin_manager",
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

    def provider(self) -> str:
        """``name (distribution version)``, as messages quote a plugin."""
        if self.distribution is None:
            return repr(self.name)
        return f"{self.name!r} (distribution {self.distribution} {self.version or ''})".replace(" )", ")")


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


def bundled_loader(module: str) -> tuple[str, Callable[[], Any], str, str]:
    """(plugin name, loader, distribution, version) of a bundled plugin module."""
    qualified = f"activations.plugins.{module}"
    return qualified, lambda: importlib.import_module(qualified), DISTRIBUTION, __version__


def entry_point_loader(ep: EntryPoint) -> tuple[str, Callable[[], Any], str | None, str | None]:
    """(plugin name, loader, distribution, version) of an entry point."""
    dist, version = _distribution(ep)
    return ep.name, ep.load, dist, version


def load_plugin(
    pm: pluggy.PluginManager,
    *,
    name: str,
    load: Callable[[], Any],
    distribution: str | None,
    version: str | None,
    bundled: bool,
    stage: Callable[[str], tuple[Callable[..., None], Callable[[], tuple[str, ...]]]],
    strict: bool,
) -> PluginInfo:
    """Load one plugin in isolation and return what became of it.

    ``stage(provider)`` returns a ``register`` callback that collects entries
    without touching the registry, and a ``commit`` that adds them all or
    raises (a name taken, an invalid activation). On any failure the plugin is
    unregistered from ``pm`` and nothing it staged is kept.
    """
    provider = name if distribution is None else f"{name} ({distribution})"
    plugin: Any = None
    try:
        plugin = load()
        pm.register(plugin, name=name)
        pm.check_pending()
        others = [p for p in pm.get_plugins() if p is not plugin]
        caller = pm.subset_hook_caller("register_activations", remove_plugins=others)
        if not caller.get_hookimpls():
            raise TypeError(f"{name!r} implements no 'register_activations' hook")
        register, commit = stage(provider)
        caller(register=register)
        provided = commit()
    except Exception as exc:
        if plugin is not None and pm.is_registered(plugin):
            pm.unregister(plugin)
        info = PluginInfo(
            name=name,
            distribution=distribution,
            version=version,
            bundled=bundled,
            status="failed",
            error=f"{type(exc).__name__}: {exc}",
        )
        if strict:
            raise
        warnings.warn(
            f"activations plugin {info.provider()} failed to load and was skipped: {info.error}",
            PluginLoadWarning,
            stacklevel=2,
        )
        return info
    return PluginInfo(
        name=name,
        distribution=distribution,
        version=version,
        bundled=bundled,
        status="loaded",
        activations=provided,
    )
