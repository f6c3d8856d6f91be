"""Set the book's address, the GitHub repository it is published from, everywhere it is used.

    python tools/configure.py OWNER/NAME [--branch BRANCH]   (make configure REPO=owner/name [BRANCH=main])
    python tools/configure.py --check                        (make publish runs this first)

The address is written into `_config.yml` (`repository:`, from which the book's
launch, download, edit and repository buttons follow), into every notebook's
install cell (tools/sync_install_cell.py), and into the GitHub, Binder and
Colab links and GitHub Pages addresses of README.md and CITATION.cff, where
they have any; the branch
also into the publishing workflow's trigger. `--check`
exits 1, saying what to do, while the address is still the placeholder
`your-org/nn-from-scratch`, so that nothing is published with links that lead
nowhere.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sync_install_cell import PLACEHOLDER, repository, sync  # noqa: E402

# GitHub's own rules: an owner of 1-39 letters, digits and single hyphens; a name of letters, digits, . _ -.
REPO_RE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}/[A-Za-z0-9._-]{1,100}")
# A branch name as git allows it, less the rarities: no spaces, no "..", no leading "-" or "/".
BRANCH_RE = re.compile(r"(?!-)(?!/)(?!.*\.\.)(?!.*//)[A-Za-z0-9._/-]{1,200}(?<![./])")
# Files whose links name the repository, besides _config.yml and the notebooks.
LINKED_FILES = ("README.md", "CITATION.cff")
WORKFLOW = ".github/workflows/publish.yml"


def slug(url: str) -> str:
    """owner/name of a https://github.com/owner/name URL."""
    match = re.fullmatch(r"https://github\.com/([^/]+/[^/]+?)(?:\.git)?/?", url)
    if not match:
        raise ValueError(f"repository url in _config.yml must be https://github.com/owner/name, got {url!r}")
    return match[1]


def check(root: Path) -> int:
    """0 when the address is set; 1, with what to do, while it is the placeholder."""
    url, branch = repository(root)
    if slug(url) == PLACEHOLDER:
        print(
            f"The book's address is still the placeholder {PLACEHOLDER} (_config.yml, repository: url),\n"
            "so its Binder, Colab, edit and repository links and the notebooks' install cells would lead nowhere.\n"
            "Set your repository first, commit, and publish again:\n"
            "    make configure REPO=owner/name [BRANCH=main]",
            file=sys.stderr,
        )
        return 1
    print(f"The book's address: https://github.com/{slug(url)} (branch {branch})")
    return 0


def _set_config(text: str, url: str, branch: str) -> str:
    """_config.yml with the repository block's url and branch replaced, comments and layout kept."""
    block = re.search(r"^repository:\n((?:[ \t]+.*\n|\s*\n)*)", text, re.M)
    if not block:
        raise ValueError("_config.yml has no repository: block")
    body = block[1]
    for key, value in (("url", url), ("branch", branch)):
        body, n = re.subn(rf"^([ \t]+{key}:)[ \t]*\S.*$", rf"\g<1> {value}", body, count=1, flags=re.M)
        if n != 1:
            raise ValueError(f"_config.yml's repository: block has no {key}: line")
    return text[: block.start(1)] + body + text[block.end(1):]


def _relink(text: str, old: str, new: str) -> str:
    """Replace owner/name old by new in GitHub, Binder and Colab links, and in GitHub Pages addresses."""
    end = r"(?=[/@#?)\s\"'>\]]|$)"
    text = re.sub(rf"(github\.com/|/gh/|/github/){re.escape(old)}{end}", rf"\g<1>{new}", text)
    (old_owner, old_name), (owner, name) = old.split("/"), new.split("/")
    return re.sub(rf"\b{re.escape(old_owner)}\.github\.io/{re.escape(old_name)}{end}",
                  f"{owner.lower()}.github.io/{name}", text, flags=re.I)


def configure(root: Path, repo: str, branch: str = "main") -> list[str]:
    """Point the book at github.com/<repo>, branch <branch>; return the files changed."""
    if not REPO_RE.fullmatch(repo):
        raise ValueError(f"REPO must be owner/name as on GitHub (for example example/course), got {repo!r}")
    if not BRANCH_RE.fullmatch(branch):
        raise ValueError(f"BRANCH must be a git branch name (for example main), got {branch!r}")
    url = f"https://github.com/{repo}"
    old_url, _ = repository(root)
    old = slug(old_url)
    changed = []

    config = root / "_config.yml"
    text = config.read_text()
    # and any other link to the book, such as html.baseurl
    new_text = _relink(_set_config(text, url, branch), old, repo)
    if new_text != text:
        config.write_text(new_text)
        changed.append("_config.yml")
    for name in LINKED_FILES:
        path = root / name
        if path.exists():
            text = path.read_text()
            new_text = _relink(text, old, repo)
            if new_text != text:
                path.write_text(new_text)
                changed.append(name)
    workflow = root / WORKFLOW
    if workflow.exists():  # it publishes on pushes to the book's branch
        text = workflow.read_text()
        new_text = re.sub(r"^(\s+branches: )\[[^\]]*\]", rf"\g<1>[{branch}]", text, count=1, flags=re.M)
        if new_text != text:
            workflow.write_text(new_text)
            changed.append(WORKFLOW)
    for path in sorted((root / "book").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        if sync(nb, url, branch):
            nbformat.write(nb, path)
            changed.append(str(path.relative_to(root)))
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("repo", nargs="?", help="owner/name of the GitHub repository")
    parser.add_argument("--branch", default="main")
    parser.add_argument("--check", action="store_true", help="exit 1 while the address is the placeholder")
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[1])
    args = parser.parse_args(argv)
    if args.check:
        return check(args.root)
    if not args.repo:
        parser.error("usage: make configure REPO=owner/name [BRANCH=main]")
    try:
        changed = configure(args.root, args.repo, args.branch)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    print(f"The book's address is now https://github.com/{args.repo} (branch {args.branch}).")
    print("Changed: " + (", ".join(changed) if changed else "nothing; it was already so") + ".")
    if changed:
        print("Commit these files, then `make publish` (or push, for the workflow).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
