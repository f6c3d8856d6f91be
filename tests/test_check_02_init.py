"""The checkers of chapter 2's exercises: right answers pass, known slips are named."""

import numpy as np
import pytest

from nnlib import check, init_params
from nnlib.check import _ch02_init
from nnlib.check._core import CheckFailed


def test_the_checkers_are_the_ones_in_check():
    # Another chapter's module must not shadow these names in nnlib.check.
    assert check.init_params is _ch02_init.init_params
    assert check.z1_std is _ch02_init.z1_std


# --- init_params --------------------------------------------------------------------------


def reference(layer_dims, seed):
    # A learner's correct answer, written independently of nnlib
    rng = np.random.default_rng(seed)
    params = {}
    for l in range(1, len(layer_dims)):
        params[f"W{l}"] = rng.normal(0.0, 0.01, (layer_dims[l], layer_dims[l - 1]))
        params[f"b{l}"] = np.zeros((layer_dims[l], 1))
    return params


def planted(weights=None, bias=None, generator=None):
    """A copy of the reference with one step replaced."""
    weights = weights or (lambda rng, n, n_prev: rng.standard_normal((n, n_prev)) * 0.01)
    bias = bias or (lambda rng, n: np.zeros((n, 1)))
    generator = generator or (lambda seed: np.random.default_rng(seed))

    def my_init_params(layer_dims, seed):
        rng = generator(seed)
        params = {}
        for l in range(1, len(layer_dims)):
            params[f"W{l}"] = weights(rng, layer_dims[l], layer_dims[l - 1])
            params[f"b{l}"] = bias(rng, layer_dims[l])
        return params

    return my_init_params


def global_seed(layer_dims, seed):
    np.random.seed(seed)
    params = {}
    for l in range(1, len(layer_dims)):
        params[f"W{l}"] = np.random.randn(layer_dims[l], layer_dims[l - 1]) * 0.01
        params[f"b{l}"] = np.zeros((layer_dims[l], 1))
    return params


def global_seed_but_right_numbers(layer_dims, seed):
    np.random.seed(seed)
    return reference(layer_dims, seed)


def generator_per_layer(layer_dims, seed):
    params = {}
    for l in range(1, len(layer_dims)):
        rng = np.random.default_rng(seed)
        params[f"W{l}"] = rng.standard_normal((layer_dims[l], layer_dims[l - 1])) * 0.01
        params[f"b{l}"] = np.zeros((layer_dims[l], 1))
    return params


def generator_per_unit(layer_dims, seed):
    # the exercise's buggy_init_params
    params = {}
    for l in range(1, len(layer_dims)):
        n_prev, n_l = layer_dims[l - 1], layer_dims[l]
        W = np.zeros((n_l, n_prev))
        for unit in range(n_l):
            rng = np.random.default_rng(seed)
            W[unit] = 0.01 * rng.standard_normal(n_prev)
        params[f"W{l}"] = W
        params[f"b{l}"] = np.zeros((n_l, 1))
    return params


def fixed_unit_by_unit(layer_dims, seed):
    # the exercise's fix: one generator, still drawing one unit at a time
    rng = np.random.default_rng(seed)
    params = {}
    for l in range(1, len(layer_dims)):
        n_prev, n_l = layer_dims[l - 1], layer_dims[l]
        W = np.zeros((n_l, n_prev))
        for unit in range(n_l):
            W[unit] = 0.01 * rng.standard_normal(n_prev)
        params[f"W{l}"] = W
        params[f"b{l}"] = np.zeros((n_l, 1))
    return params


def test_the_exercises_fix_unit_by_unit_passes(capsys):
    check.init_params(fixed_unit_by_unit)
    assert "Correct: the same weights as init_params" in capsys.readouterr().out


def test_init_params_accepts_nnlib_and_an_independent_version(capsys):
    check.init_params(init_params)
    check.init_params(reference)
    assert capsys.readouterr().out.count("Correct: the same weights as init_params") == 2


@pytest.mark.parametrize(
    "fn, name",
    [
        (planted(weights=lambda rng, n, p: rng.standard_normal((p, n)) * 0.01), "a transposed W"),
        (planted(weights=lambda rng, n, p: (rng.standard_normal((n, p)) * 0.01).T),
         "a transposed W"),
        (planted(bias=lambda rng, n: rng.standard_normal((n, 1)) * 0.01), "biases not zero"),
        (planted(bias=lambda rng, n: np.ones((n, 1))), "biases not zero"),
        (planted(bias=lambda rng, n: np.zeros(n)), "a bias of the wrong shape"),
        (planted(bias=lambda rng, n: np.zeros((1, n))), "a bias of the wrong shape"),
        (planted(weights=lambda rng, n, p: rng.standard_normal((n, p))), "the missing 0.01 scale"),
        (planted(weights=lambda rng, n, p: rng.normal(0, np.sqrt(0.01), (n, p))),
         "a standard deviation of 0.1"),
        (planted(weights=lambda rng, n, p: rng.random((n, p)) * 0.01), "uniform random numbers"),
        (planted(weights=lambda rng, n, p: rng.uniform(-0.01, 0.01, (n, p))),
         "uniform random numbers"),
        (global_seed, "np.random.seed used globally"),
        (global_seed_but_right_numbers, "np.random.seed used globally"),
        (generator_per_layer, "a new generator for every layer"),
        (generator_per_unit, "a new generator for every unit"),
        (planted(generator=lambda seed: np.random.default_rng(3)), "ignoring the seed argument"),
    ],
)
def test_init_params_names_the_mistake(fn, name):
    state = np.random.get_state()
    with pytest.raises(CheckFailed, match=name):
        check.init_params(fn)
    # The check undoes any global seeding the learner's function did
    assert all(np.array_equal(a, b) for a, b in zip(state, np.random.get_state()))


def test_init_params_rejects_other_wrong_answers():
    with pytest.raises(CheckFailed, match=r"is not right: W1, W2, W3: at index"):
        check.init_params(planted(generator=lambda seed: np.random.default_rng(seed + 1)))
    with pytest.raises(CheckFailed, match="expected keys"):
        check.init_params(lambda layer_dims, seed: {"W1": reference(layer_dims, seed)["W1"]})
    with pytest.raises(CheckFailed, match="raised TypeError"):
        check.init_params(lambda layer_dims: reference(layer_dims, 7))


# --- z1_std -------------------------------------------------------------------------------


def test_z1_std_accepts_the_prediction(capsys):
    for answer in (0.01 * np.sqrt(30), np.sqrt(30 * 0.01**2), 0.0548, 0.055):
        check.z1_std(answer)
    assert "0.01 * sqrt(30) = 0.0548" in capsys.readouterr().out


def test_z1_std_is_what_a_simulation_gives():
    # The formula against an experiment: many independent W (8 x 30) and standard normal X
    rng = np.random.default_rng(0)
    Z = (0.01 * rng.standard_normal((200, 8, 30))) @ rng.standard_normal((200, 30, 50))
    check.z1_std(Z.std())


@pytest.mark.parametrize(
    "answer, name",
    [
        (0.01, "the weights' own spread"),
        (0.3, "adding standard deviations"),
        (30 * 0.01**2, "giving the variance"),
        (0.01 / np.sqrt(30), r"dividing by sqrt\(30\)"),
    ],
)
def test_z1_std_names_the_mistake(answer, name):
    with pytest.raises(CheckFailed, match=f"the number that {name} gives"):
        check.z1_std(answer)


def test_z1_std_rejects_other_numbers():
    with pytest.raises(CheckFailed, match="is not right. Work out the variance") as info:
        check.z1_std(0.06)
    assert "0.0548" not in str(info.value)
    with pytest.raises(CheckFailed, match=r"array of shape \(1,\)"):
        check.z1_std(np.array([0.0548]))
