"""The leak scan: nothing of the solutions, the hidden tests or the grading files in a student edition.

``make student`` runs it on what it wrote, and stops if anything leaked; a
test plants a solution line, a hidden test and a gradebook to see it caught.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

from . import cells, folders

GRADING_FILES = {"gradebook.db", "nbgrader_config.py", "scores.csv", "source", "submitted", "autograded",
                 "feedback", "logs"}


def secret_lines() -> dict[str, str]:
    """Lines of the book's solution and hidden-test regions that nothing public contains.

    Public: every line of the chapters outside those regions, and nnlib's
    source, which the book shows anyway. Returns line -> where it comes from.
    """
    secret, public = {}, set()
    for path in sorted(folders.BOOK.glob("*.ipynb")):
        for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
            inside = None
            for line in cell.source.splitlines():
                text = line.strip()
                begins = [end for begin, end in cells.REGIONS if text == begin]
                if inside is None and begins:
                    inside = begins[0]
                elif inside is not None and text == inside:
                    inside = None
                elif inside is not None:
                    if text:
                        secret.setdefault(text, f"{path.stem} cell {index}")
                else:
                    public.add(text)
    for path in (folders.ROOT / "nnlib").rglob("*.py"):
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
            notebook = nbformat.read(path, as_version=4)
            lines = [(f"cell {i}", l) for i, c in enumerate(notebook.cells) for l in c.source.splitlines()]
        else:
            try:
                lines = [("", l) for l in path.read_text().splitlines()]
            except UnicodeDecodeError:
                continue
        for place, line in lines:
            if line.strip() in secret:
                found.append(f"{where} {place}: {line.strip()!r} (from {secret[line.strip()]})")
            elif any(marker in line for pair in cells.REGIONS for marker in pair):
                found.append(f"{where} {place}: an nbgrader marker, {line.strip()!r}")
    return found
