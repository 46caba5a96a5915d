"""The digits shipped in the package: the UCI optical-digits test set, its licence, the fixed split."""

import gzip
import importlib.resources

import numpy as np

from activations.analysis._digits import TEST_SIZE, load_digits, split_digits


def test_the_data_file_has_1797_images_of_64_pixels_in_0_to_16_and_labels_0_to_9():
    images, labels = load_digits()
    assert images.shape == (1797, 64)
    assert labels.shape == (1797,)
    assert images.dtype == np.float64
    assert np.array_equal(images, np.round(images))  # integer counts of "on" pixels
    assert images.min() == 0
    assert images.max() == 16
    assert sorted(set(labels.tolist())) == list(range(10))
    # the UCI documentation's class counts for optdigits.tes: 178, 182, 177, 183, 181, ...
    assert np.bincount(labels)[:5].tolist() == [178, 182, 177, 183, 181]
    assert np.bincount(labels).sum() == 1797


def test_the_file_is_read_as_plain_csv_with_numpy():
    data = importlib.resources.files("activations.analysis") / "data" / "digits.csv.gz"
    with data.open("rb") as raw, gzip.open(raw, "rt", encoding="ascii") as text:
        rows = text.read().splitlines()
    assert len(rows) == 1797
    assert all(len(row.split(",")) == 65 for row in rows)


def test_the_licence_and_attribution_ship_next_to_the_data():
    text = (importlib.resources.files("activations.analysis") / "data" / "DIGITS-LICENSE.txt").read_text(
        encoding="utf-8"
    )
    assert "Alpaydin" in text
    assert "Kaynak" in text
    assert "CC BY 4.0" in text
    assert "https://doi.org/10.24432/C50P49" in text


def test_the_arrays_are_cached_and_read_only():
    images, labels = load_digits()
    assert load_digits()[0] is images
    assert not images.flags.writeable
    assert not labels.flags.writeable


def test_the_split_is_fixed_disjoint_and_complete():
    x_train, y_train, x_test, y_test = split_digits()
    assert len(x_test) == len(y_test) == TEST_SIZE == 360
    assert len(x_train) == len(y_train) == 1797 - 360
    assert x_train.min() == 0.0
    assert x_train.max() == 1.0  # pixels / 16
    images, labels = load_digits()
    # together, train and test are a permutation of all images (with their labels)
    together = np.concatenate(
        [np.column_stack([x_train * 16, y_train]), np.column_stack([x_test * 16, y_test])]
    )
    everything = np.column_stack([images, labels])
    assert np.array_equal(np.unique(together, axis=0), np.unique(everything, axis=0))
    assert len(together) == len(everything)
    again = split_digits()
    assert all(np.array_equal(a, b) for a, b in zip(split_digits(), again, strict=True))
    assert set(y_test.tolist()) == set(range(10))
