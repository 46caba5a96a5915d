"""Measure the classic claims about activations: sparsity, bias shift, vanishing gradients, speed, dead units.

Each claim of the ReLU-versus-sigmoid-versus-tanh comparison becomes a number
that any registered activation (bundled or third-party) can be measured by,
through the `Activation` contract alone (``forward``, ``derivative`` and
``backward``; never the name):

* `output_stats`: on x ~ N(0, 1) (or an input of your choice), the sparsity
  (fraction of exact zeros), the mean output (the bias shift handed to the next
  layer; 0 means zero-centred), the standard deviation, the mean and maximum
  of :math:`|f'(x)|` and the fraction of inputs with f'(x) = 0;
* `gradient_flow`: the gradient norm of a loss at every hidden layer of a deep
  network at initialisation, and the ratio first / last (vanishing gradients
  when far below 1);
* `train`: a multilayer perceptron trained with mini-batch SGD on the 8x8
  handwritten digits that ship with the package; the test accuracy per epoch,
  the first epoch that reaches a target accuracy (convergence speed) and the
  fraction of dead hidden units at the end;
* `compare`: all three for several activations, as a `Comparison` report
  with ``to_markdown()``, ``to_dict()`` and ``plot(path)``; with ``seeds=``,
  once per seed as dask tasks (local processes or a cluster), reporting the
  mean and spread across seeds.

The rest of the article's claims have measurements of their own:

* `relative_cost`: forward plus backward time relative to ReLU, timed side
  by side;
* `nonlinearity`: the test accuracy of the same network with the activation
  and with the identity, on two spirals and on the digits;
* `kink_hits`: the pre-activations that land exactly on a kink in training,
  and the same run with the other one-sided derivative there;
* `saturation`: f' at 1, 10 and 100 standard deviations on each side, and
  where it tends to 0;
* `collapsed_input` (and `collapsed_mass`): the mass of N(0, 1) where f is
  constant, and the accuracy a linear probe loses reading f;
* `fact_check`: all of these and ``compare``'s, and a verdict on each of the
  ten `CLAIMS` by rules written in code (`judge`), as a `FactCheck` report.

`output_stats` also measures a dask array, lazily and in one pass with
bounded memory (the ``dask`` extra; see docs/dask.md).

Everything is NumPy, float64 and seeded: the same call gives bit-identical
numbers on the same machine (NumPy and BLAS build). Every activation gets the
same inputs, the same initial weights and the same mini-batches. The
defaults are collected in `Settings`. Plotting needs matplotlib (the ``plot``
extra), imported only by ``Comparison.plot``.

Examples
--------
>>> from activations import analysis
>>> stats = analysis.output_stats("relu")
>>> round(stats.sparsity, 2), round(stats.max_gradient, 2)
(0.5, 1.0)
"""

from ._claims import CLAIMS, Claim, Measurements, Verdict, judge
from ._collapse import CollapsedInput, collapsed_input, collapsed_mass
from ._compare import compare
from ._cost import Cost, relative_cost
from ._digits import load_digits
from ._factcheck import FactCheck, fact_check
from ._gradient_flow import GradientFlow, gradient_flow
from ._kinks import KinkHits, kink_hits
from ._nonlinearity import NonLinearity, nonlinearity
from ._plots import figure_format, plot_curves
from ._report import ActivationReport, Comparison
from ._saturation import Saturation, saturation
from ._settings import Settings
from ._statistics import OutputStats, output_stats
from ._training import TrainingResult, train

__all__ = [
    "ActivationReport",
    "CLAIMS",
    "Claim",
    "CollapsedInput",
    "Comparison",
    "Cost",
    "FactCheck",
    "GradientFlow",
    "KinkHits",
    "Measurements",
    "NonLinearity",
    "OutputStats",
    "Saturation",
    "Settings",
    "TrainingResult",
    "Verdict",
    "collapsed_input",
    "collapsed_mass",
    "compare",
    "fact_check",
    "figure_format",
    "gradient_flow",
    "judge",
    "kink_hits",
    "load_digits",
    "nonlinearity",
    "output_stats",
    "plot_curves",
    "relative_cost",
    "saturation",
    "train",
]

for _name in __all__:  # the public classes and functions report the package as their module, as NumPy's do
    if callable(globals()[_name]):
        globals()[_name].__module__ = __name__
del _name
