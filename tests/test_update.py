import numpy as np
import pytest

from nnlib import update_parameters


def make():
    params = {"W1": np.array([[1.0, 2.0]]), "b1": np.array([[0.5]])}
    grads = {"dW1": np.array([[0.1, -0.2]]), "db1": np.array([[1.0]])}
    return params, grads


def test_one_step_of_gradient_descent():
    # W - lr dW and b - lr db, elementwise.
    params, grads = make()
    new = update_parameters(params, grads, 0.5)
    np.testing.assert_allclose(new["W1"], [[0.95, 2.1]])
    np.testing.assert_allclose(new["b1"], [[0.0]])


def test_inputs_are_left_unchanged():
    params, grads = make()
    update_parameters(params, grads, 0.5)
    np.testing.assert_array_equal(params["W1"], [[1.0, 2.0]])


def test_missing_gradient_is_named():
    # The tutorial read grads['W1'] where backprop wrote 'dW1'.
    params, _ = make()
    with pytest.raises(ValueError, match=r"grads\['dW1'\]"):
        update_parameters(params, {"W1": np.zeros((1, 2)), "b1": np.zeros((1, 1))}, 0.1)


def test_gradient_of_the_wrong_shape():
    params, grads = make()
    grads["db1"] = np.zeros((2, 1))
    with pytest.raises(ValueError, match=r"grads\['db1'\] must be an array of shape \(1, 1\)"):
        update_parameters(params, grads, 0.1)


@pytest.mark.parametrize("lr", [0, -0.1, float("nan"), float("inf"), "0.1", True])
def test_learning_rate_must_be_positive(lr):
    params, grads = make()
    with pytest.raises(ValueError, match="learning_rate must be a positive number"):
        update_parameters(params, grads, lr)
