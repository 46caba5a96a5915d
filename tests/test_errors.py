"""The errors carry what went wrong as fields, not only in their message, and pickle with them."""

import pickle

import pytest

import activations
from activations import (
    DuplicateActivationError,
    InvalidSpecError,
    PluginLoadWarning,
    Registry,
    UnknownActivationError,
)


@pytest.fixture(scope="module")
def reg():
    return Registry(autoload=False)


def _round_trip(exc):
    copy = pickle.loads(pickle.dumps(exc))
    assert type(copy) is type(exc)
    assert str(copy) == str(exc)
    return copy


def test_unknown_activation_error_has_the_name_and_suggestions(reg):
    with pytest.raises(UnknownActivationError) as info:
        reg.get("sigmiod")
    exc = info.value
    assert (exc.name, exc.suggestions, exc.failures) == ("sigmiod", ("sigmoid", "log_sigmoid"), ())
    copy = _round_trip(exc)
    assert (copy.name, copy.suggestions, copy.failures) == (exc.name, exc.suggestions, exc.failures)


def test_an_alias_suggests_its_activation_once(reg):
    with pytest.raises(UnknownActivationError) as info:
        reg.get("logistik")
    assert info.value.suggestions[0] == "sigmoid"
    assert len(set(info.value.suggestions)) == len(info.value.suggestions)


def test_duplicate_activation_error_names_both_providers(reg):
    sigmoid_type = type(reg.get("sigmoid").plugin)
    with pytest.raises(DuplicateActivationError) as info:
        reg.register(sigmoid_type, name="sigmoid")
    exc = info.value
    assert exc.name == "sigmoid"
    assert exc.existing_provider == "activations.plugins.sigmoid"
    assert exc.provider == "activations.plugins.sigmoid"  # the class's module registers it at run time
    copy = _round_trip(exc)
    assert (copy.name, copy.provider, copy.existing_provider) == (
        exc.name,
        exc.provider,
        exc.existing_provider,
    )


@pytest.mark.parametrize(
    "spec",
    [
        "leaky_relu(slope=0.2)",  # an unknown parameter
        "leaky_relu(negative_slope='a')",  # ill-typed
        "celu(alpha=0.0)",  # refused by the activation's __init__
        "relu(x=foo)",  # not a literal
        {"negative_slope": 0.2},  # a dict without a name
    ],
    ids=["unknown", "ill-typed", "refused", "not-a-literal", "no-name"],
)
def test_invalid_spec_error_has_the_spec_as_given(reg, spec):
    with pytest.raises(InvalidSpecError) as info:
        reg.get(spec)
    assert info.value.spec == spec
    assert _round_trip(info.value).spec == spec


def test_plugin_load_warning_has_the_plugin_its_distribution_and_the_error():
    warning = PluginLoadWarning("skipped", plugin="p", distribution="d", error="ImportError: x")
    copy = _round_trip(warning)
    assert (copy.plugin, copy.distribution, copy.error) == ("p", "d", "ImportError: x")


def test_every_error_derives_from_the_base_and_a_builtin():
    assert issubclass(UnknownActivationError, (activations.ActivationError, LookupError))
    assert issubclass(DuplicateActivationError, (activations.ActivationError, ValueError))
    assert issubclass(InvalidSpecError, (activations.ActivationError, ValueError))
