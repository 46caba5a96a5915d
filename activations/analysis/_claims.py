"""The article's ten claims about ReLU, and the rules that turn measurements into verdicts.

The article this project grew from lists five advantages of ReLU (it is
cheap, it is non-linear, its gradients do not vanish, it converges faster,
it is sparse) and five disadvantages (dead units, no derivative at 0,
saturation, lost information, bias shift). Each becomes a `Claim` here: one
line in our own words, what measures it, and a rule, written in code and
quoted word for word in `Claim.rule`, that reads the `Measurements` of the
activation the claim is about (the subject: ReLU, or any other) and of the
activations it is set against, and returns a verdict, "holds", "holds
partly" or "does not hold", with the reason in a few words. No verdict is
typed by hand: change a measurement and the verdict follows.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ._saturation import MULTIPLES

if TYPE_CHECKING:
    from ._collapse import CollapsedInput
    from ._cost import Cost
    from ._kinks import KinkHits
    from ._nonlinearity import NonLinearity
    from ._report import ActivationReport
    from ._saturation import Saturation

__all__ = [
    "BIAS_SHIFT",
    "CLAIMS",
    "COLLAPSED",
    "COST_MARGIN",
    "DEAD_MANY",
    "DOES_NOT_HOLD",
    "FLOWS",
    "HOLDS",
    "HOLDS_PARTLY",
    "KINK_MATTERS",
    "NONLINEAR_SHARE",
    "PROBE_LOSS",
    "SPARSE",
    "Claim",
    "Measurements",
    "Verdict",
    "judge",
]

HOLDS = "holds"
HOLDS_PARTLY = "holds partly"
DOES_NOT_HOLD = "does not hold"

#: Cheap: another activation costs at least this many times as much.
COST_MARGIN = 1.25
#: Non-linear: the network avoids at least this share of a linear model's errors on the spirals.
NONLINEAR_SHARE = 0.75
#: The gradient flows when its norm at the first hidden layer over that at the last is in [FLOWS, 1 / FLOWS].
FLOWS = 1e-2
#: Sparse: at least this fraction of the outputs on N(0, 1) is exactly 0.
SPARSE = 0.1
#: Many dead units: at least this fraction of the hidden units is dead after training.
DEAD_MANY = 0.1
#: The side taken at the kinks matters when it moves the final accuracy by at least this.
KINK_MATTERS = 0.01
#: Collapsed: at least this probability mass of N(0, 1) falls where f is constant.
COLLAPSED = 0.05
#: A probe reading f(z) instead of z loses at least this fraction of its accuracy.
PROBE_LOSS = 0.02
#: Bias shift: the mean output on N(0, 1) is at least this far from 0 (partly: a tenth of it).
BIAS_SHIFT = 0.1


@dataclass(frozen=True, kw_only=True)
class Measurements:
    """Everything measured for one activation, as the rules of `CLAIMS` read it.

    Attributes
    ----------
    name : str
        The activation's spec.
    cost : Cost
        Forward plus backward time relative to ReLU (`relative_cost`).
    report : ActivationReport
        The row of ``compare``: output statistics, gradient flow, training.
    nonlinearity : NonLinearity
        Test accuracies with the activation and with the identity (`nonlinearity`).
    kinks : KinkHits
        Kinks hit in training, and the run with the other side (`kink_hits`).
    saturation : Saturation
        f' far out, and where it tends to 0 (`saturation`).
    collapsed : CollapsedInput
        Collapsed mass and probe loss (`collapsed_input`).

    Examples
    --------
    >>> from activations import bench
    >>> from activations.analysis import fact_check
    >>> relu = fact_check(["relu"], epochs=1, timing=bench.QUICK).measurements[0]
    >>> relu.name, relu.saturation.measured, relu.collapsed.mass
    ('relu', 'lower', 0.5)
    >>> sorted(relu.to_dict())
    ['collapsed_input', 'comparison', 'cost', 'kinks', 'name', 'nonlinearity', 'saturation']
    """

    name: str
    cost: Cost
    report: ActivationReport
    nonlinearity: NonLinearity
    kinks: KinkHits
    saturation: Saturation
    collapsed: CollapsedInput

    def to_dict(self) -> dict[str, Any]:
        """Return every measurement as JSON-ready data, NaN and infinity as None (example: `Measurements`)."""
        return {
            "name": self.name,
            "cost": self.cost.to_dict(),
            "comparison": self.report.to_dict(),
            "nonlinearity": self.nonlinearity.to_dict(),
            "kinks": self.kinks.to_dict(),
            "saturation": self.saturation.to_dict(),
            "collapsed_input": self.collapsed.to_dict(),
        }


#: A rule: ``judge(subject, others) -> (verdict, reason)``.
Judge = Callable[[Measurements, Sequence[Measurements]], tuple[str, str]]


@dataclass(frozen=True, kw_only=True)
class Claim:
    """One claim of the article: what it says, what measures it, and the rule that decides.

    Attributes
    ----------
    key : str
        A short identifier (``"saturation"``).
    side : {"advantage", "disadvantage"}
        How the article lists it.
    statement : str
        The claim in one line; ``{subject}`` stands for the activation it is about.
    measured_by : str
        What the evidence is, in one line.
    rule : str
        The rule that turns the evidence into a verdict, in words (the code is `judge`).
    cell : callable
        ``cell(measurements) -> str``: the evidence for one activation, short.
    judge : callable
        ``judge(subject, others) -> (verdict, reason)``.

    Examples
    --------
    >>> from activations.analysis import CLAIMS
    >>> [claim.key for claim in CLAIMS][:3]
    ['cost', 'nonlinearity', 'vanishing_gradient']
    >>> CLAIMS[7].statement.format(subject="relu")
    'Large inputs saturate relu: its gradient vanishes there'
    """

    key: str
    side: str
    statement: str
    measured_by: str
    rule: str
    cell: Callable[[Measurements], str]
    judge: Judge


@dataclass(frozen=True, kw_only=True)
class Verdict:
    """The verdict on one claim for one subject (see `judge`).

    Attributes
    ----------
    key : str
        The claim's key.
    claim : str
        The claim, about the subject.
    verdict : {"holds", "holds partly", "does not hold"}
    reason : str
        Why, in a few words, with the numbers.
    evidence : tuple of str
        The evidence for each activation, the subject first.
    rule : str
        The rule applied.

    Examples
    --------
    >>> from activations.analysis import Verdict
    >>> v = Verdict(key="bias_shift", claim="tanh is not zero-centred", verdict="does not hold",
    ...             reason="mean output +0.000", evidence=("mean +0.000",), rule="...")
    >>> v.verdict, v.to_dict()["evidence"]
    ('does not hold', ['mean +0.000'])
    """

    key: str
    claim: str
    verdict: str
    reason: str
    evidence: tuple[str, ...]
    rule: str

    def to_dict(self) -> dict[str, Any]:
        """Return the verdict as JSON-ready data (example: `Verdict`)."""
        return {
            "key": self.key,
            "claim": self.claim,
            "verdict": self.verdict,
            "reason": self.reason,
            "evidence": list(self.evidence),
            "rule": self.rule,
        }


def _names(group: Sequence[Measurements]) -> str:
    return ", ".join(m.name for m in group) or "none"


def _listing(group: Sequence[Measurements], value: Callable[[Measurements], str]) -> str:
    return ", ".join(f"{m.name} {value(m)}" for m in group)


# 1. Cheap to compute ------------------------------------------------------------------------


def _cost_cell(m: Measurements) -> str:
    return f"{m.cost.relative:.2f}x" if math.isfinite(m.cost.relative) else "n/a"


def _cost_judge(s: Measurements, others: Sequence[Measurements]) -> tuple[str, str]:
    def times(m: Measurements) -> float:
        return m.cost.relative / s.cost.relative

    dearer = [m for m in others if times(m) >= COST_MARGIN]
    listing = _listing(others, lambda m: f"{times(m):.3g}x")
    if others and len(dearer) == len(others):
        return HOLDS, f"the others cost more: {listing} its cost"
    if dearer:
        return HOLDS_PARTLY, f"cheaper than {_names(dearer)} only: {listing} its cost"
    return (
        DOES_NOT_HOLD,
        f"no cheaper than the others: {listing} its cost" if others else "nothing to compare with",
    )


# 2. Non-linear ------------------------------------------------------------------------------


def _nonlinearity_cell(m: Measurements) -> str:
    n = m.nonlinearity
    return f"spirals {n.spirals:.3f} (linear {n.spirals_linear:.3f}); digits {n.digits_gap:+.3f}"


def _nonlinearity_judge(s: Measurements, others: Sequence[Measurements]) -> tuple[str, str]:
    n = s.nonlinearity
    share = n.spirals_errors_removed
    detail = f"avoids {share:.0%} of a linear model's errors on the spirals; digits {n.digits_gap:+.3f}"
    if share >= NONLINEAR_SHARE:
        return HOLDS, detail
    if share >= NONLINEAR_SHARE / 3:
        return HOLDS_PARTLY, detail
    return DOES_NOT_HOLD, detail if math.isfinite(share) else "the linear model makes no error to avoid"


# 3. No vanishing gradient -------------------------------------------------------------------


def _flows(m: Measurements) -> bool:
    ratio = m.report.flow.ratio
    return math.isfinite(ratio) and FLOWS <= ratio <= 1.0 / FLOWS


def _gradient_cell(m: Measurements) -> str:
    ratio = m.report.flow.ratio
    return f"ratio {ratio:.3g}" if math.isfinite(ratio) else "ratio n/a"


def _gradient_judge(s: Measurements, others: Sequence[Measurements]) -> tuple[str, str]:
    flowing = [m for m in others if _flows(m)]
    stuck = [m for m in others if not _flows(m)]
    if not _flows(s):
        return DOES_NOT_HOLD, f"its own vanishes or explodes: ratio {s.report.flow.ratio:.3g}"
    if not flowing:
        return HOLDS, f"its flows; {_names(stuck)}'s do not"
    if stuck:
        return HOLDS_PARTLY, f"{_names(stuck)}'s vanishes, {_names(flowing)}'s does not either"
    return HOLDS_PARTLY, f"no better than {_names(flowing)}, whose gradients flow too"


# 4. Faster convergence ----------------------------------------------------------------------


def _epochs(m: Measurements) -> float:
    epochs = m.report.training.epochs_to_target
    return math.inf if epochs is None else float(epochs)


def _convergence_cell(m: Measurements) -> str:
    epochs = m.report.training.epochs_to_target
    return "never" if epochs is None else f"{epochs} epoch{'s' if epochs != 1 else ''}"


def _convergence_judge(s: Measurements, others: Sequence[Measurements]) -> tuple[str, str]:
    target = f"{s.report.training.target:.0%}"
    if math.isinf(_epochs(s)):
        return DOES_NOT_HOLD, f"never reaches {target}"
    slower = [m for m in others if _epochs(m) > _epochs(s)]
    as_fast = [m for m in others if _epochs(m) <= _epochs(s)]
    if others and not as_fast:
        return HOLDS, f"first to {target}: {_listing(others, _convergence_cell)}"
    if slower:
        return (
            HOLDS_PARTLY,
            f"beats {_names(slower)}, not {_names(as_fast)} ({_listing(as_fast, _convergence_cell)})",
        )
    return DOES_NOT_HOLD, f"no faster than {_names(as_fast)}" if others else "nothing to compare with"


# 5. Sparse ----------------------------------------------------------------------------------


def _sparsity_cell(m: Measurements) -> str:
    return f"{m.report.stats.sparsity:.3f}"


def _sparsity_judge(s: Measurements, others: Sequence[Measurements]) -> tuple[str, str]:
    sparsity = s.report.stats.sparsity
    if sparsity >= SPARSE:
        return HOLDS, f"{sparsity:.1%} of outputs are exactly 0"
    if sparsity > 0:
        return HOLDS_PARTLY, f"only {sparsity:.1%} of outputs are exactly 0"
    return DOES_NOT_HOLD, "no output is exactly 0"


# 6. Dead units ------------------------------------------------------------------------------


def _dead_cell(m: Measurements) -> str:
    dead = m.report.training.dead_fraction
    return f"{dead:.1%}" if math.isfinite(dead) else "n/a"


def _dead_judge(s: Measurements, others: Sequence[Measurements]) -> tuple[str, str]:
    dead = s.report.training.dead_fraction
    accuracy = s.report.training.final_accuracy
    if not math.isfinite(dead):
        return DOES_NOT_HOLD, "training diverged: nothing to count"
    if dead >= DEAD_MANY:
        return HOLDS, f"{dead:.1%} of hidden units died"
    if dead > 0:
        return HOLDS_PARTLY, f"real but rare: {dead:.1%} of units died, accuracy {accuracy:.3f} anyway"
    return DOES_NOT_HOLD, "no unit died"


# 7. No derivative at the kinks --------------------------------------------------------------


def _kink_cell(m: Measurements) -> str:
    k = m.kinks
    if not k.kinks:
        return "no kink"
    cell = f"{k.hits:,} of {k.seen:,} hit"
    if k.other_side_training is None:
        return cell
    if not k.changed:
        return f"{cell}; other side: same run"
    delta = k.other_side_training.final_accuracy - k.training.final_accuracy
    return f"{cell}; other side: {delta:+.3f}"


def _kink_judge(s: Measurements, others: Sequence[Measurements]) -> tuple[str, str]:
    k = s.kinks
    if not k.kinks:
        return DOES_NOT_HOLD, "it has no kink"
    if not k.hits:
        return DOES_NOT_HOLD, f"no pre-activation of {k.seen:,} hit a kink; other side: same run"
    other = k.other_side_training
    if other is None or not k.changed:
        return DOES_NOT_HOLD, f"{k.hits:,} hits, but the other side gives the same run"
    delta = other.final_accuracy - k.training.final_accuracy
    epochs = (k.training.epochs_to_target, other.epochs_to_target)
    moved = f"final accuracy {delta:+.3f}, epochs to target {epochs[0]} -> {epochs[1]}"
    if not math.isfinite(delta) or abs(delta) >= KINK_MATTERS or epochs[0] != epochs[1]:
        return HOLDS, f"{k.fraction:.1e} of pre-activations hit; other side: {moved}"
    return HOLDS_PARTLY, f"{k.fraction:.1e} of pre-activations hit; other side: {moved}"


# 8. Saturation ------------------------------------------------------------------------------


def _saturation_cell(m: Measurements) -> str:
    s = m.saturation
    return f"f'({MULTIPLES[-1] * s.std:g}) = {s.upper[-1]:.3g}; flat: {s.measured}"


def _saturation_judge(s: Measurements, others: Sequence[Measurements]) -> tuple[str, str]:
    sat = s.saturation
    far = f"f'({MULTIPLES[-1] * sat.std:g}) = {sat.upper[-1]:.3g}"
    if sat.measured in ("upper", "both"):
        return HOLDS, f"{far}: large inputs pass no gradient"
    if sat.measured == "lower":
        return DOES_NOT_HOLD, f"{far}; only large negative inputs are flat"
    return DOES_NOT_HOLD, f"{far}; f' tends to 0 on neither side"


# 9. Lost information ------------------------------------------------------------------------


def _collapse_cell(m: Measurements) -> str:
    c = m.collapsed
    return f"mass {c.mass:.3f}; probe {-c.probe_loss:+.1%}"


def _collapse_judge(s: Measurements, others: Sequence[Measurements]) -> tuple[str, str]:
    c = s.collapsed
    collapsed, lost = c.mass >= COLLAPSED, c.probe_loss >= PROBE_LOSS
    detail = f"{c.mass:.1%} of inputs collapse; a probe loses {c.probe_loss:.1%}"
    if collapsed and lost:
        return HOLDS, detail
    if collapsed:
        return HOLDS_PARTLY, f"{detail}: little the digits need"
    if lost:
        return HOLDS_PARTLY, f"{detail}: lost by squashing, not collapse"
    return DOES_NOT_HOLD, detail


# 10. Bias shift -----------------------------------------------------------------------------


def _bias_cell(m: Measurements) -> str:
    return f"mean {m.report.stats.mean_output:+.3f}"


def _bias_judge(s: Measurements, others: Sequence[Measurements]) -> tuple[str, str]:
    mean = s.report.stats.mean_output
    detail = f"mean output {mean:+.3f} on N(0, 1)"
    if abs(mean) >= BIAS_SHIFT:
        return HOLDS, detail
    if abs(mean) >= BIAS_SHIFT / 10:
        return HOLDS_PARTLY, detail
    return DOES_NOT_HOLD, detail


class _Claims(tuple[Claim, ...]):
    """The article's ten claims, in its order: five advantages of ReLU, then five disadvantages.

    Each is a `Claim` with its statement, what measures it and its rule.

    Examples
    --------
    >>> from activations.analysis import CLAIMS
    >>> len(CLAIMS), CLAIMS[0].key, CLAIMS[-1].side
    (10, 'cost', 'disadvantage')
    >>> print(CLAIMS[4].rule)
    holds if at least 10% are; holds partly if some are; does not hold if none is
    """

    __slots__ = ()


_TEN = (
    Claim(
        key="cost",
        side="advantage",
        statement="{subject} is cheaper to compute than the others",
        measured_by="forward plus backward time per element relative to ReLU, timed side by side",
        rule=f"holds if every other activation costs at least {COST_MARGIN:g}x as much; "
        "holds partly if some do; does not hold if none does",
        cell=_cost_cell,
        judge=_cost_judge,
    ),
    Claim(
        key="nonlinearity",
        side="advantage",
        statement="{subject} makes a network learn what a linear model cannot",
        measured_by="test accuracy on two spirals with it and with the identity; the same on the digits",
        rule=f"holds if it avoids at least {NONLINEAR_SHARE:.0%} of the identity's errors on the spirals; "
        f"holds partly if at least {NONLINEAR_SHARE / 3:.0%}; does not hold otherwise",
        cell=_nonlinearity_cell,
        judge=_nonlinearity_judge,
    ),
    Claim(
        key="vanishing_gradient",
        side="advantage",
        statement="Gradients do not vanish through a deep stack of {subject}, unlike the others",
        measured_by="gradient norm at the first hidden layer over the last, depth 10, at initialisation",
        rule=f"the gradient flows if that ratio is in [{FLOWS:g}, {1 / FLOWS:g}]; holds if it flows "
        "for the subject and for no other; holds partly if for some other too; does not hold if not "
        "for the subject",
        cell=_gradient_cell,
        judge=_gradient_judge,
    ),
    Claim(
        key="convergence",
        side="advantage",
        statement="A network with {subject} learns in fewer epochs than with the others",
        measured_by="epochs to the target test accuracy on the digits",
        rule="holds if it needs fewer epochs than every other; holds partly if than some; "
        "does not hold if than none, or if it never reaches the target",
        cell=_convergence_cell,
        judge=_convergence_judge,
    ),
    Claim(
        key="sparsity",
        side="advantage",
        statement="{subject} gives sparse outputs: exact zeros for much of its input",
        measured_by="fraction of outputs exactly 0 on x ~ N(0, 1)",
        rule=f"holds if at least {SPARSE:.0%} are; holds partly if some are; does not hold if none is",
        cell=_sparsity_cell,
        judge=_sparsity_judge,
    ),
    Claim(
        key="dead_units",
        side="disadvantage",
        statement="{subject} units die in training: 0 on every input, with no gradient to revive them",
        measured_by="fraction of hidden units that output 0 on every training digit after training",
        rule=f"holds if at least {DEAD_MANY:.0%} of the units are dead; holds partly if some are; "
        "does not hold if none is",
        cell=_dead_cell,
        judge=_dead_judge,
    ),
    Claim(
        key="kink",
        side="disadvantage",
        statement="{subject} has no derivative at its kinks, and that disturbs training",
        measured_by="pre-activations exactly at a kink during training on the digits, and the same "
        "run with the other one-sided derivative there",
        rule="does not hold if there is no kink, none is hit, or the other side gives the same run; "
        f"holds if the other side moves the final accuracy by at least {KINK_MATTERS:g} or changes "
        "the epochs to the target; holds partly if it changes the run by less",
        cell=_kink_cell,
        judge=_kink_judge,
    ),
    Claim(
        key="saturation",
        side="disadvantage",
        statement="Large inputs saturate {subject}: its gradient vanishes there",
        measured_by="f' at 1, 10 and 100 standard deviations of N(0, 1) on each side: where it tends to 0",
        rule="holds if f' tends to 0 for large positive inputs; does not hold otherwise (flat for "
        "large negative inputs only is the dead-unit and lost-information claims)",
        cell=_saturation_cell,
        judge=_saturation_judge,
    ),
    Claim(
        key="lost_information",
        side="disadvantage",
        statement="{subject} throws away information: distinct inputs give the same output",
        measured_by="mass of N(0, 1) where f is constant; accuracy a linear probe on the digits loses "
        "reading a random layer's activations instead of its pre-activations",
        rule=f"holds if at least {COLLAPSED:.0%} of the inputs collapse and the probe loses at least "
        f"{PROBE_LOSS:.0%} of its accuracy; holds partly if one of the two; does not hold if neither",
        cell=_collapse_cell,
        judge=_collapse_judge,
    ),
    Claim(
        key="bias_shift",
        side="disadvantage",
        statement="{subject} is not zero-centred: it shifts the mean input of the next layer",
        measured_by="mean output on x ~ N(0, 1), in units of the input's standard deviation",
        rule=f"holds if it is at least {BIAS_SHIFT:g} from 0; holds partly if at least {BIAS_SHIFT / 10:g}; "
        "does not hold otherwise",
        cell=_bias_cell,
        judge=_bias_judge,
    ),
)

#: The ten claims, in the article's order: five advantages, then five disadvantages.
CLAIMS = _Claims(_TEN)


def judge(measurements: Sequence[Measurements]) -> tuple[Verdict, ...]:
    """Apply the rule of each of the `CLAIMS` to the first activation (the subject) against the others.

    Parameters
    ----------
    measurements : sequence of Measurements
        The subject first, then the activations it is set against.

    Returns
    -------
    tuple of Verdict
        One per claim, in the order of `CLAIMS`.

    Examples
    --------
    >>> import dataclasses
    >>> from activations import bench
    >>> from activations.analysis import fact_check, judge
    >>> relu, *others = fact_check(["relu"], epochs=1, timing=bench.QUICK).measurements
    >>> judge([relu, *others])[7].verdict
    'does not hold'
    >>> flat = dataclasses.replace(relu.saturation, measured="both")
    >>> judge([dataclasses.replace(relu, saturation=flat), *others])[7].verdict
    'holds'
    """
    if not measurements:
        raise ValueError("judge needs the measurements of at least one activation")
    subject, *others = measurements
    verdicts = []
    for claim in CLAIMS:
        verdict, reason = claim.judge(subject, others)
        verdicts.append(
            Verdict(
                key=claim.key,
                claim=claim.statement.format(subject=subject.name),
                verdict=verdict,
                reason=reason,
                evidence=tuple(claim.cell(m) for m in measurements),
                rule=claim.rule,
            )
        )
    return tuple(verdicts)
