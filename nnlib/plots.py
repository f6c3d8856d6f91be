"""Figures for the book: the network's shape, the cost curve, a decision boundary.

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
