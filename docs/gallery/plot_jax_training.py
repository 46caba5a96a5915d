"""
Training in JAX with any registered activation
==============================================

:func:`activations.jax.function` turns any registered activation into a
JAX function that ``jax.jit``, ``jax.grad`` and ``jax.vmap`` accept. The
same network as the comparison's (64 pixels, three hidden layers of 64
units, 10 classes, Glorot-normal weights, SGD with momentum 0.9 at a step
of 0.05, batches of 32) trains on the digits in a few lines: the loss is
plain ``jax.numpy``, and ``jax.grad`` differentiates through the
activation's own ``backward``.
"""

import jax
import jax.numpy as jnp
import matplotlib.pyplot as plt
import numpy as np

import activations.jax
from activations.analysis import load_digits

images, labels = load_digits()
order = np.random.default_rng(0).permutation(len(labels))  # the comparison's split
test, train = order[:360], order[360:]
x, y = jnp.asarray(images / 16.0, dtype=jnp.float32), jnp.asarray(labels)


def init(key, sizes=(64, 64, 64, 64, 10)):
    keys = jax.random.split(key, len(sizes) - 1)
    return [
        (jax.random.normal(k, (m, n)) * jnp.sqrt(2.0 / (m + n)), jnp.zeros(n))
        for k, m, n in zip(keys, sizes[:-1], sizes[1:], strict=True)
    ]


def train_network(name, epochs=8):
    f = activations.jax.function(name)

    def loss(params, xb, yb):
        for w, b in params[:-1]:
            xb = f(xb @ w + b)
        logits = xb @ params[-1][0] + params[-1][1]
        return -jnp.mean(jax.nn.log_softmax(logits)[jnp.arange(len(yb)), yb])

    @jax.jit
    def step(params, velocity, xb, yb):
        grads = jax.grad(loss)(params, xb, yb)
        velocity = jax.tree.map(lambda v, g: 0.9 * v - 0.05 * g, velocity, grads)
        return jax.tree.map(jnp.add, params, velocity), velocity

    @jax.jit
    def accuracy(params):
        h = x[test]
        for w, b in params[:-1]:
            h = f(h @ w + b)
        return jnp.mean(jnp.argmax(h @ params[-1][0] + params[-1][1], axis=1) == y[test])

    params = init(jax.random.PRNGKey(0))
    velocity = jax.tree.map(jnp.zeros_like, params)
    rng, curve = np.random.default_rng(0), []
    for _ in range(epochs):
        shuffled = rng.permutation(train)
        for start in range(0, len(shuffled) - 31, 32):  # full batches only: one compiled shape
            batch = shuffled[start : start + 32]
            params, velocity = step(params, velocity, x[batch], y[batch])
        curve.append(float(accuracy(params)))
    return curve


fig, ax = plt.subplots(figsize=(6, 4))
for name in ["relu", "sigmoid", "tanh", "bent_identity"]:
    curve = train_network(name)
    ax.plot(range(1, len(curve) + 1), curve, "o-", label=name)
    print(f"{name:14s} JAX: {curve[-1]:.3f} after {len(curve)} epochs")
ax.set_xlabel("epoch")
ax.set_ylabel("test accuracy on the digits")
ax.set_title("JAX (activations.jax.function)")
ax.legend()
fig.tight_layout()

# %%
# The same story as in NumPy and PyTorch: sigmoid lags far behind. Each
# forward and backward pass of the activation is a ``jax.pure_callback``
# into the plugin's NumPy code, one per batch (the callback receives the
# whole batch), so the step stays one compiled function. On a GPU the
# callback's operands travel through the host; see :doc:`/frameworks`.
