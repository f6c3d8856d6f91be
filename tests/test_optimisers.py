"""Tests of nnlib.optimisers: each rule against steps worked out by hand."""

import numpy as np
import pytest

from nnlib import init_params, load_digits, one_hot
from nnlib.deep import logit_gradient, model_backward, model_forward, train_model
from nnlib.optimisers import Adam, GradientDescent, Momentum, minibatches

U = np.finfo(float).eps / 2  # unit roundoff


def scalar(value):
    return {"W1": np.array([[value]])}


def grad(value):
    return {"dW1": np.array([[value]])}


def test_gradient_descent_takes_rate_times_the_gradient():
    # 0.5 and powers of 2: every number below is exact in binary.
    params = {"W1": np.array([[1.0, 2.0]]), "b1": np.array([[0.5]])}
    grads = {"dW1": np.array([[0.5, -1.0]]), "db1": np.array([[2.0]])}
    new = GradientDescent(0.25).step(params, grads)
    assert set(new) == {"W1", "b1"}
    np.testing.assert_array_equal(new["W1"], [[0.875, 2.25]])
    np.testing.assert_array_equal(new["b1"], [[0.0]])


def test_momentum_two_steps_by_hand():
    # beta 0.5, rate 0.25, gradients 2 then 4:
    # v1 = 0.5 * 2 = 1, theta1 = 1 - 0.25 = 0.75;
    # v2 = 0.5 * 1 + 0.5 * 4 = 2.5, theta2 = 0.75 - 0.625 = 0.125 (all exact).
    opt = Momentum(0.25, beta=0.5)
    theta1 = opt.step(scalar(1.0), grad(2.0))
    assert theta1["W1"][0, 0] == 0.75
    theta2 = opt.step(theta1, grad(4.0))
    assert theta2["W1"][0, 0] == 0.125


def test_momentum_under_a_constant_gradient_steps_as_gradient_descent():
    # v = (1 - beta^t) g: after 300 steps at beta 0.9, within 0.9^300 < 1e-13 of g,
    # so the step is rate * g, plain gradient descent's, not rate * g / (1 - beta).
    opt, params, g = Momentum(0.1, beta=0.9), scalar(0.0), 3.0
    for _ in range(300):
        before = params["W1"][0, 0]
        params = opt.step(params, grad(g))
    step = before - params["W1"][0, 0]
    np.testing.assert_allclose(step, 0.1 * g, rtol=1e-12)


def test_adam_two_steps_by_hand():
    # beta1 0.5, beta2 0.75, gradients 2 then 4. Step 1: m_hat = 2, v_hat = 4,
    # step rate * 2 / (2 + eps). Step 2: m = 0.25 * 2 + 0.5 * 4 = 2.5 over
    # 1 - 0.25 gives m_hat = 10 / 3; v = 0.75 * 0.25 * 4 + 0.25 * 16 = 4.75 over
    # 1 - 0.5625 gives v_hat = 76 / 7.
    rate, eps = 0.5, 1e-8
    opt = Adam(rate, beta1=0.5, beta2=0.75, eps=eps)
    theta1 = opt.step(scalar(1.0), grad(2.0))
    np.testing.assert_allclose(theta1["W1"][0, 0], 1.0 - rate * 2 / (2 + eps), rtol=8 * U)
    theta2 = opt.step(theta1, grad(4.0))
    expected = theta1["W1"][0, 0] - rate * (10 / 3) / (np.sqrt(76 / 7) + eps)
    np.testing.assert_allclose(theta2["W1"][0, 0], expected, rtol=16 * U)


@pytest.mark.parametrize("settings", [{}, {"beta1": 0.5, "beta2": 0.9}, {"beta1": 0.0, "beta2": 0.0}])
def test_adams_first_step_is_rate_in_the_sign_of_the_gradient(settings):
    # Bias correction makes m_hat = g and v_hat = g^2 at step 1, so the step is
    # rate * g / (|g| + eps): rate * sign(g) but for rate * eps / (|g| + eps),
    # plus a few roundings of size u (the 1 - beta^t divisions, the sqrt).
    rate = 0.003
    g = np.array([[2.5, -1e-3, 40.0], [-7.0, 1e3, 0.0]])
    opt = Adam(rate, eps=1e-8, **settings)
    theta0 = {"W1": np.ones_like(g)}
    step = opt.step(theta0, {"dW1": g})["W1"] - theta0["W1"]
    bound = rate * (1e-8 / (np.abs(g) + 1e-8) + 16 * U) + 2 * U  # the last: 1 - step's rounding
    assert np.all(np.abs(step - (-rate * np.sign(g))) <= bound)
    assert step[1, 2] == 0.0  # a zero gradient moves nothing


@pytest.mark.parametrize("make", [lambda: GradientDescent(0.1), lambda: Momentum(0.1, beta=0.8),
                                  lambda: Adam(0.01)])
def test_reset_forgets(make):
    # After reset, the optimiser steps as a fresh one does.
    rng = np.random.default_rng(0)
    params = {"W1": rng.standard_normal((3, 2)), "b1": rng.standard_normal((3, 1))}
    grads = [{"d" + k: rng.standard_normal(v.shape) for k, v in params.items()} for _ in range(4)]
    used = make()
    for g in grads[:3]:
        used.step(params, g)
    used.reset()
    after_reset = used.step(params, grads[3])
    fresh = make().step(params, grads[3])
    for name in params:
        np.testing.assert_array_equal(after_reset[name], fresh[name])


@pytest.mark.parametrize("make", [lambda: GradientDescent(0.1), lambda: Momentum(0.1),
                                  lambda: Adam(0.01)])
def test_the_params_passed_in_are_not_changed(make):
    # step returns new arrays; the caller's weights, and its gradients, stay as they were.
    rng = np.random.default_rng(1)
    params = {"W1": rng.standard_normal((3, 2)), "b1": rng.standard_normal((3, 1))}
    grads = {"d" + k: rng.standard_normal(v.shape) for k, v in params.items()}
    kept = {k: v.copy() for k, v in params.items()}
    kept_grads = {k: v.copy() for k, v in grads.items()}
    opt = make()
    for _ in range(2):
        new = opt.step(params, grads)
    for name in params:
        np.testing.assert_array_equal(params[name], kept[name])
        np.testing.assert_array_equal(grads["d" + name], kept_grads["d" + name])
        assert not np.array_equal(new[name], params[name])


@pytest.mark.parametrize("make, value", [
    (lambda: GradientDescent(0.0), "0.0"),
    (lambda: GradientDescent(-0.1), "-0.1"),
    (lambda: GradientDescent(float("nan")), "nan"),
    (lambda: GradientDescent("0.1"), "'0.1'"),
    (lambda: GradientDescent(True), "True"),
    (lambda: Momentum(0.1, beta=1.0), "1.0"),
    (lambda: Momentum(0.1, beta=-0.5), "-0.5"),
    (lambda: Momentum(float("inf")), "inf"),
    (lambda: Adam(0.01, beta1=1.5), "1.5"),
    (lambda: Adam(0.01, beta2=1), "1"),
    (lambda: Adam(0.01, eps=0.0), "0.0"),
    (lambda: Adam(-1e-3), "-0.001"),
])
def test_bad_settings_raise_naming_the_value(make, value):
    with pytest.raises(ValueError, match=r"got " + __import__("re").escape(value) + "$"):
        make()


def test_minibatches_cut_every_example_once():
    # 10 examples in batches of 4: sizes 4, 4, 2, every index exactly once.
    batches = minibatches(10, 4, np.random.default_rng(0))
    assert [len(b) for b in batches] == [4, 4, 2]
    np.testing.assert_array_equal(np.sort(np.concatenate(batches)), np.arange(10))
    assert not np.array_equal(np.concatenate(batches), np.arange(10))  # shuffled
    whole = minibatches(10, None, np.random.default_rng(0))
    assert len(whole) == 1 and sorted(whole[0]) == list(range(10))
    assert [len(b) for b in minibatches(3, 8, np.random.default_rng(0))] == [3]


@pytest.mark.parametrize("args, message", [
    ((0, 4), "m must be .* got 0"),
    ((10, 0), "batch_size must be .* got 0"),
    ((10, 2.5), "batch_size must be .* got 2.5"),
    ((10, True), "batch_size must be .* got True"),
])
def test_minibatches_refuse_bad_sizes(args, message):
    with pytest.raises(ValueError, match=message):
        minibatches(*args, np.random.default_rng(0))
    with pytest.raises(ValueError, match="rng must be a numpy Generator"):
        minibatches(10, 4, 0)


def test_train_model_steps_through_minibatches():
    # train_model is the loop over minibatches with the optimiser's step: the same
    # loop written out here gives the same weights, to the last bit.
    X, labels = load_digits()
    X, Y = X[:, :150] / 16, one_hot(labels[:, :150], 10)
    start = init_params([64, 8, 10], seed=2, scheme="he")
    got, _ = train_model(X, Y, start, Momentum(0.5), 2, batch_size=32, seed=5)
    rng, opt, params = np.random.default_rng(5), Momentum(0.5), start
    for _ in range(2):
        for batch in minibatches(150, 32, rng):
            ZL, caches = model_forward(X[:, batch], params)
            grads = model_backward(logit_gradient(ZL, Y[:, batch]), caches)
            params = opt.step(params, grads)
    for name in start:
        np.testing.assert_array_equal(got[name], params[name])
