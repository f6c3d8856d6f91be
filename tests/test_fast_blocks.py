import numpy as np
import pytest

from nnlib.fast.blocks import BLOCK_ELEMENTS, blockwise


def scaled_sum(a, b, out):
    """An elementwise f in blockwise's form, counting its calls."""
    scaled_sum.calls += 1
    np.multiply(a, 2.0, out=out)
    out += b


@pytest.fixture(autouse=True)
def count_from_zero():
    scaled_sum.calls = 0


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("size", [2 * BLOCK_ELEMENTS + 1, 3 * BLOCK_ELEMENTS + 7])
def test_blocks_give_the_whole_array_result(rng, dtype, size):
    # A last block shorter than the others, and both float types: every entry as in one call.
    a = rng.standard_normal((1, size)).astype(dtype)
    b = rng.standard_normal((1, size)).astype(dtype)
    out = blockwise(scaled_sum, a, b, out=np.empty_like(a))
    assert scaled_sum.calls == -(-size // BLOCK_ELEMENTS)  # really in blocks
    np.testing.assert_array_equal(out, 2.0 * a + b)
    assert out.dtype == dtype


def test_out_may_be_an_input(rng):
    # backprop writes dZ over dA this way.
    a = rng.standard_normal((7, BLOCK_ELEMENTS))
    b = rng.standard_normal((7, BLOCK_ELEMENTS))
    expected = 2.0 * a + b
    returned = blockwise(scaled_sum, a, b, out=a)
    assert returned is a
    np.testing.assert_array_equal(a, expected)


@pytest.mark.parametrize("case", ["small", "transposed", "integer"])
def test_other_arrays_go_whole(rng, case):
    # Too small to be worth blocks, not C-ordered, or not floats: one call on everything.
    a = rng.standard_normal((4, 3 * BLOCK_ELEMENTS))
    if case == "small":
        a = a[:, :10]
    elif case == "transposed":
        a = a.T
    else:
        a = np.arange(a.size).reshape(a.shape)
    b = np.ones_like(a)
    out = blockwise(scaled_sum, a, b, out=np.empty(a.shape))
    assert scaled_sum.calls == 1
    np.testing.assert_array_equal(out, 2 * a + b)


def biased_sum(a, column, out):
    """An elementwise f with a value per row (as the biases are), counting its calls."""
    biased_sum.calls = getattr(biased_sum, "calls", 0) + 1
    np.subtract(column, a, out=out)


@pytest.mark.parametrize("m", [1000, 3 * BLOCK_ELEMENTS // 2], ids=["rows", "row-pieces"])
def test_a_value_per_row_goes_with_its_row(rng, m):
    # Blocks of whole rows when rows are short, pieces of a row when one is longer than a
    # block; each row's value meets every entry of its row, and only those.
    a = rng.standard_normal((80, m))
    column = rng.standard_normal((80, 1))
    biased_sum.calls = 0
    out = blockwise(biased_sum, a, column, out=np.empty_like(a))
    np.testing.assert_array_equal(out, column - a)
    rows = max(1, BLOCK_ELEMENTS // m)
    pieces = -(-m // BLOCK_ELEMENTS) if rows == 1 else 1
    assert biased_sum.calls == -(-80 // rows) * pieces  # really in blocks


def test_the_engines_sigmoid_adds_the_bias_as_the_textbook_does(rng):
    # minus_b - WA is exactly -(WA + b): the sigmoid of the sum, bit for bit.
    from nnlib.fast import sigmoid_in_place, sigmoid_of_sum

    WA = 20 * rng.standard_normal((300, 500))
    b = rng.standard_normal((300, 1))
    expected = np.empty_like(WA)
    sigmoid_in_place(WA + b, expected)
    A = WA.copy()
    blockwise(sigmoid_of_sum, A, -b, out=A)
    np.testing.assert_array_equal(A, expected)
