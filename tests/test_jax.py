"""activations.jax: jit, grad, value_and_grad and vmap for every activation, dtypes, what is not supported.

Skipped as a whole, with the reason shown, where JAX is not installed.
"""

import numpy as np
import pytest

jax = pytest.importorskip("jax", reason="JAX is not installed (pip install jax, or the jax extra)")

import jax.numpy as jnp  # noqa: E402

import activations  # noqa: E402
import activations.jax as aj  # noqa: E402

NAMES = activations.names()  # bundled and third-party (the example plugin is installed for the suite)
SPECS = [*NAMES, "leaky_relu(negative_slope=0.2)", "gelu(approximate='tanh')"]


def _x(dtype, seed=0):
    rng = np.random.default_rng(seed)
    special = [0.0, -0.0, 1e-30, 30.0, -30.0, np.inf, -np.inf, np.nan]
    return np.concatenate([rng.normal(0.0, 4.0, 232), special]).astype(dtype)  # 240 = 60 rows of 4


def _same(got, want):
    np.testing.assert_array_equal(np.asarray(got), np.asarray(want))


@pytest.fixture(params=["float32", "float64"])
def dtype(request):
    """float32, and float64 with x64 enabled for the test."""
    with jax.enable_x64(request.param == "float64"):
        yield np.dtype(request.param)


@pytest.mark.parametrize("spec", SPECS)
def test_jit_grad_vmap_and_value_and_grad_give_the_plugins_values_to_the_bit(spec, dtype):
    act = activations.get(spec)
    f = aj.function(spec)
    x = _x(dtype)
    g = np.random.default_rng(1).normal(size=x.shape).astype(dtype)
    y = act.forward(x)
    xj = jnp.asarray(x)
    assert xj.dtype == dtype

    out = jax.jit(f)(xj)
    assert out.dtype == dtype
    assert out.shape == x.shape
    _same(out, y)
    _same(jax.jit(jax.vmap(f))(xj.reshape(60, 4)).reshape(-1), y)

    gradient = jax.grad(lambda v: jnp.vdot(f(v), jnp.asarray(g)))(xj)
    _same(gradient, act.backward(x, g, output=y))
    _same(jax.jit(jax.vmap(jax.grad(f)))(xj), act.backward(x, np.ones_like(x), output=y))

    finite = np.isfinite(x)
    value, grad = jax.value_and_grad(lambda v: f(v).sum())(xj[finite])
    np.testing.assert_allclose(float(value), y[finite].astype(np.float64).sum(), rtol=1e-5)
    _same(grad, act.backward(x[finite], np.ones(finite.sum(), dtype), output=y[finite]))


def test_one_callback_per_batch_under_vmap():
    """Element-wise, so batched: vmap sends the whole batch to one call, forward and backward alike."""
    calls = []

    class Spy(activations.BaseActivation):
        """The identity, recording the shapes it is handed."""

        name = "spy"
        properties = activations.get("identity").properties

        def forward(self, x, /, *, out=None):
            calls.append(("forward", x.shape))
            return np.positive(x, out=out)

        def derivative(self, x, /, *, out=None):
            return np.ones_like(x)

        def backward(self, x, grad_output, /, *, output=None, out=None):
            calls.append(("backward", x.shape, grad_output.shape, None if output is None else output.shape))
            return np.multiply(grad_output, 1, out=out)

    with activations.registered(Spy, name="spy"):
        f = aj.function("spy")
        x = jnp.ones((8, 3))
        jax.vmap(f)(x)
        jax.vmap(jax.grad(lambda row: f(row).sum()))(x)
    assert calls == [("forward", (8, 3)), ("forward", (8, 3)), ("backward", (8, 3), (8, 3), (8, 3))]


def test_scalars_and_python_numbers():
    f, act = aj.function("softplus"), activations.get("softplus")
    two, one = np.float32(2.0), np.float32(1.0)
    assert float(f(2.0)) == float(act(two))
    assert float(jax.grad(f)(2.0)) == float(act.backward(two, one, output=act(two)))


@pytest.mark.parametrize("half", [jnp.float16, jnp.bfloat16], ids=["float16", "bfloat16"])
def test_half_precision_is_computed_in_float32_and_rounded(half):
    act = activations.get("gelu")
    x = jnp.asarray(_x(np.float32)[:200]).astype(half)
    y = aj.function("gelu")(x)
    assert y.dtype == half
    want = jnp.asarray(act.forward(np.asarray(x.astype(jnp.float32)))).astype(half)
    _same(y.astype(jnp.float32), want.astype(jnp.float32))
    assert jax.grad(lambda v: aj.function("gelu")(v).sum())(x).dtype == half


@pytest.mark.parametrize("dtype", [jnp.int32, jnp.bool_, jnp.complex64], ids=["int32", "bool", "complex64"])
def test_other_dtypes_are_a_type_error_naming_the_dtype(dtype):
    with pytest.raises(
        TypeError, match=rf"relu: got an array of dtype {np.dtype(dtype)}; the activations take"
    ):
        aj.function("relu")(jnp.zeros(3, dtype))


def test_forward_mode_and_second_order_are_refused_with_jaxs_own_errors():
    f = aj.function("tanh")
    x = jnp.array([0.5, 1.0])
    with pytest.raises(TypeError, match="can't apply forward-mode autodiff"):
        jax.jvp(f, (x,), (x,))
    with pytest.raises(TypeError, match="can't apply forward-mode autodiff"):
        jax.hessian(lambda v: f(v).sum())(x)
    with pytest.raises(ValueError, match="Pure callbacks do not support JVP"):
        jax.grad(jax.grad(f))(jnp.float32(0.5))


def test_function_takes_any_spec_and_rejects_unknown_names():
    x = jnp.array([-1.0, 1.0])
    f = aj.function({"name": "leaky_relu", "negative_slope": 0.5})
    assert f.__name__ == "leaky_relu"
    _same(f(x), [-0.5, 1.0])
    with pytest.raises(activations.UnknownActivationError, match="relux"):
        aj.function("relux")


def test_the_example_third_party_plugin_trains_unchanged():
    assert activations.describe("bent_identity").distribution == "activations-bent-identity"
    bent = aj.function("bent_identity")
    key = jax.random.PRNGKey(0)
    x = jax.random.normal(key, (64, 2))
    target = jnp.sign(x[:, :1] * x[:, 1:])
    params = {
        "w1": jax.random.normal(jax.random.PRNGKey(1), (2, 8)) * 0.5,
        "w2": jax.random.normal(jax.random.PRNGKey(2), (8, 1)) * 0.5,
    }

    def loss(p):
        return jnp.mean((bent(x @ p["w1"]) @ p["w2"] - target) ** 2)

    step = jax.jit(jax.value_and_grad(loss))
    losses = []
    for _ in range(30):
        value, grads = step(params)
        params = jax.tree_util.tree_map(lambda p, g: p - 0.1 * g, params, grads)
        losses.append(float(value))
    assert losses[-1] < 0.9 * losses[0]


# -- learnable parameters ---------------------------------------------------------------------------
LEARNABLE = [n for n in NAMES if activations.get(n).learnable]


@pytest.mark.parametrize("name", LEARNABLE)
def test_the_parameters_gradient_is_a_finite_difference_of_the_loss(name):
    """In float64: jax.grad with respect to params against central differences of the loss in each one."""
    act = activations.get(name)
    f = aj.function(name, learnable=True)
    x = np.random.default_rng(3).normal(0.0, 2.0, 64)
    g = np.random.default_rng(4).normal(size=64)
    with jax.enable_x64(True):
        params = {p: jnp.asarray(float(act.config[p]) * 1.3 + 0.1, dtype=jnp.float64) for p in act.learnable}

        def loss(params):
            return jnp.vdot(f(params, jnp.asarray(x)), jnp.asarray(g))

        grads = jax.grad(loss)(params)
        for p in act.learnable:
            h = 1e-6
            up = float(loss({**params, p: params[p] + h}))
            down = float(loss({**params, p: params[p] - h}))
            assert float(grads[p]) == pytest.approx((up - down) / (2 * h), rel=1e-6, abs=1e-9), p


def test_the_parameters_replace_the_specs_values_and_the_gradient_is_the_closed_form():
    f = aj.function("prelu", learnable=True)
    assert f.params == {"weight": 0.25}
    assert f.params["weight"].dtype == jnp.float32
    with jax.enable_x64(True):  # the default float dtype when the function is made
        assert aj.function("prelu", learnable=True).params["weight"].dtype == jnp.float64
    x = jnp.array([-2.0, -0.5, 0.0, 3.0])
    g = jnp.array([1.0, 2.0, -1.0, 4.0])
    params = {"weight": jnp.asarray(0.5)}
    _same(jax.jit(f)(params, x), [-1.0, -0.25, 0.0, 3.0])
    grads = jax.grad(lambda p: jnp.vdot(f(p, x), g))(params)
    assert float(grads["weight"]) == -2.0 * 1.0 + -0.5 * 2.0  # sum of g * min(x, 0)
    assert float(jax.grad(lambda x: jnp.vdot(f(params, x), g))(x)[0]) == 0.5  # and x's gradient


def test_under_vmap_each_row_gets_its_own_parameter_gradient_and_its_own_parameters():
    f = aj.function("elu", learnable=True)
    x = np.random.default_rng(0).normal(size=(6, 5)).astype(np.float32)
    rows = jax.vmap(jax.grad(lambda p, r: f(p, r).sum()), in_axes=(None, 0))(f.params, jnp.asarray(x))
    elu = activations.get("elu")
    want = [elu.parameter_backward(r, np.ones(5, np.float32))["alpha"] for r in x]
    np.testing.assert_allclose(np.asarray(rows["alpha"]), want, rtol=1e-6)
    alphas = {"alpha": jnp.array([0.5, 1.0, 2.0])}  # one value per batch row, the input shared
    out = jax.vmap(f, in_axes=(0, None))(alphas, jnp.asarray(x[0]))
    for k, alpha in enumerate([0.5, 1.0, 2.0]):
        _same(out[k], activations.get("elu", alpha=alpha).forward(x[0]))


def test_a_learned_parameter_trains():
    """Gradient descent on params alone: fit PReLU's weight to data made with weight 0.6."""
    f = aj.function("prelu", learnable=True)
    x = jnp.asarray(np.random.default_rng(1).normal(size=200))
    target = jnp.where(x >= 0, x, 0.6 * x)

    @jax.jit
    def step(params):
        loss, grads = jax.value_and_grad(lambda p: jnp.mean((f(p, x) - target) ** 2))(params)
        return {k: v - 0.5 * grads[k] for k, v in params.items()}, loss

    params, losses = f.params, []
    for _ in range(40):
        params, loss = step(params)
        losses.append(float(loss))
    assert losses[-1] < 1e-3 * losses[0]
    assert float(params["weight"]) == pytest.approx(0.6, abs=1e-3)


def test_learnable_errors_say_what_is_allowed():
    with pytest.raises(ValueError, match=r"^relu has no learnable parameter, so learnable=True cannot apply"):
        aj.function("relu", learnable=True)
    f = aj.function("prelu", learnable=True)
    with pytest.raises(
        ValueError, match=r"^prelu\(weight=0.25\): params must be a dict of weight; got \['alpha'\]"
    ):
        f({"alpha": 1.0}, jnp.ones(2))
    with pytest.raises(ValueError, match=r"params\['weight'\] must be a scalar, got shape \(3,\)"):
        f({"weight": jnp.ones(3)}, jnp.ones(2))
    with pytest.raises(activations.InvalidSpecError, match=r"prelu\(weight=inf\): weight must be finite"):
        f({"weight": jnp.inf}, jnp.ones(2))
    with pytest.raises(TypeError, match="got an array of dtype int32"):
        f(f.params, jnp.ones(2, dtype=jnp.int32))
