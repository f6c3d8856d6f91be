"""The checkers of chapter 3's exercises: right answers pass, known slips are named."""

import re
import warnings

import numpy as np
import pytest

from nnlib import check, exercises, sigmoid, sigmoid_backward
from nnlib.check import _ch03_sigmoid
from nnlib.check._core import CheckFailed


def test_the_checkers_are_the_ones_in_check():
    # Another chapter's module must not shadow these names in nnlib.check.
    assert check.sigmoid is _ch03_sigmoid.sigmoid
    assert check.sigmoid_backward is _ch03_sigmoid.sigmoid_backward
    assert check.slope_after_five_layers is _ch03_sigmoid.slope_after_five_layers
    assert check.sigmoid_backward_with_a_bug is exercises.sigmoid_backward_with_a_bug


# --- sigmoid ------------------------------------------------------------------------------


def stable(Z):
    # A learner's correct answer, written independently of nnlib: exp of a non-positive number
    E = np.exp(-np.abs(Z))
    A = np.where(Z >= 0, 1 / (1 + E), E / (1 + E))
    return A, Z


def test_sigmoid_accepts_nnlib_and_an_independent_version(capsys):
    check.sigmoid(sigmoid)
    check.sigmoid(stable)
    assert capsys.readouterr().out.count("Correct: my_sigmoid matches") == 2


def naive(Z):
    return 1 / (1 + np.exp(-Z)), Z


def other_naive(Z):
    return np.exp(Z) / (1 + np.exp(Z)), Z


def shielded_by_where(Z):
    # np.where evaluates both branches, so the overflow happens anyway
    return np.where(Z >= 0, 1 / (1 + np.exp(-Z)), np.exp(Z) / (1 + np.exp(Z))), Z


@pytest.mark.parametrize("fn", [naive, shielded_by_where])
def test_sigmoid_grades_values_not_overflow_warnings(fn, capsys):
    # The textbook formula overflows at Z = -1000 on its way to the right 0: a
    # warning, not a mistake. The check passes it, and no warning escapes.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check.sigmoid(fn)
        check.sigmoid_backward(lambda dA, Z: dA * fn(Z)[0] * (1 - fn(Z)[0]))
    assert capsys.readouterr().out.count("Correct:") == 2


@pytest.mark.parametrize(
    "fn, name",
    [
        (lambda Z: (stable(-Z)[0], Z), "a sign flip"),
        (lambda Z: (1 / (1 + np.exp(Z)), Z), "a sign flip"),  # also overflows, but is named first
        (lambda Z: (stable(Z)[0], stable(Z)[0]), "a cache that holds A, not Z"),
        (lambda Z: stable(Z)[0], "returning A alone"),
        (lambda Z: (Z, stable(Z)[0]), r"returning \(Z, A\)"),
        (other_naive, r"gives nan at Z = \[1000.0, 710.0\]\. The sigmoid has a limit there"),
    ],
)
def test_sigmoid_names_the_mistake(fn, name):
    with pytest.raises(CheckFailed, match=name):
        check.sigmoid(fn)


def through_tanh(Z):
    # Exercise 3.1's route: tanh(u) = 2 sigma(2u) - 1, so sigma(z) = (1 + tanh(z / 2)) / 2
    return (1 + np.tanh(Z / 2)) / 2, Z


def test_sigmoid_accepts_the_route_through_tanh(capsys):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # np.tanh never overflows
        check.sigmoid(through_tanh)
    assert "Correct: my_sigmoid matches" in capsys.readouterr().out


@pytest.mark.parametrize(
    "fn, name",
    [
        (lambda Z: ((1 + np.tanh(Z)) / 2, Z), "putting Z into tanh where Z / 2 belongs"),
        (lambda Z: ((1 + np.tanh(2 * Z)) / 2, Z), "putting 2 Z into tanh where Z / 2 belongs"),
        (lambda Z: (1 + np.tanh(Z / 2), Z), "leaving out the factor 1/2 outside"),
        (lambda Z: ((1 - np.tanh(Z / 2)) / 2, Z), "a sign flip"),
        (lambda Z: through_tanh(Z)[0], "returning A alone"),
    ],
)
def test_sigmoid_names_the_slips_of_the_route_through_tanh(fn, name):
    with pytest.raises(CheckFailed, match=f"exactly what {re.escape(name)} gives"):
        check.sigmoid(fn)


def test_sigmoid_rejects_other_wrong_answers():
    with pytest.raises(CheckFailed, match=r"my_sigmoid\(Z\) is not right: value 0 of the tuple"):
        check.sigmoid(lambda Z: (np.tanh(Z), Z))
    with pytest.raises(CheckFailed, match="gives nan at Z"):
        # Clipping the wrong way: right for moderate Z, NaN for the extreme ones
        check.sigmoid(lambda Z: (np.where(np.abs(Z) > 700, np.nan, stable(Z)[0]), Z))


# --- sigmoid_backward ---------------------------------------------------------------------


def backward(dA, cache):
    # A learner's correct answer, written independently of nnlib
    A = stable(cache)[0]
    return dA * A * (1 - A)


def test_sigmoid_backward_accepts_nnlib_and_an_independent_version(capsys):
    check.sigmoid_backward(sigmoid_backward)
    check.sigmoid_backward(backward)
    assert capsys.readouterr().out.count("Correct: my_sigmoid_backward matches") == 2


@pytest.mark.parametrize(
    "fn, name",
    [
        (lambda dA, Z: -backward(dA, Z), "a sign flip in dZ"),
        (lambda dA, Z: backward(np.ones_like(dA), Z), "forgetting dA"),
        (lambda dA, Z: dA * Z * (1 - Z), "using Z where A belongs"),
        (lambda dA, Z: dA * stable(Z)[0], r"dropping the factor \(1 - A\)"),
        (lambda dA, Z: dA * np.exp(-Z) / (1 + np.exp(-Z)) ** 2, r"gives nan at Z = \[-1000.0"),
    ],
)
def test_sigmoid_backward_names_the_mistake(fn, name):
    with pytest.raises(CheckFailed, match=name):
        check.sigmoid_backward(fn)


def test_sigmoid_backward_rejects_other_wrong_answers():
    with pytest.raises(CheckFailed, match=r"is not right: at index"):
        check.sigmoid_backward(lambda dA, Z: dA * stable(Z)[0] * (1 - stable(Z)[0]) / 2)
    with pytest.raises(CheckFailed, match=r"expected shape \(3, 4\), got shape \(3, 3\)"):
        check.sigmoid_backward(lambda dA, Z: dA @ backward(np.ones_like(dA), Z).T)


def in_E(slope):
    """A slope written in E = exp(-|Z|), as sigmoid_backward_with_a_bug writes it."""
    return lambda dA, Z: dA * slope(np.exp(-np.abs(Z)))


def test_sigmoid_backward_accepts_the_repair(capsys):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # E = exp(-|Z|) cannot overflow
        check.sigmoid_backward(in_E(lambda E: E / (1 + E) ** 2))
    assert "Correct: my_sigmoid_backward matches" in capsys.readouterr().out


def test_the_planted_slope_bug_shows_where_exercise_3_2_says():
    # Twice the slope at z = 0; its gap to the slope shrinks like 2 E**2 as |z| grows.
    z = np.array([-8.0, -5.0, 0.0, 5.0, 8.0])
    buggy = check.sigmoid_backward_with_a_bug(np.ones_like(z), z)
    right = sigmoid_backward(np.ones_like(z), z)
    assert buggy[2] == 0.5 and right[2] == 0.25
    far = np.abs(z) >= 5
    np.testing.assert_allclose((buggy - right)[far], 2 * np.exp(-2 * np.abs(z[far])), rtol=0.05, atol=0)


@pytest.mark.parametrize(
    "fn, name",
    [
        (check.sigmoid_backward_with_a_bug, "leaving the planted bug in"),
        (in_E(lambda E: E / (1 + E)), "keeping one factor of sigma (1 - sigma) only"),
        (in_E(lambda E: 1 / (1 + E) ** 2), "leaving E out of the numerator"),
        (in_E(lambda E: E**2 / (1 + E) ** 2), "squaring E in the numerator"),
        (lambda dA, Z: in_E(lambda E: E / (1 + E) ** 2)(np.ones_like(dA), Z), "forgetting dA"),
    ],
)
def test_sigmoid_backward_names_the_slips_of_the_repair(fn, name):
    with pytest.raises(CheckFailed, match=f"exactly what {re.escape(name)} gives"):
        check.sigmoid_backward(fn)


def test_sigmoid_backward_says_why_a_slope_in_exp_of_minus_Z_gives_nan():
    # Right for every z in exact arithmetic; inf / inf at Z = -1000 in floating point.
    with pytest.raises(CheckFailed, match=r"gives nan at Z = .*The slope has a limit there, 0"):
        check.sigmoid_backward(lambda dA, Z: dA * np.exp(-Z) / (1 + np.exp(-Z)) ** 2)


# --- slope_after_five_layers --------------------------------------------------------------


def test_slope_after_five_layers_accepts_the_prediction(capsys):
    for answer in (0.25**5, 1 / 1024, 9.77e-4):
        check.slope_after_five_layers(answer)
    assert "1/1024" in capsys.readouterr().out


@pytest.mark.parametrize(
    "answer, name",
    [
        (0.25, "one layer's slope"),
        (1.25, "adding the slopes"),
        (0.5**5, r"using sigma\(0\) = 1/2"),
        (0.25**4, "counting four factors"),
        (0.25**6, "counting six factors"),
    ],
)
def test_slope_after_five_layers_names_the_mistake(answer, name):
    with pytest.raises(CheckFailed, match=f"the number that {name} gives"):
        check.slope_after_five_layers(answer)


def test_slope_after_five_layers_rejects_other_numbers():
    with pytest.raises(CheckFailed, match="is not right. Each slope is at most") as info:
        check.slope_after_five_layers(0.001)
    assert "1024" not in str(info.value)
    with pytest.raises(CheckFailed, match="single number"):
        check.slope_after_five_layers([0.25] * 5)
