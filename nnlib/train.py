"""Chapter 8: put the steps together, train, and predict."""

import contextvars
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from nnlib._threads import blas_on_one_core, threads_for
from nnlib._checks import (
    check_batch_size,
    check_count,
    check_dtype,
    check_layer_dims,
    check_params,
    check_positive,
    check_X,
    check_Y,
    inputs_checked,
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
    dims = check_layer_dims(layer_dims)
    X = check_X(X, dims[0], where=f"layer_dims[0] = {dims[0]}")
    Y = check_Y(Y, (dims[-1], X.shape[1]))
    epochs = check_count(epochs, "epochs")
    lr = check_positive(lr, "lr")
    m = X.shape[1]
    batch_size = check_batch_size(batch_size, m)
    dtype = check_dtype(dtype)

    X, Y = X.astype(dtype, copy=False), Y.astype(dtype, copy=False)
    params = {name: p.astype(dtype, copy=False) for name, p in init_params(dims, seed).items()}
    shuffle = np.random.default_rng(seed)
    n_batches = -(-m // batch_size)  # ceil(m / batch_size)
    # Large batches are shared out between threads (see cost_and_grads).
    threads = threads_for(-(-m // n_batches), dims)
    cost_history = []
    # X and Y were checked above; the steps below need not scan them again every epoch.
    with inputs_checked(), blas_on_one_core(threads), ThreadPoolExecutor(threads) as pool:
        for _ in range(epochs):
            if n_batches == 1:
                batches = [slice(None)]  # all examples, in their order
            else:
                batches = np.array_split(shuffle.permutation(m), n_batches)
            costs = []
            for batch in batches:
                cost, grads = cost_and_grads(X[:, batch], Y[:, batch], params, pool, threads)
                costs.append(cost)
                params = update_parameters(params, grads, lr)
            cost_history.append(sum(costs) / n_batches)
    return params, cost_history


def cost_and_grads(
    X: np.ndarray,
    Y: np.ndarray,
    params: dict[str, np.ndarray],
    pool: ThreadPoolExecutor | None = None,
    threads: int = 1,
) -> tuple[float, dict[str, np.ndarray]]:
    """The cost and the gradients of one step: forward_prop, cost_function, backprop.

    The cost and every gradient are averages over the m examples. So with
    ``threads`` > 1 the examples are cut into that many slices, each slice
    goes through the three steps in a thread of its own, all at once, and
    the slices' costs and gradients are averaged, each weighted by its share
    of the examples. That is the same cost and the same gradients, up to
    rounding in the last digits.

    Parameters
    ----------
    X : ndarray of shape (n_x, m)
    Y : ndarray of shape (n_L, m)
    params : dict of str to ndarray
    pool : ThreadPoolExecutor, optional
        Runs the slices; needed when threads > 1.
    threads : int, default 1

    Returns
    -------
    cost : float
    grads : dict of str to ndarray
        As ``backprop`` returns them.
    """
    if threads == 1:
        AL, caches = forward_prop(X, params)
        return cost_function(AL, Y), backprop(AL, Y, caches)
    m = X.shape[1]
    ends = [m * i // threads for i in range(threads + 1)]  # Python ints: shares stay floats
    slices = [slice(start, end) for start, end in zip(ends, ends[1:])]
    # Each task runs in a copy of this context, so inputs_checked() holds there too.
    tasks = [
        pool.submit(contextvars.copy_context().run, cost_and_grads, X[:, part], Y[:, part], params)
        for part in slices
    ]
    shares = [(part.stop - part.start) / m for part in slices]
    results = [task.result() for task in tasks]
    cost = float(sum(share * part_cost for share, (part_cost, _) in zip(shares, results)))
    grads = {
        name: sum(share * part_grads[name] for share, (_, part_grads) in zip(shares, results))
        for name in results[0][1]
    }
    return cost, grads


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
