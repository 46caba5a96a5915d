"""
Training in PyTorch with any registered activation
==================================================

:class:`activations.torch.Activation` turns any registered activation into a
``torch.nn.Module``: ReLU, sigmoid and tanh from the catalogue, and the bent
identity of the example third-party plugin (``docs/examples/``), whose
author wrote NumPy and nothing else. Here each one trains the network of
the comparison (:func:`activations.analysis.compare`) in PyTorch: 64 pixels,
three hidden layers of 64 units, 10 classes, Glorot-normal weights and zero
biases, SGD with momentum 0.9 at a step of 0.05, batches of 32, on the
8x8 digits that ship with the package, split as the comparison splits them.
Its accuracy curves are drawn next to those of the comparison's own NumPy
network: the two stories should agree.
"""

import matplotlib.pyplot as plt
import numpy as np
import torch

import activations.torch
from activations.analysis import compare, load_digits

NAMES = ["relu", "sigmoid", "tanh", "bent_identity"]
EPOCHS = 8
torch.set_num_threads(1)  # products of 64 x 64 matrices: threads cost more than they save

# The comparison's split: a permutation drawn with seed 0 puts 360 images in the test set.
images, labels = load_digits()
order = np.random.default_rng(0).permutation(len(labels))
test, train = order[:360], order[360:]
x = torch.from_numpy(images / 16.0).float()
y = torch.tensor(labels)


def network(name):
    torch.manual_seed(0)
    layers = []
    for fan_in, fan_out in [(64, 64), (64, 64), (64, 64)]:
        layers += [torch.nn.Linear(fan_in, fan_out), activations.torch.Activation(name)]
    model = torch.nn.Sequential(*layers, torch.nn.Linear(64, 10))
    for module in model:
        if isinstance(module, torch.nn.Linear):
            torch.nn.init.xavier_normal_(module.weight)
            torch.nn.init.zeros_(module.bias)
    return model


def fit(name):
    model = network(name)
    optimiser = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    generator = torch.Generator().manual_seed(0)
    accuracy = []
    for _ in range(EPOCHS):
        shuffled = torch.from_numpy(train)[torch.randperm(len(train), generator=generator)]
        for batch in shuffled.split(32):
            optimiser.zero_grad()
            torch.nn.functional.cross_entropy(model(x[batch]), y[batch]).backward()
            optimiser.step()
        with torch.no_grad():
            accuracy.append((model(x[test]).argmax(1) == y[test]).float().mean().item())
    return model, accuracy


numpy_report = compare(NAMES, epochs=EPOCHS, samples=10_000, depth=4)
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
epochs = range(1, EPOCHS + 1)
for row in numpy_report.activations:
    left.plot(epochs, row.training.accuracy, "o-", label=row.name)
for name in NAMES:
    model, accuracy = fit(name)
    right.plot(epochs, accuracy, "o-", label=name)
    print(f"{name:14s} PyTorch: {accuracy[-1]:.3f} after {EPOCHS} epochs")
print(model)
left.set_title("NumPy (activations.analysis.compare)")
right.set_title("PyTorch (activations.torch.Activation)")
for ax in (left, right):
    ax.set_xlabel("epoch")
    ax.legend()
left.set_ylabel("test accuracy on the digits")
fig.tight_layout()

# %%
# The curves are not identical (different random draws of the initial
# weights and of the batches), but the story is the same in both: ReLU,
# tanh and the bent identity pass 90 % within a few epochs, while sigmoid,
# whose derivative is at most 1/4 (so the gradient shrinks at least 4-fold
# per layer on its way down), is still below 35 % after eight.
#
# The module is a custom PyTorch operator (``torch.ops.activations.forward``)
# whose forward pass calls the plugin's NumPy ``forward`` on a view of the
# tensor's memory, and whose backward pass calls its ``backward``; see
# :doc:`/frameworks` for what that costs, ``torch.compile`` and CUDA.
