"""Checkers for the exercises of the 12_softmax chapter.

``softmax_gradient`` checks a derived slope of the softmax cross-entropy in
the logits; ``uniform_cost`` checks a predicted number; ``confused_pair``
checks the result of an experiment on validation data. Each names the usual
slips: the label left out or subtracted the wrong way round, a 1/m inside a
per-example slope, a sigmoid for each class instead of the softmax, a
logarithm of the wrong base, the binary habit of two classes, and a test set
used for a choice.
"""

import numpy as np

import nnlib
from nnlib.check._core import NUMBER_TOLERANCE, CheckFailed, Mistake, as_number, call, compare, passed

__all__ = ["softmax_gradient", "uniform_cost", "confused_pair"]

#: The two digits the chapter's network confuses most often on validation
#: data, summed over its ten (seed, split) pairs (the notebook checks it).
CONFUSED_PAIR = (5, 9)
#: The pair the test sets' confusion matrix shows most often (1 taken for 8 or 8 for 1).
TEST_PAIR = (1, 8)


def softmax_gradient(fn) -> None:
    """Check ``fn(Z, Y)``, the learner's slope dL/dZ of the softmax cross-entropy, per example.

    Two cases: K = 4 classes and m = 7 examples of ordinary logits (so a
    1/m cannot hide), then logits as large as 800 in size, where the exp of
    a logit that is not shifted first overflows.

    Parameters
    ----------
    fn : callable
        ``fn(Z, Y) -> dZ`` with Z, Y and dZ of shape (K, m), Y one-hot.

    Raises
    ------
    CheckFailed
        Naming, where it recognises one: the label left out (softmax(Z)
        alone), Y - softmax(Z) (the sign), a division by m (the average's
        1/m belongs to dW and db), a sigmoid of each logit instead of the
        softmax, and the exp of unshifted logits overflowing.
    """
    what = "my_softmax_gradient(Z, Y)"
    rng = np.random.default_rng(12)
    K, m = 4, 7
    Z = rng.normal(scale=2.0, size=(K, m))
    Y = nnlib.one_hot(np.array([0, 3, 1, 1, 2, 0, 3]), K)
    _compare(fn, Z, Y, what)
    Z_big = np.array([[800.0, -800.0, 0.0], [0.0, -799.0, 1.0], [-800.0, -801.0, 2.0]])
    Y_big = nnlib.one_hot(np.array([1, 1, 2]), 3)
    _compare(fn, Z_big, Y_big, what)
    passed("dL/dz_k = p_k - y_k for each class k: the softmax's probabilities less the one-hot "
           "label, per example, and exact at logits of size 800 too.")


def _compare(fn, Z, Y, what):
    P = nnlib.softmax(Z)
    m = Z.shape[1]
    expected = P - Y
    with np.errstate(over="ignore"):
        sigmoid_of_each = 1 / (1 + np.exp(-Z))
    mistakes = [
        Mistake("leaving out the label", "The cost is -log p of the true class; its slope in z_k "
                "has a part from the log-sum, p_k, and a part from -z of the true class: subtract Y.",
                P),
        Mistake("Y - softmax(Z)", "That is the slope of the cost with its sign flipped: a step "
                "against it would climb. The cost grows with the wrong classes' logits.", Y - P),
        Mistake("dividing by m", "Each column is one example's own slope dL/dz; the 1/m of the "
                "average J comes later, in dW and db (linear_backward).", expected / m),
        Mistake("a sigmoid of each logit instead of the softmax", "With K classes the "
                "probabilities share one denominator, sum_j exp(z_j): use softmax(Z).",
                sigmoid_of_each - Y),
    ]
    try:
        got = call(fn, Z, Y, what=what)
    except FloatingPointError as error:
        raise CheckFailed(
            f"{what} overflowed ({error}) at logits as large as {np.abs(Z).max():g}: exp(800) is "
            f"beyond the largest float. Subtract each column's largest logit before exp, or call "
            f"softmax(Z), which does."
        ) from None
    compare(got, expected, mistakes, what, rtol=1e-9, atol=1e-12)


def uniform_cost(my_uniform_cost) -> None:
    """Check the predicted cost of a digit network whose ten logits are equal for every image.

    Parameters
    ----------
    my_uniform_cost : float
        The learner's number; right within 0.005 of log 10 = 2.3026 nats.

    Raises
    ------
    CheckFailed
        Naming log2 or log10 instead of the natural log, a probability
        (1/10) instead of a cost, the two-class habit (log 2), a sum over
        the ten classes of -(1/10) log(1/10) counted ten times (10 log 10),
        and the cost of a wrong class's output (-log 0.9).
    """
    what = "my_uniform_cost"
    got = as_number(my_uniform_cost, what)
    mistakes = [
        Mistake("log base 2", "The book's costs use the natural log, in nats.", np.log2(10)),
        Mistake("log base 10", "The book's costs use the natural log, in nats.", 1.0),
        Mistake("the probability instead of its cost", "Each image's cost is -log of the "
                "probability given to its true digit.", 0.1),
        Mistake("the two-class cost", "With two classes equal logits give 1/2 each and cost "
                "log 2; here there are ten.", np.log(2)),
        Mistake("adding the ten classes' costs", "Only the true class's probability enters "
                "-log p: Y is one-hot.", 10 * np.log(10)),
        Mistake("the cost of a wrong class", "The cost uses the probability of the true class, "
                "1/10, not the 9/10 left to the others.", -np.log(0.9)),
    ]
    compare(got, np.log(10), mistakes, what, rtol=0, atol=NUMBER_TOLERANCE)
    passed(f"equal logits give each digit probability 1/10, so each image costs log 10 = "
           f"{np.log(10):.4f} nats, and so does the average: a trained network should end far below.")


def confused_pair(my_confused_pair) -> None:
    """Check the pair of digits that the chapter's network confuses most often on validation data.

    Parameters
    ----------
    my_confused_pair : tuple of two int
        The two digits, in either order.

    Raises
    ------
    CheckFailed
        If the answer is not two different digits, or not the pair; it names
        the pair that the chapter's test figure shows most often (the
        answer read from test data instead of measured on validation data).
    """
    what = "my_confused_pair"
    try:
        pair = tuple(int(d) for d in my_confused_pair)
        whole = all(float(d) == int(d) for d in my_confused_pair)
    except (TypeError, ValueError):
        raise CheckFailed(f"{what} should be two digits such as (3, 5); got {my_confused_pair!r:.80}") from None
    if len(pair) != 2 or not whole or not all(0 <= d <= 9 for d in pair) or pair[0] == pair[1]:
        raise CheckFailed(f"{what} should be two different digits from 0 to 9, such as (3, 5); "
                          f"got {my_confused_pair!r:.80}")
    if set(pair) == set(CONFUSED_PAIR):
        passed(f"{CONFUSED_PAIR[0]} and {CONFUSED_PAIR[1]}: of the ten pairs' validation images, "
               "these two are taken for each other most often, counting both directions.")
        return
    if set(pair) == set(TEST_PAIR):
        raise CheckFailed(
            f"{what} = {pair} is the pair that the test figure shows most often: a choice read "
            "from test data. Count the validation images instead (s[\"X_val\"], s[\"Y_val\"]); "
            "with a few dozen mistakes per pair, the two sets need not agree."
        )
    raise CheckFailed(
        f"{what} = {pair} is not the pair confused most often. Add the validation confusion "
        "matrices of the ten (seed, split) pairs, then for each two digits a and b add both "
        "directions, counts[a, b] + counts[b, a]: the pair asked for has the largest sum. Use the "
        "validation sets: the test sets are for the final measurement only."
    )
