import re

import numpy as np
import pytest

from nnlib import check
from nnlib.check import CheckFailed
from nnlib.plots import descent_path


# --- check.largest_stable_rate


def bowl_limit(slip=None):
    """The largest-rate answer worked out afresh; `slip` plants one mistake."""
    gentle, steep = 4.0, 25.0
    if slip == "floor":
        return 1 / steep
    if slip == "gentle":
        return 2 / gentle
    if slip == "chapter":
        return 2 / 10
    if slip == "sum":
        return 2 / (gentle + steep)
    if slip == "inverted":
        return steep / 2
    return 2 / steep


def test_the_limit_is_where_descent_on_the_bowl_turns_divergent():
    # The answer the checker wants, seen on the iterates themselves: just below
    # 2/25 both coordinates shrink towards the minimum, just above w2 grows.
    below = descent_path((4.0, 25.0), (-4.0, 2.0), 0.95 * bowl_limit(), 200)
    above = descent_path((4.0, 25.0), (-4.0, 2.0), 1.05 * bowl_limit(), 200)
    assert np.abs(below[-1]).max() < 1e-3
    assert abs(above[-1, 1]) > 2


def test_the_right_rate_passes(capsys):
    check.largest_stable_rate(bowl_limit())
    check.largest_stable_rate(0.08)
    check.largest_stable_rate(np.array([0.0801]))
    assert capsys.readouterr().out.count("Correct:") == 3


@pytest.mark.parametrize(
    "slip, name",
    [
        ("floor", "the rate that reaches the floor of the steep direction in one step"),
        ("gentle", "the limit of the gentle direction"),
        ("chapter", "the chapter's bowl"),
        ("sum", "adding the curvatures"),
        ("inverted", "inverting the rule"),
    ],
)
def test_largest_stable_rate_names_typical_slips(slip, name):
    with pytest.raises(CheckFailed, match=re.escape(name)):
        check.largest_stable_rate(bowl_limit(slip))


def test_largest_stable_rate_rejects_other_answers_generically():
    with pytest.raises(CheckFailed, match="is not right: at index") as info:
        check.largest_stable_rate(0.1)
    assert "gives exactly what" not in str(info.value)
    with pytest.raises(CheckFailed, match="should be a number"):
        check.largest_stable_rate("0.08")


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
