"""Chapter 8: put the steps together, train, and predict."""

import numpy as np

from nnlib._validate import validate_params, validate_training, validate_X, validate_Y
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
    batch_size: int | None = None,
    dtype=np.float64,
) -> tuple[dict[str, np.ndarray], list[float]]:
    """Fit a sigmoid network by gradient descent for a number of epochs.

    Each epoch runs forward_prop, cost_function, backprop and
    update_parameters once over all m examples (full batch, as in the
    tutorial), or, with ``batch_size``, once per mini-batch, the examples
    taken in a fresh random order every epoch.

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
        Number of passes over the training set, zero or more.
    lr : float
        Learning rate, greater than zero.
    seed : int or None, default 3
        Seed for ``init_params`` and for the order of the mini-batches.
    batch_size : int or None, default None
        Examples per gradient-descent step. None takes all m at once: one
        step per epoch. Otherwise the m examples are cut into
        ceil(m / batch_size) batches of nearly equal size, and only one
        batch's activations are held in memory at a time.
    dtype : np.float64 or np.float32, default np.float64
        Precision of the arithmetic. float32 halves the memory and is
        faster; the initial weights are the same, rounded.

    Returns
    -------
    params : dict of str to ndarray
        The trained ``W1, b1, ..., WL, bL``, of the given dtype.
    cost_history : list of float
        One entry per epoch: the cost before the epoch's step (with
        mini-batches, the mean of the batches' costs, each measured before
        its own step).
    """
    dims, X, Y, epochs, lr, batch_size, dtype = validate_training(
        X, Y, layer_dims, epochs, lr, batch_size, dtype
    )
    m = X.shape[1]
    params = init_params(dims, seed)
    # The same draw in any dtype, rounded to it.
    params = {
        name: p.astype(dtype, copy=False) for name, p in params.items()
    }
    shuffle = np.random.default_rng(seed)
    n_batches = -(-m // batch_size)  # ceil(m / batch_size)
    cost_history = []
    for _ in range(epochs):
        if n_batches == 1:
            batches = [slice(None)]  # all m examples, in their order
        else:
            # a fresh order every epoch, cut into batches of nearly
            # equal size
            batches = np.array_split(shuffle.permutation(m), n_batches)
        costs = []
        for batch in batches:
            AL, caches = forward_prop(X[:, batch], params)
            costs.append(cost_function(AL, Y[:, batch]))
            grads = backprop(AL, Y[:, batch], caches)
            params = update_parameters(params, grads, lr)
        cost_history.append(sum(costs) / n_batches)
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
    validate_params(params)
    # at 0 or 1 every example would get the same label
    if not 0 < threshold < 1:
        raise ValueError(
            f"threshold must lie strictly between 0 and 1; "
            f"got {threshold!r}"
        )
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
            f"Y_hat must be a 2-D array of shape (n_L, m), as predict "
            f"returns; "
            f"got shape {np.shape(Y_hat)}"
        )
    if not np.all((np.asarray(Y_hat) == 0) | (np.asarray(Y_hat) == 1)):
        raise ValueError(
            "Y_hat must hold labels 0 or 1, as predict returns them; found "
            f"values such as {np.unique(Y_hat)[:3].tolist()} - did you "
            f"pass the "
            "probabilities AL instead of predict(X, params)?"
        )
    Y_hat = validate_Y(Y_hat, np.shape(Y_hat), name="Y_hat")
    Y = validate_Y(Y, Y_hat.shape)
    return float(np.mean(Y_hat == Y))


def train_with_validation(
    X: np.ndarray,
    Y: np.ndarray,
    X_val: np.ndarray,
    Y_val: np.ndarray,
    layer_dims: list[int],
    epochs: int,
    lr: float,
    seed: int | None = 3,
) -> tuple[dict[str, np.ndarray], list[float], list[float]]:
    """Train as ``train`` does (full batch) and record the validation cost too.

    Before each step the cost is measured on the training set, as in
    ``train``'s ``cost_history``, and on the validation set, which never
    enters a gradient: a validation cost that turns up while the training
    cost still falls is the sign of overfitting.

    Parameters
    ----------
    X : ndarray of shape (n_x, m)
    Y : ndarray of shape (n_L, m)
    X_val : ndarray of shape (n_x, m_val)
    Y_val : ndarray of shape (n_L, m_val)
    layer_dims, epochs, lr, seed
        As for ``train``.

    Returns
    -------
    params : dict of str to ndarray
        The parameters after the last epoch, equal to ``train``'s.
    cost_history : list of float, length epochs
        Training cost before each step, equal to ``train``'s.
    val_cost_history : list of float, length epochs
        Validation cost before each step.
    """
    dims, X, Y, epochs, lr, _, _ = validate_training(
        X, Y, layer_dims, epochs, lr, None, np.float64
    )
    X_val = validate_X(X_val, dims[0], where=f"layer_dims[0] = {dims[0]}")
    Y_val = validate_Y(Y_val, (dims[-1], X_val.shape[1]), name="Y_val")
    params = init_params(dims, seed)
    cost_history, val_cost_history = [], []
    for _ in range(epochs):
        AL, caches = forward_prop(X, params)
        cost_history.append(cost_function(AL, Y))
        AL_val, _ = forward_prop(X_val, params)
        val_cost_history.append(cost_function(AL_val, Y_val))
        grads = backprop(AL, Y, caches)
        params = update_parameters(params, grads, lr)
    return params, cost_history, val_cost_history
