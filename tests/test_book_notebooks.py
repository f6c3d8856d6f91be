"""What the online book needs from each notebook: a Colab install cell, and a
caption and alt text on every figure (myst-nb cell metadata)."""

import json
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p.stem for p in (ROOT / "book").glob("*.ipynb"))
INSTALL_MARKER = "# nnlib-install-cell"
# A cell that shows a figure: plt.show(), a new figure, or one of nnlib.plots' functions.
FIGURE_RE = re.compile(
    r"plt\.show\(|plt\.subplots\(|plt\.figure\(|\bdraw_network\(|\bplot_cost\(|\bplot_decision_boundary\("
)


def cells(stem):
    return json.loads((ROOT / "book" / f"{stem}.ipynb").read_text())["cells"]


def source(cell):
    return "".join(cell["source"])


def repository_url():
    repo = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]
    return repo["url"].rstrip("/"), repo.get("branch") or "main"


@pytest.mark.parametrize("stem", NOTEBOOKS)
def test_first_code_cell_installs_nnlib_from_the_configured_repository(stem):
    # Colab has no nnlib: the first code cell installs it, from the URL in _config.yml.
    code = [c for c in cells(stem) if c["cell_type"] == "code"]
    assert code, f"{stem} has no code cells"
    first = source(code[0])
    assert first.startswith(INSTALL_MARKER), f"{stem}: the first code cell is not the install cell"
    assert sum(source(c).startswith(INSTALL_MARKER) for c in code) == 1
    url, branch = repository_url()
    assert f'NNLIB_REPOSITORY = "{url}"' in first, f"{stem}: install cell does not use {url}"
    assert f'NNLIB_REF = "{branch}"' in first, f"{stem}: install cell does not install {branch}"
    assert '"nnlib-from-scratch @ git+{NNLIB_REPOSITORY}@{NNLIB_REF}"' in first  # nnlib's name on PyPI
    assert 'find_spec("nnlib") is None' in first  # does nothing where nnlib is installed
    assert "remove-cell" in code[0]["metadata"].get("tags", [])


@pytest.mark.parametrize("stem", NOTEBOOKS)
def test_every_figure_has_a_caption_and_alt_text(stem):
    # myst-nb wraps the cell's image in a <figure> with this caption and alt text.
    missing = []
    for index, cell in enumerate(cells(stem)):
        if cell["cell_type"] != "code" or not FIGURE_RE.search(source(cell)):
            continue
        if source(cell).startswith(INSTALL_MARKER):
            continue
        if "raises-exception" in cell["metadata"].get("tags", []):
            continue  # it fails before its figure is shown: no image to caption
        meta = cell["metadata"].get("mystnb", {})
        caption = meta.get("figure", {}).get("caption", "")
        alt = meta.get("image", {}).get("alt", "")
        if len(caption.split()) < 5 or len(alt.split()) < 5:
            missing.append(index)
    assert not missing, f"{stem}: figure cells {missing} lack a caption or alt text (five words or more)"


def test_figure_names_are_unique_across_the_book():
    names = [
        c["metadata"]["mystnb"]["figure"]["name"]
        for stem in NOTEBOOKS
        for c in cells(stem)
        if c["metadata"].get("mystnb", {}).get("figure", {}).get("name")
    ]
    assert len(names) == len(set(names)), names
