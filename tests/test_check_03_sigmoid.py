"""The checkers of chapter 3's exercises: right answers pass, known slips are named."""

import warnings

import numpy as np
import pytest

from nnlib import check, sigmoid, sigmoid_backward
from nnlib.check import _ch03_sigmoid
from nnlib.check._core import CheckFailed


def test_the_checkers_are_the_ones_in_check():
    # Another chapter's module must not shadow these names in nnlib.check.
    assert check.sigmoid is _ch03_sigmoid.sigmoid
    assert check.sigmoid_backward is _ch03_sigmoid.sigmoid_backward
    assert check.slope_after_five_layers is _ch03_sigmoid.slope_after_five_layers


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
