"""House rules of the repository: one lint configuration, and a README map that matches the tree."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def tracked() -> list[str]:
    """The files git tracks, or, outside a git checkout, every file but the build's."""
    try:
        out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        skip = {".git", ".venv", ".venv-oldest", "_build", "workbooks", "node_modules", "__pycache__"}
        return [str(p.relative_to(ROOT)) for p in ROOT.rglob("*") if p.is_file() and not skip & set(p.parts)]
    return [line for line in out.splitlines() if (ROOT / line).exists()]


def readme_map() -> dict[str, str]:
    """The rows of the README's "What is where" table: each path named in the first column -> the row's text."""
    text = (ROOT / "README.md").read_text()
    section = text.split("## What is where", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 2 and "`" in cells[0]:
            for path in re.findall(r"`([^`]+)`", cells[0]):
                rows[path] = cells[1]
    return rows


def named(text: str) -> set[str]:
    """Every name the text puts in backticks."""
    return set(re.findall(r"`([^`]+)`", text))


def test_ruff_finds_nothing():
    # One line length and one rule set for the whole project, as pyproject.toml sets them.
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "."], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_map_names_every_top_level_entry_and_nothing_that_is_gone():
    rows = readme_map()
    top = {path.split("/")[0] + ("/" if "/" in path else "") for path in tracked()}
    missing = sorted(top - set(rows))
    assert not missing, f"README's 'What is where' lacks {missing}"
    gone = sorted(p for p in rows if p != "workbooks/" and not (ROOT / p).exists())
    assert not gone, f"README's 'What is where' names paths that do not exist: {gone}"


@pytest.mark.parametrize("folder", ["nnlib/", "nnlib/fast/", "tools/", "benchmarks/", "coursework/",
                                    "coursework/wall/"])
def test_the_map_names_every_module_of_the_folders_it_describes(folder):
    rows = readme_map()
    if folder not in rows:
        pytest.fail(f"README's 'What is where' has no row for {folder}")
    text = named(rows[folder])
    files = sorted({p[len(folder):].split("/")[0] for p in tracked() if p.startswith(folder)})
    for name in files:
        stem = name.removesuffix(".py")
        if name in {"__init__.py", "README.md"} or (ROOT / folder / name).is_dir() and f"{folder}{name}/" in rows:
            continue
        assert {name, stem, f"{name}/"} & text, f"README's row for {folder} does not name {name}"
    # And every module the nnlib rows name exists.
    if folder.startswith("nnlib"):
        modules = {n for n in text if re.fullmatch(r"_?[a-z_]+", n)}
        absent = sorted(m for m in modules if not (ROOT / folder / f"{m}.py").exists()
                        and not (ROOT / folder / m).is_dir())
        assert not absent, f"README's row for {folder} names modules that do not exist: {absent}"


def test_every_checker_module_is_named_for_its_chapter():
    # nnlib/check/_chNN_<chapter>.py for book/NN_<chapter>.ipynb; tests/test_check_NN_<chapter>.py beside it.
    for module in sorted((ROOT / "nnlib" / "check").glob("_*.py")):
        if module.name in {"__init__.py", "_core.py"}:
            continue
        found = re.fullmatch(r"_ch(\d\d)_(\w+)\.py", module.name)
        assert found, f"nnlib/check/{module.name} is not named _chNN_<chapter>.py"
        number, chapter = found.groups()
        assert (ROOT / "book" / f"{number}_{chapter}.ipynb").exists(), f"no chapter book/{number}_{chapter}.ipynb"
        assert (ROOT / "tests" / f"test_check_{number}_{chapter}.py").exists(), f"no tests of {module.name}"


def test_no_module_is_hidden_by_a_function_of_its_own_name():
    # `import nnlib.training as t` must give the module: no public name of nnlib is also one of its modules.
    import nnlib

    folder = ROOT / "nnlib"
    modules = {p.stem for p in folder.glob("*.py")} | {p.name for p in folder.iterdir() if p.is_dir()}
    assert not modules & set(nnlib.__all__), sorted(modules & set(nnlib.__all__))
