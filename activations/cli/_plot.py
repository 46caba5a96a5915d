"""Draw f and f' of one or more activations into a figure file (needs the 'plot' extra).

The file's extension chooses the format: png, svg, pdf, or any other that
matplotlib writes.
"""

from __future__ import annotations

import argparse
import sys

from ._compare import check_plot_target, write_plot

__all__ = ["HELP", "add_arguments", "run"]

HELP = "draw f and f' into a figure file: png, svg, pdf ... (needs the plot extra)"


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
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        required=True,
        help="the figure to write; its extension names the format",
    )


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
    import activations
    from activations.analysis import plot_curves

    check_plot_target(args.output)
    acts = [activations.get(name) for name in args.names]
    write_plot(lambda path: plot_curves(acts, path), args.output)
    print(f"wrote {args.output}", file=sys.stderr)
    return 0
