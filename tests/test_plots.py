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


def tiny_example():
    params = {"W1": np.array([[0.5, -0.5], [1.0, 0.25]]), "b1": np.array([[0.0], [-1.0]]),
              "W2": np.array([[1.5, -1.0]]), "b2": np.array([[0.5]])}
    return params, np.array([[1.0], [2.0]]), np.array([[1.0]])


def test_backward_values_are_backprops_and_keep_every_dA_and_dZ():
    from nnlib import cost_function, sigmoid
    from nnlib.plots import backward_values

    X, params, AL, caches = small_network()
    Y = np.array([[1, 0, 1, 1, 0]])
    values = backward_values(params, X, Y)
    grads = backprop(AL, Y, caches)
    for name, g in grads.items():  # the same operations in the same order: equal
        np.testing.assert_array_equal(values[name], g)
    assert values["cost"] == cost_function(AL, Y)
    # Each step by the textbook formulas, from the output down.
    np.testing.assert_array_equal(values["dZ3"], AL - Y)
    for l in (3, 2, 1):
        np.testing.assert_array_equal(values[f"dA{l - 1}"], params[f"W{l}"].T @ values[f"dZ{l}"])
    for l in (2, 1):
        A = sigmoid(values[f"Z{l}"])[0]
        np.testing.assert_array_equal(values[f"dZ{l}"], values[f"dA{l}"] * A * (1 - A))
    np.testing.assert_array_equal(values["A0"], X)


def test_backprop_graph_shows_each_units_values_and_each_weights_gradient():
    from nnlib.plots import backward_values, draw_backprop_graph

    params, X, Y = tiny_example()
    ax = draw_backprop_graph(params, X, Y)
    values = backward_values(params, X, Y)
    texts = " ".join(t.get_text() for t in ax.texts)
    for l in (1, 2):
        for k, j in np.ndindex(params[f"W{l}"].shape):
            assert f"w = {params[f'W{l}'][k, j]:.2f}" in texts
            assert f"dw = {values[f'dW{l}'][k, j]:.3f}" in texts
    for i in range(2):
        assert f"z = {values['Z1'][i, 0]:.3f}\na = {values['A1'][i, 0]:.3f}" in texts
        assert f"da = {values['dA1'][i, 0]:.3f}\ndz = {values['dZ1'][i, 0]:.3f}" in texts
        assert f"da = {values['dA0'][i, 0]:.3f}" in texts  # the inputs' gradient, a sum of two paths
    assert f"dz = a - y = {values['dZ2'][0, 0]:.3f}" in texts
    assert f"L = {values['cost']:.3f}" in texts
    assert "[2, 2, 1]" in ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    with pytest.raises(ValueError, match="single example"):
        draw_backprop_graph(params, np.hstack([X, X]), np.array([[1.0, 0.0]]))
    with pytest.raises(ValueError, match="at most 4 units"):
        draw_backprop_graph(init_params([5, 1]), np.ones((5, 1)), Y)
    plt.close("all")


def test_descent_path_is_the_closed_form_of_gradient_descent_on_the_bowl():
    from nnlib.plots import descent_path

    # On J = (c1 w1^2 + c2 w2^2) / 2 each step multiplies w_i by (1 - lr c_i).
    for lr in (0.02, 0.15, 0.21):
        path = descent_path((1.0, 10.0), (-4.0, 2.0), lr, steps=20)
        t = np.arange(21)[:, None]
        expected = np.array([[-4.0, 2.0]]) * (1 - lr * np.array([[1.0, 10.0]])) ** t
        # 20 steps of one multiply-add each: a few units in the last place of
        # the largest iterate (at most 2 * 1.1**20 < 14), far below 1e-12.
        np.testing.assert_allclose(path, expected, rtol=0, atol=1e-12)
    with pytest.raises(ValueError, match="positive"):
        descent_path((1.0, -1.0), (1.0, 1.0), 0.1, 3)
    with pytest.raises(ValueError, match="learning_rate"):
        descent_path((1.0, 1.0), (1.0, 1.0), -0.1, 3)


def test_descent_paths_are_drawn_from_the_iterates_and_cut_where_they_leave():
    from nnlib.plots import descent_path, plot_descent_paths

    ax = plot_descent_paths([0.02, 0.15, 0.21], steps=20)
    lines = [line for line in ax.lines if line.get_label().startswith("learning rate")]
    assert [line.get_label() for line in lines] == [
        "learning rate 0.02", "learning rate 0.15", "learning rate 0.21"]
    for line, lr in zip(lines[:2], (0.02, 0.15)):  # these two stay inside the frame
        path = descent_path((1.0, 10.0), (-4.0, 2.0), lr, 20)
        np.testing.assert_array_equal(np.column_stack([line.get_xdata(), line.get_ydata()]), path)
    # 0.21 > 2 / 10: the steep coordinate grows by 1.1 a step and leaves the frame
    # (|w2| > 2.5) at step 3, 2 * 1.1**3 = 2.66; the line stops there.
    diverging = descent_path((1.0, 10.0), (-4.0, 2.0), 0.21, 20)
    np.testing.assert_array_equal(lines[2].get_ydata(), diverging[:4, 1])
    assert ax.get_xlabel().startswith("weight") and ax.get_ylabel().startswith("weight")
    assert "gradient descent" in ax.get_title()
    plt.close("all")


def test_the_new_figures_are_opaque_under_a_transparent_style():
    from nnlib.plots import draw_backprop_graph, plot_descent_paths

    with plt.rc_context({"figure.facecolor": "none", "axes.facecolor": "none"}):
        for ax in (draw_backprop_graph(*tiny_example()), plot_descent_paths([0.1])):
            np.testing.assert_allclose(corner_rgba(ax.figure), [1, 1, 1, 1])
    plt.close("all")


def test_step_errors_draws_each_quotient_and_its_worst_case():
    # The lines carry the very values passed, on log-log axes, the worst case dashed.
    from nnlib.plots import plot_step_errors

    eps = np.logspace(-8, -2, 7)
    one_sided, central = 3 * eps, eps**2
    worst = np.where(eps < 1e-3, 10 * one_sided, np.nan)
    ax = plot_step_errors(eps, {"one-sided": one_sided, "central": central},
                          worst={"one-sided": worst}, default_eps=1e-6)
    solid = [line for line in ax.lines if line.get_linestyle() == "-"]
    dashed = [line for line in ax.lines if line.get_linestyle() == "--"]
    np.testing.assert_array_equal(solid[0].get_ydata(), one_sided)
    np.testing.assert_array_equal(solid[1].get_ydata(), central)
    np.testing.assert_array_equal(dashed[0].get_ydata(), worst)
    assert solid[0].get_color() == dashed[0].get_color() != solid[1].get_color()
    assert ax.get_xscale() == ax.get_yscale() == "log"
    assert ax.get_xlabel().startswith("step") and "relative error" in ax.get_ylabel()
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "central quotient" in labels and "default step 1e-06" in labels
    with pytest.raises(ValueError, match=r"'central' has shape \(6,\) but eps has shape \(7,\)"):
        plot_step_errors(eps, {"central": central[1:]})
    with pytest.raises(ValueError, match="positive"):
        plot_step_errors(-eps, {"central": central})
    with pytest.raises(ValueError, match="which errors does not have"):
        plot_step_errors(eps, {"central": central}, worst={"one-sided": worst})
    with plt.rc_context({"figure.facecolor": "none", "axes.facecolor": "none"}):
        ax = plot_step_errors(eps, {"central": central})
        np.testing.assert_allclose(corner_rgba(ax.figure), [1, 1, 1, 1])
    plt.close("all")


def test_tumour_preview_shows_every_validation_tumour_once_and_no_test_tumour():
    # The histogram's bars add up to the validation set, split by true label.
    from nnlib import load_breast_cancer
    from nnlib.plots import plot_tumour_preview

    X, Y, _ = load_breast_cancer()
    ax, P, Y_val = plot_tumour_preview(X, Y, epochs=50)
    assert P.shape == Y_val.shape == (1, 114)
    from nnlib import train_val_test_split

    np.testing.assert_array_equal(Y_val, train_val_test_split(X, Y, seed=0)[4])
    counts = [sum(bar.get_height() for bar in container) for container in ax.containers]
    assert counts == [int((Y_val == 0).sum()), int((Y_val == 1).sum())]
    assert "probability" in ax.get_xlabel() and "tumours" in ax.get_ylabel()
    plt.close("all")


def test_straight_and_bent_trains_both_networks_on_the_points_given():
    # Left panel: no hidden layer; right: one of 8 units; both drawn from the trained params.
    from nnlib import make_moons, predict
    from nnlib.plots import plot_straight_and_bent

    X, Y = make_moons(m=60, seed=1)
    axes, params = plot_straight_and_bent(X, Y, epochs=20)
    assert sorted(params) == ["[2, 1]", "[2, 8, 1]"]
    assert params["[2, 1]"]["W1"].shape == (1, 2)
    assert params["[2, 8, 1]"]["W1"].shape == (8, 2)
    assert "straight" in axes[0].get_title() and "bent" in axes[1].get_title()
    assert predict(X, params["[2, 1]"]).shape == (1, 60)
    with pytest.raises(ValueError, match=r"shape \(2, m\)"):
        plot_straight_and_bent(X.T, Y)


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


# Chapter 12: Many classes: softmax on the digits


def test_plot_digits_draws_each_image_as_8_by_8_with_its_title():
    from nnlib.plots import plot_digits

    X = np.arange(64 * 3, dtype=float).reshape(3, 64).T % 17  # three images, ink 0 to 16
    axes = plot_digits(X, ["a", "b", "c"])
    shown = [ax for ax in axes if ax.images]
    assert [ax.get_title() for ax in shown] == ["a", "b", "c"]
    for ax, column in zip(shown, X.T):
        np.testing.assert_array_equal(ax.images[0].get_array(), column.reshape(8, 8))  # row by row
    with pytest.raises(ValueError, match="one title per image"):
        plot_digits(X, ["a"])
    with pytest.raises(ValueError, match=r"\(64, n\)"):
        plot_digits(X.T, ["a", "b", "c"])
    plt.close("all")


def test_plot_class_confusion_labels_every_count_and_colours_mistakes_only():
    from nnlib.plots import plot_class_confusion

    counts = np.array([[50, 2, 0], [1, 40, 7], [0, 3, 45]])
    ax = plot_class_confusion(counts)
    texts = [t.get_text() for t in ax.texts]
    assert sorted(texts) == sorted(str(c) for c in counts.ravel())
    colours = ax.images[0].get_array()
    np.testing.assert_array_equal(np.diag(colours), 0)  # the diagonal would swamp the scale
    assert colours.max() == 7
    assert ax.get_xlabel() == "predicted class" and ax.get_ylabel() == "true class"
    with pytest.raises(ValueError, match="square"):
        plot_class_confusion(np.zeros((2, 3)))
    plt.close("all")
