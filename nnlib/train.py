"""Chapter 8: put the steps together, train, and predict."""

import numpy as np

from nnlib._checks import (
    check_count,
    check_layer_dims,
    check_params,
    check_positive,
    check_X,
    check_Y,
)
from nnlib.backward import backprop
from nnlib.cost import cost_function
from nnlib.forward import forward_prop
from nnlib.params import init_params
from nnlib.update import update_parameters


def train(
    X: np.ndarray,
    Y: np.ndarray,
    layer_dims: list[int],
    epochs: int,
    lr: float,
    seed: int | None = 3,
) -> tuple[dict[str, np.ndarray], list[float]]:
    """Fit a sigmoid network by full-batch gradient descent for a number of epochs.

    Each epoch runs forward_prop, cost_function, backprop and
    update_parameters once over all m examples.

    Parameters
    ----------
    X : ndarray of shape (n_x, m)
        Training inputs, one example per column.
    Y : ndarray of shape (n_L, m)
        Training labels, 0 or 1.
    layer_dims : list of int
        ``[n_x, n_1, ..., n_L]``; ``n_x`` must match the rows of X and
        ``n_L`` the rows of Y.
    epochs : int
        Number of gradient-descent steps, zero or more.
    lr : float
        Learning rate, greater than zero.
    seed : int or None, default 3
        Seed for ``init_params``.

    Returns
    -------
    params : dict of str to ndarray
        The trained ``W1, b1, ..., WL, bL``.
    cost_history : list of float
        The cost before each step, one entry per epoch.
    """
    dims = check_layer_dims(layer_dims)
    X = check_X(X, dims[0], where=f"layer_dims[0] = {dims[0]}")
    Y = check_Y(Y, (dims[-1], X.shape[1]))
    epochs = check_count(epochs, "epochs")
    lr = check_positive(lr, "lr")

    params = init_params(dims, seed=seed)
    cost_history = []
    for _ in range(epochs):
        AL, caches = forward_prop(X, params)
        cost_history.append(cost_function(AL, Y))
        grads = backprop(AL, Y, caches)
        params = update_parameters(params, grads, lr)
    return params, cost_history


def predict(
    X: np.ndarray, params: dict[str, np.ndarray], threshold: float = 0.5
) -> np.ndarray:
    """Label each example 1 where the network's output reaches the threshold, else 0.

    Parameters
    ----------
    X : ndarray of shape (n_x, m)
        Inputs, one example per column.
    params : dict of str to ndarray
        Trained parameters, as returned by ``train``.
    threshold : float, default 0.5
        Probability from which an example is labelled 1.

    Returns
    -------
    Y_hat : ndarray of int, shape (n_L, m)
    """
    check_params(params)
    if not 0 < threshold < 1:
        raise ValueError(f"threshold must lie between 0 and 1; got {threshold!r}")
    AL, _ = forward_prop(X, params)
    return (AL >= threshold).astype(int)


def accuracy(Y_hat: np.ndarray, Y: np.ndarray) -> float:
    """Return the fraction of examples whose predicted label equals the true one.

    Parameters
    ----------
    Y_hat : ndarray of shape (n_L, m)
        Predicted labels, as returned by ``predict``.
    Y : ndarray of shape (n_L, m)
        True labels.

    Returns
    -------
    accuracy : float
        Between 0 and 1.
    """
    if np.ndim(Y_hat) != 2:
        raise ValueError(
            f"Y_hat must be a 2-D array of shape (n_L, m), as predict returns; "
            f"got shape {np.shape(Y_hat)}"
        )
    Y_hat = check_Y(Y_hat, np.shape(Y_hat))
    Y = check_Y(Y, Y_hat.shape)
    return float(np.mean(Y_hat == Y))
