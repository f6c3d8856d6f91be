"""Bounds on rounding for the tests: what two correct float64 computations may differ by, on any machine.

Standard error analysis, first order in the unit roundoff u = 2^-53, as
nnlib.gradient_checking.cost_rounding_bound and nnlib.autodiff.agreement_bound
do it: a sum of n terms, in any order (any BLAS kernel, thread count or FMA
use), is within gamma_n = n u / (1 - n u) of the sum of the terms' sizes; each
exp, log and log1p within FUNCTION_ULPS ulps, an ulp being at most 2u of the
value. Each bound is computed from the sizes of the terms involved, never
from what one run measured.
"""

import numpy as np

from nnlib.autodiff import FUNCTION_ULPS, agreement_bound  # each exp, log1p and log: at most this many ulps
from nnlib.deep import model_forward
from nnlib.multiclass import log_softmax, softmax

U = np.finfo(np.float64).eps / 2  # unit roundoff
F = 2 * FUNCTION_ULPS * U

# A bound must leave the test its power: no larger than this part of the sizes
# of the terms it bounds, so that a slip changing an entry by more is caught.
POWER = 1e-8


def gamma(n):
    return n * U / (1 - n * U)


def logits_rounding_bound(params, X, hidden):
    """The logits Z[L] and a bound on each one's rounding error (see cost_rounding_bound)."""
    A, E = np.asarray(X, float), np.zeros(np.shape(X))
    L = len(params) // 2
    for l in range(1, L + 1):
        W, b = params[f"W{l}"], params[f"b{l}"]
        Z = W @ A + b
        E_Z = gamma(W.shape[1] + 1) * (np.abs(W) @ np.abs(A) + np.abs(b)) + np.abs(W) @ E
        if l == L:
            return Z, E_Z
        if hidden == "relu":
            A, E = np.maximum(Z, 0), E_Z
        else:
            A = 1 / (1 + np.exp(-Z))
            E = A * (1 - A) * E_Z + (F + 3 * U) * A


def cost_rounding_bound(params, X, Y, hidden):
    """Bound how far float64's logit_cost(model_forward(...)) can be from the exact cost.

    First order in u, any summation order: Z = W A + b is off by
    gamma_{n+1} (|W| |A| + |b|) plus |W| times A's own error; relu is exact and
    1-Lipschitz; the sigmoid scales Z's error by its slope and adds an exp, an
    addition and a division. Each example's loss moves by at most its logits'
    largest error (slope |sigma - y| <= 1 for one output; ||softmax - y||_1 <= 2
    for K), plus its own roundings: exp, log1p or log (FUNCTION_ULPS each), the
    sum over K (gamma_K) and a few additions, each relative to the sizes
    involved. The mean adds gamma_m of the sum of losses and one division.
    """
    Z, E_Z = logits_rounding_bound(params, X, hidden)
    K, m = Z.shape
    Y = np.asarray(Y, dtype=float)
    if K == 1:  # each example's loss, as cost_from_logits and log_softmax take it (sizes only)
        losses = (np.maximum(Z, 0) - Y * Z + np.log1p(np.exp(-np.abs(Z))))[0]
    else:
        losses = -(Y * log_softmax(Z)).sum(axis=0)
    if K == 1:
        own = (2 * F + 4 * U) * (np.abs(Z[0]) + 1)
        E_loss = E_Z[0] + own
    else:
        spread = Z.max(axis=0) - Z.min(axis=0)
        own = (2 * F + gamma(K) + 4 * U) * (spread + np.log(K) + 1)
        E_loss = 2 * E_Z.max(axis=0) + own
    return float(E_loss.sum() / m + gamma(m) * losses.sum() / m + U * losses.mean())


def probability_cost_rounding_bound(params, X, Y, hidden):
    """Bound how far cost_function(1 / (1 + exp(-Z[L])), Y) can be from the exact cost, Z[L] from model_forward.

    nnlib.gradient_checking.cost_rounding_bound's steps, for any hidden layers:
    the output's A carries its slope times Z's error, plus F + 3u of A for its
    exp, addition and division; a log turns an error e in its argument a into
    e / a and adds F of its value; 1 - A adds u; the mean adds gamma_m and a division.
    """
    Z, E_Z = logits_rounding_bound(params, X, hidden)
    A = 1 / (1 + np.exp(-Z))
    E = A * (1 - A) * E_Z + (F + 3 * U) * A
    Y = np.asarray(Y, dtype=np.float64)
    tiny = np.finfo(np.float64).eps
    A = np.clip(A, tiny, 1 - tiny)  # as cost_function does
    loss = -(Y * np.log(A) + (1 - Y) * np.log(1 - A))
    error = np.where(Y == 1, E / A, (E + U * (1 - A)) / (1 - A)) + F * loss
    m = Y.shape[1]
    return float((error.sum() + gamma(m) * loss.sum()) / m + U * loss.sum() / m)


def carried_down(E_dZL, params, X, hidden):
    """Bound what an error E_dZL in dZ[L] (per example, before the 1/m) adds to every dW[l] and db[l].

    The backward pass is linear in dZ[L]: dW[l] = dZ[l] A[l-1]^T / m,
    db[l] = sum(dZ[l]) / m and dZ[l-1] = g'(Z[l-1]) * (W[l]^T dZ[l]), so an
    error E in dZ[l] moves them by at most E |A[l-1]|^T / m, sum(E) / m and
    |g'| (|W[l]|^T E) (first order: the products of E with rounding are left out).
    """
    _, caches = model_forward(X, params, hidden)
    m = np.shape(X)[1]
    E, bounds = E_dZL, {}
    for l in range(len(caches), 0, -1):
        (A_prev, W, _), _, _ = caches[l - 1]
        bounds[f"dW{l}"] = E @ np.abs(A_prev).T / m
        bounds[f"db{l}"] = E.sum(axis=1, keepdims=True) / m
        if l > 1:
            Z_below = caches[l - 2][1]
            E = np.abs(W).T @ E
            if hidden == "relu":
                E = np.where(Z_below > 0, E, 0)
            else:
                A_below = 1 / (1 + np.exp(-Z_below))
                E = A_below * (1 - A_below) * E
    return bounds


def engine_agreement_bound(params, X, Y, hidden, output):
    """Bound, entry by entry, how far nnlib.fast's gradients can lie from model_backward's; and the terms' sizes.

    agreement_bound covers two computations of the textbook's steps, in any
    summation order: the engine's slices in threads, its 1/m after the sum,
    and its sigmoid 1 / (1 + e^-Z) (an exp, an addition and a reciprocal:
    within F + 2u of A, inside the F + 3u allowed) are such. Its softmax is
    not: it takes p = exp(s - log(sum(exp(s)))), s = Z - max(Z), which is off
    by at most 3u S + gamma_K + 2F + (F + u) log K of p (S the column's
    spread), where agreement_bound allows 2u S + 2F + gamma_K + u. The
    excess, (u S + (F + u) log K) p, is carried down as the engine's alone.
    """
    bounds, sizes = agreement_bound(params, X, Y, hidden, sizes=True)
    if output == "softmax":
        ZL, _ = model_forward(X, params, hidden)
        spread = ZL.max(axis=0) - ZL.min(axis=0)
        P = softmax(ZL)
        excess = (U * spread + (F + U) * np.log(ZL.shape[0])) * P
        for key, extra in carried_down(excess, params, X, hidden).items():
            bounds[key] = bounds[key] + extra
    return bounds, sizes


def assert_within(got, expected, bound, sizes):
    """Every entry of got within bound of expected's; and each bound below POWER of the terms' sizes."""
    assert set(got) == set(expected) == set(bound), (set(got), set(expected))
    for key in expected:
        assert got[key].shape == expected[key].shape, key
        gap = np.abs(got[key] - expected[key])
        assert np.all(gap <= bound[key]), f"{key}: a gap exceeds its bound by {(gap - bound[key]).max():.3g}"
        # The bound is rounding's, far below the terms' sizes: a slip that moves an
        # entry by POWER of them or more cannot hide in it.
        assert bound[key].max() <= POWER * sizes[key].max(), f"{key}: the bound is not below POWER of the sizes"
