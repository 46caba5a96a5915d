"""The bound activation's input policy, applied once for every plugin."""

import pickle
import warnings

import numpy as np
import pytest

import activations

NAMES = activations.names()


@pytest.fixture(params=["relu", "sigmoid", "tanh", "leaky_relu"])
def act(request):
    return activations.get(request.param)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_floating_dtypes_are_kept(act, dtype):
    x = np.linspace(-3, 3, 7, dtype=dtype)
    assert act(x).dtype == dtype
    assert act.derivative(x).dtype == dtype
    assert act.backward(x, np.ones_like(x)).dtype == dtype


def test_float16_is_computed_in_float32_and_rounded(act):
    x = np.linspace(-5, 5, 101, dtype=np.float16)
    expected = act(x.astype(np.float32)).astype(np.float16)
    np.testing.assert_array_equal(act(x), expected)
    np.testing.assert_array_equal(act.derivative(x), act.derivative(x.astype(np.float32)).astype(np.float16))


@pytest.mark.parametrize("value", [[-2, 0, 3], [True, False], np.array([2, 3], dtype=np.uint8)])
def test_integer_and_bool_input_is_computed_in_float64(act, value):
    result = act(value)
    assert result.dtype == np.float64
    np.testing.assert_array_equal(result, act(np.asarray(value, dtype=np.float64)))


@pytest.mark.parametrize(
    ("value", "dtype_text"),
    [
        (np.array([1 + 2j]), "complex128"),
        (np.array([1.0], dtype=object), "object"),
        (np.array(["1.0"]), "<U3"),
        (b"1", "|S1"),
        ("1.0", "<U3"),
        (np.array([1.0], dtype=np.longdouble), str(np.dtype(np.longdouble))),
    ],
)
def test_non_real_input_is_a_type_error_naming_the_dtype(value, dtype_text):
    relu = activations.get("relu")
    with pytest.raises(TypeError) as info:
        relu(value)
    assert str(info.value) == (
        f"relu: x must be float16, float32, float64, integer or bool, got dtype {dtype_text} "
        f"from {type(value).__name__}"
    )


def test_none_is_a_type_error():
    with pytest.raises(TypeError) as info:
        activations.get("relu")(None)
    assert str(info.value) == "relu: x must be a real array or number, got None"


def test_scalars_and_0d_behave_as_ufuncs(act):
    assert isinstance(act(1.5), np.float64)
    assert isinstance(act(np.float32(1.5)), np.float32)
    assert isinstance(act(np.array(1.5)), np.float64)
    assert isinstance(act.derivative(2), np.float64)
    assert isinstance(act.backward(np.float32(1), np.float32(2)), np.float32)
    out = np.empty((), dtype=np.float64)
    assert act(1.5, out=out) is out
    assert out == act(1.5)


def test_empty_and_multidimensional_and_strided(act):
    assert act(np.empty((0, 3))).shape == (0, 3)
    x = np.arange(24, dtype=np.float64).reshape(2, 3, 4) - 12
    np.testing.assert_array_equal(act(x[:, ::2, ::-1]), act(x)[:, ::2, ::-1])
    np.testing.assert_array_equal(act(np.asfortranarray(x)), act(x))


def test_out_is_written_and_returned(act):
    x = np.linspace(-3, 3, 11)
    for method in (act.forward, act.derivative):
        out = np.full_like(x, np.nan)
        assert method(x, out=out) is out
        np.testing.assert_array_equal(out, method(x))
    out = np.full_like(x, np.nan)
    g = np.linspace(1, 2, 11)
    assert act.backward(x, g, out=out) is out
    np.testing.assert_array_equal(out, act.backward(x, g))


def test_out_may_alias_the_inputs(act):
    x = np.linspace(-3, 3, 11)
    g = np.linspace(1, 2, 11)
    expected_f, expected_b = act(x), act.backward(x, g)
    y = x.copy()
    assert act(y, out=y) is y
    np.testing.assert_array_equal(y, expected_f)
    h = g.copy()
    assert act.backward(x, h, out=h) is h
    np.testing.assert_array_equal(h, expected_b)
    z = x.copy()
    act(z[1:], out=z[:-1])  # overlapping views
    np.testing.assert_array_equal(z[:-1], act(x[1:]))


def test_float16_out(act):
    x = np.linspace(-3, 3, 11, dtype=np.float16)
    out = np.empty_like(x)
    assert act(x, out=out) is out
    np.testing.assert_array_equal(out, act(x))


@pytest.mark.parametrize(
    ("out", "error", "message"),
    [
        (np.empty(3, dtype=np.float32), TypeError, "relu: out has dtype float32, the result needs float64"),
        (np.empty(4), ValueError, "relu: out has shape (4,), the result needs (3,)"),
        ([0.0, 0.0, 0.0], TypeError, "relu: out must be a numpy.ndarray, got list"),
    ],
)
def test_bad_out(out, error, message):
    with pytest.raises(error) as info:
        activations.get("relu")(np.zeros(3), out=out)
    assert str(info.value) == message


def test_read_only_out_is_refused_and_read_only_input_accepted():
    x = np.linspace(-1, 1, 5)
    x.flags.writeable = False
    relu = activations.get("relu")
    np.testing.assert_array_equal(relu(x), np.maximum(x, 0))
    with pytest.raises(ValueError, match="relu: out is read-only"):
        relu(np.zeros(5), out=x)


def test_grad_output_shape_must_match():
    with pytest.raises(ValueError, match="grad_output has shape") as info:
        activations.get("tanh").backward(np.zeros(3), np.zeros((2, 3)))
    assert str(info.value) == (
        "tanh: grad_output has shape (2, 3), x has shape (3,); they must match (no broadcasting)"
    )


def test_grad_output_is_computed_in_the_dtype_of_x():
    x = np.linspace(-1, 1, 5, dtype=np.float32)
    result = activations.get("tanh").backward(x, np.ones(5, dtype=np.float64))
    assert result.dtype == np.float32


def test_inputs_are_never_modified(act):
    x = np.linspace(-3, 3, 11)
    g = np.linspace(1, 2, 11)
    y = act(x)
    copies = x.copy(), g.copy(), y.copy()
    act(x)
    act.derivative(x)
    act.backward(x, g)
    act.backward(x, g, output=y)
    for before, after in zip(copies, (x, g, y), strict=True):
        np.testing.assert_array_equal(before, after)


def test_no_warning_and_nan_propagates_for_special_values(act):
    x = np.array([np.nan, -np.inf, np.inf, -0.0, 0.0, 1e308, -1e308, 5e-324, -5e-324])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        f, d, b = act(x), act.derivative(x), act.backward(x, np.ones_like(x))
    for values in (f, d, b):
        assert np.isnan(values[0])
        assert not np.isnan(values[1:]).any()


def test_equality_hash_repr_and_pickle():
    a = activations.get("leaky_relu", negative_slope=0.2)
    b = activations.get("leaky-relu(negative_slope=0.2)")
    assert a == b
    assert hash(a) == hash(b)
    assert a != activations.get("leaky_relu")
    assert a != activations.get("relu")
    assert repr(a) == "leaky_relu(negative_slope=0.2)"
    assert repr(activations.get("relu")) == "relu"
    restored = pickle.loads(pickle.dumps(a))
    assert restored == a
    assert restored([-1.0]).tolist() == [-0.2]
    assert (a == "relu") is False


def test_the_bound_activation_meets_the_protocol(act):
    assert isinstance(act, activations.Activation)
    assert act.name == act.plugin.name
    assert act.properties == act.plugin.properties
    assert act.config == act.plugin.config


def test_float16_overflow_rounds_to_inf_without_a_warning():
    leaky = activations.get("leaky_relu", negative_slope=1000.0)
    x = np.array([-100.0, 1.0], dtype=np.float16)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = leaky(x)
        out = np.empty_like(x)
        leaky(x, out=out)
    np.testing.assert_array_equal(result, [-np.inf, 1.0])
    np.testing.assert_array_equal(out, [-np.inf, 1.0])


@pytest.mark.parametrize("dtype", [">f2", ">f4", ">f8", "<f4"])
def test_byte_swapped_floats_keep_their_precision(dtype):
    x = np.linspace(-3, 3, 7).astype(dtype)
    native = np.dtype(dtype).newbyteorder("=")
    result = activations.get("tanh")(x)
    assert result.dtype == native
    np.testing.assert_array_equal(result, activations.get("tanh")(x.astype(native)))


# -- replace: the same plugin, some parameters changed ------------------------------------


def test_replace_changes_the_parameters_named_and_keeps_the_others():
    gelu = activations.get("gelu(approximate='tanh')")
    assert gelu.replace() == gelu
    elu = activations.get("elu(alpha=0.5)")
    changed = elu.replace(alpha=2.0)
    assert changed.config == {"name": "elu", "alpha": 2.0}
    assert type(changed.plugin) is type(elu.plugin)
    assert changed(np.array([-1.0]))[0] == 2.0 * np.expm1(-1.0)  # the new alpha computes
    assert elu.config == {"name": "elu", "alpha": 0.5}  # the original is untouched


def test_replace_refuses_what_the_plugin_refuses_and_unknown_names():
    prelu = activations.get("prelu")
    with pytest.raises(activations.InvalidSpecError) as info:
        prelu.replace(weight=float("inf"))
    assert str(info.value) == "prelu(weight=inf): weight must be finite, got inf"
    with pytest.raises(activations.InvalidSpecError) as info:
        prelu.replace(slope=0.1)
    assert (
        str(info.value) == "prelu(weight=0.25): 'slope' is not one of its parameters; its parameters: weight"
    )
    with pytest.raises(
        activations.InvalidSpecError, match="'alpha' is not one of its parameters; its parameters: none"
    ):
        activations.get("relu").replace(alpha=1.0)


def test_replace_checks_types_as_the_registry_does():
    prelu = activations.get("prelu")
    assert prelu.replace(weight=np.float32(0.5)).config == {"name": "prelu", "weight": 0.5}  # a number
    assert repr(prelu.replace(weight=1)) == "prelu(weight=1.0)"  # as activations.get("prelu(weight=1)")
    with pytest.raises(activations.InvalidSpecError) as info:
        prelu.replace(weight=True)
    assert str(info.value) == "prelu(weight=True): parameter 'weight' expected a real number, got True"
    with pytest.raises(
        activations.InvalidSpecError, match=r"parameter 'weight' expected a real number, got '0\.1'"
    ):
        prelu.replace(weight="0.1")
    with pytest.raises(activations.InvalidSpecError, match="expected a real number, got True"):
        activations.get("prelu", weight=True)  # the same check
    assert activations.get("prelu", weight=np.float64(0.5)) == prelu.replace(weight=0.5)
