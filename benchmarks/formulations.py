"""Candidate NumPy formulations against the ones the plugins use, and against the floors.

Not a table of the catalogue (that is ``speed.py``): evidence for choosing
how to write an activation. Each group times, interleaved in one run, the
formula a plugin uses today, cheaper formulas of the same accuracy, the
memory floors and (when installed) PyTorch on one thread. Values in
brackets name what the bundled plugin did when this script was written.

    python benchmarks/formulations.py                   # every group, N = 1e5 and 1e7
    python benchmarks/formulations.py relu elu --sizes 1e5
    python benchmarks/formulations.py --quick           # seconds (CI)

Findings that motivated it (2-core AMD EPYC, NumPy 2.4, N = 1e5):

* ``np.maximum(x, 0)`` with a scalar has no SIMD loop; ``np.clip(x, 0, inf)``
  does, and is 2-2.5x faster (and keeps NaN). ``np.clip`` is a Python
  wrapper (about 1.5 us a call) around the clip ufunc, which the plugins call
  directly (``activations.numerics.clip``).
* A step [x > 0] that keeps NaN is cheapest as ``ceil(clip(x, 0, 1))``: two
  vectorised passes, no cast of a boolean mask and no NaN scan.
* ``np.heaviside`` is not vectorised (about 60x the copy floor), and
  ``np.copyto(r, x, where=x > 0)`` or ``np.where`` on random signs costs
  about 4-5 ns per element; branch-free arithmetic (``max(x, 0) + ...``,
  ``maximum(x, a x)``, a comparison cast to float) is several times faster.
* ``scipy.special.expit``, ``log_expit``, ``np.logaddexp`` and ``ndtr`` are
  scalar loops (3-20 ns per element); chains of vectorised ufuncs
  (``exp``, ``log1p``, ``tanh``, ``cosh``) beat them.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

import numpy as np

from activations import bench
from activations.numerics import clip

Thunk = Callable[[], object]
Group = Callable[[Any, Any, Any, Any], dict[str, Thunk]]


def _torch() -> Any:
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    return torch


TORCH = None  # set in main


def relu(x: Any, g: Any, o: Any, t: Any) -> dict[str, Thunk]:
    mask = np.empty(x.shape, bool)
    zero = t(0)

    def bwd_heaviside() -> object:
        return np.multiply(np.heaviside(x, zero, out=o), g, out=o)

    def bwd_indicator() -> object:  # activations/numerics.py: mask, cast, copy the NaNs, then * g
        np.greater(x, zero, out=mask)
        np.copyto(o, mask)
        np.copyto(o, x, where=np.isnan(x))
        return np.multiply(o, g, out=o)

    def bwd_greater_float() -> object:  # the comparison written straight into a float array
        np.greater(x, zero, out=o)
        np.copyto(o, x, where=np.isnan(x))
        return np.multiply(o, g, out=o)

    def bwd_ceil_clip() -> object:  # plugins/relu.py now: ceil(clip(x, 0, 1)) * g
        clip(x, zero, one, out=o)
        np.ceil(o, out=o)
        return np.multiply(o, g, out=o)

    one = t(1)
    cases: dict[str, Thunk] = {
        "fwd np.maximum(x, 0) [relu.py]": lambda: np.maximum(x, zero, out=o),
        "fwd clip ufunc(x, 0, inf) [relu.py now]": lambda: clip(x, zero, t(np.inf), out=o),
        "fwd np.clip(x, 0, inf)": lambda: np.clip(x, zero, t(np.inf), out=o),
        "fwd np.maximum(x, zeros_like(x))": lambda: np.maximum(x, np.zeros_like(x), out=o),
        "bwd heaviside(x, 0) * g [relu.py]": bwd_heaviside,
        "bwd indicator * g [numerics]": bwd_indicator,
        "bwd greater(x, 0, out=float) * g": bwd_greater_float,
        "bwd ceil(clip(x, 0, 1)) * g [relu.py now]": bwd_ceil_clip,
    }
    if TORCH is not None:
        xt, gt, ot = (TORCH.from_numpy(a) for a in (x, g, o))
        yt = TORCH.relu(xt)
        cases["fwd torch clamp_min"] = lambda: TORCH.clamp_min(xt, 0, out=ot)
        cases["bwd torch threshold_backward"] = lambda: TORCH.ops.aten.threshold_backward.grad_input(
            gt, yt, 0, grad_input=ot
        )
    return cases


def leaky_relu(x: Any, g: Any, o: Any, t: Any) -> dict[str, Thunk]:
    a = t(0.01)

    def fwd_where() -> object:
        r = np.multiply(x, a, out=o)
        np.copyto(r, x, where=x >= 0)
        return r

    def fwd_max() -> object:  # exact for 0 <= a <= 1; NaN propagates
        return np.maximum(x, np.multiply(x, a, out=o), out=o)

    cases: dict[str, Thunk] = {
        "fwd a x, copyto(where=x >= 0) [relu.py]": fwd_where,
        "fwd maximum(x, a x)": fwd_max,
    }
    if TORCH is not None:
        xt, ot = TORCH.from_numpy(x), TORCH.from_numpy(o)
        cases["fwd torch leaky_relu"] = lambda: TORCH._C._nn.leaky_relu(xt, 0.01, out=ot)
    return cases


def elu(x: Any, g: Any, o: Any, t: Any) -> dict[str, Thunk]:
    zero = t(0)

    def fwd_where() -> object:
        r = np.minimum(x, zero, out=o)
        np.expm1(r, out=r)
        np.copyto(r, x, where=x > 0)
        return r

    def fwd_arith() -> object:  # expm1(min(x, 0)) + max(x, 0): exact on both sides, NaN propagates
        r = np.minimum(x, zero, out=o)
        np.expm1(r, out=r)
        r += np.clip(x, zero, t(np.inf))
        return r

    def bwd_where() -> object:
        r = np.minimum(x, zero, out=o)
        np.exp(r, out=r)
        np.copyto(r, t(1), where=x > 0)
        return np.multiply(r, g, out=r)

    def bwd_arith() -> object:  # alpha = 1: exp(min(x, 0)) is already 1 for x >= 0
        r = np.minimum(x, zero, out=o)
        np.exp(r, out=r)
        return np.multiply(r, g, out=r)

    cases: dict[str, Thunk] = {
        "fwd expm1(min(x, 0)), copyto(where) [elu.py]": fwd_where,
        "fwd expm1(min(x, 0)) + clip(x, 0, inf)": fwd_arith,
        "bwd exp(min(x, 0)), copyto(where) * g [elu.py]": bwd_where,
        "bwd exp(min(x, 0)) * g (alpha = 1)": bwd_arith,
    }
    if TORCH is not None:
        xt, gt, ot = (TORCH.from_numpy(a) for a in (x, g, o))
        cases["fwd torch elu"] = lambda: TORCH._C._nn.elu(xt, 1.0, 1.0, 1.0, out=ot)
        cases["bwd torch elu_backward"] = lambda: TORCH.ops.aten.elu_backward.grad_input(
            gt, 1.0, 1.0, 1.0, False, xt, grad_input=ot
        )
    return cases


def sigmoid(x: Any, g: Any, o: Any, t: Any) -> dict[str, Thunk]:
    from scipy.special import expit

    one = t(1)

    def fwd_ours() -> object:  # max(e, [x >= 0]) / (1 + e), e = exp(-|x|)
        e = np.abs(x)
        np.negative(e, out=e)
        np.exp(e, out=e)
        num = np.maximum(e, x >= 0, out=o)
        np.add(e, one, out=e)
        return np.divide(num, e, out=num)

    def bwd_ours() -> object:  # e / (1 + e)^2 with two divides
        e = np.abs(x, out=o)
        np.negative(e, out=e)
        np.exp(e, out=e)
        d = np.add(e, one)
        np.divide(e, d, out=e)
        np.divide(e, d, out=e)
        return np.multiply(e, g, out=e)

    def bwd_sech() -> object:  # sigmoid'(x) = sech(x / 2)^2 / 4; cosh cannot overflow once clipped
        c = np.clip(x, t(-80), t(80), out=o)
        np.multiply(c, t(0.5), out=c)
        np.cosh(c, out=c)
        np.reciprocal(c, out=c)
        np.multiply(c, c, out=c)
        np.multiply(c, t(0.25), out=c)
        return np.multiply(c, g, out=c)

    cases: dict[str, Thunk] = {
        "fwd max(e, x >= 0) / (1 + e) [sigmoid.py]": fwd_ours,
        "fwd scipy.special.expit": lambda: expit(x, out=o),
        "bwd e / (1 + e)^2 * g [sigmoid.py]": bwd_ours,
        "bwd sech(x/2)^2 / 4 * g (clipped)": bwd_sech,
    }
    if TORCH is not None:
        xt, gt, ot = (TORCH.from_numpy(a) for a in (x, g, o))
        yt = TORCH.sigmoid(xt)
        cases["fwd torch sigmoid"] = lambda: TORCH.sigmoid(xt, out=ot)
        cases["bwd torch sigmoid_backward"] = lambda: TORCH.ops.aten.sigmoid_backward.grad_input(
            gt, yt, grad_input=ot
        )
    return cases


def tanh(x: Any, g: Any, o: Any, t: Any) -> dict[str, Thunk]:
    def bwd_ours() -> object:  # 4 e / (1 + e)^2, e = exp(-2|x|)
        e = np.abs(x, out=o)
        np.minimum(e, t(1000), out=e)
        np.multiply(e, t(-2), out=e)
        np.exp(e, out=e)
        d = np.add(e, t(1))
        np.multiply(e, t(4), out=e)
        np.divide(e, d, out=e)
        np.divide(e, d, out=e)
        return np.multiply(e, g, out=e)

    def bwd_sech() -> object:  # (1 / cosh(x))^2 * g; clipped so cosh cannot overflow
        limit = t(80 if x.dtype == np.float32 else 700)
        c = np.clip(x, -limit, limit, out=o)
        np.cosh(c, out=c)
        np.reciprocal(c, out=c)
        np.multiply(c, c, out=c)
        return np.multiply(c, g, out=c)

    cases: dict[str, Thunk] = {
        "fwd np.tanh [tanh.py]": lambda: np.tanh(x, out=o),
        "bwd 4e / (1 + e)^2 * g [tanh.py]": bwd_ours,
        "bwd (1 / cosh(clip(x)))^2 * g": bwd_sech,
    }
    if TORCH is not None:
        xt, gt, ot = (TORCH.from_numpy(a) for a in (x, g, o))
        yt = TORCH.tanh(xt)
        cases["fwd torch tanh"] = lambda: TORCH.tanh(xt, out=ot)
        cases["bwd torch tanh_backward"] = lambda: TORCH.ops.aten.tanh_backward.grad_input(
            gt, yt, grad_input=ot
        )
    return cases


def softplus(x: Any, g: Any, o: Any, t: Any) -> dict[str, Thunk]:
    from scipy.special import log_expit

    def fwd_log1p() -> object:  # max(x, 0) + log1p(exp(-|x|)): vectorised ufuncs only
        e = np.abs(x, out=o)
        np.negative(e, out=e)
        np.exp(e, out=e)
        np.log1p(e, out=e)
        e += np.clip(x, t(0), t(np.inf))
        return e

    cases: dict[str, Thunk] = {
        "fwd np.logaddexp(x, 0)": lambda: np.logaddexp(x, t(0), out=o),
        "fwd -log_expit(-x)": lambda: np.negative(log_expit(np.negative(x, out=o), out=o), out=o),
        "fwd max(x, 0) + log1p(exp(-|x|))": fwd_log1p,
    }
    if TORCH is not None:
        xt, ot = TORCH.from_numpy(x), TORCH.from_numpy(o)
        cases["fwd torch softplus"] = lambda: TORCH._C._nn.softplus(xt, 1, 20, out=ot)
    return cases


def transcendental(x: Any, g: Any, o: Any, t: Any) -> dict[str, Thunk]:
    from scipy.special import erfc, expit, ndtr

    return {
        "np.exp": lambda: np.exp(x, out=o),
        "np.expm1": lambda: np.expm1(x, out=o),
        "np.log1p(|x|)": lambda: np.log1p(np.abs(x, out=o), out=o),
        "np.tanh": lambda: np.tanh(x, out=o),
        "np.cosh": lambda: np.cosh(x, out=o),
        "scipy expit": lambda: expit(x, out=o),
        "scipy ndtr": lambda: ndtr(x, out=o),
        "scipy erfc": lambda: erfc(x, out=o),
    }


GROUPS: dict[str, Group] = {
    "relu": relu,
    "leaky_relu": leaky_relu,
    "elu": elu,
    "sigmoid": sigmoid,
    "tanh": tanh,
    "softplus": softplus,
    "transcendental": transcendental,
}


def main(argv: list[str] | None = None) -> int:
    global TORCH
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("groups", nargs="*", metavar="GROUP", help="default: all of " + ", ".join(GROUPS))
    parser.add_argument("--sizes", nargs="+", metavar="N", help="default 1e5 1e7 (quick: 1e3)")
    parser.add_argument("--quick", action="store_true", help="tiny size, two rounds (CI)")
    args = parser.parse_args(argv)
    unknown = [name for name in args.groups if name not in GROUPS]
    if unknown:
        parser.error(f"unknown group {unknown[0]!r}; choose from {', '.join(GROUPS)}")
    TORCH = _torch()
    quick = bench.Settings(rounds=2, min_time=0.0005)
    settings = quick if args.quick else bench.Settings(rounds=9, min_time=0.01)
    sizes = [bench.parse_size(s) for s in (args.sizes or (["1e3"] if args.quick else ["1e5", "1e7"]))]
    info = bench.machine(extra=("scipy", "torch"))
    versions = ", ".join(f"{k} {v}" for k, v in info["versions"].items() if v)
    print(f"# {info['cpu']}, {info['cores']} cores; {versions}; {info['date']}")
    print(f"# {settings.rounds} interleaved rounds of process CPU time; x floor = median of per-round ratios")
    for name in args.groups or list(GROUPS):
        for size in sizes:
            for dtype in ("float32", "float64"):
                x, g = bench.make_inputs(size, dtype)
                o = np.empty_like(x)
                cases: dict[str, Thunk] = {
                    "floor np.copyto(o, x)": lambda x=x, o=o: np.copyto(o, x),
                    "floor np.multiply(g, x, out=o)": lambda x=x, g=g, o=o: np.multiply(g, x, out=o),
                }
                cases.update(GROUPS[name](x, g, o, x.dtype.type))
                samples = bench.interleave(cases, settings)
                print(f"\n{name}, N = {size:g}, {dtype}")
                for case in cases:
                    ns = samples.median(case) / size * 1e9
                    ratio = samples.ratio(case, "floor np.copyto(o, x)")
                    print(f"  {case:48s} {ns:9.3f} ns/el  {ratio:7.2f}x copy floor")
    return 0


if __name__ == "__main__":
    sys.exit(main())
