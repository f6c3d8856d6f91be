"""The checkers of the gradient-checking chapter's exercises: right answers pass, known slips are named."""

import numpy as np
import pytest

from nnlib import check, cost_function, forward_prop, numerical_grads, relative_error
from nnlib.check import _ch09_gradcheck
from nnlib.check._core import CheckFailed


def test_the_checkers_are_the_ones_in_check():
    # Another chapter's module must not shadow these names in nnlib.check.
    assert check.relative_error is _ch09_gradcheck.relative_error
    assert check.missing_mean_error is _ch09_gradcheck.missing_mean_error
    assert check.numerical_grad is _ch09_gradcheck.numerical_grad


# --- relative_error -----------------------------------------------------------------------


def reference_error(g, g_num):
    # A learner's correct answer, written independently of nnlib
    top = np.sqrt(np.sum((g - g_num) ** 2))
    bottom = np.sqrt(np.sum(g**2)) + np.sqrt(np.sum(g_num**2))
    return 0.0 if bottom == 0 else top / bottom


def test_relative_error_accepts_nnlib_and_an_independent_version(capsys):
    check.relative_error(relative_error)
    check.relative_error(reference_error)
    assert capsys.readouterr().out.count("Correct: ||g - g_num||") == 2


def guarded(formula):
    # the mistaken formula, with the zero case handled, so that only the formula is wrong
    def my_relative_error(g, g_num):
        if not np.any(g) and not np.any(g_num):
            return 0.0
        return formula(g, g_num)

    return my_relative_error


@pytest.mark.parametrize(
    "fn, name",
    [
        (guarded(lambda g, h: abs(np.linalg.norm(g) - np.linalg.norm(h))
                 / (np.linalg.norm(g) + np.linalg.norm(h))), "the difference of the norms"),
        (guarded(lambda g, h: np.linalg.norm(g - h) / np.linalg.norm(g)),
         r"only \|\|g\|\| in the denominator"),
        (guarded(lambda g, h: np.linalg.norm(g - h) / np.linalg.norm(h)),
         r"only \|\|g_num\|\| in the denominator"),
        (guarded(lambda g, h: np.linalg.norm(g - h)), r"no denominator \(an absolute error\)"),
        (guarded(lambda g, h: np.abs(g - h) / (np.abs(g) + np.abs(h))), "an entry-by-entry error"),
        (guarded(lambda g, h: np.abs(g - h).sum() / (np.abs(g).sum() + np.abs(h).sum())),
         "the sum of absolute values instead of the norm"),
        (guarded(lambda g, h: np.sum((g - h) ** 2) / (np.sum(g**2) + np.sum(h**2))), "squared norms"),
    ],
)
def test_relative_error_names_the_mistake(fn, name):
    with pytest.raises(CheckFailed, match=name):
        check.relative_error(fn)


@pytest.mark.parametrize(
    "fn",
    [
        # numpy division 0 / 0 (a FloatingPointError under the check)
        lambda g, h: np.linalg.norm(g - h) / (np.linalg.norm(g) + np.linalg.norm(h)),
        # Python division 0 / 0 (a ZeroDivisionError)
        lambda g, h: float(np.linalg.norm(g - h)) / float(np.linalg.norm(g) + np.linalg.norm(h)),
        # a NaN returned without raising
        lambda g, h: reference_error(g, h) if np.any(g) else float("nan"),
    ],
)
def test_relative_error_names_the_zero_case(fn):
    with pytest.raises(CheckFailed, match="both gradients zero"):
        check.relative_error(fn)


def test_relative_error_rejects_other_wrong_answers():
    with pytest.raises(CheckFailed, match="is not right: at index"):
        check.relative_error(guarded(lambda g, h: 0.5 * reference_error(g, h)))
    with pytest.raises(CheckFailed, match="when both are all zeros is not right"):
        check.relative_error(lambda g, h: reference_error(g, h) if np.any(g) else 1.0)
    with pytest.raises(CheckFailed, match=r"expected shape \(\), got shape \(1, 1\)"):
        check.relative_error(lambda g, h: np.array([[reference_error(g, h)]]))
    with pytest.raises(CheckFailed, match="raised TypeError"):
        check.relative_error(lambda g: 0.0)


# --- missing_mean_error -------------------------------------------------------------------


def test_missing_mean_error_accepts_the_prediction(capsys):
    for answer in (24 / 26, 12 / 13, 0.923, np.float64(0.9231)):
        check.missing_mean_error(answer)
    assert "24 / 26 = 0.9231" in capsys.readouterr().out


def test_missing_mean_error_is_what_gradcheck_would_report():
    # The formula against an experiment: any gradient, and the same one 25 times too large
    g = np.random.default_rng(0).standard_normal((6, 4))
    check.missing_mean_error(relative_error(25 * g, g))


@pytest.mark.parametrize(
    "answer, name",
    [
        (25, "the ratio of the two gradients"),
        (24, "dividing by the right gradient's norm only"),
        (24 / 25, "dividing by the wrong gradient's norm only"),
        (1.0, "a sign flip"),
        (1 / 25, "the factor 1/m itself"),
        (7 / 9, "the chapter's m = 8"),
    ],
)
def test_missing_mean_error_names_the_mistake(answer, name):
    with pytest.raises(CheckFailed, match=name):
        check.missing_mean_error(answer)


def test_missing_mean_error_rejects_other_wrong_answers():
    with pytest.raises(CheckFailed, match="is not right. Write the broken gradient"):
        check.missing_mean_error(0.5)
    with pytest.raises(CheckFailed, match="should be a single number"):
        check.missing_mean_error("0.92")
    with pytest.raises(CheckFailed, match="array of shape"):
        check.missing_mean_error(np.array([24 / 26]))


# --- numerical_grad -----------------------------------------------------------------------


def cost(params, X, Y):
    return cost_function(forward_prop(X, params)[0], Y)


def reference_grad(params, X, Y, name, eps):
    # A learner's correct answer: nudge a copy of one entry at a time
    grad = np.zeros_like(params[name])
    for i in range(grad.shape[0]):
        for j in range(grad.shape[1]):
            up = {k: v.copy() for k, v in params.items()}
            down = {k: v.copy() for k, v in params.items()}
            up[name][i, j] += eps
            down[name][i, j] -= eps
            grad[i, j] = (cost(up, X, Y) - cost(down, X, Y)) / (2 * eps)
    return grad


def in_place_grad(params, X, Y, name, eps):
    # Also correct: nudge in place, and put each entry back
    p = params[name]
    grad = np.zeros_like(p)
    for i in np.ndindex(p.shape):
        original = p[i]
        p[i] = original + eps
        up = cost(params, X, Y)
        p[i] = original - eps
        down = cost(params, X, Y)
        p[i] = original
        grad[i] = (up - down) / (2 * eps)
    return grad


def test_numerical_grad_accepts_correct_versions(capsys):
    check.numerical_grad(reference_grad)
    check.numerical_grad(in_place_grad)
    check.numerical_grad(lambda params, X, Y, name, eps: numerical_grads(params, X, Y, eps)["d" + name])
    assert capsys.readouterr().out.count("Correct: central differences") == 3


def planted(formula=None, undo=True):
    """The in-place version with one step replaced."""
    formula = formula or (lambda up, down, at, eps: (up - down) / (2 * eps))

    def my_numerical_grad(params, X, Y, name, eps):
        p = params[name]
        grad = np.zeros_like(p)
        for i in np.ndindex(p.shape):
            original = p[i]
            at = cost(params, X, Y)
            p[i] += eps
            up = cost(params, X, Y)
            p[i] -= 2 * eps
            down = cost(params, X, Y)
            if undo:
                p[i] = original
            grad[i] = formula(up, down, at, eps)
        return grad

    return my_numerical_grad


@pytest.mark.parametrize(
    "fn, name",
    [
        (planted(lambda up, down, at, eps: (up - at) / eps), "a one-sided difference"),
        (planted(lambda up, down, at, eps: (up - down) / eps), "dividing by eps instead of 2 eps"),
        (planted(lambda up, down, at, eps: (down - up) / (2 * eps)), "the difference the wrong way round"),
        (planted(undo=False), "nudges that are never undone"),
    ],
)
def test_numerical_grad_names_the_mistake(fn, name):
    with pytest.raises(CheckFailed, match=name):
        check.numerical_grad(fn)


def test_numerical_grad_rejects_other_wrong_answers():
    # a step of 1e-2 whatever eps says: close, but not the central difference at eps
    with pytest.raises(CheckFailed, match=r'"W1", eps=1e-4\) is not right: at index'):
        check.numerical_grad(lambda params, X, Y, name, eps: reference_grad(params, X, Y, name, 1e-2))
    # only weight matrices handled: the bias vector fails
    with pytest.raises(CheckFailed, match=r'"b2", eps=1e-4\) raised IndexError'):
        check.numerical_grad(lambda params, X, Y, name, eps: reference_grad(params, X, Y, name, eps)
                             if name.startswith("W") else params[name][0, 1])
    with pytest.raises(CheckFailed, match=r"expected shape \(5, 3\), got shape \(3, 5\)"):
        check.numerical_grad(lambda params, X, Y, name, eps: reference_grad(params, X, Y, name, eps).T)
