"""The learner's workbooks as files (coursework/workbooks.py), and the folded solutions of the book.

No browser here: what a workbook holds, that it is never overwritten, and the
command that starts the learner's JupyterLab. test_jupyterlab.py runs them.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))

import fold_solutions  # noqa: E402
from coursework import editions, folders, workbooks  # noqa: E402
from coursework.cells import REGIONS  # noqa: E402

BOOK_NOTEBOOKS = sorted((ROOT / "book").glob("*.ipynb"))
STUB = "# YOUR CODE HERE\nraise NotImplementedError()"  # coursework/nbgrader_config.py


def folds(cell) -> tuple[bool, bool]:
    """(the book's hide-input tag, JupyterLab's source_hidden)."""
    meta = cell.get("metadata", {})
    return "hide-input" in meta.get("tags", []), bool(meta.get("jupyter", {}).get("source_hidden"))


def holds_solution(cell) -> bool:
    return bool(cell["metadata"].get("nbgrader", {}).get("solution")) or "### BEGIN SOLUTION" in "".join(cell["source"])


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """Every workbook, as `make lab` writes it on first use."""
    folder = tmp_path_factory.mktemp("workbooks")
    created, stale = workbooks.create(workbooks.chapters(), folder)
    assert created == workbooks.chapters() and not stale
    return folder


@pytest.mark.parametrize("path", BOOK_NOTEBOOKS, ids=lambda p: p.stem)
def test_book_folds_each_solution_for_the_book_and_for_jupyterlab_alike(path):
    # The book's hide-input and JupyterLab's source_hidden agree on every cell
    # but the book's machinery (remove-cell: the book leaves it out, JupyterLab
    # folds it), and every solution has both (python tools/fold_solutions.py adds them).
    for index, cell in enumerate(json.loads(path.read_text())["cells"]):
        tagged, hidden = folds(cell)
        where = f"{path.name} cell {index}"
        if fold_solutions.is_machinery(cell):
            assert not holds_solution(cell), f"{where}: a solution the book leaves out"
            continue
        assert tagged == hidden, f"{where}: hide-input {tagged} but source_hidden {hidden}; run tools/fold_solutions.py"
        if holds_solution(cell):
            assert tagged and hidden, f"{where} holds a solution in view; run tools/fold_solutions.py"


@pytest.mark.parametrize("chapter", workbooks.chapters())
def test_workbook_is_the_chapter_with_stubs_and_folded_solutions(made, chapter):
    # Each solution became the student edition's stub; hidden tests are gone; every
    # other cell, checks included, is the book's own; our solutions are folded.
    book = nbformat.read(ROOT / "book" / f"{chapter}.ipynb", as_version=4).cells
    cells = nbformat.read(made / f"{chapter}.ipynb", as_version=4).cells
    secret = workbooks.secret_solution_lines(chapter)
    ours = [c for c in cells if workbooks.META not in c.metadata]
    expected = [c for c in book if "### BEGIN HIDDEN TESTS" not in c.source]
    assert len(ours) == len(expected)
    for index, (cell, original) in enumerate(zip(ours, expected)):
        assert cell.cell_type == original.cell_type and cell.id == original.id
        solution = original.metadata.get("nbgrader", {}).get("solution")
        if solution:
            stripped = "\n".join(line.strip() for line in cell.source.splitlines())
            assert STUB in stripped, f"{chapter} {cell.id}: no stub"
            assert "raises-exception" in cell.metadata["tags"]
        elif original.metadata.get("nbgrader", {}).get("grade"):
            assert cell.source == original.source  # the check, exactly as in the book
            assert "raises-exception" in cell.metadata["tags"]
        else:
            assert cell.source == original.source and cell.metadata == original.metadata
        assert not {line.strip() for line in cell.source.splitlines()} & secret, f"{chapter} {cell.id} shows a solution"
        if fold_solutions.is_machinery(cell):
            # The book's checks stay folded in the workbook, as in book/.
            assert cell.metadata.get("jupyter") == original.metadata.get("jupyter")
            assert not folds(cell)[0], f"{chapter} {cell.id}"
        else:
            assert folds(cell) == (False, False), f"{chapter} {cell.id}: the learner's cells are open"
    folded = [c for c in cells if "solution_of" in c.metadata.get(workbooks.META, {})]
    exercises = [c.metadata["nbgrader"]["grade_id"] for c in book if c.metadata.get("nbgrader", {}).get("solution")]
    assert [c.metadata[workbooks.META]["solution_of"] + "_solution" for c in folded] == exercises
    assert bool(secret) == bool(exercises), f"{chapter}: no solution lines to look for"
    shown = {line.strip() for c in folded for line in c.source.splitlines()}
    assert secret <= shown, "each solution is in the workbook, folded"
    for cell in folded:
        assert cell.cell_type == "raw"  # Run All neither runs it (the learner's answer stays) nor unfolds it
        assert folds(cell) == (True, True)
    text = "\n".join(c.source for c in cells)
    assert not any(marker in text for pair in REGIONS for marker in pair)


@pytest.mark.parametrize("chapter", ["03_sigmoid", "04_forward"])
def test_student_edition_keeps_its_answer_cells_open_and_its_checks_folded(tmp_path, monkeypatch, chapter):
    # The book folds its solutions in JupyterLab; the student edition's answer cells stay
    # open, and the book's checks (remove-cell) stay folded as the book has them.
    monkeypatch.setattr(folders, "COURSE", tmp_path)
    editions.make_source(chapter)
    nb = nbformat.read(tmp_path / "source" / chapter / f"{chapter}.ipynb", as_version=4)
    answers = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]
    assert answers and not any(folds(c)[1] for c in answers)
    book = {c.id: c for c in nbformat.read(ROOT / "book" / f"{chapter}.ipynb", as_version=4).cells}
    machinery = [c for c in nb.cells if fold_solutions.is_machinery(c)]
    assert machinery and all(c.metadata.get("jupyter") == book[c.id].metadata.get("jupyter") for c in machinery)


# No chapter's workbook shows more than this many lines of the book's check code
# before a click (issue: the machinery out of the learner's way).
MAX_CHECK_LINES = 10
NUMBERED = [c for c in workbooks.chapters() if c[:2].isdigit()]


def visible_check_lines(nb) -> tuple[int, list[str]]:
    """Lines of check code a learner sees in JupyterLab 4 before clicking anything.

    A folded cell (``source_hidden``) shows its first line alone: it counts
    unless it is a comment (the label ``# Checks that the text's numbers hold:
    ...``). A remove-cell code cell that is not folded counts every non-blank
    line. Any other code cell counts its assertion lines.
    """
    count, where = 0, []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        lines = [line for line in cell.source.splitlines() if line.strip()]
        if cell.metadata.get("jupyter", {}).get("source_hidden"):
            shown = [line for line in lines[:1] if not line.lstrip().startswith("#")]
        elif fold_solutions.is_machinery(cell):
            shown = lines
        else:
            shown = [line for line in lines if line.lstrip().startswith(("assert ", "np.testing.assert"))]
        if shown:
            count += len(shown)
            where.append(f"{cell.id}: {len(shown)}")
    return count, where


def test_visible_check_lines_counts_what_jupyterlab_shows():
    # An open check cell counts in full, a folded one not at all (its first line
    # is its label), and an assertion in a lesson's cell counts one line.
    new = nbformat.v4.new_code_cell
    check = "# Checks that the text's numbers hold: the sum\nx = 1\nassert x == 1"
    opened = new(check, metadata={"tags": ["remove-cell"]})
    closed = new(check, metadata={"tags": ["remove-cell"], "jupyter": {"source_hidden": True, "outputs_hidden": True}})
    lesson = new("y = 2\nassert y == 2\nprint(y)")
    nb = nbformat.v4.new_notebook(cells=[opened, closed, lesson])
    assert visible_check_lines(nb)[0] == 3 + 0 + 1


@pytest.mark.parametrize("chapter", NUMBERED)
def test_workbook_shows_few_lines_of_check_code(made, chapter):
    nb = nbformat.read(made / f"{chapter}.ipynb", as_version=4)
    count, where = visible_check_lines(nb)
    assert count <= MAX_CHECK_LINES, (f"{chapter}'s workbook shows {count} lines of check code before a click "
                                      f"({', '.join(where)}); run python tools/fold_solutions.py")


def test_a_workbook_is_never_overwritten(tmp_path):
    # make lab writes missing workbooks only; a changed chapter is reported, not replaced.
    workbooks.create(["03_sigmoid"], tmp_path)
    path = tmp_path / "03_sigmoid.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells[0].source += "\n\nMy own note."
    nb.metadata[workbooks.META]["book_sha256"] = "an older book"
    nbformat.write(nb, path)
    created, stale = workbooks.create(["03_sigmoid"], tmp_path)
    assert (created, stale) == ([], ["03_sigmoid"])
    assert "My own note." in nbformat.read(path, as_version=4).cells[0].source


def run_tool(*args, folder, stdin=subprocess.DEVNULL):
    return subprocess.run([sys.executable, "-m", "coursework", "workbooks", "--folder", str(folder), *args],
                          capture_output=True, text=True, stdin=stdin, timeout=300, cwd=ROOT)


def test_reset_asks_first_and_keeps_the_old_workbook(tmp_path):
    # Without --yes and with no one to ask, reset refuses; with --yes it keeps a backup.
    workbooks.create(["03_sigmoid"], tmp_path)
    path = tmp_path / "03_sigmoid.ipynb"
    path.write_text(path.read_text().replace("# YOUR CODE HERE", "# my answer", 1))
    refused = run_tool("reset", "03_sigmoid", folder=tmp_path)
    assert refused.returncode != 0 and "YES=1" in refused.stderr
    assert "# my answer" in path.read_text()
    done = run_tool("reset", "03_sigmoid", "--yes", folder=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "# my answer" not in path.read_text()
    [backup] = (tmp_path / "backups").glob("03_sigmoid-*.ipynb")
    assert "# my answer" in backup.read_text()


def test_unknown_chapter_is_named(tmp_path):
    result = run_tool("create", "3_sigmoid", folder=tmp_path)
    assert result.returncode != 0 and "no chapter 3_sigmoid" in result.stderr and "03_sigmoid" in result.stderr


@pytest.mark.parametrize("uid", [0, 1000])
def test_lab_runs_as_root_and_as_anyone(monkeypatch, uid):
    # JupyterLab refuses root without --allow-root; nothing sets a port or a token,
    # so JUPYTER_PORT and JUPYTER_TOKEN reach JupyterLab.
    monkeypatch.setattr(workbooks.os, "geteuid", lambda: uid)
    command = workbooks.lab_command(Path("/somewhere"))
    assert ("--allow-root" in command) == (uid == 0)
    assert not any("port" in a.lower() or "token" in a.lower() for a in command)
    env = workbooks.lab_environment({"JUPYTER_CONFIG_PATH": "/theirs"})
    assert env["JUPYTER_CONFIG_PATH"].split(os.pathsep) == [str(workbooks.LEARNER_CONFIG), "/theirs"]


def test_learner_config_disables_nbgrader_in_lab_and_server():
    page = json.loads((workbooks.LEARNER_CONFIG / "labconfig" / "page_config.json").read_text())
    assert page["disabledExtensions"] == {"@jupyter/nbgrader": True}
    server = json.loads((workbooks.LEARNER_CONFIG / "jupyter_server_config.json").read_text())
    extensions = server["ServerApp"]["jpserver_extensions"]
    assert extensions and all(name.startswith("nbgrader.") and not on for name, on in extensions.items())


def test_workbooks_are_outside_git_and_the_book():
    # git pull cannot touch them, and the book builds only the files of its table of contents.
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert config["only_build_toc_files"] is True
    assert "workbooks" not in (ROOT / "_toc.yml").read_text()
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    ignored = subprocess.run(["git", "check-ignore", "-q", "workbooks/03_sigmoid.ipynb"], cwd=ROOT)
    assert ignored.returncode == 0
