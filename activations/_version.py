"""The installed version; read by setuptools at build time, so no metadata lookup at import."""

__version__ = "0.1.0"
