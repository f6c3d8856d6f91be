"""Chapter 4: forward propagation, layer by layer."""

import numpy as np

from nnlib._validate import validate_params, validate_X
from nnlib.activations import sigmoid


def forward_prop(
    X: np.ndarray, params: dict[str, np.ndarray]
) -> tuple[np.ndarray, list]:
    """Run the network: Z[l] = W[l] A[l-1] + b[l], A[l] = sigmoid(Z[l]), A[0] = X.

    Parameters
    ----------
    X : ndarray of shape (n_x, m)
        Input, one example per column.
    params : dict of str to ndarray
        ``W1, b1, ..., WL, bL`` as made by ``init_params``.

    Returns
    -------
    AL : ndarray of shape (n_L, m)
        Output of the last layer: the network's predictions.
    caches : list of L tuples
        For layer l, ``((A_prev, W, b), Z)``: the linear cache and the
        activation cache that ``one_layer_backward`` needs.
    """
    L = validate_params(params)
    A = validate_X(X, params["W1"].shape[1])
    caches = []
    for l in range(1, L + 1):
        A_prev, W, b = A, params[f"W{l}"], params[f"b{l}"]
        # b of shape (n_l, 1) broadcasts over the m columns
        Z = W @ A_prev + b
        A, activation_cache = sigmoid(Z)
        caches.append(((A_prev, W, b), activation_cache))
    return A, caches
