"""Measure the classic comparison: sparsity, bias shift, vanishing gradients, convergence, dead units.

For each activation NAME (any spec: "relu", "leaky_relu(negative_slope=0.2)",
a third-party plugin's name): output statistics on x ~ N(0, 1), gradient norms
through a deep network at initialisation, and a training run on the 8x8
handwritten digits. Seeded: the same command gives the same numbers.

With --seeds N, every activation is measured with the seeds S, ..., S+N-1
(S from --seed), each run a dask task (the 'dask' extra), in local processes
or on the dask.distributed cluster whose scheduler is at --scheduler ADDRESS;
the table gives the mean and standard deviation across seeds, and --json
every run too.

With --learn, training also learns each activation's learnable parameters
(PReLU's weight, Leaky ReLU's slope, ...), one copy per hidden layer: the
table gives their final values, --json their path epoch by epoch, and the
figure draws it. --fixed NAME keeps an activation's parameters as its spec
gives them, to set a learned activation against a fixed one.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from ._output import write_json
from ._usage import UsageError

__all__ = [
    "HELP",
    "ProgressBar",
    "add_arguments",
    "check_at_least",
    "check_learning",
    "check_plot_target",
    "check_seeds",
    "run",
    "write_plot",
]

HELP = "measure sparsity, bias shift, gradient flow, speed, dead units"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``activations compare``.

    Examples
    --------
    >>> import argparse
    >>> from activations.cli._compare import add_arguments
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
    parser.add_argument(
        "--seeds",
        type=int,
        metavar="N",
        help="run each activation with seeds S..S+N-1 as dask tasks; report mean and spread (needs 'dask')",
    )
    parser.add_argument(
        "--learn",
        action="store_true",
        help="also learn the activations' learnable parameters, per hidden layer, with the same SGD",
    )
    parser.add_argument(
        "--fixed",
        action="append",
        default=[],
        metavar="NAME",
        help="with --learn: keep this activation's parameters fixed (repeatable)",
    )
    parser.add_argument(
        "--scheduler",
        metavar="WHERE",
        help="with --seeds: 'processes' (default), 'threads', 'synchronous', "
        "or a dask.distributed scheduler ADDRESS such as tcp://10.0.0.5:8786",
    )


def check_at_least(option: str, value: int, low: int) -> None:
    """Raise a `UsageError` when an integer option is below ``low``.

    Examples
    --------
    >>> from activations.cli._compare import check_at_least
    >>> check_at_least("--depth", 0, 1)
    Traceback (most recent call last):
    ...
    activations.cli.UsageError: --depth must be at least 1, got 0
    """
    if value < low:
        raise UsageError(f"{option} must be at least {low}, got {value}")


def check_learning(learn: bool, fixed: list[str], names: list[str]) -> tuple[str, ...]:
    """Check ``--learn`` and ``--fixed`` before any measurement; return the canonical fixed names.

    Examples
    --------
    >>> from activations.cli._compare import check_learning
    >>> check_learning(True, ["LeakyReLU"], ["prelu", "leaky_relu(negative_slope=0.25)"])
    ('leaky_relu',)
    >>> check_learning(False, ["relu"], ["relu"])
    Traceback (most recent call last):
    ...
    activations.cli.UsageError: --fixed needs --learn
    """
    if not fixed:
        return ()
    if not learn:
        raise UsageError("--fixed needs --learn")
    import activations

    compared = {activations.get(name).name for name in names}
    canonical = []
    for name in fixed:
        found = activations.get(name).name
        if found not in compared:
            raise UsageError(
                f"--fixed {name}: not among the activations compared ({', '.join(sorted(compared))})"
            )
        canonical.append(found)
    return tuple(sorted(set(canonical)))


def check_seeds(seeds: int | None, scheduler: str | None) -> str | None:
    """Check ``--seeds`` and ``--scheduler`` before any measurement; return the scheduler to use.

    Raises a `UsageError` for a bad value, for ``--scheduler`` without
    ``--seeds``, or when the ``dask`` extra (or ``distributed``, for an
    address) is missing.

    Examples
    --------
    >>> from activations.cli._compare import check_seeds
    >>> check_seeds(None, None), check_seeds(3, None), check_seeds(3, "tcp://10.0.0.5:8786")
    (None, 'processes', 'tcp://10.0.0.5:8786')
    >>> check_seeds(None, "processes")
    Traceback (most recent call last):
    ...
    activations.cli.UsageError: --scheduler needs --seeds
    """
    from ..backends.dask import LOCAL_SCHEDULERS, check_scheduler, require_dask, require_distributed

    if seeds is None:
        if scheduler is not None:
            raise UsageError("--scheduler needs --seeds")
        return None
    check_at_least("--seeds", seeds, 1)
    scheduler = "processes" if scheduler is None else scheduler
    try:
        check_scheduler(scheduler)
    except ValueError:
        raise UsageError(
            f"--scheduler must be {', '.join(LOCAL_SCHEDULERS)} or a dask.distributed scheduler address "
            f"such as tcp://10.0.0.5:8786, got {scheduler!r}"
        ) from None
    try:
        require_dask("--seeds")
        if scheduler not in LOCAL_SCHEDULERS:
            require_distributed("--scheduler ADDRESS")
    except ModuleNotFoundError as exc:
        raise UsageError(str(exc)) from None
    return scheduler


def check_plot_target(path: str) -> None:
    """Fail early, before any measurement, when the figure cannot be written.

    Raises a `UsageError` when matplotlib is missing (naming the ``plot``
    extra), when the extension of ``path`` names no format matplotlib writes,
    or when the directory of ``path`` does not exist.

    Examples
    --------
    >>> from activations.cli._compare import check_plot_target
    >>> check_plot_target("/no/such/dir/f.png")
    Traceback (most recent call last):
    ...
    activations.cli.UsageError: cannot write the figure '/no/such/dir/f.png': no directory '/no/such/dir'
    >>> check_plot_target("f.docx")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    activations.cli.UsageError: cannot write a figure to 'f.docx': matplotlib writes ...
    """
    from ..analysis import figure_format

    try:
        figure_format(path)
    except (ModuleNotFoundError, ValueError) as exc:
        raise UsageError(str(exc)) from None
    parent = Path(path).parent
    if not parent.is_dir():
        raise UsageError(f"cannot write the figure {path!r}: no directory {str(parent)!r}")


def write_plot(draw: Callable[[str], None], path: str) -> None:
    """Call ``draw(path)``, turning a failure to write into a `UsageError`.

    Examples
    --------
    >>> from activations.cli._compare import write_plot
    >>> def fail(path):
    ...     raise PermissionError(13, "Permission denied")
    >>> write_plot(fail, "f.png")
    Traceback (most recent call last):
    ...
    activations.cli.UsageError: cannot write the figure 'f.png': Permission denied
    """
    try:
        draw(path)
    except OSError as exc:
        raise UsageError(f"cannot write the figure {path!r}: {exc.strerror or exc}") from None


class ProgressBar:
    r"""A one-line progress bar on a terminal stream (stderr), redrawn in place.

    Examples
    --------
    >>> import io
    >>> from activations.cli._compare import ProgressBar
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
    scheduler = check_seeds(args.seeds, args.scheduler)
    fixed = check_learning(args.learn, args.fixed, args.names)
    if args.plot is not None:
        check_plot_target(args.plot)

    from .. import analysis
    from ..backends.dask import LOCAL_SCHEDULERS

    bar = ProgressBar(sys.stderr) if sys.stderr.isatty() else None
    started = time.perf_counter()
    try:
        sweep: dict[str, Any] = {} if args.seeds is None else {"seeds": args.seeds, "scheduler": scheduler}
        report = analysis.compare(
            args.names,
            depth=args.depth,
            epochs=args.epochs,
            seed=args.seed,
            learn=args.learn,
            fixed=fixed,
            progress=bar,
            **sweep,
        )
    except OSError as exc:
        if args.seeds is None or scheduler in LOCAL_SCHEDULERS:
            raise
        # a cluster that cannot be reached (distributed raises OSError once its connect timeout is up)
        raise UsageError(f"cannot reach the dask scheduler at {scheduler}: {exc}") from None
    finally:
        if bar is not None:
            bar.close()
    if args.plot is not None:
        write_plot(report.plot, args.plot)
    if args.json:
        write_json(report.to_dict())
    else:
        print(report.to_markdown())
    elapsed = time.perf_counter() - started
    if args.plot is not None:
        print(f"wrote {args.plot}", file=sys.stderr)
    if bar is not None:
        print(f"measured {len(args.names)} activation(s) in {elapsed:.1f} s", file=sys.stderr)
    return 0
