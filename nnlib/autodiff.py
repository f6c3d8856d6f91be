"""Part three: automatic differentiation in reverse mode, on numpy arrays.

A ``Tensor`` holds an array, ``value``, and after ``backward()`` the
derivative of one final number (the cost) with respect to it, ``grad``.
Every operation on tensors makes a new tensor that remembers its inputs,
``parents``, and a function, ``backward_fn``, that passes its own ``grad``
on to them by the chain rule. The tensors and operations form a graph;
``backward()`` visits it from the cost back to the inputs, each node after
every node that uses it, and each node *adds* its share to its parents'
``grad``: a value used twice receives two shares.

This is the method behind PyTorch's ``torch.autograd`` and JAX's ``grad``,
here in a few lines per operation. Nothing in it knows about layers: the
network's backward pass of chapter 6 comes out of the graph by itself.
Shapes follow the course: one example per column.
"""

import numpy as np

from nnlib.activations import sigmoid
from nnlib.multiclass import log_softmax, softmax


class Tensor:
    """A node of the computation graph: a value, its gradient, its inputs and its backward step.

    Parameters
    ----------
    value : array_like
        The node's value, kept as a float64 array (a number becomes an
        array of shape ()).
    parents : tuple of Tensor, default ()
        The nodes this one was computed from; empty for an input.
    op : str, default ""
        What computed it (``"@"``, ``"+"``, ``"sigmoid"``, ...), for
        display.
    name : str, default ""
        A label for an input, such as ``"W1"``, for display.

    Attributes
    ----------
    grad : ndarray of the shape of value
        dJ/d(value) for the final J, filled in by ``J.backward()``.
    backward_fn : callable
        Adds this node's share of the gradient to its parents' ``grad``;
        does nothing for an input.
    """

    # An array on the left of +, - or * hands the operation to the Tensor
    # (its __radd__, ...) instead of applying it to each entry.
    __array_ufunc__ = None

    def __init__(self, value, parents=(), op="", name=""):
        """Hold value as float64, its gradient at 0, and where it came from."""
        self.value = np.asarray(value, dtype=np.float64)
        self.grad = np.zeros_like(self.value)
        self.parents = parents
        self.op = op
        self.name = name
        self.backward_fn = lambda: None

    def __repr__(self) -> str:
        label = self.name or self.op or "input"
        return f"Tensor({label}, shape {self.value.shape})"

    # --- operations: each its value, and its backward step beside it ---

    def __matmul__(self, other):
        """Multiply matrices, Z = W A: dW = G A^T and dA = W^T G for Z's gradient G."""
        other = _tensor(other)
        _check_matmul(self.value.shape, other.value.shape)
        out = Tensor(self.value @ other.value, (self, other), "@")

        def backward_fn():
            self.grad += out.grad @ other.value.T
            other.grad += self.value.T @ out.grad

        out.backward_fn = backward_fn
        return out

    def __add__(self, other):
        """Add, broadcasting as numpy does: each input's gradient is G summed back to its shape."""
        other = _tensor(other)
        out = Tensor(_broadcast(self, other, np.add), (self, other), "+")

        def backward_fn():
            self.grad += sum_to_shape(out.grad, self.value.shape)
            other.grad += sum_to_shape(out.grad, other.value.shape)

        out.backward_fn = backward_fn
        return out

    def __mul__(self, other):
        """Multiply entry by entry, C = A * B: dA = G * B and dB = G * A, summed back to shape."""
        other = _tensor(other)
        out = Tensor(_broadcast(self, other, np.multiply), (self, other), "*")

        def backward_fn():
            self.grad += sum_to_shape(out.grad * other.value, self.value.shape)
            other.grad += sum_to_shape(out.grad * self.value, other.value.shape)

        out.backward_fn = backward_fn
        return out

    def __neg__(self):
        """Negate, N = -A: dA = -G."""
        out = Tensor(-self.value, (self,), "neg")

        def backward_fn():
            self.grad += -out.grad

        out.backward_fn = backward_fn
        return out

    def __sub__(self, other):
        """Subtract, A - B, as A + (-B)."""
        return self + (-_tensor(other))

    __radd__ = __add__
    __rmul__ = __mul__

    def __rsub__(self, other):
        """Subtract from a number or an array, B - A, as B + (-A)."""
        return _tensor(other) + (-self)

    def sigmoid(self):
        """Apply the logistic function, A = sigmoid(Z): dZ = G * A * (1 - A)."""
        A, _ = sigmoid(self.value)
        out = Tensor(A, (self,), "sigmoid")

        def backward_fn():
            self.grad += out.grad * A * (1 - A)

        out.backward_fn = backward_fn
        return out

    def relu(self):
        """Apply the rectifier, A = max(0, Z): dZ = G where Z > 0, else 0."""
        out = Tensor(np.maximum(self.value, 0), (self,), "relu")

        def backward_fn():
            self.grad += np.where(self.value > 0, out.grad, 0)

        out.backward_fn = backward_fn
        return out

    def exp(self):
        """Exponentiate, E = exp(Z): dZ = G * E."""
        out = Tensor(np.exp(self.value), (self,), "exp")

        def backward_fn():
            self.grad += out.grad * out.value

        out.backward_fn = backward_fn
        return out

    def log(self):
        """Take the natural log, L = log(A), of positive entries: dA = G / A."""
        _check_positive(self.value)
        out = Tensor(np.log(self.value), (self,), "log")

        def backward_fn():
            self.grad += out.grad / self.value

        out.backward_fn = backward_fn
        return out

    def softplus(self):
        """Apply softplus, S = log(1 + exp(Z)), without overflow: dZ = G * sigmoid(Z).

        The one-output cross-entropy from the logit z is softplus(z) - y z
        (``cost_from_logits``).
        """
        out = Tensor(np.logaddexp(0, self.value), (self,), "softplus")

        def backward_fn():
            self.grad += out.grad * sigmoid(self.value)[0]

        out.backward_fn = backward_fn
        return out

    def log_softmax(self):
        """Take each column's log-softmax (``log_softmax``): dZ = G - softmax(Z) * (column sums of G)."""
        out = Tensor(log_softmax(self.value), (self,), "log_softmax")

        def backward_fn():
            G = out.grad
            P = softmax(self.value)
            self.grad += G - P * G.sum(axis=0, keepdims=True)

        out.backward_fn = backward_fn
        return out

    def sum(self):
        """Add up every entry, s = sum(A): dA = G in every entry."""
        out = Tensor(np.sum(self.value), (self,), "sum")

        def backward_fn():
            self.grad += out.grad * np.ones_like(self.value)

        out.backward_fn = backward_fn
        return out

    def mean(self):
        """Average every entry, s = sum(A) / N: dA = G / N in every entry."""
        N = self.value.size
        out = Tensor(np.sum(self.value) / N, (self,), "mean")

        def backward_fn():
            self.grad += out.grad * np.ones_like(self.value) / N

        out.backward_fn = backward_fn
        return out

    # --- the backward pass ---

    def backward(self) -> None:
        """Fill in dJ/dT in ``T.grad`` for every node T of the graph that ends at this one, J.

        J must be a single number, such as the cost. The nodes are put in
        topological order (every node after its parents) by a depth-first
        walk; then, with dJ/dJ = 1, each node from J backwards passes its
        gradient to its parents. By the time a node passes its gradient on,
        every node that uses it has added its share. Every ``grad`` starts
        from 0 on each call, so calling it twice gives the same gradients.
        """
        _check_scalar(self.value.shape)
        order = topological_order(self)
        for node in order:
            node.grad = np.zeros_like(node.value)
        self.grad = np.ones_like(self.value)
        for node in reversed(order):
            node.backward_fn()


def topological_order(root: Tensor) -> list[Tensor]:
    """List the nodes that ``root`` depends on, every node after its parents and ``root`` last.

    A depth-first walk: a node joins the list once all of its parents have.
    A node reached twice (a value used twice) is listed once.
    """
    order, seen = [], set()

    def visit(node):
        if id(node) in seen:
            return
        seen.add(id(node))
        for parent in node.parents:
            visit(parent)
        order.append(node)

    visit(root)
    return order


def sum_to_shape(G: np.ndarray, shape: tuple) -> np.ndarray:
    """Undo broadcasting in the backward pass: add G's entries up over every axis that was stretched.

    If b of shape (n, 1) was added to every one of m columns, each entry of
    b reached m entries of the result, so its gradient is the sum of their
    m gradients: the sum of G over the columns, kept as a column.

    Parameters
    ----------
    G : ndarray
        The gradient of the broadcast result, e.g. of shape (n, m).
    shape : tuple of int
        The shape of the input before broadcasting, e.g. (n, 1).

    Returns
    -------
    grad : ndarray of the given shape
    """
    G = np.asarray(G, dtype=np.float64)
    while G.ndim > len(shape):  # axes that broadcasting put in front
        G = G.sum(axis=0)
    for axis, n in enumerate(shape):
        if n == 1 and G.shape[axis] != 1:  # an axis stretched from 1
            G = G.sum(axis=axis, keepdims=True)
    return G


def _check_matmul(left: tuple, right: tuple) -> None:
    if len(left) != 2 or len(right) != 2 or left[1] != right[0]:
        raise ValueError(f"cannot multiply shapes {left} @ {right}: the left needs as many columns "
                         "as the right has rows")


def _check_positive(A: np.ndarray) -> None:
    if np.any(A <= 0):
        raise ValueError("log needs positive entries; found 0 or less (take a loss from the logits instead)")


def _check_scalar(shape: tuple) -> None:
    if int(np.prod(shape)) != 1:
        raise ValueError(f"backward starts from a single number, such as the cost; this tensor has shape {shape}")


def _check_network(params, X, Y, hidden) -> tuple[np.ndarray, np.ndarray]:
    """X and Y as float arrays that fit the network, or a ValueError naming the shapes."""
    if hidden not in ("sigmoid", "relu"):
        raise ValueError(f"hidden must be 'sigmoid' or 'relu'; got {hidden!r}")
    X, Y = np.asarray(X, dtype=np.float64), np.asarray(Y, dtype=np.float64)
    n_L = params[f"W{len(params) // 2}"].shape[0]
    if X.ndim != 2 or Y.shape != (n_L, X.shape[1]):
        raise ValueError(f"X must have shape (n_x, m) and Y ({n_L}, m), one column per example; "
                         f"got {X.shape} and {Y.shape}")
    return X, Y


def _tensor(x) -> Tensor:
    """x as a Tensor: tensors pass through; arrays and numbers become inputs (constants)."""
    return x if isinstance(x, Tensor) else Tensor(x)


def _broadcast(a: Tensor, b: Tensor, op) -> np.ndarray:
    """op(a.value, b.value), with a ValueError in the course's words if the shapes do not fit."""
    try:
        np.broadcast_shapes(a.value.shape, b.value.shape)
    except ValueError:
        raise ValueError(
            f"shapes {a.value.shape} and {b.value.shape} do not broadcast: each axis must match or be 1, "
            "as b of shape (n, 1) is added to Z of shape (n, m)"
        ) from None
    return op(a.value, b.value)


def network_cost(
    params: dict[str, np.ndarray],
    X: np.ndarray,
    Y: np.ndarray,
    hidden: str = "sigmoid",
) -> tuple[Tensor, dict[str, Tensor]]:
    """Build a network's cost as a graph: Z[l] = W[l] A[l-1] + b[l], up to the cross-entropy of Z[L].

    The same network as ``forward_prop`` (``hidden="sigmoid"``) or
    ``model_forward`` (either activation), from the logits Z[L]: one row
    gives the one-output cross-entropy mean(softplus(Z) - Y Z), as
    ``cost_from_logits``; K rows give the softmax cross-entropy
    -sum(Y log_softmax(Z)) / m, as ``softmax_cost``.

    Parameters
    ----------
    params : dict of str to ndarray
        ``W1, b1, ..., WL, bL``.
    X : ndarray of shape (n_x, m)
    Y : ndarray of shape (n_L, m)
        Labels 0 or 1 for one output; one-hot columns for K.
    hidden : {"sigmoid", "relu"}, default "sigmoid"
        The activation of layers 1 to L - 1.

    Returns
    -------
    J : Tensor of shape ()
        The cost; ``J.backward()`` fills in the parameters' gradients.
    leaves : dict of str to Tensor
        The parameters as graph inputs, ``leaves["W1"].grad`` = dJ/dW1.
    """
    X, Y = _check_network(params, X, Y, hidden)
    L = len(params) // 2
    leaves = {name: Tensor(p, name=name) for name, p in params.items()}
    A = Tensor(X, name="X")
    for l in range(1, L + 1):
        Z = leaves[f"W{l}"] @ A + leaves[f"b{l}"]
        if l < L:
            A = Z.sigmoid() if hidden == "sigmoid" else Z.relu()
    m = X.shape[1]
    Y = Tensor(Y, name="Y")
    if Y.value.shape[0] == 1:  # one output: mean(softplus(Z) - Y Z)
        J = (Z.softplus() - Y * Z).mean()
    else:  # K classes: -sum(Y log_softmax(Z)) / m
        J = -(Y * Z.log_softmax()).sum() * (1.0 / m)
    return J, leaves


def autodiff_grads(
    params: dict[str, np.ndarray],
    X: np.ndarray,
    Y: np.ndarray,
    hidden: str = "sigmoid",
) -> dict[str, np.ndarray]:
    """Every gradient of the cost by reverse-mode differentiation: build the graph, then J.backward().

    Returns
    -------
    grads : dict of str to ndarray
        ``dW1, db1, ..., dWL, dbL``, as ``backprop`` and ``model_backward``
        name them.
    """
    J, leaves = network_cost(params, X, Y, hidden)
    J.backward()
    return {"d" + name: leaf.grad for name, leaf in leaves.items()}


def central_differences(f, values: list[np.ndarray], eps: float = 1e-6) -> list[np.ndarray]:
    """Estimate the gradient of a number f(*values) in each entry: (f(v + eps) - f(v - eps)) / (2 eps).

    Parameters
    ----------
    f : callable
        Takes arrays shaped like ``values`` and returns one number.
    values : list of ndarray
        The point at which to differentiate; left unchanged.
    eps : float, default 1e-6

    Returns
    -------
    grads : list of ndarray
        One per value, shaped like it.
    """
    values = [np.array(v, dtype=np.float64) for v in values]
    grads = []
    for k, value in enumerate(values):
        g = np.zeros_like(value)
        for i in np.ndindex(value.shape):
            nudged = []
            for step in (eps, -eps):
                moved = [v.copy() for v in values]
                moved[k][i] += step
                nudged.append(float(f(*moved)))
            g[i] = (nudged[0] - nudged[1]) / (2 * eps)
        grads.append(g)
    return grads


# Each exp, log and log1p is allowed this many units in the last place (as in
# gradient_checking), and an ulp is at most 2u of the value.
FUNCTION_ULPS = 4


def agreement_bound(
    params: dict[str, np.ndarray],
    X: np.ndarray,
    Y: np.ndarray,
    hidden: str = "sigmoid",
    sizes: bool = False,
) -> dict[str, np.ndarray] | tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Bound, entry by entry, how far two correct computations of the gradients can differ by rounding.

    ``backprop`` (or ``model_backward``) and ``autodiff_grads`` compute the
    same sums of the same products, perhaps in other orders and with the
    1/m applied at another step. Each is within the bound below of the
    gradient computed exactly from the same float inputs, so the two are
    within twice of each other, on any machine (first order in the unit
    roundoff u = 2^-53; the sizes are those of the computed values):

    - forward, as in ``cost_rounding_bound``: Z = W A + b is off by
      E_Z = gamma_{n+1} (|W| |A| + |b|) + |W| E_A, with gamma_n = n u / (1 - n u);
      a sigmoid passes on A (1 - A) E_Z and adds FUNCTION_ULPS ulps and 3
      roundings; a rectifier passes E_Z on, adding nothing;
    - at the logits, dZ = sigmoid(Z) - Y (or softmax(Z) - Y) moves with Z
      by at most its slope times E_Z (twice the probability for softmax) and
      adds the function's own rounding and 4 more (the subtraction, the 1/m
      and its product, a sum);
    - down a layer, dA = W^T dZ is off by gamma_n |W|^T |dZ| + |W|^T E_dZ;
      through a sigmoid, dZ = dA A (1 - A) adds |dA| |1 - 2A| E_A for the
      moved slope and 4 roundings; through a rectifier nothing, as long as
      no Z is within 2 E_Z of 0 (else the bound is infinite);
    - dW = dZ A^T / m and db = sum(dZ) / m add gamma_m of the sums of sizes,
      the terms' own errors, and 2 roundings for the 1/m.

    Parameters
    ----------
    params : dict of str to ndarray
    X : ndarray of shape (n_x, m)
    Y : ndarray of shape (n_L, m)
    hidden : {"sigmoid", "relu"}, default "sigmoid"
    sizes : bool, default False
        Also return each entry's sum of the sizes of its terms, the scale
        that rounding is measured against: |dZ| |A_prev|^T / m for dW and
        sum(|dZ|) / m for db.

    Returns
    -------
    bounds : dict of str to ndarray
        For ``dW1, db1, ...``, arrays shaped like the gradients: no entry of
        the two computations can differ by more.
    term_sizes : dict of str to ndarray
        Only with ``sizes=True``, shaped like ``bounds``.
    """
    u = np.finfo(np.float64).eps / 2
    f = 2 * FUNCTION_ULPS * u

    def gamma(n):
        return n * u / (1 - n * u)

    L = len(params) // 2
    A = np.asarray(X, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64)
    m = A.shape[1]
    E_A = np.zeros_like(A)
    layers = []  # (A_prev, E_A_prev, Z, E_Z, A, E_A) for each layer
    for l in range(1, L + 1):
        W, b = params[f"W{l}"], params[f"b{l}"]
        Z = W @ A + b
        E_Z = gamma(W.shape[1] + 1) * (np.abs(W) @ np.abs(A) + np.abs(b)) + np.abs(W) @ E_A
        if l < L and hidden == "sigmoid":
            A_new = sigmoid(Z)[0]
            E_new = A_new * (1 - A_new) * E_Z + (f + 3 * u) * A_new
        elif l < L:
            # Where Z might lie on the other side of 0 in the other computation, the
            # rectifier's slopes could differ (a Z of exactly 0 with E_Z = 0 is exact).
            if np.any((np.abs(Z) <= 2 * E_Z) & (E_Z > 0)):
                infinite = {"d" + name: np.full(p.shape, np.inf) for name, p in params.items()}
                return (infinite, infinite) if sizes else infinite
            A_new, E_new = np.maximum(Z, 0), E_Z
        else:
            A_new, E_new = None, None
        layers.append((A, E_A, Z, E_Z, A_new, E_new))
        A, E_A = A_new, E_new
    Z, E_Z = layers[-1][2], layers[-1][3]
    if Z.shape[0] == 1:
        P = sigmoid(Z)[0]
        E_dZ = P * (1 - P) * E_Z + (f + 3 * u) * P + 4 * u * (P + np.abs(Y))
    else:
        P = softmax(Z)
        shifted = np.abs(Z - Z.max(axis=0, keepdims=True))
        own = 2 * (u * shifted.max(axis=0) + f) + gamma(Z.shape[0]) + u
        E_dZ = 2 * P * E_Z.max(axis=0) + own * P + 4 * u * (P + np.abs(Y))
    dZ = P - Y
    bounds, term_sizes = {}, {}
    for l in range(L, 0, -1):
        A_prev, E_prev, _, _, _, _ = layers[l - 1]
        W = params[f"W{l}"]
        dW = dZ @ A_prev.T / m
        db = dZ.sum(axis=1, keepdims=True) / m
        term_sizes[f"dW{l}"] = np.abs(dZ) @ np.abs(A_prev).T / m
        term_sizes[f"db{l}"] = np.abs(dZ).sum(axis=1, keepdims=True) / m
        bounds[f"dW{l}"] = 2 * ((gamma(m) * np.abs(dZ) @ np.abs(A_prev).T + E_dZ @ np.abs(A_prev).T
                                 + np.abs(dZ) @ E_prev.T) / m + 2 * u * np.abs(dW))
        bounds[f"db{l}"] = 2 * ((gamma(m) * np.abs(dZ).sum(axis=1, keepdims=True)
                                 + E_dZ.sum(axis=1, keepdims=True)) / m + 2 * u * np.abs(db))
        if l > 1:
            _, _, Z_below, _, A_below, E_below = layers[l - 2]
            dA = W.T @ dZ
            E_dA = gamma(W.shape[0]) * np.abs(W).T @ np.abs(dZ) + np.abs(W).T @ E_dZ
            if hidden == "sigmoid":
                slope = A_below * (1 - A_below)
                dZ = dA * slope
                E_dZ = slope * E_dA + np.abs(dA) * np.abs(1 - 2 * A_below) * E_below + 4 * u * np.abs(dZ)
            else:
                dZ = np.where(Z_below > 0, dA, 0)
                E_dZ = np.where(Z_below > 0, E_dA, 0)
    keys = sorted(bounds, key=lambda k: (int(k[2:]), k[1]))  # dW1, db1, dW2, ...
    bounds = {key: bounds[key] for key in keys}
    return (bounds, {key: term_sizes[key] for key in keys}) if sizes else bounds


__all__ = [
    "Tensor", "topological_order", "sum_to_shape", "network_cost", "autodiff_grads",
    "central_differences", "agreement_bound",
]
