import matplotlib

matplotlib.use("Agg")  # tests draw figures without a screen

import runpy
from pathlib import Path

import numpy as np
import pytest

# The machine-matrix passes of make test hold the BLAS to a thread count (see there).
runpy.run_path(str(Path(__file__).parent / "matrix" / "blas_threads.py"))


@pytest.fixture
def rng():
    return np.random.default_rng(0)


@pytest.fixture
def net(rng):
    """A three-layer net [4, 5, 3, 1] with weights large enough for real gradients."""
    dims = [4, 5, 3, 1]
    params = {}
    for l in range(1, len(dims)):
        params[f"W{l}"] = rng.standard_normal((dims[l], dims[l - 1]))
        params[f"b{l}"] = rng.standard_normal((dims[l], 1))
    X = rng.standard_normal((dims[0], 7))
    Y = (rng.random((1, 7)) < 0.5).astype(float)
    return params, X, Y
