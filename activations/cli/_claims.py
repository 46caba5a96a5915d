"""Fact-check the article's ten claims about ReLU: evidence, a verdict and the reason for each.

The article lists five advantages of ReLU (cheap, non-linear, no vanishing
gradient, faster convergence, sparse) and five disadvantages (dead units, no
derivative at 0, saturation, lost information, bias shift). Each is
measured, for the first NAME (the subject: relu by default) and the others
(sigmoid and tanh by default; a single NAME is set against sigmoid and
tanh), and judged by a rule written in code: holds, holds partly or does not
hold. The rules are printed under the table. Seeded, except the cost, a
ratio of times taken side by side.
"""

from __future__ import annotations

import argparse
import sys
import time

from ._compare import ProgressBar, check_at_least, check_plot_target, write_plot
from ._output import write_json

__all__ = ["DEFAULT", "HELP", "add_arguments", "run"]

HELP = "fact-check the article's ten claims about ReLU, with a verdict on each"

#: The activations checked when no NAME is given: ReLU against the two the article compares it with.
DEFAULT = ("relu", "sigmoid", "tanh")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``activations claims``.

    Examples
    --------
    >>> import argparse
    >>> from activations.cli._claims import add_arguments
    >>> parser = argparse.ArgumentParser()
    >>> add_arguments(parser)
    >>> parser.parse_args([]).names, parser.parse_args(["gelu", "--json"]).names
    ([], ['gelu'])
    """
    parser.add_argument(
        "names",
        nargs="*",
        metavar="NAME",
        help="the subject, then what it is set against (default: relu sigmoid tanh; "
        "a single NAME is set against sigmoid and tanh)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON document instead of the table")
    parser.add_argument(
        "--plot", metavar="FILE", help="also write a figure, one panel per claim (needs the 'plot' extra)"
    )
    parser.add_argument(
        "--epochs", type=int, default=30, metavar="E", help="training epochs on the digits (30)"
    )
    parser.add_argument("--seed", type=int, default=0, metavar="S", help="seed of every random draw (0)")
    parser.add_argument(
        "--rounds", type=int, default=15, metavar="R", help="timing rounds of the cost, side by side (15)"
    )


def run(args: argparse.Namespace) -> int:
    """Run ``activations claims``; return the exit code.

    Examples
    --------
    >>> from activations.cli import main
    >>> main(["claims", "relu", "--epochs", "1", "--rounds", "1"])  # doctest: +ELLIPSIS
    | claim | relu | sigmoid | tanh | verdict | why |
    ...
    0
    """
    check_at_least("--epochs", args.epochs, 1)
    check_at_least("--seed", args.seed, 0)
    check_at_least("--rounds", args.rounds, 1)
    if args.plot is not None:
        check_plot_target(args.plot)

    from .. import analysis, bench

    bar = ProgressBar(sys.stderr) if sys.stderr.isatty() else None
    started = time.perf_counter()
    try:
        report = analysis.fact_check(
            args.names or DEFAULT,
            epochs=args.epochs,
            seed=args.seed,
            timing=bench.Settings(rounds=args.rounds, min_time=bench.FULL.min_time),
            progress=bar,
        )
    finally:
        if bar is not None:
            bar.close()
    if args.plot is not None:
        write_plot(report.plot, args.plot)
    if args.json:
        write_json(report.to_dict())
    else:
        print(report.to_markdown())
    if args.plot is not None:
        print(f"wrote {args.plot}", file=sys.stderr)
    if bar is not None:
        print(
            f"checked {len(report.measurements)} activations in {time.perf_counter() - started:.1f} s",
            file=sys.stderr,
        )
    return 0
