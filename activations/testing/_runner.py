"""Running the kit: `CHECKS` in order, `check_activation` and its report, `parametrize_with_checks`."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal

from .._lazy import public
from ._backend_checks import check_on_backend
from ._contract_checks import (
    check_contract,
    check_dtypes,
    check_layouts,
    check_no_mutation,
    check_out,
    check_shapes,
    check_special_values,
)
from ._framework_checks import FRAMEWORK_CHECKS, require_frameworks
from ._gradient_checks import (
    check_backward_finite_differences,
    check_backward_matches_derivative,
    check_parameter_gradients,
)
from ._harness import DEFAULT_DTYPES, CheckFunction
from ._property_checks import (
    check_identity_near_origin,
    check_kinks,
    check_monotonic,
    check_output_range,
    check_saturating,
    check_smoothness,
    check_sparse,
    check_zero_centered,
)

__all__ = ["CHECKS", "CheckReport", "CheckResult", "check_activation", "parametrize_with_checks"]


#: Every check by name, in the order `check_activation` runs them (read-only): the
#: contract and the input policy first, then backward, then the declared properties.
CHECKS: Mapping[str, CheckFunction] = MappingProxyType(
    {
        check.__name__: check
        for check in (
            check_contract,
            check_dtypes,
            check_shapes,
            check_out,
            check_no_mutation,
            check_layouts,
            check_special_values,
            check_backward_finite_differences,
            check_backward_matches_derivative,
            check_parameter_gradients,
            check_output_range,
            check_monotonic,
            check_zero_centered,
            check_sparse,
            check_kinks,
            check_smoothness,
            check_saturating,
            check_identity_near_origin,
        )
    }
)


@public("activations.testing")
@dataclass(frozen=True, kw_only=True)
class CheckResult:
    """The outcome of one check on one activation.

    Parameters
    ----------
    check : str
        The check's name, e.g. ``"check_monotonic"``.
    passed : bool
        Whether it passed.
    message : str
        Why it failed (the `AssertionError`'s message); empty when it passed.
    seconds : float
        How long it took.

    Examples
    --------
    >>> from activations.testing import check_activation
    >>> report = check_activation("relu", checks=["check_monotonic"])
    >>> result = report.results[0]
    >>> result.check, result.passed, result.message
    ('check_monotonic', True, '')
    """

    check: str
    passed: bool
    message: str = ""
    seconds: float = 0.0


@public("activations.testing")
@dataclass(frozen=True, kw_only=True)
class CheckReport:
    """What `check_activation` ran on one activation, and how each check went.

    Parameters
    ----------
    activation : str
        The activation's spec (its ``repr``), e.g. ``"leaky_relu(negative_slope=0.2)"``.
    results : tuple of CheckResult
        One per check, in the order they ran.

    Examples
    --------
    >>> from activations.testing import check_activation
    >>> report = check_activation("sigmoid", checks=["check_contract", "check_sparse"])
    >>> report.passed, report.failures
    (True, ())
    >>> print(report)
    sigmoid: 2 of 2 checks passed
      pass  check_contract
      pass  check_sparse
    """

    activation: str
    results: tuple[CheckResult, ...]

    @property
    def passed(self) -> bool:
        """True when every check passed."""
        return all(r.passed for r in self.results)

    @property
    def failures(self) -> tuple[CheckResult, ...]:
        """The checks that failed."""
        return tuple(r for r in self.results if not r.passed)

    @property
    def seconds(self) -> float:
        """Time spent in all the checks."""
        return sum(r.seconds for r in self.results)

    def __str__(self) -> str:
        passed = sum(r.passed for r in self.results)
        lines = [f"{self.activation}: {passed} of {len(self.results)} checks passed"]
        for r in self.results:
            lines.append(f"  {'pass' if r.passed else 'FAIL'}  {r.check}")
            lines.extend(f"        {line}" for line in r.message.splitlines())
        return "\n".join(lines)


def _select(checks: Iterable[str | CheckFunction] | None) -> list[tuple[str, CheckFunction]]:
    if checks is None:
        return list(CHECKS.items())
    if isinstance(checks, str):
        checks = [checks]
    selected = []
    for check in checks:
        if callable(check):
            selected.append((getattr(check, "__name__", repr(check)), check))
        elif check in CHECKS:
            selected.append((check, CHECKS[check]))
        else:
            raise ValueError(f"unknown check {check!r}; the checks are: {', '.join(CHECKS)}")
    return selected


@public("activations.testing")
def check_activation(
    activation: Any,
    *,
    checks: Iterable[str | CheckFunction] | None = None,
    dtypes: Iterable[Any] = DEFAULT_DTYPES,
    rtol: float = 0.0,
    on_fail: Literal["raise"] | None = "raise",
    backends: Iterable[str] = (),
    frameworks: Iterable[str] = (),
) -> CheckReport:
    """Run the conformance kit on one activation.

    Parameters
    ----------
    activation : str, dict or activation
        Anything `activations.get` accepts: a name, a spec string or dict, a
        plugin instance or a bound activation. It must be registered for
        `check_contract` to rebuild it from its ``config``.
    checks : iterable of str or callable, optional
        The checks to run, by name (see `CHECKS`) or as functions; all of them
        by default, in the order of `CHECKS`.
    dtypes : iterable of dtype-like
        The floating dtypes to check in (float64 is used by the numerical
        checks regardless).
    rtol : float
        Relative tolerance allowed on top of the one each numerical comparison
        derives from its step and from rounding (finite differences, backward
        against the derivative, each dtype against float64).
    backends : iterable of str
        Array backends to check the activation on as well, against NumPy
        (`check_on_backend`): ``"stand-in"`` (the CPU stand-in for a GPU
        array) or ``"cupy"``; each adds one result, ``check_on_backend[NAME]``.
    on_fail : {"raise", None}
        ``"raise"``: raise one `AssertionError` listing every failed check.
        None: return the report whatever the outcome (the command line does).
    frameworks : iterable of {"torch", "jax"}
        Also run the adapter check of each framework named, after the other
        checks: `check_torch_adapter` (opcheck and gradcheck) and
        `check_jax_adapter` (jit, grad and vmap). Each needs its framework.

    Returns
    -------
    CheckReport
        Every check run, with its outcome and time.

    Raises
    ------
    AssertionError
        When a check fails and ``on_fail="raise"``; the message lists each
        failed check with its explanation.
    ActivationError
        When ``activation`` is not a valid spec (e.g. an unknown name).
    ModuleNotFoundError
        When a framework of ``frameworks`` is not installed; the message says
        what to install (nothing has run).

    Examples
    --------
    >>> from activations.testing import check_activation
    >>> report = check_activation("relu")
    >>> from activations.testing import CHECKS
    >>> report.passed, len(report.results) == len(CHECKS)
    (True, True)
    >>> import activations
    >>> class Rounded(activations.BaseActivation):
    ...     '''A sigmoid that claims to be zero-centred.'''
    ...     name = "rounded"
    ...     properties = activations.Properties(
    ...         output_range=(0.0, 1.0), monotonic=True, zero_centered=True,
    ...         sparse=False, smoothness=float("inf"), saturating="both")
    ...     def forward(self, x, /, *, out=None):
    ...         return activations.get("sigmoid").plugin.forward(x, out=out)
    ...     def derivative(self, x, /, *, out=None):
    ...         return activations.get("sigmoid").plugin.derivative(x, out=out)
    >>> two = ["check_zero_centered", "check_monotonic"]
    >>> with activations.registered(Rounded, name="rounded"):
    ...     check_activation("rounded", checks=two)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: rounded: 1 of 2 checks failed
    check_zero_centered(rounded): declared zero_centered=True, but f(0) = 0.5 and f(-0) = 0.5 in float16, ...
    """
    __tracebackhide__ = True  # pytest shows the user's test, not the kit
    import activations

    act = activations.get(activation)
    if isinstance(backends, str):
        backends = (backends,)
    selected = _select(checks) + [
        (f"check_on_backend[{b}]", functools.partial(check_on_backend, backend=b)) for b in backends
    ]
    for framework in require_frameworks(frameworks):
        check = FRAMEWORK_CHECKS[framework]
        selected.append((check.__name__, check))
    results = []
    for name, check in selected:
        start = time.perf_counter()
        try:
            check(act, dtypes=dtypes, rtol=rtol)
        except AssertionError as exc:
            results.append(
                CheckResult(check=name, passed=False, message=str(exc), seconds=time.perf_counter() - start)
            )
        else:
            results.append(CheckResult(check=name, passed=True, seconds=time.perf_counter() - start))
    report = CheckReport(activation=repr(act), results=tuple(results))
    if on_fail == "raise" and not report.passed:
        failed = report.failures
        lines = [f"{report.activation}: {len(failed)} of {len(results)} checks failed"]
        lines.extend(r.message for r in failed)
        raise AssertionError("\n".join(lines))
    if on_fail not in ("raise", None):
        raise ValueError(f"on_fail must be 'raise' or None, got {on_fail!r}")
    return report


class _Check:
    """One check with its options, as `parametrize_with_checks` hands it to a test."""

    def __init__(self, name: str, function: CheckFunction, dtypes: tuple[Any, ...], rtol: float) -> None:
        self.name, self.function, self.dtypes, self.rtol = name, function, dtypes, rtol

    def __call__(self, activation: Any) -> None:
        __tracebackhide__ = True  # pytest shows the user's test, not the kit
        self.function(activation, dtypes=self.dtypes, rtol=self.rtol)

    def __repr__(self) -> str:
        return self.name


@public("activations.testing")
def parametrize_with_checks(
    activations: Iterable[Any],
    *,
    checks: Iterable[str | CheckFunction] | None = None,
    dtypes: Iterable[Any] = DEFAULT_DTYPES,
    rtol: float = 0.0,
    expected_failures: Mapping[str, str] | Callable[[Any], Mapping[str, str]] | None = None,
) -> Any:
    """A ``pytest.mark.parametrize`` giving one test per check per activation.

    The decorated test takes the arguments ``activation`` (a bound
    activation) and ``check`` (call it on the activation); test ids read
    ``<spec>-<check>``, e.g. ``leaky_relu(negative_slope=0.2)-check_kinks``.

    Parameters
    ----------
    activations : iterable of specs
        Names, spec strings, dicts or activation instances (see `check_activation`).
    checks, dtypes, rtol
        As for `check_activation`.
    expected_failures : mapping or callable, optional
        ``{check name: reason}`` of checks known to fail, marked ``xfail``
        (strictly: they fail the run once they pass); a callable receives
        each bound activation and returns such a mapping.

    Returns
    -------
    pytest.MarkDecorator

    Examples
    --------
    >>> from activations.testing import parametrize_with_checks
    >>> mark = parametrize_with_checks(["relu", "leaky_relu(negative_slope=0.2)"], checks=["check_kinks"])
    >>> mark.args[0]
    ('activation', 'check')
    >>> [p.id for p in mark.args[1]]
    ['relu-check_kinks', 'leaky_relu(negative_slope=0.2)-check_kinks']
    """
    import pytest

    import activations as _activations

    dtypes = tuple(dtypes)
    selected = _select(checks)
    params = []
    for spec in activations:
        act = _activations.get(spec)
        known = expected_failures(act) if callable(expected_failures) else (expected_failures or {})
        unknown = set(known) - set(CHECKS) - {name for name, _ in selected}
        if unknown:
            raise ValueError(
                f"expected_failures names unknown checks {sorted(unknown)}; "
                f"the checks are: {', '.join(CHECKS)}"
            )
        for name, function in selected:
            marks = [pytest.mark.xfail(reason=known[name], strict=True)] if name in known else []
            params.append(
                pytest.param(act, _Check(name, function, dtypes, rtol), id=f"{act!r}-{name}", marks=marks)
            )
    return pytest.mark.parametrize(("activation", "check"), params)
