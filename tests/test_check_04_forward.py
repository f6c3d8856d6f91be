"""The checkers of chapter 4's exercises: right answers pass, known slips are named."""

import numpy as np
import pytest

from nnlib import check, forward_prop, init_params, load_breast_cancer
from nnlib.check import _ch04_forward
from nnlib.check._core import CheckFailed


def test_the_checkers_are_the_ones_in_check():
    # Another chapter's module must not shadow these names in nnlib.check.
    assert check.largest_quiet_scale is _ch04_forward.largest_quiet_scale
    assert check.cache_shape is _ch04_forward.cache_shape
    assert check.zero_weight_prediction is _ch04_forward.zero_weight_prediction


# --- largest_quiet_scale (Exercise 4.1: an experiment) ------------------------------------


def measured_largest_quiet_scale():
    # The experiment as a learner runs it, written independently of the checker.
    X, _, _ = load_breast_cancer()
    X_std = (X - X.mean(axis=1, keepdims=True)) / X.std(axis=1, keepdims=True)
    quiet = []
    for scale in (0.01, 0.03, 0.1, 0.3, 1.0):
        AL, _ = forward_prop(X_std, init_params([30, 8, 1], seed=0, scheme="normal", scale=scale))
        if np.abs(AL - 0.5).max() <= 0.05:
            quiet.append(scale)
    return max(quiet)


def test_largest_quiet_scale_accepts_the_measurement(capsys):
    check.largest_quiet_scale(measured_largest_quiet_scale())
    check.largest_quiet_scale(np.float64(0.03))
    assert capsys.readouterr().out.count("Correct: at s = 0.03") == 2


def test_the_measurement_is_far_from_the_line_and_the_bound_says_less():
    # No measured value lies near 0.05, so no machine's rounding can move the answer;
    # the bound guarantees only the smallest scale, the mistake the checker names.
    found = _ch04_forward.quiet_scales()
    assert all(abs(largest - 0.05) > 0.01 for largest, _ in found.values())
    assert [s for s, (_, bound) in found.items() if bound <= 0.05] == [0.01]
    assert all(largest <= bound for largest, bound in found.values())


@pytest.mark.parametrize(
    "answer, name",
    [(0.01, r"trusting the bound \|\|W2\|\|_1 / 4 alone"), (0.1, "the first scale that fails")],
)
def test_largest_quiet_scale_names_the_mistake(answer, name):
    with pytest.raises(CheckFailed, match=f"It is the number that {name} gives"):
        check.largest_quiet_scale(answer)


def test_largest_quiet_scale_rejects_other_answers():
    with pytest.raises(CheckFailed, match="not one of the scales to try"):
        check.largest_quiet_scale(0.05)
    with pytest.raises(CheckFailed, match="= 0.3 is not right. For each scale"):
        check.largest_quiet_scale(0.3)
    with pytest.raises(CheckFailed):
        check.largest_quiet_scale("0.03 or so")



# --- cache_shape --------------------------------------------------------------------------


def test_cache_shape_accepts_the_shape(capsys):
    check.cache_shape((6, 50))
    check.cache_shape([6, 50])
    assert "of shape (6, 50)" in capsys.readouterr().out


@pytest.mark.parametrize(
    "answer, name",
    [
        ((50, 6), "putting the examples in rows"),
        ((10, 50), r"reading caches\[1\] as layer 1's cache"),
        ((3, 50), r"taking Z\[2\] for A_prev"),
        ((3, 6), r"taking W\[2\] for A_prev"),
    ],
)
def test_cache_shape_names_the_mistake(answer, name):
    with pytest.raises(CheckFailed, match=f"the shape that {name}"):
        check.cache_shape(answer)


def test_cache_shape_rejects_other_shapes():
    with pytest.raises(CheckFailed, match="is not right. Find which layer") as info:
        check.cache_shape((1, 50))
    assert "(6, 50)" not in str(info.value)


# --- zero_weight_prediction ---------------------------------------------------------------


def test_zero_weight_prediction_accepts_the_prediction(capsys):
    for answer in (0.75, 3 / 4, 1 / (1 + np.exp(-np.log(3)))):
        check.zero_weight_prediction(answer)
    assert "sigma(ln 3) = 0.75" in capsys.readouterr().out


@pytest.mark.parametrize(
    "answer, name",
    [
        (0.5, "ignoring the bias"),
        (np.log(3), "forgetting the sigmoid on the last layer"),
        (0.25, "a sign flip in the sigmoid"),
    ],
)
def test_zero_weight_prediction_names_the_mistake(answer, name):
    with pytest.raises(CheckFailed, match=f"the number that {name} gives"):
        check.zero_weight_prediction(answer)


def test_zero_weight_prediction_rejects_other_numbers():
    with pytest.raises(CheckFailed, match="is not right. Work out Z") as info:
        check.zero_weight_prediction(0.7)
    assert "0.75" not in str(info.value)
