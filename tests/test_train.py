import numpy as np
import pytest

from nnlib import accuracy, load_breast_cancer, predict, standardize, train, train_test_split


@pytest.fixture(scope="module")
def cancer():
    X, Y, _ = load_breast_cancer()
    X_train, X_test, Y_train, Y_test = train_test_split(X, Y, seed=0)
    X_train, X_test = standardize(X_train, X_test)
    return X_train, X_test, Y_train, Y_test


def test_training_lowers_the_cost(cancer):
    # A seeded run: the cost falls from log 2 (all outputs ~0.5) to well below it.
    X_train, _, Y_train, _ = cancer
    _, history = train(X_train, Y_train, [30, 8, 1], epochs=300, lr=0.5)
    assert len(history) == 300
    assert history[0] == pytest.approx(np.log(2), abs=0.01)
    assert history[-1] < 0.3 * history[0]
    assert all(b <= a + 1e-12 for a, b in zip(history, history[1:]))


def test_training_is_deterministic(cancer):
    X_train, _, Y_train, _ = cancer
    p1, h1 = train(X_train, Y_train, [30, 4, 1], epochs=20, lr=0.5)
    p2, h2 = train(X_train, Y_train, [30, 4, 1], epochs=20, lr=0.5)
    assert h1 == h2
    np.testing.assert_array_equal(p1["W1"], p2["W1"])


def test_trained_net_generalises(cancer):
    # The train chapter's claim: at least 95% test accuracy.
    X_train, X_test, Y_train, Y_test = cancer
    params, _ = train(X_train, Y_train, [30, 8, 1], epochs=2000, lr=0.5)
    assert accuracy(predict(X_test, params), Y_test) >= 0.95


def test_zero_epochs_returns_the_initial_parameters(cancer):
    X_train, _, Y_train, _ = cancer
    params, history = train(X_train, Y_train, [30, 2, 1], epochs=0, lr=0.1)
    assert history == []
    assert params["W1"].shape == (2, 30)


def test_predict_and_accuracy():
    params = {"W1": np.array([[1.0]]), "b1": np.array([[0.0]])}
    Y_hat = predict(np.array([[-2.0, 0.0, 3.0]]), params)
    np.testing.assert_array_equal(Y_hat, [[0, 1, 1]])
    assert Y_hat.dtype.kind == "i"
    assert accuracy(Y_hat, np.array([[0, 0, 1]])) == pytest.approx(2 / 3)


X_OK = np.zeros((3, 4))
Y_OK = np.array([[0, 1, 0, 1]])


@pytest.mark.parametrize(
    "X, Y, dims, epochs, lr, message",
    [
        (X_OK.T, Y_OK, [3, 2, 1], 1, 0.1, r"X has shape \(4, 3\).*did you mean X\.T"),
        (X_OK, Y_OK.ravel(), [3, 2, 1], 1, 0.1, r"Y has shape \(4,\) but expected \(1, 4\)"),
        (X_OK, Y_OK.T, [3, 2, 1], 1, 0.1, r"Y has shape \(4, 1\)"),
        (X_OK, np.array([[0, 1, 2, 1]]), [3, 2, 1], 1, 0.1, "labels 0 or 1"),
        (X_OK, np.array([[0, 0.5, 1, 1]]), [3, 2, 1], 1, 0.1, "labels 0 or 1"),
        (np.full((3, 4), np.nan), Y_OK, [3, 2, 1], 1, 0.1, "NaN or infinite"),
        (np.full((3, 4), np.inf), Y_OK, [3, 2, 1], 1, 0.1, "NaN or infinite"),
        (X_OK, Y_OK, [5, 2, 1], 1, 0.1, r"X has shape \(3, 4\) but layer_dims\[0\] = 5 expects 5 rows"),
        (X_OK, Y_OK, [3, 2, 2], 1, 0.1, r"expected \(2, 4\)"),
        (X_OK, Y_OK, [3], 1, 0.1, "at least two sizes"),
        (X_OK, Y_OK, [3, 2, 1], 1, 0, "lr must be a positive number"),
        (X_OK, Y_OK, [3, 2, 1], 1, -0.5, "lr must be a positive number"),
        (X_OK, Y_OK, [3, 2, 1], -1, 0.1, "epochs must be a whole number"),
        (X_OK, Y_OK, [3, 2, 1], 2.5, 0.1, "epochs must be a whole number"),
    ],
)
def test_bad_input_is_named(X, Y, dims, epochs, lr, message):
    with pytest.raises(ValueError, match=message):
        train(X, Y, dims, epochs, lr)


def test_predict_checks_its_input():
    params = {"W1": np.array([[1.0, 1.0]]), "b1": np.array([[0.0]])}
    with pytest.raises(ValueError, match=r"did you mean X\.T"):
        predict(np.zeros((5, 2)), params)
    with pytest.raises(ValueError, match="threshold"):
        predict(np.zeros((2, 5)), params, threshold=1.5)
    with pytest.raises(ValueError, match="2-D"):
        accuracy(np.zeros(3), np.zeros((1, 3)))
