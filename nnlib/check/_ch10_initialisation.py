"""Checkers for the exercises of the initialisation chapter."""

import numpy as np

from nnlib.check._core import check_number, CheckFailed, Mistake, passed

__all__ = ["escape_rate", "xavier_z_variance"]

RATES = (1, 2, 3, 4, 5, 6, 7, 8)
# The smallest of RATES at which the 0.01 start of [30, 16, 16, 16, 16, 1]
# (init_params' default, seed 3), trained full batch on the chapter's 313
# training tumours (split seed 0, standardised), brings its training cost below
# 0.6 within 500 epochs. tests/test_check_10_initialisation.py trains it again:
# at 3 the cost never leaves the base rate, 0.663; at 4 it is below 0.6 before
# epoch 300.
ESCAPE_RATE = 4


def escape_rate(my_escape_rate) -> None:
    """Check the smallest learning rate at which the 0.01 start leaves its plateau.

    Setting: the chapter's network ``[30, 16, 16, 16, 16, 1]`` from
    ``init_params``' default start (scale 0.01, seed 3), trained for 500
    full-batch epochs on the chapter's training set at each rate 1, 2, ..., 8.
    It has left its plateau if its training cost falls below 0.6. The answer
    is the smallest such rate, 4.

    Parameters
    ----------
    my_escape_rate : float
        The learner's answer, one of the rates 1 to 8.

    Raises
    ------
    CheckFailed
        If the answer is off. It names these mistakes: the chapter's shared
        rate 0.5 (no experiment run); rate 5, the one the text already showed
        (not the smallest); rate 3, the last one that stays on the plateau;
        the largest rate, 8 (a longer step is not always better: it stays on
        the plateau); the epoch of escape instead of the rate.
    """
    mistakes = [
        Mistake("the chapter's shared rate", "At 0.5 the network never left its plateau; try "
                "the rates 1 to 8 and watch the cost.", 0.5),
        Mistake("the rate the text already showed", "Rate 5 works, but a smaller one does too: "
                "look for the smallest.", 5.0),
        Mistake("the last rate that stays on the plateau", "At this rate the cost never falls "
                "below 0.6 in 500 epochs; the answer is the first rate at which it does.", 3.0),
        Mistake("the largest rate", "A longer step is not always better: at this rate the cost "
                "never leaves its plateau. Look for the smallest rate that escapes.", 8.0),
        Mistake("the epoch instead of the rate", "The question asks for a learning rate, one of "
                "1 to 8.", 204.0),
    ]
    if isinstance(my_escape_rate, (int, float, np.integer, np.floating)) and not isinstance(
        my_escape_rate, bool
    ) and float(my_escape_rate) not in RATES + (0.5,) and 0 < float(my_escape_rate) <= 8:
        raise CheckFailed(
            f"my_escape_rate = {float(my_escape_rate):g} is not one of the rates asked about; "
            f"give one of {', '.join(str(r) for r in RATES)}."
        )
    check_number(my_escape_rate, ESCAPE_RATE, mistakes, what="my_escape_rate", rtol=1e-9,
                 hint="Train at each rate 1 to 8 and note whether the training cost ever falls "
                      "below 0.6; give the smallest rate at which it does.")
    passed("rate 4: at 3 the cost stays at the base rate for all 500 epochs, at 4 it leaves "
           "about epoch 200. The plateau is long, not endless; a longer step shortens it, "
           "up to a point: at 7 and 8 the network stays on it again.")


def xavier_z_variance(my_xavier_z_variance) -> None:
    """Check the predicted variance of Z for a Xavier layer of 784 inputs and 100 units.

    Setting: inputs of mean 0 and variance 1, independent of the weights;
    weights of variance 2 / (784 + 100); zero biases. Each entry of Z sums
    784 independent products w x, so Var(Z) = 784 * 2 / 884. The check
    accepts answers within 1% of that.

    Parameters
    ----------
    my_xavier_z_variance : float
        The learner's prediction.

    Raises
    ------
    CheckFailed
        If the prediction is off. It names these mistakes: taking Xavier's
        variance to be exactly 1; the missing factor 2; the standard
        deviation instead of the variance; the weights' own standard
        deviation or variance; He's fan-in formula; summing over the 100
        units instead of the 784 inputs; the tutorial's 0.01.
    """
    n_in, n_out = 784, 100
    var_w = 2 / (n_in + n_out)
    expected = n_in * var_w
    mistakes = [
        Mistake("taking Xavier's variance to be exactly 1", "n_{l-1} Var(W) is exactly 1 only "
                "when the layer has as many units as inputs; here it has far fewer.", 1.0),
        Mistake("the missing factor 2", "Xavier's weight variance is 2 / (n_{l-1} + n_l).",
                n_in / (n_in + n_out)),
        Mistake("the standard deviation instead of the variance", "The question asks for the "
                "variance, the square of the standard deviation.", np.sqrt(expected)),
        Mistake("the weights' own standard deviation", "Z adds up 784 products w x; each adds "
                "its variance.", np.sqrt(var_w)),
        Mistake("the weights' own variance", "Z adds up 784 products w x; each adds its "
                "variance.", var_w),
        Mistake("He's fan-in formula", "Xavier divides by n_{l-1} + n_l, not by n_{l-1} alone.",
                2.0),
        Mistake("summing over the 100 units", "Each entry of Z belongs to one unit and sums over "
                "that unit's 784 inputs.", n_out * var_w),
        Mistake("the tutorial's 0.01", "The weights here are Xavier's, of variance "
                "2 / (784 + 100).", n_in * 0.01**2),
    ]
    check_number(my_xavier_z_variance, expected, mistakes, what="my_xavier_z_variance", rtol=0.01,
                  hint="Var(Z) = n_{l-1} Var(W) E[x**2]: work out each factor.")
    passed(f"784 * 2 / 884 = {expected:.4f}: of order one, though the layer has 784 inputs.")
