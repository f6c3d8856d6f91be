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


def wilson_interval(successes: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """Return Wilson's confidence interval for a proportion measured once.

    An accuracy of ``successes`` right out of ``n`` test examples is one draw:
    another test set of the same size would give another count. Wilson's
    score interval holds the proportions p for which the observed share
    lies within ``z`` standard errors ``sqrt(p (1 - p) / n)`` of p. Unlike
    the textbook ``share +- z sqrt(share (1 - share) / n)``, it stays inside
    [0, 1] and does not shrink to a point when every example is right.

    Parameters
    ----------
    successes : int
        Examples counted right, from 0 to n.
    n : int
        Examples counted, at least 1.
    z : float, default 1.96
        Standard-normal quantile: 1.96 gives a 95% interval.

    Returns
    -------
    low, high : float
        The interval's ends, with 0 <= low <= successes / n <= high <= 1.

    Examples
    --------
    >>> low, high = wilson_interval(137, 142)
    >>> round(low, 3), round(high, 3)
    (0.92, 0.985)
    """
    for name, value in (("successes", successes), ("n", n)):
        if isinstance(value, bool) or not float(value).is_integer():
            raise ValueError(f"{name} must be a whole number; got {value!r}")
    successes, n = int(successes), int(n)
    if n < 1:
        raise ValueError(f"n must be at least 1; got {n}")
    if not 0 <= successes <= n:
        raise ValueError(
            f"successes must lie between 0 and n = {n}; got {successes}"
        )
    if not (np.isfinite(z) and z > 0):
        raise ValueError(f"z must be a positive number; got {z!r}")
    share = successes / n
    centre = (share + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z / (1 + z**2 / n) * np.sqrt(share * (1 - share) / n + z**2 / (4 * n**2))
    # clipped only against rounding at the ends (0 or n successes)
    return float(max(0.0, centre - half)), float(min(1.0, centre + half))
