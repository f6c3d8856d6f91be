"""The course's speed engine: the training of ``nnlib.train``, laid out for speed.

The appendix "How fast is from scratch?" builds it step by step. Its parts:

- ``engine``: ``train`` and ``cost_and_grads``, with the same arguments and
  results as the textbook functions up to rounding, and the pieces the
  appendix shows (``Step``, ``Slice``, ``sigmoid_in_place``, ``sigmoid_of_sum``,
  ``times_sigmoid_slope``, ``train_with_options``);
- ``blocks``: elementwise work a cache-sized block at a time (``blockwise``);
- ``threads``: how many threads a batch gets, with BLAS on one core each
  (``threads_for``, ``blas_on_one_core``);
- ``timing``: epoch times of both trainers, PyTorch, scikit-learn and the
  matrix-product floor, for ``benchmarks/bench_train.py`` and the appendix.

The textbook modules never import this package (tests/test_textbook.py).
"""

from nnlib.fast.blocks import BLOCK_ELEMENTS, blockwise
from nnlib.fast.engine import (
    Slice,
    Step,
    cost_and_grads,
    sigmoid_in_place,
    sigmoid_of_sum,
    times_sigmoid_slope,
    train,
    train_with_options,
)
from nnlib.fast.threads import blas_on_one_core, threads_for

__all__ = [
    "train",
    "cost_and_grads",
    "train_with_options",
    "Step",
    "Slice",
    "sigmoid_in_place",
    "sigmoid_of_sum",
    "times_sigmoid_slope",
    "blockwise",
    "BLOCK_ELEMENTS",
    "threads_for",
    "blas_on_one_core",
]
