"""Checkers for the exercises of the chapter on ReLU and He initialisation."""

import numpy as np

from nnlib.check._ch03_sigmoid import call_quietly
from nnlib.check._core import CheckFailed, Mistake, check_number, passed, same
from nnlib.exercises import suspect_model_backward

__all__ = ["leaky_he_factor", "dead_after_long_step", "suspect_model_backward", "wrong_gradients"]

# The slopes a at which my_leaky_he_factor(a) is tried: 0 (the rectifier),
# small leaks as used in practice, and 1 (the identity, where the factor is 1).
SLOPES = (0.0, 0.01, 0.1, 0.2, 0.5, 1.0)


def leaky_he_factor(my_leaky_he_factor) -> None:
    """Check ``my_leaky_he_factor(a)``, the factor c(a) in Var(W) = c(a) / n_{l-1} for a leaky rectifier.

    The leaky rectifier g(z) = z for z > 0, a z for z <= 0 keeps
    E[g(z)^2] = (1 + a^2) / 2 Var(z) of a z symmetric about 0, so the
    variance of Z stays level when n_{l-1} Var(W) (1 + a^2) / 2 = 1:
    c(a) = 2 / (1 + a^2). The function is called with each a in
    ``SLOPES``, one number at a time; every answer must be within a
    relative 1e-7 of the formula.

    Parameters
    ----------
    my_leaky_he_factor : callable
        ``my_leaky_he_factor(a) -> c``, a number.

    Raises
    ------
    CheckFailed
        If a value is off. It names these mistakes: He's factor 2 whatever
        the slope; the factor 2 left out, 1 / (1 + a^2); the slope not
        squared, 2 / (1 + a); the ratio upside down, (1 + a^2) / 2; the
        leaky side's share added instead of halved, 1 / (1 + a^2 / 2).
    """
    what = "my_leaky_he_factor(a)"
    got = []
    for a in SLOPES:
        value = call_quietly(my_leaky_he_factor, a, what=f"my_leaky_he_factor({a:g})")
        try:
            value = float(np.asarray(value, dtype=float).reshape(()))
        except (TypeError, ValueError):
            raise CheckFailed(f"my_leaky_he_factor({a:g}) should return a single number; got "
                              f"{type(value).__name__} {value!r:.60}") from None
        got.append(value)
    a = np.array(SLOPES)
    expected = 2 / (1 + a**2)
    got = np.array(got)
    if same(got, expected, rtol=1e-7, atol=0):
        passed("c(a) = 2 / (1 + a^2): 2 for the rectifier (a = 0), 1 for a = 1, where the unit "
               "is the identity and Var(W) = 1 / n_{l-1} is what a linear layer needs. A leak "
               "of 0.01 changes He's factor by a hundredth of a percent.")
        return
    mistakes = [
        Mistake("He's factor 2 whatever the slope", "The negative side is no longer 0: it keeps "
                "a^2 of z's second moment there. Redo E[g(z)^2] with both halves.",
                np.full_like(a, 2.0)),
        Mistake("leaving out the factor 2, 1 / (1 + a^2)", "Each half of a symmetric z carries "
                "half of E[z^2]: E[g(z)^2] = (1 + a^2) / 2 Var(z), so n Var(W) = 2 / (1 + a^2).",
                1 / (1 + a**2)),
        Mistake("the slope not squared, 2 / (1 + a)", "The negative side outputs a z, whose "
                "square is a^2 z^2: the second moment scales with a^2, not a.", 2 / (1 + a)),
        Mistake("the ratio upside down, (1 + a^2) / 2", "That is E[g(z)^2] / Var(z); Var(W) must "
                "undo it, so c(a) is its inverse.", (1 + a**2) / 2),
        Mistake("halving only the leaky side, 1 / (1 + a^2 / 2)", "Each side of a symmetric z "
                "carries half of its second moment, the positive side as well.",
                1 / (1 + a**2 / 2)),
    ]
    for mistake in mistakes:
        if same(got, mistake.result, rtol=1e-7, atol=0):
            raise CheckFailed(f"{what} is not right. It gives exactly what {mistake.name} gives. "
                              f"{mistake.hint}")
    worst = int(np.argmax(np.abs(got - expected) / expected))
    hint = ("Check the rectifier first: at a = 0 the answer is He's own factor."
            if abs(got[0] - 2) > 1e-7 * 2 else
            "Work out E[g(z)^2] for a z symmetric about 0, half of it on each side of 0.")
    raise CheckFailed(f"{what} is not right: at a = {SLOPES[worst]:g} it gives {got[worst]:.6g}. "
                      f"{hint}")


# Exercise 11.2's setting, as the chapter builds it.
LAYER_DIMS = [30] + [16] * 6 + [1]
STEP_RATE = 10.0


def long_step_network():
    """The chapter's He start (seed 0) before and after one full-batch step at rate 10.

    Returns
    -------
    X_train : ndarray of shape (30, 313)
        The chapter's training tumours (split seed 0), standardised.
    start, after : dict of str to ndarray
        The parameters before and after the step.
    """
    from nnlib.datasets import load_breast_cancer, standardize, train_val_test_split
    from nnlib.deep import train_model
    from nnlib.optimisers import GradientDescent
    from nnlib.params import init_params

    X, Y, _ = load_breast_cancer()
    X_train, _, _, Y_train, _, _ = train_val_test_split(X, Y, val_fraction=0.2, test_fraction=0.25, seed=0)
    (X_train,) = standardize(X_train)
    start = init_params(LAYER_DIMS, seed=0, scheme="he")
    after, _ = train_model(X_train, Y_train, start, GradientDescent(STEP_RATE), 1, hidden="relu")
    return X_train, start, after


def hidden_pre_activations(params, X):
    """Z[1], ..., Z[L-1] of the rectifier network on X."""
    from nnlib.deep import model_forward

    _, caches = model_forward(X, params, hidden="relu")
    return [Z for (_, Z, _) in caches[:-1]]


def dead_after_long_step(my_dead_share) -> None:
    """Check the share of layer 5's units that are dead after one step at rate 10 from He's start.

    Setting: the chapter's ``[30, 16, 16, 16, 16, 16, 16, 1]`` network of
    rectifiers, He's start with seed 0, one full-batch gradient-descent step
    at rate 10 on the chapter's 313 training tumours. A unit is dead if its
    z is at most 0 for all of them; 5 of layer 5's 16 units are, 0.3125.
    (tests/test_check_11_relu.py checks the margins: every dead unit's
    largest z is far below 0, every live one's far above.)

    Parameters
    ----------
    my_dead_share : float
        The learner's measurement, a share from 0 to 1.

    Raises
    ------
    CheckFailed
        If it is off. It names these mistakes: the share before the step;
        the share of live units instead of dead ones; the count instead of
        the share; the share of layer 5's outputs (unit and example) that
        are 0, rather than of units that are 0 on every example; layer 1's
        share; layer 3's or 4's (both 7 of 16); the last hidden layer's (6);
        the share over all six hidden layers.
    """
    X_train, start, after = long_step_network()
    Z_after, Z_start = hidden_pre_activations(after, X_train), hidden_pre_activations(start, X_train)
    dead_after = [float(np.all(Z <= 0, axis=1).mean()) for Z in Z_after]
    layer = 5
    expected = dead_after[layer - 1]
    n_units = LAYER_DIMS[layer]
    all_dead = [np.all(Z <= 0, axis=1) for Z in Z_after]
    before = float(np.all(Z_start[layer - 1] <= 0, axis=1).mean())
    mistakes = [
        Mistake("the start, before the step", "Measure the parameters that train_model returns "
                "after its one epoch, not the ones it started from.", before),
        Mistake("counting the live units", "The question asks for the dead ones: units whose z "
                "is at most 0 for every tumour.", 1 - expected),
        Mistake("a count of units", "Give the share of the 16 units, a number from 0 to 1.",
                expected * n_units),
        Mistake("the share of zero outputs", "A unit is dead only if its output is 0 for every "
                "tumour; the share of (unit, tumour) pairs that are 0 counts units that are "
                "merely off for some tumours.", float(np.mean(Z_after[layer - 1] <= 0))),
        Mistake("layer 1", "Layer 5 is the fifth entry of dead_fraction's result (index 4).",
                dead_after[0]),
        Mistake("layer 3 or 4", "Layer 5 is the fifth entry of dead_fraction's result "
                "(index 4).", dead_after[2]),
        Mistake("the last hidden layer, 6", "Layer 5 is the fifth entry of dead_fraction's "
                "result (index 4).", dead_after[5]),
        Mistake("all six hidden layers together", "The question asks about layer 5 alone.",
                float(np.mean(np.concatenate(all_dead)))),
    ]
    mistakes = [m for m in mistakes if not np.isclose(m.result, expected, rtol=1e-9, atol=0)]
    check_number(my_dead_share, expected, mistakes, what="my_dead_share", rtol=1e-9,
                 hint="Take the step with train_model as the exercise shows it, then count "
                      "layer 5's units whose z is at most 0 for every training tumour.")
    dead = int(round(expected * n_units))
    passed(f"{dead} of layer 5's {n_units} units are dead after the step, against "
           f"{int(round(before * n_units))} before it. One long step moved the weights so far "
           "that no tumour turns these units on; their own weights get no gradient now, and "
           "only a change in the layers below could turn them on again.")


# Exercise 11.3's setting, as its cell builds it: a small rectifier network on 20 random examples.
BUG_DIMS = [4, 8, 8, 1]


def bug_network():
    """Exercise 11.3's network: He's start (seed 1) of [4, 8, 8, 1], 20 examples drawn with seed 11.

    Returns
    -------
    params : dict of str to ndarray
    X : ndarray of shape (4, 20)
    Y : ndarray of shape (1, 20)
    """
    from nnlib.params import init_params

    rng = np.random.default_rng(11)
    X = rng.standard_normal((4, 20))
    Y = (rng.random((1, 20)) < 0.5).astype(float)
    return init_params(BUG_DIMS, seed=1, scheme="he"), X, Y


def wrong_gradients(my_wrong_gradients) -> None:
    """Check the list of gradients that ``suspect_model_backward`` gets wrong on exercise 11.3's network.

    The expected list is found here, not written down: the keys where
    ``suspect_model_backward`` and ``model_backward`` differ by more than
    rounding (they differ by far more: the bug masks with the gradient's sign
    instead of Z's). On this network those are dW1, db1, dW2 and db2; the
    output layer's gradients are right, as they never pass a rectifier.

    Parameters
    ----------
    my_wrong_gradients : list of str
        The learner's keys, such as ``["dW1", "db1"]``, in any order.

    Raises
    ------
    CheckFailed
        If the list is not the wrong gradients'. It names these mistakes:
        every gradient; the output layer's (the right ones); the first layer
        alone; the weights without the biases; parameters' names (``"W1"``)
        in place of their gradients'; keys no such network has.
    """
    from nnlib.deep import logit_gradient, model_backward, model_forward

    what = "my_wrong_gradients"
    params, X, Y = bug_network()
    ZL, caches = model_forward(X, params, hidden="relu")
    dZL = logit_gradient(ZL, Y)
    right = model_backward(dZL, caches, hidden="relu")
    suspect = suspect_model_backward(dZL, caches)
    expected = {k for k in right if not np.allclose(suspect[k], right[k], rtol=1e-9, atol=1e-15)}
    if not isinstance(my_wrong_gradients, (list, tuple)) or not all(
        isinstance(k, str) for k in my_wrong_gradients
    ):
        raise CheckFailed(f"{what} should be a list of keys written as strings, such as "
                          f"[\"dW1\", \"db1\"]; got {my_wrong_gradients!r:.80}")
    got = {k.strip() for k in my_wrong_gradients}
    if got == expected:
        passed(f"{', '.join(sorted(expected))} are wrong, and only they. The output layer's "
               "gradients never pass a rectifier; every gradient below the first rectifier "
               "step is off, because that step lets dA through where dA > 0 instead of where "
               "Z > 0: a mask from the gradient's sign, not from the forward pass.")
        return
    names = set(right)
    if got and all(("d" + k) in names for k in got):
        raise CheckFailed(f"{what} names parameters ({', '.join(sorted(got))}); give the keys of "
                          "their gradients, such as \"dW1\".")
    unknown = sorted(got - names)
    if unknown:
        raise CheckFailed(f"{what} holds {', '.join(unknown)}, which this network's gradients do "
                          f"not have: they are {', '.join(sorted(names))}.")
    L = len(BUG_DIMS) - 1
    mistakes = [
        ("every gradient", "Compare the output layer's too: its gradients never pass a "
         "rectifier.", names),
        ("the output layer's gradients", "Those are the right ones: their central differences "
         "agree with them.", {f"dW{L}", f"db{L}"}),
        ("the first layer alone", "Layer 2's gradients pass a rectifier step too.",
         {"dW1", "db1"}),
        ("the weights without the biases", "A wrong dZ makes both dW and db wrong.",
         {k for k in expected if k.startswith("dW")}),
    ]
    for name, hint, result in mistakes:
        if got == result and result != expected:
            raise CheckFailed(f"{what} is not right: it lists {name}. {hint}")
    raise CheckFailed(f"{what} is not right: compare each gradient of suspect_model_backward "
                      "with its central difference, and list every key whose relative error is "
                      "far above rounding's.")
