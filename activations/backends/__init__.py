"""Array types beyond NumPy that the bound activation hands their inputs to: dask today.

A dask array given to an activation is mapped block by block, lazily
(`activations.backends.dask`); nothing is computed until the caller asks.

Examples
--------
>>> import dask.array as da
>>> import activations
>>> lazy = activations.get("relu")(da.from_array([-1.0, 2.0, -3.0, 4.0], chunks=2))
>>> type(lazy).__module__, lazy.compute()
('dask.array.core', array([0., 2., 0., 4.]))
"""
