import numpy as np
import pytest

from nnlib import forward_prop, init_params, sigmoid


def test_shapes_and_caches(net):
    # One cache per layer, ((A_prev, W, b), Z), with the shapes of the text.
    params, X, _ = net
    AL, caches = forward_prop(X, params)
    assert AL.shape == (1, 7)
    assert len(caches) == 3
    (A_prev, W, b), Z = caches[1]
    assert A_prev.shape == (5, 7) and W.shape == (3, 5) and b.shape == (3, 1)
    assert Z.shape == (3, 7)
    np.testing.assert_array_equal(caches[0][0][0], X)


def test_matches_one_example_at_a_time(net):
    # Independent reference: loop over columns and units with plain floats.
    params, X, _ = net
    AL, _ = forward_prop(X, params)
    for j in range(X.shape[1]):
        a = list(X[:, j])
        for l in (1, 2, 3):
            W, b = params[f"W{l}"], params[f"b{l}"]
            a = [
                1 / (1 + np.exp(-(sum(W[i, k] * a[k] for k in range(len(a))) + b[i, 0])))
                for i in range(W.shape[0])
            ]
        np.testing.assert_allclose(AL[:, j], a, rtol=1e-12)


def test_last_cache_Z_gives_output(net):
    # The activation cache holds Z, and sigmoid(Z[L]) is the output.
    params, X, _ = net
    AL, caches = forward_prop(X, params)
    np.testing.assert_array_equal(sigmoid(caches[-1][1])[0], AL)


def test_examples_in_rows_is_caught_with_a_hint():
    params = init_params([30, 8, 1])
    X = np.zeros((569, 30))
    with pytest.raises(ValueError, match=r"X has shape \(569, 30\) but W1 expects 30 rows.*X\.T"):
        forward_prop(X, params)


@pytest.mark.parametrize(
    "X, message",
    [
        (np.zeros(3), "2-D array"),
        (np.zeros((4, 2)), r"expects 3 rows"),
        (np.array([[1.0], [np.nan], [0.0]]), "NaN or infinite"),
        (np.array([[1.0], [np.inf], [0.0]]), "NaN or infinite"),
        (np.zeros((3, 0)), "no examples"),
        ([["a"], ["b"], ["c"]], "array of numbers"),
    ],
)
def test_bad_X(X, message):
    with pytest.raises(ValueError, match=message):
        forward_prop(X, init_params([3, 2, 1]))


def test_mismatched_params():
    # W2 must have as many columns as layer 1 has units.
    params = init_params([3, 2, 1])
    params["W2"] = np.zeros((1, 5))
    with pytest.raises(ValueError, match="W2 has shape"):
        forward_prop(np.zeros((3, 2)), params)
    params = init_params([3, 2, 1])
    params["b1"] = np.zeros(2)
    with pytest.raises(ValueError, match=r"b1 must have shape \(2, 1\)"):
        forward_prop(np.zeros((3, 2)), params)
    params = init_params([3, 4, 2, 1])
    params["W2"] = params["W2"].T
    with pytest.raises(ValueError, match=r"W2 has shape \(4, 2\).*needs 4 columns - did you mean W2\.T"):
        forward_prop(np.zeros((3, 2)), params)
    with pytest.raises(ValueError, match="keys"):
        forward_prop(np.zeros((3, 2)), {"W1": np.zeros((2, 3))})
