"""Check backpropagation against finite differences of the cost."""

from collections.abc import Callable

import numpy as np

from nnlib.backward import backprop
from nnlib.cost import cost_function
from nnlib.forward import forward_prop


def numerical_grads(
    params: dict[str, np.ndarray], X: np.ndarray, Y: np.ndarray, eps: float = 1e-6
) -> dict[str, np.ndarray]:
    """Estimate every gradient by central differences: (J(p + eps) - J(p - eps)) / (2 eps).

    Parameters
    ----------
    params : dict of str to ndarray
        ``W1, b1, ..., WL, bL``; left unchanged.
    X : ndarray of shape (n_x, m)
    Y : ndarray of shape (n_L, m)
    eps : float, default 1e-6
        Half the width of each difference.

    Returns
    -------
    grads : dict of str to ndarray
        ``dW1, db1, ...`` shaped like the parameters.
    """
    grads = {}
    for name, value in params.items():
        g = np.zeros_like(value)
        for i in np.ndindex(value.shape):
            costs = []
            for step in (eps, -eps):
                nudged = dict(params)
                nudged[name] = value.copy()
                nudged[name][i] += step
                costs.append(cost_function(forward_prop(X, nudged)[0], Y))
            g[i] = (costs[0] - costs[1]) / (2 * eps)
        grads["d" + name] = g
    return grads


def relative_error(g: np.ndarray, g_num: np.ndarray) -> float:
    """Compare two gradients: ||g - g_num|| / (||g|| + ||g_num||), 0 when both are 0."""
    denominator = np.linalg.norm(g) + np.linalg.norm(g_num)
    if denominator == 0:
        return 0.0
    return float(np.linalg.norm(g - g_num) / denominator)


def gradcheck(
    params: dict[str, np.ndarray],
    X: np.ndarray,
    Y: np.ndarray,
    backprop_fn: Callable = backprop,
    eps: float = 1e-6,
) -> dict[str, float]:
    """Measure how far backpropagation's gradients are from finite differences.

    Parameters
    ----------
    params : dict of str to ndarray
    X : ndarray of shape (n_x, m)
    Y : ndarray of shape (n_L, m)
    backprop_fn : callable, default ``backprop``
        Any function with backprop's signature, so that a hand-written or
        deliberately broken one can be checked too.
    eps : float, default 1e-6

    Returns
    -------
    errors : dict of str to float
        Relative error for each of ``dW1, db1, ...``. Below about 1e-7 the
        gradient is right; above about 1e-2 something is wrong.
    """
    AL, caches = forward_prop(X, params)
    grads = backprop_fn(AL, Y, caches)
    numeric = numerical_grads(params, X, Y, eps)
    return {key: relative_error(grads[key], numeric[key]) for key in numeric}
