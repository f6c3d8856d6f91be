"""Checkers for the exercises of the 03_sigmoid chapter."""

import warnings

import numpy as np

from nnlib.activations import sigmoid as nnlib_sigmoid
from nnlib.activations import sigmoid_backward as nnlib_sigmoid_backward
from nnlib.check._core import _copy, check_number, CheckFailed, compare, Mistake, passed
from nnlib.exercises import sigmoid_backward_with_a_bug

__all__ = ["sigmoid", "sigmoid_backward", "sigmoid_backward_with_a_bug", "slope_after_five_layers"]

NAN_HINT = (
    "The sigmoid has a limit there, 0 or 1. A formula that divides infinity by infinity "
    "gives nan instead: exp(Z) / (1 + exp(Z)) does at large positive Z. Use "
    "1 / (1 + exp(-Z)), whose overflow at large negative Z still gives the right 0, or "
    "the stable form of this chapter, built on E = exp(-|Z|)."
)
SLOPE_NAN_HINT = (
    "The slope has a limit there, 0. A formula in exp(-Z) overflows at large negative Z, "
    "and inf / inf gives nan. The slope is even, sigma'(-z) = sigma'(z): write it in "
    "E = exp(-|Z|), which lies in (0, 1] and cannot overflow."
)


def _inputs():
    """Pre-activations of a layer of 3 units on 4 examples: moderate ones, then extreme ones."""
    rng = np.random.default_rng(3)
    moderate = 4 * rng.standard_normal((3, 4))
    extreme = np.array([[-1000.0, -50.0, 0.0, 3.0],
                        [1000.0, 50.0, -745.0, -2.0],
                        [-710.0, 710.0, 20.0, -20.0]])
    return moderate, extreme


def sigmoid(my_sigmoid) -> None:
    """Check the learner's ``my_sigmoid(Z) -> (A, cache)`` against nnlib's ``sigmoid``.

    It first runs on moderate Z of shape (3, 4), where every formula is
    safe, then on Z with entries as large as +-1000. It judges the values:
    floating-point warnings are silenced, so the formula as written, whose
    overflow at Z = -1000 still gives the right 0, passes.

    Parameters
    ----------
    my_sigmoid : callable
        ``my_sigmoid(Z) -> (A, cache)``, with cache the Z it was given.

    Raises
    ------
    CheckFailed
        If the result differs. It names these mistakes: a sign flip
        (1 / (1 + exp(Z)), or (1 - tanh(Z / 2)) / 2); a cache that holds A,
        not Z; returning A alone; returning (Z, A) instead of (A, Z); nan at
        large |Z| (inf / inf); and the slips of exercise 3.1's route through
        tanh, sigma(z) = (1 + tanh(z / 2)) / 2: tanh(Z) where tanh(Z / 2)
        belongs, tanh(2 Z), and the factor 1/2 outside left out.
    """
    for stage, Z in enumerate(_inputs()):
        what = "my_sigmoid(Z)" if stage == 0 else "my_sigmoid(Z) for Z as large as +-1000"
        got = call_quietly(my_sigmoid, Z, what=what)
        _no_nan(got[0] if isinstance(got, tuple) and len(got) == 2 else got, Z, what)
        mistakes = [
            Mistake("a sign flip", "sigma(z) = 1 / (1 + exp(-z)), with a minus sign: it should "
                    "be above 0.5 for z > 0.", _sign_flipped(Z)),
            Mistake("a cache that holds A, not Z", "Return Z itself as the cache: the backward "
                    "pass needs the pre-activations.", _cache_of_A(Z)),
            Mistake("returning A alone", "Return a pair, (A, cache), with cache = Z.", _A_alone(Z)),
            Mistake("returning (Z, A)", "Return A first, then the cache: (A, Z).", _swapped(Z)),
            Mistake("putting Z into tanh where Z / 2 belongs", "tanh(u) = 2 sigma(2u) - 1 ties tanh "
                    "at u to sigma at 2u: to reach sigma at z, tanh needs z / 2.", _tanh_not_halved(Z)),
            Mistake("putting 2 Z into tanh where Z / 2 belongs", "tanh(u) = 2 sigma(2u) - 1 ties tanh "
                    "at u to sigma at 2u, so sigma(z) needs tanh at z / 2, not at 2z.",
                    _tanh_doubled(Z)),
            Mistake("leaving out the factor 1/2 outside", "1 + tanh(u) runs from 0 to 2; the "
                    "sigmoid runs from 0 to 1.", _tanh_not_divided(Z)),
        ]
        compare(got, nnlib_sigmoid(Z), mistakes, what=what)
    passed("my_sigmoid matches nnlib's sigmoid, returns Z as its cache and gets the limits "
           "0 and 1 right for Z = +-1000.")


def sigmoid_backward(my_sigmoid_backward) -> None:
    """Check the learner's ``my_sigmoid_backward(dA, cache) -> dZ`` against nnlib's.

    It runs on dA of shape (3, 4) with a cache Z of moderate entries, then on
    Z with entries as large as +-1000. It judges the values: floating-point
    warnings are silenced.

    Parameters
    ----------
    my_sigmoid_backward : callable
        ``my_sigmoid_backward(dA, cache) -> dZ``, with cache the Z of the
        forward pass.

    Raises
    ------
    CheckFailed
        If the result differs. It names these mistakes: a sign flip in dZ;
        forgetting dA; using Z where A belongs; dropping the factor (1 - A);
        nan at large |Z| (a slope written in exp(-Z)); and the slips of
        exercise 3.2's repair of ``sigmoid_backward_with_a_bug``, whose slope
        is written in E = exp(-|Z|): the planted bug E / (1 + E**2) left in,
        one factor of sigma (1 - sigma) only (E / (1 + E)), E left out of the
        numerator (1 / (1 + E)**2), and E squared in it (E**2 / (1 + E)**2).
    """
    rng = np.random.default_rng(4)
    dA = rng.standard_normal((3, 4))
    for stage, Z in enumerate(_inputs()):
        what = ("my_sigmoid_backward(dA, cache)" if stage == 0
                else "my_sigmoid_backward(dA, cache) for Z as large as +-1000")
        got = call_quietly(my_sigmoid_backward, dA, Z, what=what)
        _no_nan(got, Z, what, SLOPE_NAN_HINT)
        mistakes = [
            Mistake("a sign flip in dZ", "dZ = dA * A * (1 - A), with no minus sign: the slope "
                    "of the sigmoid is positive.", _backward_sign_flipped(dA, Z)),
            Mistake("forgetting dA", "The chain rule multiplies the incoming gradient dA by the "
                    "slope A * (1 - A).", _backward_without_dA(dA, Z)),
            Mistake("using Z where A belongs", "The cache holds Z; compute A = sigmoid(Z) first, "
                    "then dA * A * (1 - A).", _backward_with_Z_for_A(dA, Z)),
            Mistake("dropping the factor (1 - A)", "The slope is A * (1 - A), not A.",
                    _backward_without_one_minus_A(dA, Z)),
            Mistake("leaving the planted bug in", "Its slope, E / (1 + E**2), is 1/2 at z = 0, "
                    "where the sigmoid's slope is 1/4. Write sigma (1 - sigma) in E for z >= 0, "
                    "where sigma = 1 / (1 + E).", _backward_in_E(dA, Z, lambda E: E / (1 + E**2))),
            Mistake("keeping one factor of sigma (1 - sigma) only", "The slope is a product of two "
                    "factors; for z >= 0 they are 1 / (1 + E) and E / (1 + E).",
                    _backward_in_E(dA, Z, lambda E: E / (1 + E))),
            Mistake("leaving E out of the numerator", "For z >= 0, sigma = 1 / (1 + E) and "
                    "1 - sigma = E / (1 + E): their product has E on top.",
                    _backward_in_E(dA, Z, lambda E: 1 / (1 + E) ** 2)),
            Mistake("squaring E in the numerator", "For z >= 0, sigma = 1 / (1 + E) and "
                    "1 - sigma = E / (1 + E): their product has E, not E**2, on top.",
                    _backward_in_E(dA, Z, lambda E: E**2 / (1 + E) ** 2)),
        ]
        compare(got, nnlib_sigmoid_backward(dA, Z), mistakes, what=what)
    passed("my_sigmoid_backward matches nnlib's sigmoid_backward, also for Z = +-1000.")


def slope_after_five_layers(my_slope_after_five_layers) -> None:
    """Check the predicted largest product of five sigmoid slopes.

    The product sigma'(z1) sigma'(z2) ... sigma'(z5) is largest when every
    slope is at its peak, sigma'(0) = 1/4, giving (1/4)**5 = 1/1024. The
    expected value is computed from nnlib's ``sigmoid_backward`` at z = 0. The
    check accepts answers within 1% of it.

    Parameters
    ----------
    my_slope_after_five_layers : float
        The learner's prediction.

    Raises
    ------
    CheckFailed
        If the prediction is off. It names these mistakes: one layer's
        slope only; adding the slopes instead of multiplying them; using
        sigma(0) = 1/2 in place of the slope; four or six factors instead of
        five.
    """
    peak = float(nnlib_sigmoid_backward(np.ones(1), np.zeros(1))[0])  # sigma'(0)
    expected = peak**5
    mistakes = [
        Mistake("one layer's slope", "The gradient meets five sigmoids, and each multiplies it "
                "by its slope.", peak),
        Mistake("adding the slopes", "The chain rule multiplies the slopes.", 5 * peak),
        Mistake("using sigma(0) = 1/2", "The factor is the slope sigma'(0), not the value "
                "sigma(0).", 0.5**5),
        Mistake("counting four factors", "Five layers give five factors.", peak**4),
        Mistake("counting six factors", "Five layers give five factors.", peak**6),
    ]
    check_number(my_slope_after_five_layers, expected, mistakes,
                  what="my_slope_after_five_layers", rtol=0.01,
                  hint="Each slope is at most sigma'(0); multiply five of those.")
    passed(f"at most (1/4)**5 = 1/1024, about {expected:.1e}: the five slopes alone shrink a "
           f"gradient at least 1024-fold; the weight matrices between them may enlarge it again.")


def call_quietly(fn, *args, what):
    """Run the learner's function with floating-point warnings silenced: the values are judged.

    Like ``_core.call``, but an overflow on the way to a right value (the
    textbook sigmoid's 1 / (1 + inf) = 0) is no mistake, and nothing reaches
    stderr, which nbgrader would score as a failure.
    """
    copies = [_copy(a) for a in args]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with np.errstate(all="ignore"):
                return fn(*copies)
    except CheckFailed:
        raise
    except Exception as error:  # the learner's code may raise anything
        raise CheckFailed(f"{what} raised {type(error).__name__}: {error}") from error


def _no_nan(got, Z, what, hint=NAN_HINT):
    """Name a nan where the sigmoid (or its slope) has a limit, the one way an unstable form goes wrong."""
    try:
        values = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return  # not an array of numbers: compare says what differs
    if values.shape == Z.shape and np.any(np.isnan(values)):
        raise CheckFailed(f"{what} is not right: it gives nan at Z = "
                          f"{Z[np.isnan(values)][:3].tolist()}. {hint}")


# The mistaken versions, each on the checker's inputs.


def _sign_flipped(Z):
    return nnlib_sigmoid(-Z)[0], Z


def _cache_of_A(Z):
    A, _ = nnlib_sigmoid(Z)
    return A, A


def _A_alone(Z):
    return nnlib_sigmoid(Z)[0]


def _swapped(Z):
    return Z, nnlib_sigmoid(Z)[0]


def _tanh_not_halved(Z):
    return (1 + np.tanh(Z)) / 2, Z


def _tanh_doubled(Z):
    return (1 + np.tanh(2 * Z)) / 2, Z


def _tanh_not_divided(Z):
    return 1 + np.tanh(Z / 2), Z


def _backward_in_E(dA, Z, slope):
    return dA * slope(np.exp(-np.abs(Z)))


def _backward_sign_flipped(dA, Z):
    return -nnlib_sigmoid_backward(dA, Z)


def _backward_without_dA(dA, Z):
    A, _ = nnlib_sigmoid(Z)
    return A * (1 - A)


def _backward_with_Z_for_A(dA, Z):
    return dA * Z * (1 - Z)


def _backward_without_one_minus_A(dA, Z):
    return dA * nnlib_sigmoid(Z)[0]
