"""Elementwise work on large arrays, a block of rows at a time.

An expression such as ``dA * A * (1 - A)`` makes a new array for each
operation and streams every one of them through main memory. On a block of a
few rows, small enough to stay in the processor's cache, the same expression
runs faster, and its temporaries are small. Every element is still computed
by the same operations, so the result is exactly that of one call on the
whole arrays.

(Threads for the blocks were tried and left out: numpy releases the GIL in
its loops, but right after each matrix product the BLAS library's own worker
threads keep spinning for a while, and on a machine with as many cores as
BLAS threads a second thread for the blocks made epochs slower, not faster.)
"""

import functools

import numpy as np

# About 512 KB of float64 per block: the block and its temporaries stay in cache.
BLOCK_ELEMENTS = 1 << 16


def row_blocks(a: np.ndarray) -> list[slice]:
    """Cut the rows of a 2-D array into blocks of about BLOCK_ELEMENTS elements."""
    n_rows, n_cols = a.shape
    step = max(1, BLOCK_ELEMENTS // max(n_cols, 1))
    return [slice(start, start + step) for start in range(0, n_rows, step)]


def blockwise(f, *arrays: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Return f(*arrays) for an elementwise f, computed block by block into out.

    The arrays must have one shape. Small arrays, and anything that is not a
    2-D float array, are passed to f whole. ``out`` may be one of the
    arrays, to overwrite it.
    """
    first = arrays[0]
    if not (
        isinstance(first, np.ndarray)
        and first.ndim == 2
        and first.dtype in (np.float32, np.float64)
        and first.size > 2 * BLOCK_ELEMENTS
    ):
        result = f(*arrays)
        if out is None:
            return result
        out[...] = result
        return out
    if out is None:
        out = np.empty_like(first)

    for rows in row_blocks(first):
        out[rows] = f(*(a[rows] for a in arrays))
    return out


def in_blocks(activation):
    """Make ``activation(Z) -> (A, Z)`` work through large Z block by block."""

    # activation is bound as a default argument, not a closure, so that the
    # wrapper has no free variables (nnlib.course swaps a function's __code__).
    @functools.wraps(activation)
    def by_blocks(Z, _activation=activation):
        if not isinstance(Z, np.ndarray) or Z.dtype not in (np.float32, np.float64):
            return _activation(Z)
        return blockwise(functools.partial(_first_output, activation=_activation), Z), Z

    return by_blocks


def _first_output(Z_rows, activation):
    return activation(Z_rows)[0]
