import re

import numpy as np
import pytest

from nnlib import load_breast_cancer, load_digits, make_moons, standardize, train_test_split, train_val_test_split
from nnlib.datasets import over_splits


def test_breast_cancer_layout_and_counts():
    # 569 tumours in columns, 30 features, 212 malignant (label 1).
    X, Y, names = load_breast_cancer()
    assert X.shape == (30, 569) and Y.shape == (1, 569)
    assert int(Y.sum()) == 212
    assert len(names) == 30 and names[0] == "radius_mean"
    # First row of the source table: radius 17.99, texture 10.38, malignant.
    np.testing.assert_allclose(X[:2, 0], [17.99, 10.38])
    assert Y[0, 0] == 1


def test_breast_cancer_arrays_are_their_own():
    # X and Y own their memory in the row-major layout, as any array the learner
    # makes: not transposed views of one table, which would keep the whole table
    # alive behind Y and hand BLAS X in column-major order.
    X, Y, _ = load_breast_cancer()
    for array in (X, Y):
        assert array.flags["OWNDATA"] and array.base is None
        assert array.flags["C_CONTIGUOUS"]


def test_split_is_a_seeded_partition():
    X = np.arange(20.0).reshape(1, 20)
    Y = (X % 2).astype(float)
    X_tr, X_te, Y_tr, Y_te = train_test_split(X, Y, test_fraction=0.25, seed=1)
    assert X_tr.shape == (1, 15) and X_te.shape == (1, 5)
    assert sorted(np.concatenate([X_tr, X_te], axis=1).ravel()) == list(range(20))
    np.testing.assert_array_equal(Y_te, X_te % 2)  # labels travel with their examples
    again = train_test_split(X, Y, test_fraction=0.25, seed=1)
    np.testing.assert_array_equal(again[1], X_te)


@pytest.mark.parametrize("m, fraction, m_test", [(10, 0.38, 4), (10, 0.32, 3), (569, 0.25, 142), (7, 0.5, 4)])
def test_split_holds_out_the_nearest_whole_number_of_examples(m, fraction, m_test):
    # test_fraction of m, rounded to the nearest whole number: 3.8 gives 4, not 3
    # (7 * 0.5 = 3.5 rounds to the even 4).
    X = np.arange(float(m)).reshape(1, m)
    _, X_test, _, Y_test = train_test_split(X, X % 2, test_fraction=fraction)
    assert X_test.shape == (1, m_test) and Y_test.shape == (1, m_test)


def test_split_rejects_bad_fractions():
    X, Y = np.zeros((2, 4)), np.zeros((1, 4))
    with pytest.raises(ValueError, match="test_fraction"):
        train_test_split(X, Y, test_fraction=1.0)
    with pytest.raises(ValueError, match="empty"):
        train_test_split(X, Y, test_fraction=0.01)
    with pytest.raises(ValueError, match=r"Y has shape \(1, 3\)"):
        train_test_split(X, np.zeros((1, 3)))


def test_standardize_uses_training_statistics_only(rng):
    X_train = rng.normal(5, 3, size=(4, 100))
    X_test = rng.normal(50, 1, size=(4, 10))
    S_train, S_test = standardize(X_train, X_test)
    np.testing.assert_allclose(S_train.mean(axis=1), 0, atol=1e-12)
    np.testing.assert_allclose(S_train.std(axis=1), 1, rtol=1e-12)
    np.testing.assert_allclose(S_test, (X_test - X_train.mean(1, keepdims=True)) / X_train.std(1, keepdims=True))


def test_standardize_keeps_constant_features_finite():
    S, = standardize(np.array([[1.0, 1.0, 1.0], [0.0, 1.0, 2.0]]))
    np.testing.assert_array_equal(S[0], 0)


def test_moons():
    X, Y = make_moons(m=101, noise=0.1, seed=3)
    assert X.shape == (2, 101) and Y.shape == (1, 101)
    assert int(Y.sum()) == 50
    np.testing.assert_array_equal(make_moons(m=101, noise=0.1, seed=3)[0], X)
    with pytest.raises(ValueError, match="m must be"):
        make_moons(m=1)


def test_three_way_split_keeps_train_test_splits_test_set():
    # The test set is train_test_split's with the same seed; validation and training partition the rest.
    X = np.arange(40.0).reshape(1, 40)
    Y = (X % 2).astype(float)
    X_tr, X_val, X_te, Y_tr, Y_val, Y_te = train_val_test_split(X, Y, val_fraction=0.2, test_fraction=0.25, seed=4)
    assert (X_tr.shape[1], X_val.shape[1], X_te.shape[1]) == (22, 8, 10)
    np.testing.assert_array_equal(X_te, train_test_split(X, Y, test_fraction=0.25, seed=4)[1])
    everything = np.concatenate([X_tr, X_val, X_te], axis=1).ravel()
    assert sorted(everything) == list(range(40))
    for Xs, Ys in ((X_tr, Y_tr), (X_val, Y_val), (X_te, Y_te)):
        np.testing.assert_array_equal(Ys, Xs % 2)  # labels travel with their examples


def test_three_way_split_rejects_bad_fractions():
    X, Y = np.zeros((2, 10)), np.zeros((1, 10))
    with pytest.raises(ValueError, match="val_fraction must"):
        train_val_test_split(X, Y, val_fraction=0.0)
    with pytest.raises(ValueError, match="below 1"):
        train_val_test_split(X, Y, val_fraction=0.5, test_fraction=0.5)
    with pytest.raises(ValueError, match="empty"):
        train_val_test_split(X, Y, val_fraction=0.01)
    with pytest.raises(ValueError, match=r"Y has shape \(1, 3\)"):
        train_val_test_split(X, np.zeros((1, 3)))


def test_digits_layout_counts_and_first_image():
    # 1,797 images in columns, 64 pixels of 0..16 each, labels 0..9 with 174 to 183 of each.
    X, labels = load_digits()
    assert X.shape == (64, 1797) and labels.shape == (1, 1797)
    assert X.dtype == np.float64 and np.issubdtype(labels.dtype, np.integer)
    assert X.min() == 0 and X.max() == 16 and np.array_equal(X, np.round(X))
    np.testing.assert_array_equal(np.bincount(labels.ravel()), [178, 182, 177, 183, 181, 182, 181, 179, 174, 180])
    # The first row of the source file is a 0 whose top row of pixels reads 0 0 5 13 9 1 0 0.
    assert labels[0, 0] == 0
    np.testing.assert_array_equal(X[:, 0].reshape(8, 8)[0], [0, 0, 5, 13, 9, 1, 0, 0])


def test_digits_are_owned_arrays_a_learner_may_change():
    # Each call returns fresh, contiguous arrays: changing one leaves the next call's alone.
    X, labels = load_digits()
    assert X.flags.owndata and X.flags.c_contiguous and labels.flags.c_contiguous
    X[:] = -1
    labels[:] = -1
    X2, labels2 = load_digits()
    assert X2.min() == 0 and labels2.min() == 0


# --- over_splits


def test_over_splits_gives_each_pair_its_own_standardised_split():
    X, Y, _ = load_breast_cancer()
    seen = over_splits(X, Y, lambda sets, seed: (seed, sets), [(3, 0), (7, 5)])
    assert [seed for seed, _ in seen] == [3, 7]
    for (_, sets), split in zip(seen, (0, 5)):
        raw = train_val_test_split(X, Y, seed=split)
        expected = (*standardize(*raw[:3]), *raw[3:])
        names = ["X_train", "X_val", "X_test", "Y_train", "Y_val", "Y_test"]
        for name, array in zip(names, expected):
            np.testing.assert_array_equal(sets[name], array)
        np.testing.assert_allclose(sets["X_train"].mean(axis=1), 0, atol=1e-12)
    # different splits hold different test sets
    assert not np.array_equal(seen[0][1]["X_test"], seen[1][1]["X_test"])


@pytest.mark.parametrize("recipe, pairs, message", [
    (None, [(0, 0)], "recipe must be a function recipe(sets, seed); got NoneType"),
    (len, [], "pairs must hold at least one (seed, split) pair; got none"),
    (len, [(0, 0, 1)], "each pair must be (seed, split), two whole numbers; got (0, 0, 1)"),
    (len, [(0, 0.5)], "each pair must be (seed, split), two whole numbers; got (0, 0.5)"),
    (len, [3], "each pair must be (seed, split), two whole numbers; got 3"),
])
def test_over_splits_refuses_bad_input(recipe, pairs, message):
    X, Y, _ = load_breast_cancer()
    with pytest.raises(ValueError, match=re.escape(message)):
        over_splits(X, Y, recipe, pairs)
