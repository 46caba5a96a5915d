"""activations.torch: the custom op (opcheck, gradcheck, torch.compile), its dtypes and layouts, the module.

Skipped as a whole, with the reason shown, where PyTorch is not installed.
"""

import copy
import functools
import io
import pickle
import subprocess
import sys

import numpy as np
import pytest

torch = pytest.importorskip(
    "torch", reason="PyTorch is not installed (pip install torch==2.13.0, or the torch extra)"
)

from torch.autograd.gradcheck import GradcheckError  # noqa: E402 (the function torch.autograd.gradcheck hides the module)

import activations  # noqa: E402
import activations.torch as at  # noqa: E402

NAMES = activations.names()  # bundled and third-party (the example plugin is installed for the suite)
BUNDLED = [n for n in NAMES if activations.describe(n).distribution == "pluggable-activations"]
SPECS = [*NAMES, "leaky_relu(negative_slope=0.2)", "gelu(approximate='tanh')", "elu(alpha=0.5)"]


def _away_from_kinks(name, rng, count=40):
    """float64 points of [-7, 7] (random, and 0.05 either side of each kink), 0.01 or more from any kink."""
    kinks = np.array(activations.get(name).properties.kinks, dtype=np.float64)
    x = np.concatenate([rng.uniform(-7.0, 7.0, count), kinks - 0.05, kinks + 0.05])
    if kinks.size:
        x = x[np.min(np.abs(x[:, None] - kinks[None, :]), axis=1) >= 0.01]
    return torch.from_numpy(x)


def _layouts(dtype):
    """Tensors of every layout the op must handle, with the NumPy array each one stands for."""
    g = torch.Generator().manual_seed(0)
    base = torch.randn(6, 5, dtype=dtype, generator=g) * 3
    return {
        "contiguous": base,
        "transposed": base.t(),
        "sliced": base[::2, 1:],
        "expanded": base[0].expand(4, 5),
        "permuted": base.reshape(2, 3, 5).permute(2, 0, 1),
        "0-d": base[1, 1].clone(),
        "empty": base[:0],
    }


# -- opcheck, gradcheck, compile -------------------------------------------------------------------
@pytest.mark.parametrize("spec", SPECS)
def test_opcheck_passes_for_every_activation(spec):
    f = at.op(spec)
    x = torch.randn(6, 5, dtype=torch.float64)[::2].requires_grad_()  # strided, needs a gradient
    result = torch.library.opcheck(f.func, (x,), f.keywords)
    assert set(result.values()) == {"SUCCESS"}, result
    assert set(result) == {
        "test_schema",
        "test_autograd_registration",
        "test_faketensor",
        "test_aot_dispatch_dynamic",
    }


@pytest.mark.parametrize("layout", list(_layouts(torch.float32)))
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=str)
def test_opcheck_passes_for_every_layout(layout, dtype):
    f = at.op("gelu")
    x = _layouts(dtype)[layout]
    assert set(torch.library.opcheck(f.func, (x,), f.keywords).values()) == {"SUCCESS"}
    x = x.detach().requires_grad_()
    assert set(torch.library.opcheck(f.func, (x,), f.keywords).values()) == {"SUCCESS"}


@pytest.mark.parametrize("name", NAMES)
def test_gradcheck_in_float64_away_from_the_kinks(name):
    x = _away_from_kinks(name, np.random.default_rng(sum(map(ord, name)))).requires_grad_()
    assert x.numel() >= 40
    assert torch.autograd.gradcheck(at.op(name), (x,))


def test_gradcheck_fails_on_a_wrong_backward():
    """The gradcheck above can fail: a plugin whose backward is off by 1 % does."""

    class Off(activations.BaseActivation):
        """tanh with a derivative 1 % too large."""

        name = "off_tanh"
        properties = activations.get("tanh").properties

        def forward(self, x, /, *, out=None):
            return np.tanh(x, out=out)

        def derivative(self, x, /, *, out=None):
            return np.multiply(1.01, 1 - np.tanh(x) ** 2, out=out)

    with activations.registered(Off, name="off_tanh"):
        x = torch.linspace(-2, 2, 9, dtype=torch.float64, requires_grad=True)
        with pytest.raises(GradcheckError, match="Jacobian mismatch"):
            torch.autograd.gradcheck(at.op("off_tanh"), (x,))


# Inductor's own import of TorchScript warns under Python 3.11; it is PyTorch's, not ours.
@pytest.mark.filterwarnings("ignore:`torch.jit.script_method` is deprecated:DeprecationWarning")
def test_torch_compile_fullgraph_trains_a_small_model():
    """One compile (it is slow): a model with a bundled and a third-party activation, forward and backward."""
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Linear(8, 16),
        at.Activation("leaky_relu(negative_slope=0.2)"),
        torch.nn.Linear(16, 16),
        at.Activation("bent_identity"),
        torch.nn.Linear(16, 16),
        at.Activation("prelu", learnable=True),  # its weight's gradient goes through the graph too
        torch.nn.Linear(16, 1),
    )
    x = torch.randn(32, 8)
    eager_out = model(x)
    eager_out.sum().backward()
    eager_grads = [p.grad.clone() for p in model.parameters()]
    model.zero_grad()

    torch._dynamo.reset()
    compiled = torch.compile(model, fullgraph=True)  # a graph break would raise
    out = compiled(x)
    out.sum().backward()
    torch.testing.assert_close(out, eager_out)
    for p, want in zip(model.parameters(), eager_grads, strict=True):
        torch.testing.assert_close(p.grad, want)


def test_the_compiled_graph_calls_the_operators():
    seen = []

    def backend(graph, inputs):
        seen.extend(str(node.target) for node in graph.graph.nodes if node.op == "call_function")
        return graph.forward

    torch._dynamo.reset()
    f = torch.compile(lambda x: at.op("Leaky-ReLU")(x) * 2, backend=backend, fullgraph=True)
    x = torch.randn(3)
    torch.testing.assert_close(f(x), torch.nn.functional.leaky_relu(x) * 2)
    assert "activations.forward.default" in seen


def test_an_exported_program_loads_in_a_process_that_imported_the_adapter(tmp_path):
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), at.Activation("leaky_relu(negative_slope=0.2)"))
    x = torch.randn(2, 3)
    program = torch.export.export(model, (x,))
    assert "torch.ops.activations.forward.default" in program.graph_module.code
    torch.export.save(program, tmp_path / "model.pt2")
    torch.save({"x": x, "y": model(x).detach()}, tmp_path / "io.pt")
    code = (
        "import sys, torch\n"
        "import activations.torch  # registers the operators\n"
        f"program = torch.export.load({str(tmp_path / 'model.pt2')!r})\n"
        f"io = torch.load({str(tmp_path / 'io.pt')!r})\n"
        "torch.testing.assert_close(program.module()(io['x']), io['y'], rtol=0, atol=0)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]


# -- values: the plugin's, to the bit -------------------------------------------------------------
@pytest.mark.parametrize("spec", SPECS)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=str)
def test_values_and_gradients_are_the_plugins_to_the_bit(spec, dtype):
    act = activations.get(spec)
    x = torch.cat(
        [torch.randn(200, dtype=dtype) * 5, torch.tensor([0.0, -0.0, 1e-30, 40.0, -40.0], dtype=dtype)]
    )
    x = torch.cat([x, torch.tensor([np.inf, -np.inf, np.nan], dtype=dtype)]).requires_grad_()
    g = torch.randn_like(x)
    y = at.op(spec)(x)
    y.backward(g)
    want_y = act.forward(x.detach().numpy())
    np.testing.assert_array_equal(y.detach().numpy(), want_y)
    np.testing.assert_array_equal(x.grad.numpy(), act.backward(x.detach().numpy(), g.numpy(), output=want_y))


def test_backward_hands_the_plugin_the_saved_output():
    calls = []

    class Spy(activations.BaseActivation):
        """The identity, recording what backward receives."""

        name = "spy"
        properties = activations.get("identity").properties

        def forward(self, x, /, *, out=None):
            return np.positive(x, out=out)

        def derivative(self, x, /, *, out=None):
            return np.ones_like(x) if out is None else np.copyto(out, 1) or out

        def backward(self, x, grad_output, /, *, output=None, out=None):
            calls.append(None if output is None else output.copy())
            return np.multiply(grad_output, 1, out=out)

    with activations.registered(Spy, name="spy"):
        x = torch.tensor([1.0, 2.0], requires_grad=True)
        at.op("spy")(x).sum().backward()
    assert len(calls) == 1
    np.testing.assert_array_equal(calls[0], [1.0, 2.0])


@pytest.mark.parametrize("layout", list(_layouts(torch.float32)))
def test_every_layout_gives_the_plugins_values_and_keeps_shape_strides_and_input(layout):
    x = _layouts(torch.float64)[layout]
    before = x.clone()
    act = activations.get("softplus")
    y = at.op("softplus")(x)
    assert (y.shape, y.dtype, y.device) == (x.shape, x.dtype, x.device)
    assert y.stride() == torch.empty_like(x).stride()
    np.testing.assert_array_equal(y.numpy(), act.forward(x.numpy()))
    torch.testing.assert_close(x, before, rtol=0, atol=0)


def test_cpu_inputs_reach_the_plugin_without_a_copy():
    seen = []

    class Spy(activations.BaseActivation):
        """The identity, recording the memory it is handed."""

        name = "spy"
        properties = activations.get("identity").properties

        def forward(self, x, /, *, out=None):
            seen.append((x.__array_interface__["data"][0], x.strides, out.__array_interface__["data"][0]))
            return np.positive(x, out=out)

        def derivative(self, x, /, *, out=None):
            return np.ones_like(x)

    with activations.registered(Spy, name="spy"):
        x = torch.randn(4, 6).t()
        y = at.op("spy")(x)
    ((x_address, strides, out_address),) = seen
    assert x_address == x.data_ptr()
    assert strides == (4, 24)
    assert out_address == y.data_ptr()


# -- dtypes --------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16], ids=str)
def test_half_precision_is_computed_in_float32_and_rounded(dtype):
    act = activations.get("silu")
    x = (torch.randn(300, dtype=torch.float32) * 4).to(dtype).requires_grad_()
    g = torch.randn(300).to(dtype)
    y = at.op("silu")(x)
    y.backward(g)
    assert y.dtype == dtype
    assert x.grad.dtype == dtype
    x32, g32 = x.detach().float().numpy(), g.float().numpy()
    want_y = torch.from_numpy(act.forward(x32)).to(dtype)
    want_g = torch.from_numpy(act.backward(x32, g32)).to(dtype)  # no output: a rounded one costs accuracy
    assert torch.equal(y.detach(), want_y)
    assert torch.equal(x.grad, want_g)


@pytest.mark.parametrize("dtype", [torch.int64, torch.int32, torch.bool, torch.complex64], ids=str)
def test_other_dtypes_are_a_type_error_naming_the_dtype(dtype):
    x = torch.zeros(3, dtype=dtype)
    message = f"relu: got a tensor of dtype {dtype}; the activations take float32 and float64"
    with pytest.raises(TypeError, match=message.replace("(", r"\(").replace(")", r"\)")):
        at.op("relu")(x)
    with pytest.raises(TypeError, match=str(dtype)):
        at.Activation("relu")(x)


def test_a_wrong_dtype_is_reported_while_tracing_too():
    torch._dynamo.reset()
    f = torch.compile(at.op("relu"), backend="eager", fullgraph=True)
    with pytest.raises(Exception, match=r"got a tensor of dtype torch\.int64"):
        f(torch.zeros(3, dtype=torch.int64))


# -- the operators' arguments ----------------------------------------------------------------------
def test_op_returns_a_partial_of_the_registered_custom_op():
    f = at.op("Leaky-ReLU")
    assert isinstance(f, functools.partial)
    assert f.keywords == {"spec": "leaky_relu(negative_slope=0.01)"}
    assert str(torch.ops.activations.forward.default._schema) == (
        "activations::forward(Tensor x, Tensor? parameters=None, *, str spec) -> Tensor"
    )
    assert str(torch.ops.activations.backward.default._schema) == (
        "activations::backward(Tensor x, Tensor grad_output, Tensor output, Tensor? parameters=None, "
        "*, str spec) -> Tensor"
    )


def test_op_takes_any_spec_and_rejects_unknown_names():
    x = torch.tensor([-1.0, 1.0])
    for spec in (
        {"name": "leaky_relu", "negative_slope": 0.5},
        activations.get("leaky_relu", negative_slope=0.5),
    ):
        torch.testing.assert_close(at.op(spec)(x), torch.tensor([-0.5, 1.0]))
    with pytest.raises(activations.UnknownActivationError, match="relux"):
        at.op("relux")


def test_the_raw_operator_resolves_a_spec_string_itself():
    x = torch.tensor([-1.0, 1.0])
    y = torch.ops.activations.forward(x, spec="leaky_relu(negative_slope=0.5)")
    torch.testing.assert_close(y, torch.tensor([-0.5, 1.0]))


def test_an_activation_registered_at_run_time_needs_no_operator_of_its_own():
    class Twice(activations.BaseActivation):
        """2x."""

        name = "twice"
        properties = activations.get("identity").properties

        def forward(self, x, /, *, out=None):
            return np.multiply(x, 2, out=out)

        def derivative(self, x, /, *, out=None):
            return np.full_like(x, 2) if out is None else np.copyto(out, 2) or out

    with activations.registered(Twice, name="twice"):
        x = torch.tensor([1.5], requires_grad=True)
        at.op("twice")(x).sum().backward()
    assert x.grad.item() == 2.0


def test_parameters_must_be_none():
    x = torch.tensor([1.0], requires_grad=True)
    message = "relu: parameters must be None: relu declares no learnable parameters"
    with pytest.raises(ValueError, match=message):
        torch.ops.activations.forward(x, torch.tensor([0.5]), spec="relu")
    y = torch.ops.activations.forward(x, None, spec="relu")  # None, passed or not, is the same
    y.backward()
    assert x.grad.item() == 1.0


def test_no_double_backward():
    x = torch.tensor([0.5, 1.0], dtype=torch.float64, requires_grad=True)
    (grad,) = torch.autograd.grad(at.op("tanh")(x).sum(), x, create_graph=True)
    with pytest.raises(
        RuntimeError, match=r"backward through activations\.backward\.default but no autograd formula"
    ):
        grad.sum().backward()


# -- devices ----------------------------------------------------------------------------------------
def test_without_cupy_a_cuda_tensor_names_the_package_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "cupy", None)  # import cupy raises ImportError
    with pytest.raises(ModuleNotFoundError, match=r"pip install cupy-cuda12x") as info:
        at._import_cupy()
    assert info.value.name == "cupy"


def test_the_dlpack_path_writes_into_the_result_tensor():
    """The CUDA path's plumbing, with NumPy standing in for CuPy (both read tensors through DLPack)."""
    act = activations.get("elu")
    x = (torch.randn(5, 4, dtype=torch.float64) * 3).t()
    g = torch.randn(5, 4, dtype=torch.float64)[:, :].t().contiguous()
    y = torch.empty_like(x)
    at._through_dlpack(np, act.forward, y, x)
    np.testing.assert_array_equal(y.numpy(), act.forward(x.numpy()))
    grad = torch.empty_like(x)
    at._through_dlpack(np, act.backward, grad, x, g, output=y)
    np.testing.assert_array_equal(grad.numpy(), act.backward(x.numpy(), g.numpy(), output=y.numpy()))


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device")
def test_cuda_tensors_are_computed_on_the_device_through_cupy():
    pytest.importorskip("cupy", reason="CuPy is not installed")
    act = activations.get("gelu")
    x = torch.randn(1000, 3, device="cuda", dtype=torch.float64).t().requires_grad_()
    y = at.op("gelu")(x)
    y.sum().backward()
    assert y.device == x.device
    assert x.grad.device == x.device
    xc = x.detach().cpu().numpy()
    np.testing.assert_allclose(y.detach().cpu().numpy(), act.forward(xc), rtol=1e-14, atol=0)
    np.testing.assert_allclose(x.grad.cpu().numpy(), act.backward(xc, np.ones_like(xc)), rtol=1e-14, atol=0)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device")
def test_cuda_tensors_give_the_parameters_gradient_on_the_device():
    pytest.importorskip("cupy", reason="CuPy is not installed")
    x = torch.randn(1000, device="cuda", dtype=torch.float64)
    alpha = torch.tensor([0.7], device="cuda", dtype=torch.float64, requires_grad=True)
    at.op("elu")(x, alpha).sum().backward()
    assert alpha.grad.device == alpha.device
    xc = x.cpu().numpy()
    want = activations.get("elu(alpha=0.7)").parameter_backward(xc, np.ones_like(xc))["alpha"]
    assert alpha.grad.item() == pytest.approx(want, rel=1e-12)


# -- the module -------------------------------------------------------------------------------------
def test_module_repr_reads_like_pytorchs_own():
    module = at.Activation("leaky_relu(negative_slope=0.2)")
    assert str(module) == "Activation(leaky_relu(negative_slope=0.2))"
    assert module.extra_repr() == "leaky_relu(negative_slope=0.2)"
    assert list(module.parameters()) == []
    model = torch.nn.Sequential(torch.nn.Linear(2, 2), at.Activation("swish"))
    assert str(model).splitlines()[2] == "  (1): Activation(silu(beta=1.0))"


def _model(spec="leaky_relu(negative_slope=0.2)"):
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(3, 4), at.Activation(spec), torch.nn.Linear(4, 2))


def test_state_dict_round_trips_with_weights_only_loading():
    model = _model()
    buffer = io.BytesIO()
    torch.save(model.state_dict(), buffer)
    buffer.seek(0)
    state = torch.load(buffer)  # weights_only=True, PyTorch's default
    assert state["1._extra_state"] == "leaky_relu(negative_slope=0.2)"
    other = _model("relu")
    other.load_state_dict(state)
    assert str(other[1]) == "Activation(leaky_relu(negative_slope=0.2))"
    x = torch.randn(5, 3)
    torch.testing.assert_close(other(x), model(x), rtol=0, atol=0)


def test_a_state_dict_with_an_unknown_spec_fails_to_load():
    state = _model().state_dict()
    state["1._extra_state"] = "no_such_activation"
    with pytest.raises(activations.UnknownActivationError, match="no_such_activation"):
        _model().load_state_dict(state)


def test_a_pickled_model_loads_with_weights_only_false_or_safe_globals():
    model = _model()
    buffer = io.BytesIO()
    torch.save(model, buffer)
    buffer.seek(0)
    with pytest.raises(pickle.UnpicklingError, match="Weights only load failed"):
        torch.load(buffer)
    buffer.seek(0)
    loaded = torch.load(buffer, weights_only=False)
    x = torch.randn(5, 3)
    torch.testing.assert_close(loaded(x), model(x), rtol=0, atol=0)
    buffer.seek(0)
    classes = [torch.nn.Sequential, torch.nn.Linear, at.Activation]
    with torch.serialization.safe_globals(classes):
        loaded = torch.load(buffer)
    assert str(loaded) == str(model)


def test_pickle_and_deepcopy_round_trip():
    module = at.Activation("elu(alpha=0.5)")
    for clone in (pickle.loads(pickle.dumps(module)), copy.deepcopy(module)):
        assert str(clone) == "Activation(elu(alpha=0.5))"
        x = torch.tensor([-1.0, 1.0])
        torch.testing.assert_close(clone(x), module(x), rtol=0, atol=0)


# -- a third-party plugin -----------------------------------------------------------------------
def test_the_example_third_party_plugin_trains_unchanged():
    assert activations.describe("bent_identity").distribution == "activations-bent-identity"
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(2, 8), at.Activation("bent_identity"), torch.nn.Linear(8, 1))
    x = torch.randn(64, 2)
    target = (x[:, :1] * x[:, 1:]).sign()
    optimiser = torch.optim.SGD(model.parameters(), lr=0.1)
    losses = []
    for _ in range(30):
        optimiser.zero_grad()
        loss = torch.nn.functional.mse_loss(model(x), target)
        loss.backward()
        optimiser.step()
        losses.append(loss.item())
    assert losses[-1] < 0.9 * losses[0]


# -- learnable parameters ---------------------------------------------------------------------------
LEARNABLE = [n for n in BUNDLED if activations.get(n).learnable]


def test_the_catalogue_has_learnable_activations():
    assert {"prelu", "leaky_relu", "elu", "celu", "silu", "softplus"} <= set(LEARNABLE)


@pytest.mark.parametrize("name", LEARNABLE)
def test_gradcheck_passes_for_the_parameters_too(name):
    act = activations.get(name)
    f = at.op(name)
    values = [float(act.config[p]) * 1.3 + 0.1 for p in act.learnable]  # not the defaults
    parameters = torch.tensor(values, dtype=torch.float64, requires_grad=True)
    x = _away_from_kinks(name, np.random.default_rng(2)).requires_grad_()
    assert torch.autograd.gradcheck(f, (x, parameters))


@pytest.mark.parametrize("name", ["prelu", "elu", "softplus"])
def test_opcheck_passes_with_parameters(name):
    f = at.op(name)
    x = torch.randn(3, 4, dtype=torch.float64, requires_grad=True)
    parameters = torch.tensor([0.6], dtype=torch.float64, requires_grad=True)
    torch.library.opcheck(f.func, (x, parameters), f.keywords)


def test_the_parameters_gradient_is_the_closed_form():
    x = torch.tensor([-2.0, -0.5, 0.0, 3.0], dtype=torch.float64)
    g = torch.tensor([1.0, 2.0, -1.0, 4.0], dtype=torch.float64)
    weight = torch.tensor([0.3], dtype=torch.float64, requires_grad=True)
    y = at.op("prelu")(x, weight)
    assert y.tolist() == [-0.6, -0.15, 0.0, 3.0]  # the parameter's value, not the spec's 0.25
    y.backward(g)
    assert weight.grad.tolist() == [-2.0 * 1.0 + -0.5 * 2.0]  # sum of g * min(x, 0)


def test_the_parameters_gradient_is_a_finite_difference_of_the_loss():
    """ELU's alpha, in float64: d/dalpha of sum(g * elu_alpha(x)) by central differences of the op."""
    rng = np.random.default_rng(5)
    x = torch.from_numpy(rng.normal(0.0, 2.0, 50))
    g = torch.from_numpy(rng.normal(size=50))
    alpha = torch.tensor([0.7], dtype=torch.float64, requires_grad=True)
    (at.op("elu")(x, alpha) * g).sum().backward()
    h = 1e-6
    up = (at.op("elu")(x, torch.tensor([0.7 + h], dtype=torch.float64)) * g).sum()
    down = (at.op("elu")(x, torch.tensor([0.7 - h], dtype=torch.float64)) * g).sum()
    assert alpha.grad.item() == pytest.approx(((up - down) / (2 * h)).item(), rel=1e-7)


def test_a_learnable_module_holds_its_parameters_and_trains_them():
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Linear(2, 16), at.Activation("prelu", learnable=True), torch.nn.Linear(16, 1)
    )
    prelu = model[1]
    assert [name for name, _ in model.named_parameters()] == [
        "0.weight",
        "0.bias",
        "1.weight",
        "2.weight",
        "2.bias",
    ]
    assert prelu.weight.item() == 0.25
    # a target that needs the negative side: y = |x1| - x2
    x = torch.randn(256, 2)
    y = (x[:, 0].abs() - x[:, 1]).unsqueeze(1)
    optimiser = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    losses = []
    for _ in range(60):
        optimiser.zero_grad()
        loss = torch.nn.functional.mse_loss(model(x), y)
        loss.backward()
        optimiser.step()
        losses.append(loss.item())
    assert losses[-1] < 0.2 * losses[0]
    assert prelu.weight.item() != 0.25
    assert repr(prelu) == f"Activation(prelu(weight={prelu.weight.item()!r}), learnable=('weight',))"


def test_a_learnable_modules_state_survives_save_and_load():
    module = at.Activation("elu(alpha=0.5)", learnable=True)
    with torch.no_grad():
        module.alpha.fill_(1.75)
    buffer = io.BytesIO()
    torch.save(module.state_dict(), buffer)
    buffer.seek(0)
    state = torch.load(buffer)  # weights_only=True
    assert set(state) == {"alpha", "_extra_state"}
    other = at.Activation("elu", learnable=True)
    other.load_state_dict(state)
    assert other.alpha.item() == 1.75
    x = torch.tensor([-1.0, 2.0])
    torch.testing.assert_close(other(x), torch.tensor([1.75 * np.expm1(-1.0), 2.0], dtype=torch.float32))
    with pytest.raises(
        ValueError, match=r"the state dict's activation prelu\(weight=0.25\) learns \('weight',\)"
    ):
        other.load_state_dict(at.Activation("prelu", learnable=True).state_dict())


def test_learnable_needs_a_learnable_parameter_and_parameters_their_shape():
    with pytest.raises(ValueError, match=r"^relu has no learnable parameter, so learnable=True cannot apply"):
        at.Activation("relu", learnable=True)
    assert list(at.Activation("prelu").parameters()) == []  # learnable=False: the spec's value, fixed
    message = (
        r"prelu\(weight=0.25\): parameters must be a 1-D tensor of 1 value\(s\), weight in that order; "
        r"got one of shape \(2,\)"
    )
    with pytest.raises(ValueError, match=message):
        at.op("prelu")(torch.tensor([1.0]), torch.tensor([0.1, 0.2]))
    with pytest.raises(
        activations.InvalidSpecError, match=r"prelu\(weight=inf\): weight must be finite, got inf"
    ):
        at.op("prelu")(torch.tensor([1.0]), torch.tensor([float("inf")]))


@pytest.mark.parametrize(
    ("dtype", "x", "g", "want"),
    [
        # float16: each product g * min(x, 0) = -/+90000 overflows float16 (inf - inf = NaN); float32: 0
        (torch.float16, [-300.0, -300.0], [300.0, -300.0], 0.0),
        # bfloat16 (8 significant bits): summed in bfloat16, -256 - 1 - 1 stays -256; in float32, -258
        (torch.bfloat16, [-256.0, -1.0, -1.0], [1.0, 1.0, 1.0], -258.0),
    ],
    ids=["float16", "bfloat16"],
)
def test_half_precision_parameters_gradient_is_computed_in_float32(dtype, x, g, want):
    x = torch.tensor(x, dtype=dtype)
    weight = torch.tensor([0.5], dtype=dtype, requires_grad=True)
    at.op("prelu")(x, weight).backward(torch.tensor(g, dtype=dtype))
    assert weight.grad.dtype == dtype
    assert weight.grad.item() == want


def test_the_parameters_gradient_of_gpu_tensors_goes_through_dlpack_views():
    """The CUDA path's plumbing, with NumPy standing in for CuPy (as for the values)."""
    x = torch.tensor([-2.0, 1.0, -0.5])
    g = torch.tensor([1.0, 5.0, 2.0])
    output = at.op("elu")(x)
    sums = at._parameter_sums_through_dlpack(np, activations.get("elu"), x, g, output)
    assert sums == {"alpha": pytest.approx(1.0 * np.expm1(-2.0) + 2.0 * np.expm1(-0.5), rel=1e-6)}


def test_a_module_whose_parameter_left_its_domain_still_prints():
    module = at.Activation("softplus", learnable=True)
    with torch.no_grad():
        module.beta.fill_(-2.0)
    assert repr(module) == "Activation(softplus(beta=-2.0), learnable=('beta',))"
    with pytest.raises(activations.InvalidSpecError, match=r"softplus\(beta=-2.0\): beta must be"):
        module(torch.ones(2))
