"""
Every activation and its derivative
===================================

Every activation bundled with the package, and the bent identity of the
example third-party plugin of docs/examples, is looked up by name, and f and
f' are drawn on [-4, 4]. The derivative is the activation's own
``derivative`` method, not a finite difference.

The activations come from an isolated :class:`activations.Registry`: the
bundled plugins, plus the entry points handed to it, and nothing else that
happens to be installed. So this page is the same wherever it is built; in
your own scripts, ``activations.names()`` lists every installed plugin too.
"""

import math
from importlib.metadata import entry_points

import matplotlib.pyplot as plt
import numpy as np

import activations

plugins = entry_points(group="activations")
example_plugin = [ep for ep in plugins if ep.dist.name == "activations-bent-identity"]
registry = activations.Registry(entry_points=example_plugin)
names = registry.names()
x = np.linspace(-4.0, 4.0, 801)
cols = 4
rows = math.ceil(len(names) / cols)
fig, axes = plt.subplots(rows, cols, figsize=(12, 2.2 * rows), sharex=True)
for ax, name in zip(axes.flat, names, strict=False):
    act = registry.get(name)
    ax.plot(x, act(x), label="f")
    ax.plot(x, act.derivative(x), "--", label="f'")
    ax.axhline(0.0, color="0.8", linewidth=0.8)
    ax.set_title(name, fontsize=10)
    ax.set_ylim(-2.5, 4.5)
for ax in list(axes.flat)[len(names) :]:
    ax.set_visible(False)
axes.flat[0].legend(loc="upper left")
fig.tight_layout()

# %%
# The kinks are where f' jumps; the value drawn exactly at a kink follows
# PyTorch's convention, which each activation declares and the conformance
# kit checks:

for name in names:
    kinks = registry.get(name).properties.kinks
    if kinks:
        values = registry.get(name).derivative(np.array(kinks))
        print(f"{name:15s}", ", ".join(f"f'({k:g}) = {v:g}" for k, v in zip(kinks, values, strict=True)))
