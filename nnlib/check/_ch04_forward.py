"""Checkers for the exercises of the 04_forward chapter."""

import numpy as np

from nnlib.activations import sigmoid as nnlib_sigmoid
from nnlib.check._core import check_number, check_shape, CheckFailed, Mistake, passed
from nnlib.forward import forward_prop as nnlib_forward_prop
from nnlib.params import init_params as nnlib_init_params

__all__ = ["largest_quiet_scale", "cache_shape", "zero_weight_prediction"]



def _net(layer_dims, m, seed):
    """Weights and biases of scale 1 (so that every mistake shows) and an input X of m columns."""
    rng = np.random.default_rng(seed)
    params = {}
    for l in range(1, len(layer_dims)):
        params[f"W{l}"] = rng.standard_normal((layer_dims[l], layer_dims[l - 1]))
        params[f"b{l}"] = rng.standard_normal((layer_dims[l], 1))
    X = rng.standard_normal((layer_dims[0], m))
    return X, params


SCALES = (0.01, 0.03, 0.1, 0.3, 1.0)  # the starting scales Exercise 4.1 tries
QUIET = 0.05  # "still answers 0.5": every prediction within this of 0.5


def quiet_scales() -> dict[float, tuple[float, float]]:
    """For each scale of SCALES: (largest |AL - 0.5|, the bound ||W2||_1 / 4).

    The network is ``init_params([30, 8, 1], seed=0, scheme="normal",
    scale=s)``, run on all 569 tumours, each feature standardised.
    """
    from nnlib.datasets import load_breast_cancer, standardize

    X, _, _ = load_breast_cancer()
    X_std = standardize(X)[0]
    found = {}
    for scale in SCALES:
        params = nnlib_init_params([30, 8, 1], seed=0, scheme="normal", scale=scale)
        AL, _ = nnlib_forward_prop(X_std, params)
        found[scale] = (float(np.abs(AL - 0.5).max()), float(np.abs(params["W2"]).sum() / 4))
    return found


def largest_quiet_scale(my_largest_scale) -> None:
    """Check the measured largest starting scale whose predictions all stay within 0.05 of 0.5.

    For each scale s of 0.01, 0.03, 0.1, 0.3 and 1, the fresh network
    ``init_params([30, 8, 1], seed=0, scheme="normal", scale=s)`` is run on
    the standardised tumours; the answer is the largest s whose largest
    |AL - 0.5| is at most 0.05, measured here (it is 0.03; the bound
    ||W2||_1 / 4 guarantees only 0.01).

    Parameters
    ----------
    my_largest_scale : float
        The learner's choice, one of the five scales.

    Raises
    ------
    CheckFailed
        If the choice is off. It names these mistakes: the scale the bound
        guarantees (the bound is a worst case, not the measurement); the
        first scale that fails; a scale not among those asked about.
    """
    found = quiet_scales()
    quiet = [s for s in SCALES if found[s][0] <= QUIET]
    guaranteed = [s for s in SCALES if found[s][1] <= QUIET]
    expected = max(quiet)
    failing = min(s for s in SCALES if s not in quiet)
    mistakes = []
    if max(guaranteed, default=expected) != expected:
        mistakes.append(Mistake(
            "trusting the bound ||W2||_1 / 4 alone", "The bound is a worst case: it assumes every "
            "hidden activation at 0 or 1, each pushing Z[2] the same way. Measure the largest "
            "|AL - 0.5| itself, as the exercise asks.", max(guaranteed)))
    mistakes.append(Mistake(
        "the first scale that fails", f"At s = {failing:g} some prediction strays "
        f"{found[failing][0]:.3f} from 0.5, more than 0.05; the answer is the last scale that "
        f"stays within it.", failing))
    if my_largest_scale is not None and not isinstance(my_largest_scale, bool):
        try:
            value = float(my_largest_scale)
        except (TypeError, ValueError):
            value = None
        if value is not None and not any(np.isclose(value, s, rtol=1e-6) for s in SCALES):
            raise CheckFailed(f"my_largest_scale = {value:g} is not one of the scales to try: "
                              f"{', '.join(f'{s:g}' for s in SCALES)}.")
    check_number(my_largest_scale, expected, mistakes, what="my_largest_scale", rtol=1e-6,
                 hint="For each scale, run forward_prop on the standardised tumours and take "
                      "np.abs(AL - 0.5).max(); keep the largest scale where it is at most 0.05.")
    passed(f"at s = {expected:g} every prediction stays within {found[expected][0]:.3f} of 0.5, "
           f"though the bound ||W2||_1 / 4 allows {found[expected][1]:.3f}; at s = {failing:g} "
           f"they stray {found[failing][0]:.3f}.")


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
