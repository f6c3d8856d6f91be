"""The chapters' editions: the student edition (``make student``) and the grading edition of nnlib.

``make student`` lays out an nbgrader course in ``_build/course/`` (``source/``
generated from ``book/``, the default SQLite gradebook ``gradebook.db``), runs
``nbgrader generate_assignment`` for each chapter that has exercises and copies
nbgrader's ``release/`` to ``_build/student/``: one folder per chapter with the
workbook (solutions replaced by ``# YOUR CODE HERE``, hidden tests removed) and
the student edition of nnlib, which withholds the functions that the chapter's
exercises ask for (see ``nnlib/course.py``). The leak scan (leaks.py) then
checks that nothing of the solutions or hidden tests is in it.

The chapters are found, not listed: every ``book/[0-9]*.ipynb`` with nbgrader
cells is a chapter with exercises.

The *grading edition* (:func:`grading_nnlib`) is what a submission's sandbox
imports as nnlib: the student edition without nnlib's own code of the withheld
functions, without the checkers and, where it would do the same work, without
``nnlib.fast``.
"""

from __future__ import annotations

import ast
import inspect
import json
import shutil
import sys
from pathlib import Path

import nbformat

from . import cells, folders
from .leaks import leaks


# ---------------------------------------------------------------- chapters


def chapters() -> list[str]:
    """The chapter notebooks (names without .ipynb) that have nbgrader cells, in order."""
    return [p.stem for p in sorted(folders.BOOK.glob("[0-9]*.ipynb")) if _has_exercises(p)]


def _has_exercises(path: Path) -> bool:
    nb = json.loads(path.read_text())
    return any(cells.has_nbgrader(c) for c in nb["cells"])


def withheld(nb) -> dict[str, str]:
    """nnlib functions that the chapter's exercises ask the learner to write.

    A solution cell that defines ``my_<name>``, where ``<name>`` is a function
    nnlib exports, withholds ``<name>``; its grade_id ``exN_k_solution`` names
    the exercise. Returns e.g. ``{"sigmoid": "Exercise 3.1"}``.
    """
    import nnlib

    found = {}
    for cell in nb.cells:
        if cell.cell_type != "code" or not cells.is_solution(cell):
            continue
        exercise = cells.exercise_of(cells.grade_id(cell)) or f"the exercise {cells.grade_id(cell)}"
        for name in cells.learner_functions(cell.source):
            if name in nnlib.__all__ and callable(getattr(nnlib, name)):
                found[name] = exercise
    return found


def _banner(names: dict[str, str]) -> str:
    text = (
        "```{note}\n**Your workbook for this chapter.** The exercises are at the end: "
        "replace each `# YOUR CODE HERE` with your answer and run the check below it. "
        "Cells that say *Hidden tests* run only when your work is graded."
    )
    if names:
        yours = ", ".join(f"`{n}` (your `my_{n}`, {e})" for n, e in names.items())
        text += (
            f" In this workbook these functions are yours, not nnlib's: {yours}. "
            "The chapter's cells run your code, so do those exercises first, then run the "
            "chapter from the top. Everything else still comes from nnlib."
        )
    return text + "\n```"


# ---------------------------------------------------------------- student edition


def student_nnlib(dest: Path, names: dict[str, str], chapter: str) -> None:
    """Copy nnlib to ``dest`` as the student edition that withholds ``names``."""
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(folders.ROOT / "nnlib", dest, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "_edition.py"))
    (dest / "_edition.py").write_text(
        f'"""Student edition of chapter {chapter}, written by `make student`: see course.py."""\n\n'
        f"CHAPTER = {chapter!r}\n"
        f"WITHHELD = {names!r}\n"
    )
    with open(dest / "__init__.py", "a") as init:
        init.write(
            "\n# Student edition (make student): the functions this chapter's exercises ask\n"
            "# for are the learner's own; see nnlib/course.py.\n"
            "from nnlib._edition import WITHHELD as _WITHHELD\n"
            "from nnlib.course import withhold as _withhold\n\n"
            "_withhold(_WITHHELD)\n"
        )


def unfold_answer_cells(nb) -> None:
    """Unfold the solution cells, which the book folds in JupyterLab: there the learner answers."""
    for cell in nb.cells:
        if cells.is_solution(cell) and "jupyter" in cell.metadata:
            cell.metadata.jupyter.pop("source_hidden", None)
            if not cell.metadata.jupyter:
                del cell.metadata["jupyter"]


INSTALL_MARKER = "# nnlib-install-cell"  # the book's first code cell (tools/sync_install_cell.py)


def student_install_cell(chapter: str) -> str:
    """The student edition's first code cell: it checks for the student edition of nnlib, installs nothing.

    The book's cell installs the full nnlib where none is importable, as on
    Colab; in a student edition that would run nnlib's functions where the
    chapter must run the student's. The student edition of nnlib is the folder
    beside the notebook, so this cell only checks that it is the one imported,
    and says what to do when it is not.
    """
    return f"""{INSTALL_MARKER} (student edition)
# This workbook runs on the student edition of nnlib: the folder nnlib/ that came
# with it, beside this notebook. It leaves the functions of this chapter's
# exercises to you, so it is not the nnlib on PyPI or GitHub, and this cell
# installs nothing: it checks that the edition beside the notebook is the one in use.
import importlib.util

if importlib.util.find_spec("nnlib") is None or importlib.util.find_spec("nnlib._edition") is None:
    raise RuntimeError(
        "This workbook needs the student edition of nnlib, the folder nnlib/ that came with it "
        "({chapter}/nnlib/), in the folder the notebook runs in. "
        + ("No nnlib is installed here. " if importlib.util.find_spec("nnlib") is None else
           "The nnlib found here is the full library, which would run its own functions instead of yours. ")
        + "Open the notebook from its chapter folder (JupyterLab, JupyterHub, or Jupyter on your own machine). "
        "A notebook opened on its own on Colab cannot run: upload the chapter folder too "
        "(for example as a zip, then unzip it and %cd into it), or ask your instructor."
    )"""


def make_source(chapter: str) -> dict[str, str]:
    """Write the course's ``source/<chapter>/`` from ``book/``; return the withheld functions."""
    nb = nbformat.read(folders.BOOK / f"{chapter}.ipynb", as_version=4)
    unfold_answer_cells(nb)
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.source.startswith(INSTALL_MARKER):
            cell.source = student_install_cell(chapter)
    names = withheld(nb)
    banner = nbformat.v4.new_markdown_cell(_banner(names))
    banner.metadata["tags"] = ["student-edition"]
    nb.cells.insert(1, banner)
    folder = folders.COURSE / "source" / chapter
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / f"{chapter}.ipynb")
    student_nnlib(folder / "nnlib", names, chapter)
    return names


def make_student(selected: list[str]) -> None:
    """Generate the student edition of the selected chapters (all with exercises if none)."""
    available = chapters()
    selected = selected or available
    unknown = [c for c in selected if c not in available]
    if unknown:
        sys.exit(f"no exercises in {', '.join(unknown)}; chapters with exercises: {', '.join(available)}")
    folders.setup_course()
    api = folders.nbgrader_api()
    for chapter in selected:
        names = make_source(chapter)
        result = api.generate_assignment(chapter, force=True)
        if not result["success"]:
            log = f"{result.get('log', '')}{result.get('error', '')}"
            sys.exit(f"nbgrader generate_assignment {chapter} failed:\n{log}")
        out = folders.STUDENT / chapter
        if out.exists():
            shutil.rmtree(out)
        shutil.copytree(folders.COURSE / "release" / chapter, out)
        withheld_text = ", ".join(names) if names else "nothing"
        print(f"{chapter}: student edition in {out} (nnlib withholds {withheld_text})")
    found = leaks(folders.STUDENT)
    if found:
        sys.exit("The student edition leaks solutions or hidden tests:\n" + "\n".join(found[:20]))



# ---------------------------------------------------------------- the grading edition


def grading_nnlib(chapter: str) -> Path:
    """Write the chapter's grading edition of nnlib; return its folder.

    It is the student edition with one change: nnlib's own code of each
    withheld function is gone, its body replaced by an error. A submission
    graded in the sandbox therefore cannot hand in nnlib's answer as its own
    (by ``from nnlib.activations import sigmoid``, or any other route): only
    the submission's own code can compute it. The book shows that code, so a
    student may copy it; that is for the instructor to judge, as with any text.
    """
    import nnlib

    names = withheld(nbformat.read(folders.COURSE / "source" / chapter / f"{chapter}.ipynb", as_version=4))
    dest = folders.COURSE / "grading" / chapter / "nnlib"
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(folders.COURSE / "source" / chapter / "nnlib", dest)
    for name, exercise in names.items():
        fn = getattr(nnlib, name)
        module = sys.modules[fn.__module__]
        # Its module's private helpers that it calls do the same work (sigmoid's logistic).
        helpers = [h for h in fn.__code__.co_names if h not in nnlib.__all__
                   and inspect.isfunction(module.__dict__.get(h)) and module.__dict__[h].__module__ == module.__name__]
        path = dest.joinpath(*module.__name__.split(".")[1:]).with_suffix(".py")
        for gone in [name, *helpers]:
            whose = "" if gone == name else f" (which nnlib's {name} uses)"
            _replace_body(path, gone, f"nnlib's own {gone}{whose} is not available while your work is graded: "
                                      f"my_{name} has to compute its answer itself ({exercise})")
    # The checkers compute each right answer and each named slip (to name it): they run in the
    # grader's own process only (judge.py), so the grading edition has none to call. It keeps
    # the functions with a planted bug that exercises hand out (nnlib/exercises.py), which the
    # learner's own code calls.
    shutil.rmtree(dest / "check")
    (dest / "check").mkdir()
    (dest / "check" / "__init__.py").write_text(
        '"""nnlib.check, withheld while work is graded: the grader runs the checks, in its own process."""\n\n'
        "from nnlib.exercises import *  # noqa: F401,F403 (the exercises' functions with a planted bug)\n\n\n"
        "def __getattr__(name):\n"
        "    raise NameError('nnlib.check is not available while your work is graded: '\n"
        "                    'the grader runs the checks itself, on what your functions return')\n")
    # nnlib.fast computes the same steps again, for speed: it goes too, whole.
    taken_over = sorted(set(names) & FAST_DOES)
    if taken_over:
        mine = ", ".join(f"my_{name}" for name in taken_over)
        why = f"nnlib.fast is not available while your work is graded: {mine} has to compute its answer itself"
        shutil.rmtree(dest / "fast")
        (dest / "fast").mkdir()
        (dest / "fast" / "__init__.py").write_text(
            '"""nnlib.fast, withheld while work is graded: it does the work of the functions asked for."""\n\n\n'
            "def __getattr__(name):\n"
            f"    raise NameError({why!r})\n"
        )
    return dest


# The textbook functions whose steps nnlib.fast repeats (its sigmoid, its backward pass, its loop).
FAST_DOES = {"sigmoid", "sigmoid_backward", "forward_prop", "cost_function", "linear_backward",
             "one_layer_backward", "backprop", "update_parameters", "train"}


def _replace_body(path: Path, function: str, message: str) -> None:
    """Rewrite the module at ``path`` so that ``function`` only raises NameError(message)."""
    lines = path.read_text().splitlines()
    node = next(n for n in ast.parse("\n".join(lines)).body if isinstance(n, ast.FunctionDef) and n.name == function)
    first, last = node.body[0].lineno, node.body[-1].end_lineno
    stub = " " * node.body[0].col_offset + f"raise NameError({message!r})"
    path.write_text("\n".join(lines[: first - 1] + [stub] + lines[last:]) + "\n")
