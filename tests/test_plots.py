import io

import matplotlib.pyplot as plt
import numpy as np
import pytest

from nnlib import init_params
from nnlib.plots import draw_network, plot_cost, plot_decision_boundary


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
