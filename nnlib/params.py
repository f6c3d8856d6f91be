"""Chapter 2: give every layer a weight matrix and a bias vector."""

import numpy as np

from nnlib._checks import check_layer_dims


def init_params(layer_dims: list[int], seed: int | None = 3) -> dict[str, np.ndarray]:
    """Draw small random weights and zero biases: W[l] ~ 0.01 N(0, 1), b[l] = 0.

    Parameters
    ----------
    layer_dims : list of int
        Units per layer, input layer first: ``[n_x, n_1, ..., n_L]``.
    seed : int or None, default 3
        Seed of the random generator, so the same call gives the same
        weights. ``None`` draws fresh ones.

    Returns
    -------
    params : dict of str to ndarray
        ``params["W<l>"]`` of shape (n_l, n_{l-1}) and ``params["b<l>"]``
        of shape (n_l, 1), for l = 1, ..., L.
    """
    dims = check_layer_dims(layer_dims)
    # A local generator, not np.random.seed: seeding here must not change
    # the random numbers anyone else draws.
    rng = np.random.default_rng(seed)
    params = {}
    for l in range(1, len(dims)):
        params[f"W{l}"] = rng.standard_normal((dims[l], dims[l - 1])) * 0.01
        params[f"b{l}"] = np.zeros((dims[l], 1))
    return params
