"""Functions with a planted bug, which exercises hand to the learner to find.

``nnlib.check`` re-exports them beside the checkers (``check.backprop_with_a_bug``,
``check.suspect_backprop``, ``check.suspect_model_backward``,
``check.SuspectTensor``, ``check.sigmoid_backward_with_a_bug``,
``check.one_layer_backward_with_a_bug``). They live here, outside the
checkers, because the learner's own code calls them: the grading edition of
nnlib, which withholds the checkers, keeps these.
"""

import numpy as np

from nnlib.autodiff import Tensor, sum_to_shape

__all__ = [
    "backprop_with_a_bug", "suspect_backprop", "suspect_model_backward", "SuspectTensor",
    "sigmoid_backward_with_a_bug", "one_layer_backward_with_a_bug",
]


def backprop_with_a_bug(AL, Y, caches) -> dict:
    """A backward sweep like ``nnlib.backprop``, with one planted bug, for exercise 6.3.

    One of the gradients it returns is wrong, the others are right: find which
    by comparing each with a central difference of the cost, not by reading
    this code.

    Parameters
    ----------
    AL : ndarray of shape (1, m)
        The predictions from ``forward_prop``.
    Y : ndarray of shape (1, m)
        True labels, 0 or 1.
    caches : list
        The caches from ``forward_prop``.

    Returns
    -------
    grads : dict
        ``{"dW1": ..., "db1": ..., ..., "dWL": ..., "dbL": ...}``, one wrong.
    """
    # Written out in numpy alone, so that it runs where a workbook's own
    # one_layer_backward stands in for nnlib's.
    L = len(caches)
    grads = {}
    dZ = AL - Y
    for l in reversed(range(1, L + 1)):
        (A_prev, W, _), _ = caches[l - 1]
        m = A_prev.shape[1]
        grads[f"dW{l}"] = dZ @ A_prev.T if l == L else dZ @ A_prev.T / m  # the bug: no 1/m at L
        grads[f"db{l}"] = dZ.sum(axis=1, keepdims=True) / m
        if l > 1:  # through the sigmoid of layer l - 1, in chapter 3's stable form
            E = np.exp(-np.abs(caches[l - 2][1]))
            A = np.where(caches[l - 2][1] >= 0, 1, E) / (1 + E)
            dZ = (W.T @ dZ) * A * (1 - A)
    return grads


def suspect_backprop(AL, Y, caches):
    """A backward pass with backprop's signature and one planted bug, for Exercise 9.1.

    It is the sweep of the chapter on backpropagation, written out as the
    chapter on gradient checking writes ``backprop_with_slip``; one line is
    wrong. Every array it returns has the right shape whenever the hidden
    layers are square with as many units as examples, as in that chapter's
    test network: find the bug with ``gradcheck(..., backprop_fn=suspect_backprop)``.
    """
    L, m = len(caches), Y.shape[1]
    grads, dA = {}, None
    dZ = AL - Y  # the output layer
    for l in range(L, 0, -1):
        (A_prev, W, b), Z = caches[l - 1]
        if l < L:  # a hidden layer: through the sigmoid
            dZ = dA * A_prev * (1 - A_prev)
        grads[f"dW{l}"] = dZ @ A_prev.T / m
        grads[f"db{l}"] = np.sum(dZ, axis=1, keepdims=True) / m
        dA = W.T @ dZ  # handed down to layer l - 1
    return grads


def suspect_model_backward(dZL, caches):
    """A backward pass like ``model_backward`` for rectifier hidden layers, with one planted bug, for Exercise 11.3.

    It takes the logits' gradient and the caches of
    ``model_forward(X, params, hidden="relu")`` and returns ``dW1, db1, ...,
    dWL, dbL``, every one of the right shape. Some are wrong: find which by
    comparing each with central differences of the cost, not by reading
    this code.

    Parameters
    ----------
    dZL : ndarray of shape (n_L, m)
        Each example's slope of the cost in the logits (``logit_gradient``).
    caches : list
        From ``model_forward`` with ``hidden="relu"``.

    Returns
    -------
    grads : dict
        ``{"dW1": ..., "db1": ..., ..., "dWL": ..., "dbL": ...}``.
    """
    # Written out in numpy alone, as the other planted bugs are.
    L = len(caches)
    grads = {}
    dZ = dZL
    for l in range(L, 0, -1):
        (A_prev, W, _), _, _ = caches[l - 1]
        m = A_prev.shape[1]
        grads[f"dW{l}"] = dZ @ A_prev.T / m
        grads[f"db{l}"] = dZ.sum(axis=1, keepdims=True) / m
        if l > 1:  # through the rectifier of layer l - 1
            dA = W.T @ dZ
            dZ = np.where(dA > 0, dA, 0)  # the bug: the gradient's sign, not Z's
    return grads


class SuspectTensor(Tensor):
    """A ``Tensor`` with one operation whose backward step is wrong, for Exercise 15.2.

    Every operation's value is right, and every gradient it passes back has
    the right shape; one operation's backward step computes the wrong
    numbers. Find which by comparing each operation's gradients, on inputs
    made ``SuspectTensor``, with ``central_differences``.
    """

    def __mul__(self, other):
        other = other if isinstance(other, Tensor) else Tensor(other)
        out = Tensor(self.value * other.value, (self, other), "*")

        def backward_fn():
            # the bug: each input's gradient is scaled by its own value, not the other's
            self.grad += sum_to_shape(out.grad * self.value, self.value.shape)
            other.grad += sum_to_shape(out.grad * other.value, other.value.shape)

        out.backward_fn = backward_fn
        return out

    __rmul__ = __mul__
# Exercises 3.2 and 6.1: a function to repair, found wrong by a central difference.
__all__ += ["sigmoid_backward_with_a_bug", "one_layer_backward_with_a_bug"]


def sigmoid_backward_with_a_bug(dA, cache):
    """Carry dA back through the sigmoid from E = exp(-|Z|) alone, with one planted bug, for exercise 3.2.

    It never forms A = sigmoid(Z): the slope is written in E, which cannot
    overflow. One line is wrong: find where its dZ parts from a central
    difference, then repair it.

    Parameters
    ----------
    dA : ndarray of shape (n_l, m)
        Gradient with respect to the layer's activations.
    cache : ndarray of shape (n_l, m)
        The Z that ``sigmoid`` returned as its cache.

    Returns
    -------
    dZ : ndarray of shape (n_l, m)
    """
    E = np.exp(-np.abs(cache))
    slope = E / (1 + E**2)
    return dA * slope


def one_layer_backward_with_a_bug(dA, cache):
    """One sigmoid layer's backward step, with one planted bug, for exercise 6.1.

    It returns ``(dA_prev, dW, db)`` as ``nnlib.one_layer_backward`` does;
    one of the three is wrong. Written in numpy alone, so that it runs where a
    workbook's own one_layer_backward stands in for nnlib's.

    Parameters
    ----------
    dA : ndarray of shape (n_l, m)
        Gradient with respect to the layer's activations, one column per example.
    cache : tuple
        ``((A_prev, W, b), Z)``, as ``forward_prop`` stores it.

    Returns
    -------
    dA_prev, dW, db : ndarrays of the shapes of A_prev, W and b
    """
    (A_prev, W, _), Z = cache
    m = A_prev.shape[1]
    E = np.exp(-np.abs(Z))  # the sigmoid in chapter 3's stable form
    A = np.where(Z >= 0, 1, E) / (1 + E)
    dZ = dA * A * (1 - A)
    dW = dZ @ A_prev.T / m
    db = dZ.sum(axis=1, keepdims=True) / m
    dA_prev = W.T @ dA
    return dA_prev, dW, db
