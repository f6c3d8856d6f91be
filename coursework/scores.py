"""The scores: ``scores.csv``, one row per student and chapter, each score read back from the gradebook.

A row holds the score, the maximum, whether the submission was graded,
skipped or failed, the seconds it took, whether it was sandboxed, the
grader's peak memory for it, and the reason for every point lost: one per
test cell that lost points, and the first error in the student's own cells,
each cut to what may be shown (publish.py). No cell of the file is readable
as a spreadsheet formula.
"""

from __future__ import annotations

import csv
import functools
import re
from pathlib import Path

import nbformat

from . import cells, folders, publish

MISSING_CELL = "was missing from the submission"  # nbgrader's note on a test cell it put back

FIELDS = ["student", "chapter", "score", "max_score", "status", "seconds", "sandboxed", "grader_mb", "reason"]



def write_scores(rows: list[dict]) -> Path:
    """Write scores.csv: this run's rows, and the earlier rows of submissions not graded again.

    Every score is read back from the gradebook, so the two always agree.
    """
    from nbgrader.api import Gradebook, MissingEntry

    out = folders.COURSE / "scores.csv"
    table = {}
    if out.exists():
        with open(out, newline="") as f:
            table = {(r["student"], r["chapter"]): r for r in
                     ({k: publish.csv_value(v or "") for k, v in r.items() if k} for r in csv.DictReader(f))}
    table.update({(r["student"], r["chapter"]): r for r in rows})
    with Gradebook(f"sqlite:///{folders.COURSE / 'gradebook.db'}", folders.COURSE_ID) as gb:
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

    max_score = chapter_points(chapter)
    submitted = folders.COURSE / "submitted" / student / chapter / f"{chapter}.ipynb"
    graded = folders.COURSE / "autograded" / student / chapter / f"{chapter}.ipynb"
    row = {"student": student, "chapter": chapter, "max_score": max_score, "seconds": round(seconds, 1)}
    if not submitted.exists():
        return row | {"score": 0.0, "reason": f"no {chapter}.ipynb in the submission"}
    if not result["success"] or not graded.exists():
        return row | {"score": 0.0, "reason": "could not be graded: " + _failure(submitted, result)}
    with Gradebook(f"sqlite:///{folders.COURSE / 'gradebook.db'}", folders.COURSE_ID) as gb:
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


def chapter_points(chapter: str) -> float:
    """The points of a chapter: every graded cell's, as the course's source notebook gives them."""
    path = folders.COURSE / "source" / chapter / f"{chapter}.ipynb"
    return _points(str(path), path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=64)
def _points(path: str, modified: int) -> float:
    nb = nbformat.read(path, as_version=4)
    return float(sum(cells.points(c) for c in nb.cells if cells.is_graded(c)))


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
        meta = cells.nbgrader(cell)
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
