"""The training of ``nnlib.train``, made fast: the course's speed engine.

``nnlib.fast.train`` takes the same arguments, checks them the same way,
starts from the same weights, takes the same mini-batches in the same order
and returns the same things as ``nnlib.train``. Only the way the arithmetic
is laid out differs; the appendix "How fast is from scratch?" goes through it
step by step and measures each one:

1. Buffers made once. Every array a step needs (each layer's activations,
   the gradients travelling back, the gradients of the parameters) is made
   before the first epoch, one set per batch size, and written into again
   every step through numpy's ``out=`` arguments, so no step allocates.
2. No recomputation, no unneeded product, fewer passes. The backward pass
   takes the sigmoid's slope A (1 - A) from the activations the forward pass
   kept, instead of computing the sigmoid of Z again, so Z itself is never
   kept: the sigmoid is applied in place. It is 1 / (1 + e^-Z), four passes
   over the layer instead of the stable form's seven; e^-Z overflows for Z
   below about -709 and A comes out 0, right to within 1e-308, so that
   overflow is silenced here. The bias is added in the sigmoid's first
   pass (``sigmoid_of_sum``), exactly as Z = WA + b rounds. The backward pass
   stops before dA[0], the gradient with respect to X, which no parameter
   needs, and takes W^T dZ behind a layer of one unit as the outer product
   it is, elementwise: a matrix product with nothing to sum is slow in BLAS.
3. Blocks. The sigmoid and the slope are computed a block of 32768 entries
   at a time (``nnlib/fast/blocks.py``), so that the operations on each entry
   run inside the processor's cache.
4. Threads. A large batch is cut into slices of examples, one per core, each
   slice taken forwards and backwards in a thread of its own with BLAS kept
   to one core per thread (``nnlib/fast/threads.py``); the slices' gradients are
   summed and the slices' costs averaged, each weighted by its share of the
   examples.
5. Checks once. The data are checked before the first epoch, not in every
   step.

Part three's networks train here too: ``hidden="relu"`` puts rectifiers in
the hidden layers (applied in place, and their slope, 1 where A > 0, read
from A as the sigmoid's is), ``output="softmax"`` reads K classes from the
last layer's logits with the cost and gradient of ``softmax_cost``, and
``scheme`` chooses the start as ``init_params`` does ("he" for rectifiers).
The step is plain gradient descent: part three's optimisers (momentum, Adam)
and regularisers (L2, dropout) change what a step does with the gradient,
not where the time goes, and they stay with ``nnlib.deep.train_model``.

The sigmoid of a negative number rounds differently from the textbook's
(each within a few units in the last place), and in several threads the sums
over examples are taken in another order; apart from that every entry goes
through the operations of ``nnlib.train``, in the same order, and the
results agree up to rounding in the last digits (tests/test_fast.py holds
them to it).
"""

import contextlib
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from nnlib.fast.blocks import blockwise
from nnlib._validate import validate_params, validate_training, validate_X, validate_Y
from nnlib.fast.threads import blas_on_one_core, threads_for
from nnlib.cost import cost_function
from nnlib.params import init_params

HIDDEN = ("sigmoid", "relu")
OUTPUTS = ("sigmoid", "softmax")

__all__ = [
    "train", "cost_and_grads", "train_with_options", "Step", "Slice", "sigmoid_in_place", "sigmoid_of_sum",
    "times_sigmoid_slope",
    "softmax_cost_and_slope", "times_relu_slope",
]


def train(
    X: np.ndarray,
    Y: np.ndarray,
    layer_dims: list[int],
    epochs: int,
    lr: float,
    seed: int | None = 3,
    batch_size: int | None = None,
    dtype=np.float64,
    *,
    hidden: str = "sigmoid",
    output: str = "sigmoid",
    scheme: str = "tutorial",
) -> tuple[dict[str, np.ndarray], list[float]]:
    """Fit a network by gradient descent, as ``nnlib.train`` does, but faster.

    Parameters and returns are those of ``nnlib.train``: X of shape
    (n_x, m), Y of shape (n_L, m), and back the trained ``W1, b1, ..., WL,
    bL`` with one cost per epoch. The defaults are ``train``'s sigmoid
    network. ``hidden="relu"`` makes the hidden layers rectifiers;
    ``output="softmax"`` makes the last layer's n_L units the logits of a
    softmax over n_L classes (Y one-hot, as ``one_hot`` makes it; the cost is
    ``softmax_cost``); ``scheme`` is ``init_params``'s.
    """
    return train_with_options(
        X, Y, layer_dims, epochs, lr, seed, batch_size, dtype,
        hidden=hidden, output=output, scheme=scheme,
    )


def train_with_options(
    X, Y, layer_dims, epochs, lr, seed=3, batch_size=None, dtype=np.float64,
    *, buffers_once: bool = True, blocks: bool = True, threads: int | None = None,
    hidden: str = "sigmoid", output: str = "sigmoid", scheme: str = "tutorial",
):
    """``train``, with the engine's steps switched on or off (for the speed appendix).

    buffers_once=False makes every step's buffers afresh; blocks=False runs
    the elementwise work on whole arrays; threads=1 keeps to one thread (None:
    as many as pay, see nnlib/fast/threads.py). All on is ``train``.
    """
    dims, X, Y, epochs, lr, batch_size, dtype = validate_training(
        X, Y, layer_dims, epochs, lr, batch_size, dtype
    )
    _validate_network(hidden, output, Y)
    m = X.shape[1]
    start = init_params(dims, seed, scheme=scheme)
    params = {name: p.astype(dtype) for name, p in start.items()}
    shuffle = np.random.default_rng(seed)
    n_batches = -(-m // batch_size)  # ceil(m / batch_size)
    if threads is None:
        threads = threads_for(-(-m // n_batches), dims, dtype)
    elementwise = blockwise if blocks else _whole
    steps = {}  # one Step, with its buffers, per batch size (at most two sizes)
    cost_history = []
    with blas_on_one_core(threads), _pool(threads) as pool:
        for _ in range(epochs):
            if n_batches == 1:
                batches = [None]  # all m examples, in their order
            else:
                batches = np.array_split(shuffle.permutation(m), n_batches)
            costs = []
            for batch in batches:
                size = m if batch is None else len(batch)
                if size not in steps or not buffers_once:
                    steps[size] = Step(dims, size, dtype, threads, elementwise, hidden, output)
                costs.append(steps[size].run(X, Y, batch, params, lr, pool))
            cost_history.append(sum(costs) / n_batches)
    return params, cost_history


def cost_and_grads(
    X: np.ndarray, Y: np.ndarray, params: dict[str, np.ndarray], threads: int = 1,
    *, hidden: str = "sigmoid", output: str = "sigmoid",
) -> tuple[float, dict[str, np.ndarray]]:
    """The cost and the gradients of one full-batch step, as ``train`` computes them.

    For checking the engine (the tests compare these gradients with central
    differences of the cost): ``threads`` slices of the examples, each in a
    thread of its own when there are several.

    Returns
    -------
    cost : float
    grads : dict of str to ndarray
        ``dW1, db1, ..., dWL, dbL``, as ``nnlib.backprop`` returns them.
    """
    L = validate_params(params)
    dims = [params["W1"].shape[1]] + [params[f"W{l}"].shape[0] for l in range(1, L + 1)]
    dtype = params["W1"].dtype
    X = validate_X(X, dims[0]).astype(dtype, copy=False)
    Y = validate_Y(Y, (dims[-1], X.shape[1])).astype(dtype, copy=False)
    _validate_network(hidden, output, Y)
    step = Step(dims, X.shape[1], dtype, threads, blockwise, hidden, output)
    W = [None] + [params[f"W{l}"] for l in range(1, L + 1)]
    b = [None] + [params[f"b{l}"] for l in range(1, L + 1)]
    with _pool(threads) as pool:
        cost = step.gradients(X, Y, None, W, b, pool)
    grads = {}
    for l in range(1, L + 1):
        grads[f"dW{l}"], grads[f"db{l}"] = step.dW[l].copy(), step.db[l].copy()
    return cost, grads


def _validate_network(hidden, output, Y) -> None:
    if not isinstance(hidden, str) or hidden not in HIDDEN:
        raise ValueError(f"hidden must be one of {', '.join(map(repr, HIDDEN))}; got {hidden!r}")
    if not isinstance(output, str) or output not in OUTPUTS:
        raise ValueError(f"output must be one of {', '.join(map(repr, OUTPUTS))}; got {output!r}")
    if output == "softmax" and (Y.shape[0] < 2 or not np.all(Y.sum(axis=0) == 1)):
        raise ValueError(
            f"output='softmax' needs one-hot labels, each column a single 1 among K >= 2 rows "
            f"(use one_hot(labels, K)); got Y of shape {Y.shape}"
            + ("" if Y.shape[0] < 2 else " with columns that are not one-hot")
        )


def _whole(f, *arrays: np.ndarray, out: np.ndarray) -> np.ndarray:
    """Run an elementwise f(*arrays, out) on whole arrays (blockwise's stand-in)."""
    f(*arrays, out)
    return out


def _pool(threads: int):
    """A pool of worker threads, or nothing to enter when one thread does the work."""
    return ThreadPoolExecutor(threads) if threads > 1 else contextlib.nullcontext()


class Step:
    """One gradient-descent step on batches of one size, with its buffers made once."""

    def __init__(self, dims, size, dtype, threads, elementwise=blockwise, hidden="sigmoid", output="sigmoid"):
        self.L = len(dims) - 1
        self.m = size
        ends = [size * i // threads for i in range(threads + 1)]
        self.slices = [
            Slice(dims, start, end, dtype, elementwise, hidden, output)
            for start, end in zip(ends, ends[1:])
            if end > start
        ]
        # Gradients of the whole step, summed over the slices.
        shapes = list(zip(dims[1:], dims))  # (n_l, n_{l-1}) for l = 1..L
        self.dW = [None] + [np.empty(shape, dtype) for shape in shapes]
        self.db = [None] + [np.empty((n, 1), dtype) for n in dims[1:]]

    def gradients(self, X, Y, batch, W, b, pool) -> float:
        """Put the gradients on ``batch`` (None: all) into dW, db; return the cost."""
        if len(self.slices) == 1:
            costs = [self.slices[0].run(X, Y, batch, W, b)]
        else:
            tasks = [
                pool.submit(part.run, X, Y, batch, W, b)
                for part in self.slices
            ]
            costs = [task.result() for task in tasks]
        for l in range(1, self.L + 1):
            _sum_into(self.dW[l], [part.dW[l] for part in self.slices])
            _sum_into(self.db[l], [part.db[l] for part in self.slices])
            self.dW[l] /= self.m
            self.db[l] /= self.m
        if len(self.slices) == 1:
            return costs[0]
        shares = [part.size / self.m for part in self.slices]
        return float(sum(share * cost for share, cost in zip(shares, costs)))

    def run(self, X, Y, batch, params, lr, pool) -> float:
        """Take one step, updating params in place; return the cost before it."""
        W = [None] + [params[f"W{l}"] for l in range(1, self.L + 1)]
        b = [None] + [params[f"b{l}"] for l in range(1, self.L + 1)]
        cost = self.gradients(X, Y, batch, W, b, pool)
        for l in range(1, self.L + 1):
            # W - lr * dW, rounded as nnlib.train rounds it, but in place.
            self.dW[l] *= lr
            W[l] -= self.dW[l]
            self.db[l] *= lr
            b[l] -= self.db[l]
        return cost


def _sum_into(out: np.ndarray, parts: list[np.ndarray]) -> None:
    """out = parts[0] + parts[1] + ..., in that order."""
    np.copyto(out, parts[0])
    for part in parts[1:]:
        out += part


class Slice:
    """Examples start:end of a batch: forward and backward, in buffers of its own."""

    def __init__(self, dims, start, end, dtype, elementwise=blockwise,
                 hidden="sigmoid", output="sigmoid"):
        """Allocate the slice's A, dA and dZ once, for every step it will take."""
        self.start, self.end, self.size = start, end, end - start
        self.elementwise = elementwise  # blockwise, or _whole for whole arrays
        self.hidden, self.output = hidden, output
        self.L = len(dims) - 1
        ms = self.size
        self.dims, self.dtype = dims, dtype
        # made at the first mini-batch; never for a full batch
        self.X = self.Y = None
        # A[l] for l = 1..L (A[0] is the slice of X); dA[l] for
        # l = 1..L-1; dZ[L].
        self.A = [None] + [np.empty((n, ms), dtype) for n in dims[1:]]
        self.dA = [None] + [np.empty((n, ms), dtype) for n in dims[1:-1]]
        self.dZL = np.empty((dims[-1], ms), dtype)
        self.minus_b = [None] + [np.empty((n, 1), dtype) for n in dims[1:]]
        # This slice's share of the gradients: sums over its examples,
        # not yet over m.
        shapes = list(zip(dims[1:], dims))  # (n_l, n_{l-1}) for l = 1..L
        self.dW = [None] + [np.empty(shape, dtype) for shape in shapes]
        self.db = [None] + [np.empty((n, 1), dtype) for n in dims[1:]]

    def run(self, X, Y, batch, W, b) -> float:
        """Forward and backward over this slice; fill dW and db; return its cost."""
        if batch is None:
            if self.start == 0 and self.end == X.shape[1]:
                X_s, Y_s = X, Y
            else:  # a view of the columns: no copy
                X_s, Y_s = X[:, self.start:self.end], Y[:, self.start:self.end]
        else:
            part = batch[self.start:self.end]
            if self.X is None:
                # In the memory order that X[:, batch] gives nnlib.train,
                # so that BLAS sees the same layout and rounds the same way.
                self.X = np.empty(
                    (self.dims[0], self.size), self.dtype, order="F"
                )
                self.Y = np.empty(
                    (self.dims[-1], self.size), self.dtype, order="F"
                )
            # mode="clip" spares numpy a temporary copy; the indices are
            # all in range.
            X_s = np.take(X, part, axis=1, out=self.X, mode="clip")
            Y_s = np.take(Y, part, axis=1, out=self.Y, mode="clip")
        A = self.A
        A_prev = X_s
        for l in range(1, self.L + 1):
            np.matmul(W[l], A_prev, out=A[l])
            if l < self.L and self.hidden == "relu":
                A[l] += b[l]
                np.maximum(A[l], 0, out=A[l])
            elif l < self.L or self.output == "sigmoid":
                # the bias, added in the sigmoid's first pass
                minus_b = np.negative(b[l], out=self.minus_b[l])
                self.elementwise(sigmoid_of_sum, A[l], minus_b, out=A[l])
            else:  # the logits of a softmax
                A[l] += b[l]
            A_prev = A[l]
        if self.output == "sigmoid":
            cost = cost_function(A[self.L], Y_s)
            dZ = np.subtract(A[self.L], Y_s, out=self.dZL)  # dZ[L] = AL - Y
        else:  # A[L] holds the logits
            cost, dZ = softmax_cost_and_slope(A[self.L], Y_s, out=self.dZL)
        for l in range(self.L, 0, -1):
            A_prev = X_s if l == 1 else A[l - 1]
            np.matmul(dZ, A_prev.T, out=self.dW[l])
            np.sum(dZ, axis=1, keepdims=True, out=self.db[l])
            if l > 1:
                if W[l].shape[0] == 1:  # one unit: no sum, one product each
                    dA = np.multiply(W[l].T, dZ, out=self.dA[l - 1])
                else:
                    dA = np.matmul(W[l].T, dZ, out=self.dA[l - 1])
                if self.hidden == "relu":
                    dZ = times_relu_slope(dA, A_prev, out=dA)
                else:
                    slope = times_sigmoid_slope
                    dZ = self.elementwise(slope, dA, A_prev, out=dA)
        return cost


def sigmoid_in_place(Z: np.ndarray, A: np.ndarray) -> None:
    """A = 1 / (1 + e^-Z), in place if A is Z: four passes, no choice per entry.

    ``sigmoid_of_sum`` with no bias: 0 - Z is -Z (up to the sign of a zero,
    and e^0 = e^-0 = 1).
    """
    sigmoid_of_sum(Z, 0.0, A)


def sigmoid_of_sum(WA: np.ndarray, minus_b, A: np.ndarray) -> None:
    """A = 1 / (1 + e^-(WA + b)), given minus_b = -b, in place if A is WA: four passes.

    The first pass adds the bias and negates at once: minus_b - WA rounds to
    exactly the negative of WA + b, since rounding is symmetric about 0. For
    WA + b below about -709, e^-(WA + b) overflows to inf and A comes out 0,
    where the true value is below 1e-308: the overflow is expected, and
    silenced.
    """
    np.subtract(minus_b, WA, out=A)
    with np.errstate(over="ignore"):
        np.exp(A, out=A)
    A += 1
    np.reciprocal(A, out=A)


def softmax_cost_and_slope(ZL: np.ndarray, Y: np.ndarray, out: np.ndarray) -> tuple[float, np.ndarray]:
    """The softmax cross-entropy of logits ZL (K, m) and its slope softmax(ZL) - Y, written into out.

    The steps of ``log_softmax`` and ``softmax_cost``: the column's largest
    logit subtracted, the log of the sum of exponentials taken once, and the
    probabilities as exp(log p) from the same numbers.
    """
    np.subtract(ZL, ZL.max(axis=0, keepdims=True), out=out)
    out -= np.log(np.sum(np.exp(out), axis=0, keepdims=True))  # log p
    cost = float(-np.sum(Y * out) / ZL.shape[1])
    np.exp(out, out=out)
    out -= Y
    return cost, out


def times_relu_slope(dA: np.ndarray, A: np.ndarray, out: np.ndarray) -> np.ndarray:
    """Write dZ = dA where A > 0, else 0, into out (out may be dA), with A = max(Z, 0).

    A > 0 exactly where Z > 0, so the rectifier's slope is read from A, as
    the sigmoid's is, and Z need not be kept.
    """
    return np.multiply(dA, A > 0, out=out)


def times_sigmoid_slope(dA: np.ndarray, A: np.ndarray, out: np.ndarray) -> None:
    """Write dZ = dA * A * (1 - A) into out (out may be dA), with A = sigmoid(Z)."""
    np.multiply(dA, A, out=out)
    out *= 1 - A
