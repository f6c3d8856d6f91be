import re

import numpy as np
import pytest

import nnlib
from nnlib import check, cost_function
from nnlib.check import CheckFailed

EPS = np.finfo(float).eps


def reference(A, Y):
    """A cross-entropy written afresh, the way a learner should."""
    A = np.clip(A, EPS, 1 - EPS)
    return float(-np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A)))


def without_minus(A, Y):
    A = np.clip(A, EPS, 1 - EPS)
    return float(np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A)))


def sum_not_mean(A, Y):
    A = np.clip(A, EPS, 1 - EPS)
    return float(-np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)))


def with_log10(A, Y):
    A = np.clip(A, EPS, 1 - EPS)
    return float(-np.mean(Y * np.log10(A) + (1 - Y) * np.log10(1 - A)))


def with_log2(A, Y):
    A = np.clip(A, EPS, 1 - EPS)
    return float(-np.mean(Y * np.log2(A) + (1 - Y) * np.log2(1 - A)))


def swapped(A, Y):
    A = np.clip(A, EPS, 1 - EPS)
    return float(-np.mean((1 - Y) * np.log(A) + Y * np.log(1 - A)))


def one_minus_log(A, Y):
    A = np.clip(A, EPS, 1 - EPS)
    return float(-np.mean(Y * np.log(A) + (1 - Y) * (1 - np.log(A))))


def first_term_only(A, Y):
    A = np.clip(A, EPS, 1 - EPS)
    return float(-np.mean(Y * np.log(A)))


def dot_form(A, Y):
    # the tutorial's shape: a (1, m) row times an (m, 1) column
    A = np.clip(A, EPS, 1 - EPS)
    m = Y.shape[1]
    return -(np.dot(np.log(A), Y.T) + np.dot(np.log(1 - A), (1 - Y).T)) / m


def mean_along_axis(A, Y):
    A = np.clip(A, EPS, 1 - EPS)
    return -np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A), axis=1)


def unclipped(A, Y):
    return float(-np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A)))


def unclipped_quietly(A, Y):
    # silences numpy's complaint, so the NaN comes back as the answer
    with np.errstate(all="ignore"):
        return float(-np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A)))


def clipped_at(eps):
    def clipped(A, Y):
        A = np.clip(A, eps, 1 - eps)
        return float(-np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A)))
    return clipped


# --- check.cost_function


def test_nnlib_and_a_fresh_reference_pass(capsys):
    # nnlib's own function, and one written afresh, are both right
    check.cost_function(cost_function)
    check.cost_function(reference)
    assert capsys.readouterr().out.count("Correct:") == 2


@pytest.mark.parametrize("eps", [EPS, 1e-12, 1e-8, 1e-6])
def test_any_small_clipping_constant_passes(eps, capsys):
    # correctness is graded, not the clip constant: any eps up to 1e-6 is right
    check.cost_function(clipped_at(eps))
    assert "Correct:" in capsys.readouterr().out


@pytest.mark.parametrize("eps", [1e-4, 1e-3])
def test_coarse_clipping_fails_and_is_named(eps):
    # a confident mistake charged only -log(1e-4) = 9.2 nats: too coarse
    with pytest.raises(CheckFailed, match="Clipping so coarsely"):
        check.cost_function(clipped_at(eps))


@pytest.mark.parametrize(
    "mistaken, name",
    [
        (without_minus, "a missing minus sign"),
        (sum_not_mean, "a sum instead of a mean (a missing 1/m)"),
        (with_log10, "log10 instead of the natural log"),
        (with_log2, "log2 instead of the natural log"),
        (swapped, "swapped y and 1 - y terms"),
        (one_minus_log, "writing log(1 - a) as 1 - log(a)"),
        (first_term_only, "leaving out the (1 - y) log(1 - a) term"),
        (dot_form, "returning a 1x1 array instead of a float"),
        (mean_along_axis, "returning a 1-element array instead of a float"),
        (unclipped, "no protection at predictions of exactly 0 or 1"),
        (unclipped_quietly, "no protection at predictions of exactly 0 or 1"),
    ],
)
def test_each_mistake_is_named(mistaken, name):
    # each planted slip fails, and the message names that slip
    with pytest.raises(CheckFailed, match=re.escape(name)):
        check.cost_function(mistaken)


def test_an_unknown_wrong_cost_gets_a_generic_message():
    # a wrong answer no mistake explains: say what differs, name nothing
    with pytest.raises(CheckFailed, match=r"is not right: at index \(\) expected \d\.\d+, got 0\.5") as info:
        check.cost_function(lambda A, Y: 0.5)
    assert "gives exactly what" not in str(info.value)


def test_a_crash_is_reported_as_a_failed_check():
    # the learner's exception becomes a CheckFailed naming it
    with pytest.raises(CheckFailed, match="raised NameError"):
        check.cost_function(lambda A, Y: log(A))  # noqa: F821


# --- check.cost_at_half


def test_cost_at_half_accepts_ln_2(capsys):
    check.cost_at_half(np.log(2))
    check.cost_at_half(0.693)
    check.cost_at_half(np.array([[0.6931]]))
    assert capsys.readouterr().out.count("Correct:") == 3


@pytest.mark.parametrize(
    "value, name",
    [
        (1.0, "log2 instead of the natural log"),
        (0.301, "log10 instead of the natural log"),
        (-0.693, "a missing minus sign"),
        (6.93, "a missing 1/m"),
    ],
)
def test_cost_at_half_names_typical_slips(value, name):
    with pytest.raises(CheckFailed, match=re.escape(name)):
        check.cost_at_half(value)


def test_cost_at_half_rejects_other_answers_generically():
    with pytest.raises(CheckFailed, match="is not right: at index") as info:
        check.cost_at_half(0.5)
    assert "gives exactly what" not in str(info.value)
    with pytest.raises(CheckFailed, match="should be a number"):
        check.cost_at_half("log 2")
    with pytest.raises(CheckFailed, match="should be one number"):
        check.cost_at_half([0.69, 0.69])


# --- check.cost_by_hand


def test_cost_by_hand_accepts_the_right_value(capsys):
    check.cost_by_hand(-(3 * np.log(0.8) + np.log(0.2)) / 4)
    check.cost_by_hand(0.570)
    assert capsys.readouterr().out.count("Correct:") == 2


@pytest.mark.parametrize(
    "value, name",
    [
        (-(3 * np.log(0.2) + np.log(0.8)) / 4, "swapped y and 1 - y terms"),
        (-np.log(0.2) / 4, "leaving out the y log(a) term"),
        (-3 * np.log(0.8) / 4, "leaving out the (1 - y) log(1 - a) term"),
        (-(3 * np.log2(0.8) + np.log2(0.2)) / 4, "log2 instead of the natural log"),
        (-(3 * np.log10(0.8) + np.log10(0.2)) / 4, "log10 instead of the natural log"),
        ((3 * np.log(0.8) + np.log(0.2)) / 4, "a missing minus sign"),
        (-(3 * np.log(0.8) + np.log(0.2)), "a missing 1/m"),
    ],
)
def test_cost_by_hand_names_typical_slips(value, name):
    with pytest.raises(CheckFailed, match=re.escape(name)):
        check.cost_by_hand(value)


def test_cost_by_hand_rejects_other_answers_generically():
    with pytest.raises(CheckFailed, match="is not right: at index") as info:
        check.cost_by_hand(0.8)
    assert "gives exactly what" not in str(info.value)


# --- check.logit_cost_slope


def slope_by_sigmoid(Z, Y):
    return nnlib.sigmoid(Z)[0] - Y


def slope_as_written(Z, Y):
    # the textbook sigmoid: overflows (with a warning) at z = -800, on its way to the right 0
    return 1 / (1 + np.exp(-Z)) - Y


def test_logit_cost_slope_passes_right_answers_warnings_or_not(capsys):
    check.logit_cost_slope(slope_by_sigmoid)
    check.logit_cost_slope(slope_as_written)
    assert capsys.readouterr().out.count("Correct:") == 2


@pytest.mark.parametrize(
    "mistaken, name",
    [
        (lambda Z, Y: np.logaddexp(0, Z) - Y * Z, "the cost itself"),
        (lambda Z, Y: Y - nnlib.sigmoid(Z)[0], "a sign flip"),
        (lambda Z, Y: slope_by_sigmoid(Z, Y) * nnlib.sigmoid(Z)[0] * (1 - nnlib.sigmoid(Z)[0]),
         "an extra sigmoid slope a (1 - a)"),
        (lambda Z, Y: nnlib.sigmoid(Z)[0], "dropping the - y z term"),
        (lambda Z, Y: np.exp(Z) - Y, "taking the slope of log(1 + e^z) as e^z"),
        (lambda Z, Y: slope_by_sigmoid(Z, Y) / Z.shape[1], "the slope of the mean J, (a - y) / m"),
        (lambda Z, Y: np.exp(Z) / (1 + np.exp(Z)) - Y, "gives NaN at z = [800.0"),
    ],
)
def test_logit_cost_slope_names_each_slip(mistaken, name):
    with pytest.raises(CheckFailed, match=re.escape(name)):
        check.logit_cost_slope(mistaken)


def test_logit_cost_slope_reports_a_crash_and_a_wrong_shape():
    with pytest.raises(CheckFailed, match="raised ZeroDivisionError"):
        check.logit_cost_slope(lambda Z, Y: 1 / 0)
    with pytest.raises(CheckFailed, match="is not right"):
        check.logit_cost_slope(lambda Z, Y: slope_by_sigmoid(Z, Y).ravel())


# --- check.saturated_costs


def test_saturated_costs_accepts_the_pair(capsys):
    check.saturated_costs((52 * np.log(2), 80.0))
    check.saturated_costs([36.04, 80])
    assert capsys.readouterr().out.count("Correct:") == 2


@pytest.mark.parametrize(
    "pair, name",
    [
        ((80.0, 36.04), "the pair in the wrong order"),
        ((36.04, 36.04), "the clipped cost for both"),
        ((80.0, 80.0), "the true cost for both"),
        ((0.0, 0.0), "the cost of a right answer"),
    ],
)
def test_saturated_costs_names_each_slip(pair, name):
    with pytest.raises(CheckFailed, match=re.escape(name)):
        check.saturated_costs(pair)


def test_saturated_costs_rejects_other_answers():
    with pytest.raises(CheckFailed, match="is not right") as info:
        check.saturated_costs((36.04, 79.0))
    assert "gives exactly what" not in str(info.value)
    with pytest.raises(CheckFailed, match="a pair of numbers"):
        check.saturated_costs(36.04)
