import re

import numpy as np
import pytest

from nnlib import (
    accuracy,
    check,
    forward_prop,
    load_breast_cancer,
    make_moons,
    predict,
    standardize,
    train,
    train_test_split,
    train_val_test_split,
)
from nnlib.check import CheckFailed


def chapter_sets(split=0):
    X, Y, _ = load_breast_cancer()
    X_train, X_val, X_test, Y_train, Y_val, Y_test = train_val_test_split(X, Y, seed=split)
    X_train, X_val, X_test = standardize(X_train, X_val, X_test)
    return X_train, X_val, X_test, Y_train, Y_val, Y_test


@pytest.fixture(scope="module")
def outputs():
    """The chapter's network's validation and test outputs, computed afresh."""
    X_train, X_val, X_test, Y_train, Y_val, Y_test = chapter_sets()
    params, _ = train(X_train, Y_train, [30, 8, 1], epochs=300, lr=0.5)
    return forward_prop(X_val, params)[0][0], Y_val[0], forward_prop(X_test, params)[0][0], Y_test[0]


def largest_threshold(AL, Y):
    """Try every output as the threshold; keep the largest with recall >= 0.95."""
    ok = [t for t in AL if np.mean(AL[Y == 1] >= t) >= 0.95]
    return max(ok)


# --- check.recall_threshold


def test_recall_threshold_accepts_the_largest_and_any_with_the_same_labels(outputs, capsys):
    AL, Y, _, _ = outputs
    best = largest_threshold(AL, Y)
    next_below = AL[AL < best].max()
    check.recall_threshold(best)
    check.recall_threshold((best + next_below) / 2)
    check.recall_threshold(np.float32(next_below + 1e-4))
    assert capsys.readouterr().out.count("Correct:") == 3
    # and it is a real choice: above 0.5 on these data, below the test set's
    assert 0.5 < next_below and best < largest_threshold(*outputs[2:])


def test_recall_threshold_names_typical_slips(outputs):
    AL, Y, AL_test, Y_test = outputs
    best = largest_threshold(AL, Y)
    slips = {
        "the threshold the test set would choose": largest_threshold(AL_test, Y_test),
        "the default 0.5": 0.5,
        "the recall at the default threshold": float(np.mean(AL[Y == 1] >= 0.5)),
        "looks like a percentage": 100 * best,
        "Did you round the threshold up?": best + 5e-5,
        "below 0.95": (best + AL[AL > best].min()) / 2,
        "Look for the largest threshold that keeps the recall": AL[AL < best].max(),
    }
    for name, value in slips.items():
        with pytest.raises(CheckFailed, match=re.escape(name)):
            check.recall_threshold(value)
    with pytest.raises(CheckFailed, match="should be a number"):
        check.recall_threshold(None)


# --- check.split_spread


@pytest.fixture(scope="module")
def ten_splits():
    val, test = [], []
    for split in range(10):
        X_train, X_val, X_test, Y_train, Y_val, Y_test = chapter_sets(split)
        params, _ = train(X_train, Y_train, [30, 8, 1], epochs=300, lr=0.5, seed=3)
        val.append(accuracy(predict(X_val, params), Y_val))
        test.append(accuracy(predict(X_test, params), Y_test))
    return np.array(val), np.array(test)


def test_split_spread_accepts_the_sample_sd(ten_splits, capsys):
    val, _ = ten_splits
    check.split_spread(np.std(val, ddof=1))
    check.split_spread(round(float(np.std(val, ddof=1)), 4))
    assert capsys.readouterr().out.count("Correct:") == 2


def test_split_spread_names_typical_slips(ten_splits):
    val, test = ten_splits
    slips = {
        "the population standard deviation": np.std(val),
        "the variance": np.var(val, ddof=1),
        "the mean instead of the spread": np.mean(val),
        "a percentage": 100 * np.std(val, ddof=1),
        "the test set instead of the validation set": np.std(test, ddof=1),
        "varying the seed instead of the split": 0.0,
    }
    for name, value in slips.items():
        with pytest.raises(CheckFailed, match=re.escape(name)):
            check.split_spread(value)
    with pytest.raises(CheckFailed, match="is not right: at index") as info:
        check.split_spread(0.05)
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
