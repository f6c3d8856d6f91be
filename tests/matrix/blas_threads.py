"""Hold the BLAS to NNLIB_TEST_BLAS_THREADS threads, for the machine-matrix passes of make test.

The thread count changes how OpenBLAS splits its sums, and so the last digits
of every matrix product: a second machine in miniature. The unit tests import
this from tests/conftest.py; the notebooks' kernels run it as an IPython
startup file (the Makefile copies it into an IPYTHONDIR of their own).
"""

import os

threads = os.environ.get("NNLIB_TEST_BLAS_THREADS")
if threads:
    import numpy  # noqa: F401  (loads the BLAS, so that threadpoolctl can find it)
    from threadpoolctl import threadpool_limits

    threadpool_limits(int(threads), user_api="blas")  # for the rest of the process
