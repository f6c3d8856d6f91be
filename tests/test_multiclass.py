import numpy as np
import pytest

from nnlib.multiclass import log_softmax, one_hot, softmax, softmax_cost

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
