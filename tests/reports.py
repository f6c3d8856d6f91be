"""The per-page and per-chapter reports of the browser and JupyterLab tests, across processes.

pytest-xdist runs those tests in several processes, each with its own rows:
each process writes its rows to a part file of its own, and whichever
finishes last finds every part. The run's first process removes the parts an
earlier run left (``remove_parts``, from ``pytest_sessionstart``).
"""

import json
import os
from pathlib import Path

WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")


def remove_parts(folder: Path, name: str) -> None:
    """Before a run: remove every part of the report ``name`` (not in an xdist worker)."""
    if "PYTEST_XDIST_WORKER" not in os.environ:
        for part in folder.glob(f"{name}.*.part.json"):
            part.unlink()


def all_rows(folder: Path, name: str, rows: dict) -> dict:
    """Write this process's rows as a part of the report ``name``; return the rows of every part so far."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.{WORKER}.part.json").write_text(json.dumps(rows, indent=1, default=str) + "\n")
    merged = {}
    for part in sorted(folder.glob(f"{name}.*.part.json")):
        merged.update(json.loads(part.read_text()))
    return merged
