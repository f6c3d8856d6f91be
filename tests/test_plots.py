import io

import matplotlib.pyplot as plt
import numpy as np
import pytest

from nnlib import backprop, forward_prop, init_params
from nnlib.plots import (
    draw_forward_shapes,
    draw_network,
    plot_cost,
    plot_decision_boundary,
    plot_gradient_sizes,
    plot_hidden_lines,
)


def small_network(layer_dims=(3, 4, 2, 1), m=5):
    X = np.random.default_rng(0).standard_normal((layer_dims[0], m))
    params = init_params(list(layer_dims), seed=0)
    AL, caches = forward_prop(X, params)
    return X, params, AL, caches


def test_draw_network_titles_and_elides_large_layers():
    ax = draw_network([30, 8, 1])
    assert "[30, 8, 1]" in ax.get_title()
    texts = [t.get_text() for t in ax.texts]
    assert "\u22ee" in texts  # the 30 inputs are elided
    assert "input\n30 units" in texts and "output: layer 2\n1 unit" in texts
    plt.close("all")


def test_plot_cost_labels():
    ax = plot_cost([0.7, 0.5, 0.4])
    assert ax.get_xlabel().startswith("epoch") and "nats" in ax.get_ylabel()
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), [0.7, 0.5, 0.4])
    plt.close("all")


def test_decision_boundary_needs_two_inputs():
    X = np.array([[0.0, 1.0], [1.0, 0.0]])
    ax = plot_decision_boundary(init_params([2, 3, 1]), X, np.array([[0, 1]]), resolution=20)
    assert ax.get_title().startswith("Decision boundary")
    with pytest.raises(ValueError, match="2 inputs"):
        plot_decision_boundary(init_params([3, 1]), np.zeros((3, 2)), np.zeros((1, 2)))
    plt.close("all")


def test_forward_shapes_draws_every_array_of_every_layer_as_it_is():
    X, params, AL, caches = small_network()
    ax = draw_forward_shapes(caches, AL)
    images = ax.get_images()
    assert len(images) == 5 * len(caches)  # W, A_prev, b, Z, A in each layer
    activations = [cache[0][0] for cache in caches[1:]] + [AL]
    for l, ((A_prev, W, b), Z) in enumerate(caches, start=1):
        for image, array in zip(images[5 * (l - 1): 5 * l], (W, A_prev, b, Z, activations[l - 1])):
            # The very array, one cell per entry: the drawn rectangle has its shape.
            np.testing.assert_array_equal(image.get_array(), array)
            left, right, bottom, top = image.get_extent()
            assert (top - bottom, right - left) == array.shape
    np.testing.assert_array_equal(images[1].get_array(), X)
    texts = [t.get_text() for t in ax.texts]
    assert "W1\n4 \u00d7 3" in texts and "X = A0\n3 \u00d7 5" in texts and "A3\n1 \u00d7 5" in texts
    assert "[3, 4, 2, 1]" in ax.get_title()
    assert "examples" in ax.get_xlabel() and "units" in ax.get_ylabel()
    with pytest.raises(ValueError, match="one \\(\\(A_prev, W, b\\), Z\\) per layer"):
        draw_forward_shapes([], AL)
    plt.close("all")


def test_gradient_sizes_are_the_root_mean_square_of_each_dW():
    X, params, AL, caches = small_network()
    grads = backprop(AL, np.array([[1, 0, 1, 1, 0]]), caches)
    ax = plot_gradient_sizes(grads, label="scale 0.01")
    line = ax.lines[0]
    np.testing.assert_array_equal(line.get_xdata(), [1, 2, 3])
    # An independent formula: |dW|_F / sqrt(size). Both sum at most 8 squares, so they
    # differ by a few units in the last place; 1e-12 is far above that, far below any slip.
    expected = [np.linalg.norm(grads[f"dW{l}"]) / np.sqrt(grads[f"dW{l}"].size) for l in (1, 2, 3)]
    np.testing.assert_allclose(line.get_ydata(), expected, rtol=1e-12)
    assert ax.get_yscale() == "log" and ax.get_legend().get_texts()[0].get_text() == "scale 0.01"
    assert ax.get_xlabel().startswith("layer") and "nats" in ax.get_ylabel()
    with pytest.raises(ValueError, match="dW1, ..., dWL"):
        plot_gradient_sizes({"dW2": grads["dW2"]})
    with pytest.raises(ValueError, match="dW1, ..., dWL"):
        plot_gradient_sizes({})
    plt.close("all")


def corner_rgba(fig):
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    buffer.seek(0)
    return plt.imread(buffer)[0, 0]


def draw_all():
    X = np.array([[0.0, 1.0], [1.0, 0.0]])
    yield draw_network([3, 2, 1])
    yield plot_cost([0.7, 0.5, 0.4])
    yield plot_decision_boundary(init_params([2, 3, 1]), X, np.array([[0, 1]]), resolution=20)
    _, _, AL, caches = small_network()
    yield draw_forward_shapes(caches, AL)
    yield plot_gradient_sizes(backprop(AL, np.array([[1, 0, 1, 1, 0]]), caches))


def test_figures_are_opaque_even_under_a_transparent_style():
    # The book has a dark theme: a transparent figure's black text would vanish on it.
    with plt.rc_context({"figure.facecolor": "none", "axes.facecolor": "none"}):
        for ax in draw_all():
            np.testing.assert_allclose(corner_rgba(ax.figure), [1, 1, 1, 1])
    plt.close("all")


def test_a_style_with_its_own_opaque_background_is_kept():
    with plt.style.context("dark_background"):
        for ax in draw_all():
            np.testing.assert_allclose(corner_rgba(ax.figure), [0, 0, 0, 1])
    plt.close("all")


def test_hidden_lines_are_where_each_unit_outputs_one_half():
    # Every dashed line lies on W1[j] . x + b1[j] = 0, one per first-layer unit, over the decision boundary.
    X = np.random.default_rng(1).standard_normal((2, 30))
    Y = (X[0:1] > 0).astype(float)
    params = init_params([2, 3, 1], seed=0, scheme="normal", scale=2.0)
    params["b1"] = np.array([[0.5], [-0.2], [0.1]])
    ax = plot_hidden_lines(params, X, Y)
    dashed = [line for line in ax.lines if line.get_linestyle() == "--"]
    assert len(dashed) == 3
    for line, w, b in zip(dashed, params["W1"], params["b1"][:, 0]):
        xs, ys = line.get_xdata(), line.get_ydata()
        np.testing.assert_allclose(w[0] * xs + w[1] * ys + b, 0, atol=1e-12)
    assert ax.collections  # the shaded probability and the 0.5 contour are there
    assert "3 hidden units" in ax.get_title()
    assert ax.get_xlabel() and ax.get_ylabel()
    with pytest.raises(ValueError, match="hidden layer"):
        plot_hidden_lines(init_params([2, 1]), X, Y)
    plt.close("all")
