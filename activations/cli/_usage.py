"""User errors of the command line, and the parser that reports them without a traceback."""

from __future__ import annotations

import argparse
import sys
from typing import Any, NoReturn

__all__ = ["Parser", "UsageError"]


class UsageError(Exception):
    """A user error: printed as one line, exit code 2.

    Examples
    --------
    >>> from activations.cli import UsageError, main
    >>> issubclass(UsageError, Exception), main(["check"])
    (True, 2)
    """


class Parser(argparse.ArgumentParser):
    """argparse, with its usage errors printed as ours are: the usage, one line, exit code 2."""

    def error(self, message: str) -> NoReturn:
        """Print this (sub)command's usage and ``message``, and exit with status 2."""
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")

    def parse_args(self, args: Any = None, namespace: Any = None) -> Any:
        """Parse ``args``; an option the chosen subcommand does not know is reported by that subcommand.

        argparse reports unrecognised arguments with the top-level usage, which
        does not show the subcommand's options.
        """
        parsed, extras = self.parse_known_args(args, namespace)
        if extras:
            command = getattr(parsed, "command", None)
            subparser = _subparsers(self).get(command, self) if command else self
            subparser.error(f"unrecognized arguments: {' '.join(extras)}")
        return parsed


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}
