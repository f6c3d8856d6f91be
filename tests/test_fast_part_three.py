"""The engine's part-three networks (rectifiers, a softmax output) against the textbook functions of nnlib.deep."""

import numpy as np
import pytest

import nnlib.fast.threads
from nnlib import init_params, one_hot
from nnlib.cost import cost_function
from nnlib.deep import logit_cost, logit_gradient, model_backward, model_forward
from nnlib.fast import cost_and_grads
from nnlib.fast import train as fast_train
from nnlib.fast.timing import synthetic_data
from rounding import POWER, assert_within, cost_rounding_bound, engine_agreement_bound

UNIT_ROUNDOFF = {np.float64: 2.0**-53, np.float32: 2.0**-24}
NETWORKS = [[5, 3], [4, 16, 8, 3], [6, 12, 1]]


def data(dims, m=301, seed=0):
    """Inputs, and labels fit for the network's output: 0/1 for one unit, one-hot for K."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((dims[0], m))
    if dims[-1] == 1:
        return X, synthetic_data(m, dims[0], seed)[1]
    return X, one_hot(rng.integers(0, dims[-1], m), dims[-1])


def textbook_train(X, Y, dims, epochs, lr, seed, batch_size, hidden, output):
    """The loop of nnlib.train, with model_forward and model_backward for its steps.

    The same start (init_params with He's scheme), the same batches in the same
    order as nnlib.train takes them, plain gradient descent.
    """
    params = init_params(dims, seed, scheme="he")
    shuffle = np.random.default_rng(seed)
    m = X.shape[1]
    n_batches = -(-m // (batch_size or m))
    history = []
    for _ in range(epochs):
        batches = [slice(None)] if n_batches == 1 else np.array_split(shuffle.permutation(m), n_batches)
        costs = []
        for batch in batches:
            ZL, caches = model_forward(X[:, batch], params, hidden)
            Y_b = Y[:, batch]
            if output == "sigmoid":  # the engine's cost for a sigmoid output is train's, from AL
                costs.append(cost_function(1 / (1 + np.exp(-ZL)), Y_b))
            else:
                costs.append(logit_cost(ZL, Y_b))
            grads = model_backward(logit_gradient(ZL, Y_b), caches, hidden)
            params = {k: p - lr * grads["d" + k] for k, p in params.items()}
        history.append(sum(costs) / n_batches)
    return params, history


@pytest.mark.parametrize("dims", NETWORKS, ids=str)
@pytest.mark.parametrize("batch_size", [None, 64], ids=["full", "batches64"])
@pytest.mark.parametrize("threads", [1, 3])
def test_relu_networks_train_as_the_textbook_loop_does(dims, batch_size, threads, monkeypatch):
    # 30 epochs from the same start through the same batches: the same weights up to rounding.
    monkeypatch.setattr(nnlib.fast.threads, "MIN_WORK_PER_THREAD", 1 if threads > 1 else 10**12)
    X, Y = data(dims)
    output = "sigmoid" if dims[-1] == 1 else "softmax"
    epochs, lr = 30, 0.1
    expected, expected_costs = textbook_train(X, Y, dims, epochs, lr, 3, batch_size, "relu", output)
    params, costs = fast_train(X, Y, dims, epochs, lr, batch_size=batch_size,
                               hidden="relu", output=output, scheme="he")
    # Each step sums at most k terms in another order (k examples of a batch or units of a
    # layer): at most k u of their size apart, u the unit roundoff, over S steps S k u; in
    # float64 below 1e-10 for these sizes. A rectifier whose Z rounds to the other side of 0
    # would break this, and with inputs of size 1 and 30 epochs none does.
    steps = epochs * -(-X.shape[1] // (batch_size or X.shape[1]))
    bound = steps * max(batch_size or X.shape[1], *dims) * UNIT_ROUNDOFF[np.float64]
    assert bound < 1e-10
    for name in expected:
        difference = np.linalg.norm(params[name] - expected[name]) / np.linalg.norm(expected[name])
        assert difference <= 1e-10, name
    np.testing.assert_allclose(costs, expected_costs, rtol=1e-10)


@pytest.mark.parametrize("hidden", ["relu", "sigmoid"])
@pytest.mark.parametrize("dims", NETWORKS, ids=str)
def test_engine_gradients_are_model_backwards(hidden, dims):
    X, Y = data(dims, m=50, seed=1)
    params = init_params(dims, 2, scheme="he")
    output = "sigmoid" if dims[-1] == 1 else "softmax"
    # Both are within rounding's bound of the exact gradient of the same floats, whatever
    # order the slices and BLAS sum in (tests/rounding.py: agreement_bound, plus what the
    # engine's exp(log p) softmax may add); the bound is below POWER of the terms' sizes.
    bound, sizes = engine_agreement_bound(params, X, Y, hidden, output)
    ZL, caches = model_forward(X, params, hidden)
    expected = model_backward(logit_gradient(ZL, Y), caches, hidden)
    # Each cost within cost_rounding_bound of the exact one: the engine's log p is
    # log_softmax's own steps, and its sigmoid's error lies inside what the bound allows.
    cost_bound = 2 * cost_rounding_bound(params, X, Y, hidden)
    assert cost_bound <= POWER * logit_cost(ZL, Y)
    for threads in (1, 2):
        cost, grads = cost_and_grads(X, Y, params, threads, hidden=hidden, output=output)
        if output == "softmax":
            assert abs(cost - logit_cost(ZL, Y)) <= cost_bound
        assert_within(grads, expected, bound, sizes)


def test_a_relu_engine_without_its_slope_differs_from_the_textbook(monkeypatch):
    # The comparison above can fail: an engine that forgets the rectifier's slope in the
    # backward pass (passes dA through everywhere) gives other gradients.
    import nnlib.fast.engine as engine

    monkeypatch.setattr(engine, "times_relu_slope", lambda dA, A, out: dA)
    dims = [4, 16, 8, 3]
    X, Y = data(dims, m=50)
    params = init_params(dims, 2, scheme="he")
    _, grads = cost_and_grads(X, Y, params, hidden="relu", output="softmax")
    monkeypatch.undo()
    ZL, caches = model_forward(X, params, "relu")
    expected = model_backward(logit_gradient(ZL, Y), caches, "relu")
    assert not np.allclose(grads["dW1"], expected["dW1"], rtol=1e-6)


def test_the_engine_learns_the_digits_with_rectifiers_and_a_softmax():
    # A sanity check beyond agreement: the cost falls well below log 10, the cost of a uniform guess.
    from nnlib import load_digits

    X, labels = load_digits()
    Y = one_hot(labels, 10)
    _, costs = fast_train(X[:, :500] / 16, Y[:, :500], [64, 32, 10], 50, 0.5,
                          hidden="relu", output="softmax", scheme="he", seed=0)
    assert costs[0] > 0.9 * np.log(10)
    assert costs[-1] < 0.5 * np.log(10)


def test_bad_network_settings_say_what_is_allowed():
    X, Y = data([4, 3])
    with pytest.raises(ValueError, match="hidden must be one of 'sigmoid', 'relu'; got 'tanh'"):
        fast_train(X, Y, [4, 3], 1, 0.1, hidden="tanh")
    with pytest.raises(ValueError, match="output must be one of 'sigmoid', 'softmax'"):
        fast_train(X, Y, [4, 3], 1, 0.1, output="linear")
    two_hot = Y.copy()
    two_hot[0] = 1
    with pytest.raises(ValueError, match="one-hot labels"):
        fast_train(X, two_hot, [4, 3], 1, 0.1, output="softmax")
    X1, Y1 = data([4, 1])
    with pytest.raises(ValueError, match="one-hot labels"):
        fast_train(X1, Y1, [4, 1], 1, 0.1, output="softmax")
