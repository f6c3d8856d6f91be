"""Write the fixture submissions in tests/submissions/ from a chapter's student edition.

    python instructor/make_submissions.py [CHAPTER]     (default 03_sigmoid; run `make student` first)

Each student folder holds one submission of CHAPTER in nbgrader's layout,
``tests/submissions/<student>/<CHAPTER>/<CHAPTER>.ipynb``, made from the
student edition (``_build/student/``) with the book's solutions filled in, then
broken in one way:

=============  ============================================================
perfect        every solution as in the book
wrong          every function written, but each result off by 10 percent
raises         every function raises ValueError
timeout        the last function never returns (an endless loop)
syntax_error   the first solution cell does not parse
deleted_test   perfect, but the first check cell deleted
imported       the first function is nnlib's own, fetched past the switch
blank          the student edition as released: nothing done
empty          a notebook file of 0 bytes
=============  ============================================================

Regenerate when a chapter's exercises change; tests/test_coursework.py grades
these and checks each score.
"""

import ast
import shutil
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "submissions"
MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")


def solutions(chapter: str) -> dict[str, str]:
    """grade_id -> the book's solution cell with the markers taken out."""
    nb = nbformat.read(ROOT / "book" / f"{chapter}.ipynb", as_version=4)
    return {
        c.metadata["nbgrader"]["grade_id"]: "\n".join(
            line for line in c.source.splitlines() if line.strip() not in MARKERS
        )
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("solution")
    }


def function_name(source: str) -> str | None:
    names = [n.name for n in ast.parse(source).body if isinstance(n, ast.FunctionDef) and n.name.startswith("my_")]
    return names[0] if names else None


def off_by_ten_percent(source: str, name: str) -> str:
    return source + f"""

_{name}_right = {name}


def {name}(*args):
    # every number 10 percent too large
    def scale(x):
        if isinstance(x, dict):
            return {{k: scale(v) for k, v in x.items()}}
        if isinstance(x, (list, tuple)):
            return type(x)(scale(v) for v in x)
        return 1.1 * np.asarray(x, dtype=float)

    return scale(_{name}_right(*args))
"""


def raising(source: str, name: str) -> str:
    return source + f"\n\n\ndef {name}(*args):\n    raise ValueError(\"I could not get this to work\")\n"


def endless(source: str, name: str) -> str:
    return source + f"\n\n\ndef {name}(*args):\n    while True:\n        pass\n"


def imported(source: str, name: str) -> str:
    return f"from nnlib.course import reference\n\n{name} = reference({name[3:]!r})\n"


def fill(nb, answers: dict[str, str]) -> None:
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]


def main(chapter: str = "03_sigmoid") -> None:
    release = ROOT / "_build" / "student" / chapter / f"{chapter}.ipynb"
    if not release.exists():
        sys.exit(f"{release} is missing: run `make student CHAPTER={chapter}` first")
    right = solutions(chapter)
    functions = {gid: function_name(src) for gid, src in right.items() if function_name(src)}
    first, last = next(iter(functions)), list(functions)[-1]

    def variant(change, only=None):
        answers = dict(right)
        for gid, name in functions.items():
            if only in (None, gid):
                answers[gid] = change(right[gid], name)
        return answers

    cases = {
        "perfect": right,
        "wrong": variant(off_by_ten_percent),
        "raises": variant(raising),
        "timeout": variant(endless, only=last),
        "syntax_error": dict(right, **{first: right[first].replace("):", ")", 1)}),
        "deleted_test": right,
        "imported": variant(imported, only=first),
        "blank": {},
    }
    if OUT.exists():
        shutil.rmtree(OUT)
    for student, answers in cases.items():
        nb = nbformat.read(release, as_version=4)
        fill(nb, answers)
        if student == "deleted_test":
            check = first.replace("_solution", "_check")
            nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != check]
        folder = OUT / student / chapter
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / f"{chapter}.ipynb")
    (OUT / "empty" / chapter).mkdir(parents=True)
    (OUT / "empty" / chapter / f"{chapter}.ipynb").write_bytes(b"")
    print(f"{len(cases) + 1} submissions of {chapter} in {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main(*sys.argv[1:])
