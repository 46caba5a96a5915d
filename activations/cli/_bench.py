"""Time activations against the memory floor, plain NumPy and (if installed) PyTorch on one thread.

For each activation NAME (default: every registered one, third-party
included): ns per element of ``forward(x, out=o)`` and ``backward(x, g,
out=o)``; the ratio to the memory floor (``np.copyto(o, x)`` forward,
``np.multiply(g, x, out=o)`` backward); for the bundled catalogue, to the
fastest plain NumPy formula of equal accuracy and to the SciPy one-liner
(``expit`` ...); and to PyTorch with one thread when ``import torch`` works.
``+alloc`` is what the allocating call (no ``out=``) costs beyond one output
allocation. All measured interleaved in one run, in process CPU time: ratios
are medians of per-round ratios, so a busy machine blurs them less than it
blurs the times.
"""

from __future__ import annotations

import argparse
import sys

from ._output import write_json
from ._usage import UsageError

__all__ = ["HELP", "add_arguments", "parse_dtype", "run"]

HELP = "time activations against the memory floor and PyTorch if installed"

_DTYPES = ("float32", "float64")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``activations bench``.

    Examples
    --------
    >>> import argparse
    >>> from activations.cli._bench import add_arguments
    >>> parser = argparse.ArgumentParser()
    >>> add_arguments(parser)
    >>> args = parser.parse_args(["relu", "--size", "1e3", "--dtype", "float32"])
    >>> args.names, args.size, args.dtype
    (['relu'], '1e3', 'float32')
    """
    parser.add_argument(
        "names", nargs="*", metavar="NAME", help="activations to time (names or specs; default: all)"
    )
    parser.add_argument("--size", default="100000", help="elements per array, e.g. 100000 or 1e7 (1e5)")
    parser.add_argument("--dtype", help="float32 or float64 (default: both)")
    parser.add_argument("--rounds", type=int, default=7, help="interleaved rounds; medians are taken (7)")
    parser.add_argument("--json", action="store_true", help="print one JSON document instead of the table")


def parse_dtype(text: str | None) -> tuple[str, ...]:
    """The dtypes that ``--dtype`` selects (both when it is not given).

    Examples
    --------
    >>> from activations.cli._bench import parse_dtype
    >>> parse_dtype(None), parse_dtype("float32")
    (('float32', 'float64'), ('float32',))
    >>> parse_dtype("int8")
    Traceback (most recent call last):
    ...
    activations.cli.UsageError: --dtype must be float32 or float64, got 'int8'
    """
    if text is None:
        return _DTYPES
    if text not in _DTYPES:
        raise UsageError(f"--dtype must be float32 or float64, got {text!r}")
    return (text,)


def run(args: argparse.Namespace) -> int:
    """Run ``activations bench``; return the exit code.

    Examples
    --------
    >>> from activations.cli import main
    >>> main(["bench", "relu", "--size", "100", "--dtype", "float64", "--rounds", "1", "--json"])
    ... # doctest: +ELLIPSIS
    {
      "settings": {
    ...
    0
    """
    from ..bench import parse_size

    try:
        size = parse_size(args.size)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    dtypes = parse_dtype(args.dtype)
    if args.rounds < 1:
        raise UsageError(f"--rounds must be at least 1, got {args.rounds}")

    import activations
    from activations import bench

    registry = activations.default_registry()
    specs = args.names or registry.names()
    acts = [registry.get(spec) for spec in specs]  # unknown names fail here, before any timing
    settings = bench.Settings(rounds=args.rounds, min_time=0.01)
    with_torch = bench.torch_available()
    finders = {"numpy": bench.numpy_competitor, "scipy": bench.scipy_competitor}
    if with_torch:
        finders["torch"] = bench.torch_competitor
    labels = list(finders)
    rows: list[bench.Row] = []
    for act in acts:
        competitors: dict[str, bench.Competitor] = {}
        for label, find in finders.items():
            if (competitor := find(act.config)) is not None:
                competitors[label] = competitor
        for dtype in dtypes:
            print(f"timing {act!r} {dtype} N={size}", file=sys.stderr)
            rows += bench.bench_activation(
                act, size=size, dtype=dtype, settings=settings, competitors=competitors
            )
    info = bench.machine(extra=("scipy", "torch", "pluggable-activations"))
    if args.json:
        document = {
            "settings": {"size": size, "dtypes": list(dtypes), "rounds": settings.rounds, "clock": "cpu"},
            "machine": info,
            "floors": {"forward": "np.copyto(o, x)", "backward": "np.multiply(g, x, out=o)"},
            "torch": bench.TORCH_NOTE if with_torch else None,
            "results": [r.to_dict() for r in rows],
        }
        write_json(document)
        return 0
    versions = ", ".join(f"{k} {v}" for k, v in info["versions"].items() if v)
    print(f"# {info['cpu']}, {info['cores']} cores; {versions}; {info['date']}")
    print(
        f"# N = {size}, {settings.rounds} interleaved rounds of process CPU time, medians of per-round ratios"
    )
    print("# x floor: ours / np.copyto(o, x) (forward), / np.multiply(g, x, out=o) (backward)")
    print("# x numpy: ours / the fastest plain NumPy formula of equal accuracy; x scipy: ours / the SciPy")
    print("#   one-liner (expit, log_expit, logaddexp); x torch: ours / PyTorch. Below 1: we are faster.")
    print("# +alloc: allocating call minus out= call,")
    print("#   minus one ufunc allocation (np.positive(x) minus its out= form), ns/el: <= 0 meets the target")
    if with_torch:
        print(f"# {bench.TORCH_NOTE}")
    else:
        print("# PyTorch is not installed: no torch column")
    print(bench.format_table(rows, competitors=labels))
    return 0
