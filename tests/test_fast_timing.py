import sys

import numpy as np
import pytest

from nnlib import train
from nnlib import fast
from nnlib.fast.timing import (
    floor_epochs,
    interleave,
    nnlib_epochs,
    sklearn_epochs,
    synthetic_data,
    torch_epochs,
)


def test_synthetic_data_is_seeded_and_in_columns():
    X, Y = synthetic_data(50, 4, seed=1)
    assert X.shape == (4, 50) and Y.shape == (1, 50)
    assert set(np.unique(Y)) == {0.0, 1.0}
    np.testing.assert_array_equal(synthetic_data(50, 4, seed=1)[0], X)


def test_runners_return_seconds_per_epoch_round_by_round():
    X, Y = synthetic_data(200, 5)
    runners = {"nnlib": nnlib_epochs(X, Y, [5, 4, 1]), "floor": floor_epochs([5, 4, 1], 200),
               "fast": nnlib_epochs(X, Y, [5, 4, 1], trainer=fast.train)}
    times = interleave(runners, rounds=3, k=2, pause=0)
    assert set(times) == {"nnlib", "floor", "fast"}
    assert all(len(t) == 3 and all(s > 0 for s in t) for t in times.values())


def test_torch_baseline_follows_the_same_path_as_nnlib():
    # Same start, same algorithm: the costs of the first epochs agree (float64).
    pytest.importorskip("torch")
    X, Y = synthetic_data(300, 6)
    costs = []
    torch_epochs(X, Y, [6, 5, 3, 1], lr=0.5)(4, costs)
    _, history = train(X, Y, [6, 5, 3, 1], 4, 0.5)
    np.testing.assert_allclose(costs, history, rtol=1e-12)


def test_torch_baseline_is_none_without_torch(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_torch(name, *args, **kwargs):
        if name == "torch":
            raise ImportError("no torch here")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_torch)
    X, Y = synthetic_data(20, 3)
    assert torch_epochs(X, Y, [3, 2, 1]) is None


def test_sklearn_baseline_is_none_without_sklearn(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn", None)
    monkeypatch.setitem(sys.modules, "sklearn.neural_network", None)
    X, Y = synthetic_data(20, 3)
    assert sklearn_epochs(X, Y, [3, 2, 1]) is None
