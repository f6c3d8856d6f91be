"""The checkers of the automatic-differentiation chapter's exercises: right answers pass, known slips are named."""

import numpy as np
import pytest

from nnlib import check, sum_to_shape
from nnlib.autodiff import Tensor, central_differences
from nnlib.check import _ch15_autodiff
from nnlib.check._core import CheckFailed


def test_the_checkers_are_the_ones_in_check():
    # Another chapter's module must not shadow these names in nnlib.check.
    assert check.sum_to_shape is _ch15_autodiff.sum_to_shape
    assert check.suspect_op is _ch15_autodiff.suspect_op
    assert check.shared_grad is _ch15_autodiff.shared_grad
    assert check.SuspectTensor is _ch15_autodiff.SuspectTensor


# --- sum_to_shape (Exercise 15.1: the backward step of broadcasting) -----------------------


def independent_sum_to_shape(G, shape):
    # A learner's answer written apart from nnlib's: for 2-D shapes, sum where the input had size 1.
    out = np.array(G, dtype=float)
    if shape[0] == 1:
        out = out.sum(axis=0).reshape(1, -1)
    if shape[1] == 1:
        out = out.sum(axis=1).reshape(-1, 1)
    return out


@pytest.mark.parametrize("answer", [sum_to_shape, independent_sum_to_shape])
def test_sum_to_shape_passes_right_answers(answer, capsys):
    check.sum_to_shape(answer)
    assert "Correct" in capsys.readouterr().out


@pytest.mark.parametrize("slip, named", [
    (lambda G, shape: G, "no sum"),
    (lambda G, shape: G.sum(axis=0, keepdims=True) if shape == (3, 1) else sum_to_shape(G, shape),
     "the wrong axis"),
    (lambda G, shape: G.mean(axis=1, keepdims=True) if shape == (3, 1) else sum_to_shape(G, shape),
     "the mean instead of the sum"),
    (lambda G, shape: G.sum(axis=1) if shape == (3, 1) else sum_to_shape(G, shape), "without keepdims"),
    (lambda G, shape: G.sum(), "every entry"),
    (lambda G, shape: G.sum(axis=1, keepdims=True) if shape[1] == 1 or shape == (3, 5)
     else sum_to_shape(G, shape), "nothing was broadcast"),
])
def test_sum_to_shape_names_each_slip(slip, named):
    with pytest.raises(CheckFailed, match=named):
        check.sum_to_shape(slip)


def test_sum_to_shape_reports_an_error_in_the_answer():
    def raises(G, shape):
        raise NotImplementedError()

    with pytest.raises(CheckFailed, match="NotImplementedError"):
        check.sum_to_shape(raises)


# --- suspect_op (Exercise 15.2: the planted bug) ---------------------------------------------


def test_the_suspect_is_found_by_central_differences_where_the_checker_says():
    # Only * disagrees with central differences on SuspectTensor inputs; + and sum agree.
    rng = np.random.default_rng(1)
    a, b, R = rng.standard_normal((3, 4)), rng.standard_normal((3, 4)), rng.standard_normal((3, 4))

    def gaps(op):
        x, y = check.SuspectTensor(a), check.SuspectTensor(b)
        (op(x, y) * Tensor(R)).sum().backward()
        numeric = central_differences(
            lambda p, q: (op(check.SuspectTensor(p), check.SuspectTensor(q)) * Tensor(R)).sum().value, [a, b])
        return max(np.abs(x.grad - numeric[0]).max(), np.abs(y.grad - numeric[1]).max())

    assert gaps(lambda x, y: x * y) > 0.1
    assert gaps(lambda x, y: x + y) < 1e-6
    assert gaps(lambda x, y: x - y) < 1e-6


@pytest.mark.parametrize("answer", ["*", "mul", " __mul__ ", "Tensor.__mul__", "multiply"])
def test_suspect_op_passes_right_answers(answer, capsys):
    check.suspect_op(answer)
    assert "Correct" in capsys.readouterr().out


@pytest.mark.parametrize("answer, named", [
    ("-", "built from"), ("sum", "reduction to one number"), ("mean", "reduction to one number"),
    ("@", "another one"), ("sigmoid", "backward step of sigmoid agrees"),
    ("tanh", "not an operation of Tensor"), (3, "as a string"),
])
def test_suspect_op_names_each_slip(answer, named):
    with pytest.raises(CheckFailed, match=named):
        check.suspect_op(answer)


# --- shared_grad (Exercise 15.3: a value used three times) ----------------------------------


def test_shared_grad_passes_the_graphs_own_answer(capsys):
    a = Tensor(5.0)
    (a * a + a).sum().backward()
    check.shared_grad(float(a.grad))
    assert "Correct" in capsys.readouterr().out


@pytest.mark.parametrize("answer, named", [
    (10, "addition's share"), (6, "as one"), (5, "only the last share"), (1, "alone"),
    (30, "the value of J"), (12, "List every node"),
])
def test_shared_grad_names_each_slip(answer, named):
    with pytest.raises(CheckFailed, match=named):
        check.shared_grad(answer)
