"""The checkers of the initialisation chapter's exercises: right answers pass, known slips are named."""

import numpy as np
import pytest

from nnlib import check, fast, init_params, load_breast_cancer, standardize, train_val_test_split
from nnlib.check import _ch10_initialisation
from nnlib.check._core import CheckFailed


def test_the_checkers_are_the_ones_in_check():
    # Another chapter's module must not shadow these names in nnlib.check.
    assert check.escape_rate is _ch10_initialisation.escape_rate
    assert check.xavier_z_variance is _ch10_initialisation.xavier_z_variance


# --- escape_rate --------------------------------------------------------------------------


def test_escape_rate_accepts_the_answer(capsys):
    for answer in (4, 4.0, np.float64(4.0), np.int64(4)):
        check.escape_rate(answer)
    assert "Correct: rate 4" in capsys.readouterr().out


@pytest.fixture(scope="module")
def chapter_training_set():
    X, Y, _ = load_breast_cancer()
    X_train, _, _, Y_train, _, _ = train_val_test_split(X, Y, val_fraction=0.2, test_fraction=0.25, seed=0)
    (X_train,) = standardize(X_train)
    return X_train, Y_train


def test_escape_rate_is_what_training_gives(chapter_training_set):
    # The stored answer against the experiment the exercise asks for. The margins are wide:
    # at 3 and 8 the cost never leaves the base rate (0.663) by even 0.05, at 4 it is below
    # 0.6 with 200 epochs to spare.
    X_train, Y_train = chapter_training_set
    costs = {lr: np.array(fast.train(X_train, Y_train, [30, 16, 16, 16, 16, 1], 500, lr, seed=3)[1])
             for lr in (3, 4, 8)}
    assert costs[3].min() > 0.65 and costs[8].min() > 0.65
    assert np.argmax(costs[4] < 0.6) < 300 and costs[4].min() < 0.6
    assert _ch10_initialisation.ESCAPE_RATE == 4


@pytest.mark.parametrize(
    "answer, name",
    [
        (0.5, "the chapter's shared rate"),
        (5, "the rate the text already showed"),
        (3, "the last rate that stays on the plateau"),
        (8, "the largest rate"),
        (204, "the epoch instead of the rate"),
    ],
)
def test_escape_rate_names_the_mistake(answer, name):
    with pytest.raises(CheckFailed, match=name):
        check.escape_rate(answer)


def test_escape_rate_rejects_other_answers():
    with pytest.raises(CheckFailed, match="is not right. Train at each rate"):
        check.escape_rate(6)
    with pytest.raises(CheckFailed, match="not one of the rates asked about"):
        check.escape_rate(3.5)
    with pytest.raises(CheckFailed, match="should be a single number"):
        check.escape_rate("4")
    with pytest.raises(CheckFailed, match="should be a single number"):
        check.escape_rate(True)


# --- xavier_z_variance --------------------------------------------------------------------


def test_xavier_z_variance_accepts_the_prediction(capsys):
    for answer in (784 * 2 / 884, 1.774, 1.77):
        check.xavier_z_variance(answer)
    assert "784 * 2 / 884 = 1.7738" in capsys.readouterr().out


def test_xavier_z_variance_is_what_a_simulation_gives():
    # The formula against an experiment: a Xavier layer on standard normal inputs
    rng = np.random.default_rng(0)
    W = init_params([784, 100], seed=1, scheme="xavier")["W1"]
    Z = W @ rng.standard_normal((784, 2000))
    check.xavier_z_variance(Z.var())


@pytest.mark.parametrize(
    "answer, name",
    [
        (1.0, "taking Xavier's variance to be exactly 1"),
        (784 / 884, "the missing factor 2"),
        (np.sqrt(784 * 2 / 884), "the standard deviation instead of the variance"),
        (np.sqrt(2 / 884), "the weights' own standard deviation"),
        (2 / 884, "the weights' own variance"),
        (2.0, "He's fan-in formula"),
        (100 * 2 / 884, "summing over the 100 units"),
        (784 * 1e-4, "the tutorial's 0.01"),
    ],
)
def test_xavier_z_variance_names_the_mistake(answer, name):
    with pytest.raises(CheckFailed, match=name):
        check.xavier_z_variance(answer)


def test_xavier_z_variance_rejects_other_wrong_answers():
    with pytest.raises(CheckFailed, match=r"is not right. Var\(Z\) = n_\{l-1\} Var\(W\)"):
        check.xavier_z_variance(3.5)
    with pytest.raises(CheckFailed, match="should be a single number"):
        check.xavier_z_variance(None)
