"""The article fact-checked: every measurement of every claim, the verdicts, a table, JSON and a figure.

`fact_check` measures the subject (ReLU by default) and the activations it
is set against (sigmoid and tanh), and applies the rules of `CLAIMS`. It
trains as little as it can: the run that counts the kinks hit is the
training run of ``compare`` (bit-identical, so the report's row reuses it),
the identity's runs are shared by every activation, and an activation's
digits accuracy in `nonlinearity` is that same run's final accuracy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from .. import InvalidSpecError
from ._claims import CLAIMS, Measurements, Verdict, judge
from ._collapse import collapsed_input
from ._compare import measure_row
from ._cost import relative_cost
from ._kinks import kink_hits
from ._nonlinearity import SPIRAL_TASK, NonLinearity, spiral_accuracy
from ._plots import draw_fact_check
from ._report import Comparison
from ._saturation import MULTIPLES, saturation
from ._settings import Progress, Settings, resolve
from ._training import train_with

if TYPE_CHECKING:
    import os

    from .. import BoundActivation, Registry

__all__ = ["DEFAULT_OTHERS", "FactCheck", "fact_check"]

#: What the subject is set against by default: the activations the article compares ReLU with.
DEFAULT_OTHERS = ("sigmoid", "tanh")


@dataclass(frozen=True, kw_only=True)
class FactCheck:
    r"""The ten claims checked for one activation against others (see `fact_check`).

    Attributes
    ----------
    settings : Settings
        The seed and the training settings.
    measurements : tuple of Measurements
        The subject first, then the others, in order.
    verdicts : tuple of Verdict
        One per claim of `CLAIMS`, in order.

    Examples
    --------
    >>> from activations import bench
    >>> from activations.analysis import fact_check
    >>> report = fact_check(["relu"], epochs=1, timing=bench.QUICK)
    >>> [m.name for m in report.measurements], len(report.verdicts)
    (['relu', 'sigmoid', 'tanh'], 10)

    A Markdown table (one row per claim, then the rules), JSON-ready data and
    a figure:

    >>> lines = report.to_markdown().splitlines()
    >>> lines[0]
    '| claim | relu | sigmoid | tanh | verdict | why |'
    >>> lines[2].split(" | ")[0]
    '| 1. relu is cheaper to compute than the others'
    >>> import json
    >>> data = report.to_dict()
    >>> data["subject"], data["claims"][7]["verdict"], sorted(data)
    ('relu', 'does not hold', ['activations', 'claims', 'measurements', 'settings', 'subject'])
    >>> isinstance(json.dumps(data, allow_nan=False), str)
    True
    >>> import pathlib, tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     report.plot(pathlib.Path(tmp) / "claims.png")
    ...     (pathlib.Path(tmp) / "claims.png").read_bytes()[:4]
    b'\x89PNG'
    """

    settings: Settings
    measurements: tuple[Measurements, ...]
    verdicts: tuple[Verdict, ...]

    @property
    def comparison(self) -> Comparison:
        """The measurements ``compare`` makes, as its report (the same numbers as ``activations compare``)."""
        return Comparison(settings=self.settings, activations=tuple(m.report for m in self.measurements))

    def to_dict(self) -> dict[str, Any]:
        """Return the verdicts, the rules and every measurement as JSON-ready data (example: `FactCheck`)."""
        settings = self.settings.to_dict()
        settings["spirals"] = {**SPIRAL_TASK, "hidden": list(SPIRAL_TASK["hidden"])}
        settings["saturation_multiples"] = list(MULTIPLES)
        return {
            "settings": settings,
            "subject": self.measurements[0].name,
            "activations": [m.name for m in self.measurements],
            "claims": [v.to_dict() for v in self.verdicts],
            "measurements": [m.to_dict() for m in self.measurements],
        }

    def to_markdown(self) -> str:
        """Render the verdicts as a Markdown table, then the rules.

        One row per claim: the claim, the evidence for each activation, the
        verdict and its reason (example: `FactCheck`).
        """
        names = [m.name for m in self.measurements]
        rows = [["claim", *names, "verdict", "why"], ["---"] * (len(names) + 3)]
        for i, v in enumerate(self.verdicts, start=1):
            rows.append([f"{i}. {v.claim}", *v.evidence, f"**{v.verdict}**", v.reason])
        lines = ["| " + " | ".join(_escape(c) for c in row) + " |" for row in rows]
        lines += ["", "Claims 1-5 are the article's advantages of ReLU, 6-10 its disadvantages. Rules:"]
        for i, claim in enumerate(CLAIMS, start=1):
            lines.append(f"{i}. {claim.key}: {claim.measured_by}. Verdict: {claim.rule}.")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_markdown()

    def plot(self, path: str | os.PathLike[str]) -> None:
        r"""Write one figure with one small panel per claim, in the format the extension names.

        Needs matplotlib (``pip install 'pluggable-activations[plot]'``); no
        pyplot state is touched (example: `FactCheck`).
        """
        draw_fact_check(self, path)


def _escape(cell: str) -> str:
    return cell.replace("|", "\\|")


def subject_and_others(specs: Sequence[Any], registry: Registry | None = None) -> list[BoundActivation]:
    """The activations to measure: the subject first; alone, it is set against `DEFAULT_OTHERS`.

    Examples
    --------
    >>> from activations.analysis._factcheck import subject_and_others
    >>> subject_and_others(["gelu"]), subject_and_others(["tanh"]), subject_and_others(["relu", "elu"])
    ([gelu(approximate='none'), sigmoid, tanh], [tanh, sigmoid], [relu, elu(alpha=1.0)])
    """
    if isinstance(specs, (str, bytes)) or not specs:
        raise ValueError(f"fact_check needs a sequence of at least one activation, got {specs!r}")
    acts = [resolve(spec, registry) for spec in specs]
    if len(acts) == 1:
        acts += [o for o in (resolve(n, registry) for n in DEFAULT_OTHERS) if o != acts[0]]
    seen: set[str] = set()
    for spec, act in zip(specs, acts, strict=False):
        if repr(act) in seen:
            raise InvalidSpecError(f"{act!r} is given twice: each activation is measured once", spec=spec)
        seen.add(repr(act))
    return acts


def fact_check(
    specs: Sequence[Any] = ("relu", *DEFAULT_OTHERS),
    *,
    settings: Settings | None = None,
    registry: Registry | None = None,
    timing: Any = None,
    progress: Progress | None = None,
    **changes: Any,
) -> FactCheck:
    """Measure the evidence for each of the article's ten claims and give a verdict on each.

    The first activation is the subject: the claims are about it (ReLU, by
    default), and it is set against the others (sigmoid and tanh; alone, it
    is set against those of them it is not). For each activation:

    * its cost relative to ReLU (`relative_cost`, all timed in one run);
    * the row of ``compare`` (`output_stats`, `gradient_flow`, `train`);
    * what its non-linearity buys (`nonlinearity`);
    * the kinks hit in training and the run with the other side (`kink_hits`);
    * where it saturates (`saturation`) and what it collapses (`collapsed_input`).

    Then `judge` applies the rules of `CLAIMS`. Everything but the cost is
    seeded and bit-reproducible; the cost is a ratio of times taken side by
    side, reproducible to the noise of the machine.

    Parameters
    ----------
    specs : sequence
        The subject, then the activations it is set against.
    settings : Settings, optional
        The settings of ``compare`` (the defaults of `Settings` if None).
    registry : Registry, optional
        Where to look the names up (the default registry if None).
    timing : activations.bench.Settings, optional
        Rounds of the cost measurement (``activations.bench.FULL`` if None).
    progress : callable, optional
        ``progress(done, total, message)`` as the work advances.
    **changes
        Fields of `Settings` to override, e.g. ``epochs=5``.

    Returns
    -------
    FactCheck

    Raises
    ------
    UnknownActivationError, InvalidSpecError
        A name is not registered or a spec is malformed (before anything is measured).
        An activation given twice is an `InvalidSpecError` too.
    ValueError
        No activation, or a setting out of range.

    Examples
    --------
    >>> from activations import bench
    >>> from activations.analysis import fact_check
    >>> report = fact_check(epochs=1, timing=bench.QUICK)
    >>> [(v.key, v.verdict) for v in report.verdicts][6:8]
    [('kink', 'does not hold'), ('saturation', 'does not hold')]
    """
    s = replace(settings or Settings(), **changes)
    acts = subject_and_others(specs, registry)
    linear = resolve("identity", registry)
    steps = 4 * len(acts) + 3
    done = 0

    def step(message: str) -> None:
        nonlocal done
        if progress is not None:
            progress(done, steps, message)
        done += 1

    step("cost: timing every activation against relu")
    costs = relative_cost(acts, registry=registry, settings=timing, seed=s.seed)
    step(f"{linear!r}: training on the digits and the spirals (the linear model)")
    linear_digits = train_with(linear, s).final_accuracy
    linear_spirals = spiral_accuracy(linear, s)
    measured = []
    for act, cost in zip(acts, costs, strict=True):
        step(f"{act!r}: training on the digits, counting the kinks hit, and with the other side")
        kinks = kink_hits(act, settings=s, registry=registry)
        step(f"{act!r}: output statistics and gradient flow")
        row = measure_row(act, s, run=kinks.training)
        step(f"{act!r}: training on the spirals")
        spirals = spiral_accuracy(act, s)
        step(f"{act!r}: saturation and collapsed input")
        measured.append(
            Measurements(
                name=repr(act),
                cost=cost,
                report=row,
                nonlinearity=NonLinearity(
                    spirals=spirals,
                    spirals_linear=linear_spirals,
                    digits=kinks.training.final_accuracy,
                    digits_linear=linear_digits,
                ),
                kinks=kinks,
                saturation=saturation(act),
                collapsed=collapsed_input(act, seed=s.seed),
            )
        )
    step("verdicts")
    if progress is not None:
        progress(steps, steps, "done")
    return FactCheck(settings=s, measurements=tuple(measured), verdicts=judge(measured))
