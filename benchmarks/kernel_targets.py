"""The target clones compute bitwise the same results: build each one alone and compare.

The installed extension dispatches to one of three clones (x86-64-v4,
x86-64-v3, the x86-64 baseline) chosen by the CPU; which one runs cannot be
forced. This script compiles ``plugins/csrc/ufuncs.c`` once per target with
the flags of setup.py, ``-DAK_NO_CLONES`` and that ``-march``, loads each
build in its own process, runs every ufunc on a fixed sample (special values,
subnormals, every binade, the parameters of the tests) and compares the bits
of all the results with the installed build's. It needs a C compiler, NumPy's
headers and a CPU that runs every target (about two minutes of compiling).

    python benchmarks/kernel_targets.py
"""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
FLAGS = ["-O3", "-std=c11", "-ffp-contract=off", "-fno-math-errno", "-ftrapping-math", "-fno-fast-math"]
TARGETS = ["x86-64-v4", "x86-64-v3", "x86-64"]

PROBE = r"""
import hashlib, importlib.util, sys
import numpy as np
path = sys.argv[1]
if path == "installed":
    import activations.plugins._ufuncs as u
else:
    spec = importlib.util.spec_from_file_location("_ufuncs", path)
    u = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(u)
rng = np.random.default_rng(11)
digest = hashlib.sha256()
for dtype in (np.float32, np.float64):
    info = np.finfo(dtype)
    special = [np.nan, np.inf, -np.inf, 0.0, -0.0]
    special += [float(v) for v in (info.smallest_subnormal, info.tiny, info.max)]
    bits = rng.integers(0, 2 ** (8 * np.dtype(dtype).itemsize), 200_000, dtype=np.uint64)
    wide = bits.astype(np.uint32 if dtype == np.float32 else np.uint64).view(dtype)
    dense = rng.uniform(-40, 40, 200_000)
    x = np.concatenate([np.array(special + [-v for v in special]), wide, dense]).astype(dtype)
    g = rng.standard_normal(x.size).astype(dtype)
    params = {1: [()], 2: [(0.5,), (1.0,), (2.0,), (-2.0,)], 3: [(-1.0, 2.0), (1.0, -1.0), (0.0, 0.0)]}
    for name in sorted(n for n in dir(u) if not n.startswith("__") and isinstance(getattr(u, n), np.ufunc)):
        f = getattr(u, name)
        backward = "backward" in name
        extra = f.nin - (2 if backward else 1)
        for p in params[extra + 1]:
            args = [x, g] if backward else [x]
            with np.errstate(all="ignore"):
                y = f(*args, *(dtype(v) for v in p))
            digest.update(name.encode() + repr(p).encode() + np.ascontiguousarray(y).tobytes())
print(digest.hexdigest())
"""


def build(target: str, directory: Path) -> Path:
    """ufuncs.c compiled for one -march, without clones; the path of the module."""
    numpy_include = np.get_include()
    python_include = sysconfig.get_paths()["include"]
    out = directory / f"_ufuncs{sysconfig.get_config_var('EXT_SUFFIX')}"
    command = ["gcc", *FLAGS, f"-march={target}", "-DAK_NO_CLONES", "-fPIC", "-shared"]
    command += [f"-I{numpy_include}", f"-I{python_include}", str(ROOT / "plugins" / "csrc" / "ufuncs.c")]
    subprocess.run([*command, "-o", str(out)], check=True)
    return out


def fingerprint(path: str) -> str:
    done = subprocess.run([sys.executable, "-c", PROBE, path], capture_output=True, text=True, check=True)
    return done.stdout.strip()


def main() -> int:
    results = {"installed (target_clones)": fingerprint("installed")}
    with tempfile.TemporaryDirectory() as tmp:
        for target in TARGETS:
            directory = Path(tmp) / target
            directory.mkdir()
            results[f"-march={target}"] = fingerprint(str(build(target, directory)))
    for label, digest in results.items():
        print(f"{digest[:16]}  {label}")
    same = len(set(results.values())) == 1
    print("bitwise identical" if same else "DIFFERENT")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
