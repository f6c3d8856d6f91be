"""Chapter 7: one step of gradient descent."""

import numpy as np

from nnlib._validate import validate_positive


def update_parameters(
    params: dict[str, np.ndarray],
    grads: dict[str, np.ndarray],
    learning_rate: float,
) -> dict[str, np.ndarray]:
    """Take one gradient-descent step: W[l] -= lr dW[l], b[l] -= lr db[l].

    Parameters
    ----------
    params : dict of str to ndarray
        ``W1, b1, ..., WL, bL``.
    grads : dict of str to ndarray
        ``dW1, db1, ..., dWL, dbL`` from ``backprop``.
    learning_rate : float
        Step size, greater than zero.

    Returns
    -------
    params : dict of str to ndarray
        New arrays; the ones passed in are left unchanged.
    """
    learning_rate = validate_positive(learning_rate, "learning_rate")
    new = {}
    for name, value in params.items():
        # params holds "W1", "b1", ...; backprop writes "dW1", "db1", ...
        grad = grads.get("d" + name)
        if grad is None or np.shape(grad) != value.shape:
            raise ValueError(
                f"grads['d{name}'] must be an array of shape "
                f"{value.shape}, "
                f"like params['{name}']; got "
                f"{'nothing' if grad is None else np.shape(grad)}"
            )
        new[name] = value - learning_rate * grad
    return new
