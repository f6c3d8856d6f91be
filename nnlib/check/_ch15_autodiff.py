"""Checkers for the exercises of the automatic-differentiation chapter."""

import numpy as np

from nnlib.autodiff import sum_to_shape as _sum_to_shape
from nnlib.check._core import call, check_number, CheckFailed, compare, Mistake, passed
from nnlib.exercises import SuspectTensor

__all__ = ["sum_to_shape", "SuspectTensor", "suspect_op", "shared_grad"]


def sum_to_shape(my_sum_to_shape) -> None:
    """Check the learner's backward step of broadcasting: G summed back to the input's shape.

    Three cases, each with n != m so that the axes cannot be confused: G of
    shape (3, 5) back to a bias (3, 1); back to a row (1, 5); and back to
    (3, 5), where nothing was broadcast.

    Parameters
    ----------
    my_sum_to_shape : callable
        ``my_sum_to_shape(G, shape) -> grad`` of the given shape.

    Raises
    ------
    CheckFailed
        If a result differs. It names these mistakes: no sum at all (G
        itself); the sum over the wrong axis (the rows instead of the
        columns); the mean instead of the sum; the sum without keepdims
        (shape (n,) instead of (n, 1)); the sum of every entry; a sum where
        nothing was broadcast.
    """
    G = np.random.default_rng(15).standard_normal((3, 5))
    for shape, axis in (((3, 1), 1), ((1, 5), 0), ((3, 5), None)):
        what = f"my_sum_to_shape(G, {shape}) for G of shape {G.shape}"
        got = call(my_sum_to_shape, G, shape, what=what)
        if axis is None:
            mistakes = [
                Mistake("a sum where nothing was broadcast", "When the shapes already match, each "
                        "entry reached one entry: G passes back unchanged.", G.sum(axis=1, keepdims=True)),
                Mistake("a sum where nothing was broadcast", "When the shapes already match, each "
                        "entry reached one entry: G passes back unchanged.", G.sum(axis=0, keepdims=True)),
                Mistake("the sum of every entry", "Only a stretched axis is summed; here none was.",
                        G.sum()),
            ]
        else:
            mistakes = [
                Mistake("no sum (G itself)", "Each entry of the input reached every entry of its "
                        "broadcast copy, so its gradient adds up all of theirs.", G),
                Mistake("the mean instead of the sum", "Each copy of the entry adds its own share: "
                        "the gradient is their sum, not their average (any 1/m belongs to the cost, "
                        "not to the add).", G.mean(axis=axis, keepdims=True)),
                Mistake("a sum over the wrong axis", f"An input of shape {shape} was stretched along "
                        "the axis where it has size 1: sum over that axis (for a bias b of shape "
                        "(n, 1), over the m columns, axis=1).", G.sum(axis=1 - axis, keepdims=True)),
                Mistake("a sum without keepdims", "The gradient must have the input's own shape: "
                        "keep the summed axis, keepdims=True.", G.sum(axis=axis)),
                Mistake("the sum of every entry", "Only the stretched axis is summed; the others "
                        "keep their entries apart.", G.sum()),
            ]
        compare(got, _sum_to_shape(G, shape), mistakes, what=what, rtol=1e-12, atol=1e-14)
    passed("an input stretched along an axis gets the sum of its copies' gradients along that "
           "axis, kept as an axis of size 1; db is the sum of dZ over the m columns.")


# The operations of Tensor by the names a learner may give them; the planted bug is in "*".
_OPERATIONS = {
    "*": ("*", "mul", "__mul__", "multiply", "times", "elementwise multiply"),
    "@": ("@", "matmul", "__matmul__", "matrix multiply"),
    "+": ("+", "add", "__add__", "plus"),
    "-": ("-", "sub", "__sub__", "subtract", "minus"),
    "neg": ("neg", "__neg__", "negate"),
    "sigmoid": ("sigmoid",),
    "relu": ("relu",),
    "exp": ("exp",),
    "log": ("log",),
    "softplus": ("softplus",),
    "log_softmax": ("log_softmax", "log-softmax"),
    "sum": ("sum",),
    "mean": ("mean",),
}


def suspect_op(my_suspect_op) -> None:
    """Check the learner's name for the operation of ``SuspectTensor`` whose backward step is wrong.

    The answer is ``"*"`` (elementwise multiplication; ``"mul"`` and
    ``"__mul__"`` are accepted too): each input's gradient is scaled by its
    own value instead of the other input's.

    Parameters
    ----------
    my_suspect_op : str
        The learner's answer, an operation's symbol or name.

    Raises
    ------
    CheckFailed
        If the answer is not ``"*"``. It names these mistakes: ``"-"``
        (subtraction, which is built from + and neg, both right);
        ``"sum"`` or ``"mean"`` (the reduction to one number, which is right
        and was used to test the others); ``"@"`` (a different product);
        any other operation (its backward agrees with central differences);
        an answer that is not an operation of Tensor.
    """
    if not isinstance(my_suspect_op, str):
        raise CheckFailed(f"my_suspect_op should be the operation's name or symbol as a string, "
                          f"such as \"exp\"; got {type(my_suspect_op).__name__}")
    answer = my_suspect_op.strip().lower().removeprefix("tensor.")
    found = [op for op, names in _OPERATIONS.items() if answer in names]
    if not found:
        raise CheckFailed(f"my_suspect_op = {my_suspect_op!r} is not an operation of Tensor; "
                          f"name one of {', '.join(_OPERATIONS)}.")
    op = found[0]
    if op == "*":
        passed("\"*\": its backward step scales each input's gradient by that input's own value; "
               "the chain rule wants the other input's, dA = G * B and dB = G * A.")
        return
    hints = {
        "-": "A - B is built from + and neg, A + (-B), and both agree with central "
             "differences. Test each operation on its own.",
        "sum": "The reduction to one number is right: the other operations were tested through it. "
               "Test each operation on SuspectTensor inputs alone.",
        "mean": "The reduction to one number is right: the other operations were tested through it. "
                "Test each operation on SuspectTensor inputs alone.",
        "@": "The matrix product's backward step agrees with central differences; the wrong "
             "product is another one.",
    }
    raise CheckFailed(f"my_suspect_op = {my_suspect_op!r} is not the one. "
                      + hints.get(op, f"The backward step of {op} agrees with central differences "
                                      "on SuspectTensor inputs. Test each operation on its own."))


def shared_grad(my_shared_grad) -> None:
    """Check the predicted dJ/da for J = sum(a * a + a) at a = 5, where a is used three times.

    The graph passes a three shares: 1 from the addition, and a and a from
    the product (one as its left input, one as its right), so
    dJ/da = 2 a + 1 = 11.

    Raises
    ------
    CheckFailed
        If the answer is off. It names these mistakes: 10 (the addition's
        share left out); 6 (the product's two shares counted once, a + 1);
        5 (only the last share kept, = in place of +=); 1 (the addition's
        share alone); 30 (the value of J, not its slope).
    """
    a = 5.0
    mistakes = [
        Mistake("leaving out the addition's share", "a also reaches J directly through + a, "
                "which passes back 1.", 2 * a),
        Mistake("counting the product's two shares as one", "a * a uses a twice, as the left "
                "and as the right input: the product passes back a for each.", a + 1),
        Mistake("keeping only the last share (grad = ... instead of grad += ...)", "Each node "
                "that uses a adds its share to a.grad; the shares add up.", a),
        Mistake("the addition's share alone", "The product a * a passes shares back too.", 1.0),
        Mistake("the value of J", "The question asks for dJ/da, the slope, not J itself.",
                a * a + a),
    ]
    check_number(my_shared_grad, 2 * a + 1, mistakes, what="my_shared_grad", rtol=1e-9,
                 hint="List every node that uses a and what each passes back to it, then add.")
    passed("11 = 1 + 5 + 5: the addition passes 1, and the product passes a = 5 to each of its "
           "two inputs, both of which are a.")
