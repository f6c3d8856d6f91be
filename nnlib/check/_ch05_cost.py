"""Checkers for the exercises of the 05_cost chapter.

``logit_cost_slope`` checks a derived slope of the cost from the logit;
``cost_at_half``, ``cost_by_hand`` and ``saturated_costs`` check predicted
numbers; ``cost_function`` checks a learner's cross-entropy. Each names the
usual slips: a missing minus sign, a sum where the mean belongs, the wrong
logarithm, swapped label terms, a 1x1 array for a number, and logarithms of
exactly 0.
"""

import numpy as np

import nnlib
from nnlib.check._ch03_sigmoid import call_quietly
from nnlib.check._core import NUMBER_TOLERANCE, as_number, call, CheckFailed, compare, Mistake, passed

__all__ = ["cost_function", "cost_at_half", "cost_by_hand", "logit_cost_slope", "saturated_costs"]

# Clipping at any epsilon up to this one keeps the cost right to the
# checker's tolerance on its ordinary predictions (0.05 to 0.95) and charges
# a confident mistake at least -log(1e-6) = 13.8 nats.
LARGEST_EPS = 1e-6


def cost_function(fn) -> None:
    """Check ``fn(A, Y)``, the learner's cross-entropy cost, against nnlib's.

    Three batches are tried: ordinary predictions with mixed labels (m = 7,
    so a missing 1/m shows), predictions of exactly 0 and 1 that are wrong,
    and predictions of exactly 0 and 1 that are right.

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
        exactly 0 or 1 (infinity or NaN); clipping so coarsely (epsilon
        above 1e-6) that a confident mistake costs too little. Any
        epsilon from machine epsilon to 1e-6 is right.
    """
    what = "my_cost_function(A, Y)"
    rng = np.random.default_rng(5)
    A = rng.uniform(0.05, 0.95, size=(1, 7))
    Y = np.array([[1, 0, 0, 1, 1, 0, 1]])
    expected = nnlib.cost_function(A, Y)
    got = _run_cost(fn, A, Y, what)
    compare(got, expected, _cost_mistakes(A, Y), what)

    # Wrong answers at exactly 0 and 1: log(0) itself. Clipping at eps
    # charges each of the two -log(eps) (and log(1 - eps), at most 1e-6,
    # for the prediction clipped at 1): any eps up to 1e-6 is right.
    A_wrong = np.array([[1.0, 0.0, 0.5]])
    Y_wrong = np.array([[0.0, 1.0, 1.0]])
    got = _run_cost(fn, A_wrong, Y_wrong, what)
    if np.size(got) != 1:
        compare(got, nnlib.cost_function(A_wrong, Y_wrong), [], what)
    value = float(np.ravel(got)[0])
    cheapest = (-2 * np.log(LARGEST_EPS) + np.log(2)) / 3  # clipped at 1e-6
    dearest = nnlib.cost_function(A_wrong, Y_wrong) + 1e-9  # clipped at machine epsilon
    if not cheapest - 1e-6 <= value <= dearest:
        raise CheckFailed(
            f"{what} is not right for confidently wrong predictions: A = "
            f"{A_wrong.tolist()}, Y = {Y_wrong.tolist()} should cost between "
            f"{cheapest:.2f} (clipping at 1e-6) and {dearest:.2f} (clipping at "
            f"machine epsilon), got {value:.4f}. "
            + ("Clipping so coarsely changes the cost of predictions that are merely confident: keep "
               "eps tiny, such as np.finfo(float).eps." if value < cheapest else
               "Keep each prediction at least eps from 0 and 1 before taking logs.")
        )

    # Right answers at exactly 0 and 1: the unused term is 0 * log(0).
    A_right = np.array([[1.0, 0.0, 0.3, 0.9]])
    Y_right = np.array([[1.0, 0.0, 0.0, 1.0]])
    got = _run_cost(fn, A_right, Y_right, what)
    # each of the two clipped right answers may cost up to -log(1 - eps), about eps
    compare(got, nnlib.cost_function(A_right, Y_right), [], what, atol=LARGEST_EPS)
    passed(
        "your cost agrees with nnlib's on ordinary predictions and stays "
        "finite and large at confidently wrong predictions of exactly 0 and 1."
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


def logit_cost_slope(fn) -> None:
    """Check ``fn(Z, Y)``, the learner's derivative of L(z, y) = log(1 + e^z) - y z in z.

    The right answer is sigmoid(z) - y, entry by entry: the ``AL - Y`` that
    backpropagation starts from. It runs on z of shape (1, 6), then on z as
    large as +-800. Floating-point warnings are ignored: the values are
    judged, so a formula that overflows on the way to the right limit passes.

    Parameters
    ----------
    fn : callable
        ``fn(Z, Y) -> dL/dz``, an array of the shape of Z.

    Raises
    ------
    CheckFailed
        Naming, where it recognises one: the cost itself instead of its
        slope; a sign flip (y - sigmoid(z)); an extra sigmoid slope
        a (1 - a) (squared error's chain); dropping the - y z term; the
        slope of log(1 + e^z) taken as e^z; the slope of the mean J
        ((a - y) / m); NaN at large z from e^z / (1 + e^z).
    """
    what = "my_dL_dz(Z, Y)"
    rng = np.random.default_rng(6)
    stages = [
        (3 * rng.standard_normal((1, 6)), np.array([[1.0, 0.0, 1.0, 1.0, 0.0, 0.0]])),
        (np.array([[-800.0, -40.0, 40.0, 800.0, -800.0, 800.0]]), np.array([[1.0, 1.0, 0.0, 0.0, 0.0, 1.0]])),
    ]
    for Z, Y in stages:
        got = call_quietly(fn, Z, Y, what=what)
        A = nnlib.sigmoid(Z)[0]
        m = Z.shape[1]
        with np.errstate(all="ignore"):
            mistakes = [
                Mistake("the cost itself", "The exercise asks for the slope dL/dz, not L: "
                        "differentiate log(1 + e^z) - y z.", np.logaddexp(0, Z) - Y * Z),
                Mistake("a sign flip", "L grows with z when y = 0: the slope is sigma(z) - y, "
                        "not y - sigma(z).", Y - A),
                Mistake("an extra sigmoid slope a (1 - a)", "That is the chain for squared error "
                        "through a sigmoid; from the logit the slope of log(1 + e^z) is sigma(z) "
                        "itself.", (A - Y) * A * (1 - A)),
                Mistake("dropping the - y z term", "The cost subtracts y z, whose slope is y.", A),
                Mistake("taking the slope of log(1 + e^z) as e^z", "By the chain rule, the slope "
                        "of log(u) is u' / u: e^z / (1 + e^z) = sigma(z).", np.exp(Z) - Y),
                Mistake("the slope of the mean J, (a - y) / m", "The exercise asks for one "
                        "example's own L, entry by entry: no 1/m.", (A - Y) / m),
            ]
        if np.asarray(got, dtype=object).size == Z.size:
            try:
                bad = np.isnan(np.asarray(got, dtype=float))
            except (TypeError, ValueError):
                bad = np.zeros(Z.shape, dtype=bool)
            if np.any(bad):
                raise CheckFailed(
                    f"{what} is not right: it gives NaN at z = {Z.reshape(np.shape(bad))[bad][:3].tolist()}. "
                    "e^z / (1 + e^z) is inf / inf there; write sigma(z) as 1 / (1 + e^-z), "
                    "or call sigmoid, which never overflows."
                )
        compare(got, A - Y, mistakes, what, rtol=1e-7, atol=1e-12)
    passed("dL/dz = e^z / (1 + e^z) - y = sigma(z) - y: the AL - Y of the next chapter, "
           "between -1 and 1 however saturated z is.")


def saturated_costs(pair) -> None:
    """Check the predicted costs of one example, label 1, at z = -80: clipped and from the logit.

    Parameters
    ----------
    pair : tuple of two floats
        ``(clipped, from_logit)``: what ``cost_function(sigmoid(z), 1)`` and
        ``cost_from_logits(z, 1)`` report. Each is right within 0.005.

    Raises
    ------
    CheckFailed
        Naming the pair in the wrong order, the clipped cost given for both,
        the true cost given for both, and costs of a right answer (near 0).
    """
    what = "my_saturated_costs"
    Z, Y = np.array([[-80.0]]), np.array([[1.0]])
    clipped = nnlib.cost_function(nnlib.sigmoid(Z)[0], Y)
    from_logit = nnlib.cost_from_logits(Z, Y)
    if isinstance(pair, (str, bytes)) or not hasattr(pair, "__len__") or len(pair) != 2:
        raise CheckFailed(f"{what} should be a pair of numbers, (clipped, from_logit); got {pair!r:.80}")
    got = (as_number(pair[0], what + "[0]"), as_number(pair[1], what + "[1]"))
    mistakes = [
        Mistake("the pair in the wrong order", "Give the clipped cost first, then the cost "
                "from the logit.", (from_logit, clipped)),
        Mistake("the clipped cost for both", "cost_from_logits takes no logarithm of 0 and needs "
                "no clipping: a wrong answer at z costs about |z|.", (clipped, clipped)),
        Mistake("the true cost for both", "cost_function clips the prediction at machine "
                "epsilon, so it charges at most -log(eps) = 52 log 2.", (from_logit, from_logit)),
        Mistake("the cost of a right answer", "The label is 1 and z = -80 says almost surely "
                "0: a confident mistake, which costs a lot.", (0.0, 0.0)),
    ]
    compare(got, (clipped, from_logit), mistakes, what, rtol=0, atol=NUMBER_TOLERANCE)
    passed(f"cost_function reports -log(eps) = {clipped:.2f} nats however wrong the answer; "
           f"cost_from_logits reports {from_logit:.2f}, and keeps its slope of -1.")
