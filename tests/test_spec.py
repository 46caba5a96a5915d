"""Spec strings: parsed with ast, literals only, never evaluated."""

import pytest

from activations import InvalidSpecError
from activations._spec import MAX_SPEC_LENGTH, fold, parse_spec


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("relu", "relu"),
        ("ReLU", "relu"),
        ("Leaky-ReLU", "leaky_relu"),
        ("leaky relu", "leaky_relu"),
        ("  LEAKY__relu ", "leaky_relu"),
        ("leaky - relu", "leaky_relu"),
    ],
)
def test_fold(written, key):
    assert fold(written) == key


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("relu", ("relu", {})),
        ("relu()", ("relu", {})),
        (" Leaky ReLU ( negative_slope = 0.2 ) ", ("Leaky ReLU", {"negative_slope": 0.2})),
        ("gelu(approximate='tanh')", ("gelu", {"approximate": "tanh"})),
        (
            "x(a=-1, b=+2.5, c=None, d=True, e=(1, -2), f=[3])",
            ("x", {"a": -1, "b": 2.5, "c": None, "d": True, "e": (1, -2), "f": [3]}),
        ),
    ],
)
def test_parse_accepts_literals(spec, expected):
    assert parse_spec(spec) == expected


HOSTILE = [
    "__import__('os').system('touch /tmp/activations-pwned')",
    "relu(x=__import__('os').system('touch /tmp/activations-pwned'))",
    "relu(x=lambda: 1)",
    "relu(x=open('/etc/passwd'))",
    "relu(x=os.environ)",
    "relu(x=().__class__)",
    "relu(x=[i for i in range(10)])",
    "relu(x=10**10**10)",
    "relu(x=1+2j)",
    "relu(x={'a': 1})",
    "relu(x=not 1)",
    "relu(x=~1)",
    "relu(x=f'{1}')",
    "relu(**{'x': 1})",
    "relu(0.2)",
    "relu(x=1)(y=2)",
    "relu(x=1), print(1)",
    "relu; import os",
    "relu(x=" + "9" * MAX_SPEC_LENGTH + ")",
]


@pytest.mark.parametrize("spec", HOSTILE)
def test_hostile_specs_are_refused_and_run_nothing(spec):
    import builtins
    import pathlib

    imports = []
    real_import = builtins.__import__

    def spy(name, *args, **kwargs):
        imports.append(name)
        return real_import(name, *args, **kwargs)

    builtins.__import__ = spy
    try:
        with pytest.raises(InvalidSpecError):
            parse_spec(spec)
    finally:
        builtins.__import__ = real_import
    assert not {"os", "subprocess", "sys"} & set(imports)  # the spec's own imports never run
    assert not pathlib.Path("/tmp/activations-pwned").exists()


def test_exact_messages():
    with pytest.raises(InvalidSpecError) as info:
        parse_spec("relu(0.2)")
    assert (
        str(info.value) == "spec 'relu(0.2)': positional arguments are not accepted; write them as key=value"
    )
    with pytest.raises(InvalidSpecError) as info:
        parse_spec("relu(x=lambda: 1)")
    assert str(info.value) == (
        "spec 'relu(x=lambda: 1)': the value of 'x' must be a literal "
        "(number, string, True/False/None, or a tuple/list of them), got 'lambda: 1'"
    )
    long = "r" * (MAX_SPEC_LENGTH + 1)
    with pytest.raises(InvalidSpecError) as info:
        parse_spec(long)
    assert (
        str(info.value) == f"spec of {MAX_SPEC_LENGTH + 1} characters is too long; at most 512 are accepted"
    )
    with pytest.raises(InvalidSpecError) as info:
        parse_spec("relu; import os")
    assert str(info.value) == (
        "spec 'relu; import os' is not of the form 'name' or 'name(key=value, ...)' with literal values"
    )


def test_repeated_parses_give_independent_copies():
    first = parse_spec("leaky_relu(negative_slope=0.25)")
    first[1]["negative_slope"] = 99.0
    first[1]["added"] = True
    assert parse_spec("leaky_relu(negative_slope=0.25)") == ("leaky_relu", {"negative_slope": 0.25})


def test_mutable_values_are_parsed_afresh_each_time():
    first = parse_spec("x(values=[1, 2])")
    first[1]["values"].append(3)
    assert parse_spec("x(values=[1, 2])") == ("x", {"values": [1, 2]})


def test_a_bare_name_as_a_value_is_refused_with_what_is_allowed():
    with pytest.raises(InvalidSpecError) as info:
        parse_spec("relu(x=foo)")
    assert str(info.value) == (
        "spec 'relu(x=foo)': the value of 'x' must be a literal "
        "(number, string, True/False/None, or a tuple/list of them), got 'foo'"
    )
    assert info.value.spec == "relu(x=foo)"


def test_a_keyword_given_twice_is_refused_as_python_refuses_it():
    spec = "leaky_relu(negative_slope=0.2, negative_slope=0.3)"
    with pytest.raises(InvalidSpecError) as info:
        parse_spec(spec)
    assert str(info.value) == f"spec {spec!r}: the parameter 'negative_slope' is given twice"
    assert info.value.spec == spec
