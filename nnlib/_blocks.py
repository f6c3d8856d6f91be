"""Elementwise work on large arrays, a block of entries at a time.

The sigmoid, and the product ``dA * A * (1 - A)`` of the backward pass, are
a few operations on every entry of arrays of m columns. On whole arrays,
each operation makes a new array as large as the input and streams it
through main memory. On a block of a few thousand entries, the same
operations work inside the processor's cache, write straight into the
result, and need only small temporaries. Every entry still goes through the
same operations, so the result is exactly that of one call on the whole
arrays.

Why 8192 entries (64 KB of float64): the C library takes memory blocks of
128 KB and more straight from the operating system, and gives them back when
they are freed, so a temporary array of that size costs fresh pages every
time it is made. Below that size the same few pieces of memory are reused,
block after block.
"""

import numpy as np

# 64 KB of float64 per block: well under the 128 KB from which memory comes fresh.
BLOCK_ELEMENTS = 1 << 13


def blockwise(f, *arrays: np.ndarray, out: np.ndarray) -> np.ndarray:
    """Run an elementwise f(*arrays, out) block by block; f writes its result into out.

    The arrays and out must have one shape. Small arrays, and anything that
    is not a C-ordered float array, go to f whole. ``out`` may be one of the
    arrays, to overwrite it.
    """
    first = arrays[0]
    in_blocks = first.size > 2 * BLOCK_ELEMENTS and all(
        isinstance(a, np.ndarray)
        and a.shape == first.shape
        and a.dtype in (np.float32, np.float64)
        and a.flags.c_contiguous
        for a in (*arrays, out)
    )
    if not in_blocks:
        f(*arrays, out)
        return out
    # reshape(-1) of a C-ordered array is a view: its entries in memory order.
    flat_arrays = [a.reshape(-1) for a in (*arrays, out)]
    for start in range(0, first.size, BLOCK_ELEMENTS):
        block = slice(start, start + BLOCK_ELEMENTS)
        f(*(a[block] for a in flat_arrays))
    return out
