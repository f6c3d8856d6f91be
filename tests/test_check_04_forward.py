"""The checkers of chapter 4's exercises: right answers pass, known slips are named."""

import numpy as np
import pytest

from nnlib import check, forward_prop
from nnlib.check import _ch04_forward
from nnlib.check._core import CheckFailed


def test_the_checkers_are_the_ones_in_check():
    # Another chapter's module must not shadow these names in nnlib.check.
    assert check.forward_prop is _ch04_forward.forward_prop
    assert check.cache_shape is _ch04_forward.cache_shape
    assert check.zero_weight_prediction is _ch04_forward.zero_weight_prediction


# --- forward_prop -------------------------------------------------------------------------


def sig(Z):
    return 1 / (1 + np.exp(-Z))  # the checker's weights keep |Z| far from overflow


def planted(linear=None, activation=None, cache=None, last=None, finish=None):
    """A copy of a learner's correct forward pass with one step replaced."""
    linear = linear or (lambda W, A, b: W @ A + b)
    activation = activation or (lambda Z, l, L: sig(Z))
    cache = cache or (lambda A_prev, W, b, Z, A: ((A_prev, W, b), Z))
    last = last or (lambda L: L)
    finish = finish or (lambda AL, caches: (AL, caches))

    def my_forward_prop(X, params):
        L = len(params) // 2
        A, caches = X, []
        for l in range(1, last(L) + 1):
            A_prev, W, b = A, params[f"W{l}"], params[f"b{l}"]
            Z = linear(W, A_prev, b)
            A = activation(Z, l, L)
            caches.append(cache(A_prev, W, b, Z, A))
        return finish(A, caches)

    return my_forward_prop


def in_rows(X, params):
    L = len(params) // 2
    A, caches = X.T, []
    for l in range(1, L + 1):
        A_prev, W, b = A, params[f"W{l}"], params[f"b{l}"]
        Z = A_prev @ W.T + b.T
        A = sig(Z)
        caches.append(((A_prev, W, b), Z))
    return A, caches


def test_forward_prop_accepts_nnlib_and_an_independent_version(capsys):
    check.forward_prop(forward_prop)
    check.forward_prop(planted())
    check.forward_prop(planted(finish=lambda AL, caches: (AL, tuple(caches))))  # any sequence
    assert capsys.readouterr().out.count("Correct: my_forward_prop gives nnlib's AL") == 3


@pytest.mark.parametrize(
    "fn, name",
    [
        (planted(linear=lambda W, A, b: W.T @ A + b), "a transposed W"),
        (planted(linear=lambda W, A, b: W @ A), "forgetting the bias"),
        (planted(activation=lambda Z, l, L: sig(Z) if l == L else Z),
         "sigmoid only on the last layer"),
        (planted(activation=lambda Z, l, L: Z if l == L else sig(Z)),
         "leaving the sigmoid off the last layer"),
        (in_rows, "putting the examples in rows"),
        (planted(last=lambda L: L - 1), "stopping one layer early"),
        (planted(finish=lambda AL, caches: AL), "returning AL alone"),
        (planted(cache=lambda A_prev, W, b, Z, A: (Z, (A_prev, W, b))), "caches in the wrong order"),
        (planted(cache=lambda A_prev, W, b, Z, A: ((A_prev, b, W), Z)), "caches in the wrong order"),
        (planted(cache=lambda A_prev, W, b, Z, A: ((W, A_prev, b), Z)), "caches in the wrong order"),
        (planted(finish=lambda AL, caches: (AL, caches[::-1])), "caches in the wrong order"),
        (planted(cache=lambda A_prev, W, b, Z, A: (A_prev, W, b, Z)),
         r"a flat cache \(A_prev, W, b, Z\)"),
        (planted(cache=lambda A_prev, W, b, Z, A: ((A_prev, W, b), A)),
         "an activation cache that holds A, not Z"),
        (planted(cache=lambda A_prev, W, b, Z, A: ((A, W, b), Z)),
         r"storing A\[l\] where A\[l-1\] belongs"),
    ],
)
def test_forward_prop_names_the_mistake(fn, name):
    with pytest.raises(CheckFailed, match=name):
        check.forward_prop(fn)


def test_forward_prop_rejects_other_wrong_answers():
    with pytest.raises(CheckFailed, match=r"The AL of my_forward_prop.* is not right: at index"):
        check.forward_prop(planted(linear=lambda W, A, b: W @ A - b))
    with pytest.raises(CheckFailed, match=r"The caches of .* expected a tuple of 2 values, got 1"):
        check.forward_prop(planted(finish=lambda AL, caches: (AL, caches[:1])))
    with pytest.raises(CheckFailed, match=r"should return a pair \(AL, caches\)"):
        check.forward_prop(planted(finish=lambda AL, caches: (AL, caches, None)))
    with pytest.raises(CheckFailed, match="raised KeyError"):
        check.forward_prop(lambda X, params: params["W0"])


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
