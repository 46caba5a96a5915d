"""Run the conformance kit (`activations.testing`) on installed activations.

Prints a pass/fail table, one row per activation, then each failure's
explanation; ``--json`` prints one JSON document instead. ``--framework torch``
(or ``jax``) also runs the activation through that framework's adapter
(opcheck and gradcheck; jit, grad and vmap), which needs the framework
installed. Exit status: 0 when every check passed, 1 when one failed, 2 for a
user error (an unknown name or check, no NAME and no --all, a framework that
is not installed).
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import warnings
from typing import Any

from ._output import write_json
from ._usage import UsageError

__all__ = ["HELP", "add_arguments", "run"]

HELP = "run the conformance kit on installed activations"

_FRAMEWORK_NAMES = {"torch": "PyTorch", "jax": "JAX"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``check`` subcommand's arguments to ``parser``.

    Examples
    --------
    >>> import argparse
    >>> from activations.cli._check import add_arguments
    >>> parser = argparse.ArgumentParser()
    >>> add_arguments(parser)
    >>> parser.parse_args(["relu", "--check", "check_kinks", "--backend", "stand-in"]).backend
    ['stand-in']
    """
    parser.add_argument(
        "names", nargs="*", metavar="NAME",
        help="activations to check: names, aliases or specs such as 'leaky_relu(negative_slope=0.2)'",
    )  # fmt: skip
    parser.add_argument(
        "--all", action="store_true", help="check every registered activation (bundled and third-party)"
    )
    parser.add_argument(
        "--check", action="append", metavar="CHECK",
        help="run only this check (repeatable), e.g. check_kinks; default: all of them",
    )  # fmt: skip
    parser.add_argument(
        "--backend", action="append", metavar="BACKEND", choices=("stand-in", "cupy"),
        help="also check on this array backend against NumPy (repeatable): 'stand-in' (a CPU stand-in "
        "for a GPU array, anywhere) or 'cupy' (needs CuPy and a GPU); with --check none, only that",
    )  # fmt: skip
    parser.add_argument(
        "--framework", action="append", choices=("torch", "jax"), metavar="FRAMEWORK",
        help="also check the activation through this framework's adapter (torch or jax; repeatable): "
        "opcheck and gradcheck for torch, jit, grad and vmap for jax; needs the framework installed",
    )  # fmt: skip
    parser.add_argument("--json", action="store_true", help="print one JSON document")


def run(args: argparse.Namespace) -> int:
    """Run the kit as ``args`` asks; return the exit code (0 all passed, 1 a check failed).

    Raises
    ------
    activations.cli.UsageError
        No NAME and no ``--all``, an unknown check, or a ``--framework`` that is not installed.
    activations.ActivationError
        An unknown name or a bad spec (the command line exits with 2).

    Examples
    --------
    >>> from activations.cli import main
    >>> main(["check", "relu", "--check", "check_monotonic"])
    activation  result  checks
    relu        pass    1/1
    0
    """
    import activations
    from activations.testing import CHECKS, check_activation

    if not args.names and not args.all:
        raise UsageError("name at least one activation, or pass --all")
    if args.names and args.all:
        raise UsageError("give either NAME... or --all, not both")
    checks = [] if args.check == ["none"] else args.check
    unknown = [c for c in checks or () if c not in CHECKS]
    if unknown:
        raise UsageError(f"unknown check {unknown[0]!r}; the checks are: {', '.join(CHECKS)}, or none")
    backends = tuple(dict.fromkeys(args.backend or ()))
    frameworks = tuple(dict.fromkeys(args.framework or ()))
    if checks == [] and not backends and not frameworks:
        raise UsageError("--check none runs nothing without --backend or --framework")
    if "cupy" in backends:
        _require_cupy()
    missing = [f for f in frameworks if importlib.util.find_spec(f) is None]
    if missing:
        extra = missing[0]
        raise UsageError(
            f"--framework {extra} needs {_FRAMEWORK_NAMES[extra]}, which is not installed: "
            f"pip install 'pluggable-activations[{extra}]'"
        )
    registered = activations.names()  # plugins load here: a failure is a warning line on stderr
    specs: list[Any] = registered if args.all else list(args.names)
    bound, caught = [], []
    for spec in specs:  # every spec is valid before anything runs
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            bound.append(activations.get(spec))
        caught.append(seen)
    reports = []
    for act, seen in zip(bound, caught, strict=True):  # a plugin's own warnings go into its report
        with warnings.catch_warnings(record=True) as more:
            warnings.simplefilter("always")
            reports.append(
                check_activation(act, checks=checks, on_fail=None, backends=backends, frameworks=frameworks)
            )
        seen.extend(more)
    messages = [sorted({f"{w.category.__name__}: {w.message}" for w in seen}) for seen in caught]
    if args.json:
        document = {
            "passed": all(r.passed for r in reports),
            "activations": [
                {
                    "activation": r.activation,
                    "passed": r.passed,
                    "seconds": round(r.seconds, 4),
                    "warnings": seen,
                    "checks": [
                        {
                            "check": c.check,
                            "passed": c.passed,
                            "message": c.message,
                            "seconds": round(c.seconds, 4),
                        }
                        for c in r.results
                    ],
                }
                for r, seen in zip(reports, messages, strict=True)
            ],
        }
        write_json(document)
    else:
        _print_table(reports, messages)
    return 0 if all(r.passed for r in reports) else 1


def _require_cupy() -> None:
    """A usage error naming the package when CuPy, or a GPU for it, is missing."""
    try:
        found = importlib.import_module("cupy").cuda.runtime.getDeviceCount()
    except Exception as exc:
        why = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
        raise UsageError(
            f"--backend cupy needs CuPy and a CUDA device: pip install cupy-cuda12x "
            f"(the wheel for your CUDA version); {why}"
        ) from None
    if found < 1:
        raise UsageError("--backend cupy needs a CUDA device; CuPy found none")


def _print_table(reports: list[Any], caught: list[list[str]]) -> None:
    width = max(len("activation"), *(len(r.activation) for r in reports))
    print(f"{'activation':<{width}}  result  checks")
    for r, seen in zip(reports, caught, strict=True):
        passed = sum(c.passed for c in r.results)
        failed = ", ".join(c.check for c in r.failures)
        row = f"{r.activation:<{width}}  {'pass' if r.passed else 'FAIL':<6}  {passed}/{len(r.results)}"
        print(row + (f"  failed: {failed}" if failed else ""))
        for warning in seen:
            print(f"{'':<{width}}  warned: {warning}")
    failures = [c for r in reports for c in r.failures]
    if failures:
        print()
        for c in failures:
            print(c.message)
