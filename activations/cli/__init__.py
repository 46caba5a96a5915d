"""The ``activations`` command line: one module per subcommand.

Each subcommand (``list``, ``info``, ``plugins``, ``check``, ``compare``,
``claims``, ``plot``, ``bench``) lives in its own module with a ``HELP`` line, an
``add_arguments(parser)`` and a ``run(args) -> int``; the module's docstring
is the subcommand's description. Exit codes: 0 success, 1 a check or
comparison failed, 2 a user error (unknown name, bad spec or option, missing
extra), reported as one line on stderr, never a traceback. Data goes to stdout
(one JSON document with ``--json``); progress and messages go to stderr,
where a plugin that fails to load is one warning line too.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from types import ModuleType
from typing import Any

from . import _bench, _check, _claims, _compare, _info, _list, _plot, _plugins
from ._usage import Parser, UsageError

__all__ = ["UsageError", "build_parser", "main"]

UsageError.__module__ = __name__  # public here, where users catch it

#: The subcommands, in the order ``activations --help`` lists them.
COMMANDS: dict[str, ModuleType] = {
    "list": _list,
    "info": _info,
    "plugins": _plugins,
    "compare": _compare,
    "claims": _claims,
    "plot": _plot,
    "check": _check,
    "bench": _bench,
}


def build_parser() -> Parser:
    """The argument parser of the ``activations`` command (also used by the docs).

    Examples
    --------
    >>> from activations.cli import build_parser
    >>> build_parser().parse_args(["info", "relu"]).name
    'relu'
    """
    from activations import __version__

    parser = Parser(
        prog="activations",
        description="Look up, inspect, check and compare activation functions.",
    )
    parser.add_argument("--version", action="version", version=f"activations {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    sub.required = True
    for name, module in COMMANDS.items():
        p = sub.add_parser(name, help=module.HELP, description=module.__doc__)
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
    >>> main(["info", "sigmiod"])  # the message goes to stderr
    2
    """
    from activations import ActivationError, UnknownActivationError

    args = build_parser().parse_args(argv)
    try:
        with _plugin_warnings_as_lines():
            code: int = args.run(args)
    except (ActivationError, UsageError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        print(f"activations: error: {first}", file=sys.stderr)
        if isinstance(exc, UnknownActivationError):
            for failure in exc.failures:  # a plugin that failed to load may be what provides it
                print(f"activations: note: {failure}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `activations list | head`
        return 0
    return code


@contextmanager
def _plugin_warnings_as_lines() -> Iterator[None]:
    """Report each plugin that fails to load as one line on stderr, without file or source line.

    Python's own format shows the line of the library that issued the
    warning, which means nothing to a user of the command line. Other
    warnings are shown as Python shows them.
    """
    from activations import PluginLoadWarning

    shown = warnings.showwarning

    def show(message: Any, category: type[Warning], *args: Any, **kwargs: Any) -> None:
        if isinstance(message, PluginLoadWarning):
            source = f" from {message.distribution}" if message.distribution else ""
            print(
                f"activations: warning: plugin {message.plugin!r}{source} failed to load: {message.error}",
                file=sys.stderr,
            )
        else:
            shown(message, category, *args, **kwargs)

    warnings.showwarning = show
    try:
        yield
    finally:
        warnings.showwarning = shown
