"""The measuring engine (`activations.bench._engine`), its yardsticks and ``activations bench``.

No test here asserts a speed: timings are replaced by a fake clock where the
logic depends on them, and otherwise only the shape of the results is checked.
"""

import json
import subprocess
import sys

import numpy as np
import pytest

import activations
from activations import bench
from activations.bench import _engine
from activations.cli import UsageError, main
from activations.cli._bench import parse_dtype


class FakeClock:
    """Replaces the engine's clocks: only the timed calls advance them."""

    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def cost(self, seconds):
        def call():
            self.now += seconds

        return call


@pytest.fixture
def clock(monkeypatch):
    fake = FakeClock()
    monkeypatch.setattr(_engine.time, "process_time", fake)
    monkeypatch.setattr(_engine.time, "perf_counter", fake)
    return fake


# -- the engine ------------------------------------------------------------------------
def test_calibrate_reaches_min_time(clock):
    number = bench.calibrate(clock.cost(1e-3), 0.05)
    assert number >= 50
    assert number < 200  # not wildly past the target either


def test_calibrate_one_call_when_a_call_is_long_enough(clock):
    assert bench.calibrate(clock.cost(1.0), 0.05) == 1


def test_interleave_gives_seconds_per_call_for_each_round(clock):
    samples = bench.interleave(
        {"fast": clock.cost(1e-3), "slow": clock.cost(3e-3)}, bench.Settings(rounds=4, min_time=0.01)
    )
    assert sorted(samples.times) == ["fast", "slow"]
    assert samples.times["fast"] == pytest.approx((1e-3,) * 4)
    assert samples.times["slow"] == pytest.approx((3e-3,) * 4)
    assert samples.ratio("slow", "fast") == pytest.approx(3.0)
    assert samples.excess("slow", "fast") == pytest.approx(2e-3)


def test_interleave_rotates_the_order_from_round_to_round():
    order = []
    cases = {name: (lambda name=name: order.append(name)) for name in "abc"}
    bench.interleave(cases, bench.Settings(rounds=3, min_time=1e-9))
    # calibration calls each case (warm-up, then batches of 1 until min_time); then one round each
    rounds = order[-9:]
    assert rounds == ["a", "b", "c", "b", "c", "a", "c", "a", "b"]


def test_samples_take_medians_of_per_round_ratios():
    # a slow second round hits both cases: the per-round ratio is unaffected
    samples = bench.Samples({"floor": (1.0, 10.0, 1.0), "act": (2.0, 20.0, 2.5)})
    assert samples.ratio("act", "floor") == 2.0
    assert samples.median("act") == 2.5
    assert samples.excess("act", "floor") == 1.5


@pytest.mark.parametrize(
    ("rounds", "min_time", "clock"), [(0, 0.01, "cpu"), (3, 0.0, "cpu"), (3, -1.0, "cpu"), (3, 0.01, "gpu")]
)
def test_settings_reject_nonsense(rounds, min_time, clock):
    with pytest.raises(ValueError, match="must be"):
        bench.Settings(rounds=rounds, min_time=min_time, clock=clock)


@pytest.mark.parametrize("clock", ["cpu", "wall"])
def test_either_clock_times_the_calls(clock, monkeypatch):
    fake = FakeClock()
    other = FakeClock()  # the clock not chosen never moves
    chosen, unused = ("process_time", "perf_counter") if clock == "cpu" else ("perf_counter", "process_time")
    monkeypatch.setattr(_engine.time, chosen, fake)
    monkeypatch.setattr(_engine.time, unused, other)
    samples = bench.interleave({"a": fake.cost(2e-3)}, bench.Settings(rounds=2, min_time=0.01, clock=clock))
    assert samples.times["a"] == pytest.approx((2e-3, 2e-3))


def test_make_inputs_are_seeded_and_typed():
    x, g = bench.make_inputs(100, "float32", seed=3)
    x2, g2 = bench.make_inputs(100, np.float32, seed=3)
    assert x.dtype == g.dtype == np.float32
    np.testing.assert_array_equal(x, x2)
    np.testing.assert_array_equal(g, g2)
    assert (x > 0).any()  # random signs
    assert (x < 0).any()
    assert not np.array_equal(x, g)


def test_bench_activation_rows_and_competitors():
    seen = {}

    def forward_only(x, g, y, o):
        seen["arrays"] = (x.copy(), g.copy(), y.copy(), o)
        return (lambda: np.maximum(x, 0, out=o)), None

    def backward_only(x, g, y, o):
        return None, (lambda: np.multiply(g, x > 0, out=o))

    relu = activations.get("relu")
    fwd, bwd = bench.bench_activation(
        relu,
        size=500,
        dtype="float64",
        settings=bench.QUICK,
        competitors={"a": forward_only, "b": backward_only},
    )
    assert (fwd.activation, fwd.direction, fwd.size, fwd.dtype) == ("relu", "forward", 500, "float64")
    assert (bwd.direction, sorted(fwd.versus), sorted(bwd.versus)) == ("backward", ["a"], ["b"])
    assert sorted(fwd.competitor_ns) == ["a"]
    x, g, y, o = seen["arrays"]
    expected_x, expected_g = bench.make_inputs(500, "float64")
    np.testing.assert_array_equal(x, expected_x)  # the competitor saw the very inputs, unmodified
    np.testing.assert_array_equal(g, expected_g)
    np.testing.assert_array_equal(y, relu(expected_x))
    assert o.shape == (500,)
    assert o.dtype == np.float64
    for row in (fwd, bwd):
        assert row.ns_per_element > 0
        assert row.floor_ratio > 0
        assert row.floor_ns_per_element > 0
        assert np.isfinite(row.alloc_excess_ns)


def test_row_to_dict_is_json_ready():
    row = bench.Row(
        activation="relu",
        direction="backward",
        size=10,
        dtype="float32",
        ns_per_element=1.5,
        floor_ratio=float("nan"),
        alloc_excess_ns=0.25,
        versus={"torch": 0.5},
    )
    data = row.to_dict()
    assert data["floor_ratio"] is None
    assert data["floor_ns_per_element"] is None
    assert data["versus"] == {"torch": 0.5}
    json.dumps(data, allow_nan=False)


def test_call_overhead_compares_the_bound_activation_with_its_plugin():
    result = bench.call_overhead(activations.get("tanh"), settings=bench.QUICK)
    assert sorted(result) == ["backward", "backward_out", "forward", "forward_out"]
    for numbers in result.values():
        assert sorted(numbers) == ["bound_us", "overhead_us", "plugin_us"]
        assert numbers["bound_us"] > 0
        assert numbers["plugin_us"] > 0


def test_machine_reports_cpu_cores_versions_and_date():
    info = bench.machine(extra=("pluggy",))
    assert info["cpu"]
    assert info["cores"] >= 1
    assert info["versions"]["numpy"] == np.__version__
    assert info["versions"]["pluggy"]
    assert info["date"].endswith("UTC")


def test_the_engine_is_imported_by_bench_only():
    code = (
        "import sys, activations, activations.cli\n"
        "activations.names(); activations.cli.build_parser()\n"
        "print(sorted(m for m in sys.modules if m.startswith('activations.bench._engine') or m == 'torch'))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


# -- the yardsticks --------------------------------------------------------------------
def _bundled_names():
    return {n for p in activations.list_plugins() if p.bundled for n in p.activations}


@pytest.mark.parametrize(
    ("table", "keys"),
    [
        ("NUMPY_FORMULAS", bench.NUMPY_FORMULAS),
        ("SCIPY_FORMULAS", bench.SCIPY_FORMULAS),
        ("TORCH_NAMES", bench.TORCH_NAMES),
        ("PARAMETERS", bench.PARAMETERS),
    ],
)
def test_yardsticks_are_keyed_by_registered_names(table, keys):
    assert set(keys) - _bundled_names() == set(), f"{table} has keys that no bundled plugin registers"


@pytest.mark.parametrize("name", sorted(bench.PARAMETERS))
def test_yardsticks_read_only_the_activation_s_own_parameters(name):
    assert bench.PARAMETERS[name] <= set(activations.describe(name).parameters)


@pytest.mark.parametrize(
    ("config", "has_yardstick"),
    [
        ({"name": "gelu", "approximate": "none"}, True),
        ({"name": "gelu", "approximate": "sigmoid"}, False),
        ({"name": "hard_sigmoid", "kind": "keras2"}, True),
        ({"name": "leaky_relu", "negative_slope": 0.2, "inplace": True}, False),
        ({"name": "hardsigmoid"}, False),  # an alias: configs carry registry names
    ],
)
def test_a_yardstick_is_found_by_registry_name_and_parameters(config, has_yardstick):
    competitor = bench.numpy_competitor(config)
    x, g = bench.make_inputs(10, "float64")
    found = competitor is not None and competitor(x, g, x, np.empty_like(x)) != (None, None)
    assert found == has_yardstick


@pytest.mark.parametrize("name", activations.names())
def test_numpy_yardstick_computes_the_same_function(name):
    act = activations.get(name)
    competitor = bench.numpy_competitor(act.config)
    if competitor is None:
        assert name in ("bent_identity", "tanhshrink")  # no plain formula of equal accuracy
        return
    x, g = bench.make_inputs(1000, "float64")
    x *= 3
    o = np.empty_like(x)
    forward, backward = competitor(x, g, act(x), o)
    result = forward()
    np.testing.assert_allclose(o if result is None else result, act(x), rtol=1e-12, atol=1e-300)
    result = backward()
    np.testing.assert_allclose(o if result is None else result, act.backward(x, g), rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize(
    "spec",
    [
        "leaky_relu(negative_slope=0.3)",
        "elu(alpha=0.5)",
        "silu(beta=2.0)",
        "softplus(beta=2.0)",
        "gelu(approximate='tanh')",
        "hard_sigmoid(kind='keras2')",
        "rrelu(lower=0.1, upper=0.3)",
        "hardtanh(min_val=-2.0, max_val=0.5)",
    ],
)
def test_numpy_yardstick_honours_parameters(spec):
    act = activations.get(spec)
    x, g = bench.make_inputs(200, "float64")
    o = np.empty_like(x)
    forward, backward = bench.numpy_competitor(act.config)(x, g, act(x), o)
    result = forward()
    np.testing.assert_allclose(o if result is None else result, act(x), rtol=1e-12)
    result = backward()
    np.testing.assert_allclose(o if result is None else result, act.backward(x, g), rtol=1e-12)


def test_no_torch_yardstick_without_torch(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # `import torch` raises ImportError
    assert not bench.torch_available()
    assert bench.torch_competitor({"name": "relu"}) is None


@pytest.mark.parametrize("name", ["relu", "sigmoid", "tanh", "gelu", "elu", "softplus", "hardtanh"])
def test_torch_yardstick_computes_the_same_function(name):
    act = activations.get(name)
    if not bench.torch_available():  # optional, never a dependency: then there is no yardstick
        assert bench.torch_competitor(act.config) is None
        return
    x, g = bench.make_inputs(1000, "float64")
    o = np.empty_like(x)
    forward, backward = bench.torch_competitor(act.config)(x, g, act(x), o)
    forward()
    np.testing.assert_allclose(o, act(x), rtol=1e-6, atol=1e-12)
    backward()
    np.testing.assert_allclose(o, act.backward(x, g), rtol=1e-6, atol=1e-12)


# -- the command line ------------------------------------------------------------------
@pytest.fixture
def no_torch(monkeypatch):
    monkeypatch.setattr(bench, "torch_available", lambda: False)


def run_bench(capsys, *argv):
    code = main(["bench", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.usefixtures("no_torch")
def test_bench_json(capsys):
    code, out, err = run_bench(capsys, "relu", "Logistic", "--size", "1e2", "--rounds", "1", "--json")
    assert code == 0
    data = json.loads(out)
    assert sorted(data) == ["floors", "machine", "results", "settings", "torch"]
    assert data["settings"] == {"size": 100, "dtypes": ["float32", "float64"], "rounds": 1, "clock": "cpu"}
    assert data["torch"] is None
    assert data["floors"] == {"forward": "np.copyto(o, x)", "backward": "np.multiply(g, x, out=o)"}
    keys = [(r["activation"], r["dtype"], r["direction"]) for r in data["results"]]
    assert keys == [
        (name, dtype, direction)
        for name in ("relu", "sigmoid")
        for dtype in ("float32", "float64")
        for direction in ("forward", "backward")
    ]
    first = data["results"][0]
    assert sorted(first) == [
        "activation",
        "alloc_excess_ns",
        "competitor_ns",
        "direction",
        "dtype",
        "floor_ns_per_element",
        "floor_ratio",
        "ns_per_element",
        "size",
        "versus",
    ]
    assert sorted(first["versus"]) == ["numpy"]  # relu: no SciPy one-liner
    sigmoid = data["results"][4]
    assert sorted(sigmoid["versus"]) == ["numpy", "scipy"]
    assert "timing relu float32 N=100" in err


@pytest.mark.usefixtures("no_torch")
def test_bench_times_a_third_party_activation_against_the_floor(capsys):
    code, out, _ = run_bench(capsys, "bent_identity", "--size", "64", "--dtype", "float32", "--rounds", "1")
    assert code == 0
    lines = out.splitlines()
    assert "PyTorch is not installed: no torch column" in out
    table = [line for line in lines if not line.startswith("#")]
    assert table[0].split() == [
        "activation",
        "dtype",
        "N",
        "pass",
        "ns/el",
        "x",
        "floor",
        "x",
        "numpy",
        "x",
        "scipy",
        "+alloc",
        "ns/el",
    ]
    assert [line.split()[:4] for line in table[1:]] == [
        ["bent_identity", "float32", "64", "forward"],
        ["bent_identity", "float32", "64", "backward"],
    ]
    assert all(line.split()[6:8] == ["-", "-"] for line in table[1:])  # no yardsticks for a third party


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["nosuch"], "activations: error: unknown activation 'nosuch'\n"),
        (
            ["relu", "--size", "abc"],
            "activations: error: --size must be a positive whole number such as 100000 or 1e5, got 'abc'\n",
        ),
        (
            ["relu", "--size", "0"],
            "activations: error: --size must be a positive whole number such as 100000 or 1e5, got '0'\n",
        ),
        (
            ["relu", "--size", "2.5"],
            "activations: error: --size must be a positive whole number such as 100000 or 1e5, got '2.5'\n",
        ),
        (
            ["relu", "--dtype", "float16"],
            "activations: error: --dtype must be float32 or float64, got 'float16'\n",
        ),
        (["relu", "--rounds", "0"], "activations: error: --rounds must be at least 1, got 0\n"),
    ],
)
def test_bench_user_errors_are_one_line_with_exit_2(capsys, argv, message):
    code, out, err = run_bench(capsys, *argv)
    assert (code, out, err) == (2, "", message)


@pytest.mark.parametrize(("text", "value"), [("100", 100), ("1e5", 100000), ("1E7", 10**7), ("1.0e3", 1000)])
def test_parse_size(text, value):
    assert bench.parse_size(text) == value


@pytest.mark.parametrize("text", ["-5", "inf", "nan", "1e99", "", "0.5"])
def test_parse_size_rejects(text):
    with pytest.raises(ValueError, match=r"^--size must be a positive whole number"):
        bench.parse_size(text)


def test_parse_dtype():
    assert parse_dtype("float64") == ("float64",)
    with pytest.raises(UsageError, match=r"^--dtype must be float32 or float64, got 'half'$"):
        parse_dtype("half")


def test_format_table_aligns_columns():
    rows = [
        bench.Row(
            activation=name,
            direction="forward",
            size=10**7,
            dtype="float64",
            ns_per_element=ns,
            floor_ratio=1.0,
            alloc_excess_ns=0.0,
            versus={"torch": 1.5},
        )
        for name, ns in (("relu", 0.5), ("leaky_relu", 12.25))
    ]
    assert bench.format_table(rows, competitors=["torch"]).splitlines() == [
        "activation  dtype      N  pass      ns/el  x floor  x torch  +alloc ns/el",
        "relu        float64  1e7  forward   0.500     1.00     1.50         0.000",
        "leaky_relu  float64  1e7  forward  12.250     1.00     1.50         0.000",
    ]
