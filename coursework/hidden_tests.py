"""Add (or refresh) the hidden tests of every write-a-function exercise in the chapters.

Usage: python -m coursework hidden-tests [CHAPTER ...]   (default: every book/[0-9]*.ipynb)

For each solution cell ``exN_k_solution`` that defines ``my_<name>``, where
``<name>`` is an nnlib function listed in CASES below, a graded cell
``exN_k_hidden`` is put right after the exercise's check cell (or refreshed if
it is there): nbgrader's ``### BEGIN HIDDEN TESTS`` region, worth one point per
case, tagged ``remove-cell`` so the book does not show it. Idempotent: running it
twice gives the same notebooks. Cells are written with nbformat, keeping every
other cell and its id.
"""

from pathlib import Path

import nbformat

from . import cells, folders

# Inputs shared by the cases: a [4, 6, 3, 1] network with weights large enough
# for real gradients, 9 examples (m is no layer size), mixed labels.
SETUP = """\
_rng = np.random.default_rng(2024)
_dims = [4, 6, 3, 1]
_params = {}
for _l in range(1, len(_dims)):
    _params[f"W{_l}"] = _rng.standard_normal((_dims[_l], _dims[_l - 1]))
    _params[f"b{_l}"] = _rng.standard_normal((_dims[_l], 1))
_X = _rng.standard_normal((4, 9))
_Y = np.array([[1.0, 0.0, 0.0, 1.0, 1.0, 0.0, 1.0, 0.0, 1.0]])
_AL, _caches = _course.reference("forward_prop")(_X, _params)
_grads = {"d" + _k: _rng.standard_normal(_v.shape) for _k, _v in _params.items()}
_A_prev, _W, _b = _rng.standard_normal((5, 7)), _rng.standard_normal((3, 5)), _rng.standard_normal((3, 1))
_Z = _W @ _A_prev + _b
_dA = _rng.standard_normal((3, 7))"""

# nnlib function -> list of (what the case tries, points, argument expressions)
CASES = {
    "init_params": [
        ("layer_dims [5, 2, 6, 1] with seed 11", 1, ["[5, 2, 6, 1]", "11"]),
        ("a network with no hidden layer, [3, 1], seed 0", 1, ["[3, 1]", "0"]),
    ],
    "sigmoid": [
        ("Z of shape (7, 3) with |Z| up to about 100", 1, ["30 * _rng.standard_normal((7, 3))"]),
        ("the edge values -1000, -40, 0, 40 and 1000", 1, ["np.array([[-1000.0, -40.0, 0.0, 40.0, 1000.0]])"]),
    ],
    "sigmoid_backward": [
        ("dA and Z of shape (3, 7)", 1, ["_dA", "_Z"]),
        ("saturated Z = -800, 0, 800", 1, ["np.ones((1, 3))", "np.array([[-800.0, 0.0, 800.0]])"]),
    ],
    "forward_prop": [
        ("X of shape (4, 9) through a [4, 6, 3, 1] network", 1, ["_X", "_params"]),
        ("a single example, X of shape (4, 1)", 1, ["_X[:, :1]", "_params"]),
    ],
    "cost_function": [
        ("9 predictions and mixed labels", 1, ["_AL", "_Y"]),
        ("a single example", 1, ["_AL[:, :1]", "_Y[:, :1]"]),
    ],
    "linear_backward": [
        ("dZ of shape (3, 7) and a non-square W of shape (3, 5)", 1, ["_dA", "(_A_prev, _W, _b)"]),
        ("a single example", 1, ["_dA[:, :1]", "(_A_prev[:, :1], _W, _b)"]),
    ],
    "one_layer_backward": [
        ("dA of shape (3, 7) and a non-square W of shape (3, 5)", 1, ["_dA", "((_A_prev, _W, _b), _Z)"]),
        ("a single example", 1, ["_dA[:, :1]", "((_A_prev[:, :1], _W, _b), _Z[:, :1])"]),
    ],
    "backprop": [
        ("a [4, 6, 3, 1] network on 9 examples", 1, ["_AL", "_Y", "_caches"]),
        ("the same network on a single example", 1,
         ["_AL[:, :1]", "_Y[:, :1]", "[((A[:, :1], W, b), Z[:, :1]) for (A, W, b), Z in _caches]"]),
    ],
    "update_parameters": [
        ("a [4, 6, 3, 1] network, learning rate 0.3", 1, ["_params", "_grads", "0.3"]),
        ("a single layer, learning rate 2.5", 1,
         ['{"W1": _params["W1"], "b1": _params["b1"]}', '{"dW1": _grads["dW1"], "db1": _grads["db1"]}', "2.5"]),
    ],
    "train": [
        ("[4, 5, 1] for 30 epochs at learning rate 0.7, seed 4", 1, ["_X", "_Y", "[4, 5, 1]", "30", "0.7", "4"]),
        ("[4, 1] for 5 epochs at learning rate 2, seed 0", 1, ["_X", "_Y", "[4, 1]", "5", "2.0", "0"]),
    ],
    "predict": [
        ("9 examples through a [4, 6, 3, 1] network", 1, ["_X", "_params"]),
        ("a single example", 1, ["_X[:, :1]", "_params"]),
    ],
    "relative_error": [
        ("two close gradients of shape (3, 7)", 1, ["_dA", "_dA + 1e-6 * _Z"]),
        ("two zero gradients", 1, ["np.zeros((2, 2))", "np.zeros((2, 2))"]),
    ],
    "accuracy": [
        ("9 labels", 1, ["(_AL >= 0.5).astype(int)", "_Y"]),
        ("all wrong", 1, ["1 - _Y", "_Y"]),
    ],
}

HEADER = cells.HIDDEN_HEADER


def hidden_source(name: str) -> str:
    lines = [
        HEADER,
        cells.HIDDEN_BEGIN,
        "import numpy as np",
        "import nnlib.course as _course",
        "",
        SETUP,
        "",
        f'_hidden = _course.HiddenTests("{name}", my_{name})',
    ]
    for description, points, args in CASES[name]:
        lines.append(f'_hidden.case("{description}", {points}, {", ".join(args)})')
    lines += ["_hidden.score()", cells.HIDDEN_END]
    return "\n".join(lines)


def hidden_cell(n: str, k: str, name: str):
    cell = nbformat.v4.new_code_cell(hidden_source(name))
    cell.id = f"ex{n}-{k}-hidden"
    cell.metadata = {
        "tags": [cells.REMOVE_CELL],
        "nbgrader": {
            "grade": True,
            "grade_id": cells.hidden_id(n, k),
            "locked": True,
            "points": sum(points for _, points, _ in CASES[name]),
            "schema_version": 3,
            "solution": False,
            "task": False,
        },
    }
    return cell


def add_hidden_tests(path: Path) -> list[str]:
    nb = nbformat.read(path, as_version=4)
    added = []
    for cell in list(nb.cells):
        numbers = cells.exercise_numbers(cells.grade_id(cell), "solution")
        if cell.cell_type != "code" or not cells.is_solution(cell) or not numbers:
            continue
        n, k = numbers
        names = [name for name in cells.learner_functions(cell.source) if name in CASES]
        if not names:
            continue
        new = hidden_cell(n, k, names[0])
        ids = [cells.grade_id(c) for c in nb.cells]
        if cells.hidden_id(n, k) in ids:
            old = nb.cells[ids.index(cells.hidden_id(n, k))]
            folded = old.metadata.get("jupyter")  # as tools/fold_solutions.py left it
            old.source, old.metadata = new.source, new.metadata
            if folded:
                old.metadata["jupyter"] = folded
        else:
            check = cells.check_id(n, k)
            after = ids.index(check) if check in ids else nb.cells.index(cell)
            nb.cells.insert(after + 1, new)
        added.append(f"{cells.hidden_id(n, k)} ({names[0]}, {new.metadata['nbgrader']['points']} points)")
    nbformat.write(nb, path)
    return added


def main(chapters: list[str] | None = None, book: Path | None = None) -> None:
    """Add the hidden tests to the chapters named (default: every ``book/[0-9]*.ipynb``)."""
    book = book or folders.BOOK
    for chapter in chapters or sorted(p.stem for p in book.glob("[0-9]*.ipynb")):
        added = add_hidden_tests(book / f"{chapter}.ipynb")
        print(f"{chapter}: {', '.join(added) or 'no write-a-function exercise'}")
