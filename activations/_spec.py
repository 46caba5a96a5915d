"""Spec strings and name folding: parsing only, nothing is ever evaluated.

A spec string is a name, optionally followed by keyword arguments whose
values are Python literals: ``"leaky_relu(negative_slope=0.2)"``. It is
parsed with :mod:`ast`; only literal nodes are accepted (numbers, strings,
booleans, None, and tuples/lists of those), so no name is looked up, nothing
is called and nothing is imported.
"""

from __future__ import annotations

import ast
import re
from typing import Any

import numpy as np

from ._errors import InvalidSpecError

__all__ = ["MAX_SPEC_LENGTH", "check_type", "fold", "parse_spec"]

MAX_SPEC_LENGTH = 512

_FOLD = re.compile(r"[-_\s]+")
_HEAD = re.compile(r"\s*([A-Za-z][A-Za-z0-9_\- ]*?)\s*(?:\((.*)\))?\s*\Z", re.DOTALL)
_LITERAL_NODES = (ast.Constant, ast.Tuple, ast.List, ast.UnaryOp, ast.USub, ast.UAdd, ast.Load)


def fold(name: str) -> str:
    """The lookup key of a name: case-folded, with runs of ``-``, ``_`` and space as ``_``.

    Examples
    --------
    >>> from activations._spec import fold
    >>> fold("Leaky-ReLU"), fold("leaky relu"), fold("LEAKY__RELU")
    ('leaky_relu', 'leaky_relu', 'leaky_relu')
    """
    return _FOLD.sub("_", name.strip()).casefold()


def _literal(node: ast.expr, spec: str, key: str) -> Any:
    for sub in ast.walk(node):
        if not isinstance(sub, _LITERAL_NODES) or (
            isinstance(sub, ast.UnaryOp) and not isinstance(sub.operand, ast.Constant)
        ):
            raise InvalidSpecError(
                f"spec {spec!r}: the value of {key!r} must be a literal "
                f"(number, string, True/False/None, or a tuple/list of them), got {ast.unparse(node)!r}",
                spec=spec,
            )
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError) as exc:
        raise InvalidSpecError(
            f"spec {spec!r}: the value of {key!r} is not a literal: {exc}", spec=spec
        ) from None


def parse_spec(spec: str) -> tuple[str, dict[str, Any]]:
    """Split a spec string into ``(name, parameters)`` without evaluating anything.

    Parameters
    ----------
    spec : str
        ``"name"`` or ``"name(key=literal, ...)"``, at most ``MAX_SPEC_LENGTH``
        characters.

    Returns
    -------
    tuple
        The name as written, and the keyword parameters.

    Raises
    ------
    InvalidSpecError
        For anything else: positional arguments, non-literal values, calls,
        attribute access, lambdas, or a spec that is too long.

    Examples
    --------
    >>> from activations._spec import parse_spec
    >>> parse_spec("leaky_relu(negative_slope=0.2)")
    ('leaky_relu', {'negative_slope': 0.2})
    >>> parse_spec("Leaky ReLU")
    ('Leaky ReLU', {})
    """
    cached = _PARSED.get(spec)
    if cached is not None:
        return cached[0], dict(cached[1])
    name, params = _parse(spec)
    if len(_PARSED) < _PARSED_MAX and all(_immutable(v) for v in params.values()):
        _PARSED[spec] = (name, params)
        params = dict(params)
    return name, params


#: Parsed specs by string, so that a spec in a loop is parsed once (about 10 us by `ast`).
#: Only specs whose values cannot be mutated are kept, since callers get a copy of the dict only.
_PARSED: dict[str, tuple[str, dict[str, Any]]] = {}
_PARSED_MAX = 1024


def _immutable(value: Any) -> bool:
    if isinstance(value, tuple):
        return all(_immutable(v) for v in value)
    return value is None or isinstance(value, (bool, int, float, complex, str, bytes))


def _parse(spec: str) -> tuple[str, dict[str, Any]]:
    """`parse_spec` without the cache."""
    if len(spec) > MAX_SPEC_LENGTH:
        raise InvalidSpecError(
            f"spec of {len(spec)} characters is too long; at most {MAX_SPEC_LENGTH} are accepted",
            spec=spec,
        )
    match = _HEAD.match(spec)
    if match is None:
        raise InvalidSpecError(
            f"spec {spec!r} is not of the form 'name' or 'name(key=value, ...)' with literal values",
            spec=spec,
        )
    name, args = match.group(1), match.group(2)
    if args is None or not args.strip():
        return name, {}
    try:
        call = ast.parse(f"f({args})", mode="eval").body
    except SyntaxError:
        raise InvalidSpecError(
            f"spec {spec!r}: cannot parse the arguments {args!r}; "
            "write them as key=value with literal values",
            spec=spec,
        ) from None
    if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Name) or call.func.id != "f":
        raise InvalidSpecError(
            f"spec {spec!r}: the arguments {args!r} are not a plain argument list", spec=spec
        )
    if call.args:
        raise InvalidSpecError(
            f"spec {spec!r}: positional arguments are not accepted; write them as key=value",
            spec=spec,
        )
    params: dict[str, Any] = {}
    for keyword in call.keywords:
        if keyword.arg is None:
            raise InvalidSpecError(
                f"spec {spec!r}: '**' is not accepted; write each argument as key=value", spec=spec
            )
        if keyword.arg in params:  # Python's compiler refuses this too; its parser does not
            raise InvalidSpecError(f"spec {spec!r}: the parameter {keyword.arg!r} is given twice", spec=spec)
        params[keyword.arg] = _literal(keyword.value, spec, keyword.arg)
    return name, params


def check_type(value: Any, default: Any) -> Any:
    """``value`` converted to the type of ``default``, or a TypeError saying what is allowed.

    A NumPy scalar counts as the Python number it holds (``np.float32(0.5)``
    is the real number 0.5).

    Examples
    --------
    >>> import numpy as np
    >>> from activations._spec import check_type
    >>> check_type(1, 0.5), check_type(np.float32(0.5), 0.25)
    (1.0, 0.5)
    >>> check_type(True, 0.5)
    Traceback (most recent call last):
    ...
    TypeError: expected a real number, got True
    """
    if isinstance(value, np.generic) and not isinstance(value, np.bool_):
        value = value.item()
    if isinstance(default, bool) or default is None:
        if isinstance(default, bool) and not isinstance(value, bool):
            raise TypeError(f"expected True or False, got {value!r}")
        return value
    if isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError(f"expected a real number, got {value!r}")
        return float(value)
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"expected an integer, got {value!r}")
        return value
    if isinstance(default, str) and not isinstance(value, str):
        raise TypeError(f"expected a string, got {value!r}")
    return value
