"""Checkers for the exercises of the 08_train chapter.

``predict`` checks a learner's labels from a network's output,
``accuracy`` a learner's share of right answers, and ``moons_baseline`` the
predicted accuracy of the majority-class rule on the chapter's two-moons
validation set.
"""

import numpy as np

import nnlib
from nnlib.check._core import NUMBER_TOLERANCE, as_number, call, compare, Mistake, passed

__all__ = ["predict", "accuracy", "moons_baseline"]


def predict(fn) -> None:
    """Check ``fn(X, params)``, the learner's 0/1 labels, against nnlib's ``predict``.

    The network has layer sizes [3, 4, 1] and sizeable random weights; X
    holds m = 9 examples whose outputs fall on both sides of 0.5, none
    closer to it than 0.01.

    Parameters
    ----------
    fn : callable
        ``fn(X, params) -> Y_hat``, labels 0 or 1 of shape (1, m).

    Raises
    ------
    CheckFailed
        Naming, where it recognises one: probabilities returned instead of
        labels; the threshold on the wrong side (1 - the right labels);
        labels in a column (m, 1) or a flat (m,) array instead of a row;
        comparing with 0 instead of 0.5.
    """
    what = "my_predict(X, params)"
    X, params = _predict_inputs()
    AL, _ = nnlib.forward_prop(X, params)
    expected = nnlib.predict(X, params)
    got = call(fn, X, params, what=what)
    mistakes = [
        Mistake(
            "returning probabilities instead of labels",
            "These are the network's outputs A[L]; turn each into 1 where it "
            "is at least 0.5 and 0 otherwise, for example (AL >= 0.5).astype(int).",
            AL,
        ),
        Mistake(
            "putting the threshold on the wrong side",
            "Label 1 goes with outputs of 0.5 or more: AL >= 0.5, not AL < 0.5.",
            1 - expected,
        ),
        Mistake(
            "returning labels in a column instead of a row",
            "Keep one example per column: the labels have shape (1, m), like Y.",
            expected.T,
        ),
        Mistake(
            "returning a flat array of labels",
            "Keep the shape (1, m) of A[L] and Y; do not ravel or flatten.",
            expected.ravel(),
        ),
        Mistake(
            "comparing with 0 instead of 0.5",
            "A[L] is a probability between 0 and 1, always above 0; the "
            "threshold is 0.5. (Z = 0 is where A = 0.5.)",
            (AL >= 0).astype(int),
        ),
    ]
    compare(got, expected, mistakes, what)
    passed(f"your labels match predict's for all {X.shape[1]} examples.")


def accuracy(fn) -> None:
    """Check ``fn(Y_hat, Y)``, the learner's accuracy, against nnlib's.

    Y_hat (integers, as ``predict`` returns them) and Y (floats, as the data
    sets hold them) have shape (1, 8) and agree on 5 examples of 8.

    Parameters
    ----------
    fn : callable
        ``fn(Y_hat, Y) -> float``, the fraction of examples labelled right.

    Raises
    ------
    CheckFailed
        Naming, where it recognises one: the error rate instead of the
        accuracy; a count or a percentage instead of a fraction; a 1-element
        or 1x1 array instead of a float; comparing with Y transposed, which
        broadcasts to an m x m table.
    """
    what = "my_accuracy(Y_hat, Y)"
    Y_hat = np.array([[1, 0, 0, 1, 1, 0, 1, 1]])
    Y = np.array([[1.0, 0.0, 1.0, 1.0, 0.0, 0.0, 1.0, 0.0]])
    expected = nnlib.accuracy(Y_hat, Y)
    right = Y_hat == Y
    mistakes = [
        Mistake(
            "giving the error rate instead of the accuracy",
            "Count the examples where Y_hat equals Y, not where it differs.",
            float(np.mean(~right)),
        ),
        Mistake(
            "giving a count instead of a fraction",
            "Divide the number of right answers by m (or use np.mean).",
            float(np.sum(right)),
        ),
        Mistake(
            "giving a percentage instead of a fraction",
            "Return a fraction between 0 and 1; leave the factor 100 out.",
            100 * expected,
        ),
        Mistake(
            "returning a 1-element array instead of a float",
            "A mean along axis=1 keeps an axis of length 1; average over "
            "everything, or return float(...).",
            np.array([expected]),
        ),
        Mistake(
            "returning a 1x1 array instead of a float",
            "A mean with keepdims=True keeps both axes; return float(...).",
            np.array([[expected]]),
        ),
        Mistake(
            "comparing with Y transposed",
            "Y_hat == Y.T compares a row with a column and broadcasts to an "
            "m x m table of every pair; compare Y_hat with Y, both (1, m).",
            float(np.mean(Y_hat == Y.T)),
        ),
    ]
    got = call(fn, Y_hat, Y, what=what)
    compare(got, expected, mistakes, what)
    passed(f"{int(right.sum())} right out of {Y.shape[1]}: accuracy {expected}.")


def moons_baseline(value) -> None:
    """Check the validation accuracy of always answering the training majority class.

    The data are the chapter's two moons: ``make_moons(m=400, noise=0.15,
    seed=0)`` split by ``train_test_split(..., test_fraction=0.25, seed=0)``,
    whose held-out quarter the chapter calls the validation set
    (``Ym_val``).

    Parameters
    ----------
    value : float
        The learner's number; right within 0.005.

    Raises
    ------
    CheckFailed
        Naming, where it recognises one: the validation set's own majority class
        (peeking), the error rate instead of the accuracy, the baseline on
        the training set instead of the validation set, assuming balanced classes
        (0.5), the tumours' baseline, a percentage or a count instead of a
        fraction. Slips that give the same number on these data are named
        together.
    """
    what = "my_moons_baseline"
    X, Y = nnlib.make_moons(m=400, noise=0.15, seed=0)
    # the held-out quarter is the chapter's validation set, Ym_val
    _, _, Y_train, Y_test = nnlib.train_test_split(X, Y, test_fraction=0.25, seed=0)
    majority = int(Y_train.mean() >= 0.5)
    expected = float(np.mean(Y_test == majority))
    test_majority = int(Y_test.mean() >= 0.5)
    X_bc, Y_bc, _ = nnlib.load_breast_cancer()
    _, _, Y_bc_train, Y_bc_test = nnlib.train_test_split(X_bc, Y_bc, test_fraction=0.25, seed=0)
    mistakes = _merged([
        Mistake(
            "using the validation set's own majority class",
            f"The rule is fixed before the validation set is seen: it answers "
            f"{majority}, the majority class of the training set, for every validation point.",
            float(np.mean(Y_test == test_majority)),
        ),
        Mistake(
            "giving the error rate instead of the accuracy",
            "Accuracy counts the validation points the rule gets right.",
            1 - expected,
        ),
        Mistake(
            "measuring the baseline on the training set",
            "Measure the rule on the validation set, Ym_val, as the chapter measures the networks.",
            float(np.mean(Y_train == majority)),
        ),
        Mistake(
            "assuming the classes are balanced",
            "make_moons draws both moons equally, but a random split need not "
            "keep them equal: count the labels in Ym_train and Ym_val.",
            0.5,
        ),
        Mistake(
            "copying the tumours' baseline",
            "That was the breast-cancer test set; this question is about the two moons.",
            float(np.mean(Y_bc_test == int(Y_bc_train.mean() >= 0.5))),
        ),
        Mistake(
            "giving a percentage instead of a fraction",
            "Give a fraction between 0 and 1.",
            100 * expected,
        ),
        Mistake(
            "giving a count instead of a fraction",
            "Divide the number of validation points the rule gets right by the size of the validation set.",
            expected * Y_test.shape[1],
        ),
    ])
    got = as_number(value, what)
    compare(got, expected, mistakes, what, rtol=0, atol=NUMBER_TOLERANCE)
    passed(
        f"the training set's majority is class {majority}, only "
        f"{expected:.0%} of the validation points belong to it, so the baseline "
        f"scores {expected:.2f}: worse than a coin toss."
        if expected < 0.5
        else f"the baseline scores {expected:.2f} on the validation set."
    )


def _predict_inputs():
    """X of shape (3, 9) and [3, 4, 1] parameters whose outputs avoid 0.5."""
    rng = np.random.default_rng(15)
    params = {
        "W1": 2 * rng.standard_normal((4, 3)),
        "b1": rng.standard_normal((4, 1)),
        "W2": 2 * rng.standard_normal((1, 4)),
        "b2": rng.standard_normal((1, 1)),
    }
    X = rng.standard_normal((3, 9))
    AL, _ = nnlib.forward_prop(X, params)
    assert np.all(np.abs(AL - 0.5) > 0.01) and 0 < np.mean(AL >= 0.5) < 1
    return X, params


def _merged(mistakes: list[Mistake]) -> list[Mistake]:
    """Join mistakes that give the same number here, so a match names them all."""
    merged: list[Mistake] = []
    for mistake in mistakes:
        twin = next(
            (m for m in merged if abs(m.result - mistake.result) <= NUMBER_TOLERANCE), None
        )
        if twin is None:
            merged.append(Mistake(mistake.name, mistake.hint, mistake.result))
        else:
            twin.name = f"either {twin.name} or {mistake.name}"
            twin.hint = f"{twin.hint} Or: {mistake.hint}"
    return merged
