"""Input validation for the functions a learner calls directly.

Each check raises ``ValueError`` with a message in the book's terms: what was
expected, what came, and, where a common slip explains it, what to try. The
inner steps of the network (``sigmoid``, ``one_layer_backward``, ...) do not
call these, so that they stay as plain as the equations.
"""

import numbers

import numpy as np


def validate_layer_dims(layer_dims) -> list[int]:
    """Return layer_dims as a list of ints, or say why it cannot be one."""
    if isinstance(layer_dims, (str, bytes)) or not hasattr(layer_dims, "__len__"):
        raise ValueError(
            f"layer_dims must be a list of layer sizes such as [30, 8, 1]; "
            f"got {layer_dims!r}"
        )
    dims = list(layer_dims)
    if len(dims) < 2:
        raise ValueError(
            f"layer_dims needs at least two sizes (the input and the output "
            f"layer), such as [30, 1]; got {dims!r}"
        )
    for l, n in enumerate(dims):
        if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
            raise ValueError(
                f"layer_dims[{l}] must be a positive whole number of units; "
                f"got {n!r} in {dims!r}"
            )
    return [int(n) for n in dims]


def validate_params(params) -> int:
    """Check W1, b1, ..., WL, bL fit together; return the number of layers L."""
    if not isinstance(params, dict) or not params:
        raise ValueError(
            f"params must be the dict returned by init_params, with keys "
            f"'W1', 'b1', ...; got {type(params).__name__}"
        )
    L = len(params) // 2
    expected = {f"{p}{l}" for l in range(1, L + 1) for p in "Wb"}
    if len(params) % 2 or set(params) != expected:
        raise ValueError(
            f"params must hold W1, b1, ..., WL, bL for some L; got keys "
            f"{sorted(params)}"
        )
    for l in range(1, L + 1):
        W, b = params[f"W{l}"], params[f"b{l}"]
        if not isinstance(W, np.ndarray) or W.ndim != 2:
            raise ValueError(
                f"W{l} must be a 2-D array of shape (n_{l}, n_{l - 1}); got "
                f"{_describe(W)}"
            )
        if l > 1:
            n_prev = params[f"W{l - 1}"].shape[0]
            if W.shape[1] != n_prev:
                hint = f" - did you mean W{l}.T?" if W.shape[0] == n_prev else ""
                raise ValueError(
                    f"W{l} has shape {W.shape} but layer {l - 1} has {n_prev} "
                    f"units, so W{l} needs {n_prev} columns{hint}"
                )
        if not isinstance(b, np.ndarray) or b.shape != (W.shape[0], 1):
            raise ValueError(
                f"b{l} must have shape ({W.shape[0]}, 1) to match W{l} of shape "
                f"{W.shape}; got {_describe(b)}"
            )
    return L


def validate_X(X, n_x: int | None, where: str = "W1") -> np.ndarray:
    """Check X is a finite (n_x, m) array of examples in columns (any n_x if None)."""
    X = _as_float_array(X, "X")
    if X.ndim != 2:
        raise ValueError(
            f"X must be a 2-D array of shape (n_x, m), one example per "
            f"column; "
            f"got shape {X.shape}"
        )
    if n_x is not None and X.shape[0] != n_x:
        hint = (
            "; examples go in columns - did you mean X.T?"
            if X.shape[1] == n_x
            else ""
        )
        raise ValueError(
            f"X has shape {X.shape} but {where} expects {n_x} rows "
            f"(features){hint}"
        )
    if X.shape[1] == 0:
        raise ValueError(
            "X has no examples (0 columns); expected at least one"
        )
    if not np.all(np.isfinite(X)):
        bad = int(np.size(X) - np.count_nonzero(np.isfinite(X)))
        raise ValueError(
            f"X must hold finite numbers; it has {bad} NaN or infinite "
            f"value(s)"
        )
    return X


def validate_Y(Y, shape: tuple[int, int], name: str = "Y") -> np.ndarray:
    """Check Y holds 0/1 labels in an array of the given (n_L, m) shape."""
    Y = _as_float_array(Y, name)
    if Y.shape != shape:
        hint = ""
        if Y.shape == (shape[1],) or Y.shape == (shape[1], shape[0]):
            hint = f" - did you mean {name}.reshape({shape[0]}, -1)?"
        raise ValueError(
            f"{name} has shape {Y.shape} but expected {shape}: one label "
            f"per "
            f"column, matching the {shape[1]} examples{hint}"
        )
    if not np.all((Y == 0) | (Y == 1)):
        shown = np.unique(Y)[:5]
        raise ValueError(
            f"{name} must hold labels 0 or 1 only; found values such as "
            f"{shown.tolist()}"
        )
    return Y


def validate_positive(value, name: str) -> float:
    """Check a learning rate or similar is a finite number above zero."""
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not np.isfinite(value)
        or value <= 0
    ):
        raise ValueError(f"{name} must be a positive number; got {value!r}")
    return float(value)


def validate_count(value, name: str) -> int:
    """Check an epoch count or similar is a whole number, zero or more."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
        raise ValueError(
            f"{name} must be a whole number, zero or more; got {value!r}"
        )
    return int(value)


def validate_batch_size(batch_size, m: int) -> int:
    """Check a mini-batch size is None (all m examples) or a whole number from 1."""
    if batch_size is None:
        return m
    if (
        isinstance(batch_size, bool)
        or not isinstance(batch_size, numbers.Integral)
        or batch_size < 1
    ):
        raise ValueError(
            f"batch_size must be None (all examples at once) or a whole number "
            f"of examples, 1 or more; got {batch_size!r}"
        )
    return min(int(batch_size), m)


def validate_dtype(dtype) -> np.dtype:
    """Check a training precision is float64 or float32."""
    try:
        chosen = np.dtype(dtype)
    except TypeError:
        chosen = None
    if chosen not in (np.float64, np.float32):
        raise ValueError(f"dtype must be np.float64 or np.float32; got {dtype!r}")
    return chosen


def validate_training(X, Y, layer_dims, epochs, lr, batch_size, dtype) -> tuple:
    """Check everything ``train`` is given; return it as the loop needs it.

    Returns
    -------
    dims, X, Y, epochs, lr, batch_size, dtype
        ``layer_dims`` as a list of ints; X and Y as arrays of ``dtype``;
        ``batch_size`` as a number of examples (m for None).
    """
    dims = validate_layer_dims(layer_dims)
    X = validate_X(X, dims[0], where=f"layer_dims[0] = {dims[0]}")
    Y = validate_Y(Y, (dims[-1], X.shape[1]))
    epochs = validate_count(epochs, "epochs")
    lr = validate_positive(lr, "lr")
    batch_size = validate_batch_size(batch_size, X.shape[1])
    dtype = validate_dtype(dtype)
    X, Y = X.astype(dtype, copy=False), Y.astype(dtype, copy=False)
    return dims, X, Y, epochs, lr, batch_size, dtype


def _as_float_array(a, name: str) -> np.ndarray:
    """Return a as a float64 array; float32 arrays stay float32 (see train's dtype)."""
    try:
        a = np.asarray(a)
        return a if a.dtype == np.float32 else a.astype(np.float64, copy=False)
    except (TypeError, ValueError):
        raise ValueError(
            f"{name} must be an array of numbers; got {_describe(a)}"
        ) from None


def _describe(a) -> str:
    if isinstance(a, np.ndarray):
        return f"an array of shape {a.shape}"
    return f"{type(a).__name__} {a!r}"[:80]
