import numpy as np

import pytest

from nnlib import backprop, cost_function, forward_prop, gradcheck, init_params, relative_error
from nnlib.gradient_checking import cost_rounding_bound, rounding_limits


def test_correct_backprop_passes(net):
    # A correct backprop's errors lie inside the range rounding allows, which
    # holds on any machine; the range itself is far below a bug's 1e-2.
    params, X, Y = net
    errors = gradcheck(params, X, Y)
    limits = rounding_limits(params, X, Y)
    assert set(errors) == {"dW1", "db1", "dW2", "db2", "dW3", "db3"} == set(limits)
    for key, error in errors.items():
        low, high = limits[key]
        assert low <= error <= high, f"{key}: {error:.2e} outside [{low:.2e}, {high:.2e}]"
        assert high < 1e-5


def random_net(rng, dims, m, scale):
    params = init_params(dims, seed=int(rng.integers(1000)), scheme="normal", scale=scale)
    for l in range(1, len(dims)):
        params[f"b{l}"] = rng.standard_normal(params[f"b{l}"].shape)
    X = rng.standard_normal((dims[0], m))
    Y = (rng.random((1, m)) < 0.5).astype(float)
    return params, X, Y


def exact_cost(params, X, Y):
    """The cost in extended precision: a reference some 2000 times finer than float64."""
    A = X.astype(np.longdouble)
    for l in range(1, len(params) // 2 + 1):
        W, b = params[f"W{l}"].astype(np.longdouble), params[f"b{l}"].astype(np.longdouble)
        A = 1 / (1 + np.exp(-(W @ A + b)))
    Y = Y.astype(np.longdouble)
    return -(Y * np.log(A) + (1 - Y) * np.log(1 - A)).sum() / Y.shape[1]


@pytest.mark.skipif(
    np.finfo(np.longdouble).eps > 1e-3 * np.finfo(np.float64).eps,
    reason="this platform's long double is no finer than float64 (e.g. Apple silicon, Windows)",
)
@pytest.mark.parametrize("case", range(30))
def test_cost_rounding_bound_holds_against_extended_precision(case):
    # The bound must cover the real rounding error of float64's cost, measured
    # against the same cost in long double, on nets of many shapes and scales.
    rng = np.random.default_rng(case)
    dims = [int(n) for n in rng.integers(2, 64, size=int(rng.integers(2, 5)))] + [1]
    params, X, Y = random_net(rng, dims, int(rng.integers(1, 400)), float(rng.choice([0.1, 1.0, 3.0])))
    J = cost_function(forward_prop(X, params)[0], Y)
    error = abs(np.longdouble(J) - exact_cost(params, X, Y))
    bound = cost_rounding_bound(params, X, Y)
    assert error <= bound, f"error {float(error):.2e} > bound {bound:.2e}"


def test_cost_rounding_bound_scales_with_machine_epsilon_and_sizes(net):
    # The worst case is some tens to hundreds of units of rounding, not orders more.
    params, X, Y = net
    J = cost_function(forward_prop(X, params)[0], Y)
    u = np.finfo(float).eps / 2
    assert 10 * u * J < cost_rounding_bound(params, X, Y) < 1e4 * u * J


def test_cost_rounding_bound_term_by_term_where_it_can_be_done_by_hand():
    # One sigmoid unit with W = 0 and b = 0: Z = 0 exactly (no error from the sum),
    # A = 1/2, and Y = 1, so each of the m examples' loss is log 2. The bound's terms:
    # - the sigmoid's own error: an exp (f = 2 FUNCTION_ULPS u) and 3u for the
    #   rounding of the addition, the division and the form for negative Z, times A;
    # - the log: that error over A, plus f times the loss;
    # - the mean: gamma_m times the sum of the losses, and u for the division by m.
    from nnlib.gradient_checking import FUNCTION_ULPS

    u = np.finfo(np.float64).eps / 2
    f = 2 * FUNCTION_ULPS * u
    m = 4
    gamma_m = m * u / (1 - m * u)
    params = {"W1": np.zeros((1, 3)), "b1": np.zeros((1, 1))}
    X = np.random.default_rng(0).standard_normal((3, m))
    Y = np.ones((1, m))
    A, loss = 0.5, np.log(2)
    sigmoid_error = (f + 3 * u) * A
    expected = (sigmoid_error / A + f * loss) + gamma_m * loss + u * loss
    assert cost_rounding_bound(params, X, Y) == pytest.approx(expected, rel=1e-12, abs=0)
    # Two layers: the first one's error, A (1 - A) = 1/4 of it through the second.
    params2 = {"W1": np.zeros((1, 3)), "b1": np.zeros((1, 1)), "W2": np.ones((1, 1)), "b2": np.zeros((1, 1))}
    A2 = 1 / (1 + np.exp(-0.5))
    E_Z2 = 2 * u / (1 - 2 * u) * A + 1 * sigmoid_error  # gamma_2 (|W2| A1 + |b2|) + |W2| E1
    E2 = A2 * (1 - A2) * E_Z2 + (f + 3 * u) * A2
    loss2 = -np.log(A2)
    expected2 = (E2 / A2 + f * loss2) + gamma_m * loss2 + u * loss2
    assert cost_rounding_bound(params2, X, Y) == pytest.approx(expected2, rel=1e-12, abs=0)


@pytest.mark.parametrize("case", range(6))
def test_rounding_limits_bracket_a_correct_gradcheck(case):
    # On nets of other shapes, with healthy and with tiny gradients alike.
    rng = np.random.default_rng(100 + case)
    dims = [int(n) for n in rng.integers(2, 9, size=3)] + [1]
    params, X, Y = random_net(rng, dims, int(rng.integers(2, 12)), [1.0, 1e-3][case % 2])
    errors = gradcheck(params, X, Y)
    for key, (low, high) in rounding_limits(params, X, Y).items():
        assert 0 <= low <= errors[key] <= high, key


def test_missing_one_over_m_is_caught(net):
    # A planted bug: gradients m times too large must fail the check clearly.
    params, X, Y = net
    m = X.shape[1]

    def no_mean(AL, Y, caches):
        return {k: v * m for k, v in backprop(AL, Y, caches).items()}

    errors = gradcheck(params, X, Y, backprop_fn=no_mean)
    assert min(errors.values()) > 1e-2


def test_relative_error():
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error(np.array([1.0, 0.0]), np.array([-1.0, 0.0])) == 1.0
