"""Checkers for the exercises of the optimisers chapter."""

import numpy as np

from nnlib.check._core import CheckFailed, Mistake, as_number, call, check_number, compare, passed

__all__ = ["adam_first_step", "momentum_step_ratios", "stable_rates"]

# (g, rate, beta1, beta2, eps): gradients of both signs and of sizes 1e-2 to
# 1e3, a zero, and three settings of the betas, so that forgetting a bias
# correction gives a number unlike the right one in every case.
_ADAM_CASES = [
    (np.array([[0.5, -2.0, 30.0], [-0.01, 0.0, 1e3]]), 0.001, 0.9, 0.999, 1e-8),
    (np.array([[4.0, -0.25]]), 0.05, 0.5, 0.75, 1e-8),
    (np.array([[-3.0], [0.02], [7.5]]), 0.2, 0.8, 0.99, 1e-8),
]


def _adam_step(g, rate, beta1, beta2, eps, correct_m=True, correct_v=True):
    m = (1 - beta1) * g
    v = (1 - beta2) * g**2
    if correct_m:
        m = m / (1 - beta1)
    if correct_v:
        v = v / (1 - beta2)
    return -rate * m / (np.sqrt(v) + eps)


def adam_first_step(my_adam_first_step) -> None:
    """Check the learner's theta_1 - theta_0, Adam's first step, as a function of the gradient.

    Setting: Adam starts from m = v = 0 at t = 0 and takes one step with
    gradient g. With the bias correction m_hat = g and v_hat = g**2, so the
    step is -rate * g / (|g| + eps): -rate * sign(g) to within
    rate * eps / |g|. The check accepts either to a relative 1e-5 (its
    gradients are 0 or at least 0.01 in size).

    Parameters
    ----------
    my_adam_first_step : callable
        ``my_adam_first_step(g, rate, beta1, beta2, eps)`` returning an
        array shaped like g.

    Raises
    ------
    CheckFailed
        If a result is off. It names these mistakes: forgetting the bias
        correction (a step of rate * (1 - beta1) / sqrt(1 - beta2), 3.16
        rate at the usual betas); correcting m only or v only; the step's
        sign (theta_1 - theta_0 goes against the gradient); plain gradient
        descent's step -rate * g; forgetting the square root (-rate / g);
        0 / 0 at a zero gradient (g / |g| without eps).
    """
    what = "my_adam_first_step"
    for g, rate, beta1, beta2, eps in _ADAM_CASES:
        args = f"g = {np.array2string(g.ravel(), separator=', ')}, rate = {rate}, " \
               f"beta1 = {beta1}, beta2 = {beta2}"
        try:
            got = call(my_adam_first_step, g, rate, beta1, beta2, eps, what=what)
        except FloatingPointError as error:
            raise CheckFailed(
                f"{what} divides 0 by 0 or overflows ({error}) at {args}. If it divides g by "
                "|g|, that is 0 / 0 where the gradient is 0: Adam keeps eps in the "
                "denominator, so a zero gradient moves nothing."
            ) from None
        expected = _adam_step(g, rate, beta1, beta2, eps)
        if (np.shape(got) == g.shape and np.any(np.isnan(np.asarray(got, dtype=float)))
                and np.all(np.isnan(np.asarray(got, dtype=float)) == (g == 0))):
            raise CheckFailed(
                f"{what} gives NaN where the gradient is 0 ({args}): g / |g| is 0 / 0 there. "
                "Adam keeps eps in the denominator, so a zero gradient moves nothing."
            )
        with np.errstate(divide="ignore", invalid="ignore"):
            mistakes = [
                Mistake("forgetting the bias correction",
                        "At t = 1, m = (1 - beta1) g and v = (1 - beta2) g**2 are far smaller "
                        "than g and g**2; Adam divides them by 1 - beta1**t and 1 - beta2**t.",
                        _adam_step(g, rate, beta1, beta2, eps, False, False)),
                Mistake("correcting m but not v", "Both averages start at 0: v needs its "
                        "correction, 1 - beta2**t, too.",
                        _adam_step(g, rate, beta1, beta2, eps, True, False)),
                Mistake("correcting v but not m", "Both averages start at 0: m needs its "
                        "correction, 1 - beta1**t, too.",
                        _adam_step(g, rate, beta1, beta2, eps, False, True)),
                Mistake("a step along the gradient", "theta_1 - theta_0 goes against the "
                        "gradient, downhill: mind the minus sign.", -expected),
                Mistake("plain gradient descent's step", "Adam divides by the running "
                        "root-mean-square sqrt(v_hat): the gradient's size cancels.", -rate * g),
                Mistake("forgetting the square root", "Adam divides m_hat by sqrt(v_hat), "
                        "a gradient's size, not by v_hat, its square.",
                        np.where(g == 0, 0.0, -rate * g / (g**2 + eps))),
            ]
        compare(got, expected, mistakes, what=f"{what} at {args}", rtol=1e-5, atol=1e-12)
    passed("theta_1 - theta_0 = -rate * g / (|g| + eps), which is -rate * sign(g) for any "
           "gradient far from 0: Adam's first step moves every weight by the same amount, "
           "rate, whatever the size of its gradient.")


def momentum_step_ratios(my_momentum_step_ratios) -> None:
    """Check the predicted long-run step of momentum (beta = 0.9) over plain gradient descent's.

    Setting: ``Momentum(rate, beta=0.9)`` of ``nnlib.optimisers`` (v <- beta v
    + (1 - beta) g, step rate * v), against ``GradientDescent(rate)``, after
    many steps. (a) The gradient is the same g at every step: v tends to g,
    so the ratio of step sizes is 1. (b) The gradient flips, g, -g, g, ...:
    v tends to alternate between +a and -a with a = -beta a + (1 - beta) g,
    so a = g (1 - beta) / (1 + beta) and the ratio is 1/19.

    Parameters
    ----------
    my_momentum_step_ratios : tuple of two numbers
        (ratio under a constant gradient, ratio under a flipping gradient).

    Raises
    ------
    CheckFailed
        If either ratio is off, naming: Polyak's and PyTorch's form
        v <- beta v + g (10 and 1/1.9); the first step only, 1 - beta; a
        flipping gradient that cancels exactly, 0; a flipping gradient
        treated as a constant one, 1; beta itself.
    """
    what = "my_momentum_step_ratios"
    if not isinstance(my_momentum_step_ratios, (tuple, list)) or len(my_momentum_step_ratios) != 2:
        raise CheckFailed(f"{what} should be a pair of numbers, (constant, flipping); "
                          f"got {my_momentum_step_ratios!r:.80}")
    constant, flipping = my_momentum_step_ratios
    beta = 0.9
    check_number(constant, 1.0, [
        Mistake("Polyak's form, v <- beta v + g", "nnlib's Momentum averages: v <- beta v + "
                "(1 - beta) g. Polyak's (and PyTorch's) v grows to g / (1 - beta); ours to g.",
                1 / (1 - beta)),
        Mistake("the first step only", "At step 1, v = (1 - beta) g; the question asks about "
                "the step after many steps, when v has caught up.", 1 - beta),
        Mistake("beta itself", "Solve v = beta v + (1 - beta) g for the steady v.", beta),
    ], what=f"{what}[0] (a constant gradient)", rtol=0.01,
        hint="Under a constant gradient v settles where v = beta v + (1 - beta) g.")
    check_number(flipping, (1 - beta) / (1 + beta), [
        Mistake("Polyak's form, v <- beta v + g", "nnlib's Momentum multiplies the new "
                "gradient by 1 - beta.", 1 / (1 + beta)),
        Mistake("the constant gradient's answer", "When g flips sign, so does v in the long "
                "run: v alternates between +a and -a, so a = -beta a + (1 - beta) g.", 1.0),
        Mistake("the first step only", "At step 1, v = (1 - beta) g; after many steps the "
                "old gradients, of the other sign, pull v down further.", 1 - beta),
        Mistake("exact cancellation", "The average is weighted: the newest gradient counts "
                "most, so the steps shrink but do not vanish.", 0.0),
    ], what=f"{what}[1] (a flipping gradient)", rtol=0.01,
        hint="In the long run v alternates between +a and -a: write the update for one step "
             "from -a to +a and solve for a.")
    passed("1 and 1/19. Where the gradient keeps its direction, momentum steps as far as "
           "gradient descent; where it flips, momentum's steps are 19 times shorter. "
           "That damping is why momentum tolerates a larger rate.")


# The grid of exercise 13.3 and its answer: on pairs (0, 0), (1, 1), (2, 2)
# of the chapter (split k, weights seed k, [64, 32, 10], He, batch 64, 10
# epochs), the largest rate whose training cost after 10 epochs is below
# the start's in all three pairs. tests/test_check_13_optimisers.py trains
# them again: plain gradient descent lowers the cost at 2 (to at most 0.3,
# from about 3) and not at 2.5 in pairs 1 and 2 (above 20); momentum at 3
# (to at most 0.8) and not at 4 (above 15 in every pair).
STABLE_GRID = (1.0, 1.5, 2.0, 2.5, 3.0, 4.0)
STABLE_RATES = (2.0, 3.0)


def stable_rates(my_stable_rates) -> None:
    """Check the largest rates at which plain gradient descent and momentum still lower the cost.

    Setting: the chapter's network and pairs 0, 1 and 2, 10 epochs of
    batches of 64, each rate of ``STABLE_GRID``; a rate counts if the
    training cost after 10 epochs is below the start's in all three pairs.

    Parameters
    ----------
    my_stable_rates : tuple of two numbers
        (largest rate for ``GradientDescent``, largest for ``Momentum``).

    Raises
    ------
    CheckFailed
        If either is off, naming: the chapter's coarse grid (1 and 3); the
        two swapped; a rate that lowers the cost in one pair but not in all
        (2.5 for gradient descent); the first rate that fails (2.5 and 4);
        momentum's rate taken for gradient descent's or the reverse.
    """
    what = "my_stable_rates"
    if not isinstance(my_stable_rates, (tuple, list)) or len(my_stable_rates) != 2:
        raise CheckFailed(f"{what} should be a pair of rates, (gradient descent, momentum); "
                          f"got {my_stable_rates!r:.80}")
    gd, mom = (as_number(v, what) for v in my_stable_rates)
    for value in (gd, mom):
        if not any(np.isclose(value, r, rtol=1e-9) for r in STABLE_GRID):
            raise CheckFailed(f"{what} holds {value:g}, which is not one of the rates asked "
                              f"about; give two of {', '.join(f'{r:g}' for r in STABLE_GRID)}.")
    named = {
        (1.0, 3.0): "These are the chapter's coarse grid's answers; between 1 and 3 lie "
                    "1.5, 2 and 2.5: try them.",
        (3.0, 2.0): "The two are swapped: the first is plain gradient descent's.",
        (2.5, 3.0): "At 2.5 plain gradient descent lowers the cost in pair 0 only; the "
                    "question asks for a rate that lowers it in all three pairs.",
        (2.5, 4.0): "These are the first rates that fail; the question asks for the "
                    "largest that still lower the cost.",
        (3.0, 4.0): "These are the first rates that fail for every pair; the question asks "
                    "for the largest that still lower the cost in all three.",
        (2.0, 2.0): "Momentum's rate is too small: it lowers the cost at 2.5 and 3 too.",
        (3.0, 3.0): "Plain gradient descent fails at 3 (its cost climbs past 10^20); look "
                    "for its largest rate that works.",
    }
    key = (gd, mom)
    if np.allclose(key, STABLE_RATES, rtol=1e-9):
        passed("2 for plain gradient descent, 3 for momentum. Averaging the gradients "
               "buys a rate about 1.5 times larger here; past it, both blow up within 10 "
               "epochs.")
        return
    for answer, hint in named.items():
        if np.allclose(key, answer, rtol=1e-9):
            raise CheckFailed(f"{what} = ({gd:g}, {mom:g}) is not right. {hint}")
    wrong = [name for name, got, right in zip(("gradient descent's", "momentum's"), key,
                                              STABLE_RATES) if not np.isclose(got, right)]
    raise CheckFailed(f"{what} = ({gd:g}, {mom:g}) is not right: {' and '.join(wrong)} "
                      "rate is off. Train at each rate on the three pairs and keep the largest "
                      "whose cost after 10 epochs is below the start's in every pair.")
