import numpy as np

from nnlib import backprop, gradcheck, relative_error


def test_correct_backprop_passes(net):
    params, X, Y = net
    errors = gradcheck(params, X, Y)
    assert set(errors) == {"dW1", "db1", "dW2", "db2", "dW3", "db3"}
    assert max(errors.values()) < 1e-7


def test_missing_one_over_m_is_caught(net):
    # A planted bug: gradients m times too large must fail the check clearly.
    params, X, Y = net
    m = X.shape[1]

    def no_mean(AL, Y, caches):
        return {k: v * m for k, v in backprop(AL, Y, caches).items()}

    errors = gradcheck(params, X, Y, backprop_fn=no_mean)
    assert min(errors.values()) > 1e-2


def test_relative_error():
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error(np.array([1.0, 0.0]), np.array([-1.0, 0.0])) == 1.0
