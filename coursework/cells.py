"""The notebook cell vocabulary of the course: what marks a cell as an exercise, a check or a hidden test.

One place for the names the chapters use, so that the editions, the leak scan,
the judge, the hidden tests, the fixtures and the workbooks read the chapters
alike:

- **grade ids** (nbgrader's ``grade_id``): ``exN_k_solution`` for the cell
  where the learner answers Exercise N.k, ``exN_k_check`` for its public
  check, ``exN_k_hidden`` for its hidden tests;
- **markers**: nbgrader's ``### BEGIN SOLUTION`` / ``### END SOLUTION`` and
  ``### BEGIN HIDDEN TESTS`` / ``### END HIDDEN TESTS`` regions;
- **nbgrader's cell metadata**: a solution cell (``solution``), a graded cell
  (``grade``, with ``points``); a test cell is graded and no solution;
- **tags**: ``remove-cell`` (the book leaves the cell out), ``raises-exception``
  (the cell is meant to raise), ``hide-input`` (the book folds the input);
- the functions an exercise asks for: a solution defines ``my_<name>``.
"""

from __future__ import annotations

import ast
import re

SOLUTION_BEGIN, SOLUTION_END = "### BEGIN SOLUTION", "### END SOLUTION"
HIDDEN_BEGIN, HIDDEN_END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
SOLUTION_MARKERS = (SOLUTION_BEGIN, SOLUTION_END)
#: nbgrader's regions whose lines a student edition must not hold: (begin, end) pairs.
REGIONS = [SOLUTION_MARKERS, (HIDDEN_BEGIN, HIDDEN_END)]

REMOVE_CELL = "remove-cell"
RAISES_EXCEPTION = "raises-exception"
HIDE_INPUT = "hide-input"

LEARNER_PREFIX = "my_"  # a solution's my_sigmoid re-implements nnlib's sigmoid
HIDDEN_HEADER = "# Hidden tests: they run when your work is graded."

_GRADE_ID = re.compile(r"ex(\d+)_(\d+)_(\w+)")


# ---------------------------------------------------------------- grade ids


def grade_id(cell) -> str:
    return nbgrader(cell).get("grade_id", "") or ""


def exercise_of(grade_id: str) -> str | None:
    """``ex3_1_solution`` (or ``_check``, ``_hidden``) -> ``Exercise 3.1``; None for another id."""
    match = _GRADE_ID.fullmatch(grade_id or "")
    return f"Exercise {match[1]}.{match[2]}" if match else None


def exercise_name(grade_id: str) -> str:
    """``Exercise 3.1`` for ``ex3_1_...``; any other id as it is."""
    return exercise_of(grade_id) or grade_id


def prefix(grade_id: str) -> str:
    """``ex3_1_solution`` -> ``ex3_1``: the part that the exercise's cells share."""
    return grade_id.rsplit("_", 1)[0]


def solution_id(n, k) -> str:
    return f"ex{n}_{k}_solution"


def check_id(n, k) -> str:
    return f"ex{n}_{k}_check"


def hidden_id(n, k) -> str:
    return f"ex{n}_{k}_hidden"


def exercise_numbers(grade_id: str, kind: str = "solution") -> tuple[str, str] | None:
    """``("3", "1")`` for ``ex3_1_<kind>``; None for another id."""
    match = _GRADE_ID.fullmatch(grade_id or "")
    return (match[1], match[2]) if match and match[3] == kind else None


# ---------------------------------------------------------------- nbgrader's metadata


def nbgrader(cell) -> dict:
    """The cell's nbgrader metadata (empty for a cell nbgrader does not know)."""
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def has_nbgrader(cell) -> bool:
    return "nbgrader" in cell.get("metadata", {})


def is_solution(cell) -> bool:
    """A cell where the learner answers (a code solution cell, or a written answer)."""
    return bool(nbgrader(cell).get("solution"))


def is_graded(cell) -> bool:
    return bool(nbgrader(cell).get("grade"))


def points(cell) -> float:
    return float(nbgrader(cell).get("points", 0) or 0)


def is_test_cell(cell) -> bool:
    """A graded code cell that is not a solution: a public check or a hidden test."""
    return cell.get("cell_type") == "code" and is_graded(cell) and not is_solution(cell)


def is_hidden_cell(cell) -> bool:
    return is_test_cell(cell) and HIDDEN_BEGIN in source_of(cell)


def holds_solution(cell) -> bool:
    """Marked as a solution, or holding a solution region (a cell of the book's own)."""
    return is_solution(cell) or SOLUTION_BEGIN in source_of(cell)


def source_of(cell) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


# ---------------------------------------------------------------- tags


def tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def has_tag(cell, tag: str) -> bool:
    return tag in tags(cell)


def set_tag(cell, tag: str, present: bool) -> None:
    """Add or remove ``tag``, leaving no empty tag list behind."""
    kept = [t for t in tags(cell) if t != tag] + ([tag] if present else [])
    if kept:
        cell.metadata["tags"] = kept
    else:
        cell.metadata.pop("tags", None)


# ---------------------------------------------------------------- sources


def python_only(source: str) -> str:
    """The source with IPython's magics (``%...``, ``!...``) blanked out, so that it parses as Python."""
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())


def without_markers(source: str) -> str:
    """A solution's source without nbgrader's solution markers (the answer as a learner would write it)."""
    return "\n".join(line for line in source.splitlines() if line.strip() not in SOLUTION_MARKERS)


def defined_functions(source: str) -> list[str]:
    """The names of the functions a cell defines, at any depth."""
    return [node.name for node in ast.walk(ast.parse(python_only(source))) if isinstance(node, ast.FunctionDef)]


def learner_functions(source: str) -> list[str]:
    """The nnlib names a solution re-implements: ``sigmoid`` for ``def my_sigmoid``."""
    return [name[len(LEARNER_PREFIX):] for name in defined_functions(source) if name.startswith(LEARNER_PREFIX)]
