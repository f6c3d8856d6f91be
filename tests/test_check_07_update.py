import re

import numpy as np
import pytest

from nnlib import check, update_parameters
from nnlib.check import CheckFailed


def step(params, grads, learning_rate, slip=None):
    """A gradient-descent step written afresh; `slip` plants one mistake."""
    L = len(params) // 2
    new = {}
    for l in range(1, L + 1):
        for p in "Wb":
            name = f"{p}{l}"
            grad = grads[name] if slip == "no d" else grads["d" + name]
            if slip == "plus":
                new[name] = params[name] + learning_rate * grad
            elif slip == "no learning rate":
                new[name] = params[name] - grad
            elif (slip == "only W" and p == "b") or (slip == "not the last layer" and l == L):
                new[name] = params[name]
            else:
                new[name] = params[name] - learning_rate * grad
    return new


def step_in_place(params, grads, learning_rate):
    # the tutorial's way: overwrite the entries of the dict it was given
    for name in params:
        params[name] = params[name] - learning_rate * grads["d" + name]
    return params


def step_in_place_on_the_arrays(params, grads, learning_rate):
    new = dict(params)
    for name in new:
        new[name] -= learning_rate * grads["d" + name]  # writes into the caller's arrays
    return new


# --- check.update_parameters


def test_nnlib_and_a_fresh_reference_pass(capsys):
    check.update_parameters(update_parameters)
    check.update_parameters(step)
    assert capsys.readouterr().out.count("Correct:") == 2


@pytest.mark.parametrize(
    "mistaken, name",
    [
        (lambda p, g, lr: step(p, g, lr, "plus"), "using + instead of -"),
        (lambda p, g, lr: step(p, g, lr, "no learning rate"), "not applying the learning rate"),
        (lambda p, g, lr: step(p, g, lr, "no d"), "reading grads['W1'] instead of grads['dW1']"),
        (lambda p, g, lr: step(p, g, lr, "only W"), "updating only W"),
        (lambda p, g, lr: step(p, g, lr, "not the last layer"), "leaving the last layer out"),
        (step_in_place, "changes params in place"),
        (step_in_place_on_the_arrays, "changes params in place"),
    ],
)
def test_each_mistake_is_named(mistaken, name):
    with pytest.raises(CheckFailed, match=re.escape(name)):
        check.update_parameters(mistaken)


def test_unknown_wrong_steps_get_generic_messages():
    def halved_b2(params, grads, learning_rate):
        new = update_parameters(params, grads, learning_rate)
        new["b2"] = new["b2"] / 2
        return new

    with pytest.raises(CheckFailed, match="is not right: b2: at index") as info:
        check.update_parameters(halved_b2)
    assert "gives exactly what" not in str(info.value)
    # a crash that reading keys without the d does not explain is reported as it is
    with pytest.raises(CheckFailed, match="raised KeyError: 'dW0'"):
        check.update_parameters(lambda p, g, lr: {k: p[k] - lr * g["dW0"] for k in p})


# --- check.weight_after_one_step


def by_hand(slip=None):
    """The tiny example worked out afresh; `slip` plants one mistake."""
    w, b, lr = 0.5, 0.0, 0.5
    x = np.array([2.0, -1.0, 1.0])
    y = np.array([1.0, 0.0, 0.0])
    z = w * x + b
    a = z if slip == "no sigmoid" else 1 / (1 + np.exp(-z))
    dz = y - a if slip == "sign" else a - y
    if slip == "slope again":
        dz = dz * a * (1 - a)
    dw = np.sum(dz) / 3 if slip == "no x" else np.sum(dz * x) / 3
    if slip == "no 1/m":
        dw = np.sum(dz * x)
    if slip == "no learning rate":
        return w - dw
    if slip == "plus":
        return w + lr * dw
    if slip == "no step":
        return w
    return w - lr * dw


def test_the_right_weight_passes(capsys):
    check.weight_after_one_step(by_hand())
    check.weight_after_one_step(0.549)
    check.weight_after_one_step(np.array([[0.5488]]))
    assert capsys.readouterr().out.count("Correct:") == 3


@pytest.mark.parametrize(
    "slip, name",
    [
        ("sign", "a sign flip"),
        ("plus", "a sign flip"),
        ("no learning rate", "not applying the learning rate"),
        ("no 1/m", "a missing 1/m"),
        ("no x", "leaving the input x out of dW"),
        ("slope again", "applying the sigmoid's slope again"),
        ("no sigmoid", "forgetting the sigmoid"),
        ("no step", "taking no step at all"),
    ],
)
def test_weight_after_one_step_names_typical_slips(slip, name):
    with pytest.raises(CheckFailed, match=re.escape(name)):
        check.weight_after_one_step(by_hand(slip))


def test_weight_after_one_step_rejects_other_answers_generically():
    with pytest.raises(CheckFailed, match="is not right: at index") as info:
        check.weight_after_one_step(0.7)
    assert "gives exactly what" not in str(info.value)
    with pytest.raises(CheckFailed, match="should be a number"):
        check.weight_after_one_step(None)
