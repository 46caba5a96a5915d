"""List the plugins: bundled and entry points, what each provides, and why any failed."""

from __future__ import annotations

import argparse

from ._output import write_json

__all__ = ["HELP", "add_arguments", "run"]

HELP = "list the plugins: bundled, entry points, failures"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``activations plugins``."""
    parser.add_argument("--json", action="store_true", help="print one JSON document")


def run(args: argparse.Namespace) -> int:
    """Run ``activations plugins``; return the exit code.

    Each plugin is named as its activations record it: an entry point with its
    distribution, ``bent_identity (activations-bent-identity)``.

    Examples
    --------
    >>> from activations.cli import main
    >>> main(["plugins"])  # doctest: +ELLIPSIS
    activations.plugins.relu  [bundled, version ...]  loaded
        provides: relu, leaky_relu, prelu
    ...
    0
    """
    import activations

    infos = activations.list_plugins()
    if args.json:
        write_json(
            {
                "plugins": [
                    {
                        "name": p.name,
                        "provider": p.provider,
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
        kind = "bundled" if p.bundled else "entry point"
        version = f"version {p.version}" if p.version else "version unknown"
        print(f"{p.provider}  [{kind}, {version}]  {p.status}")
        if p.activations:
            print(f"    provides: {', '.join(p.activations)}")
        if p.error:
            print(f"    error: {p.error}")
    return 0
