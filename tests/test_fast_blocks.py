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
