import re

import numpy as np
import pytest

from nnlib import accuracy, check, forward_prop, load_breast_cancer, make_moons, predict, train_test_split
from nnlib.check import CheckFailed


def labels(X, params, slip=None):
    """Labels from the network's output, written afresh; `slip` plants one mistake."""
    AL, _ = forward_prop(X, params)
    if slip == "probabilities":
        return AL
    if slip == "wrong side":
        return (AL < 0.5).astype(int)
    if slip == "column":
        return (AL.T >= 0.5).astype(int)
    if slip == "flat":
        return (AL >= 0.5).astype(int).ravel()
    if slip == "zero":
        return (AL >= 0).astype(int)
    return (AL >= 0.5).astype(int)


def share_right(Y_hat, Y, slip=None):
    """Accuracy written afresh; `slip` plants one mistake."""
    if slip == "error rate":
        return float(np.mean(Y_hat != Y))
    if slip == "count":
        return int(np.sum(Y_hat == Y))
    if slip == "percentage":
        return 100 * float(np.mean(Y_hat == Y))
    if slip == "axis":
        return np.mean(Y_hat == Y, axis=1)
    if slip == "keepdims":
        return np.mean(Y_hat == Y, axis=1, keepdims=True)
    if slip == "transposed":
        return float(np.mean(Y_hat == Y.T))
    return float(np.mean(Y_hat == Y))


# --- check.predict


def test_predict_nnlib_and_a_fresh_reference_pass(capsys):
    check.predict(predict)
    check.predict(labels)
    check.predict(lambda X, params: forward_prop(X, params)[0] >= 0.5)  # booleans are labels too
    assert capsys.readouterr().out.count("Correct:") == 3


@pytest.mark.parametrize(
    "slip, name",
    [
        ("probabilities", "returning probabilities instead of labels"),
        ("wrong side", "the threshold on the wrong side"),
        ("column", "labels in a column instead of a row"),
        ("flat", "a flat array of labels"),
        ("zero", "comparing with 0 instead of 0.5"),
    ],
)
def test_predict_names_each_mistake(slip, name):
    with pytest.raises(CheckFailed, match=re.escape(name)):
        check.predict(lambda X, params: labels(X, params, slip))


def test_predict_unknown_wrong_answers_get_generic_messages():
    with pytest.raises(CheckFailed, match="is not right: at index") as info:
        check.predict(lambda X, params: np.zeros((1, X.shape[1]), dtype=int))
    assert "gives exactly what" not in str(info.value)
    with pytest.raises(CheckFailed, match="raised KeyError: 'W3'"):
        check.predict(lambda X, params: params["W3"])


# --- check.accuracy


def test_accuracy_nnlib_and_a_fresh_reference_pass(capsys):
    check.accuracy(accuracy)
    check.accuracy(share_right)
    assert capsys.readouterr().out.count("Correct:") == 2


@pytest.mark.parametrize(
    "slip, name",
    [
        ("error rate", "the error rate instead of the accuracy"),
        ("count", "a count instead of a fraction"),
        ("percentage", "a percentage instead of a fraction"),
        ("axis", "returning a 1-element array instead of a float"),
        ("keepdims", "returning a 1x1 array instead of a float"),
        ("transposed", "comparing with Y transposed"),
    ],
)
def test_accuracy_names_each_mistake(slip, name):
    with pytest.raises(CheckFailed, match=re.escape(name)):
        check.accuracy(lambda Y_hat, Y: share_right(Y_hat, Y, slip))


def test_accuracy_unknown_wrong_answers_get_generic_messages():
    with pytest.raises(CheckFailed, match="is not right: at index") as info:
        check.accuracy(lambda Y_hat, Y: 0.9)
    assert "gives exactly what" not in str(info.value)


# --- check.moons_baseline


def moons_labels():
    X, Y = make_moons(m=400, noise=0.15, seed=0)
    _, _, Y_train, Y_test = train_test_split(X, Y, test_fraction=0.25, seed=0)
    return Y_train, Y_test


def test_moons_baseline_accepts_the_right_value(capsys):
    Y_train, Y_test = moons_labels()
    majority = round(float(Y_train.mean()))
    check.moons_baseline(np.mean(Y_test == majority))
    check.moons_baseline(0.44)  # what the chapter's data give today
    assert capsys.readouterr().out.count("Correct:") == 2


def test_moons_baseline_names_typical_slips():
    Y_train, Y_test = moons_labels()
    majority = round(float(Y_train.mean()))
    right = float(np.mean(Y_test == majority))
    X_bc, Y_bc, _ = load_breast_cancer()
    _, _, Y_bc_train, Y_bc_test = train_test_split(X_bc, Y_bc, test_fraction=0.25, seed=0)
    tumours = float(np.mean(Y_bc_test == round(float(Y_bc_train.mean()))))
    slips = {
        "the validation set's own majority class": float(np.mean(Y_test == round(float(Y_test.mean())))),
        "the error rate instead of the accuracy": 1 - right,
        "the baseline on the training set": float(np.mean(Y_train == majority)),
        "assuming the classes are balanced": 0.5,
        "the tumours' baseline": tumours,
        "a percentage instead of a fraction": 100 * right,
        "a count instead of a fraction": right * Y_test.shape[1],
    }
    for name, value in slips.items():
        with pytest.raises(CheckFailed, match=re.escape(name)):
            check.moons_baseline(value)


def test_moons_baseline_rejects_other_answers_generically():
    with pytest.raises(CheckFailed, match="is not right: at index") as info:
        check.moons_baseline(0.97)
    assert "gives exactly what" not in str(info.value)
