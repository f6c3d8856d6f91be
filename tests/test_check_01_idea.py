"""The checkers of chapter 1's exercises: right answers pass, known slips are named."""

import numpy as np
import pytest

from nnlib import check
from nnlib.check import _ch01_idea
from nnlib.check._core import CheckFailed


def test_the_checkers_are_the_ones_in_check():
    # Another chapter's module must not shadow these names in nnlib.check.
    assert check.n_params is _ch01_idea.n_params
    assert check.z2_shape is _ch01_idea.z2_shape


# --- n_params: [30, 16, 8, 1] ------------------------------------------------------------

DIMS = [30, 16, 8, 1]


def test_n_params_accepts_the_count(capsys):
    # 16*(30+1) + 8*(16+1) + 1*(8+1), as an int, a float or a numpy integer
    for answer in (641, 641.0, np.int64(641), sum(n * (p + 1) for p, n in zip(DIMS, DIMS[1:]))):
        check.n_params(answer)
    assert capsys.readouterr().out.startswith("Correct: [30, 16, 8, 1] has 641 parameters")


@pytest.mark.parametrize(
    "answer, name",
    [
        (sum(p * n for p, n in zip(DIMS, DIMS[1:])), "forgetting the biases"),
        (sum(p * (n + 1) for p, n in zip(DIMS, DIMS[1:])), "counting a bias per input unit"),
        (sum(p * n for p, n in zip(DIMS, DIMS[1:])) + sum(DIMS), "giving the input layer biases"),
        (30 * 16 * 8 * 1, "multiplying all the layer sizes together"),
        (30 + 16 + 8 + 1, "counting the units"),
    ],
)
def test_n_params_names_the_mistake(answer, name):
    with pytest.raises(CheckFailed, match=f"the number that {name} gives"):
        check.n_params(answer)


def test_n_params_rejects_other_counts_without_giving_the_answer():
    with pytest.raises(CheckFailed, match="is not right. Count, for each layer") as info:
        check.n_params(640)
    assert "641" not in str(info.value)


@pytest.mark.parametrize(
    "answer, message",
    [(np.array([[641]]), r"array of shape \(1, 1\)"), ("641", "single number"),
     (640.5, "not a whole number"), (None, "single number")],
)
def test_n_params_wants_one_whole_number(answer, message):
    with pytest.raises(CheckFailed, match=message):
        check.n_params(answer)


# --- z2_shape: Z[2] of [30, 16, 8, 1] on 569 tumours -------------------------------------


def test_z2_shape_accepts_the_shape(capsys):
    for answer in ((8, 569), [8, 569], np.zeros((8, 569)).shape, (np.int64(8), 569)):
        check.z2_shape(answer)
    assert capsys.readouterr().out.startswith("Correct: Z[2] has shape (8, 569)")


@pytest.mark.parametrize(
    "answer, name",
    [
        ((569, 8), "putting the examples in rows"),
        ((8, 16), "taking the shape of W"),
        ((16, 569), "taking layer 1 for layer 2"),
        ((1, 569), "taking the output layer"),
        ((8, 1), "taking the shape of b"),
    ],
)
def test_z2_shape_names_the_mistake(answer, name):
    with pytest.raises(CheckFailed, match=f"the shape that {name}"):
        check.z2_shape(answer)


def test_z2_shape_rejects_other_shapes():
    with pytest.raises(CheckFailed, match="is not right. Follow the shapes"):
        check.z2_shape((8, 30))
    with pytest.raises(CheckFailed, match="tuple of whole numbers"):
        check.z2_shape("(8, 569)")
    with pytest.raises(CheckFailed, match="tuple of whole numbers"):
        check.z2_shape(8)
