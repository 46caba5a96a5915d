"""Measure the classic comparison: sparsity, bias shift, vanishing gradients, convergence, dead units.

For each activation NAME (any spec: "relu", "leaky_relu(negative_slope=0.2)",
a third-party plugin's name): output statistics on x ~ N(0, 1), gradient norms
through a deep network at initialisation, and a training run on the 8x8
handwritten digits. Seeded: the same command gives the same numbers.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

__all__ = ["ProgressBar", "add_arguments", "check_at_least", "check_plot_target", "run", "write_plot"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``activations compare``.

    Examples
    --------
    >>> import argparse
    >>> from activations._cli_compare import add_arguments
    >>> parser = argparse.ArgumentParser()
    >>> add_arguments(parser)
    >>> parser.parse_args(["relu", "tanh", "--epochs", "3"]).epochs
    3
    """
    parser.add_argument("names", nargs="+", metavar="NAME", help="activations to compare (names or specs)")
    parser.add_argument("--json", action="store_true", help="print one JSON document instead of the table")
    parser.add_argument("--plot", metavar="FILE", help="also write a PNG figure (needs the 'plot' extra)")
    parser.add_argument(
        "--depth", type=int, default=10, metavar="D", help="hidden layers of the gradient-flow network (10)"
    )
    parser.add_argument(
        "--epochs", type=int, default=30, metavar="E", help="training epochs on the digits (30)"
    )
    parser.add_argument("--seed", type=int, default=0, metavar="S", help="seed of every random draw (0)")


def check_at_least(option: str, value: int, low: int) -> None:
    """Raise a `UsageError` when an integer option is below ``low``.

    Examples
    --------
    >>> from activations._cli_compare import check_at_least
    >>> check_at_least("--depth", 0, 1)
    Traceback (most recent call last):
    ...
    activations.cli.UsageError: --depth must be at least 1, got 0
    """
    from .cli import UsageError

    if value < low:
        raise UsageError(f"{option} must be at least {low}, got {value}")


def check_plot_target(path: str) -> None:
    """Fail early, before any measurement, when the figure cannot be written.

    Raises a `UsageError` when matplotlib is missing (naming the ``plot``
    extra) or when the directory of ``path`` does not exist.

    Examples
    --------
    >>> from activations._cli_compare import check_plot_target
    >>> check_plot_target("/no/such/dir/f.png")
    Traceback (most recent call last):
    ...
    activations.cli.UsageError: cannot write the figure '/no/such/dir/f.png': no directory '/no/such/dir'
    """
    from ._plotting import require_matplotlib
    from .cli import UsageError

    try:
        require_matplotlib()
    except ModuleNotFoundError as exc:
        raise UsageError(str(exc)) from None
    parent = Path(path).parent
    if not parent.is_dir():
        raise UsageError(f"cannot write the figure {path!r}: no directory {str(parent)!r}")


def write_plot(draw: Callable[[str], None], path: str) -> None:
    """Call ``draw(path)``, turning a failure to write into a `UsageError`.

    Examples
    --------
    >>> from activations._cli_compare import write_plot
    >>> def fail(path):
    ...     raise PermissionError(13, "Permission denied")
    >>> write_plot(fail, "f.png")
    Traceback (most recent call last):
    ...
    activations.cli.UsageError: cannot write the figure 'f.png': Permission denied
    """
    from .cli import UsageError

    try:
        draw(path)
    except OSError as exc:
        raise UsageError(f"cannot write the figure {path!r}: {exc.strerror or exc}") from None


class ProgressBar:
    r"""A one-line progress bar on a terminal stream (stderr), redrawn in place.

    Examples
    --------
    >>> import io
    >>> from activations._cli_compare import ProgressBar
    >>> stream = io.StringIO()
    >>> bar = ProgressBar(stream, width=10)
    >>> bar(5, 10, "relu: training")
    >>> stream.getvalue()
    '\r[#####.....]  50% relu: training\x1b[K'
    """

    def __init__(self, stream: TextIO, *, width: int = 30) -> None:
        self.stream = stream
        self.width = width

    def __call__(self, done: int, total: int, message: str) -> None:
        filled = self.width * done // total if total else self.width
        percent = 100 * done // total if total else 100
        bar = "#" * filled + "." * (self.width - filled)
        self.stream.write(f"\r[{bar}] {percent:3d}% {message}\x1b[K")
        self.stream.flush()

    def close(self) -> None:
        """Erase the bar."""
        self.stream.write("\r\x1b[K")
        self.stream.flush()


def run(args: argparse.Namespace) -> int:
    """Run ``activations compare``; return the exit code.

    Examples
    --------
    >>> from activations.cli import main
    >>> main(["compare", "relu", "--epochs", "1", "--depth", "2", "--json"])  # doctest: +ELLIPSIS
    {
      "settings": {
    ...
    0
    """
    check_at_least("--depth", args.depth, 1)
    check_at_least("--epochs", args.epochs, 1)
    check_at_least("--seed", args.seed, 0)
    if args.plot is not None:
        check_plot_target(args.plot)

    from . import analysis

    bar = ProgressBar(sys.stderr) if sys.stderr.isatty() else None
    started = time.perf_counter()
    try:
        report = analysis.compare(
            args.names, depth=args.depth, epochs=args.epochs, seed=args.seed, progress=bar
        )
    finally:
        if bar is not None:
            bar.close()
    if args.plot is not None:
        write_plot(report.plot, args.plot)
    if args.json:
        json.dump(report.to_dict(), sys.stdout, indent=2, allow_nan=False, default=str)
        sys.stdout.write("\n")
    else:
        print(report.to_markdown())
    elapsed = time.perf_counter() - started
    if args.plot is not None:
        print(f"wrote {args.plot}", file=sys.stderr)
    if bar is not None:
        print(f"measured {len(args.names)} activation(s) in {elapsed:.1f} s", file=sys.stderr)
    return 0
