"""Checkers for the exercises of the gradient-checking chapter."""

import numpy as np

from nnlib.check._core import call, check_number, CheckFailed, compare, Mistake, passed
from nnlib.cost import cost_function
from nnlib.forward import forward_prop
from nnlib.gradient_checking import numerical_grads
from nnlib.gradient_checking import relative_error as nnlib_relative_error
from nnlib.params import init_params

__all__ = ["relative_error", "missing_mean_error", "numerical_grad"]


def relative_error(my_relative_error) -> None:
    """Check the learner's ``my_relative_error(g, g_num)`` against nnlib's ``relative_error``.

    It is called on two (4, 3) arrays that differ in every entry, and then on
    two arrays of zeros, where the answer must be 0 rather than 0 / 0.

    Parameters
    ----------
    my_relative_error : callable
        ``my_relative_error(g, g_num) -> float``,
        ||g - g_num|| / (||g|| + ||g_num||).

    Raises
    ------
    CheckFailed
        If the result differs. It names these mistakes: the difference of
        the norms instead of the norm of the difference; only ||g|| or only
        ||g_num|| in the denominator; no denominator at all (an absolute
        error); entry-by-entry errors instead of one number; the sum of
        absolute values instead of the Euclidean norm; squared norms; and,
        for two zero gradients, a division 0 / 0.
    """
    rng = np.random.default_rng(91)
    g = rng.standard_normal((4, 3))
    g_num = g + 0.4 * rng.standard_normal((4, 3))
    what = "my_relative_error(g, g_num) for two (4, 3) arrays"
    got = _call_number(my_relative_error, g, g_num, what=what)
    mistakes = [Mistake(name, hint, variant(g, g_num)) for name, hint, variant in _ERROR_MISTAKES]
    compare(got, nnlib_relative_error(g, g_num), mistakes, what=what)

    zeros = np.zeros((4, 3))
    what = "my_relative_error(g, g_num) when both are all zeros"
    zero_hint = (
        "When g and g_num are both zero the denominator is 0 too; they agree "
        "perfectly, so return 0.0 in that case before dividing."
    )
    try:
        got = call(my_relative_error, zeros, zeros, what=what)
    except FloatingPointError:
        raise CheckFailed(f"{what} divides 0 by 0 (the case of both gradients zero). {zero_hint}") from None
    except CheckFailed as failure:
        if isinstance(failure.__cause__, ZeroDivisionError):
            raise CheckFailed(f"{what} divides 0 by 0 (the case of both gradients zero). {zero_hint}") from None
        raise
    if not np.all(np.isfinite(np.asarray(got, dtype=float))):
        raise CheckFailed(f"{what} returns {got!r}: a division 0 / 0 (the case of both gradients zero). {zero_hint}")
    compare(got, 0.0, [], what=what)
    passed("||g - g_num|| / (||g|| + ||g_num||), one number between 0 and 1, and 0 when both are zero.")


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


def _call_number(fn, *args, what):
    try:
        return call(fn, *args, what=what)
    except FloatingPointError as error:
        raise CheckFailed(f"{what} hit a floating-point error ({error}).") from None


# The mistaken versions of relative_error, each on (g, g_num).

def _norm_difference(g, h):
    return abs(np.linalg.norm(g) - np.linalg.norm(h)) / (np.linalg.norm(g) + np.linalg.norm(h))


def _over_g(g, h):
    return np.linalg.norm(g - h) / np.linalg.norm(g)


def _over_g_num(g, h):
    return np.linalg.norm(g - h) / np.linalg.norm(h)


def _absolute(g, h):
    return np.linalg.norm(g - h)


def _entrywise(g, h):
    return np.abs(g - h) / (np.abs(g) + np.abs(h))


def _l1(g, h):
    return np.sum(np.abs(g - h)) / (np.sum(np.abs(g)) + np.sum(np.abs(h)))


def _squared(g, h):
    return np.linalg.norm(g - h) ** 2 / (np.linalg.norm(g) ** 2 + np.linalg.norm(h) ** 2)


_SYMMETRIC = (
    "Divide by ||g|| + ||g_num||: the error is then the same whichever gradient comes first, it "
    "never exceeds 1, and it stays finite when one of them is zero."
)
_ERROR_MISTAKES = [
    ("the difference of the norms", "Subtract first, then take the norm: ||g - g_num||. The "
     "difference of the norms is 0 for a gradient of the right size pointing the wrong way.",
     _norm_difference),
    ("only ||g|| in the denominator", _SYMMETRIC, _over_g),
    ("only ||g_num|| in the denominator", _SYMMETRIC, _over_g_num),
    ("no denominator (an absolute error)", "||g - g_num|| alone depends on how large the "
     "gradients are; divide by ||g|| + ||g_num|| to make it relative.", _absolute),
    ("an entry-by-entry error", "Take np.linalg.norm of whole arrays, so that the result is a "
     "single number.", _entrywise),
    ("the sum of absolute values instead of the norm", "np.linalg.norm(a) is the square root "
     "of the sum of squares of all entries, not the sum of their absolute values.", _l1),
    ("squared norms", "Use the norms themselves, not their squares.", _squared),
]


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
