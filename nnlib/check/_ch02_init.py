"""Checkers for the exercises of the 02_init chapter."""

import numpy as np

from nnlib.check._core import call, check_number, CheckFailed, compare, Mistake, passed
from nnlib.params import init_params as nnlib_init_params

__all__ = ["init_params", "z1_std"]

# Every W[l] is non-square, so a transposed W has another shape; the last layer
# has one unit, as in the book's networks.
LAYER_DIMS = [5, 4, 3, 1]
SEED = 7


def init_params(my_init_params) -> None:
    """Check the learner's ``my_init_params(layer_dims, seed)`` against nnlib's ``init_params``.

    It is called with ``layer_dims = [5, 4, 3, 1]`` and ``seed = 7``, and
    must return exactly what ``init_params`` does: the same keys, shapes and
    random numbers, drawn from ``np.random.default_rng(seed)`` layer by layer.
    It must also leave numpy's global random stream untouched.

    Parameters
    ----------
    my_init_params : callable
        ``my_init_params(layer_dims, seed) -> params``.

    Raises
    ------
    CheckFailed
        If the result differs. It names these mistakes: a transposed W
        (shape (n_{l-1}, n_l)); biases not zero; a bias of the wrong shape;
        the missing 0.01 scale; a standard deviation of 0.1; uniform instead
        of normal random numbers; np.random.seed used globally; a new
        generator for every unit (the bug of the chapter's exercise: every
        unit of a layer a copy of the first); a new generator for every
        layer; ignoring the seed argument.
    """
    expected = nnlib_init_params(LAYER_DIMS, SEED)
    mistakes = [
        Mistake(name, hint, variant(LAYER_DIMS, SEED))
        for name, hint, variants in _MISTAKES
        for variant in variants
    ]
    state = np.random.get_state()
    try:
        got = call(my_init_params, list(LAYER_DIMS), SEED, what="my_init_params([5, 4, 3, 1], 7)")
        touched_global_stream = not _same_state(state, np.random.get_state())
    finally:
        np.random.set_state(state)  # undo any global seeding, so the check has no side effects
    compare(got, expected, mistakes, what="my_init_params([5, 4, 3, 1], 7)")
    if touched_global_stream:
        raise CheckFailed(
            "my_init_params([5, 4, 3, 1], 7) gives the right numbers but changes numpy's global "
            "random stream: np.random.seed used globally (or np.random.* called) resets the "
            "random numbers of the whole program. Draw only from rng = np.random.default_rng(seed)."
        )
    shapes = ", ".join(f"{k} {v.shape}" for k, v in expected.items())
    passed(f"the same weights as init_params, and zero biases: {shapes}.")


def z1_std(my_z1_std) -> None:
    """Check the predicted standard deviation of an entry of Z[1] = W[1] X.

    Setting: 30 independent input features of mean 0 and standard deviation
    1, weights drawn independently with standard deviation 0.01, zero biases.
    An entry of Z[1] is a sum of 30 independent products w x, each of
    variance 0.01**2, so its standard deviation is 0.01 * sqrt(30). The
    check accepts answers within 2% of that.

    Parameters
    ----------
    my_z1_std : float
        The learner's prediction.

    Raises
    ------
    CheckFailed
        If the prediction is off. It names these mistakes: the weights' own
        spread (forgetting the sum over the 30 inputs); adding standard
        deviations instead of variances; the variance instead of the
        standard deviation; dividing by sqrt(30) instead of multiplying.
    """
    n_x, scale = 30, 0.01
    expected = scale * np.sqrt(n_x)
    mistakes = [
        Mistake("the weights' own spread", "Each entry of Z[1] adds up 30 products w x, and "
                "every term adds its variance.", scale),
        Mistake("adding standard deviations", "For independent terms the variances add, not the "
                "standard deviations.", scale * n_x),
        Mistake("giving the variance", "The question asks for the standard deviation, the "
                "square root of the variance.", scale**2 * n_x),
        Mistake("dividing by sqrt(30)", "Adding 30 terms makes the spread larger, not smaller.",
                scale / np.sqrt(n_x)),
    ]
    check_number(my_z1_std, expected, mistakes, what="my_z1_std", rtol=0.02,
                  hint="Work out the variance of one product w x (independent, both of mean "
                       "0), then of the sum of 30 of them, and take the square root.")
    passed(f"the standard deviation of Z[1] is 0.01 * sqrt(30) = {expected:.4f}: the sum over "
           f"30 inputs makes the weighted sums about {np.sqrt(n_x):.1f} times wider than the "
           f"weights.")


def _same_state(a, b) -> bool:
    return all(np.array_equal(x, y) for x, y in zip(a, b))


# The mistaken versions of init_params, each on (layer_dims, seed).


def _transposed_shape(dims, seed):
    rng = np.random.default_rng(seed)
    params = {}
    for l in range(1, len(dims)):
        params[f"W{l}"] = rng.standard_normal((dims[l - 1], dims[l])) * 0.01
        params[f"b{l}"] = np.zeros((dims[l], 1))
    return params


def _transposed_after_drawing(dims, seed):
    params = nnlib_init_params(dims, seed)
    return {k: v.T if k.startswith("W") else v for k, v in params.items()}


def _random_biases(dims, seed):
    rng = np.random.default_rng(seed)
    params = {}
    for l in range(1, len(dims)):
        params[f"W{l}"] = rng.standard_normal((dims[l], dims[l - 1])) * 0.01
        params[f"b{l}"] = rng.standard_normal((dims[l], 1)) * 0.01
    return params


def _biases_of_one(dims, seed):
    params = nnlib_init_params(dims, seed)
    return {k: np.ones_like(v) if k.startswith("b") else v for k, v in params.items()}


def _flat_biases(dims, seed):
    params = nnlib_init_params(dims, seed)
    return {k: np.zeros(v.shape[0]) if k.startswith("b") else v for k, v in params.items()}


def _row_biases(dims, seed):
    params = nnlib_init_params(dims, seed)
    return {k: np.zeros((1, v.shape[0])) if k.startswith("b") else v for k, v in params.items()}


def _unscaled(dims, seed):
    params = nnlib_init_params(dims, seed)
    return {k: v * 100 for k, v in params.items()}


def _scale_as_variance(dims, seed):
    # N(0, 0.01) read as variance 0.01: standard deviation 0.1
    params = nnlib_init_params(dims, seed)
    return {k: v * 10 for k, v in params.items()}


def _uniform(dims, seed):
    rng = np.random.default_rng(seed)
    params = {}
    for l in range(1, len(dims)):
        params[f"W{l}"] = rng.random((dims[l], dims[l - 1])) * 0.01
        params[f"b{l}"] = np.zeros((dims[l], 1))
    return params


def _uniform_symmetric(dims, seed):
    rng = np.random.default_rng(seed)
    params = {}
    for l in range(1, len(dims)):
        params[f"W{l}"] = rng.uniform(-1, 1, (dims[l], dims[l - 1])) * 0.01
        params[f"b{l}"] = np.zeros((dims[l], 1))
    return params


def _global_seed(dims, seed):
    # np.random.seed(seed) followed by np.random.randn draws these numbers
    legacy = np.random.RandomState(seed)
    params = {}
    for l in range(1, len(dims)):
        params[f"W{l}"] = legacy.standard_normal((dims[l], dims[l - 1])) * 0.01
        params[f"b{l}"] = np.zeros((dims[l], 1))
    return params


def _generator_per_layer(dims, seed):
    params = {}
    for l in range(1, len(dims)):
        rng = np.random.default_rng(seed)
        params[f"W{l}"] = rng.standard_normal((dims[l], dims[l - 1])) * 0.01
        params[f"b{l}"] = np.zeros((dims[l], 1))
    return params


def _generator_per_unit(dims, seed):
    # every unit's row drawn from a fresh generator: the same row for every unit
    params = {}
    for l in range(1, len(dims)):
        W = np.zeros((dims[l], dims[l - 1]))
        for unit in range(dims[l]):
            W[unit] = 0.01 * np.random.default_rng(seed).standard_normal(dims[l - 1])
        params[f"W{l}"] = W
        params[f"b{l}"] = np.zeros((dims[l], 1))
    return params


def _seed_ignored(dims, seed):
    return nnlib_init_params(dims)  # the default seed, whatever was asked for


_MISTAKES = [
    ("a transposed W", "W[l] has shape (n_l, n_{l-1}): one row per unit of layer l, one column "
     "per unit of layer l-1. Draw rng.standard_normal((n_l, n_{l-1})).",
     [_transposed_shape, _transposed_after_drawing]),
    ("biases not zero", "Start every b[l] at zero with np.zeros((n_l, 1)); the random weights "
     "already break the symmetry.", [_random_biases, _biases_of_one]),
    ("a bias of the wrong shape", "b[l] is a column of shape (n_l, 1), so that it broadcasts "
     "over the m columns of W[l] A[l-1].", [_flat_biases, _row_biases]),
    ("the missing 0.01 scale", "Multiply the standard normal numbers by 0.01.", [_unscaled]),
    ("a standard deviation of 0.1", "The weights have standard deviation 0.01 (variance "
     "0.0001): multiply standard normal numbers by 0.01.", [_scale_as_variance]),
    ("uniform random numbers", "Draw from the normal distribution with rng.standard_normal, "
     "not rng.random or rng.uniform.", [_uniform, _uniform_symmetric]),
    ("np.random.seed used globally", "Make a private generator, rng = np.random.default_rng(seed), "
     "and draw from it; np.random.seed resets the random numbers of the whole program.",
     [_global_seed]),
    ("a new generator for every unit", "A generator made afresh with the same seed draws the same "
     "numbers, so every unit of a layer gets the same row of weights: the units start as copies, "
     "which random weights are meant to prevent. Create rng = np.random.default_rng(seed) once, "
     "before all the loops.", [_generator_per_unit]),
    ("a new generator for every layer", "Create rng = np.random.default_rng(seed) once, before "
     "the loop over layers, so each layer continues the same stream.", [_generator_per_layer]),
    ("ignoring the seed argument", "Pass the seed you were given to np.random.default_rng.",
     [_seed_ignored]),
]
