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
    Y = np.zeros((n_classes, labels.size))
    Y[labels.astype(np.int64), np.arange(labels.size)] = 1
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
    E = np.exp(Z - Z.max(axis=0, keepdims=True))  # the same shift as log_softmax
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
    Y = np.asarray(Y, dtype=float)
    if Y.shape != Z.shape:
        raise ValueError(f"Y has shape {Y.shape} but Z has {Z.shape}: one one-hot column of K labels per example")
    if not (np.all((Y == 0) | (Y == 1)) and np.all(Y.sum(axis=0) == 1)):
        raise ValueError("Y must be one-hot: each column a single 1 among 0s (use one_hot(labels, K))")
    return float(-np.sum(Y * log_softmax(Z)) / Z.shape[1])


def _logits(Z) -> np.ndarray:
    """Z as a 2-D float array of finite logits with at least one example, or a ValueError saying what came."""
    Z = np.asarray(Z, dtype=float)
    if Z.ndim != 2 or Z.shape[1] == 0:
        raise ValueError(f"Z must have shape (K, m): K logits per example, one column each, m at least 1; "
                         f"got shape {Z.shape}")
    if not np.all(np.isfinite(Z)):
        raise ValueError("Z must hold finite logits; found inf or NaN")
    return Z
