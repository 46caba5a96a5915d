"""Lazy public names for a package (Scientific Python's SPEC 1): each is imported on first use.

Also `public`, which makes a public object report the package users import
it from as its module, as NumPy's ``set_module`` does.

``import activations`` (and ``import activations.testing``, which the pytest
plugin does in every pytest run) then costs nothing: NumPy, pluggy and the
core are imported by the first lookup of a public name, which also stores
the object in the package's namespace so that later reads are plain
attribute reads.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

__all__ = ["attach", "public"]

T = TypeVar("T")


def public(package: str) -> Callable[[T], T]:
    """Decorator: the class or function reports ``package`` as its ``__module__``.

    Examples
    --------
    >>> from activations._lazy import public
    >>> @public("activations")
    ... def helper():
    ...     pass
    >>> helper.__module__
    'activations'
    """

    def mark(obj: T) -> T:
        obj.__module__ = package
        return obj

    return mark


def attach(package: str, exports: Mapping[str, str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for ``package``, whose public ``name`` is defined in ``exports[name]``.

    ``exports`` maps each public name to the module (relative to ``package``)
    that defines it (and marks the object `public` in ``package``).

    Examples
    --------
    >>> import types, sys
    >>> from activations._lazy import attach
    >>> demo = types.ModuleType("demo")
    >>> sys.modules["demo"] = demo
    >>> demo.__getattr__, demo.__dir__ = attach("demo", {"dumps": "json"})
    >>> demo.dumps([1]), "dumps" in vars(demo)
    ('[1]', True)
    >>> del sys.modules["demo"]
    """

    def __getattr__(name: str) -> Any:
        try:
            module = exports[name]
        except KeyError:
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        value = getattr(importlib.import_module(module, package), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(set(exports) | set(vars(sys.modules[package])))

    return __getattr__, __dir__
