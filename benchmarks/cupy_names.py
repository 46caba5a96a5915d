"""Regenerate activations/testing/_cupy_names.py: the names CuPy's NumPy dispatch can find.

CuPy answers ``np.some_ufunc(cupy_array)`` and ``np.some_function(cupy_array)``
by looking the NumPy object's name up in its own namespaces (``cupy``, and for
SciPy's special functions ``cupyx.scipy.special``); a name it lacks is a
TypeError on the GPU. The stand-in (`activations.testing.StandInArray`)
refuses the same names, so this script reads them from a CuPy source checkout:
every name that ``cupy/__init__.py`` and ``cupyx/scipy/special/__init__.py``
import, define or assign at module level, public ones only.

    python benchmarks/cupy_names.py /path/to/cupy/checkout > activations/testing/_cupy_names.py

The checkout's ``cupy/_version.py`` gives the version recorded in the file.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path


def public_names(path: Path) -> set[str]:
    """Names bound at the top level of a module's source (imports, defs, assignments), public ones."""
    names: set[str] = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.ImportFrom | ast.Import):
            names.update(alias.asname or alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return {name for name in names if not name.startswith("_")}


def version(root: Path) -> str:
    tree = ast.parse((root / "cupy" / "_version.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "__version__" for t in node.targets):
            return str(ast.literal_eval(node.value))
    raise SystemExit("no __version__ in cupy/_version.py")


def render(root: Path) -> str:
    cupy = sorted(public_names(root / "cupy" / "__init__.py"))
    special = sorted(public_names(root / "cupyx" / "scipy" / "special" / "__init__.py"))

    def block(names: list[str]) -> str:
        return "\n".join(f"        {name!r}," for name in names)

    return f'''"""The names CuPy {version(root)} provides for NumPy's dispatch: generated, do not edit.

Regenerate with ``python benchmarks/cupy_names.py CUPY_CHECKOUT``. `StandInArray`
refuses a NumPy ufunc or function whose name is not here, as CuPy does.

Examples
--------
>>> from activations.testing._cupy_names import CUPY, CUPYX_SCIPY_SPECIAL
>>> "tanh" in CUPY, "spacing" in CUPY, "erfcx" in CUPYX_SCIPY_SPECIAL
(True, False, True)
"""

CUPY_VERSION = {version(root)!r}

#: Names in the ``cupy`` namespace.
CUPY = frozenset(
    {{
{block(cupy)}
    }}
)

#: Names in ``cupyx.scipy.special``.
CUPYX_SCIPY_SPECIAL = frozenset(
    {{
{block(special)}
    }}
)
'''


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: python benchmarks/cupy_names.py CUPY_CHECKOUT")
    sys.stdout.write(render(Path(sys.argv[1])))
