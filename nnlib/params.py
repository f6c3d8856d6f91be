"""Chapter 2: give every layer a weight matrix and a bias vector.

The chapter on initialisation compares other ways to draw the weights; they
are available through the ``scheme`` argument of ``init_params``.
"""

import numpy as np

from nnlib._validate import validate_layer_dims, validate_positive

SCHEMES = ("tutorial", "zeros", "xavier", "he", "normal")


def init_params(
    layer_dims: list[int],
    seed: int | None = 3,
    *,
    scheme: str = "tutorial",
    scale: float | None = None,
) -> dict[str, np.ndarray]:
    """Draw small random weights and zero biases: W[l] ~ 0.01 N(0, 1), b[l] = 0.

    Parameters
    ----------
    layer_dims : list of int
        Units per layer, input layer first: ``[n_x, n_1, ..., n_L]``.
    seed : int or None, default 3
        Seed of the random generator, so the same call gives the same
        weights. ``None`` draws fresh ones.
    scheme : {"tutorial", "zeros", "xavier", "he", "normal"}, default "tutorial"
        How to draw each W[l], of shape (n_l, n_{l-1}):

        - ``"tutorial"``: standard normal numbers times 0.01, as in the
          tutorial the course follows.
        - ``"zeros"``: every weight 0 (to show why that fails).
        - ``"xavier"``: normal with standard deviation
          sqrt(2 / (n_{l-1} + n_l)): the variance of the "normalised
          initialisation" of Glorot and Bengio (2010), *Understanding the
          difficulty of training deep feedforward neural networks*,
          AISTATS, who draw uniformly on +-sqrt(6 / (n_{l-1} + n_l)). It
          keeps the variance of Z[l] roughly the same from layer to layer.
        - ``"he"``: normal with standard deviation sqrt(2 / n_{l-1}), the
          variance of He, Zhang, Ren and Sun (2015), *Delving deep into
          rectifiers*, ICCV, for layers of rectifiers: a rectifier passes
          on half of its input's second moment, and the factor 2 puts it
          back.
        - ``"normal"``: standard normal numbers times ``scale``.
    scale : float, optional
        Standard deviation of the weights for ``scheme="normal"`` (1.0 when
        omitted); a positive number. Only that scheme takes it.

    Returns
    -------
    params : dict of str to ndarray
        ``params["W<l>"]`` of shape (n_l, n_{l-1}) and ``params["b<l>"]``
        of shape (n_l, 1), for l = 1, ..., L. The biases are zero in every
        scheme.
    """
    dims = validate_layer_dims(layer_dims)
    if not isinstance(scheme, str) or scheme not in SCHEMES:
        raise ValueError(
            f"scheme must be one of {', '.join(repr(s) for s in SCHEMES)}; "
            f"got {scheme!r}"
        )
    if scheme == "normal":
        scale = validate_positive(1.0 if scale is None else scale, "scale")
    elif scale is not None:
        raise ValueError(
            f"scale applies only to scheme='normal'; scheme={scheme!r} "
            f"sets "
            f"its own scale"
        )
    # A local generator, not np.random.seed: seeding here must not change
    # the random numbers anyone else draws.
    rng = np.random.default_rng(seed)
    params = {}
    for l in range(1, len(dims)):
        shape = (dims[l], dims[l - 1])
        if scheme == "tutorial":
            W = rng.standard_normal(shape) * 0.01
        elif scheme == "zeros":
            W = np.zeros(shape)
        elif scheme == "xavier":
            W = rng.standard_normal(shape) * np.sqrt(
                2.0 / (dims[l - 1] + dims[l])
            )
        elif scheme == "he":
            W = rng.standard_normal(shape) * np.sqrt(2.0 / dims[l - 1])
        else:
            W = rng.standard_normal(shape) * scale
        params[f"W{l}"] = W
        params[f"b{l}"] = np.zeros((dims[l], 1))
    return params
