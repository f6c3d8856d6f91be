"""Measures of a classifier beyond accuracy: the confusion matrix, precision, recall.

Accuracy counts every mistake alike. On the tumours the two kinds of mistake
differ: a missed malignant tumour (a false negative) costs more than a false
alarm (a false positive). These functions count them apart, for labels 0 and
1 with 1 the class of interest (malignant), as ``predict`` returns them.
"""

import numpy as np


def _check_labels(Y_hat, Y) -> tuple[np.ndarray, np.ndarray]:
    """Return Y_hat and Y as arrays of shape (1, m) of 0/1 labels, or say why not."""
    Y_hat, Y = np.asarray(Y_hat), np.asarray(Y)
    for name, labels in (("Y_hat", Y_hat), ("Y", Y)):
        if labels.ndim != 2 or labels.shape[0] != 1 or labels.shape[1] == 0:
            raise ValueError(
                f"{name} must have shape (1, m), one label per column; got "
                f"shape {labels.shape}"
            )
        if not np.all((labels == 0) | (labels == 1)):
            raise ValueError(
                f"{name} must hold labels 0 or 1; found values such as "
                f"{np.unique(labels)[:3].tolist()} - did you pass the "
                f"probabilities AL instead of predict(X, params)?"
            )
    if Y_hat.shape != Y.shape:
        raise ValueError(
            f"Y_hat has shape {Y_hat.shape} but Y has shape {Y.shape}; "
            f"they need one label each for the same examples"
        )
    return Y_hat, Y


def confusion_matrix(Y_hat: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Count the examples by true label (row) and predicted label (column).

    Parameters
    ----------
    Y_hat : ndarray of shape (1, m)
        Predicted labels, 0 or 1, as returned by ``predict``.
    Y : ndarray of shape (1, m)
        True labels, 0 or 1.

    Returns
    -------
    counts : ndarray of int, shape (2, 2)
        ``counts[i, j]`` is the number of examples of true label i predicted
        as j: ``[[true negatives, false positives], [false negatives, true
        positives]]``, the layout scikit-learn uses too.
    """
    Y_hat, Y = _check_labels(Y_hat, Y)
    counts = np.zeros((2, 2), dtype=int)
    for i in (0, 1):
        for j in (0, 1):
            counts[i, j] = np.count_nonzero((Y == i) & (Y_hat == j))
    return counts


def precision(Y_hat: np.ndarray, Y: np.ndarray) -> float:
    """Return the share of the examples predicted 1 that are truly 1: TP / (TP + FP).

    Parameters
    ----------
    Y_hat, Y : ndarray of shape (1, m)
        Predicted and true labels, 0 or 1.

    Returns
    -------
    precision : float
        Between 0 and 1.
    """
    (_, fp), (_, tp) = confusion_matrix(Y_hat, Y)
    if tp + fp == 0:
        raise ValueError(
            "precision is undefined: no example was predicted 1 (TP + FP = 0)"
        )
    return tp / (tp + fp)


def recall(Y_hat: np.ndarray, Y: np.ndarray) -> float:
    """Return the share of the truly positive examples predicted 1: TP / (TP + FN).

    Parameters
    ----------
    Y_hat, Y : ndarray of shape (1, m)
        Predicted and true labels, 0 or 1.

    Returns
    -------
    recall : float
        Between 0 and 1.
    """
    _, (fn, tp) = confusion_matrix(Y_hat, Y)
    if tp + fn == 0:
        raise ValueError(
            "recall is undefined: no example is truly 1 (TP + FN = 0)"
        )
    return tp / (tp + fn)
