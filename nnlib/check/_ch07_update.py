"""Checkers for the exercises of the 07_update chapter.

``largest_stable_rate`` checks a learning rate predicted for a bowl of
two curvatures; ``weight_after_one_step`` checks a weight predicted by hand
for a tiny worked example.
"""

import numpy as np

import nnlib
from nnlib.check._core import NUMBER_TOLERANCE, as_number, compare, Mistake, passed

__all__ = ["largest_stable_rate", "weight_after_one_step"]

# The bowl of the largest-rate exercise: J = (4 w1**2 + 25 w2**2) / 2.
BOWL_CURVATURES = (4.0, 25.0)

# The tiny example of the predicted-weight exercise: one sigmoid unit, one input.
TINY_W, TINY_B = 0.5, 0.0
TINY_X = np.array([[2.0, -1.0, 1.0]])
TINY_Y = np.array([[1.0, 0.0, 0.0]])
TINY_LEARNING_RATE = 0.5


def largest_stable_rate(value) -> None:
    """Check the predicted largest learning rate at which descent on a bowl converges.

    The bowl is ``J(w1, w2) = (4 w1**2 + 25 w2**2) / 2``. A step multiplies
    w1 by ``1 - 4 alpha`` and w2 by ``1 - 25 alpha``; descent converges from
    every start while both factors lie strictly between -1 and 1, that is
    for ``alpha < 2 / 25 = 0.08``, the steep direction's limit.

    Parameters
    ----------
    value : float
        The learner's number; right within 0.005.

    Raises
    ------
    CheckFailed
        Naming, where it recognises one: the rate that lands on the valley
        floor in one step (1/25) instead of the largest that converges; the
        gentle direction's limit (2/4); the chapter's bowl (0.2); adding the
        curvatures (2/29); the curvature itself or its inverse halved.
    """
    what = "my_largest_rate"
    gentle, steep = BOWL_CURVATURES
    expected = 2 / steep
    got = as_number(value, what)
    mistakes = [
        Mistake(
            "the rate that reaches the floor of the steep direction in one step (1/25)",
            "At alpha = 1/25 the factor 1 - 25 alpha is 0: the best rate for w2, "
            "not the largest that converges. Descent still converges while "
            "1 - 25 alpha stays above -1.",
            1 / steep,
        ),
        Mistake(
            "the limit of the gentle direction (2/4)",
            "Both factors must stay between -1 and 1; the steep direction, "
            "curvature 25, fails first.",
            2 / gentle,
        ),
        Mistake(
            "the chapter's bowl (0.2)",
            "That bowl had curvatures 1 and 10; this one has 4 and 25.",
            0.2,
        ),
        Mistake(
            "adding the curvatures (2/29)",
            "Each direction has its own factor; the limit comes from the "
            "steepest alone.",
            2 / (gentle + steep),
        ),
        Mistake(
            "inverting the rule (25/2)",
            "The factor is 1 - 25 alpha: it reaches -1 at alpha = 2/25.",
            steep / 2,
        ),
    ]
    compare(got, expected, mistakes, what, rtol=0, atol=NUMBER_TOLERANCE)
    passed(
        f"at alpha = 2/25 = {expected:.2f} the steep factor 1 - 25 alpha reaches "
        f"-1; below it both directions shrink, above it w2 swings wider at every step."
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
