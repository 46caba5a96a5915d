"""The README's tables are the current output of the commands they quote."""

import pathlib
import re

from activations.cli import main

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"


def test_readme_table_is_the_output_of_activations_compare(capsys):
    assert main(["compare", "relu", "sigmoid", "tanh"]) == 0
    table = capsys.readouterr().out.split("\n\n")[0].strip()
    assert table.startswith("| activation | sparsity |")
    assert table in README.read_text()


def test_readme_figure_exists():
    assert "](docs/comparison.png)" in README.read_text()
    assert (README.parent / "docs" / "comparison.png").stat().st_size > 10_000


def _rows(table):
    return [[cell.strip() for cell in line.strip().strip("|").split(" | ")] for line in table.splitlines()]


def test_readme_verdicts_are_the_output_of_activations_claims(capsys):
    assert main(["claims"]) == 0
    table = capsys.readouterr().out.split("\n\n")[0].strip()
    marker = "<!-- claims-table: the output of `activations claims`, checked by tests/test_readme.py -->\n"
    text = README.read_text()
    assert marker in text
    quoted = text.split(marker)[1].split("\n\n")[0].strip()
    ours, theirs = _rows(table), _rows(quoted)
    assert ours[0] == ["claim", "relu", "sigmoid", "tanh", "verdict", "why"]
    assert len(ours) == len(theirs) == 12
    # Every cell is seeded and must match, but the cost's: a ratio of times, measured anew.
    cost = 2
    assert ours[:cost] + ours[cost + 1 :] == theirs[:cost] + theirs[cost + 1 :]
    assert ours[cost][0] == theirs[cost][0]
    assert ours[cost][-2] == theirs[cost][-2] == "**holds**"
    for row in (ours[cost], theirs[cost]):
        assert re.fullmatch(r"1\.00x \d+\.\d\dx \d+\.\d\dx", " ".join(row[1:4])), row
