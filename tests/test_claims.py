"""activations.analysis.fact_check and the rules of CLAIMS: verdicts follow the measurements, and only them.

The expected verdicts for ReLU at the default settings rest on closed forms
and on the other tests' measurements: ReLU'(x) = 1 for x > 0 (so it does not
saturate for large inputs), half of N(0, 1) is negative (sparsity, collapsed
mass), E[max(x, 0)] = 1/sqrt(2 pi) (bias shift), no pre-activation lands on 0
in training (tests/test_kinks.py). Each rule is then checked by changing one
measurement and watching the verdict move.
"""

import dataclasses
import json
import math
import sys

import numpy as np
import pytest

import activations
from activations import analysis, bench
from activations.analysis import CLAIMS, judge
from activations.analysis._claims import (
    BIAS_SHIFT,
    COST_MARGIN,
    DEAD_MANY,
    DOES_NOT_HOLD,
    FLOWS,
    HOLDS,
    HOLDS_PARTLY,
    SPARSE,
)

FAST = {"epochs": 1, "timing": bench.QUICK}


@pytest.fixture(scope="module")
def report():
    return analysis.fact_check(timing=bench.QUICK)


def verdicts(report):
    return {v.key: v.verdict for v in report.verdicts}


def test_the_claims_are_the_articles_ten_in_its_order():
    assert [c.key for c in CLAIMS] == [
        "cost",
        "nonlinearity",
        "vanishing_gradient",
        "convergence",
        "sparsity",
        "dead_units",
        "kink",
        "saturation",
        "lost_information",
        "bias_shift",
    ]
    assert [c.side for c in CLAIMS] == ["advantage"] * 5 + ["disadvantage"] * 5
    assert all("{subject}" in c.statement for c in CLAIMS)


def test_relu_against_sigmoid_and_tanh(report):
    assert [m.name for m in report.measurements] == ["relu", "sigmoid", "tanh"]
    assert verdicts(report) == {
        "cost": HOLDS,
        "nonlinearity": HOLDS,
        "vanishing_gradient": HOLDS_PARTLY,  # tanh's gradient flows too at this initialisation
        "convergence": HOLDS_PARTLY,  # faster than sigmoid, not than tanh
        "sparsity": HOLDS,
        "dead_units": HOLDS_PARTLY,  # a few units die, not many
        "kink": DOES_NOT_HOLD,  # never hit
        "saturation": DOES_NOT_HOLD,  # f'(x) = 1 for every x > 0
        "lost_information": HOLDS_PARTLY,  # half the inputs collapse; a probe loses little
        "bias_shift": HOLDS,
    }


def test_the_evidence_is_the_closed_forms_where_there_are_some(report):
    relu = report.measurements[0]
    assert relu.saturation.upper == (1.0, 1.0, 1.0)
    assert relu.collapsed.mass == 0.5
    assert relu.report.stats.mean_output == pytest.approx(1.0 / math.sqrt(2.0 * math.pi), abs=0.01)
    assert relu.kinks.hits == 0
    assert relu.cost.relative == 1.0
    by_key = {v.key: v for v in report.verdicts}
    assert by_key["saturation"].evidence[0] == "f'(100) = 1; flat: lower"
    assert by_key["sparsity"].evidence == ("0.502", "0.000", "0.000")


def test_the_verdicts_are_those_the_rules_give(report):
    assert judge(report.measurements) == report.verdicts
    table = report.to_markdown()
    for i, v in enumerate(report.verdicts, start=1):
        assert f"| {i}. {v.claim} | {' | '.join(v.evidence)} | **{v.verdict}** | {v.reason} |" in table
    for claim in CLAIMS:
        assert claim.rule in table


def test_the_comparison_inside_is_that_of_compare(report):
    # the runs are shared with compare, not repeated with other settings
    assert report.comparison.to_markdown() == analysis.compare(["relu", "sigmoid", "tanh"]).to_markdown()


def test_the_non_linearity_on_the_digits_is_the_compared_run(report):
    for m in report.measurements:
        assert m.nonlinearity.digits == m.report.training.final_accuracy
        assert m.nonlinearity.digits_linear == analysis.train("identity").final_accuracy


# --- each rule, by changing one measurement -------------------------------------------------


def swap(m, **changes):
    """A copy of Measurements ``m`` with nested fields changed: ``report__stats__sparsity=0.0`` etc."""
    for path, value in changes.items():
        m = _replace_path(m, path.split("__"), value)
    return m


def _replace_path(obj, names, value):
    if len(names) == 1:
        return dataclasses.replace(obj, **{names[0]: value})
    return dataclasses.replace(obj, **{names[0]: _replace_path(getattr(obj, names[0]), names[1:], value)})


def rejudge(report, key, subject=None, others=None):
    ms = list(report.measurements)
    if subject is not None:
        ms[0] = subject(ms[0])
    if others is not None:
        ms[1:] = [others(m) for m in ms[1:]]
    return {v.key: v for v in judge(ms)}[key]


@pytest.mark.parametrize(
    ("key", "subject", "others", "expected"),
    [
        ("cost", None, lambda m: swap(m, cost__relative=1.0), DOES_NOT_HOLD),
        (  # between the two others
            "cost",
            lambda m: swap(m, cost__relative=3.0),
            lambda m: swap(m, cost__relative={"sigmoid": 5.0, "tanh": 2.0}[m.name]),
            HOLDS_PARTLY,
        ),
        (
            "nonlinearity",
            lambda m: swap(m, nonlinearity__spirals=m.nonlinearity.spirals_linear),
            None,
            DOES_NOT_HOLD,
        ),
        (
            "nonlinearity",
            lambda m: swap(m, nonlinearity__spirals=0.9),
            None,
            HOLDS_PARTLY,
        ),  # 60% of the errors
        ("vanishing_gradient", lambda m: swap(m, report__flow__ratio=1e-6), None, DOES_NOT_HOLD),
        ("vanishing_gradient", lambda m: swap(m, report__flow__ratio=math.nan), None, DOES_NOT_HOLD),
        ("vanishing_gradient", None, lambda m: swap(m, report__flow__ratio=1e-3), HOLDS),
        ("vanishing_gradient", None, lambda m: swap(m, report__flow__ratio=1.0), HOLDS_PARTLY),
        ("convergence", None, lambda m: swap(m, report__training__epochs_to_target=None), HOLDS),
        ("convergence", lambda m: swap(m, report__training__epochs_to_target=None), None, DOES_NOT_HOLD),
        ("convergence", lambda m: swap(m, report__training__epochs_to_target=30), None, DOES_NOT_HOLD),
        ("sparsity", lambda m: swap(m, report__stats__sparsity=0.0), None, DOES_NOT_HOLD),
        ("sparsity", lambda m: swap(m, report__stats__sparsity=SPARSE), None, HOLDS),
        ("sparsity", lambda m: swap(m, report__stats__sparsity=0.99 * SPARSE), None, HOLDS_PARTLY),
        ("dead_units", lambda m: swap(m, report__training__dead_fraction=0.0), None, DOES_NOT_HOLD),
        ("dead_units", lambda m: swap(m, report__training__dead_fraction=DEAD_MANY), None, HOLDS),
        ("dead_units", lambda m: swap(m, report__training__dead_fraction=math.nan), None, DOES_NOT_HOLD),
        ("saturation", lambda m: swap(m, saturation__measured="both"), None, HOLDS),
        ("saturation", lambda m: swap(m, saturation__measured="upper"), None, HOLDS),
        ("saturation", lambda m: swap(m, saturation__measured="none"), None, DOES_NOT_HOLD),
        ("lost_information", lambda m: swap(m, collapsed__mass=0.0), None, DOES_NOT_HOLD),
        (
            "lost_information",
            lambda m: swap(m, collapsed__probe_accuracy=0.9 * m.collapsed.probe_pre_accuracy),
            None,
            HOLDS,
        ),
        ("bias_shift", lambda m: swap(m, report__stats__mean_output=0.0), None, DOES_NOT_HOLD),
        ("bias_shift", lambda m: swap(m, report__stats__mean_output=-BIAS_SHIFT / 2), None, HOLDS_PARTLY),
        ("bias_shift", lambda m: swap(m, report__stats__mean_output=-BIAS_SHIFT), None, HOLDS),
    ],
)
def test_one_changed_measurement_changes_the_verdict(report, key, subject, others, expected):
    assert rejudge(report, key, subject, others).verdict == expected


def test_the_cost_margin_is_where_the_rule_says(report):
    cheap = rejudge(report, "cost", others=lambda m: swap(m, cost__relative=COST_MARGIN))
    assert cheap.verdict == HOLDS
    close = rejudge(report, "cost", others=lambda m: swap(m, cost__relative=0.99 * COST_MARGIN))
    assert close.verdict == DOES_NOT_HOLD


def test_the_cost_reason_gives_each_others_cost_over_the_subjects(report):
    dear = rejudge(
        report,
        "cost",
        subject=lambda m: swap(m, cost__relative=80.0),
        others=lambda m: swap(m, cost__relative={"sigmoid": 4.0, "tanh": 3.0}[m.name]),
    )
    assert (dear.verdict, dear.reason) == (
        DOES_NOT_HOLD,
        "no cheaper than the others: sigmoid 0.05x, tanh 0.0375x its cost",
    )


def test_the_gradient_flows_within_the_band(report):
    edge = rejudge(report, "vanishing_gradient", subject=lambda m: swap(m, report__flow__ratio=FLOWS))
    assert edge.verdict == HOLDS_PARTLY
    exploding = rejudge(
        report, "vanishing_gradient", subject=lambda m: swap(m, report__flow__ratio=2.0 / FLOWS)
    )
    assert exploding.verdict == DOES_NOT_HOLD


def hit_kinks(m, accuracy):
    """``m`` with 12 kinks hit, and the other side's run giving the test ``accuracy`` curve."""
    kinks = m.kinks
    target = kinks.training.target
    other = dataclasses.replace(
        kinks.training,
        accuracy=tuple(accuracy),
        final_accuracy=accuracy[-1],
        epochs_to_target=next((i for i, a in enumerate(accuracy, start=1) if a >= target), None),
    )
    return dataclasses.replace(m, kinks=dataclasses.replace(kinks, hits=12, other_side_training=other))


def test_a_kink_that_is_hit_and_matters_makes_the_claim_hold(report):
    relu = report.measurements[0]
    own = list(relu.kinks.training.accuracy)
    epochs = relu.kinks.training.epochs_to_target
    lower_final = [*own[:-1], own[-1] - 0.05]
    later = [*own[: epochs - 1], 0.5, *own[epochs:]]  # the target is reached an epoch later
    slightly = [*own[:-1], own[-1] - 0.001]

    def verdict(accuracy):
        return rejudge(report, "kink", subject=lambda m: hit_kinks(m, accuracy)).verdict

    assert (verdict(lower_final), verdict(later), verdict(slightly)) == (HOLDS, HOLDS, HOLDS_PARTLY)
    assert verdict(own) == DOES_NOT_HOLD  # hit, but the other side's run is the same


def test_judge_needs_a_subject():
    with pytest.raises(ValueError, match=r"^judge needs the measurements of at least one activation$"):
        judge([])


# --- fact_check ------------------------------------------------------------------------------


def test_any_activation_can_stand_in_for_relu():
    report = analysis.fact_check(["gelu"], **FAST)
    assert [m.name for m in report.measurements] == ["gelu(approximate='none')", "sigmoid", "tanh"]
    v = {x.key: x for x in report.verdicts}
    assert v["sparsity"].verdict == DOES_NOT_HOLD
    assert (v["kink"].verdict, v["kink"].reason) == (DOES_NOT_HOLD, "it has no kink")
    assert v["saturation"].verdict == DOES_NOT_HOLD  # flat on the left only
    assert v["bias_shift"].verdict == HOLDS  # E[x Phi(x)] = 1 / (2 sqrt(pi)) = 0.282
    assert report.measurements[0].report.stats.mean_output == pytest.approx(
        0.5 / math.sqrt(math.pi), abs=0.01
    )
    assert (
        v["sparsity"].claim
        == "gelu(approximate='none') gives sparse outputs: exact zeros for much of its input"
    )


def test_alone_an_activation_is_set_against_the_others_it_is_not():
    assert [m.name for m in analysis.fact_check(["tanh"], **FAST).measurements] == ["tanh", "sigmoid"]


class Softsign(activations.BaseActivation):
    """x / (1 + |x|): a third-party activation the analysis has never heard of."""

    name = "softsign_claims_test"
    properties = activations.Properties(
        output_range=(-1.0, 1.0),
        monotonic=True,
        zero_centered=True,
        sparse=False,
        smoothness=1,
        saturating="both",
    )

    def forward(self, x, /, *, out=None):
        return np.divide(x, 1.0 + np.abs(x), out=out)

    def derivative(self, x, /, *, out=None):
        return np.divide(1.0, np.square(1.0 + np.abs(x)), out=out)


def test_a_third_party_activation_is_fact_checked_through_the_contract():
    report = analysis.fact_check([Softsign(), "relu"], **FAST)
    v = {x.key: x.verdict for x in report.verdicts}
    assert v["saturation"] == HOLDS  # f' = 1 / (1 + |x|)^2: about 1e-4 at 100
    assert v["bias_shift"] == DOES_NOT_HOLD  # odd: mean 0
    assert v["sparsity"] == DOES_NOT_HOLD


def test_fact_check_is_seeded_except_for_the_timings():
    def without_cost(report):
        data = report.to_dict()
        for m in data["measurements"]:
            del m["cost"]
        del data["claims"][0]
        return data

    first = analysis.fact_check(["relu", "tanh"], epochs=2, timing=bench.QUICK)
    again = analysis.fact_check(["relu", "tanh"], epochs=2, timing=bench.QUICK)
    assert without_cost(first) == without_cost(again)
    other_seed = analysis.fact_check(["relu", "tanh"], epochs=2, seed=1, timing=bench.QUICK)
    assert without_cost(other_seed) != without_cost(first)


def test_a_name_given_twice_is_refused_before_anything_is_measured():
    with pytest.raises(
        activations.InvalidSpecError, match=r"^relu is given twice: each activation is measured once$"
    ):
        analysis.fact_check(["relu", "ReLU"])
    with pytest.raises(activations.UnknownActivationError):
        analysis.fact_check(["relu", "nope"])
    with pytest.raises(
        ValueError, match=r"^fact_check needs a sequence of at least one activation, got 'relu'$"
    ):
        analysis.fact_check("relu")


def test_progress_counts_every_step_up_to_the_total():
    seen = []
    analysis.fact_check(
        ["relu", "tanh"], progress=lambda done, total, message: seen.append((done, total)), **FAST
    )
    assert [done for done, _ in seen] == list(range(len(seen)))
    assert seen[-1][0] == seen[-1][1] == 4 * 2 + 3


def test_to_dict_is_json_with_every_measurement(report):
    data = report.to_dict()
    json.dumps(data, allow_nan=False)
    assert data["subject"] == "relu"
    assert data["activations"] == ["relu", "sigmoid", "tanh"]
    assert [c["key"] for c in data["claims"]] == [c.key for c in CLAIMS]
    assert data["settings"]["spirals"]["hidden"] == [64, 64]
    relu = data["measurements"][0]
    assert relu["saturation"]["measured"] == "lower"
    assert relu["collapsed_input"]["mass"] == 0.5
    assert relu["kinks"]["other_side"] == [1.0]
    assert relu["comparison"]["sparsity"] == report.measurements[0].report.stats.sparsity


def test_plot_writes_one_figure(report, tmp_path):
    report.plot(tmp_path / "claims.png")
    assert (tmp_path / "claims.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    report.plot(tmp_path / "claims.svg")
    assert (tmp_path / "claims.svg").read_text()[:5] == "<?xml"


def test_plot_without_matplotlib_names_the_extra(report, monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ModuleNotFoundError, match=r"pip install 'pluggable-activations\[plot\]'$"):
        report.plot(tmp_path / "claims.png")
    assert not (tmp_path / "claims.png").exists()
