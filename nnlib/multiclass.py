"""Part three: many classes. One-hot labels, the softmax and its cross-entropy, from the logits."""

import numpy as np


def one_hot(labels: np.ndarray, n_classes: int) -> np.ndarray:
    """Turn class labels into one-hot columns: Y[k, i] = 1 if labels[i] == k, else 0.

    Parameters
    ----------
    labels : ndarray of shape (1, m) or (m,)
        Integer class labels 0, 1, ..., n_classes - 1.
    n_classes : int
        The number of classes K.

    Returns
    -------
    Y : ndarray of shape (K, m)
    """
    labels = _class_labels(labels, n_classes)  # whole numbers, 0 to K - 1
    Y = np.zeros((n_classes, labels.size))
    Y[labels, np.arange(labels.size)] = 1  # row labels[i] of column i
    return Y


def log_softmax(Z: np.ndarray) -> np.ndarray:
    """Take the log of the softmax of each column: log p_k = z_k - log sum_j exp(z_j).

    The largest z of each column is subtracted first, which changes nothing
    in exact arithmetic and keeps every exp at most 1, so no logit is too
    large; the log-sum is then at least log 1 = 0 and never the log of 0.

    Parameters
    ----------
    Z : ndarray of shape (K, m)
        Logits, one column per example.

    Returns
    -------
    log_P : ndarray of shape (K, m)
    """
    Z = _logits(Z)
    shifted = Z - Z.max(axis=0, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=0, keepdims=True))


def softmax(Z: np.ndarray) -> np.ndarray:
    """Turn each column of logits into probabilities: p_k = exp(z_k) / sum_j exp(z_j).

    Parameters
    ----------
    Z : ndarray of shape (K, m)
        Logits, one column per example.

    Returns
    -------
    P : ndarray of shape (K, m)
        Each column positive (up to underflow) and summing to 1.
    """
    Z = _logits(Z)
    E = np.exp(Z - Z.max(axis=0, keepdims=True))  # every exponent <= 0
    return E / np.sum(E, axis=0, keepdims=True)


def softmax_cost(Z: np.ndarray, Y: np.ndarray) -> float:
    """Average the cross-entropy from the logits: J = -(1/m) sum_i sum_k Y[k, i] log softmax(Z)[k, i].

    Its gradient with respect to Z is (softmax(Z) - Y) / m.

    Parameters
    ----------
    Z : ndarray of shape (K, m)
        Logits of the last layer.
    Y : ndarray of shape (K, m)
        One-hot labels (``one_hot``).

    Returns
    -------
    cost : float
    """
    Z = _logits(Z)
    Y = _one_hot_like(Y, Z)
    return float(-np.sum(Y * log_softmax(Z)) / Z.shape[1])


def softmax_gradient(Z: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Each example's slope of the softmax cross-entropy in its logits: dL/dZ = softmax(Z) - Y.

    The same values as ``logit_gradient`` (``nnlib.deep``) for K rows: the
    per-example derivative, without the 1/m of the average cost, which
    ``linear_backward`` applies.

    Parameters
    ----------
    Z : ndarray of shape (K, m)
        Logits of the last layer.
    Y : ndarray of shape (K, m)
        One-hot labels (``one_hot``).

    Returns
    -------
    dZ : ndarray of shape (K, m)
    """
    # Checked here in full, without the module's private helpers: a student
    # edition that withholds this function keeps softmax and softmax_cost whole.
    P = softmax(Z)
    Y = np.asarray(Y, dtype=float)
    if Y.shape != P.shape:
        raise ValueError(f"Y has shape {Y.shape} but Z has {P.shape}: one one-hot column of K labels per example")
    if not (np.all((Y == 0) | (Y == 1)) and np.all(Y.sum(axis=0) == 1)):
        raise ValueError("Y must be one-hot: each column a single 1 among 0s (use one_hot(labels, K))")
    return P - Y


def class_confusion(labels_hat: np.ndarray, labels: np.ndarray, n_classes: int) -> np.ndarray:
    """Count the examples by true class (row) and predicted class (column), for K classes.

    Parameters
    ----------
    labels_hat : ndarray of shape (1, m) or (m,)
        Predicted classes, 0 to K - 1, as ``predict_labels`` returns them.
    labels : ndarray of shape (1, m) or (m,)
        True classes, 0 to K - 1.
    n_classes : int
        The number of classes K.

    Returns
    -------
    counts : ndarray of int, shape (K, K)
        ``counts[i, j]`` is the number of examples of class i predicted as
        j: the diagonal holds the right answers, the rest the mistakes.
    """
    # one_hot checks each set of labels: whole numbers from 0 to K - 1, one per example
    Y_hat, Y = one_hot(labels_hat, n_classes), one_hot(labels, n_classes)
    if Y_hat.shape != Y.shape:
        raise ValueError(f"labels_hat has {Y_hat.shape[1]} labels but labels has {Y.shape[1]}: "
                         "they need one label each for the same examples")
    return (Y @ Y_hat.T).round().astype(int)  # row i, column j: examples of class i called j


def _class_labels(labels, n_classes) -> np.ndarray:
    """labels as a flat int array of whole numbers from 0 to n_classes - 1, or a ValueError saying what came."""
    if isinstance(n_classes, bool) or not isinstance(n_classes, (int, np.integer)) or n_classes < 2:
        raise ValueError(f"n_classes must be a whole number of at least 2; got {n_classes!r}")
    labels = np.asarray(labels)
    if labels.ndim == 2 and labels.shape[0] == 1:
        labels = labels[0]
    if labels.ndim != 1:
        raise ValueError(f"labels must have shape (1, m) or (m,): one class per example; got shape {labels.shape}")
    whole = np.issubdtype(labels.dtype, np.integer) or (
        np.issubdtype(labels.dtype, np.floating) and np.all(np.isfinite(labels)) and np.all(labels == np.round(labels))
    )
    if not whole or labels.size and (labels.min() < 0 or labels.max() >= n_classes):
        shown = np.unique(labels)[:5].tolist()
        raise ValueError(f"labels must be whole numbers from 0 to {n_classes - 1}; found values such as {shown}")
    return labels.astype(np.int64)


def _one_hot_like(Y, Z: np.ndarray) -> np.ndarray:
    """Y as float one-hot columns shaped like Z, or a ValueError saying what came."""
    Y = np.asarray(Y, dtype=float)
    if Y.shape != Z.shape:
        raise ValueError(f"Y has shape {Y.shape} but Z has {Z.shape}: one one-hot column of K labels per example")
    if not (np.all((Y == 0) | (Y == 1)) and np.all(Y.sum(axis=0) == 1)):
        raise ValueError("Y must be one-hot: each column a single 1 among 0s (use one_hot(labels, K))")
    return Y


def _logits(Z) -> np.ndarray:
    """Z as a 2-D float array of finite logits with at least one example, or a ValueError saying what came."""
    Z = np.asarray(Z, dtype=float)
    if Z.ndim != 2 or Z.shape[1] == 0:
        raise ValueError(f"Z must have shape (K, m): K logits per example, one column each, m at least 1; "
                         f"got shape {Z.shape}")
    if not np.all(np.isfinite(Z)):
        raise ValueError("Z must hold finite logits; found inf or NaN")
    return Z
