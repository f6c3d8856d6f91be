"""nnlib.deep read from the logits: logit_cost, logit_gradient and predict_labels."""

import numpy as np
import pytest

from nnlib.cost import cost_from_logits
from nnlib.deep import logit_cost, logit_gradient, predict_labels
from nnlib.multiclass import one_hot, softmax_cost

U = np.finfo(float).eps / 2  # the unit roundoff of float64


def central_differences(Z, Y, h):
    """dJ/dZ entry by entry, (J(Z + h) - J(Z - h)) / 2h, with J = logit_cost."""
    numeric = np.zeros_like(Z)
    for index in np.ndindex(*Z.shape):
        up, down = Z.copy(), Z.copy()
        up[index] += h
        down[index] -= h
        numeric[index] = (logit_cost(up, Y) - logit_cost(down, Y)) / (2 * h)
    return numeric


def difference_bound(Z, h):
    """What rounding and truncation allow a central difference of logit_cost to miss by.

    Rounding: each cost is a mean of per-example terms, each of a few operations
    (the column's shift, K exps, a log-sum, a product with Y) on numbers at most
    max|Z| + log K in size; 10 K u times that bounds its error, and the quotient
    divides the error of the two costs by 2h. Truncation: h^2 / 6 times the
    third derivative, which for one entry is at most max |p (1 - p)(1 - 2p)| / m
    = 1 / (6 sqrt(3) m), below 0.1 / m.
    """
    K, m = Z.shape
    cost_error = 10 * max(K, 2) * U * (np.abs(Z).max() + np.log(max(K, 2)))
    return 2 * cost_error / (2 * h) + h**2 / 6 * 0.1 / m


@pytest.mark.parametrize("K", [3, 10])
def test_gradient_of_k_classes_is_the_central_difference_of_the_cost(rng, K):
    # logit_gradient is per example: the slope of the average cost J is it divided by m.
    m, h = 6, 1e-5
    Z = rng.normal(scale=3, size=(K, m))
    Y = one_hot(rng.integers(0, K, size=m), K)
    numeric = central_differences(Z, Y, h)
    bound = difference_bound(Z, h)
    assert bound < 1e-7  # a bound that would still catch a slope off by 1e-7
    np.testing.assert_allclose(numeric, logit_gradient(Z, Y) / m, rtol=0, atol=bound)


def test_gradient_of_one_output_is_the_central_difference_of_chapter_5s_cost(rng):
    m, h = 7, 1e-5
    Z = rng.normal(scale=3, size=(1, m))
    Y = (rng.random((1, m)) < 0.5).astype(float)
    numeric = central_differences(Z, Y, h)
    np.testing.assert_allclose(numeric, logit_gradient(Z, Y) / m, rtol=0, atol=difference_bound(Z, h))


def test_one_output_is_chapter_5s_cost_and_slope(rng):
    # K = 1: the very function of chapter 5, and its slope sigmoid(z) - y.
    Z = rng.normal(scale=5, size=(1, 9))
    Y = (rng.random((1, 9)) < 0.5).astype(float)
    assert logit_cost(Z, Y) == cost_from_logits(Z, Y)
    # 1 / (1 + e^-z) rounds a few times, to a few u of a number below 1
    np.testing.assert_allclose(logit_gradient(Z, Y), 1 / (1 + np.exp(-Z)) - Y, rtol=0, atol=8 * U)


def test_one_sigmoid_output_is_a_two_class_softmax(rng):
    # softmax of the logits (z, 0) gives sigmoid(z) to class 0: the same cost both ways.
    z = rng.normal(scale=4, size=(1, 8))
    y = (rng.random((1, 8)) < 0.5).astype(np.int64)
    two = np.vstack([z, np.zeros_like(z)])
    as_two_classes = one_hot(1 - y, 2)  # label 1 is class 0, the row of z
    # each form rounds a few times per example, on terms at most |z| + log 2 in size
    bound = 20 * U * (np.abs(z).max() + 1)
    np.testing.assert_allclose(logit_cost(two, as_two_classes), logit_cost(z, y), rtol=0, atol=bound)
    np.testing.assert_allclose(logit_gradient(two, as_two_classes)[0], logit_gradient(z, y)[0],
                               rtol=0, atol=bound)


def test_k_classes_are_softmax_cost_and_softmax_minus_y():
    Z = np.array([[2.0, -1.0], [0.0, 3.0], [-2.0, 0.5]])
    Y = one_hot(np.array([0, 2]), 3)
    assert logit_cost(Z, Y) == softmax_cost(Z, Y)
    P = np.exp(Z) / np.exp(Z).sum(axis=0)
    np.testing.assert_allclose(logit_gradient(Z, Y), P - Y, rtol=0, atol=8 * U)
    # each column of the slope sums to 0: probabilities and label each sum to 1
    np.testing.assert_allclose(logit_gradient(Z, Y).sum(axis=0), 0, atol=8 * U)


def test_huge_logits_give_exact_slopes_without_warnings():
    # RuntimeWarnings are errors in this suite: no exp may overflow.
    Z = np.array([[1000.0, -1000.0], [0.0, 1000.0], [-1000.0, 0.0]])
    Y = one_hot(np.array([1, 1]), 3)
    np.testing.assert_array_equal(logit_gradient(Z, Y), [[1.0, 0.0], [-1.0, 0.0], [0.0, 0.0]])
    assert logit_cost(Z, Y) == pytest.approx(500.0, rel=1e-15)  # 1000 nats, then 0


def single_layer(W, b):
    return {"W1": np.asarray(W, dtype=float), "b1": np.asarray(b, dtype=float)}


def test_predict_labels_takes_the_largest_logit():
    # A one-layer network whose logits are its inputs: the label is each column's argmax.
    X = np.array([[0.1, 5.0, -1.0, 0.0], [0.3, 1.0, -2.0, 2.0], [0.2, -3.0, -0.5, 1.0]])
    labels = predict_labels(X, single_layer(np.eye(3), np.zeros((3, 1))))
    np.testing.assert_array_equal(labels, [[1, 0, 2, 1]])
    assert labels.shape == (1, 4) and labels.dtype.kind == "i"


def test_predict_labels_of_one_output_is_one_where_the_logit_is_positive():
    X = np.array([[1.0, -1.0, 0.0, 2.0], [0.0, 0.0, 0.0, 3.0]])
    labels = predict_labels(X, single_layer([[1.0, -1.0]], [[0.0]]))
    # logits 1, -1, 0, -1: a logit of exactly 0 is a probability of exactly 1/2, not above it
    np.testing.assert_array_equal(labels, [[1, 0, 0, 0]])


def test_predict_labels_runs_the_hidden_layers():
    # [2, 2, 2]: ReLU of (x1, -x1) then swapped rows, so the label is 1 where x1 > 0.
    params = {"W1": np.array([[1.0, 0.0], [-1.0, 0.0]]), "b1": np.zeros((2, 1)),
              "W2": np.array([[0.0, 1.0], [1.0, 0.0]]), "b2": np.zeros((2, 1))}
    X = np.array([[2.0, -3.0, 0.5], [9.0, 9.0, -9.0]])
    np.testing.assert_array_equal(predict_labels(X, params, hidden="relu"), [[1, 0, 1]])


@pytest.mark.parametrize("ZL, Y, message", [
    (np.zeros((3, 2)), one_hot(np.array([0, 1, 2]), 3), r"shape \(3, 3\) but expected \(3, 2\)"),
    (np.zeros((3, 2)), np.array([[1.0, 1.0], [1.0, 0.0], [0.0, 0.0]]), "one-hot"),
    (np.zeros((3, 2)), np.array([[0.5, 1.0], [0.5, 0.0], [0.0, 0.0]]), "0 or 1"),
    (np.zeros((1, 3)), np.array([[0.0, 2.0, 1.0]]), "0 or 1"),
    (np.zeros(3), np.array([0.0, 1.0, 1.0]), "shape"),
    (np.array([[0.0, np.nan]]), np.array([[0.0, 1.0]]), "finite"),
])
def test_logit_gradient_says_what_is_wrong(ZL, Y, message):
    with pytest.raises(ValueError, match=message):
        logit_gradient(ZL, Y)


@pytest.mark.parametrize("ZL, Y, message", [
    (np.zeros((3, 2)), np.ones((3, 2)), "one-hot"),
    (np.zeros((3, 2)), np.eye(3), "shape"),
    (np.zeros((1, 3)), np.array([[0.0, 2.0, 1.0]]), "0 or 1"),
    (np.zeros(3), np.array([0.0, 1.0, 1.0]), "shape"),
])
def test_logit_cost_says_what_is_wrong(ZL, Y, message):
    with pytest.raises(ValueError, match=message):
        logit_cost(ZL, Y)


def test_predict_labels_says_when_x_does_not_fit_the_network():
    with pytest.raises(ValueError, match="X.T"):
        predict_labels(np.zeros((4, 3)), single_layer(np.eye(3), np.zeros((3, 1))))
