"""The pluggy markers and the hook specification of the ``activations`` project.

Plugins, bundled and third-party alike, implement one hook::

    @activations.hookimpl
    def register_activations(register):
        register(MyActivation, name="my_activation", aliases=("mine",))
"""

from __future__ import annotations

from typing import Any, Protocol

import pluggy

__all__ = ["PROJECT", "RegisterFunction", "hookimpl", "hookspec"]

PROJECT = "activations"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


class RegisterFunction(Protocol):
    """The ``register`` callback a plugin receives in its hook."""

    def __call__(self, factory: Any, *, name: str | None = None, aliases: tuple[str, ...] = ()) -> None:
        """Register ``factory`` (a class or zero-argument callable) under ``name``."""


class ActivationsSpec:
    """Hook specifications of the ``activations`` pluggy project."""

    @hookspec
    def register_activations(self, register: RegisterFunction) -> None:
        """Register this plugin's activations by calling ``register``.

        Parameters
        ----------
        register : callable
            ``register(factory, *, name=None, aliases=())``. ``factory`` builds
            an activation: called with no arguments it gives the defaults,
            with keyword arguments a parametrised one. Inside a hook
            ``register`` cannot replace a name that is already taken: the
            plugin is rolled back whole and reported instead.

        Examples
        --------
        A plugin module with one hook, loaded through an entry point into a
        registry of its own:

        >>> import sys, types
        >>> from importlib.metadata import EntryPoint
        >>> import activations
        >>> class Ramp(type(activations.get("relu").plugin)):
        ...     name = "ramp"
        >>> @activations.hookimpl
        ... def register_activations(register):
        ...     register(Ramp, name="ramp", aliases=("max0",))
        >>> module = types.ModuleType("ramp_plugin")
        >>> module.register_activations = register_activations
        >>> sys.modules["ramp_plugin"] = module
        >>> registry = activations.Registry(entry_points=[EntryPoint("ramp", "ramp_plugin", "activations")])
        >>> registry.get("max0")([-1.0, 2.0])
        array([0., 2.])
        >>> del sys.modules["ramp_plugin"]
        """
