"""docs/accuracy.md holds the output of benchmarks/accuracy.py for every case the harness measures."""

import pathlib
import re

from accuracy_tools import CASES

PAGE = pathlib.Path(__file__).resolve().parents[1] / "docs" / "accuracy.md"


def _rows():
    return [
        line for line in PAGE.read_text().splitlines() if re.match(r"\| `[^`]+` \| float(32|64) \|", line)
    ]


def test_every_case_and_dtype_has_a_row():
    listed = {tuple(cell.strip().strip("`") for cell in row.split("|")[1:3]) for row in _rows()}
    expected = {(case.spec, dtype) for case in CASES for dtype in ("float32", "float64")}
    assert expected - listed == set(), "regenerate the table: python benchmarks/accuracy.py"


def test_every_row_of_ours_passes():
    assert all(row.split("|")[7].strip() == "pass" for row in _rows())
