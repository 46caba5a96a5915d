"""
Vanishing gradients with depth
==============================

At initialisation, how much of the gradient reaches the first layer of a
deep network? :func:`activations.analysis.gradient_flow` back-propagates a
softmax cross-entropy loss through ``depth`` hidden layers (Glorot-normal
weights, zero biases, the same draws for every activation) and returns the
gradient norm of every hidden layer.

The sigmoid's derivative is at most 1/4, so each layer can only shrink the
gradient: it vanishes geometrically with depth. tanh and ReLU keep it of the
same order.
"""

import matplotlib.pyplot as plt

from activations.analysis import gradient_flow

names = ["sigmoid", "tanh", "relu", "gelu"]
depth = 12
fig, ax = plt.subplots(figsize=(7, 4))
for name in names:
    flow = gradient_flow(name, depth=depth, batch=128)
    ax.semilogy(range(1, depth + 1), flow.layer_norms, "o-", label=f"{name} (ratio {flow.ratio:.2g})")
ax.set_xlabel("hidden layer (1 = next to the input)")
ax.set_ylabel("gradient norm of the layer's weights")
ax.set_title(f"Gradient norms at initialisation, {depth} hidden layers of 64 units")
ax.legend()
fig.tight_layout()

# %%
# The ratio first / last as the network gets deeper: for the sigmoid it
# falls by about a factor of 4 per layer.

depths = [2, 4, 6, 8, 10, 12]
fig, ax = plt.subplots(figsize=(7, 4))
for name in names:
    ratios = [gradient_flow(name, depth=d, batch=128).ratio for d in depths]
    ax.semilogy(depths, ratios, "o-", label=name)
ax.set_xlabel("depth (hidden layers)")
ax.set_ylabel("gradient norm, first layer / last layer")
ax.legend()
fig.tight_layout()
