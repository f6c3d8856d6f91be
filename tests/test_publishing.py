"""Publishing the book: one address set once (tools/configure.py), refused while it
is the placeholder, every outward link of a built page derived from it, the
publishing workflow valid, and the folder it uploads complete (tools/finish_site.py)."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
yaml = pytest.importorskip("yaml")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import configure  # noqa: E402
import finish_site  # noqa: E402
from sync_install_cell import MARKER, PLACEHOLDER  # noqa: E402

WORKFLOW = ROOT / ".github" / "workflows" / "publish.yml"
BIN = Path(sys.executable).parent
EXAMPLE = "example/course"
CHAPTER = "03_sigmoid"


def course_copy(where: Path, address: str = PLACEHOLDER) -> Path:
    """The files that carry the address, copied, with the repository set to address."""
    where.mkdir()
    for name in ("_config.yml", "README.md", "CITATION.cff", "Makefile", "requirements.txt",
                 "requirements.lock", "pyproject.toml"):
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, where / name)  # copy2: older than the venv's stamp, as in the checkout
    shutil.copytree(ROOT / "book", where / "book", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    shutil.copytree(ROOT / "_ext", where / "_ext", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "tools", where / "tools", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / ".github", where / ".github")
    config = where / "_config.yml"
    config.write_text(configure._set_config(config.read_text(), f"https://github.com/{address}", "main"))
    url = f"https://github.com/{address}"
    for path in (where / "book").glob("*.ipynb"):  # as sync_install_cell would leave them for that address
        nb = nbformat.read(path, as_version=4)
        if configure.sync(nb, url, "main"):
            nbformat.write(nb, path)
    return where


def links(html: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', html)


def test_configure_sets_the_address_everywhere_and_a_built_page_follows_it(tmp_path):
    # After make configure, no file carries the placeholder, and every launch, edit,
    # repository and install link of a page built from the copy leads to example/course.
    course = course_copy(tmp_path / "course")
    changed = configure.configure(course, EXAMPLE, "main")
    assert "_config.yml" in changed and f"book/{CHAPTER}.ipynb" in changed
    left = [str(p.relative_to(course)) for p in course.rglob("*")
            if p.is_file() and PLACEHOLDER in p.read_text(errors="replace")
            and p.parts[len(course.parts)] not in ("tools", "Makefile", "_ext")]
    assert left == [], f"the placeholder is still in {left}"
    assert configure.check(course) == 0

    # One chapter's page, built as the book is, but without running the notebook.
    config = course / "_config.yml"
    config.write_text(config.read_text().replace("execute_notebooks: cache", 'execute_notebooks: "off"'))
    (course / "_toc.yml").write_text(f"format: jb-book\nroot: book/index\nchapters:\n  - file: book/{CHAPTER}\n")
    build = subprocess.run([BIN / "jupyter-book", "build", str(course), "-q"], capture_output=True, text=True)
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    html_dir = course / "_build" / "html"
    page = (html_dir / "book" / f"{CHAPTER}.html").read_text()
    assert PLACEHOLDER not in page
    hrefs = links(page)
    launch = [h for h in hrefs if "mybinder.org" in h or "colab.research.google.com" in h]
    assert sorted(launch) == sorted([
        f"https://colab.research.google.com/github/{EXAMPLE}/blob/main/book/{CHAPTER}.ipynb",
        f"https://mybinder.org/v2/gh/{EXAMPLE}/main?urlpath=lab/tree/book/{CHAPTER}.ipynb",
    ]), launch
    assert f"https://github.com/{EXAMPLE}" in hrefs  # the repository button
    assert f"https://github.com/{EXAMPLE}/edit/main/book/{CHAPTER}.ipynb" in hrefs
    assert not [h for h in hrefs if "github.com/" in h and EXAMPLE not in h], "a GitHub link not of the course"

    # The notebook a reader downloads installs nnlib from example/course, at the build's commit.
    ref = "0123456789abcdef0123456789abcdef01234567"
    pinned = finish_site.pin_install_cells(html_dir, ref)
    download = html_dir / "_sources" / "book" / f"{CHAPTER}.ipynb"
    assert download in pinned
    assert f"../_sources/book/{CHAPTER}.ipynb" in hrefs  # the page's download button names that file
    (cell,) = [c for c in nbformat.read(download, as_version=4).cells if c.source.startswith(MARKER)]
    assert f'NNLIB_REPOSITORY = "https://github.com/{EXAMPLE}"' in cell.source
    assert f'NNLIB_REF = "{ref}"' in cell.source


def test_configure_sets_the_branch_too(tmp_path):
    course = course_copy(tmp_path / "course")
    changed = configure.configure(course, EXAMPLE, "dev")
    assert configure.repository(course) == (f"https://github.com/{EXAMPLE}", "dev")
    assert yaml.safe_load((course / configure.WORKFLOW).read_text())[True]["push"]["branches"] == ["dev"]
    nb = nbformat.read(course / "book" / f"{CHAPTER}.ipynb", as_version=4)
    assert 'NNLIB_REF = "dev"' in nb.cells[1].source and configure.WORKFLOW in changed


def test_configure_relinks_readme_and_citation_but_no_other_project(tmp_path):
    course = course_copy(tmp_path / "course")
    (course / "CITATION.cff").write_text(
        f'repository-code: "https://github.com/{PLACEHOLDER}"\n'
        f'url: "https://{PLACEHOLDER.replace("/", ".github.io/")}/"\n')
    with open(course / "README.md", "a") as readme:
        readme.write(f"\n[![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/{PLACEHOLDER}/main)\n"
                     f"Not ours: https://github.com/{PLACEHOLDER}-fork, https://github.com/containers/bubblewrap\n")
    changed = configure.configure(course, "Example/course")
    assert {"README.md", "CITATION.cff"} <= set(changed)
    citation = (course / "CITATION.cff").read_text()
    assert 'repository-code: "https://github.com/Example/course"' in citation
    assert 'url: "https://example.github.io/course/"' in citation
    readme = (course / "README.md").read_text()
    assert "https://mybinder.org/v2/gh/Example/course/main" in readme
    assert f"https://github.com/{PLACEHOLDER}-fork" in readme and "github.com/containers/bubblewrap" in readme


def test_configure_refuses_what_is_not_a_repository(tmp_path):
    course = course_copy(tmp_path / "course")
    for bad in ("course", "example/course/extra", "-x/course", "example/co urse", ""):
        with pytest.raises(ValueError, match="owner/name"):
            configure.configure(course, bad)
    with pytest.raises(ValueError, match="branch"):
        configure.configure(course, EXAMPLE, "two words")
    assert configure.check(course) == 1  # nothing was changed


def test_make_publish_refuses_the_placeholder(tmp_path):
    # Before anything is built or pushed, with a message that says what to run.
    course = course_copy(tmp_path / "course")
    venv = BIN.parent
    result = subprocess.run(["make", "-C", str(course), "publish", f"VENV={venv}"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "placeholder" in result.stderr and "make configure REPO=owner/name" in result.stderr, result.stderr
    assert "ghp-import" not in result.stdout and not (course / "_build").exists()

    configure.configure(course, EXAMPLE)
    result = subprocess.run(["make", "-C", str(course), "check-address", f"VENV={venv}"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and f"github.com/{EXAMPLE}" in result.stdout, result.stderr


def workflow():
    return yaml.safe_load(WORKFLOW.read_text())


def test_the_workflow_refuses_the_placeholder_before_it_builds(tmp_path):
    # The workflow's own refusal step, run in a copy still at the placeholder, fails.
    steps = workflow()["jobs"]["build"]["steps"]
    names = [s.get("name", "") for s in steps]
    refuse = next(i for i, n in enumerate(names) if "placeholder" in n.lower())
    test = next(i for i, s in enumerate(steps) if "make test" in s.get("run", ""))
    assert refuse < test
    command = steps[refuse]["run"]
    course = course_copy(tmp_path / "course")
    env = {**os.environ, "MAKEFLAGS": f"VENV={BIN.parent}"}  # the venv of this test run
    result = subprocess.run(["bash", "-c", command], cwd=course, capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode != 0 and "placeholder" in result.stderr, result.stdout + result.stderr
    configure.configure(course, EXAMPLE)
    result = subprocess.run(["bash", "-c", command], cwd=course, capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_workflow_publishes_the_tested_book_with_the_official_pages_actions():
    jobs = workflow()["jobs"]
    build, deploy = jobs["build"]["steps"], jobs["deploy"]
    uses = [s.get("uses", "").split("@")[0] for s in build]
    assert "actions/configure-pages" in uses and "actions/upload-pages-artifact" in uses
    upload = next(s for s in build if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"] == "_build/html"
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]
    assert deploy["needs"] == "build"
    # The README's test command runs before the upload.
    runs = [s.get("run", "") for s in build]
    assert any(re.search(r"\bmake test\b", r) for r in runs)
    assert "make test" in (ROOT / "README.md").read_text()
    assert uses.index("actions/upload-pages-artifact") > next(i for i, r in enumerate(runs) if "make test" in r)


def test_the_workflow_is_valid_for_github_actions():
    # check-jsonschema with the schema of GitHub workflows that it ships (no download).
    result = subprocess.run([BIN / "check-jsonschema", "--builtin-schema", "vendor.github-workflows", str(WORKFLOW)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_workflow_check_catches_an_invalid_workflow(tmp_path):
    broken = tmp_path / "publish.yml"
    broken.write_text(WORKFLOW.read_text().replace("runs-on:", "runs_on:", 1))
    result = subprocess.run([BIN / "check-jsonschema", "--builtin-schema", "vendor.github-workflows", str(broken)],
                            capture_output=True, text=True)
    assert result.returncode != 0


def test_the_folder_check_finds_every_missing_page_asset(tmp_path):
    # A link, image, script or stylesheet (and a stylesheet's url()) that names no file is reported.
    site = tmp_path / "html"
    (site / "_static").mkdir(parents=True)
    (site / "_images").mkdir()
    (site / "_static" / "book.css").write_text("body { background: url(fonts/gone.woff2) }\n"
                                                ".a { background: url('../_images/here.png') }\n")
    (site / "_images" / "here.png").write_bytes(b"png")
    (site / "other.html").write_text("<p>other</p>")
    (site / "index.html").write_text(
        '<link rel="stylesheet" href="_static/book.css?digest=1">'
        '<script src="_static/gone.js"></script>'
        '<img src="_images/here.png"><img src="_images/gone.png">'
        '<a href="other.html#x">ok</a><a href="#top">ok</a><a href="https://example.org/x">ok</a>'
        '<a href="_sources/gone.ipynb">gone</a><a href="sub/">gone</a>'
    )
    broken = finish_site.broken_local_links(site)
    assert sorted(broken) == sorted([
        "_static/book.css: url(fonts/gone.woff2)",
        "index.html: _static/gone.js",
        "index.html: _images/gone.png",
        "index.html: _sources/gone.ipynb",
        "index.html: sub/",
    ])


def test_finishing_waits_for_the_pdf_but_nothing_else(tmp_path, monkeypatch, capsys):
    # make book runs before make pdf: the PDF's links may wait, any other missing file fails,
    # and --check (what publishing trusts) lets nothing wait.
    site = tmp_path / "html"
    site.mkdir()
    monkeypatch.setattr(finish_site, "pin_install_cells", lambda folder, ref: [])
    monkeypatch.setattr(finish_site, "build_ref", lambda root=None: "0" * 40)
    (site / "index.html").write_text(f'<a href="{finish_site.PDF_NAME}">the book as a PDF</a>')
    assert finish_site.main(["finish_site.py", str(site)]) == 0
    assert "wait for `make pdf`" in capsys.readouterr().out
    assert finish_site.main(["finish_site.py", "--check", str(site)]) == 1
    (site / "index.html").write_text(f'<a href="{finish_site.PDF_NAME}">PDF</a><img src="_images/gone.png">')
    assert finish_site.main(["finish_site.py", str(site)]) == 1
    (site / finish_site.PDF_NAME).write_bytes(b"%PDF")
    (site / "index.html").write_text(f'<a href="{finish_site.PDF_NAME}">PDF</a>')
    assert finish_site.main(["finish_site.py", "--check", str(site)]) == 0
