"""The ``activations`` command line.

Subcommands: ``list``, ``info NAME``, ``plugins`` here; ``check``, ``compare``,
``plot`` and ``bench`` live in ``_cli_<command>.py`` modules, each with an
``add_arguments(parser)`` and a ``run(args) -> int``, imported only when the
command line starts. Exit codes: 0 success, 1 a check or comparison failed,
2 a user error (unknown name, bad spec or option, missing extra), reported
as one line on stderr, never a traceback. Data goes to stdout (one JSON
document with ``--json``); progress and messages go to stderr.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Sequence
from typing import Any

from .._errors import ActivationError

__all__ = ["UsageError", "build_parser", "main"]

#: Subcommands implemented in their own modules: name -> (module, help).
EXTERNAL_COMMANDS: dict[str, tuple[str, str]] = {
    "compare": ("activations.cli._compare", "measure sparsity, bias shift, gradient flow, speed, dead units"),
    "plot": ("activations.cli._plot", "draw f and f' into a PNG file (needs the plot extra)"),
    "check": ("activations.cli._check", "run the conformance kit on installed activations"),
    "bench": ("activations.cli._bench", "time activations against the memory floor and PyTorch if installed"),
}


class UsageError(Exception):
    """A user error: printed as one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse's own usage errors: exit 2 without a traceback
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


def _json(data: Any) -> None:
    json.dump(data, sys.stdout, indent=2, allow_nan=False, default=str)
    sys.stdout.write("\n")


def _properties(props: Any) -> dict[str, Any]:
    lo, hi = props.output_range
    return {
        "output_range": [_finite_or_str(lo), _finite_or_str(hi)],
        "monotonic": props.monotonic,
        "zero_centered": props.zero_centered,
        "sparse": props.sparse,
        "smoothness": _finite_or_str(props.smoothness),
        "kinks": list(props.kinks),
        "saturating": props.saturating,
        "identity_near_origin": props.identity_near_origin,
    }


def _finite_or_str(value: float) -> float | str:
    """JSON has no infinity: write it as the string "inf" or "-inf"."""
    if value in (float("inf"), float("-inf")):
        return "inf" if value > 0 else "-inf"
    return value


def _info_dict(info: Any) -> dict[str, Any]:
    return {
        "name": info.name,
        "aliases": list(info.aliases),
        "summary": info.summary,
        "formula": info.formula,
        "parameters": dict(info.parameters),
        "properties": _properties(info.properties),
        "plugin": info.plugin,
        "distribution": info.distribution,
        "version": info.version,
    }


def _cmd_list(args: argparse.Namespace) -> int:
    from .. import _registry

    reg = _registry.default_registry()
    infos = [reg.describe(name) for name in reg.names()]
    if args.json:
        _json({"activations": [_info_dict(i) for i in infos]})
        return 0
    width = max(len(i.name) for i in infos)
    for i in infos:
        aliases = f" (aliases: {', '.join(i.aliases)})" if i.aliases else ""
        print(f"{i.name:<{width}}  {i.summary}{aliases}")
    return 0


def _cmd_info(args: argparse.Namespace) -> int:
    from .. import _registry

    info = _registry.default_registry().describe(args.name)
    if args.json:
        _json(_info_dict(info))
    else:
        print(info)
    return 0


def _cmd_plugins(args: argparse.Namespace) -> int:
    from .. import _registry

    infos = _registry.default_registry().list_plugins()
    if args.json:
        _json(
            {
                "plugins": [
                    {
                        "name": p.name,
                        "distribution": p.distribution,
                        "version": p.version,
                        "bundled": p.bundled,
                        "status": p.status,
                        "activations": list(p.activations),
                        "error": p.error,
                    }
                    for p in infos
                ]
            }
        )
        return 0
    for p in infos:
        dist = f"{p.distribution} {p.version}" if p.distribution else "unknown distribution"
        kind = "bundled" if p.bundled else "entry point"
        print(f"{p.name}  [{kind}; {dist}]  {p.status}")
        if p.activations:
            print(f"    provides: {', '.join(p.activations)}")
        if p.error:
            print(f"    error: {p.error}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``activations`` command (also used by the docs).

    Examples
    --------
    >>> from activations.cli import build_parser
    >>> build_parser().parse_args(["info", "relu"]).name
    'relu'
    """
    from .._version import __version__

    parser = _Parser(
        prog="activations",
        description="Look up, inspect, check and compare activation functions.",
    )
    parser.add_argument("--version", action="version", version=f"activations {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    p = sub.add_parser("list", help="list the registered activations")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(run=_cmd_list)

    p = sub.add_parser("info", help="show one activation: formula, parameters, aliases, properties")
    p.add_argument("name", metavar="NAME", help="a name or alias (case, -, _ and space are folded)")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(run=_cmd_info)

    p = sub.add_parser("plugins", help="list the plugins: bundled, entry points, failures")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(run=_cmd_plugins)

    for name, (module_name, help_text) in EXTERNAL_COMMANDS.items():
        module = importlib.import_module(module_name)
        p = sub.add_parser(name, help=help_text, description=module.__doc__)
        module.add_arguments(p)
        p.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code.

    Examples
    --------
    >>> from activations.cli import main
    >>> main(["info", "logistic"])  # doctest: +ELLIPSIS
    sigmoid: Logistic sigmoid: 1 / (1 + exp(-x)).
    ...
    0
    """
    args = build_parser().parse_args(argv)
    try:
        code: int = args.run(args)
    except (ActivationError, UsageError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        print(f"activations: error: {first}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `activations list | head`
        return 0
    return code


if __name__ == "__main__":
    sys.exit(main())
