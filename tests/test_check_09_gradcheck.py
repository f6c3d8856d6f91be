"""The checkers of the gradient-checking chapter's exercises: right answers pass, known slips are named."""

import numpy as np
import pytest

from nnlib import backprop, check, forward_prop, gradcheck, init_params, numerical_grads, relative_error
from nnlib import rounding_limits
from nnlib.check import _ch09_gradcheck
from nnlib.check._core import CheckFailed


def test_the_checkers_are_the_ones_in_check():
    # Another chapter's module must not shadow these names in nnlib.check.
    assert check.fixed_backprop is _ch09_gradcheck.fixed_backprop
    assert check.suspect_backprop is _ch09_gradcheck.suspect_backprop
    assert check.missing_mean_error is _ch09_gradcheck.missing_mean_error
    assert check.error_at_smaller_step is _ch09_gradcheck.error_at_smaller_step


# --- fixed_backprop (Exercise 9.1: the planted bug) ----------------------------------------


def chapter_network():
    # Chapter 9's test network: [8, 8, 8, 1], weights of scale 1, random biases, m = 8.
    rng = np.random.default_rng(0)
    params = init_params([8, 8, 8, 1], seed=0, scheme="normal", scale=1.0)
    for l in range(1, 4):
        params[f"b{l}"] = 0.5 * rng.standard_normal(params[f"b{l}"].shape)
    X = rng.standard_normal((8, 8))
    Y = (rng.random((1, 8)) < 0.5).astype(float)
    return params, X, Y


def test_gradcheck_finds_the_planted_bug_where_the_exercise_says():
    # The bug keeps every shape on the chapter's network; gradcheck fails the two
    # hidden layers' gradients and passes the output layer's.
    params, X, Y = chapter_network()
    AL, caches = forward_prop(X, params)
    wrong, right = check.suspect_backprop(AL, Y, caches), backprop(AL, Y, caches)
    assert all(wrong[key].shape == right[key].shape for key in right)
    errors = gradcheck(params, X, Y, backprop_fn=check.suspect_backprop)
    assert {key for key, error in errors.items() if error > 1e-2} == {"dW1", "db1", "dW2", "db2"}
    assert max(errors["dW3"], errors["db3"]) < 1e-6


def independent_backprop(AL, Y, caches):
    # A learner's fix, written independently of nnlib: one layer at a time, sigmoid by hand.
    grads, m, L = {}, Y.shape[1], len(caches)
    dA = None
    for l in reversed(range(1, L + 1)):
        (A_prev, W, b), Z = caches[l - 1]
        if l == L:
            dZ = AL - Y
        else:
            s = 1.0 / (1.0 + np.exp(-Z))
            dZ = dA * s * (1.0 - s)
        grads["dW" + str(l)] = np.dot(dZ, A_prev.T) / m
        grads["db" + str(l)] = dZ.mean(axis=1, keepdims=True)
        dA = np.dot(W.T, dZ)
    return grads


def test_fixed_backprop_accepts_backprop_and_an_independent_fix(capsys):
    check.fixed_backprop(backprop)
    check.fixed_backprop(independent_backprop)
    assert capsys.readouterr().out.count("Correct: dW1, db1, dW2, db2 right again") == 2


def slipped(slope):
    # The correct sweep with a hidden layer's dZ = dA * slope(A_prev, Z).
    def my_fixed_backprop(AL, Y, caches):
        grads, m, L, dA = {}, Y.shape[1], len(caches), None
        dZ = AL - Y
        for l in range(L, 0, -1):
            (A_prev, W, b), Z = caches[l - 1]
            if l < L:
                dZ = dA * slope(A_prev, Z)
            grads[f"dW{l}"] = dZ @ A_prev.T / m
            grads[f"db{l}"] = dZ.sum(axis=1, keepdims=True) / m
            dA = W.T @ dZ
        return grads

    return my_fixed_backprop


@pytest.mark.parametrize(
    "fn, name",
    [
        (check.suspect_backprop, "the planted bug"),
        (slipped(lambda A_prev, Z: 1.0), r"a missing slope \(dZ = dA\)"),
        (slipped(lambda A_prev, Z: Z * (1 - Z)), r"the slope of Z instead of A"),
        (slipped(lambda A_prev, Z: 1 / (1 + np.exp(-Z))), r"A without \(1 - A\)"),
    ],
)
def test_fixed_backprop_names_the_mistake(fn, name):
    with pytest.raises(CheckFailed, match=f"It gives exactly what {name}"):
        check.fixed_backprop(fn)


def test_fixed_backprop_rejects_other_wrong_answers():
    def half(AL, Y, caches):
        return {key: g / 2 for key, g in backprop(AL, Y, caches).items()}

    with pytest.raises(CheckFailed, match="is not right"):
        check.fixed_backprop(half)
    with pytest.raises(CheckFailed, match="raised TypeError"):
        check.fixed_backprop(lambda AL, Y: {})


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


# --- error_at_smaller_step (Exercise 9.3: predict, then run) -------------------------------


def test_the_checkers_network_is_the_chapters():
    params, X, Y = chapter_network()
    theirs = _ch09_gradcheck._chapter_network()
    assert all(np.array_equal(params[k], theirs[0][k]) for k in params) and set(params) == set(theirs[0])
    assert np.array_equal(X, theirs[1]) and np.array_equal(Y, theirs[2])


def test_error_at_smaller_step_accepts_the_prediction(capsys):
    params, X, Y = chapter_network()
    # As a learner predicts: the error at 1e-2, written out, a hundred times smaller.
    AL, caches = forward_prop(X, params)
    g = backprop(AL, Y, caches)["dW2"]
    predicted = relative_error(g, numerical_grads(params, X, Y, 1e-2)["dW2"]) / 100
    check.error_at_smaller_step(predicted)
    assert "Correct:" in capsys.readouterr().out


def test_the_smaller_step_is_truncation_with_room_to_spare():
    # Rounding's ceiling at eps = 1e-3 is under 2% of the error measured there, far
    # inside the 10% the check allows, on any machine; the ratio is a hundred within 1%.
    params, X, Y = chapter_network()
    at_1e2 = gradcheck(params, X, Y, eps=1e-2)["dW2"]
    at_1e3 = gradcheck(params, X, Y, eps=1e-3)["dW2"]
    assert rounding_limits(params, X, Y, eps=1e-3)["dW2"][1] < 0.02 * at_1e3
    assert 99 < at_1e2 / at_1e3 < 101


@pytest.mark.parametrize(
    "factor, name",
    [(1 / 10, r"a first-order rule \(ten times smaller\)"), (1, "no change"),
     (1 / 1000, r"a third-order rule \(a thousand times smaller\)"), (100, "the error growing")],
)
def test_error_at_smaller_step_names_the_mistake(factor, name):
    params, X, Y = chapter_network()
    at_1e2 = gradcheck(params, X, Y, eps=1e-2)["dW2"]
    with pytest.raises(CheckFailed, match=f"It is the number that {name} gives"):
        check.error_at_smaller_step(at_1e2 * factor)


def test_error_at_smaller_step_rejects_other_numbers():
    with pytest.raises(CheckFailed, match="Taylor series"):
        check.error_at_smaller_step(1e-8)
    with pytest.raises(CheckFailed):
        check.error_at_smaller_step(np.array([4.6e-8, 1.0]))
