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
import json
import math
import sys
from collections.abc import Iterable, Sequence
from typing import Any

__all__ = ["add_arguments", "format_table", "parse_dtype", "parse_size", "run"]

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


def parse_size(text: str) -> int:
    """The ``--size`` value as a positive integer; ``1e5`` is accepted.

    Examples
    --------
    >>> from activations.cli._bench import parse_size
    >>> parse_size("1e5"), parse_size("4096")
    (100000, 4096)
    >>> parse_size("1.5")
    Traceback (most recent call last):
    ...
    activations.cli.UsageError: --size must be a positive whole number such as 100000 or 1e5, got '1.5'
    """
    from . import UsageError

    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value >= 1 and value == int(value) and value <= 2**40):
        raise UsageError(f"--size must be a positive whole number such as 100000 or 1e5, got {text!r}")
    return int(value)


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
    from . import UsageError

    if text is None:
        return _DTYPES
    if text not in _DTYPES:
        raise UsageError(f"--dtype must be float32 or float64, got {text!r}")
    return (text,)


def _ratio(value: float | None) -> str:
    return "-" if value is None or not math.isfinite(value) else f"{value:.2f}"


def format_table(rows: Iterable[Any], *, markdown: bool = False, competitors: Sequence[str] = ()) -> str:
    """Render `activations.bench._engine.Row` objects as an aligned text table or a Markdown table.

    Examples
    --------
    >>> from activations.bench._engine import Row
    >>> from activations.cli._bench import format_table
    >>> row = Row(activation="relu", direction="forward", size=1000, dtype="float32",
    ...           ns_per_element=0.5, floor_ratio=1.25, alloc_excess_ns=0.01, versus={"torch": 2.0})
    >>> print(format_table([row], markdown=True, competitors=["numpy", "torch"]))
    | activation | dtype | N | pass | ns/el | x floor | x numpy | x torch | +alloc ns/el |
    |---|---|---|---|---|---|---|---|---|
    | relu | float32 | 1e3 | forward | 0.500 | 1.25 | - | 2.00 | 0.010 |
    """
    header = ["activation", "dtype", "N", "pass", "ns/el", "x floor"]
    header += [f"x {c}" for c in competitors] + ["+alloc ns/el"]
    lines = []
    for r in rows:
        cells = [r.activation, r.dtype, _size_label(r.size), r.direction]
        cells += [f"{r.ns_per_element:.3f}", _ratio(r.floor_ratio)]
        cells += [_ratio(r.versus.get(c)) for c in competitors]
        cells.append(f"{r.alloc_excess_ns:.3f}")
        lines.append(cells)
    if markdown:
        out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        out += ["| " + " | ".join(cells) + " |" for cells in lines]
        return "\n".join(out)
    widths = [max(len(str(c)) for c in column) for column in zip(header, *lines, strict=True)]
    left = {0, 1, 3}  # text columns; numbers align right

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.ljust(w) if i in left else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    return "\n".join(line(cells) for cells in [header, *lines])


def _size_label(size: int) -> str:
    exponent = round(math.log10(size)) if size > 0 else 0
    return f"1e{exponent}" if 10**exponent == size else str(size)


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
    from . import UsageError

    size = parse_size(args.size)
    dtypes = parse_dtype(args.dtype)
    if args.rounds < 1:
        raise UsageError(f"--rounds must be at least 1, got {args.rounds}")

    from .. import _registry
    from ..bench import _engine as _bench
    from ..bench import _torch as _bench_torch
    from ..bench import _yardsticks as _bench_refs

    registry = _registry.default_registry()
    specs = args.names or registry.names()
    activations = [registry.get(spec) for spec in specs]  # unknown names fail here, before any timing
    settings = _bench.Settings(rounds=args.rounds, min_time=0.01)
    with_torch = _bench_torch.torch_available()
    finders = {"numpy": _bench_refs.numpy_competitor, "scipy": _bench_refs.scipy_competitor}
    if with_torch:
        finders["torch"] = _bench_torch.torch_competitor
    labels = list(finders)
    rows: list[_bench.Row] = []
    for act in activations:
        competitors: dict[str, _bench.Competitor] = {}
        for label, find in finders.items():
            if (competitor := find(act.config)) is not None:
                competitors[label] = competitor
        for dtype in dtypes:
            print(f"timing {act!r} {dtype} N={size}", file=sys.stderr)
            rows += _bench.bench_activation(
                act, size=size, dtype=dtype, settings=settings, competitors=competitors
            )
    info = _bench.machine(extra=("scipy", "torch", "pluggable-activations"))
    if args.json:
        document = {
            "settings": {"size": size, "dtypes": list(dtypes), "rounds": settings.rounds, "clock": "cpu"},
            "machine": info,
            "floors": {"forward": "np.copyto(o, x)", "backward": "np.multiply(g, x, out=o)"},
            "torch": _bench_torch.TORCH_NOTE if with_torch else None,
            "results": [r.to_dict() for r in rows],
        }
        json.dump(document, sys.stdout, indent=2, allow_nan=False)
        sys.stdout.write("\n")
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
        print(f"# {_bench_torch.TORCH_NOTE}")
    else:
        print("# PyTorch is not installed: no torch column")
    print(format_table(rows, competitors=labels))
    return 0
