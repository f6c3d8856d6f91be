import numpy as np
import pytest

from nnlib import confusion_matrix, precision, recall

# 8 examples: 3 true positives, 1 false positive, 2 false negatives, 2 true negatives.
Y = np.array([[1, 1, 1, 1, 1, 0, 0, 0]])
Y_hat = np.array([[1, 1, 1, 0, 0, 1, 0, 0]])


def test_confusion_matrix_counts_by_hand():
    # Rows are the true label, columns the predicted one: [[TN, FP], [FN, TP]].
    np.testing.assert_array_equal(confusion_matrix(Y_hat, Y), [[2, 1], [2, 3]])
    assert confusion_matrix(Y_hat, Y).sum() == Y.shape[1]


def test_confusion_matrix_agrees_with_a_loop():
    # An independent count, example by example, on random labels.
    rng = np.random.default_rng(0)
    Yr, Yh = rng.integers(0, 2, (1, 50)), rng.integers(0, 2, (1, 50))
    expected = np.zeros((2, 2), dtype=int)
    for truth, guess in zip(Yr[0], Yh[0]):
        expected[truth, guess] += 1
    np.testing.assert_array_equal(confusion_matrix(Yh, Yr), expected)


def test_precision_and_recall():
    assert precision(Y_hat, Y) == pytest.approx(3 / 4)
    assert recall(Y_hat, Y) == pytest.approx(3 / 5)
    assert precision(Y, Y) == 1.0 and recall(Y, Y) == 1.0


def test_precision_without_true_positives_but_with_false_alarms_is_zero():
    # TP = 0 and FP = 2: every example predicted 1 is a false alarm. Precision is
    # defined (TP + FP > 0) and is 0, not an error.
    assert precision(np.array([[1, 1, 0, 0]]), np.array([[0, 0, 1, 0]])) == 0.0
    assert recall(np.array([[1, 1, 0, 0]]), np.array([[0, 0, 1, 0]])) == 0.0


def test_undefined_precision_and_recall_are_refused():
    with pytest.raises(ValueError, match="no example was predicted 1"):
        precision(np.zeros((1, 8)), Y)
    with pytest.raises(ValueError, match="no example is truly 1"):
        recall(Y_hat, np.zeros((1, 8)))


@pytest.mark.parametrize("bad_hat, bad_y, message", [
    (Y_hat.ravel(), Y, r"Y_hat must have shape \(1, m\).*\(8,\)"),
    (Y_hat, Y.T, r"Y must have shape \(1, m\).*\(8, 1\)"),
    (Y_hat[:, :5], Y, r"Y_hat has shape \(1, 5\) but Y has shape \(1, 8\)"),
    (Y_hat * 0.9, Y, "labels 0 or 1.*probabilities"),
])
def test_bad_labels_are_named(bad_hat, bad_y, message):
    for fn in (confusion_matrix, precision, recall):
        with pytest.raises(ValueError, match=message):
            fn(bad_hat, bad_y)
