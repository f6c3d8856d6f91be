import numpy as np
import pytest

from nnlib import init_params


def test_shapes_follow_layer_dims():
    # W[l] is (n_l, n_{l-1}) and b[l] is (n_l, 1), for every layer.
    params = init_params([30, 8, 4, 1])
    assert sorted(params) == ["W1", "W2", "W3", "b1", "b2", "b3"]
    assert params["W1"].shape == (8, 30)
    assert params["W2"].shape == (4, 8)
    assert params["W3"].shape == (1, 4)
    assert params["b2"].shape == (4, 1)


def test_biases_zero_and_weights_small():
    # b starts at 0; W is N(0, 1) scaled by 0.01.
    params = init_params([200, 300, 1])
    np.testing.assert_array_equal(params["b1"], 0)
    W = params["W1"]
    assert abs(W.std() - 0.01) < 0.0005  # 60,000 draws: std error ~3e-5
    assert abs(W.mean()) < 0.0002


def test_same_seed_same_weights_other_seed_other_weights():
    a, b, c = init_params([3, 4, 1]), init_params([3, 4, 1]), init_params([3, 4, 1], seed=4)
    np.testing.assert_array_equal(a["W1"], b["W1"])
    assert not np.allclose(a["W1"], c["W1"])


def test_does_not_touch_global_random_state():
    # The tutorial called np.random.seed inside init_params; we must not.
    np.random.seed(123)
    expected = np.random.random(3)
    np.random.seed(123)
    init_params([5, 3, 1])
    np.testing.assert_array_equal(np.random.random(3), expected)


@pytest.mark.parametrize(
    "dims, message",
    [
        ([30], "at least two sizes"),
        ([], "at least two sizes"),
        ([30, 0, 1], r"layer_dims\[1\] must be a positive"),
        ([30, -2, 1], r"layer_dims\[1\]"),
        ([30, 2.5, 1], r"layer_dims\[1\]"),
        ("30, 1", "list of layer sizes"),
        (30, "list of layer sizes"),
    ],
)
def test_bad_layer_dims(dims, message):
    # Fewer than two sizes, or sizes that are not positive whole numbers.
    with pytest.raises(ValueError, match=message):
        init_params(dims)
