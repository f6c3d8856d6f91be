"""Finish the built book for publishing: what `make book` does after Jupyter Book.

    python tools/finish_site.py [_build/html]          finish the folder
    python tools/finish_site.py --check [_build/html]   change nothing; exit 1 on a broken local link

1. `.nojekyll`, so that GitHub Pages serves the folder as it is: without it,
   Pages' Jekyll drops every folder whose name starts with "_" (`_static/`,
   `_images/`, `_sources/`), and with them every page's CSS, figures and downloads.
2. The install cell of every notebook a reader downloads from the book
   (`_sources/**/*.ipynb`) installs nnlib at the commit the book was built from:
   `NNLIB_REF = "<commit>"`. The commit is NNLIB_BUILD_REF if set, else
   GITHUB_SHA (GitHub Actions), else the checkout's HEAD.
3. Every local href and src of every page, and every url() of the book's own
   CSS, must name a file in the folder: what a static server would serve. The
   one exception, while finishing: the whole-book PDF, which `make pdf` adds
   after `make book` (make test and make publish both run it); the browser test
   checks the folder again after it (tests/site/test_published_folder.py).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from sync_install_cell import MARKER, REF_LINE, repository  # noqa: E402

COMMIT_RE = re.compile(r"[0-9a-f]{40}")
# The whole-book PDF that every page links (_ext/book_extras.py), made by make pdf.
PDF_NAME = "neural-networks-from-scratch.pdf"


def build_ref(root: Path = ROOT) -> str:
    """The commit the book is built from."""
    for variable in ("NNLIB_BUILD_REF", "GITHUB_SHA"):
        if os.environ.get(variable):
            return os.environ[variable]
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError) as error:
        raise SystemExit(
            f"Cannot tell which commit the book is built from (git rev-parse HEAD: {error}); "
            "set NNLIB_BUILD_REF to the commit or tag that readers' install cells should install."
        ) from None
    return head.stdout.strip()


def pin_install_cells(folder: Path, ref: str) -> list[Path]:
    """Write ref into the install cell of every notebook under folder; return those changed."""
    if not re.fullmatch(r"[A-Za-z0-9._/-]+", ref):
        raise ValueError(f"the build's ref must be a commit or tag name, got {ref!r}")
    import nbformat

    changed = []
    for path in sorted(folder.rglob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        cells = [c for c in nb.cells if c.cell_type == "code" and c.source.startswith(MARKER)]
        for cell in cells:
            source, n = re.subn(rf"^{re.escape(REF_LINE)}.*$", f'{REF_LINE}"{ref}"', cell.source, count=1, flags=re.M)
            if n != 1:
                raise ValueError(f"{path}: the install cell has no line {REF_LINE!r}")
            cell.source = source
        if cells:
            nbformat.write(nb, path)
            changed.append(path)
    return changed


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value and (name in ("href", "src") or (tag == "link" and name == "href")):
                self.links.append(value)
            elif value and name == "srcset":
                self.links.extend(part.split()[0] for part in value.split(",") if part.strip())


CSS_URL_RE = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")


def _local_target(base: Path, link: str, folder: Path) -> Path | None:
    """The file a relative or root-relative link names, or None for links outside the folder."""
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or link.startswith(("#", "data:", "mailto:", "javascript:")):
        return None
    path = unquote(parts.path)
    if not path:
        return None  # "?x" or "#x": this same page
    target = (folder / path.lstrip("/")) if path.startswith("/") else (base / path)
    if path.endswith("/"):
        target = target / "index.html"
    return target


def broken_local_links(folder: Path) -> list[str]:
    """Every local href/src of every page, and url() of every local stylesheet, that names no file in folder."""
    folder = folder.resolve()
    broken, stylesheets = [], set()
    # Pages, not the theme's template fragments that it copies into _static/.
    for page in sorted(p for p in folder.rglob("*.html") if "_static" not in p.relative_to(folder).parts):
        parser = _Links()
        parser.feed(page.read_text(errors="replace"))
        for link in parser.links:
            target = _local_target(page.parent, link, folder)
            if target is None:
                continue
            target = target.resolve()
            if not target.is_relative_to(folder) or not target.is_file():
                broken.append(f"{page.relative_to(folder)}: {link}")
            elif target.suffix == ".css":
                stylesheets.add(target)
    for sheet in sorted(stylesheets):
        for link in CSS_URL_RE.findall(sheet.read_text(errors="replace")):
            target = _local_target(sheet.parent, link.strip(), folder)
            if target is not None and not target.resolve().is_file():
                broken.append(f"{sheet.relative_to(folder)}: url({link})")
    return broken


def main(argv: list[str]) -> int:
    args = [a for a in argv[1:] if not a.startswith("--")]
    folder = Path(args[0] if args else ROOT / "_build" / "html")
    if not (folder / "index.html").is_file():
        print(f"{folder} holds no built book (no index.html): run make book first", file=sys.stderr)
        return 1
    if "--check" not in argv:
        (folder / ".nojekyll").touch()
        ref = build_ref()
        pinned = pin_install_cells(folder, ref)
        url, _ = repository(ROOT)
        print(f"{folder}: .nojekyll written; {len(pinned)} downloadable notebooks install nnlib from {url} at {ref}")
    broken = broken_local_links(folder)
    if "--check" not in argv and not (folder / PDF_NAME).exists():
        waiting = [b for b in broken if b.endswith(PDF_NAME)]
        if waiting:
            print(f"{folder}: {len(waiting)} links to the whole-book PDF wait for `make pdf`")
        broken = [b for b in broken if b not in waiting]
    if broken:
        print(f"{len(broken)} local links name no file in {folder}:\n  " + "\n  ".join(broken[:40]), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
