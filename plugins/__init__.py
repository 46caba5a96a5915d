"""The bundled plugins, installed as ``activations.plugins``: one module per family.

Each module implements the ``register_activations`` hook exactly as a
third-party plugin does; `activations.DEFAULT_PLUGINS` lists them in load order.
"""
