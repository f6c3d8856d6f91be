"""Checkers for the exercises of the initialisation chapter."""

import numpy as np

from nnlib.check._core import call, check_number, CheckFailed, compare, Mistake, passed
from nnlib.params import init_params

__all__ = ["init_xavier", "xavier_z_variance"]

# Every W[l] is non-square, and neighbouring layers differ in width, so that
# a transposed W, fan-in-only scaling and the missing factor 2 all show.
LAYER_DIMS = [7, 5, 3, 1]
SEED = 11


def init_xavier(my_init_xavier) -> None:
    """Check the learner's ``my_init_xavier(layer_dims, seed)`` against ``init_params(..., scheme="xavier")``.

    It is called with ``layer_dims = [7, 5, 3, 1]`` and ``seed = 11``. It must
    draw W[l] as ``rng.standard_normal((n_l, n_{l-1}))`` times
    sqrt(2 / (n_{l-1} + n_l)), layer by layer from one generator
    ``rng = np.random.default_rng(seed)``, with zero biases, and leave numpy's
    global random stream untouched.

    Parameters
    ----------
    my_init_xavier : callable
        ``my_init_xavier(layer_dims, seed) -> params``.

    Raises
    ------
    CheckFailed
        If the result differs. It names these mistakes: the missing factor 2
        (sqrt(1 / (n_{l-1} + n_l))); fan-in only (sqrt(1 / n_{l-1})); He's
        sqrt(2 / n_{l-1}); the variance used as the standard deviation; the
        tutorial's 0.01; a transposed W; Glorot's uniform variant; biases
        not zero; np.random.seed used globally; a new generator for every
        layer.
    """
    expected = init_params(LAYER_DIMS, SEED, scheme="xavier")
    mistakes = [Mistake(name, hint, variant(LAYER_DIMS, SEED)) for name, hint, variant in _MISTAKES]
    what = "my_init_xavier([7, 5, 3, 1], 11)"
    state = np.random.get_state()
    try:
        got = call(my_init_xavier, list(LAYER_DIMS), SEED, what=what)
        touched_global_stream = not all(
            np.array_equal(a, b) for a, b in zip(state, np.random.get_state())
        )
    except FloatingPointError as error:
        raise CheckFailed(f"{what} hit a floating-point error ({error}).") from None
    finally:
        np.random.set_state(state)  # undo any global seeding, so the check has no side effects
    if _weights_right_biases_not(got, expected):
        raise CheckFailed(
            f"{what} is not right: its weights are right but its biases are not zero (biases "
            f"not zero). Every scheme keeps b[l] = np.zeros((n_l, 1)); the random weights "
            f"already make the units differ."
        )
    compare(got, expected, mistakes, what=what)
    if touched_global_stream:
        raise CheckFailed(
            f"{what} gives the right numbers but changes numpy's global random stream: "
            f"np.random.seed used globally (or np.random.* called). Draw only from "
            f"rng = np.random.default_rng(seed)."
        )
    stds = ", ".join(
        f"W{l} {np.sqrt(2 / (LAYER_DIMS[l - 1] + LAYER_DIMS[l])):.3f}" for l in range(1, len(LAYER_DIMS))
    )
    passed(f"the same weights as init_params(..., scheme='xavier'), standard deviations {stds}.")


def xavier_z_variance(my_xavier_z_variance) -> None:
    """Check the predicted variance of Z for a Xavier layer of 784 inputs and 100 units.

    Setting: inputs of mean 0 and variance 1, independent of the weights;
    weights of variance 2 / (784 + 100); zero biases. Each entry of Z sums
    784 independent products w x, so Var(Z) = 784 * 2 / 884. The check
    accepts answers within 1% of that.

    Parameters
    ----------
    my_xavier_z_variance : float
        The learner's prediction.

    Raises
    ------
    CheckFailed
        If the prediction is off. It names these mistakes: taking Xavier's
        variance to be exactly 1; the missing factor 2; the standard
        deviation instead of the variance; the weights' own standard
        deviation or variance; He's fan-in formula; summing over the 100
        units instead of the 784 inputs; the tutorial's 0.01.
    """
    n_in, n_out = 784, 100
    var_w = 2 / (n_in + n_out)
    expected = n_in * var_w
    mistakes = [
        Mistake("taking Xavier's variance to be exactly 1", "n_{l-1} Var(W) is exactly 1 only "
                "when the layer has as many units as inputs; here it has far fewer.", 1.0),
        Mistake("the missing factor 2", "Xavier's weight variance is 2 / (n_{l-1} + n_l).",
                n_in / (n_in + n_out)),
        Mistake("the standard deviation instead of the variance", "The question asks for the "
                "variance, the square of the standard deviation.", np.sqrt(expected)),
        Mistake("the weights' own standard deviation", "Z adds up 784 products w x; each adds "
                "its variance.", np.sqrt(var_w)),
        Mistake("the weights' own variance", "Z adds up 784 products w x; each adds its "
                "variance.", var_w),
        Mistake("He's fan-in formula", "Xavier divides by n_{l-1} + n_l, not by n_{l-1} alone.",
                2.0),
        Mistake("summing over the 100 units", "Each entry of Z belongs to one unit and sums over "
                "that unit's 784 inputs.", n_out * var_w),
        Mistake("the tutorial's 0.01", "The weights here are Xavier's, of variance "
                "2 / (784 + 100).", n_in * 0.01**2),
    ]
    check_number(my_xavier_z_variance, expected, mistakes, what="my_xavier_z_variance", rtol=0.01,
                  hint="Var(Z) = n_{l-1} Var(W) E[x**2]: work out each factor.")
    passed(f"784 * 2 / 884 = {expected:.4f}: of order one, though the layer has 784 inputs.")


def _weights_right_biases_not(got, expected) -> bool:
    if not isinstance(got, dict) or set(got) != set(expected):
        return False
    try:
        weights_right = all(
            np.shape(got[k]) == expected[k].shape and np.allclose(got[k], expected[k])
            for k in expected if k.startswith("W")
        )
        biases_zero = all(np.all(np.asarray(got[k], dtype=float) == 0) for k in expected if k.startswith("b"))
    except (TypeError, ValueError):
        return False
    return weights_right and not biases_zero


# The mistaken versions of the Xavier initialisation, each on (layer_dims, seed).

def _drawn(std, shape=lambda n, n_prev: (n, n_prev), generator=np.random.default_rng, uniform=False):
    def init(layer_dims, seed):
        rng = generator(seed)
        params = {}
        for l in range(1, len(layer_dims)):
            n_prev, n = layer_dims[l - 1], layer_dims[l]
            if uniform:
                limit = np.sqrt(3) * std(n_prev, n)  # the same variance as the normal version
                params[f"W{l}"] = rng.uniform(-limit, limit, shape(n, n_prev))
            else:
                params[f"W{l}"] = rng.standard_normal(shape(n, n_prev)) * std(n_prev, n)
            params[f"b{l}"] = np.zeros((n, 1))
        return params

    return init


def _xavier_std(n_prev, n):
    return np.sqrt(2 / (n_prev + n))


def _generator_per_layer(layer_dims, seed):
    params = {}
    for l in range(1, len(layer_dims)):
        n_prev, n = layer_dims[l - 1], layer_dims[l]
        params[f"W{l}"] = np.random.default_rng(seed).standard_normal((n, n_prev)) * _xavier_std(n_prev, n)
        params[f"b{l}"] = np.zeros((n, 1))
    return params


_MISTAKES = [
    ("the missing factor 2", "Xavier's standard deviation is sqrt(2 / (n_{l-1} + n_l)).",
     _drawn(lambda n_prev, n: np.sqrt(1 / (n_prev + n)))),
    ("fan-in only", "Xavier averages fan-in and fan-out: sqrt(2 / (n_{l-1} + n_l)), not "
     "sqrt(1 / n_{l-1}).", _drawn(lambda n_prev, n: np.sqrt(1 / n_prev))),
    ("He's sqrt(2 / n_{l-1})", "That is He's scaling, made for ReLU units; Xavier's is "
     "sqrt(2 / (n_{l-1} + n_l)).", _drawn(lambda n_prev, n: np.sqrt(2 / n_prev))),
    ("the variance used as the standard deviation", "2 / (n_{l-1} + n_l) is the variance; "
     "multiply the standard normal numbers by its square root.",
     _drawn(lambda n_prev, n: 2 / (n_prev + n))),
    ("the tutorial's 0.01", "Scale each layer by sqrt(2 / (n_{l-1} + n_l)), not by 0.01.",
     _drawn(lambda n_prev, n: 0.01)),
    ("a transposed W", "W[l] has shape (n_l, n_{l-1}): one row per unit of layer l.",
     _drawn(_xavier_std, shape=lambda n, n_prev: (n_prev, n))),
    ("Glorot's uniform variant", "It has the right variance, but the exercise asks for normal "
     "numbers, rng.standard_normal, so that the draws match init_params.",
     _drawn(_xavier_std, uniform=True)),
    ("np.random.seed used globally", "Make a local generator, rng = np.random.default_rng(seed), "
     "and draw every layer from it.", _drawn(_xavier_std, generator=np.random.RandomState)),
    ("a new generator for every layer", "Make the generator once, before the loop, so that each "
     "layer gets fresh numbers.", _generator_per_layer),
]
