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


# --- the scheme argument --------------------------------------------------
# Tolerances for a sample standard deviation: n independent N(0, s^2) draws
# give a sample std within about s / sqrt(2 n) of s (its standard error).
# Five standard errors: a correct scheme fails with a chance below one in a
# million, while a scale off by the usual slips (a missing factor 2 under the
# square root: 29%; fan-in only: 12% or more) fails by a wide margin.
def within_five_standard_errors(W, s):
    return abs(W.std() - s) < 5 * s / np.sqrt(2 * W.size)


@pytest.mark.parametrize("seed", [0, 3, 12345])
def test_default_scheme_is_the_tutorials_bit_for_bit(seed):
    # The default must not change: one generator, layer by layer, N(0, 1) * 0.01.
    dims = [7, 5, 3, 1]
    rng = np.random.default_rng(seed)
    expected = [rng.standard_normal((dims[l], dims[l - 1])) * 0.01 for l in range(1, 4)]
    for params in (init_params(dims, seed=seed), init_params(dims, seed=seed, scheme="tutorial")):
        for l in range(1, 4):
            np.testing.assert_array_equal(params[f"W{l}"], expected[l - 1])
            np.testing.assert_array_equal(params[f"b{l}"], np.zeros((dims[l], 1)))


def test_tutorial_scheme_std_is_one_hundredth():
    W = init_params([400, 600], seed=0)["W1"]
    assert within_five_standard_errors(W, 0.01)


def test_zeros_scheme_is_exactly_zero():
    params = init_params([30, 16, 8, 1], scheme="zeros")
    assert sorted(params) == ["W1", "W2", "W3", "b1", "b2", "b3"]
    assert params["W2"].shape == (8, 16)
    for value in params.values():
        assert np.all(value == 0)


def test_xavier_std_follows_fan_in_and_fan_out():
    # Glorot and Bengio (2010): std sqrt(2 / (n_{l-1} + n_l)), different per layer.
    dims = [400, 600, 200]
    params = init_params(dims, seed=1, scheme="xavier")
    for l in (1, 2):
        s = np.sqrt(2 / (dims[l - 1] + dims[l]))
        assert within_five_standard_errors(params[f"W{l}"], s)
        assert abs(params[f"W{l}"].mean()) < 5 * s / np.sqrt(params[f"W{l}"].size)
        np.testing.assert_array_equal(params[f"b{l}"], 0)
    # the two layers' scales really differ (sqrt(2/1000) vs sqrt(2/800)), beyond noise
    assert params["W2"].std() > 1.05 * params["W1"].std()


def test_he_std_follows_fan_in_only():
    # He et al. (2015): std sqrt(2 / n_{l-1}), the fan-out plays no part.
    dims = [400, 600, 200]
    params = init_params(dims, seed=1, scheme="he")
    for l in (1, 2):
        s = np.sqrt(2 / dims[l - 1])
        assert within_five_standard_errors(params[f"W{l}"], s)
        np.testing.assert_array_equal(params[f"b{l}"], 0)
    # sqrt(2/400) against sqrt(2/600): the first layer's weights are wider, beyond noise
    assert params["W1"].std() > 1.15 * params["W2"].std()


@pytest.mark.parametrize("scale", [0.5, 1.0, 4.0])
def test_normal_scheme_std_is_scale(scale):
    params = init_params([400, 600, 1], seed=2, scheme="normal", scale=scale)
    assert within_five_standard_errors(params["W1"], scale)
    np.testing.assert_array_equal(params["b1"], 0)
    np.testing.assert_array_equal(params["b2"], 0)


def test_normal_scheme_defaults_to_scale_one_and_same_draw_as_tutorial():
    # Same generator and order, so scale 1 is the tutorial's draw times 100.
    a = init_params([6, 4, 1], seed=5, scheme="normal")
    b = init_params([6, 4, 1], seed=5)
    for l in (1, 2):
        np.testing.assert_allclose(a[f"W{l}"], 100 * b[f"W{l}"], rtol=1e-12)


@pytest.mark.parametrize("scheme", ["He", "Xavier", "", None, 0.5, 4])
def test_bad_scheme_names_the_allowed_ones(scheme):
    with pytest.raises(ValueError, match="scheme must be one of 'tutorial', 'zeros', 'xavier', 'he', 'normal'"):
        init_params([3, 2, 1], scheme=scheme)


@pytest.mark.parametrize("scale", [0, -1.0, float("nan"), float("inf"), "4", True])
def test_bad_scale(scale):
    with pytest.raises(ValueError, match="scale must be a positive number"):
        init_params([3, 2, 1], scheme="normal", scale=scale)


@pytest.mark.parametrize("scheme", ["tutorial", "zeros", "xavier"])
def test_scale_only_with_the_normal_scheme(scheme):
    with pytest.raises(ValueError, match="scale applies only to scheme='normal'"):
        init_params([3, 2, 1], scheme=scheme, scale=2.0)
