"""Part three: the rectified linear unit, and its derivative beside it."""

import numpy as np


def relu(Z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Apply the rectifier elementwise: A = max(0, Z).

    Parameters
    ----------
    Z : ndarray of shape (n_l, m)
        Pre-activations of layer l.

    Returns
    -------
    A : ndarray of shape (n_l, m)
        Z where it is positive, 0 elsewhere.
    cache : ndarray of shape (n_l, m)
        Z, kept for the backward pass.
    """
    Z = np.asarray(Z)
    if Z.dtype != np.float32:  # float32 stays float32, as in sigmoid
        Z = Z.astype(np.float64, copy=False)
    return np.maximum(Z, 0), Z


def relu_backward(dA: np.ndarray, cache: np.ndarray) -> np.ndarray:
    """Carry a gradient back through the rectifier: dZ = dA where Z > 0, else 0.

    The slope is 1 for Z > 0 and 0 for Z < 0. At Z = 0 the rectifier has no
    slope; like PyTorch and most libraries, this takes 0 there. A unit whose
    Z is negative for every example passes no gradient back at all: it is
    "dead", and gradient descent cannot revive it.

    Parameters
    ----------
    dA : ndarray of shape (n_l, m)
        Gradient with respect to the layer's activations, one column per
        example (the convention of ``sigmoid_backward``).
    cache : ndarray of shape (n_l, m)
        The Z that ``relu`` returned as its cache.

    Returns
    -------
    dZ : ndarray of shape (n_l, m)
    """
    return np.where(cache > 0, dA, 0)
