"""The pytest plugin of the conformance kit, registered through the ``pytest11`` entry point.

Inert unless asked: it only adds the option ``--activations-check=SPEC``
(repeatable; ``all`` for every registered activation). Given it, the session
also collects one test per check per activation, with ids like
``activations-check::relu-check_kinks``; without it, nothing is collected,
imported or changed. In a project's own tests, use
`activations.testing.parametrize_with_checks` instead. Disable the plugin
altogether with ``-p no:activations``.
"""

from __future__ import annotations

from typing import Any

import pytest

__all__ = ["pytest_addoption", "pytest_collection_modifyitems"]


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add ``--activations-check`` (pytest calls this hook at start-up; nothing is imported)."""
    group = parser.getgroup("activations", "activations conformance kit")
    group.addoption(
        "--activations-check",
        action="append",
        default=[],
        metavar="SPEC",
        help="run the activations conformance kit on SPEC (repeatable; 'all': every registered activation)",
    )


class ConformanceItem(pytest.Item):
    """One check on one activation, collected by ``--activations-check``."""

    def __init__(self, *, activation: Any, check: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.activation = activation
        self.check = check

    def runtest(self) -> None:
        """Run the check; its AssertionError fails the test."""
        self.check(self.activation)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        """The check's own message (it names the check, the input and what was expected).

        When the activation raised, pytest's full report, with the plugin's traceback.
        """
        if isinstance(excinfo.value, AssertionError) and excinfo.value.__cause__ is None:
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[str, int | None, str]:
        """Where the test comes from, for pytest's report."""
        return "activations-check", None, self.name


class _Session(pytest.Collector):
    """The parent node of the kit's tests (they are made directly, not collected)."""

    def collect(self) -> list[pytest.Item]:
        """Nothing to collect: `pytest_collection_modifyitems` makes the items."""
        return []


def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    """Append the kit's tests when ``--activations-check`` was given; otherwise do nothing."""
    specs = config.getoption("activations_check", default=[])
    if not specs:
        return
    import activations
    from activations.testing import parametrize_with_checks

    if "all" in specs:
        specs = [s for s in specs if s != "all"] + activations.names()
    parent = _Session.from_parent(session, name="activations-check", nodeid="activations-check")
    try:
        mark = parametrize_with_checks(specs)
    except activations.ActivationError as exc:
        raise pytest.UsageError(f"--activations-check: {str(exc).splitlines()[0]}") from None
    for param in mark.args[1]:
        activation, check = param.values
        items.append(ConformanceItem.from_parent(parent, name=param.id, activation=activation, check=check))
