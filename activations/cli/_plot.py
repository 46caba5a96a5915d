"""Draw f and f' of one or more activations into a PNG file (needs the 'plot' extra)."""

from __future__ import annotations

import argparse
import sys

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``activations plot``.

    Examples
    --------
    >>> import argparse
    >>> from activations.cli._plot import add_arguments
    >>> parser = argparse.ArgumentParser()
    >>> add_arguments(parser)
    >>> parser.parse_args(["relu", "-o", "f.png"]).output
    'f.png'
    """
    parser.add_argument("names", nargs="+", metavar="NAME", help="activations to draw (names or specs)")
    parser.add_argument("-o", "--output", metavar="FILE", required=True, help="the PNG file to write")


def run(args: argparse.Namespace) -> int:
    """Run ``activations plot``; return the exit code.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from activations.cli import main
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     main(["plot", "relu", "tanh", "-o", str(pathlib.Path(tmp) / "f.png")])
    0
    """
    from .._registry import default_registry
    from ..analysis._plots import draw_curves
    from ._compare import check_plot_target, write_plot

    check_plot_target(args.output)
    registry = default_registry()
    acts = [registry.get(name) for name in args.names]
    write_plot(lambda path: draw_curves(acts, path), args.output)
    print(f"wrote {args.output}", file=sys.stderr)
    return 0
