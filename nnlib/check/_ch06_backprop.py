"""Checkers for the exercises of the 06_backprop chapter.

``one_layer_backward`` checks a learner's backward step through one sigmoid
layer (exercise 6.1: the repair of ``one_layer_backward_with_a_bug``),
``weighted_dZ`` a learner's derivation of the output's dZ for a weighted cost
(exercise 6.2), ``buggy_gradient`` the learner's finding of the planted bug in
``backprop_with_a_bug`` (exercise 6.3). Each mistaken variant below is written
out as a small function and run on the checker's inputs, so that a wrong
answer can be matched to the slip that produces it.
"""

import itertools

import numpy as np

import nnlib
from nnlib.exercises import backprop_with_a_bug, one_layer_backward_with_a_bug
from nnlib.check._ch03_sigmoid import call_quietly
from nnlib.check._core import CheckFailed, Mistake, _copy, call, compare, passed, same

__all__ = ["one_layer_backward", "one_layer_backward_with_a_bug", "weighted_dZ",
           "backprop_with_a_bug", "buggy_gradient"]

SHAPE_HINT = (
    "A matrix product got shapes that do not fit: check each against "
    "dW = dZ A_prev^T, (n_l, m) times (m, n_{l-1}), and dA_prev = W^T dZ, "
    "(n_{l-1}, n_l) times (n_l, m)."
)


# --- one layer


def one_layer_backward(fn) -> None:
    """Check ``fn(dA, cache)``, the learner's backward step through one sigmoid layer.

    The layer has 4 units fed by 3 inputs and m = 5 examples, so W is not
    square and m matches no layer size; a second run gives two units
    pre-activations of +800 and -800.

    Parameters
    ----------
    fn : callable
        ``fn(dA, cache) -> (dA_prev, dW, db)`` with ``cache = ((A_prev, W, b), Z)``
        as ``forward_prop`` stores it.

    Raises
    ------
    CheckFailed
        Naming, where it recognises one: a missing 1/m; a transposed W (W
        where W.T belongs, found by re-running on a square layer when the
        shapes clash); a sign flip in dZ; a sum over the wrong axis for db
        or a db without keepdims; the sigmoid's slope taken from Z, or
        without its (1 - A) factor; an extra 1/m in dA_prev; dW or dA_prev
        transposed; the three results in the wrong order; caches unpacked in
        the wrong order (found by re-running with the cache rearranged);
        the sigmoid's slope left out (dZ = dA); the planted bug of
        ``one_layer_backward_with_a_bug`` left in (dA_prev = W^T dA, exercise
        6.1); a change in place of its inputs (``dA *= ...``), which the
        caller's own arrays would suffer, named as the grader names it.
        Floating-point warnings are
        silenced and the values judged: the textbook sigmoid's overflow at
        a saturated unit still gives the right slope, 0.
    """
    what = "my_one_layer_backward(dA, cache)"
    rng = np.random.default_rng(6)
    dA, cache = _layer(rng, n_prev=3, n=4, m=5)
    expected = nnlib.one_layer_backward(dA, cache)
    got = _run_layer(fn, dA, cache, expected, what)
    if not same(got, expected):
        _name_cache_order(fn, dA, cache, expected, what)
    compare(got, expected, _layer_mistakes(dA, cache), what)

    # Two saturated units, where the slope A (1 - A) is 0: a sigmoid written
    # as 1 / (1 + exp(-Z)) overflows there, and still gets the values right.
    (A_prev, W, _), _ = cache
    b = np.array([[0.0], [800.0], [-800.0], [0.0]])
    saturated = ((A_prev, W, b), W @ A_prev + b)
    expected = nnlib.one_layer_backward(dA, saturated)
    got = _run_layer(fn, dA, saturated, expected, what)
    compare(got, expected, [], what)
    passed(
        "dA_prev, dW and db agree with nnlib's, with the shapes of A_prev, W "
        "and b, also for saturated units."
    )


def _layer(rng, n_prev: int, n: int, m: int):
    """A layer's incoming gradient dA and its cache ((A_prev, W, b), Z)."""
    A_prev = rng.standard_normal((n_prev, m))
    W = rng.standard_normal((n, n_prev))
    b = rng.standard_normal((n, 1))
    Z = W @ A_prev + b
    dA = rng.standard_normal((n, m))
    return dA, ((A_prev, W, b), Z)


def _run_layer(fn, dA, cache, expected, what):
    """Call the learner's step; explain a crash where a re-run can; name a change of its inputs."""
    mine = (_copy(dA), _copy(cache))  # what the learner's function is handed, looked at afterwards
    try:
        # The values are judged: an overflow on the way to a right value (the
        # textbook sigmoid's 1 / (1 + inf) = 0) is no mistake.
        got = call_quietly(lambda: fn(*mine), what=what)
    except CheckFailed as failure:
        _name_cache_order(fn, dA, cache, expected, what)
        _name_transposed_W(fn, what, failure)
        if "matmul" in str(failure) or "not aligned" in str(failure):
            raise CheckFailed(_then(failure, SHAPE_HINT)) from failure.__cause__
        raise
    changed = [name for name, before, after in zip(("dA", "A_prev", "W", "b", "Z"), _leaves(dA, cache),
                                                   _leaves(*mine)) if not _unchanged(before, after)]
    if changed:
        # As the grader words it (coursework/judge.py), naming the inputs that changed.
        raise CheckFailed(
            f"{what} is not right: it changes its inputs in place ({', '.join(changed)} changed). "
            "Build new values and return them, so that the caller keeps its own: "
            "dZ = dA * A * (1 - A), not dA *= A * (1 - A)."
        )
    return got


def _leaves(dA, cache) -> list:
    """dA, A_prev, W, b and Z, as the step was handed them (None where the cache is not so shaped)."""
    try:
        (A_prev, W, b), Z = cache
    except (TypeError, ValueError):
        return [dA, None, None, None, None]
    return [dA, A_prev, W, b, Z]


def _unchanged(before, after) -> bool:
    """True if ``after`` is still ``before``: the same shape and the same bits (NaN included)."""
    if not isinstance(before, np.ndarray):
        return True
    return (isinstance(after, np.ndarray) and after.shape == before.shape
            and np.array_equal(after, before, equal_nan=True))


def _then(message, more: str) -> str:
    """Join a message and a further sentence with one full stop between them."""
    return str(message).rstrip(". ") + ". " + more


def _name_cache_order(fn, dA, cache, expected, what) -> None:
    """Raise if the learner's step is right once the cache is rearranged."""
    linear_cache, Z = cache
    names = ("A_prev", "W", "b")
    for outer_swapped in (False, True):
        for order in itertools.permutations(range(3)):
            if not outer_swapped and order == (0, 1, 2):
                continue
            inner = tuple(linear_cache[i] for i in order)
            probe = (Z, inner) if outer_swapped else (inner, Z)
            try:
                result = call(fn, dA, probe, what=what)
            except (CheckFailed, FloatingPointError):
                continue
            if same(result, expected):
                inner_names = "(" + ", ".join(names[i] for i in order) + ")"
                layout = f"(Z, {inner_names})" if outer_swapped else f"({inner_names}, Z)"
                raise CheckFailed(
                    f"{what} is not right: caches unpacked in the wrong order. "
                    f"It gives the right gradients only when the cache is "
                    f"handed over as {layout}, but forward_prop stores each "
                    f"layer's cache as ((A_prev, W, b), Z). Unpack it in that "
                    f"order: (A_prev, W, b), Z = cache."
                )


def _name_transposed_W(fn, what, failure) -> None:
    """Raise if the crash comes from W @ dZ: on a square layer it then runs."""
    dA, cache = _layer(np.random.default_rng(7), n_prev=4, n=4, m=5)
    try:
        result = call(fn, dA, cache, what=what)
    except (CheckFailed, FloatingPointError):
        return
    if same(result, _backward_W_not_transposed(dA, cache)):
        raise CheckFailed(
            _then(failure, "On a square layer, where the shapes happen to fit, it ")
            + "gives exactly what a transposed W gives: dA_prev = W dZ instead "
            "of W^T dZ. W has shape (n_l, n_{l-1}); the gradient flows "
            "back through W.T, of shape (n_{l-1}, n_l)."
        ) from failure.__cause__


def _layer_mistakes(dA, cache) -> list[Mistake]:
    """What each usual slip returns for this dA and cache."""
    correct = nnlib.one_layer_backward(dA, cache)
    dA_prev, dW, db = correct
    missing_m = "Average over the m examples: dW = dZ A_prev^T / m and db = (row sums of dZ) / m."
    wrong_axis = (
        "Examples are columns, so db sums along each row: "
        "np.sum(dZ, axis=1, keepdims=True) / m, of shape (n_l, 1) like b."
    )
    return [
        Mistake("a missing 1/m", missing_m, _backward_without_1_over_m(dA, cache)),
        Mistake("a missing 1/m", missing_m, (dA_prev, dW * _m(cache), db)),
        Mistake("a missing 1/m", missing_m, (dA_prev, dW, db * _m(cache))),
        Mistake(
            "a sign flip in dZ",
            "dZ = dA * A * (1 - A), with A = sigmoid(Z) and no minus sign.",
            _backward_dZ_sign_flipped(dA, cache),
        ),
        Mistake(
            "a sum over the wrong axis for db",
            wrong_axis,
            _backward_db_over_wrong_axis(dA, cache, keepdims=True),
        ),
        Mistake(
            "a sum over the wrong axis for db",
            wrong_axis,
            _backward_db_over_wrong_axis(dA, cache, keepdims=False),
        ),
        Mistake(
            "a db without keepdims",
            "np.sum(dZ, axis=1) drops the column axis and gives shape (n_l,); "
            "pass keepdims=True so db has shape (n_l, 1) like b.",
            (dA_prev, dW, db.ravel()),
        ),
        Mistake(
            "the sigmoid's slope taken from Z instead of A = sigmoid(Z)",
            "The cache holds Z, the pre-activation. Compute A = sigmoid(Z) "
            "first; the slope is A * (1 - A).",
            _backward_slope_from_Z(dA, cache),
        ),
        Mistake(
            "leaving out the sigmoid's slope (dZ = dA)",
            "dA is the gradient with respect to the layer's output A, and A = "
            "sigmoid(Z): by the chain rule dZ = dA * sigma'(Z), that is "
            "dZ = dA * A * (1 - A) with A = sigmoid(Z), before the linear step.",
            nnlib.linear_backward(dA, cache[0]),
        ),
        Mistake(
            "a sigmoid slope of A instead of A * (1 - A)",
            "The sigmoid's derivative is sigma(z) (1 - sigma(z)): dZ = dA * A * (1 - A).",
            _backward_slope_without_1_minus_A(dA, cache),
        ),
        Mistake(
            "an extra 1/m in dA_prev",
            "Each column of dA_prev still belongs to one example, so it has "
            "no 1/m: dA_prev = W^T dZ. Only dW and db average over examples.",
            (dA_prev / _m(cache), dW, db),
        ),
        Mistake(
            "a transposed dW",
            "dW = dZ A_prev^T / m has the shape of W, (n_l, n_{l-1}); "
            "A_prev dZ^T gives its transpose.",
            (dA_prev, dW.T, db),
        ),
        Mistake(
            "a transposed dA_prev",
            "dA_prev = W^T dZ has the shape of A_prev, (n_{l-1}, m), one "
            "example per column; dZ^T W gives its transpose.",
            (dA_prev.T, dW, db),
        ),
        Mistake(
            "returning the results in the wrong order",
            "Return the tuple (dA_prev, dW, db), in that order.",
            (dW, db, dA_prev),
        ),
        Mistake(
            "leaving the planted bug in (dA_prev = W^T dA)",
            "dW and db are right, and dA_prev is not: the input of the layer "
            "reaches the cost through Z, so dA_prev = W^T dZ, after the "
            "sigmoid's slope, not W^T dA.",
            (cache[0][1].T @ dA, dW, db),
        ),
    ]


def _m(cache) -> int:
    (A_prev, _, _), _ = cache
    return A_prev.shape[1]


def _sigmoid(Z):
    return nnlib.sigmoid(Z)[0]


def _backward_without_1_over_m(dA, cache):
    (A_prev, W, _), Z = cache
    A = _sigmoid(Z)
    dZ = dA * A * (1 - A)
    return W.T @ dZ, dZ @ A_prev.T, np.sum(dZ, axis=1, keepdims=True)


def _backward_W_not_transposed(dA, cache):
    (A_prev, W, _), Z = cache
    m = A_prev.shape[1]
    A = _sigmoid(Z)
    dZ = dA * A * (1 - A)
    return W @ dZ, dZ @ A_prev.T / m, np.sum(dZ, axis=1, keepdims=True) / m


def _backward_dZ_sign_flipped(dA, cache):
    (A_prev, W, _), Z = cache
    m = A_prev.shape[1]
    A = _sigmoid(Z)
    dZ = -dA * A * (1 - A)
    return W.T @ dZ, dZ @ A_prev.T / m, np.sum(dZ, axis=1, keepdims=True) / m


def _backward_db_over_wrong_axis(dA, cache, keepdims):
    (A_prev, W, _), Z = cache
    m = A_prev.shape[1]
    A = _sigmoid(Z)
    dZ = dA * A * (1 - A)
    return W.T @ dZ, dZ @ A_prev.T / m, np.sum(dZ, axis=0, keepdims=keepdims) / m


def _backward_slope_from_Z(dA, cache):
    (A_prev, W, _), Z = cache
    m = A_prev.shape[1]
    dZ = dA * Z * (1 - Z)
    return W.T @ dZ, dZ @ A_prev.T / m, np.sum(dZ, axis=1, keepdims=True) / m


def _backward_slope_without_1_minus_A(dA, cache):
    (A_prev, W, _), Z = cache
    m = A_prev.shape[1]
    dZ = dA * _sigmoid(Z)
    return W.T @ dZ, dZ @ A_prev.T / m, np.sum(dZ, axis=1, keepdims=True) / m


# --- the output's dZ for a weighted cost (exercise 6.2)


def weighted_dZ(fn) -> None:
    """Check ``fn(ZL, Y, w)``, the learner's dZ[L] for a cost that weights the examples labelled 1 by w.

    One example's cost, L = -(w y log a + (1 - y) log(1 - a)) with a = sigma(z),
    written from its logit is w y softplus(-z) + (1 - y) softplus(z), and
    softplus' = sigma, so dL/dz = (1 - y) sigma(z) - w y sigma(-z): for w = 1,
    a - y. The expected value is computed so, with nnlib's sigmoid. The check
    runs on 6 examples with moderate logits and mixed labels, w = 3, then on
    logits of +-40 and +-800, where every prediction is exactly 0 or 1.

    Parameters
    ----------
    fn : callable
        ``fn(ZL, Y, w) -> dZL``, of the shape of ZL, one column per example.

    Raises
    ------
    CheckFailed
        If the result differs. It names these mistakes: the unweighted
        AL - Y; w on both terms, w (AL - Y); w on the term of the label 0;
        a sign flip; the sigmoid's slope applied again, AL (1 - AL); an extra 1/m
        (dZ holds each example's own derivative); and dividing by
        AL (1 - AL), which gives nan or inf once a prediction is exactly 0 or 1.
    """
    what = "my_weighted_dZ(ZL, Y, w)"
    rng = np.random.default_rng(9)
    stages = [
        (2 * rng.standard_normal((1, 6)), np.array([[1.0, 0.0, 1.0, 1.0, 0.0, 0.0]]), 3.0),
        (np.array([[40.0, -800.0, 40.0, -800.0, 800.0, -40.0]]),
         np.array([[1.0, 0.0, 0.0, 1.0, 1.0, 0.0]]), 3.0),
    ]
    for ZL, Y, w in stages:
        got = call_quietly(fn, ZL, Y, w, what=what)
        expected = _weighted_dZ(ZL, Y, w)
        if not _finite(got):
            raise CheckFailed(
                f"{what} is not right: it gives nan or inf for the logits "
                f"{ZL.ravel().tolist()}, where AL is exactly 0 or 1. Going through "
                f"dAL divides by AL (1 - AL), which is 0 there. Differentiate the "
                f"cost written from the logit instead: softplus(z) = log(1 + e^z) "
                f"has the slope sigma(z), which nnlib's sigmoid computes without overflow."
            )
        compare(got, expected, _weighted_mistakes(ZL, Y, w), what)
    passed("dZ[L] = (1 - Y) AL - w Y (1 - AL): each example's pull on its logit, the "
           "malignant ones' w times as strong; it is AL - Y for w = 1, and finite when "
           "AL is exactly 0 or 1.")


def _weighted_dZ(ZL, Y, w):
    return (1 - Y) * _sigmoid(ZL) - w * Y * _sigmoid(-ZL)


def _weighted_mistakes(ZL, Y, w) -> list[Mistake]:
    """What each usual slip returns for these logits, labels and weight."""
    AL = _sigmoid(ZL)
    right = _weighted_dZ(ZL, Y, w)
    return [
        Mistake("the unweighted AL - Y", "The weight w multiplies the cost of the examples "
                "labelled 1, so it multiplies their part of the slope too.", AL - Y),
        Mistake("w on both terms, w (AL - Y)", "Only the examples labelled 1 carry the weight: "
                "w y softplus(-z) + (1 - y) softplus(z).", w * (AL - Y)),
        Mistake("w on the term of the label 0", "The weight belongs to y log a, the examples "
                "labelled 1, not to (1 - y) log(1 - a).", w * (1 - Y) * AL - Y * (1 - AL)),
        Mistake("a sign flip", "The cost falls as AL moves towards Y: for y = 0 the slope is "
                "+AL, positive.", -right),
        Mistake("the sigmoid's slope applied twice", "Differentiated with respect to z, the "
                "cost already holds the sigmoid's slope: do not multiply by AL (1 - AL) again.",
                right * AL * (1 - AL)),
        Mistake("an extra 1/m", "dZ holds each example's own derivative, one column per example; "
                "the 1/m of the average comes in dW and db.", right / ZL.shape[1]),
    ]


def _finite(a) -> bool:
    try:
        return bool(np.all(np.isfinite(np.asarray(a, dtype=float))))
    except (TypeError, ValueError):
        return True  # not numbers: compare will say so


def _network():
    """Parameters of a [3, 4, 2, 1] network with sizeable weights, X and Y."""
    rng = np.random.default_rng(8)
    dims = [3, 4, 2, 1]
    params = {}
    for l in range(1, len(dims)):
        params[f"W{l}"] = rng.standard_normal((dims[l], dims[l - 1]))
        params[f"b{l}"] = 0.5 * rng.standard_normal((dims[l], 1))
    X = rng.standard_normal((dims[0], 5))
    Y = np.array([[1.0, 0.0, 1.0, 1.0, 0.0]])
    return params, X, Y


# --- the planted bug (exercise 6.3)


def buggy_gradient(answer) -> None:
    """Check the key of the one wrong gradient of ``backprop_with_a_bug``.

    The expected key is found here, not written down: on a [3, 4, 2, 1]
    network, the one gradient of ``backprop_with_a_bug`` that differs from
    ``nnlib.backprop``'s.

    Parameters
    ----------
    answer : str
        The learner's key, such as ``"dW1"``.

    Raises
    ------
    CheckFailed
        If the key is not the wrong gradient's: naming a parameter's key
        (``"W3"``) in place of its gradient's, a key no network of this
        shape has, and a gradient that is right.
    """
    what = "my_buggy_gradient"
    params, X, Y = _network()
    AL, caches = nnlib.forward_prop(X, params)
    right = nnlib.backprop(AL, Y, caches)
    buggy = backprop_with_a_bug(AL, Y, caches)
    # the right gradients agree to rounding; the wrong one is off by the factor m = 5
    [expected] = [k for k in right if not np.allclose(buggy[k], right[k], rtol=1e-9, atol=1e-15)]
    if not isinstance(answer, str):
        raise CheckFailed(f"{what} should be a key written as a string, such as \"dW1\"; got {answer!r:.80}")
    key = answer.strip()
    if key == expected:
        passed(f"{expected} is the wrong one: its central difference disagrees with it by a factor "
               f"of m, the number of examples. The bug is a missing 1/m in the output layer's dW.")
        return
    if "d" + key in right:
        raise CheckFailed(f"{what} = {answer!r} is not right: {key} is a parameter; give the key of "
                          f"its gradient, d{key}, if that is the one you found wrong.")
    if key not in right:
        raise CheckFailed(f"{what} = {answer!r} is not a gradient of this network; the keys are "
                          f"{', '.join(sorted(right))}.")
    raise CheckFailed(f"{what} = {answer!r} is not right: {key} agrees with a central difference of "
                      f"the cost. Compare every gradient, entry by entry, and look for the one whose "
                      f"gap is far larger than the others'.")

