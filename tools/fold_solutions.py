"""Fold every solution in book/*.ipynb, for the book and for JupyterLab alike.

The book folds a cell whose input carries the tag ``hide-input``; JupyterLab
and Notebook 7 ignore that tag and fold a cell whose metadata says
``"jupyter": {"source_hidden": true}``. A cell that holds a solution (an
nbgrader solution cell, or one with a ``### BEGIN SOLUTION`` region) needs
both, and so does any cell that has either. This script adds what is missing;
it changes nothing else, and writes the JSON exactly as the notebooks are kept
(one-space indent, sorted keys), so the diff is the metadata alone.

Usage:  python tools/fold_solutions.py [--check]
  --check  change nothing; exit 1 if a notebook is out of date.
"""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TAG = "hide-input"


def holds_solution(cell: dict) -> bool:
    source = "".join(cell.get("source", []))
    return bool(cell.get("metadata", {}).get("nbgrader", {}).get("solution")) or "### BEGIN SOLUTION" in source


def folded(cell: dict) -> tuple[bool, bool]:
    """(has the book's hide-input tag, has JupyterLab's source_hidden)."""
    meta = cell.get("metadata", {})
    return TAG in meta.get("tags", []), bool(meta.get("jupyter", {}).get("source_hidden"))


def fold(cell: dict) -> bool:
    """Give the cell both markers if it needs them; return True if it changed."""
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


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = False
    for path in sorted((ROOT / "book").glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        changed = sum(fold(cell) for cell in nb["cells"])
        print(f"{path.relative_to(ROOT)}: {f'{changed} cells folded' if changed else 'up to date'}")
        if changed:
            stale = True
            if not check:
                path.write_text(dumps(nb), encoding="utf-8")
    return 1 if check and stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
