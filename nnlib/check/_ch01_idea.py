"""Checkers for the exercises of the 01_idea chapter.

Both exercises ask for a prediction made on paper: how many parameters a
network has, and what shape one of its arrays takes. They are judged by
``check_number`` and ``check_shape`` from ``_core``, which the later
chapters' predictions use too.
"""

import numpy as np

from nnlib.check._core import Mistake, check_number, check_shape, passed
from nnlib.forward import forward_prop as nnlib_forward_prop
from nnlib.params import init_params as nnlib_init_params

__all__ = ["n_params", "z2_shape"]

# The network of both exercises: 30 inputs, hidden layers of 16 and 8 units, one output.
LAYER_DIMS = [30, 16, 8, 1]
M_TUMOURS = 569


def n_params(my_n_params) -> None:
    """Check the predicted number of parameters of the network [30, 16, 8, 1].

    The expected count is taken from the arrays ``init_params`` really
    builds: every entry of every W[l] and b[l].

    Parameters
    ----------
    my_n_params : int
        The learner's count.

    Raises
    ------
    CheckFailed
        If the count is wrong. It names these mistakes: forgetting the
        biases; counting a bias for every input unit instead of every unit
        of the layer (pairing the bias with the wrong neighbour); giving the
        input layer biases too; multiplying all the layer sizes together;
        counting the units instead of the parameters.
    """
    params = nnlib_init_params(LAYER_DIMS)
    expected = sum(p.size for p in params.values())
    weights = sum(params[f"W{l}"].size for l in range(1, len(LAYER_DIMS)))
    mistakes = [
        Mistake("forgetting the biases", "Layer l also has one bias per unit: n_l more numbers.",
                _count_without_biases(LAYER_DIMS)),
        Mistake("counting a bias per input unit", "A bias belongs to a unit of layer l, so layer l "
                "has n_l biases, not n_{l-1}.", _count_biases_per_input(LAYER_DIMS)),
        Mistake("giving the input layer biases", "Layer 0 is the data itself; it has no "
                "parameters, so the sum runs over l = 1, ..., L.",
                _count_input_biases_too(LAYER_DIMS)),
        Mistake("multiplying all the layer sizes together", "Weights join neighbouring layers "
                "only: layer l has n_l * n_{l-1} of them.", _count_product_of_sizes(LAYER_DIMS)),
        Mistake("counting the units", "Count the numbers stored in W[l] and b[l], not the circles "
                "in the picture.", sum(LAYER_DIMS)),
    ]
    check_number(my_n_params, expected, mistakes, what="my_n_params", rtol=0, integer=True,
                  hint="Count, for each layer l = 1, ..., L, the entries of W[l] (shape "
                       "(n_l, n_{l-1})) and of b[l] (shape (n_l, 1)), and add them up.")
    passed(f"[30, 16, 8, 1] has {expected} parameters, {weights} weights and "
           f"{expected - weights} biases.")


def z2_shape(my_z2_shape) -> None:
    """Check the predicted shape of Z[2] for [30, 16, 8, 1] run on the 569 tumours.

    The expected shape is that of the Z[2] ``forward_prop`` really computes
    on an input of shape (30, 569).

    Parameters
    ----------
    my_z2_shape : tuple of int
        The learner's (rows, columns).

    Raises
    ------
    CheckFailed
        If the shape is wrong. It names these mistakes: examples in rows;
        the shape of W[2] instead of Z[2]; the shape of Z[1] (one layer too
        early); the shape of the output A[L]; the shape of b[2] (one
        example only).
    """
    params = nnlib_init_params(LAYER_DIMS)
    _, caches = nnlib_forward_prop(np.zeros((LAYER_DIMS[0], M_TUMOURS)), params)
    expected = caches[1][1].shape  # layer 2's activation cache is Z[2]
    n1, n2, m = LAYER_DIMS[1], LAYER_DIMS[2], M_TUMOURS
    mistakes = [
        Mistake("putting the examples in rows", "In this book every example is a column, so Z[l] "
                "has one row per unit and one column per example.", (m, n2)),
        Mistake("taking the shape of W[2]", "W[2] is (n_2, n_1); multiplying it by A[1], of shape "
                "(n_1, m), leaves n_2 rows and m columns.", params["W2"].shape),
        Mistake("taking layer 1 for layer 2", "Layer 0 is the input, so layer 2 is the second "
                "hidden layer, with 8 units.", (n1, m)),
        Mistake("taking the output layer", "Z[2] belongs to layer 2, the second hidden layer, "
                "not to the output layer.", (LAYER_DIMS[-1], m)),
        Mistake("taking the shape of b[2]", "b[2] is one column, but it is broadcast over all m "
                "examples when added to W[2] A[1].", params["b2"].shape),
    ]
    check_shape(my_z2_shape, expected, mistakes, what="my_z2_shape",
                 hint="Follow the shapes through Z[l] = W[l] A[l-1] + b[l], starting from "
                      "X = A[0] of shape (n_x, m).")
    passed(f"Z[2] has shape {expected}: one row per unit of layer 2, one column per tumour.")


def _count_without_biases(dims):
    return sum(dims[l] * dims[l - 1] for l in range(1, len(dims)))


def _count_biases_per_input(dims):
    return sum((dims[l] + 1) * dims[l - 1] for l in range(1, len(dims)))


def _count_input_biases_too(dims):
    return _count_without_biases(dims) + sum(dims)


def _count_product_of_sizes(dims):
    return int(np.prod(dims))
