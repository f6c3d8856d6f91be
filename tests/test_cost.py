import math
import warnings

import numpy as np
import pytest

from nnlib import cost_function


def test_half_everywhere_costs_log_2():
    # Predicting 0.5 for every example costs log 2, whatever the labels.
    Y = np.array([[0, 1, 1, 0, 1]])
    # log to 4 ulps (8u), a sum of 5 equal terms and a division: within 14u.
    u = np.finfo(float).eps / 2
    assert cost_function(np.full((1, 5), 0.5), Y) == pytest.approx(math.log(2), rel=14 * u)


def test_matches_loop_over_examples(rng):
    # Independent reference: the definition, one example at a time, with math.log.
    A = rng.uniform(0.01, 0.99, size=(1, 30))
    Y = (rng.random((1, 30)) < 0.5).astype(float)
    expected = -sum(
        y * math.log(a) + (1 - y) * math.log(1 - a) for a, y in zip(A[0], Y[0])
    ) / 30
    cost = cost_function(A, Y)
    assert isinstance(cost, float)
    assert cost == pytest.approx(expected, rel=1e-13)  # two sums of 30 logs: ~50u apart at most


def test_exact_zero_and_one_predictions_are_finite():
    # log(0) would be -inf; a confident wrong answer costs -log(eps) instead.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        right = cost_function(np.array([[0.0, 1.0]]), np.array([[0, 1]]))
        wrong = cost_function(np.array([[0.0, 1.0]]), np.array([[1, 0]]))
    assert 0 <= right < 1e-15
    assert wrong == pytest.approx(-math.log(np.finfo(float).eps), rel=1e-6)


@pytest.mark.parametrize(
    "A, Y, message",
    [
        (np.full((1, 3), 0.5), np.array([0, 1, 1]), r"Y has shape \(3,\) but expected \(1, 3\).*reshape"),
        (np.full((1, 3), 0.5), np.array([[0, 1]]), r"Y has shape \(1, 2\)"),
        (np.full((1, 3), 0.5), np.array([[0, 2, 1]]), "labels 0 or 1"),
        (np.full((1, 3), 0.5), np.array([[0, -1, 1]]), "labels 0 or 1"),
        (np.full((1, 3), 0.5), np.array([[0, np.nan, 1]]), "labels 0 or 1"),
        (np.array([[0.5, 1.2, 0.1]]), np.array([[0, 1, 1]]), "between 0 and 1"),
        (np.array([[0.5, np.nan, 0.1]]), np.array([[0, 1, 1]]), "between 0 and 1"),
        (np.full(3, 0.5), np.array([[0, 1, 1]]), "2-D array"),
    ],
)
def test_bad_input(A, Y, message):
    with pytest.raises(ValueError, match=message):
        cost_function(A, Y)
