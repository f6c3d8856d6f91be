"""Checkers for the exercises of the gradient-checking chapter."""

import numpy as np

from nnlib.check._core import call, check_number, CheckFailed, compare, Mistake, passed
from nnlib.cost import cost_function
from nnlib.backward import backprop
from nnlib.forward import forward_prop
from nnlib.gradient_checking import numerical_grads
from nnlib.params import init_params

__all__ = ["suspect_backprop", "fixed_backprop", "missing_mean_error", "numerical_grad"]


def suspect_backprop(AL, Y, caches):
    """A backward pass with backprop's signature and one planted bug, for Exercise 9.1.

    It is the sweep of the chapter on backpropagation, written out as the
    chapter on gradient checking writes ``backprop_with_slip``; one line is
    wrong. Every array it returns has the right shape whenever the hidden
    layers are square with as many units as examples, as in that chapter's
    test network: find the bug with ``gradcheck(..., backprop_fn=suspect_backprop)``.
    """
    L, m = len(caches), Y.shape[1]
    grads, dA = {}, None
    dZ = AL - Y  # the output layer
    for l in range(L, 0, -1):
        (A_prev, W, b), Z = caches[l - 1]
        if l < L:  # a hidden layer: through the sigmoid
            dZ = dA * A_prev * (1 - A_prev)
        grads[f"dW{l}"] = dZ @ A_prev.T / m
        grads[f"db{l}"] = np.sum(dZ, axis=1, keepdims=True) / m
        dA = W.T @ dZ  # handed down to layer l - 1
    return grads


def fixed_backprop(my_fixed_backprop) -> None:
    """Check the learner's repair of ``suspect_backprop`` against nnlib's ``backprop``.

    It is called on two networks: the square ``[6, 6, 6, 1]`` on m = 6
    examples, where the planted bug runs and gives wrong gradients, and
    ``[4, 6, 3, 1]`` on m = 9, where it would stop with a shape error.

    Parameters
    ----------
    my_fixed_backprop : callable
        ``my_fixed_backprop(AL, Y, caches) -> grads``, with ``dW1, db1, ...``.

    Raises
    ------
    CheckFailed
        If a gradient differs. It names these mistakes: the planted bug left
        in (the sigmoid's slope taken at the layer's input A_prev); the slope
        left out altogether (dZ = dA); the slope of Z instead of A
        (Z (1 - Z)); the slope sigma(Z) alone, without (1 - A).
    """
    for dims, m, seed in (([6, 6, 6, 1], 6, 94), ([4, 6, 3, 1], 9, 95)):
        AL, Y, caches = _gradcheck_network(dims, m, seed)
        what = f"my_fixed_backprop(AL, Y, caches) for a {dims} network on m = {m} examples"
        try:
            got = call(my_fixed_backprop, AL, Y, caches, what=what)
        except FloatingPointError as error:
            raise CheckFailed(f"{what} hit a floating-point error ({error}).") from None
        mistakes = [Mistake(name, hint, _backprop_with(slope, AL, Y, caches))
                    for name, hint, slope in _SLOPE_MISTAKES
                    if slope is not _slope_at_input or dims[1] == dims[2] == dims[0] == m]
        compare(got, backprop(AL, Y, caches), mistakes, what=what, rtol=1e-9, atol=1e-12)
    passed("dW1, db1, dW2, db2 right again: the sigmoid's slope is A (1 - A) at the layer's own "
           "output A = sigmoid(Z), not at its input A_prev.")


def _gradcheck_network(dims, m, seed):
    """A network of weights of scale 1 and random biases, m examples, mixed labels; (AL, Y, caches)."""
    rng = np.random.default_rng(seed)
    params = {}
    for l in range(1, len(dims)):
        params[f"W{l}"] = rng.standard_normal((dims[l], dims[l - 1]))
        params[f"b{l}"] = 0.5 * rng.standard_normal((dims[l], 1))
    X = rng.standard_normal((dims[0], m))
    Y = (np.arange(m) % 2).reshape(1, m).astype(float)
    AL, caches = forward_prop(X, params)
    return AL, Y, caches


def _backprop_with(slope, AL, Y, caches):
    """The correct sweep, but with a hidden layer's dZ = dA * slope(A_prev, Z)."""
    L, m = len(caches), Y.shape[1]
    grads, dA = {}, None
    dZ = AL - Y
    for l in range(L, 0, -1):
        (A_prev, W, b), Z = caches[l - 1]
        if l < L:
            dZ = dA * slope(A_prev, Z)
        grads[f"dW{l}"] = dZ @ A_prev.T / m
        grads[f"db{l}"] = np.sum(dZ, axis=1, keepdims=True) / m
        dA = W.T @ dZ
    return grads


def _slope_at_input(A_prev, Z):
    return A_prev * (1 - A_prev)


def _sigmoid(Z):
    return 1 / (1 + np.exp(-Z))


_SLOPE_MISTAKES = [
    ("the planted bug", "gradcheck fails dW1, db1, dW2 and db2 and passes dW3 and db3: "
     "the error starts where the gradient enters layer 2. There the sigmoid's slope is taken at "
     "A_prev, the layer's input; it belongs at A = sigmoid(Z), the layer's own output.", _slope_at_input),
    ("a missing slope (dZ = dA)", "Going through a sigmoid multiplies by its slope, "
     "dZ = dA * A * (1 - A) with A = sigmoid(Z).", lambda A_prev, Z: np.ones_like(Z)),
    ("the slope of Z instead of A (Z * (1 - Z))", "The slope is A * (1 - A) for A = sigmoid(Z): "
     "compute A from Z first.", lambda A_prev, Z: Z * (1 - Z)),
    ("A without (1 - A)", "The sigmoid's slope is A * (1 - A), both factors.",
     lambda A_prev, Z: _sigmoid(Z)),
]


def missing_mean_error(my_missing_mean_error) -> None:
    """Check the predicted relative error of a gradient that lacks its 1/m, for m = 25.

    Without the 1/m the gradient is g_wrong = m g, so the relative error is
    ||m g - g|| / (||m g|| + ||g||) = (m - 1) / (m + 1) = 24 / 26, whatever g
    is. The check accepts answers within 0.5% of that.

    Parameters
    ----------
    my_missing_mean_error : float
        The learner's prediction.

    Raises
    ------
    CheckFailed
        If the prediction is off. It names these mistakes: the ratio m of
        the two gradients; dividing by only the right gradient's norm
        (m - 1); dividing by only the wrong one's ((m - 1) / m); the value 1
        of a sign flip; the factor 1/m itself; the chapter's m = 8 instead of
        25.
    """
    m = 25
    expected = (m - 1) / (m + 1)
    mistakes = [
        Mistake("the ratio of the two gradients", "The relative error is not the ratio "
                "||g_wrong|| / ||g||; it compares the difference with the sum of the norms, so it "
                "never exceeds 1.", float(m)),
        Mistake("dividing by the right gradient's norm only", "The denominator is the sum "
                "||g_wrong|| + ||g||, not ||g|| alone.", float(m - 1)),
        Mistake("dividing by the wrong gradient's norm only", "The denominator is the sum "
                "||g_wrong|| + ||g||, not ||g_wrong|| alone.", (m - 1) / m),
        Mistake("a sign flip", "A missing 1/m stretches the gradient; it does not turn it "
                "around, and only a gradient pointing the opposite way scores exactly 1.", 1.0),
        Mistake("the factor 1/m itself", "The question asks for the relative error that "
                "gradcheck reports, not the factor by which the gradient is off.", 1 / m),
        Mistake("the chapter's m = 8", "This batch has m = 25 examples.", 7 / 9),
    ]
    check_number(my_missing_mean_error, expected, mistakes, what="my_missing_mean_error",
                  rtol=5e-3, hint="Write the broken gradient as g_wrong = m g and put it into "
                                  "||g_wrong - g|| / (||g_wrong|| + ||g||); ||g|| cancels.")
    passed(f"(m - 1) / (m + 1) = 24 / 26 = {expected:.4f}: the same for every parameter, since "
           f"||g|| cancels.")


def numerical_grad(my_numerical_grad) -> None:
    """Check the learner's central-difference gradient of one parameter.

    ``my_numerical_grad(params, X, Y, name, eps)`` is called on a network
    with ``layer_dims = [3, 5, 2, 1]`` (weights of scale 1, random biases),
    m = 7 examples and eps = 1e-4, for ``name = "W1"`` and ``name = "b2"``.
    It must return (J(p + eps) - J(p - eps)) / (2 eps) for every entry p of
    ``params[name]``, the other entries held fixed: what nnlib's
    ``numerical_grads`` gives under ``"d" + name``.

    Parameters
    ----------
    my_numerical_grad : callable
        ``my_numerical_grad(params, X, Y, name, eps) -> ndarray`` shaped like
        ``params[name]``.

    Raises
    ------
    CheckFailed
        If the result differs. It names these mistakes: a one-sided
        difference; dividing by eps instead of 2 eps; the difference taken
        the wrong way round; nudges that are never undone (each entry left
        at p - eps while the next is measured).
    """
    params, X, Y = _numerical_grad_inputs()
    eps = 1e-4
    numeric = numerical_grads(params, X, Y, eps)
    for name in ("W1", "b2"):
        what = f'my_numerical_grad(params, X, Y, "{name}", eps=1e-4)'
        mistakes = [
            Mistake(mistake, hint, variant(params, X, Y, name, eps))
            for mistake, hint, variant in _GRAD_MISTAKES
        ]
        try:
            got = call(my_numerical_grad, params, X, Y, name, eps, what=what)
        except FloatingPointError as error:
            raise CheckFailed(f"{what} hit a floating-point error ({error}).") from None
        compare(got, numeric["d" + name], mistakes, what=what, rtol=1e-6, atol=1e-10)
    passed("central differences, entry by entry, for a weight matrix and a bias vector.")




# The network of numerical_grad, and its mistaken versions on (params, X, Y, name, eps).

def _numerical_grad_inputs():
    # Non-square W, and m = 7, unequal to every layer size, so that the entries differ.
    layer_dims, m = [3, 5, 2, 1], 7
    rng = np.random.default_rng(93)
    params = init_params(layer_dims, seed=4, scheme="normal", scale=1.0)
    for l in range(1, len(layer_dims)):
        params[f"b{l}"] = 0.5 * rng.standard_normal(params[f"b{l}"].shape)
    X = rng.standard_normal((layer_dims[0], m))
    Y = np.array([[1.0, 0.0, 0.0, 1.0, 1.0, 0.0, 1.0]])
    return params, X, Y


def _cost(params, X, Y):
    return cost_function(forward_prop(X, params)[0], Y)


def _differences(params, X, Y, name, eps, formula):
    grad = np.zeros_like(params[name])
    for i in np.ndindex(grad.shape):
        costs = {}
        for step in (eps, 0.0, -eps):
            nudged = dict(params)
            nudged[name] = params[name].copy()
            nudged[name][i] += step
            costs[step] = _cost(nudged, X, Y)
        grad[i] = formula(costs[eps], costs[0.0], costs[-eps], eps)
    return grad


def _one_sided(params, X, Y, name, eps):
    return _differences(params, X, Y, name, eps, lambda up, at, down, e: (up - at) / e)


def _over_eps(params, X, Y, name, eps):
    return _differences(params, X, Y, name, eps, lambda up, at, down, e: (up - down) / e)


def _reversed(params, X, Y, name, eps):
    return _differences(params, X, Y, name, eps, lambda up, at, down, e: (down - up) / (2 * e))


def _never_undone(params, X, Y, name, eps):
    params = {k: v.copy() for k, v in params.items()}
    p = params[name]  # nudged in place, so every nudge stays in params
    grad = np.zeros_like(p)
    for i in np.ndindex(p.shape):
        p[i] += eps
        up = _cost(params, X, Y)
        p[i] -= 2 * eps
        down = _cost(params, X, Y)
        grad[i] = (up - down) / (2 * eps)
    return grad


_GRAD_MISTAKES = [
    ("a one-sided difference", "Nudge both ways: (J(p + eps) - J(p - eps)) / (2 eps). Its "
     "error shrinks like eps**2, the one-sided formula's only like eps.", _one_sided),
    ("dividing by eps instead of 2 eps", "The two nudged points are 2 eps apart, so divide "
     "their difference in cost by 2 eps.", _over_eps),
    ("the difference the wrong way round", "Subtract the cost at p - eps from the cost at "
     "p + eps, not the other way round.", _reversed),
    ("nudges that are never undone", "After measuring an entry, put it back to its value (or "
     "nudge a copy), so that every entry is measured with all the others at their own values.",
     _never_undone),
]
