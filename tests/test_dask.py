"""dask: lazy activations, one-pass statistics, seeds as tasks, and the missing extra.

Expected values come from NumPy on the same data (`.compute()` of the same
dask array), compared bit for bit (``tobytes``), never from the code under test.
"""

import json
import pathlib
import subprocess
import sys

import dask
import dask.array as da
import distributed
import numpy as np
import pytest
from accuracy_tools import CASES

import activations
from activations import _bound, analysis
from activations.analysis._report import SEED_COLUMNS
from activations.backends.dask import check_scheduler, is_dask_array, run_tasks
from activations.cli import main

ROOT = pathlib.Path(__file__).resolve().parents[1]
SPECIAL = [0.0, -0.0, np.inf, -np.inf, np.nan, 1e-30, -1e-30, 40.0, -40.0, 1e4, -1e4, 0.5, -3.0, 3.0]
CHUNKS = {"regular": (25, 8), "ragged": ((7, 30, 1, 12), (3, 13))}  # shape (50, 16) either way
MISSING = "needs the 'dask' extra: pip install 'pluggable-activations[dask]'"


def _data(dtype, seed=0, *, special=True):
    """(50, 16) values of N(0, 16), the first ones special (zeros, infinities, NaN, tails)."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((50, 16)) * 4
    if special:
        x.flat[: len(SPECIAL)] = SPECIAL
    return x.astype(dtype)


def _bits(a, b):
    """Bit-for-bit equality of two arrays (NaN payloads and the sign of zero included)."""
    a, b = np.asarray(a), np.asarray(b)
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def _forbid_compute(dsk, keys, **kwargs):
    raise AssertionError("something was computed before .compute()")


@pytest.mark.parametrize("chunks", CHUNKS.values(), ids=CHUNKS.keys())
@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.spec)
def test_every_method_is_lazy_and_equals_numpy_bit_for_bit(case, dtype, chunks):
    act = activations.get(case.name, **case.kwargs)
    x_np = _data(dtype)
    g_np = _data(dtype, seed=1, special=False)  # 0 * inf would be a NaN with a warning
    x = da.from_array(x_np, chunks=chunks)
    g = da.from_array(g_np, chunks=chunks)
    with dask.config.set(scheduler=_forbid_compute):  # building the graphs computes nothing
        y, dy = act.forward(x), act.derivative(x)
        vjp, vjp_out = act.backward(x, g), act.backward(x, g, output=y)
        called = act(x)
    for lazy in (y, dy, vjp, vjp_out, called):
        assert isinstance(lazy, da.Array)
        assert lazy.dtype == dtype
        assert lazy.chunks == x.chunks
    y_np = act.forward(x_np)
    assert _bits(y.compute(), y_np)
    assert _bits(called.compute(), y_np)
    assert _bits(dy.compute(), act.derivative(x_np))
    assert _bits(vjp.compute(), act.backward(x_np, g_np))
    assert _bits(vjp_out.compute(), act.backward(x_np, g_np, output=y_np))


class CountingSoftsign(activations.BaseActivation):
    """A third-party activation that knows nothing of dask and counts its calls."""

    name = "counting_softsign"
    properties = activations.Properties(
        output_range=(-1.0, 1.0), monotonic=True, zero_centered=True, sparse=False, smoothness=1
    )
    calls = 0

    def forward(self, x, /, *, out=None):
        type(self).calls += 1
        return np.divide(x, 1.0 + np.abs(x), out=out)

    def derivative(self, x, /, *, out=None):
        type(self).calls += 1
        return np.divide(1.0, np.square(1.0 + np.abs(x)), out=out)


def test_a_third_party_plugin_gets_dask_for_free_and_runs_only_on_compute():
    x_np = _data(np.float64, special=False)  # inf / inf: this plugin is not the catalogue's softsign
    x = da.from_array(x_np, chunks=CHUNKS["ragged"])
    with activations.registered(CountingSoftsign, name="counting_softsign"):
        act = activations.get("counting_softsign")
        CountingSoftsign.calls = 0
        y, dy, vjp = act(x), act.derivative(x), act.backward(x, da.ones_like(x))
        assert CountingSoftsign.calls == 0  # nothing ran, not even on dask's meta arrays
        assert _bits(y.compute(), act(x_np))
        assert CountingSoftsign.calls == x.npartitions + 1  # one call per block, plus NumPy's
        assert _bits(dy.compute(), act.derivative(x_np))
        assert _bits(vjp.compute(), act.backward(x_np, np.ones_like(x_np)))


@pytest.mark.parametrize("name", ["relu", "gelu", "sigmoid"])
def test_the_input_policy_applies_to_every_block(name):
    act = activations.get(name)
    for values in (np.linspace(-5, 5, 11, dtype=np.float16), np.arange(-5, 6), np.arange(-5, 6) > 0):
        x = da.from_array(values, chunks=4)
        expected = act(values)
        assert act(x).dtype == expected.dtype  # float16 kept; integer and bool in float64
        assert _bits(act(x).compute(), expected)
        assert _bits(act.derivative(x).compute(), act.derivative(values))
        grad = np.ones(values.shape, dtype=np.float32)  # computed in x's result dtype
        assert act.backward(x, grad).dtype == expected.dtype
        assert _bits(act.backward(x, grad).compute(), act.backward(values, grad))


def test_a_zero_dimensional_dask_array_gives_what_numpy_gives():
    tanh = activations.get("tanh")
    lazy = tanh(da.from_array(np.array(0.5)))
    assert lazy.shape == ()
    assert _bits(lazy.compute(), tanh(np.array(0.5)))


def test_operands_that_are_not_dask_arrays_are_chunked_like_the_dask_one():
    relu = activations.get("relu")
    x_np, g_np = _data(np.float64), _data(np.float64, seed=1, special=False)
    x, g = da.from_array(x_np, chunks=(20, 5)), da.from_array(g_np, chunks=(10, 16))
    expected = relu.backward(x_np, g_np)
    for lazy in (
        relu.backward(x_np, g),
        relu.backward(x, g_np),
        relu.backward(x, g_np.tolist()),
        relu.backward(x, g),
    ):
        assert isinstance(lazy, da.Array)
        assert _bits(lazy.compute(), expected)
    assert _bits(relu.backward(x_np, g_np, output=relu(x)).compute(), expected)


def test_errors_are_raised_at_once_with_the_core_messages():
    relu = activations.get("relu")
    x = da.ones((4, 3), chunks=2)
    with pytest.raises(ValueError, match=r"^relu: grad_output has shape") as info:
        relu.backward(x, da.ones((3, 4), chunks=2))
    assert str(info.value) == (
        "relu: grad_output has shape (3, 4), x has shape (4, 3); they must match (no broadcasting)"
    )
    with pytest.raises(ValueError, match=r"^relu: grad_output has shape") as info:
        relu.backward(x, np.ones(3))
    assert str(info.value) == (
        "relu: grad_output has shape (3,), x has shape (4, 3); they must match (no broadcasting)"
    )
    with pytest.raises(TypeError) as info:
        relu(da.ones(3, dtype=complex))
    assert str(info.value) == (
        "relu: x must be float16, float32, float64, integer or bool, got dtype complex128 from Array"
    )
    with pytest.raises(TypeError) as info:
        relu.backward(x, np.ones((4, 3), dtype=complex))
    assert str(info.value) == (
        "relu: grad_output must be float16, float32, float64, integer or bool, got dtype complex128 "
        "from ndarray"
    )


@pytest.mark.parametrize("method", ["forward", "derivative", "backward"])
def test_out_with_a_dask_input_is_a_type_error(method):
    relu = activations.get("relu")
    x = da.ones(4, chunks=2)
    args = (x, x) if method == "backward" else (x,)
    with pytest.raises(TypeError) as info:
        getattr(relu, method)(*args, out=np.empty(4))
    assert str(info.value) == (
        "relu: out= cannot be used with a dask array input; "
        "dask arrays are immutable: use the lazy array returned"
    )


def test_the_ndarray_fast_path_never_looks_for_dask(monkeypatch):
    def fail(*values):
        raise AssertionError("the dask check ran")

    monkeypatch.setattr(_bound, "find_backend", fail)
    relu = activations.get("relu")
    for dtype in (np.float32, np.float64):
        x = np.linspace(-1, 1, 8, dtype=dtype)
        relu(x)
        relu.derivative(x)
        relu.backward(x, np.ones_like(x))
        relu(x, out=np.empty_like(x))
        relu.backward(x, np.ones_like(x), out=np.empty_like(x))
    with pytest.raises(AssertionError, match="the dask check ran"):
        relu([1.0])  # the slow path does look: this is what the fast path skips


def test_is_dask_array_needs_both_the_module_and_the_protocol():
    class Impostor:
        __module__ = "dask.fake"

    assert not is_dask_array(Impostor())
    assert not is_dask_array(np.ones(2))
    assert is_dask_array(da.ones(2))


# -- output statistics ----------------------------------------------------------------------------
@pytest.mark.parametrize("chunks", CHUNKS.values(), ids=CHUNKS.keys())
@pytest.mark.parametrize("name", ["relu", "tanh", "hardtanh", "elu"])
def test_output_stats_of_a_dask_array_match_numpy(name, chunks):
    x_np = _data(np.float32)
    x_np[~np.isfinite(x_np)] = 0.0  # std of an infinite output is NaN in both, but says nothing
    expected = analysis.output_stats(name, x_np)
    got = analysis.output_stats(name, da.from_array(x_np, chunks=chunks))
    assert got.samples == expected.samples == x_np.size
    assert got.sparsity == expected.sparsity  # exact counts
    assert got.zero_gradient_fraction == expected.zero_gradient_fraction
    assert got.max_gradient == expected.max_gradient
    for field in ("mean_output", "std_output", "mean_gradient"):  # summed in another order
        assert getattr(got, field) == pytest.approx(getattr(expected, field), rel=1e-12, abs=1e-15)


def test_output_stats_reads_every_chunk_once_in_one_compute():
    generated = []

    def block(block_info=None):
        loc = block_info[None]["chunk-location"]
        generated.append(loc)
        return np.random.default_rng(loc[0]).standard_normal(block_info[None]["chunk-shape"])

    x = da.map_blocks(block, chunks=((1000,) * 8,), dtype=np.float64, meta=np.empty(0))
    starts = []
    with dask.callbacks.Callback(start=lambda dsk: starts.append(len(dsk))):
        stats = analysis.output_stats("relu", x)
    assert len(starts) == 1  # one dask.compute for all the statistics
    assert sorted(generated) == [(i,) for i in range(8)]  # one pass: each chunk made once
    x_np = np.concatenate([np.random.default_rng(i).standard_normal(1000) for i in range(8)])
    assert stats.sparsity == analysis.output_stats("relu", x_np).sparsity


def test_output_stats_counts_what_dask_does_not_know_and_refuses_nothing_at_all():
    x_np = _data(np.float64, special=False)
    x = da.from_array(x_np, chunks=(10, 4))
    positive = x[x > 0]  # a boolean mask: dask no longer knows the chunk sizes
    assert np.isnan(positive.shape[0])
    stats = analysis.output_stats("relu", positive)
    assert stats.samples == np.count_nonzero(x_np > 0)
    assert stats.sparsity == 0.0
    message = "^output_stats needs at least one input value, got an empty array$"
    with pytest.raises(ValueError, match=message):
        analysis.output_stats("relu", da.ones(0))
    with pytest.raises(ValueError, match=message):
        analysis.output_stats("relu", x[x > np.inf])  # empty, found out when computed


# -- seeds as tasks ----------------------------------------------------------------------------------
FAST = {"epochs": 2, "depth": 3, "samples": 1000}


def _sequential(names, seeds, **changes):
    """The same runs, one after another, without dask: the single-seed rows of `compare`."""
    return [
        [analysis.compare([n], seed=s, **changes).to_dict()["activations"][0] for s in seeds] for n in names
    ]


@pytest.fixture(scope="module")
def sequential():
    return _sequential(["relu", "tanh"], [0, 1], **FAST)


def _runs(report):
    return [row["runs"] for row in report.to_dict()["activations"]]


@pytest.mark.parametrize("scheduler", ["synchronous", "threads", "processes"])
def test_seeds_on_a_local_scheduler_equal_the_sequential_runs(scheduler, sequential):
    report = analysis.compare(["relu", "tanh"], seeds=2, scheduler=scheduler, **FAST)
    assert report.seeds == (0, 1)
    assert _runs(report) == sequential


def test_a_two_seed_sweep_on_a_local_cluster_equals_the_sequential_runs(sequential):
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        report = analysis.compare(["relu", "tanh"], seeds=[0, 1], scheduler=cluster.scheduler_address, **FAST)
        assert _runs(report) == sequential
        with distributed.Client(cluster) as client:  # a client of one's own is used, and left open
            again = analysis.compare(["relu", "tanh"], seeds=[0, 1], scheduler=client, **FAST)
            assert client.status == "running"
    assert _runs(again) == sequential


def test_the_summary_is_mean_std_min_max_of_the_runs(sequential):
    report = analysis.compare(["relu", "tanh"], seeds=2, scheduler="synchronous", **FAST)
    data = report.to_dict()
    assert data["settings"]["seeds"] == [0, 1]
    assert data["settings"]["seed"] == 0
    for row, runs in zip(data["activations"], sequential, strict=True):
        assert set(row) == {
            "name",
            "config",
            "seeds",
            "mean",
            "std",
            "min",
            "max",
            "reached_target",
            "diverged",
            "runs",
        }
        assert row["seeds"] == [0, 1]
        for column in SEED_COLUMNS:
            values = np.array([run[column] for run in runs], dtype=float)
            assert row["mean"][column] == float(np.mean(values))
            assert row["std"][column] == float(np.std(values))
            assert row["min"][column] == float(np.min(values))
            assert row["max"][column] == float(np.max(values))
        assert row["reached_target"] == sum(run["epochs_to_target"] is not None for run in runs)
    json.dumps(data, allow_nan=False)
    table = report.to_markdown().splitlines()
    sparsity = [run["sparsity"] for run in sequential[0]]
    assert table[2].startswith(f"| relu | {np.mean(sparsity):.3f} ± {np.std(sparsity):.3f} | ")
    assert "Settings (seeds 0, 1; each cell: mean ± standard deviation across the seeds):" in table
    assert report.activations[0].to_dict() == sequential[0][0]  # the figure draws the first seed


def test_epochs_to_target_is_summarised_over_the_runs_that_reached_it():
    report = analysis.compare(["sigmoid"], seeds=[3, 4], scheduler="synchronous", target=0.99, **FAST)
    row = report.to_dict()["activations"][0]
    assert row["reached_target"] == 0
    assert row["mean"]["epochs_to_target"] is None
    assert "| never |" in report.to_markdown()


def test_seeds_report_progress_per_run():
    seen = []
    analysis.compare(
        ["relu", "tanh"], seeds=2, scheduler="synchronous", progress=lambda *a: seen.append(a), **FAST
    )
    assert [done for done, _, _ in seen] == [1, 2, 3, 4]
    assert {total for _, total, _ in seen} == {4}
    assert {message for _, _, message in seen} == {
        f"{n}: seed {s} done" for n in ("relu", "tanh") for s in (0, 1)
    }


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"seeds": 0}, "seeds must be an integer >= 1, got 0"),
        ({"seeds": []}, "seeds must be an integer >= 1 or a non-empty sequence of seeds, got []"),
        ({"seeds": [1, 1]}, "seeds must be distinct, got [1, 1]"),
        ({"seeds": [-1]}, "each seed must be an integer >= 0, got -1"),
        ({"scheduler": "processes"}, "scheduler= needs seeds=: a single run is not sent to a scheduler"),
        (
            {"seeds": 2, "scheduler": "procesess"},
            "scheduler must be 'synchronous', 'threads', 'processes', a scheduler address such as "
            "'tcp://127.0.0.1:8786' or a distributed.Client, got 'procesess'",
        ),
    ],
)
def test_bad_seeds_and_schedulers_are_value_errors(kwargs, message):
    with pytest.raises(ValueError, match=r"seed|scheduler") as info:
        analysis.compare(["relu"], **kwargs, **FAST)
    assert str(info.value) == message


def test_run_tasks_keeps_the_order_of_the_calls():
    assert run_tasks(pow, [(2, k) for k in range(6)], scheduler="threads") == [2**k for k in range(6)]
    check_scheduler("10.0.0.5:8786")  # host:port is an address too


def test_without_seeds_the_json_has_its_single_run_shape():
    data = analysis.compare(["relu"], **FAST).to_dict()
    assert "seeds" not in data["settings"]
    assert "runs" not in data["activations"][0]
    assert "sparsity" in data["activations"][0]


# -- the command line --------------------------------------------------------------------------------
CLI_FAST = ["--epochs", "2", "--depth", "3"]


def test_cli_seeds_give_the_mean_and_every_run(capsys):
    code = main(
        ["compare", "relu", "--seeds", "2", "--seed", "5", "--scheduler", "synchronous", "--json", *CLI_FAST]
    )
    captured = capsys.readouterr()
    assert code == 0
    assert captured.err == ""
    data = json.loads(captured.out)
    assert data["settings"]["seeds"] == [5, 6]
    runs = data["activations"][0]["runs"]
    assert runs == _sequential(["relu"], [5, 6], epochs=2, depth=3)[0]
    code = main(["compare", "relu", "--seeds", "2", "--scheduler", "synchronous", *CLI_FAST])
    assert code == 0
    assert " ± " in capsys.readouterr().out.splitlines()[2]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--seeds", "0"], "--seeds must be at least 1, got 0"),
        (["--scheduler", "processes"], "--scheduler needs --seeds"),
        (
            ["--seeds", "2", "--scheduler", "everywhere"],
            "--scheduler must be synchronous, threads, processes or a dask.distributed scheduler address "
            "such as tcp://10.0.0.5:8786, got 'everywhere'",
        ),
    ],
)
def test_cli_bad_seed_options_are_one_line_errors(capsys, argv, message):
    code = main(["compare", "relu", *argv])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert captured.err == f"activations: error: {message}\n"


def test_cli_an_unreachable_scheduler_is_a_one_line_error(capsys):
    with dask.config.set({"distributed.comm.timeouts.connect": "0.5s"}):
        code = main(["compare", "relu", "--seeds", "2", "--scheduler", "tcp://127.0.0.1:9", *CLI_FAST])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert captured.err.startswith(
        "activations: error: cannot reach the dask scheduler at tcp://127.0.0.1:9: "
    )
    assert len(captured.err.splitlines()) == 1


# -- without the extra ----------------------------------------------------------------------------
@pytest.fixture
def no_dask(monkeypatch):
    monkeypatch.setitem(sys.modules, "dask", None)  # as if it were not installed
    monkeypatch.setitem(sys.modules, "distributed", None)


def test_compare_with_seeds_names_the_extra(no_dask):
    with pytest.raises(ModuleNotFoundError) as info:
        analysis.compare(["relu"], seeds=2, **FAST)
    assert str(info.value) == f"compare(seeds=...) {MISSING}"


@pytest.mark.parametrize("scheduler", [[], ["--scheduler", "tcp://127.0.0.1:8786"]])
def test_cli_seeds_name_the_extra(capsys, no_dask, scheduler):
    code = main(["compare", "relu", "--seeds", "2", *scheduler])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert captured.err == f"activations: error: --seeds {MISSING}\n"


def test_cli_an_address_needs_distributed_too(capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    code = main(["compare", "relu", "--seeds", "2", "--scheduler", "tcp://127.0.0.1:8786"])
    assert code == 2
    assert capsys.readouterr().err == f"activations: error: --scheduler ADDRESS {MISSING}\n"


def test_activations_work_as_before_without_dask(no_dask):
    relu = activations.get("relu")
    assert _bits(relu([-1.0, 2.0]), np.array([0.0, 2.0]))
    assert analysis.output_stats("relu", [-1.0, 1.0]).sparsity == 0.5


# -- the benchmark --------------------------------------------------------------------------------
BENCHMARK = ROOT / "benchmarks" / "dask_sparsity.py"


def test_the_benchmark_measures_what_numpy_measures_on_the_same_data():
    done = subprocess.run(
        [sys.executable, str(BENCHMARK), "--size", "8MB", "--chunk", "1MB", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(done.stdout)
    assert result["elements"] == 2 * 2**20
    assert result["chunks"] == 8
    x = np.concatenate(
        [np.random.default_rng([0, i]).standard_normal(2**18, dtype=np.float32) for i in range(8)]
    )
    expected = analysis.output_stats("relu", x)
    assert result["sparsity"] == expected.sparsity
    assert result["mean_output"] == pytest.approx(expected.mean_output, rel=1e-12)
    assert result["peak_rss_bytes"] > 0
    assert result["throughput_bytes_per_s"] > 0


def test_the_benchmark_without_dask_names_the_extra():
    code = (
        "import runpy, sys; sys.modules['dask'] = None; sys.argv = ['dask_sparsity.py', '--quick']; "
        f"runpy.run_path({str(BENCHMARK)!r}, run_name='__main__')"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == f"dask_sparsity.py: error: benchmarks/dask_sparsity.py {MISSING}\n"


def test_the_dispatch_benchmark_times_the_lookup_against_the_call():
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "backend_dispatch.py"), "--quick", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    calls = json.loads(done.stdout)["calls"]
    assert {c["call"].split(":")[0] for c in calls} == {"fast", "slow"}
    assert all(c["call_ns"] > 0 and c["lookup_ns"] > 0 and c["share"] > 0 for c in calls)


def test_parameter_gradients_of_a_dask_array_are_lazy_sums():
    softplus = activations.get("softplus(beta=2.0)")
    x_np = np.random.default_rng(5).standard_normal(1000)
    g_np = np.random.default_rng(6).standard_normal(1000)
    lazy = softplus.parameter_backward(da.from_array(x_np, chunks=300), g_np)
    assert set(lazy) == {"beta"}
    assert is_dask_array(lazy["beta"])
    assert float(lazy["beta"].compute()) == pytest.approx(
        softplus.parameter_backward(x_np, g_np)["beta"], rel=1e-12
    )
