"""The public surface: a sorted __all__, every name reporting the package as its module."""

import activations

EXPECTED = [
    "DEFAULT_PLUGINS",
    "Activation",
    "ActivationError",
    "ActivationInfo",
    "ActivationWarning",
    "BaseActivation",
    "BoundActivation",
    "DuplicateActivationError",
    "InvalidActivationError",
    "InvalidSpecError",
    "PluginInfo",
    "PluginLoadWarning",
    "Properties",
    "Registry",
    "UnknownActivationError",
    "__version__",
    "default_registry",
    "describe",
    "get",
    "hookimpl",
    "hookspec",
    "list_plugins",
    "names",
    "register",
    "registered",
    "unregister",
    "validate_activation",
]


def test_all_is_pinned_and_sorted():
    assert activations.__all__ == EXPECTED
    assert activations.__all__ == sorted(activations.__all__, key=lambda n: (not n.isupper(), n))


def test_every_public_name_exists():
    for name in activations.__all__:
        assert hasattr(activations, name), name


def test_public_objects_report_the_package_as_their_module():
    for name in activations.__all__:
        obj = getattr(activations, name)
        if isinstance(obj, (type, type(activations.get))):
            assert obj.__module__ == "activations", name


def test_version_matches_the_installed_metadata():
    from importlib.metadata import version

    assert activations.__version__ == version("pluggable-activations")
