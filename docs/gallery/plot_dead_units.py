"""
Dead units during training
==========================

A ReLU unit whose input is negative for every training example outputs 0
and gets a zero gradient: nothing can revive it. A large learning rate makes
this likelier. :func:`activations.analysis.train` trains a small perceptron
on the 8x8 digits that ship with the package and reports the fraction of
dead hidden units at the end; here it is after each number of epochs, for
ReLU and for Leaky ReLU (whose gradient is never exactly 0).
"""

import matplotlib.pyplot as plt

from activations.analysis import train

epochs = [1, 2, 4, 6]
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
for name in ["relu", "leaky_relu"]:
    runs = [train(name, epochs=e, learning_rate=0.2, hidden=(32, 32)) for e in epochs]
    left.plot(epochs, [r.dead_fraction for r in runs], "o-", label=name)
    right.plot(range(1, epochs[-1] + 1), runs[-1].accuracy, "o-", label=name)
    print(f"{name:10s} dead after {epochs[-1]} epochs: {runs[-1].dead_fraction:.3f}")
left.set_xlabel("epochs")
left.set_ylabel("fraction of dead hidden units")
left.set_title("Dead units (learning rate 0.2)")
left.legend()
right.set_xlabel("epoch")
right.set_ylabel("test accuracy")
right.set_title("Test accuracy on the digits")
right.legend()
fig.tight_layout()

# %%
# Each run starts from the same seeded weights and sees the same
# mini-batches, so the runs differ only by the activation. Leaky ReLU's
# dead fraction is 0 by construction: its output is exactly 0 only at x = 0.
