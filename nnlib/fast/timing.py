"""Time training epochs: nnlib's two trainers, PyTorch, scikit-learn and the matrix-product floor.

For ``benchmarks/bench_train.py`` and the book's appendix "How fast is from
scratch?". Each ``*_epochs`` function sets a network up once and returns a
function ``run(k)`` that trains for k epochs and returns the seconds per
epoch; ``interleave`` calls several of them in turn, round after round, so
that a busy moment of the machine hits all of them alike.

PyTorch and scikit-learn are optional (``pip install -e .[bench]``):
``torch_epochs`` and ``sklearn_epochs`` return None when they are not
installed.
"""

import functools
import time
import warnings
from collections.abc import Callable

import numpy as np

from nnlib import fast
from nnlib.params import init_params
from nnlib.training import train


def synthetic_data(m: int, n_x: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Draw m examples of n_x standard-normal features, labelled by a random linear rule.

    Returns
    -------
    X : ndarray of shape (n_x, m)
    Y : ndarray of shape (1, m)
    """
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_x, m))
    w = rng.standard_normal((1, n_x))
    Y = (w @ X + 0.5 * rng.standard_normal((1, m)) > 0).astype(float)
    return X, Y


def nnlib_epochs(
    X, Y, layer_dims, lr=0.1, dtype=np.float64, batch_size=None, trainer: Callable = train
) -> Callable:
    """Time a trainer, ``nnlib.train`` unless told: run(k) trains a fresh network for k epochs."""

    def run(k: int) -> float:
        start = time.perf_counter()
        trainer(X, Y, layer_dims, k, lr, dtype=dtype, batch_size=batch_size)
        return (time.perf_counter() - start) / k

    return run


def road_to_fast() -> dict[str, Callable]:
    """The road from ``nnlib.train`` to ``nnlib.fast.train``: one trainer per step, in order.

    Each trainer has the arguments and the results of ``train``, and adds one
    step of ``nnlib.fast`` to the one before it:

    - "textbook": ``nnlib.train``, the chapters' loop;
    - "in place": the engine in one thread, on whole arrays, with new buffers
      every step: the backward pass reuses the cached A and skips dA[0], the
      data are checked once, and every operation writes into a buffer;
    - "buffers once": the same buffers, made once and reused every step;
    - "blocks": the elementwise work a cache-sized block at a time;
    - "threads": the examples shared out between the cores; this is
      ``nnlib.fast.train``.
    """
    return {
        "textbook": train,
        "in place": functools.partial(fast.train_with_options, buffers_once=False, blocks=False, threads=1),
        "buffers once": functools.partial(fast.train_with_options, blocks=False, threads=1),
        "blocks": functools.partial(fast.train_with_options, threads=1),
        "threads": fast.train,
    }


def torch_epochs(X, Y, layer_dims, lr=0.1, dtype=np.float64, seed=3) -> Callable | None:
    """Time the same network and algorithm in PyTorch on the CPU; None without torch.

    Idiomatic PyTorch: ``nn.Sequential`` of ``nn.Linear`` layers with
    ``nn.Sigmoid`` between them, ``nn.BCEWithLogitsLoss`` (the output
    sigmoid and the cross-entropy in one stable step, as nnlib's
    dZ[L] = AL - Y), ``torch.optim.SGD`` without momentum or weight decay,
    full batch, examples in rows. The weights start as nnlib's
    ``init_params(layer_dims, seed)``. Each epoch: zero the gradients,
    forward, loss, backward, step, and read the loss (as nnlib records its
    cost).
    """
    try:
        import torch
    except ImportError:
        return None
    torch_dtype = torch.float32 if np.dtype(dtype) == np.float32 else torch.float64
    L = len(layer_dims) - 1
    layers = []
    for l in range(1, L + 1):
        layers.append(torch.nn.Linear(layer_dims[l - 1], layer_dims[l], dtype=torch_dtype))
        if l < L:
            layers.append(torch.nn.Sigmoid())
    model = torch.nn.Sequential(*layers)
    start_params = init_params(layer_dims, seed)
    X_rows = torch.from_numpy(np.ascontiguousarray(X.T, dtype=dtype))
    Y_rows = torch.from_numpy(np.ascontiguousarray(Y.T, dtype=dtype))
    loss_fn = torch.nn.BCEWithLogitsLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    linears = [layer for layer in model if isinstance(layer, torch.nn.Linear)]

    def run(k: int, costs: list | None = None) -> float:
        start = time.perf_counter()
        with torch.no_grad():  # a fresh network from the same start, like train
            for l, linear in enumerate(linears, start=1):
                linear.weight.copy_(torch.from_numpy(start_params[f"W{l}"]))
                linear.bias.copy_(torch.from_numpy(start_params[f"b{l}"].ravel()))
        for _ in range(k):
            optimizer.zero_grad()
            loss = loss_fn(model(X_rows), Y_rows)
            loss.backward()
            optimizer.step()
            cost = loss.item()
            if costs is not None:
                costs.append(cost)
        return (time.perf_counter() - start) / k

    return run


def sklearn_epochs(X, Y, layer_dims, lr=0.1, dtype=np.float64) -> Callable | None:
    """Time scikit-learn's MLPClassifier doing full-batch gradient descent; None without sklearn.

    ``MLPClassifier(activation="logistic", solver="sgd", batch_size=m,
    momentum=0, alpha=0, shuffle=False)``, with its own initialisation: run(k)
    fits a fresh classifier for k epochs.
    """
    try:
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.neural_network import MLPClassifier
    except ImportError:
        return None
    X_rows = np.ascontiguousarray(X.T, dtype=dtype)
    y = Y.ravel().astype(int)

    def run(k):
        clf = MLPClassifier(
            hidden_layer_sizes=tuple(layer_dims[1:-1]), activation="logistic",
            solver="sgd", batch_size=X_rows.shape[0], learning_rate_init=lr,
            momentum=0.0, nesterovs_momentum=False, alpha=0.0, shuffle=False,
            max_iter=k, tol=0.0, n_iter_no_change=k + 1, random_state=0,
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            start = time.perf_counter()
            clf.fit(X_rows, y)
        return (time.perf_counter() - start) / k

    return run


def floor_epochs(layer_dims, m, dtype=np.float64) -> Callable:
    """Time only the matrix products one full-batch epoch needs, on arrays of the same shapes.

    Forward, W[l] A[l-1] for every layer; backward, dZ[l] A[l-1]^T for every
    layer and W[l]^T dZ[l] for every layer but the first (nobody needs the
    gradient with respect to X); where layer l has one unit, W[l]^T dZ[l] is
    an outer product, with no sum, and numpy's elementwise product takes it
    faster than a matrix product does. Outputs go into arrays made beforehand, so
    this is the time of the products and nothing else.
    """
    rng = np.random.default_rng(0)
    L = len(layer_dims) - 1
    A = [rng.random((n, m)).astype(dtype) for n in layer_dims]  # A[0] = X, ..., A[L]
    W = [None] + [rng.random((layer_dims[l], layer_dims[l - 1])).astype(dtype)
                  for l in range(1, L + 1)]
    Z = [None] + [np.empty((n, m), dtype) for n in layer_dims[1:]]
    dA = [np.empty((n, m), dtype) for n in layer_dims[:-1]]
    dW = [None] + [np.empty_like(W[l]) for l in range(1, L + 1)]

    def run(k: int) -> float:
        start = time.perf_counter()
        for _ in range(k):
            for l in range(1, L + 1):
                np.matmul(W[l], A[l - 1], out=Z[l])
            for l in range(L, 0, -1):
                np.matmul(A[l], A[l - 1].T, out=dW[l])  # A[l] stands in for dZ[l]
                if l > 1 and layer_dims[l] == 1:  # an outer product, as the engine takes it
                    np.multiply(W[l].T, A[l], out=dA[l - 1])
                elif l > 1:
                    np.matmul(W[l].T, A[l], out=dA[l - 1])
        return (time.perf_counter() - start) / k

    return run


def interleave(
    runners: dict[str, Callable], rounds: int, k: int = 1, pause: float = 0.2
) -> dict[str, list[float]]:
    """Call every runner once per round, in turn, after one warm-up call each.

    After each call the machine rests for ``pause`` seconds: the worker
    threads of a BLAS library keep spinning for a moment after their last
    product, and would otherwise steal the cores from the next runner.

    Returns
    -------
    times : dict of str to list of float
        Seconds per epoch, one entry per round, for each runner.
    """
    for run in runners.values():
        run(1)
        time.sleep(pause)
    times = {name: [] for name in runners}
    for _ in range(rounds):
        for name, run in runners.items():
            times[name].append(run(k))
            time.sleep(pause)
    return times
