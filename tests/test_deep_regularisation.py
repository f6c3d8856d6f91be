"""nnlib.deep's regularisers: the L2 penalty and its gradient, dropout, early stopping."""

import numpy as np
import pytest

from nnlib import init_params, one_hot
from nnlib.deep import (
    best_epoch,
    l2_gradient,
    l2_penalty,
    logit_cost,
    logit_gradient,
    model_backward,
    model_forward,
    train_model,
)
from nnlib.autodiff import agreement_bound
from nnlib.optimisers import Adam, GradientDescent
from rounding import POWER, U, assert_within, cost_rounding_bound, gamma

H = 1e-5  # central-difference step


def _net(n_out, seed=0, m=7):
    """A [5, 6, 4, n_out] ReLU network with biases away from 0, and m examples."""
    rng = np.random.default_rng(seed)
    params = init_params([5, 6, 4, n_out], seed=seed, scheme="he")
    for name in params:
        if name.startswith("b"):
            params[name] = 0.3 * rng.standard_normal(params[name].shape)
    X = rng.standard_normal((5, m))
    if n_out == 1:
        Y = (rng.random((1, m)) < 0.5).astype(float)
    else:
        Y = one_hot(rng.integers(0, n_out, size=(1, m)), n_out)
    return params, X, Y


def _central_differences(J, params):
    grads = {}
    for name, value in params.items():
        g = np.zeros_like(value)
        for index in np.ndindex(value.shape):
            up = {k: v.copy() for k, v in params.items()}
            down = {k: v.copy() for k, v in params.items()}
            up[name][index] += H
            down[name][index] -= H
            g[index] = (J(up) - J(down)) / (2 * H)
        grads["d" + name] = g
    return grads


def _relative_error(a, b):
    return np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-300)


def _away_from_kinks(params, X, keep_prob=1.0, seed=None):
    # A central difference across a ReLU's kink measures neither slope: every
    # hidden pre-activation must stay further than the step could move it.
    rng = None if seed is None else np.random.default_rng(seed)
    _, caches = model_forward(X, params, "relu", keep_prob, rng)
    return min(np.abs(Z).min() for _, Z, _ in caches[:-1]) > 100 * H


# Each gradient is compared with central differences of the cost. The
# quotient's truncation error is about H**2 / 6 times a third derivative (some
# 1e-10 here) and its rounding error about u |J| / H (some 1e-11): relative
# errors near 1e-9 against the gradients' sizes near 1e-1. 1e-6 leaves a
# thousandfold margin, and any slip (a missing 1/m, a factor 2, a penalised
# bias) gives an error of 1e-2 or more.
RTOL = 1e-6


@pytest.mark.parametrize("n_out", [1, 3])
def test_l2_gradient_is_the_slope_of_cost_plus_penalty(n_out):
    # backprop's gradient plus l2_gradient equals the central differences of J + penalty
    params, X, Y = _net(n_out)
    m, l2 = X.shape[1], 0.7
    assert _away_from_kinks(params, X)

    def J(p):
        return logit_cost(model_forward(X, p, "relu")[0], Y) + l2_penalty(p, l2, m)

    ZL, caches = model_forward(X, params, "relu")
    grads = model_backward(logit_gradient(ZL, Y), caches, "relu")
    penalty = l2_gradient(params, l2, m)
    numerical = _central_differences(J, params)
    for key in grads:
        assert _relative_error(grads[key] + penalty[key], numerical[key]) < RTOL, key


def test_l2_penalty_and_gradient_known_values():
    # (l2 / 2m) sum W^2 over every W and no b; gradient (l2 / m) W and 0 for b
    params = {"W1": np.array([[1.0, -2.0]]), "b1": np.array([[5.0]]),
              "W2": np.array([[3.0]]), "b2": np.array([[-4.0]])}
    assert l2_penalty(params, 0.5, 4) == pytest.approx(0.5 / 8 * (1 + 4 + 9), rel=1e-15)
    grads = l2_gradient(params, 0.5, 4)
    assert set(grads) == {"dW1", "db1", "dW2", "db2"}
    np.testing.assert_array_equal(grads["dW1"], [[0.125, -0.25]])
    np.testing.assert_array_equal(grads["dW2"], [[0.375]])
    np.testing.assert_array_equal(grads["db1"], [[0.0]])
    np.testing.assert_array_equal(grads["db2"], [[0.0]])
    assert l2_penalty(params, 0.0, 4) == 0.0


class RecordingDescent(GradientDescent):
    """Plain gradient descent that keeps the parameters and gradients of every step it takes."""

    def __init__(self, rate):
        super().__init__(rate)
        self.steps = []

    def step(self, params, grads):
        self.steps.append(({k: v.copy() for k, v in params.items()}, {k: v.copy() for k, v in grads.items()}))
        return super().step(params, grads)


def test_train_model_adds_the_penalty_of_the_whole_training_set_to_every_batch():
    # A batch of 3 after two of 4: every step decays W by the training set's m = 11,
    # and the cost of each batch carries (l2 / 2m) sum W^2, so each step's gradient is
    # model_backward + l2_gradient(params, l2, 11) at that step's parameters, and its
    # cost logit_cost + l2_penalty(params, l2, 11).
    params, X, Y = _net(3, seed=1, m=11)
    l2, rate, seed = 2.0, 0.1, 5
    descent = RecordingDescent(rate)
    trained, history = train_model(X, Y, params, descent, 1, batch_size=4, l2=l2, seed=seed)

    order = np.random.default_rng(seed).permutation(11)
    assert len(descent.steps) == 3
    p, costs, cost_bound = params, [], 0.0
    for (at, grads), start in zip(descent.steps, (0, 4, 8)):
        # Each step starts where the last ended: the same elementwise p - rate g, exactly.
        for k in p:
            np.testing.assert_array_equal(at[k], p[k])
        batch = order[start:start + 4]
        X_b, Y_b = X[:, batch], Y[:, batch]
        ZL, caches = model_forward(X_b, at, "relu")
        backward = model_backward(logit_gradient(ZL, Y_b), caches, "relu")
        penalty = l2_gradient(at, l2, 11)
        expected = {k: backward[k] + penalty[k] for k in backward}
        # Both sides compute model_backward, perhaps summing in other orders: within
        # agreement_bound of each other; then each adds the same (l2 / m) W, rounding once
        # more, u of the sum each. The bound stays below POWER of the terms' sizes.
        bound, sizes = agreement_bound(at, X_b, Y_b, "relu", sizes=True)
        bound = {k: bound[k] + 2 * U * (np.abs(backward[k]) + np.abs(penalty[k])) for k in bound}
        assert_within(grads, expected, bound, {k: sizes[k] + np.abs(penalty[k]) for k in sizes})
        # The cost: each side's logit_cost within cost_rounding_bound of the exact one;
        # l2_penalty's squares and sums within gamma_{N + 3} of it (N weights, the
        # division and product by l2 / 2m); the sum of the two, u of it.
        cost = logit_cost(ZL, Y_b) + l2_penalty(at, l2, 11)
        weights = sum(at[k].size for k in at if k.startswith("W"))
        cost_bound += 2 * (cost_rounding_bound(at, X_b, Y_b, "relu")
                           + gamma(weights + 3) * l2_penalty(at, l2, 11) + U * cost)
        costs.append(cost)
        p = GradientDescent(rate).step(at, grads)
    for k in p:
        np.testing.assert_array_equal(trained[k], p[k])
    # The mean of 3 costs: two additions and a division, on each side.
    cost_bound = cost_bound / 3 + 2 * (gamma(2) + U) * np.mean(costs)
    assert cost_bound <= POWER * np.mean(costs)
    assert abs(history["cost"][0] - np.mean(costs)) <= cost_bound


def test_l2_shrinks_the_weights():
    # the stronger the penalty, the smaller the trained weights
    params, X, Y = _net(3, seed=2, m=20)
    sizes = []
    for l2 in (0.0, 1.0, 10.0):
        trained, _ = train_model(X, Y, params, Adam(0.01), 200, l2=l2)
        sizes.append(sum(np.sum(trained[f"W{l}"] ** 2) for l in (1, 2, 3)))
    assert sizes[0] > sizes[1] > sizes[2]


def test_dropout_masks_are_zero_or_one_over_keep_prob_and_keep_the_mean():
    # each mask entry is 0 or 1/keep_prob; its mean is 1 within the binomial's spread
    params = init_params([30, 400, 300, 2], seed=0, scheme="he")
    X = np.random.default_rng(1).standard_normal((30, 50))
    for keep_prob in (0.2, 0.5, 0.9):
        _, caches = model_forward(X, params, "relu", keep_prob, np.random.default_rng(3))
        assert caches[-1][2] is None  # the output layer is never dropped
        for _, _, mask in caches[:-1]:
            values = np.unique(mask)
            np.testing.assert_array_equal(values, [0.0, 1 / keep_prob])
            # kept ~ Binomial(n, keep_prob): the mean of the mask, kept / (n keep_prob),
            # has standard deviation sqrt((1 - keep_prob) / (n keep_prob)); 6 of them
            # (a chance below 1e-8 for a correct mask) is far below any slip's
            # effect (no division: a mean of keep_prob; divided twice: 1 / keep_prob).
            n = mask.size
            sd = np.sqrt((1 - keep_prob) / (n * keep_prob))
            assert abs(mask.mean() - 1) < 6 * sd, (keep_prob, mask.mean())


def test_dropout_zeroes_a_dropped_units_output_and_scales_a_kept_one():
    # A[l] = relu(Z[l]) * mask: 0 where dropped, relu(Z) / keep_prob where kept
    params, X, _ = _net(3, seed=3, m=40)
    keep_prob = 0.6
    ZL, caches = model_forward(X, params, "relu", keep_prob, np.random.default_rng(0))
    (A1, _, _), _, _ = caches[1]  # the input of layer 2 is the dropped-out A[1]
    _, Z1, mask1 = caches[0]
    np.testing.assert_array_equal(A1[mask1 == 0], 0.0)
    kept = mask1 > 0
    np.testing.assert_allclose(A1[kept], np.maximum(Z1, 0)[kept] / keep_prob, rtol=1e-15)


def test_dropout_passes_no_gradient_through_a_dropped_unit():
    # a unit dropped for every example gets no gradient into its weights and bias
    params, X, Y = _net(3, seed=4, m=2)
    params = dict(params, W1=init_params([5, 40, 4, 3], seed=4, scheme="he")["W1"],
                  b1=0.3 * np.ones((40, 1)), W2=init_params([5, 40, 4, 3], seed=5, scheme="he")["W2"])
    ZL, caches = model_forward(X, params, "relu", 0.5, np.random.default_rng(6))
    grads = model_backward(logit_gradient(ZL, Y), caches, "relu")
    mask1 = caches[0][2]
    dropped = np.all(mask1 == 0, axis=1)
    assert 0 < dropped.sum() < 40  # some units dropped for both examples, not all
    np.testing.assert_array_equal(grads["dW1"][dropped], 0.0)
    np.testing.assert_array_equal(grads["db1"][dropped], 0.0)
    # a unit gets gradient only where it was kept and its ReLU active; some do
    passes = ((mask1 > 0) & (caches[0][1] > 0)).any(axis=1)
    np.testing.assert_array_equal(grads["dW1"][~passes], 0.0)
    assert np.any(grads["dW1"][passes] != 0)


@pytest.mark.parametrize("n_out", [1, 3])
def test_dropout_backward_agrees_with_central_differences_at_a_fixed_mask(n_out):
    # the same seed draws the same masks, so J is a function of the weights alone
    params, X, Y = _net(n_out, seed=7)
    keep_prob, seed = 0.7, 11
    assert _away_from_kinks(params, X, keep_prob, seed)

    def J(p):
        return logit_cost(model_forward(X, p, "relu", keep_prob, np.random.default_rng(seed))[0], Y)

    ZL, caches = model_forward(X, params, "relu", keep_prob, np.random.default_rng(seed))
    assert any(np.any(mask == 0) for _, _, mask in caches[:-1])
    grads = model_backward(logit_gradient(ZL, Y), caches, "relu")
    numerical = _central_differences(J, params)
    for key in grads:
        assert _relative_error(grads[key], numerical[key]) < RTOL, key


def test_keep_prob_one_is_no_dropout_bit_for_bit():
    # keep_prob=1 neither draws a mask nor changes a single bit, forward or in training
    params, X, Y = _net(3, seed=8, m=30)
    plain, plain_caches = model_forward(X, params, "relu")
    rng = np.random.default_rng(0)
    same, same_caches = model_forward(X, params, "relu", 1.0, rng)
    np.testing.assert_array_equal(plain, same)
    assert all(mask is None for _, _, mask in same_caches)
    assert rng.random() == np.random.default_rng(0).random()  # nothing drawn
    a, history_a = train_model(X, Y, params, Adam(0.01), 5, batch_size=8, seed=2, X_val=X, Y_val=Y)
    b, history_b = train_model(X, Y, params, Adam(0.01), 5, batch_size=8, seed=2, keep_prob=1.0,
                               X_val=X, Y_val=Y)
    assert history_a == history_b
    for key in a:
        np.testing.assert_array_equal(a[key], b[key])


@pytest.mark.parametrize("l2", [-0.1, np.nan, np.inf, True, "0.1", None])
def test_bad_l2_is_refused(l2):
    params, X, Y = _net(3)
    with pytest.raises(ValueError, match="l2 must be a number, zero or more"):
        train_model(X, Y, params, Adam(), 1, l2=l2)
    with pytest.raises(ValueError, match="l2 must be"):
        l2_penalty(params, l2, 7)
    with pytest.raises(ValueError, match="l2 must be"):
        l2_gradient(params, l2, 7)


@pytest.mark.parametrize("m", [0, -3, 2.5, True])
def test_bad_m_is_refused(m):
    params, _, _ = _net(3)
    with pytest.raises(ValueError, match="m must be the number of training examples"):
        l2_penalty(params, 0.1, m)
    with pytest.raises(ValueError, match="m must be the number of training examples"):
        l2_gradient(params, 0.1, m)


@pytest.mark.parametrize("keep_prob", [0, 0.0, -0.5, 1.5, np.nan, True, "0.5"])
def test_bad_keep_prob_is_refused(keep_prob):
    params, X, Y = _net(3)
    with pytest.raises(ValueError, match="keep_prob must be a probability above 0 and at most 1"):
        train_model(X, Y, params, Adam(), 1, keep_prob=keep_prob)
    with pytest.raises(ValueError, match="keep_prob must be"):
        model_forward(X, params, "relu", keep_prob, np.random.default_rng(0))


def test_dropout_without_a_generator_is_refused():
    params, X, _ = _net(3)
    with pytest.raises(ValueError, match="rng=np.random.default_rng"):
        model_forward(X, params, "relu", 0.5)


def test_best_epoch_is_the_first_lowest_validation_cost():
    assert best_epoch([0.9, 0.5, 0.7, 0.5, 0.6]) == 1
    assert best_epoch(np.array([0.3])) == 0
    for bad in ([], [[0.1, 0.2]], [0.1, np.nan]):
        with pytest.raises(ValueError, match="val_costs must be"):
            best_epoch(bad)


def test_training_to_the_best_epoch_gives_that_epochs_weights():
    # epochs 1..k of a longer run, with the same seed, are the run of k epochs
    params, X, Y = _net(3, seed=9, m=24)
    X_val, Y_val = X[:, :10], Y[:, :10]
    _, long = train_model(X, Y, params, Adam(0.05), 30, batch_size=8, keep_prob=0.8, l2=0.1,
                          seed=4, X_val=X_val, Y_val=Y_val)
    k = best_epoch(long["val_cost"])
    stopped, short = train_model(X, Y, params, Adam(0.05), k + 1, batch_size=8, keep_prob=0.8,
                                 l2=0.1, seed=4, X_val=X_val, Y_val=Y_val)
    assert short["val_cost"] == long["val_cost"][:k + 1]
    ZL, _ = model_forward(X_val, stopped, "relu")
    assert logit_cost(ZL, Y_val) == long["val_cost"][k] == min(long["val_cost"])
