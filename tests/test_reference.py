"""The mpmath reference checked against itself and against independent formulas.

The reference (`tests/reference.py`) is what every accuracy test trusts, so it
is checked here: f' and f'' against numerical differentiation of f and f' at
80 digits away from the kinks; each function against a second, differently
written formula (the textbook one, evaluated where it does not cancel) or a
published value; the kink conventions against the table of the brief; the
limits at +-inf.
"""

from __future__ import annotations

from typing import Any

import mpmath
import pytest
from accuracy_tools import CASES, INF_SURROGATE, Case, nearest
from reference import REFERENCES, bind, mpf

#: Sample points (decimal strings, so not float-exact: exact kinks are avoided by construction).
POINTS = ["-30.3", "-7.7", "-2.9", "-1.7", "-1.03", "-0.61", "-0.27", "-0.013", "0.031", "0.45", "0.97",
          "1.3", "2.6", "3.7", "6.1", "19.9", "33.3"]  # fmt: skip


def _raw(case: Case, which: str) -> Any:
    """f, df or d2f of ``case`` at the ambient mpmath precision (not pinned to 50 digits)."""
    ref = case.reference()
    fn = getattr(ref.reference, which)
    return lambda x: fn(mpf(x), ref.params)


def _away_from_kinks(case: Case) -> list[Any]:
    kinks = case.reference().kinks
    return [mpf(p) for p in POINTS if all(abs(mpf(p) - k) > mpf("0.05") for k in kinks)]


def _close(a: Any, b: Any, rel: Any, absolute: Any = 0) -> bool:
    return bool(abs(a - b) <= max(rel * max(abs(a), abs(b)), absolute))


@pytest.mark.parametrize("case", [pytest.param(c, id=c.spec) for c in CASES])
def test_derivatives_match_numerical_differentiation(case: Case):
    f, df, d2f = _raw(case, "f"), _raw(case, "df"), _raw(case, "d2f")
    with mpmath.workdps(80):
        for x in _away_from_kinks(case):
            assert _close(df(x), mpmath.diff(f, x), mpf(10) ** -40, mpf(10) ** -70), (case.spec, "f'", x)
            assert _close(d2f(x), mpmath.diff(df, x), mpf(10) ** -40, mpf(10) ** -70), (case.spec, "f''", x)


def _gradient_cases() -> list[Any]:
    return [
        pytest.param(c, name, id=f"{c.spec}-{name}")
        for c in CASES
        for name in c.reference().reference.gradients
    ]


@pytest.mark.parametrize(("case", "name"), _gradient_cases())
def test_parameter_gradients_match_numerical_differentiation_in_the_parameter(case: Case, name: str):
    """df/dtheta against d/dtheta of f itself (mpmath.diff in theta), and its x-derivative against d/dx."""
    ref = case.reference()
    f = ref.reference.f
    dtheta, dtheta_dx = ref.reference.gradients[name]
    with mpmath.workdps(80):
        for x in [*_away_from_kinks(case), mpf("-700.5"), mpf("-1e-9"), mpf("1e-9")]:

            def f_of_theta(theta: Any, x: Any = x) -> Any:
                return f(x, {**ref.params, name: theta})

            theta = ref.params[name]
            assert _close(
                dtheta(x, ref.params), mpmath.diff(f_of_theta, theta), mpf(10) ** -30, mpf(10) ** -70
            ), (
                case.spec,
                name,
                x,
            )
            if x in (mpf("-700.5"),):
                continue  # numerical differentiation in x at -700 is fine too, but needs no second check
            assert _close(
                dtheta_dx(x, ref.params),
                mpmath.diff(lambda t: dtheta(t, ref.params), x),
                mpf(10) ** -30,
                mpf(10) ** -70,
            ), (case.spec, name, "d/dx", x)


def test_every_learnable_parameter_has_a_reference_gradient():
    import activations

    for name in REFERENCES:
        act = activations.get(name)
        assert set(act.learnable) == set(REFERENCES[name].gradients), name


# Independent formulas: (spec, which, formula) with the textbook expression at 80 digits.
def _sig(z: Any) -> Any:
    return (1 + mpmath.tanh(z / 2)) / 2


SCALE = "1.0507009873554804934193349852946"  # SELU's scale
_LAMBDA_ALPHA = "1.7580993408473768599402175208123"  # SELU's scale * alpha, as published (mpf at use)
INDEPENDENT = [
    ("sigmoid", "f", lambda x: _sig(x)),
    ("sigmoid", "df", lambda x: mpmath.exp(-x) / (1 + mpmath.exp(-x)) ** 2),
    ("tanh", "df", lambda x: 1 - mpmath.tanh(x) ** 2),
    ("tanh", "f", lambda x: 2 * _sig(2 * x) - 1),
    ("softplus", "f", lambda x: mpmath.log(1 + mpmath.exp(x))),
    ("softplus(beta=2.0)", "f", lambda x: mpmath.log(1 + mpmath.exp(2 * x)) / 2),
    ("softplus", "df", lambda x: _sig(x)),
    ("log_sigmoid", "f", lambda x: mpmath.log(_sig(x))),
    ("gelu", "f", lambda x: x * (1 + mpmath.erf(x / mpmath.sqrt(2))) / 2),
    ("gelu", "df", lambda x: mpmath.ncdf(x) + x * mpmath.npdf(x)),
    (
        "gelu(approximate='tanh')",
        "f",
        lambda x: x / 2 * (1 + mpmath.tanh(mpmath.sqrt(2 / mpmath.pi) * (x + mpf("0.044715") * x**3))),
    ),
    ("gelu(approximate='sigmoid')", "f", lambda x: x / (1 + mpmath.exp(-mpf("1.702") * x))),
    ("silu", "f", lambda x: x / (1 + mpmath.exp(-x))),
    ("silu(beta=2.0)", "f", lambda x: x * _sig(2 * x)),
    ("silu", "df", lambda x: _sig(x) * (1 + x * (1 - _sig(x)))),
    ("mish", "f", lambda x: x * mpmath.tanh(mpmath.log(1 + mpmath.exp(x)))),
    (
        "mish",
        "f",
        lambda x: x * mpmath.exp(x) * (mpmath.exp(x) + 2) / (mpmath.exp(2 * x) + 2 * mpmath.exp(x) + 2),
    ),
    ("squareplus", "f", lambda x: (x + mpmath.sqrt(x * x + 4)) / 2),
    ("squareplus(b=1.0)", "df", lambda x: (1 + x / mpmath.sqrt(x * x + 1)) / 2),
    ("elu", "f", lambda x: x if x > 0 else mpmath.exp(x) - 1),
    ("elu(alpha=0.5)", "f", lambda x: x if x > 0 else (mpmath.exp(x) - 1) / 2),
    ("selu", "f", lambda x: mpf(SCALE) * x if x > 0 else mpf(_LAMBDA_ALPHA) * (mpmath.exp(x) - 1)),
    ("celu", "f", lambda x: max(mpf(0), x) + min(mpf(0), mpmath.exp(x) - 1)),
    ("celu(alpha=2.0)", "f", lambda x: max(mpf(0), x) + min(mpf(0), 2 * (mpmath.exp(x / 2) - 1))),
    ("hard_sigmoid", "f", lambda x: min(max(x + 3, mpf(0)), mpf(6)) / 6),
    ("hard_sigmoid(kind='keras2')", "f", lambda x: min(max(x / 5 + mpf(1) / 2, mpf(0)), mpf(1))),
    ("hard_swish", "f", lambda x: x * min(max(x + 3, mpf(0)), mpf(6)) / 6),
    ("sparse_plus", "df", lambda x: min(max((x + 1) / 2, mpf(0)), mpf(1))),
    ("softsign", "df", lambda x: 1 / (1 + abs(x)) ** 2),
    ("tanhshrink", "f", lambda x: x - mpmath.tanh(x)),
    ("softshrink", "f", lambda x: mpmath.sign(x) * max(abs(x) - mpf("0.5"), mpf(0))),
    ("hardshrink(lambd=0.25)", "f", lambda x: x if abs(x) > mpf("0.25") else mpf(0)),
    ("hardtanh(min_val=-2.0, max_val=3.0)", "f", lambda x: min(max(x, mpf(-2)), mpf(3))),
    ("relu6", "f", lambda x: min(max(x, mpf(0)), mpf(6))),
    ("threshold(threshold=1.0, value=-1.0)", "f", lambda x: x if x > 1 else mpf(-1)),
    ("rrelu", "f", lambda x: x if x >= 0 else mpf(11) / 48 * x),
    ("exponential", "d2f", lambda x: mpmath.e**x),
    ("identity", "f", lambda x: x),
]
CASE_BY_SPEC = {c.spec: c for c in CASES}


@pytest.mark.parametrize(
    ("spec", "which", "formula"), INDEPENDENT, ids=[f"{s}-{w}" for s, w, _ in INDEPENDENT]
)
def test_matches_an_independent_formula(spec: str, which: str, formula: Any):
    case = CASE_BY_SPEC[spec]
    fn = getattr(case.reference(), which)
    # rrelu's float defaults give a midpoint within 1e-16 of 11/48; SELU's published scale * alpha has
    # 32 digits; everything else agrees to 1e-45.
    rel = mpf(10) ** {"rrelu": -15, "selu": -30}.get(spec, -45)
    with mpmath.workdps(80):
        for x in _away_from_kinks(case):
            assert _close(fn(x), formula(x), rel, mpf(10) ** -60), (spec, which, x, fn(x), formula(x))


@pytest.mark.parametrize(
    ("spec", "root", "minimum"),
    [  # published minima (activation-math.md): the zero of f' and the value there
        ("gelu", "-0.75179", "-0.16997"),
        ("silu", "-1.27846", "-0.27846"),
        ("mish", "-1.19243", "-0.30884"),
    ],
)
def test_minimum_is_where_published(spec: str, root: str, minimum: str):
    ref = CASE_BY_SPEC[spec].reference()
    with mpmath.workdps(50):
        x = mpmath.findroot(ref.df, mpf(root))
        assert abs(x - mpf(root)) < 1e-5
        assert abs(ref.f(x) - mpf(minimum)) < 1e-5


def test_published_values():
    assert float(bind("sigmoid").df(40)) == pytest.approx(4.2483542552915889e-18, rel=1e-15)
    assert float(bind("tanh").df(20)) == pytest.approx(1.7e-17, rel=1e-3)
    assert float(bind("tanhshrink").f(mpf("1e-10"))) == pytest.approx(3.3333333333333333e-31, rel=1e-15)
    assert float(bind("selu").df(0)) == pytest.approx(1.7580993408473768, rel=1e-15)
    # softplus has no threshold jump: softplus(20.5) = 20.5 + 1.25e-9
    assert float(bind("softplus").f(mpf("20.5")) - mpf("20.5")) == pytest.approx(1.2501528e-9, rel=1e-6)
    gap = max(
        abs(bind("gelu", approximate="tanh").f(x) - bind("gelu").f(x)) for x in mpmath.linspace(2.6, 2.8, 41)
    )
    assert float(gap) == pytest.approx(4.73e-4, rel=1e-2)  # the tanh form's largest error, near 2.70


def test_tiny_arguments_do_not_cancel():
    # x - tanh x = x^3/3 - 2 x^5/15 + ...: exact where the subtraction would give 0.
    with mpmath.workdps(50):
        for x in (mpf(2) ** -1074, mpf("1e-200"), mpf("1e-20")):
            assert _close(bind("tanhshrink").f(x), x**3 / 3 - 2 * x**5 / 15, mpf(10) ** -30)
        # squareplus(x) = b / (2 (sqrt(x^2 + b) - x)) -> b / (4 |x|) in the left tail
        assert _close(bind("squareplus").f(mpf("-1e200")), mpf("1e-200"), mpf(10) ** -30)


# The kink conventions of the brief: (spec, x, f'(x)).
KINKS = [
    ("relu", 0, 0), ("leaky_relu", 0, 0.01), ("leaky_relu(negative_slope=0.2)", 0, 0.2), ("prelu", 0, 0.25),
    ("relu6", 0, 0), ("relu6", 6, 0), ("threshold", 0, 0), ("threshold(threshold=1.0, value=-1.0)", 1, 0),
    ("rrelu", 0, (1 / 8 + 1 / 3) / 2), ("elu", 0, 1), ("elu(alpha=0.5)", 0, 0.5),
    ("selu", 0, "1.7580993408473768599402175208123"), ("celu", 0, 1), ("celu(alpha=2.0)", 0, 1),
    ("hardtanh", -1, 0), ("hardtanh", 1, 0), ("hardtanh(min_val=-2.0, max_val=3.0)", -2, 0),
    ("hardtanh(min_val=-2.0, max_val=3.0)", 3, 0),
    ("hard_sigmoid", -3, 0), ("hard_sigmoid", 3, 0), ("hard_sigmoid(kind='keras2')", -2.5, 0),
    ("hard_sigmoid(kind='keras2')", 2.5, 0), ("hard_swish", -3, 0), ("hard_swish", 3, 1),
    ("softshrink", -0.5, 0), ("softshrink", 0.5, 0), ("hardshrink", -0.5, 0), ("hardshrink", 0.5, 0),
    ("softshrink(lambd=1.0)", 1, 0), ("sparse_sigmoid", -1, 0), ("sparse_sigmoid", 1, 0),
    ("sparse_plus", -1, 0), ("sparse_plus", 1, 1),
]  # fmt: skip


@pytest.mark.parametrize(("spec", "x", "expected"), KINKS, ids=[f"{s}@{x}" for s, x, _ in KINKS])
def test_kink_convention(spec: str, x: float, expected: Any):
    ref = CASE_BY_SPEC[spec].reference()
    assert mpf(x) in ref.kinks
    with mpmath.workdps(50):
        assert _close(ref.df(x), mpf(expected), mpf(10) ** -30)


def test_every_reference_has_its_kink_conventions_tested():
    kinked = {name for name in REFERENCES if bind(name).kinks}
    assert kinked == {spec.split("(")[0] for spec, _, _ in KINKS}


# Limits at +-inf, evaluated at the surrogate +-2**1100 and rounded to float64:
# (name, f(-inf), f(inf), f'(-inf), f'(inf)).
LIMITS = [
    ("relu", 0, "inf", 0, 1), ("leaky_relu", "-inf", "inf", 0.01, 1), ("prelu", "-inf", "inf", 0.25, 1),
    ("relu6", 0, 6, 0, 0),
    ("threshold", 0, "inf", 0, 1), ("elu", -1, "inf", 0, 1), ("celu", -1, "inf", 0, 1),
    ("selu", "-1.7580993408473768599", "inf", 0, SCALE), ("gelu", 0, "inf", 0, 1), ("silu", 0, "inf", 0, 1),
    ("hard_sigmoid", 0, 1, 0, 0), ("hard_swish", 0, "inf", 0, 1), ("mish", 0, "inf", 0, 1),
    ("softplus", 0, "inf", 0, 1), ("squareplus", 0, "inf", 0, 1), ("sparse_plus", 0, "inf", 0, 1),
    ("sparse_sigmoid", 0, 1, 0, 0), ("softsign", -1, 1, 0, 0), ("sigmoid", 0, 1, 0, 0),
    ("log_sigmoid", "-inf", 0, 1, 0), ("tanh", -1, 1, 0, 0), ("hardtanh", -1, 1, 0, 0),
    ("tanhshrink", "-inf", "inf", 1, 1), ("softshrink", "-inf", "inf", 1, 1),
    ("hardshrink", "-inf", "inf", 1, 1), ("identity", "-inf", "inf", 1, 1),
    ("exponential", 0, "inf", 0, "inf"),
    ("rrelu", "-inf", "inf", (1 / 8 + 1 / 3) / 2, 1),
]  # fmt: skip


@pytest.mark.parametrize(("name", "low", "high", "dlow", "dhigh"), LIMITS, ids=[row[0] for row in LIMITS])
def test_limits_at_infinity(name: str, low: Any, high: Any, dlow: Any, dhigh: Any):
    ref = bind(name)
    with mpmath.workdps(50):
        for x, value, slope in ((-INF_SURROGATE, low, dlow), (INF_SURROGATE, high, dhigh)):
            assert nearest(ref.f(x), "float64") == float(mpf(value)), (name, x)
            assert nearest(ref.df(x), "float64") == float(mpf(slope)), (name, "f'", x)


def test_every_reference_has_its_limits_tested():
    assert {row[0] for row in LIMITS} == set(REFERENCES)


def test_parameters_are_checked():
    with pytest.raises(TypeError, match="unknown parameter"):
        bind("elu", slope=1.0)
    with pytest.raises(ValueError, match="approximate must be one of"):
        bind("gelu", approximate="erf")
