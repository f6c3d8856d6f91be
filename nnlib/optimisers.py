"""Part three: mini-batches, and optimisers, the rule that turns a gradient into a step.

``minibatches`` cuts one epoch's examples into batches, in a fresh random
order. Each optimiser is a small object holding its settings and, between
steps, its memory of earlier gradients. ``step(params, grads)`` returns new
parameters (the old ones are not changed, as with ``update_parameters``);
``reset()`` forgets the memory, for a fresh run.

What the book shows (minibatches and the three classes) keeps its lines
within 76 characters; the checks of the arguments live in helpers below.
"""

import numbers

import numpy as np

from nnlib._validate import validate_positive

Params = dict[str, np.ndarray]


def minibatches(m: int, batch_size: int | None,
                rng: np.random.Generator) -> list[np.ndarray]:
    """Cut the examples 0, ..., m - 1 into batches, in a random order drawn from rng.

    One call is one epoch: every example lands in exactly one batch. The
    last batch holds what is left, m - batch_size * (number of full
    batches) examples, when batch_size does not divide m; PyTorch's
    ``DataLoader`` and Keras do the same.

    Parameters
    ----------
    m : int
        Number of examples, at least 1.
    batch_size : int or None
        Examples per batch, at least 1; None takes all m (one batch, the
        full-batch gradient descent of chapters 7 and 8, reordered).
    rng : numpy Generator
        Draws the order (one ``rng.permutation(m)`` per call).

    Returns
    -------
    batches : list of ndarray of int
        The column indices of each batch, in the order to use them.
    """
    m, batch_size = _sizes(m, batch_size, rng)
    order = rng.permutation(m)
    return [order[start:start + batch_size]
            for start in range(0, m, batch_size)]


class GradientDescent:
    """Plain gradient descent: theta <- theta - rate * dtheta (chapter 7)."""

    def __init__(self, rate: float):
        self.rate = validate_positive(rate, "rate")

    def reset(self) -> None:
        """Nothing to forget: plain gradient descent has no memory."""

    def step(self, params: Params, grads: Params) -> Params:
        """Return params - rate * grads, name by name (W1 with dW1, ...)."""
        return {name: p - self.rate * grads["d" + name]
                for name, p in params.items()}


class Momentum:
    """Momentum: v <- beta v + (1 - beta) dtheta, theta <- theta - rate v.

    v is a running average of the recent gradients: where they agree, steps
    add up; where they flip sign from step to step, they cancel. Polyak
    (1964) wrote the same method as v <- beta v + dtheta (PyTorch's form):
    its v is 1 / (1 - beta) times ours, so its rate is (1 - beta) times ours.
    """

    def __init__(self, rate: float, beta: float = 0.9):
        self.rate = validate_positive(rate, "rate")
        self.beta = _fraction(beta, "beta")
        self.reset()

    def reset(self) -> None:
        """Forget the running average: the next step starts from v = 0."""
        self.velocity = {}

    def step(self, params: Params, grads: Params) -> Params:
        """Update each v with its gradient; return params - rate * v."""
        new = {}
        for name, p in params.items():
            v = self.velocity.get(name, 0.0)
            v = self.beta * v + (1 - self.beta) * grads["d" + name]
            self.velocity[name] = v
            new[name] = p - self.rate * v
        return new


class Adam:
    """Adam (Kingma and Ba, 2015): momentum over a running root-mean-square.

    m <- beta1 m + (1 - beta1) g and v <- beta2 v + (1 - beta2) g^2, both
    corrected for starting at 0 (divided by 1 - beta^t at step t); then
    theta <- theta - rate m_hat / (sqrt(v_hat) + eps). Each weight's step is
    about ``rate`` in size whatever the scale of its gradient.
    """

    def __init__(self, rate: float = 0.001, beta1: float = 0.9,
                 beta2: float = 0.999, eps: float = 1e-8):
        self.rate = validate_positive(rate, "rate")
        self.beta1 = _fraction(beta1, "beta1")
        self.beta2 = _fraction(beta2, "beta2")
        self.eps = validate_positive(eps, "eps")
        self.reset()

    def reset(self) -> None:
        """Forget both averages and the step count t."""
        self.t, self.m, self.v = 0, {}, {}

    def step(self, params: Params, grads: Params) -> Params:
        """Update m and v; return params - rate m_hat / (sqrt(v_hat) + eps)."""
        self.t += 1
        b1, b2 = self.beta1, self.beta2
        new = {}
        for name, p in params.items():
            g = grads["d" + name]
            self.m[name] = b1 * self.m.get(name, 0.0) + (1 - b1) * g
            self.v[name] = b2 * self.v.get(name, 0.0) + (1 - b2) * g**2
            # the bias correction: m and v started at 0
            m_hat = self.m[name] / (1 - b1**self.t)
            v_hat = self.v[name] / (1 - b2**self.t)
            new[name] = p - self.rate * m_hat / (np.sqrt(v_hat) + self.eps)
        return new


def _sizes(m, batch_size, rng) -> tuple[int, int]:
    """minibatches' arguments checked: m and batch_size as ints (None: m)."""
    if isinstance(m, bool) or not isinstance(m, numbers.Integral) or m < 1:
        raise ValueError(f"m must be a whole number of examples, at least 1; got {m!r}")
    if batch_size is None:
        batch_size = m
    elif isinstance(batch_size, bool) or not isinstance(batch_size, numbers.Integral) or batch_size < 1:
        raise ValueError(f"batch_size must be None (all examples) or a whole number from 1; got {batch_size!r}")
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be a numpy Generator, np.random.default_rng(seed); got {type(rng).__name__}")
    return int(m), int(batch_size)


def _fraction(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating)) or not 0 <= value < 1:
        raise ValueError(f"{name} must be a number from 0 up to (not including) 1; got {value!r}")
    return float(value)


__all__ = ["minibatches", "GradientDescent", "Momentum", "Adam"]
