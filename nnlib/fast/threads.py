"""Threads for large batches (for nnlib.fast): how many, and BLAS kept to one core each.

numpy hands matrix products to a BLAS library, which runs each product on
several cores. The elementwise work between the products (the sigmoid's
exponential above all) runs on one. ``nnlib.fast.train`` can instead cut a large batch
of examples into slices and give each slice to a thread of its own, with
BLAS on one core per thread: then every part of the step runs on every core.
(BLAS's own worker threads would otherwise keep spinning for a while after
each product, holding the cores the slices need.)

Controlling the BLAS library's threads takes ``threadpoolctl``, the package
scikit-learn and SciPy use for it. Where it is not installed, or where the
batch is too small for threads to pay, it works in one thread.
"""

import contextlib

import numpy as np

#: A slice gets at least this many multiply-adds of matrix products per step
#: in float64 (a few milliseconds of work), so that threads cost far less
#: than they save. In float32 a processor does about twice as many
#: multiply-adds in the same time (twice as many numbers fit in each vector
#: register), so a float32 slice needs twice as many.
MIN_WORK_PER_THREAD = 1 << 25


def threads_for(m: int, layer_dims: list[int], dtype=np.float64) -> int:
    """How many threads a step on m examples should use: 1 unless it pays.

    As many as the BLAS library may use now (its limit, set by the user or by
    OMP_NUM_THREADS), but no more than the work allows at MIN_WORK_PER_THREAD
    each (twice that in float32).
    """
    work = m * sum(a * b for a, b in zip(layer_dims, layer_dims[1:]))
    per_thread = MIN_WORK_PER_THREAD * (8 // np.dtype(dtype).itemsize)
    most = min(work // per_thread, m)
    if most < 2:
        return 1
    blas = _blas_libraries()
    if blas is None:
        return 1
    blas_threads = min((lib["num_threads"] for lib in blas.info()), default=1)
    return max(1, min(most, blas_threads))


@contextlib.contextmanager
def blas_on_one_core(threads: int):
    """While training with several threads, let each BLAS call use one core."""
    if threads == 1:
        yield
        return
    with _blas_libraries().limit(limits=1):
        yield


def _blas_libraries():
    """threadpoolctl's handle on the loaded BLAS libraries, or None without it."""
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:
        return None
    blas = ThreadpoolController().select(user_api="blas")
    return blas if blas.lib_controllers else None
