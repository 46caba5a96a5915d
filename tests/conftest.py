"""Test-session set-up shared by every test module."""

import os
import pathlib

import pytest


@pytest.fixture(autouse=True, scope="session")
def _run_outside_the_checkout(tmp_path_factory):
    """Run the session from an empty folder, not from the checkout.

    The suite tests the installed package. ``python -c ...`` in a subprocess puts its
    working directory first on ``sys.path``; from the checkout that would import the
    source folder ``activations/`` (which has no ``activations.plugins``) instead.
    """
    previous = pathlib.Path.cwd()
    os.chdir(tmp_path_factory.mktemp("cwd"))
    yield
    os.chdir(previous)
