"""The checkers of the chapter on ReLU and He initialisation: right answers pass, known slips are named."""

import numpy as np
import pytest

from nnlib import check
from nnlib.check import _ch11_relu
from nnlib.check._core import CheckFailed


def test_the_checkers_are_the_ones_in_check():
    # Another chapter's module must not shadow these names in nnlib.check.
    assert check.leaky_he_factor is _ch11_relu.leaky_he_factor
    assert check.dead_after_long_step is _ch11_relu.dead_after_long_step
    assert check.wrong_gradients is _ch11_relu.wrong_gradients


# --- leaky_he_factor ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "answer",
    [
        lambda a: 2 / (1 + a**2),
        lambda a: 2.0 / (1.0 + a * a),
        lambda a: np.float64(2) / (1 + np.square(a)),
        lambda a: np.array([2 / (1 + a**2)]),  # a one-element array is a number too
    ],
)
def test_leaky_he_factor_accepts_the_formula(answer, capsys):
    check.leaky_he_factor(answer)
    assert "Correct: c(a) = 2 / (1 + a^2)" in capsys.readouterr().out


def test_leaky_he_factor_is_what_keeps_the_variance_level():
    # The formula against a measurement. Over the draw of the weights, chapter 10's identity
    # Var(z_next) = n Var(W) E[g(z)^2] holds exactly, so Var(W) = c(a) / n keeps the variance
    # at 1 when c(a) E[g(z)^2] = 1 for standard normal z. Measured on 800,000 draws of z (the
    # seed fixes them), whose mean of g(z)^2 has a relative sampling error of at most a quarter
    # of a percent (sqrt(1.25 / 800,000) / 0.5 for the rectifier): the bound, 1%, is four of
    # those, and the slip 2 / (1 + a) would be 8% off at a = 0.1, 17% at a = 0.5.
    rng = np.random.default_rng(11)
    z = rng.standard_normal(800_000)
    for a in (0.0, 0.1, 0.5):
        second_moment = np.mean(np.where(z > 0, z, a * z) ** 2)
        assert abs(2 / (1 + a**2) * second_moment - 1) < 0.01


@pytest.mark.parametrize(
    "answer, name",
    [
        (lambda a: 2.0, "He's factor 2 whatever the slope"),
        (lambda a: 1 / (1 + a**2), "leaving out the factor 2"),
        (lambda a: 2 / (1 + a), "the slope not squared"),
        (lambda a: (1 + a**2) / 2, "the ratio upside down"),
        (lambda a: 1 / (1 + a**2 / 2), "halving only the leaky side"),
    ],
)
def test_leaky_he_factor_names_the_slip(answer, name):
    with pytest.raises(CheckFailed, match=name):
        check.leaky_he_factor(answer)


def test_leaky_he_factor_rejects_other_answers():
    with pytest.raises(CheckFailed, match="Check the rectifier first"):
        check.leaky_he_factor(lambda a: 1.0)
    with pytest.raises(CheckFailed, match=r"at a = 0.5 it gives"):
        check.leaky_he_factor(lambda a: 2 / (1 + a**2) + (a == 0.5))
    with pytest.raises(CheckFailed, match="should return a single number"):
        check.leaky_he_factor(lambda a: "two")
    with pytest.raises(CheckFailed, match="should return a single number"):
        check.leaky_he_factor(lambda a: [2, 2])
    with pytest.raises(CheckFailed, match=r"my_leaky_he_factor\(0\) raised ZeroDivisionError"):
        check.leaky_he_factor(lambda a: 2 / a)


# --- dead_after_long_step -----------------------------------------------------------------


@pytest.fixture(scope="module")
def long_step():
    X_train, start, after = _ch11_relu.long_step_network()
    return X_train, _ch11_relu.hidden_pre_activations(start, X_train), \
        _ch11_relu.hidden_pre_activations(after, X_train)


def test_five_of_sixteen_units_die_with_a_margin_no_rounding_can_cross(long_step):
    # The chapter's answer, 5 of layer 5's 16, and margins: in every hidden layer, before and
    # after the step, a dead unit's largest z is below -0.01 and a live one's above 0.01, far
    # beyond any rounding of the step and of sums of a few dozen terms of size ~10 (1e-12).
    _, Z_start, Z_after = long_step
    dead = [int(np.all(Z <= 0, axis=1).sum()) for Z in Z_after]
    assert dead == [0, 2, 7, 7, 5, 10]  # layer 5's count is unlike any other layer's
    assert np.all(Z_start[4] <= 0, axis=1).sum() == 2
    for Z in Z_start + Z_after:
        assert np.abs(Z.max(axis=1)).min() > 0.01


def test_dead_after_long_step_accepts_the_answer(capsys):
    for answer in (0.3125, 5 / 16, np.float64(0.3125)):
        check.dead_after_long_step(answer)
    assert "Correct: 5 of layer 5's 16 units are dead after the step, against 2 before" in \
        capsys.readouterr().out


def test_dead_after_long_step_names_the_slips(long_step):
    _, _, Z_after = long_step
    zero_outputs = float(np.mean(Z_after[4] <= 0))
    assert not np.isclose(zero_outputs, 5 / 16)  # on these data the slip is distinguishable
    every_layer = float(np.mean(np.concatenate([np.all(Z <= 0, axis=1) for Z in Z_after])))
    for answer, name in [
        (2 / 16, "the start, before the step"),
        (11 / 16, "counting the live units"),
        (5, "a count of units"),
        (zero_outputs, "the share of zero outputs"),
        (0.0, "layer 1"),
        (7 / 16, "layer 3 or 4"),
        (10 / 16, "the last hidden layer, 6"),
        (every_layer, "all six hidden layers together"),
    ]:
        with pytest.raises(CheckFailed, match=name):
            check.dead_after_long_step(answer)


def test_dead_after_long_step_rejects_other_answers():
    with pytest.raises(CheckFailed, match="count layer 5's units"):
        check.dead_after_long_step(0.5)
    with pytest.raises(CheckFailed, match="should be a single number"):
        check.dead_after_long_step("0.3125")
    with pytest.raises(CheckFailed, match="give a single number"):
        check.dead_after_long_step(np.array([0.3125]))


# --- wrong_gradients ----------------------------------------------------------------------


def test_the_planted_bug_spoils_the_two_hidden_layers_and_only_them():
    # On exercise 11.3's network the suspect's hidden-layer gradients are off by far more than
    # rounding (relative differences of order 1) and the output layer's are model_backward's own.
    from nnlib.deep import logit_gradient, model_backward, model_forward
    from nnlib.exercises import suspect_model_backward

    params, X, Y = _ch11_relu.bug_network()
    ZL, caches = model_forward(X, params, hidden="relu")
    right = model_backward(logit_gradient(ZL, Y), caches, hidden="relu")
    suspect = suspect_model_backward(logit_gradient(ZL, Y), caches)
    for key in ("dW1", "db1", "dW2", "db2"):
        assert np.linalg.norm(suspect[key] - right[key]) > 0.1 * np.linalg.norm(right[key])
    for key in ("dW3", "db3"):
        np.testing.assert_array_equal(suspect[key], right[key])


@pytest.mark.parametrize("answer", [["dW1", "db1", "dW2", "db2"], ("db2", "dW2", "db1", "dW1"),
                                    [" dW1", "db1 ", "dW2", "db2", "dW2"]])
def test_wrong_gradients_accepts_the_keys_in_any_order(answer, capsys):
    check.wrong_gradients(answer)
    assert "Correct: dW1, dW2, db1, db2 are wrong, and only they" in capsys.readouterr().out


@pytest.mark.parametrize(
    "answer, name",
    [
        (["dW1", "db1", "dW2", "db2", "dW3", "db3"], "every gradient"),
        (["dW3", "db3"], "the output layer's gradients"),
        (["dW1", "db1"], "the first layer alone"),
        (["dW1", "dW2"], "the weights without the biases"),
        (["W1", "b1", "W2", "b2"], "names parameters"),
        (["dW1", "dW4"], "which this network's gradients do not have"),
    ],
)
def test_wrong_gradients_names_the_slip(answer, name):
    with pytest.raises(CheckFailed, match=name):
        check.wrong_gradients(answer)


def test_wrong_gradients_rejects_other_answers():
    with pytest.raises(CheckFailed, match="list every key whose relative error"):
        check.wrong_gradients(["dW2"])
    with pytest.raises(CheckFailed, match="should be a list of keys"):
        check.wrong_gradients({"dW1", "db1", "dW2", "db2"})  # a set does not reach the grader
    with pytest.raises(CheckFailed, match="should be a list of keys"):
        check.wrong_gradients("dW1")
    with pytest.raises(CheckFailed, match="should be a list of keys"):
        check.wrong_gradients([1, 2])
