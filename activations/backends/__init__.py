"""Array types beyond NumPy that the bound activation hands their inputs to: dask today."""
