"""Elementwise work on large arrays, a block of entries at a time (for nnlib.fast).

The sigmoid, and the product ``dA * A * (1 - A)`` of the backward pass, are
a few operations on every entry of arrays of m columns. On whole arrays,
each operation makes a new array as large as the input and streams it
through main memory. On a block of some thousands of entries, the same
operations work inside the processor's cache, write straight into the
result, and need only small temporaries. Every entry still goes through the
same operations, so the result is exactly that of one call on the whole
arrays.

Why 32768 entries (256 KB of float64): every numpy call costs some
microseconds besides its arithmetic, and more when ``nnlib.fast.train`` runs
slices of a batch in several threads (see fast.py), because around each call the
threads hand Python's interpreter lock to one another. Blocks of this size
keep those calls few, and the blocks still small enough for the processor's
caches. Measured against blocks of 8192 entries on the 256 x 10,000 arrays
of the benchmark's first layer: the sigmoid took about 15% less time with two
threads at once and about 7% less in one thread, and a whole epoch of the
20,000-example benchmark, in two threads, about 15% less.
"""

import numpy as np

# 256 KB of float64 per block (see above).
BLOCK_ELEMENTS = 1 << 15


def blockwise(f, *arrays: np.ndarray, out: np.ndarray) -> np.ndarray:
    """Run an elementwise f(*arrays, out) block by block; f writes its result into out.

    The arrays and out must have one shape, except that beside arrays of
    shape (n, m) an array of shape (n, 1) may hold one value per row (a
    layer's biases), which f broadcasts along its row: then the blocks are
    whole rows, or pieces of one row. Small arrays, and anything that is not
    a C-ordered float array, go to f whole. ``out`` may be one of the
    arrays, to overwrite it.
    """
    n = out.shape[0]
    # an (n, 1) array beside (n, m) ones: one value per row
    per_row = [np.shape(a) == (n, 1) != out.shape for a in arrays]
    others = [a for a, row in zip(arrays, per_row) if not row]
    in_blocks = out.size > 2 * BLOCK_ELEMENTS and all(
        isinstance(a, np.ndarray)
        and a.shape == out.shape
        and a.dtype in (np.float32, np.float64)
        and a.flags.c_contiguous
        for a in (*others, out)
    )
    if not in_blocks:
        f(*arrays, out)
        return out
    if not any(per_row):
        # reshape(-1) of a C-ordered array is a view: its entries in
        # memory order.
        flat = [a.reshape(-1) for a in (*arrays, out)]
        for start in range(0, out.size, BLOCK_ELEMENTS):
            block = slice(start, start + BLOCK_ELEMENTS)
            f(*(a[block] for a in flat))
        return out
    m = out.shape[1]
    rows = max(1, BLOCK_ELEMENTS // m)  # whole rows per block, or
    width = m if rows > 1 else BLOCK_ELEMENTS  # pieces of one row
    for r in range(0, n, rows):
        for start in range(0, m, width):
            cols = slice(start, start + width)
            parts = [a[r:r + rows] if row else a[r:r + rows, cols]
                     for a, row in zip(arrays, per_row)]
            f(*parts, out[r:r + rows, cols])
    return out
