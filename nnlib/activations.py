"""Chapter 3: the sigmoid activation, and its derivative beside it."""

import numpy as np


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
    # float32 stays float32 (train's dtype); all else becomes float64
    if Z.dtype != np.float32:
        Z = Z.astype(np.float64, copy=False)
    # E = exp(-|Z|) lies in (0, 1], so it cannot overflow, whatever
    # the sign of Z.
    E = np.exp(-np.abs(Z))
    # 1 / (1 + exp(-Z)) for Z >= 0; the same number as E / (1 + E)
    # for Z < 0.
    A = np.where(Z >= 0, 1, E) / (1 + E)
    return A, Z


def sigmoid_backward(dA: np.ndarray, cache: np.ndarray) -> np.ndarray:
    """Carry a gradient back through the sigmoid: dZ = dA * A * (1 - A).

    Parameters
    ----------
    dA : ndarray of shape (n_l, m)
        Gradient with respect to the layer's activations, one column per
        example: column i holds dL(i)/dA, the derivative of example i's own
        loss, so dA = m dJ/dA for the cost J = (1/m) sum_i L(i). The 1/m
        is applied once, where dW and db gather the examples.
    cache : ndarray of shape (n_l, m)
        The Z that ``sigmoid`` returned as its cache.

    Returns
    -------
    dZ : ndarray of shape (n_l, m)
    """
    A, _ = sigmoid(cache)
    return dA * A * (1 - A)
