"""The learner's workbooks: their own copies of the chapters, opened by `make lab`.

    python -m coursework workbooks [--folder DIR] create [CHAPTER ...]   # missing workbooks only
    python -m coursework workbooks [--folder DIR] reset CHAPTER [--yes]   # a fresh copy of one chapter
    python -m coursework workbooks [--folder DIR] lab [JUPYTERLAB OPTIONS]

(``make lab`` and ``make workbook`` run these; ``--folder`` defaults to ``workbooks/``,
which git ignores.)

A workbook is a chapter of ``book/`` made into an exercise book, as the student
edition makes it (editions.py): nbgrader, configured by
``nbgrader_config.py``, replaces each solution by the same stub
(``# YOUR CODE HERE`` / ``raise NotImplementedError()``) and clears the hidden
tests; their cells are then left out, since nothing grades a workbook. Unlike
the student edition, a workbook runs on nnlib's own functions, as the book
does, so every cell above the exercises runs whether or not they are done. Each
exercise's cells are tagged ``raises-exception``: until it is answered, its check
says so, and Run All goes on to the next exercise. Our solution follows each
check in a folded raw cell (``source_hidden`` for JupyterLab, ``hide-input``
for the book): one click away, and Run All neither runs nor unfolds it. The
book's own checks (cells tagged ``remove-cell``) keep the fold that
``tools/fold_solutions.py`` gives them in ``book/``: JupyterLab shows their
first line, the label, and Run All runs them.

``create`` writes only workbooks that do not exist yet, so the learner's work
survives ``git pull``, ``make book`` and every later ``make lab``; it says
which workbooks' chapters have changed in ``book/`` since they were made.
``reset`` replaces one workbook (after asking, unless ``--yes``), keeping the
old one in ``workbooks/backups/``.

``lab`` runs JupyterLab on the workbooks, as a learner's JupyterLab: nbgrader's
instructor menu and sidebar are disabled for this server only (by the config
in ``learner_jupyter/`` beside this module, added to JUPYTER_CONFIG_PATH), ``--allow-root``
is added when run as root, and JupyterLab's own JUPYTER_PORT and JUPYTER_TOKEN
are honoured (nothing here sets a port or a token).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import sys
import time
from pathlib import Path

import nbformat

from . import cells as vocabulary
from . import editions, folders, leaks
from .cells import SOLUTION_MARKERS, exercise_name, prefix as _prefix

ROOT = folders.ROOT
BOOK = folders.BOOK
WORKBOOKS = ROOT / "workbooks"
# Added to JUPYTER_CONFIG_PATH for the learner's server: disables nbgrader's lab
# and server extensions there, and nowhere else.
LEARNER_CONFIG = Path(__file__).resolve().with_name("learner_jupyter")
META = "nnlib_workbook"  # notebook and cell metadata written by this tool


def chapters() -> list[str]:
    """Every notebook of the book: the chapters in order, then the appendices (names without .ipynb)."""
    return [p.stem for p in sorted(BOOK.glob("[0-9a]*.ipynb"))]


def _nbgrader_clear(nb):
    """Solutions -> the student edition's stub, hidden tests cleared: nbgrader's own preprocessors."""
    from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader(folders.CONFIG.name, path=str(folders.CONFIG.parent)).load_config()
    resources: dict = {}
    nb, resources = ClearSolutions(config=config).preprocess(nb, resources)
    nb, resources = ClearHiddenTests(config=config).preprocess(nb, resources)
    return nb


def _only_comments(source: str) -> bool:
    return all(not line.strip() or line.lstrip().startswith("#") for line in source.splitlines())


def folded_solution(grade_id: str, source: str):
    """A raw cell showing the book's solution, folded in JupyterLab and in the book.

    Raw, because Run All leaves a raw cell alone: it would unfold a markdown
    cell (JupyterLab shows the source of a markdown cell it runs), and running
    a code cell would put our answer in place of the learner's.
    """
    code = vocabulary.without_markers(source)
    cell = nbformat.v4.new_raw_cell(
        f"Our solution to {exercise_name(grade_id)} (text only: Run All never runs it)\n\n{code}"
    )
    cell.id = f"solution-{_prefix(grade_id)}".replace("_", "-")
    cell.metadata["tags"] = [vocabulary.HIDE_INPUT]
    cell.metadata["jupyter"] = {"source_hidden": True}
    cell.metadata[META] = {"solution_of": _prefix(grade_id)}
    return cell


def _banner(chapter: str, exercises: list[str]):
    text = (
        "> **Your workbook.** This is your own copy of the chapter, in `workbooks/`: edit it as you "
        "like; `git pull` and `make book` never touch it. Its cells run nnlib's functions, as the "
        "book does, so everything above the exercises runs whether or not you have done them."
    )
    if exercises:
        text += (
            f"\n>\n> **The exercises** ({', '.join(exercises)}) are at the end. In each, replace "
            "`# YOUR CODE HERE` and `raise NotImplementedError()` with your answer and run the check "
            "below it. Until then, the exercise's cells say it is not done yet, and Run All goes on "
            "past them. Our solution is folded away after each check: click its `···` to unfold it."
        )
    text += (
        "\n>\n> **The book's own checks** are folded: each shows one line, such as `# Checks that the "
        "text's numbers hold: ...`, and a `···` to click. Run All runs them as it runs every other cell."
    )
    text += f"\n>\n> To start this chapter afresh: `make workbook CHAPTER={chapter} RESET=1`."
    cell = nbformat.v4.new_markdown_cell(text)
    cell.id = "workbook-note"
    cell.metadata[META] = {"note": True}
    return cell


def secret_solution_lines(chapter: str) -> set[str]:
    """Lines of the chapter's solutions that nothing public shows (stripped): what must stay folded."""
    secret = leaks.secret_lines()
    lines = set()
    for cell in nbformat.read(BOOK / f"{chapter}.ipynb", as_version=4).cells:
        inside = False
        for line in cell.source.splitlines():
            text = line.strip()
            if text in SOLUTION_MARKERS:
                inside = text == SOLUTION_MARKERS[0]
            elif inside and text in secret:
                lines.add(text)
    return lines


def book_hash(chapter: str) -> str:
    return hashlib.sha256((BOOK / f"{chapter}.ipynb").read_bytes()).hexdigest()


def make_workbook(chapter: str):
    """The workbook of one chapter, from book/<chapter>.ipynb."""
    nb = nbformat.read(BOOK / f"{chapter}.ipynb", as_version=4)
    solutions = {vocabulary.grade_id(c): c.source for c in nb.cells
                 if c.cell_type == "code" and vocabulary.is_solution(c)}
    editions.unfold_answer_cells(nb)
    nb = _nbgrader_clear(nb)
    checks = {_prefix(vocabulary.grade_id(c)) for c in nb.cells
              if vocabulary.is_graded(c) and not _only_comments(c.source)}
    kept = []
    for cell in nb.cells:
        graded, solution = vocabulary.is_graded(cell), vocabulary.is_solution(cell)
        if graded and _only_comments(cell.source):
            continue  # a hidden-test cell, emptied by nbgrader: it only runs when work is graded
        if solution or graded:
            # The learner's answer and its check: they raise until the exercise is done.
            vocabulary.set_tag(cell, vocabulary.HIDE_INPUT, False)
            vocabulary.set_tag(cell, vocabulary.RAISES_EXCEPTION, True)
        kept.append(cell)
        grade_id = vocabulary.grade_id(cell)
        prefix = _prefix(grade_id)
        if (graded and grade_id == f"{prefix}_check") or (solution and prefix not in checks):
            kept.append(folded_solution(f"{prefix}_solution", solutions[f"{prefix}_solution"]))
    exercises = [exercise_name(g) for g in solutions]
    kept.insert(1 if kept and kept[0].cell_type == "markdown" else 0, _banner(chapter, exercises))
    nb.cells = kept
    nb.metadata[META] = {"chapter": chapter, "book_sha256": book_hash(chapter)}
    return nb


def create(selected: list[str], folder: Path) -> tuple[list[str], list[str]]:
    """Write the workbooks that do not exist yet; return (created, changed in the book since)."""
    folder.mkdir(parents=True, exist_ok=True)
    created, stale = [], []
    for chapter in selected:
        path = folder / f"{chapter}.ipynb"
        if not path.exists():
            nbformat.write(make_workbook(chapter), path)
            created.append(chapter)
            continue
        try:
            made_from = nbformat.read(path, as_version=4).metadata.get(META, {}).get("book_sha256")
        except Exception:  # the learner's file, in whatever state: leave it be
            made_from = None
        if made_from != book_hash(chapter):
            stale.append(chapter)
    return created, stale


def reset(chapter: str, folder: Path, yes: bool) -> Path | None:
    """Replace one workbook by a fresh copy; the old one goes to backups/. None if declined."""
    path = folder / f"{chapter}.ipynb"
    if path.exists():
        if not yes:
            if not sys.stdin.isatty():
                sys.exit(f"{path} exists; to replace it with a fresh copy (yours is kept in "
                         f"{folder / 'backups'}), run: make workbook CHAPTER={chapter} RESET=1 YES=1")
            answer = input(f"Replace your workbook {path} with a fresh copy? "
                           f"Yours goes to {folder / 'backups'}/. [y/N] ")
            if answer.strip().lower() not in ("y", "yes"):
                print("Kept your workbook.")
                return None
        backups = folder / "backups"
        backups.mkdir(parents=True, exist_ok=True)
        backup = backups / f"{chapter}-{time.strftime('%Y%m%d-%H%M%S')}.ipynb"
        shutil.move(path, backup)
        print(f"Your old workbook: {backup}")
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(make_workbook(chapter), path)
    print(f"A fresh workbook: {path}")
    return path


def lab_environment(env: dict | None = None) -> dict:
    """The environment of the learner's JupyterLab: the learner config first on JUPYTER_CONFIG_PATH."""
    env = dict(os.environ if env is None else env)
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(filter(None, [str(LEARNER_CONFIG), env.get("JUPYTER_CONFIG_PATH")]))
    return env


def lab_command(folder: Path, options: list[str] = ()) -> list[str]:
    """The command that starts the learner's JupyterLab on ``folder``."""
    command = [str(Path(sys.executable).with_name("jupyter-lab")), f"--ServerApp.root_dir={folder}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # containers often run as root; JupyterLab refuses without it
    return command + list(options)


def _report(created: list[str], stale: list[str], folder: Path) -> None:
    if created:
        print(f"New workbooks in {folder}: {', '.join(created)}")
    for chapter in stale:
        print(f"{chapter}: the book's chapter has changed since your workbook was made. To get the "
              f"new version (yours is kept in {folder / 'backups'}): make workbook CHAPTER={chapter} RESET=1")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m coursework workbooks", description=__doc__.split("\n\n")[0])
    parser.add_argument("--folder", type=Path, default=WORKBOOKS, help="where the workbooks live (default: workbooks/)")
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("create", help="write the workbooks that do not exist yet")
    c.add_argument("chapters", nargs="*", help="e.g. 03_sigmoid (default: every chapter)")
    r = sub.add_parser("reset", help="replace one workbook by a fresh copy of its chapter")
    r.add_argument("chapter")
    r.add_argument("--yes", action="store_true", help="do not ask first")
    sub.add_parser("lab", help="JupyterLab on the workbooks (other options go to JupyterLab)")
    args, rest = parser.parse_known_args(argv)
    if rest and args.command != "lab":
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    folder = args.folder.resolve()
    available = chapters()
    selected = getattr(args, "chapters", None) or ([args.chapter] if args.command == "reset" else available)
    unknown = [c for c in selected if c not in available]
    if unknown:
        sys.exit(f"no chapter {', '.join(unknown)} in book/; the chapters: {', '.join(available)}")
    if args.command == "reset":
        reset(args.chapter, folder, args.yes)
        return
    created, stale = create(selected, folder)
    _report(created, stale, folder)
    if args.command == "create":
        for chapter in args.chapters:  # those asked for by name, already there
            if chapter not in created + stale:
                print(f"{chapter}: kept your workbook {folder / (chapter + '.ipynb')} "
                      f"(a fresh copy: make workbook CHAPTER={chapter} RESET=1)")
        return
    command = lab_command(folder, rest)
    sys.stdout.flush()
    os.execve(command[0], command, lab_environment())


if __name__ == "__main__":
    main()
