"""The 8x8 handwritten digits that the training comparison runs on.

The package ships ``data/digits.csv.gz``: the 1,797 test images of the UCI
"Optical Recognition of Handwritten Digits" dataset (Alpaydin and Kaynak,
1998; CC BY 4.0; see ``data/DIGITS-LICENSE.txt``), the same file that
scikit-learn bundles. It is read with NumPy alone, once per process, and the
train/test split is a fixed permutation, so every run of every activation
sees the same examples in the same order.
"""

from __future__ import annotations

import functools
import gzip
from importlib import resources
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["N_CLASSES", "N_FEATURES", "N_SAMPLES", "SPLIT_SEED", "TEST_SIZE", "load_digits", "split_digits"]

N_SAMPLES = 1797
N_FEATURES = 64
N_CLASSES = 10
#: The split does not depend on the training seed: every run tests on the same images.
SPLIT_SEED = 0
TEST_SIZE = 360  # 20 %, rounded to a multiple of 10


@functools.lru_cache(maxsize=1)
def load_digits() -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Load the digits as ``(images, labels)``: float64 of shape (1797, 64) in 0..16, int64 in 0..9.

    The arrays are read-only (they are cached and shared).

    Examples
    --------
    >>> from activations.analysis._digits import load_digits
    >>> images, labels = load_digits()
    >>> images.shape, labels.shape, int(images.max()), sorted(set(labels.tolist()))[-1]
    ((1797, 64), (1797,), 16, 9)
    """
    source = resources.files("activations.analysis") / "data" / "digits.csv.gz"
    with source.open("rb") as raw, gzip.open(raw, "rt", encoding="ascii") as text:
        table = np.loadtxt(text, delimiter=",", dtype=np.int64, ndmin=2)
    images = table[:, :N_FEATURES].astype(np.float64)
    labels = np.ascontiguousarray(table[:, N_FEATURES])
    images.flags.writeable = False
    labels.flags.writeable = False
    return images, labels


def split_digits() -> tuple[NDArray[Any], NDArray[Any], NDArray[Any], NDArray[Any]]:
    """Return the fixed split ``(x_train, y_train, x_test, y_test)``, pixels scaled to [0, 1].

    A permutation drawn with seed `SPLIT_SEED` puts `TEST_SIZE` images in the
    test set and the other 1,437 in the training set; pixels are divided by 16.

    Examples
    --------
    >>> from activations.analysis._digits import split_digits
    >>> x_train, y_train, x_test, y_test = split_digits()
    >>> x_train.shape, x_test.shape, float(x_train.max())
    ((1437, 64), (360, 64), 1.0)
    """
    images, labels = load_digits()
    order = np.random.default_rng(SPLIT_SEED).permutation(len(labels))
    test, train = order[:TEST_SIZE], order[TEST_SIZE:]
    x = images / 16.0
    return x[train], labels[train], x[test], labels[test]
