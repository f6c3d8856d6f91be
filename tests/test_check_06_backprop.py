import re
import warnings

import numpy as np
import pytest

from nnlib import backprop, check, forward_prop, linear_backward, one_layer_backward, sigmoid
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


# --- check.backprop


def sweep(AL, Y, caches, slip=None):
    """A backward sweep written afresh; `slip` plants one mistake."""
    L = len(caches)
    grads = {}
    dZ = Y - AL if slip == "sign" else AL - Y
    m = AL.shape[1]
    if slip == "tutorial's dAL":
        dAL = -(Y / AL - (1 - Y) / (1 - AL))
        dA, grads[f"dW{L}"], grads[f"db{L}"] = one_layer_backward(dAL, caches[L - 1])
    elif slip == "slope twice":
        dA, grads[f"dW{L}"], grads[f"db{L}"] = one_layer_backward(dZ, caches[L - 1])
    elif slip in ("no 1/m", "no 1/m at the output"):
        (A_prev, W, b), _ = caches[L - 1]
        dA, grads[f"dW{L}"], grads[f"db{L}"] = W.T @ dZ, dZ @ A_prev.T, dZ.sum(axis=1, keepdims=True)
    else:
        dA, grads[f"dW{L}"], grads[f"db{L}"] = linear_backward(dZ, caches[L - 1][0])
    if slip == "keep dA":
        grads[f"dA{L - 1}"] = dA
    for l in range(L - 1, 0, -1):
        if slip == "no slope in hidden layers":
            dA_prev, dW, db = linear_backward(dA, caches[l - 1][0])
        else:
            dA_prev, dW, db = one_layer_backward(dA, caches[l - 1])
        if slip == "no 1/m":
            dW, db = dW * m, db * m
        if slip == "keep dA":
            grads[f"dA{l - 1}"] = dA_prev
        grads[f"dW{l}"], grads[f"db{l}"] = dW, db
        dA = dA_prev
    if slip == "keys shifted":
        grads = {k[:2] + str(int(k[2:]) - 1): v for k, v in grads.items()}
    return grads


def tutorials_keys(AL, Y, caches):
    # the tutorial's bookkeeping: the last layer under L - 1, then overwritten
    L = len(caches)
    grads = {}
    dAL = -(Y / AL - (1 - Y) / (1 - AL))
    grads[f"dA{L - 1}"], grads[f"dW{L - 1}"], grads[f"db{L - 1}"] = one_layer_backward(dAL, caches[L - 1])
    for l in range(L - 2, -1, -1):
        grads[f"dA{l}"], grads[f"dW{l + 1}"], grads[f"db{l + 1}"] = one_layer_backward(
            grads[f"dA{l + 1}"], caches[l]
        )
    return grads


def test_backprop_nnlib_and_a_fresh_reference_pass(capsys):
    check.backprop(backprop)
    check.backprop(sweep)
    assert capsys.readouterr().out.count("Correct:") == 2


@pytest.mark.parametrize(
    "mistaken, name",
    [
        (tutorials_keys, "storing gradients under the wrong layer's key"),
        (lambda AL, Y, c: sweep(AL, Y, c, "keys shifted"), "storing gradients under the wrong layer's key"),
        (lambda AL, Y, c: sweep(AL, Y, c, "sign"), "the output gradient dAL with its sign flipped"),
        (lambda AL, Y, c: sweep(AL, Y, c, "no 1/m"), "a missing 1/m"),
        (lambda AL, Y, c: sweep(AL, Y, c, "no 1/m at the output"), "a missing 1/m"),
        (lambda AL, Y, c: sweep(AL, Y, c, "slope twice"), "applying the sigmoid's slope twice at the output"),
        (lambda AL, Y, c: sweep(AL, Y, c, "no slope in hidden layers"),
         "leaving out the sigmoid's slope in the hidden layers"),
        (lambda AL, Y, c: sweep(AL, Y, c, "keep dA"), "extra keys ['dA0', 'dA1', 'dA2']"),
        (lambda AL, Y, c: sweep(AL, Y, c, "tutorial's dAL"), "dividing by AL (1 - AL)"),
    ],
)
def test_backprop_names_each_mistake(mistaken, name):
    with pytest.raises(CheckFailed, match=re.escape(name)):
        check.backprop(mistaken)


def test_backprop_names_nan_gradients_even_without_a_floating_point_error():
    def quiet_tutorials_dAL(AL, Y, caches):
        with np.errstate(all="ignore"):
            return sweep(AL, Y, caches, "tutorial's dAL")

    with pytest.raises(CheckFailed, match=re.escape("dividing by AL (1 - AL)")):
        check.backprop(quiet_tutorials_dAL)


def test_backprop_unknown_wrong_answers_get_generic_messages():
    def doubled_first_layer(AL, Y, caches):
        grads = backprop(AL, Y, caches)
        grads["dW1"] = 2 * grads["dW1"]
        return grads

    with pytest.raises(CheckFailed, match="is not right: dW1: at index") as info:
        check.backprop(doubled_first_layer)
    assert "gives exactly what" not in str(info.value)
    with pytest.raises(CheckFailed, match="expected a dict"):
        check.backprop(lambda AL, Y, caches: [AL - Y])


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
