"""The README's comparison table is the current output of the command it quotes."""

import pathlib

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
