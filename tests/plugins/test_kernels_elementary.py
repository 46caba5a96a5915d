"""The compiled kernels' own exp, expm1, log1p and erfc (plugins/csrc/elementary.h).

Each is held to 1 ulp of the exact value (mpmath at 50 digits, through
``accuracy_tools``' targets with every argument exact, so err is the plain
ulp error |c - f(x)| / ulp(f(x))), in float32 and float64, over a seeded
dense sample of its whole domain and every special region: subnormal
arguments and results, the overflow and underflow thresholds, log1p near -1,
erfc's tail and the split between its two expansions. Special values are
exact and no floating-point flag is raised (the suite turns warnings into
errors). Then the generated coefficients are reproduced by their script, and
the CUDA form of the kernels compiles with nvcc when it is installed.
``benchmarks/kernel_sweep.py`` runs the exhaustive float32 sweep.
"""

from __future__ import annotations

import functools
import math
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import mpmath
import numpy as np
import pytest
from accuracy_tools import _target

from activations.plugins import compiled

ufuncs = pytest.importorskip(
    "activations.plugins._ufuncs", reason="the compiled kernels were not built (no C compiler at install)"
)

ROOT = Path(__file__).resolve().parents[2]
DTYPES = [np.dtype(np.float32), np.dtype(np.float64)]
BOUND = 1.0


def _erfc(x: Any) -> Any:
    return mpmath.erfc(x) if x < 30 else mpmath.mpf(0)  # erfc(30) = 2.6e-393: 0 in float64


#: name -> (ufunc, mpmath function, domain (lo, hi) per dtype, special regions per dtype)
FUNCTIONS = {
    "exp": (ufuncs._exp, mpmath.exp),
    "expm1": (ufuncs._expm1, mpmath.expm1),
    "log1p": (ufuncs._log1p, mpmath.log1p),
    "erfc": (ufuncs._erfc, _erfc),
}


def _regions(name: str, dtype: np.dtype[Any]) -> list[tuple[float, float]]:
    """Intervals sampled evenly besides the log-spaced magnitudes: each function's hard places."""
    info = np.finfo(dtype)
    big, tiny, sub = (math.log(float(v)) for v in (info.max, info.tiny, info.smallest_subnormal))
    return {
        "exp": [(sub - 1, tiny + 1), (big - 1, big + 1), (-1.5, 1.5), (-40, 40)],
        "expm1": [(-0.7, 0.7), (-40, -10), (big - 1, big + 1), (-1e-6, 1e-6)],
        "log1p": [(-1, -0.9), (-0.3, 0.42), (0.4, 3), (-1e-6, 1e-6)],
        "erfc": [(-6, 6), (2.0, 2.5), (-0.6, 0.6), (math.sqrt(-tiny) - 1, math.sqrt(-sub) + 0.3)],
    }[name]


@functools.cache
def sample(name: str, dtype: np.dtype[Any]) -> np.ndarray:
    """Seeded points: even in each region, log-spaced magnitudes of both signs, and the specials."""
    info = np.finfo(dtype)
    rng = np.random.default_rng(17)
    parts = [rng.uniform(lo, hi, 700) for lo, hi in _regions(name, dtype)]
    with np.errstate(over="ignore"):
        magnitudes = np.geomspace(float(info.smallest_subnormal), float(info.max), 700)
        magnitudes = magnitudes * rng.uniform(0.9, 1.1, magnitudes.size)
    parts += [magnitudes, -magnitudes]
    special = [float(info.smallest_subnormal), float(info.tiny), 1.0, 0.5, 2.0, float(info.max)]
    parts.append(np.array(special + [-v for v in special]))
    with np.errstate(over="ignore"):
        x = np.concatenate(parts).astype(dtype)
    x = x[np.isfinite(x)]
    if name == "log1p":
        x = x[x > -1]
    return np.unique(x)


@functools.cache
def target(name: str, dtype: np.dtype[Any]) -> Any:
    x = sample(name, dtype)
    fn = FUNCTIONS[name][1]
    with mpmath.workdps(50):
        values = [+fn(mpmath.mpf(float(v))) for v in x]
    return _target(x, values, [mpmath.mpf(0)] * x.size, np.ones(x.size, dtype=bool), dtype)


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_within_one_ulp_over_the_whole_domain(name: str, dtype: np.dtype[Any]):
    t = target(name, dtype)
    computed = FUNCTIONS[name][0](t.x)
    assert computed.dtype == dtype
    err = t.err(computed)
    worst = int(np.argmax(err))
    assert err[worst] <= BOUND, (
        f"{name} {dtype}: {err[worst]:.3f} ulp at x={t.x[worst]!r}: {computed[worst]!r}, true {t.text(worst)}"
    )


SPECIAL = {
    "exp": [(np.nan, np.nan), (np.inf, np.inf), (-np.inf, 0.0), (0.0, 1.0), (-0.0, 1.0), (1e4, np.inf)],
    "expm1": [(np.nan, np.nan), (np.inf, np.inf), (-np.inf, -1.0), (0.0, 0.0), (-0.0, -0.0), (1e4, np.inf)],
    "log1p": [
        *[(np.nan, np.nan), (np.inf, np.inf), (-1.0, -np.inf), (-2.0, np.nan), (-np.inf, np.nan)],
        *[(0.0, 0.0), (-0.0, -0.0)],
    ],
    "erfc": [(np.nan, np.nan), (np.inf, 0.0), (-np.inf, 2.0), (0.0, 1.0), (-0.0, 1.0), (1e4, 0.0)],
}


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_special_values_are_exact_and_raise_no_flag(name: str, dtype: np.dtype[Any]):
    x = np.array([a for a, _ in SPECIAL[name]], dtype=dtype)
    expected = np.array([b for _, b in SPECIAL[name]], dtype=dtype)
    # The flags NumPy reports by default; underflow (ignored by default) is raised by exp(-inf)
    # as by exp(-1000), in these kernels as in NumPy.
    with np.errstate(invalid="raise", divide="raise", over="raise"):
        computed = FUNCTIONS[name][0](x)
    same = (computed == expected) & (np.signbit(computed) == np.signbit(expected))
    assert np.all(same | (np.isnan(computed) & np.isnan(expected))), list(zip(x, computed, strict=True))


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_no_invalid_divide_or_overflow_flag_anywhere(name: str, dtype: np.dtype[Any]):
    x = np.concatenate([sample(name, dtype), np.array([np.nan, np.inf, -np.inf, -2.0], dtype=dtype)])
    with np.errstate(invalid="raise", divide="raise", over="raise"):
        FUNCTIONS[name][0](x)


def test_the_float_functions_are_the_double_ones_rounded_once():
    x = sample("exp", np.dtype(np.float32))
    for name in FUNCTIONS:
        fn = FUNCTIONS[name][0]
        xs = x[x > -1] if name == "log1p" else x
        with np.errstate(over="ignore"):  # the float64 -> float32 cast overflows where float32 does
            assert np.array_equal(fn(xs), fn(xs.astype(np.float64)).astype(np.float32), equal_nan=True)


def test_the_coefficients_are_reproduced_by_their_script():
    # The fast fits (about four seconds); `python benchmarks/kernel_coefficients.py --check` checks all.
    done = subprocess.run(
        [
            *[sys.executable, str(ROOT / "benchmarks" / "kernel_coefficients.py"), "--check", "--only"],
            *["expm1q_d", "expm1q_df", "log1pt_d", "erfcd_df", "erfcy_df"],
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_the_dispatch_target_is_named():
    assert ufuncs.TARGET in ufuncs.TARGETS
    if ufuncs.TARGETS != ("single",):
        assert ufuncs.TARGETS == ("x86-64-v4", "x86-64-v3", "default")
        assert (ufuncs.TARGET != "default") == ufuncs.FAST_FMA


def _cuda_source() -> tuple[str, tuple[str, ...]]:
    """Every kernel as the body of a CuPy ElementwiseKernel would be compiled, and CuPy's options."""
    parts = [compiled.cuda_preamble()]
    options: tuple[str, ...] = ()
    for name in compiled._ufunc_arity():
        for dtype in ("float32", "float64"):
            k = compiled.cuda_kernel(name, dtype)
            options = k.options
            ctype = {"float32": "float", "float64": "double"}[dtype]
            names = [p.split()[1] for p in k.in_params.split(", ")]
            pointers = ", ".join(f"const {ctype} *p_{n}" for n in names)
            loads = " ".join(f"const {ctype} {n} = p_{n}[i];" for n in names)
            parts.append(
                f'extern "C" __global__ void {k.name}({pointers}, {ctype} *p_y, int size) {{\n'
                f"    int i = blockIdx.x * blockDim.x + threadIdx.x;\n"
                f"    if (i < size) {{ {loads} {ctype} y; {k.operation}; p_y[i] = y; }}\n}}"
            )
    return "\n".join(parts), options


def _check_ptx(ptx: str) -> None:
    assert ptx.count(".entry") == 2 * len(compiled._ufunc_arity())
    assert "call" not in ptx  # no libdevice function
    assert ".approx" not in ptx  # no approximate division
    assert ".ftz" not in ptx  # subnormals kept


@pytest.mark.skipif(shutil.which("nvcc") is None, reason="nvcc (CUDA) is not installed")
def test_the_kernels_compile_as_cuda(tmp_path: Path):
    """Every kernel, compiled by nvcc to PTX for sm_90."""
    text, options = _cuda_source()
    source = tmp_path / "kernels.cu"
    source.write_text(text)
    done = subprocess.run(
        ["nvcc", "-ptx", "-arch=sm_90", *options, str(source), "-o", str(tmp_path / "kernels.ptx")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    _check_ptx((tmp_path / "kernels.ptx").read_text())


def _nvrtc() -> Any:
    """NVRTC, the compiler CuPy's ElementwiseKernel uses (no GPU needed), or None."""
    import ctypes
    import ctypes.util

    candidates = []
    try:
        import nvidia.cuda_nvrtc  # the nvidia-cuda-nvrtc-cu12 wheel

        candidates += sorted(Path(next(iter(nvidia.cuda_nvrtc.__path__))).glob("lib/libnvrtc.so*"))
    except ImportError:
        pass
    found = ctypes.util.find_library("nvrtc")
    candidates += [Path(found)] if found else []
    for candidate in candidates:
        try:
            return ctypes.CDLL(str(candidate))
        except OSError:
            continue
    return None


def _nvrtc_ptx(lib: Any, source: str, options: tuple[str, ...]) -> str:
    import ctypes

    program = ctypes.c_void_p()
    assert lib.nvrtcCreateProgram(ctypes.byref(program), source.encode(), b"kernels.cu", 0, None, None) == 0
    flags = [b"--gpu-architecture=compute_90", *(o.encode() for o in options)]
    status = lib.nvrtcCompileProgram(program, len(flags), (ctypes.c_char_p * len(flags))(*flags))
    size = ctypes.c_size_t()
    lib.nvrtcGetProgramLogSize(program, ctypes.byref(size))
    log = ctypes.create_string_buffer(size.value)
    lib.nvrtcGetProgramLog(program, log)
    assert status == 0, log.value.decode()
    lib.nvrtcGetPTXSize(program, ctypes.byref(size))
    ptx = ctypes.create_string_buffer(size.value)
    lib.nvrtcGetPTX(program, ptx)
    lib.nvrtcDestroyProgram(ctypes.byref(program))
    return ptx.value.decode()


@pytest.mark.skipif(_nvrtc() is None, reason="NVRTC is not installed (pip install nvidia-cuda-nvrtc-cu12)")
def test_the_kernels_compile_with_nvrtc_as_cupy_compiles_them():
    """Every kernel through NVRTC with CuPy's options, in C++11 and 17; --fmad=false is honoured."""
    lib = _nvrtc()
    text, options = _cuda_source()
    assert options == ("--fmad=false",)
    ptx = _nvrtc_ptx(lib, text, options)
    _check_ptx(ptx)
    # CuPy before 14 adds --std=c++11 (no hexadecimal floating literals: cuda_preamble writes decimals).
    _check_ptx(_nvrtc_ptx(lib, text, (*options, "--std=c++11")))
    # Without the option NVRTC contracts a*b+c into more fma instructions: the option is what keeps
    # the GPU's roundings those of the CPU build (-ffp-contract=off).
    contracted = _nvrtc_ptx(lib, text, ())
    assert ptx.count("fma.rn") < contracted.count("fma.rn")
