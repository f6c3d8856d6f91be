"""Part three: optimisers, the rule that turns a gradient into a step.

Each is a small object holding its settings and, between steps, its memory
of earlier gradients. ``step(params, grads)`` returns new parameters (the
old ones are not changed, as with ``update_parameters``); ``reset()``
forgets the memory, for a fresh run.
"""

import numpy as np

from nnlib._validate import validate_positive


class GradientDescent:
    """Plain gradient descent: theta <- theta - rate * dtheta, the rule of chapter 7."""

    def __init__(self, rate: float):
        self.rate = validate_positive(rate, "rate")

    def reset(self) -> None:
        """Nothing to forget: plain gradient descent has no memory."""

    def step(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        return {name: p - self.rate * grads["d" + name] for name, p in params.items()}


class Momentum:
    """Gradient descent with momentum: v <- beta v + (1 - beta) dtheta, theta <- theta - rate v.

    v is a running average of the recent gradients: where they agree, steps
    add up; where they flip sign from step to step, they cancel.
    """

    def __init__(self, rate: float, beta: float = 0.9):
        self.rate = validate_positive(rate, "rate")
        self.beta = _fraction(beta, "beta")
        self.reset()

    def reset(self) -> None:
        self.velocity = {}

    def step(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        new = {}
        for name, p in params.items():
            v = self.velocity.get(name, 0.0)
            v = self.beta * v + (1 - self.beta) * grads["d" + name]
            self.velocity[name] = v
            new[name] = p - self.rate * v
        return new


class Adam:
    """Adam (Kingma and Ba, 2015): momentum, divided by a running root-mean-square of the gradient.

    m <- beta1 m + (1 - beta1) g and v <- beta2 v + (1 - beta2) g^2, both
    corrected for starting at 0 (divided by 1 - beta^t at step t); then
    theta <- theta - rate m_hat / (sqrt(v_hat) + eps). Each weight's step is
    about ``rate`` in size whatever the scale of its gradient.
    """

    def __init__(self, rate: float = 0.001, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8):
        self.rate = validate_positive(rate, "rate")
        self.beta1 = _fraction(beta1, "beta1")
        self.beta2 = _fraction(beta2, "beta2")
        self.eps = validate_positive(eps, "eps")
        self.reset()

    def reset(self) -> None:
        self.t, self.m, self.v = 0, {}, {}

    def step(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        self.t += 1
        new = {}
        for name, p in params.items():
            g = grads["d" + name]
            self.m[name] = self.beta1 * self.m.get(name, 0.0) + (1 - self.beta1) * g
            self.v[name] = self.beta2 * self.v.get(name, 0.0) + (1 - self.beta2) * g**2
            m_hat = self.m[name] / (1 - self.beta1**self.t)
            v_hat = self.v[name] / (1 - self.beta2**self.t)
            new[name] = p - self.rate * m_hat / (np.sqrt(v_hat) + self.eps)
        return new


def _fraction(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating)) or not 0 <= value < 1:
        raise ValueError(f"{name} must be a number from 0 up to (not including) 1; got {value!r}")
    return float(value)
