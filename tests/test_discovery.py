"""Discovery: bundled plugins and real entry points, loaded in isolation.

The fake third-party distributions here are real ones: a ``*.dist-info``
folder with METADATA and entry_points.txt on a temporary ``sys.path`` entry,
read back through :mod:`importlib.metadata`, so the entry points carry their
distribution as installed ones do.
"""

import itertools
import sys
import textwrap
import warnings
from importlib.metadata import distributions

import pytest

import activations
from activations import PluginLoadWarning, Registry, UnknownActivationError

_counter = itertools.count()

GOOD = '''
import math
import numpy as np
import activations

class Doubled(activations.BaseActivation):
    """Twice x."""
    name = "{name}"
    properties = activations.Properties(output_range=(-math.inf, math.inf), monotonic=True,
                                        zero_centered=True, sparse=False, smoothness=math.inf)
    def forward(self, x, /, *, out=None):
        return np.multiply(x, x.dtype.type(2), out=out)
    def derivative(self, x, /, *, out=None):
        r = np.multiply(x, 0, out=out)
        r += x.dtype.type(2)
        return r

@activations.hookimpl
def register_activations(register):
    register(Doubled, name="{name}", aliases={aliases!r})
'''


@pytest.fixture
def make_dist(tmp_path, monkeypatch):
    """make_dist(dist_name, {entry_point_name: module_source}) -> the distribution's entry points."""
    monkeypatch.syspath_prepend(str(tmp_path))
    created = []

    def make(dist_name, plugins, version="1.2.3"):
        lines = ["[activations]"]
        for ep_name, source in plugins.items():
            module = f"fake_plugin_{next(_counter)}"
            (tmp_path / f"{module}.py").write_text(textwrap.dedent(source))
            lines.append(f"{ep_name} = {module}")
            created.append(module)
        info = tmp_path / f"{dist_name.replace('-', '_')}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist_name}\nVersion: {version}\n")
        (info / "entry_points.txt").write_text("\n".join(lines) + "\n")
        (dist,) = [d for d in distributions(path=[str(tmp_path)]) if d.metadata["Name"] == dist_name]
        return list(dist.entry_points.select(group="activations"))

    yield make
    for module in created:
        sys.modules.pop(module, None)


def good(name, aliases=()):
    return GOOD.format(name=name, aliases=tuple(aliases))


def test_a_good_plugin_is_found_with_its_distribution(make_dist):
    eps = make_dist("good-dist", {"doubled": good("doubled", ["twice"])})
    reg = Registry(entry_points=eps)
    assert reg.get("twice")([1.5]).tolist() == [3.0]
    info = reg.describe("doubled")
    assert (info.plugin, info.distribution, info.version) == ("doubled", "good-dist", "1.2.3")
    assert info.summary == "Twice x."
    (plugin,) = [p for p in reg.list_plugins() if not p.bundled]
    assert (plugin.status, plugin.activations) == ("loaded", ("doubled",))


def test_a_plugin_that_fails_to_import_is_isolated_and_reported(make_dist):
    eps = make_dist("broken-dist", {"broken": "raise ImportError('no module named missing_dependency')\n"})
    reg = Registry(entry_points=eps)
    with pytest.warns(PluginLoadWarning) as record:
        names = reg.names()
    assert "relu" in names
    assert str(record[0].message) == (
        "activations plugin 'broken (broken-dist)' failed to load and was skipped: "
        "ImportError: no module named missing_dependency"
    )
    (failed,) = [p for p in reg.list_plugins() if p.status == "failed"]
    assert failed.error == "ImportError: no module named missing_dependency"
    with pytest.raises(UnknownActivationError) as info:
        reg.get("broken")
    assert str(info.value).splitlines()[1] == (
        "the plugin 'broken (broken-dist)' that may provide it failed: "
        "ImportError: no module named missing_dependency"
    )


def hook_source(body):
    """A module with GOOD's class and a hook whose body is ``body``."""
    module = good("doubled").split("@activations.hookimpl")[0]
    return (
        module
        + "@activations.hookimpl\ndef register_activations(register):\n"
        + textwrap.indent(body, "    ")
    )


def test_a_plugin_that_fails_half_way_is_rolled_back_whole(make_dist):
    body = "register(Doubled, name='doubled')\nraise RuntimeError('crashed after registering one')\n"
    reg = Registry(entry_points=make_dist("half-dist", {"half": hook_source(body)}))
    with pytest.warns(PluginLoadWarning, match="RuntimeError: crashed after registering one"):
        names = reg.names()
    assert "doubled" not in names


def test_a_plugin_cannot_hijack_a_bundled_name_and_loses_all_its_names(make_dist):
    body = (
        "class Relu(Doubled):\n    name = 'relu'\n"
        "register(Doubled, name='doubled')\n"  # innocent on its own: rolled back with the rest
        "register(Relu, name='relu')\n"
    )
    reg = Registry(entry_points=make_dist("hijack-dist", {"hijack": hook_source(body)}))
    with pytest.warns(PluginLoadWarning) as record:
        relu = reg.get("relu")
    assert type(relu.plugin).__module__ == "activations.plugins.relu"
    assert relu([-1.0]).tolist() == [0.0]
    assert "doubled" not in reg.names()
    assert str(record[0].message) == (
        "activations plugin 'hijack (hijack-dist)' failed to load and was skipped: "
        "DuplicateActivationError: 'relu' is already registered as the name of 'relu' by plugin "
        "'activations.plugins.relu'; plugin 'hijack (hijack-dist)' cannot register it again"
    )


def test_a_plugin_cannot_take_a_bundled_alias(make_dist):
    eps = make_dist("alias-dist", {"aliaser": good("my_sigmoid", ["logistic"])})
    reg = Registry(entry_points=eps)
    with pytest.warns(PluginLoadWarning, match="'logistic' is already registered as the alias of 'sigmoid'"):
        assert reg.get("logistic").name == "sigmoid"
    assert "my_sigmoid" not in reg.names()


def test_the_first_of_two_third_party_plugins_keeps_a_contested_name(make_dist):
    eps = make_dist("aaa-dist", {"first": good("contested")}) + make_dist(
        "zzz-dist", {"second": good("contested")}
    )
    reg = Registry(entry_points=list(reversed(eps)))  # given out of order: loading sorts them
    with pytest.warns(
        PluginLoadWarning, match=r"plugin 'second \(zzz-dist\)' failed.* by plugin 'first \(aaa-dist\)'"
    ):
        assert reg.describe("contested").distribution == "aaa-dist"


@pytest.mark.parametrize(
    ("source", "error"),
    [
        ("x = 1\n", "TypeError: 'bad' implements no 'register_activations' hook"),
        (
            "import activations\n@activations.hookimpl\ndef register_activations(registry):\n    pass\n",
            "PluginValidationError: ",
        ),
        (
            "import activations\n@activations.hookimpl\ndef register_activation(register):\n    pass\n",
            "PluginValidationError: ",
        ),
        (
            "import activations\n@activations.hookimpl\ndef register_activations(register):\n"
            "    register(object, name='thing')\n",
            "InvalidActivationError: plugin 'bad (bad-dist)': builtins.object does not meet "
            "the Activation contract",
        ),
    ],
    ids=["no-hook", "wrong-argument", "misspelled-hook", "invalid-activation"],
)
def test_malformed_plugins_are_reported(make_dist, source, error):
    reg = Registry(entry_points=make_dist("bad-dist", {"bad": source}))
    with pytest.warns(PluginLoadWarning) as record:
        reg.names()
    (failed,) = [p for p in reg.list_plugins() if p.status == "failed"]
    assert failed.error.startswith(error)
    assert "'bad (bad-dist)'" in str(record[0].message)


def test_strict_mode_reraises(make_dist, monkeypatch):
    eps = make_dist("broken-dist", {"broken": "raise ImportError('boom')\n"})
    with pytest.raises(ImportError, match="boom"):
        Registry(entry_points=eps, strict=True).names()
    monkeypatch.setenv("ACTIVATIONS_STRICT", "1")
    with pytest.raises(ImportError, match="boom"):
        Registry(entry_points=eps).names()


def test_blocked_plugins_are_skipped_and_listed(make_dist, monkeypatch):
    eps = make_dist("good-dist", {"doubled": good("doubled"), "tripled": good("tripled")})
    monkeypatch.setenv("ACTIVATIONS_BLOCK_PLUGINS", " doubled , other")
    reg = Registry(entry_points=eps, blocked=["tripled"])
    assert "doubled" not in reg.names()
    assert "tripled" not in reg.names()
    statuses = {p.name: p.status for p in reg.list_plugins() if not p.bundled}
    assert statuses == {"doubled": "blocked", "tripled": "blocked"}
    with pytest.raises(UnknownActivationError) as info:
        reg.get("doubled")
    assert "the plugin 'doubled (good-dist)' that may provide it blocked" in str(info.value)


# -- the installed example plugin (CI installs docs/examples/activations-bent-identity) --


def test_the_installed_example_plugin_is_found_through_its_entry_point():
    reg = Registry()
    info = reg.describe("bent_identity")
    assert (info.plugin, info.distribution, info.version) == (
        "bent_identity",
        "activations-bent-identity",
        "1.0.0",
    )
    assert reg.get("bent")([0.0]).tolist() == [0.0]


def test_disable_autoload_loads_bundled_plugins_only(monkeypatch):
    monkeypatch.setenv("ACTIVATIONS_DISABLE_PLUGIN_AUTOLOAD", "1")
    reg = Registry()
    assert "relu" in reg.names()
    assert "bent_identity" not in reg.names()
    assert all(p.bundled for p in reg.list_plugins())


def test_block_variable_skips_an_installed_plugin(monkeypatch):
    monkeypatch.setenv("ACTIVATIONS_BLOCK_PLUGINS", "bent_identity")
    reg = Registry()
    assert "bent_identity" not in reg.names()
    (blocked,) = [p for p in reg.list_plugins() if p.status == "blocked"]
    assert blocked.distribution == "activations-bent-identity"


def test_a_plugin_may_look_up_activations_while_it_loads(make_dist, monkeypatch):
    body = "assert activations.get('relu').name == 'relu'\nregister(Doubled, name='doubled')\n"
    reg = Registry(entry_points=make_dist("lookup-dist", {"lookup": hook_source(body)}))
    monkeypatch.setattr(activations._registry, "_default", reg)  # the hook's lookup re-enters `reg`
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert "doubled" in reg.names()


def test_default_registry_functions_use_one_lazily_made_registry():
    assert activations.default_registry() is activations.default_registry()
    assert activations.get("relu").name == "relu"
