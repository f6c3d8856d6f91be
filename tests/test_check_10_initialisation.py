"""The checkers of the initialisation chapter's exercises: right answers pass, known slips are named."""

import numpy as np
import pytest

from nnlib import check, init_params
from nnlib.check import _ch10_initialisation
from nnlib.check._core import CheckFailed


def test_the_checkers_are_the_ones_in_check():
    # Another chapter's module must not shadow these names in nnlib.check.
    assert check.init_xavier is _ch10_initialisation.init_xavier
    assert check.xavier_z_variance is _ch10_initialisation.xavier_z_variance


# --- init_xavier --------------------------------------------------------------------------


def reference(layer_dims, seed):
    # A learner's correct answer, written independently of nnlib
    rng = np.random.default_rng(seed)
    params = {}
    for l in range(1, len(layer_dims)):
        n_prev, n = layer_dims[l - 1], layer_dims[l]
        params[f"W{l}"] = rng.standard_normal((n, n_prev)) * np.sqrt(2 / (n_prev + n))
        params[f"b{l}"] = np.zeros((n, 1))
    return params


def test_init_xavier_accepts_nnlib_and_an_independent_version(capsys):
    check.init_xavier(reference)
    check.init_xavier(lambda layer_dims, seed: init_params(layer_dims, seed, scheme="xavier"))
    assert capsys.readouterr().out.count("Correct: the same weights as init_params") == 2


def planted(weights=None, bias=None, generator=None):
    """A copy of the reference with one step replaced."""
    weights = weights or (lambda rng, n, p: rng.standard_normal((n, p)) * np.sqrt(2 / (p + n)))
    bias = bias or (lambda rng, n: np.zeros((n, 1)))
    generator = generator or (lambda seed: np.random.default_rng(seed))

    def my_init_xavier(layer_dims, seed):
        rng = generator(seed)
        params = {}
        for l in range(1, len(layer_dims)):
            params[f"W{l}"] = weights(rng, layer_dims[l], layer_dims[l - 1])
            params[f"b{l}"] = bias(rng, layer_dims[l])
        return params

    return my_init_xavier


def global_seed(layer_dims, seed):
    np.random.seed(seed)
    params = {}
    for l in range(1, len(layer_dims)):
        n_prev, n = layer_dims[l - 1], layer_dims[l]
        params[f"W{l}"] = np.random.randn(n, n_prev) * np.sqrt(2 / (n_prev + n))
        params[f"b{l}"] = np.zeros((n, 1))
    return params


def global_seed_but_right_numbers(layer_dims, seed):
    np.random.seed(seed)
    return reference(layer_dims, seed)


def generator_per_layer(layer_dims, seed):
    params = {}
    for l in range(1, len(layer_dims)):
        rng = np.random.default_rng(seed)
        n_prev, n = layer_dims[l - 1], layer_dims[l]
        params[f"W{l}"] = rng.standard_normal((n, n_prev)) * np.sqrt(2 / (n_prev + n))
        params[f"b{l}"] = np.zeros((n, 1))
    return params


@pytest.mark.parametrize(
    "fn, name",
    [
        (planted(weights=lambda rng, n, p: rng.standard_normal((n, p)) * np.sqrt(1 / (p + n))),
         "the missing factor 2"),
        (planted(weights=lambda rng, n, p: rng.standard_normal((n, p)) / np.sqrt(p)), "fan-in only"),
        (planted(weights=lambda rng, n, p: rng.normal(0, np.sqrt(2 / p), (n, p))),
         r"He's sqrt\(2 / n_\{l-1\}\)"),
        (planted(weights=lambda rng, n, p: rng.standard_normal((n, p)) * 2 / (p + n)),
         "the variance used as the standard deviation"),
        (planted(weights=lambda rng, n, p: rng.standard_normal((n, p)) * 0.01), "the tutorial's 0.01"),
        (planted(weights=lambda rng, n, p: rng.standard_normal((p, n)) * np.sqrt(2 / (p + n))),
         "a transposed W"),
        (planted(weights=lambda rng, n, p: rng.uniform(-np.sqrt(6 / (p + n)), np.sqrt(6 / (p + n)), (n, p))),
         "Glorot's uniform variant"),
        (planted(bias=lambda rng, n: np.full((n, 1), 0.1)), "biases not zero"),
        (global_seed, "np.random.seed used globally"),
        (global_seed_but_right_numbers, "np.random.seed used globally"),
        (generator_per_layer, "a new generator for every layer"),
    ],
)
def test_init_xavier_names_the_mistake(fn, name):
    state = np.random.get_state()
    with pytest.raises(CheckFailed, match=name):
        check.init_xavier(fn)
    # The check undoes any global seeding the learner's function did
    assert all(np.array_equal(a, b) for a, b in zip(state, np.random.get_state()))


def test_init_xavier_rejects_other_wrong_answers():
    with pytest.raises(CheckFailed, match=r"is not right: W1, W2, W3: at index"):
        check.init_xavier(planted(generator=lambda seed: np.random.default_rng(seed + 1)))
    with pytest.raises(CheckFailed, match="expected keys"):
        check.init_xavier(lambda layer_dims, seed: {"W1": reference(layer_dims, seed)["W1"]})
    with pytest.raises(CheckFailed, match="raised TypeError"):
        check.init_xavier(lambda layer_dims: reference(layer_dims, 11))


# --- xavier_z_variance --------------------------------------------------------------------


def test_xavier_z_variance_accepts_the_prediction(capsys):
    for answer in (784 * 2 / 884, 1.774, 1.77):
        check.xavier_z_variance(answer)
    assert "784 * 2 / 884 = 1.7738" in capsys.readouterr().out


def test_xavier_z_variance_is_what_a_simulation_gives():
    # The formula against an experiment: a Xavier layer on standard normal inputs
    rng = np.random.default_rng(0)
    W = init_params([784, 100], seed=1, scheme="xavier")["W1"]
    Z = W @ rng.standard_normal((784, 2000))
    check.xavier_z_variance(Z.var())


@pytest.mark.parametrize(
    "answer, name",
    [
        (1.0, "taking Xavier's variance to be exactly 1"),
        (784 / 884, "the missing factor 2"),
        (np.sqrt(784 * 2 / 884), "the standard deviation instead of the variance"),
        (np.sqrt(2 / 884), "the weights' own standard deviation"),
        (2 / 884, "the weights' own variance"),
        (2.0, "He's fan-in formula"),
        (100 * 2 / 884, "summing over the 100 units"),
        (784 * 1e-4, "the tutorial's 0.01"),
    ],
)
def test_xavier_z_variance_names_the_mistake(answer, name):
    with pytest.raises(CheckFailed, match=name):
        check.xavier_z_variance(answer)


def test_xavier_z_variance_rejects_other_wrong_answers():
    with pytest.raises(CheckFailed, match=r"is not right. Var\(Z\) = n_\{l-1\} Var\(W\)"):
        check.xavier_z_variance(3.5)
    with pytest.raises(CheckFailed, match="should be a single number"):
        check.xavier_z_variance(None)
