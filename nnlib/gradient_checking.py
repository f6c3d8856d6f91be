"""Check backpropagation against finite differences of the cost."""

from collections.abc import Callable

import numpy as np

from nnlib.backward import backprop
from nnlib.cost import cost_function
from nnlib.forward import forward_prop


def numerical_grads(
    params: dict[str, np.ndarray],
    X: np.ndarray,
    Y: np.ndarray,
    eps: float = 1e-6,
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
        Relative error for each of ``dW1, db1, ...``. As a rule of thumb,
        below about 1e-7 the gradient is right and above about 1e-2 something
        is wrong; ``rounding_limits`` gives the exact range that a correct
        gradient can show.
    """
    AL, caches = forward_prop(X, params)
    grads = backprop_fn(AL, Y, caches)
    numeric = numerical_grads(params, X, Y, eps)
    return {key: relative_error(grads[key], numeric[key])
            for key in numeric}


# Each exp and log is allowed this many units in the last place (ulps), more
# than the C libraries and numpy's own vectorised versions are documented to need.
FUNCTION_ULPS = 4


def cost_rounding_bound(params: dict[str, np.ndarray], X: np.ndarray, Y: np.ndarray) -> float:
    """Bound how far rounding can move the computed cost from the exact one.

    Follows every rounding of ``forward_prop`` and ``cost_function`` in
    float64, to first order in the unit roundoff u = 2^-53, whatever order a
    machine sums in:

    - a sum of n terms is off by at most gamma_n = n u / (1 - n u) times the
      sum of the terms' sizes, so Z = W A_prev + b carries
      gamma_{n+1} (|W| |A_prev| + |b|), plus |W| times A_prev's own error;
    - the sigmoid passes Z's error on, scaled by its slope A (1 - A), and
      adds its own: an exp (FUNCTION_ULPS ulps), an addition and a division;
    - a log turns an error e in its argument a into e / a and adds
      FUNCTION_ULPS ulps; the mean over m examples adds gamma_m times the sum
      of the terms, and one more rounding for the division by m.

    It is a worst case, every rounding taken the same way; the real error is
    usually far smaller.

    Returns
    -------
    bound : float
        No computed cost is further than this from the exact cost.
    """
    u = np.finfo(np.float64).eps / 2
    f = 2 * FUNCTION_ULPS * u  # an ulp is at most 2u of the value

    def gamma(n):
        return n * u / (1 - n * u)

    A = np.asarray(X, dtype=np.float64)
    E = np.zeros_like(A)  # bound on the error of each entry of A
    for l in range(1, len(params) // 2 + 1):
        W, b = params[f"W{l}"], params[f"b{l}"]
        Z = W @ A + b
        E_Z = gamma(W.shape[1] + 1) * (np.abs(W) @ np.abs(A) + np.abs(b)) + np.abs(W) @ E
        A = 1 / (1 + np.exp(-np.clip(Z, -700, 700)))
        E = A * (1 - A) * E_Z + (f + 3 * u) * A
    Y = np.asarray(Y, dtype=np.float64)
    tiny = np.finfo(np.float64).eps
    A = np.clip(A, tiny, 1 - tiny)  # as cost_function does
    loss = -(Y * np.log(A) + (1 - Y) * np.log(1 - A))
    # Each example takes one of the two logs (Y is 0 or 1); 1 - A adds a rounding.
    error = np.where(Y == 1, E / A, (E + u * (1 - A)) / (1 - A)) + f * loss
    m = Y.shape[1]
    return float((error.sum() + gamma(m) * loss.sum()) / m + u * loss.sum() / m)


def rounding_limits(
    params: dict[str, np.ndarray],
    X: np.ndarray,
    Y: np.ndarray,
    eps: float = 1e-6,
) -> dict[str, tuple[float, float]]:
    """The range that rounding leaves for gradcheck's error when backprop is right.

    Low: the two costs of a central difference lie on float64's grid, so
    their difference is a whole number of grid steps G, and the estimate a
    whole multiple of G / (2 eps). It can come no closer to backprop's value
    than the nearest such multiple. High: each cost is off by at most
    ``cost_rounding_bound``, and each nudged parameter by one rounding. Both
    hold on any machine, to first order in the unit roundoff u. High leaves
    out the truncation error, of order eps^2 (1e-12 at the default step),
    and backprop's own rounding, a few u of the gradient.

    Returns
    -------
    limits : dict of str to (float, float)
        For each of ``dW1, db1, ...``, the smallest and the largest relative
        error that ``gradcheck`` can report for a correct gradient.
    """
    u = np.finfo(np.float64).eps / 2
    AL, caches = forward_prop(X, params)
    grads = backprop(AL, Y, caches)
    J = cost_function(AL, Y)
    B = cost_rounding_bound(params, X, Y)
    # Every float from J / 2 up is a whole multiple of this step, and the
    # nudged costs stay far above J / 2.
    grid = np.spacing(J / 2)
    limits = {}
    for name, value in params.items():
        g = grads["d" + name]
        steps = 2 * eps * g / grid  # backprop's value, in multiples of grid / (2 eps)
        # The division by 2 eps rounds once more: a relative u, allowed twice over.
        off_grid = np.abs(steps - np.round(steps)) * grid / (2 * eps) - 2 * u * np.abs(g)
        low = np.linalg.norm(np.maximum(off_grid, 0))
        high = np.linalg.norm(B / eps + u * np.abs(g) * (np.abs(value) + eps) / eps + 2 * u * np.abs(g))
        # relative_error divides by |g| + |g_num|, and |g_num| is within high of |g|.
        size = 2 * np.linalg.norm(g)
        limits["d" + name] = (float(low / (size + high)), float(high / (size - high)) if size > high else 1.0)
    return limits
