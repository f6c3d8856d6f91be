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
