"""List the registered activations: name, summary and aliases (``--json``: every record)."""

from __future__ import annotations

import argparse

from ._output import info_dict, write_json

__all__ = ["HELP", "add_arguments", "run"]

HELP = "list the registered activations"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``activations list``."""
    parser.add_argument("--json", action="store_true", help="print one JSON document")


def run(args: argparse.Namespace) -> int:
    """Run ``activations list``; return the exit code.

    Examples
    --------
    >>> import contextlib, io
    >>> from activations.cli import main
    >>> with contextlib.redirect_stdout(io.StringIO()) as out:
    ...     code = main(["list"])
    >>> code, [line.split(None, 1) for line in out.getvalue().splitlines() if line.startswith("sigmoid ")]
    (0, [['sigmoid', 'Logistic sigmoid: 1 / (1 + exp(-x)). (aliases: logistic, expit)']])
    """
    import activations

    infos = [activations.describe(name) for name in activations.names()]
    if args.json:
        write_json({"activations": [info_dict(i) for i in infos]})
        return 0
    width = max(len(i.name) for i in infos)
    for i in infos:
        aliases = f" (aliases: {', '.join(i.aliases)})" if i.aliases else ""
        print(f"{i.name:<{width}}  {i.summary}{aliases}")
    return 0
