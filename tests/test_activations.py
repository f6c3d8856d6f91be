import math
import warnings

import numpy as np

from nnlib import sigmoid, sigmoid_backward

# One rounding is off by at most u of its value. A sigmoid, an exp (4 ulps, 8u) then an
# addition and a division, is within 11u, wherever the exp comes from (numpy's SIMD or libm).
u = np.finfo(float).eps / 2


def test_known_values():
    # sigma(0) = 1/2 and the cache is Z itself.
    A, cache = sigmoid(np.array([[0.0, 2.0, -3.0]]))
    expected = [[0.5, 1 / (1 + math.exp(-2.0)), 1 / (1 + math.exp(3.0))]]
    np.testing.assert_allclose(A, expected, rtol=22 * u)  # two sigmoids, each within 11u
    np.testing.assert_array_equal(cache, [[0.0, 2.0, -3.0]])


def test_matches_math_exp_over_a_range(rng):
    # Independent reference: Python's math.exp, one value at a time.
    Z = rng.uniform(-30, 30, size=(4, 50))
    A, _ = sigmoid(Z)
    reference = np.vectorize(lambda z: 1 / (1 + math.exp(-z)))(Z)
    np.testing.assert_allclose(A, reference, rtol=22 * u)  # two sigmoids, each within 11u
    assert A.shape == Z.shape


def test_symmetry():
    # sigma(-z) = 1 - sigma(z).
    Z = np.linspace(-20, 20, 41).reshape(1, -1)
    # Each side within 11u of its value, both below 1, and 1 - A one more rounding.
    np.testing.assert_allclose(sigmoid(-Z)[0], 1 - sigmoid(Z)[0], rtol=0, atol=12 * u)


def test_saturated_inputs_are_finite_without_warnings():
    # The naive formula overflows in exp(1000); ours must not warn.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        A, _ = sigmoid(np.array([[-1000.0, -745.0, 745.0, 1000.0]]))
    assert np.all(np.isfinite(A))
    np.testing.assert_array_equal(A[0, [0, 3]], [0.0, 1.0])


def test_derivative_matches_central_difference(rng):
    # dZ = dA * sigma'(Z); with dA = 1 this is sigma' itself.
    Z = rng.uniform(-6, 6, size=(3, 20))
    h = 1e-6
    numeric = (sigmoid(Z + h)[0] - sigmoid(Z - h)[0]) / (2 * h)
    # Rounding: two sigmoids within 13u each (Z + h rounds too), over 2h: 1.4e-9.
    # Truncation: h**2 / 6 times the largest third derivative, 1/8: 2e-14.
    atol = 13 * u / h + h**2 / 48
    np.testing.assert_allclose(sigmoid_backward(np.ones_like(Z), Z), numeric, rtol=0, atol=atol)
    assert np.isclose(sigmoid_backward(np.ones((1, 1)), np.zeros((1, 1)))[0, 0], 0.25)


def test_derivative_scales_each_entry_by_its_own_upstream_gradient(rng):
    # dZ = dA * sigma'(Z) entry by entry, with dA random in sign and size: the
    # derivative of sum(dA * sigma(Z)) with respect to Z, taken by central differences.
    Z = rng.uniform(-6, 6, size=(3, 20))
    dA = rng.standard_normal((3, 20)) * 10
    h = 1e-6
    numeric = dA * (sigmoid(Z + h)[0] - sigmoid(Z - h)[0]) / (2 * h)
    # As above, each entry's difference quotient within 13u / h + h**2 / 48, times |dA|,
    # and one more rounding of the product: u of it.
    atol = np.abs(dA) * (13 * u / h + h**2 / 48) + u * np.abs(numeric)
    assert np.all(np.abs(sigmoid_backward(dA, Z) - numeric) <= atol)


def test_large_arrays_match_the_formula_as_written(rng):
    # Where 1 / (1 + exp(-Z)) cannot overflow (|Z| < 700), the stable form gives the same
    # numbers up to rounding: two sigmoids, each within 11u (see above).
    Z = 20 * rng.standard_normal((300, 5000))
    A, cache = sigmoid(Z)
    np.testing.assert_allclose(A, 1 / (1 + np.exp(-Z)), rtol=22 * u, atol=0)
    assert cache is Z


def test_dtypes():
    # float32 stays float32 (for training in single precision); integers and lists become float64.
    A32, Z32 = sigmoid(np.array([[-1000.0, 0.0, 3.0]], dtype=np.float32))
    assert A32.dtype == np.float32 and Z32.dtype == np.float32
    np.testing.assert_allclose(A32, [[0.0, 0.5, 1 / (1 + math.exp(-3.0))]], rtol=1e-6)
    assert sigmoid(np.array([[0, 2]]))[0].dtype == np.float64
    np.testing.assert_array_equal(sigmoid([[0, 0]])[0], [[0.5, 0.5]])
