"""The engine's part-three networks (rectifiers, a softmax output) against the textbook functions of nnlib.deep."""

import numpy as np
import pytest

import nnlib.fast.engine
import nnlib.fast.threads
from nnlib import init_params, one_hot
from nnlib.cost import cost_function
from nnlib.deep import logit_cost, logit_gradient, model_backward, model_forward
from nnlib.fast import cost_and_grads
from nnlib.fast import train as fast_train
from nnlib.fast.timing import synthetic_data
from rounding import (
    POWER,
    assert_within,
    cost_rounding_bound,
    engine_agreement_bound,
    gamma,
    probability_cost_rounding_bound,
)

NETWORKS = [[5, 3], [4, 16, 8, 3], [6, 12, 1]]


def data(dims, m=301, seed=0):
    """Inputs, and labels fit for the network's output: 0/1 for one unit, one-hot for K."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((dims[0], m))
    if dims[-1] == 1:
        return X, synthetic_data(m, dims[0], seed)[1]
    return X, one_hot(rng.integers(0, dims[-1], m), dims[-1])


def textbook_batches(m, epochs, seed, batch_size):
    """The batches nnlib.train takes, in its order: None for all m examples in theirs."""
    shuffle = np.random.default_rng(seed)
    n_batches = -(-m // (batch_size or m))
    for _ in range(epochs):
        yield from [None] if n_batches == 1 else np.array_split(shuffle.permutation(m), n_batches)


def record_steps(monkeypatch):
    """Make the engine keep what each step saw: its batch, parameters, cost and gradients."""
    seen = []
    gradients = nnlib.fast.engine.Step.gradients

    def recording(self, X, Y, batch, W, b, pool):
        params = {f"{n}{l}": p[l].copy() for l in range(1, self.L + 1) for n, p in (("W", W), ("b", b))}
        cost = gradients(self, X, Y, batch, W, b, pool)
        grads = {f"d{n}{l}": g[l].copy() for l in range(1, self.L + 1) for n, g in (("W", self.dW), ("b", self.db))}
        seen.append((None if batch is None else batch.copy(), params, cost, grads))
        return cost

    monkeypatch.setattr(nnlib.fast.engine.Step, "gradients", recording)
    return seen


@pytest.mark.parametrize("dims", NETWORKS, ids=str)
@pytest.mark.parametrize("batch_size", [None, 64], ids=["full", "batches64"])
@pytest.mark.parametrize("threads", [1, 3])
def test_relu_networks_train_as_the_textbook_loop_does(dims, batch_size, threads, monkeypatch):
    # 30 epochs from the same start through the same batches, each step checked at the parameters
    # it saw: the textbook's gradient and cost there, within rounding's bound, and its update.
    # (A whole trajectory has no such bound: training carries an early rounding along.)
    monkeypatch.setattr(nnlib.fast.threads, "MIN_WORK_PER_THREAD", 1 if threads > 1 else 10**12)
    seen = record_steps(monkeypatch)
    X, Y = data(dims)
    output = "sigmoid" if dims[-1] == 1 else "softmax"
    epochs, lr, seed = 30, 0.1, 3
    params, costs = fast_train(X, Y, dims, epochs, lr, seed=seed, batch_size=batch_size,
                               hidden="relu", output=output, scheme="he")
    batches = list(textbook_batches(X.shape[1], epochs, seed, batch_size))
    assert len(seen) == len(batches)
    expected, step_costs = init_params(dims, seed, scheme="he"), []
    for batch, (got_batch, at, cost, grads) in zip(batches, seen):
        # The same batch, from where the textbook's step left the parameters (W - lr dW is
        # elementwise, rounded the same way on any machine: exactly).
        assert got_batch is None if batch is None else np.array_equal(got_batch, batch)
        for name in expected:
            np.testing.assert_array_equal(at[name], expected[name], err_msg=name)
        X_b, Y_b = (X, Y) if batch is None else (X[:, batch], Y[:, batch])
        ZL, caches = model_forward(X_b, at, "relu")
        assert_within(grads, model_backward(logit_gradient(ZL, Y_b), caches, "relu"),
                      *engine_agreement_bound(at, X_b, Y_b, "relu", output))
        # Each cost within its rounding bound of the exact one (the engine's sigmoid is the
        # form this cost takes); the slices' costs, weighted by their shares and added, round
        # 3 times each and once per slice more: gamma_{threads + 3} of the cost.
        if output == "sigmoid":
            textbook_cost = cost_function(1 / (1 + np.exp(-ZL)), Y_b)
            bound = 2 * probability_cost_rounding_bound(at, X_b, Y_b, "relu")
        else:
            textbook_cost = logit_cost(ZL, Y_b)
            bound = 2 * cost_rounding_bound(at, X_b, Y_b, "relu")
        bound += gamma(threads + 3) * textbook_cost
        assert bound <= POWER * textbook_cost
        assert abs(cost - textbook_cost) <= bound
        step_costs.append(cost)
        expected = {name: p - lr * grads["d" + name] for name, p in at.items()}
    for name in expected:
        np.testing.assert_array_equal(params[name], expected[name], err_msg=name)
    # Each epoch's cost is the mean of its steps' costs: the same sum and division, exactly.
    n = len(batches) // epochs
    assert costs == [sum(step_costs[e * n:(e + 1) * n]) / n for e in range(epochs)]


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
    # log_softmax's own steps, and its sigmoid's error lies inside what the bound allows;
    # in 2 slices, their costs weighted by their shares and added: gamma_5 of the cost more.
    cost_bound = 2 * cost_rounding_bound(params, X, Y, hidden) + gamma(2 + 3) * logit_cost(ZL, Y)
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
