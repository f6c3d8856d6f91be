import numpy as np
import pytest

from nnlib.multiclass import class_confusion, log_softmax, one_hot, softmax, softmax_cost, softmax_gradient

U = np.finfo(float).eps / 2  # the unit roundoff of float64


def test_one_hot_marks_each_label_in_its_column():
    Y = one_hot(np.array([[2, 0, 1, 2]]), 3)
    np.testing.assert_array_equal(Y, [[0, 1, 0, 0], [0, 0, 1, 0], [1, 0, 0, 1]])
    np.testing.assert_array_equal(one_hot(np.array([2, 0, 1, 2]), 3), Y)  # a flat array of labels too


@pytest.mark.parametrize("labels, k, message", [
    (np.array([[0, 3]]), 3, "from 0 to 2"),
    (np.array([[0, -1]]), 3, "from 0 to 2"),
    (np.array([[0.5, 1]]), 3, "whole numbers"),
    (np.array([[0, 1], [1, 0]]), 2, "shape"),
    (np.array([[0, 1]]), 1, "at least 2"),
])
def test_one_hot_says_what_is_wrong(labels, k, message):
    with pytest.raises(ValueError, match=message):
        one_hot(labels, k)


def test_softmax_columns_are_probabilities_and_match_the_definition(rng):
    Z = rng.normal(scale=3, size=(5, 7))
    P = softmax(Z)
    naive = np.exp(Z) / np.exp(Z).sum(axis=0)
    # The shift by the column maximum changes each exp by rounding only: a few u relative per entry.
    np.testing.assert_allclose(P, naive, rtol=20 * 5 * U)
    np.testing.assert_allclose(P.sum(axis=0), 1, rtol=0, atol=10 * 5 * U)


def test_softmax_ignores_a_constant_added_to_a_column():
    Z = np.array([[1.0, -3.0], [2.0, 0.0], [0.5, 4.0]])
    np.testing.assert_allclose(softmax(Z + np.array([[100.0, -50.0]])), softmax(Z), rtol=1e-12)


def test_huge_logits_neither_overflow_nor_lose_the_winner():
    # exp(1000) overflows; after the shift no exp exceeds 1 (RuntimeWarnings are errors in this suite).
    Z = np.array([[1000.0, -1000.0], [0.0, -999.0], [-1000.0, -1001.0]])
    P = softmax(Z)
    np.testing.assert_allclose(P[:, 0], [1, 0, 0], atol=1e-300)
    log_P = log_softmax(Z)
    assert np.all(np.isfinite(log_P))
    # Column 2: logits -1000, -999, -1001 are 0, 1, -1 shifted: log-softmax is exact to rounding.
    shifted = np.array([0.0, 1.0, -1.0])
    np.testing.assert_allclose(log_P[:, 1], shifted - np.log(np.exp(shifted).sum()), rtol=1e-14)


def test_log_softmax_is_the_log_of_softmax(rng):
    Z = rng.normal(size=(4, 6))
    np.testing.assert_allclose(log_softmax(Z), np.log(softmax(Z)), rtol=1e-13)


def test_softmax_cost_of_a_known_case():
    # Equal logits: every class has probability 1/K, so each example costs log K.
    Z, Y = np.zeros((4, 3)), one_hot(np.array([0, 1, 3]), 4)
    np.testing.assert_allclose(softmax_cost(Z, Y), np.log(4), rtol=4 * U)


def test_softmax_cost_gradient_is_P_minus_Y_over_m(rng):
    # Central differences of J in every logit agree with (softmax(Z) - Y) / m.
    K, m = 3, 5
    Z = rng.normal(size=(K, m))
    Y = one_hot(rng.integers(0, K, size=m), K)
    h = 1e-5
    numeric = np.zeros_like(Z)
    for index in np.ndindex(*Z.shape):
        up, down = Z.copy(), Z.copy()
        up[index] += h
        down[index] -= h
        numeric[index] = (softmax_cost(up, Y) - softmax_cost(down, Y)) / (2 * h)
    # Truncation error of the central difference is about h^2 |J'''| (below 1e-10 here), and the
    # rounding of the two costs about u J / h (about 1e-11): 1e-8 is a wide margin above both.
    np.testing.assert_allclose(numeric, (softmax(Z) - Y) / m, atol=1e-8)


@pytest.mark.parametrize("function", [softmax, log_softmax])
@pytest.mark.parametrize("Z, message", [
    (np.array([1.0, 2.0]), "shape"),
    (np.zeros((3, 0)), "shape"),
    (np.array([[1.0], [np.nan]]), "finite"),
    (np.array([[np.inf], [0.0]]), "finite"),
])
def test_bad_logits_get_a_clear_error(function, Z, message):
    with pytest.raises(ValueError, match=message):
        function(Z)


@pytest.mark.parametrize("Y, message", [
    (np.array([[1.0, 0.0], [1.0, 1.0]]), "one-hot"),
    (np.array([[0.5, 0.0], [0.5, 1.0]]), "one-hot"),
    (np.eye(3), "shape"),
])
def test_softmax_cost_wants_one_hot_labels_of_the_same_shape(Y, message):
    with pytest.raises(ValueError, match=message):
        softmax_cost(np.zeros((2, 2)), Y)


def test_softmax_gradient_is_the_central_difference_of_the_cost_times_m(rng):
    # Per example: m times the slope of the average cost J (the bound as in the test above).
    K, m, h = 4, 6, 1e-5
    Z = rng.normal(scale=2, size=(K, m))
    Y = one_hot(rng.integers(0, K, size=m), K)
    numeric = np.zeros_like(Z)
    for index in np.ndindex(*Z.shape):
        up, down = Z.copy(), Z.copy()
        up[index] += h
        down[index] -= h
        numeric[index] = (softmax_cost(up, Y) - softmax_cost(down, Y)) / (2 * h)
    np.testing.assert_allclose(softmax_gradient(Z, Y), m * numeric, rtol=0, atol=m * 1e-8)


def test_softmax_gradient_of_huge_logits_is_exact():
    Z = np.array([[900.0, -5.0], [0.0, -900.0], [-900.0, 0.0]])
    Y = one_hot(np.array([2, 2]), 3)
    P = np.array([[1.0, np.exp(-5.0) / (1 + np.exp(-5.0))], [0.0, 0.0], [0.0, 1 / (1 + np.exp(-5.0))]])
    np.testing.assert_allclose(softmax_gradient(Z, Y), P - Y, rtol=0, atol=4 * U)


@pytest.mark.parametrize("Z, Y, message", [
    (np.zeros((2, 2)), np.eye(3), "shape"),
    (np.zeros((2, 2)), np.ones((2, 2)), "one-hot"),
    (np.array([[np.inf], [0.0]]), np.array([[1.0], [0.0]]), "finite"),
    (np.zeros(3), np.array([0.0, 1.0, 0.0]), "shape"),
])
def test_softmax_gradient_says_what_is_wrong(Z, Y, message):
    with pytest.raises(ValueError, match=message):
        softmax_gradient(Z, Y)


def test_class_confusion_counts_true_rows_against_predicted_columns():
    labels = np.array([[0, 0, 1, 2, 2, 2]])
    labels_hat = np.array([[0, 1, 1, 2, 0, 2]])
    counts = class_confusion(labels_hat, labels, 3)
    np.testing.assert_array_equal(counts, [[1, 1, 0], [0, 1, 0], [1, 0, 2]])
    assert counts.dtype.kind == "i"
    # flat labels too; every example counted once; the diagonal is the right answers
    assert np.array_equal(class_confusion(labels_hat[0], labels[0], 3), counts)
    assert counts.sum() == 6 and np.trace(counts) == np.sum(labels == labels_hat)


def test_class_confusion_of_two_classes_is_chapter_8s_confusion_matrix(rng):
    from nnlib.metrics import confusion_matrix

    Y = (rng.random((1, 50)) < 0.4).astype(int)
    Y_hat = (rng.random((1, 50)) < 0.5).astype(int)
    np.testing.assert_array_equal(class_confusion(Y_hat, Y, 2), confusion_matrix(Y_hat, Y))


@pytest.mark.parametrize("labels_hat, labels, k, message", [
    (np.array([[0, 1]]), np.array([[0, 1, 1]]), 2, "one label each"),
    (np.array([[0, 3]]), np.array([[0, 1]]), 3, "from 0 to 2"),
    (np.array([[0, 1]]), np.array([[0.5, 1]]), 3, "whole numbers"),
    (np.array([[0, 1]]), np.array([[0, 1]]), 1, "at least 2"),
])
def test_class_confusion_says_what_is_wrong(labels_hat, labels, k, message):
    with pytest.raises(ValueError, match=message):
        class_confusion(labels_hat, labels, k)
