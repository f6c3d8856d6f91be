"""Checkers for the exercises of the 05_cost chapter.

``cost_function`` checks a learner's cross-entropy; ``cost_at_half`` and
``cost_by_hand`` check two predicted numbers. Each names the usual slips:
a missing minus sign, a sum where the mean belongs, the wrong logarithm,
swapped label terms, a 1x1 array for a number, and logarithms of exactly 0.
"""

import numpy as np

import nnlib
from nnlib.check._core import NUMBER_TOLERANCE, as_number, call, CheckFailed, compare, Mistake, passed

__all__ = ["cost_function", "cost_at_half", "cost_by_hand"]

# A predicted number counts as right within this distance: three decimals.


def cost_function(fn) -> None:
    """Check ``fn(A, Y)``, the learner's cross-entropy cost, against nnlib's.

    Three batches are tried: ordinary predictions with mixed labels (m = 7,
    so a missing 1/m shows), predictions of exactly 0 and 1 that are right,
    and predictions of exactly 0 and 1 that are wrong.

    Parameters
    ----------
    fn : callable
        ``fn(A, Y) -> float`` with A and Y of shape (1, m).

    Raises
    ------
    CheckFailed
        Naming, where it recognises one: a missing minus sign; a sum instead
        of a mean (missing 1/m); log10 or log2 instead of the natural log;
        swapped y and 1 - y terms; log(1 - a) written as 1 - log(a); a
        missing (1 - y) term; a 1x1 or
        1-element array instead of a float; no protection at predictions of
        exactly 0 or 1 (infinity or NaN); clipping with an epsilon other
        than machine epsilon.
    """
    what = "my_cost_function(A, Y)"
    rng = np.random.default_rng(5)
    A = rng.uniform(0.05, 0.95, size=(1, 7))
    Y = np.array([[1, 0, 0, 1, 1, 0, 1]])
    expected = nnlib.cost_function(A, Y)
    got = _run_cost(fn, A, Y, what)
    compare(got, expected, _cost_mistakes(A, Y), what)

    # Right answers at exactly 0 and 1: the unused term is 0 * log(0).
    A_right = np.array([[1.0, 0.0, 0.3, 0.9]])
    Y_right = np.array([[1.0, 0.0, 0.0, 1.0]])
    got = _run_cost(fn, A_right, Y_right, what)
    compare(got, nnlib.cost_function(A_right, Y_right), [], what, atol=1e-9)

    # Wrong answers at exactly 0 and 1: log(0) itself.
    A_wrong = np.array([[1.0, 0.0, 0.5]])
    Y_wrong = np.array([[0.0, 1.0, 1.0]])
    expected = nnlib.cost_function(A_wrong, Y_wrong)
    got = _run_cost(fn, A_wrong, Y_wrong, what)
    if np.size(got) == 1 and not np.isclose(float(np.ravel(got)[0]), expected):
        raise CheckFailed(
            f"{what} is not right for confidently wrong predictions: A = "
            f"{A_wrong.tolist()}, Y = {Y_wrong.tolist()} should cost "
            f"{expected:.4f}, got {float(np.ravel(got)[0]):.4f}, as clipping "
            f"with an epsilon other than machine epsilon would. Clip the "
            f"predictions into [eps, 1 - eps] with eps = np.finfo(float).eps, "
            f"as nnlib does, so that each confident mistake costs -log(eps) = "
            f"{-np.log(np.finfo(float).eps):.2f} nats."
        )
    compare(got, expected, [], what)
    passed(
        "your cost agrees with nnlib's on ordinary predictions and stays "
        "finite at predictions of exactly 0 and 1."
    )


def cost_at_half(value) -> None:
    """Check the predicted cost of a batch of 10 whose predictions are all 0.5.

    Parameters
    ----------
    value : float
        The learner's number; right within 0.005 of log 2.

    Raises
    ------
    CheckFailed
        Naming log2 instead of ln (1.0), log10 instead of ln (0.301), a
        missing minus sign (-0.693) or a sum instead of a mean (6.93).
    """
    what = "my_cost_at_half"
    m = 10
    A = np.full((1, m), 0.5)
    Y = np.array([[1, 0, 0, 1, 0, 1, 1, 0, 0, 0]])
    got = as_number(value, what)
    compare(got, nnlib.cost_function(A, Y), _cost_mistakes(A, Y), what,
            rtol=0, atol=NUMBER_TOLERANCE)
    passed(f"every example costs -ln 0.5 = ln 2, so J = {np.log(2):.4f} nats, whatever the labels.")


def cost_by_hand(value) -> None:
    """Check the predicted cost of A = [[0.8, 0.8, 0.8, 0.8]], Y = [[1, 1, 1, 0]].

    Parameters
    ----------
    value : float
        The learner's number; right within 0.005.

    Raises
    ------
    CheckFailed
        Naming swapped y and 1 - y terms, a missing (1 - y) or y term, log2
        or log10 instead of ln, a missing minus sign or a sum instead of a
        mean.
    """
    what = "my_cost_by_hand"
    A = np.full((1, 4), 0.8)
    Y = np.array([[1, 1, 1, 0]])
    expected = nnlib.cost_function(A, Y)
    mistakes = _cost_mistakes(A, Y) + [
        Mistake(
            "leaving out the y log(a) term",
            "The three examples labelled 1 cost -ln 0.8 each; the one "
            "labelled 0 costs -ln(1 - 0.8). Add all four and divide by 4.",
            float(-np.mean((1 - Y) * np.log(1 - A))),
        )
    ]
    got = as_number(value, what)
    compare(got, expected, mistakes, what, rtol=0, atol=NUMBER_TOLERANCE)
    passed(
        f"J = (3 (-ln 0.8) - ln 0.2) / 4 = {expected:.4f} nats; the one "
        "wrong-leaning example costs more than the three others together."
    )




def _run_cost(fn, A, Y, what):
    """Call the learner's cost; name unprotected logarithms of 0 or 1 - 1."""
    unprotected = (
        f"{what} is not right: no protection at predictions of exactly 0 or 1. "
        f"With A = {A.tolist()} and Y = {Y.tolist()} it takes the log of 0, "
        f"which is -infinity (and 0 * log 0 is NaN). Clip A into "
        f"[eps, 1 - eps] with eps = np.finfo(float).eps before taking logs, "
        f"as the chapter does."
    )
    try:
        got = call(fn, A, Y, what=what)
    except FloatingPointError as error:
        raise CheckFailed(f"{unprotected} (numpy: {error})") from error
    try:
        finite = bool(np.all(np.isfinite(np.asarray(got, dtype=float))))
    except (TypeError, ValueError):
        finite = True  # not numbers at all: compare will say so
    if not finite:
        raise CheckFailed(unprotected)
    return got


def _cost_mistakes(A, Y) -> list[Mistake]:
    """What each usual slip returns on these predictions and labels."""
    J = nnlib.cost_function(A, Y)
    return [
        Mistake(
            "a missing minus sign",
            "The logs of probabilities are negative; the minus sign in front "
            "of the sum makes the cost positive.",
            -J,
        ),
        Mistake(
            "a sum instead of a mean (a missing 1/m)",
            "Divide the sum over examples by m (or use np.mean), so that the "
            "cost does not grow with the size of the batch.",
            J * Y.shape[1],
        ),
        Mistake(
            "using log10 instead of the natural log",
            "Use np.log, the natural logarithm; np.log10 divides every cost "
            "by ln 10.",
            J / np.log(10),
        ),
        Mistake(
            "using log2 instead of the natural log",
            "Use np.log, the natural logarithm: costs are in nats, not bits.",
            J / np.log(2),
        ),
        Mistake(
            "swapped y and 1 - y terms",
            "An example labelled 1 should cost -log(a), one labelled 0 "
            "-log(1 - a): write Y * log(A) + (1 - Y) * log(1 - A).",
            _cost_with_swapped_terms(A, Y),
        ),
        Mistake(
            "writing log(1 - a) as 1 - log(a)",
            "The second term takes the log of 1 - A: np.log(1 - A), not "
            "1 - np.log(A).",
            float(-np.mean(Y * np.log(A) + (1 - Y) * (1 - np.log(A)))),
        ),
        Mistake(
            "leaving out the (1 - y) log(1 - a) term",
            "Examples labelled 0 cost -log(1 - a); without the second term "
            "they cost nothing.",
            float(-np.mean(Y * np.log(A))),
        ),
        Mistake(
            "returning a 1x1 array instead of a float",
            "np.dot of a row and a column gives an array of shape (1, 1); "
            "return a plain number, for example with float(...) or .item().",
            np.array([[J]]),
        ),
        Mistake(
            "returning a 1-element array instead of a float",
            "A sum or mean along axis=1 keeps an axis of length 1; sum over "
            "everything, or return float(...).",
            np.array([J]),
        ),
    ]


def _cost_with_swapped_terms(A, Y) -> float:
    with np.errstate(divide="ignore"):
        return float(-np.mean((1 - Y) * np.log(A) + Y * np.log(1 - A)))
