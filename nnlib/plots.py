"""Figures for the book: the network's shape, the arrays of a forward pass, the
gradients' sizes, the cost curve, a decision boundary.

Every figure drawn here gets an opaque background, so that it reads the same on
the book's light and dark themes (and on a dark notebook front end): black
text on a transparent figure would vanish on a dark page.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import to_rgba

from nnlib._checks import check_layer_dims
from nnlib.forward import forward_prop


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
    dims = check_layer_dims(layer_dims)
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
