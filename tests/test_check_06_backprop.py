import re
import warnings

import numpy as np
import pytest

from nnlib import backprop, check, forward_prop, one_layer_backward, sigmoid
from nnlib import exercises
from nnlib.check import CheckFailed


def layer_backward(dA, cache, slip=None):
    """A one-layer backward step written afresh; `slip` plants one mistake."""
    if slip == "cache order":
        Z, (A_prev, W, b) = cache
    elif slip == "linear cache order":
        (W, A_prev, b), Z = cache
    else:
        (A_prev, W, b), Z = cache
    m = A_prev.shape[1]
    if slip == "naive sigmoid":
        A = 1 / (1 + np.exp(-Z))
    else:
        A, _ = sigmoid(Z)
    dZ = dA * A * (1 - A)
    if slip == "sign":
        dZ = -dA * A * (1 - A)
    if slip == "slope from Z":
        dZ = dA * Z * (1 - Z)
    if slip == "slope without 1 - A":
        dZ = dA * A
    if slip == "no slope":
        dZ = dA  # the commonest slip: the sigmoid's slope left out
    dW = dZ @ A_prev.T / m
    db = np.sum(dZ, axis=1, keepdims=True) / m
    dA_prev = W.T @ dZ
    if slip == "no 1/m":
        dW, db = dZ @ A_prev.T, np.sum(dZ, axis=1, keepdims=True)
    if slip == "no 1/m in db":
        db = np.sum(dZ, axis=1, keepdims=True)
    if slip == "W":
        dA_prev = W @ dZ
    if slip == "axis 0":
        db = np.sum(dZ, axis=0, keepdims=True) / m
    if slip == "no keepdims":
        db = np.sum(dZ, axis=1) / m
    if slip == "1/m in dA_prev":
        dA_prev = W.T @ dZ / m
    if slip == "planted bug":
        dA_prev = W.T @ dA  # exercise 6.1's bug
    if slip == "dW transposed":
        dW = A_prev @ dZ.T / m
    if slip == "dA_prev transposed":
        dA_prev = dZ.T @ W
    if slip == "order":
        return dW, db, dA_prev
    return dA_prev, dW, db


def planted(slip):
    return lambda dA, cache: layer_backward(dA, cache, slip)


# --- check.one_layer_backward


def test_one_layer_nnlib_and_a_fresh_reference_pass(capsys):
    check.one_layer_backward(one_layer_backward)
    check.one_layer_backward(layer_backward)
    assert capsys.readouterr().out.count("Correct:") == 2


@pytest.mark.parametrize(
    "slip, name",
    [
        ("no 1/m", "a missing 1/m"),
        ("no 1/m in db", "a missing 1/m"),
        ("W", "a transposed W"),
        ("sign", "a sign flip in dZ"),
        ("axis 0", "a sum over the wrong axis for db"),
        ("no keepdims", "a db without keepdims"),
        ("slope from Z", "the sigmoid's slope taken from Z instead of A = sigmoid(Z)"),
        ("slope without 1 - A", "a sigmoid slope of A instead of A * (1 - A)"),
        ("no slope", "leaving out the sigmoid's slope (dZ = dA)"),
        ("1/m in dA_prev", "an extra 1/m in dA_prev"),
        ("dW transposed", "a transposed dW"),
        ("dA_prev transposed", "a transposed dA_prev"),
        ("order", "returning the results in the wrong order"),
        ("cache order", "caches unpacked in the wrong order"),
        ("linear cache order", "caches unpacked in the wrong order"),
        ("planted bug", "leaving the planted bug in (dA_prev = W^T dA)"),
    ],
)
def test_one_layer_names_each_mistake(slip, name):
    with pytest.raises(CheckFailed, match=re.escape(name)):
        check.one_layer_backward(planted(slip))


@pytest.mark.parametrize("changed", ["dA", "A_prev", "Z"])
def test_one_layer_names_a_change_of_its_inputs_in_place(changed):
    # Right values, but the caller's array changed: named as the grader names it (coursework/judge.py).
    def in_place(dA, cache):
        (A_prev, W, b), Z = cache
        result = one_layer_backward(dA.copy(), ((A_prev.copy(), W, b), Z.copy()))
        {"dA": dA, "A_prev": A_prev, "Z": Z}[changed] *= 2.0  # dA *= A * (1 - A), say
        return result

    with pytest.raises(CheckFailed, match=re.escape(f"it changes its inputs in place ({changed} changed)")):
        check.one_layer_backward(in_place)


def test_the_cache_order_message_says_what_the_learner_expected():
    with pytest.raises(CheckFailed, match=re.escape("as (Z, (A_prev, W, b))")):
        check.one_layer_backward(planted("cache order"))
    with pytest.raises(CheckFailed, match=re.escape("as ((W, A_prev, b), Z)")):
        check.one_layer_backward(planted("linear cache order"))


def test_one_layer_unknown_wrong_answers_get_generic_messages():
    # right shapes, wrong values: say where, name nothing
    def zeros(dA, cache):
        (A_prev, W, b), Z = cache
        return np.zeros_like(A_prev), np.zeros_like(W), np.zeros_like(b)

    with pytest.raises(CheckFailed, match="is not right: value 0 of the tuple: at index") as info:
        check.one_layer_backward(zeros)
    assert "gives exactly what" not in str(info.value)

    # a shape clash that a transposed W does not explain: the shape hint only
    def no_transpose_of_A_prev(dA, cache):
        (A_prev, W, b), Z = cache
        dZ = dA * sigmoid(Z)[0] * (1 - sigmoid(Z)[0])
        return W.T @ dZ, dZ @ A_prev / A_prev.shape[1], dZ.mean(axis=1, keepdims=True)

    with pytest.raises(CheckFailed, match="raised ValueError.*A matrix product got shapes") as info:
        check.one_layer_backward(no_transpose_of_A_prev)
    assert "transposed W" not in str(info.value)


def test_one_layer_grades_values_not_overflow_warnings(capsys):
    # The textbook sigmoid overflows at the saturated units on its way to the
    # right slope, 0: no mistake, and no warning escapes the check.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check.one_layer_backward(planted("naive sigmoid"))
    assert "Correct:" in capsys.readouterr().out


def test_one_layer_a_division_by_zero_is_judged_by_its_values():
    # infinities where numbers belong are wrong, whatever numpy said on the way
    def divides_by_zero(dA, cache):
        dA_prev, dW, db = layer_backward(dA, cache)
        return dA_prev / np.zeros_like(dA_prev), dW, db

    with pytest.raises(CheckFailed, match="is not right"):
        check.one_layer_backward(divides_by_zero)


# --- backprop_with_a_bug and buggy_gradient


def test_the_planted_bug_is_in_one_gradient_only():
    # On a network of its own (not the checker's), exactly dW3 differs, by the factor m = 7.
    rng = np.random.default_rng(0)
    params = {}
    for l, (n, n_prev) in enumerate([(5, 4), (3, 5), (1, 3)], start=1):
        params[f"W{l}"], params[f"b{l}"] = rng.standard_normal((n, n_prev)), rng.standard_normal((n, 1))
    X, Y = rng.standard_normal((4, 7)), (rng.random((1, 7)) < 0.5).astype(float)
    AL, caches = forward_prop(X, params)
    right, buggy = backprop(AL, Y, caches), check.backprop_with_a_bug(AL, Y, caches)
    assert set(buggy) == set(right)
    for key in right:
        if key == "dW3":
            np.testing.assert_allclose(buggy[key], 7 * right[key], rtol=1e-12)
        else:  # the same sums as nnlib's, but for a sigmoid within a few u of nnlib's
            np.testing.assert_allclose(buggy[key], right[key], rtol=1e-9, atol=1e-15)


def test_buggy_gradient_accepts_the_key(capsys):
    check.buggy_gradient("dW3")
    check.buggy_gradient(" dW3 ")
    assert capsys.readouterr().out.count("Correct:") == 2


@pytest.mark.parametrize(
    "answer, message",
    [
        ("W3", "W3 is a parameter; give the key of its gradient, dW3"),
        ("dW4", "is not a gradient of this network; the keys are"),
        ("db3", "db3 agrees with a central difference"),
        ("dW1", "dW1 agrees with a central difference"),
        (3, "should be a key written as a string"),
    ],
)
def test_buggy_gradient_names_each_slip(answer, message):
    with pytest.raises(CheckFailed, match=re.escape(message)):
        check.buggy_gradient(answer)


# --- one_layer_backward_with_a_bug (exercise 6.1)


def test_the_planted_layer_bug_is_in_dA_prev_only():
    # On a layer of its own (not the checker's): dW and db are nnlib's, dA_prev is W^T dA.
    rng = np.random.default_rng(3)
    A_prev, W, b = rng.standard_normal((6, 9)), rng.standard_normal((2, 6)), rng.standard_normal((2, 1))
    dA = rng.standard_normal((2, 9))
    cache = ((A_prev, W, b), W @ A_prev + b)
    right, buggy = one_layer_backward(dA, cache), check.one_layer_backward_with_a_bug(dA, cache)
    assert check.one_layer_backward_with_a_bug is exercises.one_layer_backward_with_a_bug
    assert [g.shape for g in buggy] == [g.shape for g in right]
    # The same products as nnlib's, with a sigmoid within a few u of nnlib's.
    np.testing.assert_allclose(buggy[1], right[1], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(buggy[2], right[2], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(buggy[0], W.T @ dA, rtol=1e-12)
    assert not np.allclose(buggy[0], right[0], rtol=0.1)


def test_one_layer_names_the_planted_bug_left_in():
    with pytest.raises(CheckFailed, match=re.escape("leaving the planted bug in")):
        check.one_layer_backward(check.one_layer_backward_with_a_bug)


# --- check.weighted_dZ (exercise 6.2)


def weighted(ZL, Y, w, slip=None):
    """dZ[L] of the cost weighting the examples labelled 1 by w, written afresh; `slip` plants one mistake."""
    AL = sigmoid(ZL)[0]
    if slip == "through dAL":  # the chain rule through A: 0 / 0 once AL is exactly 0 or 1
        dAL = -(w * Y / AL - (1 - Y) / (1 - AL))
        return dAL * AL * (1 - AL)
    dZ = (1 - Y) * sigmoid(ZL)[0] - w * Y * sigmoid(-ZL)[0]
    return {
        None: dZ,
        "unweighted": AL - Y,
        "w on both": w * (AL - Y),
        "w on the 0s": w * (1 - Y) * AL - Y * (1 - AL),
        "sign": -dZ,
        "slope twice": dZ * AL * (1 - AL),
        "1/m": dZ / ZL.shape[1],
    }[slip]


def test_weighted_dZ_accepts_the_derivation_and_a_central_difference(capsys):
    # The checker's answer is the slope of the weighted cost: a central difference of the cost
    # written from the logit agrees with it (to the check's rtol of 1e-7; the rounding of a
    # cost below 2500 over 2h = 2e-5 is under 1e-7 of a slope of 1 or more).
    def central_difference(ZL, Y, w, h=1e-5):
        def cost(z):
            return w * Y * np.logaddexp(0, -z) + (1 - Y) * np.logaddexp(0, z)
        return (cost(ZL + h) - cost(ZL - h)) / (2 * h)

    check.weighted_dZ(weighted)
    check.weighted_dZ(central_difference)
    check.weighted_dZ(lambda ZL, Y, w: (1 - Y) * sigmoid(ZL)[0] - w * Y * (1 - sigmoid(ZL)[0]))
    assert capsys.readouterr().out.count("Correct:") == 3


@pytest.mark.parametrize(
    "slip, name",
    [
        ("unweighted", "the unweighted AL - Y"),
        ("w on both", "w on both terms"),
        ("w on the 0s", "w on the term of the label 0"),
        ("sign", "a sign flip"),
        ("slope twice", "the sigmoid's slope applied twice"),
        ("1/m", "an extra 1/m"),
        ("through dAL", "Going through dAL divides by AL (1 - AL)"),
    ],
)
def test_weighted_dZ_names_each_mistake(slip, name):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the check's own warnings are silenced, the learner's too
        with pytest.raises(CheckFailed, match=re.escape(name)):
            check.weighted_dZ(lambda ZL, Y, w: weighted(ZL, Y, w, slip))


def test_weighted_dZ_unknown_wrong_answers_get_generic_messages():
    with pytest.raises(CheckFailed, match="is not right") as info:
        check.weighted_dZ(lambda ZL, Y, w: 2 * weighted(ZL, Y, w))
    assert "gives exactly what" not in str(info.value)
    with pytest.raises(CheckFailed, match="expected shape"):
        check.weighted_dZ(lambda ZL, Y, w: weighted(ZL, Y, w).ravel())
