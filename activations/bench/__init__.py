"""The timing engine of ``activations bench`` and ``benchmarks/``, and the yardsticks it times against.

Nothing here compares times taken at different moments: `interleave` runs
every case of one measurement once per round, in an order rotated from round
to round, and a ratio is the median over the rounds of the per-round ratio.
`bench_activation` times one activation against the memory floor and any
competitor: the plain NumPy/SciPy formulas (`numpy_competitor`,
`scipy_competitor`) and PyTorch on one thread (`torch_competitor`), each found
by the activation's registry name and honouring its parameters. `format_table`
and `parse_size` are the tables' helpers that ``benchmarks/`` shares with the
command line. NumPy only: PyTorch and SciPy are imported when a competitor is
built.

Examples
--------
>>> import activations
>>> from activations import bench
>>> rows = bench.bench_activation(activations.get("relu"), size=1000, dtype="float64",
...                               settings=bench.QUICK)
>>> [row.direction for row in rows]
['forward', 'backward']
"""

from ._engine import (
    CLOCKS,
    FULL,
    QUICK,
    Row,
    Samples,
    Settings,
    bench_activation,
    calibrate,
    call_overhead,
    interleave,
    machine,
    make_inputs,
)
from ._engine import (
    Competitor as Competitor,  # the type of a yardstick, for annotations (not in __all__: an alias)
)
from ._table import format_table, parse_size
from ._torch import TORCH_NAMES, TORCH_NOTE, torch_available, torch_competitor
from ._yardsticks import NUMPY_FORMULAS, PARAMETERS, SCIPY_FORMULAS, numpy_competitor, scipy_competitor

__all__ = [
    "CLOCKS",
    "FULL",
    "NUMPY_FORMULAS",
    "PARAMETERS",
    "QUICK",
    "SCIPY_FORMULAS",
    "TORCH_NAMES",
    "TORCH_NOTE",
    "Row",
    "Samples",
    "Settings",
    "bench_activation",
    "call_overhead",
    "calibrate",
    "format_table",
    "interleave",
    "machine",
    "make_inputs",
    "numpy_competitor",
    "parse_size",
    "scipy_competitor",
    "torch_available",
    "torch_competitor",
]
