"""The tables of ``activations bench`` and ``benchmarks/``: sizes read, rows rendered."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

__all__ = ["format_table", "parse_size"]


def parse_size(text: str, option: str = "--size") -> int:
    """A size written as a positive whole number (``1e5`` is accepted), or a ValueError naming ``option``.

    Examples
    --------
    >>> from activations.bench import parse_size
    >>> parse_size("1e5"), parse_size("4096")
    (100000, 4096)
    >>> parse_size("1.5")
    Traceback (most recent call last):
    ...
    ValueError: --size must be a positive whole number such as 100000 or 1e5, got '1.5'
    """
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value >= 1 and value == int(value) and value <= 2**40):
        raise ValueError(f"{option} must be a positive whole number such as 100000 or 1e5, got {text!r}")
    return int(value)


def _ratio(value: float | None) -> str:
    return "-" if value is None or not math.isfinite(value) else f"{value:.2f}"


def format_table(rows: Iterable[Any], *, markdown: bool = False, competitors: Sequence[str] = ()) -> str:
    """Render `Row` objects as an aligned text table or a Markdown table.

    Examples
    --------
    >>> from activations.bench import Row, format_table
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
