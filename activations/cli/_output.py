"""How the command line writes data: one JSON document on stdout, and records made JSON-ready."""

from __future__ import annotations

import json
import sys
from typing import Any

__all__ = ["finite_or_str", "info_dict", "properties_dict", "write_json"]


def write_json(data: Any) -> None:
    """Write ``data`` to stdout as one indented JSON document (no NaN or infinity in it).

    Examples
    --------
    >>> from activations.cli._output import write_json
    >>> write_json({"name": "relu", "kinks": [0.0]})
    {
      "name": "relu",
      "kinks": [
        0.0
      ]
    }
    """
    json.dump(data, sys.stdout, indent=2, allow_nan=False, default=str)
    sys.stdout.write("\n")


def finite_or_str(value: float) -> float | str:
    """JSON has no infinity: write it as the string "inf" or "-inf".

    Examples
    --------
    >>> from activations.cli._output import finite_or_str
    >>> finite_or_str(2.0), finite_or_str(float("-inf"))
    (2.0, '-inf')
    """
    if value in (float("inf"), float("-inf")):
        return "inf" if value > 0 else "-inf"
    return value


def properties_dict(props: Any) -> dict[str, Any]:
    """An `activations.Properties` record as JSON-ready data.

    Examples
    --------
    >>> import activations
    >>> from activations.cli._output import properties_dict
    >>> properties_dict(activations.get("relu").properties)["output_range"]
    [0.0, 'inf']
    """
    lo, hi = props.output_range
    return {
        "output_range": [finite_or_str(lo), finite_or_str(hi)],
        "monotonic": props.monotonic,
        "zero_centered": props.zero_centered,
        "sparse": props.sparse,
        "smoothness": finite_or_str(props.smoothness),
        "kinks": list(props.kinks),
        "saturating": props.saturating,
        "identity_near_origin": props.identity_near_origin,
    }


def info_dict(info: Any) -> dict[str, Any]:
    """An `activations.ActivationInfo` record as JSON-ready data.

    Examples
    --------
    >>> import activations
    >>> from activations.cli._output import info_dict
    >>> info_dict(activations.describe("swish"))["name"]
    'silu'
    """
    return {
        "name": info.name,
        "aliases": list(info.aliases),
        "summary": info.summary,
        "formula": info.formula,
        "parameters": dict(info.parameters),
        "learnable": list(info.learnable),
        "properties": properties_dict(info.properties),
        "plugin": info.plugin,
        "distribution": info.distribution,
        "version": info.version,
    }
