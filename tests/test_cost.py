import math
import warnings

import numpy as np
import pytest

from decimal import Decimal, localcontext

from nnlib import cost_from_logits, cost_function, sigmoid


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


# --- cost_from_logits


def _cost_from_logits_by_decimal(Z, Y):
    """-log(sigma(z)) = log(1 + e^-z) for y = 1, -log(1 - sigma(z)) = log(1 + e^z) for y = 0, in 50 digits."""
    with localcontext() as ctx:
        ctx.prec = 50
        total = Decimal(0)
        for z, y in zip(Z.ravel(), Y.ravel()):
            z = Decimal(float(z))
            total += (1 + (-z if y == 1 else z).exp()).ln()
        return float(total / Z.size)


def test_cost_from_logits_matches_a_50_digit_reference(rng):
    # Moderate, large and saturated z, both labels. Per example the cost is
    # (max(z, 0) - y z), exact, plus log1p(exp(-|z|)): an exp and a log1p to
    # 4 ulps each (8u + 8u, log1p's condition number being at most 1) and one
    # addition; the sum of m = 40 non-negative terms adds (m - 1)u, the
    # division u: within (m + 20)u relative to the cost.
    Z = np.concatenate([4 * rng.standard_normal(20), [-800.0, -50.0, -40.0, -20.0, 0.0, 20.0, 40.0, 50.0, 800.0, 1e-3],
                        30 * rng.standard_normal(10)]).reshape(1, -1)
    Y = (rng.random(Z.shape) < 0.5).astype(float)
    u = np.finfo(float).eps / 2
    m = Z.shape[1]
    expected = _cost_from_logits_by_decimal(Z, Y)
    got = cost_from_logits(Z, Y)
    assert isinstance(got, float)
    assert got == pytest.approx(expected, rel=(m + 20) * u, abs=0)


def test_cost_from_logits_equals_the_clipped_cost_where_nothing_saturates(rng):
    # For |z| <= 10 neither form clips or underflows, and both compute the
    # same number: a sum of m = 50 costs each within a few tens of u. 1e-12
    # relative is far above what rounding can do, far below any real slip.
    Z = rng.uniform(-10, 10, size=(1, 50))
    Y = (rng.random((1, 50)) < 0.5).astype(float)
    assert cost_from_logits(Z, Y) == pytest.approx(cost_function(sigmoid(Z)[0], Y), rel=1e-12)


@pytest.mark.parametrize("z, y", [(-50.0, 1), (-800.0, 1), (50.0, 0), (800.0, 0)])
def test_confidently_wrong_costs_about_abs_z_where_the_clipped_cost_is_flat(z, y):
    # The clipped cost charges -log(eps) = 36.04 nats whatever z; from the
    # logit a wrong answer at |z| costs |z| + log1p(exp(-|z|)), which is |z|
    # in float64 once exp(-|z|) < u |z|.
    Z, Y = np.array([[z]]), np.array([[y]])
    assert cost_from_logits(Z, Y) == abs(z)
    assert cost_function(sigmoid(Z)[0], Y) == pytest.approx(-math.log(np.finfo(float).eps), rel=1e-12)


@pytest.mark.parametrize("z, y", [(-50.0, 1), (-40.0, 1), (45.0, 0), (-3.0, 1), (2.0, 0), (0.5, 1)])
def test_the_slope_of_cost_from_logits_is_sigmoid_minus_label(z, y):
    # Central difference in z with h = 1e-4. Truncation: h**2 / 6 times the
    # third derivative, at most 0.1 in size: under 2e-10. Rounding: each cost
    # within about 20u of its value, at most 50.1 here: 2 * 20 * 1.1e-16 * 50.1 / 2h,
    # under 2.3e-9. So 5e-9 holds on any machine, and a slope of 0 (the
    # clipped cost's at saturation) is off by nearly 1.
    h = 1e-4
    Y = np.array([[y]])
    slope = (cost_from_logits(np.array([[z + h]]), Y) - cost_from_logits(np.array([[z - h]]), Y)) / (2 * h)
    a = sigmoid(np.array([[z]]))[0].item()
    assert slope == pytest.approx(a - y, rel=0, abs=5e-9)


def test_at_saturation_the_clipped_cost_is_flat_and_the_logit_cost_is_not():
    # At z = -50 with label 1 the clipped cost does not move, though backprop's
    # dZ = a - y is -1; the cost from the logit falls with slope -1.
    h = 1e-4
    Y = np.array([[1]])
    clipped = [cost_function(sigmoid(np.array([[z]]))[0], Y) for z in (-50 + h, -50 - h)]
    assert clipped[0] == clipped[1]
    slope = (cost_from_logits(np.array([[-50 + h]]), Y) - cost_from_logits(np.array([[-50 - h]]), Y)) / (2 * h)
    assert slope == pytest.approx(-1.0, abs=5e-9)


def test_cost_from_logits_raises_no_warning_at_extreme_logits():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", divide="raise", invalid="raise"):
            cost = cost_from_logits(np.array([[-1e300, 1e300, 0.0]]), np.array([[0, 1, 1]]))
    assert cost == pytest.approx(math.log(2) / 3, rel=1e-15)


@pytest.mark.parametrize(
    "Z, Y, message",
    [
        (np.zeros((1, 3)), np.array([0, 1, 1]), r"Y has shape \(3,\) but expected \(1, 3\).*reshape"),
        (np.zeros((1, 3)), np.array([[0, 2, 1]]), "labels 0 or 1"),
        (np.array([[0.5, np.inf, 0.1]]), np.array([[0, 1, 1]]), r"finite pre-activations.*found \[inf\]"),
        (np.array([[0.5, np.nan, 0.1]]), np.array([[0, 1, 1]]), "finite pre-activations"),
        (np.zeros(3), np.array([[0, 1, 1]]), r"2-D array .* got shape \(3,\)"),
        (np.zeros((1, 0)), np.zeros((1, 0)), "no examples"),
    ],
)
def test_cost_from_logits_bad_input(Z, Y, message):
    with pytest.raises(ValueError, match=message):
        cost_from_logits(Z, Y)


def test_a_confident_right_answer_costs_its_tiny_amount():
    # At z = 40, label 1, the cost log(1 + e^-40) = 4.2e-18 is below u, so
    # log(1 + exp(-40)) would round it to 0; log1p keeps it to a few ulps.
    assert cost_from_logits(np.array([[40.0]]), np.array([[1]])) == pytest.approx(math.exp(-40), rel=1e-14, abs=0)
