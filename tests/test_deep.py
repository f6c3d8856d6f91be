"""Unit tests of nnlib.deep's model_forward and model_backward: shapes, caches, gradients, bad input."""

import numpy as np
import pytest

from nnlib import backprop, forward_prop, one_hot, relu, sigmoid
from nnlib.deep import logit_cost, logit_gradient, model_backward, model_forward
from rounding import F, U, cost_rounding_bound, gamma, logits_rounding_bound


def make_net(dims, m, seed, K_labels=False):
    """Weights of size ~1 (real gradients in every layer), biases, inputs and labels."""
    rng = np.random.default_rng(seed)
    params = {}
    for l in range(1, len(dims)):
        params[f"W{l}"] = rng.standard_normal((dims[l], dims[l - 1])) / np.sqrt(dims[l - 1]) * 1.5
        params[f"b{l}"] = 0.5 * rng.standard_normal((dims[l], 1))
    X = rng.standard_normal((dims[0], m))
    if dims[-1] == 1:
        Y = (rng.random((1, m)) < 0.5).astype(float)
    else:
        Y = one_hot(rng.integers(0, dims[-1], size=(1, m)), dims[-1])
    return params, X, Y


NETS = [  # (hidden, dims, m, seed)
    ("relu", [4, 6, 5, 1], 9, 1),
    ("relu", [4, 6, 5, 3], 9, 2),
    ("sigmoid", [4, 6, 5, 1], 9, 3),
    ("sigmoid", [4, 6, 5, 3], 9, 4),
]


# --- shapes and caches --------------------------------------------------------------------


@pytest.mark.parametrize("hidden, dims, m, seed", NETS)
def test_forward_shapes_and_caches(hidden, dims, m, seed):
    # ZL is (n_L, m); cache l holds (A_prev, W, b), Z and no dropout mask; A_prev of layer l + 1
    # is g(Z[l]), and the last layer's Z is ZL itself, with no activation.
    params, X, _ = make_net(dims, m, seed)
    ZL, caches = model_forward(X, params, hidden)
    L = len(dims) - 1
    assert ZL.shape == (dims[-1], m) and len(caches) == L
    g = {"relu": relu, "sigmoid": sigmoid}[hidden]
    A_prev = X
    for l, ((A, W, b), Z, mask) in enumerate(caches, start=1):
        assert np.array_equal(A, A_prev)
        assert W is params[f"W{l}"] and b is params[f"b{l}"]
        assert Z.shape == (dims[l], m) and mask is None
        A_prev = g(Z)[0]
    np.testing.assert_array_equal(caches[-1][1], ZL)
    # Z[l] = W[l] A[l-1] + b[l], to the rounding of a sum of n_{l-1} + 1 terms
    for (A, W, b), Z, _ in caches:
        limit = gamma(W.shape[1] + 1) * (np.abs(W) @ np.abs(A) + np.abs(b))
        assert np.all(np.abs(Z - (W @ A + b)) <= limit)


@pytest.mark.parametrize("hidden, dims, m, seed", NETS)
def test_backward_shapes(hidden, dims, m, seed):
    # One dW and db per layer, shaped like W and b, and nothing else.
    params, X, Y = make_net(dims, m, seed)
    ZL, caches = model_forward(X, params, hidden)
    grads = model_backward(logit_gradient(ZL, Y), caches, hidden)
    assert set(grads) == {"d" + k for k in params}
    for k, p in params.items():
        assert grads["d" + k].shape == p.shape


# --- gradients against central differences ------------------------------------------------


def cost(params, X, Y, hidden):
    return logit_cost(model_forward(X, params, hidden)[0], Y)


def truncation_bound(params, X, name, index, eps, hidden):
    """Bound eps^2 / 6 |J'''| over the nudge, for parameter ``name`` at ``index``.

    Along one parameter theta of layer l, the logits' derivatives in theta obey,
    layer by layer (2-norms; g's slopes bounded by c1, c2, c3: 1/4, 1/(6 sqrt 3)
    and 1/8 for the sigmoid; 1, 0, 0 for relu while no unit changes sign):
    d1' = |W| c1 d1, d2' = |W| (c2 d1^2 + c1 d2), d3' = |W| (c3 d1^3 + 3 c2 d1 d2 + c1 d3),
    starting from d1 = |a_j| (the weight's input; 1 for a bias). The loss's own
    derivatives in the logits are at most sqrt 2, 1 and 1 in norm (softmax or
    sigmoid cross-entropy), so |f'''| <= d1^3 + 3 d1 d2 + sqrt 2 d3 per example.
    """
    c1, c2, c3 = (1.0, 0.0, 0.0) if hidden == "relu" else (0.25, 1 / (6 * np.sqrt(3)), 0.125)
    l = int(name[1:])
    L = len(params) // 2
    _, caches = model_forward(X, params, hidden)
    if name[0] == "W":
        d1 = np.abs(caches[l - 1][0][0][index[1]])  # a_j for every example
    else:
        d1 = np.ones(X.shape[1])
    d2 = d3 = np.zeros_like(d1)
    for k in range(l + 1, L + 1):
        norm = np.linalg.norm(params[f"W{k}"], 2)
        d1, d2, d3 = (norm * c1 * d1, norm * (c2 * d1**2 + c1 * d2),
                      norm * (c3 * d1**3 + 3 * c2 * d1 * d2 + c1 * d3))
    third = d1**3 + 3 * d1 * d2 + np.sqrt(2) * d3
    return eps**2 / 6 * third.mean()


def backward_rounding_bound(params, X, Y, hidden):
    """Bound model_backward's own rounding: gamma_N times the same sweep run on absolute values.

    Every entry of every gradient is a sum of products along paths through the
    network; the sweep on |dZ[L]|, |W|, |A| and the activations' largest slopes
    bounds the sum of those products' sizes, and N counts every operation on
    the longest path (the widths, m, and a few per layer).
    """
    ZL, caches = model_forward(X, params, hidden)
    slope = 1.0 if hidden == "relu" else 0.25
    L = len(caches)
    dZ = np.abs(logit_gradient(ZL, Y)) + 2 * F  # the logits' slope, and its own rounding
    bounds = {}
    N = sum(W.shape[0] + W.shape[1] for (_, W, _), _, _ in caches) + X.shape[1] + 8 * L
    for l in range(L, 0, -1):
        (A_prev, W, _), _, _ = caches[l - 1]
        m = A_prev.shape[1]
        bounds[f"dW{l}"] = gamma(N) * (dZ @ np.abs(A_prev).T) / m
        bounds[f"db{l}"] = gamma(N) * dZ.sum(axis=1, keepdims=True) / m
        dZ = slope * (np.abs(W).T @ dZ)
    return bounds


def central_differences(params, X, Y, hidden, eps):
    numeric, limits = {}, {}
    back = backward_rounding_bound(params, X, Y, hidden)
    ZL, caches = model_forward(X, params, hidden)
    signs = [np.sign(Z) for _, Z, _ in caches[:-1]]
    for name, value in params.items():
        g_num, limit = np.zeros_like(value), np.zeros_like(value)
        for i in np.ndindex(value.shape):
            costs, rounding = [], 0.0
            for step in (eps, -eps):
                nudged = dict(params)
                nudged[name] = value.copy()
                nudged[name][i] += step
                if hidden == "relu":  # no unit changes sign: the logits are affine in theta
                    _, nudged_caches = model_forward(X, nudged, hidden)
                    assert all(np.array_equal(np.sign(Z), s) and np.all(Z != 0)
                               for (_, Z, _), s in zip(nudged_caches[:-1], signs))
                costs.append(cost(nudged, X, Y, hidden))
                rounding += cost_rounding_bound(nudged, X, Y, hidden)
            g_num[i] = (costs[0] - costs[1]) / (2 * eps)
            limit[i] = (rounding / (2 * eps) + truncation_bound(params, X, name, i, eps, hidden)
                        + U * abs(g_num[i]) * (abs(value[i]) + eps) / eps + 2 * U * abs(g_num[i]))
        numeric["d" + name] = g_num
        limits["d" + name] = limit + back["d" + name]
    return numeric, limits


@pytest.mark.parametrize("hidden, dims, m, seed", NETS)
def test_gradients_equal_central_differences_within_rounding_and_truncation(hidden, dims, m, seed):
    # Every parameter, both activations, one and K outputs: |backward - central difference| is at
    # most what rounding (both sides) and the central difference's truncation allow.
    params, X, Y = make_net(dims, m, seed)
    ZL, caches = model_forward(X, params, hidden)
    grads = model_backward(logit_gradient(ZL, Y), caches, hidden)
    numeric, limits = central_differences(params, X, Y, hidden, eps=1e-6)
    for key, g in grads.items():
        assert np.all(np.abs(g - numeric[key]) <= limits[key]), key
        # The bound is tight enough to mean something: a ten-thousandth of the gradient or less.
        assert np.linalg.norm(limits[key]) < 1e-4 * np.linalg.norm(g), key


def test_a_wrong_relu_slope_fails_the_same_comparison():
    # The comparison's teeth: a backward pass that lets dA through every unit (no mask) is caught.
    from nnlib import deep

    params, X, Y = make_net([4, 6, 5, 3], 9, 2)
    ZL, caches = model_forward(X, params, "relu")
    original = deep.ACTIVATIONS["relu"]
    deep.ACTIVATIONS["relu"] = (original[0], lambda dA, Z: dA)
    try:
        grads = model_backward(logit_gradient(ZL, Y), caches, "relu")
    finally:
        deep.ACTIVATIONS["relu"] = original
    numeric, limits = central_differences(params, X, Y, "relu", eps=1e-6)
    assert np.any(np.abs(grads["dW1"] - numeric["dW1"]) > limits["dW1"])


# --- the chapters' network, rewritten -----------------------------------------------------


def test_all_sigmoid_single_output_is_forward_prop_and_backprop():
    # sigmoid(ZL) is forward_prop's AL and the gradients are backprop's. Both sweeps do the same
    # operations, so they differ by at most twice one sweep's rounding (bounded as above), plus the
    # two routes to dZ[L] = AL - Y: a few u of 1 each. Each output is within a quarter of its
    # logit's error bound (the sigmoid's slope) plus the sigmoid's own rounding of the exact one.
    params, X, Y = make_net([4, 6, 5, 1], 9, 3)
    ZL, caches = model_forward(X, params, "sigmoid")
    grads = model_backward(logit_gradient(ZL, Y), caches, "sigmoid")
    AL, old_caches = forward_prop(X, params)
    old = backprop(AL, Y, old_caches)
    _, E_ZL = logits_rounding_bound(params, X, "sigmoid")
    assert np.all(np.abs(sigmoid(ZL)[0] - AL) <= 2 * (E_ZL / 4 + (F + 3 * U) * AL))
    back = backward_rounding_bound(params, X, Y, "sigmoid")
    for key, g in grads.items():
        assert np.all(np.abs(g - old[key]) <= 2 * back[key] + 8 * U), key
    for (A, W, b), Z, _ in caches:
        assert any(W is W2 and np.array_equal(Z, Z2) for (_, W2, _), Z2 in old_caches)


# --- bad input ----------------------------------------------------------------------------


def test_bad_input_is_named():
    # ValueError, naming what was expected and what came.
    params, X, Y = make_net([4, 6, 5, 1], 9, 1)
    with pytest.raises(ValueError, match=r"X has shape \(9, 4\) but W1 expects 4 rows.*X\.T"):
        model_forward(X.T, params)
    with pytest.raises(ValueError, match=r"hidden must be one of 'sigmoid', 'relu'; got 'tanh'"):
        model_forward(X, params, hidden="tanh")
    with pytest.raises(ValueError, match=r"W2 has shape \(6, 5\) but layer 1 has 6 units"):
        model_forward(X, {**params, "W2": params["W2"].T})
    with pytest.raises(ValueError, match=r"keep_prob must be a probability.*got 1.5"):
        model_forward(X, params, keep_prob=1.5)
    with pytest.raises(ValueError, match=r"pass rng=np.random.default_rng"):
        model_forward(X, params, keep_prob=0.5)
    ZL, caches = model_forward(X, params)
    with pytest.raises(ValueError, match=r"hidden must be one of 'sigmoid', 'relu'; got 'ReLU'"):
        model_backward(logit_gradient(ZL, Y), caches, hidden="ReLU")
    with pytest.raises(ValueError, match=r"dZL has shape \(1, 8\) but the last layer's Z has shape \(1, 9\)"):
        model_backward(logit_gradient(ZL, Y)[:, :8], caches)
    with pytest.raises(ValueError, match=r"caches must be the list model_forward returns.*got dict"):
        model_backward(logit_gradient(ZL, Y), {"caches": caches})
    with pytest.raises(ValueError, match=r"caches must be the list.*got an empty list"):
        model_backward(logit_gradient(ZL, Y), [])
