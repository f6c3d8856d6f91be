import sys
import tracemalloc

import numpy as np
import pytest

import nnlib.fast.threads
from nnlib import load_breast_cancer, sigmoid, standardize, train, train_test_split
from nnlib.fast.blocks import BLOCK_ELEMENTS
from nnlib.fast.threads import threads_for
from nnlib.fast import sigmoid_in_place, cost_and_grads
from nnlib.fast import train as fast_train
from nnlib.gradient_checking import numerical_grads, relative_error
from nnlib.fast.timing import road_to_fast, synthetic_data

threadpoolctl = pytest.importorskip("threadpoolctl")

# Unit roundoff: every operation rounds to within this relative error.
UNIT_ROUNDOFF = {np.float64: 2.0**-53, np.float32: 2.0**-24}


@pytest.fixture(params=[1, 2, 4], ids=lambda n: f"blas{n}")
def blas_threads(request, monkeypatch):
    """Run the test with BLAS allowed n threads, and fast.train free to use as many.

    The work threshold is lowered so that even these small problems are cut
    into one slice per thread: the sums over examples are then taken in
    another order than nnlib.train's, which is what the tolerances are for.
    """
    monkeypatch.setattr(nnlib.fast.threads, "MIN_WORK_PER_THREAD", 1)
    with threadpoolctl.threadpool_limits(request.param, user_api="blas"):
        yield request.param


def moons_like(m=301, n_x=2, seed=0):
    return synthetic_data(m, n_x, seed=seed)


NETWORKS = [[5, 1], [2, 8, 1], [20, 16, 8, 1], [10, 32, 32, 16, 1]]


def relative_difference(a, b):
    """||a - b|| / ||b||, the size of a difference against the size of the parameter."""
    return float(np.linalg.norm(a - b) / np.linalg.norm(b))


def steps_and_terms(m, batch_size, dims, epochs):
    """The number of gradient steps, and the most terms any one sum in a step adds up."""
    batch = m if batch_size is None else batch_size
    n_batches = -(-m // batch)
    return epochs * n_batches, max(batch, *dims)


@pytest.mark.parametrize("dims", NETWORKS, ids=str)
@pytest.mark.parametrize("batch_size", [None, 64], ids=["full", "batches64"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
def test_fast_train_agrees_with_train(blas_threads, dims, batch_size, dtype):
    # 50 epochs from the same start, through the same batches: the same parameters up to rounding.
    X, Y = moons_like(n_x=dims[0])
    epochs, lr = 50, 0.5
    expected, expected_costs = train(X, Y, dims, epochs, lr, batch_size=batch_size, dtype=dtype)
    params, costs = fast_train(X, Y, dims, epochs, lr, batch_size=batch_size, dtype=dtype)
    if dtype == np.float64:
        rtol = 1e-10
    else:
        # Each step sums at most k terms (examples of a batch, or units of a layer) in
        # another order; such a sum differs by at most k u of its terms' size (u the unit
        # roundoff), and the steps' differences add up: S k u over S steps. In float64 this
        # comes to 1.8e-12 or less here, within the 1e-10 above; in float32 to 9.5e-4 or less.
        # (It leaves out how training carries an early difference along; over 50 epochs at
        # these learning rates that stays small: the differences measured are about
        # 1/100 of the bound on every network here.)
        steps, terms = steps_and_terms(X.shape[1], batch_size, dims, epochs)
        rtol = steps * terms * UNIT_ROUNDOFF[np.float32]
    assert set(params) == set(expected)
    for name in expected:
        assert params[name].dtype == dtype
        assert relative_difference(params[name], expected[name]) <= rtol, name
    assert len(costs) == epochs
    np.testing.assert_allclose(costs, expected_costs, rtol=rtol)


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_fast_gradients_pass_the_gradient_check(net, threads):
    # Central differences of the cost (nnlib.gradient_checking), against the engine's own gradients.
    params, X, Y = net
    cost, grads = cost_and_grads(X, Y, params, threads=threads)
    numeric = numerical_grads(params, X, Y)
    assert set(grads) == set(numeric)
    for key in numeric:
        assert grads[key].shape == numeric[key].shape
        error = relative_error(grads[key], numeric[key])
        assert error < 1e-7, f"{key}: relative error {error:.2e}"


def test_a_broken_engine_fails_the_gradient_check(net, monkeypatch):
    # The check above can fail: leave the sigmoid's slope out of the engine's backward pass.
    import nnlib.fast.engine

    monkeypatch.setattr(nnlib.fast.engine, "times_sigmoid_slope", lambda dA, A, out: None)
    params, X, Y = net
    _, grads = cost_and_grads(X, Y, params)
    errors = [relative_error(grads[k], g) for k, g in numerical_grads(params, X, Y).items()]
    assert max(errors) > 1e-2


def test_fast_train_checks_its_input_as_train_does():
    X, Y = np.zeros((3, 4)), np.array([[0, 1, 0, 1]])
    for args, message in [
        ((X.T, Y, [3, 2, 1], 1, 0.1), r"did you mean X\.T"),
        ((X, np.array([[0, 2, 0, 1]]), [3, 2, 1], 1, 0.1), "labels 0 or 1"),
        ((X, Y, [3, 2, 1], 1, 0), "lr must be a positive number"),
    ]:
        with pytest.raises(ValueError, match=message):
            fast_train(*args)
    with pytest.raises(ValueError, match="batch_size must be None"):
        fast_train(X, Y, [3, 2, 1], 1, 0.1, batch_size=0)


def test_fast_train_reaches_train_accuracy_on_the_tumours():
    # The train chapter's network: the same final cost, far above any rounding.
    X, Y, _ = load_breast_cancer()
    X_train, _, Y_train, _ = train_test_split(X, Y, seed=0)
    X_train, _ = standardize(X_train, X_train)
    _, slow = train(X_train, Y_train, [30, 8, 1], 300, 0.5)
    _, fast = fast_train(X_train, Y_train, [30, 8, 1], 300, 0.5)
    np.testing.assert_allclose(fast, slow, rtol=1e-10)
    assert fast[-1] < 0.3 * fast[0]


# Threads: when, how many, and BLAS kept to one core per thread.


def test_threads_only_where_the_work_pays():
    assert threads_for(426, [30, 8, 1]) == 1  # the tumour data: far too little work
    assert threads_for(10**6, [2, 1]) == 1  # many examples, still little work each


def test_one_thread_without_threadpoolctl(monkeypatch):
    # BLAS's threads cannot be limited without threadpoolctl, so the engine keeps to one thread.
    monkeypatch.setitem(sys.modules, "threadpoolctl", None)
    assert threads_for(20000, [100, 256, 128, 1]) == 1


def blas_thread_limits():
    return {
        lib["num_threads"]
        for lib in threadpoolctl.threadpool_info()
        if lib["user_api"] == "blas"
    }


def test_blas_is_limited_while_training_and_restored_after(monkeypatch):
    import nnlib.fast.engine

    monkeypatch.setattr(nnlib.fast.threads, "MIN_WORK_PER_THREAD", 1000)
    seen = []
    real = nnlib.fast.Slice.run

    def spy(self, *args):
        seen.append(blas_thread_limits())
        return real(self, *args)

    monkeypatch.setattr(nnlib.fast.Slice, "run", spy)
    X, Y = synthetic_data(4000, 100, seed=1)
    with threadpoolctl.threadpool_limits(2, user_api="blas"):
        fast_train(X, Y, [100, 64, 32, 1], 2, 0.5)
        assert len(seen) == 2 * 2 and all(limits == {1} for limits in seen)  # 2 epochs, 2 slices
        assert blas_thread_limits() == {2}


# Memory: the buffers, made once, and little besides, with any number of threads.


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
def test_peak_memory_is_the_buffers_and_a_bounded_rest(blas_threads, dtype, monkeypatch):
    monkeypatch.setattr(nnlib.fast.threads, "MIN_WORK_PER_THREAD", 1 << 25)  # the real threshold
    rng = np.random.default_rng(0)
    m, dims = 8000, [50, 128, 64, 1]
    X = rng.standard_normal((dims[0], m))
    Y = (rng.random((1, m)) < 0.5).astype(float)
    threads = threads_for(m, dims)  # as many as this BLAS limit lets train use here
    size = np.dtype(dtype).itemsize
    # A[l] of every layer, dA[l] of the hidden ones, dZ[L]: all alive at the backward pass.
    buffers = (sum(dims[1:]) + sum(dims[1:-1]) + dims[-1]) * m * size
    # Besides, at most: the float32 copies of X and Y; per thread, one block of temporaries
    # (at most 2 * BLOCK_ELEMENTS entries: blocks, or a whole array too small for them) and
    # cost_function's arrays of one row each (8 of them, in float64); the parameters and
    # their gradients, once for the step and once per thread, and two copies while
    # init_params' arrays are cast.
    copies = (X.size + Y.size) * size if dtype == np.float32 else 0
    n_params = sum(n * n_prev + n for n, n_prev in zip(dims[1:], dims[:-1]))
    rest = (
        threads * 2 * BLOCK_ELEMENTS * size
        + 8 * dims[-1] * m * 8
        + (threads + 3) * n_params * size
    )
    tracemalloc.start()
    try:
        fast_train(X, Y, dims, 2, 0.1, dtype=dtype)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert buffers <= peak <= buffers + copies + rest, (peak, buffers, copies, rest)
    # Z and A of every layer: what train's caches hold. The engine keeps A and dA instead.
    caches = 2 * sum(dims[1:]) * m * size
    assert peak < 1.2 * caches


def test_mini_batches_need_buffers_for_one_batch():
    rng = np.random.default_rng(0)
    m, dims = 8000, [50, 128, 64, 1]
    X = rng.standard_normal((dims[0], m))
    Y = (rng.random((1, m)) < 0.5).astype(float)
    peaks = []
    for batch_size in (None, 500):
        tracemalloc.start()
        try:
            fast_train(X, Y, dims, 2, 0.1, batch_size=batch_size)
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
    assert peaks[1] < peaks[0] / 4


@pytest.mark.parametrize("step", list(road_to_fast()))
def test_every_step_of_the_road_trains_as_train_does(blas_threads, step):
    # The appendix's road, each step a trainer: the same parameters as train, up to rounding.
    X, Y = moons_like(n_x=20)
    expected, expected_costs = train(X, Y, [20, 16, 8, 1], 20, 0.5, batch_size=64)
    params, costs = road_to_fast()[step](X, Y, [20, 16, 8, 1], 20, 0.5, batch_size=64)
    np.testing.assert_allclose(costs, expected_costs, rtol=1e-10)
    for name in expected:
        assert relative_difference(params[name], expected[name]) <= 1e-10, name


def test_cost_and_grads_works_in_the_parameters_dtype(net):
    # float32 parameters with float64 data: the data are cast to float32 first, as
    # train casts them, so every product is float32's. The same numbers, bit for bit,
    # as with the data cast by hand; float64 products rounded to float32 would differ.
    params, X, Y = net
    params32 = {name: p.astype(np.float32) for name, p in params.items()}
    rng = np.random.default_rng(1)
    X = rng.standard_normal((X.shape[0], 2000))  # enough terms that float64 sums differ
    Y = (rng.random((1, 2000)) < 0.5).astype(float)
    cost, grads = cost_and_grads(X, Y, params32)
    cost_cast, grads_cast = cost_and_grads(X.astype(np.float32), Y.astype(np.float32), params32)
    assert cost == cost_cast
    for name, grad in grads.items():
        assert grad.dtype == np.float32, name
        np.testing.assert_array_equal(grad, grads_cast[name], err_msg=name)


@pytest.mark.parametrize("limit", [1, 2, 4])
def test_threads_stay_within_the_blas_limit(limit, monkeypatch):
    # However much work there is, no more threads than the BLAS library may use now.
    monkeypatch.setattr(nnlib.fast.threads, "MIN_WORK_PER_THREAD", 1)
    with threadpoolctl.threadpool_limits(limit, user_api="blas"):
        limits = blas_thread_limits()  # what the library took (it may hold fewer threads)
        if not limits:
            pytest.skip("threadpoolctl finds no BLAS library to limit")
        assert threads_for(10_000, [100, 64, 1]) == min(limits)


def test_buffers_are_made_once_per_batch_size_unless_asked_otherwise(monkeypatch):
    # 301 examples in batches of 64: five batches a step, of 61 and 60 examples, so two
    # Steps with their buffers for the whole run; buffers_once=False makes one every step.
    made = []
    real_init = nnlib.fast.Step.__init__

    def spy(self, dims, size, *args, **kwargs):
        made.append(size)
        real_init(self, dims, size, *args, **kwargs)

    monkeypatch.setattr(nnlib.fast.Step, "__init__", spy)
    X, Y = moons_like(n_x=2)
    fast_train(X, Y, [2, 8, 1], 3, 0.5, batch_size=64)
    assert sorted(made) == [60, 61]
    made.clear()
    nnlib.fast.train_with_options(X, Y, [2, 8, 1], 3, 0.5, batch_size=64, buffers_once=False)
    assert sorted(made) == [60] * 12 + [61] * 3


def count_slices(monkeypatch) -> list[int]:
    """A list that gets, for every step fast.train takes from now on, the slices it was cut into."""
    slices_per_step = []
    real_gradients = nnlib.fast.Step.gradients

    def spy(self, *args):
        slices_per_step.append(len(self.slices))
        return real_gradients(self, *args)

    monkeypatch.setattr(nnlib.fast.Step, "gradients", spy)
    return slices_per_step


def test_threads_are_sized_from_the_batch_not_from_all_examples(monkeypatch):
    # 4000 examples in batches of 500 on [100, 64, 32, 1]: 8,480 multiply-adds per
    # example, 4.2 million per batch, 34 million for all. With threads paying from
    # 10 million up, a batch runs in one slice, although all m examples would take 2.
    monkeypatch.setattr(nnlib.fast.threads, "MIN_WORK_PER_THREAD", 10_000_000)
    slices_per_step = count_slices(monkeypatch)
    X, Y = synthetic_data(4000, 100, seed=1)
    with threadpoolctl.threadpool_limits(2, user_api="blas"):
        if blas_thread_limits() != {2}:
            pytest.skip("no BLAS library that threadpoolctl can hold to 2 threads")
        assert threads_for(4000, [100, 64, 32, 1]) == 2  # all m would pay for two
        fast_train(X, Y, [100, 64, 32, 1], 1, 0.5, batch_size=500)
        assert slices_per_step == [1] * 8
        # Full batch, the same data: two slices.
        slices_per_step.clear()
        fast_train(X, Y, [100, 64, 32, 1], 1, 0.5)
        assert slices_per_step == [2]


def test_a_float32_slice_needs_twice_the_work(monkeypatch):
    # [100, 64, 32, 1] takes 8,480 multiply-adds per example; 2,400 examples take
    # 20.4 million. With threads paying from 10 million multiply-adds up in float64,
    # that is two slices in float64 and one in float32, whose arithmetic is about
    # twice as fast.
    monkeypatch.setattr(nnlib.fast.threads, "MIN_WORK_PER_THREAD", 10_000_000)
    with threadpoolctl.threadpool_limits(2, user_api="blas"):
        if blas_thread_limits() != {2}:
            pytest.skip("no BLAS library that threadpoolctl can hold to 2 threads")
        assert threads_for(2400, [100, 64, 32, 1], np.float64) == 2
        assert threads_for(2400, [100, 64, 32, 1], np.float32) == 1
        assert threads_for(4800, [100, 64, 32, 1], np.float32) == 2
        # and fast.train asks with the dtype it trains in
        slices_per_step = count_slices(monkeypatch)
        X, Y = synthetic_data(2400, 100, seed=1)
        for dtype in (np.float64, np.float32):
            fast_train(X, Y, [100, 64, 32, 1], 1, 0.5, dtype=dtype)
        assert slices_per_step == [2, 1]


def test_cost_and_grads_checks_its_input(net):
    params, X, Y = net
    with pytest.raises(ValueError, match=r"did you mean X\.T"):
        cost_and_grads(X.T, Y, params)
    with pytest.raises(ValueError, match="params must hold W1, b1"):
        cost_and_grads(X, Y, {"W1": params["W1"]})


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
def test_the_engines_sigmoid_is_the_textbooks_to_rounding(dtype):
    u = UNIT_ROUNDOFF[dtype]
    tiny = np.finfo(dtype).tiny  # below it, relative precision is lost
    Z = np.concatenate([
        np.linspace(-1000, 1000, 20_001), [0.0, -0.0, 1e-300, -1e-300],
        np.random.default_rng(0).standard_normal(10_000) * 30,
    ]).astype(dtype)[None, :]
    A_book, _ = sigmoid(Z)
    A = np.empty_like(Z)
    sigmoid_in_place(Z, A)  # the overflow for Z < -709 must not warn (RuntimeWarning is an error here)
    assert A.dtype == dtype and np.all((A >= 0) & (A <= 1))
    # Z >= 0: e^-Z is the textbook's E, 1 + E the same sum, 1 / (1 + E) the same division.
    nonneg = Z >= 0
    np.testing.assert_array_equal(A[nonneg], A_book[nonneg])
    # Z < 0: exp within 4 ulps (8u) and two roundings, in either form, each carried with a
    # factor at most 1: within 10u of the truth each, so within 20u of each other (to first
    # order; 21u covers the rest). Where the results are subnormal, only absolutely.
    normal = ~nonneg & (A_book > tiny / u)
    assert np.all(np.abs(A[normal] - A_book[normal]) <= 21 * u * A_book[normal])
    assert np.all(np.abs(A - A_book)[~normal & ~nonneg] <= tiny / u * 21 * u)
