"""Checks on the chapter notebooks as committed, and on the errors of a run.

tests/test_colab_install.py runs every notebook once and applies
``assert_only_the_declared_errors`` to the result here.
"""

import ast
import json
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
TUTORIAL_FUNCTIONS = {
    "init_params",
    "sigmoid",
    "forward_prop",
    "cost_function",
    "one_layer_backward",
    "backprop",
    "update_parameters",
    "train",
    "predict",
}
CHAPTERS = [
    "book/01_idea",
    "book/02_init",
    "book/03_sigmoid",
    "book/04_forward",
    "book/05_cost",
    "book/06_backprop",
    "book/07_update",
    "book/08_train",
]


def toc_files():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return [chapter["file"] for part in toc["parts"] for chapter in part["chapters"]]


NOTEBOOKS = sorted(p.relative_to(ROOT).with_suffix("").as_posix() for p in (ROOT / "book").glob("*.ipynb"))


def code_cells(name):
    nb = json.loads((ROOT / f"{name}.ipynb").read_text())
    return nb, [c for c in nb["cells"] if c["cell_type"] == "code"]


def test_the_eight_chapters_come_first_in_tutorial_order():
    assert toc_files()[: len(CHAPTERS)] == CHAPTERS


def test_every_page_is_in_the_book_and_every_entry_exists():
    # Pages are the notebooks and the Markdown files of book/, but for the root page.
    pages = sorted(
        p.relative_to(ROOT).with_suffix("").as_posix()
        for p in (ROOT / "book").glob("*.md")
        if p.name != "index.md"
    )
    assert sorted(toc_files()) == sorted(NOTEBOOKS + pages)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_committed_without_outputs(name):
    # The book build executes the notebooks; committed outputs would go stale.
    _, cells = code_cells(name)
    dirty = [i for i, c in enumerate(cells) if c.get("outputs") or c.get("execution_count")]
    assert not dirty, f"{name}: code cells {dirty} have outputs or execution counts"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_no_empty_code_cell(name):
    # JupyterLab runs an empty cell without numbering it, so the learner's Run All
    # looks as if it stopped there (tests/lab); in the book it is a blank box.
    _, cells = code_cells(name)
    empty = [i for i, c in enumerate(cells) if not "".join(c["source"]).strip()]
    assert not empty, f"{name}: code cells {empty} are empty"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_imports_nnlib_and_redefines_none_of_its_functions(name):
    _, cells = code_cells(name)
    source = "\n".join("".join(c["source"]) for c in cells)
    # IPython magics (%xmode, ...) are not Python; blank them out before parsing.
    tree = ast.parse("\n".join("" if line.lstrip().startswith(("%", "!")) else line
                               for line in source.splitlines()))
    imported = [
        node
        for node in ast.walk(tree)
        if (isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "nnlib")
        or (isinstance(node, ast.Import) and any(a.name.split(".")[0] == "nnlib" for a in node.names))
    ]
    assert imported, f"{name} does not import nnlib"
    defined = {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
    } | {
        target.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name) and isinstance(node.value, ast.Lambda)
    }
    assert not defined & TUTORIAL_FUNCTIONS, f"{name} defines {defined & TUTORIAL_FUNCTIONS}"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_starts_with_a_title(name):
    nb, _ = code_cells(name)
    first = nb["cells"][0]
    assert first["cell_type"] == "markdown"
    # A target line such as "(errata)=" may name the page for {ref} links.
    lines = "".join(first["source"]).split("\n")
    while lines[0].startswith("(") and lines[0].endswith(")="):
        lines.pop(0)
    assert lines[0].startswith("# "), f"{name} does not open with its title"


@pytest.mark.parametrize("name", CHAPTERS[1:])
def test_chapter_shows_the_library_source(name):
    _, cells = code_cells(name)
    assert any("show_source(" in "".join(c["source"]) for c in cells)


def expected_exception(cell):
    """The exception a cell tagged raises-exception must raise: ValueError unless declared.

    A cell declares another with metadata {"nnlib": {"raises": "KeyError"}}; the
    errata, for instance, reproduce the tutorial's NameError, KeyError and TypeError.
    """
    declared = cell.metadata.get("nnlib", {}).get("raises")
    if declared is None:
        return "ValueError"
    assert isinstance(declared, str) and declared.isidentifier(), (
        f"nnlib.raises must name an exception class, such as 'KeyError'; got {declared!r}"
    )
    return declared


def test_a_cell_can_declare_which_exception_it_raises():
    # ValueError by default; a declared name replaces it; a malformed name is refused.
    nbformat = pytest.importorskip("nbformat")
    new_cell = nbformat.v4.new_code_cell
    assert expected_exception(new_cell("x")) == "ValueError"
    assert expected_exception(new_cell("x", metadata={"nnlib": {"raises": "KeyError"}})) == "KeyError"
    with pytest.raises(AssertionError):
        expected_exception(new_cell("x", metadata={"nnlib": {"raises": "Key Error"}}))


def assert_only_the_declared_errors(name, nb):
    """Every cell of an executed notebook ran clean, but those tagged raises-exception,
    which raised the exception they declare.

    nbval lets a tagged cell raise but does not check that it does, or what; this does.
    """
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        errors = [o for o in cell.outputs if o.output_type == "error"]
        tagged = "raises-exception" in cell.metadata.get("tags", [])
        if tagged:
            expected = expected_exception(cell)
            assert errors, f"{name} cell {index} is tagged raises-exception but raised nothing"
            assert errors[0].ename == expected, (
                f"{name} cell {index} raised {errors[0].ename}: {errors[0].evalue}; "
                f"expected {expected}"
            )
        else:
            assert "raises" not in cell.metadata.get("nnlib", {}), (
                f"{name} cell {index} declares nnlib.raises but is not tagged raises-exception"
            )
            assert not errors, f"{name} cell {index} raised {errors[0].ename}: {errors[0].evalue}"


def test_declared_errors_are_checked_both_ways():
    # A tagged cell that raised nothing, one that raised the wrong exception, and an
    # untagged cell that raised are each refused; the right ones pass.
    nbformat = pytest.importorskip("nbformat")

    def ran(error=None, **metadata):
        cell = nbformat.v4.new_code_cell("x", metadata=metadata)
        if error:
            cell.outputs = [nbformat.v4.new_output("error", ename=error, evalue="", traceback=[])]
        return cell

    tagged = {"tags": ["raises-exception"]}
    passing = nbformat.v4.new_notebook(cells=[ran(), ran("ValueError", **tagged),
                                              ran("KeyError", tags=["raises-exception"], nnlib={"raises": "KeyError"})])
    assert_only_the_declared_errors("ok", passing)
    for cell, message in [(ran(**tagged), "raised nothing"), (ran("KeyError", **tagged), "expected ValueError"),
                          (ran("ValueError"), "raised ValueError"), (ran(nnlib={"raises": "KeyError"}), "declares")]:
        with pytest.raises(AssertionError, match=message):
            assert_only_the_declared_errors("bad", nbformat.v4.new_notebook(cells=[cell]))
FOLD_TOOL = ROOT / "tools" / "fold_solutions.py"
CHECK_LABEL = "# Checks that the text's numbers hold: "


def run_fold_tool(*args):
    import subprocess
    import sys

    return subprocess.run([sys.executable, str(FOLD_TOOL), *map(str, args)], capture_output=True, text=True,
                          timeout=120)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_the_books_machinery_is_folded_in_jupyterlab(name):
    # Every remove-cell cell (the checks of the text's numbers, the install cell,
    # hidden tests) is folded, input and output, for JupyterLab and the workbooks;
    # every solution is folded too. tools/fold_solutions.py --check says which are not.
    result = run_fold_tool("--check", ROOT / f"{name}.ipynb")
    assert result.returncode == 0, f"{result.stdout.strip()}; run python tools/fold_solutions.py"


def test_the_fold_check_fails_on_an_unfolded_cell(tmp_path):
    # Planted: one check cell without its fold. --check names it and changes nothing;
    # the tool then folds it, and --check passes.
    nb = json.loads((ROOT / "book" / "01_idea.ipynb").read_text())
    [index] = [i for i, c in enumerate(nb["cells"]) if c.get("id") == "ch1-scales-check"]
    nb["cells"][index]["metadata"].pop("jupyter", None)
    path = tmp_path / "unfolded.ipynb"
    path.write_text(json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    before = path.read_text()
    failed = run_fold_tool("--check", path)
    assert failed.returncode == 1 and f"[{index}]" in failed.stdout
    assert path.read_text() == before
    assert run_fold_tool(path).returncode == 0
    cell = json.loads(path.read_text())["cells"][index]
    assert cell["metadata"]["jupyter"] == {"source_hidden": True, "outputs_hidden": True}
    assert "hide-input" not in cell["metadata"]["tags"]  # the book leaves it out, as before
    assert run_fold_tool("--check", path).returncode == 0


def claim_checks(name):
    """The cells that check the text's numbers: hidden (remove-cell) code with an assertion, not hidden tests."""
    _, cells = code_cells(name)
    return [(i, c) for i, c in enumerate(cells)
            if "remove-cell" in c["metadata"].get("tags", []) and "assert" in "".join(c["source"])
            and not c["metadata"].get("nbgrader", {}).get("grade")]


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_each_claim_check_opens_with_its_label(name):
    # Folded in JupyterLab, a cell shows its first line alone: for a check, the label
    # that says what it is and what it checks.
    unlabelled = [i for i, c in claim_checks(name)
                  if not ("".join(c["source"]).startswith(CHECK_LABEL)
                          and "".join(c["source"]).split("\n")[0].strip() != CHECK_LABEL.strip())]
    assert not unlabelled, f"{name}: code cells {unlabelled} do not open with {CHECK_LABEL!r}<what, in a few words>"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_a_speed_only_cell_holds_the_blas_to_one_core(name):
    # make test-matrix leaves out of its 4-thread pass every notebook with a line
    # '# Speed only' (grep), as one that holds its BLAS to one thread itself: that
    # line must open a code cell that does so, with nothing but imports before it.
    nb = json.loads((ROOT / f"{name}.ipynb").read_text())
    marked = [i for i, c in enumerate(nb["cells"])
              if any(line.startswith("# Speed only") for line in "".join(c["source"]).splitlines())]
    if not marked:
        return
    [index] = marked
    cell = nb["cells"][index]
    source = "".join(cell["source"])
    assert cell["cell_type"] == "code" and source.startswith("# Speed only"), f"{name}: cell {index}"
    assert 'threadpool_limits(limits=1, user_api="blas")' in source, f"{name}: cell {index}"
    before = [c for c in nb["cells"][:index] if c["cell_type"] == "code"
              and "remove-cell" not in c["metadata"].get("tags", [])]  # the install cell, %xmode
    imports_only = all(isinstance(node, (ast.Import, ast.ImportFrom))
                       for c in before for node in ast.parse("".join(c["source"])).body)
    assert imports_only, f"{name}: arithmetic runs before the BLAS is held to one core"
