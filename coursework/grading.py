"""Coursework from the chapters: the student edition, and grading with nbgrader.

    python instructor/coursework.py [--build DIR] student [CHAPTER ...]
    python instructor/coursework.py [--build DIR] grade SUBMISSIONS [--timeout SECONDS] [--jobs N]
                                    [--memory GIB] [--time-limit SECONDS] [--unsandboxed]

(``make student`` and ``make grade`` run these; ``--build`` defaults to ``_build``.)

``student`` lays out an nbgrader course in ``_build/course/`` (``source/``
generated from ``book/``, the default SQLite gradebook ``gradebook.db``), runs
``nbgrader generate_assignment`` for each chapter that has exercises and copies
nbgrader's ``release/`` to ``_build/student/``: one folder per chapter with the
workbook (solutions replaced by ``# YOUR CODE HERE``, hidden tests removed) and
the student edition of nnlib, which withholds the functions that the chapter's
exercises ask for (see ``nnlib/course.py``).

``grade`` reads each ``SUBMISSIONS/<student>/<chapter>/<chapter>.ipynb`` as one
regular file, never following a link (intake.py), and writes it afresh into
nbgrader's ``submitted/``; anything else in the folder is skipped and reported,
never copied, and never stops the class. ``--jobs`` worker processes then run
``nbgrader autograde`` and ``nbgrader generate_feedback`` on one submission
each at a time, each submission in a child process of its own under the
grader's own memory and time limits, so that no submission can stop the
grading of the others. nbgrader's Execute step is replaced: the notebook runs
in a sandbox of its own (sandbox.py, runner.py; with a cgroup quota where the
machine allows, quota.py), with the chapter's *grading edition* of nnlib, and
the test cells' points are decided here, by the judge (judge.py), on the
values the submission's functions returned and the arguments as they left
them. The feedback page is sanitised, the student's own markdown shown as
text (publish.py). Then it writes ``_build/course/scores.csv``: one row per
student and chapter with the score (read back from the gradebook), the
maximum, whether it was graded or skipped, the seconds it took, whether it
was sandboxed, the grader's peak memory for it, and the reason for every point
lost (no cell of it readable as a spreadsheet formula).
"""

from __future__ import annotations

import argparse
import ast
import csv
import inspect
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat

import intake
import publish
from judge import python_only

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
COURSE = ROOT / "_build" / "course"  # nbgrader's course folder: the instructor's only
STUDENT = ROOT / "_build" / "student"  # what students get, one folder per chapter
CONFIG = Path(__file__).with_name("nbgrader_config.py")
COURSE_ID = "nn-from-scratch"
MISSING_CELL = "was missing from the submission"  # nbgrader's note on a test cell it put back


# ---------------------------------------------------------------- chapters


def chapters() -> list[str]:
    """The chapter notebooks (names without .ipynb) that have nbgrader cells, in order."""
    return [p.stem for p in sorted(BOOK.glob("[0-9]*.ipynb")) if _has_exercises(p)]


def _has_exercises(path: Path) -> bool:
    nb = json.loads(path.read_text())
    return any("nbgrader" in c.get("metadata", {}) for c in nb["cells"])


def withheld(nb) -> dict[str, str]:
    """nnlib functions that the chapter's exercises ask the learner to write.

    A solution cell that defines ``my_<name>``, where ``<name>`` is a function
    nnlib exports, withholds ``<name>``; its grade_id ``exN_k_solution`` names
    the exercise. Returns e.g. ``{"sigmoid": "Exercise 3.1"}``.
    """
    import nnlib

    found = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or not meta.get("solution"):
            continue
        match = re.fullmatch(r"ex(\d+)_(\d+)_solution", meta.get("grade_id", ""))
        exercise = f"Exercise {match[1]}.{match[2]}" if match else f"the exercise {meta.get('grade_id')}"
        for node in ast.walk(ast.parse(python_only(cell.source))):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("my_"):
                name = node.name[3:]
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
    shutil.copytree(ROOT / "nnlib", dest, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "_edition.py"))
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
        if cell.metadata.get("nbgrader", {}).get("solution") and "jupyter" in cell.metadata:
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
    nb = nbformat.read(BOOK / f"{chapter}.ipynb", as_version=4)
    unfold_answer_cells(nb)
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.source.startswith(INSTALL_MARKER):
            cell.source = student_install_cell(chapter)
    names = withheld(nb)
    banner = nbformat.v4.new_markdown_cell(_banner(names))
    banner.metadata["tags"] = ["student-edition"]
    nb.cells.insert(1, banner)
    folder = COURSE / "source" / chapter
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / f"{chapter}.ipynb")
    student_nnlib(folder / "nnlib", names, chapter)
    return names


def nbgrader_api(timeout: int | None = None, sandboxed_execute: bool = False):
    """nbgrader's Python API on the course folder, configured by its nbgrader_config.py.

    One process for all the work: each nbgrader command started afresh would
    spend some six seconds importing Jupyter before doing anything.
    """
    import logging
    import warnings

    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader

    # nbgrader runs the `alembic` command to check the gradebook's schema: it
    # must find the one beside this Python even when the venv is not activated.
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    config = PyFileConfigLoader("nbgrader_config.py", path=str(COURSE)).load_config()
    config.CourseDirectory.root = str(COURSE)
    config.NbGraderAPI.log_level = "WARN"
    if timeout:
        config.Execute.timeout = timeout
    if sandboxed_execute:
        from nbconvert.preprocessors import ClearMetadataPreprocessor
        from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, IgnorePattern,
                                            LimitOutput, SaveAutoGrades)

        # nbgrader's own steps, except that the notebook runs in its sandbox and the judge scores it.
        config.Autograde.autograde_preprocessors = [
            _sandboxed_execute_class(), IgnorePattern, ClearMetadataPreprocessor, LimitOutput,
            SaveAutoGrades, AssignLatePenalties, CheckCellMetadata]
        from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
        from nbgrader.preprocessors import GetGrades

        config.GenerateFeedback.preprocessors = [GetGrades, _quote_markdown_class(), CSSHTMLHeaderPreprocessor]
    api = NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)
    logging.getLogger("traitlets").setLevel(logging.ERROR)
    # nbgrader's gradebook warns (SQLAlchemy) when it records a submission it could not grade.
    warnings.filterwarnings("ignore", module="nbgrader")
    return api


def setup_course() -> None:
    COURSE.mkdir(parents=True, exist_ok=True)
    shutil.copy(CONFIG, COURSE / "nbgrader_config.py")


def make_student(selected: list[str]) -> None:
    """Generate the student edition of the selected chapters (all with exercises if none)."""
    available = chapters()
    selected = selected or available
    unknown = [c for c in selected if c not in available]
    if unknown:
        sys.exit(f"no exercises in {', '.join(unknown)}; chapters with exercises: {', '.join(available)}")
    setup_course()
    api = nbgrader_api()
    for chapter in selected:
        names = make_source(chapter)
        result = api.generate_assignment(chapter, force=True)
        if not result["success"]:
            log = f"{result.get('log', '')}{result.get('error', '')}"
            sys.exit(f"nbgrader generate_assignment {chapter} failed:\n{log}")
        out = STUDENT / chapter
        if out.exists():
            shutil.rmtree(out)
        shutil.copytree(COURSE / "release" / chapter, out)
        withheld_text = ", ".join(names) if names else "nothing"
        print(f"{chapter}: student edition in {out} (nnlib withholds {withheld_text})")
    found = leaks(STUDENT)
    if found:
        sys.exit("The student edition leaks solutions or hidden tests:\n" + "\n".join(found[:20]))


# ---------------------------------------------------------------- leaks

REGIONS = [("### BEGIN SOLUTION", "### END SOLUTION"), ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")]
GRADING_FILES = {"gradebook.db", "nbgrader_config.py", "scores.csv", "source", "submitted", "autograded",
                 "feedback", "logs"}


def secret_lines() -> dict[str, str]:
    """Lines of the book's solution and hidden-test regions that nothing public contains.

    Public: every line of the chapters outside those regions, and nnlib's
    source, which the book shows anyway. Returns line -> where it comes from.
    """
    secret, public = {}, set()
    for path in sorted(BOOK.glob("*.ipynb")):
        for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
            inside = None
            for line in cell.source.splitlines():
                text = line.strip()
                begins = [end for begin, end in REGIONS if text == begin]
                if inside is None and begins:
                    inside = begins[0]
                elif inside is not None and text == inside:
                    inside = None
                elif inside is not None:
                    if text:
                        secret.setdefault(text, f"{path.stem} cell {index}")
                else:
                    public.add(text)
    for path in (ROOT / "nnlib").rglob("*.py"):
        public.update(line.strip() for line in path.read_text().splitlines())
    return {line: where for line, where in secret.items() if line not in public}


def leaks(student: Path) -> list[str]:
    """Everything in a student edition that should not be there: secret lines and grading files."""
    secret = secret_lines()
    found = []
    for path in sorted(student.rglob("*")):
        where = path.relative_to(student)
        if path.name in GRADING_FILES:
            found.append(f"{where}: grading files belong in the course folder only")
        if not path.is_file():
            continue
        if path.suffix == ".ipynb":
            cells = nbformat.read(path, as_version=4).cells
            lines = [(f"cell {i}", l) for i, c in enumerate(cells) for l in c.source.splitlines()]
        else:
            try:
                lines = [("", l) for l in path.read_text().splitlines()]
            except UnicodeDecodeError:
                continue
        for place, line in lines:
            if line.strip() in secret:
                found.append(f"{where} {place}: {line.strip()!r} (from {secret[line.strip()]})")
            elif any(marker in line for pair in REGIONS for marker in pair):
                found.append(f"{where} {place}: an nbgrader marker, {line.strip()!r}")
    return found


# ---------------------------------------------------------------- grading


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

    names = withheld(nbformat.read(COURSE / "source" / chapter / f"{chapter}.ipynb", as_version=4))
    dest = COURSE / "grading" / chapter / "nnlib"
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(COURSE / "source" / chapter / "nnlib", dest)
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


def font_list() -> Path:
    """matplotlib's list of the machine's fonts, made once, so that no sandbox has to scan them."""
    folder = COURSE / "grading" / "matplotlib"
    if not any(folder.glob("fontlist-*.json")):
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"], check=True,
                       env=dict(os.environ, MPLCONFIGDIR=str(folder)), capture_output=True)
    return folder


# A worker grades one submission at a time; `make grade JOBS=N` starts N of them.
_WORKER: dict = {}


def _start_worker(slots, course: str, timeout: int | None, limits, sandboxed: bool, quota,
                  grader_limits: dict) -> None:
    global COURSE
    COURSE = Path(course)
    _WORKER.update(slot=slots.get(), limits=limits, sandboxed=sandboxed, plans={}, info={}, quota=quota,
                   grader=grader_limits, count=0, public_markdown={})
    _WORKER["api"] = nbgrader_api(timeout, sandboxed_execute=True)


def _plan(chapter: str):
    import judge

    if chapter not in _WORKER["plans"]:
        source = nbformat.read(COURSE / "source" / chapter / f"{chapter}.ipynb", as_version=4)
        _WORKER["plans"][chapter] = judge.plan(source)
    return _WORKER["plans"][chapter]


def _sandboxed_execute_class():
    """nbgrader's Execute step, replaced: run the notebook in its sandbox, then judge it here."""
    from nbgrader.preprocessors import NbGraderPreprocessor

    import judge
    import sandbox

    class SandboxedExecute(NbGraderPreprocessor):
        def preprocess(self, nb, resources):
            student, chapter = resources["nbgrader"]["student"], resources["nbgrader"]["assignment"]
            plan = _plan(chapter)
            limits = _WORKER["limits"]
            for cell in nb.cells:  # the mark of the grader's own cell is not the submission's to set
                cell.metadata.pop("nnlib_grader", None)
            job_nb = nbformat.from_dict(json.loads(json.dumps(nb)))
            skip = []
            for index, cell in enumerate(job_nb.cells):
                if cell.cell_type == "code":
                    cell.outputs, cell.execution_count = [], None
                if judge.is_test_cell(cell):
                    skip.append(index)  # test cells are judged here, not run there
                    cell.source = judge.HIDDEN_SOURCE if judge.is_hidden_cell(cell) else cell.source
            job = {"notebook": job_nb, "notebook_name": f"{chapter}.ipynb", "skip": skip,
                   "request": plan.request(limits.cell_timeout)}
            group = _WORKER["quota"].group(f"s{_WORKER['slot']}-{_WORKER['count']}", limits.submission_memory,
                                           limits.cpus, limits.processes) if _WORKER["quota"] else None
            try:
                result = sandbox.run(job, COURSE / "grading" / chapter / "nnlib", limits,
                                     slot=_WORKER["slot"], sandboxed=_WORKER["sandboxed"], group=group)
            finally:
                if group is not None:
                    peak = group.peak_memory()
                    group.remove()
                    _WORKER["sandbox_peak"] = peak
            failed = result.get("failed", "")
            verdicts = judge.judge(plan, result.get("answers", []), unavailable=_no_answers(result))
            outputs = result.get("outputs", {})
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code":
                    continue
                if judge.is_test_cell(cell):
                    verdict = verdicts[cell.metadata["nbgrader"]["grade_id"]]
                    cell.outputs = [nbformat.from_dict(o) for o in verdict.outputs]
                    if judge.is_hidden_cell(cell):
                        cell.source = judge.HIDDEN_SOURCE  # the feedback shows verdicts, not tests
                else:
                    cell.outputs = [nbformat.from_dict(o) for o in _inert(outputs.get(str(index), []))]
                    cell.execution_count = result.get("execution_counts", {}).get(str(index))
            if failed:
                nb.cells.insert(0, nbformat.v4.new_markdown_cell(f"**Grading stopped this notebook:** {failed}."))
                nb.cells[0].metadata["nnlib_grader"] = True  # the grader's words, rendered as markdown
            _WORKER["info"][student, chapter] = {"failed": failed, "notes": result.get("notes", []),
                                                 "log": result.get("log", "")}
            return nb, resources

    return SandboxedExecute


# Outputs that would run in the browser of whoever opens the notebook or its feedback.
SCRIPT_TYPES = ("application/javascript", "text/javascript", "application/x-javascript",
                "application/vnd.jupyter.widget-view+json", "application/vnd.jupyter.widget-state+json")


def _inert(outputs: list) -> list:
    """The outputs without their script parts (the feedback page is sanitised again as a whole)."""
    kept = []
    for output in outputs:
        if not isinstance(output, dict):
            continue
        data = output.get("data")
        if isinstance(data, dict):
            data = {k: v for k, v in data.items() if k not in SCRIPT_TYPES}
            if not data:
                continue
            output = dict(output, data=data)
        kept.append(output)
    return kept


def _quote_markdown_class():
    """nbgrader's feedback step, with each markdown cell the student wrote shown as literal text.

    A markdown cell as the chapter has it renders as usual; one the student
    changed or added is shown in a fenced block, which the renderer reads in
    linear time (nested brackets would take it quadratic time) and which
    renders no HTML of the student's.
    """
    from nbgrader.preprocessors import NbGraderPreprocessor

    class QuoteStudentMarkdown(NbGraderPreprocessor):
        def preprocess(self, nb, resources):
            chapter = resources["nbgrader"]["assignment"]
            public = _public_markdown(chapter)
            for cell in nb.cells:
                if cell.cell_type == "markdown" and cell.source not in public \
                        and not cell.metadata.get("nnlib_grader"):
                    cell.source = publish.quote_markdown(cell.source)
                    cell.attachments = {}
                elif cell.cell_type == "raw":
                    cell.source = publish.quote_markdown(cell.source)
                    cell.cell_type = "markdown"
                    cell.pop("attachments", None)
            return nb, resources

    return QuoteStudentMarkdown


def _public_markdown(chapter: str) -> set:
    cache = _WORKER.setdefault("public_markdown", {})
    if chapter not in cache:
        nb = nbformat.read(COURSE / "release" / chapter / f"{chapter}.ipynb", as_version=4)
        cache[chapter] = {c.source for c in nb.cells if c.cell_type == "markdown"}
    return cache[chapter]


def _no_answers(result: dict) -> str:
    if result.get("failed"):
        return result["failed"]
    dead = [n for n in result.get("notes", []) if "kernel died" in n]
    return dead[0] if dead else ""


def _grade_one(pair: tuple[str, str]) -> dict:
    """Grade one submission in a child of this worker, under the grader's own limits.

    The child (a fork, so nbgrader is imported already) reads the submission,
    runs it in its sandbox, judges it, writes the graded notebook and renders
    the feedback, with at most ``grader["memory"]`` bytes of address space more
    than the worker holds and ``grader["seconds"]`` seconds; past either, the
    submission scores 0 with the reason, and the class goes on.
    """
    import resource

    student, chapter = pair
    _plan(chapter)  # planned once per worker, before the fork
    _public_markdown(chapter)
    _WORKER["count"] += 1  # names the submission's cgroup
    limits = _WORKER["grader"]
    start = time.perf_counter()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read_end)
        code = 1
        try:
            soft, hard = resource.getrlimit(resource.RLIMIT_AS)
            # The soft limit only: the sandbox (prlimit) sets its own.
            resource.setrlimit(resource.RLIMIT_AS, (_address_space() + limits["memory"], hard))
            row = _grade_here(student, chapter, start)
            data = json.dumps(row).encode()
            code = 0
        except BaseException as error:  # noqa: BLE001 - reported as the row's reason
            data = json.dumps({"error": publish.error_text(type(error).__name__, str(error), 200)}).encode()
        finally:
            try:
                with os.fdopen(write_end, "wb") as pipe:
                    pipe.write(data)
            finally:
                os._exit(code)
    os.close(write_end)
    data, timed_out = _read_child(read_end, pid, limits["seconds"])
    _, status, usage = os.wait4(pid, 0)
    seconds = time.perf_counter() - start
    peak_mb = round(usage.ru_maxrss / 1024)  # KiB on Linux
    try:
        row = json.loads(data) if data else {}
    except ValueError:
        row = {}
    if "student" not in row:
        if timed_out:
            why = f"the grader's own work on it passed its {limits['seconds']} s limit and was stopped"
        elif row.get("error") or os.WIFSIGNALED(status):
            why = f"the grader could not finish it ({row.get('error') or 'killed'}; limit " \
                  f"{limits['memory'] / GiB:g} GiB of memory for its work)"
        else:
            why = "the grader could not finish it"
        row = {"student": student, "chapter": chapter, "max_score": _max_score(chapter), "score": 0.0,
               "reason": why, "status": "failed"}
    row.update(seconds=round(seconds, 1), grader_mb=peak_mb,
               sandboxed="yes" if _WORKER["sandboxed"] else "NO (UNSANDBOXED=1)")
    return row


GiB = 1024**3


def _address_space() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _read_child(fd: int, pid: int, seconds: float) -> tuple[bytes, bool]:
    """What the child wrote (at most 1 MB: one row), or b'' and True when it ran out of time."""
    import select
    import signal

    chunks, size, deadline = [], 0, time.monotonic() + seconds
    try:
        while size < 1024**2:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                os.kill(pid, signal.SIGKILL)
                return b"", True
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    finally:
        os.close(fd)
    return b"".join(chunks), False


def _grade_here(student: str, chapter: str, start: float) -> dict:
    """Autograde and feedback of one submission, in the process that calls it (the child)."""
    api = _WORKER["api"]
    result = api.autograde(chapter, student, force=True)
    feedback = api.generate_feedback(chapter, student, force=True)
    page = COURSE / "feedback" / student / chapter / f"{chapter}.html"
    if page.is_file() and not page.is_symlink():
        page.write_text(publish.sanitise_page(page.read_text(errors="replace")))
    seconds = time.perf_counter() - start
    logs = COURSE / "logs"
    info = _WORKER["info"].pop((student, chapter), {})
    for name, r in (("autograde", result), ("feedback", feedback)):
        text = r.get("log", "") + r.get("error", "") + (info.get("log", "") if name == "autograde" else "")
        (logs / f"{name}-{student}-{chapter}.log").write_text(text)
    row = score_row(student, chapter, result, seconds, info)
    row["status"] = "graded"
    if _WORKER.get("sandbox_peak"):
        row["sandbox_mb"] = round(_WORKER["sandbox_peak"] / 1024**2)
    return row


FIELDS = ["student", "chapter", "score", "max_score", "status", "seconds", "sandboxed", "grader_mb", "reason"]


def grade(folder: Path, timeout: int | None, jobs: int | None = None, limits=None, sandboxed: bool = True,
          max_bytes: int = intake.MAX_BYTES, grader_limits: dict | None = None) -> Path:
    """Autograde every submission in ``folder``; write scores.csv and the feedback; return the CSV.

    Each ``<student>/<chapter>/<chapter>.ipynb`` is read as one regular file
    (intake.py) and written afresh into the course; whatever else the folder
    holds is skipped, and said so on the console and in scores.csv.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    import quota as quotas
    import sandbox

    folder = folder.resolve()
    if not folder.is_dir():
        sys.exit(f"no folder {folder}: expected {folder}/<student>/<chapter>/<chapter>.ipynb")
    entries = intake.read_class(folder, chapters(), max_bytes)
    for entry in entries:
        if entry.data is not None and not _safe_student(entry):
            entry.data, entry.skipped = None, ("the folder's name has * ? [ or ] (or unprintable characters), "
                                               "which nbgrader reads as a pattern: rename the folder to grade it")
    pairs = [(e.student, e.chapter) for e in entries if e.data is not None]
    skipped = [e for e in entries if e.data is None]
    for entry in skipped:
        print(f"skipped {_shown(entry.student)}/{_shown(entry.chapter)}: {entry.skipped}", flush=True)
    if not pairs and not skipped:
        sys.exit(f"no submissions in {folder}: expected {folder}/<student>/<chapter>/<chapter>.ipynb")
    limits = limits or sandbox.Limits()
    grader_limits = grader_limits or {"memory": 2 * GiB, "seconds": max(900, 2 * limits.seconds)}
    if timeout:
        limits.cell_timeout = timeout
    if sandboxed:
        try:
            sandbox.check_sandbox()
        except sandbox.SandboxMissing as missing:
            sys.exit(str(missing))
    else:
        print("UNSANDBOXED=1: the submissions' code runs with your rights, unconfined; "
              "every row of scores.csv says so.")
    setup_course()
    for chapter in sorted({c for _, c in pairs}):
        if not (COURSE / "release" / chapter).exists():
            make_student([chapter])
        grading_nnlib(chapter)
    font_list()
    by_pair = {(e.student, e.chapter): e for e in entries}
    for student, chapter in pairs:
        target = COURSE / "submitted" / student / chapter
        if target.exists() or target.is_symlink():
            shutil.rmtree(target) if not target.is_symlink() else target.unlink()
        intake.write_fresh(by_pair[student, chapter].data, target, f"{chapter}.ipynb")
        by_pair[student, chapter].data = None  # written; the worker reads the course's copy
    (COURSE / "logs").mkdir(exist_ok=True)
    rows = [_skipped_row(e) for e in skipped]
    run_name = f"nnlib-grade-{os.getpid()}-{time.time_ns() % 10**9}"
    quota = quotas.detect(run_name) if sandboxed else quotas.Quota(why_not="UNSANDBOXED=1")
    if sandboxed:
        print(f"Limits per submission: {_limits_text(limits, grader_limits)}; "
              f"{quota.describe(limits.submission_memory, limits.cpus, limits.processes)}.", flush=True)
    else:
        print(f"Limits per submission: none on its code (UNSANDBOXED=1: no sandbox, no cgroup quota); "
              f"the grader's own work {grader_limits['memory'] / GiB:g} GiB and {grader_limits['seconds']} s.",
              flush=True)
    if sandboxed and not quota.version:
        print("WARNING: without a cgroup, a submission may use its per-process limits in each of its "
              f"{limits.processes} processes.", flush=True)
    jobs = max(1, min(jobs or os.cpu_count() or 1, max(1, len(pairs)), sandbox.MAX_JOBS))
    # Each grader worker's BLAS on one thread: the workers are the parallelism (and each thread's
    # buffers would count against the grader's own memory limit).
    os.environ.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    context = multiprocessing.get_context("spawn")
    slots = context.Queue()
    # Each job's sandboxes get a uid of their own (sandbox.FIRST_UID + slot), which also keeps two
    # grading runs on one machine from counting each other's processes.
    first_slot = (os.getpid() % 100_000) * sandbox.MAX_JOBS
    for slot in range(jobs):
        slots.put(first_slot + slot)
    try:
        if pairs:
            with ProcessPoolExecutor(jobs, context, _start_worker,
                                     (slots, str(COURSE), timeout, limits, sandboxed, quota, grader_limits)) as pool:
                for done in as_completed([pool.submit(_grade_one, pair) for pair in pairs]):
                    row = done.result()
                    ignored = by_pair[row["student"], row["chapter"]].ignored
                    if ignored:
                        row["reason"] += f" (left alone beside the notebook: {', '.join(ignored)[:200]})"
                    rows.append(row)
                    print(f"{_shown(row['student']):>16} {row['chapter']}: {row['score']:g}/{row['max_score']:g} "
                          f"in {row['seconds']:.1f} s (grader {row.get('grader_mb', '?')} MB)  "
                          f"{publish.message(row['reason'], 300)}", flush=True)
    finally:
        quota.close()
    out = write_scores(rows)
    print(f"Scores: {out}\nFeedback: {COURSE / 'feedback'}/<student>/<chapter>/<chapter>.html")
    return out


def _limits_text(limits, grader: dict) -> str:
    return (f"per process {limits.memory / GiB:g} GiB, {limits.processes} processes, {limits.seconds} s of CPU; "
            f"{limits.seconds} s per notebook, {limits.cell_timeout} s per cell; output kept "
            f"{limits.output_cap / 1024**2:g} MiB per cell, {limits.notebook_output_cap / 1024**2:g} MiB per notebook; "
            f"the grader's own work {grader['memory'] / GiB:g} GiB and {grader['seconds']} s")


# nbgrader finds a submission by a file pattern with the student's name in it.
_PATTERN_CHARACTERS = set("*?[]")


def _safe_student(entry) -> bool:
    return not (set(entry.student) & _PATTERN_CHARACTERS) and entry.student.isprintable()


def _skipped_row(entry) -> dict:
    why = entry.skipped
    max_score = _max_score(entry.chapter) if entry.chapter in chapters() and \
        (COURSE / "source" / entry.chapter).exists() else ""
    return {"student": entry.student, "chapter": entry.chapter, "score": 0.0, "max_score": max_score,
            "seconds": 0.0, "sandboxed": "", "status": "skipped", "reason": "skipped: " + why}


def _shown(name: str) -> str:
    """A name as the console shows it: no control characters, not too long."""
    return publish.message(name, 60, opaque=False)


def write_scores(rows: list[dict]) -> Path:
    """Write scores.csv: this run's rows, and the earlier rows of submissions not graded again.

    Every score is read back from the gradebook, so the two always agree.
    """
    from nbgrader.api import Gradebook, MissingEntry

    out = COURSE / "scores.csv"
    table = {}
    if out.exists():
        with open(out, newline="") as f:
            table = {(r["student"], r["chapter"]): r for r in
                     ({k: publish.csv_value(v or "") for k, v in r.items() if k} for r in csv.DictReader(f))}
    table.update({(r["student"], r["chapter"]): r for r in rows})
    with Gradebook(f"sqlite:///{COURSE / 'gradebook.db'}", COURSE_ID) as gb:
        for (student, chapter), row in table.items():
            if row.get("status") == "skipped":
                row["score"] = 0.0  # nothing of it was graded, whatever the gradebook holds from before
                continue
            try:
                row["score"] = float(gb.find_submission(chapter, student).score)
            except MissingEntry:
                row["score"] = 0.0
    # Every cell quoted, and none that a spreadsheet would read as a formula (OWASP).
    with open(out, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=FIELDS, extrasaction="ignore", quoting=csv.QUOTE_ALL)
        writer.writeheader()
        writer.writerows({k: publish.csv_cell(v) for k, v in table[key].items()} for key in sorted(table))
    return out


def score_row(student: str, chapter: str, result, seconds: float, info: dict) -> dict:
    """Score and reasons for one submission, from the gradebook and the autograded notebook."""
    from nbgrader.api import Gradebook, MissingEntry

    max_score = _max_score(chapter)
    submitted = COURSE / "submitted" / student / chapter / f"{chapter}.ipynb"
    graded = COURSE / "autograded" / student / chapter / f"{chapter}.ipynb"
    row = {"student": student, "chapter": chapter, "max_score": max_score, "seconds": round(seconds, 1)}
    if not submitted.exists():
        return row | {"score": 0.0, "reason": f"no {chapter}.ipynb in the submission"}
    if not result["success"] or not graded.exists():
        return row | {"score": 0.0, "reason": "could not be graded: " + _failure(submitted, result)}
    with Gradebook(f"sqlite:///{COURSE / 'gradebook.db'}", COURSE_ID) as gb:
        try:
            score = gb.find_submission(chapter, student).score
        except MissingEntry:
            score = 0.0
    nb = nbformat.read(graded, as_version=4)
    reasons = _reasons(nb)
    if info.get("failed"):
        reasons.insert(0, info["failed"])
    reasons += [n for n in info.get("notes", []) if "kernel died" in n]
    reason = "; ".join(reasons) or "all tests passed"
    return row | {"score": float(score), "reason": reason if len(reason) < 2000 else reason[:1999] + "…"}


def _max_score(chapter: str) -> float:
    nb = nbformat.read(COURSE / "source" / chapter / f"{chapter}.ipynb", as_version=4)
    return float(sum(c.metadata["nbgrader"].get("points", 0) for c in nb.cells
                     if c.metadata.get("nbgrader", {}).get("grade")))


def _failure(submitted: Path, result) -> str:
    if submitted.stat().st_size == 0:
        return "the notebook file is empty (0 bytes)"
    text = result.get("log", "") + result.get("error", "")
    errors = re.findall(r"^\s*(\w*(?:Error|Exception)\w*): (.*)$", text, flags=re.M)
    return publish.error_text(*errors[-1]) if errors else "nbgrader failed; see the log in _build/course/logs"


def _reasons(nb) -> list[str]:
    """One reason per test cell that lost points, and the first error in the learner's cells."""
    from nbgrader.utils import determine_grade

    reasons = []
    first_error = None
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code":
            continue
        error = next((o for o in cell.get("outputs", []) if o.output_type == "error"), None)
        if meta.get("solution") and error is not None and first_error is None:
            first_error = f"{meta['grade_id']}: {_error_text(error)}"
        if not meta.get("grade"):
            continue
        score, max_score = determine_grade(cell)
        deleted = MISSING_CELL in cell.source
        if score is None or (score >= max_score and not deleted):
            continue
        # A test cell's error is the judge's verdict, whose parts from the submission are cut already.
        why = "passed" if score >= max_score else _error_text(error, verdict=True) if error is not None \
            else _failed_lines(cell)
        if deleted:
            why = "this test cell had been deleted; nbgrader put it back and ran it: " + why
        reasons.append(f"{meta['grade_id']} {score:g}/{max_score:g}: {why}")
    if first_error and reasons:
        reasons.insert(0, first_error)
    return reasons


def _error_text(error, verdict: bool = False) -> str:
    if error.ename == "CellTimeoutError":
        return "timed out (no answer before the per-cell time limit)"
    if error.ename == "KeyboardInterrupt":
        return "timed out (interrupted at the per-cell time limit)"
    if error.ename == "MemoryError" and not str(error.evalue).strip():
        return "MemoryError: out of memory (above the grading limit per process)"
    if verdict:
        return f"{error.ename}: {publish.message(error.evalue, 600, opaque=False)}"
    return publish.error_text(error.ename, error.evalue)


def _failed_lines(cell) -> str:
    text = "".join(o.get("text", "") for o in cell.get("outputs", []) if o.output_type == "stream")
    failed = [publish.message(line, 300) for line in text.splitlines() if line.startswith("FAILED")]
    return " ".join(failed) or "partial credit"


def main(argv: list[str] | None = None) -> None:
    global COURSE, STUDENT
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", type=Path, default=ROOT / "_build",
                        help="folder for course/ and student/ (default: _build)")
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("student", help="write the student edition into _build/student/")
    s.add_argument("chapters", nargs="*", help="e.g. 03_sigmoid (default: every chapter with exercises)")
    g = sub.add_parser("grade", help="autograde a folder of submissions")
    g.add_argument("submissions", type=Path, help="SUBMISSIONS/<student>/<chapter>/<chapter>.ipynb")
    g.add_argument("--timeout", type=int, default=None, help="seconds per cell (default: 60)")
    g.add_argument("--jobs", type=int, default=None, help="submissions graded at once (default: one per core)")
    g.add_argument("--memory", type=float, default=2, help="GiB of memory per process of a submission (default: 2)")
    g.add_argument("--time-limit", type=int, default=600, help="seconds for a whole notebook (default: 600)")
    g.add_argument("--unsandboxed", action="store_true",
                   help="run the submissions without a sandbox, with your rights (scores.csv says so)")
    args = parser.parse_args(argv)
    COURSE, STUDENT = args.build.resolve() / "course", args.build.resolve() / "student"
    if args.command == "student":
        make_student(args.chapters)
    else:
        import sandbox

        limits = sandbox.Limits(memory=int(args.memory * sandbox.GiB), seconds=args.time_limit)
        grade(args.submissions, args.timeout, args.jobs, limits, sandboxed=not args.unsandboxed)


if __name__ == "__main__":
    main()
