"""Give every book/*.ipynb the Colab install cell for the repository in _config.yml.

The cell is each notebook's first code cell, right after the title, tagged
remove-cell (hidden in the book). It installs nnlib from the repository when
nnlib is not importable, as on Colab, and does nothing where it is (make lab,
make test, the book build), at NNLIB_REF: the configured branch here, the
commit built in the notebooks the book offers for download (tools/finish_site.py).
`make configure` (tools/configure.py) runs this; run it yourself after
editing `repository:` in _config.yml by hand. It is idempotent and writes
notebooks without outputs.

Usage:  python tools/sync_install_cell.py [REPO_ROOT] [--check]
  --check  change nothing; exit 1 if a notebook is out of date.
"""

import sys
from pathlib import Path

import nbformat
import yaml

MARKER = "# nnlib-install-cell"
TAGS = ["remove-cell"]


def repository(root: Path) -> tuple[str, str]:
    repo = yaml.safe_load((root / "_config.yml").read_text())["repository"]
    return repo["url"].rstrip("/"), repo.get("branch") or "main"


# The book's build (tools/finish_site.py) writes the commit it was built from
# over this line in the notebooks readers download, so that they install the
# library the page was built with.
REF_LINE = "NNLIB_REF = "
PLACEHOLDER = "your-org/nn-from-scratch"
DISTRIBUTION = "nnlib-from-scratch"  # the name on PyPI and for pip; the import name is nnlib


def install_source(url: str, branch: str) -> str:
    unset = ""
    if url.endswith("/" + PLACEHOLDER):
        unset = ("\n            \"This copy of the course has no address yet: NNLIB_REPOSITORY is a placeholder. \""
                 "\n            \"Whoever published it runs `make configure REPO=owner/name` first.\\n\"")
    return f"""{MARKER}
# On Colab, or anywhere nnlib is not installed, install the course's library from
# its repository, at NNLIB_REF: in a notebook downloaded from the book, the commit
# the book was built from; in the repository, the branch. Where nnlib is already
# importable (make lab, make test, Binder) this does nothing.
# NNLIB_PIP_SPEC overrides what is installed (the tests use a wheel).
NNLIB_REPOSITORY = "{url}"
{REF_LINE}"{branch}"
import importlib
import importlib.util
import os
import subprocess
import sys

if importlib.util.find_spec("nnlib") is None:
    spec = os.environ.get("NNLIB_PIP_SPEC", f"{DISTRIBUTION} @ git+{{NNLIB_REPOSITORY}}@{{NNLIB_REF}}")
    pip = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", spec], capture_output=True, text=True)
    if pip.returncode != 0:
        said = "\\n".join((pip.stderr or pip.stdout).strip().splitlines()[-10:])
        raise RuntimeError(
            f"Could not install nnlib, the course's library: pip install {{spec!r}} failed.\\n"{unset}
            "On Colab: the runtime needs internet access (it has it by default) and the repository "
            "must be public.\\n"
            "On Binder: nnlib comes with the environment; if you see this, the environment was built "
            "without it: relaunch from the book's Binder button.\\n"
            "On your own machine: from a clone of the repository, `pip install -e \\".[lab]\\"` "
            "(or `make lab`), then restart the kernel.\\n"
            f"pip said:\\n{{said}}"
        ) from None
    importlib.invalidate_caches()"""


def sync(nb, url: str, branch: str) -> list[str]:
    """Insert or update the install cell in nb; return what changed."""
    changes = []
    source = install_source(url, branch)
    code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    installs = [i for i in code if nb.cells[i].source.startswith(MARKER)]
    if len(installs) > 1:
        raise SystemExit(f"{len(installs)} install cells in one notebook; keep one")
    if installs and installs[0] != code[0]:
        nb.cells.pop(installs[0])
        installs = []
        changes.append("moved the install cell")
    if not installs:
        first_code = code[0] if code else len(nb.cells)
        at = 1 if nb.cells and nb.cells[0].cell_type == "markdown" else 0
        nb.cells.insert(min(at, first_code), nbformat.v4.new_code_cell(source, metadata={"tags": list(TAGS)}))
        changes.append("inserted the install cell")
        return changes
    cell = nb.cells[installs[0]]
    if cell.source != source:
        cell.source = source
        changes.append("updated the install cell")
    tags = cell.metadata.setdefault("tags", [])
    for tag in TAGS:
        if tag not in tags:
            tags.append(tag)
            changes.append(f"tagged the install cell {tag}")
    return changes


def main(argv: list[str]) -> int:
    args = [a for a in argv[1:] if not a.startswith("--")]
    root = Path(args[0] if args else ".").resolve()
    check = "--check" in argv
    url, branch = repository(root)
    stale = False
    for path in sorted((root / "book").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        changes = sync(nb, url, branch)
        print(f"{path.relative_to(root)}: {', '.join(changes) or 'up to date'}")
        if changes:
            stale = True
            if not check:
                nbformat.write(nb, path)
    return 1 if check and stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
