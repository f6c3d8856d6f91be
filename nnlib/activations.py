"""Chapter 3: the sigmoid activation, and its derivative beside it."""

import numpy as np

from nnlib._blocks import blockwise


def sigmoid(Z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Apply the logistic function elementwise: A = 1 / (1 + exp(-Z)).

    Parameters
    ----------
    Z : ndarray of shape (n_l, m)
        Pre-activations of layer l.

    Returns
    -------
    A : ndarray of shape (n_l, m)
        Activations, each strictly between 0 and 1 up to rounding.
    cache : ndarray of shape (n_l, m)
        Z, kept for the backward pass.
    """
    Z = np.asarray(Z)
    if Z.dtype != np.float32:  # float32 stays float32 (train's dtype); all else float64
        Z = Z.astype(np.float64, copy=False)
    A = np.empty_like(Z)
    # A large Z goes a block of entries at a time: see nnlib/_blocks.py.
    blockwise(logistic, Z, out=A)
    if A.ndim == 0:
        A = A[()]  # a number in, a number out
    return A, Z


def logistic(Z: np.ndarray, A: np.ndarray) -> None:
    """Write 1 / (1 + exp(-Z)) into A, with one exp per entry and no overflow."""
    # exp(-|Z|) lies in (0, 1], so it never overflows, whatever the sign of Z.
    # For Z >= 0 the sigmoid is the textbook 1 / (1 + E); for Z < 0 it is the
    # same value written as E / (1 + E), with E = exp(Z).
    E = np.empty_like(Z)
    np.abs(Z, out=E)
    np.negative(E, out=E)
    np.exp(E, out=E)
    # The numerator, 1 where Z >= 0 and E where Z < 0, is the larger of sign(Z)
    # and E (as E <= 1): the same as np.where(Z >= 0, 1.0, E), several times faster.
    np.sign(Z, out=A)
    np.maximum(A, E, out=A)
    E += 1.0
    A /= E


def sigmoid_backward(dA: np.ndarray, cache: np.ndarray) -> np.ndarray:
    """Carry a gradient back through the sigmoid: dZ = dA * A * (1 - A).

    Parameters
    ----------
    dA : ndarray of shape (n_l, m)
        Gradient of the cost with respect to the layer's activations.
    cache : ndarray of shape (n_l, m)
        The Z that ``sigmoid`` returned as its cache.

    Returns
    -------
    dZ : ndarray of shape (n_l, m)
    """
    A, _ = sigmoid(cache)
    return dA * A * (1.0 - A)
