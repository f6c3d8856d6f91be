"""The checkers of the softmax chapter's exercises: right answers pass, known slips are named."""

import numpy as np
import pytest

from nnlib import check, class_confusion, init_params, load_digits, one_hot, softmax
from nnlib.check import _ch12_softmax
from nnlib.check._core import CheckFailed
from nnlib.datasets import over_splits
from nnlib.deep import predict_labels, train_model
from nnlib.optimisers import GradientDescent


def test_the_checkers_are_the_ones_in_check():
    # Another chapter's module must not shadow these names in nnlib.check.
    assert check.softmax_gradient is _ch12_softmax.softmax_gradient
    assert check.uniform_cost is _ch12_softmax.uniform_cost
    assert check.confused_pair is _ch12_softmax.confused_pair


# --- softmax_gradient ------------------------------------------------------------------


def by_hand(Z, Y):
    """The slope written out, shifted by each column's largest logit."""
    E = np.exp(Z - Z.max(axis=0))
    return E / E.sum(axis=0) - Y


def test_softmax_gradient_accepts_right_answers(capsys):
    check.softmax_gradient(lambda Z, Y: softmax(Z) - Y)
    check.softmax_gradient(by_hand)
    assert "Correct: dL/dz_k = p_k - y_k" in capsys.readouterr().out


@pytest.mark.parametrize("mistaken, name", [
    (lambda Z, Y: softmax(Z), "leaving out the label"),
    (lambda Z, Y: Y - softmax(Z), "Y - softmax"),
    (lambda Z, Y: (softmax(Z) - Y) / Z.shape[1], "dividing by m"),
    (lambda Z, Y: 1 / (1 + np.exp(-np.clip(Z, -500, 500))) - Y, "a sigmoid of each logit"),
])
def test_softmax_gradient_names_each_slip(mistaken, name):
    with pytest.raises(CheckFailed, match=name):
        check.softmax_gradient(mistaken)


def test_softmax_gradient_names_an_unshifted_exp_that_overflows():
    # Right on ordinary logits, so the first case passes; exp(800) then overflows.
    def unshifted(Z, Y):
        return np.exp(Z) / np.exp(Z).sum(axis=0) - Y

    with pytest.raises(CheckFailed, match="Subtract each column's largest logit"):
        check.softmax_gradient(unshifted)


def test_softmax_gradient_reports_a_crash_and_a_wrong_shape():
    with pytest.raises(CheckFailed, match="raised ZeroDivisionError"):
        check.softmax_gradient(lambda Z, Y: 1 / 0)
    with pytest.raises(CheckFailed, match="expected shape"):
        check.softmax_gradient(lambda Z, Y: (softmax(Z) - Y).ravel())


# --- uniform_cost ----------------------------------------------------------------------


def test_uniform_cost_accepts_log_10(capsys):
    for answer in (np.log(10), 2.3026, np.float64(np.log(10)), np.array([np.log(10)])):
        check.uniform_cost(answer)
    assert "log 10 = 2.3026" in capsys.readouterr().out


@pytest.mark.parametrize("answer, name", [
    (np.log2(10), "log base 2"),
    (1.0, "log base 10"),
    (0.1, "the probability instead of its cost"),
    (np.log(2), "the two-class cost"),
    (10 * np.log(10), "adding the ten classes"),
    (-np.log(0.9), "the cost of a wrong class"),
])
def test_uniform_cost_names_each_slip(answer, name):
    with pytest.raises(CheckFailed, match=name):
        check.uniform_cost(answer)


@pytest.mark.parametrize("answer", [2.4, "2.3", None, np.array([2.3, 2.3])])
def test_uniform_cost_rejects_other_answers(answer):
    with pytest.raises(CheckFailed):
        check.uniform_cost(answer)


# --- confused_pair ---------------------------------------------------------------------


def test_confused_pair_accepts_the_pair_in_either_order(capsys):
    a, b = _ch12_softmax.CONFUSED_PAIR
    for answer in ((a, b), (b, a), [a, b], (np.int64(a), np.int64(b))):
        check.confused_pair(answer)
    assert "Correct" in capsys.readouterr().out


def test_confused_pair_names_the_pair_read_from_the_test_figure():
    with pytest.raises(CheckFailed, match="test figure"):
        check.confused_pair(_ch12_softmax.TEST_PAIR[::-1])


@pytest.mark.parametrize("answer, message", [
    ((3, 3), "two different digits"),
    ((3, 10), "two different digits"),
    ((3,), "two different digits"),
    ((2.5, 3), "two different digits"),
    (7, "two digits"),
    ((0, 6), "not the pair confused most often"),
])
def test_confused_pair_rejects_other_answers(answer, message):
    with pytest.raises(CheckFailed, match=message):
        check.confused_pair(answer)


def test_confused_pair_is_what_training_gives():
    # The stored answer against the experiment: the chapter's chosen recipe ([64, 64, 10],
    # He's start, rate 1, 51 full-batch epochs) on its ten (seed, split) pairs, counted on
    # the validation sets. The margin is wide: 20 against 11 for the runner-up, so a few
    # images predicted otherwise on another machine cannot change the answer.
    X, labels = load_digits()
    Y = one_hot(labels, 10)

    def recipe(sets, seed):
        params, _ = train_model(sets["X_train"], sets["Y_train"],
                                init_params([64, 64, 10], seed=seed, scheme="he"),
                                GradientDescent(1.0), 51)
        return class_confusion(predict_labels(sets["X_val"], params),
                               np.argmax(sets["Y_val"], axis=0), 10)

    counts = sum(over_splits(X, Y, recipe, [(k, k) for k in range(10)]))
    both = counts + counts.T
    top, runner_up = np.sort(both[np.triu_indices(10, 1)])[::-1][:2]
    assert both[_ch12_softmax.CONFUSED_PAIR] == top
    assert top >= runner_up + 5
    assert both[_ch12_softmax.TEST_PAIR] < top
