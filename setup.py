"""The optional C extension ``activations.plugins._ufuncs`` (everything else is in pyproject.toml).

The compiled kernels are an accelerator, not a dependency: where no C compiler
works (or one cannot build them), the build prints one message (pip shows a
build's output with ``-v``) and installs the package without them, and the
plugins use their NumPy formulas (``activations.plugins.compiled``;
``activations info NAME`` says which path computes).

Flags: ``-std=c11`` and ``-ffp-contract=off`` keep every floating-point
operation a single IEEE operation (no FMA contraction), so all target clones,
and CuPy's NVRTC build with ``--fmad=false``, compute bitwise the same results;
``-fno-math-errno`` lets sqrt-free, libm-free kernels vectorise;
``-ftrapping-math`` (GCC's default, stated) keeps GCC from moving operations
that raise flags; never ``-ffast-math``, which would break NaN, infinities,
signed zeros and subnormals (``-fno-fast-math`` last, against inherited CFLAGS).
"""

from __future__ import annotations

import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

CSRC = "plugins/csrc"
UNIX_FLAGS = [
    "-O3",
    "-std=c11",
    "-ffp-contract=off",
    "-fno-math-errno",
    "-ftrapping-math",
    "-fno-fast-math",
    "-g0",  # Python's CFLAGS carry -g: debug information made the extension 13 MB
    "-Wall",
    "-Wextra",
]
MESSAGE = (
    "\n*** pluggable-activations: the compiled kernels were not built ({reason}).\n"
    "*** the NumPy formulas will be used (same results, slower); 'activations info relu' shows the path.\n"
)


class OptionalBuildExt(build_ext):
    """build_ext that adds NumPy's headers and, if compiling fails, says so once and goes on."""

    def finalize_options(self) -> None:
        """Add NumPy's include directory (numpy is a build requirement)."""
        super().finalize_options()
        import numpy

        self.include_dirs.append(numpy.get_include())

    def build_extension(self, ext: Extension) -> None:
        """Build ``ext``; if it is optional and the compiler fails, print one message and go on."""
        if self.compiler.compiler_type == "msvc":
            ext.extra_compile_args = ["/O2", "/fp:precise"]
        try:
            super().build_extension(ext)
        except Exception as error:  # CompileError, LinkError, a missing compiler (OSError) ...
            if not ext.optional:
                raise
            reason = str(error).strip().splitlines()[-1] if str(error).strip() else type(error).__name__
            print(MESSAGE.format(reason=reason), file=sys.stderr)


setup(
    ext_modules=[
        Extension(
            "activations.plugins._ufuncs",
            sources=[f"{CSRC}/ufuncs.c"],
            depends=[f"{CSRC}/elementary.h", f"{CSRC}/kernels.h", f"{CSRC}/coefficients.h"],
            extra_compile_args=UNIX_FLAGS,
            optional=True,
        )
    ],
    cmdclass={"build_ext": OptionalBuildExt},
)
