"""The conformance kit: check that an activation keeps the contract and its declared properties.

For plugin authors, modelled on scikit-learn's ``check_estimator``: run every
check on an activation with `check_activation`, or get one pytest test per
check per activation with `parametrize_with_checks`::

    from activations.testing import parametrize_with_checks

    @parametrize_with_checks(["my_activation", "my_activation(alpha=2.0)"])
    def test_conformance(activation, check):
        check(activation)

Each check is also a function of its own (`check_contract`, `check_dtypes` ...,
listed in `CHECKS`) that raises an `AssertionError` naming the check, the
activation, the input, and what was expected and got. Checks test the
activation as users hold it (through `activations.get`), so the core's input
policy is part of what is checked, and they are numerical: each docstring
says what its grid proves and what it cannot see. The same kit runs from the
command line (``activations check NAME``) and inside any pytest run
(``pytest --activations-check=NAME``). The adapter checks
(`check_torch_adapter`, `check_jax_adapter`) test the activation through
`activations.torch` and `activations.jax`; they are not in `CHECKS`, and
run with ``check_activation(..., frameworks=("torch", "jax"))`` or
``activations check NAME --framework torch``.

>>> from activations.testing import check_activation
>>> print(check_activation("leaky_relu(negative_slope=0.2)", checks=["check_kinks", "check_monotonic"]))
leaky_relu(negative_slope=0.2): 2 of 2 checks passed
  pass  check_kinks
  pass  check_monotonic

Importing this package imports nothing else: each public name is imported on
first use, so that the pytest plugin (``activations.testing.pytest_plugin``,
which pytest loads in every run where the package is installed) costs nothing
until it is used.
"""

from typing import TYPE_CHECKING

from .._lazy import attach

__all__ = [
    "CHECKS",
    "DEFAULT_DTYPES",
    "CheckReport",
    "CheckResult",
    "StandInArray",
    "check_activation",
    "check_backward_finite_differences",
    "check_backward_matches_derivative",
    "check_contract",
    "check_dtypes",
    "check_identity_near_origin",
    "check_jax_adapter",
    "check_kinks",
    "check_layouts",
    "check_monotonic",
    "check_no_mutation",
    "check_on_backend",
    "check_out",
    "check_output_range",
    "check_parameter_gradients",
    "check_saturating",
    "check_shapes",
    "check_smoothness",
    "check_sparse",
    "check_special_values",
    "check_torch_adapter",
    "check_zero_centered",
    "parametrize_with_checks",
]

#: Where each public name is defined.
_EXPORTS = {
    **dict.fromkeys(
        ("CHECKS", "CheckReport", "CheckResult", "check_activation", "parametrize_with_checks"), "._runner"
    ),
    "DEFAULT_DTYPES": "._harness",
    "StandInArray": "._stand_in",
    "check_on_backend": "._backend_checks",
    **dict.fromkeys(
        (
            "check_contract",
            "check_dtypes",
            "check_layouts",
            "check_no_mutation",
            "check_out",
            "check_shapes",
            "check_special_values",
        ),
        "._contract_checks",
    ),
    **dict.fromkeys(
        (
            "check_backward_finite_differences",
            "check_backward_matches_derivative",
            "check_parameter_gradients",
        ),
        "._gradient_checks",
    ),
    **dict.fromkeys(("check_jax_adapter", "check_torch_adapter"), "._framework_checks"),
    **dict.fromkeys(
        (
            "check_identity_near_origin",
            "check_kinks",
            "check_monotonic",
            "check_output_range",
            "check_saturating",
            "check_smoothness",
            "check_sparse",
            "check_zero_centered",
        ),
        "._property_checks",
    ),
}

if TYPE_CHECKING:
    from ._backend_checks import check_on_backend
    from ._contract_checks import (
        check_contract,
        check_dtypes,
        check_layouts,
        check_no_mutation,
        check_out,
        check_shapes,
        check_special_values,
    )
    from ._framework_checks import check_jax_adapter, check_torch_adapter
    from ._gradient_checks import (
        check_backward_finite_differences,
        check_backward_matches_derivative,
        check_parameter_gradients,
    )
    from ._harness import DEFAULT_DTYPES
    from ._property_checks import (
        check_identity_near_origin,
        check_kinks,
        check_monotonic,
        check_output_range,
        check_saturating,
        check_smoothness,
        check_sparse,
        check_zero_centered,
    )
    from ._runner import CHECKS, CheckReport, CheckResult, check_activation, parametrize_with_checks
    from ._stand_in import StandInArray
else:
    __getattr__, __dir__ = attach(__name__, _EXPORTS)
