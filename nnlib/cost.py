"""Chapter 5: the cross-entropy cost of a set of predictions."""

import numpy as np

from nnlib._validate import validate_Y

# Predictions are kept this far from 0 and 1 before taking logs, so that a
# confident wrong answer costs about 36 rather than infinity.
EPS = np.finfo(float).eps


def cost_function(A: np.ndarray, Y: np.ndarray) -> float:
    """Average the cross-entropy: J = -(1/m) sum(Y log A + (1 - Y) log(1 - A)).

    Parameters
    ----------
    A : ndarray of shape (1, m)
        Predicted probabilities, the output ``AL`` of ``forward_prop``.
    Y : ndarray of shape (1, m)
        True labels, 0 or 1.

    Returns
    -------
    cost : float
        Zero for perfect predictions; larger the more confidently wrong.
    """
    A = np.asarray(A, dtype=float)
    if A.ndim != 2:
        raise ValueError(
            f"A must be a 2-D array of predictions of shape (1, m); "
            f"got shape "
            f"{A.shape}"
        )
    if A.shape[1] == 0:  # the mean over no examples is 0 / 0
        raise ValueError(
            f"A has no examples (shape {A.shape}); the cost is an average "
            f"over the m columns, so m must be at least 1"
        )
    Y = validate_Y(Y, A.shape)
    bad = ~np.isfinite(A) | (A < 0) | (A > 1)
    if np.any(bad):
        raise ValueError(
            "A must hold probabilities between 0 and 1 (the output of "
            f"sigmoid); found {A[bad][:3].tolist()}"
        )
    m = Y.shape[1]
    A = np.clip(A, EPS, 1 - EPS)
    return float(-np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / m)


def cost_from_logits(ZL: np.ndarray, Y: np.ndarray) -> float:
    """Average the cross-entropy from the logit: J = (1/m) sum(softplus(Z) - Y Z).

    The same cost as ``cost_function(sigmoid(ZL), Y)``, written in terms of
    the output layer's pre-activation z, since -log(sigmoid(z)) = softplus(-z)
    and -log(1 - sigmoid(z)) = softplus(z), with softplus(z) = log(1 + e^z).
    It is computed as max(z, 0) - y z + log1p(exp(-|z|)), where no
    exponential can overflow and no logarithm meets 0, so it needs no
    clipping: at an output saturated the wrong way it keeps growing with |z|
    (about |z| nats), and its slope in z is sigmoid(z) - y, the ``AL - Y``
    that ``backprop`` starts from.

    Parameters
    ----------
    ZL : ndarray of shape (1, m)
        Pre-activations of the output layer, the last Z that ``forward_prop``
        keeps in its caches.
    Y : ndarray of shape (1, m)
        True labels, 0 or 1.

    Returns
    -------
    cost : float
        Zero only for infinitely confident right answers; larger the more
        confidently wrong.
    """
    ZL = np.asarray(ZL, dtype=float)
    if ZL.ndim != 2:
        raise ValueError(
            "ZL must be a 2-D array of output pre-activations of shape "
            f"(1, m); got shape {ZL.shape}"
        )
    if ZL.shape[1] == 0:  # the mean over no examples is 0 / 0
        raise ValueError(
            f"ZL has no examples (shape {ZL.shape}); the cost is an average "
            f"over the m columns, so m must be at least 1"
        )
    Y = validate_Y(Y, ZL.shape)
    bad = ~np.isfinite(ZL)
    if np.any(bad):
        raise ValueError(
            "ZL must hold finite pre-activations (the output layer's "
            f"Z = W A + b); found {ZL[bad][:3].tolist()}"
        )
    m = Y.shape[1]
    # For y = 0 or 1, max(z, 0) - y z is exact (0, z or -z) and log1p(...)
    # is small and positive: each example's cost is a sum of two
    # non-negative terms, accurate to a few units in the last place.
    exact = np.maximum(ZL, 0) - Y * ZL  # 0, z or -z
    per_example = exact + np.log1p(np.exp(-np.abs(ZL)))
    return float(np.sum(per_example) / m)
