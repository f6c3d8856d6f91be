import warnings

import numpy as np
import pytest

from nnlib import (
    backprop,
    cost_function,
    forward_prop,
    linear_backward,
    one_layer_backward,
    sigmoid,
)
from nnlib.gradient_checking import rounding_limits


def central_difference_grads(params, X, Y, h=1e-6):
    """Independent reference: nudge each parameter both ways and difference the cost."""
    grads = {}
    for name, value in params.items():
        g = np.zeros_like(value)
        for i in np.ndindex(value.shape):
            up = {k: v.copy() for k, v in params.items()}
            down = {k: v.copy() for k, v in params.items()}
            up[name][i] += h
            down[name][i] -= h
            g[i] = (
                cost_function(forward_prop(X, up)[0], Y)
                - cost_function(forward_prop(X, down)[0], Y)
            ) / (2 * h)
        grads["d" + name] = g
    return grads


def test_gradients_match_central_differences_for_every_parameter(net):
    # The central-difference check of the whole three-layer net, parameter by parameter.
    params, X, Y = net
    AL, caches = forward_prop(X, params)
    grads = backprop(AL, Y, caches)
    numeric = central_difference_grads(params, X, Y)
    limits = rounding_limits(params, X, Y, eps=1e-6)
    assert set(grads) == {"dW1", "db1", "dW2", "db2", "dW3", "db3"}
    for key, g_num in numeric.items():
        g = grads[key]
        assert g.shape == g_num.shape
        error = np.linalg.norm(g - g_num) / (np.linalg.norm(g) + np.linalg.norm(g_num))
        # At most what rounding allows on any machine (nnlib.gradient_checking.rounding_limits).
        assert error <= limits[key][1], f"{key}: relative error {error:.2e}"


def test_one_layer_backward_by_hand():
    # One unit, two inputs, two examples: the formulas worked out in full.
    A_prev = np.array([[1.0, 2.0], [3.0, -1.0]])
    W = np.array([[0.5, -0.25]])
    b = np.array([[0.1]])
    Z = W @ A_prev + b
    dA = np.array([[1.0, -2.0]])
    s = 1 / (1 + np.exp(-Z))
    dZ = dA * s * (1 - s)
    dA_prev, dW, db = one_layer_backward(dA, ((A_prev, W, b), Z))
    np.testing.assert_allclose(dW, [[(dZ[0, 0] * 1 + dZ[0, 1] * 2) / 2, (dZ[0, 0] * 3 - dZ[0, 1]) / 2]])
    np.testing.assert_allclose(db, [[(dZ[0, 0] + dZ[0, 1]) / 2]])
    np.testing.assert_allclose(dA_prev, [[0.5 * dZ[0, 0], 0.5 * dZ[0, 1]], [-0.25 * dZ[0, 0], -0.25 * dZ[0, 1]]])


def test_output_shortcut_equals_the_long_way(net):
    # dZ[L] = AL - Y is dA[L] * sigma'(Z[L]) with dA[L] from the cross-entropy.
    params, X, Y = net
    AL, caches = forward_prop(X, params)
    dAL = -(Y / AL - (1 - Y) / (1 - AL))
    _, dW_long, db_long = one_layer_backward(dAL, caches[-1])
    grads = backprop(AL, Y, caches)
    np.testing.assert_allclose(grads["dW3"], dW_long, rtol=1e-10)
    np.testing.assert_allclose(grads["db3"], db_long, rtol=1e-10)


def test_saturated_output_gives_finite_gradients():
    # Predictions of exactly 0 and 1 would divide by zero in the long form.
    W = np.array([[100.0]])
    b = np.array([[0.0]])
    X = np.array([[-10.0, 10.0]])
    Z = W @ X + b
    AL, _ = sigmoid(Z)
    assert AL[0, 0] == 0.0 and AL[0, 1] == 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        grads = backprop(AL, np.array([[1.0, 0.0]]), [((X, W, b), Z)])
    np.testing.assert_allclose(grads["dW1"], [[(-1 * -10 + 1 * 10) / 2]])
    np.testing.assert_allclose(grads["db1"], [[0.0]])


def test_labels_of_the_wrong_shape(net):
    params, X, Y = net
    AL, caches = forward_prop(X, params)
    with pytest.raises(ValueError, match=r"Y has shape \(7,\)"):
        backprop(AL, Y.ravel(), caches)


def test_backprop_equals_one_layer_backward_layer_by_layer(net):
    # backprop is linear_backward at the output, then one_layer_backward down the layers.
    params, X, Y = net
    AL, caches = forward_prop(X, params)
    grads = backprop(AL, Y, caches)
    L = len(caches)
    dA, dW, db = linear_backward(AL - Y, caches[L - 1][0])
    expected = {f"dW{L}": dW, f"db{L}": db}
    for l in range(L - 1, 0, -1):
        dA, expected[f"dW{l}"], expected[f"db{l}"] = one_layer_backward(dA, caches[l - 1])
    assert set(grads) == set(expected)
    for key in expected:
        np.testing.assert_array_equal(grads[key], expected[key])


def test_backprop_keeps_float32_and_leaves_the_caches_alone(net):
    params, X, Y = net
    params32 = {k: v.astype(np.float32) for k, v in params.items()}
    AL, caches = forward_prop(X.astype(np.float32), params32)
    before = [(A_prev.copy(), Z.copy()) for (A_prev, _, _), Z in caches]
    grads = backprop(AL, Y.astype(np.float32), caches)
    assert all(g.dtype == np.float32 for g in grads.values())
    for ((A_prev, _, _), Z), (A_before, Z_before) in zip(caches, before):
        np.testing.assert_array_equal(A_prev, A_before)
        np.testing.assert_array_equal(Z, Z_before)


def test_backprop_is_the_chapters_functions_in_a_loop(net, monkeypatch):
    # linear_backward once, at the output; one_layer_backward for each hidden layer, top down.
    import nnlib.backward

    calls = []
    for name in ("linear_backward", "one_layer_backward"):
        real = getattr(nnlib.backward, name)

        def spy(dX, cache, name=name, real=real):
            calls.append(name)
            return real(dX, cache)

        monkeypatch.setattr(nnlib.backward, name, spy)
    params, X, Y = net
    AL, caches = forward_prop(X, params)
    backprop(AL, Y, caches)
    # one_layer_backward itself calls linear_backward, through the module's name too.
    assert calls == ["linear_backward", "one_layer_backward", "linear_backward",
                     "one_layer_backward", "linear_backward"]
