"""nnlib: a sigmoid neural network built from scratch in numpy.

The library behind the book *Neural networks from scratch*. Each module is one
chapter's step, in the order the book builds them: ``params`` (init_params),
``activations`` (sigmoid), ``forward`` (forward_prop), ``cost``
(cost_function, cost_from_logits), ``backward`` (one_layer_backward, backprop), ``update``
(update_parameters) and ``training`` (train, predict). The names are those of the
tutorial the course follows; the code is written afresh and corrected, and
says the math in plain numpy. ``nnlib.fast.train`` is the same training laid
out for speed (buffers, blocks, threads), tested equal to ``train``; the
book's appendix "How fast is from scratch?" builds it step by step.
``metrics`` (confusion_matrix, precision, recall) and
``train_with_validation`` serve the training chapter's honest measurements;
``gradient_checking`` the chapter on checking gradients. The learner's input
is validated at the entry points (``_validate``); the exercises' checkers
are ``nnlib.check``. Beyond the tutorial's network: ``rectifier`` (relu,
relu_backward) and ``multiclass`` (one_hot, softmax, log_softmax,
softmax_cost, softmax_gradient, class_confusion) for many classes, with
``load_digits`` to learn them on;
``deep`` (model_forward, model_backward, logit_cost, logit_gradient,
train_model), a network of either hidden activation read from its logits,
with L2 and dropout (``l2_gradient``, the L2 penalty's gradient, is exported
here for the hidden tests of the exercise that asks for it); ``optimisers``
(GradientDescent, Momentum, Adam); ``autodiff`` (Tensor, autodiff_grads), the
same gradients by automatic differentiation.

Shapes: one example per column, everywhere.

- X : (n_x, m), m examples of n_x features each
- W<l> : (n_l, n_{l-1}), b<l> : (n_l, 1)
- Z<l>, A<l> : (n_l, m)
- Y : (1, m), labels 0 or 1

scikit-learn and PyTorch put examples in rows, (m, n_x); pass ``X.T`` when
moving data between them and nnlib.
"""

from nnlib.activations import sigmoid, sigmoid_backward
from nnlib.autodiff import Tensor, autodiff_grads, sum_to_shape
from nnlib.backward import backprop, linear_backward, one_layer_backward
from nnlib.cost import cost_from_logits, cost_function
from nnlib.datasets import load_breast_cancer, load_digits, make_moons, standardize, train_test_split
from nnlib.datasets import train_val_test_split
from nnlib.deep import l2_gradient
from nnlib.display import show_source
from nnlib.forward import forward_prop
from nnlib.gradient_checking import (
    cost_rounding_bound,
    gradcheck,
    numerical_grads,
    relative_error,
    rounding_limits,
)
from nnlib.params import init_params
from nnlib.rectifier import relu, relu_backward
from nnlib.multiclass import class_confusion, log_softmax, one_hot, softmax, softmax_cost, softmax_gradient
from nnlib.training import accuracy, predict, train
from nnlib.training import train_with_validation
from nnlib.metrics import confusion_matrix, precision, recall
from nnlib.update import update_parameters

__all__ = [
    "init_params",
    "sigmoid",
    "sigmoid_backward",
    "forward_prop",
    "cost_function",
    "cost_from_logits",
    "linear_backward",
    "one_layer_backward",
    "backprop",
    "update_parameters",
    "train",
    "predict",
    "accuracy",
    "gradcheck",
    "numerical_grads",
    "relative_error",
    "cost_rounding_bound",
    "rounding_limits",
    "load_breast_cancer",
    "load_digits",
    "make_moons",
    "standardize",
    "train_test_split",
    "show_source",
    "train_val_test_split",
    "train_with_validation",
    "confusion_matrix",
    "precision",
    "recall",
    "relu",
    "relu_backward",
    "one_hot",
    "softmax",
    "log_softmax",
    "softmax_cost",
    "softmax_gradient",
    "class_confusion",
    "Tensor",
    "autodiff_grads",
    "sum_to_shape",
    "l2_gradient",
]

__version__ = "0.1.0"
