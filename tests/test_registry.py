"""The registry: names, aliases, specs, lookup, run-time registration, errors."""

import math
import pickle
import threading
from typing import ClassVar

import numpy as np
import pytest

import activations
from activations import (
    BaseActivation,
    DuplicateActivationError,
    InvalidActivationError,
    InvalidSpecError,
    Properties,
    Registry,
    UnknownActivationError,
)

LINEAR = Properties(
    output_range=(-math.inf, math.inf),
    monotonic=True,
    zero_centered=True,
    sparse=False,
    smoothness=math.inf,
    identity_near_origin=True,
)


class Scaled(BaseActivation):
    """x times a constant."""

    name = "scaled"
    properties = LINEAR

    def __init__(self, *, scale: float = 1.0, label: str = "s", flag: bool = False, count: int = 1) -> None:
        if scale <= 0:
            raise ValueError(f"scale must be positive, got {scale!r}")
        self.scale, self.label, self.flag, self.count = scale, label, flag, count

    def forward(self, x, /, *, out=None):
        return np.multiply(x, x.dtype.type(self.scale), out=out)

    def derivative(self, x, /, *, out=None):
        result = np.multiply(x, 0, out=out)
        result += x.dtype.type(self.scale)
        return result


@pytest.fixture
def reg():
    return Registry(autoload=False)


@pytest.mark.parametrize(
    "written", ["leaky_relu", "Leaky-ReLU", "leaky relu", "LEAKY_RELU", "LeakyReLU", "lrelu"]
)
def test_names_fold_case_and_separators_and_aliases(reg, written):
    assert reg.get(written).name == "leaky_relu"


def test_names_are_sorted_canonical_and_aliases_on_request(reg):
    names = reg.names()
    assert names == sorted(names)
    assert {"relu", "leaky_relu", "sigmoid", "tanh"} <= set(names)
    assert "logistic" not in names
    with_aliases = reg.names(aliases=True)
    assert {"logistic", "lrelu"} <= set(with_aliases)
    assert with_aliases == sorted(with_aliases)


@pytest.mark.parametrize(
    "spec",
    [
        "leaky_relu(negative_slope=0.2)",
        {"name": "leaky_relu", "negative_slope": 0.2},
        {"name": "Leaky ReLU", "negative_slope": 0.2},
    ],
)
def test_specs_build_the_same_activation(reg, spec):
    act = reg.get(spec)
    assert act.config == {"name": "leaky_relu", "negative_slope": 0.2}
    assert act == reg.get("leaky_relu", negative_slope=0.2)


def test_integer_parameter_for_a_float_default_is_converted(reg):
    assert reg.get("leaky_relu", negative_slope=1).config == {"name": "leaky_relu", "negative_slope": 1.0}


def test_each_get_returns_a_fresh_instance(reg):
    a, b = reg.get("relu"), reg.get("relu")
    assert a == b
    assert a is not b
    assert a.plugin is not b.plugin


@pytest.mark.parametrize("name", activations.names())
def test_config_round_trips_for_every_registered_activation(name):
    act = activations.get(name)
    assert activations.get(act.config) == act
    assert activations.get(repr(act)) == act
    assert pickle.loads(pickle.dumps(act)) == act


def test_bound_and_plugin_instances_as_specs(reg):
    bound = reg.get("relu")
    assert reg.get(bound) is bound
    plugin = Scaled(scale=2.0)
    wrapped = reg.get(plugin)
    assert wrapped.plugin is plugin
    assert wrapped([1.0]).tolist() == [2.0]


def test_unknown_name_lists_close_matches(reg):
    with pytest.raises(UnknownActivationError) as info:
        reg.get("sigmiod")
    first = str(info.value).splitlines()[0]
    assert first == "unknown activation 'sigmiod'; did you mean 'sigmoid' or 'log_sigmoid'?"
    assert isinstance(info.value, LookupError)
    assert str(info.value).splitlines()[-1].startswith("available: ")
    assert "relu" in str(info.value).splitlines()[-1]


def test_unknown_name_without_close_match(reg):
    with pytest.raises(UnknownActivationError) as info:
        reg.describe("qqqqqq")
    assert str(info.value).splitlines()[0] == "unknown activation 'qqqqqq'"


def test_unknown_parameter_lists_accepted_parameters_with_defaults(reg):
    with pytest.raises(InvalidSpecError) as info:
        reg.get("leaky_relu", slope=0.2)
    assert str(info.value) == "leaky_relu() got an unknown parameter 'slope'; accepted: negative_slope=0.01"
    with pytest.raises(InvalidSpecError) as info:
        reg.get("relu(alpha=1.0)")
    assert str(info.value) == "relu() got an unknown parameter 'alpha'; accepted: no parameters"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"scale": "2"}, "scaled(scale='2'): parameter 'scale' expected a real number, got '2'"),
        ({"scale": True}, "scaled(scale=True): parameter 'scale' expected a real number, got True"),
        ({"label": 3}, "scaled(label=3): parameter 'label' expected a string, got 3"),
        ({"flag": 1}, "scaled(flag=1): parameter 'flag' expected True or False, got 1"),
        ({"count": 1.5}, "scaled(count=1.5): parameter 'count' expected an integer, got 1.5"),
        ({"scale": -1.0}, "scaled(scale=-1.0): scale must be positive, got -1.0"),
    ],
)
def test_ill_typed_or_refused_parameters(reg, params, message):
    reg.register(Scaled, name="scaled")
    with pytest.raises(InvalidSpecError) as info:
        reg.get("scaled", **params)
    accepted = "; accepted: scale=1.0, label='s', flag=False, count=1"
    assert str(info.value) == message + accepted


def test_parameter_given_twice(reg):
    with pytest.raises(InvalidSpecError) as info:
        reg.get("leaky_relu(negative_slope=0.2)", negative_slope=0.3)
    assert str(info.value) == (
        "parameter 'negative_slope' is given both in the spec "
        "'leaky_relu(negative_slope=0.2)' and as a keyword"
    )


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (
            None,
            "a spec must be a name, a spec string, a dict or an activation; plugin 'builtins': "
            "builtins.NoneType does not meet the Activation contract: missing attribute 'name'",
        ),
        ({"negative_slope": 0.2}, "a dict spec needs a 'name' string, got {'negative_slope': 0.2}"),
        (Scaled, "got the class Scaled; pass an instance, a name or a spec, or register the class first"),
    ],
)
def test_bad_spec_types(reg, spec, message):
    with pytest.raises(InvalidSpecError) as info:
        reg.get(spec)
    assert str(info.value) == message


def test_register_unregister_and_duplicates(reg):
    reg.register(Scaled, name="scaled", aliases=("times",))
    assert reg.get("Times").name == "scaled"
    assert reg.describe("scaled").plugin == __name__
    with pytest.raises(DuplicateActivationError) as info:
        reg.register(Scaled, name="scaled")
    assert str(info.value) == (
        f"'scaled' is already registered as the name of 'scaled' by plugin {__name__!r}; "
        f"plugin {__name__!r} cannot register it again (use replace=True to replace it)"
    )
    reg.unregister("times")
    assert "scaled" not in reg.names()
    assert "times" not in reg.names(aliases=True)


def test_a_runtime_alias_cannot_take_a_bundled_name(reg):
    with pytest.raises(DuplicateActivationError) as info:
        reg.register(Scaled, name="scaled", aliases=("logistic",))
    assert str(info.value).startswith(
        "'logistic' is already registered as the alias of 'sigmoid' by plugin 'activations.plugins.sigmoid'"
    )
    assert "scaled" not in reg.names()  # nothing half-registered
    assert reg.get("logistic").name == "sigmoid"


def test_replace_and_registered_restore(reg):
    class Other(Scaled):
        name = "sigmoid"

    with reg.registered(Other, name="sigmoid", replace=True):
        assert type(reg.get("sigmoid").plugin) is Other
        assert "logistic" not in reg.names(aliases=True)  # the replaced entry went whole
    assert type(reg.get("logistic").plugin).__name__ == "Sigmoid"


def test_replacing_an_entry_by_itself_with_new_aliases(reg):
    relu_type = type(reg.get("relu").plugin)
    with reg.registered(relu_type, name="relu", aliases=("ramp",), replace=True):
        assert reg.get("ramp").name == "relu"
        assert "rectifier" not in reg.names(aliases=True)
    assert reg.get("rectifier").name == "relu"
    assert "ramp" not in reg.names(aliases=True)


@pytest.mark.parametrize(
    ("factory", "message"),
    [
        (42, "plugin 'p': the factory must be a class or callable, got int"),
        (
            lambda: object(),
            "plugin 'p': builtins.object does not meet the Activation contract: missing attribute 'name'",
        ),
    ],
)
def test_invalid_factories(factory, message):
    from activations._registry import _make_entry

    with pytest.raises(InvalidActivationError) as info:
        _make_entry(factory, name=None, aliases=(), provider="p")
    assert str(info.value) == message


def test_invalid_activation_messages_name_the_member(reg):
    class NoDerivative:
        name = "no_derivative"
        properties = LINEAR
        config: ClassVar[dict] = {"name": "no_derivative"}

        def forward(self, x, /, *, out=None):
            return x

        def backward(self, x, g, /, *, output=None, out=None):
            return g

    with pytest.raises(InvalidActivationError) as info:
        reg.register(NoDerivative)
    assert str(info.value) == (
        f"plugin {__name__!r}: {__name__}.test_invalid_activation_messages_name_the_member"
        ".<locals>.NoDerivative does not meet the Activation contract: missing attribute 'derivative'"
    )

    class BadSignature(Scaled):
        name = "bad_signature"

        def forward(self, x):
            return x

    with pytest.raises(InvalidActivationError) as info:
        reg.register(BadSignature)
    assert str(info.value).endswith(
        "does not meet the Activation contract: forward(x) must accept forward(x, /, *, out=None)"
    )

    class WrongName(Scaled):
        name = "Wrong Name"

    with pytest.raises(InvalidActivationError) as info:
        reg.register(WrongName)
    assert (
        str(info.value)
        == f"plugin {__name__!r}: the name 'Wrong Name' is not lower snake_case (letters, digits, '_')"
    )

    class NeedsArgument(Scaled):
        name = "needs_argument"

        def __init__(self, *, scale: float) -> None:
            super().__init__(scale=scale)

    with pytest.raises(InvalidActivationError) as info:
        reg.register(NeedsArgument)
    assert "must build with no arguments (every parameter needs a default)" in str(info.value)

    with pytest.raises(InvalidActivationError) as info:
        reg.register(Scaled, name="other_name")
    assert str(info.value) == f"plugin {__name__!r}: registered as 'other_name' but its 'name' is 'scaled'"


def test_properties_are_validated():
    with pytest.raises(ValueError, match="saturating must be one of"):
        Properties(
            output_range=(0, 1),
            monotonic=True,
            zero_centered=False,
            sparse=False,
            smoothness=1,
            saturating="left",
        )
    with pytest.raises(ValueError, match="kinks must be distinct and sorted"):
        Properties(
            output_range=(0, 1), monotonic=True, zero_centered=False, sparse=False, smoothness=0, kinks=(1, 0)
        )
    with pytest.raises(ValueError, match="output_range must be"):
        Properties(output_range=(1, 0), monotonic=True, zero_centered=False, sparse=False, smoothness=0)
    with pytest.raises(ValueError, match="smoothness must be"):
        Properties(output_range=(0, 1), monotonic=True, zero_centered=False, sparse=False, smoothness=0.5)
    with pytest.raises(TypeError):
        Properties((0, 1), True, False, False, 0)  # keyword-only
    p = Properties(output_range=(0, 1), monotonic=True, zero_centered=False, sparse=False, smoothness=0)
    with pytest.raises(AttributeError):
        p.monotonic = False  # frozen


def test_describe_gives_the_whole_record(reg):
    info = reg.describe("LReLU")
    assert info.name == "leaky_relu"
    assert info.aliases == ("leakyrelu", "lrelu")
    assert info.parameters == {"negative_slope": 0.01}
    assert info.plugin == "activations.plugins.relu"
    assert info.distribution == "pluggable-activations"
    assert info.version == activations.__version__
    assert info.properties.kinks == (0.0,)
    text = str(info)
    assert text.splitlines()[0] == "leaky_relu: Leaky ReLU: x for x >= 0, negative_slope * x below."
    assert "  parameters:  negative_slope=0.01" in text.splitlines()


def test_concurrent_registration_and_lookup_is_safe():
    reg = Registry(autoload=False)
    errors = []
    barrier = threading.Barrier(8)

    def worker(i):
        try:
            barrier.wait()
            cls = type(f"Scaled{i}", (Scaled,), {"name": f"scaled_{i}"})
            reg.register(cls, name=f"scaled_{i}", aliases=(f"times_{i}",))
            for _ in range(50):
                assert reg.get(f"times_{i}").name == f"scaled_{i}"
                assert reg.get("relu").name == "relu"
        except Exception as exc:  # collected, asserted below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert {f"scaled_{i}" for i in range(8)} <= set(reg.names())


def test_concurrent_first_lookups_load_once():
    reg = Registry(autoload=False)
    results = []
    barrier = threading.Barrier(6)

    def worker():
        barrier.wait()
        results.append(tuple(reg.names()))

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(results)) == 1
    assert len(reg.list_plugins()) == len(activations.DEFAULT_PLUGINS)


def test_describe_a_spec_gives_the_properties_of_those_parameter_values(reg):
    info = reg.describe("leaky_relu(negative_slope=0)")
    assert info.name == "leaky_relu"
    assert info.parameters == {"negative_slope": 0.0}
    assert info.properties == reg.get("leaky_relu(negative_slope=0)").properties
    assert info.properties.sparse
    assert not reg.describe("leaky_relu").properties.sparse
    assert reg.describe({"name": "Leaky-ReLU", "negative_slope": 0.0}) == info


def test_learnable_parameters_are_declared_checked_and_described(reg):
    assert reg.describe("prelu").learnable == ("weight",)
    assert "  learnable:   weight" in str(reg.describe("prelu")).splitlines()
    assert reg.describe("relu").learnable == ()
    assert "learnable" not in str(reg.describe("relu"))

    class Slope(type(reg.get("leaky_relu").plugin)):
        name = "bad_learnable"
        learnable = ("slope",)

    with pytest.raises(InvalidActivationError) as info:
        reg.register(Slope, name="bad_learnable")
    assert str(info.value) == (
        f"plugin {__name__!r}: 'bad_learnable' declares 'slope' learnable, but it is not a parameter of its "
        "constructor; the parameters are: negative_slope"
    )

    class Kind(type(reg.get("hard_sigmoid").plugin)):
        name = "bad_learnable_kind"
        learnable = ("kind",)

        def parameter_backward(self, x, grad_output, /, *, output=None):
            return {"kind": 0.0}

    with pytest.raises(InvalidActivationError, match=r"its default 'relu6' is not a real number"):
        reg.register(Kind, name="bad_learnable_kind")
