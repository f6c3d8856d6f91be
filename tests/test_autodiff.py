"""nnlib.autodiff: each operation's backward step, the graph walk, and agreement with backprop."""

import numpy as np
import pytest

from nnlib import backprop, forward_prop, init_params, one_hot
from nnlib.autodiff import (
    Tensor,
    agreement_bound,
    autodiff_grads,
    central_differences,
    network_cost,
    sum_to_shape,
    topological_order,
)
from nnlib.cost import cost_from_logits
from nnlib.deep import logit_gradient, model_backward, model_forward
from nnlib.exercises import SuspectTensor
from nnlib.multiclass import softmax_cost
from rounding import POWER, U, assert_within, cost_rounding_bound

RNG = np.random.default_rng(0)
A34, B34, B31, C45 = (RNG.uniform(-2, 2, s) for s in ((3, 4), (3, 4), (3, 1), (4, 5)))
POSITIVE = RNG.uniform(0.5, 2, (3, 4))
R35, R34 = RNG.standard_normal((3, 5)), RNG.standard_normal((3, 4))

# Each operation, on inputs of its own; the result is weighted by a fixed random
# array R and summed, so that every entry of the gradient matters.
OPERATIONS = {
    "@": (lambda a, b: a @ b, [A34, C45], R35),
    "+ (same shape)": (lambda a, b: a + b, [A34, B34], R34),
    "+ (a bias broadcast over columns)": (lambda a, b: a + b, [A34, B31], R34),
    "*": (lambda a, b: a * b, [A34, B34], R34),
    "* (broadcast)": (lambda a, b: a * b, [A34, B31], R34),
    "-": (lambda a, b: a - b, [A34, B31], R34),
    "neg": (lambda a: -a, [A34], R34),
    "sigmoid": (lambda a: a.sigmoid(), [A34], R34),
    "relu": (lambda a: a.relu(), [A34], R34),
    "exp": (lambda a: a.exp(), [A34], R34),
    "log": (lambda a: a.log(), [POSITIVE], R34),
    "softplus": (lambda a: a.softplus(), [A34], R34),
    "log_softmax": (lambda a: a.log_softmax(), [A34], R34),
    "sum": (lambda a: a.sum(), [A34], np.float64(0.7)),
    "mean": (lambda a: a.mean(), [A34], np.float64(0.7)),
}


def op_gradients(op, values, R, cls=Tensor):
    # The gradients by the graph, and by central differences of the same number.
    def J(*arrays):
        return (op(*[cls(v) for v in arrays]) * Tensor(R)).sum()

    leaves = [cls(v) for v in values]
    total = (op(*leaves) * Tensor(R)).sum()
    total.backward()
    numeric = central_differences(lambda *v: J(*v).value, values, eps=STEP)
    return [leaf.grad for leaf in leaves], numeric


# Tolerance of a central difference with step h = 1e-4 on these inputs
# (entries within 2 of 0 and at least 0.17 from it, so that no relu kink
# lies within h; logs of entries of at least 0.5; weights |R| < 2.5): each J
# sums at most 60 products (an @ of 15 entries of 4 terms), each of size at
# most 8 |R| < 20 (exp(2) < 8), and is computed within 100 u of the sum of
# their sizes, so the quotient's rounding is at most
# 2 * 100 u * 1200 / (2 h) < 1.4e-7. Its truncation is h^2 / 6 times a third
# derivative of at most 16 |R| < 40 (log's 2 / a^3 at a = 0.5; log_softmax's
# is below 1 for each of the 3 entries of a column): below 7e-8.
STEP = 1e-4
CENTRAL_TOLERANCE = 4e-7


def test_the_tolerance_premises_hold():
    assert np.abs(A34).min() > 100 * STEP and np.abs(A34).max() <= 2
    assert POSITIVE.min() >= 0.5
    assert max(np.abs(R35).max(), np.abs(R34).max()) < 2.5


@pytest.mark.parametrize("name", OPERATIONS)
def test_each_operation_backward_equals_central_differences(name):
    # The backward step of every operation, against the derivative measured from its values.
    op, values, R = OPERATIONS[name]
    got, numeric = op_gradients(op, values, R)
    for g, n in zip(got, numeric):
        assert g.shape == n.shape
        np.testing.assert_allclose(g, n, atol=CENTRAL_TOLERANCE, rtol=0)


def test_the_operation_test_catches_the_planted_bug():
    # SuspectTensor's * passes each input its own value: the same test rejects it.
    op, values, R = OPERATIONS["*"]
    got, numeric = op_gradients(op, values, R, cls=SuspectTensor)
    assert max(np.abs(g - n).max() for g, n in zip(got, numeric)) > 100 * CENTRAL_TOLERANCE
    for other in ("@", "+ (same shape)", "sigmoid", "log_softmax", "sum"):
        op, values, R = OPERATIONS[other]
        got, numeric = op_gradients(op, values, R, cls=SuspectTensor)
        for g, n in zip(got, numeric):
            np.testing.assert_allclose(g, n, atol=CENTRAL_TOLERANCE, rtol=0)


def test_sum_to_shape_sums_over_the_stretched_axes_only():
    G = np.arange(12.0).reshape(3, 4)
    np.testing.assert_array_equal(sum_to_shape(G, (3, 1)), [[6.0], [22.0], [38.0]])
    np.testing.assert_array_equal(sum_to_shape(G, (1, 4)), [[12.0, 15.0, 18.0, 21.0]])
    np.testing.assert_array_equal(sum_to_shape(G, (3, 4)), G)
    assert sum_to_shape(G, ()) == 66.0
    np.testing.assert_array_equal(sum_to_shape(G, (4,)), [12.0, 15.0, 18.0, 21.0])


def test_a_value_used_twice_gets_both_shares():
    # J = sum(a * a + a): a gets a, a and 1, so dJ/da = 2 a + 1.
    a = Tensor([[5.0, -2.0]])
    J = (a * a + a).sum()
    J.backward()
    np.testing.assert_array_equal(a.grad, [[11.0, -3.0]])
    J.backward()  # every grad starts from 0 again
    np.testing.assert_array_equal(a.grad, [[11.0, -3.0]])


def test_arrays_and_numbers_on_the_left_make_tensors():
    # 1 - a, 2 * a and an array + a are graph operations, not numpy's entry by entry.
    a = Tensor(A34)
    for out in (1.0 - a, 2.0 * a, np.ones((3, 1)) + a, np.ones((3, 4)) * a):
        assert isinstance(out, Tensor) and out.value.shape == (3, 4)
    J = (np.full((3, 1), 3.0) * a + (1.0 - a)).sum()
    J.backward()
    np.testing.assert_array_equal(a.grad, np.full((3, 4), 2.0))


def test_topological_order_puts_every_node_after_its_parents():
    J, leaves = network_cost(init_params([3, 4, 2, 1], seed=1), RNG.standard_normal((3, 6)),
                             np.array([[0, 1, 1, 0, 1, 0.0]]))
    order = topological_order(J)
    place = {id(node): i for i, node in enumerate(order)}
    assert order[-1] is J and len(place) == len(order)
    assert all(place[id(p)] < place[id(node)] for node in order for p in node.parents)
    assert all(id(leaf) in place for leaf in leaves.values())


def test_network_cost_is_the_course_cost():
    params = init_params([3, 4, 2, 1], seed=2, scheme="normal", scale=1.0)
    X, Y = RNG.standard_normal((3, 7)), np.array([[0, 1, 1, 0, 1, 0, 1.0]])
    J, _ = network_cost(params, X, Y)
    ZL = forward_prop(X, params)[1][-1][1]
    # Each cost within cost_rounding_bound of the exact one: the graph's mean(softplus(Z) - Y Z)
    # takes logaddexp's max(0, z) + log1p(exp(-|z|)) and one subtraction, inside its (2F + 4u)
    # (|z| + 1) per example; the bound is below POWER of the cost, so a slip cannot hide in it.
    bound = 2 * cost_rounding_bound(params, X, Y, "sigmoid")
    assert bound <= POWER * cost_from_logits(ZL, Y)
    assert abs(J.value - cost_from_logits(ZL, Y)) <= bound
    params = init_params([3, 5, 4], seed=2, scheme="he")
    Y4 = one_hot(np.arange(7) % 4, 4)
    J, _ = network_cost(params, X, Y4, hidden="relu")
    expected = softmax_cost(model_forward(X, params)[0], Y4)
    # The same log_softmax on both sides; the graph multiplies by a rounded 1 / m where
    # softmax_cost divides by m: one rounding more, u J.
    bound = 2 * cost_rounding_bound(params, X, Y4, "relu") + U * expected
    assert bound <= POWER * expected
    assert abs(J.value - expected) <= bound


def random_network(dims, m, seed, scale=1.0):
    rng = np.random.default_rng(seed)
    params = {}
    for l in range(1, len(dims)):
        params[f"W{l}"] = scale * rng.standard_normal((dims[l], dims[l - 1])) / np.sqrt(dims[l - 1])
        params[f"b{l}"] = 0.5 * rng.standard_normal((dims[l], 1))
    X = rng.standard_normal((dims[0], m))
    if dims[-1] == 1:
        Y = (rng.random((1, m)) < 0.5).astype(float)
    else:
        Y = one_hot(rng.integers(0, dims[-1], m), dims[-1])
    return params, X, Y


@pytest.mark.parametrize("dims, m, seed", [
    ([2, 1], 40, 0), ([2, 8, 1], 50, 1), ([3, 4, 2, 1], 9, 2), ([30, 8, 1], 100, 3),
    ([8, 8, 8, 1], 8, 4), ([30, 16, 16, 16, 16, 1], 60, 5),
])
def test_autodiff_agrees_with_backprop_within_rounding(dims, m, seed):
    # The sigmoid networks of chapters 1-10: the same gradients, up to rounding's bound.
    params, X, Y = random_network(dims, m, seed, scale=2.0)
    AL, caches = forward_prop(X, params)
    # Every entry within agreement_bound, and that bound below POWER of its terms' sizes.
    assert_within(autodiff_grads(params, X, Y), backprop(AL, Y, caches),
                  *agreement_bound(params, X, Y, sizes=True))


@pytest.mark.parametrize("dims, m, seed, hidden", [
    ([64, 32, 10], 200, 6, "relu"), ([10, 16, 16, 4], 30, 7, "relu"),
    ([5, 7, 3], 11, 8, "sigmoid"), ([6, 9, 1], 20, 9, "relu"),
])
def test_autodiff_agrees_with_model_backward_within_rounding(dims, m, seed, hidden):
    # Part three's networks from their logits: relu or sigmoid hidden layers, softmax or one output.
    params, X, Y = random_network(dims, m, seed, scale=1.5)
    ZL, caches = model_forward(X, params, hidden)
    expected = model_backward(logit_gradient(ZL, Y), caches, hidden)
    assert_within(autodiff_grads(params, X, Y, hidden), expected,
                  *agreement_bound(params, X, Y, hidden, sizes=True))


def test_the_agreement_test_rejects_a_gradient_off_by_a_little():
    # A backward pass whose db averages with m - 1, a relative error of 1 / (m - 1), fails.
    params, X, Y = random_network([30, 8, 1], 100, 3, scale=2.0)
    AL, caches = forward_prop(X, params)
    wrong = backprop(AL, Y, caches)
    wrong["db1"] = wrong["db1"] * 100 / 99
    with pytest.raises(AssertionError, match="db1: a gap exceeds its bound"):
        assert_within(autodiff_grads(params, X, Y), wrong, *agreement_bound(params, X, Y, sizes=True))


def test_agreement_bound_is_infinite_where_a_rectifier_might_flip():
    # A hidden Z within rounding of 0 could take either slope: no bound is promised.
    params = {"W1": np.array([[1.0, 1.0]]), "b1": np.array([[0.0]]),
              "W2": np.array([[1.0]]), "b2": np.array([[0.0]])}
    X = np.array([[0.1, 1.0], [-0.1, 1.0]])  # 0.1 - 0.1 is exactly 0, but not exactly known
    X[1, 0] = -0.1 * (1 + 2 ** -52)
    bound = agreement_bound(params, X, np.array([[1.0, 0.0]]), hidden="relu")
    assert all(np.all(np.isinf(b)) for b in bound.values())


def test_bad_input_names_the_shapes():
    with pytest.raises(ValueError, match=r"\(3, 4\) @ \(3, 4\)"):
        Tensor(A34) @ Tensor(B34)
    with pytest.raises(ValueError, match=r"\(3, 4\) and \(4, 5\) do not broadcast"):
        Tensor(A34) + Tensor(C45)
    with pytest.raises(ValueError, match=r"single number.*\(3, 4\)"):
        Tensor(A34).sigmoid().backward()
    with pytest.raises(ValueError, match="positive"):
        Tensor(A34).log()
    with pytest.raises(ValueError, match="hidden"):
        network_cost(init_params([3, 1], seed=0), A34, np.zeros((1, 4)), hidden="tanh")
    with pytest.raises(ValueError, match=r"Y \(1, m\)"):
        network_cost(init_params([3, 1], seed=0), A34, np.zeros((4, 1)))


def test_relu_takes_slope_zero_at_zero_as_relu_backward_does():
    # At Z = 0 the rectifier has no slope; the graph takes 0 there, like nnlib.relu_backward.
    from nnlib import relu_backward

    Z = Tensor([[-1.0, 0.0, 2.0]])
    Z.relu().sum().backward()
    np.testing.assert_array_equal(Z.grad, [[0.0, 0.0, 1.0]])
    np.testing.assert_array_equal(Z.grad, relu_backward(np.ones((1, 3)), Z.value))


def test_draw_computation_graph_draws_every_node_and_edge():
    # The chapter's figure: one box per node (two texts each), one arrow per input of a node.
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from nnlib.plots import draw_computation_graph

    J, _ = network_cost(init_params([2, 2, 1], seed=1, scheme="normal", scale=1.0),
                        RNG.standard_normal((2, 3)), np.array([[0.0, 1.0, 1.0]]))
    J.backward()
    ax = draw_computation_graph(J)
    order = topological_order(J)
    arrows = [text for text in ax.texts if type(text).__name__ == "Annotation"]
    labels = [text for text in ax.texts if type(text).__name__ != "Annotation"]
    assert len(labels) == 2 * len(order) == 32
    assert len(arrows) == sum(len(node.parents) for node in order) == 16
    assert labels[-1].get_text() == "1"  # dJ/dJ
    plt.close(ax.figure)
