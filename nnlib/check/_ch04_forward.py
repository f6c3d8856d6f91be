"""Checkers for the exercises of the 04_forward chapter."""

import numpy as np

from nnlib.activations import sigmoid as nnlib_sigmoid
from nnlib.check._core import call, check_number, check_shape, CheckFailed, compare, Mistake, passed, same
from nnlib.forward import forward_prop as nnlib_forward_prop
from nnlib.params import init_params as nnlib_init_params

__all__ = ["forward_prop", "cache_shape", "zero_weight_prediction"]

WHAT = "my_forward_prop(X, params)"


def _net(layer_dims, m, seed):
    """Weights and biases of scale 1 (so that every mistake shows) and an input X of m columns."""
    rng = np.random.default_rng(seed)
    params = {}
    for l in range(1, len(layer_dims)):
        params[f"W{l}"] = rng.standard_normal((layer_dims[l], layer_dims[l - 1]))
        params[f"b{l}"] = rng.standard_normal((layer_dims[l], 1))
    X = rng.standard_normal((layer_dims[0], m))
    return X, params


def forward_prop(my_forward_prop) -> None:
    """Check the learner's ``my_forward_prop(X, params) -> (AL, caches)`` against nnlib's.

    It runs two networks with weights and biases of scale 1. First
    [3, 3, 3] on m = 5 examples: square weight matrices, on which even a
    transposed W runs, so that it can be recognised. Then [4, 5, 3, 1] on
    m = 7 examples, where no W is square and m equals no layer size. It
    compares AL first and then the caches, each against nnlib's.

    Parameters
    ----------
    my_forward_prop : callable
        ``my_forward_prop(X, params) -> (AL, caches)``, with caches a list
        of ``((A_prev, W, b), Z)``, one per layer, first layer first.

    Raises
    ------
    CheckFailed
        If the result differs. For AL it names these mistakes: a transposed
        W; forgetting the bias; sigmoid only on the last layer; no sigmoid
        on the last layer; examples in
        rows; stopping one layer early; returning AL alone. For the caches:
        caches in the wrong order (within a cache, or the list reversed); a
        flat cache (A_prev, W, b, Z); an activation cache that holds A, not
        Z; storing A[l] where A[l-1] belongs.
    """
    for layer_dims, m, seed in (([3, 3, 3], 5, 10), ([4, 5, 3, 1], 7, 11)):
        X, params = _net(layer_dims, m, seed)
        AL, caches = nnlib_forward_prop(X, params)
        got = call(my_forward_prop, X, params, what=WHAT)

        if not isinstance(got, (tuple, list)) or len(got) != 2:
            if same(got, AL):
                raise CheckFailed(f"{WHAT} is not right. It gives exactly what returning AL alone "
                                  f"gives. Return the pair (AL, caches).")
            raise CheckFailed(f"{WHAT} should return a pair (AL, caches); got "
                              f"{type(got).__name__}.")
        got_AL, got_caches = got

        AL_mistakes = []
        for name, hint, variant in _AL_MISTAKES:
            try:
                result = variant(X, params)
            except ValueError:
                continue  # this mistake cannot run on these shapes (a transposed W on [4, 5, 3, 1])
            AL_mistakes.append(Mistake(name, hint, result))
        compare(got_AL, AL, AL_mistakes, what=f"The AL of {WHAT}")

        cache_mistakes = [Mistake(name, hint, variant(caches))
                          for name, hint, variant in _CACHE_MISTAKES]
        compare(got_caches, caches, cache_mistakes, what=f"The caches of {WHAT}")
    passed("my_forward_prop gives nnlib's AL and the same caches ((A_prev, W, b), Z), layer 1 "
           "first.")


def cache_shape(my_cache_shape) -> None:
    """Check the predicted shape of ``caches[1][0][0]`` for [10, 6, 3, 1] on 50 examples.

    The expected shape is read off the caches ``forward_prop`` really
    returns. caches[1] belongs to layer 2 (the list starts at layer 1), its
    first element is the linear cache (A_prev, W, b), and A_prev = A[1] has
    shape (6, 50).

    Parameters
    ----------
    my_cache_shape : tuple of int
        The learner's (rows, columns).

    Raises
    ------
    CheckFailed
        If the shape is wrong. It names these mistakes: examples in rows;
        reading caches[1] as layer 1's cache; Z[2] instead of A_prev; W[2]
        instead of A_prev.
    """
    layer_dims, m = [10, 6, 3, 1], 50
    X, params = _net(layer_dims, m, 12)
    _, caches = nnlib_forward_prop(X, params)
    expected = caches[1][0][0].shape
    mistakes = [
        Mistake("putting the examples in rows", "Every array of activations has one column per "
                "example.", expected[::-1]),
        Mistake("reading caches[1] as layer 1's cache", "Python counts from 0: caches[0] belongs "
                "to layer 1 and caches[1] to layer 2.", caches[0][0][0].shape),
        Mistake("taking Z[2] for A_prev", "caches[1][0] is the linear cache (A_prev, W, b), and "
                "its first entry is the input of layer 2.", caches[1][1].shape),
        Mistake("taking W[2] for A_prev", "W[2] comes second in the linear cache (A_prev, W, b).",
                caches[1][0][1].shape),
    ]
    check_shape(my_cache_shape, expected, mistakes, what="my_cache_shape",
                 hint="Find which layer caches[1] belongs to, which part of its cache [0][0] "
                      "picks out, and then follow the shapes.")
    passed(f"caches[1][0][0] is A[1], the input of layer 2, of shape {expected}.")


def zero_weight_prediction(my_zero_weight_prediction) -> None:
    """Check the predicted output of [30, 8, 1] when all weights are 0 and b2 = ln 3.

    With W[2] = 0 the output layer ignores its inputs: Z[2] = b[2] = ln 3
    for every example, so AL = sigma(ln 3) = 1 / (1 + 1/3) = 3/4. The
    expected value is computed with nnlib's ``forward_prop`` on random
    inputs. The check accepts answers within 1% of it.

    Parameters
    ----------
    my_zero_weight_prediction : float
        The learner's prediction.

    Raises
    ------
    CheckFailed
        If the prediction is off. It names these mistakes: ignoring the
        bias (answering 0.5); forgetting the sigmoid on the last layer
        (answering ln 3); a sign flip in the sigmoid (answering 1/4).
    """
    params = {k: np.zeros_like(v) for k, v in nnlib_init_params([30, 8, 1]).items()}
    params["b2"][:] = np.log(3)
    X = np.random.default_rng(13).standard_normal((30, 20))
    AL, _ = nnlib_forward_prop(X, params)
    expected = float(AL[0, 0])  # every column is the same: the inputs do not matter
    mistakes = [
        Mistake("ignoring the bias", "With zero weights Z[2] is not 0 but b[2].", 0.5),
        Mistake("forgetting the sigmoid on the last layer", "The output is A[2] = sigma(Z[2]), "
                "not Z[2].", np.log(3)),
        Mistake("a sign flip in the sigmoid", "sigma(z) = 1 / (1 + exp(-z)), and exp(-ln 3) = "
                "1/3.", float(nnlib_sigmoid(-np.log(3))[0])),
    ]
    check_number(my_zero_weight_prediction, expected, mistakes,
                  what="my_zero_weight_prediction", rtol=0.01,
                  hint="Work out Z[2] = W[2] A[1] + b[2] when W[2] is all zeros, then apply "
                       "the sigmoid.")
    passed(f"every example gets sigma(ln 3) = {expected:g}, whatever X is: with W[2] = 0 the "
           f"output layer sees only its bias.")


# The mistaken forward passes, each on (X, params), returning AL.


def _AL_transposed_W(X, params):
    A = X
    for l in range(1, len(params) // 2 + 1):
        A, _ = nnlib_sigmoid(params[f"W{l}"].T @ A + params[f"b{l}"])
    return A


def _AL_without_bias(X, params):
    A = X
    for l in range(1, len(params) // 2 + 1):
        A, _ = nnlib_sigmoid(params[f"W{l}"] @ A)
    return A


def _AL_sigmoid_only_last(X, params):
    L = len(params) // 2
    A = X
    for l in range(1, L + 1):
        Z = params[f"W{l}"] @ A + params[f"b{l}"]
        A = nnlib_sigmoid(Z)[0] if l == L else Z
    return A


def _AL_no_sigmoid_last(X, params):
    L = len(params) // 2
    A = X
    for l in range(1, L + 1):
        Z = params[f"W{l}"] @ A + params[f"b{l}"]
        A = Z if l == L else nnlib_sigmoid(Z)[0]
    return A


def _AL_examples_in_rows(X, params):
    A = X.T  # (m, n_x)
    for l in range(1, len(params) // 2 + 1):
        A, _ = nnlib_sigmoid(A @ params[f"W{l}"].T + params[f"b{l}"].T)
    return A  # (m, n_L)


def _AL_one_layer_early(X, params):
    A = X
    for l in range(1, len(params) // 2):  # range(1, L) stops before layer L
        A, _ = nnlib_sigmoid(params[f"W{l}"] @ A + params[f"b{l}"])
    return A


_AL_MISTAKES = [
    ("a transposed W", "Compute Z = W @ A_prev + b with W of shape (n_l, n_{l-1}) as it is "
     "stored, without .T.", _AL_transposed_W),
    ("forgetting the bias", "Add b[l] to W[l] A[l-1]: Z = W @ A_prev + b.", _AL_without_bias),
    ("sigmoid only on the last layer", "Every layer applies the sigmoid, hidden layers too: "
     "A = sigmoid(Z) in every pass of the loop.", _AL_sigmoid_only_last),
    ("leaving the sigmoid off the last layer", "The output layer is a sigmoid layer too: "
     "AL = sigmoid(Z[L]), a probability between 0 and 1, not Z[L] itself.", _AL_no_sigmoid_last),
    ("putting the examples in rows", "X is (n_x, m), one example per column; Z = W @ A_prev + b "
     "keeps that layout, and AL comes out as (n_L, m).", _AL_examples_in_rows),
    ("stopping one layer early", "The loop must run for l = 1, ..., L, that is "
     "range(1, L + 1).", _AL_one_layer_early),
]


# The mistaken caches, each made from nnlib's correct ones.


def _caches_activation_first(caches):
    return [(Z, linear) for linear, Z in caches]


def _caches_W_b_swapped(caches):
    return [((A_prev, b, W), Z) for (A_prev, W, b), Z in caches]


def _caches_W_first(caches):
    return [((W, A_prev, b), Z) for (A_prev, W, b), Z in caches]


def _caches_reversed(caches):
    return caches[::-1]


def _caches_flat(caches):
    return [(A_prev, W, b, Z) for (A_prev, W, b), Z in caches]


def _caches_holding_A(caches):
    return [(linear, nnlib_sigmoid(Z)[0]) for linear, Z in caches]


def _caches_holding_A_l(caches):
    # A was overwritten by sigmoid(Z) before the cache was made
    return [((nnlib_sigmoid(Z)[0], W, b), Z) for (A_prev, W, b), Z in caches]


_CACHE_ORDER = ("Each cache is ((A_prev, W, b), Z): the linear cache first, then Z; and the "
                "list runs from layer 1 to layer L.")
_CACHE_MISTAKES = [
    ("caches in the wrong order", _CACHE_ORDER, _caches_activation_first),
    ("caches in the wrong order", _CACHE_ORDER, _caches_W_b_swapped),
    ("caches in the wrong order", _CACHE_ORDER, _caches_W_first),
    ("caches in the wrong order", _CACHE_ORDER, _caches_reversed),
    ("a flat cache (A_prev, W, b, Z)", "Nest the linear cache: ((A_prev, W, b), Z), as "
     "one_layer_backward will unpack it.", _caches_flat),
    ("an activation cache that holds A, not Z", "Keep the Z that sigmoid returns as its cache.",
     _caches_holding_A),
    ("storing A[l] where A[l-1] belongs", "Save A_prev, the layer's input, before A is "
     "overwritten by the layer's output.", _caches_holding_A_l),
]
