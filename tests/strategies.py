"""Hypothesis strategies shared by the property-based tests."""

from __future__ import annotations

import numpy as np
from accuracy_tools import CASES
from hypothesis import strategies as st

import activations

#: Every registered activation with its defaults, then the non-default parameters the
#: accuracy harness also covers (they change the declared properties of some).
SPECS: list[str] = [*activations.names(), *(case.spec for case in CASES if case.params)]

DTYPES = (np.float32, np.float64)


def reals(dtype: type[np.floating], *, bound: float | None = None) -> st.SearchStrategy[float]:
    """Finite values of ``dtype`` (subnormals included), optionally within ``[-bound, bound]``."""
    width = 32 if dtype is np.float32 else 64
    if bound is None:
        return st.floats(allow_nan=False, allow_infinity=False, width=width)
    return st.floats(min_value=-bound, max_value=bound, allow_nan=False, width=width)


def arrays(dtype: type[np.floating], *, bound: float | None = None, max_size: int = 64) -> st.SearchStrategy:
    """1-d arrays of finite values of ``dtype``."""
    return st.lists(reals(dtype, bound=bound), min_size=1, max_size=max_size).map(
        lambda values: np.array(values, dtype=dtype)
    )


def ordered_pairs(dtype: type[np.floating], *, bound: float) -> st.SearchStrategy[tuple[float, float]]:
    """``(a, b)`` with ``a <= b``, both finite in ``dtype`` and within ``[-bound, bound]``."""
    return st.tuples(reals(dtype, bound=bound), reals(dtype, bound=bound)).map(lambda p: (min(p), max(p)))
