"""Checkers for the exercises of the regularisation chapter."""

import numbers

import numpy as np

from nnlib.check._core import CheckFailed, Mistake, call, check_number, compare, passed
from nnlib.deep import l2_gradient as nnlib_l2_gradient

__all__ = ["l2_gradient", "expected_outputs", "chosen_lambda"]


def _inputs():
    """A [5, 4, 3] network with biases that are not zero, lambda 0.7, m = 9."""
    rng = np.random.default_rng(14)
    params = {
        "W1": rng.standard_normal((4, 5)), "b1": rng.standard_normal((4, 1)),
        "W2": rng.standard_normal((3, 4)), "b2": rng.standard_normal((3, 1)),
    }
    return params, 0.7, 9


def l2_gradient(my_l2_gradient) -> None:
    """Check the learner's gradient of the L2 penalty (lambda / 2m) sum ||W[l]||^2.

    Setting: ``my_l2_gradient(params, lam, m)`` on a [5, 4, 3] network whose
    biases are not zero, lam = 0.7 and m = 9; it must return
    ``{"dW1": ..., "db1": ..., "dW2": ..., "db2": ...}``, the penalty's
    gradient for each parameter: (lam / m) W[l], and zeros for the biases.

    Raises
    ------
    CheckFailed
        If the answer is off. It names these mistakes: 2 lam W / m (the 2 of
        the square not cancelled by the 1/2); lam W (no 1/m); lam W / (2m)
        (the penalty's factor kept, the square's 2 forgotten); the biases
        penalised too ((lam / m) b for db); the db entries left out.
    """
    params, lam, m = _inputs()
    expected = nnlib_l2_gradient(params, lam, m)
    got = call(my_l2_gradient, params, lam, m, what="my_l2_gradient")

    def grads(scale_W, scale_b=0.0):
        out = {}
        for l in (1, 2):
            out[f"dW{l}"] = scale_W * params[f"W{l}"]
            out[f"db{l}"] = scale_b * params[f"b{l}"]
        return out

    if isinstance(got, dict) and set(got) == {"dW1", "dW2"}:
        raise CheckFailed(
            "my_l2_gradient returns dW1 and dW2 only. Give db1 and db2 too, shaped like b1 and b2: "
            "what is the penalty's slope in a bias that it does not contain?"
        )
    mistakes = [
        Mistake("2 lam W / m", "The square's 2 cancels the 1/2 of lam / (2m).", grads(2 * lam / m)),
        Mistake("lam W, without the 1/m", "The penalty is divided by 2m, and so is its slope.",
                grads(lam)),
        Mistake("lam W / (2m), the penalty's factor with the square's 2 forgotten",
                "d/dw of w**2 is 2 w.", grads(lam / (2 * m))),
        Mistake("penalising the biases too", "The penalty sums the squared weights only: it has "
                "no b in it, so its slope in b is 0.", grads(lam / m, lam / m)),
    ]
    compare(got, expected, mistakes, what="my_l2_gradient")
    passed("(lam / m) W[l] for each weight matrix, 0 for each bias. With plain gradient descent "
           "the step W - rate (dW + (lam / m) W) is (1 - rate lam / m) W - rate dW: each step "
           "first shrinks every weight by the same fraction.")


KEEP_PROB, OUTPUT = 0.8, 2.0


def expected_outputs(my_expected_outputs) -> None:
    """Check the predicted average output of a unit under dropout, with and without 1 / keep_prob.

    Setting: a hidden unit outputs a = 2.0 for some example; dropout keeps it
    with probability keep_prob = 0.8. The answer is the pair (average output
    with inverted dropout's division by keep_prob, average output without
    it): (2.0, 1.6).

    Raises
    ------
    CheckFailed
        If the answer is off. It names these mistakes: the pair swapped; a
        kept unit's output, 2.5, instead of the average over keeping and
        dropping; keep_prob read as the chance of dropping; no change in
        either case.
    """
    got = my_expected_outputs
    if (
        not isinstance(got, (tuple, list, np.ndarray))
        or np.ndim(got) != 1
        or len(got) != 2
        or not all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in got)
    ):
        raise CheckFailed(
            "my_expected_outputs should be a pair of numbers, (with the division by keep_prob, "
            f"without it); got {type(got).__name__} {got!r:.60}"
        )
    got = (float(got[0]), float(got[1]))
    a, p = OUTPUT, KEEP_PROB
    expected = (a, p * a)
    mistakes = [
        Mistake("the pair swapped", "The first number is the one with the division by keep_prob.",
                (p * a, a)),
        Mistake("a kept unit's output", "Average over both cases: kept with probability "
                "keep_prob, giving a / keep_prob, and dropped otherwise, giving 0.", (a / p, a)),
        Mistake("keep_prob read as the chance of dropping", "keep_prob is the chance that the unit "
                "is kept.", (a, (1 - p) * a)),
        Mistake("no change either way", "Without the division a dropped unit's 0 pulls the "
                "average down.", (a, a)),
    ]
    compare(got, expected, mistakes, what="my_expected_outputs", rtol=1e-6, atol=0)
    passed("0.8 * 2.0 / 0.8 + 0.2 * 0 = 2.0 with the division, 0.8 * 2.0 = 1.6 without: dividing "
           "by keep_prob while training keeps each unit's average output, so the trained network "
           "predicts with every unit and nothing rescaled.")


LAMBDAS = (0.1, 0.3, 1.0, 3.0, 10.0)
# With the chapter's recipe on 300 training digits of split 0 (seed 0), the
# validation cost is lowest at 1 (0.218, against 0.234 at 0.3 and 0.236 at 3);
# the training cost is lowest at 0.1 and the test cost at 0.3.
# tests/test_check_14_regularisation.py trains the five networks again.
CHOSEN_LAMBDA = 1.0


def chosen_lambda(my_lambda) -> None:
    """Check the weight-decay strength chosen on validation data for 300 training digits.

    Setting: the chapter's ``fit`` recipe on split 0 with seed 0 and the
    first 300 training digits, at each lam in 0.1, 0.3, 1, 3 and 10; the
    choice is the lam of lowest validation cost, 1.

    Raises
    ------
    CheckFailed
        If the answer is off. It names these mistakes: the lowest training
        cost (0.1); the lowest test cost (0.3: the test set chose); the
        largest lam.
    """
    if isinstance(my_lambda, numbers.Real) and not isinstance(my_lambda, bool) and not any(
        np.isclose(float(my_lambda), v, rtol=1e-9, atol=0) for v in LAMBDAS
    ):
        raise CheckFailed(
            f"my_lambda = {float(my_lambda):g} is not one of the grid's values; give one of "
            f"{', '.join(f'{v:g}' for v in LAMBDAS)}."
        )
    mistakes = [
        Mistake("the lowest training cost", "The penalty is part of the training cost, so the "
                "smallest lam always wins there: choose by the validation cost.", 0.1),
        Mistake("the lowest test cost", "The test set is for the one final measurement; a choice "
                "made on it makes that measurement flatter the network. Choose by the validation "
                "cost.", 0.3),
        Mistake("the largest lam", "Too strong a penalty underfits: compare the validation "
                "costs.", 10.0),
    ]
    check_number(my_lambda, CHOSEN_LAMBDA, mistakes, what="my_lambda", rtol=1e-9,
                 hint="Train at each lam of the grid and keep the one whose validation cost is "
                      "lowest.")
    passed("lam = 1, as for 150 digits: the penalty (lam / 2m) sum W**2 already weakens as m "
           "grows, so the same lam decays the weights half as fast here.")
