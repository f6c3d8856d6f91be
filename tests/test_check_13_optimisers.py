"""The checkers of the optimisers chapter's exercises: right answers pass, known slips are named."""

import numpy as np
import pytest

from nnlib import check, init_params, load_digits, one_hot
from nnlib.check import _ch13_optimisers
from nnlib.check._core import CheckFailed
from nnlib.datasets import over_splits
from nnlib.deep import logit_cost, model_forward, train_model
from nnlib.optimisers import Adam, GradientDescent, Momentum
from rounding import POWER, U


def test_the_checkers_are_the_ones_in_check():
    # Another chapter's module must not shadow these names in nnlib.check.
    assert check.adam_first_step is _ch13_optimisers.adam_first_step
    assert check.momentum_step_ratios is _ch13_optimisers.momentum_step_ratios
    assert check.stable_rates is _ch13_optimisers.stable_rates


# --- adam_first_step ----------------------------------------------------------------------


def exact(g, rate, beta1, beta2, eps):
    return -rate * g / (np.abs(g) + eps)


def by_adam(g, rate, beta1, beta2, eps):
    # The answer by experiment: nnlib's Adam, one step from zero.
    theta0 = {"W1": np.zeros_like(g)}
    return Adam(rate, beta1, beta2, eps).step(theta0, {"dW1": g})["W1"]


def sign_only(g, rate, beta1, beta2, eps):
    return -rate * np.sign(g)


@pytest.mark.parametrize("answer", [exact, by_adam, sign_only])
def test_adam_first_step_accepts_the_answer(answer, capsys):
    check.adam_first_step(answer)
    assert "Correct: theta_1 - theta_0 = -rate * g / (|g| + eps)" in capsys.readouterr().out


def no_correction(g, rate, beta1, beta2, eps):
    return -rate * (1 - beta1) * g / (np.sqrt(1 - beta2) * np.abs(g) + eps)


def m_only(g, rate, beta1, beta2, eps):
    return -rate * g / (np.sqrt(1 - beta2) * np.abs(g) + eps)


def v_only(g, rate, beta1, beta2, eps):
    return -rate * (1 - beta1) * g / (np.abs(g) + eps)


def uphill(g, rate, beta1, beta2, eps):
    return rate * g / (np.abs(g) + eps)


def gradient_descent(g, rate, beta1, beta2, eps):
    return -rate * g


def no_sqrt(g, rate, beta1, beta2, eps):
    return -rate * g / (g**2 + eps)


def zero_over_zero(g, rate, beta1, beta2, eps):
    return -rate * g / np.abs(g)


def zero_over_zero_quietly(g, rate, beta1, beta2, eps):
    with np.errstate(invalid="ignore"):
        return -rate * g / np.abs(g)


@pytest.mark.parametrize("answer, name", [
    (no_correction, "forgetting the bias correction"),
    (m_only, "correcting m but not v"),
    (v_only, "correcting v but not m"),
    (uphill, "a step along the gradient"),
    (gradient_descent, "plain gradient descent's step"),
    (no_sqrt, "forgetting the square root"),
    (zero_over_zero, "0 / 0 where the gradient is 0"),
    (zero_over_zero_quietly, "NaN where the gradient is 0"),
])
def test_adam_first_step_names_the_mistake(answer, name):
    with pytest.raises(CheckFailed, match=name):
        check.adam_first_step(answer)


def test_adam_first_step_reports_other_errors_plainly():
    with pytest.raises(CheckFailed, match="is not right"):
        check.adam_first_step(lambda g, rate, b1, b2, eps: -2 * rate * np.sign(g))
    with pytest.raises(CheckFailed, match="raised TypeError"):
        check.adam_first_step(lambda g: g)


# --- momentum_step_ratios -----------------------------------------------------------------


def test_momentum_step_ratios_accepts_the_answer(capsys):
    check.momentum_step_ratios((1, 1 / 19))
    check.momentum_step_ratios([1.0, 0.1 / 1.9])
    assert "Correct: 1 and 1/19" in capsys.readouterr().out


def test_the_ratios_are_what_momentum_does():
    # The stored answers against nnlib's Momentum itself, 400 steps at beta 0.9.
    # The bound, relative to the ratio R (elementwise float64, u the unit roundoff):
    # - beta is fl(0.9) and 1 - beta is exact (Sterbenz), so v = beta v + (1 - beta) g
    #   settles at exactly 1 for g = 1, and at (1 - beta) / (1 + beta), within 6u of
    #   1/19, for g = +-1 (|fl(0.9) - 0.9| <= u/2, times |d log R / d beta| < 10.6);
    # - each step rounds beta v and the sum, 2u V (V the largest |v|), and the old
    #   errors shrink by beta: at most 2u V / (1 - beta) = 20u V in all;
    # - theta - v rounds once more, u |theta| <= u P (P the largest |theta|), and
    #   the step read back as a difference of two thetas once more, u R;
    # - what is left of the start shrinks as 0.9^t: below 1e-18 of V after 400 steps.
    for gradients, ratio, moved in (([1.0] * 400, 1.0, 0.0), ([(-1.0) ** t for t in range(400)], 1 / 19, 6)):
        opt, params = Momentum(1.0, beta=0.9), {"W1": np.zeros((1, 1))}
        V = P = 0.0
        for g in gradients:
            before = params["W1"][0, 0]
            params = opt.step(params, {"dW1": np.array([[g]])})
            V, P = max(V, abs(opt.velocity["W1"][0, 0])), max(P, abs(params["W1"][0, 0]))
        rtol = (moved + (20 * V + P) / ratio + 1) * U + 0.9**400 * V / ratio
        # far below any slip's effect on a ratio (a missing 1 - beta: 10 times; a lost v: 0.1)
        assert rtol <= POWER
        np.testing.assert_allclose(abs(params["W1"][0, 0] - before), ratio, rtol=rtol, atol=0)


@pytest.mark.parametrize("answer, name", [
    ((10, 1 / 19), "Polyak's form"),
    ((0.1, 1 / 19), "the first step only"),
    ((0.9, 1 / 19), "beta itself"),
    ((1, 1 / 1.9), "Polyak's form"),
    ((1, 1), "the constant gradient's answer"),
    ((1, 0.1), "the first step only"),
    ((1, 0), "exact cancellation"),
])
def test_momentum_step_ratios_names_the_mistake(answer, name):
    with pytest.raises(CheckFailed, match=name):
        check.momentum_step_ratios(answer)


@pytest.mark.parametrize("answer", [1.0, (1,), "1, 1/19", (1, "x")])
def test_momentum_step_ratios_wants_two_numbers(answer):
    with pytest.raises(CheckFailed, match="pair of numbers|single number"):
        check.momentum_step_ratios(answer)


# --- stable_rates -------------------------------------------------------------------------


def test_stable_rates_accepts_the_answer(capsys):
    check.stable_rates((2, 3))
    check.stable_rates([2.0, np.float64(3.0)])
    assert "Correct: 2 for plain gradient descent, 3 for momentum" in capsys.readouterr().out


@pytest.fixture(scope="module")
def stable_runs():
    X, labels = load_digits()
    Y = one_hot(labels, 10)

    def recipe(sets, seed):
        start = init_params([64, 32, 10], seed=seed, scheme="he")
        first = logit_cost(model_forward(sets["X_train"], start)[0], sets["Y_train"])
        runs = {}
        for kind, rate in ((GradientDescent, 2.0), (GradientDescent, 2.5), (Momentum, 3.0), (Momentum, 4.0)):
            _, history = train_model(sets["X_train"], sets["Y_train"], start, kind(rate), 10,
                                     batch_size=64, seed=seed)
            runs[kind.__name__, rate] = history["cost"][-1]
        return first, runs

    return over_splits(X, Y, recipe, [(k, k) for k in range(3)])


def test_stable_rates_is_what_training_gives(stable_runs):
    # The stored answer against the experiment, with the margins the module's comment
    # gives: the rates that count end far below the start (about 3 nats), the next ones
    # far above it in the pairs that fail.
    for first, runs in stable_runs:
        assert 2.5 < first < 3.5
        assert runs["GradientDescent", 2.0] < 0.3 and runs["Momentum", 3.0] < 0.8
        assert runs["Momentum", 4.0] > 15
    assert all(runs["GradientDescent", 2.5] > 20 for _, runs in stable_runs[1:])
    assert _ch13_optimisers.STABLE_RATES == (2.0, 3.0)


@pytest.mark.parametrize("answer, hint", [
    ((1, 3), "coarse grid"),
    ((3, 2), "swapped"),
    ((2.5, 3), "in pair 0 only"),
    ((2.5, 4), "the first rates that fail"),
    ((3, 4), "first rates that fail for every pair"),
    ((2, 2), "Momentum's rate is too small"),
    ((3, 3), "Plain gradient descent fails at 3"),
    ((1.5, 3), "gradient descent's rate is off"),
    ((2, 2.5), "momentum's rate is off"),
])
def test_stable_rates_names_the_mistake(answer, hint):
    with pytest.raises(CheckFailed, match=hint):
        check.stable_rates(answer)


@pytest.mark.parametrize("answer, message", [
    ((2, 7), "not one of the rates asked about"),
    (2, "a pair of rates"),
    (("2", 3), "should be a number"),
])
def test_stable_rates_wants_two_rates_of_the_grid(answer, message):
    with pytest.raises(CheckFailed, match=message):
        check.stable_rates(answer)
