"""Part three: networks whose hidden activation is a choice, read from the last layer's logits.

Chapters 1-10 build one network, with sigmoid units in every layer. Part
three keeps its layout (one example per column, caches from the forward pass,
dZ and dA per example, the 1/m only in dW and db) and changes two things:

- the hidden layers' activation is a choice, ``"sigmoid"`` or ``"relu"``;
- the last layer stops at its pre-activation Z[L], the *logits*. The output
  and the cost are computed from them: one sigmoid output with
  ``cost_from_logits``, whose slope is dZ[L] = sigmoid(Z[L]) - Y, or K
  classes with ``softmax_cost``, whose slope is dZ[L] = softmax(Z[L]) - Y.
  ``logit_cost`` and ``logit_gradient`` choose by the number of rows.

Two regularisers ride along: dropout (``keep_prob`` below 1, in the forward
pass) and L2 weight decay (``l2``, in the cost and the gradient).
"""

import numbers

import numpy as np

from nnlib._validate import validate_params, validate_X, validate_Y
from nnlib.activations import sigmoid, sigmoid_backward
from nnlib.backward import linear_backward
from nnlib.cost import cost_from_logits
from nnlib.multiclass import softmax, softmax_cost
from nnlib.optimisers import minibatches
from nnlib.rectifier import relu, relu_backward

ACTIVATIONS = {"sigmoid": (sigmoid, sigmoid_backward), "relu": (relu, relu_backward)}


def model_forward(
    X: np.ndarray,
    params: dict[str, np.ndarray],
    hidden: str = "relu",
    keep_prob: float = 1.0,
    rng: np.random.Generator | None = None,
) -> tuple[np.ndarray, list]:
    """Run the network to its logits: A[l] = g(W[l] A[l-1] + b[l]) below the top, Z[L] = W[L] A[L-1] + b[L].

    With ``keep_prob`` below 1 (while training only), each hidden unit's
    output is kept with probability ``keep_prob`` and divided by it, or else
    set to 0: *inverted dropout*. The division keeps every unit's expected
    output what it was, so a network trained this way predicts with
    ``keep_prob=1`` and nothing rescaled.

    Parameters
    ----------
    X : ndarray of shape (n_x, m)
        Input, one example per column.
    params : dict of str to ndarray
        ``W1, b1, ..., WL, bL`` as made by ``init_params``.
    hidden : {"relu", "sigmoid"}, default "relu"
        The activation g of layers 1 to L - 1.
    keep_prob : float in (0, 1], default 1.0
        Probability that dropout keeps a hidden unit; 1 turns dropout off.
    rng : numpy Generator, optional
        Draws the dropout masks; needed when ``keep_prob`` is below 1.

    Returns
    -------
    ZL : ndarray of shape (n_L, m)
        The last layer's logits.
    caches : list of L tuples
        For layer l, ``((A_prev, W, b), Z, mask)``: the linear cache, the
        pre-activation and the dropout mask applied to A[l] (0 or
        1 / keep_prob for each unit and example; None without dropout, and
        always None for the last layer).
    """
    g = _activation(hidden)[0]
    keep_prob = _keep_prob(keep_prob, rng)
    L = validate_params(params)
    A = validate_X(X, params["W1"].shape[1])
    caches = []
    for l in range(1, L + 1):
        A_prev, W, b = A, params[f"W{l}"], params[f"b{l}"]
        Z = W @ A_prev + b
        mask = None
        if l < L:
            A, _ = g(Z)
            if keep_prob < 1:
                mask = (rng.random(A.shape) < keep_prob) / keep_prob
                A = A * mask
        caches.append(((A_prev, W, b), Z, mask))
    return Z, caches


def model_backward(
    dZL: np.ndarray, caches: list, hidden: str = "relu"
) -> dict[str, np.ndarray]:
    """Carry the logits' gradient down through every layer: dW[l] and db[l] for l = L, ..., 1.

    The same steps as ``backprop``, from dZ[L] instead of from AL and Y:
    ``linear_backward`` for the last layer, then for each hidden layer the
    dropout mask (a unit that was dropped passes no gradient back; a kept one
    is scaled as its output was), the activation's backward and
    ``linear_backward`` again.

    Parameters
    ----------
    dZL : ndarray of shape (n_L, m)
        Column i holds dL(i)/dZ[L], example i's own derivative: no 1/m
        (``logit_gradient`` gives it).
    caches : list of L tuples
        From ``model_forward``, with the same ``hidden``.
    hidden : {"relu", "sigmoid"}, default "relu"

    Returns
    -------
    grads : dict of str to ndarray
        ``grads["dW<l>"]`` and ``grads["db<l>"]``, shaped like ``W<l>`` and
        ``b<l>``: derivatives of the average cost J.
    """
    g_backward = _activation(hidden)[1]
    dZL = _validate_backward(dZL, caches)
    L = len(caches)
    grads = {}
    dA, dW, db = linear_backward(dZL, caches[L - 1][0])
    grads[f"dW{L}"], grads[f"db{L}"] = dW, db
    for l in range(L - 1, 0, -1):
        linear_cache, Z, mask = caches[l - 1]
        if mask is not None:
            dA = dA * mask
        dZ = g_backward(dA, Z)
        dA, dW, db = linear_backward(dZ, linear_cache)
        grads[f"dW{l}"], grads[f"db{l}"] = dW, db
    return grads


def _validate_backward(dZL, caches) -> np.ndarray:
    """dZL as a float array that fits the caches, or a ValueError saying what came."""
    if not isinstance(caches, list) or not caches:
        got = "an empty list" if isinstance(caches, list) else type(caches).__name__
        raise ValueError(f"caches must be the list model_forward returns, one tuple per layer; got {got}")
    dZL = np.asarray(dZL, dtype=float)
    ZL_shape = np.shape(caches[-1][1])
    if dZL.shape != ZL_shape:
        raise ValueError(
            f"dZL has shape {dZL.shape} but the last layer's Z has shape {ZL_shape}: "
            "one column per example, as logit_gradient gives"
        )
    return dZL


def logit_cost(ZL: np.ndarray, Y: np.ndarray) -> float:
    """The cross-entropy from the last layer's logits: one sigmoid output, or a softmax over K rows.

    Parameters
    ----------
    ZL : ndarray of shape (1, m) or (K, m)
    Y : ndarray of the same shape
        Labels 0 or 1 for one output; one-hot columns (``one_hot``) for K.

    Returns
    -------
    cost : float
        ``cost_from_logits(ZL, Y)`` for one row, ``softmax_cost(ZL, Y)``
        for K rows.
    """
    ZL = np.asarray(ZL)
    if ZL.ndim == 2 and ZL.shape[0] == 1:
        return cost_from_logits(ZL, Y)
    return softmax_cost(ZL, Y)


def logit_gradient(ZL: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Each example's slope of the cost in the logits: sigmoid(ZL) - Y for one row, softmax(ZL) - Y for K.

    Parameters
    ----------
    ZL, Y : ndarray of shape (1, m) or (K, m)
        As for ``logit_cost``.

    Returns
    -------
    dZL : ndarray of the shape of ZL
        Column i holds dL(i)/dZ[L], without the 1/m of the average.
    """
    ZL, Y = _logits_and_labels(ZL, Y)  # finite logits, labels of their shape
    if ZL.shape[0] == 1:
        return sigmoid(ZL)[0] - Y
    return softmax(ZL) - Y


def l2_penalty(params: dict[str, np.ndarray], l2: float, m: int) -> float:
    """The weight-decay term added to the cost: (l2 / (2 m)) times the sum of every squared weight.

    The biases are left out, as is usual: they shift a unit, they do not
    make it more sensitive to its inputs. ``l2_gradient`` gives its
    gradient, which ``train_model`` adds to the cost's.

    Parameters
    ----------
    params : dict of str to ndarray
        ``W1, b1, ..., WL, bL``.
    l2 : float
        The strength lambda, zero or more.
    m : int
        The number of training examples the cost averages over.

    Returns
    -------
    penalty : float
    """
    l2, m = _l2(l2), _count(m)
    L = len(params) // 2
    squares = sum(np.sum(params[f"W{l}"] ** 2) for l in range(1, L + 1))
    return float(l2 / (2 * m) * squares)


def l2_gradient(params: dict[str, np.ndarray], l2: float, m: int) -> dict[str, np.ndarray]:
    """The gradient of ``l2_penalty``: (l2 / m) W[l] for each weight matrix, 0 for each bias.

    Parameters
    ----------
    params : dict of str to ndarray
        ``W1, b1, ..., WL, bL``.
    l2 : float
        The strength lambda, zero or more.
    m : int
        The number of training examples the cost averages over.

    Returns
    -------
    grads : dict of str to ndarray
        ``grads["dW<l>"]`` and ``grads["db<l>"]``, shaped like ``W<l>`` and
        ``b<l>``, as ``model_backward`` returns them.
    """
    l2, m = _l2(l2), _count(m)
    L = len(params) // 2
    grads = {}
    for l in range(1, L + 1):
        grads[f"dW{l}"] = (l2 / m) * params[f"W{l}"]
        grads[f"db{l}"] = np.zeros_like(params[f"b{l}"], dtype=float)
    return grads


def best_epoch(val_costs) -> int:
    """The epoch of the lowest validation cost, counted from 0: where early stopping would stop.

    Training for ``best_epoch(history["val_cost"]) + 1`` epochs with the
    same seed and settings gives the weights of that epoch. On a tie the
    earliest epoch wins.

    Parameters
    ----------
    val_costs : sequence of float
        The validation cost after each epoch (``history["val_cost"]`` of
        ``train_model``), at least one.

    Returns
    -------
    epoch : int
    """
    costs = _validate_costs(val_costs)
    return int(np.argmin(costs))


def _validate_costs(val_costs) -> np.ndarray:
    costs = np.asarray(val_costs, dtype=float)
    if costs.ndim != 1 or costs.size == 0:
        raise ValueError(
            f"val_costs must be a non-empty list of costs, one per epoch; got shape {costs.shape}"
        )
    if not np.all(np.isfinite(costs)):
        raise ValueError("val_costs must be finite numbers; got NaN or infinity")
    return costs


def predict_labels(X: np.ndarray, params: dict[str, np.ndarray], hidden: str = "relu") -> np.ndarray:
    """Each example's predicted label: 1 where the logit is positive for one output, the largest logit's row for K.

    A positive logit is a sigmoid output above 0.5: the same threshold as
    ``predict``. Dropout is off.

    Returns
    -------
    labels : ndarray of shape (1, m)
        0 or 1 for one output; 0 to K - 1 for K classes.
    """
    ZL, _ = model_forward(X, params, hidden)
    if ZL.shape[0] == 1:
        return (ZL > 0).astype(np.int64)
    return np.argmax(ZL, axis=0)[np.newaxis, :]


def train_model(
    X: np.ndarray,
    Y: np.ndarray,
    params: dict[str, np.ndarray],
    optimiser,
    epochs: int,
    *,
    hidden: str = "relu",
    batch_size: int | None = None,
    l2: float = 0.0,
    keep_prob: float = 1.0,
    seed: int | None = 0,
    X_val: np.ndarray | None = None,
    Y_val: np.ndarray | None = None,
) -> tuple[dict[str, np.ndarray], dict[str, list[float]]]:
    """Train a network of part three: mini-batches, an optimiser, and optional L2 and dropout.

    Every epoch takes the m examples in a fresh random order, cuts them into
    batches of ``batch_size`` (``minibatches``: the last may be smaller), and for each batch
    runs ``model_forward``, ``logit_cost``, ``logit_gradient``,
    ``model_backward`` and ``optimiser.step``. The optimiser is reset first,
    so one optimiser object can serve several runs.

    Parameters
    ----------
    X : ndarray of shape (n_x, m)
    Y : ndarray of shape (n_L, m)
        Labels 0 or 1 for one output; one-hot columns for n_L = K classes.
    params : dict of str to ndarray
        The starting weights, from ``init_params``; not changed.
    optimiser : GradientDescent, Momentum or Adam
        From ``nnlib.optimisers``; anything with ``reset()`` and
        ``step(params, grads) -> params``.
    epochs : int
        Passes over the training set, zero or more.
    hidden : {"relu", "sigmoid"}, default "relu"
    batch_size : int or None, default None
        Examples per step; None takes all m (one step per epoch).
    l2 : float, default 0.0
        Weight-decay strength lambda: every batch's cost gets
        ``l2_penalty(params, l2, m)``, m the training set's size, and its
        gradient ``l2_gradient``; 0 turns it off.
    keep_prob : float in (0, 1], default 1.0
        Dropout's probability of keeping a hidden unit; 1 turns it off.
    seed : int or None, default 0
        Seed of the batches' order and of the dropout masks.
    X_val, Y_val : ndarray, optional
        A validation set, measured after every epoch (without dropout or
        penalty); it never enters a gradient.

    Returns
    -------
    params : dict of str to ndarray
        The weights after the last epoch.
    history : dict of str to list of float
        ``"cost"``: per epoch, the mean of the batches' costs (penalty
        included), each measured before its own step. With a validation
        set, also ``"val_cost"`` and ``"val_accuracy"`` after each epoch.
    """
    L = validate_params(params)
    X = validate_X(X, params["W1"].shape[1])
    m = X.shape[1]
    Y = _labels(Y, params[f"W{L}"].shape[0], m, "Y")
    if not (hasattr(optimiser, "step") and hasattr(optimiser, "reset")):
        raise ValueError(
            "optimiser must be an optimiser such as GradientDescent(rate=0.1), Momentum(...) or Adam(...) "
            f"from nnlib.optimisers; got {type(optimiser).__name__}"
        )
    if isinstance(epochs, bool) or not isinstance(epochs, numbers.Integral) or epochs < 0:
        raise ValueError(f"epochs must be a whole number, zero or more; got {epochs!r}")
    if batch_size is None:
        batch_size = m
    elif isinstance(batch_size, bool) or not isinstance(batch_size, numbers.Integral) or batch_size < 1:
        raise ValueError(f"batch_size must be None (all examples) or a whole number from 1; got {batch_size!r}")
    l2 = _l2(l2)
    rng = np.random.default_rng(seed)
    keep_prob = _keep_prob(keep_prob, rng)
    _activation(hidden)
    validating = X_val is not None or Y_val is not None
    if validating:
        if X_val is None or Y_val is None:
            raise ValueError("give both X_val and Y_val, or neither")
        X_val = validate_X(X_val, X.shape[0], where=f"X's {X.shape[0]} rows")
        Y_val = _labels(Y_val, Y.shape[0], X_val.shape[1], "Y_val")
    params = {name: p.copy() for name, p in params.items()}
    optimiser.reset()
    history = {"cost": []} | ({"val_cost": [], "val_accuracy": []} if validating else {})
    for _ in range(int(epochs)):
        costs = []
        for batch in minibatches(m, batch_size, rng):
            X_b, Y_b = X[:, batch], Y[:, batch]
            ZL, caches = model_forward(X_b, params, hidden, keep_prob, rng)
            # The penalty is the whole training set's, (l2 / 2m) sum W^2, in
            # every batch: each batch's gradient then estimates the full
            # regularised cost's without bias, whatever the batch's size.
            costs.append(logit_cost(ZL, Y_b) + l2_penalty(params, l2, m))
            grads = model_backward(logit_gradient(ZL, Y_b), caches, hidden)
            if l2:  # l2_gradient's (l2 / m) W; the biases are not penalised
                for l in range(1, L + 1):
                    grads[f"dW{l}"] = grads[f"dW{l}"] + (l2 / m) * params[f"W{l}"]
            params = optimiser.step(params, grads)
        history["cost"].append(sum(costs) / len(costs))
        if validating:
            ZL_val, _ = model_forward(X_val, params, hidden)
            history["val_cost"].append(logit_cost(ZL_val, Y_val))
            history["val_accuracy"].append(_accuracy(ZL_val, Y_val))
    return params, history


def _accuracy(ZL: np.ndarray, Y: np.ndarray) -> float:
    if ZL.shape[0] == 1:
        return float(np.mean((ZL > 0) == (Y == 1)))
    return float(np.mean(np.argmax(ZL, axis=0) == np.argmax(Y, axis=0)))


def _logits_and_labels(ZL, Y) -> tuple[np.ndarray, np.ndarray]:
    """ZL as finite (n_L, m) logits and Y as its labels (0/1, one-hot for n_L > 1), or a ValueError."""
    ZL = np.asarray(ZL, dtype=float)
    if ZL.ndim != 2 or ZL.shape[1] == 0:
        raise ValueError(f"ZL must have shape (n_L, m): one column of logits per example, m at least 1; "
                         f"got shape {ZL.shape}")
    if not np.all(np.isfinite(ZL)):
        raise ValueError("ZL must hold finite logits; found inf or NaN")
    return ZL, _labels(Y, ZL.shape[0], ZL.shape[1], "Y")


def _labels(Y, n_L: int, m: int, name: str) -> np.ndarray:
    """Y as labels for n_L outputs: 0/1 for one, one-hot columns for many."""
    Y = validate_Y(Y, (n_L, m), name=name)
    if n_L > 1 and not np.all(Y.sum(axis=0) == 1):
        raise ValueError(
            f"{name} must be one-hot for {n_L} classes: each column a single 1 "
            f"(use one_hot(labels, {n_L}))"
        )
    return Y


def _activation(hidden):
    if not isinstance(hidden, str) or hidden not in ACTIVATIONS:
        raise ValueError(f"hidden must be one of {', '.join(map(repr, ACTIVATIONS))}; got {hidden!r}")
    return ACTIVATIONS[hidden]


def _l2(l2) -> float:
    if isinstance(l2, bool) or not isinstance(l2, numbers.Real) or not np.isfinite(l2) or l2 < 0:
        raise ValueError(f"l2 must be a number, zero or more; got {l2!r}")
    return float(l2)


def _count(m) -> int:
    if isinstance(m, bool) or not isinstance(m, numbers.Integral) or m < 1:
        raise ValueError(f"m must be the number of training examples, a whole number from 1; got {m!r}")
    return int(m)


def _keep_prob(keep_prob, rng) -> float:
    if isinstance(keep_prob, bool) or not isinstance(keep_prob, numbers.Real) or not 0 < keep_prob <= 1:
        raise ValueError(f"keep_prob must be a probability above 0 and at most 1; got {keep_prob!r}")
    if keep_prob < 1 and not isinstance(rng, np.random.Generator):
        raise ValueError(
            "dropout (keep_prob below 1) draws its masks from rng: pass rng=np.random.default_rng(seed)"
        )
    return float(keep_prob)


__all__ = [
    "model_forward", "model_backward", "logit_cost", "logit_gradient",
    "l2_penalty", "l2_gradient", "best_epoch", "predict_labels", "train_model",
]
