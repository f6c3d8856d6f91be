"""The machinery shared by the exercise checkers.

A checker runs the learner's function on seeded inputs, compares the result
with nnlib's, and when they differ, compares it with the results of the usual
mistakes, each computed on the same inputs. If one of those matches, the
checker names it; otherwise it says what differs (shape or values).
"""

import numbers
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np


class CheckFailed(AssertionError):
    """The learner's answer is not right; the message says why, in the book's terms."""


@dataclass
class Mistake:
    """A known way to get an exercise wrong, and what it produces on the check's inputs."""

    name: str  # short label, e.g. "missing 1/m"
    hint: str  # one or two sentences on how to fix it
    result: Any  # what the mistaken code returns on the same inputs


def call(fn: Callable, *args, what: str):
    """Run the learner's function with floating-point errors raised, not warned.

    Overflow in exp, division by zero and invalid operations become
    ``FloatingPointError``, which the caller can diagnose (for example as
    sigmoid overflow). Any other exception is reported as a CheckFailed that
    names the function and the error.
    """
    copies = [_copy(a) for a in args]
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        try:
            return fn(*copies)
        except FloatingPointError:
            raise
        except CheckFailed:
            raise
        except Exception as error:  # the learner's code may raise anything
            raise CheckFailed(
                f"{what} raised {type(error).__name__}: {error}"
            ) from error


def same(a, b, rtol: float = 1e-7, atol: float = 1e-10) -> bool:
    """True if a and b have the same structure and shapes and close values."""
    if isinstance(a, dict) or isinstance(b, dict):
        return (
            isinstance(a, dict)
            and isinstance(b, dict)
            and set(a) == set(b)
            and all(same(a[k], b[k], rtol, atol) for k in a)
        )
    if isinstance(a, (tuple, list)) or isinstance(b, (tuple, list)):
        return (
            isinstance(a, (tuple, list))
            and isinstance(b, (tuple, list))
            and len(a) == len(b)
            and all(same(x, y, rtol, atol) for x, y in zip(a, b))
        )
    try:
        a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    except (TypeError, ValueError):
        return False
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=False))


def compare(got, expected, mistakes: list[Mistake], what: str, rtol: float = 1e-7, atol: float = 1e-10) -> None:
    """Raise CheckFailed naming the mistake if ``got`` is not ``expected``; else return."""
    if same(got, expected, rtol, atol):
        return
    for mistake in mistakes:
        if same(got, mistake.result, rtol, atol):
            raise CheckFailed(
                f"{what} is not right. It gives exactly what {mistake.name} "
                f"gives. {mistake.hint}"
            )
    raise CheckFailed(f"{what} is not right: {_difference(got, expected)}")


def passed(message: str) -> None:
    """Tell the learner the check passed."""
    print(f"Correct: {message}")


def _difference(got, expected) -> str:
    if isinstance(expected, dict):
        if not isinstance(got, dict):
            return f"expected a dict with keys {sorted(expected)}, got {type(got).__name__}"
        if set(got) != set(expected):
            return f"expected keys {sorted(expected)}, got {sorted(got)}"
        wrong = [k for k in expected if not same(got[k], expected[k])]
        return f"{', '.join(wrong)}: " + "; ".join(_difference(got[k], expected[k]) for k in wrong[:1])
    if isinstance(expected, (tuple, list)):
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            length = len(got) if isinstance(got, (tuple, list)) else "not a tuple"
            return f"expected a tuple of {len(expected)} values, got {length}"
        wrong = [i for i, (g, e) in enumerate(zip(got, expected)) if not same(g, e)]
        return f"value {wrong[0]} of the tuple: {_difference(got[wrong[0]], expected[wrong[0]])}"
    try:
        g = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return f"expected numbers, got {type(got).__name__}"
    e = np.asarray(expected, dtype=float)
    if g.shape != e.shape:
        return f"expected shape {e.shape}, got shape {g.shape}"
    if not np.all(np.isfinite(g)):
        return "the result contains NaN or infinite values"
    worst = np.unravel_index(np.argmax(np.abs(g - e)), e.shape) if e.shape else ()
    return (
        f"at index {tuple(int(i) for i in worst)} expected {float(e[worst]):.6g}, "
        f"got {float(g[worst]):.6g}"
    )


def _copy(a):
    if isinstance(a, np.ndarray):
        return a.copy()
    if isinstance(a, dict):
        return {k: _copy(v) for k, v in a.items()}
    if isinstance(a, (list, tuple)):
        return type(a)(_copy(v) for v in a)
    return a


# Predicted numbers and shapes: two ways of reading an answer, kept as the
# chapters wrote them. check_number compares with a relative tolerance and
# wants a plain number; as_number accepts a 1-element array, for answers
# compared with an absolute tolerance of NUMBER_TOLERANCE.

NUMBER_TOLERANCE = 5e-3

def check_number(got, expected, mistakes, what, rtol, hint, integer=False):
    """Raise CheckFailed unless ``got`` is a single number within rtol of ``expected``.

    A wrong answer that matches one of the ``mistakes`` (within the same
    tolerance) is named; any other wrong answer gets the general ``hint``,
    which must not give the answer away.
    """
    value = _as_plain_number(got, what, integer)
    if np.isclose(value, expected, rtol=rtol, atol=0):
        return
    for mistake in mistakes:
        if np.isclose(value, mistake.result, rtol=rtol, atol=0):
            raise CheckFailed(f"{what} = {value:g} is not right. It is the number that "
                              f"{mistake.name} gives. {mistake.hint}")
    raise CheckFailed(f"{what} = {value:g} is not right. {hint}")


def _as_plain_number(got, what, integer):
    if isinstance(got, np.ndarray) and got.size == 1 and got.ndim > 0:
        raise CheckFailed(f"{what} is an array of shape {got.shape}; give a single number "
                          f"instead, for example with .item().")
    if isinstance(got, bool) or not isinstance(got, (numbers.Real, np.ndarray)) or np.ndim(got):
        got_text = f"{type(got).__name__} {got!r}"[:80]
        raise CheckFailed(f"{what} should be a single number; got {got_text}")
    value = float(got)
    if not np.isfinite(value):
        raise CheckFailed(f"{what} should be a finite number; got {value}")
    if integer and value != round(value):
        raise CheckFailed(f"{what} = {value:g} is not a whole number; a count of parameters is.")
    return value


def check_shape(got, expected, mistakes, what, hint):
    """Raise CheckFailed unless ``got`` is the shape ``expected``, naming known wrong shapes."""
    shape = _as_shape(got, what)
    if shape == tuple(expected):
        return
    for mistake in mistakes:
        if shape == tuple(mistake.result):
            raise CheckFailed(f"{what} = {shape} is not right. It is the shape that "
                              f"{mistake.name} gives. {mistake.hint}")
    raise CheckFailed(f"{what} = {shape} is not right. {hint}")


def _as_shape(got, what):
    try:
        shape = tuple(got)
        if all(isinstance(n, numbers.Integral) and not isinstance(n, bool) for n in shape):
            return tuple(int(n) for n in shape)
    except TypeError:
        pass
    raise CheckFailed(f"{what} should be a shape written as a tuple of whole numbers, such as "
                      f"(3, 5); got {got!r:.80}")

def as_number(value, what: str) -> float:
    """Return a predicted number as a float (a 1-element array is accepted)."""
    if isinstance(value, (bool, str, bytes)) or value is None:
        raise CheckFailed(f"{what} should be a number; got {value!r}")
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise CheckFailed(f"{what} should be a number; got {type(value).__name__}") from None
    if array.size != 1:
        raise CheckFailed(f"{what} should be one number; got an array of shape {array.shape}")
    return float(array.ravel()[0])
