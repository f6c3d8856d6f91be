"""Checkers for the exercises of the 07_update chapter.

``update_parameters`` checks a learner's gradient-descent step;
``weight_after_one_step`` checks a weight predicted by hand for a tiny
worked example.
"""

import numpy as np

import nnlib
from nnlib.check._core import NUMBER_TOLERANCE, as_number, call, CheckFailed, compare, Mistake, passed, same

__all__ = ["update_parameters", "weight_after_one_step"]

# The tiny example of the predicted-weight exercise: one sigmoid unit, one input.
TINY_W, TINY_B = 0.5, 0.0
TINY_X = np.array([[2.0, -1.0, 1.0]])
TINY_Y = np.array([[1.0, 0.0, 0.0]])
TINY_LEARNING_RATE = 0.5


def update_parameters(fn) -> None:
    """Check ``fn(params, grads, learning_rate)``, the learner's gradient-descent step.

    The parameters are those of a [3, 4, 2, 1] network with random weights
    and biases, the gradients random arrays of the same shapes, and the
    learning rate 0.3.

    Parameters
    ----------
    fn : callable
        ``fn(params, grads, learning_rate) -> new_params``, a new dict with
        ``W<l> - learning_rate * dW<l>`` and ``b<l> - learning_rate * db<l>``.

    Raises
    ------
    CheckFailed
        Naming, where it recognises one: + instead of -; the learning rate
        not applied; reading grads['W1'] instead of grads['dW1'] (found by
        re-running with gradients under those names); updating only W;
        leaving the last layer out; changing params in place.
    """
    what = "my_update_parameters(params, grads, learning_rate)"
    params, grads, learning_rate = _step_inputs()
    expected = nnlib.update_parameters(params, grads, learning_rate)

    def run_and_keep_params(p, g, lr):
        return fn(p, g, lr), p  # p is the checker's copy, as fn left it

    try:
        got, params_after = call(run_and_keep_params, params, grads, learning_rate, what=what)
    except CheckFailed:
        _name_keys_without_d(fn, params, grads, learning_rate, expected, what)
        raise
    compare(got, expected, _update_mistakes(params, grads, learning_rate), what)
    if not same(params_after, params):
        raise CheckFailed(
            f"{what} is not right: it changes params in place. The new values "
            f"are right, but the dictionary passed in was changed too. Build a "
            f"new dict (new = {{}}; new[name] = params[name] - ...) and return "
            f"it, so that the caller keeps the old parameters."
        )
    passed(
        "every W and b took one step against its gradient, and the parameters "
        "passed in are unchanged."
    )


def weight_after_one_step(value) -> None:
    """Check the predicted W1 of a single sigmoid unit after one step.

    The unit has W1 = [[0.5]], b1 = [[0.0]]; three examples
    X = [[2, -1, 1]] with labels Y = [[1, 0, 0]]; learning rate 0.5.

    Parameters
    ----------
    value : float
        The learner's number; right within 0.005.

    Raises
    ------
    CheckFailed
        Naming a sign flip (+ instead of -, or Y - A for A - Y); the
        learning rate not applied; a missing 1/m; dW without the input x;
        the sigmoid's slope applied again; forgetting the sigmoid; no step.
    """
    what = "my_weight_after_one_step"
    params = {"W1": np.array([[TINY_W]]), "b1": np.array([[TINY_B]])}
    AL, caches = nnlib.forward_prop(TINY_X, params)
    grads = nnlib.backprop(AL, TINY_Y, caches)
    expected = nnlib.update_parameters(params, grads, TINY_LEARNING_RATE)["W1"].item()
    got = as_number(value, what)
    compare(got, expected, _tiny_mistakes(), what, rtol=0, atol=NUMBER_TOLERANCE)
    passed(
        f"W1 = 0.5 - 0.5 x ({grads['dW1'].item():.4f}) = {expected:.4f}: the "
        f"gradient is negative, so the weight grows."
    )


def _step_inputs():
    """Parameters of a [3, 4, 2, 1] network, matching gradients, a learning rate."""
    rng = np.random.default_rng(9)
    dims = [3, 4, 2, 1]
    params, grads = {}, {}
    for l in range(1, len(dims)):
        params[f"W{l}"] = rng.standard_normal((dims[l], dims[l - 1]))
        params[f"b{l}"] = rng.standard_normal((dims[l], 1))
        grads[f"dW{l}"] = rng.standard_normal((dims[l], dims[l - 1]))
        grads[f"db{l}"] = rng.standard_normal((dims[l], 1))
    return params, grads, 0.3


def _name_keys_without_d(fn, params, grads, learning_rate, expected, what) -> None:
    """Raise if the learner's step works once the gradients lose their 'd'."""
    without_d = {name[1:]: value for name, value in grads.items()}
    try:
        result = call(fn, params, without_d, learning_rate, what=what)
    except (CheckFailed, FloatingPointError):
        return
    if same(result, expected):
        raise CheckFailed(
            f"{what} is not right: reading grads['W1'] instead of "
            f"grads['dW1']. backprop stores each gradient under its "
            f"parameter's name with a d in front (dW1, db1, ...); read "
            f"grads['d' + name]. (This is the tutorial's own slip.)"
        )


def _update_mistakes(params, grads, learning_rate) -> list[Mistake]:
    """What each usual slip returns on these parameters and gradients."""
    return [
        Mistake(
            "using + instead of -",
            "Step against the gradient: W = W - learning_rate * dW. Adding it "
            "climbs the cost.",
            _step_uphill(params, grads, learning_rate),
        ),
        Mistake(
            "not applying the learning rate",
            "Multiply each gradient by learning_rate before subtracting it.",
            _step_without_learning_rate(params, grads),
        ),
        Mistake(
            "updating only W",
            "The biases learn too: b = b - learning_rate * db for every layer.",
            _step_W_only(params, grads, learning_rate),
        ),
        Mistake(
            "leaving the last layer out",
            "With L = len(params) // 2 layers, loop over range(1, L + 1): "
            "range(1, L) stops one layer short.",
            _step_all_but_last_layer(params, grads, learning_rate),
        ),
    ]


def _step_uphill(params, grads, learning_rate):
    return {name: value + learning_rate * grads["d" + name] for name, value in params.items()}


def _step_without_learning_rate(params, grads):
    return {name: value - grads["d" + name] for name, value in params.items()}


def _step_W_only(params, grads, learning_rate):
    return {
        name: value - learning_rate * grads["d" + name] if name.startswith("W") else value
        for name, value in params.items()
    }


def _step_all_but_last_layer(params, grads, learning_rate):
    L = len(params) // 2
    new = dict(params)
    for l in range(1, L):
        new[f"W{l}"] = params[f"W{l}"] - learning_rate * grads[f"dW{l}"]
        new[f"b{l}"] = params[f"b{l}"] - learning_rate * grads[f"db{l}"]
    return new


def _tiny_mistakes() -> list[Mistake]:
    """The weight each usual slip gives in the tiny example."""
    w, b, x, y, lr = TINY_W, TINY_B, TINY_X, TINY_Y, TINY_LEARNING_RATE
    m = x.shape[1]
    a = nnlib.sigmoid(w * x + b)[0]
    dz = a - y
    dw = np.sum(dz * x) / m
    return [
        Mistake(
            "a sign flip (+ instead of -, or Y - A instead of A - Y)",
            "dZ = A - Y, and the step goes against the gradient: W - alpha dW.",
            w + lr * dw,
        ),
        Mistake(
            "not applying the learning rate",
            "Multiply dW by the learning rate, 0.5, before subtracting it.",
            w - dw,
        ),
        Mistake(
            "a missing 1/m",
            "dW = (1/m) dZ X^T: divide the sum over the three examples by 3.",
            w - lr * np.sum(dz * x),
        ),
        Mistake(
            "leaving the input x out of dW",
            "Each example's dz is multiplied by its input x before averaging: "
            "dW = (1/m) sum of dz x.",
            w - lr * np.mean(dz),
        ),
        Mistake(
            "applying the sigmoid's slope again",
            "At the output dZ = A - Y already includes the sigmoid's slope; do "
            "not multiply by A (1 - A) once more.",
            w - lr * np.mean(dz * a * (1 - a) * x),
        ),
        Mistake(
            "forgetting the sigmoid",
            "The prediction is A = sigmoid(W X + b), not W X + b itself.",
            w - lr * np.mean((w * x + b - y) * x),
        ),
        Mistake(
            "taking no step at all",
            "The question asks for W1 after one step of gradient descent.",
            w,
        ),
    ]
