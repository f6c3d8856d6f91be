"""Checkers for the book's exercises.

Each checker takes the learner's function (or predicted number), runs it on
seeded inputs against nnlib's own, prints ``Correct: ...`` when it agrees, and
otherwise raises :class:`CheckFailed` with a message that names the likely
mistake (a missing 1/m, a transposed W, a sign flip, ...). Usage, in the
chapter on backpropagation::

    from nnlib import check
    check.one_layer_backward(my_one_layer_backward)
"""

from nnlib.check._core import CheckFailed as CheckFailed
from nnlib.check._ch01_idea import *  # noqa: F401,F403
from nnlib.check._ch02_init import *  # noqa: F401,F403
from nnlib.check._ch03_sigmoid import *  # noqa: F401,F403
from nnlib.check._ch04_forward import *  # noqa: F401,F403
from nnlib.check._ch05_cost import *  # noqa: F401,F403
from nnlib.check._ch06_backprop import *  # noqa: F401,F403
from nnlib.check._ch07_update import *  # noqa: F401,F403
from nnlib.check._ch08_train import *  # noqa: F401,F403
from nnlib.check._ch09_gradcheck import *  # noqa: F401,F403
from nnlib.check._ch10_initialisation import *  # noqa: F401,F403
from nnlib.check._ch11_relu import *  # noqa: F401,F403
from nnlib.check._ch12_softmax import *  # noqa: F401,F403
from nnlib.check._ch13_optimisers import *  # noqa: F401,F403
from nnlib.check._ch14_regularisation import *  # noqa: F401,F403
from nnlib.check._ch15_autodiff import *  # noqa: F401,F403
