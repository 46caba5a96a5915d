"""Show one activation: formula, parameters, aliases, properties, provider and implementation.

NAME may be a spec such as "leaky_relu(negative_slope=0)": the parameters and
properties shown are then those of that activation.
"""

from __future__ import annotations

import argparse
from typing import Any

from ._output import info_dict, write_json

__all__ = ["HELP", "add_arguments", "run"]

HELP = "show one activation: formula, parameters, aliases, properties"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``activations info``."""
    parser.add_argument(
        "name",
        metavar="NAME",
        help="a name, alias or spec such as 'leaky_relu(negative_slope=0)' (case, -, _ and space are folded)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON document")


def run(args: argparse.Namespace) -> int:
    """Run ``activations info``; return the exit code.

    Examples
    --------
    >>> from activations.cli import main
    >>> main(["info", "leaky_relu(negative_slope=0)"])  # doctest: +ELLIPSIS
    leaky_relu: Leaky ReLU: x for x >= 0, negative_slope * x below.
    ...
      parameters:  negative_slope=0.0
    ...
      monotonic: True; zero-centred: False; sparse: True; identity near 0: False
    ...
    0
    """
    import activations

    info = activations.describe(args.name)
    implementation = activations.get(args.name).implementation
    if args.json:
        write_json({**info_dict(info), "implementation": implementation})
    else:
        print(info)
        print(f"  implementation: {implementation_text(implementation)}")
    return 0


def implementation_text(implementation: dict[str, dict[str, Any]]) -> str:
    """`activations.BoundActivation.implementation` in words: each path and what it computes.

    Examples
    --------
    >>> from activations.cli._info import implementation_text
    >>> implementation_text({"forward": {"float32": "numpy", "float64": "numpy"}})
    'numpy'
    >>> implementation_text({"forward": {"float32": "compiled", "float64": "numpy"},
    ...                      "backward": {"float32": "compiled", "float64": "compiled"}})
    'compiled for forward in float32, backward; numpy for forward in float64'
    """
    paths: dict[str, list[str]] = {}
    for method, by_dtype in implementation.items():
        for path in dict.fromkeys(by_dtype.values()):
            dtypes = [dtype for dtype, p in by_dtype.items() if p == path]
            paths.setdefault(path, []).append(
                method if len(dtypes) == len(by_dtype) else f"{method} in {', '.join(dtypes)}"
            )
    if len(paths) == 1:
        return next(iter(paths))
    return "; ".join(f"{path} for {', '.join(methods)}" for path, methods in paths.items())
