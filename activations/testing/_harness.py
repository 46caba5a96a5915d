"""The machinery of the conformance kit: the check decorator, safe calls, grids and messages.

The checks themselves live in ``_checks_policy.py`` (the contract and the
input policy) and ``_checks_maths.py`` (backward and the declared
properties); the public surface is `activations.testing`, which also fixes
their order. Every check takes an activation spec (anything
`activations.get` accepts), tests the activation as users hold it (bound,
so the core's input policy is checked too) and raises one `AssertionError`
whose message names the check, the activation, the input and what was
expected and got. A check proves
nothing beyond the inputs it tries: each docstring says what it covers and
what a numerical test cannot see. Every call into the activation runs under
NumPy's default error settings with warnings recorded: a warning, or an
exception, fails the check that triggered it and names the input.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, NoReturn

import numpy as np
from numpy.typing import NDArray

from activations import BoundActivation

__all__ = ["DEFAULT_DTYPES", "CheckFunction"]

Array = NDArray[Any]
F64 = np.dtype(np.float64)

#: The floating dtypes every check runs in unless told otherwise.
DEFAULT_DTYPES: tuple[str, ...] = ("float16", "float32", "float64")

CheckFunction = Callable[..., None]


_ERRSTATE = {"over": "warn", "divide": "warn", "invalid": "warn", "under": "ignore"}  # NumPy's defaults
# Structural sample: both signs, the origin, tiny and large magnitudes, a few tails.
_SAMPLE = np.array(
    [-30.0, -5.5, -3.0, -2.0, -1.0, -0.75, -0.5, -0.25, -1e-3, -1e-8, 0.0,
     1e-8, 1e-3, 0.25, 0.5, 0.75, 1.0, 2.0, 3.0, 5.5, 30.0]
)  # fmt: skip
_SAMPLE.flags.writeable = False  # never handed to an activation: copies only


@dataclass(frozen=True, kw_only=True)
class _Options:
    dtypes: tuple[np.dtype[Any], ...]
    rtol: float


class _CheckFailedError(AssertionError):
    """Raised inside a check; the wrapper prefixes the check and activation."""


def _fail(message: str) -> NoReturn:
    raise _CheckFailedError(message)


def _bind(activation: Any) -> BoundActivation:
    import activations

    return activations.get(activation)


def _dtypes(dtypes: Iterable[Any]) -> tuple[np.dtype[Any], ...]:
    if isinstance(dtypes, str):
        dtypes = (dtypes,)
    result = tuple(np.dtype(d) for d in dtypes)
    for d in result:
        if d.kind != "f" or d.itemsize > 8:
            raise ValueError(f"dtypes must be float16, float32 or float64, got {d}")
    return result


def _label(act: BoundActivation) -> str:
    """The activation's spec, or what can be said of it when its ``config`` is broken."""
    try:
        return repr(act)
    except Exception:
        return f"<{type(act.plugin).__qualname__} with a broken config>"


def _check(fn: Callable[[BoundActivation, _Options], None]) -> CheckFunction:
    """Make ``fn(act, options)`` a public check ``check(activation, /, *, dtypes, rtol)``."""
    name = fn.__name__

    @functools.wraps(fn)
    def check(activation: Any, /, *, dtypes: Iterable[Any] = DEFAULT_DTYPES, rtol: float = 0.0) -> None:
        __tracebackhide__ = True  # pytest shows the user's frames and the plugin's, not the kit's
        act = _bind(activation)
        options = _Options(dtypes=_dtypes(dtypes), rtol=float(rtol))
        try:
            with warnings.catch_warnings():
                # The kit's own arithmetic on infinities; the activation's warnings are recorded by _call.
                warnings.simplefilter("ignore", RuntimeWarning)
                fn(act, options)
        except AssertionError as exc:
            # Keep the plugin's exception (if any) as the cause, drop the kit's internal frames.
            raise AssertionError(f"{name}({_label(act)}): {exc}") from exc.__cause__
        except Exception as exc:
            raise AssertionError(
                f"{name}({_label(act)}): raised {type(exc).__name__}: {exc} "
                "(a defect of the activation or of the kit)"
            ) from exc

    del check.__wrapped__  # so that help() and inspect.signature show the public signature
    check.__module__ = "activations.testing"  # where users import it from

    check.__annotations__ = {
        "activation": "Any",
        "dtypes": "Iterable[Any]",
        "rtol": "float",
        "return": "None",
    }
    return check


# -- calling the activation ---------------------------------------------------
def _fmt(value: Any) -> str:
    """A number as its dtype prints it (shortest repr), e.g. ``0.1`` for float32 0.1.

    Examples
    --------
    >>> import numpy as np
    >>> from activations.testing._harness import _fmt
    >>> _fmt(np.float32(0.1)), _fmt(np.array([1.0, -0.0]))
    ('0.1', '[ 1., -0.]')
    """
    v = np.asarray(value)
    if v.ndim:
        return np.array2string(v, threshold=6, separator=", ")
    return str(v[()])


def _describe(value: Any) -> str:
    if isinstance(value, np.ndarray):
        if value.size == 1:
            return f"{_fmt(value.reshape(()))} ({value.dtype}, shape {value.shape})"
        return f"a {value.dtype} array of shape {value.shape}"
    return f"{type(value).__name__} {value!r}"


def _invoke(
    act: BoundActivation, method: str, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[Any, Any]:
    """(result, first warning or None), under NumPy's default error settings."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with np.errstate(**_ERRSTATE):  # type: ignore[arg-type]
            result = getattr(act, method)(*args, **kwargs)
    return result, (caught[0] if caught else None)


def _locate(act: BoundActivation, method: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    """Bisect 1-d array arguments down to one element that warns; describe it."""
    if not all(isinstance(a, np.ndarray) and a.ndim and a.shape == args[0].shape for a in args):
        return ""
    args = tuple(np.ravel(a) for a in args)
    kwargs = {k: np.ravel(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items() if k != "out"}
    lo, hi = 0, len(args[0])
    while hi - lo > 1:
        mid = (lo + hi) // 2

        def part(a: Any, start: int, stop: int) -> Any:
            return a[start:stop] if isinstance(a, np.ndarray) else a

        first = tuple(part(a, lo, mid) for a in args)
        kw = {k: part(v, lo, mid) for k, v in kwargs.items()}
        if _invoke(act, method, first, kw)[1] is not None:
            hi = mid
        else:
            lo = mid
    names = ("x", "grad_output")
    parts = [f"{n} = {_fmt(a[lo])}" for n, a in zip(names, args, strict=False)]
    return " at " + ", ".join(parts) + f" ({args[0].dtype})"


def _call(act: BoundActivation, method: str, *args: Any, **kwargs: Any) -> Any:
    """``act.method(*args, **kwargs)``; any exception or warning becomes a failure naming the input."""
    try:
        result, warning = _invoke(act, method, args, kwargs)
    except Exception as exc:
        inputs = ", ".join(_describe(a) for a in args)
        extra = "".join(f", {k}={_describe(v)}" for k, v in kwargs.items() if v is not None)
        readonly = any(isinstance(a, np.ndarray) and not a.flags.writeable for a in (*args, *kwargs.values()))
        hint = " (the input was read-only: does the plugin write into its input?)" if readonly else ""
        raise _CheckFailedError(
            f"{method}({inputs}{extra}) raised {type(exc).__name__}: {exc}{hint}"
        ) from exc
    if warning is not None:
        where = _locate(act, method, args, kwargs)
        _fail(
            f"{method}() emitted {warning.category.__name__} {str(warning.message)!r}{where}; "
            "expected no warning for any input under NumPy's default error settings"
        )
    return result


def _f(act: BoundActivation, x: Array) -> Array:
    return np.asarray(_call(act, "forward", x))


def _d(act: BoundActivation, x: Array) -> Array:
    return np.asarray(_call(act, "derivative", x))


def _same(a: Any, b: Any) -> Array:
    """Element-wise: equal, or both NaN."""
    a, b = np.asarray(a), np.asarray(b)
    return np.asarray((a == b) | (np.isnan(a) & np.isnan(b)))


def _ulp(value: Any, dtype: np.dtype[Any]) -> Array:
    """The spacing of ``dtype`` at ``|value|``, within a factor 2, in float64 (never inf)."""
    info = np.finfo(dtype)
    with np.errstate(invalid="ignore", over="ignore"):
        v = np.abs(np.asarray(value).astype(np.float64))
        return np.asarray(np.maximum(v * float(info.eps), float(info.smallest_subnormal)))


def _close_ulps(got: Any, want: Any, ulps: float) -> Array:
    """Element-wise: within ``ulps`` spacings of ``want``'s dtype (equal infinities, both NaN)."""
    got, want = np.asarray(got), np.asarray(want)
    dtype = want.dtype if want.dtype.kind == "f" else np.dtype(np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        diff = np.abs(got.astype(np.float64) - want.astype(np.float64))
        ok = diff <= ulps * _ulp(want, dtype)
    return np.asarray(ok | _same(got, want))


def _examples(mask: Array, *columns: tuple[str, Array], limit: int = 3, worst: Array | None = None) -> str:
    """``name = value, ...`` where ``mask`` is true: the first ``limit``, or those of largest ``worst``."""
    idx = np.flatnonzero(np.asarray(mask).ravel())
    if worst is not None:
        with np.errstate(invalid="ignore"):
            badness = np.nan_to_num(np.asarray(worst, dtype=np.float64).ravel()[idx], nan=np.inf)
        idx = idx[np.argsort(-badness, kind="stable")]
    rows = []
    for i in idx[:limit]:
        rows.append(", ".join(f"{name} = {_fmt(np.asarray(col).ravel()[i])}" for name, col in columns))
    more = f" (and {len(idx) - limit} more)" if len(idx) > limit else ""
    return "; ".join(rows) + more


def _wide_grid() -> Array:
    """Sorted float64 grid: step 1e-3 on [-10, 10], log-spaced out to 1e30 on both sides."""
    tail = np.geomspace(10.0, 1e30, 400)[1:]
    return np.concatenate([-tail[::-1], np.linspace(-10.0, 10.0, 20001), tail])


def _reach(act: BoundActivation) -> float:
    """Half-width of the grids that look for jumps: 10, or past the farthest kink."""
    kinks = act.properties.kinks
    return max(10.0, *(abs(k) + 2.0 for k in kinks)) if kinks else 10.0
