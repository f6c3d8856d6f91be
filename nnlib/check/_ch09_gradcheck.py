"""Checkers for the exercises of the gradient-checking chapter."""

import numpy as np

from nnlib.check._core import call, check_number, CheckFailed, compare, Mistake, passed
from nnlib.backward import backprop
from nnlib.exercises import suspect_backprop
from nnlib.forward import forward_prop
from nnlib.gradient_checking import gradcheck
from nnlib.params import init_params

__all__ = ["suspect_backprop", "fixed_backprop", "missing_mean_error", "error_at_smaller_step"]


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


def _chapter_network():
    """The gradient-checking chapter's test network: (params, X, Y), as its cells build them."""
    rng = np.random.default_rng(0)
    params = init_params([8, 8, 8, 1], seed=0, scheme="normal", scale=1.0)
    for l in range(1, 4):
        params[f"b{l}"] = 0.5 * rng.standard_normal(params[f"b{l}"].shape)
    X = rng.standard_normal((8, 8))
    Y = (rng.random((1, 8)) < 0.5).astype(float)
    return params, X, Y


def error_at_smaller_step(my_error_at_1e3) -> None:
    """Check the predicted relative error of dW2's estimate at eps = 1e-3, given the one at 1e-2.

    On the chapter's network both errors are truncation, which for the
    central quotient shrinks as eps squared: a step ten times smaller gives
    an error about a hundred times smaller. The expected value is measured
    here with ``gradcheck(params, X, Y, eps=1e-3)["dW2"]`` (rounding moves it
    by under 2%: ``rounding_limits`` at that step allows at most 5e-10 of
    about 5e-8); the check accepts answers within 10% of it.

    Parameters
    ----------
    my_error_at_1e3 : float
        The learner's prediction.

    Raises
    ------
    CheckFailed
        If the prediction is off. It names these mistakes: a first-order
        rule (ten times smaller, as for the one-sided quotient); no change;
        a third-order rule (a thousand times smaller); the error growing
        a hundredfold.
    """
    params, X, Y = _chapter_network()
    at_1e2 = gradcheck(params, X, Y, eps=1e-2)["dW2"]
    expected = gradcheck(params, X, Y, eps=1e-3)["dW2"]
    mistakes = [
        Mistake("a first-order rule (ten times smaller)", "Ten times smaller is the one-sided "
                "quotient's rate. In the central quotient the second-derivative terms cancel, "
                "and what is left is proportional to eps squared.", at_1e2 / 10),
        Mistake("no change", "The truncation error depends on eps: the section on nudging both "
                "ways says how.", at_1e2),
        Mistake("a third-order rule (a thousand times smaller)", "The central quotient's error "
                "is eps squared over 6 times the third derivative, and so on: second order, not "
                "third.", at_1e2 / 1000),
        Mistake("the error growing", "At these steps rounding is negligible; truncation shrinks "
                "with the step.", at_1e2 * 100),
    ]
    check_number(my_error_at_1e3, expected, mistakes, what="my_error_at_1e3", rtol=0.1,
                 hint="Run gradcheck(params, X, Y, eps=1e-2) and scale its dW2 error by the rule "
                      "the Taylor series gives for the central quotient.")
    passed(f"{at_1e2:.2e} / 100 = {at_1e2 / 100:.2e}, measured {expected:.2e}: the central "
           f"quotient's truncation error shrinks as eps squared.")
