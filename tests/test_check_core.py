import numpy as np
import pytest

from nnlib.check._core import CheckFailed, Mistake, call, compare, same


def test_same_compares_structure_shape_and_values():
    assert same({"a": np.ones(2)}, {"a": np.ones(2)})
    assert not same({"a": np.ones(2)}, {"b": np.ones(2)})
    assert not same(np.ones((2, 1)), np.ones((1, 2)))
    assert not same((1.0, 2.0), (1.0,))
    assert not same(np.array([np.nan]), np.array([np.nan]))


def test_compare_names_the_matching_mistake():
    mistakes = [Mistake("a sign flip", "Check the sign.", -np.ones(3))]
    compare(np.ones(3), np.ones(3), mistakes, "f")  # agrees: returns quietly
    with pytest.raises(CheckFailed, match="a sign flip gives. Check the sign"):
        compare(-np.ones(3), np.ones(3), mistakes, "f")
    with pytest.raises(CheckFailed, match=r"expected shape \(3,\), got shape \(2,\)"):
        compare(np.ones(2), np.ones(3), mistakes, "f")
    with pytest.raises(CheckFailed, match="at index"):
        compare(np.zeros(3), np.ones(3), mistakes, "f")


def test_call_reports_exceptions_and_raises_floating_point_errors():
    with pytest.raises(CheckFailed, match="my_fn raised KeyError"):
        call(lambda: {}["W1"], what="my_fn")
    with pytest.raises(FloatingPointError):
        call(lambda z: np.exp(z), np.array([1000.0]), what="my_fn")


def test_call_passes_copies():
    X = np.zeros(2)

    def scribble(A):
        A[:] = 5
        return A

    call(scribble, X, what="scribble")
    np.testing.assert_array_equal(X, 0)
