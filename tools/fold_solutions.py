"""Fold the solutions and the book's own checks in book/*.ipynb, for JupyterLab and the book.

Two kinds of cell are folded:

* **Solutions.** The book folds a cell whose input carries the tag
  ``hide-input``; JupyterLab and Notebook 7 ignore that tag and fold a cell
  whose metadata says ``"jupyter": {"source_hidden": true}``. A cell that
  holds a solution (an nbgrader solution cell, or one with a
  ``### BEGIN SOLUTION`` region) needs both, and so does any other cell that
  has either.
* **The book's machinery.** A cell tagged ``remove-cell`` (the checks that
  the text's numbers hold, the install cell, hidden tests) is left out of
  the HTML by that tag; in JupyterLab, and so in the learner's workbooks, it
  gets ``"jupyter": {"source_hidden": true, "outputs_hidden": true}``.
  JupyterLab 4 then shows one line for it, the first line of its source
  (for a check, the label ``# Checks that the text's numbers hold: ...``),
  with a ``···`` to click; Run All still runs it. It gets no ``hide-input``:
  the book leaves it out altogether, as before.

This script adds what is missing; it changes nothing else, and writes the
JSON exactly as the notebooks are kept (one-space indent, sorted keys), so
the diff is the metadata alone.

Usage:  python tools/fold_solutions.py [--check] [NOTEBOOK ...]
  --check   change nothing; exit 1 if a notebook is out of date, naming its cells.
  NOTEBOOK  the notebooks to fold (default: every book/*.ipynb).
"""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TAG = "hide-input"
MACHINERY = "remove-cell"


def holds_solution(cell: dict) -> bool:
    source = "".join(cell.get("source", []))
    return bool(cell.get("metadata", {}).get("nbgrader", {}).get("solution")) or "### BEGIN SOLUTION" in source


def is_machinery(cell: dict) -> bool:
    """A cell the book leaves out of the HTML: a check, the install cell, hidden tests."""
    return MACHINERY in cell.get("metadata", {}).get("tags", [])


def folded(cell: dict) -> tuple[bool, bool]:
    """(has the book's hide-input tag, has JupyterLab's source_hidden)."""
    meta = cell.get("metadata", {})
    return TAG in meta.get("tags", []), bool(meta.get("jupyter", {}).get("source_hidden"))


def machinery_folded(cell: dict) -> bool:
    """Is a remove-cell cell folded in JupyterLab, input and output alike?"""
    jupyter = cell.get("metadata", {}).get("jupyter", {})
    return bool(jupyter.get("source_hidden")) and bool(jupyter.get("outputs_hidden"))


def fold(cell: dict) -> bool:
    """Give the cell the markers it needs; return True if it changed."""
    if is_machinery(cell):
        if machinery_folded(cell):
            return False
        cell.setdefault("metadata", {}).setdefault("jupyter", {}).update(source_hidden=True, outputs_hidden=True)
        return True
    tagged, hidden = folded(cell)
    if not (holds_solution(cell) or tagged or hidden) or (tagged and hidden):
        return False
    meta = cell.setdefault("metadata", {})
    if not tagged:
        meta.setdefault("tags", []).append(TAG)
    if not hidden:
        meta.setdefault("jupyter", {})["source_hidden"] = True
    return True


def dumps(nb: dict) -> str:
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def unfolded_cells(nb: dict) -> list[int]:
    """Indices of the cells that fold() would change (it works on a copy)."""
    return [index for index, cell in enumerate(nb["cells"]) if fold(json.loads(json.dumps(cell)))]


def main(argv: list[str]) -> int:
    check = "--check" in argv
    named = [Path(a) for a in argv[1:] if a != "--check"]
    paths = [p.resolve() for p in named] or sorted((ROOT / "book").glob("*.ipynb"))
    stale = False
    for path in paths:
        nb = json.loads(path.read_text(encoding="utf-8"))
        where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        if check:
            cells = unfolded_cells(nb)
            print(f"{where}: {f'cells {cells} not folded' if cells else 'up to date'}")
            stale = stale or bool(cells)
            continue
        changed = sum(fold(cell) for cell in nb["cells"])
        print(f"{where}: {f'{changed} cells folded' if changed else 'up to date'}")
        if changed:
            path.write_text(dumps(nb), encoding="utf-8")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
