import numpy as np
import pytest

from nnlib.rectifier import relu, relu_backward


def test_relu_known_values_and_cache():
    # max(0, z), with Z itself kept for the backward pass.
    Z = np.array([[-2.0, -0.0, 0.0, 0.5, 3.0]])
    A, cache = relu(Z)
    np.testing.assert_array_equal(A, [[0, 0, 0, 0.5, 3]])
    np.testing.assert_array_equal(cache, Z)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_relu_keeps_float32_and_makes_the_rest_float64(dtype):
    A, _ = relu(np.ones((2, 3), dtype=dtype))
    assert A.dtype == dtype
    A, _ = relu(np.ones((2, 3), dtype=int))
    assert A.dtype == np.float64


def test_relu_backward_passes_dA_where_z_is_positive_and_nothing_at_zero():
    # The slope is 1 for z > 0 and 0 for z <= 0 (0 at the kink, as PyTorch takes it).
    Z = np.array([[-1.0, 0.0, 2.0], [3.0, -4.0, 1e-300]])
    dA = np.array([[5.0, 6.0, 7.0], [-8.0, 9.0, 10.0]])
    np.testing.assert_array_equal(relu_backward(dA, Z), [[0, 0, 7], [-8, 0, 10]])


def test_relu_backward_is_the_derivative_away_from_the_kink(rng):
    # Central differences of sum(dA * relu(Z)) give dA * slope; relu is linear on each side, so
    # the quotient is exact up to the rounding of z +- h and of the difference: a few u relative.
    Z = rng.normal(size=(4, 6))
    Z[np.abs(Z) < 1e-3] = 0.5  # keep every entry well away from the kink
    dA = rng.normal(size=Z.shape)
    h = 1e-6
    numeric = (relu(Z + h)[0] - relu(Z - h)[0]) / (2 * h) * dA
    np.testing.assert_allclose(relu_backward(dA, Z), numeric, rtol=1e-8, atol=1e-8)


def test_a_dead_unit_passes_no_gradient():
    # A unit whose z is negative for every example gets dZ = 0, whatever dA is.
    Z = np.array([[-1.0, -2.0, -0.5], [1.0, 2.0, 3.0]])
    dZ = relu_backward(np.ones_like(Z), Z)
    assert not dZ[0].any() and dZ[1].all()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_relu_backward_keeps_the_gradients_dtype_and_changes_no_input(dtype):
    # dZ has dA's dtype (float32 stays float32, as in sigmoid_backward), and neither input moves.
    Z = np.array([[-1.0, 2.0], [0.5, -3.0]], dtype=dtype)
    dA = np.array([[4.0, 5.0], [6.0, 7.0]], dtype=dtype)
    Z0, dA0 = Z.copy(), dA.copy()
    dZ = relu_backward(dA, Z)
    assert dZ.dtype == dtype
    np.testing.assert_array_equal(dZ, [[0, 5], [6, 0]])
    np.testing.assert_array_equal(Z, Z0)
    np.testing.assert_array_equal(dA, dA0)


def test_a_rectifier_keeps_half_the_second_moment_of_a_symmetric_input():
    # He's argument, on relu itself: for z symmetric about 0, E[relu(z)^2] = E[z^2] / 2 exactly,
    # since each z and its mirror -z contribute z^2 between them.
    rng = np.random.default_rng(5)
    z = rng.standard_normal(1000)
    Z = np.concatenate([z, -z])[np.newaxis, :]
    A, _ = relu(Z)
    np.testing.assert_allclose(np.mean(A**2), np.mean(Z**2) / 2, rtol=1e-12)
