import sys
import tracemalloc
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from nnlib import (
    accuracy,
    backprop,
    cost_function,
    forward_prop,
    init_params,
    load_breast_cancer,
    make_moons,
    predict,
    standardize,
    train,
    train_test_split,
    update_parameters,
)
import nnlib._threads
from nnlib._threads import threads_for
from nnlib.train import cost_and_grads


@pytest.fixture(scope="module")
def cancer():
    X, Y, _ = load_breast_cancer()
    X_train, X_test, Y_train, Y_test = train_test_split(X, Y, seed=0)
    X_train, X_test = standardize(X_train, X_test)
    return X_train, X_test, Y_train, Y_test


def test_training_lowers_the_cost(cancer):
    # A seeded run: the cost falls from log 2 (all outputs ~0.5) to well below it.
    X_train, _, Y_train, _ = cancer
    _, history = train(X_train, Y_train, [30, 8, 1], epochs=300, lr=0.5)
    assert len(history) == 300
    assert history[0] == pytest.approx(np.log(2), abs=0.01)
    assert history[-1] < 0.3 * history[0]
    assert all(b <= a + 1e-12 for a, b in zip(history, history[1:]))


def test_training_is_deterministic(cancer):
    X_train, _, Y_train, _ = cancer
    p1, h1 = train(X_train, Y_train, [30, 4, 1], epochs=20, lr=0.5)
    p2, h2 = train(X_train, Y_train, [30, 4, 1], epochs=20, lr=0.5)
    assert h1 == h2
    np.testing.assert_array_equal(p1["W1"], p2["W1"])


def test_trained_net_generalises(cancer):
    # The train chapter's claim: at least 95% test accuracy.
    X_train, X_test, Y_train, Y_test = cancer
    params, _ = train(X_train, Y_train, [30, 8, 1], epochs=2000, lr=0.5)
    assert accuracy(predict(X_test, params), Y_test) >= 0.95


def test_zero_epochs_returns_the_initial_parameters(cancer):
    X_train, _, Y_train, _ = cancer
    params, history = train(X_train, Y_train, [30, 2, 1], epochs=0, lr=0.1)
    assert history == []
    assert params["W1"].shape == (2, 30)


def test_predict_and_accuracy():
    params = {"W1": np.array([[1.0]]), "b1": np.array([[0.0]])}
    Y_hat = predict(np.array([[-2.0, 0.0, 3.0]]), params)
    np.testing.assert_array_equal(Y_hat, [[0, 1, 1]])
    assert Y_hat.dtype.kind == "i"
    assert accuracy(Y_hat, np.array([[0, 0, 1]])) == pytest.approx(2 / 3)


X_OK = np.zeros((3, 4))
Y_OK = np.array([[0, 1, 0, 1]])


@pytest.mark.parametrize(
    "X, Y, dims, epochs, lr, message",
    [
        (X_OK.T, Y_OK, [3, 2, 1], 1, 0.1, r"X has shape \(4, 3\).*did you mean X\.T"),
        (X_OK, Y_OK.ravel(), [3, 2, 1], 1, 0.1, r"Y has shape \(4,\) but expected \(1, 4\)"),
        (X_OK, Y_OK.T, [3, 2, 1], 1, 0.1, r"Y has shape \(4, 1\)"),
        (X_OK, np.array([[0, 1, 2, 1]]), [3, 2, 1], 1, 0.1, "labels 0 or 1"),
        (X_OK, np.array([[0, 0.5, 1, 1]]), [3, 2, 1], 1, 0.1, "labels 0 or 1"),
        (np.full((3, 4), np.nan), Y_OK, [3, 2, 1], 1, 0.1, "NaN or infinite"),
        (np.full((3, 4), np.inf), Y_OK, [3, 2, 1], 1, 0.1, "NaN or infinite"),
        (X_OK, Y_OK, [5, 2, 1], 1, 0.1, r"X has shape \(3, 4\) but layer_dims\[0\] = 5 expects 5 rows"),
        (X_OK, Y_OK, [3, 2, 2], 1, 0.1, r"expected \(2, 4\)"),
        (X_OK, Y_OK, [3], 1, 0.1, "at least two sizes"),
        (X_OK, Y_OK, [3, 2, 1], 1, 0, "lr must be a positive number"),
        (X_OK, Y_OK, [3, 2, 1], 1, -0.5, "lr must be a positive number"),
        (X_OK, Y_OK, [3, 2, 1], -1, 0.1, "epochs must be a whole number"),
        (X_OK, Y_OK, [3, 2, 1], 2.5, 0.1, "epochs must be a whole number"),
    ],
)
def test_bad_input_is_named(X, Y, dims, epochs, lr, message):
    with pytest.raises(ValueError, match=message):
        train(X, Y, dims, epochs, lr)


def test_predict_checks_its_input():
    params = {"W1": np.array([[1.0, 1.0]]), "b1": np.array([[0.0]])}
    with pytest.raises(ValueError, match=r"did you mean X\.T"):
        predict(np.zeros((5, 2)), params)
    with pytest.raises(ValueError, match="threshold"):
        predict(np.zeros((2, 5)), params, threshold=1.5)
    with pytest.raises(ValueError, match="2-D"):
        accuracy(np.zeros(3), np.zeros((1, 3)))


def test_train_is_the_four_steps_in_a_loop(cancer):
    # Independent reference: forward_prop, cost_function, backprop, update_parameters by hand.
    X_train, _, Y_train, _ = cancer
    params = init_params([30, 5, 1], seed=3)
    history = []
    for _ in range(15):
        AL, caches = forward_prop(X_train, params)
        history.append(cost_function(AL, Y_train))
        params = update_parameters(params, backprop(AL, Y_train, caches), 0.5)
    trained, trained_history = train(X_train, Y_train, [30, 5, 1], epochs=15, lr=0.5)
    # The same steps; only a BLAS that splits a product between threads otherwise
    # than the loop above could change the last digits (a few u per step).
    np.testing.assert_allclose(trained_history, history, rtol=1e-12)
    for name in params:
        np.testing.assert_allclose(trained[name], params[name], rtol=1e-10, atol=1e-15)


@pytest.mark.parametrize(
    "batch_size, dtype", [(None, np.float64), (50, np.float64), (50, np.float32)]
)
def test_seeded_runs_are_deterministic(cancer, batch_size, dtype):
    # The same seed gives the same weights and the same mini-batch order; another seed does not.
    X_train, _, Y_train, _ = cancer
    runs = [train(X_train, Y_train, [30, 4, 1], 5, 0.5, seed=s, batch_size=batch_size, dtype=dtype)
            for s in (3, 3, 4)]
    (p1, h1), (p2, h2), (p3, h3) = runs
    assert h1 == h2 and h1 != h3
    for name in p1:
        np.testing.assert_array_equal(p1[name], p2[name])
        assert p1[name].dtype == dtype


def test_float32_matches_float64_accuracy(cancer):
    # The train chapter's network in single precision: same test accuracy within 1 point.
    X_train, X_test, Y_train, Y_test = cancer
    accuracies = {}
    for dtype in (np.float64, np.float32):
        params, history = train(X_train, Y_train, [30, 8, 1], epochs=2000, lr=0.5, dtype=dtype)
        assert all(p.dtype == dtype for p in params.values())
        accuracies[dtype] = accuracy(predict(X_test, params), Y_test)
    assert accuracies[np.float64] >= 0.95
    # Within one point (0.01), up to rounding.
    assert abs(accuracies[np.float32] - accuracies[np.float64]) <= 0.01 + 1e-12


def test_mini_batches_reach_the_same_accuracy(cancer):
    # batch_size=64: seven steps per epoch, so fewer epochs reach the full-batch accuracy.
    X_train, X_test, Y_train, Y_test = cancer
    full, _ = train(X_train, Y_train, [30, 8, 1], epochs=2000, lr=0.5)
    mini, history = train(X_train, Y_train, [30, 8, 1], epochs=300, lr=0.5, batch_size=64)
    full_acc = accuracy(predict(X_test, full), Y_test)
    mini_acc = accuracy(predict(X_test, mini), Y_test)
    assert abs(mini_acc - full_acc) <= 0.01 + 1e-12  # one point, up to rounding
    assert history[-1] < 0.2 * history[0]


def test_mini_batches_on_the_moons():
    # The other course data set, with the train chapter's settings: within 1 point as well.
    X, Y = make_moons(m=400, noise=0.15, seed=0)
    X_train, X_test, Y_train, Y_test = train_test_split(X, Y, seed=0)
    full, _ = train(X_train, Y_train, [2, 8, 1], epochs=2000, lr=5.0)
    mini, _ = train(X_train, Y_train, [2, 8, 1], epochs=500, lr=5.0, batch_size=64)
    full_acc = accuracy(predict(X_test, full), Y_test)
    assert full_acc >= 0.97
    mini_acc = accuracy(predict(X_test, mini), Y_test)
    assert abs(mini_acc - full_acc) <= 0.01 + 1e-12  # one point, up to rounding


def test_batch_size_of_m_or_more_is_full_batch(cancer):
    X_train, _, Y_train, _ = cancer
    m = X_train.shape[1]
    _, h_none = train(X_train, Y_train, [30, 3, 1], 5, 0.5)
    _, h_m = train(X_train, Y_train, [30, 3, 1], 5, 0.5, batch_size=m)
    _, h_more = train(X_train, Y_train, [30, 3, 1], 5, 0.5, batch_size=10 * m)
    assert h_none == h_m == h_more


def peak_bytes(*args, **kwargs):
    """Peak memory that numpy allocates (tracemalloc sees it) during one call of train.

    In one thread: with several, slices allocate at once and the peak depends on
    their timing, so the count of cores would decide the result.
    """
    threadpoolctl = pytest.importorskip("threadpoolctl")
    with threadpoolctl.threadpool_limits(1, user_api="blas"):
        assert threads_for(args[0].shape[1], args[2]) == 1
        tracemalloc.start()
        try:
            train(*args, **kwargs)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()


def test_peak_memory_of_an_epoch_is_within_twice_the_caches():
    # The caches hold Z[l] and A[l] of every layer; the backward pass may add less than as much.
    rng = np.random.default_rng(0)
    m, dims = 8000, [50, 128, 64, 1]
    X = rng.standard_normal((dims[0], m))
    Y = (rng.random((1, m)) < 0.5).astype(float)
    caches = 2 * sum(dims[1:]) * m * 8
    full = peak_bytes(X, Y, dims, epochs=2, lr=0.1)
    assert caches < full < 2 * caches, full / caches
    # Mini-batches of 500 keep one batch's caches at a time: a fraction of the memory.
    assert peak_bytes(X, Y, dims, epochs=2, lr=0.1, batch_size=500) < full / 4
    # float32 halves it.
    assert peak_bytes(X, Y, dims, epochs=2, lr=0.1, dtype=np.float32) < 0.6 * full


def test_checks_still_run_after_training(cancer):
    # train skips re-scanning its data inside the loop; direct calls still check everything.
    X_train, _, Y_train, _ = cancer
    params, _ = train(X_train, Y_train, [30, 2, 1], 2, 0.5)
    bad = X_train.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN or infinite"):
        forward_prop(bad, params)
    with pytest.raises(ValueError, match="labels 0 or 1"):
        cost_function(np.full(Y_train.shape, 0.5), 2 * Y_train)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"batch_size": 0}, "batch_size must be None"),
        ({"batch_size": 2.5}, "batch_size must be None"),
        ({"batch_size": True}, "batch_size must be None"),
        ({"dtype": np.int64}, "dtype must be np.float64 or np.float32"),
        ({"dtype": "float16"}, "dtype must be np.float64 or np.float32"),
        ({"dtype": "not a type"}, "dtype must be np.float64 or np.float32"),
    ],
)
def test_bad_batch_size_or_dtype(kwargs, message):
    with pytest.raises(ValueError, match=message):
        train(X_OK, Y_OK, [3, 2, 1], 1, 0.1, **kwargs)


# Large batches shared out between threads (nnlib/_threads.py, cost_and_grads).


def big_problem(m=4000, dims=(100, 64, 32, 1)):
    rng = np.random.default_rng(1)
    X = rng.standard_normal((dims[0], m))
    Y = (rng.random((1, m)) < 0.5).astype(float)
    return X, Y, list(dims)


def test_threads_only_where_the_work_pays():
    assert threads_for(426, [30, 8, 1]) == 1          # the tumour data: far too little work
    assert threads_for(10**6, [2, 1]) == 1            # many examples, still little work each


def test_one_thread_without_threadpoolctl(monkeypatch):
    # BLAS's threads cannot be limited without threadpoolctl, so train keeps to one thread.
    monkeypatch.setitem(sys.modules, "threadpoolctl", None)
    assert threads_for(20000, [100, 256, 128, 1]) == 1


def test_slices_in_threads_give_the_same_cost_and_gradients():
    # The average of the slices' averages, weighted by size, is the average over all examples.
    X, Y, dims = big_problem(m=1001)
    params = init_params(dims, seed=0)
    cost, grads = cost_and_grads(X, Y, params)
    AL, caches = forward_prop(X, params)
    assert cost == cost_function(AL, Y)
    reference = backprop(AL, Y, caches)
    for threads in (2, 3):
        with ThreadPoolExecutor(threads) as pool:
            cost_t, grads_t = cost_and_grads(X, Y, params, pool, threads)
        assert isinstance(cost_t, float)
        assert cost_t == pytest.approx(cost, rel=1e-13)
        for name in reference:
            np.testing.assert_allclose(grads_t[name], reference[name], rtol=1e-10, atol=1e-16)
            np.testing.assert_array_equal(grads[name], reference[name])


@pytest.fixture
def two_threads(monkeypatch):
    """Make train use two threads on big_problem(), as it would on a larger one."""
    pytest.importorskip("threadpoolctl")
    monkeypatch.setattr(nnlib._threads, "MIN_WORK_PER_THREAD", 1000)
    from threadpoolctl import threadpool_limits

    with threadpool_limits(2, user_api="blas"):
        yield


def test_threaded_training_is_deterministic_and_matches_one_thread(two_threads):
    X, Y, dims = big_problem()
    assert threads_for(X.shape[1], dims) == 2
    p1, h1 = train(X, Y, dims, 5, 0.5)
    p2, h2 = train(X, Y, dims, 5, 0.5)
    assert h1 == h2
    for name in p1:
        np.testing.assert_array_equal(p1[name], p2[name])
    nnlib._threads.MIN_WORK_PER_THREAD = 1 << 60      # the same run in one thread
    p0, h0 = train(X, Y, dims, 5, 0.5)
    np.testing.assert_allclose(h1, h0, rtol=1e-12)
    for name in p0:
        np.testing.assert_allclose(p1[name], p0[name], rtol=1e-9, atol=1e-15)
    nnlib._threads.MIN_WORK_PER_THREAD = 1000
    p32, _ = train(X, Y, dims, 3, 0.5, dtype=np.float32)   # float32 stays float32 through the slices
    assert all(p.dtype == np.float32 for p in p32.values())


def blas_thread_limits():
    from threadpoolctl import threadpool_info

    return {lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"}


def test_blas_is_limited_while_training_and_restored_after(two_threads, monkeypatch):
    seen = []
    train_module = sys.modules["nnlib.train"]
    real = train_module.cost_and_grads

    def spy(*args, **kwargs):
        seen.append(blas_thread_limits())
        return real(*args, **kwargs)

    monkeypatch.setattr(train_module, "cost_and_grads", spy)
    X, Y, dims = big_problem()
    train(X, Y, dims, 2, 0.5)
    assert len(seen) == 2 * 3 and all(limits == {1} for limits in seen)  # 2 epochs, 2 slices each
    assert blas_thread_limits() == {2}


def test_training_is_stable_under_rounding(cancer):
    # Another machine rounds differently. Nudging every starting weight by a few u
    # stands in for that: after the book's 2000 epochs the predictions move by
    # far less than their 0.05 distance from the threshold (chapter 8 relies on it).
    X_train, X_test, Y_train, _ = cancer
    u = np.finfo(float).eps / 2
    rng = np.random.default_rng(0)
    outputs = []
    for nudge in (0.0, 4 * u):
        params = init_params([30, 8, 1], seed=3)
        params = {k: v * (1 + nudge * rng.standard_normal(v.shape)) for k, v in params.items()}
        for _ in range(2000):
            AL, caches = forward_prop(X_train, params)
            params = update_parameters(params, backprop(AL, Y_train, caches), 0.5)
        outputs.append(forward_prop(X_test, params)[0])
    assert np.abs(outputs[1] - outputs[0]).max() < 1e-9
