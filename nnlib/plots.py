"""Figures for the book, drawn from values that nnlib computes: the network's
shape, a preview of the trained tumour classifier, a straight boundary beside
a bent one, the arrays of a forward pass, the backward sweep on a small
network, the gradients' sizes, gradient descent on a bowl, the cost curve, a
decision boundary, and the errors of difference quotients.

Every figure drawn here gets an opaque background, so that it reads the same on
the book's light and dark themes (and on a dark notebook front end): black
text on a transparent figure would vanish on a dark page.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import to_rgba

from nnlib._validate import validate_layer_dims
from nnlib.activations import sigmoid_backward
from nnlib.backward import linear_backward
from nnlib.cost import cost_function
from nnlib.forward import forward_prop
from nnlib.update import update_parameters


def _opaque_background(ax):
    """Make the figure and Axes backgrounds opaque: white where they are transparent.

    A style that already paints the background (dark_background, say) is kept,
    since its text colours are chosen for it.
    """
    for artist in (ax.figure, ax):
        if to_rgba(artist.get_facecolor())[3] < 1:
            artist.set_facecolor("white")


def draw_network(layer_dims: list[int], ax=None, max_units: int = 8):
    """Draw the layers of ``layer_dims`` as columns of units joined by their weights.

    A layer with more than ``max_units`` units is drawn with its first and last
    few units and a gap marked by dots.

    Parameters
    ----------
    layer_dims : list of int
        ``[n_x, n_1, ..., n_L]``.
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made when omitted.
    max_units : int, default 8
        Most units drawn in one layer.

    Returns
    -------
    ax : matplotlib Axes
    """
    dims = validate_layer_dims(layer_dims)
    if ax is None:
        _, ax = plt.subplots(figsize=(1.8 * len(dims) + 1, 4))
    half = max(max_units // 2, 1)
    columns = []
    for l, n in enumerate(dims):
        shown = list(range(n)) if n <= max_units else list(range(half)) + list(range(n - half, n))
        # Units sit evenly in [-1, 1]; a gap of one slot marks the elided ones.
        slots = len(shown) + (n > max_units)
        ys = np.linspace(1, -1, slots) if slots > 1 else np.zeros(1)
        if n > max_units:
            ax.text(l, ys[half], "\u22ee", ha="center", va="center", fontsize=14)
            ys = np.delete(ys, half)
        columns.append(ys)
    for l in range(1, len(dims)):
        for y0 in columns[l - 1]:
            for y1 in columns[l]:
                ax.plot([l - 1, l], [y0, y1], color="0.6", lw=0.6, zorder=1)
    for l, ys in enumerate(columns):
        colour = "C0" if l == 0 else ("C3" if l == len(dims) - 1 else "C1")
        ax.scatter(np.full(len(ys), l), ys, s=260, color=colour, edgecolor="k", zorder=2)
        if l == 0:
            role = "input"
        elif l == len(dims) - 1:
            role = f"output: layer {l}"
        else:
            role = f"hidden: layer {l}"
        units = f"{dims[l]} unit{'s' if dims[l] != 1 else ''}"
        ax.text(l, -1.3, f"{role}\n{units}", ha="center", va="top", fontsize=9)
    ax.set_xlim(-0.6, len(dims) - 0.4)
    ax.set_ylim(-1.75, 1.25)
    ax.set_title(f"A network with layer_dims = {dims}")
    ax.axis("off")
    _opaque_background(ax)
    return ax


def plot_cost(cost_history: list[float], ax=None, label: str | None = None):
    """Plot the cost against the epoch.

    Parameters
    ----------
    cost_history : list of float
        One cost per epoch, as returned by ``train``.
    ax : matplotlib Axes, optional
    label : str, optional
        Legend entry, for comparing several runs on one Axes.

    Returns
    -------
    ax : matplotlib Axes
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    ax.plot(np.arange(len(cost_history)), cost_history, label=label)
    ax.set_xlabel("epoch (gradient-descent steps)")
    ax.set_ylabel("cost J (cross-entropy, nats)")
    ax.set_title("Training cost")
    if label is not None:
        ax.legend()
    _opaque_background(ax)
    return ax


def plot_decision_boundary(
    params: dict[str, np.ndarray], X: np.ndarray, Y: np.ndarray, ax=None, resolution: int = 200
):
    """Shade the plane by the network's predicted probability and overlay the points.

    Parameters
    ----------
    params : dict of str to ndarray
        Parameters of a network with two inputs and one output.
    X : ndarray of shape (2, m)
    Y : ndarray of shape (1, m)
    ax : matplotlib Axes, optional
    resolution : int, default 200
        Grid points along each axis.

    Returns
    -------
    ax : matplotlib Axes
    """
    if params["W1"].shape[1] != 2:
        raise ValueError(
            f"a decision boundary can be drawn for 2 inputs; W1 has shape "
            f"{params['W1'].shape}, i.e. {params['W1'].shape[1]} inputs"
        )
    if ax is None:
        _, ax = plt.subplots(figsize=(5.5, 4.5))
    pad = 0.5
    x1 = np.linspace(X[0].min() - pad, X[0].max() + pad, resolution)
    x2 = np.linspace(X[1].min() - pad, X[1].max() + pad, resolution)
    G1, G2 = np.meshgrid(x1, x2)
    grid = np.vstack([G1.ravel(), G2.ravel()])
    P, _ = forward_prop(grid, params)
    filled = ax.contourf(G1, G2, P.reshape(G1.shape), levels=np.linspace(0, 1, 11),
                         cmap="RdBu_r", alpha=0.6)
    ax.contour(G1, G2, P.reshape(G1.shape), levels=[0.5], colors="k", linewidths=1.5)
    labels = np.ravel(Y)
    for value, marker, colour in ((0, "o", "C0"), (1, "s", "C3")):
        chosen = labels == value
        ax.scatter(X[0, chosen], X[1, chosen], marker=marker, s=14, color=colour,
                   edgecolor="k", linewidth=0.3, label=f"class {value}")
    ax.figure.colorbar(filled, ax=ax, label="predicted probability of class 1")
    ax.set_xlabel("$x_1$ (no unit)")
    ax.set_ylabel("$x_2$ (no unit)")
    ax.set_title("Decision boundary (black line: probability 0.5)")
    ax.legend(loc="upper right")
    _opaque_background(ax)
    return ax



def plot_hidden_lines(
    params: dict[str, np.ndarray], X: np.ndarray, Y: np.ndarray, ax=None
):
    """Draw each first-layer unit's line w . x + b = 0 over the decision boundary.

    Unit j of the first layer outputs sigmoid(W1[j] @ x + b1[j]), which is
    0.5 exactly on the line ``W1[j, 0] x1 + W1[j, 1] x2 + b1[j] = 0``: the
    line along which that unit switches. The plot shades the plane as
    ``plot_decision_boundary`` does and draws every unit's line dashed.

    Parameters
    ----------
    params : dict of str to ndarray
        Parameters of a network with two inputs, one output and at least
        one hidden layer.
    X : ndarray of shape (2, m)
    Y : ndarray of shape (1, m)
    ax : matplotlib Axes, optional

    Returns
    -------
    ax : matplotlib Axes
    """
    if len(params) < 4:
        raise ValueError(
            f"hidden units need a hidden layer; params holds "
            f"{len(params) // 2} layer (keys {sorted(params)})"
        )
    ax = plot_decision_boundary(params, X, Y, ax=ax)
    (x_lo, x_hi), (y_lo, y_hi) = ax.get_xlim(), ax.get_ylim()
    W1, b1 = params["W1"], params["b1"]
    for j, ((w1, w2), b) in enumerate(zip(W1, b1[:, 0])):
        if abs(w2) >= abs(w1):  # solve for x2, so steep lines stay finite
            xs = np.array([x_lo, x_hi])
            ys = -(w1 * xs + b) / w2
        else:
            ys = np.array([y_lo, y_hi])
            xs = -(w2 * ys + b) / w1
        ax.plot(xs, ys, "--", color="0.25", lw=1,
                label="hidden units' lines" if j == 0 else None)
    ax.set_xlim(x_lo, x_hi)
    ax.set_ylim(y_lo, y_hi)
    ax.set_title(
        f"The {W1.shape[0]} hidden units' lines (dashed) and the boundary"
    )
    ax.legend(loc="upper right", fontsize=8)
    return ax


def _array_cells(ax, array, x, y, cmap, vmin, vmax):
    """Draw ``array`` as a grid of square cells, one per entry, top-left at (x, y)."""
    rows, cols = array.shape
    ax.imshow(array, cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest",
              extent=(x, x + cols, y - rows, y), zorder=1)
    ax.hlines(y - np.arange(1, rows), x, x + cols, colors="w", lw=0.8, zorder=2)
    ax.vlines(x + np.arange(1, cols), y - rows, y, colors="w", lw=0.8, zorder=2)
    ax.add_patch(plt.Rectangle((x, y - rows), cols, rows, fill=False, lw=1, ec="k", zorder=3))


def draw_forward_shapes(caches: list, AL: np.ndarray, ax=None):
    """Draw forward propagation's arrays layer by layer: W A_prev + b = Z, sigmoid(Z) = A.

    Each array is a grid of cells, one per entry, so its shape is what the eye
    sees: rows are units, columns are examples (or, for W, the previous
    layer's units). A cell's colour is its entry's value: for W, b, Z and X,
    blue below 0 and red above, on a scale of each array's own; for the
    activations A, from 0 (dark) to 1 (yellow).

    Parameters
    ----------
    caches : list of L tuples
        ``((A_prev, W, b), Z)`` per layer, as ``forward_prop`` returns them.
    AL : ndarray of shape (n_L, m)
        The output of ``forward_prop``.

    Returns
    -------
    ax : matplotlib Axes
    """
    if not caches:
        raise ValueError("caches must hold one ((A_prev, W, b), Z) per layer; got none")
    L, m = len(caches), AL.shape[1]
    w_slot = max(W.shape[1] for (_, W, _), _ in caches)
    gap = 2.0
    if ax is None:
        rows = sum(max(W.shape) for (_, W, _), _ in caches) + 3.5 * L
        _, ax = plt.subplots(figsize=(0.3 * (w_slot + 3 * m + 1 + 5 * gap + 2), 0.3 * rows + 1.2))
    y = 0.0
    for l, ((A_prev, W, b), Z) in enumerate(caches, start=1):
        A = caches[l][0][0] if l < L else AL
        height = max(W.shape[0], A_prev.shape[0])
        previous = f"A{l - 1}" if l > 1 else "X = A0"
        pieces = [(f"W{l}", W, "\u00d7", w_slot - W.shape[1]), (previous, A_prev, "+", 0),
                  (f"b{l}", b, "=", 0), (f"Z{l}", Z, "\u2192 \u03c3 \u2192", 0),
                  (f"A{l}", A, None, 0)]
        x = 0.0
        for name, array, operator, indent in pieces:
            x += indent  # W sits right against its operator, whatever its width
            activation = name.startswith("A")
            scale = 1.0 if activation else (np.abs(array).max() or 1.0)
            _array_cells(ax, array, x, y, "viridis" if activation else "RdBu_r",
                         0 if activation else -scale, scale)
            rows, cols = array.shape
            ax.text(x + cols / 2, y + 0.3, f"{name}\n{rows} \u00d7 {cols}", ha="center",
                    va="bottom", fontsize=8)
            x += cols
            if operator:
                width = gap + (1.5 if len(operator) > 1 else 0)
                ax.text(x + width / 2, y - height / 2, operator, ha="center", va="center",
                        fontsize=11)
                x += width
        y -= height + 3.5
    ax.set_xlim(-0.5, x + 0.5)
    ax.set_ylim(y + 2.5, 2.8)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_xlabel(f"columns: the m = {m} examples (for W: the units of the layer before)")
    ax.set_ylabel("rows: the units of the layer")
    dims = [caches[0][0][1].shape[1]] + [W.shape[0] for (_, W, _), _ in caches]
    ax.set_title(f"Forward propagation, layer_dims = {dims}: one row per layer")
    _opaque_background(ax)
    return ax


def plot_gradient_sizes(grads: dict[str, np.ndarray], ax=None, label: str | None = None):
    """Plot the size of each layer's weight gradient, layer by layer, on a log scale.

    The size of dW[l] is the root mean square of its entries. Call again on
    the same Axes, with a ``label``, to compare networks.

    Parameters
    ----------
    grads : dict of str to ndarray
        ``dW1, db1, ..., dWL, dbL``, as ``backprop`` returns them.
    ax : matplotlib Axes, optional
    label : str, optional
        Legend entry.

    Returns
    -------
    ax : matplotlib Axes
    """
    L = sum(1 for name in grads if name.startswith("dW"))
    missing = [f"dW{l}" for l in range(1, L + 1) if f"dW{l}" not in grads]
    if L == 0 or missing:
        raise ValueError(f"grads must hold dW1, ..., dWL as backprop returns them; "
                         f"got keys {sorted(grads)}")
    sizes = [float(np.sqrt(np.mean(np.square(grads[f"dW{l}"])))) for l in range(1, L + 1)]
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    layers = np.arange(1, L + 1)
    ax.semilogy(layers, sizes, "o-", label=label)
    ax.set_xticks(layers)
    ax.set_xlabel("layer l (backpropagation runs from right to left)")
    ax.set_ylabel("root mean square of dW[l]\n(nats per unit of weight)")
    ax.set_title("Size of each layer's weight gradient")
    if label is not None:
        ax.legend()
    _opaque_background(ax)
    return ax


def backward_values(params: dict[str, np.ndarray], X: np.ndarray, Y: np.ndarray) -> dict:
    """Run forward propagation and backpropagation, keeping every intermediate array.

    The backward steps are ``backprop``'s (dZ[L] = AL - Y, then
    ``linear_backward`` and, below the output, ``sigmoid_backward``), but
    nothing is dropped: dZ and dA of every layer are kept, down to dA0, the
    gradient with respect to the input X, which ``backprop`` does not return.

    Parameters
    ----------
    params : dict of str to ndarray
        ``W1, b1, ..., WL, bL``.
    X : ndarray of shape (n_x, m)
    Y : ndarray of shape (1, m)

    Returns
    -------
    values : dict of str to ndarray or float
        ``"A0"`` (X), ``"Z<l>"``, ``"A<l>"``, ``"dZ<l>"``, ``"dW<l>"``,
        ``"db<l>"`` for l = 1, ..., L, ``"dA<l>"`` for l = 0, ..., L - 1, and
        ``"cost"``. dZ and dA are per example, as in ``backprop``.
    """
    AL, caches = forward_prop(X, params)
    L = len(caches)
    values = {"A0": caches[0][0][0], "cost": cost_function(AL, Y)}
    for l, ((_, W, b), Z) in enumerate(caches, start=1):
        values[f"Z{l}"] = Z
        values[f"A{l}"] = caches[l][0][0] if l < L else AL
    dZ = AL - np.asarray(Y, dtype=float)
    for l in range(L, 0, -1):
        linear_cache, Z = caches[l - 1]
        if l < L:
            dZ = sigmoid_backward(values[f"dA{l}"], Z)
        values[f"dZ{l}"] = dZ
        values[f"dA{l - 1}"], values[f"dW{l}"], values[f"db{l}"] = linear_backward(
            dZ, linear_cache
        )
    return values


def draw_backprop_graph(params: dict[str, np.ndarray], X: np.ndarray, Y: np.ndarray, ax=None):
    """Draw a small network's graph for one example: forward values, and gradients flowing back.

    Each unit is a circle with its forward values above it (x for an input;
    z and a for a sigmoid unit) and its backward values below (da and dz);
    each weight's edge carries w and dw. The cost L and the label y sit at the
    right. Every number comes from ``backward_values``.

    Parameters
    ----------
    params : dict of str to ndarray
        A network of at most 4 units per layer.
    X : ndarray of shape (n_x, 1)
        A single example.
    Y : ndarray of shape (1, 1)
    ax : matplotlib Axes, optional

    Returns
    -------
    ax : matplotlib Axes
    """
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != 1:
        raise ValueError(f"X must hold a single example, shape (n_x, 1); got shape {X.shape}")
    values = backward_values(params, X, Y)
    L = sum(1 for name in values if name.startswith("dW"))
    dims = [values[f"A{l}"].shape[0] for l in range(L + 1)]
    if max(dims) > 4:
        raise ValueError(f"the graph is drawn for at most 4 units per layer; got layer sizes {dims}")
    if ax is None:
        _, ax = plt.subplots(figsize=(2.6 * (L + 1) + 1.5, 4.8))
    gap = 2.0  # between layers, in data units
    heights = [np.linspace(1, -1, n) if n > 1 else np.zeros(1) for n in dims]
    forward, backward = "C0", "C3"
    small = {"fontsize": 7.5, "ha": "center"}
    box = {"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.9}
    for l in range(1, L + 1):
        W, dW = params[f"W{l}"], values[f"dW{l}"]
        for k, y1 in enumerate(heights[l]):
            for j, y0 in enumerate(heights[l - 1]):
                x0, x1 = gap * (l - 1), gap * l
                ax.annotate("", (x1 - 0.14, y1), (x0 + 0.14, y0),
                            arrowprops={"arrowstyle": "-", "color": "0.6", "lw": 0.8}, zorder=1)
                t = 0.62  # labels near the target unit, where the edges have spread apart
                ax.text(x0 + t * (x1 - x0), y0 + t * (y1 - y0),
                        f"w = {W[k, j]:.2f}\n", color=forward, va="center", bbox=box, zorder=3,
                        **small)
                ax.text(x0 + t * (x1 - x0), y0 + t * (y1 - y0),
                        f"\ndw = {dW[k, j]:.3f}", color=backward, va="center", zorder=4, **small)
    for l, ys in enumerate(heights):
        x = gap * l
        ax.scatter(np.full(len(ys), x), ys, s=300, color="C1" if l else "0.85", edgecolor="k",
                   zorder=2)
        for i, y in enumerate(ys):
            if l == 0:
                above = f"x{i + 1} = {values['A0'][i, 0]:.2f}"
                below = f"da = {values['dA0'][i, 0]:.3f}"
            else:
                above = f"z = {values[f'Z{l}'][i, 0]:.3f}\na = {values[f'A{l}'][i, 0]:.3f}"
                below = (f"dz = a - y = {values[f'dZ{l}'][i, 0]:.3f}" if l == L else
                         f"da = {values[f'dA{l}'][i, 0]:.3f}\ndz = {values[f'dZ{l}'][i, 0]:.3f}")
            ax.text(x, y + 0.17, above, color=forward, va="bottom", **small)
            ax.text(x, y - 0.17, below, color=backward, va="top", **small)
    x_cost = gap * (L + 0.75)
    y_out = heights[L][0]
    ax.annotate("", (x_cost - 0.25, y_out), (gap * L + 0.14, y_out),
                arrowprops={"arrowstyle": "->", "color": "0.6", "lw": 0.8})
    ax.scatter([x_cost], [y_out], s=300, marker="s", color="0.85", edgecolor="k", zorder=2)
    label = float(np.ravel(Y)[0])
    ax.text(x_cost, y_out + 0.17, f"L = {values['cost']:.3f}\ny = {label:g}", color=forward,
            va="bottom", **small)
    ax.set_xticks([gap * l for l in range(L + 1)] + [x_cost])
    ax.set_xticklabels(["input x\n(layer 0)"] + [f"layer {l}" for l in range(1, L)]
                       + [f"output\n(layer {L})", "cost"])
    ax.set_yticks([])
    ax.set_xlim(-0.7, x_cost + 0.7)
    ax.set_ylim(-1.75, 1.75)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_xlabel("forward pass, left to right: blue, above each unit;\n"
                  "backward pass, right to left: red, below each unit and on each edge")
    ax.set_ylabel("the units of each layer")
    ax.set_title(f"One example through layer_dims = {dims}: forward values and gradients")
    _opaque_background(ax)
    return ax


def descent_path(
    curvatures: tuple[float, float], start: tuple[float, float], learning_rate: float, steps: int
) -> np.ndarray:
    """Run gradient descent on the bowl J(w) = (1/2) (c1 w1^2 + c2 w2^2), from ``start``.

    Each step is ``update_parameters`` on the weights w = [[w1, w2]] with the
    gradient dJ/dw = [[c1 w1, c2 w2]].

    Parameters
    ----------
    curvatures : pair of float
        c1 and c2, the bowl's second derivatives along w1 and w2; positive.
    start : pair of float
    learning_rate : float
    steps : int

    Returns
    -------
    path : ndarray of shape (steps + 1, 2)
        The start and every iterate.
    """
    c = np.asarray(curvatures, dtype=float).reshape(1, 2)
    if c.size != 2 or np.any(c <= 0):
        raise ValueError(f"curvatures must be two positive numbers; got {curvatures!r}")
    params = {"W": np.asarray(start, dtype=float).reshape(1, 2)}
    path = [params["W"][0]]
    for _ in range(steps):
        params = update_parameters(params, {"dW": c * params["W"]}, learning_rate)
        path.append(params["W"][0])
    return np.array(path)


def plot_descent_paths(
    learning_rates: list[float],
    curvatures: tuple[float, float] = (1.0, 10.0),
    start: tuple[float, float] = (-4.0, 2.0),
    steps: int = 20,
    ax=None,
):
    """Draw the paths of gradient descent on a quadratic bowl, one per learning rate.

    The bowl is J(w) = (1/2) (c1 w1^2 + c2 w2^2), drawn as contour lines; each
    path is ``descent_path`` from ``start``, one marker per step; a path that
    leaves the frame is drawn up to its first point outside it.

    Parameters
    ----------
    learning_rates : list of float
    curvatures : pair of float, default (1, 10)
    start : pair of float, default (-4, 2)
    steps : int, default 20
    ax : matplotlib Axes, optional

    Returns
    -------
    ax : matplotlib Axes
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 4))
    c1, c2 = curvatures
    reach = 1.25 * np.abs(np.asarray(start, dtype=float))
    w1 = np.linspace(-reach[0], reach[0], 200)
    w2 = np.linspace(-reach[1], reach[1], 200)
    G1, G2 = np.meshgrid(w1, w2)
    J = 0.5 * (c1 * G1**2 + c2 * G2**2)
    J_start = 0.5 * (c1 * start[0] ** 2 + c2 * start[1] ** 2)
    ax.contour(G1, G2, J, levels=J_start * np.geomspace(0.01, 2, 9), colors="0.7", linewidths=0.7)
    for colour, lr in zip(("C0", "C2", "C3", "C4", "C1"), learning_rates):
        path = descent_path(curvatures, start, lr, steps)
        # A path that leaves the frame is drawn up to its first point outside.
        outside = np.flatnonzero(np.any(np.abs(path) > reach, axis=1))
        shown = path[: outside[0] + 1] if outside.size else path
        ax.plot(shown[:, 0], shown[:, 1], "o-", color=colour, ms=3, lw=1,
                label=f"learning rate {lr:g}")
    ax.plot([0], [0], "k*", ms=10, label="minimum")
    ax.set_xlim(-reach[0], reach[0])
    ax.set_ylim(-reach[1], reach[1])
    ax.set_xlabel("weight $w_1$ (gentle direction, curvature %g)" % c1)
    ax.set_ylabel("weight $w_2$ (steep direction,\ncurvature %g)" % c2)
    ax.set_title(f"{steps} steps of gradient descent on the bowl "
                 f"$J = (c_1 w_1^2 + c_2 w_2^2) / 2$")
    ax.legend(loc="lower right", fontsize=8)
    _opaque_background(ax)
    return ax


def plot_step_errors(
    eps: np.ndarray,
    errors: dict[str, np.ndarray],
    worst: dict[str, np.ndarray] | None = None,
    default_eps: float | None = None,
    ax=None,
):
    """Plot the relative error of difference quotients against the step, on log-log axes.

    Parameters
    ----------
    eps : ndarray of shape (k,)
        The steps, all positive.
    errors : dict of str to ndarray of shape (k,)
        For each quotient (``"one-sided"``, ``"central"``, ...), its measured
        relative error at each step, drawn as a solid line with markers.
    worst : dict of str to ndarray of shape (k,), optional
        For some of the same quotients, the worst case at each step, drawn
        dashed in the same colour; NaN entries are left out.
    default_eps : float, optional
        A step to mark with a dotted vertical line.
    ax : matplotlib Axes, optional

    Returns
    -------
    ax : matplotlib Axes
    """
    eps = np.asarray(eps, dtype=float)
    if eps.ndim != 1 or not np.all(eps > 0):
        raise ValueError(f"eps must be a 1-d array of positive steps; got shape {eps.shape}")
    worst = worst or {}
    for name, values in list(errors.items()) + list(worst.items()):
        if np.shape(values) != eps.shape:
            raise ValueError(f"{name!r} has shape {np.shape(values)} but eps has shape {eps.shape}")
    unknown = set(worst) - set(errors)
    if unknown:
        raise ValueError(f"worst names {sorted(unknown)}, which errors does not have")
    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 4))
    for i, (name, values) in enumerate(errors.items()):
        colour = f"C{i}"
        ax.loglog(eps, values, "o-", ms=3, color=colour, label=f"{name} quotient")
        if name in worst:
            ax.loglog(eps, worst[name], "--", lw=1, color=colour, label=f"worst case, {name}")
    if default_eps is not None:
        ax.axvline(default_eps, color="0.5", lw=0.8, ls=":", label=f"default step {default_eps:g}")
    ax.set_xlabel(r"step $\varepsilon$ (no unit)")
    ax.set_ylabel("relative error of the estimate (no unit)")
    ax.set_title("Finite-difference error against step size")
    ax.legend(fontsize=7, loc="lower left")
    _opaque_background(ax)
    return ax


def plot_tumour_preview(X: np.ndarray, Y: np.ndarray, ax=None, epochs: int = 300,
                        lr: float = 0.5, seed: int = 3):
    """Train the course's tumour network and plot its predictions on tumours it never saw.

    A preview of what chapter 8 builds, with chapter 8's choices: the
    tumours are split by ``train_val_test_split`` (seed 0), standardised
    with the training set's statistics, and a ``[n_x, 8, 1]`` network is
    trained on the training set with ``train``. The histogram shows the
    predicted probability of malignancy for every validation tumour, one
    colour per true label, with the 0.5 threshold marked. The test set is
    not touched: chapter 8 measures it once, at its end.

    Parameters
    ----------
    X : ndarray of shape (n_x, m)
        Features, one tumour per column, as ``load_breast_cancer`` returns them.
    Y : ndarray of shape (1, m)
        Labels, 1 for malignant and 0 for benign.
    ax : matplotlib Axes, optional
    epochs, lr, seed : int, float, int
        Passed to ``train``.

    Returns
    -------
    ax : matplotlib Axes
    P : ndarray of shape (1, m_val)
        The predicted probabilities that the histogram shows.
    Y_val : ndarray of shape (1, m_val)
        The validation tumours' true labels.
    """
    # Imported here: the textbook modules never depend on plots, and only
    # this preview needs the whole training loop.
    from nnlib.datasets import standardize, train_val_test_split
    from nnlib.training import train

    X_train, X_val, _, Y_train, Y_val, _ = train_val_test_split(X, Y, seed=0)
    X_train, X_val = standardize(X_train, X_val)
    params, _ = train(X_train, Y_train, [X.shape[0], 8, 1], epochs=epochs, lr=lr, seed=seed)
    P, _ = forward_prop(X_val, params)
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    bins = np.linspace(0, 1, 21)
    for value, name, colour in ((0, "benign", "C0"), (1, "malignant", "C3")):
        chosen = np.ravel(Y_val) == value
        ax.hist(np.ravel(P)[chosen], bins=bins, color=colour, alpha=0.7,
                label=f"{name} ({int(chosen.sum())} tumours)")
    ax.axvline(0.5, color="k", lw=1, ls="--", label="threshold 0.5")
    ax.set_xlim(0, 1)
    ax.set_xlabel("predicted probability of malignancy (no unit)")
    ax.set_ylabel("number of validation tumours")
    ax.set_title(f"A trained [{X.shape[0]}, 8, 1] network on tumours it never saw")
    ax.legend(loc="upper center")
    _opaque_background(ax)
    return ax, P, Y_val


def plot_straight_and_bent(X: np.ndarray, Y: np.ndarray, epochs: int = 2000,
                           lr: float = 5.0, seed: int = 3):
    """Train a network without and one with a hidden layer, and draw both boundaries.

    Left: ``[2, 1]``, a single sigmoid unit (logistic regression), whose
    boundary is always a straight line. Right: ``[2, 8, 1]``, one hidden
    layer of 8 sigmoid units, whose boundary can bend. Both are trained with
    ``train`` on all the points given, with the same settings, and drawn with
    ``plot_decision_boundary``.

    Parameters
    ----------
    X : ndarray of shape (2, m)
        Points in the plane, one per column (``make_moons``).
    Y : ndarray of shape (1, m)
        Their classes, 0 or 1.
    epochs, lr, seed : int, float, int
        Passed to ``train``.

    Returns
    -------
    axes : ndarray of two matplotlib Axes
    params : dict of str to dict
        The trained parameters under ``"[2, 1]"`` and ``"[2, 8, 1]"``.
    """
    from nnlib.training import train

    if np.ndim(X) != 2 or np.shape(X)[0] != 2:
        raise ValueError(f"X must have shape (2, m), one point per column; got {np.shape(X)}")
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    params = {}
    titles = {"[2, 1]": "No hidden layer, [2, 1]: a straight line",
              "[2, 8, 1]": "One hidden layer, [2, 8, 1]: a bent curve"}
    for ax, dims in zip(axes, ([2, 1], [2, 8, 1])):
        name = str(dims)
        params[name], _ = train(X, Y, dims, epochs=epochs, lr=lr, seed=seed)
        plot_decision_boundary(params[name], X, Y, ax=ax)
        ax.set_title(titles[name])
    fig.suptitle("Decision boundaries on the two moons (black line: probability 0.5)")
    fig.tight_layout()
    return axes, params


# Chapter 12: Many classes: softmax on the digits


def plot_digits(X: np.ndarray, titles: list[str], axes=None, cmap: str = "gray_r"):
    """Draw 8x8 digit images, one per Axes, each with its title (its label, or "true -> predicted").

    Parameters
    ----------
    X : ndarray of shape (64, n)
        n images, one per column, as ``load_digits`` returns them (raw pixel
        counts 0 to 16; a standardised copy would show contrast, not ink).
    titles : list of n str
    axes : array of at least n matplotlib Axes, optional
        Made as a grid of up to 10 columns when not given; Axes beyond n
        are turned off.
    cmap : str, default "gray_r"
        Dark ink on a light ground.

    Returns
    -------
    axes : ndarray of matplotlib Axes
    """
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[0] != 64:
        raise ValueError(f"X must have shape (64, n): one 8x8 image per column; got shape {X.shape}")
    n = X.shape[1]
    if len(titles) != n:
        raise ValueError(f"give one title per image: {n} images but {len(titles)} titles")
    if axes is None:
        cols = min(n, 10)
        rows = max(1, -(-n // cols))
        _, axes = plt.subplots(rows, cols, figsize=(0.9 * cols + 0.4, 1.1 * rows + 0.5), squeeze=False)
    axes = np.ravel(axes)
    if len(axes) < n:
        raise ValueError(f"{n} images need at least {n} Axes; got {len(axes)}")
    for i, ax in enumerate(axes):
        ax.set_axis_off()
        if i < n:
            ax.imshow(X[:, i].reshape(8, 8), cmap=cmap, vmin=0, vmax=16, interpolation="nearest")
            ax.set_title(titles[i], fontsize=9)
        _opaque_background(ax)
    return axes


def plot_class_confusion(counts: np.ndarray, ax=None, class_names=None):
    """Draw a K-class confusion matrix as a grid of counts, true class down, predicted across.

    The diagonal (right answers) would swamp the colour scale, so the colours
    show the mistakes only; every cell is labelled with its count.

    Parameters
    ----------
    counts : ndarray of int, shape (K, K)
        From ``class_confusion``: ``counts[i, j]`` examples of class i
        predicted as j.
    ax : matplotlib Axes, optional
    class_names : list of K str, optional
        Default: "0", "1", ..., "K-1".

    Returns
    -------
    ax : matplotlib Axes
    """
    counts = np.asarray(counts)
    if counts.ndim != 2 or counts.shape[0] != counts.shape[1]:
        raise ValueError(f"counts must be a square (K, K) array; got shape {counts.shape}")
    K = counts.shape[0]
    names = [str(k) for k in range(K)] if class_names is None else list(class_names)
    if ax is None:
        _, ax = plt.subplots(figsize=(5.2, 4.6))
    mistakes = np.where(np.eye(K, dtype=bool), 0, counts)
    image = ax.imshow(mistakes, cmap="Reds", vmin=0, vmax=max(1, mistakes.max()))
    for i in range(K):
        for j in range(K):
            dark = i != j and mistakes[i, j] > 0.6 * mistakes.max()
            ax.text(j, i, str(int(counts[i, j])), ha="center", va="center", fontsize=8,
                    color="white" if dark else "black", fontweight="bold" if i == j else "normal")
    ax.set_xticks(range(K), names)
    ax.set_yticks(range(K), names)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    ax.figure.colorbar(image, ax=ax, label="number of mistakes (off the diagonal)")
    _opaque_background(ax)
    return ax


# Chapter 15: Automatic differentiation


def draw_computation_graph(J, ax=None):
    """Draw the graph that ends at J: one box per node, arrows from each node's inputs to it.

    Each box gives the node's operation (or an input's name), the shape of
    its value and, in red, the largest size of its gradient, max |dJ/dT|,
    as ``J.backward()`` left it. Columns follow the graph's depth, from the
    inputs at the left to J at the right; an input stands just left of the
    first node that uses it.

    Parameters
    ----------
    J : Tensor
        The final node, after ``J.backward()``.
    ax : matplotlib Axes, optional

    Returns
    -------
    ax : matplotlib Axes
    """
    from nnlib.autodiff import topological_order

    order = topological_order(J)
    depth = {}
    for node in order:  # parents come first
        depth[id(node)] = 1 + max((depth[id(p)] for p in node.parents), default=-1)
    for node in order:  # each input just before the first node that uses it
        users = [depth[id(n)] for n in order if any(p is node for p in n.parents)]
        if not node.parents and users:
            depth[id(node)] = min(users) - 1
    place, taken = {}, set()
    for node in order:  # an operation in the row of its first operation input, if free
        d = depth[id(node)]
        inner = [place[id(p)][1] for p in node.parents if p.parents]
        y = inner[0] if inner else 0.0
        if not node.parents:  # inputs stack above the operations
            y = 1.3
        while (d, round(y, 1)) in taken:
            y += 1.3 if not node.parents else -1.3
        taken.add((d, round(y, 1)))
        place[id(node)] = (d, y)
    if ax is None:
        _, ax = plt.subplots(figsize=(1.25 * (max(depth.values()) + 1) + 0.5, 4.6))
    for node in order:
        for parent in node.parents:
            ax.annotate("", place[id(node)], place[id(parent)],
                        arrowprops={"arrowstyle": "->", "color": "0.5", "lw": 0.9,
                                    "shrinkA": 16, "shrinkB": 16})
    for node in order:
        x, y = place[id(node)]
        shape = "x".join(map(str, node.value.shape)) or "1"
        leaf = not node.parents
        ax.text(x, y + 0.12, f"{node.name or node.op}\n{shape}", ha="center", va="bottom",
                fontsize=8.5, fontweight="bold" if leaf else "normal",
                bbox={"boxstyle": "round,pad=0.3", "fc": "0.9" if leaf else "#dbe9f6", "ec": "0.4"})
        ax.text(x, y - 0.08, f"{np.abs(node.grad).max():.2g}", ha="center", va="top",
                fontsize=8, color="C3")
    xs = [p[0] for p in place.values()]
    ys = [p[1] for p in place.values()]
    ax.set_xlim(min(xs) - 0.6, max(xs) + 0.6)
    ax.set_ylim(min(ys) - 0.7, max(ys) + 0.9)
    ax.set_xticks(sorted(set(xs)))
    ax.set_yticks([])
    for spine in ("left", "right", "top"):
        ax.spines[spine].set_visible(False)
    ax.set_xlabel("depth in the graph (steps from the inputs); red: max |dJ/dT| of each node T")
    ax.set_title("The computation graph of the cost: inputs (grey), operations (blue)")
    _opaque_background(ax)
    return ax
