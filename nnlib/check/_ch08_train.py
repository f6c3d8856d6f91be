"""Checkers for the exercises of the 08_train chapter.

``recall_threshold`` checks a threshold chosen on the validation set for a
recall of 0.95, ``split_spread`` a measured spread of validation accuracy
over ten splits, and ``moons_baseline`` the accuracy of the majority-class
rule on the chapter's two-moons validation set.
"""

import numpy as np

import nnlib
from nnlib.check._core import NUMBER_TOLERANCE, as_number, CheckFailed, compare, Mistake, passed

__all__ = ["recall_threshold", "split_spread", "moons_baseline"]


def recall_threshold(value) -> None:
    """Check the largest threshold whose validation recall is at least 0.95.

    The network is the chapter's: ``[30, 8, 1]`` trained by ``train`` for 300
    epochs at learning rate 0.5 (seed 3) on the standardised training set of
    ``train_val_test_split(X, Y, seed=0)``. Any threshold that labels the
    validation tumours as the largest right one does is right: those above
    the highest validation output below it, up to it.

    Parameters
    ----------
    value : float
        The learner's threshold.

    Raises
    ------
    CheckFailed
        Naming, where it recognises one: a percentage; the recall instead of
        the threshold; a threshold chosen on the test set; keeping the default
        0.5; a threshold too high (recall below 0.95, or rounded up past the
        answer) or lower than needed (more false alarms than necessary).
    """
    what = "my_threshold"
    got = as_number(value, what)
    AL_val, Y_val, AL_test, Y_test = _chapter_outputs()
    best, floor = _largest_threshold(AL_val, Y_val)
    test_best, _ = _largest_threshold(AL_test, Y_test)
    n_malignant = int(Y_val.sum())

    def found(threshold):
        return int(np.sum((AL_val >= threshold) & (Y_val == 1)))

    def false_alarms(threshold):
        return int(np.sum((AL_val >= threshold) & (Y_val == 0)))

    if floor < got <= best:
        passed(
            f"up to {best:.4f}, the output of the least confident malignant "
            f"tumour it must still find, the network finds "
            f"{found(best)} of the {n_malignant} malignant validation tumours "
            f"(recall {found(best) / n_malignant:.3f}); there the false alarms "
            f"fall from {false_alarms(0.5)} to {false_alarms(best)}."
        )
        return
    # (100 t) / 100 may round a unit in the last place above t: allow for it.
    if 1 < got <= 100 and floor < got / 100 <= best * (1 + 4 * np.finfo(float).eps):
        raise CheckFailed(
            f"{what} is not right: it looks like a percentage. A threshold is a "
            f"probability; give {got / 100:.4f}, not {got}."
        )
    if abs(got - found(0.5) / n_malignant) < 1e-3:
        raise CheckFailed(
            f"{what} is not right: {got:.4f} is the recall at the default threshold, "
            f"not a threshold. Give the threshold itself, a probability compared with A[L]."
        )
    if abs(got - test_best) < 1e-3:
        raise CheckFailed(
            f"{what} is not right: it is the threshold the test set would choose. Choose on "
            f"the validation set, X_val and Y_val; the test set is measured once, at the end."
        )
    if got == 0.5:
        raise CheckFailed(
            f"{what} is not right: the default 0.5 reaches a recall of 0.95 here, but with "
            f"{false_alarms(0.5)} false alarm(s) that a higher threshold avoids. Try larger "
            f"thresholds and keep the largest whose recall is still at least 0.95."
        )
    if got > best:
        rounded = " Did you round the threshold up? Round it down." if got - best < 1e-3 else ""
        raise CheckFailed(
            f"{what} is not right: at {got:.4f} the network finds only {found(got)} of the "
            f"{n_malignant} malignant validation tumours (recall {found(got) / n_malignant:.3f}), "
            f"below 0.95.{rounded}"
        )
    raise CheckFailed(
        f"{what} is not right: at {got:.4f} the recall is at least 0.95, but with "
        f"{false_alarms(got)} false alarm(s), where a higher threshold gives "
        f"{false_alarms(best)}. Look for the largest threshold that keeps the recall."
    )


def split_spread(value) -> None:
    """Check the standard deviation of validation accuracy over ten splits.

    The recipe is the chapter's: ``[30, 8, 1]``, 300 epochs, learning rate 0.5,
    seed 3, on the sets of ``train_val_test_split(X, Y, seed=s)`` for
    s = 0, ..., 9, each standardised with its own training set; the spread is
    ``np.std(accuracies, ddof=1)``, the sample standard deviation.

    Parameters
    ----------
    value : float
        The learner's number; right within 1%.

    Raises
    ------
    CheckFailed
        Naming, where it recognises one: the population standard deviation
        (ddof=0); the variance; the mean; a percentage; the test set instead
        of the validation set; the spread over seeds instead of splits (0).
    """
    what = "my_split_spread"
    got = as_number(value, what)
    val, test = _over_ten_splits()
    expected = float(np.std(val, ddof=1))
    mistakes = [
        Mistake("the population standard deviation (ddof=0)",
                "Ten accuracies are a sample: use np.std(accuracies, ddof=1).", float(np.std(val))),
        Mistake("the variance instead of the standard deviation",
                "Take the square root: np.std, not np.var.", float(np.var(val, ddof=1))),
        Mistake("the mean instead of the spread", "The question asks how far the ten accuracies "
                "spread around their mean: np.std(..., ddof=1).", float(np.mean(val))),
        Mistake("a percentage instead of a fraction", "Give the spread of the accuracies as "
                "fractions between 0 and 1.", 100 * expected),
        Mistake("the test set instead of the validation set", "Measure on X_val and Y_val of "
                "each split; the test sets wait for the end.", float(np.std(test, ddof=1))),
        Mistake("varying the seed instead of the split", "Here the initial weights barely "
                "matter: change train_val_test_split's seed, and keep train's.", 0.0),
    ]
    compare(got, expected, mistakes, what, rtol=0.01, atol=1e-4)
    passed(
        f"over ten splits the validation accuracy is {np.mean(val):.3f} +- {expected:.3f}: "
        f"one validation tumour is 1/114 = 0.009, so a difference of a tumour or two "
        f"between two choices is within the spread."
    )


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


def _chapter_network():
    """The chapter's split 0, standardised, and its [30, 8, 1] network."""
    X, Y, _ = nnlib.load_breast_cancer()
    X_train, X_val, X_test, Y_train, Y_val, Y_test = nnlib.train_val_test_split(X, Y, seed=0)
    X_train, X_val, X_test = nnlib.standardize(X_train, X_val, X_test)
    params, _ = nnlib.train(X_train, Y_train, [30, 8, 1], epochs=300, lr=0.5, seed=3)
    return params, X_val, Y_val, X_test, Y_test


def _chapter_outputs():
    """The chapter's network's outputs on its validation and test sets, flat."""
    params, X_val, Y_val, X_test, Y_test = _chapter_network()
    AL_val, _ = nnlib.forward_prop(X_val, params)
    AL_test, _ = nnlib.forward_prop(X_test, params)
    return AL_val.ravel(), Y_val.ravel(), AL_test.ravel(), Y_test.ravel()


def _largest_threshold(AL, Y, target=0.95):
    """The largest threshold with recall >= target, and the highest output below it."""
    malignant = np.sort(AL[Y == 1])
    need = int(np.ceil(target * malignant.size - 1e-9))  # tumours to find
    best = malignant[malignant.size - need]
    below = AL[AL < best]
    return float(best), float(below.max()) if below.size else 0.0


def _over_ten_splits():
    """Validation and test accuracies of the chapter's recipe over splits 0 to 9."""
    from nnlib.datasets import over_splits

    def recipe(sets, seed):
        params, _ = nnlib.train(sets["X_train"], sets["Y_train"], [30, 8, 1], epochs=300, lr=0.5, seed=seed)
        return (nnlib.accuracy(nnlib.predict(sets["X_val"], params), sets["Y_val"]),
                nnlib.accuracy(nnlib.predict(sets["X_test"], params), sets["Y_test"]))

    X, Y, _ = nnlib.load_breast_cancer()
    results = np.array(over_splits(X, Y, recipe, [(3, split) for split in range(10)]))
    return results[:, 0], results[:, 1]


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
