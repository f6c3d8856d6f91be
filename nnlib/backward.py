"""Chapter 6: backpropagation, one layer and then the whole network."""

import numpy as np

from nnlib._validate import validate_Y
from nnlib.activations import sigmoid_backward


def linear_backward(
    dZ: np.ndarray, linear_cache: tuple
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Carry dZ back through Z = W A_prev + b: dW, db and dA_prev.

    dW = (1/m) dZ A_prev^T, db = (1/m) sum of dZ over examples,
    dA_prev = W^T dZ. The columns of dZ are per example, so the 1/m that
    averages over the examples is applied here, once, in dW and db; dA_prev
    stays per example.

    Parameters
    ----------
    dZ : ndarray of shape (n_l, m)
        Column i holds dL(i)/dZ[l], the derivative of example i's own loss
        L(i), so dZ = m dJ/dZ[l] for the cost J = (1/m) sum of the L(i).
    linear_cache : tuple
        ``(A_prev, W, b)`` as stored by ``forward_prop``.

    Returns
    -------
    dA_prev : ndarray of shape (n_{l-1}, m)
        Column i holds dL(i)/dA[l-1]: no 1/m.
    dW : ndarray of shape (n_l, n_{l-1})
        dJ/dW[l], the average over the examples.
    db : ndarray of shape (n_l, 1)
        dJ/db[l], the average over the examples.
    """
    A_prev, W, b = linear_cache
    m = A_prev.shape[1]
    dW = dZ @ A_prev.T / m
    db = np.sum(dZ, axis=1, keepdims=True) / m
    dA_prev = W.T @ dZ
    return dA_prev, dW, db


def one_layer_backward(
    dA: np.ndarray, cache: tuple
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Backpropagate through one sigmoid layer: dZ = dA * A * (1 - A), then linear.

    Gradients with respect to A and Z are kept per example: column i of dA
    holds dL(i)/dA[l], the derivative of example i's own loss L(i), so
    dA = m dJ/dA[l] for the cost J = (1/m) sum of the L(i). The 1/m is
    applied once, in dW and db.

    Parameters
    ----------
    dA : ndarray of shape (n_l, m)
        Column i holds dL(i)/dA[l], for this layer's output A[l].
    cache : tuple
        ``((A_prev, W, b), Z)`` for this layer, from ``forward_prop``.

    Returns
    -------
    dA_prev : ndarray of shape (n_{l-1}, m)
        Column i holds dL(i)/dA[l-1], for the previous layer's output;
        no 1/m.
    dW : ndarray of shape (n_l, n_{l-1})
        dJ/dW[l], averaged over the examples.
    db : ndarray of shape (n_l, 1)
        dJ/db[l], averaged over the examples.
    """
    linear_cache, activation_cache = cache
    dZ = sigmoid_backward(dA, activation_cache)
    return linear_backward(dZ, linear_cache)


def backprop(
    AL: np.ndarray, Y: np.ndarray, caches: list
) -> dict[str, np.ndarray]:
    """Compute the gradient of the cost for every layer, from the last to the first.

    At the output, the derivatives of the cross-entropy and of the sigmoid
    combine into dZ[L] = AL - Y. Computing that directly, instead of
    dA[L] = -(Y / AL - (1 - Y) / (1 - AL)) and then multiplying by
    AL (1 - AL), gives the same numbers without dividing by zero when a
    prediction reaches exactly 0 or 1. From there, ``linear_backward`` takes
    the output layer and ``one_layer_backward`` each layer below it. dZ and
    dA are per example (column i holds example i's own derivative); only dW
    and db carry the 1/m of the average J.

    Parameters
    ----------
    AL : ndarray of shape (n_L, m)
        Output of ``forward_prop``.
    Y : ndarray of shape (n_L, m)
        True labels, 0 or 1.
    caches : list of L tuples
        The caches returned by ``forward_prop``.

    Returns
    -------
    grads : dict of str to ndarray
        ``grads["dW<l>"]`` and ``grads["db<l>"]`` for l = 1, ..., L, shaped
        like ``W<l>`` and ``b<l>``.
    """
    Y = validate_Y(Y, np.shape(AL))
    L = len(caches)
    grads = {}
    # the output layer: the sigmoid's slope is already folded in
    dZ = AL - Y
    linear_cache, _ = caches[L - 1]
    dA, grads[f"dW{L}"], grads[f"db{L}"] = linear_backward(dZ, linear_cache)
    for l in range(L - 1, 0, -1):  # the hidden layers, L - 1 down to 1
        dA, grads[f"dW{l}"], grads[f"db{l}"] = one_layer_backward(
            dA, caches[l - 1]
        )
    return grads
