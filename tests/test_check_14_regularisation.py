"""The checkers of the regularisation chapter's exercises: right answers pass, known slips are named."""

import numpy as np
import pytest

from nnlib import check, init_params, load_digits, one_hot, standardize, train_val_test_split
from nnlib.check import _ch14_regularisation
from nnlib.check._core import CheckFailed
from nnlib.deep import l2_gradient, logit_cost, model_forward, train_model
from nnlib.optimisers import Adam


def test_the_checkers_are_the_ones_in_check():
    # Another chapter's module must not shadow these names in nnlib.check.
    assert check.l2_gradient is _ch14_regularisation.l2_gradient
    assert check.expected_outputs is _ch14_regularisation.expected_outputs
    assert check.chosen_lambda is _ch14_regularisation.chosen_lambda


# --- l2_gradient --------------------------------------------------------------------------


def _gradient(scale_W, scale_b=0.0, keys=("W", "b")):
    def my_l2_gradient(params, lam, m):
        grads = {}
        for l in range(1, len(params) // 2 + 1):
            if "W" in keys:
                grads[f"dW{l}"] = scale_W(lam, m) * params[f"W{l}"]
            if "b" in keys:
                grads[f"db{l}"] = scale_b(lam, m) * params[f"b{l}"]
        return grads
    return my_l2_gradient


def test_l2_gradient_accepts_the_answer(capsys):
    check.l2_gradient(l2_gradient)
    check.l2_gradient(_gradient(lambda lam, m: lam / m, lambda lam, m: 0.0))
    assert "Correct: (lam / m) W[l]" in capsys.readouterr().out


@pytest.mark.parametrize(
    "answer, name",
    [
        (_gradient(lambda lam, m: 2 * lam / m, lambda lam, m: 0.0), "2 lam W / m"),
        (_gradient(lambda lam, m: lam, lambda lam, m: 0.0), "lam W, without the 1/m"),
        (_gradient(lambda lam, m: lam / (2 * m), lambda lam, m: 0.0), r"lam W / \(2m\)"),
        (_gradient(lambda lam, m: lam / m, lambda lam, m: lam / m), "penalising the biases too"),
        (_gradient(lambda lam, m: lam / m, keys=("W",)), "returns dW1 and dW2 only"),
    ],
)
def test_l2_gradient_names_the_mistake(answer, name):
    with pytest.raises(CheckFailed, match=name):
        check.l2_gradient(answer)


def test_l2_gradient_rejects_other_answers():
    with pytest.raises(CheckFailed, match="my_l2_gradient is not right"):
        check.l2_gradient(_gradient(lambda lam, m: 1 / m, lambda lam, m: 0.0))
    with pytest.raises(CheckFailed, match="my_l2_gradient raised"):
        check.l2_gradient(lambda params, lam, m: params["W3"])


def test_l2_gradient_does_not_change_the_learners_view_of_params():
    # the checker passes copies: a learner's function that writes into params harms nothing
    def scribbler(params, lam, m):
        grads = l2_gradient(params, lam, m)
        params["W1"][...] = 0.0
        return grads

    check.l2_gradient(scribbler)
    check.l2_gradient(l2_gradient)


# --- expected_outputs ---------------------------------------------------------------------


def test_expected_outputs_accepts_the_prediction(capsys):
    for answer in ((2.0, 1.6), [2, 1.6], np.array([2.0, 1.6]), (np.float64(2.0), 0.8 * 2.0)):
        check.expected_outputs(answer)
    assert "Correct: 0.8 * 2.0 / 0.8" in capsys.readouterr().out


@pytest.mark.parametrize(
    "answer, name",
    [
        ((1.6, 2.0), "the pair swapped"),
        ((2.5, 2.0), "a kept unit's output"),
        ((2.0, 0.4), "keep_prob read as the chance of dropping"),
        ((2.0, 2.0), "no change either way"),
    ],
)
def test_expected_outputs_names_the_mistake(answer, name):
    with pytest.raises(CheckFailed, match=name):
        check.expected_outputs(answer)


def test_expected_outputs_rejects_other_answers():
    with pytest.raises(CheckFailed, match="my_expected_outputs is not right"):
        check.expected_outputs((2.0, 1.0))
    for bad in (2.0, (2.0,), (2.0, 1.6, 0.0), ("2", "1.6"), (True, 1.6), [[2.0, 1.6]]):
        with pytest.raises(CheckFailed, match="should be a pair of numbers"):
            check.expected_outputs(bad)


# --- chosen_lambda ------------------------------------------------------------------------


def test_chosen_lambda_accepts_the_answer(capsys):
    for answer in (1, 1.0, np.float64(1.0), np.int64(1)):
        check.chosen_lambda(answer)
    assert "Correct: lam = 1" in capsys.readouterr().out


@pytest.mark.parametrize(
    "answer, name",
    [(0.1, "the lowest training cost"), (0.3, "the lowest test cost"), (10, "the largest lam")],
)
def test_chosen_lambda_names_the_mistake(answer, name):
    with pytest.raises(CheckFailed, match=name):
        check.chosen_lambda(answer)


def test_chosen_lambda_rejects_other_answers():
    with pytest.raises(CheckFailed, match="is not right. Train at each lam"):
        check.chosen_lambda(3)
    with pytest.raises(CheckFailed, match="not one of the grid's values"):
        check.chosen_lambda(0.5)
    for bad in ("1", True, None):
        with pytest.raises(CheckFailed, match="should be a single number"):
            check.chosen_lambda(bad)


def test_chosen_lambda_is_what_training_gives():
    # The stored answer and the named slips against the experiment the exercise asks for:
    # the chapter's recipe on 300 training digits of split 0, seed 0. The margins are wide
    # beside any rounding: the validation costs differ by 0.015 or more (about 0.218 at 1,
    # 0.234 at 0.3, 0.236 at 3), the test costs by 0.0008 or more.
    X, labels = load_digits()
    Y = one_hot(labels, 10)
    X_tr, X_va, X_te, Y_tr, Y_va, Y_te = train_val_test_split(X, Y, val_fraction=0.2,
                                                              test_fraction=0.25, seed=0)
    X_tr, Y_tr = X_tr[:, :300], Y_tr[:, :300]
    X_tr, X_va, X_te = standardize(X_tr, X_va, X_te)
    train, val, test = {}, {}, {}
    for lam in _ch14_regularisation.LAMBDAS:
        params, history = train_model(X_tr, Y_tr, init_params([64, 128, 10], seed=0, scheme="he"),
                                      Adam(0.01), 100, l2=lam, seed=0)
        train[lam] = history["cost"][-1]
        val[lam] = logit_cost(model_forward(X_va, params)[0], Y_va)
        test[lam] = logit_cost(model_forward(X_te, params)[0], Y_te)
    ranked = sorted(val, key=val.get)
    assert ranked[0] == _ch14_regularisation.CHOSEN_LAMBDA == 1.0
    assert val[ranked[1]] - val[ranked[0]] > 0.01
    assert min(train, key=train.get) == 0.1
    best_test = sorted(test, key=test.get)
    assert best_test[0] == 0.3 and test[best_test[1]] - test[best_test[0]] > 5e-4
