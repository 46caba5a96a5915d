"""Show one activation: formula, parameters, aliases, properties and provider.

NAME may be a spec such as "leaky_relu(negative_slope=0)": the parameters and
properties shown are then those of that activation.
"""

from __future__ import annotations

import argparse

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
    if args.json:
        write_json(info_dict(info))
    else:
        print(info)
    return 0
