import sys
import tracemalloc

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
    train_with_validation,
    update_parameters,
)
import nnlib.fast.engine


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


def test_accuracy_counts_every_output_row():
    # Two output units (n_L = 2) over three examples: 4 of the 6 labels are right,
    # so 2/3; a mean over the columns alone (dividing by m) would give 4/3.
    Y_hat = np.array([[1, 0, 1], [0, 0, 1]])
    Y = np.array([[1, 1, 1], [0, 0, 0]])
    assert accuracy(Y_hat, Y) == pytest.approx(2 / 3)


def test_predict_labels_one_from_one_half_by_default():
    # sigmoid(-1e-6) = 0.49999975 and sigmoid(1e-6) = 0.50000025: any default
    # threshold other than 1/2 by more than 2.5e-7 labels one of them differently,
    # and sigmoid(0) = 1/2 exactly reaches the threshold.
    params = {"W1": np.array([[1.0]]), "b1": np.array([[0.0]])}
    X = np.array([[-1e-6, 0.0, 1e-6]])
    np.testing.assert_array_equal(predict(X, params), [[0, 1, 1]])
    np.testing.assert_array_equal(predict(X, params), predict(X, params, threshold=0.5))


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

    train runs in one thread, so the peak does not depend on the count of cores.
    """
    tracemalloc.start()
    try:
        train(*args, **kwargs)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_mini_batches_and_float32_cut_the_memory():
    # train runs in one thread, so its peak is the same on every run and every machine.
    rng = np.random.default_rng(0)
    m, dims = 8000, [50, 128, 64, 1]
    X = rng.standard_normal((dims[0], m))
    Y = (rng.random((1, m)) < 0.5).astype(float)
    caches = 2 * sum(dims[1:]) * m * 8  # Z[l] and A[l] of every layer, float64
    full = peak_bytes(X, Y, dims, epochs=2, lr=0.1)
    assert full > caches  # the caches of the whole batch are all alive at the backward pass
    # Mini-batches of 500 keep one batch's caches at a time: a fraction of the memory.
    assert peak_bytes(X, Y, dims, epochs=2, lr=0.1, batch_size=500) < full / 4
    # float32 halves it (X's float32 copy, 50 of the 8000 x 243 numbers, adds little).
    assert peak_bytes(X, Y, dims, epochs=2, lr=0.1, dtype=np.float32) < 0.6 * full


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




# The training loop, pinned down for both trainers: nnlib.train and nnlib.fast.train.

TRAINERS = [pytest.param(train, id="train"), pytest.param(nnlib.fast.train, id="fast.train")]
LABEL_BITS = 7  # labels that name their example: column i holds the bits of i


def labelled_by_index(m):
    """X (3, m) of noise, and Y (LABEL_BITS, m) whose column i is i written in binary."""
    X = np.random.default_rng(5).standard_normal((3, m))
    Y = (np.arange(m) >> np.arange(LABEL_BITS)[:, None]) & 1
    return X, Y.astype(float)


@pytest.fixture
def batches_seen(monkeypatch):
    """Record, for each call of cost_function inside a trainer, the examples and the cost."""
    seen = []

    def spy(AL, Y):
        cost = cost_function(AL, Y)
        examples = (Y * (1 << np.arange(LABEL_BITS))[:, None]).sum(axis=0).astype(int)
        seen.append((examples.tolist(), cost))
        return cost

    monkeypatch.setattr(sys.modules["nnlib.training"], "cost_function", spy)  # the module, not the function
    monkeypatch.setattr(nnlib.fast.engine, "cost_function", spy)
    return seen


def epochs_of(seen, n_batches):
    """Cut the recorded calls into epochs of n_batches calls each."""
    assert len(seen) % n_batches == 0
    return [seen[i:i + n_batches] for i in range(0, len(seen), n_batches)]


@pytest.mark.parametrize("trainer", TRAINERS)
@pytest.mark.parametrize("m, batch_size", [(103, 10), (100, 10), (103, 51), (103, 102), (7, 1)])
def test_every_example_once_per_epoch_in_near_equal_batches(trainer, batches_seen, m, batch_size):
    # ceil(m / batch_size) batches, none larger than batch_size, sizes within one of each other.
    X, Y = labelled_by_index(m)
    n_batches = -(-m // batch_size)
    trainer(X, Y, [3, 4, LABEL_BITS], epochs=3, lr=0.1, batch_size=batch_size)
    assert len(batches_seen) == 3 * n_batches
    for epoch in epochs_of(batches_seen, n_batches):
        sizes = [len(examples) for examples, _ in epoch]
        assert max(sizes) <= batch_size and max(sizes) - min(sizes) <= 1, sizes
        used = sorted(i for examples, _ in epoch for i in examples)
        assert used == list(range(m))  # each example exactly once: none dropped, none twice


@pytest.mark.parametrize("trainer", TRAINERS)
def test_full_batch_takes_all_examples_in_order(trainer, batches_seen):
    X, Y = labelled_by_index(50)
    trainer(X, Y, [3, 4, LABEL_BITS], epochs=2, lr=0.1)
    assert [examples for examples, _ in batches_seen] == [list(range(50))] * 2


def orders(trainer, seen, seed, epochs=4, m=60, batch_size=8):
    """The order in which the examples came, epoch by epoch."""
    X, Y = labelled_by_index(m)
    seen.clear()
    trainer(X, Y, [3, 4, LABEL_BITS], epochs=epochs, lr=0.1, seed=seed, batch_size=batch_size)
    n_batches = -(-m // batch_size)
    return [sum((examples for examples, _ in epoch), []) for epoch in epochs_of(seen, n_batches)]


@pytest.mark.parametrize("trainer", TRAINERS)
def test_order_is_reshuffled_every_epoch_and_follows_the_seed(trainer, batches_seen):
    first = orders(trainer, batches_seen, seed=3)
    # A fresh order each epoch: no two of the four epochs alike (60! orders make a tie
    # by chance impossible in practice, so this cannot fail for a shuffling trainer).
    assert len({tuple(order) for order in first}) == len(first)
    assert orders(trainer, batches_seen, seed=3) == first  # the same seed, the same orders
    assert orders(trainer, batches_seen, seed=4) != first  # another seed, other orders


@pytest.mark.parametrize("trainer", TRAINERS)
@pytest.mark.parametrize("batch_size", [None, 10])
def test_epoch_cost_is_the_mean_of_its_batch_costs(trainer, batches_seen, batch_size):
    m = 103
    X, Y = labelled_by_index(m)
    n_batches = 1 if batch_size is None else -(-m // batch_size)
    _, history = trainer(X, Y, [3, 4, LABEL_BITS], epochs=3, lr=0.5, batch_size=batch_size)
    for cost, epoch in zip(history, epochs_of(batches_seen, n_batches), strict=True):
        costs = [c for _, c in epoch]
        # A mean of n_batches positive numbers, summed in any order: within n eps of it.
        assert cost == pytest.approx(np.mean(costs), rel=n_batches * np.finfo(float).eps)
        assert n_batches == 1 or cost < 0.9 * sum(costs)  # a mean, not a sum


# The three inputs that once went unchecked by the tests: each gets a clear ValueError.


def test_cost_of_no_examples_is_refused():
    with pytest.raises(ValueError, match=r"A has no examples \(shape \(1, 0\)\)"):
        cost_function(np.zeros((1, 0)), np.zeros((1, 0)))


@pytest.mark.parametrize("threshold", [0, 1, 0.0, 1.0, -0.5, 1.5])
def test_predict_refuses_thresholds_that_decide_nothing(threshold):
    # At 0 every example is labelled 1, at 1 (nearly) every one 0.
    params = {"W1": np.array([[1.0, 1.0]]), "b1": np.array([[0.0]])}
    with pytest.raises(ValueError, match=rf"threshold must lie strictly between 0 and 1; got {threshold}"):
        predict(np.zeros((2, 5)), params, threshold=threshold)


def test_accuracy_refuses_probabilities_for_labels():
    probabilities = np.array([[0.2, 0.9, 0.6]])
    with pytest.raises(ValueError, match=r"Y_hat must hold labels 0 or 1.*probabilities AL instead of predict"):
        accuracy(probabilities, np.array([[0, 1, 1]]))
    with pytest.raises(ValueError, match=r"^Y must hold labels 0 or 1"):
        accuracy(np.array([[0, 1, 1]]), probabilities)


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


def test_train_with_validation_is_train_plus_a_validation_record(cancer):
    # Same parameters and training costs as train; the validation cost is the cost of the held-out set.
    X_train, X_test, Y_train, Y_test = cancer
    params, costs = train(X_train, Y_train, [30, 4, 1], epochs=30, lr=0.5, seed=3)
    params_v, costs_v, val_costs = train_with_validation(
        X_train, Y_train, X_test, Y_test, [30, 4, 1], epochs=30, lr=0.5, seed=3)
    np.testing.assert_allclose(costs_v, costs, rtol=1e-12)
    for name in params:
        np.testing.assert_allclose(params_v[name], params[name], rtol=1e-12)
    assert len(val_costs) == 30
    start = init_params([30, 4, 1], seed=3)
    np.testing.assert_allclose(val_costs[0], cost_function(forward_prop(X_test, start)[0], Y_test), rtol=1e-12)


def test_train_with_validation_checks_the_validation_set(cancer):
    X_train, X_test, Y_train, Y_test = cancer
    with pytest.raises(ValueError, match="did you mean X.T"):
        train_with_validation(X_train, Y_train, X_test.T, Y_test, [30, 4, 1], epochs=1, lr=0.5)
    with pytest.raises(ValueError, match=r"Y_val has shape \(142,\)"):
        train_with_validation(X_train, Y_train, X_test, Y_test.ravel(), [30, 4, 1], epochs=1, lr=0.5)
